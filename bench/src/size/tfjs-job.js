// Bundle-size job shared by the tfjs runners: the same MNIST MLP step with tfjs-layers.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export async function job(backend) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }), tfl.layers.dense({ units: 10 })],
  });
  const x = tf.randomUniform([32, 784]);
  const y = tf.randomUniform([32, 10]);
  const opt = tf.train.sgd(0.05);
  const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true);
  return (await loss.data())[0];
}
