// Node ≥ 20: the README example as a script in a fresh project, `wg.init()` with no options (the
// package reads its own wasm with node:fs and runs its host inline: there is no Worker). It must
// train and exit 0 by itself.
import { join } from 'node:path';
import { checkLoss, log, readmeExample, sh, writeFiles } from '../common.mjs';

export default {
  name: 'node',
  tool: 'node',
  devDependencies: {},
  async run({ app }) {
    writeFiles(app, { 'example.mjs': readmeExample() });
    const out = await sh(process.execPath, ['example.mjs'], { cwd: app, timeout: 120 });
    const lines = out.trim().split('\n');
    for (const l of lines) log(`  node: ${l}`);
    return checkLoss(lines);
  },
};
