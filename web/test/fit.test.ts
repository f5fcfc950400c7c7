// Keras `fit` parity: callbacks, early stopping, stopTraining, errors from callbacks, abort,
// validation split, metrics and losses by their Keras names, summary.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

beforeAll(async () => {
  await initInline();
});

function classifier(seed = 3, metrics: string[] = ['accuracy']) {
  const model = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })], { seed });
  model.compile({ optimizer: wg.adam(0.02), loss: 'sparseCategoricalCrossentropy', metrics });
  return model;
}
const moons = () => wg.datasets.moons({ n: 200, noise: 0.1, seed: 1 });

describe('Keras fit', () => {
  it('epochs is the index to stop before, as in Keras: initialEpoch 2, epochs 5 runs epochs 2, 3, 4', async () => {
    const { x, y } = moons();
    const m = classifier();
    const h = await m.fit(x, y, { epochs: 5, initialEpoch: 2, batchSize: 64 });
    expect(h.epoch).toEqual([2, 3, 4]);
    expect((await m.fit(x, y, { epochs: 2, initialEpoch: 2 })).epoch).toEqual([]);
    m.dispose();
  });

  it('validationSplit logs val_loss and val_<metric> on the last examples', async () => {
    const { x, y } = moons();
    const h = await classifier().fit(x, y, { epochs: 3, batchSize: 32, validationSplit: 0.25 });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'lr', 'val_accuracy', 'val_loss']);
    expect(h.history.val_loss).toHaveLength(3);
    // Holding out 50 of 200 examples leaves 150: 5 batches of 32.
    let batches = 0;
    await classifier().fit(x, y, { epochs: 1, batchSize: 32, validationSplit: 0.25, onBatchEnd: () => void batches++ });
    expect(batches).toBe(5);
    await expect(classifier().fit(x, y, { validationSplit: 1 })).rejects.toThrow(/validation_split 1 must be in \[0, 1\)/);
  });

  it('calls custom callbacks in Keras order', async () => {
    const { x, y } = wg.datasets.moons({ n: 40, noise: 0.1, seed: 1 });
    const seen: string[] = [];
    const cb: wg.Callback = {
      onTrainBegin: () => void seen.push('trainBegin'),
      onEpochBegin: (e) => void seen.push(`epochBegin ${e}`),
      onBatchBegin: (b) => void seen.push(`batchBegin ${b}`),
      onBatchEnd: (b, logs) => void seen.push(`batchEnd ${b} ${typeof logs.loss}`),
      onEpochEnd: (e, logs) => void seen.push(`epochEnd ${e} ${logs.loss > 0}`),
      onTrainEnd: () => void seen.push('trainEnd'),
    };
    await classifier().fit(x, y, { epochs: 2, batchSize: 20, callbacks: [cb] });
    expect(seen).toEqual([
      'trainBegin',
      'epochBegin 0', 'batchBegin 0', 'batchEnd 0 number', 'batchBegin 1', 'batchEnd 1 number', 'epochEnd 0 true',
      'epochBegin 1', 'batchBegin 0', 'batchEnd 0 number', 'batchBegin 1', 'batchEnd 1 number', 'epochEnd 1 true',
      'trainEnd',
    ]);
  });

  it('early stopping really stops and restores the best weights', async () => {
    const { x, y } = moons();
    // A learning rate so high that validation loss soon stops improving.
    const model = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })], { seed: 4 });
    model.compile({ optimizer: wg.sgd(3), loss: 'sparseCategoricalCrossentropy' });
    const es = wg.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const h = await model.fit(x, y, { epochs: 100, batchSize: 8, validationSplit: 0.3, callbacks: [es] });
    expect(h.stoppedBy).toBe('early_stopping');
    const val = h.history.val_loss;
    expect(val.length).toBeLessThan(100);
    const best = Math.min(...val);
    expect(val.indexOf(best)).toBe(val.length - 3 - 1); // patience 2: stops 3 epochs after the best
    // The weights are the best epoch's: evaluating on the held-out examples gives its loss.
    const n = 200, held = 60;
    const xs = x.arraySync() as number[][];
    const ys = y.arraySync() as number[];
    const ev = await model.evaluate(xs.slice(n - held), ys.slice(n - held));
    expect(ev.loss).toBeCloseTo(best, 4);
  });

  it('reduceLROnPlateau lowers the learning rate', async () => {
    const { x, y } = moons();
    const r = wg.callbacks.reduceLROnPlateau({ monitor: 'lr', mode: 'min', factor: 0.5, patience: 1, minLr: 0.005 });
    const h = await classifier().fit(x, y, { epochs: 6, callbacks: [r] });
    expect(h.history.lr[0]).toBeCloseTo(0.02);
    expect(h.history.lr[5]).toBeCloseTo(0.005);
  });

  it('model.stopTraining = true ends fit cleanly with the history', async () => {
    const { x, y } = moons();
    const model = classifier();
    const h = await model.fit(x, y, {
      epochs: 50,
      onEpochEnd: (e) => {
        if (e === 2) model.stopTraining = true;
      },
    });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(h.stoppedBy).toBe('callback');
    // From a batch callback: no further batch runs; the epoch still ends with its logs.
    let batches = 0;
    const h2 = await model.fit(x, y, {
      epochs: 5, batchSize: 10,
      onBatchEnd: (b) => {
        batches++;
        if (b === 3) model.stopTraining = true;
      },
    });
    expect(batches).toBe(4);
    expect(h2.epoch).toEqual([0]);
    expect(h2.history.loss).toHaveLength(1);
  });

  it('a throwing callback rejects fit with that exception, and the engine keeps working', async () => {
    const { x, y } = moons();
    const model = classifier();
    const boom = new Error('boom in onEpochEnd');
    let after = 0;
    await expect(model.fit(x, y, {
      epochs: 10,
      onEpochEnd: (e) => {
        if (e === 1) throw boom;
        after = e;
      },
    })).rejects.toBe(boom);
    expect(after).toBe(0);
    await expect(model.fit(x, y, { epochs: 2, onBatchBegin: async () => { throw new TypeError('async batch'); } })).rejects.toThrow(TypeError);
    const h = await model.fit(x, y, { epochs: 1 });
    expect(h.history.loss[0]).toBeGreaterThan(0);
  });

  it('abort stops within one batch', async () => {
    const { x, y } = moons();
    const model = classifier();
    const ctl = new AbortController();
    let batches = 0;
    const fit = model.fit(x, y, {
      epochs: 20, batchSize: 10, signal: ctl.signal,
      onBatchEnd: () => {
        batches++;
        if (batches === 7) ctl.abort();
      },
    });
    await expect(fit).rejects.toBeInstanceOf(wg.CancelledError);
    expect(batches).toBe(7);
    const h = await model.fit(x, y, { epochs: 1 });
    expect(h.epoch).toEqual([0]);
  });

  it('knows the Keras metrics and losses by name', async () => {
    const { x, y } = moons();
    const probs = (y.arraySync() as number[]).map((c) => [c]);
    const bin = wg.sequential([wg.dense({ units: 8, activation: 'tanh' }), wg.dense({ units: 1 })], { seed: 2 });
    bin.compile({ optimizer: wg.adam(0.03), loss: 'binaryCrossentropy', metrics: ['binaryAccuracy', 'precision', 'recall', 'auc', 'mse'] });
    const h = await bin.fit(x, probs, { epochs: 15, validationSplit: 0.2 });
    for (const k of ['binaryAccuracy', 'precision', 'recall', 'auc', 'mse', 'val_auc', 'val_binaryAccuracy']) expect(h.history[k], k).toHaveLength(15);
    expect(h.history.auc[14]).toBeGreaterThan(0.9);
    expect(h.history.auc[14]).toBeLessThanOrEqual(1);
    const ev = await bin.evaluate(x, probs);
    expect(ev.binaryAccuracy).toBeGreaterThan(0.8);
    // One-hot labels with categoricalCrossentropy give the same loss as class indices.
    const onehot = (y.arraySync() as number[]).map((c) => (c === 0 ? [1, 0] : [0, 1]));
    const cat = wg.sequential([wg.dense({ units: 8, activation: 'tanh' }), wg.dense({ units: 2 })], { seed: 2 });
    cat.compile({ optimizer: wg.adam(0.03), loss: 'categoricalCrossentropy', metrics: ['categoricalAccuracy'] });
    const sparse = classifier(2);
    const sp = wg.sequential([wg.dense({ units: 8, activation: 'tanh' }), wg.dense({ units: 2 })], { seed: 2 });
    sp.compile({ optimizer: wg.adam(0.03), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const a = await cat.evaluate(x, onehot);
    const b = await sp.evaluate(x, y);
    expect(a.loss).toBeCloseTo(b.loss, 5);
    expect(a.categoricalAccuracy).toBe(b.accuracy);
    sparse.dispose();
    const huber = wg.sequential([wg.dense({ units: 1 })], { seed: 1 });
    huber.compile({ optimizer: wg.sgd(0.1), loss: { type: 'huber', delta: 0.5 }, metrics: ['mae'] });
    expect((await huber.fit([[0], [1]], [[0], [2]], { epochs: 1 })).history.mae[0]).toBeGreaterThan(0);
    expect(() => classifier(1, ['f1'])).toThrow(/unknown metric "f1"/);
    await expect(classifier(1, ['precision']).fit(x, y)).rejects.toThrow(/precision metric needs binary or one-hot targets/);
  });

  it('summary() prints a Keras-style table and returns it', async () => {
    const model = wg.sequential([wg.dense({ units: 16, activation: 'relu', inputShape: [2] }), wg.dense({ units: 2 })]);
    model.compile({ optimizer: wg.adam(), loss: 'sparseCategoricalCrossentropy' });
    const lines: string[] = [];
    const table = await model.summary((l) => lines.push(l));
    expect(lines).toEqual([table]);
    expect(table).toMatch(/Layer \(type\)\s+Output Shape\s+Param #/);
    expect(table).toMatch(/dense_0 \(dense\)\s+\(None, 16\)\s+48/);
    expect(table).toMatch(/Total params: 82/);
  });

  it('trainOnBatch, getWeights / setWeights, batched predict', async () => {
    const { x, y } = moons();
    const model = classifier();
    const l0 = await model.trainOnBatch(x, y);
    for (let i = 0; i < 20; i++) await model.trainOnBatch(x, y);
    expect(await model.trainOnBatch(x, y)).toBeLessThan(l0);
    const w = await model.getWeights();
    const other = classifier(9);
    await other.build([2]);
    await other.setWeights(w);
    const a = (await model.predict(x, { batchSize: 7 })).arraySync();
    const b = (await other.predict(x)).arraySync();
    expect(a).toEqual(b);
  });
});
