// Vite: it rewrites `new URL('../pkg/x.wasm', import.meta.url)` and bundles
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` on its own. Each major
// gets only the config it needs (`config`), the dev server included:
//   Vite 8: none.
//   Vite 7: `optimizeDeps: { exclude: ['webgrad'] }` — its dev server pre-bundles the package into
//     node_modules/.vite/deps/, away from its wasm files (the page then gets index.html for
//     node_modules/.vite/pkg/webgrad_relaxed.wasm); and `worker: { format: 'es' }` — the worker
//     loads the full (WebGPU) build with a dynamic import, a code split that its default worker
//     format refuses in `vite build` ('Invalid value "iife" for option "worker.format" - UMD and
//     IIFE output formats are not supported for code-splitting builds').
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CHECKS, CHECKS_HTML, runChecks } from '../checks.mjs';
import { INDEX_HTML, MAIN_JS, checkPage, log, readmeExample, sh, startBackground, writeFiles, runPage } from '../common.mjs';

/** What each major needs in vite.config.js (the README's bundler notes say the same). */
export const VITE_CONFIG = {
  8: '',
  7: "optimizeDeps: { exclude: ['webgrad'] }, worker: { format: 'es' }",
};

/** `checks`: also the checks page (a second input: test-only config); `dev`: also `vite`. */
export function viteCase(major, { checks = false, dev = false } = {}) {
  const config = VITE_CONFIG[major];
  return {
    name: `vite${major}`,
    tool: 'vite',
    devDependencies: { vite: `^${major}` },
    async build({ app }) {
      const input = checks ? "build: { rollupOptions: { input: ['index.html', 'checks.html'] } }" : '';
      writeFiles(app, {
        'index.html': INDEX_HTML(),
        'main.js': MAIN_JS,
        'example.js': readmeExample(),
        'vite.config.js': `export default { ${[input, config].filter(Boolean).join(', ')} };\n`,
        ...(checks ? { 'checks.html': CHECKS_HTML, 'checks.js': CHECKS } : {}),
      });
      await sh('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: app, timeout: 120 });
      return { dir: join(app, 'dist') };
    },
    /** After the built page passed: the dev server (`vite`), and the checks page (Vite 8). */
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
  // A port that is free now (the OS picks it), for `--strictPort`.
  const probe = createServer();
  const port = await new Promise((ok) => probe.listen(0, '127.0.0.1', () => ok(probe.address().port)));
  await new Promise((ok) => probe.close(ok));
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
