// No leak over 10,000 training steps without dispose(): wasm memory and the JS heap at step 1,000
// and step 10,000 must agree within 5 %. Engine objects are freed by wasm-bindgen's weak refs
// (FinalizationRegistry), whose callbacks run between tasks, so the loop yields now and then as
// any real page does.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { engine } from '../src/engine.js';
import { initInline } from './helpers.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function settle(): Promise<{ wasm: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 10)); // let finalizers run
  }
  return { wasm: engine().wasmMemoryBytes(), heap: process.memoryUsage().heapUsed };
}

function expectFlat(at1k: { wasm: number; heap: number }, at10k: { wasm: number; heap: number }) {
  console.log(`wasm memory ${at1k.wasm} → ${at10k.wasm} bytes; JS heap ${at1k.heap} → ${at10k.heap} bytes`);
  expect(at10k.wasm).toBeLessThanOrEqual(at1k.wasm * 1.05);
  expect(Math.abs(at10k.heap - at1k.heap)).toBeLessThanOrEqual(at1k.heap * 0.05);
}

beforeAll(async () => {
  await initInline();
});

describe.skipIf(!gc)('memory', () => {
  it('stays flat over 10,000 model training steps without dispose()', async () => {
    const { x, y } = wg.datasets.moons({ n: 32, noise: 0.1, seed: 1 });
    const model = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })]);
    model.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy' });
    let at1k = { wasm: 0, heap: 0 };
    let first = 0;
    let last = 0;
    for (let step = 1; step <= 10_000; step++) {
      last = await model.trainOnBatch(x, y);
      if (step === 1) first = last;
      if (step === 1_000) at1k = await settle();
    }
    expectFlat(at1k, await settle());
    expect(last).toBeLessThan(first);
  });

  it('stays flat over 10,000 epochs of fit without dispose()', async () => {
    const { x, y } = wg.datasets.circle({ n: 64, seed: 2 });
    const model = wg.sequential([wg.dense({ units: 8, activation: 'tanh' }), wg.dense({ units: 2 })]);
    model.compile({ optimizer: wg.sgd(0.05), loss: 'softmaxCrossEntropy' });
    await model.fit(x, y, { epochs: 1_000, batchSize: 64 });
    const at1k = await settle();
    await model.fit(x, y, { epochs: 9_000, batchSize: 64, initialEpoch: 1_000 });
    expectFlat(at1k, await settle());
  });

  it('stays flat over 10,000 tensor-op training steps inside tidy()', async () => {
    const x = wg.randomUniform([32, 4], { seed: 1 });
    const y = x.sum(-1, true);
    let w = wg.zeros([4, 1]).requireGrad();
    let at1k = { wasm: 0, heap: 0 };
    for (let step = 1; step <= 10_000; step++) {
      const prev = w;
      w = wg.tidy(() => {
        const loss = x.matmul(w).sub(y).square().mean();
        loss.backward();
        return wg.noGrad(() => w.sub(w.grad!.mul(0.1))).requireGrad();
      });
      prev.dispose();
      if (step % 100 === 0) await new Promise((r) => setTimeout(r, 0));
      if (step === 1_000) at1k = await settle();
    }
    expectFlat(at1k, await settle());
  });

  // Without tidy() or dispose(), tensors made by user code are freed by the garbage collector
  // (wasm-bindgen's FinalizationRegistry), which knows nothing of wasm memory: how much garbage
  // piles up between collections depends on V8's young-generation size, which grows during the
  // first thousands of steps. So this loop is checked for a bound, not for flatness: a leak of
  // one step's tensors (a few KB) would add tens of MB over 10,000 steps.
  it('stays bounded over 20,000 tensor-op training steps without dispose()', async () => {
    const x = wg.randomUniform([32, 4], { seed: 1 });
    const y = x.sum(-1, true);
    let w = wg.zeros([4, 1]).requireGrad();
    let at10k = { wasm: 0, heap: 0 };
    for (let step = 1; step <= 20_000; step++) {
      const loss = x.matmul(w).sub(y).square().mean();
      loss.backward();
      w = wg.noGrad(() => w.sub(w.grad!.mul(0.1))).requireGrad();
      if (step % 100 === 0) await new Promise((r) => setTimeout(r, 0));
      if (step === 10_000) at10k = await settle();
    }
    const at20k = await settle();
    console.log(`no dispose: wasm memory ${at10k.wasm} → ${at20k.wasm} bytes; JS heap ${at10k.heap} → ${at20k.heap} bytes`);
    expect(at20k.wasm).toBeLessThan(40 << 20);
    expect(at20k.heap).toBeLessThan(at10k.heap * 1.1);
  });
});
