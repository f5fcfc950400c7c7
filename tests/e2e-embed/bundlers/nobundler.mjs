// No bundler: a static page with an import map pointing `webgrad` at the installed package's
// dist/index.js, served with node_modules as it is. The README example runs unchanged (the
// package finds its worker and wasm next to itself).
import { INDEX_HTML, readmeExample, writeFiles } from '../common.mjs';
import { ENTRY } from './esbuild.mjs';

export const IMPORT_MAP = '<script type="importmap">{ "imports": { "webgrad": "/node_modules/webgrad/dist/index.js" } }</script>';

export default {
  name: 'nobundler',
  tool: null,
  devDependencies: {},
  async build({ app }) {
    writeFiles(app, { 'index.html': INDEX_HTML(IMPORT_MAP, ENTRY), 'example.js': readmeExample() });
    return { dir: app };
  },
};
