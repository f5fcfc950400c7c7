// TensorFlow.js adapter: the same workloads with tfjs-core ops and tfjs-layers models, on one of
// the `cpu`, `wasm` or `webgpu` backends (the runner imports the backend package first).
// Training steps use `optimizer.minimize` (what a custom tfjs training loop does; no per-step
// readback), inference uses `model.apply` inside `tf.tidy`.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// Method chaining (x.reshape(...)) is registered by the `@tensorflow/tfjs` union package, not by tfjs-core.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { cnnWeights, ints, mlpWeights, mnistBatch, oneHot, playgroundBatch, transformerWeights, uniform } from '../harness.js';

const GPU = new Set(['webgpu', 'webgl']);

/** Set a model's weights from the harness's shared initial weights ({ shape, data }). */
function setWeights(model, ws) {
  const ts = ws.map((w) => tf.tensor(w.data, w.shape));
  model.setWeights(ts);
  tf.dispose(ts);
}

function mlpModel(sizes, act, outAct) {
  const m = tfl.sequential();
  for (let i = 1; i < sizes.length; i++) {
    m.add(tfl.layers.dense({
      units: sizes[i],
      inputShape: i === 1 ? [sizes[0]] : undefined,
      activation: i < sizes.length - 1 ? act : outAct,
    }));
  }
  setWeights(m, mlpWeights(sizes));
  return m;
}

/** Conv weights [O, I, KH, KW] (the shared layout) → tfjs's [KH, KW, I, O]. */
function oihwToHwio({ shape: [O, I, KH, KW], data }) {
  const out = new Float32Array(data.length);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) for (let h = 0; h < KH; h++) for (let w = 0; w < KW; w++) {
    out[((h * KW + w) * I + i) * O + o] = data[((o * I + i) * KH + h) * KW + w];
  }
  return { shape: [KH, KW, I, O], data: out };
}

/** Dense rows for an input flattened as (C, H, W) → rows for tfjs's (H, W, C) flatten. */
function chwRowsToHwc({ shape: [rows, N], data }, C, H, W) {
  const out = new Float32Array(data.length);
  for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let j = 0; j < N; j++) {
    out[((h * W + w) * C + c) * N + j] = data[((c * H + h) * W + w) * N + j];
  }
  return { shape: [rows, N], data: out };
}

function cnnModel() {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  const [w1, b1, w2, b2, w3, b3] = cnnWeights();
  setWeights(m, [oihwToHwio(w1), b1, oihwToHwio(w2), b2, chwRowsToHwc(w3, 16, 5, 5), b3]);
  return m;
}

const trainable = (model) => model.trainableWeights.map((w) => w.read());

/** A training task: minimize `lossFn` over `vars`; the loss of the last step is kept for sync. */
function trainTask(lossFn, vars, lr, dispose) {
  const opt = tf.train.sgd(lr);
  let cost = null;
  return {
    step() {
      const c = opt.minimize(lossFn, true, vars);
      cost?.dispose();
      cost = c;
    },
    async sync() {
      return cost ? (await cost.data())[0] : NaN;
    },
    dispose() {
      cost?.dispose();
      opt.dispose();
      dispose();
    },
  };
}

/**
 * The char transformer (webgrad's: token+position embedding, pre-norm GPT blocks with a fused qkv
 * projection, final layer norm, dense), written with tfjs-core ops: tfjs-layers 4.22 exports no
 * attention layer.
 */
function transformer(cfg) {
  const { vocab: V, ctx: T, dim: D, heads: H, layers: L, batch: B } = cfg;
  const Dh = D / H;
  const vars = transformerWeights(cfg).map((w) => tf.variable(tf.tensor(w.data, w.shape)));
  let i = 0;
  const next = () => vars[i++];
  const tok = next();
  const pos = next();
  const blocks = [];
  for (let l = 0; l < L; l++) {
    const [g1, b1, wqkv, bqkv, wo, bo, g2, b2, w1, c1, w2, c2] = Array.from({ length: 12 }, next);
    blocks.push({ g1, b1, wqkv, bqkv, wo, bo, g2, b2, w1, c1, w2, c2 });
  }
  const [gf, bf, wout, bout] = [next(), next(), next(), next()];
  const maskVals = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskVals[i * T + j] = -1e9;
  const mask = tf.tensor2d(maskVals, [T, T]);
  const ids = tf.tensor1d(ints(B * T, V, 11), 'int32');
  const targets = tf.tensor2d(oneHot(ints(B * T, V, 12), V), [B * T, V]);
  const scale = 1 / Math.sqrt(Dh);
  const ln = (x, g, b) => {
    const xc = x.sub(x.mean(-1, true));
    return xc.mul(xc.square().mean(-1, true).add(1e-5).sqrt().reciprocal()).mul(g).add(b);
  };
  // Exact (erf) GELU, as webgrad's gelu().
  const gelu = (x) => x.mul(x.mul(Math.SQRT1_2).erf().add(1).mul(0.5));
  const heads = (t, perm) => t.reshape([B, T, H, Dh]).transpose(perm);
  const loss = () => {
    let x = tf.gather(tok, ids).reshape([B, T, D]).add(pos).reshape([B * T, D]);
    for (const p of blocks) {
      const qkv = ln(x, p.g1, p.b1).matMul(p.wqkv).add(p.bqkv);
      const [q0, k0, v0] = tf.split(qkv, 3, 1);
      const q = heads(q0, [0, 2, 1, 3]);
      const k = heads(k0, [0, 2, 3, 1]);
      const v = heads(v0, [0, 2, 1, 3]);
      const att = tf.matMul(q, k).mul(scale).add(mask).softmax();
      x = x.add(tf.matMul(att, v).transpose([0, 2, 1, 3]).reshape([B * T, D]).matMul(p.wo).add(p.bo));
      x = x.add(gelu(ln(x, p.g2, p.b2).matMul(p.w1).add(p.c1)).matMul(p.w2).add(p.c2));
    }
    const logits = ln(x, gf, bf).matMul(wout).add(bout);
    return tf.losses.softmaxCrossEntropy(targets, logits);
  };
  return trainTask(loss, vars, cfg.lr, () => tf.dispose([...vars, mask, ids, targets]));
}

export function tfjsLib(name, backend, { setup = async () => {}, notes = [] } = {}) {
  return {
    name,
    async init() {
      await setup();
      const ok = await tf.setBackend(backend);
      if (!ok) throw new Error(`tf.setBackend('${backend}') failed`);
      await tf.ready();
      const b = tf.backend();
      const info = { library: `TensorFlow.js ${tf.version_core}`, backend: tf.getBackend(), notes: [...notes] };
      if (backend === 'wasm') {
        info.wasmSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
        info.wasmThreads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
      }
      if (backend === 'webgpu' && b.adapterInfo) info.adapter = { ...b.adapterInfo };
      return info;
    },
    async make(kind, cfg) {
      if (kind === 'matmul') {
        const { n } = cfg;
        const a = tf.tensor2d(uniform(n * n, 1), [n, n]);
        const bm = tf.tensor2d(uniform(n * n, 2), [n, n]);
        let c = null;
        return {
          step() {
            const r = tf.matMul(a, bm);
            c?.dispose();
            c = r;
          },
          async sync() {
            return c ? (await c.data())[0] : NaN;
          },
          dispose: () => tf.dispose([a, bm, c]),
        };
      }
      if (kind === 'mlpTrain') {
        const { sizes, batch, act, loss, lr } = cfg;
        const model = mlpModel(sizes, act, loss === 'mse' ? 'tanh' : 'linear');
        let x, y;
        if (loss === 'mse') {
          const d = playgroundBatch(batch, 3);
          x = tf.tensor2d(d.x, [batch, 2]);
          y = tf.tensor2d(d.y, [batch, 1]);
        } else {
          const d = mnistBatch(batch, 3);
          x = tf.tensor2d(d.x, [batch, 784]);
          y = tf.tensor2d(d.y, [batch, 10]);
        }
        const lossFn = loss === 'mse'
          ? () => tf.losses.meanSquaredError(y, model.apply(x))
          : () => tf.losses.softmaxCrossEntropy(y, model.apply(x));
        return trainTask(lossFn, trainable(model), lr, () => {
          tf.dispose([x, y]);
          model.dispose();
        });
      }
      if (kind === 'mlpInfer') {
        const { sizes, batch, act } = cfg;
        const model = mlpModel(sizes, act, 'linear');
        const x = tf.tensor2d(mnistBatch(batch, 3).x, [batch, sizes[0]]);
        let out = null;
        return {
          step() {
            const o = tf.tidy(() => model.apply(x));
            out?.dispose();
            out = o;
          },
          async sync() {
            return out ? (await out.data())[0] : NaN;
          },
          dispose() {
            tf.dispose([x, out]);
            model.dispose();
          },
        };
      }
      if (kind === 'cnnTrain') {
        const { batch, lr } = cfg;
        const model = cnnModel();
        const d = mnistBatch(batch, 5);
        const x = tf.tensor4d(d.x, [batch, 28, 28, 1]);
        const y = tf.tensor2d(d.y, [batch, 10]);
        const t = trainTask(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), trainable(model), lr, () => {
          tf.dispose([x, y]);
          model.dispose();
        });
        return t;
      }
      if (kind === 'cnnInfer') {
        const { batch } = cfg;
        const model = cnnModel();
        const x = tf.tensor4d(mnistBatch(batch, 5).x, [batch, 28, 28, 1]);
        let last = NaN;
        return {
          async step() {
            const o = tf.tidy(() => model.apply(x));
            last = (await o.data())[0];
            o.dispose();
          },
          async sync() {
            return last;
          },
          dispose() {
            x.dispose();
            model.dispose();
          },
        };
      }
      if (kind === 'transformerTrain') return transformer(cfg);
      if (kind === 'mlpFit') {
        // The Keras-style path, model.fit, as webgrad's fit() row.
        const { sizes, batch, samples, lr } = cfg;
        const model = mlpModel(sizes, 'tanh', 'tanh');
        model.compile({ optimizer: tf.train.sgd(lr), loss: 'meanSquaredError' });
        const d = playgroundBatch(samples, 7);
        const x = tf.tensor2d(d.x, [samples, 2]);
        const y = tf.tensor2d(d.y, [samples, 1]);
        let last = NaN;
        return {
          async step() {
            const h = await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0 });
            last = h.history.loss[0];
          },
          async sync() {
            return last;
          },
          dispose() {
            tf.dispose([x, y]);
            model.dispose();
          },
          stepsPerCall: samples / batch,
        };
      }
      throw new Error(`unknown workload ${kind}`);
    },
    async memory() {
      const m = tf.memory();
      const out = { numTensors: m.numTensors, numBytes: m.numBytes };
      if (m.numBytesInGPU !== undefined) out.numBytesInGPU = m.numBytesInGPU;
      const b = tf.backend();
      const heap = b.wasm?.HEAPU8?.buffer ?? b.wasm?.HEAP8?.buffer;
      if (heap) out.wasmMemoryBytes = heap.byteLength;
      return out;
    },
    get isGpu() {
      return GPU.has(backend);
    },
  };
}
