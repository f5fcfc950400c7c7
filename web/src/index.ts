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
  Tensor, tensor, asTensor, zeros, ones, full, scalar, arange, randomNormal, randomUniform, matmul, concat,
  stack, where, noGrad, tidy, keep, type DType, type Shape, type NestedArray, type TensorLike, type Axes,
} from './tensor.js';
export { Sequential, sequential, loadModel, type FitOptions, type History, type Data, type LayerSummary, type Logs } from './model.js';
export {
  layers, optimizers, modelSpec, type Layer, type LayerSpec, type ModelSpec, type OptimizerSpec, type CompileOptions,
  type Loss, type LossName, type ActivationName, type Initializer,
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
import * as functional from './functional.js'; export { functional as F }; export const nn = { functional }; export type { Reduction } from './functional.js';
export type { Dataset, Kind2d, Synthetic2dOptions } from './data.js';

// The common layers and optimizers at the top level too: `sequential([dense({ units: 3 })])`.
export const { dense, conv2d, maxPooling2d, averagePooling2d, flatten, dropout, reshape, batchNormalization, layerNormalization, embedding } = layers;
export const { sgd, adam, adamw, rmsprop } = optimizers;
