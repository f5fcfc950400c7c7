// Soak run (outside the test command): 100,000 training steps in Node through the public
// package, with memory sampled along the way. Prints a table and exits 1 when memory is not flat
// (wasm memory, the engine's live bytes and the JS heap after the first tenth against the end).
//   node --expose-gc scripts/soak.mjs [--steps 100000]      (after `npm run build`)
import { readFileSync } from 'node:fs';
import * as wg from '../dist/index.js';
import { engine } from '../dist/engine.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const STEPS = arg('--steps', 100_000);
const gc = globalThis.gc ?? (() => { throw new Error('run with node --expose-gc'); });

async function sample() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  const e = engine();
  return { wasm: e.wasmMemoryBytes(), live: e.liveBytes(), heap: process.memoryUsage().heapUsed };
}
const mib = (b) => (b / 2 ** 20).toFixed(2);

await wg.init({ worker: false, wasm: readFileSync(new URL('../pkg/webgrad_simd.wasm', import.meta.url)), device: 'cpu' });
const { x, y } = wg.datasets.spiral({ n: 1000, noise: 0.1, seed: 1 });
const model = wg.sequential([wg.dense({ units: 16, activation: 'relu', inputShape: [2] }), wg.dense({ units: 16, activation: 'tanh' }), wg.dense({ units: 2 })], { seed: 1 });
model.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });

const batch = 10;
const perEpoch = Math.ceil(1000 / batch);
const epochsPerChunk = Math.max(1, Math.round(STEPS / 10 / perEpoch));
const rows = [];
let steps = 0;
let epoch = 0;
const t0 = performance.now();
while (steps < STEPS) {
  // Each chunk is one fit call of several epochs, with a per-batch callback as a page would have.
  let seen = 0;
  const h = await model.fit(x, y, { initialEpoch: epoch, epochs: epoch + epochsPerChunk, batchSize: batch, onBatchEnd: () => { seen++; } });
  epoch += epochsPerChunk;
  steps += seen;
  // Eager tensor work between fits: ops, autograd, predictions, none disposed by hand.
  for (let i = 0; i < 50; i++) {
    const w = wg.randomNormal([16, 16], { seed: i }).requireGrad();
    w.matmul(w).tanh().sum().backward();
  }
  await model.predict(x);
  const m = await sample();
  rows.push({ steps, loss: h.history.loss.at(-1), acc: h.history.accuracy?.at(-1), ...m, s: (performance.now() - t0) / 1000 });
  const r = rows.at(-1);
  console.log(`steps ${String(r.steps).padStart(7)}  loss ${r.loss.toFixed(4)}  acc ${(r.acc ?? 0).toFixed(3)}  wasm ${mib(r.wasm)} MiB  live ${mib(r.live)} MiB  heap ${mib(r.heap)} MiB  ${r.s.toFixed(1)} s`);
}
const first = rows[0];
const last = rows.at(-1);
const flat = last.wasm <= first.wasm * 1.05 && Math.abs(last.live - first.live) <= Math.max(first.live * 0.05, 65536) && last.heap <= first.heap * 1.10;
console.log(`soak: ${steps} steps in ${last.s.toFixed(0)} s (${(steps / last.s).toFixed(0)} steps/s); from ${first.steps} steps to the end: wasm ${mib(first.wasm)} → ${mib(last.wasm)} MiB, live ${mib(first.live)} → ${mib(last.live)} MiB, heap ${mib(first.heap)} → ${mib(last.heap)} MiB: ${flat ? 'flat' : 'NOT FLAT'}`);
process.exit(flat ? 0 : 1);
