// The engine host: the command handlers that own models and run training. It runs in the
// training worker (worker.ts) or, with `init({ worker: false })`, on the page itself.
//
// - Every engine object the host makes is freed as soon as it is done with it, so a training
//   run's wasm memory stays flat whatever the garbage collector does.
// - Values are read back only asynchronously (`readF32`), once per epoch unless per-batch events
//   are asked for: a WebGPU tensor cannot be read synchronously in the browser.
// - The host's tensors are made on the training device (`onDevice`); the page's own tensors
//   stay on the CPU even when both share one engine instance (no worker).
// - If the WebGPU device is lost (driver reset, GPU process crash), its tensors are gone: the
//   host keeps a CPU copy of each model's weights and optimizer state (`Entry.snapshot`, taken
//   at the start of `fit` and after every epoch), rebuilds the models on the CPU from it, and
//   `fit` goes on from the snapshot's epoch after a `warning` event (`recoverOnCpu`).
import type { Model as RawModel } from '../pkg/webgrad_wasm.js';
import { loadEngine, type RawEngine, type RawTensor } from './engine.js';
import { detectWebGpu, type WebGpuInfo } from './features.js';
import { CancelledError, yieldToEventLoop, type CallContext, type Handler } from './rpc.js';
import type { DeviceKind } from './runtime.js';
import type { ModelSpec } from './spec.js';
import { buffersOf, type WireArray } from './wire.js';

export interface HostInitArgs {
  module: WebAssembly.Module;
  device: DeviceKind;
  /** The host shares the page's engine instance (no worker). */
  inline: boolean;
}
export interface HostInitResult {
  device: 'cpu' | 'webgpu';
  name: string;
  flavor: string;
  /** Why 'auto' did not pick WebGPU, when it did not. */
  note?: string;
}

export interface EngineMemory {
  /** The wasm instance's linear memory: its high-water mark (wasm memory never shrinks). */
  wasmBytes: number;
  /** Bytes allocated on the engine's heap right now. */
  liveBytes: number;
  /** Models the host holds. */
  models: number;
}

export interface LayerSummary {
  index: number;
  kind: string;
  outputShape: number[];
  params: number;
}
export interface ModelInfo {
  id: number;
  summary: LayerSummary[];
  numParameters: number;
  outputShape: number[];
}

/** Per-epoch numbers with Keras' names: loss, accuracy, mae, val_loss, val_accuracy, lr. */
export interface Logs {
  loss: number;
  [metric: string]: number;
}

export interface FitArgs {
  id: number;
  x: WireArray;
  y: WireArray;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  /** First epoch number (for calls that continue training). */
  initialEpoch: number;
  validation?: { x: WireArray; y: WireArray };
  metrics: string[];
  /** Send an event after every batch (with its loss), not only after every epoch. */
  batchEvents: boolean;
  seed: number;
}
export type FitEvent =
  | { kind: 'epoch'; epoch: number; logs: Logs }
  | { kind: 'batch'; epoch: number; batch: number; loss: number }
  /** Training moved to another device (the WebGPU device was lost); `name` is the new one's. */
  | { kind: 'warning'; message: string; device: 'cpu' | 'webgpu'; name: string };

interface Entry {
  model: RawModel;
  spec: ModelSpec;
  /** While training on WebGPU: the weights and optimizer state (safetensors, read back to the
   *  CPU) as they were before epoch `epoch`, to rebuild the model from if the device is lost. */
  snapshot?: { bytes: Uint8Array; epoch: number };
}

/** The message of a thrown value (wasm errors are `Error`s). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const METRICS = ['accuracy', 'mae'];

/** Frees engine objects at the end of a scope. */
class Scope {
  private readonly items: { free(): void }[] = [];
  keep<T extends { free(): void }>(x: T): T {
    this.items.push(x);
    return x;
  }
  free(): void {
    for (const x of this.items.splice(0)) x.free();
  }
}

/** Yield to the event loop (to hear a cancel, and to keep an inline host from freezing the page)
 *  at most every `ms` milliseconds. */
function pacer(ms: number) {
  let last = performance.now();
  return async (ctx: CallContext) => {
    if (performance.now() - last >= ms) {
      await yieldToEventLoop();
      last = performance.now();
    }
    if (ctx.cancelled) throw new CancelledError();
  };
}

/** 'auto' takes WebGPU only on a hardware adapter: a software one (SwiftShader) is slower than
 *  the wasm SIMD CPU backend. */
function autoWantsGpu(gpu: WebGpuInfo): boolean {
  return gpu.available && !gpu.isFallbackAdapter;
}

export function hostHandlers(): Record<string, Handler> {
  let raw: RawEngine | null = null;
  let device: 'cpu' | 'webgpu' = 'cpu';
  const models = new Map<number, Entry>();
  let nextId = 1;
  const engine = (): RawEngine => {
    if (!raw) throw new Error('webgrad: the engine host is not initialised');
    return raw;
  };
  const entry = (id: number): Entry => {
    const e = models.get(id);
    if (!e) throw new Error(`webgrad: model ${id} does not exist (disposed?)`);
    return e;
  };
  /** Run `fn` with new tensors made on the training device, then give the page back its CPU. */
  function onDevice<T>(fn: (r: RawEngine) => T): T {
    const r = engine();
    if (device === 'cpu') return fn(r);
    r.setDevice(device);
    try {
      return fn(r);
    } finally {
      r.setDevice('cpu');
    }
  }
  const upload = (a: WireArray): RawTensor =>
    onDevice((r) => (a.data instanceof Int32Array ? r.Tensor.fromI32(a.data, Uint32Array.from(a.shape)) : r.Tensor.fromF32(a.data, Uint32Array.from(a.shape))));
  const download = async (t: RawTensor): Promise<WireArray> =>
    ({ data: t.dtype === 'i32' ? await t.readI32() : await t.readF32(), shape: Array.from(t.shape) });

  /** True when `err` (thrown while training on WebGPU) means the device is gone. */
  const deviceLost = (err: unknown): boolean =>
    device === 'webgpu' && (engine().webgpuLostReason() !== undefined || /GPU device was lost/.test(messageOf(err)));

  /** Refresh a model's CPU copy (only while it trains on WebGPU: on the CPU nothing can be lost). */
  async function snapshot(e: Entry, epoch: number): Promise<void> {
    if (device !== 'webgpu') return;
    e.snapshot = { bytes: await e.model.saveWeights(true), epoch };
  }

  /** After a device loss: every model is rebuilt on the CPU from its spec and last snapshot (one
   *  never snapshotted gets its initial, seeded weights back), and new tensors go to the CPU.
   *  Returns the sentence to tell the page. */
  function recoverOnCpu(): string {
    const r = engine();
    const reason = r.webgpuLostReason() ?? 'an operation failed';
    device = 'cpu';
    r.setDevice('cpu');
    for (const e of models.values()) {
      const model = r.Model.fromJson(e.model.specJson());
      if (e.snapshot) model.loadWeights(e.snapshot.bytes);
      e.model.free();
      e.model = model;
    }
    return `WebGPU device lost (${reason})`;
  }

  /** Run `fn`; if the WebGPU device was lost during it, move to the CPU and run it once more. */
  async function retryOnCpu<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!deviceLost(err)) throw err;
      console.warn(`webgrad: ${recoverOnCpu()}: continuing on the CPU`);
      return await fn();
    }
  }

  /** Device-side sums of each metric over a batch, from outputs `pred` and targets `y`. */
  function metricSums(e: Entry, pred: RawTensor, y: RawTensor, metrics: string[], s: Scope): RawTensor[] {
    return onDevice((r) => metrics.map((m) => {
      const loss = e.spec.loss.type;
      if (m === 'accuracy' && loss === 'softmax_cross_entropy') {
        return s.keep(s.keep(s.keep(s.keep(pred.argmax(-1, false)).cast('f32')).eq(s.keep(y.cast('f32')))).sum(undefined, false));
      }
      if (m === 'accuracy') {
        // binary cross-entropy: logit > 0 vs target > 0.5; regression (±1 labels): sign agreement
        const cut = loss === 'binary_cross_entropy' ? 0.5 : 0;
        const zero = s.keep(r.Tensor.scalar(0));
        const c = s.keep(r.Tensor.scalar(cut));
        return s.keep(s.keep(s.keep(pred.gt(zero)).eq(s.keep(y.gt(c)))).sum(undefined, false));
      }
      if (loss === 'softmax_cross_entropy') throw new Error(`webgrad: the mae metric needs a regression or binary loss, not ${loss}`);
      const p = loss === 'binary_cross_entropy' ? s.keep(pred.sigmoid()) : pred;
      return s.keep(s.keep(s.keep(p.sub(y)).abs()).sum(undefined, false));
    }));
  }

  /** Loss and metrics over a data set in batches, evaluation mode, one readback at the end. */
  async function evaluate(e: Entry, x: RawTensor, y: RawTensor, batchSize: number, metrics: string[], prefix = ''): Promise<Logs> {
    const bad = metrics.find((m) => !METRICS.includes(m));
    if (bad) throw new Error(`webgrad: unknown metric ${JSON.stringify(bad)} (known: ${METRICS.join(', ')})`);
    const n = x.shape[0];
    const sums: (RawTensor | undefined)[] = [undefined, ...metrics.map(() => undefined)];
    const add = (i: number, t: RawTensor) => {
      const old = sums[i];
      sums[i] = old ? onDevice(() => old.add(t)) : t.clone();
      old?.free();
    };
    for (let start = 0; start < n; start += batchSize) {
      const s = new Scope();
      const len = Math.min(batchSize, n - start);
      const xb = s.keep(x.narrow(0, start, len));
      const yb = s.keep(y.narrow(0, start, len));
      const pred = s.keep(e.model.predict(xb));
      add(0, s.keep(onDevice(() => s.keep(e.model.lossOf(pred, yb)).mulScalar(len))));
      metricSums(e, pred, yb, metrics, s).forEach((t, i) => add(i + 1, t));
      s.free();
    }
    const s = new Scope();
    const all = onDevice((r) => r.Tensor.stack(sums.map((t) => t!), 0));
    const values = await s.keep(all).readF32();
    s.free();
    const perElement = y.size / Math.max(1, n);
    const logs: Logs = { [`${prefix}loss`]: values[0] / n } as Logs;
    metrics.forEach((m, i) => (logs[prefix + m] = values[i + 1] / (n * perElement)));
    return logs;
  }

  return {
    async init(args: HostInitArgs): Promise<HostInitResult> {
      const loaded = await loadEngine({ wasm: args.module });
      raw = loaded.raw;
      let note: string | undefined;
      if (args.device !== 'cpu') {
        const gpu = await detectWebGpu();
        if (args.device === 'webgpu' && !gpu.available) throw new Error(`webgrad: WebGPU was requested but ${gpu.reason}`);
        if (args.device === 'webgpu' || autoWantsGpu(gpu)) {
          try {
            await raw.initWebgpu();
            device = 'webgpu';
          } catch (e) {
            if (args.device === 'webgpu') throw e;
            note = `WebGPU failed to open (${e instanceof Error ? e.message : String(e)}); using the CPU`;
          }
        } else {
          note = gpu.available ? 'the WebGPU adapter is a software fallback, slower than the CPU backend' : gpu.reason;
        }
      }
      const name = onDevice((r) => r.deviceName());
      return { device, name, flavor: raw.buildFlavor(), note };
    },

    /** The host engine's memory (for memory tests and the playground). */
    memory(): EngineMemory {
      const r = engine();
      return { wasmBytes: r.wasmMemoryBytes(), liveBytes: r.liveBytes(), models: models.size };
    },

    'model.create'({ spec }: { spec: ModelSpec }): ModelInfo {
      const model = onDevice((r) => r.Model.fromSpec(spec));
      const id = nextId++;
      models.set(id, { model, spec });
      return { id, summary: model.summary() as LayerSummary[], numParameters: model.numParameters, outputShape: Array.from(model.outputShape) };
    },

    /** A model from a file written by `model.save` (its spec is in the metadata). */
    'model.fromBytes'({ bytes }: { bytes: Uint8Array }): ModelInfo & { spec: ModelSpec } {
      const r = engine();
      const spec = JSON.parse(r.Model.specOf(bytes)) as ModelSpec;
      const model = onDevice((r) => r.Model.fromSafetensors(bytes));
      const id = nextId++;
      models.set(id, { model, spec });
      return { id, spec, summary: model.summary() as LayerSummary[], numParameters: model.numParameters, outputShape: Array.from(model.outputShape) };
    },

    async 'model.save'(a: { id: number; withOptimizer: boolean }, ctx: CallContext): Promise<Uint8Array> {
      const bytes: Uint8Array = await retryOnCpu(() => entry(a.id).model.saveWeights(a.withOptimizer));
      ctx.transfer(bytes.buffer as ArrayBuffer);
      return bytes;
    },

    'model.loadWeights'(a: { id: number; bytes: Uint8Array }): void {
      const e = entry(a.id);
      onDevice(() => e.model.loadWeights(a.bytes));
      if (device === 'webgpu') e.snapshot = { bytes: a.bytes, epoch: 0 };
    },

    'model.dispose'({ id }: { id: number }): void {
      models.get(id)?.model.free();
      models.delete(id);
    },

    async 'model.fit'(a: FitArgs, ctx: CallContext): Promise<{ epochs: number[]; history: Record<string, number[]> }> {
      const e = entry(a.id);
      let data = new Scope();
      let x!: RawTensor, y!: RawTensor, vx: RawTensor | undefined, vy: RawTensor | undefined;
      const uploadData = () => {
        x = data.keep(upload(a.x));
        y = data.keep(upload(a.y));
        vx = a.validation && data.keep(upload(a.validation.x));
        vy = a.validation && data.keep(upload(a.validation.y));
      };
      uploadData();
      const n = a.x.shape[0];
      const history: Record<string, number[]> = {};
      const epochs: number[] = [];
      const pace = pacer(16);
      const evalBatch = Math.max(a.batchSize, 256);

      async function runEpoch(epoch: number): Promise<void> {
        const r = engine();
        const order = a.shuffle ? r.randomPermutation(n, BigInt(a.seed) + BigInt(epoch)) : null;
        let lossSum: RawTensor | undefined;
        try {
          for (let start = 0, batch = 0; start < n; start += a.batchSize, batch++) {
            const s = new Scope();
            try {
              const len = Math.min(a.batchSize, n - start);
              let xb: RawTensor;
              let yb: RawTensor;
              if (order) {
                const idx = s.keep(onDevice((r) => r.Tensor.fromI32(order.subarray(start, start + len), Uint32Array.of(len))));
                xb = s.keep(r.gatherRows(x, idx));
                yb = s.keep(r.gatherRows(y, idx));
              } else {
                xb = s.keep(x.narrow(0, start, len));
                yb = s.keep(y.narrow(0, start, len));
              }
              const loss = s.keep(e.model.trainStep(xb, yb));
              const weighted = onDevice(() => (lossSum ? s.keep(loss.mulScalar(len)).add(lossSum) : loss.mulScalar(len)));
              lossSum?.free();
              lossSum = weighted;
              if (a.batchEvents) ctx.emit({ kind: 'batch', epoch, batch, loss: (await loss.readF32())[0] } satisfies FitEvent);
            } finally {
              s.free();
            }
            await pace(ctx);
          }
          const logs: Logs = { loss: (await lossSum!.readF32())[0] / n };
          // Training metrics come from an evaluation pass over the training data at the end of
          // the epoch (Keras averages them over the epoch's batches instead).
          if (a.metrics.length) Object.assign(logs, await evaluate(e, x, y, evalBatch, a.metrics), { loss: logs.loss });
          if (vx && vy) Object.assign(logs, await evaluate(e, vx, vy, evalBatch, a.metrics, 'val_'));
          logs.lr = e.model.learningRate;
          epochs.push(epoch);
          for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v);
          ctx.emit({ kind: 'epoch', epoch, logs } satisfies FitEvent);
        } finally {
          lossSum?.free();
        }
        await pace(ctx);
      }

      try {
        if (!(n > 0)) throw new Error('webgrad: fit needs at least one example');
        if (!(a.batchSize >= 1)) throw new Error(`webgrad: batchSize ${a.batchSize} must be ≥ 1`);
        let epoch = a.initialEpoch;
        let snapped = Number.NaN;
        while (epoch < a.initialEpoch + a.epochs) {
          try {
            // The CPU copy to fall back on: refreshed before every epoch while on WebGPU.
            if (snapped !== epoch) {
              await snapshot(e, epoch);
              snapped = epoch;
            }
            await runEpoch(epoch);
            epoch++;
          } catch (err) {
            if (!deviceLost(err)) throw err;
            // Back to the last snapshot, on the CPU; the epochs after it are trained again.
            const what = recoverOnCpu();
            epoch = e.snapshot?.epoch ?? a.initialEpoch;
            e.snapshot = undefined;
            snapped = epoch;
            data.free();
            data = new Scope();
            uploadData();
            const redo = epochs.findIndex((k) => k >= epoch);
            if (redo >= 0) {
              epochs.splice(redo);
              for (const v of Object.values(history)) v.splice(redo);
            }
            const name = engine().deviceName();
            ctx.emit({ kind: 'warning', message: `${what}: continuing on the CPU from epoch ${epoch}`, device, name } satisfies FitEvent);
          }
        }
        return { epochs, history };
      } finally {
        data.free();
      }
    },

    async 'model.trainOnBatch'(a: { id: number; x: WireArray; y: WireArray }): Promise<number> {
      return retryOnCpu(async () => {
        const s = new Scope();
        try {
          const x = s.keep(upload(a.x));
          const y = s.keep(upload(a.y));
          return (await s.keep(entry(a.id).model.trainStep(x, y)).readF32())[0];
        } finally {
          s.free();
        }
      });
    },

    async 'model.evaluate'(a: { id: number; x: WireArray; y: WireArray; batchSize: number; metrics: string[] }): Promise<Logs> {
      return retryOnCpu(async () => {
        const s = new Scope();
        try {
          return await evaluate(entry(a.id), s.keep(upload(a.x)), s.keep(upload(a.y)), a.batchSize, a.metrics);
        } finally {
          s.free();
        }
      });
    },

    async 'model.predict'(a: { id: number; x: WireArray; proba: boolean; batchSize: number }, ctx: CallContext): Promise<WireArray> {
      return retryOnCpu(async () => {
        const s = new Scope();
        try {
          const x = s.keep(upload(a.x));
          const m = entry(a.id).model;
          const out = await download(s.keep(a.proba ? m.predictProba(x) : m.predictBatched(x, a.batchSize)));
          ctx.transfer(...buffersOf(out));
          return out;
        } finally {
          s.free();
        }
      });
    },

    async 'model.getWeights'(a: { id: number }, ctx: CallContext): Promise<{ name: string; value: WireArray }[]> {
      return retryOnCpu(async () => {
        const m = entry(a.id).model;
        const out: { name: string; value: WireArray }[] = [];
        for (const name of m.parameterNames()) {
          const t = m.parameter(name);
          try {
            out.push({ name, value: await download(t) });
          } finally {
            t.free();
          }
        }
        ctx.transfer(...buffersOf(...out.map((w) => w.value)));
        return out;
      });
    },

    async 'model.setWeights'(a: { id: number; weights: { name: string; value: WireArray }[] }): Promise<void> {
      const e = entry(a.id);
      await retryOnCpu(async () => {
        e.model.loadParameters(a.weights.map((w) => w.name), a.weights.map((w) => upload(w.value)));
        await snapshot(e, 0);
      });
    },

    async 'model.layerOutputs'(a: { id: number; x: WireArray }, ctx: CallContext): Promise<WireArray[]> {
      return retryOnCpu(async () => {
        const s = new Scope();
        try {
          const outs = entry(a.id).model.layerOutputs(s.keep(upload(a.x)));
          for (const t of outs) s.keep(t);
          const res: WireArray[] = [];
          for (const t of outs) res.push(await download(t));
          ctx.transfer(...buffersOf(...res));
          return res;
        } finally {
          s.free();
        }
      });
    },

    async 'model.getParameter'(a: { id: number; name: string }, ctx: CallContext): Promise<WireArray> {
      return retryOnCpu(async () => {
        const t = entry(a.id).model.parameter(a.name);
        try {
          const out = await download(t);
          ctx.transfer(...buffersOf(out));
          return out;
        } finally {
          t.free();
        }
      });
    },

    async 'model.setParameter'(a: { id: number; name: string; value: WireArray }): Promise<void> {
      const e = entry(a.id);
      await retryOnCpu(async () => {
        const t = upload(a.value);
        try {
          e.model.setParameter(a.name, t);
        } finally {
          t.free();
        }
        await snapshot(e, 0);
      });
    },

    'model.setOptimizer'(a: { id: number; optimizer: object }): void {
      entry(a.id).model.setOptimizer(a.optimizer);
    },

    'model.setRegularization'(a: { id: number; l1: number; l2: number }): void {
      entry(a.id).model.setRegularization(a.l1, a.l2);
    },

    /** Testing hook: destroy the WebGPU device as a driver reset would. */
    'debug.simulateDeviceLoss'(): void {
      engine().simulateWebgpuLoss();
    },

    /** The device models train on now (it changes to the CPU when the WebGPU device is lost). */
    device(): { device: 'cpu' | 'webgpu'; name: string } {
      return { device, name: onDevice((r) => r.deviceName()) };
    },

    'model.setLearningRate'(a: { id: number; lr: number }): void {
      entry(a.id).model.setLearningRate(a.lr);
    },
  };
}
