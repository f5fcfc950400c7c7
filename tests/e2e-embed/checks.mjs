// The Vite 8 case's second page: what the README example does not show — WebGPU, the plain build
// for browsers without SIMD, a lost WebGPU device, cancelling, memory over 10,000 steps, and a
// main thread that keeps running during training.
import { log } from './common.mjs';

export const CHECKS_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>webgrad checks</title></head>
<body><script type="module" src="/checks.js"></script></body></html>
`;

export const CHECKS = `import * as wg from 'webgrad';
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
export async function runChecks(browser, url) {
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
