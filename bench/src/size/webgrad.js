// Bundle-size job: build the MNIST MLP (784-128-10), run one SGD training step, read the loss.
import * as wg from 'webgrad';

window.__done = (async () => {
  await wg.init({ worker: false });
  const x = wg.randomUniform([32, 784], { seed: 1 });
  const y = wg.randomUniform([32, 10], { seed: 2 });
  const w1 = wg.randomNormal([784, 128], { std: 0.05, seed: 3 }).requireGrad();
  const w2 = wg.randomNormal([128, 10], { std: 0.05, seed: 4 }).requireGrad();
  const loss = x.matmul(w1).relu().matmul(w2).logSoftmax(-1).mul(y).sum().mul(-1 / 32);
  loss.backward();
  wg.noGrad(() => [w1, w2].map((w) => w.sub(w.grad.mul(0.05))));
  return loss.item();
})();
