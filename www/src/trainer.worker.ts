// The training worker: owns one multilayer perceptron built from webgrad tensors (autograd in the
// engine, kernels on the device webgrad picked) and answers the page's requests, so the page only
// draws. Bridge until the webgrad package ships its own model API: then this file shrinks to a
// translation of ModelSpec into that API.

import * as wg from 'webgrad';
import { wasmMemoryBytes } from 'webgrad/pkg/webgrad_wasm.js';
import { rng } from './data';
import type { ModelSpec, Snapshot, Tensors, TrainSet } from './engine';

type T = wg.Tensor;

interface Request { id: number; op: string; args: unknown[] }

/** Tensors made during one step, freed together at its end (the engine frees on drop). */
class Scope {
  private items: T[] = [];
  keep = <X extends T>(t: X): X => (this.items.push(t), t);
  free() {
    for (const t of this.items) t.dispose();
    this.items = [];
  }
}

class Mlp {
  private w: T[] = [];
  private b: T[] = [];
  /** Batch norm per hidden layer: scale, shift (trained) and running mean, variance. */
  private bn: { gamma: T; beta: T; mean: T; var: T }[] = [];
  private opt = new Map<T, { m: T | null; v: T | null }>();
  private t = 0;
  private stepSeed: number;
  private x: T;
  private y: T;
  private xTest: T;
  private yTest: T;

  constructor(private spec: ModelSpec, data: TrainSet) {
    const rand = rng(spec.seed + 17);
    const sizes = [spec.inputs, ...spec.hidden.map((h) => h.units), spec.outputs];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [nin, nout] = [sizes[l], sizes[l + 1]];
      const limit = Math.sqrt(6 / (nin + nout));
      const w = Float32Array.from({ length: nin * nout }, () => (rand() * 2 - 1) * limit);
      const out = l + 1 === sizes.length - 1;
      this.w.push(wg.tensor(w, [nin, nout]).requireGrad());
      this.b.push(wg.full([nout], out ? 0 : 0.1).requireGrad());
      if (!out && spec.batchNorm) {
        this.bn.push({ gamma: wg.ones([nout]).requireGrad(), beta: wg.zeros([nout]).requireGrad(), mean: wg.zeros([nout]), var: wg.ones([nout]) });
      }
    }
    this.stepSeed = spec.seed * 7919;
    this.x = wg.tensor(data.trainX, [data.trainN, spec.inputs]);
    this.y = this.targets(data.trainY, data.trainN);
    this.xTest = wg.tensor(data.testX, [data.testN, spec.inputs]);
    this.yTest = this.targets(data.testY, data.testN);
  }

  /** Float targets [n × outputs]: one-hot for cross-entropy, values otherwise. */
  private targets(y: Float32Array, n: number): T {
    if (this.spec.loss !== 'xent') return wg.tensor(y, [n, this.spec.outputs]);
    const oneHot = new Float32Array(n * this.spec.outputs);
    y.forEach((k, i) => (oneHot[i * this.spec.outputs + k] = 1));
    return wg.tensor(oneHot, [n, this.spec.outputs]);
  }

  private params(): T[] {
    return [...this.w, ...this.b, ...this.bn.flatMap((n) => [n.gamma, n.beta])];
  }

  setHyper(h: Partial<ModelSpec>) {
    this.spec = { ...this.spec, ...h };
  }

  /** Forward pass; returns the output layer's logits and every layer's activations. */
  private forward(s: Scope, x: T, train: boolean): { logits: T; acts: T[] } {
    const acts: T[] = [];
    let h = x;
    this.spec.hidden.forEach((layer, l) => {
      let z = s.keep(s.keep(h.matmul(this.w[l])).add(this.b[l]));
      const bn = this.bn[l];
      if (bn) {
        let mean = bn.mean;
        let variance = bn.var;
        if (train && z.shape[0] > 1) {
          mean = s.keep(z.mean(0));
          variance = s.keep(z.variance(0, false, 0));
          wg.noGrad(() => {
            const m2 = s.keep(bn.mean.mul(0.9)).add(s.keep(s.keep(mean.detach()).mul(0.1)));
            const v2 = s.keep(bn.var.mul(0.9)).add(s.keep(s.keep(variance.detach()).mul(0.1)));
            bn.mean.dispose();
            bn.var.dispose();
            bn.mean = m2;
            bn.var = v2;
          });
        }
        const norm = s.keep(s.keep(z.sub(mean)).div(s.keep(s.keep(variance.add(1e-5)).sqrt())));
        z = s.keep(s.keep(norm.mul(bn.gamma)).add(bn.beta));
      }
      let a = s.keep(activate(z, layer.activation));
      if (train && this.spec.dropout > 0) {
        const keep = 1 - this.spec.dropout;
        const mask = s.keep(s.keep(s.keep(wg.randomUniform(a.shape, { seed: this.stepSeed++ })).less(keep)).cast('float32'));
        a = s.keep(s.keep(a.mul(mask)).mul(1 / keep));
      }
      acts.push(a);
      h = a;
    });
    const L = this.w.length - 1;
    const logits = s.keep(s.keep(h.matmul(this.w[L])).add(this.b[L]));
    return { logits, acts };
  }

  private output(s: Scope, logits: T): T {
    switch (this.spec.outputActivation) {
      case 'tanh': return s.keep(logits.tanh());
      case 'softmax': return s.keep(logits.softmax(-1));
      default: return logits;
    }
  }

  private loss(s: Scope, logits: T, y: T): T {
    if (this.spec.loss === 'xent') {
      const ll = s.keep(s.keep(s.keep(logits.logSoftmax(-1)).mul(y)).sum(1));
      return s.keep(s.keep(ll.mean()).neg());
    }
    const d = s.keep(this.output(s, logits).sub(y));
    return s.keep(s.keep(s.keep(s.keep(d.square()).sum(1)).mean()).mul(0.5));
  }

  train(batches: number, batchSize: number) {
    const n = this.x.shape[0];
    if (n === 0) return;
    const rand = rng(this.stepSeed++);
    for (let k = 0; k < batches; k++) {
      const s = new Scope();
      const bs = Math.min(batchSize, n);
      const idx = s.keep(wg.tensor(Int32Array.from({ length: bs }, () => Math.floor(rand() * n)), [bs], 'int32'));
      const xb = s.keep(this.x.gather(idx, 0));
      const yb = s.keep(this.y.gather(idx, 0));
      const { logits } = this.forward(s, xb, true);
      this.loss(s, logits, yb).backward();
      this.step(s);
      s.free();
    }
  }

  /** One optimizer update of every parameter (new leaf tensors replace the old ones). */
  private step(s: Scope) {
    const { learningRate: lr, regularization, regRate, optimizer } = this.spec;
    this.t++;
    const update = (p: T, isWeight: boolean): T => {
      const g0 = p.grad;
      if (!g0) return p;
      s.keep(g0);
      return wg.noGrad(() => {
        let g = g0;
        if (isWeight && regularization === 'L2' && regRate > 0) g = s.keep(g.add(s.keep(p.mul(regRate))));
        if (isWeight && regularization === 'L1' && regRate > 0) g = s.keep(g.add(s.keep(s.keep(p.sign()).mul(regRate))));
        const st = this.opt.get(p) ?? { m: null, v: null };
        this.opt.delete(p);
        let delta: T;
        if (optimizer === 'momentum') {
          const m = st.m ? s.keep(s.keep(st.m.mul(0.9)).add(g)) : g;
          st.m?.dispose();
          st.m = m.clone();
          delta = s.keep(m.mul(lr));
        } else if (optimizer === 'adam') {
          const m = s.keep(st.m ? s.keep(st.m.mul(0.9)).add(s.keep(g.mul(0.1))) : g.mul(0.1));
          const v = s.keep(st.v ? s.keep(st.v.mul(0.999)).add(s.keep(s.keep(g.square()).mul(0.001))) : s.keep(g.square()).mul(0.001));
          st.m?.dispose();
          st.v?.dispose();
          st.m = m.clone();
          st.v = v.clone();
          const mh = s.keep(m.mul(1 / (1 - 0.9 ** this.t)));
          const vh = s.keep(v.mul(1 / (1 - 0.999 ** this.t)));
          delta = s.keep(s.keep(mh.div(s.keep(s.keep(vh.sqrt()).add(1e-8)))).mul(lr));
        } else {
          delta = s.keep(g.mul(lr));
        }
        const next = s.keep(p.sub(delta)).detach().requireGrad();
        this.opt.set(next, st);
        p.dispose();
        return next;
      });
    };
    this.w = this.w.map((p) => update(p, true));
    this.b = this.b.map((p) => update(p, false));
    for (const n of this.bn) {
      n.gamma = update(n.gamma, false);
      n.beta = update(n.beta, false);
    }
  }

  async snapshot(gridX: Float32Array, gridN: number): Promise<Snapshot> {
    const s = new Scope();
    try {
      const evalSet = (x: T, y: T) => {
        if (x.shape[0] === 0) return { out: null, loss: null };
        const { logits } = this.forward(s, x, false);
        return { out: this.output(s, logits), loss: this.loss(s, logits, y) };
      };
      const [tr, te] = wg.noGrad(() => [evalSet(this.x, this.y), evalSet(this.xTest, this.yTest)]);
      const g = s.keep(wg.tensor(gridX, [gridN, this.spec.inputs]));
      const grid = wg.noGrad(() => {
        const { logits, acts } = this.forward(s, g, false);
        return [...acts, this.output(s, logits)];
      });
      const read = async (t: T | null) => (t ? ((await t.data()) as Float32Array) : new Float32Array(0));
      return {
        trainLoss: tr.loss ? (await read(tr.loss))[0] : 0,
        testLoss: te.loss ? (await read(te.loss))[0] : 0,
        trainOut: await read(tr.out),
        testOut: await read(te.out),
        grid: await Promise.all(grid.map(read)),
        weights: await Promise.all(this.w.map(read)),
        biases: await Promise.all(this.b.map(read)),
      };
    } finally {
      s.free();
    }
  }

  async setWeight(layer: number, from: number, to: number, value: number) {
    const w = this.w[layer];
    const data = Float32Array.from((await w.data()) as Float32Array);
    data[from * w.shape[1] + to] = value;
    this.w[layer] = this.replace(w, wg.tensor(data, w.shape));
  }

  async setBias(layer: number, unit: number, value: number) {
    const b = this.b[layer];
    const data = Float32Array.from((await b.data()) as Float32Array);
    data[unit] = value;
    this.b[layer] = this.replace(b, wg.tensor(data, b.shape));
  }

  private replace(old: T, next: T): T {
    const st = this.opt.get(old);
    this.opt.delete(old);
    if (st) this.opt.set(next, st);
    old.dispose();
    return next.requireGrad();
  }

  async exportWeights(): Promise<Tensors> {
    const out: Tensors = {};
    const put = async (name: string, t: T) => (out[name] = { shape: t.shape, data: Float32Array.from((await t.data()) as Float32Array) });
    for (let l = 0; l < this.w.length; l++) {
      await put(`layers.${l}.weight`, this.w[l]);
      await put(`layers.${l}.bias`, this.b[l]);
    }
    for (let l = 0; l < this.bn.length; l++) {
      await put(`layers.${l}.bn.weight`, this.bn[l].gamma);
      await put(`layers.${l}.bn.bias`, this.bn[l].beta);
      await put(`layers.${l}.bn.running_mean`, this.bn[l].mean);
      await put(`layers.${l}.bn.running_var`, this.bn[l].var);
    }
    return out;
  }

  importWeights(t: Tensors) {
    const take = (name: string, old: T, grad: boolean): T => {
      const src = t[name];
      if (!src || src.data.length !== old.size) {
        throw new Error(`load: ${name} should have shape [${old.shape}], the file has ${src ? `[${src.shape}]` : 'nothing'}`);
      }
      const next = wg.tensor(src.data, old.shape);
      this.opt.delete(old);
      old.dispose();
      return grad ? next.requireGrad() : next;
    };
    this.w = this.w.map((w, l) => take(`layers.${l}.weight`, w, true));
    this.b = this.b.map((b, l) => take(`layers.${l}.bias`, b, true));
    this.bn.forEach((n, l) => {
      n.gamma = take(`layers.${l}.bn.weight`, n.gamma, true);
      n.beta = take(`layers.${l}.bn.bias`, n.beta, true);
      n.mean = take(`layers.${l}.bn.running_mean`, n.mean, false);
      n.var = take(`layers.${l}.bn.running_var`, n.var, false);
    });
  }

  dispose() {
    for (const t of [...this.params(), ...this.bn.flatMap((n) => [n.mean, n.var]), this.x, this.y, this.xTest, this.yTest]) t.dispose();
    for (const st of this.opt.values()) {
      st.m?.dispose();
      st.v?.dispose();
    }
    this.opt.clear();
  }
}

function activate(z: T, act: string): T {
  switch (act) {
    case 'relu': return z.relu();
    case 'tanh': return z.tanh();
    case 'sigmoid': return z.sigmoid();
    default: return z.clone();
  }
}

let model: Mlp | null = null;
const need = () => {
  if (!model) throw new Error('no model: build one first');
  return model;
};

const handlers: Record<string, (...args: any[]) => unknown> = {
  async init(device: 'auto' | 'webgpu' | 'cpu') {
    const info = await wg.init({ device, worker: false });
    return { device: info.device, name: info.name, flavor: info.flavor, webgpu: info.webgpu.available };
  },
  build(spec: ModelSpec, data: TrainSet) {
    model?.dispose();
    model = new Mlp(spec, data);
  },
  setHyper: (h: Partial<ModelSpec>) => need().setHyper(h),
  train: (batches: number, batchSize: number) => need().train(batches, batchSize),
  snapshot: (gridX: Float32Array, gridN: number) => need().snapshot(gridX, gridN),
  setWeight: (l: number, f: number, t: number, v: number) => need().setWeight(l, f, t, v),
  setBias: (l: number, u: number, v: number) => need().setBias(l, u, v),
  exportWeights: () => need().exportWeights(),
  importWeights: (t: Tensors) => need().importWeights(t),
  dispose() {
    model?.dispose();
    model = null;
  },
  /** Bytes of wasm memory (the tests check that training does not grow it). */
  memory: () => wasmMemoryBytes(),
};

/** Float32Array buffers in a result travel as transferables (no copy). */
function transferables(v: unknown, out: Transferable[] = []): Transferable[] {
  if (v instanceof Float32Array) out.push(v.buffer);
  else if (Array.isArray(v)) v.forEach((x) => transferables(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => transferables(x, out));
  return out;
}

// Requests run one at a time, in order.
let queue: Promise<unknown> = Promise.resolve();
self.onmessage = (e: MessageEvent<Request>) => {
  const { id, op, args } = e.data;
  queue = queue.then(async () => {
    try {
      const result = await handlers[op](...args);
      const transfer = transferables(result);
      (self as unknown as Worker).postMessage({ id, result }, [...new Set(transfer)]);
    } catch (err) {
      (self as unknown as Worker).postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    }
  });
};
