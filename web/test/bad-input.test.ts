// Bad input through the public API: each case must throw an error that names what was wrong,
// and the engine must still work afterwards (a health check runs after every case).
import { describe, expect, it, beforeAll } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

beforeAll(async () => {
  await initInline();
});

async function healthy() {
  const t = wg.tensor([[1, 2], [3, 4]]).matmul(wg.tensor([[1], [1]]));
  expect(Array.from(t.dataSync())).toEqual([3, 7]);
  const x = wg.tensor([1, 2, 3]).requireGrad();
  x.square().sum().backward();
  expect(Array.from(x.grad!.dataSync())).toEqual([2, 4, 6]);
  const m = wg.sequential([wg.dense({ units: 2, inputShape: [2] })], { seed: 1 });
  m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
  expect(Number.isFinite(await m.trainOnBatch([[1, 2]], [[0, 1]]))).toBe(true);
  m.dispose();
}

const z = (shape: number[]) => wg.zeros(shape);

// [what, the call, the message it must give]
const CASES: [string, () => unknown, RegExp][] = [
  ['broadcast to 2^32 elements', () => z([65536, 1]).add(z([1, 65536])), /add: the result of shape \[65536, 65536\] would have more than 268435456 elements/],
  ['broadcast that wraps on wasm32', () => z([65537, 1]).add(z([1, 65536])), /more than 268435456 elements/],
  ['matmul over the limit', () => z([65536, 1]).matmul(z([1, 65536])), /matmul: the result of shape/],
  ['broadcastTo 4e8 elements', () => wg.scalar(1).broadcastTo([20000, 20000]), /broadcast_to: .*\[20000, 20000\].*268435456/],
  ['zeros with a huge shape', () => z([1e6, 1e6]), /shape \[1000000, 1000000\] has more than|more than 268435456 elements/],
  ['reshape with a fraction', () => z([2, 3]).reshape([2.9, 3]), /reshape: shape\[0\] must be an integer, got 2.9/],
  ['sum over a fractional axis', () => z([2, 3]).sum(1.5), /sum: axis\[0\] must be an integer, got 1.5/],
  ['gather with a fractional index', () => z([3, 2]).gather([1.7]), /int32 value 1.7 at index 0 is not a whole number/],
  ['int32 beyond range', () => wg.tensor([3e9], [1], 'int32'), /int32 value 3000000000 at index 0/],
  ['arange(-1)', () => wg.arange(-1), /arange: n must be a non-negative integer, got -1/],
  ['seed 1.5', () => wg.randomUniform([2], { seed: 1.5 }), /randomUniform: seed must be a non-negative integer.*got 1.5/],
  ['seed NaN for a data set', () => wg.datasets.circle({ seed: NaN }), /seed must be a non-negative integer.*got NaN/],
  ['slice with a negative start', () => z([4]).slice(0, -1, 2), /slice: start must be a non-negative integer, got -1/],
  ['oneHot(0)', () => wg.tensor([1], [1], 'int32').oneHot(0), /oneHot: numClasses must be a positive integer, got 0/],
  ['maxPool2d kernel 1.5', () => z([1, 1, 4, 4]).maxPool2d(1.5), /maxPool2d: kernel\[0\] must be a non-negative integer, got 1.5/],
  ['backward twice through one graph', () => { const l = wg.tensor([1, 2]).requireGrad().square().sum(); l.backward(); l.backward(); }, /backward: trying to go backward through the graph a second time .*retainGraph: true/],
  ['a disposed tensor', () => { const t = wg.tensor([1]); t.dispose(); return t.add(1); }, /this tensor was disposed/],
];

describe('bad input gets a clear error, and the engine keeps working', () => {
  for (const [what, call, message] of CASES) {
    it(what, async () => {
      expect(call).toThrow(message);
      await healthy();
    });
  }

  it('NaN follows torch: relu keeps it, argMax finds it, logSumExp of +inf is +inf', async () => {
    expect(wg.tensor([NaN, -1, 2]).relu().dataSync()[0]).toBeNaN();
    expect(Array.from(wg.tensor([1, NaN, 2]).argMax().dataSync())).toEqual([1]);
    expect(wg.tensor([Infinity, 1]).logSumExp().dataSync()[0]).toBe(Infinity);
    await healthy();
  });

  it('a layer too large for the engine is refused when the model is built', async () => {
    const m = wg.sequential([wg.dense({ units: 1e9, inputShape: [2] })]);
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    await expect(m.build()).rejects.toThrow(/more than 268435456 elements/);
    await healthy();
  });

  it('weights with NaN or infinity are refused, naming the parameter', async () => {
    const m = wg.sequential([wg.dense({ units: 2, inputShape: [2] })], { seed: 1 });
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    const w = await m.getWeights();
    await expect(m.setWeights({ ...w, '0.weight': wg.tensor([[1, NaN], [0, 1]]) })).rejects.toThrow(/0\.weight holds NaN at index 1/);
    await expect(m.setParameter('0.bias', wg.tensor([Infinity, 0]))).rejects.toThrow(/0\.bias holds inf at index 0/);
    expect((await m.getParameter('0.weight')).dataSync()).toEqual(w['0.weight'].dataSync());
    m.dispose();
    await healthy();
  });

  it('fit and evaluate check their arguments before training', async () => {
    const m = wg.sequential([wg.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    const x = wg.zeros([4, 2]);
    await expect(m.fit(x, wg.zeros([3, 1]))).rejects.toThrow(/targets of shape \[3, 1\] do not match .* 4 examples/);
    await expect(m.fit(x, wg.zeros([4, 1]), { epochs: 1.5 })).rejects.toThrow(/epochs 1.5 must be an integer/);
    await expect(m.fit(x, wg.zeros([4, 1]), { batchSize: 2.5 })).rejects.toThrow(/batchSize 2.5 must be an integer/);
    await expect(m.evaluate(x, wg.zeros([4, 1]), { batchSize: 0 })).rejects.toThrow(/batch_size must be ≥ 1/);
    m.dispose();
    await healthy();
  });
});

describe('a loss that becomes NaN', () => {
  const data = () => {
    const x = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i));
    const bad = x.slice();
    bad[5] = NaN;
    return { x: wg.tensor(x, [16, 2]), bad: wg.tensor(bad, [16, 2]), y: wg.zeros([16, 1]) };
  };
  const model = () => {
    const m = wg.sequential([wg.dense({ units: 1, inputShape: [2] })], { seed: 2 });
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    return m;
  };

  it("stops fit by default with a clear error, the last finite weights back", async () => {
    const { x, bad, y } = data();
    const m = model();
    await m.fit(x, y, { epochs: 1, batchSize: 8 });
    const before = (await m.predict(x)).dataSync();
    await expect(m.fit(bad, y, { epochs: 3, batchSize: 8 })).rejects.toThrow(/loss became NaN in epoch 0 .*weights from before that epoch are back/);
    expect((await m.predict(x)).dataSync()).toEqual(before);
    m.dispose();
    await healthy();
  });

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

  it('a second fit while the first trains is refused clearly; the first goes on', async () => {
    const { m, x, y } = setup();
    const first = m.fit(x, y, { epochs: 3, batchSize: 8 });
    await expect(m.fit(x, y, { epochs: 1 })).rejects.toThrow(/already training/);
    expect((await first).history.loss).toHaveLength(3);
    m.dispose();
    await healthy();
  });

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
