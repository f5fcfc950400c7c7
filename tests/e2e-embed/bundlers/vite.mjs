// Vite: it rewrites `new URL('../pkg/x.wasm', import.meta.url)` and bundles
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` on its own; its dev
// server's dependency pre-bundling does not, hence `optimizeDeps.exclude`.
import { join } from 'node:path';
import { CHECKS, CHECKS_HTML, runChecks } from '../checks.mjs';
import { INDEX_HTML, MAIN_JS, checkPage, log, readmeExample, sh, startBackground, writeFiles, runPage } from '../common.mjs';

/** What the README tells Vite users to put in vite.config.js (the dev server needs it). */
export const VITE_CONFIG = "optimizeDeps: { exclude: ['webgrad'] }";

export function viteCase(major, { checks = false, dev = false } = {}) {
  return {
    name: `vite${major}`,
    tool: 'vite',
    devDependencies: { vite: `^${major}` },
    async build({ app }) {
      const input = checks ? "build: { rollupOptions: { input: ['index.html', 'checks.html'] } }, " : '';
      writeFiles(app, {
        'index.html': INDEX_HTML(),
        'main.js': MAIN_JS,
        'example.js': readmeExample(),
        'vite.config.js': `export default { ${input}${VITE_CONFIG} };\n`,
        ...(checks ? { 'checks.html': CHECKS_HTML, 'checks.js': CHECKS } : {}),
      });
      await sh('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: app, timeout: 120 });
      return { dir: join(app, 'dist') };
    },
    /** After the built page passed: the checks page (Vite 8), and the dev server (`vite`). */
    async extra({ app, browser, url }) {
      const notes = [];
      const failures = [];
      const step = async (name, fn) => {
        try {
          notes.push(await fn());
        } catch (e) {
          log(`FAIL ${name}: ${e.stack ?? e}`);
          failures.push(`${name}: ${String(e.message ?? e).split('\n')[0]}`);
        }
      };
      if (dev) await step('dev server', () => devServer(app, browser));
      if (checks) await step('checks page', async () => { await runChecks(browser, url); return 'checks page ok'; });
      if (failures.length) throw new Error(failures.join('; ') + (notes.length ? ` (${notes.join('; ')})` : ''));
      return notes.join('; ');
    },
  };
}

/** `vite` (the dev server) with the same config: the page must train there too. */
async function devServer(app, browser) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = startBackground('npx', ['vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: app });
  try {
    const url = `http://127.0.0.1:${port}/`;
    const t = Date.now();
    for (;;) {
      if (server.proc.exitCode !== null) throw new Error(`vite dev server exited: ${server.output()}`);
      if (Date.now() - t > 30000) throw new Error(`vite dev server did not answer in 30 s: ${server.output()}`);
      try {
        if ((await fetch(url)).ok) break;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    log(`  vite dev server up at ${url} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const r = await runPage(browser, url, { label: '[dev] ' });
    const loss = checkPage(r);
    return `dev server ok (loss ${loss.first} → ${loss.last})`;
  } finally {
    server.stop();
  }
}
