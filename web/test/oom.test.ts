// Out of memory is an ordinary error: the engine reserves every tensor-sized buffer before it
// writes to it, so a full 4 GiB wasm memory gives "out of memory" naming the op (or the layer),
// never a trap, a masked "borrowed" error or lost models. Its own file: the wasm memory this
// fills never shrinks, so no other test shares the process.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';
import { healthy as matrixHealthy } from './matrix/bad-input.mjs';

const GIB = 1 << 28; // f32 values in 1 GiB

beforeAll(async () => {
  await initInline();
});

/** Hold 1 GiB tensors until the engine refuses one; returns them (the memory is then full). */
function fillMemory(): wg.Tensor[] {
  const held: wg.Tensor[] = [];
  for (let i = 0; i < 8; i++) {
    try {
      held.push(wg.zeros([GIB]));
    } catch (err) {
      expect(String(err)).toMatch(/tensor: out of memory: a buffer of 1024\.0 MiB could not be allocated/);
      return held;
    }
  }
  throw new Error('8 GiB were allocated: the wasm memory has no 4 GiB limit?');
}

let held: wg.Tensor[] = [];
afterEach(() => {
  for (const t of held) t.dispose();
  held = [];
});

const healthy = () => matrixHealthy(wg);

describe('out of memory', () => {
  it('making a tensor when memory is full is an error, and freeing makes room again', async () => {
    held = fillMemory();
    expect(held.length).toBeGreaterThanOrEqual(1);
    expect(() => wg.ones([GIB / 2]).add(1)).toThrow(/out of memory/);
    for (const t of held) t.dispose();
    held = [];
    const again = wg.zeros([GIB]);
    expect(again.size).toBe(GIB);
    again.dispose();
    await healthy();
  });

  it('copying a large array in when memory is full names the cause', async () => {
    held = fillMemory();
    expect(() => wg.tensor(new Float32Array(GIB))).toThrow(/out of memory/);
    await healthy();
  });

  it('a model too large for memory names the layer', async () => {
    const layers = () => [wg.dense({ units: 16384, inputShape: [16384] }), wg.dense({ units: 16384 }), wg.dense({ units: 16384 }), wg.dense({ units: 16384 }), wg.dense({ units: 16384 })];
    const big = wg.sequential(layers(), { seed: 1 }).compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    await expect(big.build()).rejects.toThrow(/model: layer \d \(dense\): .*out of memory/);
    big.dispose();
    await healthy();
  });

  it('fit that runs out of memory rejects with that error and leaves the model usable', async () => {
    // 16384 rows × 16384 units is a 1 GiB activation (cheap to compute: the input has one feature).
    const m = wg.sequential([wg.dense({ units: 16384, inputShape: [1], activation: 'relu' }), wg.dense({ units: 1 })], { seed: 2 });
    m.compile({ optimizer: wg.adam(0.01), loss: 'mse' });
    const x = wg.randomUniform([16384, 1], { seed: 3 });
    const y = x.mul(2);
    const firstValues = async () => Object.values(await m.getWeights()).map((w) => Array.from(w.dataSync().slice(0, 4)));
    const before = await firstValues();
    held = fillMemory();
    await expect(m.fit(x, y, { epochs: 1, batchSize: 16384 })).rejects.toThrow(/out of memory/);
    for (const t of held) t.dispose();
    held = [];
    expect(await firstValues()).toEqual(before);
    const h = await m.fit(x.slice(0, 0, 64), y.slice(0, 0, 64), { epochs: 2, batchSize: 32 });
    expect(h.history.loss.every(Number.isFinite)).toBe(true);
    m.dispose();
    await healthy();
  });
});
