// Parcel 2: like Vite and webpack it handles `new URL('…', import.meta.url)` and the module worker
// itself, but it has no top-level await (parcel-bundler/parcel#4028: "await isn't allowed in
// non-async function"), so the example's body runs in an async function here. Skipped (not
// failed) when it does not install and build within two minutes here.
import { join } from 'node:path';
import { INDEX_HTML, readmeExample, sh, writeFiles } from '../common.mjs';

/** The README example with its statements in an async function (its import stays on top). */
export function asyncExample() {
  const src = readmeExample();
  const imp = "import * as wg from 'webgrad';\n";
  if (!src.startsWith(imp)) throw new Error(`the README example does not start with ${JSON.stringify(imp)}`);
  return `${imp}export const done = (async () => {\n${src.slice(imp.length)}})();\n`;
}

export default {
  name: 'parcel',
  tool: 'parcel',
  devDependencies: { parcel: '^2' },
  skipAfter: 120,
  async build({ app }) {
    writeFiles(app, {
      'index.html': INDEX_HTML('', '<script type="module" src="./main.js"></script>'),
      'main.js': "window.__done = import('./example.js').then((m) => m.done).then(() => 'ok', (e) => 'error: ' + ((e && e.stack) || e));\n",
      'example.js': asyncExample(),
    });
    await sh('npx', ['parcel', 'build', 'index.html', '--no-cache', '--log-level', 'warn'], { cwd: app, timeout: 120 });
    return { dir: join(app, 'dist') };
  },
};
