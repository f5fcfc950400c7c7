// Rollup 4 + @rollup/plugin-node-resolve: like esbuild it leaves `new URL('…', import.meta.url)`
// (and the worker) alone, so the package's files are copied to out/webgrad/ and `init` gets
// `baseUrl: '/webgrad/'`.
import { join } from 'node:path';
import { INDEX_HTML, baseUrlExample, copyPackageFiles, sh, writeFiles } from '../common.mjs';
import { ENTRY } from './esbuild.mjs';

export const ROLLUP_CONFIG = `import { nodeResolve } from '@rollup/plugin-node-resolve';
export default { input: 'example.js', output: { dir: 'out', format: 'es' }, plugins: [nodeResolve()] };
`;

export default {
  name: 'rollup',
  tool: 'rollup',
  devDependencies: { rollup: '^4', '@rollup/plugin-node-resolve': '^16' },
  baseUrl: true,
  async build({ app }) {
    writeFiles(app, { 'example.js': baseUrlExample(), 'rollup.config.mjs': ROLLUP_CONFIG });
    await sh('npx', ['rollup', '-c', '--silent'], { cwd: app, timeout: 120 });
    const out = join(app, 'out');
    writeFiles(out, { 'index.html': INDEX_HTML('', ENTRY) });
    copyPackageFiles(app, join(out, 'webgrad'));
    return { dir: out };
  },
};
