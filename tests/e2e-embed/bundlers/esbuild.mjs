// esbuild leaves `new URL('…', import.meta.url)` alone, so the package's own files are copied next
// to the bundle (out/webgrad/{dist,pkg}) and `init` is told where: `wg.init({ baseUrl: '/webgrad/' })`.
import { join } from 'node:path';
import { INDEX_HTML, baseUrlExample, copyPackageFiles, sh, writeFiles } from '../common.mjs';

/** The page imports the bundle itself (an ES module with top-level await). */
export const ENTRY = `<script type="module">window.__done = import('./example.js').then(() => 'ok', (e) => 'error: ' + ((e && e.stack) || e));</script>`;

export default {
  name: 'esbuild',
  tool: 'esbuild',
  devDependencies: { esbuild: '>=0.25' },
  baseUrl: true,
  async build({ app }) {
    writeFiles(app, { 'example.js': baseUrlExample() });
    await sh('npx', ['esbuild', 'example.js', '--bundle', '--format=esm', '--minify', '--outdir=out', '--log-level=warning'], { cwd: app, timeout: 120 });
    const out = join(app, 'out');
    writeFiles(out, { 'index.html': INDEX_HTML('', ENTRY) });
    copyPackageFiles(app, join(out, 'webgrad'));
    return { dir: out };
  },
};
