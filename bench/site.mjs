// The site's first load, as a visitor gets it: www/dist (the production build of the site, as
// `npm run build` in www/ makes it) served on 127.0.0.1 without caching, opened in a fresh browser
// context (cold HTTP and code caches). For the playground page: milliseconds from navigation
// start until the page is interactive (`body[data-ready]`: engine loaded, training worker
// started, UI drawn) and until its first training epoch after pressing play at that moment; and
// the bytes it fetched to get there (gzip -9 per response, each URL once).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const www = resolve(dirname(fileURLToPath(import.meta.url)), '../www');
/** www/dist, built when missing (the test command's www stage builds it before the bench). */
export function ensureSiteBuilt(log) {
  if (existsSync(join(www, 'dist/index.html'))) return;
  log('www/dist is missing: npm run build in www/');
  execFileSync('npm', ['run', 'build'], { cwd: www, stdio: 'inherit' });
}

async function once(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const files = [];
  const pending = [];
  const seen = new Set();
  page.on('response', (r) => {
    const u = r.url();
    if (seen.has(u) || !u.startsWith('http://127.0.0.1')) return;
    seen.add(u);
    pending.push(r.body().then((b) => files.push({ file: new URL(u).pathname, raw: b.length, gzip: gzipSync(b, { level: 9 }).length }), () => {}));
  });
  // The moment the page marks itself ready, without polling latency.
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.body?.dataset.ready === 'true') {
        window.__readyAt = performance.now();
        obs.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
  });
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__readyAt !== undefined, null, { timeout: 60_000 });
    const ready = await page.evaluate(() => window.__readyAt);
    await page.click('[data-test="play"]');
    await page.waitForFunction(() => window.playground.epoch > 0, null, { timeout: 60_000, polling: 'raf' });
    const epoch = await page.evaluate(() => performance.now());
    await page.click('[data-test="play"]');
    await Promise.all(pending);
    // Bytes up to "ready": everything but what the first epoch fetched (nothing, on the CPU).
    const sum = (re) => files.filter((f) => re.test(f.file)).reduce((s, f) => s + f.gzip, 0);
    return {
      ready, epoch,
      jsGzip: sum(/\.m?js$/), wasmGzip: sum(/\.wasm$/), allGzip: sum(/./),
      wasmFiles: files.filter((f) => f.file.endsWith('.wasm')).map((f) => f.file.split('/').pop()),
    };
  } finally {
    await context.close();
  }
}

/** The playground's first load, `reps` times (fresh contexts); `serve(dir)` is run.mjs's static
 *  server (no caching). */
export async function siteLoad(browser, { reps, log, serve }) {
  ensureSiteBuilt(log);
  const server = await serve(join(www, 'dist'));
  const url = `http://127.0.0.1:${server.address().port}/#/playground`;
  const runs = [];
  try {
    for (let i = 0; i < reps; i++) {
      try {
        runs.push(await once(browser, url));
      } catch (e) {
        runs.push({ error: String(e?.message ?? e).split('\n')[0] });
      }
    }
  } finally {
    server.close();
  }
  const ok = runs.filter((r) => !r.error);
  if (ok.length) log(`site: playground ready at ${ok.map((r) => r.ready.toFixed(0)).join(', ')} ms; ${(ok[0].allGzip / 1024).toFixed(0)} KiB gzip`);
  else log(`site: ${runs[0]?.error}`);
  return runs;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Markdown lines for the results. */
export function siteLines(runs) {
  const ok = runs.filter((r) => !r.error);
  const L = ['## The site\'s first load (playground)', '',
    'www/dist (the production build) from 127.0.0.1, no caching, a fresh browser context per run: milliseconds from navigation start until the playground is interactive (`body[data-ready]`: engine compiled, training worker started, views drawn) and until its first training epoch after pressing play then; and what it fetched by then, gzip -9 per response. Median (min–max).', ''];
  if (!ok.length) return [...L, `failed: ${runs[0]?.error ?? 'no runs'}`, ''];
  const f = (k) => {
    const v = ok.map((x) => x[k]);
    return v.length > 1 ? `${median(v).toFixed(0)} (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)})` : v[0].toFixed(0);
  };
  const kb = (b) => `${(b / 1000).toFixed(0)} KB`;
  const r = ok[0];
  L.push('| page | interactive (ms) | first epoch (ms) | JS gzip | wasm gzip | everything gzip | wasm files |', '|---|---:|---:|---:|---:|---:|---|');
  L.push(`| playground | ${f('ready')} | ${f('epoch')} | ${kb(r.jsGzip)} | ${kb(r.wasmGzip)} | ${kb(r.allGzip)} | ${r.wasmFiles.join(', ')} |`, '');
  L.push(`Goals: interactive ≤ 1000 ms: ${median(ok.map((x) => x.ready)) <= 1000 ? 'yes' : 'no'}; JS + wasm ≤ 250 KB gzip: ${r.jsGzip + r.wasmGzip <= 250_000 ? 'yes' : 'no'} (${kb(r.jsGzip + r.wasmGzip)}).`, '');
  return L;
}
