// The training worker: builds the model from its spec with webgrad's own `Model` (crates/nn: the
// same layers, optimizer, loss and L1/L2 penalties as the npm API), trains it on the device webgrad
// picked, and answers the page's requests, so the page only draws. It uses the package's
// low-level engine exports (the wasm `Model`) rather than its worker API because the playground
// reads more per frame than `fit` reports: every layer's activations over the grid, and single
// weights to draw and edit.

import * as wg from 'webgrad';
import { Model as RawModel, gatherRows, wasmMemoryBytes, type Tensor as RawTensor } from 'webgrad/pkg/webgrad_wasm.js';
import { uniforms } from './data';
import { webgradSpec, type ModelSpec, type Snapshot, type Tensors, type TrainSet } from './engine';

interface Request { id: number; op: string; args: unknown[] }

/** Engine tensors made during one request, freed together at its end. */
class Scope {
  private items: { free(): void }[] = [];
  keep = <X extends { free(): void }>(t: X): X => (this.items.push(t), t);
  free() {
    for (const t of this.items) t.free();
    this.items = [];
  }
}

async function read(t: RawTensor | null): Promise<Float32Array> {
  return t ? t.readF32() : new Float32Array(0);
}

/** Where the playground's layers sit among the spec's layers (see `webgradSpec`). */
interface Layout {
  /** Per dense layer (hidden layers, then the output): its index in the spec. */
  dense: number[];
  /** Per hidden layer: the index of the layer whose output the heatmaps show (after the activation). */
  shown: number[];
  /** Per hidden layer with batch norm: the batch-norm layer's index. */
  bn: number[];
}

function layout(spec: ModelSpec): Layout {
  const out: Layout = { dense: [], shown: [], bn: [] };
  let i = 0;
  for (const _ of spec.hidden) {
    out.dense.push(i);
    if (spec.batchNorm) {
      out.bn.push(i + 1);
      out.shown.push(i + 2);
      i += 3;
    } else {
      out.shown.push(i);
      i += 1;
    }
    if (spec.dropout > 0) i += 1;
  }
  out.dense.push(i);
  return out;
}

class Mlp {
  private model: RawModel;
  private layout: Layout;
  private stepSeed: number;
  private x: RawTensor;
  private y: RawTensor;
  private xTest: RawTensor;
  private yTest: RawTensor;

  constructor(private spec: ModelSpec, data: TrainSet) {
    this.model = RawModel.fromSpec(webgradSpec(spec));
    this.layout = layout(spec);
    this.stepSeed = spec.seed * 7919;
    this.x = wg.tensor(data.trainX, [data.trainN, spec.inputs]).raw;
    this.y = this.targets(data.trainY, data.trainN);
    this.xTest = wg.tensor(data.testX, [data.testN, spec.inputs]).raw;
    this.yTest = this.targets(data.testY, data.testN);
  }

  /** Class indices (int32 [n]) for cross-entropy, values (float32 [n × outputs]) otherwise. */
  private targets(y: Float32Array, n: number): RawTensor {
    if (this.spec.loss === 'xent') return wg.tensor(Int32Array.from(y), [n], 'int32').raw;
    return wg.tensor(y, [n, this.spec.outputs]).raw;
  }

  /** New optimizer settings and penalties, weights (and same-kind optimizer state) kept. */
  setHyper(h: Partial<ModelSpec>) {
    this.spec = { ...this.spec, ...h };
    const s = webgradSpec(this.spec) as { optimizer: object; regularization: { l1: number; l2: number } };
    this.model.setOptimizer(s.optimizer);
    this.model.setRegularization(s.regularization.l1, s.regularization.l2);
  }

  train(batches: number, batchSize: number) {
    const n = this.x.shape[0];
    if (n === 0) return;
    const bs = Math.min(batchSize, n);
    // Rows drawn with replacement, from the engine's seeded generator.
    const u = uniforms(batches * bs, this.stepSeed++);
    for (let k = 0; k < batches; k++) {
      const s = new Scope();
      try {
        const rows = Int32Array.from({ length: bs }, (_, i) => Math.min(n - 1, Math.floor(u[k * bs + i] * n)));
        const idx = s.keep(wg.tensor(rows, [bs], 'int32').raw);
        const xb = s.keep(gatherRows(this.x, idx));
        const yb = s.keep(gatherRows(this.y, idx));
        s.keep(this.model.trainStep(xb, yb));
      } finally {
        s.free();
      }
    }
  }

  /** Outputs as the views read them: probabilities after softmax, raw values otherwise. */
  private output(s: Scope, raw: RawTensor): RawTensor {
    return this.spec.loss === 'xent' ? s.keep(raw.softmax(-1)) : raw;
  }

  async snapshot(gridX: Float32Array, gridN: number): Promise<Snapshot> {
    const s = new Scope();
    try {
      const evalSet = (x: RawTensor, y: RawTensor) => {
        if (x.shape[0] === 0) return { out: null, loss: null };
        const pred = s.keep(this.model.predict(x));
        return { out: this.output(s, pred), loss: s.keep(this.model.dataLossOf(pred, y)) };
      };
      const tr = evalSet(this.x, this.y);
      const te = evalSet(this.xTest, this.yTest);
      const g = s.keep(wg.tensor(gridX, [gridN, this.spec.inputs]).raw);
      const outs = this.model.layerOutputs(g).map(s.keep);
      const grid = [...this.layout.shown.map((i) => outs[i]), this.output(s, outs[outs.length - 1])];
      const param = (name: string) => s.keep(this.model.parameter(name));
      return {
        trainLoss: tr.loss ? (await read(tr.loss))[0] : 0,
        testLoss: te.loss ? (await read(te.loss))[0] : 0,
        trainOut: await read(tr.out),
        testOut: await read(te.out),
        grid: await Promise.all(grid.map(read)),
        weights: await Promise.all(this.layout.dense.map((i) => read(param(`${i}.weight`)))),
        biases: await Promise.all(this.layout.dense.map((i) => read(param(`${i}.bias`)))),
      };
    } finally {
      s.free();
    }
  }

  /** Read one parameter, change one value, put it back (the optimizer state stays). */
  private async edit(name: string, index: number, value: number) {
    const s = new Scope();
    try {
      const t = s.keep(this.model.parameter(name));
      const data = await t.readF32();
      data[index] = value;
      this.model.setParameter(name, s.keep(wg.tensor(data, Array.from(t.shape)).raw));
    } finally {
      s.free();
    }
  }

  setWeight(layer: number, from: number, to: number, value: number) {
    const d = this.layout.dense[layer];
    const units = layer + 1 < this.layout.dense.length ? this.spec.hidden[layer].units : this.spec.outputs;
    return this.edit(`${d}.weight`, from * units + to, value);
  }

  setBias(layer: number, unit: number, value: number) {
    return this.edit(`${this.layout.dense[layer]}.bias`, unit, value);
  }

  /** Every parameter and buffer under webgrad's names (`<layer>.<param>`, as nn's safetensors files). */
  async exportWeights(): Promise<Tensors> {
    const out: Tensors = {};
    for (const name of this.model.parameterNames()) {
      const t = this.model.parameter(name);
      try {
        out[name] = { shape: Array.from(t.shape), data: await t.readF32() };
      } finally {
        t.free();
      }
    }
    return out;
  }

  importWeights(t: Tensors) {
    const named = Object.keys(t).some((n) => n.startsWith('layers.')) ? this.fromLegacyNames(t) : t;
    const names = Object.keys(named);
    // loadParameters consumes the tensors and reports missing, unexpected and mis-shaped entries.
    this.model.loadParameters(names, names.map((n) => wg.tensor(named[n].data, named[n].shape).raw));
  }

  /** Files saved before the playground trained webgrad's `Model` named tensors `layers.<l>.…`. */
  private fromLegacyNames(t: Tensors): Tensors {
    const out: Tensors = {};
    for (const [name, v] of Object.entries(t)) {
      const m = /^layers\.(\d+)\.(bn\.)?(.+)$/.exec(name);
      const l = m ? Number(m[1]) : NaN;
      const at = m?.[2] ? this.layout.bn[l] : this.layout.dense[l];
      out[at === undefined || !m ? name : `${at}.${m[3]}`] = v;
    }
    return out;
  }

  dispose() {
    for (const t of [this.x, this.y, this.xTest, this.yTest]) t.free();
    this.model.free();
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
