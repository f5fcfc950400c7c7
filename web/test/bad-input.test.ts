// Bad input through the public API: each case must throw an error that names what was wrong,
// and the engine must still work afterwards (a health check runs after every case).
import { describe, expect, it, beforeAll } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';
import { CASES, healthy as matrixHealthy } from './matrix/bad-input.mjs';

beforeAll(async () => {
  await initInline();
});

const healthy = () => matrixHealthy(wg);

describe('bad input gets a clear error, and the engine keeps working (the matrix, also run in Chromium)', () => {
  for (const [what, run] of CASES) {
    it(what, async () => {
      await run(wg);
      await healthy();
    });
  }
});

describe('more bad input (Node only)', () => {
  it('NaN follows torch: relu keeps it, argMax finds it, logSumExp of +inf is +inf', async () => {
    expect(wg.tensor([NaN, -1, 2]).relu().dataSync()[0]).toBeNaN();
    expect(Array.from(wg.tensor([1, NaN, 2]).argMax().dataSync())).toEqual([1]);
    expect(wg.tensor([Infinity, 1]).logSumExp().dataSync()[0]).toBe(Infinity);
    await healthy();
  });
});

describe('a loss that becomes NaN', () => {
  const data = () => {
    const x = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i));
    const bad = x.slice();
    bad[5] = NaN;
    return { bad: wg.tensor(bad, [16, 2]), y: wg.zeros([16, 1]) };
  };
  const model = () => {
    const m = wg.sequential([wg.dense({ units: 1, inputShape: [2] })], { seed: 2 });
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    return m;
  };

  it("'warn' trains on and reports it; 'ignore' trains on silently", async () => {
    const { bad, y } = data();
    const m = model();
    const warnings: string[] = [];
    const h = await m.fit(bad, y, { epochs: 2, batchSize: 8, onNonFinite: 'warn', onWarning: (w) => warnings.push(w) });
    expect(h.history.loss).toHaveLength(2);
    expect(warnings).toEqual(['loss became NaN in epoch 0', 'loss became NaN in epoch 1']);
    const quiet: string[] = [];
    await m.fit(bad, y, { epochs: 1, onNonFinite: 'ignore', onWarning: (w) => quiet.push(w) });
    expect(quiet).toEqual([]);
    m.dispose();
  });
});

describe('one model, one fit at a time', () => {
  const setup = () => {
    const m = wg.sequential([wg.dense({ units: 4, activation: 'relu', inputShape: [2] }), wg.dense({ units: 1 })], { seed: 3 });
    m.compile({ optimizer: wg.adam(0.01), loss: 'mse' });
    return { m, x: wg.randomNormal([256, 2], { seed: 1 }), y: wg.randomNormal([256, 1], { seed: 2 }) };
  };

  it('dispose during fit stops it with a clear error, and frees the model after', async () => {
    const { m, x, y } = setup();
    let disposed = false;
    const run = m.fit(x, y, {
      epochs: 5, batchSize: 8,
      onBatchEnd: (b) => {
        if (b === 2 && !disposed) {
          disposed = true;
          m.dispose();
        }
      },
    });
    await expect(run).rejects.toThrow(/disposed while it trained|disposed/);
    const mem = await wg.memoryInfo();
    expect(mem.host.models).toBe(0);
    await healthy();
  });
});
