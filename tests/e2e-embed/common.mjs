// Shared pieces of the embed matrix (run.mjs): the packed tarball, a fresh project per case, a
// static server, one headless Chromium, the page check and the bytes each page fetched.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
/** The package folder to pack: WEBGRAD_WEB, else this checkout's web/. */
export const web = resolve(process.env.WEBGRAD_WEB ?? join(root, 'web'));

const t0 = Date.now();
export const elapsed = () => (Date.now() - t0) / 1000;
export const log = (m) => console.log(`[e2e-embed ${elapsed().toFixed(1)}s] ${m}`);

/** A failure that is a skip (the case could not run here), not a broken package. */
export class Skip extends Error {}

/**
 * Runs a command; resolves with its stdout. Output is kept and shown (its tail) only on failure,
 * or live with `{ live: true }`. `timeout` (s) kills the process group; the error then says so
 * (`err.timedOut`).
 */
export function sh(cmd, args, { cwd, env, timeout = 300, live = false, quiet = false } = {}) {
  if (!quiet) log(`$ ${cmd} ${args.join(' ')}   (in ${cwd})`);
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; if (live) process.stdout.write(d); });
    p.stderr.on('data', (d) => { err += d; if (live) process.stderr.write(d); });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeout * 1000);
    p.on('error', (e) => { clearTimeout(timer); fail(e); });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) return ok(out);
      const tail = (out + err).trim().split('\n').slice(-25).join('\n');
      const e = new Error(`${cmd} ${args.join(' ')} ${timedOut ? `took over ${timeout} s` : `exited ${code ?? signal}`}:\n${tail}`);
      e.timedOut = timedOut;
      e.output = out + err;
      fail(e);
    });
  });
}

/** Starts a long-running command (a dev server); returns { proc, stop(), output() }. */
export function startBackground(cmd, args, { cwd, env } = {}) {
  log(`$ ${cmd} ${args.join(' ')} &   (in ${cwd})`);
  const proc = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  return {
    proc,
    output: () => out,
    stop: () => { try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ } },
  };
}

/** The first ```js block under the README heading "Embed it": the example the test runs. */
export function readmeExample() {
  if (process.env.E2E_EXAMPLE) return readFileSync(process.env.E2E_EXAMPLE, 'utf8');
  const md = readFileSync(join(root, 'README.md'), 'utf8');
  const section = md.split(/^## /m).find((s) => s.startsWith('Embed it'));
  const code = section && /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md has no "## Embed it" section with a ```js block');
  return code;
}

/** The README example for bundlers that leave `new URL(…, import.meta.url)` alone (esbuild,
 *  plain Rollup): the package's dist/ and pkg/ are copied to `<out>/webgrad/`, and `init` is told
 *  where. The one line that differs from the README example. */
export const BASE_URL_INIT = "wg.init({ baseUrl: '/webgrad/' })";
export function baseUrlExample() {
  const src = readmeExample();
  if (!src.includes('wg.init()')) throw new Error('the README example has no `wg.init()` to give a baseUrl to');
  return src.replace('wg.init()', BASE_URL_INIT);
}

/** Copies the installed package's dist/ and pkg/ into `dir` (the baseUrl recipe). */
export function copyPackageFiles(app, dir) {
  const from = join(app, 'node_modules/webgrad');
  for (const d of ['dist', 'pkg']) cpSync(join(from, d), join(dir, d), { recursive: true });
}

/**
 * `npm pack` of the package into `dest`; returns the tarball's file name. Builds web/ first
 * when it has no dist/ (only for this checkout's own web/). Refuses a tarball without the files
 * a page needs (a pack taken while the package was being rebuilt).
 */
export async function pack(dest, { retry = true } = {}) {
  const built = existsSync(join(web, 'dist/index.js')) && existsSync(join(web, 'dist/worker.js'));
  if (!built) {
    if (web !== join(root, 'web')) throw new Error(`${web} has no built dist/: build it there first`);
    await sh('npm', ['run', 'build'], { cwd: web, timeout: 1800, live: true });
  }
  const out = await sh('npm', ['pack', '--json', '--pack-destination', dest], { cwd: web, timeout: 120 });
  const info = JSON.parse(out)[0];
  const files = info.files.map((f) => f.path);
  const missing = ['dist/index.js', 'dist/worker.js', 'pkg/webgrad_wasm.js']
    .filter((f) => !files.includes(f));
  if (!files.some((f) => /^pkg\/.*\.wasm$/.test(f))) missing.push('pkg/*.wasm');
  if (missing.length) {
    const msg = `the packed ${info.filename} lacks ${missing.join(', ')}: half-built?`;
    if (!retry) throw new Error(`${msg} (wait for the build there and retry)`);
    log(`${msg} once more in 60 s`);
    await new Promise((ok) => setTimeout(ok, 60000));
    return pack(dest, { retry: false });
  }
  log(`packed ${info.filename} from ${web}: ${files.length} files, ${(info.size / 1024).toFixed(0)} KiB (${files.filter((f) => f.endsWith('.wasm')).join(', ')})`);
  return info.filename;
}

/** A fresh project dir `<tmp>/<name>` whose package.json depends on the tarball. */
export function project(tmp, name, tarball, { devDependencies = {}, scripts = {}, type = 'module' } = {}) {
  const app = join(tmp, name);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: `webgrad-e2e-${name}`, private: true, type, scripts,
    dependencies: { webgrad: `file:../${tarball}` },
    devDependencies,
  }, null, 2) + '\n');
  return app;
}

export function install(app, { timeout = 240 } = {}) {
  return sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, timeout });
}

/** The installed version of a package in a project. */
export function installedVersion(app, pkg) {
  try {
    return JSON.parse(readFileSync(join(app, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

/** The page that runs `example.js` and reports how it ended in `window.__done`. */
export const INDEX_HTML = (head = '', entry = '<script type="module" src="/main.js"></script>') => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>webgrad embed</title>${head}</head>
<body><pre id="out"></pre>${entry}</body></html>
`;
/** The entry: the README example runs as written, as its own module; a dynamic import settles
 *  once the module's top-level awaits are done. */
export const MAIN_JS = "window.__done = import('./example.js').then(() => 'ok', (e) => 'error: ' + ((e && e.stack) || e));\n";

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json',
};

/**
 * A static server for `dir` on 127.0.0.1, gzip-encoding responses when the browser asks and
 * letting it cache them (as a production server would), so that the transferred sizes playwright reports are gzip sizes.
 * 404 (never an HTML fallback) for a missing file.
 */
export function serve(dir) {
  dir = resolve(dir);
  const cache = new Map();
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!(file === dir || file.startsWith(dir + sep)) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    // Cacheable, as a production server serves built assets: a file the page and its worker both
    // import is transferred once (each page runs in a fresh context, so nothing is cached before).
    const headers = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'max-age=3600' };
    let body = readFileSync(file);
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      const key = `${file}:${statSync(file).mtimeMs}`;
      if (!cache.has(key)) cache.set(key, gzipSync(body, { level: 9 }));
      body = cache.get(key);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    server.sent.push({ path, bytes: body.length });
    res.writeHead(200, headers).end(body);
  });
  /** What the server sent, a row per response (the body bytes): to check the browser's account. */
  server.sent = [];
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** One headless Chromium for the whole matrix (Debian's, never a downloaded one). */
export async function launchChromium() {
  let req;
  try {
    req = createRequire(join(web, 'package.json'));
    req.resolve('playwright-core');
  } catch {
    req = createRequire(join(root, 'web/package.json'));
  }
  const { chromium } = req('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'],
  });
}

/**
 * Opens `url` in a fresh browser context (empty cache), waits for `window.__done`, and returns
 * { result, lines, fetched }: the page's console lines and every response the page and its
 * workers got, with the bytes transferred (gzip-encoded body) and decoded.
 */
export async function runPage(browser, url, { label = '', timeout = 120 } = {}) {
  const context = await browser.newContext();
  const lines = [];
  const pending = [];
  const fetched = [];
  context.on('response', (res) => {
    pending.push((async () => {
      const entry = { url: res.url(), status: res.status(), type: res.headers()['content-type'] ?? '', gzip: 0, raw: 0 };
      fetched.push(entry);
      try {
        // The encoded body size as the browser saw it; for a worker's own requests Chromium
        // reports 0 there, and the response's content-length (set by serve()) says it instead.
        // A response from the browser's cache (a module both the page and its worker import)
        // reports a negative size: nothing was transferred for it.
        const sizes = await res.request().sizes();
        entry.raw = (await res.body()).length;
        entry.cached = sizes.responseBodySize < 0;
        entry.gzip = entry.cached ? 0 : sizes.responseBodySize || Number(res.headers()['content-length'] ?? 0);
      } catch { /* a response without a body (aborted) */ }
    })());
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    lines.push(m.text());
    log(`  ${label}console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => log(`  ${label}pageerror: ${e.message}`));
  page.on('worker', (w) => log(`  ${label}worker started: ${w.url()}`));
  try {
    await page.goto(url);
    let timer;
    const result = await Promise.race([
      page.evaluate(() => window.__done ?? 'error: the page set no window.__done'),
      new Promise((ok) => (timer = setTimeout(() => ok(`error: the page did not finish in ${timeout} s`), timeout * 1000))),
    ]).finally(() => clearTimeout(timer));
    await Promise.all(pending);
    return { result, lines, fetched };
  } finally {
    await context.close();
  }
}

/** The example logs "training on …" and "epoch <n> loss <x>" lines: the last loss must be well
 *  below the first. Returns { first, last, epochs, device }. */
export function checkLoss(lines) {
  const losses = lines.map((l) => /epoch \d+ loss ([\d.eE+-]+)/.exec(l)).filter(Boolean).map((m) => Number(m[1]));
  if (losses.length < 2) throw new Error(`expected "epoch N loss X" lines from the example, got: ${JSON.stringify(lines.slice(-10))}`);
  const [first, last] = [losses[0], losses[losses.length - 1]];
  if (!(last < 0.7 * first)) throw new Error(`the loss did not fall enough: ${first} → ${last}`);
  const training = lines.map((l) => /^training on (.*) \((\w+), ([\w-]+)\)/.exec(l)).find(Boolean);
  return { first, last, epochs: losses.length, name: training?.[1], device: training?.[2], flavor: training?.[3] };
}

/** Prints what a page fetched (path, content type, KiB decoded, KiB transferred); returns the
 *  totals. */
export function printFetched(fetched, origin, sent) {
  const rows = fetched.map((f) => ({ ...f, path: f.url.startsWith(origin) ? '/' + f.url.slice(origin.length) : f.url }));
  const w = Math.max(10, ...rows.map((r) => r.path.length));
  log(`  ${'fetched'.padEnd(w)}  status  ${'KiB'.padStart(7)}  ${'KiB gz'.padStart(7)}`);
  for (const r of rows) {
    log(`  ${r.path.padEnd(w)}  ${String(r.status).padStart(6)}  ${(r.raw / 1024).toFixed(1).padStart(7)}  ${(r.gzip / 1024).toFixed(1).padStart(7)}${r.cached ? '  (cached)' : ''}`);
  }
  const raw = rows.reduce((s, r) => s + r.raw, 0);
  const gzip = rows.reduce((s, r) => s + r.gzip, 0);
  const wasm = rows.filter((r) => /\.wasm(\?|$)/.test(r.path)).reduce((s, r) => s + r.gzip, 0);
  const js = rows.filter((r) => /\.m?js(\?|$)/.test(r.path)).reduce((s, r) => s + r.gzip, 0);
  if (sent) {
    // The server's own count must agree with the browser's (a few bytes of 404 bodies aside).
    const bytes = sent.reduce((a, r) => a + r.bytes, 0);
    log(`  (the server sent ${sent.length} responses, ${(bytes / 1024).toFixed(1)} KiB)`);
    if (Math.abs(bytes - gzip) > 1024) throw new Error(`the browser's account of the bytes fetched (${gzip}) and the server's (${bytes}) disagree`);
  }
  log(`  ${'total'.padEnd(w)}  ${String(rows.length).padStart(6)}  ${(raw / 1024).toFixed(1).padStart(7)}  ${(gzip / 1024).toFixed(1).padStart(7)}   (js ${(js / 1024).toFixed(1)}, wasm ${(wasm / 1024).toFixed(1)} KiB gz)`);
  return { raw, gzip, js, wasm, files: rows.length };
}

/** The checks every browser case makes on its page's result. */
export function checkPage({ result, lines, fetched }) {
  if (result !== 'ok') throw new Error(`the README example failed in the browser: ${result}`);
  const loss = checkLoss(lines);
  const failed = fetched.filter((f) => f.status >= 400);
  if (failed.length) throw new Error(`the page got ${failed.map((f) => `${f.status} for ${f.url}`).join(', ')}`);
  // A page that trains on the CPU needs only the CPU-only wasm: the full engine (WebGPU + the
  // tabular half) is fetched on demand, never here.
  if (loss.device === 'cpu' && fetched.some((f) => /webgrad_full\.wasm/.test(f.url))) {
    throw new Error('a CPU-only page fetched webgrad_full.wasm');
  }
  return loss;
}

export function writeFiles(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}
