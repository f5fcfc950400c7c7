// webgrad: train and run neural networks in the browser.
//
//   import * as wg from 'webgrad';
//   await wg.init();                                   // loads the fastest wasm build this browser runs
//   const x = wg.tensor([[1, 2], [3, 4]]);
//   x.matmul(x).arraySync();                           // [[7, 10], [15, 22]]
export { init, deviceInfo, type InitOptions, type DeviceInfo, type DeviceKind } from './runtime.js';
export {
  Tensor, tensor, asTensor, zeros, ones, full, scalar, arange, randomNormal, randomUniform, matmul, concat,
  stack, where, noGrad, type DType, type Shape, type NestedArray, type TensorLike, type Axes,
} from './tensor.js';
export {
  detectWasmFeatures, detectWebGpu, chooseFlavor, type Flavor, type WasmFeatures, type WebGpuInfo,
} from './features.js';
export { CancelledError } from './rpc.js';
export type { WasmSource } from './engine.js';
