// Bundle-size job: the MNIST MLP (784-128-10) with the public API, one SGD step via fit() (in the
// package's training worker, its default), then the loss.
import * as wg from 'webgrad';

window.__done = (async () => {
  await wg.init();
  const model = wg.sequential([wg.dense({ units: 128, activation: 'relu', inputShape: [784] }), wg.dense({ units: 10 })]);
  model.compile({ optimizer: wg.sgd(0.05), loss: 'softmaxCrossEntropy' });
  const x = { data: new Float32Array(32 * 784).fill(0.5), shape: [32, 784] };
  const y = { data: Int32Array.from({ length: 32 }, (_, i) => i % 10), shape: [32] };
  const h = await model.fit(x, y, { epochs: 1, batchSize: 32 });
  return h.history.loss[0];
})();
