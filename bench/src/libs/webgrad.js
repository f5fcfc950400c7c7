// webgrad adapter: the same workloads with the `webgrad` package's tensor API and autograd
// (NCHW convolutions), on the CPU (wasm SIMD) or WebGPU device.
//
// Intermediate tensors are freed at the end of each step by `tidy` below (the tfjs habit): the
// package frees them through FinalizationRegistry otherwise, but finalizers only run between
// tasks, never inside a tight synchronous training loop.
import * as wg from 'webgrad';
import * as raw from 'webgrad/pkg/webgrad_wasm.js';
import { cnnWeights, ints, mlpWeights, mnistBatch, oneHot, playgroundBatch, transformerWeights, uniform } from '../harness.js';

let scope = null;
let patched = false;

/** Record every Tensor that a Tensor method returns while a scope is open. */
function patchTensor() {
  if (patched) return;
  patched = true;
  const proto = wg.Tensor.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (name === 'constructor' || name === 'dispose' || typeof d.value !== 'function') continue;
    const f = d.value;
    proto[name] = function (...args) {
      const r = f.apply(this, args);
      if (scope && r instanceof wg.Tensor && r !== this) scope.add(r);
      return r;
    };
  }
}

/** Run `fn`; dispose every tensor it made except those it returns (one tensor or an array). */
function tidy(fn) {
  const outer = scope;
  const mine = new Set(); // a Set: a method may return what another patched method made
  scope = mine;
  let out;
  try {
    out = fn();
  } finally {
    scope = outer;
  }
  const keep = new Set(Array.isArray(out) ? out : [out]);
  for (const t of mine) if (!keep.has(t)) t.dispose();
  if (outer) for (const t of keep) if (t instanceof wg.Tensor) outer.add(t);
  return out;
}

/** Parameters from the harness's shared initial weights. */
const toParams = (ws) => ws.map((w) => wg.tensor(w.data, w.shape).requireGrad());

/** Plain SGD: new parameter tensors p - lr * grad (the old ones and their grads are freed). */
function sgd(params, lr) {
  return wg.noGrad(() => params.map((p) => {
    const g = p.grad;
    if (!g) throw new Error('a parameter got no gradient');
    const np = tidy(() => p.sub(g.mul(lr)));
    g.dispose();
    p.dispose();
    return np.requireGrad();
  }));
}

/** A training task over `params` (an array) with `lossOf(params) -> scalar tensor`. */
function trainTask(params, lossOf, lr, extra = []) {
  let loss = null;
  return {
    step() {
      const l = tidy(() => lossOf(params));
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

function mlpForward(ps, x, act, outAct) {
  let h = x;
  const L = ps.length / 2;
  for (let i = 0; i < L; i++) {
    h = h.matmul(ps[2 * i]).add(ps[2 * i + 1]);
    const a = i < L - 1 ? act : outAct;
    if (a === 'tanh') h = h.tanh();
    else if (a === 'relu') h = h.relu();
  }
  return h;
}

/** Mean softmax cross-entropy of logits [N, C] against one-hot targets [N, C]. */
const crossEntropy = (logits, y) => logits.logSoftmax(-1).mul(y).sum().mul(-1 / logits.shape[0]);

const cnnForward = ([w1, b1, w2, b2, w3, b3], x) =>
  x.conv2d(w1, b1).relu().maxPool2d(2).conv2d(w2, b2).relu().maxPool2d(2).flatten(1).matmul(w3).add(b3);

function transformer(cfg) {
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
    return xc.mul(xc.square().mean(-1, true).add(1e-5).pow(-0.5)).mul(g).add(b);
  };
  const heads = (t, perm) => t.reshape([B, T, H, Dh]).transpose(perm);
  const lossOf = (ps) => {
    let i = 0;
    const next = () => ps[i++];
    const tok = next();
    const pos = next();
    let x = tok.gather(ids, 0).reshape([B, T, D]).add(pos).reshape([B * T, D]);
    for (let l = 0; l < L; l++) {
      const [g1, b1, wq, wk, wv, wo, g2, b2, w1, c1, w2, c2] = Array.from({ length: 12 }, next);
      const h = ln(x, g1, b1);
      const q = heads(h.matmul(wq), [0, 2, 1, 3]);
      const k = heads(h.matmul(wk), [0, 2, 3, 1]);
      const v = heads(h.matmul(wv), [0, 2, 1, 3]);
      const att = q.matmul(k).mul(scale).add(mask).softmax(-1);
      const y = att.matmul(v).transpose([0, 2, 1, 3]).reshape([B * T, D]).matmul(wo);
      x = x.add(y);
      const h2 = ln(x, g2, b2);
      x = x.add(h2.matmul(w1).add(c1).gelu().matmul(w2).add(c2));
    }
    const [gf, bf, wout] = [next(), next(), next()];
    return crossEntropy(ln(x, gf, bf).matmul(wout), targets);
  };
  return trainTask(toParams(transformerWeights(cfg)), lossOf, cfg.lr, [mask, ids, targets]);
}

export function webgradLib(name, device) {
  return {
    name,
    async init() {
      patchTensor();
      const info = await wg.init({ device, worker: false });
      return {
        library: `webgrad ${info.version}`,
        backend: info.name,
        device: info.device,
        flavor: info.flavor,
        webgpu: info.webgpu,
        notes: ['tensor API + autograd on the page (init({ worker: false })), SGD written with tensor ops'],
      };
    },
    async make(kind, cfg) {
      if (kind === 'matmul') {
        const { n } = cfg;
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
      if (kind === 'mlpTrain') {
        const { sizes, batch, act, loss, lr } = cfg;
        let x, y;
        if (loss === 'mse') {
          const d = playgroundBatch(batch, 3);
          x = wg.tensor(d.x, [batch, 2]);
          y = wg.tensor(d.y, [batch, 1]);
        } else {
          const d = mnistBatch(batch, 3);
          x = wg.tensor(d.x, [batch, 784]);
          y = wg.tensor(d.y, [batch, 10]);
        }
        const lossOf = loss === 'mse'
          ? (ps) => mlpForward(ps, x, act, 'tanh').sub(y).square().mean()
          : (ps) => crossEntropy(mlpForward(ps, x, act, 'linear'), y);
        return trainTask(toParams(mlpWeights(sizes)), lossOf, lr, [x, y]);
      }
      if (kind === 'mlpInfer') {
        const { sizes, batch, act } = cfg;
        const ps = toParams(mlpWeights(sizes));
        const x = wg.tensor(mnistBatch(batch, 3).x, [batch, sizes[0]]);
        let out = null;
        return {
          step() {
            const o = wg.noGrad(() => tidy(() => mlpForward(ps, x, act, 'linear')));
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
        return trainTask(toParams(cnnWeights()), (ps) => crossEntropy(cnnForward(ps, x), y), lr, [x, y]);
      }
      if (kind === 'cnnInfer') {
        const { batch } = cfg;
        const ps = toParams(cnnWeights());
        const x = wg.tensor(mnistBatch(batch, 5).x, [batch, 1, 28, 28]);
        let last = NaN;
        return {
          async step() {
            const o = wg.noGrad(() => tidy(() => cnnForward(ps, x)));
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
      if (kind === 'transformerTrain') return transformer(cfg);
      throw new Error(`unknown workload ${kind}`);
    },
    async memory() {
      return { wasmMemoryBytes: raw.wasmMemoryBytes() };
    },
  };
}
