// webgrad adapters: the same workloads on the `webgrad` package, in two styles.
//
// * webgradModelLib: models built from the package's Keras-shaped spec (`wg.sequential`, layers,
//   `wg.sgd`) and trained by the engine's `Model.trainStep`, the step that `model.fit()` runs per
//   batch, here called on the page's engine (like the tfjs loop) so that per-step timing is
//   comparable; plus `mlpFit`, the public `sequential().fit()` end to end (training worker, RPC).
// * webgradOpsLib: the same models written with the tensor API and autograd (NCHW convolutions),
//   SGD with tensor ops, intermediates freed by `wg.tidy` (the tfjs habit).
//
// Both start from the harness's shared weights, so losses can be compared across libraries.
import * as wg from 'webgrad';
import * as core from 'webgrad/pkg/webgrad_wasm.js';
import {
  cnnWeights, ints, mlpWeights, mnistBatch, oneHot, playgroundBatch, transformerWeights, uniform,
} from '../harness.js';

/** The engine instance the raw workloads run on: the page's core, or the full one on WebGPU. */
let raw = core;

// ---- shared ------------------------------------------------------------------------------------

function matmulTask({ n }) {
  const a = wg.tensor(uniform(n * n, 1), [n, n]);
  const b = wg.tensor(uniform(n * n, 2), [n, n]);
  let c = null;
  return {
    step() {
      const r = a.matmul(b);
      c?.dispose();
      c = r;
    },
    async sync() {
      return c ? (await c.data())[0] : NaN;
    },
    dispose() {
      for (const t of [a, b, c]) t?.dispose();
    },
  };
}

async function initInfo(device, worker, notes) {
  const info = await wg.init({ device, worker });
  // The package keeps the page's own tensors on the CPU and trains models on `device` in its
  // host; the workloads here run on the page's engine, so put that one on the device too.
  // The page's engine is the package's CPU-only build (no wgpu): the WebGPU workloads run on a
  // page instance of the full engine (webgrad_full.wasm), as the package's training host does.
  if (device === 'webgpu') {
    const full = await import('webgrad/pkg/webgrad_full.js');
    await full.default({ module_or_path: new URL('../pkg/webgrad_full.wasm', import.meta.url) });
    await full.initWebgpu();
    full.setDevice('webgpu');
    raw = full;
  }
  return {
    library: `webgrad ${info.version}`,
    backend: raw.deviceName(),
    device: info.device,
    flavor: info.flavor,
    webgpu: info.webgpu,
    notes,
  };
}

const memory = async () => ({ wasmMemoryBytes: raw.wasmMemoryBytes() });

/** Data of the MLP workloads: x, and targets as one-hot/float (ops, tfjs) and class ids (model API). */
function mlpData(sizes, batch, loss) {
  if (loss === 'mse') {
    const d = playgroundBatch(batch, 3);
    return { x: d.x, xShape: [batch, 2], y: d.y, yShape: [batch, 1], ids: null };
  }
  const d = mnistBatch(batch, 3);
  return { x: d.x, xShape: [batch, sizes[0]], y: d.y, yShape: [batch, 10], ids: d.labels };
}

// ---- Model API ---------------------------------------------------------------------------------

const act = (a) => (a === 'linear' ? undefined : a);

function mlpLayers(sizes, hidden, out) {
  return sizes.slice(1).map((units, i) => wg.dense({ units, activation: act(i < sizes.length - 2 ? hidden : out) }));
}

function cnnLayers() {
  return [
    wg.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), wg.maxPooling2d({ poolSize: 2 }),
    wg.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }), wg.maxPooling2d({ poolSize: 2 }),
    wg.flatten(), wg.dense({ units: 10 }),
  ];
}

function transformerLayers({ vocab, ctx, dim, heads, layers }) {
  const L = wg.layers;
  return [
    L.tokenPositionEmbedding({ vocabSize: vocab, maxLen: ctx, dim }),
    ...Array.from({ length: layers }, () => L.transformerBlock({ heads, mlpRatio: 4 })),
    L.layerNormalization(), wg.dense({ units: vocab }),
  ];
}

/** An engine model on the page from a public spec, with the harness's weights loaded. */
function engineModel(layerList, inputShape, loss, lr, weights) {
  const spec = wg.sequential(layerList).compile({ optimizer: wg.sgd(lr), loss }).spec(inputShape);
  const model = raw.Model.fromSpec(spec);
  const names = model.parameterNames();
  if (names.length !== weights.length) throw new Error(`the model has ${names.length} parameters, the workload ${weights.length}`);
  const values = names.map((name, i) => {
    const p = model.parameter(name);
    const have = Array.from(p.shape).join(',');
    p.free();
    if (have !== weights[i].shape.join(',')) throw new Error(`parameter ${name} is [${have}], the workload's is [${weights[i].shape}]`);
    return raw.Tensor.fromF32(weights[i].data, Uint32Array.from(weights[i].shape));
  });
  model.loadParameters(names, values);
  return model;
}

const rawF32 = (data, shape) => raw.Tensor.fromF32(data, Uint32Array.from(shape));
const rawI32 = (data, shape) => raw.Tensor.fromI32(data, Uint32Array.from(shape));

/** The first value of an engine tensor, read back the way the package does (async for GPU). */
async function readFirst(t) {
  const w = new wg.Tensor(t.clone());
  try {
    return (await w.data())[0];
  } finally {
    w.dispose();
  }
}

function modelTrainTask(model, x, y) {
  let loss = null;
  return {
    step() {
      const l = model.trainStep(x, y);
      loss?.free();
      loss = l;
    },
    async sync() {
      return loss ? readFirst(loss) : NaN;
    },
    dispose() {
      loss?.free();
      x.free();
      y.free();
      model.free();
    },
  };
}

function modelInferTask(model, x, { readEachStep }) {
  let out = null;
  let last = NaN;
  return {
    async step() {
      const o = model.predict(x);
      if (readEachStep) {
        last = await readFirst(o);
        o.free();
      } else {
        out?.free();
        out = o;
      }
    },
    async sync() {
      return readEachStep ? last : out ? readFirst(out) : NaN;
    },
    dispose() {
      out?.free();
      x.free();
      model.free();
    },
  };
}

export function webgradModelLib(name, device) {
  return {
    name,
    async init() {
      return initInfo(device, true, [
        'training: the engine\'s Model.trainStep (what fit() runs per batch) on the page\'s engine; "fit()" rows: the public API end to end (training worker)',
      ]);
    },
    async make(kind, cfg) {
      if (kind === 'matmul') return matmulTask(cfg);
      if (kind === 'mlpTrain') {
        const { sizes, batch, act: a, loss, lr } = cfg;
        const d = mlpData(sizes, batch, loss);
        const model = engineModel(mlpLayers(sizes, a, loss === 'mse' ? 'tanh' : 'linear'), [sizes[0]],
          loss === 'mse' ? 'mse' : 'softmaxCrossEntropy', lr, mlpWeights(sizes));
        const y = loss === 'mse' ? rawF32(d.y, d.yShape) : rawI32(d.ids, [batch]);
        return modelTrainTask(model, rawF32(d.x, d.xShape), y);
      }
      if (kind === 'mlpInfer') {
        const { sizes, batch, act: a } = cfg;
        const model = engineModel(mlpLayers(sizes, a, 'linear'), [sizes[0]], 'mse', 0.01, mlpWeights(sizes));
        const x = sizes[0] === 2 ? playgroundBatch(batch, 3).x : mnistBatch(batch, 3).x;
        return modelInferTask(model, rawF32(x, [batch, sizes[0]]), { readEachStep: false });
      }
      if (kind === 'cnnTrain') {
        const { batch, lr } = cfg;
        const d = mnistBatch(batch, 5);
        const model = engineModel(cnnLayers(), [1, 28, 28], 'softmaxCrossEntropy', lr, cnnWeights());
        return modelTrainTask(model, rawF32(d.x, [batch, 1, 28, 28]), rawI32(d.labels, [batch]));
      }
      if (kind === 'cnnInfer') {
        const { batch } = cfg;
        const model = engineModel(cnnLayers(), [1, 28, 28], 'softmaxCrossEntropy', 0.01, cnnWeights());
        return modelInferTask(model, rawF32(mnistBatch(batch, 5).x, [batch, 1, 28, 28]), { readEachStep: true });
      }
      if (kind === 'transformerTrain') {
        const { vocab: V, ctx: T, batch: B, lr } = cfg;
        const model = engineModel(transformerLayers(cfg), [T], 'softmaxCrossEntropy', lr, transformerWeights(cfg));
        return modelTrainTask(model, rawI32(ints(B * T, V, 11), [B, T]), rawI32(ints(B * T, V, 12), [B, T]));
      }
      if (kind === 'mlpFit') {
        const { sizes, batch, samples, lr } = cfg;
        const d = playgroundBatch(samples, 7);
        const model = wg.sequential(mlpLayers(sizes, 'tanh', 'tanh'), { seed: 1 });
        model.compile({ optimizer: wg.sgd(lr), loss: 'mse' });
        const x = { data: d.x, shape: [samples, 2] };
        const y = { data: d.y, shape: [samples, 1] };
        let last = NaN;
        return {
          async step() {
            const h = await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false });
            last = h.history.loss[0];
          },
          async sync() {
            return last;
          },
          dispose: () => model.dispose(),
          stepsPerCall: samples / batch,
        };
      }
      throw new Error(`unknown workload ${kind}`);
    },
    /** First trained step through the public API, as an app would: sequential + fit (worker). */
    async firstStep({ sizes, batch, lr }) {
      const d = playgroundBatch(batch, 3);
      const model = wg.sequential(mlpLayers(sizes, 'tanh', 'tanh'));
      model.compile({ optimizer: wg.sgd(lr), loss: 'mse' });
      const h = await model.fit({ data: d.x, shape: [batch, 2] }, { data: d.y, shape: [batch, 1] }, { epochs: 1, batchSize: batch });
      return h.history.loss[0];
    },
    memory,
  };
}

// ---- tensor API + autograd ---------------------------------------------------------------------

/** Parameters from the harness's shared initial weights. */
const toParams = (ws) => ws.map((w) => wg.tensor(w.data, w.shape).requireGrad());

/** Plain SGD: new parameter tensors p - lr * grad (the old ones and their grads are freed). */
function sgd(params, lr) {
  const next = wg.noGrad(() => wg.tidy(() => params.map((p) => {
    const g = p.grad;
    if (!g) throw new Error('a parameter got no gradient');
    return p.sub(g.mul(lr));
  })));
  for (const p of params) p.dispose();
  return next.map((p) => p.requireGrad());
}

/** A training task over `params` with `lossOf(params) -> scalar tensor`. */
function opsTrainTask(params, lossOf, lr, extra = []) {
  let loss = null;
  return {
    step() {
      const l = wg.tidy(() => lossOf(params));
      l.backward();
      loss?.dispose();
      loss = l;
      params = sgd(params, lr);
    },
    async sync() {
      return loss ? (await loss.data())[0] : NaN;
    },
    dispose() {
      loss?.dispose();
      for (const t of [...params, ...extra]) t.dispose();
    },
  };
}

function mlpForward(ps, x, hidden, out) {
  let h = x;
  const L = ps.length / 2;
  for (let i = 0; i < L; i++) {
    h = h.matmul(ps[2 * i]).add(ps[2 * i + 1]);
    const a = i < L - 1 ? hidden : out;
    if (a === 'tanh') h = h.tanh();
    else if (a === 'relu') h = h.relu();
  }
  return h;
}

/** Mean softmax cross-entropy of logits [N, C] against one-hot targets [N, C]. */
const crossEntropy = (logits, y) => logits.logSoftmax(-1).mul(y).sum().mul(-1 / logits.shape[0]);

const cnnForward = ([w1, b1, w2, b2, w3, b3], x) =>
  x.conv2d(w1, b1).relu().maxPool2d(2).conv2d(w2, b2).relu().maxPool2d(2).flatten(1).matmul(w3).add(b3);

/** The engine's transformer (token+position embedding, pre-norm GPT blocks, LN, dense) in tensor ops. */
function opsTransformer(cfg) {
  const { vocab: V, ctx: T, dim: D, heads: H, layers: L, batch: B } = cfg;
  const Dh = D / H;
  const maskVals = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskVals[i * T + j] = -1e9;
  const mask = wg.tensor(maskVals, [T, T]);
  const ids = wg.tensor(ints(B * T, V, 11), [B * T], 'int32');
  const targets = wg.tensor(oneHot(ints(B * T, V, 12), V), [B * T, V]);
  const scale = 1 / Math.sqrt(Dh);
  const ln = (x, g, b) => {
    const xc = x.sub(x.mean(-1, true));
    return xc.mul(xc.square().mean(-1, true).add(1e-5).sqrt().reciprocal()).mul(g).add(b);
  };
  const heads = (t, perm) => t.reshape([B, T, H, Dh]).transpose(perm);
  const lossOf = (ps) => {
    let i = 0;
    const next = () => ps[i++];
    const [tok, pos] = [next(), next()];
    let x = tok.gather(ids, 0).reshape([B, T, D]).add(pos).reshape([B * T, D]);
    for (let l = 0; l < L; l++) {
      const [g1, b1, wqkv, bqkv, wo, bo, g2, b2, w1, c1, w2, c2] = Array.from({ length: 12 }, next);
      const qkv = ln(x, g1, b1).matmul(wqkv).add(bqkv);
      const q = heads(qkv.slice(1, 0, D), [0, 2, 1, 3]);
      const k = heads(qkv.slice(1, D, D), [0, 2, 3, 1]);
      const v = heads(qkv.slice(1, 2 * D, D), [0, 2, 1, 3]);
      const att = q.matmul(k).mul(scale).add(mask).softmax(-1);
      x = x.add(att.matmul(v).transpose([0, 2, 1, 3]).reshape([B * T, D]).matmul(wo).add(bo));
      x = x.add(ln(x, g2, b2).matmul(w1).add(c1).gelu().matmul(w2).add(c2));
    }
    const [gf, bf, wout, bout] = [next(), next(), next(), next()];
    return crossEntropy(ln(x, gf, bf).matmul(wout).add(bout), targets);
  };
  return opsTrainTask(toParams(transformerWeights(cfg)), lossOf, cfg.lr, [mask, ids, targets]);
}

export function webgradOpsLib(name, device) {
  return {
    name,
    async init() {
      return initInfo(device, false, ['tensor API + autograd on the page, SGD written with tensor ops, wg.tidy per step']);
    },
    async make(kind, cfg) {
      if (kind === 'matmul') return matmulTask(cfg);
      if (kind === 'mlpTrain') {
        const { sizes, batch, act: a, loss, lr } = cfg;
        const d = mlpData(sizes, batch, loss);
        const x = wg.tensor(d.x, d.xShape);
        const y = wg.tensor(d.y, d.yShape);
        const lossOf = loss === 'mse'
          ? (ps) => mlpForward(ps, x, a, 'tanh').sub(y).square().mean()
          : (ps) => crossEntropy(mlpForward(ps, x, a, 'linear'), y);
        return opsTrainTask(toParams(mlpWeights(sizes)), lossOf, lr, [x, y]);
      }
      if (kind === 'mlpInfer') {
        const { sizes, batch, act: a } = cfg;
        const ps = toParams(mlpWeights(sizes));
        const x = wg.tensor(mnistBatch(batch, 3).x, [batch, sizes[0]]);
        let out = null;
        return {
          step() {
            const o = wg.noGrad(() => wg.tidy(() => mlpForward(ps, x, a, 'linear')));
            out?.dispose();
            out = o;
          },
          async sync() {
            return out ? (await out.data())[0] : NaN;
          },
          dispose() {
            for (const t of [...ps, x, out]) t?.dispose();
          },
        };
      }
      if (kind === 'cnnTrain') {
        const { batch, lr } = cfg;
        const d = mnistBatch(batch, 5);
        const x = wg.tensor(d.x, [batch, 1, 28, 28]);
        const y = wg.tensor(d.y, [batch, 10]);
        return opsTrainTask(toParams(cnnWeights()), (ps) => crossEntropy(cnnForward(ps, x), y), lr, [x, y]);
      }
      if (kind === 'cnnInfer') {
        const { batch } = cfg;
        const ps = toParams(cnnWeights());
        const x = wg.tensor(mnistBatch(batch, 5).x, [batch, 1, 28, 28]);
        let last = NaN;
        return {
          async step() {
            const o = wg.noGrad(() => wg.tidy(() => cnnForward(ps, x)));
            last = (await o.data())[0];
            o.dispose();
          },
          async sync() {
            return last;
          },
          dispose() {
            for (const t of [...ps, x]) t.dispose();
          },
        };
      }
      if (kind === 'transformerTrain') return opsTransformer(cfg);
      throw new Error(`n/a: ${kind} needs the model API (this runner uses tensor ops)`);
    },
    memory,
  };
}
