// webpack 5: asset modules handle `new URL('../pkg/x.wasm', import.meta.url)` and it bundles
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` as a worker chunk.
// The page is a static dist/index.html, as in webpack's Getting Started guide.
import { join } from 'node:path';
import { INDEX_HTML, MAIN_JS, readmeExample, sh, writeFiles } from '../common.mjs';

export const WEBPACK_CONFIG = `export default {
  mode: 'production',
  entry: './main.js',
};
`;

export default {
  name: 'webpack',
  tool: 'webpack',
  devDependencies: { webpack: '^5', 'webpack-cli': '^7' },
  async build({ app }) {
    writeFiles(app, { 'main.js': MAIN_JS, 'example.js': readmeExample(), 'webpack.config.js': WEBPACK_CONFIG });
    await sh('npx', ['webpack', '--no-stats'], { cwd: app, timeout: 120 });
    writeFiles(join(app, 'dist'), { 'index.html': INDEX_HTML('', '<script defer src="main.js"></script>') });
    return { dir: join(app, 'dist') };
  },
};
