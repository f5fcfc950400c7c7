// Side-by-side browser benchmark: webgrad (CPU SIMD, WebGPU) vs TensorFlow.js (wasm, cpu, webgpu)
// and ONNX Runtime Web (wasm, inference only), in headless Chromium.
//
//   node bench/run.mjs                 full run: writes BENCHMARKS.md at the repo root (~15-25 min)
//   node bench/run.mjs --smoke         one tiny repetition of everything (< 2 min), asserts nothing
//                                      about speed, fails when a workload breaks; no BENCHMARKS.md
//   node bench/run.mjs --report bench/results/latest.json [--out FILE]   re-render the markdown
//   options: --reps N   --runners a,b   --workloads id,id   --out FILE   --skip sizes,first,site,memory,throughput
//            --no-build (reuse bench/dist)   --build-web / --no-build-web (default: build in full runs)
//
// It installs bench/'s npm packages when needed, builds web/ (`npm run build`: the three wasm
// flavours + TypeScript), bundles the pages (build.mjs), serves bench/dist on 127.0.0.1 (no
// COOP/COEP: every library runs single-threaded), and drives Debian's Chromium through
// playwright-core. Runners: webgrad-cpu (model API), webgrad-cpu-ops (tensor API + autograd),
// webgrad-webgpu, tfjs-wasm, tfjs-cpu, tfjs-webgpu, ort-wasm.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { siteLines, siteLoad } from './site.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const t0 = Date.now();
const log = (m) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

// ---- options -------------------------------------------------------------------------------
function parseArgs(argv) {
  const o = { smoke: false, reps: null, runners: null, workloads: [], build: true, buildWeb: null, out: null, skip: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--smoke') o.smoke = true;
    else if (a === '--reps') o.reps = Number(val());
    else if (a === '--runners') o.runners = val().split(',');
    else if (a === '--workloads') o.workloads = val().split(',');
    else if (a === '--no-build') o.build = false;
    else if (a === '--build-web') o.buildWeb = true;
    else if (a === '--no-build-web') o.buildWeb = false;
    else if (a === '--out') o.out = resolve(val());
    else if (a === '--skip') val().split(',').forEach((s) => o.skip.add(s));
    else if (a === '-h' || a === '--help') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport')[0]);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  o.reps ??= o.smoke ? 1 : 5;
  // A full run measures the current engine, so it rebuilds web/ (incremental); smoke mode (run by
  // `cargo xtask test` after web/'s own build) only builds it when it is missing.
  o.buildWeb ??= !o.smoke;
  return o;
}

// ---- setup ---------------------------------------------------------------------------------
function sh(cmd, args, cwd) {
  log(`$ ${cmd} ${args.join(' ')}   (in ${cwd})`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

/** `npm ci` in `dir` when node_modules is missing or older than package.json / the lock file. */
function npmDeps(dir) {
  const stamp = mtime(join(dir, 'node_modules/.package-lock.json'));
  const inputs = Math.max(mtime(join(dir, 'package.json')), mtime(join(dir, 'package-lock.json')));
  if (stamp && stamp >= inputs) return;
  sh('npm', [existsSync(join(dir, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
}

function prepare(opts) {
  npmDeps(here);
  const web = join(root, 'web');
  const built = ['dist/index.js', 'pkg/webgrad_wasm.js', 'pkg/webgrad_simd.wasm'].every((f) => existsSync(join(web, f)));
  if (opts.buildWeb || !built) {
    // web/'s own packages are `cargo xtask setup`'s job; install them only when absent.
    if (!existsSync(join(web, 'node_modules'))) npmDeps(web);
    sh('npm', ['run', 'build'], web);
  }
}

// ---- static server -------------------------------------------------------------------------
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml', '.json': 'application/json',
};

function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// ---- browser -------------------------------------------------------------------------------
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

async function withPage(browser, url, fn, { onResponse, timeoutMs } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  if (onResponse) page.on('response', onResponse);
  let timer;
  try {
    await page.goto(url, { waitUntil: 'load' });
    const run = fn(page, context);
    const guard = new Promise((_, no) => (timer = setTimeout(() => no(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs)));
    return await Promise.race([run, guard]);
  } catch (e) {
    e.message += errors.length ? `\n  page errors: ${errors.slice(0, 3).join(' | ')}` : '';
    throw e;
  } finally {
    clearTimeout(timer);
    await context.close();
  }
}

// ---- passes --------------------------------------------------------------------------------
async function environment(browser, base) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const flags = /flags\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.split(' ') ?? [];
  const page = await withPage(browser, `${base}/tfjs-cpu.html`, (p) => p.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    const i = a?.info ?? {};
    return {
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      webgpu: a ? { vendor: i.vendor, architecture: i.architecture, description: i.description, fallback: i.isFallbackAdapter ?? a.isFallbackAdapter } : null,
    };
  }), { timeoutMs: 60_000 });
  const gpu = page.webgpu;
  const swiftshader = !!gpu && (gpu.fallback || /swiftshader/i.test(`${gpu.architecture} ${gpu.description} ${gpu.vendor}`));
  return {
    date: new Date().toISOString(),
    cpu: model,
    cores: os.cpus().length,
    avx2: flags.includes('avx2'),
    avx512: flags.includes('avx512f'),
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    browser: `Chromium ${browser.version()}`,
    ...page,
    gpuLabel: !gpu ? 'no WebGPU adapter' : swiftshader
      ? 'not GPU (SwiftShader CPU emulation)'
      : `${gpu.vendor ?? ''} ${gpu.architecture ?? ''} ${gpu.description ?? ''}`.trim(),
    swiftshader,
    loadavgStart: os.loadavg(),
  };
}

/** Bytes each size-job page downloads (JS and wasm), raw and gzip -9. */
async function sizes(browser, base, jobs) {
  const out = {};
  for (const job of jobs) {
    const files = [];
    const pending = [];
    const seen = new Set(); // a chunk that the page and the worker both import is fetched once
    const onResponse = (r) => {
      const url = r.url();
      if (!/\.(m?js|wasm)$/.test(new URL(url).pathname) || seen.has(url)) return;
      seen.add(url);
      pending.push(r.body().then((b) => files.push({ file: new URL(url).pathname, raw: b.length, gzip: gzipSync(b, { level: 9 }).length }), () => {}));
    };
    try {
      const check = await withPage(browser, `${base}/size-${job}.html`, async (p) => {
        const c = await p.evaluate(() => window.__done);
        await Promise.all(pending); // bodies must be read before the context closes
        return c;
      }, { onResponse, timeoutMs: 120_000 });
      const sum = (re, k) => files.filter((f) => re.test(f.file)).reduce((s, f) => s + f[k], 0);
      out[job] = {
        check, files,
        jsRaw: sum(/\.m?js$/, 'raw'), jsGzip: sum(/\.m?js$/, 'gzip'),
        wasmRaw: sum(/\.wasm$/, 'raw'), wasmGzip: sum(/\.wasm$/, 'gzip'),
      };
      out[job].totalGzip = out[job].jsGzip + out[job].wasmGzip;
      log(`size ${job}: JS ${kib(out[job].jsGzip)} + wasm ${kib(out[job].wasmGzip)} gzip`);
    } catch (e) {
      out[job] = { error: firstLine(e) };
      log(`size ${job}: ${out[job].error}`);
    }
  }
  return out;
}

async function firstStep(browser, base, runners, reps) {
  const out = Object.fromEntries(runners.map((r) => [r, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (const r of rotate(runners, rep)) {
      try {
        const res = await withPage(browser, `${base}/${r}.html?first`, (p) => p.evaluate(() => window.__first), { timeoutMs: 120_000 });
        out[r].push(res);
      } catch (e) {
        out[r].push({ error: firstLine(e) });
      }
    }
  }
  return out;
}

async function memory(browser, base, runners, opts) {
  const out = {};
  for (const r of runners) {
    try {
      out[r] = await withPage(browser, `${base}/${r}.html`, async (p, context) => {
        const res = await p.evaluate((a) => window.__bench.memory(a), { steps: opts.smoke ? 20 : 1000, batch: 32 });
        const cdp = await context.newCDPSession(p);
        await cdp.send('HeapProfiler.collectGarbage');
        res.heap = await cdp.send('Runtime.getHeapUsage');
        return res;
      }, { timeoutMs: 600_000 });
      log(`memory ${r}: JS heap ${mib(out[r].heap.usedSize)}, wasm ${mib(out[r].lib.wasmMemoryBytes)}`);
    } catch (e) {
      out[r] = { error: firstLine(e) };
      log(`memory ${r}: ${out[r].error}`);
    }
  }
  return out;
}

async function throughput(browser, base, runners, opts) {
  const timing = opts.smoke
    ? { warmupMs: 0, minWarmup: 1, targetMs: 0, minIters: 1, maxIters: 1 }
    : { warmupMs: 300, minWarmup: 1, targetMs: 1000, minIters: 1, maxIters: 100_000 };
  const reps = [];
  for (let rep = 0; rep < opts.reps; rep++) {
    const one = {};
    for (const r of rotate(runners, rep)) {
      const s = Date.now();
      try {
        one[r] = await withPage(browser, `${base}/${r}.html`,
          (p) => p.evaluate((a) => window.__bench.run(a), { smoke: opts.smoke, ids: opts.workloads, timing }),
          { timeoutMs: opts.smoke ? 120_000 : 1_800_000 });
        const errs = one[r].results.filter((x) => x.error).length;
        log(`rep ${rep + 1}/${opts.reps} ${r}: ${one[r].results.length - errs} ok, ${errs} n/a or failed (${((Date.now() - s) / 1000).toFixed(1)} s)`);
      } catch (e) {
        one[r] = { initError: firstLine(e), results: [] };
        log(`rep ${rep + 1}/${opts.reps} ${r}: ${one[r].initError}`);
      }
    }
    reps.push({ loadavg: os.loadavg()[0], runs: one });
  }
  return reps;
}

// ---- statistics ----------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const firstLine = (e) => String(e?.message ?? e).split('\n').slice(0, 2).join(' ').slice(0, 300);
const kib = (b) => (b === undefined ? '–' : `${(b / 1024).toFixed(0)} KiB`);
const mib = (b) => (b === undefined ? '–' : `${(b / 2 ** 20).toFixed(1)} MiB`);

/** Per runner and workload: every rep's value, median, min, max, or the error. */
function summarize(reps) {
  const cells = {};
  for (const { runs } of reps) {
    for (const [r, run] of Object.entries(runs)) {
      for (const x of run.results) {
        const c = ((cells[r] ??= {})[x.id] ??= { values: [], errors: [], unit: x.unit, notes: new Set(), checks: [] });
        if (x.error) c.errors.push(x.error);
        else {
          c.values.push(x.value);
          c.unit = x.unit;
          c.checks.push(x.check);
        }
      }
      if (run.initError) (cells[r] ??= {}).__init = run.initError;
    }
  }
  for (const byId of Object.values(cells)) {
    for (const c of Object.values(byId)) {
      if (!c.values) continue;
      if (c.values.length) Object.assign(c, { median: median(c.values), min: Math.min(...c.values), max: Math.max(...c.values) });
    }
  }
  return cells;
}

/** Median over reps of webgrad/peer speed (for latency: peer/webgrad), paired within a rep. */
function ratio(reps, ours, peer, id, latency) {
  const rs = [];
  for (const { runs } of reps) {
    const a = runs[ours]?.results.find((x) => x.id === id && !x.error);
    const b = runs[peer]?.results.find((x) => x.id === id && !x.error);
    if (a && b) rs.push(latency ? b.value / a.value : a.value / b.value);
  }
  return rs.length ? { median: median(rs), min: Math.min(...rs), max: Math.max(...rs), n: rs.length } : null;
}

// ---- report --------------------------------------------------------------------------------
const LABEL = {
  'webgrad-cpu': 'webgrad CPU (wasm SIMD)', 'webgrad-cpu-ops': 'webgrad CPU, tensor ops', 'webgrad-webgpu': 'webgrad WebGPU', 'tfjs-wasm': 'tfjs wasm (XNNPACK SIMD)',
  'tfjs-cpu': 'tfjs cpu (JS)', 'tfjs-webgpu': 'tfjs webgpu', 'ort-wasm': 'ORT Web wasm',
};

function fmt(v, unit) {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  if (unit === 'ms') return v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1);
  if (v >= 1e5) return `${(v / 1000).toFixed(0)}k`;
  if (v >= 1e4) return `${(v / 1000).toFixed(1)}k`;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Errors that mean "this library cannot do that here" rather than a broken workload. */
const notApplicable = (runner, msg) => /^n\/a/.test(msg ?? '')
  || (runner.endsWith('webgpu') && /not available|not supported|adapter|navigator\.gpu/i.test(msg ?? ''));

function cellText(c, short, runner) {
  if (!c) return '–';
  if (c.median === undefined) {
    const e = c.errors?.[0] ?? '';
    return notApplicable(runner, e) ? 'n/a' : short ? 'failed' : `failed: ${e}`;
  }
  if (c.values.length === 1) return fmt(c.median, c.unit);
  return `${fmt(c.median, c.unit)} (${fmt(c.min, c.unit)}–${fmt(c.max, c.unit)})`;
}

const TARGETS = [
  { what: 'matmul 1024 vs tfjs-wasm', id: 'matmul-1024', peer: 'tfjs-wasm', want: 1.5 },
  { what: 'MLP training vs tfjs-wasm (2-8-8-1, batch 32)', id: 'mlp-small-train-b32', peer: 'tfjs-wasm', want: 3 },
  { what: 'MLP training vs tfjs-wasm (2-8-8-1, batch 64)', id: 'mlp-small-train-b64', peer: 'tfjs-wasm', want: 3 },
  { what: 'MLP training vs tfjs-wasm (784-128-10, batch 32)', id: 'mlp-mnist-train-b32', peer: 'tfjs-wasm', want: 3 },
  { what: 'MLP training vs tfjs-wasm (784-128-10, batch 64)', id: 'mlp-mnist-train-b64', peer: 'tfjs-wasm', want: 3 },
  { what: 'CNN training vs tfjs-wasm (batch 32)', id: 'cnn-train-b32', peer: 'tfjs-wasm', want: 2 },
];

function report({ env, opts, runners, workloadList, reps, cells, first, site, mem, size, wall }) {
  const L = [];
  const has = (r) => runners.includes(r);
  const gpuNote = (r) => (r.endsWith('webgpu') && env.swiftshader ? ' ⚠' : '');
  L.push('# Benchmarks', '');
  L.push(`Generated by \`cargo xtask bench --browser\` (= \`node bench/run.mjs\`) on ${env.date.slice(0, 10)}, in ${(wall / 60).toFixed(1)} min. Do not edit by hand; rerun it.`, '');
  L.push('## Machine', '');
  L.push(`- CPU: ${env.cpu}, ${env.cores} cores (${env.avx512 ? 'AVX-512' : env.avx2 ? 'AVX2' : 'no AVX2'}), ${env.memGiB} GiB RAM, ${env.os}`);
  L.push(`- Browser: ${env.browser}, headless (\`${CHROMIUM_ARGS.join(' ')}\`), navigator.hardwareConcurrency ${env.hardwareConcurrency}`);
  L.push(`- WebGPU adapter: ${env.webgpu ? `${env.webgpu.vendor || '?'} / ${env.webgpu.architecture || '?'}${env.webgpu.fallback ? ' (fallback adapter)' : ''}` : 'none'} → **${env.gpuLabel}**${env.swiftshader ? ': WebGPU columns (⚠) measure SwiftShader on the CPU, not a GPU' : ''}`);
  const la = reps.map((r) => r.loadavg.toFixed(2)).join(', ');
  L.push(`- Load average (1 min) at start ${env.loadavgStart[0].toFixed(2)}, after each repetition: ${la}${env.cores <= 2 ? ' (a shared 2-core machine: other work ran concurrently, so expect noise)' : ''}`);
  const spreads = [];
  for (const byId of Object.values(cells)) for (const c of Object.values(byId)) if (c.values?.length > 1) spreads.push((c.max - c.min) / c.median);
  if (spreads.length) L.push(`- Noise: the spread (max − min) / median of a cell over the repetitions is ${(100 * median(spreads)).toFixed(0)} % in the median cell, ${(100 * Math.max(...spreads)).toFixed(0)} % at worst`);
  L.push('');
  L.push('## Method', '');
  L.push(`- Each library runs in its own page (fresh browser context: empty cache) served from 127.0.0.1 with no COOP/COEP, so every library is single-threaded (tfjs-wasm and ORT would otherwise use threads).`);
  L.push(`- ${opts.reps} repetition${opts.reps > 1 ? 's' : ''}; in each one every library runs every workload once, libraries in rotating order. Per workload: a warm-up (synced steps for ≥ 300 ms, at least one, which also estimates the step time), then a timed block of N steps (≈ 1 s; one step when a step takes longer) with one sync (readback) at the end, so queued GPU work is included. (performance.now() is coarsened to 0.1 ms on a page that is not cross-origin isolated; the blocks are long enough for that not to matter.)`);
  L.push('- Cells: median (min–max) over repetitions. Ratios: webgrad ÷ peer computed within the same repetition, median (min–max) over repetitions; > 1 means webgrad is faster.');
  L.push('- Same seeded data, the same models and the same initial weights everywhere (plain SGD, f32; webgrad NCHW, tfjs NHWC with the weights permuted to match). The libraries compute the same numbers: matmul and inference outputs agree across libraries in every run, and `--smoke` also checks that every library\'s loss after two SGD steps agrees (to 2e-3 relative). Training steps do not read the loss back except at the end of a timed block; inference latency includes reading the output back.');
  L.push('- Columns. **webgrad CPU** / **webgrad WebGPU**: models from the package\'s Keras-shaped spec (`sequential`, `dense`, `conv2d`, `transformerBlock`, `sgd`), trained by the engine\'s `Model.trainStep` (the step `fit()` runs per batch) on the page; the *fit()* row is the public API end to end (`model.fit` in the package\'s training worker). **webgrad CPU, tensor ops**: the same models written with the tensor API and autograd, SGD in tensor ops, `wg.tidy` per step. **tfjs**: tfjs-layers models trained with `optimizer.minimize` (its *fit()* row: `model.fit`); the transformer is written with tfjs-core ops, as tfjs-layers 4.22 has no attention layer. **ORT Web**: ONNX graphs written by the bench (inference only).');
  L.push('');
  L.push(`## Results (${opts.reps} repetition${opts.reps > 1 ? 's' : ''})`, '');
  L.push(`| workload | unit | ${runners.map((r) => LABEL[r] + gpuNote(r)).join(' | ')} |`);
  L.push(`|---|---|${runners.map(() => '---:').join('|')}|`);
  for (const w of workloadList) {
    L.push(`| ${w.title} | ${w.unit}${w.latency ? ' (lower is better)' : ''} | ${runners.map((r) => cellText(cells[r]?.[w.id] ?? (cells[r]?.__init ? { errors: [cells[r].__init] } : null), true, r)).join(' | ')} |`);
  }
  L.push('');
  const peers = ['tfjs-wasm', 'tfjs-cpu', 'ort-wasm'].filter(has);
  if (has('webgrad-cpu') && peers.length) {
    L.push('## webgrad CPU ÷ peers (> 1: webgrad faster)', '');
    const gpuPair = has('webgrad-webgpu') && has('tfjs-webgpu');
    L.push(`| workload | ${peers.map((p) => `vs ${LABEL[p]}`).join(' | ')}${gpuPair ? ' | webgrad WebGPU vs tfjs webgpu ⚠' : ''} |`);
    L.push(`|---|${peers.map(() => '---:').join('|')}${gpuPair ? '|---:' : ''}|`);
    const rt = (x) => (x ? (x.n > 1 ? `${x.median.toFixed(2)}× (${x.min.toFixed(2)}–${x.max.toFixed(2)})` : `${x.median.toFixed(2)}×`) : '–');
    for (const w of workloadList) {
      const cols = peers.map((p) => rt(ratio(reps, 'webgrad-cpu', p, w.id, w.latency)));
      if (gpuPair) cols.push(rt(ratio(reps, 'webgrad-webgpu', 'tfjs-webgpu', w.id, w.latency)));
      L.push(`| ${w.title} | ${cols.join(' | ')} |`);
    }
    L.push('');
    L.push('### Targets', '');
    L.push('| target | measured | met |', '|---|---:|:---:|');
    for (const t of TARGETS) {
      const x = ratio(reps, 'webgrad-cpu', t.peer, t.id, false);
      L.push(`| ${t.what} ≥ ${t.want}× | ${x ? `${x.median.toFixed(2)}×` : '–'} | ${x ? (x.median >= t.want ? 'yes' : 'no') : '–'} |`);
    }
    const wgSize = size?.webgrad;
    if (wgSize && !wgSize.error) L.push(`| bundle ≤ 250 KB gzip (wasm + JS, MLP job) | ${(wgSize.totalGzip / 1000).toFixed(0)} KB | ${wgSize.totalGzip <= 250_000 ? 'yes' : 'no'} |`);
    L.push('');
    const cnnCpu = ratio(reps, 'webgrad-cpu', 'tfjs-cpu', 'cnn-train-b32', false);
    L.push(`CNN training on tfjs-wasm runs the conv-weight gradient through a JS shim (tfjs-backend-wasm 4.22 has no \`Conv2DBackpropFilter\`), which dominates its time; against tfjs's own JS backend, which has the kernel, webgrad CPU is ${cnnCpu ? `${cnnCpu.median.toFixed(1)}×` : '–'}.`, '');
  }
  if (first) {
    L.push('## Time from page load to the first trained step', '');
    L.push('Fresh context (cold HTTP and code caches), 2-8-8-1 MLP, batch 32: milliseconds since navigation start when the module started, when the library was ready (wasm compiled, backend initialised), and when the first training step (ORT: inference) had finished and its loss was read back. Median (min–max).', '');
    L.push('| library | module running | library ready | first step done |', '|---|---:|---:|---:|');
    for (const r of runners) {
      const ok = (first[r] ?? []).filter((x) => !x.error);
      if (!ok.length) {
        const e = first[r]?.[0]?.error;
        L.push(`| ${LABEL[r]} | ${e ? (notApplicable(r, e) ? 'n/a' : `failed: ${e}`) : '–'} | | |`);
        continue;
      }
      const f = (k) => {
        const v = ok.map((x) => x[k]);
        return v.length > 1 ? `${median(v).toFixed(0)} (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)})` : v[0].toFixed(0);
      };
      L.push(`| ${LABEL[r]}${r === 'ort-wasm' ? ' (inference)' : ''} | ${f('tModule')} | ${f('tInit')} | ${f('tStep')} |`);
    }
    L.push('');
  }
  if (site) L.push(...siteLines(site));
  if (mem) {
    const steps = opts.smoke ? 20 : 1000;
    L.push(`## Memory after ${steps} training steps`, '');
    L.push(`784-128-10 MLP, batch 32, ${steps} SGD steps, model still alive; then a forced GC (DevTools protocol) and \`Runtime.getHeapUsage\`. "Array buffers" is V8's backing-store total, which includes wasm memories. Wasm memory only grows, so it is the high-water mark.`, '');
    L.push('| library | JS heap used | array buffers | wasm memory | library\'s own count | steps/s |', '|---|---:|---:|---:|---|---:|');
    for (const r of runners) {
      const m = mem[r];
      if (!m || m.error) {
        L.push(`| ${LABEL[r]} | ${m?.error ? (notApplicable(r, m.error.replace(/^.*?Error: /, '')) ? 'n/a' : `failed: ${m.error}`) : '–'} | | | | |`);
        continue;
      }
      const own = m.lib.numTensors !== undefined ? `${m.lib.numTensors} tensors, ${mib(m.lib.numBytes)}${m.lib.numBytesInGPU !== undefined ? `, GPU ${mib(m.lib.numBytesInGPU)}` : ''}` : '';
      L.push(`| ${LABEL[r]} | ${mib(m.heap.usedSize)} | ${mib(m.heap.backingStorageSize)} | ${mib(m.lib.wasmMemoryBytes)} | ${own} | ${(m.steps / (m.ms / 1000)).toFixed(0)} |`);
    }
    L.push('');
  }
  if (size) {
    L.push('## Bundle size for one job', '');
    L.push('What the page downloads to build the 784-128-10 MLP and run one training step (ORT: one inference): each library imported the way a size-conscious app would (tfjs-core + tfjs-layers + one backend package; `onnxruntime-web/wasm`; `webgrad`), bundled and minified by esbuild, plus the .wasm files the library fetched at run time. gzip -9 of every JS and wasm response.', '');
    L.push('| library | JS | JS gzip | wasm | wasm gzip | total gzip | files |', '|---|---:|---:|---:|---:|---:|---|');
    const SL = { webgrad: 'webgrad', 'tfjs-wasm': 'tfjs wasm', 'tfjs-cpu': 'tfjs cpu', 'tfjs-webgpu': 'tfjs webgpu', 'ort-wasm': 'ORT Web wasm' };
    for (const [job, s] of Object.entries(size)) {
      if (s.error) {
        L.push(`| ${SL[job]} | failed: ${s.error} | | | | | |`);
        continue;
      }
      L.push(`| ${SL[job]} | ${kib(s.jsRaw)} | ${kib(s.jsGzip)} | ${kib(s.wasmRaw)} | ${kib(s.wasmGzip)} | **${kib(s.totalGzip)}** | ${s.files.map((f) => f.file.split('/').pop()).join(', ')} |`);
    }
    L.push('');
  }
  const notes = new Set();
  for (const { runs } of reps) for (const run of Object.values(runs)) for (const n of run.info?.notes ?? []) notes.add(`${run.info.library} (${run.info.backend}): ${n}`);
  const versions = new Set();
  for (const { runs } of reps) for (const [r, run] of Object.entries(runs)) if (run.info) versions.add(`- ${LABEL[r]}: ${run.info.library}, backend "${run.info.backend}"${run.info.flavor ? `, wasm build ${run.info.flavor}` : ''}${run.info.wasmSimd !== undefined ? `, SIMD ${run.info.wasmSimd}, threads ${run.info.wasmThreads}` : ''}`);
  const failures = new Set();
  for (const r of runners) {
    for (const [id, c] of Object.entries(cells[r] ?? {})) {
      if (id === '__init') failures.add(`- ${LABEL[r]}: ${c}`);
      else if (c.median === undefined && c.errors?.length) failures.add(`- ${LABEL[r]}, ${id}: ${c.errors[0]}`);
    }
  }
  L.push('## Libraries and notes', '', ...versions, ...[...notes].map((n) => `- ${n}`), '');
  if (failures.size) L.push('Not measured ("n/a" / "failed" above):', '', ...failures, '');
  return L.join('\n');
}

// ---- main ----------------------------------------------------------------------------------
async function main() {
  // --report FILE: render the markdown again from a saved results JSON (bench/results/latest.json).
  const ri = process.argv.indexOf('--report');
  if (ri > 0) {
    const data = JSON.parse(readFileSync(process.argv[ri + 1], 'utf8'));
    data.opts.skip = new Set(data.opts.skip);
    data.cells = summarize(data.reps);
    const out = process.argv.includes('--out') ? resolve(process.argv[process.argv.indexOf('--out') + 1]) : join(root, 'BENCHMARKS.md');
    writeFileSync(out, report(data));
    log(`wrote ${out}`);
    return;
  }
  const opts = parseArgs(process.argv.slice(2));
  prepare(opts);
  const { buildAll, RUNNERS, SIZE_JOBS } = await import('./build.mjs');
  if (opts.build || !existsSync(join(here, 'dist/tfjs-cpu.html'))) {
    log('building bench pages (esbuild)');
    await buildAll({ quiet: true });
  }
  const { workloads } = await import('./src/harness.js');
  const runners = opts.runners ?? RUNNERS;
  const workloadList = workloads(opts.smoke).filter((w) => !opts.workloads.length || opts.workloads.includes(w.id));
  const { chromium } = await import('playwright-core');
  const server = await serve(join(here, 'dist'));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let data;
  try {
    const env = await environment(browser, base);
    log(`${env.cpu}, ${env.cores} cores; ${env.browser}; WebGPU: ${env.gpuLabel}`);
    const size = opts.skip.has('sizes') ? null : await sizes(browser, base, SIZE_JOBS.filter((j) => runners.some((r) => r.startsWith(j))));
    const first = opts.skip.has('first') ? null : await firstStep(browser, base, runners, opts.smoke ? 1 : opts.reps);
    const site = opts.skip.has('site') ? null : await siteLoad(browser, { reps: opts.smoke ? 1 : Math.max(opts.reps, 5), log, serve });
    const mem = opts.skip.has('memory') ? null : await memory(browser, base, runners, opts);
    const reps = opts.skip.has('throughput') ? [] : await throughput(browser, base, runners, opts);
    const cells = summarize(reps);
    data = { env, opts: { ...opts, skip: [...opts.skip] }, runners, workloadList, reps, cells, first, site, mem, size, wall: (Date.now() - t0) / 1000 };
  } finally {
    await browser.close();
    server.close();
  }
  const md = report(data);
  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, opts.smoke ? 'smoke.json' : 'latest.json'), JSON.stringify(data, (k, v) => (v instanceof Set ? [...v] : v), 2));
  const out = opts.out ?? (opts.smoke ? join(resultsDir, 'smoke.md') : join(root, 'BENCHMARKS.md'));
  writeFileSync(out, md);
  console.log(`\n${md}\n`);
  log(`wrote ${out}`);
  const problems = check(data);
  if (problems.length) {
    console.error(`\nbench: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
}

/**
 * What makes a run fail (smoke or full): a workload that errors for a reason other than "n/a",
 * or results that disagree between libraries. A runner whose WebGPU device is unavailable is
 * skipped, not failed. Speed is never asserted.
 */
function check({ runners, workloadList, opts, cells, first, mem, size }) {
  const problems = [];
  const gpuMissing = (r, msg) => notApplicable(r, msg) && !/^n\/a/.test(msg ?? '');
  for (const r of runners) {
    const byId = cells[r] ?? {};
    if (byId.__init && !gpuMissing(r, byId.__init)) problems.push(`${r}: ${byId.__init}`);
    for (const [id, c] of Object.entries(byId)) {
      if (id === '__init' || c.median !== undefined) continue;
      const e = c.errors[0] ?? '';
      if (!/^n\/a/.test(e) && !gpuMissing(r, e)) problems.push(`${r} ${id}: ${e}`);
    }
    for (const f of first?.[r] ?? []) if (f.error && !gpuMissing(r, f.error)) problems.push(`${r} first step: ${f.error}`);
    if (mem?.[r]?.error && !gpuMissing(r, mem[r].error) && !/n\/a/.test(mem[r].error)) problems.push(`${r} memory: ${mem[r].error}`);
  }
  for (const [job, s] of Object.entries(size ?? {})) if (s.error && !gpuMissing(job, s.error)) problems.push(`size ${job}: ${s.error}`);
  // Every library starts from the same weights and data, so results must agree: matmul C[0][0]
  // and inference outputs always; training losses only in smoke mode, where every library runs
  // the same number of steps (2).
  for (const w of workloadList) {
    if (w.compare === false || (w.kind.endsWith('Train') && !opts.smoke)) continue;
    const vals = runners.map((r) => [r, cells[r]?.[w.id]?.checks?.[0]]).filter(([, v]) => typeof v === 'number');
    const [r0, ref] = vals[0] ?? [];
    for (const [r, v] of vals) {
      if (!(Math.abs(v - ref) <= 2e-3 * Math.max(1, Math.abs(ref)))) problems.push(`${w.id}: results differ (${r0} ${ref}, ${r} ${v})`);
    }
  }
  return problems;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
