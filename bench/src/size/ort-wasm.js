// Bundle-size job for ONNX Runtime Web: the same MNIST MLP, inference only (ORT Web cannot train it).
import * as ort from 'onnxruntime-web/wasm';
import { onnxModel } from '../onnx.js';

window.__done = (async () => {
  ort.env.wasm.wasmPaths = new URL('../assets/ort/', import.meta.url).href;
  ort.env.wasm.numThreads = 1;
  const w = (n) => new Float32Array(n).fill(0.01);
  const model = onnxModel({
    nodes: [
      { op: 'Gemm', inputs: ['x', 'w1', 'b1'], outputs: ['h'] },
      { op: 'Relu', inputs: ['h'], outputs: ['a'] },
      { op: 'Gemm', inputs: ['a', 'w2', 'b2'], outputs: ['y'] },
    ],
    initializers: [
      { name: 'w1', dims: [784, 128], data: w(784 * 128) }, { name: 'b1', dims: [128], data: w(128) },
      { name: 'w2', dims: [128, 10], data: w(1280) }, { name: 'b2', dims: [10], data: w(10) },
    ],
    inputs: [{ name: 'x', shape: [32, 784] }],
    outputs: [{ name: 'y', shape: [32, 10] }],
  });
  const sess = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const r = await sess.run({ x: new ort.Tensor('float32', w(32 * 784), [32, 784]) });
  return r.y.data[0];
})();
