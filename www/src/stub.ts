// TEMPORARY: a tiny in-page multilayer perceptron in plain JavaScript, so that the playground's
// views can be built before the webgrad package can build and step a model. engine.ts uses it only
// when the webgrad package is missing; delete this file once webgrad covers everything below.

import { rng } from './data';
import type { EngineModel, ModelSpec, Snapshot, TrainSet } from './engine';

type Vec = Float64Array;

function act(name: string, z: number): number {
  switch (name) {
    case 'relu': return z > 0 ? z : 0;
    case 'tanh': return Math.tanh(z);
    case 'sigmoid': return 1 / (1 + Math.exp(-z));
    default: return z;
  }
}
/** Derivative from the activation's output `a` (and input `z` for relu). */
function dact(name: string, z: number, a: number): number {
  switch (name) {
    case 'relu': return z > 0 ? 1 : 0;
    case 'tanh': return 1 - a * a;
    case 'sigmoid': return a * (1 - a);
    default: return 1;
  }
}

interface Layer {
  nin: number;
  nout: number;
  act: string;
  w: Vec; // nin × nout, row-major
  b: Vec;
  gw: Vec;
  gb: Vec;
  m: Vec[]; // optimizer state: [mw, mb, vw, vb]
}

export class StubModel implements EngineModel {
  private layers: Layer[] = [];
  private rand: () => number;
  private t = 0;

  constructor(private spec: ModelSpec, private data: TrainSet) {
    this.rand = rng(spec.seed + 17);
    const sizes = [spec.inputs, ...spec.hidden.map((h) => h.units), spec.outputs];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nin = sizes[l];
      const nout = sizes[l + 1];
      const limit = Math.sqrt(6 / (nin + nout));
      const w = new Float64Array(nin * nout).map(() => (this.rand() * 2 - 1) * limit);
      const isOut = l + 1 === sizes.length - 1;
      this.layers.push({
        nin, nout, w, b: new Float64Array(nout).fill(isOut ? 0 : 0.1),
        act: isOut ? spec.outputActivation : spec.hidden[l].activation,
        gw: new Float64Array(nin * nout), gb: new Float64Array(nout),
        m: [new Float64Array(nin * nout), new Float64Array(nout), new Float64Array(nin * nout), new Float64Array(nout)],
      });
    }
  }

  setHyper(h: Partial<ModelSpec>): void {
    this.spec = { ...this.spec, ...h };
  }

  /** Forward one row; returns pre-activations and activations of every layer. */
  private forward(x: ArrayLike<number>, off: number, train: boolean): { z: Vec[]; a: Vec[]; mask: Vec[] } {
    const z: Vec[] = [];
    const a: Vec[] = [Float64Array.from({ length: this.spec.inputs }, (_, i) => x[off + i])];
    const mask: Vec[] = [];
    this.layers.forEach((L, l) => {
      const zi = new Float64Array(L.nout);
      const ai = new Float64Array(L.nout);
      const inp = a[l];
      for (let o = 0; o < L.nout; o++) {
        let s = L.b[o];
        for (let i = 0; i < L.nin; i++) s += inp[i] * L.w[i * L.nout + o];
        zi[o] = s;
      }
      if (L.act === 'softmax') {
        const mx = Math.max(...zi);
        let sum = 0;
        for (let o = 0; o < L.nout; o++) sum += (ai[o] = Math.exp(zi[o] - mx));
        for (let o = 0; o < L.nout; o++) ai[o] /= sum;
      } else {
        for (let o = 0; o < L.nout; o++) ai[o] = act(L.act, zi[o]);
      }
      const last = l === this.layers.length - 1;
      const m = new Float64Array(L.nout).fill(1);
      if (train && !last && this.spec.dropout > 0) {
        const keep = 1 - this.spec.dropout;
        for (let o = 0; o < L.nout; o++) {
          m[o] = this.rand() < keep ? 1 / keep : 0;
          ai[o] *= m[o];
        }
      }
      mask.push(m);
      z.push(zi);
      a.push(ai);
    });
    return { z, a, mask };
  }

  private lossOf(out: Vec, y: ArrayLike<number>, off: number): number {
    if (this.spec.loss === 'xent') return -Math.log(Math.max(out[y[off]], 1e-12));
    let s = 0;
    for (let o = 0; o < out.length; o++) s += 0.5 * (out[o] - y[off * out.length + o]) ** 2;
    return s;
  }

  async train(batches: number, batchSize: number): Promise<void> {
    const n = this.data.trainN;
    if (n === 0) return;
    for (let b = 0; b < batches; b++) {
      for (const L of this.layers) {
        L.gw.fill(0);
        L.gb.fill(0);
      }
      const bs = Math.min(batchSize, n);
      for (let k = 0; k < bs; k++) {
        const row = Math.floor(this.rand() * n);
        const { z, a, mask } = this.forward(this.data.trainX, row * this.spec.inputs, true);
        const out = a[a.length - 1];
        // dL/dz of the output layer.
        let delta = new Float64Array(out.length);
        const last = this.layers[this.layers.length - 1];
        for (let o = 0; o < out.length; o++) {
          if (this.spec.loss === 'xent') delta[o] = out[o] - (this.data.trainY[row] === o ? 1 : 0);
          else delta[o] = (out[o] - this.data.trainY[row * out.length + o]) * dact(last.act, z[z.length - 1][o], out[o]);
        }
        for (let l = this.layers.length - 1; l >= 0; l--) {
          const L = this.layers[l];
          const inp = a[l];
          for (let o = 0; o < L.nout; o++) {
            L.gb[o] += delta[o];
            for (let i = 0; i < L.nin; i++) L.gw[i * L.nout + o] += inp[i] * delta[o];
          }
          if (l === 0) break;
          const P = this.layers[l - 1];
          const d = new Float64Array(L.nin);
          for (let i = 0; i < L.nin; i++) {
            let s = 0;
            for (let o = 0; o < L.nout; o++) s += L.w[i * L.nout + o] * delta[o];
            d[i] = s * mask[l - 1][i] * dact(P.act, z[l - 1][i], a[l][i] / (mask[l - 1][i] || 1));
          }
          delta = d;
        }
      }
      this.apply(bs);
    }
  }

  private apply(bs: number): void {
    const { learningRate: lr, regularization: reg, regRate, optimizer } = this.spec;
    this.t++;
    for (const L of this.layers) {
      for (let i = 0; i < L.w.length; i++) {
        let g = L.gw[i] / bs;
        if (reg === 'L2') g += regRate * L.w[i];
        if (reg === 'L1') g += regRate * Math.sign(L.w[i]);
        L.w[i] -= this.step(g, L.m[0], L.m[2], i, lr, optimizer);
      }
      for (let i = 0; i < L.b.length; i++) {
        L.b[i] -= this.step(L.gb[i] / bs, L.m[1], L.m[3], i, lr, optimizer);
      }
    }
  }

  private step(g: number, m: Vec, v: Vec, i: number, lr: number, opt: string): number {
    if (opt === 'momentum') {
      m[i] = 0.9 * m[i] + g;
      return lr * m[i];
    }
    if (opt === 'adam') {
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      const mh = m[i] / (1 - 0.9 ** this.t);
      const vh = v[i] / (1 - 0.999 ** this.t);
      return (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
    return lr * g;
  }

  async snapshot(gridX: Float32Array, gridN: number): Promise<Snapshot> {
    const evalSet = (x: Float32Array, y: Float32Array, n: number) => {
      const outs = new Float32Array(n * this.spec.outputs);
      let loss = 0;
      for (let r = 0; r < n; r++) {
        const { a } = this.forward(x, r * this.spec.inputs, false);
        const out = a[a.length - 1];
        outs.set(out, r * out.length);
        loss += this.lossOf(out, y, r);
      }
      return { outs, loss: n ? loss / n : 0 };
    };
    const tr = evalSet(this.data.trainX, this.data.trainY, this.data.trainN);
    const te = evalSet(this.data.testX, this.data.testY, this.data.testN);
    const grid = this.layers.map((L) => new Float32Array(gridN * L.nout));
    for (let r = 0; r < gridN; r++) {
      const { a } = this.forward(gridX, r * this.spec.inputs, false);
      this.layers.forEach((L, l) => grid[l].set(a[l + 1], r * L.nout));
    }
    return {
      trainLoss: tr.loss, testLoss: te.loss, trainOut: tr.outs, testOut: te.outs, grid,
      weights: this.layers.map((L) => Float32Array.from(L.w)),
      biases: this.layers.map((L) => Float32Array.from(L.b)),
    };
  }

  async setWeight(layer: number, from: number, to: number, value: number): Promise<void> {
    const L = this.layers[layer];
    L.w[from * L.nout + to] = value;
  }

  async setBias(layer: number, unit: number, value: number): Promise<void> {
    this.layers[layer].b[unit] = value;
  }

  async exportWeights(): Promise<Record<string, { shape: number[]; data: Float32Array }>> {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    this.layers.forEach((L, l) => {
      out[`layers.${l}.weight`] = { shape: [L.nin, L.nout], data: Float32Array.from(L.w) };
      out[`layers.${l}.bias`] = { shape: [L.nout], data: Float32Array.from(L.b) };
    });
    return out;
  }

  async importWeights(t: Record<string, { shape: number[]; data: Float32Array }>): Promise<void> {
    this.layers.forEach((L, l) => {
      const w = t[`layers.${l}.weight`];
      const b = t[`layers.${l}.bias`];
      if (!w || !b || w.data.length !== L.w.length || b.data.length !== L.b.length) {
        throw new Error(`load: layer ${l} expects weight [${L.nin}, ${L.nout}] and bias [${L.nout}]`);
      }
      L.w.set(w.data);
      L.b.set(b.data);
    });
  }

  dispose(): void {}
}
