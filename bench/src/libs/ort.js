// ONNX Runtime Web adapter (wasm execution provider, inference only): the same inference
// workloads as ONNX graphs written by src/onnx.js, with weights from the shared seeded generator.
// One thread (no COOP/COEP on the bench page), like the other libraries here.
import * as ort from 'onnxruntime-web/wasm';
import { cnnWeights, mlpWeights, mnistBatch, playgroundBatch, uniform } from '../harness.js';
import { onnxModel } from '../onnx.js';

const f32 = (data, dims) => new ort.Tensor('float32', data, dims);

async function session(model) {
  return ort.InferenceSession.create(onnxModel(model), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
}

function mlpModel(sizes, act, batch) {
  const nodes = [];
  const initializers = [];
  const ws = mlpWeights(sizes);
  let cur = 'x';
  for (let i = 1; i < sizes.length; i++) {
    const [w, b, y] = [`w${i}`, `b${i}`, `h${i}`];
    initializers.push({ name: w, dims: ws[2 * i - 2].shape, data: ws[2 * i - 2].data });
    initializers.push({ name: b, dims: ws[2 * i - 1].shape, data: ws[2 * i - 1].data });
    nodes.push({ op: 'Gemm', inputs: [cur, w, b], outputs: [y] });
    cur = y;
    if (i < sizes.length - 1) {
      nodes.push({ op: act === 'tanh' ? 'Tanh' : 'Relu', inputs: [cur], outputs: [`a${i}`] });
      cur = `a${i}`;
    }
  }
  nodes.push({ op: 'Identity', inputs: [cur], outputs: ['y'] });
  return {
    nodes, initializers,
    inputs: [{ name: 'x', shape: [batch, sizes[0]] }],
    outputs: [{ name: 'y', shape: [batch, sizes[sizes.length - 1]] }],
  };
}

function cnnModel(batch) {
  const k = [3, 3];
  const pool = { kernel_shape: [2, 2], strides: [2, 2] };
  return {
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attrs: { kernel_shape: k } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attrs: pool },
      { op: 'Conv', inputs: ['p1', 'w2', 'b2'], outputs: ['c2'], attrs: { kernel_shape: k } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'MaxPool', inputs: ['r2'], outputs: ['p2'], attrs: pool },
      { op: 'Flatten', inputs: ['p2'], outputs: ['f'], attrs: { axis: 1 } },
      { op: 'Gemm', inputs: ['f', 'w3', 'b3'], outputs: ['y'] },
    ],
    initializers: cnnWeights().map((w, i) => ({ name: ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'][i], dims: w.shape, data: w.data })),
    inputs: [{ name: 'x', shape: [batch, 1, 28, 28] }],
    outputs: [{ name: 'y', shape: [batch, 10] }],
  };
}

/** A task that runs `sess` on `feeds`; the first value of `out` is the check. */
function runTask(sess, feeds, out, { readEachStep = false } = {}) {
  let last = null;
  return {
    async step() {
      const r = await sess.run(feeds);
      last = r[out].data[0];
    },
    async sync() {
      return last;
    },
    async dispose() {
      await sess.release();
    },
    readEachStep,
  };
}

export function ortLib() {
  return {
    name: 'ort-wasm',
    trains: false,
    async init() {
      ort.env.wasm.wasmPaths = new URL('../assets/ort/', import.meta.url).href;
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      return {
        library: `ONNX Runtime Web ${ort.env.versions?.web ?? ''}`.trim(),
        backend: 'wasm EP, 1 thread',
        notes: ['inference only (ORT Web has no training API for these models); inputs are copied into wasm on every run()'],
      };
    },
    async make(kind, cfg) {
      if (kind === 'matmul') {
        const { n } = cfg;
        const sess = await session({
          nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
          inputs: [{ name: 'a', shape: [n, n] }, { name: 'b', shape: [n, n] }],
          outputs: [{ name: 'c', shape: [n, n] }],
        });
        return runTask(sess, { a: f32(uniform(n * n, 1), [n, n]), b: f32(uniform(n * n, 2), [n, n]) }, 'c');
      }
      if (kind === 'mlpInfer') {
        const { sizes, batch, act } = cfg;
        const sess = await session(mlpModel(sizes, act, batch));
        const x = sizes[0] === 2 ? playgroundBatch(batch, 3).x : mnistBatch(batch, 3).x;
        return runTask(sess, { x: f32(x, [batch, sizes[0]]) }, 'y');
      }
      if (kind === 'cnnInfer') {
        const { batch } = cfg;
        const sess = await session(cnnModel(batch));
        return runTask(sess, { x: f32(mnistBatch(batch, 5).x, [batch, 1, 28, 28]) }, 'y');
      }
      throw new Error('n/a: inference only');
    },
    async memory() {
      return {};
    },
  };
}
