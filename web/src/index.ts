// webgrad: train and run neural networks in the browser.
//
//   import * as wg from 'webgrad';
//   await wg.init();                                   // loads the fastest wasm build, starts the worker
//   const { x, y } = wg.datasets.spiral({ n: 400, noise: 0.1 });
//   const model = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })]);
//   model.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
//   await model.fit(x, y, { epochs: 20, batchSize: 32, onEpochEnd: (e, logs) => console.log(e, logs.loss) });
import { layers, optimizers } from './spec.js';
// Types only: declares `Symbol.dispose` for consumers on ES2022 libs (see disposable.ts).
export type * from './disposable.js';

export { init, setDevice, deviceInfo, memoryInfo, simulateDeviceLoss, type InitOptions, type DeviceInfo, type DeviceKind } from './runtime.js';
export {
  Tensor, tensor, asTensor, noGrad, tidy, keep, type DType, type Shape, type NestedArray, type TensorLike, type Axes,
  type Rank, type ArrayOfRank,
} from './tensor.js';
export { zeros, ones, full, scalar, arange, randomNormal, randomUniform, matmul, concat, stack, where } from './creation.js';
export { Sequential, sequential, loadModel, type FitOptions, type SequentialOptions, type History, type Data, type LayerSummary, type Logs } from './model.js';
export {
  layers, optimizers, modelSpec, type Layer, type LayerSpec, type ModelSpec, type OptimizerSpec, type CompileOptions,
  type Loss, type LossName, type ActivationName, type Initializer, type InitializerName, type LayerOptions, type LearningRate,
} from './spec.js';
export {
  detectWasmFeatures, detectWebGpu, chooseFlavor, type Flavor, type WasmFeatures, type WebGpuInfo,
} from './features.js';
export { CancelledError } from './rpc.js';
export * as callbacks from './callbacks.js';
export type { Callback, BuiltinCallback } from './callbacks.js';
export type { WasmSource } from './engine.js';
export type { WireArray } from './wire.js';
export * as datasets from './data.js';
export * as data from './tabular.js';
export * as ml from './estimators.js';
export * as metrics from './metrics.js';
export * as io from './io.js';
import * as functional from './functional.js'; export { functional as F }; export type { Reduction } from './functional.js';
/**
 * torch's namespace shape: `wg.nn.functional` is `wg.F` (losses, attention, dropout, … on page tensors).
 *
 * @example
 * ```ts
 * const loss = wg.nn.functional.crossEntropy([[2, 0]], [0]);
 * loss.item();
 * ```
 */
export const nn = { functional };
export type { Dataset, Kind2d, Synthetic2dOptions } from './data.js';

// The common layers and optimizers at the top level too: `sequential([dense({ units: 3 })])`.
// One const each (not one destructuring) so that every name carries its own doc comment.
/**
 * A fully connected layer over the last axis (`layers.dense`).
 *
 * @example
 * ```ts
 * wg.dense({ units: 16, activation: 'relu', inputShape: [2] });
 * ```
 */
export const dense = layers.dense;
/**
 * A 2-D convolution over [C, H, W] inputs (`layers.conv2d`).
 *
 * @example
 * ```ts
 * wg.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [1, 28, 28] });
 * ```
 */
export const conv2d = layers.conv2d;
/**
 * Max pooling over [C, H, W] inputs (`layers.maxPooling2d`).
 *
 * @example
 * ```ts
 * wg.maxPooling2d({ poolSize: 2 });
 * ```
 */
export const maxPooling2d = layers.maxPooling2d;
/**
 * Average pooling over [C, H, W] inputs (`layers.averagePooling2d`).
 *
 * @example
 * ```ts
 * wg.averagePooling2d({ poolSize: 2 });
 * ```
 */
export const averagePooling2d = layers.averagePooling2d;
/**
 * Flatten each example into one axis (`layers.flatten`).
 *
 * @example
 * ```ts
 * wg.sequential([wg.conv2d({ filters: 4, kernelSize: 3, inputShape: [1, 8, 8] }), wg.flatten(), wg.dense({ units: 10 })]);
 * ```
 */
export const flatten = layers.flatten;
/**
 * Dropout while training (`layers.dropout`).
 *
 * @example
 * ```ts
 * wg.dropout({ rate: 0.2 });
 * ```
 */
export const dropout = layers.dropout;
/**
 * Reshape each example, no batch axis (`layers.reshape`).
 *
 * @example
 * ```ts
 * wg.reshape({ targetShape: [1, 28, 28], inputShape: [784] });
 * ```
 */
export const reshape = layers.reshape;
/**
 * Batch normalisation (`layers.batchNormalization`).
 *
 * @example
 * ```ts
 * wg.batchNormalization({ momentum: 0.9 });
 * ```
 */
export const batchNormalization = layers.batchNormalization;
/**
 * Layer normalisation over the last axis (`layers.layerNormalization`).
 *
 * @example
 * ```ts
 * wg.layerNormalization({ epsilon: 1e-5 });
 * ```
 */
export const layerNormalization = layers.layerNormalization;
/**
 * int32 token indices → vectors, first layer only (`layers.embedding`).
 *
 * @example
 * ```ts
 * wg.embedding({ inputDim: 1000, outputDim: 32 });
 * ```
 */
export const embedding = layers.embedding;
/**
 * Stochastic gradient descent (`optimizers.sgd`).
 *
 * @example
 * ```ts
 * wg.sgd(0.1, { momentum: 0.9 });
 * ```
 */
export const sgd = optimizers.sgd;
/**
 * Adam (`optimizers.adam`; default learning rate 0.001).
 *
 * @example
 * ```ts
 * wg.adam(0.01);
 * ```
 */
export const adam = optimizers.adam;
/**
 * AdamW, decoupled weight decay (`optimizers.adamw`).
 *
 * @example
 * ```ts
 * wg.adamw(0.001, { weightDecay: 0.01 });
 * ```
 */
export const adamw = optimizers.adamw;
/**
 * RMSprop (`optimizers.rmsprop`).
 *
 * @example
 * ```ts
 * wg.rmsprop(0.001, { rho: 0.9 });
 * ```
 */
export const rmsprop = optimizers.rmsprop;
