// Prints "<buildFlavor> <deviceName>" for one wasm file of the package (run by features.test.ts).
import { readFileSync } from 'node:fs';
const glue = await import(new URL('../pkg/webgrad_wasm.js', import.meta.url).href);
await glue.default({ module_or_path: readFileSync(new URL(`../pkg/${process.argv[2]}`, import.meta.url)) });
console.log(`${glue.buildFlavor()} ${glue.deviceName()}`);
