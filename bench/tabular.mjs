// Tabular benchmark: webgrad's classic models in headless Chromium beside scikit-learn natively
// (one thread and every core) and ml.js in the same Chromium, on the same table.
//
//   node bench/tabular.mjs [--rows 100000] [--cols 20] [--small 10000] [--timeout 120] [--smoke]
//
// The table (a seeded binary problem, float32) is written once by bench/tabular_sklearn.py and
// fetched by every page, so all libraries fit identical data. Fits: LogisticRegression (lbfgs,
// maxIter 100), RandomForestClassifier (100 trees), KMeans (8 clusters, nInit 1), PCA (2
// components). Each browser fit runs in a fresh page; one that takes longer than --timeout
// seconds is reported as "> timeout". A second, smaller table (--small) runs too, so every
// library has a number. Prints a table, writes bench/results/tabular-latest.json and, unless
// --smoke, BENCHMARKS-tabular.md. Needs web/ built (npm run build in web/) and the scikit-learn
// venv (.venv-sklearn, created here when missing).
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const smoke = argv.includes('--smoke');
const ROWS = opt('--rows', smoke ? 500 : 100_000);
const COLS = opt('--cols', smoke ? 5 : 20);
const SMALL = opt('--small', smoke ? 0 : 10_000);
const TIMEOUT_S = opt('--timeout', smoke ? 60 : 120);
const ALGOS = ['LogisticRegression', 'RandomForestClassifier', 'KMeans', 'PCA'];
const log = (m) => console.log(`[tabular] ${m}`);

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
}

function python() {
  const py = join(root, '.venv-sklearn/bin/python');
  if (!existsSync(py)) {
    log('creating .venv-sklearn (scikit-learn 1.5.2)');
    sh('python3', ['-m', 'venv', '.venv-sklearn']);
    sh(join(root, '.venv-sklearn/bin/pip'), ['install', '--quiet', 'scikit-learn==1.5.2', 'numpy', 'threadpoolctl'], { stdio: 'inherit' });
  }
  return py;
}

async function bundle(dist) {
  for (const f of ['web/dist/index.js', 'web/pkg/webgrad_simd.wasm']) if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build in web/`);
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(here, 'src/tabular/page.js'), { in: 'webgrad/worker', out: 'worker' }],
    outdir: join(dist, 'runners'), bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true,
    absWorkingDir: here, logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' },
    // random-js (under ml-random-forest) names node's crypto on a path browsers never take.
    external: ['crypto'],
  });
  mkdirSync(join(dist, 'pkg'), { recursive: true });
  for (const f of ['webgrad_relaxed.wasm', 'webgrad_simd.wasm', 'webgrad_plain.wasm']) writeFileSync(join(dist, 'pkg', f), readFileSync(join(root, 'web/pkg', f)));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./runners/page.js"></script>');
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };
function serve(dist, data) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = path.startsWith('/data/') ? join(data, path.slice(6)) : join(dist, path === '/' ? 'index.html' : path);
    if (!existsSync(file) || statSync(file).isDirectory()) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function inPage(browser, url, lib, algo, rows, cols) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let timer;
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.ready === true);
    const run = page.evaluate(([l, a, r, c]) => window.bench(l, a, r, c), [lib, algo, rows, cols]);
    const guard = new Promise((ok) => (timer = setTimeout(() => ok({ timeout: true }), TIMEOUT_S * 1000)));
    return await Promise.race([run, guard]);
  } catch (e) {
    throw new Error(`${lib} ${algo} ${rows}×${cols}: ${e.message}${errors.length ? ` (page: ${errors[0]})` : ''}`);
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => {});
  }
}

const ms = (c) => (!c ? '–' : c.timeout ? `> ${TIMEOUT_S} s` : c.ms >= 10_000 ? `${(c.ms / 1000).toFixed(1)} s` : `${c.ms.toFixed(c.ms < 10 ? 1 : 0)} ms`);
const ratio = (a, b) => (a && b && !a.timeout && !b.timeout ? `${(a.ms / b.ms).toFixed(2)}×` : b?.timeout && a && !a.timeout ? `< ${(a.ms / (TIMEOUT_S * 1000)).toFixed(3)}×` : '–');
const q = (c) => (!c || c.timeout ? '' : c.quality > 100 ? c.quality.toExponential(4) : c.quality.toFixed(4));

function render(runs, env) {
  const lines = [
    `Machine: ${env.cpu}, ${env.cores} cores, load ${env.load} at the start; ${env.chromium}; webgrad wasm flavour ${env.flavor}, one thread (its worker); scikit-learn ${env.sklearn} natively (numpy/BLAS).`,
    '',
    '| table | algorithm | webgrad (Chromium) | sklearn 1 thread | sklearn all cores | ml.js (Chromium) | webgrad / sklearn-1 | webgrad / sklearn-all | ml.js / webgrad | quality: webgrad · sklearn · ml.js |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of runs) {
    for (const a of ALGOS) {
      const c = r.cells[a];
      lines.push(`| ${r.rows} × ${r.cols} | ${a} | ${ms(c.webgrad)} | ${ms(c.sk1)} | ${ms(c.skAll)} | ${ms(c.mljs)} | ${ratio(c.webgrad, c.sk1)} | ${ratio(c.webgrad, c.skAll)} | ${c.mljs?.timeout ? `> ${(TIMEOUT_S * 1000 / c.webgrad.ms).toFixed(1)}×` : ratio(c.mljs, c.webgrad)} | ${q(c.webgrad)} · ${q(c.sk1)} · ${q(c.mljs)} |`);
    }
  }
  lines.push('', 'Quality: training accuracy (LogisticRegression, RandomForestClassifier), inertia (KMeans), explained variance ratio of 2 components (PCA). ml.js: LogisticRegression is 100 steps of full-batch gradient descent (one-vs-all), RandomForest CART with sqrt(features) per tree and bootstrap, k-means++ with 300 iterations, PCA by SVD.');
  return lines.join('\n');
}

async function main() {
  const t0 = Date.now();
  const env = { cpu: os.cpus()[0]?.model ?? '?', cores: os.cpus().length, load: os.loadavg().map((v) => v.toFixed(2)).join(' ') };
  const py = python();
  const dist = join(here, 'dist-tabular');
  await bundle(dist);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--no-first-run'] });
  env.chromium = `Chromium ${browser.version()}`;
  const runs = [];
  try {
    for (const rows of [ROWS, SMALL].filter((n) => n > 0)) {
      const data = join(here, 'results', `tabular-data-${rows}x${COLS}`);
      log(`scikit-learn on ${rows} × ${COLS} (writes the table)`);
      const sk = JSON.parse(sh(py, [join(here, 'tabular_sklearn.py'), '--rows', String(rows), '--cols', String(COLS), '--out', data]));
      env.sklearn = sk.sklearn;
      const server = await serve(dist, data);
      const url = `http://127.0.0.1:${server.address().port}/`;
      const cells = {};
      try {
        for (const a of ALGOS) {
          const webgrad = await inPage(browser, url, 'webgrad', a, rows, COLS);
          env.flavor = webgrad.flavor ?? env.flavor;
          log(`webgrad ${a}: ${ms(webgrad)}`);
          const mljs = await inPage(browser, url, 'mljs', a, rows, COLS);
          log(`ml.js ${a}: ${ms(mljs)}`);
          cells[a] = { webgrad, mljs, sk1: sk.oneThread[a], skAll: sk.allCores[a] };
          if (webgrad.timeout) throw new Error(`webgrad ${a} took over ${TIMEOUT_S} s`);
        }
      } finally {
        server.close();
      }
      runs.push({ rows, cols: COLS, cells });
    }
  } finally {
    await browser.close();
  }
  const md = render(runs, env);
  console.log(`\n${md}\n`);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/tabular-latest.json'), JSON.stringify({ env, runs, date: new Date().toISOString() }, null, 1));
  if (!smoke) {
    writeFileSync(join(root, 'BENCHMARKS-tabular.md'), `# Tabular benchmark\n\n\`node bench/tabular.mjs\`, ${new Date().toISOString().slice(0, 10)}, ${((Date.now() - t0) / 1000).toFixed(0)} s.\n\n${md}\n`);
  }
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
