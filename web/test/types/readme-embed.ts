// The README's "Embed it" example, verbatim (scripts/check-docs.mjs checks that it still is).
import * as wg from 'webgrad';

const info = await wg.init(); // picks the wasm build (relaxed SIMD, SIMD or plain), the device, starts the training worker
console.log(`training on ${info.name} (${info.device}, ${info.flavor})`);
const { x, y } = wg.datasets.moons({ n: 500, noise: 0.1, seed: 1 });
const model = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })]);
model.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
await model.fit(x, y, {
  epochs: 20, batchSize: 32,
  onEpochEnd: (epoch, logs) => console.log(`epoch ${epoch} loss ${logs.loss.toFixed(4)} accuracy ${logs.accuracy?.toFixed(3)}`),
});
console.log('p(class 1) at (0, 0.5):', (await model.predictProba(wg.tensor([[0, 0.5]]))).arraySync());
