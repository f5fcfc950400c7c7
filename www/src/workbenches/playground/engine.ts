// The one place the playground talks to the engine. Every view goes through this adapter, so the
// engine's API can change without touching them.
//
// Training runs in a Web Worker (trainer.worker.ts) that loads webgrad and builds the model from
// `webgradSpec(spec)` with webgrad's `Model`; this side only sends commands and receives
// Float32Array snapshots.

import type { Tensors } from '../../shared/persist';
import type { DeviceInfo } from '../../shared/views/deviceView';
import type { Activation, DevicePref, Loss, Optimizer, Regularization } from './state';

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

/** What the views draw after a training burst; fetched in one round trip. */
export interface Snapshot {
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

/** The same model as webgrad's own JSON model spec (crates/nn `ModelSpec`): the worker builds and
 *  trains the model from it, and model files carry it so that webgrad can rebuild the model
 *  without the playground. */
export function webgradSpec(s: ModelSpec): object {
  const layers: object[] = [];
  for (const h of s.hidden) {
    layers.push({ type: 'dense', units: h.units, activation: s.batchNorm ? 'linear' : h.activation });
    if (s.batchNorm) layers.push({ type: 'batch_norm' }, { type: 'activation', activation: h.activation });
    if (s.dropout > 0) layers.push({ type: 'dropout', rate: s.dropout });
  }
  layers.push({ type: 'dense', units: s.outputs, activation: s.outputActivation === 'tanh' ? 'tanh' : 'linear' });
  const decay = s.regularization === 'L2' ? s.regRate : 0;
  const optimizer = s.optimizer === 'adam'
    ? { type: 'adam', lr: s.learningRate }
    : { type: 'sgd', lr: s.learningRate, momentum: s.optimizer === 'momentum' ? 0.9 : 0 };
  return {
    input_shape: [s.inputs],
    layers,
    loss: s.loss === 'xent' ? { type: 'softmax_cross_entropy' } : { type: 'mse' },
    optimizer,
    regularization: { l1: s.regularization === 'L1' ? s.regRate : 0, l2: decay / 2 },
    seed: s.seed,
  };
}


export interface EngineModel {
  /** Change optimisation settings without losing the trained weights. */
  setHyper(h: Partial<Pick<ModelSpec, 'learningRate' | 'regularization' | 'regRate' | 'optimizer'>>): void;
  /** `batches` optimizer steps on random mini-batches of `batchSize` training rows. */
  train(batches: number, batchSize: number): Promise<void>;
  snapshot(gridX: Float32Array, gridN: number): Promise<Snapshot>;
  setWeight(layer: number, from: number, to: number, value: number): Promise<void>;
  setBias(layer: number, unit: number, value: number): Promise<void>;
  exportWeights(): Promise<Tensors>;
  importWeights(t: Tensors): Promise<void>;
  dispose(): void;
}


let device: DeviceInfo = { active: 'cpu', label: 'starting…', webgpuAvailable: false };

/** Request/response over postMessage; transferables for the typed arrays. */
class Rpc {
  private next = 1;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  constructor(readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
      const p = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      if (e.data.error !== undefined) p?.reject(new Error(e.data.error));
      else p?.resolve(e.data.result);
    };
    worker.onerror = (e) => this.failAll(`the training worker failed: ${e.message}`);
  }
  call<R>(op: string, ...args: unknown[]): Promise<R> {
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, args });
    });
  }
  failAll(msg: string) {
    for (const p of this.pending.values()) p.reject(new Error(msg));
    this.pending.clear();
  }
}

let rpc: Rpc | null = null;

/** Starts a fresh training worker on the device for `pref` ('auto' = WebGPU when available).
 *  When the device can't be had, falls back to the CPU and says why in `fallback`. */
export async function initDevice(pref: DevicePref): Promise<DeviceInfo & { fallback?: string }> {
  const start = async (p: DevicePref) => {
    rpc?.failAll('the device was switched');
    rpc?.worker.terminate();
    rpc = new Rpc(new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name: 'webgrad-trainer' }));
    return rpc.call<{ device: 'cpu' | 'webgpu'; name: string; flavor: string; webgpu: boolean }>('init', p);
  };
  let fallback: string | undefined;
  let info;
  try {
    info = await start(pref);
  } catch (e) {
    if (pref === 'cpu') throw e;
    fallback = (e as Error).message;
    info = await start('cpu');
  }
  device = { active: info.device, label: info.name, webgpuAvailable: info.webgpu };
  return { ...device, fallback };
}

/** Bytes of wasm memory in the training worker. */
export function engineMemory(): Promise<number> {
  return rpc ? rpc.call<number>('memory') : Promise.resolve(0);
}

export function deviceInfo(): DeviceInfo {
  return device;
}

class WorkerModel implements EngineModel {
  constructor(private rpc: Rpc) {}
  setHyper(h: Parameters<EngineModel['setHyper']>[0]) {
    void this.rpc.call('setHyper', h);
  }
  train(batches: number, batchSize: number) {
    return this.rpc.call<void>('train', batches, batchSize);
  }
  snapshot(gridX: Float32Array, gridN: number) {
    return this.rpc.call<Snapshot>('snapshot', gridX, gridN);
  }
  setWeight(layer: number, from: number, to: number, value: number) {
    return this.rpc.call<void>('setWeight', layer, from, to, value);
  }
  setBias(layer: number, unit: number, value: number) {
    return this.rpc.call<void>('setBias', layer, unit, value);
  }
  exportWeights() {
    return this.rpc.call<Tensors>('exportWeights');
  }
  importWeights(t: Tensors) {
    return this.rpc.call<void>('importWeights', t);
  }
  dispose() {
    if (this.rpc === rpc) void this.rpc.call('dispose').catch(() => {});
  }
}

export async function buildModel(spec: ModelSpec, data: TrainSet): Promise<EngineModel> {
  if (!rpc) throw new Error('the engine is not started');
  await rpc.call('build', spec, data);
  return new WorkerModel(rpc);
}

// ---- safetensors ------------------------------------------------------------------------------
// Format: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}
// with optional "__metadata__" (string → string), then the raw little-endian tensor bytes.

export function encodeSafetensors(t: Tensors, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(t).sort();
  for (const n of names) {
    const bytes = t[n].data.length * 4;
    header[n] = { dtype: 'F32', shape: t[n].shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const n of names) {
    const d = t[n].data;
    const view = new DataView(out.buffer, pos, d.length * 4);
    d.forEach((v, i) => view.setFloat32(i * 4, v, true));
    pos += d.length * 4;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): { tensors: Tensors; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error('safetensors: file shorter than its 8-byte header length');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > bytes.length - 8) throw new Error(`safetensors: header of ${n} bytes exceeds the file`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const base = 8 + n;
  const tensors: Tensors = {};
  for (const [name, info] of Object.entries(header as Record<string, any>)) {
    if (name === '__metadata__') continue;
    if (info.dtype !== 'F32') throw new Error(`safetensors: ${name} is ${info.dtype}, only F32 is read`);
    const [a, b] = info.data_offsets as [number, number];
    if (base + b > bytes.length || b < a) throw new Error(`safetensors: ${name} lies outside the file`);
    const data = new Float32Array((b - a) / 4);
    for (let i = 0; i < data.length; i++) data[i] = dv.getFloat32(base + a + i * 4, true);
    tensors[name] = { shape: info.shape, data };
  }
  return { tensors, metadata: header.__metadata__ ?? {} };
}
