import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

beforeAll(async () => {
  await initInline();
});

describe('model spec builders', () => {
  it('build the engine spec with snake_case names and defaults left out', () => {
    const model = wg.sequential([
      wg.dense({ units: 16, activation: 'leakyRelu', inputShape: [2], kernelInitializer: 'heNormal' }),
      wg.layers.dropout({ rate: 0.1 }),
      wg.dense({ units: 3 }),
    ], { seed: 5 });
    model.compile({ optimizer: wg.adam(0.01, { beta1: 0.8 }), loss: 'softmaxCrossEntropy', clipGradNorm: 1 });
    expect(model.spec()).toEqual({
      input_shape: [2],
      layers: [
        { type: 'dense', units: 16, activation: 'leaky_relu', init: 'he_normal' },
        { type: 'dropout', rate: 0.1 },
        { type: 'dense', units: 3 },
      ],
      loss: { type: 'softmax_cross_entropy' },
      optimizer: { type: 'adam', lr: 0.01, beta1: 0.8 },
      clip_grad_norm: 1,
      seed: 5,
    });
    expect(wg.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' })).toEqual({ type: 'conv2d', filters: 8, kernel_size: 3, padding: 1 });
    expect(wg.modelSpec([wg.dense({ units: 1 })], { optimizer: 'sgd', loss: { type: 'softmaxCrossEntropy', classWeights: [1, 2] } }, [4], 0).loss)
      .toEqual({ type: 'softmax_cross_entropy', class_weights: [1, 2] });
  });

  it('reports spec errors from the engine as Errors naming the layer', async () => {
    const bad = wg.sequential([wg.dense({ units: 4, inputShape: [2] }), wg.dense({ units: 3, activation: 'softmax' })]);
    bad.compile({ optimizer: wg.adam(), loss: 'softmaxCrossEntropy' });
    await expect(bad.build()).rejects.toThrow(/softmax_cross_entropy takes logits: remove the final softmax/);
    const unknown = wg.sequential([{ type: 'densee', units: 3 }], { inputShape: [2] });
    unknown.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    await expect(unknown.build()).rejects.toThrow(/^model spec: .*densee/);
    expect(() => wg.sequential([wg.dense({ units: 2 })]).spec()).toThrow(/compile/);
  });
});

describe('training (engine host inline)', () => {
  it('fits a circle: the loss falls, progress arrives per epoch and per batch', async () => {
    const { x, y } = wg.datasets.circle({ n: 200, noise: 0.05, seed: 1 });
    const model = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })], { seed: 3 });
    model.compile({ optimizer: wg.adam(0.02), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const epochs: number[] = [];
    let batches = 0;
    const h = await model.fit(x, y, { epochs: 30, batchSize: 32, onEpochEnd: (e) => epochs.push(e), onBatchEnd: () => batches++ });
    expect(epochs).toEqual([...Array(30).keys()]);
    expect(batches).toBe(30 * 7);
    const loss = h.history.loss;
    expect(loss[29]).toBeLessThan(loss[0] * 0.7);
    expect(h.history.accuracy[29]).toBeGreaterThan(0.8);
    expect(h.history.lr[0]).toBeCloseTo(0.02);
    const ev = await model.evaluate(x, y);
    expect(ev.loss).toBeGreaterThan(0);
    expect(ev.accuracy).toBeGreaterThan(0.8);
    const p = await model.predictProba(x);
    expect(p.shape).toEqual([200, 2]);
    const sums = p.sum(-1).dataSync();
    expect(Math.abs(sums[0] - 1)).toBeLessThan(1e-5);
    expect((await model.predict(x, { batchSize: 64 })).shape).toEqual([200, 2]);
    expect((await model.layerSummaries()).map((r) => r.kind)).toEqual(['dense', 'dense', 'dense']);
    expect(await model.countParams()).toBe(2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2);
    const w = await model.getWeights();
    expect(Object.keys(w)).toContain('0.weight');
  });

  it('reports mae for regression, refuses unknown metrics, and round-trips weights', async () => {
    const { x, y } = wg.datasets.synthetic2d('regress_plane', { n: 64, seed: 3 });
    const m = wg.sequential([wg.dense({ units: 1 })], { seed: 1 });
    m.compile({ optimizer: wg.sgd(0.05), loss: 'mse', metrics: ['mae'] });
    const h = await m.fit(x, y, { epochs: 5, batchSize: 16, validationData: [x, y] });
    expect(h.history.mae).toHaveLength(5);
    expect(h.history.val_loss[4]).toBeCloseTo(h.history.loss[4], 1);
    const w = await m.getWeights();
    const before = (await m.evaluate(x, y)).loss;
    const other = wg.sequential([wg.dense({ units: 1 })], { seed: 2 });
    other.compile({ optimizer: wg.sgd(0.05), loss: 'mse' });
    await other.build([2]);
    expect((await other.evaluate(x, y)).loss).not.toBeCloseTo(before, 5);
    await other.setWeights(w);
    expect((await other.evaluate(x, y)).loss).toBeCloseTo(before, 5);
    await expect(other.setWeights({ '0.weight': w['0.weight'] })).rejects.toThrow(/missing 0.bias/);
    const bad = wg.sequential([wg.dense({ units: 1 })]);
    expect(() => bad.compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] })).toThrow(/unknown metric "f1"/);
  });

  it('is reproducible for a seed', async () => {
    const run = async () => {
      const { x, y } = wg.datasets.xor({ n: 64, seed: 2 });
      const m = wg.sequential([wg.dense({ units: 8, activation: 'tanh' }), wg.dense({ units: 2 })], { seed: 9 });
      m.compile({ optimizer: wg.sgd(0.1), loss: 'softmaxCrossEntropy' });
      return (await m.fit(x, y, { epochs: 3, batchSize: 16 })).history.loss;
    };
    expect(await run()).toEqual(await run());
  });

  it('cancels through an AbortSignal and keeps the trained state', async () => {
    const { x, y } = wg.datasets.circle({ n: 256, seed: 2 });
    const m = wg.sequential([wg.dense({ units: 8, activation: 'relu' }), wg.dense({ units: 2 })]);
    m.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy' });
    const ac = new AbortController();
    let seen = 0;
    const p = m.fit(x, y, { epochs: 10_000, batchSize: 8, onBatchEnd: () => ++seen === 50 && ac.abort(), signal: ac.signal });
    await expect(p).rejects.toBeInstanceOf(wg.CancelledError);
    expect(seen).toBeLessThan(500);
    expect((await m.evaluate(x, y)).loss).toBeGreaterThan(0);
  });

  it('trains on single batches and rejects mismatched data with the engine message', async () => {
    const m = wg.sequential([wg.dense({ units: 1, inputShape: [3] })]);
    m.compile({ optimizer: wg.sgd(0.1), loss: 'mse' });
    const x = wg.randomNormal([8, 3], { seed: 1 });
    const y = x.sum(-1, true);
    const first = await m.trainOnBatch(x, y);
    let last = first;
    for (let i = 0; i < 50; i++) last = await m.trainOnBatch(x, y);
    expect(last).toBeLessThan(first);
    await expect(m.trainOnBatch(wg.zeros([8, 4]), y)).rejects.toThrow(/input of shape \[8, 4\] does not match the spec: expected \[batch, 3\]/);
    await expect(m.fit(x, y, { batchSize: 0 })).rejects.toThrow(/batchSize 0 must be an integer ≥ 1/);
    m.dispose();
    await expect(m.predict(x)).rejects.toThrow(/disposed/);
  });
});

describe('token models', () => {
  it('trains a tiny transformer on int32 tokens (inputs cast to int32 for embedding models)', async () => {
    // Sequences 0 1 2 3 … (mod 5): the next token is always predictable.
    const T = 6;
    const seqs = Array.from({ length: 32 }, (_, i) => Array.from({ length: T + 1 }, (_, t) => (i + t) % 5));
    const x = wg.tensor(seqs.map((s) => s.slice(0, T)));
    const y = wg.tensor(new Int32Array(seqs.flatMap((s) => s.slice(1))), [32, T]);
    const m = wg.sequential([
      wg.layers.tokenPositionEmbedding({ vocabSize: 5, maxLen: T, dim: 16, inputShape: [T] }),
      wg.layers.transformerBlock({ heads: 2 }),
      wg.layers.layerNormalization(),
      wg.dense({ units: 5 }),
    ], { seed: 1 });
    m.compile({ optimizer: wg.adamw(0.01), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const h = await m.fit(x, y, { epochs: 30, batchSize: 8 });
    expect(h.history.loss[29]).toBeLessThan(h.history.loss[0] / 3);
    expect(h.history.accuracy[29]).toBeGreaterThan(0.9);
  });
});

describe('save and load', () => {
  it('round-trips a trained model through safetensors bytes, with and without optimizer state', async () => {
    const { x, y } = wg.datasets.moons({ n: 128, noise: 0.1, seed: 4 });
    const m = wg.sequential([wg.dense({ units: 8, activation: 'relu' }), wg.layers.batchNormalization(), wg.dense({ units: 2 })], { seed: 3 });
    m.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    await m.fit(x, y, { epochs: 3, batchSize: 32 });
    const bytes = await m.save();
    const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
    expect(header['0.weight']).toMatchObject({ dtype: 'F32', shape: [2, 8] });
    expect(header.__metadata__['webgrad.spec']).toContain('batch_norm');
    const loaded = await wg.loadModel(bytes, { metrics: ['accuracy'] });
    expect(await loaded.evaluate(x, y)).toEqual(await m.evaluate(x, y));
    expect(loaded.spec().layers.map((l) => l.type)).toEqual(['dense', 'batch_norm', 'dense']);

    // With the optimizer state, training resumes exactly where it stopped.
    const withOpt = await m.save({ includeOptimizer: true });
    const resumed = await wg.loadModel(withOpt);
    const a = await m.fit(x, y, { epochs: 2, batchSize: 32, shuffle: false });
    const b = await resumed.fit(x, y, { epochs: 2, batchSize: 32, shuffle: false });
    expect(b.history.loss).toEqual(a.history.loss);

    const fresh = wg.sequential([wg.dense({ units: 8, activation: 'relu' }), wg.layers.batchNormalization(), wg.dense({ units: 2 })], { seed: 99 });
    fresh.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy' });
    await fresh.build([2]);
    await fresh.loadWeights(bytes);
    expect((await fresh.evaluate(x, y)).loss).toBeCloseTo((await loaded.evaluate(x, y)).loss, 6);
    await expect(wg.loadModel(new Uint8Array([1, 2, 3]))).rejects.toThrow(/not a valid safetensors file/);
  });
});
