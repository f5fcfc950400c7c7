// Changing the training device after init(): `setDevice` starts a fresh host on the new device.
// Node has only the CPU, so 'cpu' and 'auto' must work and 'webgpu' must fail clearly, leaving the
// current device in use.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

beforeAll(async () => {
  await initInline();
});

async function trainsOnce(): Promise<number> {
  const { x, y } = wg.datasets.circle({ n: 64, noise: 0.05, seed: 1 });
  const model = wg.sequential([wg.dense({ units: 8, activation: 'relu' }), wg.dense({ units: 2 })], { seed: 3 });
  model.compile({ optimizer: wg.adam(0.02), loss: 'softmaxCrossEntropy' });
  const h = await model.fit(x, y, { epochs: 2, batchSize: 32 });
  return h.history.loss[1];
}

describe('setDevice', () => {
  it("switches to 'cpu' after init; models built afterwards train", async () => {
    const info = await wg.setDevice('cpu');
    expect(info.device).toBe('cpu');
    expect(wg.deviceInfo().device).toBe('cpu');
    expect(wg.deviceInfo().name).toMatch(/cpu/);
    expect(Number.isFinite(await trainsOnce())).toBe(true);
  });

  it("'auto' falls back to the CPU where there is no WebGPU, and says why", async () => {
    const info = await wg.setDevice('auto');
    expect(info.device).toBe('cpu');
    expect(info.note).toBeTruthy();
  });

  it("an unavailable 'webgpu' rejects with a clear error and keeps the current device", async () => {
    await expect(wg.setDevice('webgpu')).rejects.toThrow(/WebGPU was requested but/);
    expect(wg.deviceInfo().device).toBe('cpu');
    expect(Number.isFinite(await trainsOnce())).toBe(true);
  });

  it('a model built before the switch says so clearly, and disposing it frees nothing on the new host', async () => {
    const make = () => {
      const m = wg.sequential([wg.dense({ units: 2, inputShape: [2] })], { seed: 1 });
      m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
      return m;
    };
    const before = make();
    await before.build();
    await wg.setDevice('cpu');
    const after = make(); // the new host numbers its models from 1 again
    await after.build();
    await expect(before.predict([[1, 2]])).rejects.toThrow(/setDevice\(\) replaced; build the model again/);
    before.dispose();
    expect((await after.predict([[1, 2]])).shape).toEqual([1, 2]);
    after.dispose();
  });
});
