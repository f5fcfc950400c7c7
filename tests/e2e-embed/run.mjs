// End-to-end check of the npm package as an embedder sees it:
//   1. `npm pack` web/ (built beforehand by `npm run build` there, or built here when dist/ is missing),
//   2. a fresh Vite project in a temp dir installs the tarball (the npm registry supplies Vite),
//   3. its page runs the README's "Embed it" example verbatim, `vite build` builds it,
//   4. a static server on 127.0.0.1 serves dist/, headless Chromium (playwright-core, Debian's
//      /usr/bin/chromium) opens it, and the test checks that the training loss fell.
//
//   node tests/e2e-embed/run.mjs [--keep]       (--keep leaves the temp project for inspection)
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const web = join(root, 'web');
const keep = process.argv.includes('--keep');
const t0 = Date.now();
const log = (m) => console.log(`[e2e-embed ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function sh(cmd, args, cwd) {
  log(`$ ${cmd} ${args.join(' ')}   (in ${cwd})`);
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
}

/** The first ```js block under the README heading "Embed it": the example the test runs. */
export function readmeExample() {
  const md = readFileSync(join(root, 'README.md'), 'utf8');
  const section = md.split(/^## /m).find((s) => s.startsWith('Embed it'));
  const code = section && /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md has no "## Embed it" section with a ```js block');
  return code;
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function sizes(dist) {
  const files = readdirSync(join(dist, 'assets')).map((f) => join(dist, 'assets', f));
  const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
  const sum = (ext) => files.filter((f) => f.endsWith(ext)).map((f) => ({ f, raw: statSync(f).size, gz: gz(f) }));
  for (const { f, raw, gz: g } of [...sum('.js'), ...sum('.wasm')]) {
    log(`  ${f.slice(dist.length + 1)}: ${(raw / 1024).toFixed(1)} KiB, gzip ${(g / 1024).toFixed(1)} KiB`);
  }
}

async function main() {
  if (!existsSync(join(web, 'dist/index.js')) || !existsSync(join(web, 'pkg/webgrad_simd.wasm'))) {
    sh('npm', ['run', 'build'], web);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'webgrad-e2e-'));
  let server;
  let browser;
  try {
    const tarball = sh('npm', ['pack', '--silent', '--pack-destination', tmp], web).trim().split('\n').pop();
    log(`packed ${tarball} (${(statSync(join(tmp, tarball)).size / 1024).toFixed(0)} KiB)`);
    const app = join(tmp, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({
      name: 'webgrad-embed-e2e', private: true, type: 'module',
      scripts: { build: 'vite build' },
      dependencies: { webgrad: `file:../${tarball}` },
      devDependencies: { vite: '^8' },
    }, null, 2));
    writeFileSync(join(app, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>webgrad embed</title></head>
<body><pre id="out"></pre><script type="module" src="/main.js"></script></body></html>
`);
    // The README example runs as written, as its own module; the entry only reports how it ended
    // (a dynamic import settles once the module's top-level awaits are done).
    const example = process.env.E2E_EXAMPLE ? readFileSync(process.env.E2E_EXAMPLE, 'utf8') : readmeExample();
    writeFileSync(join(app, 'example.js'), example);
    writeFileSync(join(app, 'main.js'),
      "window.__done = import('./example.js').then(() => 'ok', (e) => 'error: ' + ((e && e.stack) || e));\n");
    // A second page for what the README example does not show: WebGPU, the plain build for
    // browsers without SIMD, cancelling, and a main thread that keeps running during training.
    writeFileSync(join(app, 'checks.html'), `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>webgrad checks</title></head>
<body><script type="module" src="/checks.js"></script></body></html>
`);
    writeFileSync(join(app, 'checks.js'), CHECKS);
    writeFileSync(join(app, 'vite.config.js'),
      "export default { build: { rollupOptions: { input: ['index.html', 'checks.html'] } } };\n");
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
    sh('npx', ['vite', 'build', '--logLevel', 'warn'], app);
    const dist = join(app, 'dist');
    sizes(dist);
    server = await serve(dist);
    const url = `http://127.0.0.1:${server.address().port}/`;
    const { chromium } = createRequire(join(web, 'package.json'))('playwright-core');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'],
    });
    const page = await browser.newPage();
    const lines = [];
    page.on('console', (m) => {
      lines.push(m.text());
      log(`  console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => log(`  pageerror: ${e.message}`));
    await page.goto(url);
    const result = await page.evaluate(() => window.__done);
    if (result !== 'ok') throw new Error(`the README example failed in the browser: ${result}`);
    check(lines);
    await runChecks(browser, url);
    log('PASS');
  } finally {
    await browser?.close();
    server?.close();
    if (keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

const CHECKS = `import * as wg from 'webgrad';
const params = new URLSearchParams(location.search);
window.__checks = (async () => {
  const info = await wg.init({ device: params.get('device') ?? 'auto' });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const t0 = performance.now();
  const { x, y } = wg.datasets.circle({ n: 256, noise: 0.05, seed: 1 });
  const model = wg.sequential([wg.dense({ units: 16, activation: 'tanh' }), wg.dense({ units: 2 })], { seed: 2 });
  model.compile({ optimizer: wg.adam(0.02), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  // ?lose: the WebGPU device is destroyed (as a driver reset would) after epoch 5; fit goes on on
  // the CPU from the weights and optimizer state saved before epoch 6, with a warning.
  const lose = params.get('lose') !== null;
  const warnings = [];
  const h = await model.fit(x, y, {
    epochs: 15, batchSize: 32,
    onWarning: (m) => warnings.push(m),
    onEpochEnd: lose ? (e) => { if (e === 5) wg.simulateDeviceLoss(); } : undefined,
  });
  const probs = await model.predictProba(x);
  const ac = new AbortController();
  let batches = 0;
  let cancelled = false;
  try {
    await model.fit(x, y, { epochs: 1000, batchSize: 8, signal: ac.signal, onBatchEnd: () => { if (++batches === 20) ac.abort(); } });
  } catch (e) {
    cancelled = e instanceof wg.CancelledError;
  }
  clearInterval(timer);
  const ms = performance.now() - t0;
  // No leak in the worker over 10,000 training steps: its engine's live bytes at step 1,000 and
  // step 10,000 (one full batch per epoch) agree within 5 %.
  let memory = null;
  if (params.get('memory') !== null) {
    const m = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })]);
    m.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy' });
    const small = wg.datasets.moons({ n: 32, seed: 3 });
    await m.fit(small.x, small.y, { epochs: 1000, batchSize: 32 });
    const at1k = await wg.memoryInfo();
    await m.fit(small.x, small.y, { epochs: 9000, batchSize: 32, initialEpoch: 1000 });
    const at10k = await wg.memoryInfo();
    memory = { at1k: at1k.host, at10k: at10k.host };
  }
  return {
    memory, warnings, after: { ...wg.deviceInfo() }, epochs: h.epoch,
    info, loss: h.history.loss, accuracy: h.history.accuracy.at(-1), probsShape: probs.shape,
    cancelled, batches, ticks, ms,
  };
})().catch((e) => ({ error: String(e && e.stack || e) }));
`;

/** The checks page under several conditions: auto device, WebGPU (SwiftShader in CI), and a
 *  browser whose WebAssembly lacks SIMD (simulated by a validate() that rejects SIMD). */
async function runChecks(browser, url) {
  const cases = [
    { name: 'auto', query: '?memory', expect: { flavor: 'relaxed-simd' } },
    { name: 'webgpu', query: '?device=webgpu', expect: { device: 'webgpu' } },
    { name: 'webgpu lost', query: '?device=webgpu&lose', lost: true, expect: {} },
    { name: 'no SIMD', query: '', noSimd: true, expect: { flavor: 'plain' } },
  ];
  for (const c of cases) {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`  [${c.name}] pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && log(`  [${c.name}] console.error: ${m.text()}`));
    if (c.noSimd) {
      await page.addInitScript(() => {
        const validate = WebAssembly.validate;
        // Any module using a 0xfd-prefixed (SIMD) opcode is "invalid", as in a browser without SIMD.
        WebAssembly.validate = (bytes) => !new Uint8Array(bytes.buffer ?? bytes, bytes.byteOffset ?? 0, bytes.byteLength).includes(0xfd) && validate(bytes);
      });
    }
    await page.goto(url + 'checks.html' + c.query);
    const r = await page.evaluate(() => window.__checks);
    await page.close();
    if (r.error) throw new Error(`checks [${c.name}] failed in the browser: ${r.error}`);
    const { loss } = r;
    log(`  [${c.name}] ${r.info.name} (${r.info.device}, ${r.info.flavor}${r.info.note ? '; ' + r.info.note : ''}): loss ${loss[0].toFixed(4)} → ${loss.at(-1).toFixed(4)}, accuracy ${r.accuracy.toFixed(3)}, cancelled after ${r.batches} batches, ${r.ticks} timer ticks in ${r.ms.toFixed(0)} ms`);
    for (const [k, v] of Object.entries(c.expect)) {
      if (r.info[k] !== v) throw new Error(`checks [${c.name}]: expected ${k} ${v}, got ${r.info[k]}`);
    }
    if (c.lost) {
      // The loss was surfaced once, training finished on the CPU with every epoch in the
      // history once, and deviceInfo() now reports the CPU.
      log(`  [${c.name}] warnings: ${JSON.stringify(r.warnings)}; now on ${r.after.name} (${r.after.device})`);
      if (r.warnings.length !== 1 || !/^WebGPU device lost \(.*\): continuing on the CPU from epoch \d+$/.test(r.warnings[0])) {
        throw new Error(`checks [${c.name}]: expected one device-lost warning, got ${JSON.stringify(r.warnings)}`);
      }
      if (r.after.device !== 'cpu') throw new Error(`checks [${c.name}]: deviceInfo() still says ${r.after.device}`);
      if (r.epochs.join() !== [...Array(15).keys()].join()) throw new Error(`checks [${c.name}]: epochs ${r.epochs}`);
    } else if (r.warnings.length) {
      throw new Error(`checks [${c.name}]: unexpected warnings ${JSON.stringify(r.warnings)}`);
    }
    if (!(loss.at(-1) < 0.7 * loss[0])) throw new Error(`checks [${c.name}]: the loss did not fall: ${loss}`);
    if (!r.cancelled || r.batches > 200) throw new Error(`checks [${c.name}]: cancel did not stop training (${r.batches} batches)`);
    if (r.probsShape.join() !== '256,2') throw new Error(`checks [${c.name}]: predictProba shape ${r.probsShape}`);
    if (r.memory) {
      const { at1k, at10k } = r.memory;
      log(`  [${c.name}] worker memory at step 1,000 / 10,000: live ${at1k.liveBytes} / ${at10k.liveBytes} bytes, wasm ${at1k.wasmBytes} / ${at10k.wasmBytes} bytes`);
      if (Math.abs(at10k.liveBytes - at1k.liveBytes) > Math.max(0.05 * at1k.liveBytes, 65536) || at10k.wasmBytes > 1.05 * at1k.wasmBytes) {
        throw new Error(`checks [${c.name}]: worker memory grew over 10,000 steps: ${JSON.stringify(r.memory)}`);
      }
    }
    // The page's timer ran all along: training never blocked the main thread.
    if (r.ticks < r.ms / 10 / 4) throw new Error(`checks [${c.name}]: the main thread was blocked (${r.ticks} ticks in ${r.ms} ms)`);
  }
}

/** The example logs "epoch <n> loss <x>" lines: the last loss must be well below the first. */
function check(lines) {
  const losses = lines.map((l) => /epoch \d+ loss ([\d.eE+-]+)/.exec(l)).filter(Boolean).map((m) => Number(m[1]));
  if (losses.length < 2) throw new Error(`expected "epoch N loss X" lines from the example, got: ${JSON.stringify(lines)}`);
  const [first, last] = [losses[0], losses[losses.length - 1]];
  log(`loss ${first} → ${last} over ${losses.length} epochs`);
  if (!(last < 0.7 * first)) throw new Error(`the loss did not fall enough: ${first} → ${last}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
