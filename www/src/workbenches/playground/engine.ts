// The one place the playground talks to webgrad, through the public package as any embedder
// does: `wg.init` starts the package's training worker on the chosen device, the model is a
// `wg.sequential` trained with `fit` (the engine's one training loop), and every picture comes from
// `predict`, `layerOutputs` and `getWeights`. Views never see webgrad; they get plain arrays.

import * as wg from 'webgrad';
import type { Tensors } from '../../shared/persist';
import type { DeviceInfo } from '../../shared/views/deviceView';
import { datasetInfo, layerActivation, outputUnits, type Activation, type DevicePref, type Loss, type Optimizer, type Regularization, type State } from './state';

export type { DeviceInfo, Tensors };

export interface ModelSpec {
  inputs: number;
  hidden: { units: number; activation: Activation }[];
  outputs: number;
  /** tanh for two-class MSE (targets ±1), softmax with cross-entropy, linear for regression. */
  outputActivation: 'tanh' | 'softmax' | 'linear';
  loss: Loss;
  dropout: number;
  batchNorm: boolean;
  optimizer: Optimizer;
  learningRate: number;
  regularization: Regularization;
  regRate: number;
  seed: number;
}

/** Training and test sets, row-major features; targets: class index (xent) or `outputs` values. */
export interface TrainSet {
  trainX: Float32Array;
  trainY: Float32Array;
  trainN: number;
  testX: Float32Array;
  testY: Float32Array;
  testN: number;
}

/** What the views draw after a training burst. */
export interface Snapshot {
  /** Data loss (no penalty), as TF Playground shows it. */
  trainLoss: number;
  testLoss: number;
  /** Model outputs (probabilities after softmax) per train / test row: [rows × outputs]. */
  trainOut: Float32Array;
  testOut: Float32Array;
  /** Per layer (hidden layers, then output): activations over the grid, [cells × units]. */
  grid: Float32Array[];
  /** Per layer: weight [in × out] row-major, bias [out]. */
  weights: Float32Array[];
  biases: Float32Array[];
}

/** The model the settings describe. */
export function specOf(s: State): ModelSpec {
  const info = datasetInfo(s.dataset);
  const outputs = outputUnits(s);
  return {
    inputs: s.features.length,
    hidden: s.hidden.map((units, i) => ({ units, activation: layerActivation(s, i) })),
    outputs,
    outputActivation: info.problem === 'regression' ? 'linear' : s.loss === 'xent' ? 'softmax' : 'tanh',
    loss: info.problem === 'regression' ? 'mse' : s.loss,
    dropout: s.dropout,
    batchNorm: s.batchNorm,
    optimizer: s.optimizer,
    learningRate: s.learningRate,
    regularization: s.regularization,
    regRate: s.regRate,
    seed: s.seed,
  };
}

/** The playground's settings as a Keras-style model: dense layers (batch norm between the dense
 *  layer and its activation, dropout after it), the output layer, loss, optimizer, penalties. */
export function sequentialOf(s: ModelSpec): wg.Sequential {
  const L = wg.layers;
  const layers: wg.Layer[] = [];
  for (const h of s.hidden) {
    layers.push(L.dense({ units: h.units, activation: s.batchNorm ? 'linear' : h.activation }));
    if (s.batchNorm) layers.push(L.batchNormalization(), L.activation({ activation: h.activation }));
    if (s.dropout > 0) layers.push(L.dropout({ rate: s.dropout }));
  }
  layers.push(L.dense({ units: s.outputs, activation: s.outputActivation === 'tanh' ? 'tanh' : 'linear' }));
  const model = wg.sequential(layers, { inputShape: [s.inputs], seed: s.seed });
  model.compile({ optimizer: optimizerOf(s), loss: s.loss === 'xent' ? 'softmaxCrossEntropy' : 'mse', regularization: penaltiesOf(s) });
  return model;
}

function optimizerOf(s: Pick<ModelSpec, 'optimizer' | 'learningRate'>): wg.OptimizerSpec {
  if (s.optimizer === 'adam') return wg.adam(s.learningRate);
  return wg.sgd(s.learningRate, { momentum: s.optimizer === 'momentum' ? 0.9 : 0 });
}

/** TF Playground's L2 adds rate·w²/2 to the loss; webgrad's l2 adds l2·w². */
function penaltiesOf(s: Pick<ModelSpec, 'regularization' | 'regRate'>): { l1: number; l2: number } {
  return { l1: s.regularization === 'L1' ? s.regRate : 0, l2: s.regularization === 'L2' ? s.regRate / 2 : 0 };
}

/** Where the playground's layers sit among the model's layers (see `sequentialOf`). */
interface Layout {
  /** Per dense layer (hidden layers, then the output): its index in the model. */
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

// ---- device ----------------------------------------------------------------------------------

let device: DeviceInfo = { active: 'cpu', label: 'starting…', webgpuAvailable: false };
let started: DevicePref | null = null;

/** Starts webgrad (first call) or moves training to the device for `pref` ('auto' = WebGPU when
 *  available). Models built before a switch are gone: build them again. When the device can't be
 *  had, falls back to the CPU and says why in `fallback`. */
export async function initDevice(pref: DevicePref): Promise<DeviceInfo & { fallback?: string }> {
  const start = (p: DevicePref) => (started === null ? wg.init({ device: p }) : wg.setDevice(p));
  let fallback: string | undefined;
  let info: wg.DeviceInfo;
  if (started === pref) info = wg.deviceInfo();
  else {
    try {
      info = await start(pref);
    } catch (e) {
      if (pref === 'cpu') throw e;
      fallback = (e as Error).message;
      info = await start('cpu');
    }
  }
  started = pref;
  device = { active: info.device, label: info.name, webgpuAvailable: info.webgpu.available };
  return { ...device, fallback };
}

/** Bytes of wasm memory in the training worker (the tests check that training does not grow it). */
export async function engineMemory(): Promise<number> {
  return started === null ? 0 : (await wg.memoryInfo()).host.wasmBytes;
}

/** The package's memory report (the worker's engine and the page's), for the soak run. */
export async function memoryReport(): Promise<Awaited<ReturnType<typeof wg.memoryInfo>> | null> {
  return started === null ? null : wg.memoryInfo();
}

export function deviceInfo(): DeviceInfo {
  return device;
}

// ---- the model -------------------------------------------------------------------------------

export class PlaygroundModel {
  private model: wg.Sequential;
  private layout: Layout;
  private x: wg.Tensor;
  private y: wg.Tensor;
  private xTest: wg.Tensor;
  private yTest: wg.Tensor;

  private constructor(private spec: ModelSpec, data: TrainSet) {
    this.model = sequentialOf(spec);
    this.layout = layout(spec);
    this.x = wg.tensor(data.trainX, [data.trainN, spec.inputs]);
    this.y = this.targets(data.trainY, data.trainN);
    this.xTest = wg.tensor(data.testX, [data.testN, spec.inputs]);
    this.yTest = this.targets(data.testY, data.testN);
  }

  /** The model built in the training worker (weights from the seed). */
  static async build(spec: ModelSpec, data: TrainSet): Promise<PlaygroundModel> {
    const m = new PlaygroundModel(spec, data);
    try {
      await m.model.build();
    } catch (e) {
      m.dispose();
      throw e;
    }
    return m;
  }

  /** Class indices (int32 [n]) for cross-entropy, values (float32 [n × outputs]) otherwise. */
  private targets(y: Float32Array, n: number): wg.Tensor {
    if (this.spec.loss === 'xent') return wg.tensor(Int32Array.from(y), [n], 'int32');
    return wg.tensor(y, [n, this.spec.outputs]);
  }

  /** New optimizer settings and penalties; the weights (and same-kind optimizer state) stay. */
  async setHyper(h: Partial<Pick<ModelSpec, 'learningRate' | 'regularization' | 'regRate' | 'optimizer'>>) {
    this.spec = { ...this.spec, ...h };
    await this.model.setOptimizer(optimizerOf(this.spec));
    await this.model.setRegularization(penaltiesOf(this.spec));
  }

  /** `epochs` passes over the training set in shuffled mini-batches (`fit`), numbered from `from`. */
  async train(epochs: number, batchSize: number, from: number): Promise<void> {
    const n = this.x.shape[0];
    if (n === 0) return;
    await this.model.fit(this.x, this.y, { epochs: from + epochs, batchSize: Math.min(batchSize, n), initialEpoch: from });
  }

  /** Outputs as the views read them: probabilities after softmax, raw values otherwise. */
  private shown(out: wg.Tensor): Float32Array {
    return (this.spec.loss === 'xent' ? out.softmax(-1) : out).dataSync() as Float32Array;
  }

  /** Data loss of outputs against targets: the engine's own loss functions. */
  private dataLoss(out: wg.Tensor, y: wg.Tensor): number {
    return (this.spec.loss === 'xent' ? wg.F.crossEntropy(out, y) : wg.F.mseLoss(out, y)).dataSync()[0];
  }

  async snapshot(gridX: Float32Array, gridN: number): Promise<Snapshot> {
    const evalSet = async (x: wg.Tensor, y: wg.Tensor) => {
      if (x.shape[0] === 0) return { out: new Float32Array(0), loss: 0 };
      const pred = await this.model.predict(x);
      try {
        return wg.tidy(() => ({ out: this.shown(pred), loss: this.dataLoss(pred, y) }));
      } finally {
        pred.dispose();
      }
    };
    const g = wg.tensor(gridX, [gridN, this.spec.inputs]);
    const [tr, te, outs, params] = await Promise.all([
      evalSet(this.x, this.y),
      evalSet(this.xTest, this.yTest),
      this.model.layerOutputs(g),
      this.model.getWeights(),
    ]).finally(() => g.dispose());
    try {
      const grid = [...this.layout.shown.map((i) => outs[i].dataSync() as Float32Array), wg.tidy(() => this.shown(outs[outs.length - 1]))];
      const read = (name: string) => params[name].dataSync() as Float32Array;
      return {
        trainLoss: tr.loss,
        testLoss: te.loss,
        trainOut: tr.out,
        testOut: te.out,
        grid,
        weights: this.layout.dense.map((i) => read(`${i}.weight`)),
        biases: this.layout.dense.map((i) => read(`${i}.bias`)),
      };
    } finally {
      for (const t of [...outs, ...Object.values(params)]) t.dispose();
    }
  }

  /** Read one parameter, change one value, put it back (the optimizer state stays). */
  private async edit(name: string, index: number, value: number) {
    const t = await this.model.getParameter(name);
    const data = Float32Array.from(t.dataSync());
    data[index] = value;
    await this.model.setParameter(name, wg.tensor(data, t.shape));
  }

  setWeight(layer: number, from: number, to: number, value: number) {
    const d = this.layout.dense[layer];
    const units = layer + 1 < this.layout.dense.length ? this.spec.hidden[layer].units : this.spec.outputs;
    return this.edit(`${d}.weight`, from * units + to, value);
  }

  setBias(layer: number, unit: number, value: number) {
    return this.edit(`${this.layout.dense[layer]}.bias`, unit, value);
  }

  /** A model file: weights and optimizer state (safetensors, with webgrad's spec so that
   *  `wg.loadModel` rebuilds it alone) plus the caller's metadata. */
  save(metadata: Record<string, string>): Promise<Uint8Array> {
    return this.model.save({ includeOptimizer: true, metadata });
  }

  /** Weights (and optimizer state, when present) from a model file; also files from before the
   *  playground used webgrad's layer names (`layers.<l>.…`). */
  async load(bytes: Uint8Array): Promise<void> {
    const { tensors } = wg.io.loadSafetensors(bytes);
    if (Object.keys(tensors).some((n) => n.startsWith('layers.'))) await this.model.setWeights(this.fromLegacyNames(tensors));
    else await this.model.loadWeights(bytes);
  }

  /** Autosaves from before model files: plain named arrays. */
  async loadTensors(t: Tensors): Promise<void> {
    const named = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, wg.tensor(v.data, v.shape)]));
    const legacy = Object.keys(named).some((n) => n.startsWith('layers.'));
    await this.model.setWeights(legacy ? this.fromLegacyNames(named) : named);
  }

  private fromLegacyNames(t: Record<string, wg.Tensor>): Record<string, wg.Tensor> {
    const out: Record<string, wg.Tensor> = {};
    for (const [name, v] of Object.entries(t)) {
      const m = /^layers\.(\d+)\.(bn\.)?(.+)$/.exec(name);
      const l = m ? Number(m[1]) : NaN;
      const at = m?.[2] ? this.layout.bn[l] : this.layout.dense[l];
      out[at === undefined || !m ? name : `${at}.${m[3]}`] = v;
    }
    return out;
  }

  dispose() {
    this.model.dispose();
    for (const t of [this.x, this.y, this.xTest, this.yTest]) t.dispose();
  }
}
