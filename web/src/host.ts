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
import { loadEngine, loadFullEngine, type FullEngine, type RawEngine, type RawTensor } from './engine.js';
import { detectWebGpu, type WebGpuInfo } from './features.js';
import { CancelledError, yieldToEventLoop, type CallContext, type Handler } from './rpc.js';
import type { DeviceKind } from './runtime.js';
import type { ModelSpec } from './spec.js';
import type { FitOptions } from './generated/spec.js';
import { buffersOf, tensorFromWire, type WireArray } from './wire.js';
import { tabularHandlers } from './tabular-host.js';
import { release } from './release.js';

export interface HostInitArgs {
  module: WebAssembly.Module;
  device: DeviceKind;
  /** The host shares the page's engine instance (no worker). */
  inline: boolean;
  /** URL of webgrad_full.wasm (WebGPU, tables, classic models), fetched when first needed. */
  fullWasm: string;
}
export interface HostInitResult {
  device: 'cpu' | 'webgpu';
  name: string;
  flavor: string;
  /** Which build the models live in: the page's CPU-only one, or the full engine (WebGPU). */
  build: 'cpu' | 'full';
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

/**
 * One row of `model.summary()`: a layer's index, kind, output shape and parameter count.
 * @example
 * for (const l of await model.layerSummaries()) console.log(l.index, l.kind, l.outputShape, l.params);
 */
export interface LayerSummary {
  index: number;
  kind: string;
  outputShape: number[];
  params: number;
}
export interface ModelInfo {
  id: number;
  summary: LayerSummary[];
  /** Keras' `model.summary()` table as text. */
  summaryTable: string;
  numParameters: number;
  outputShape: number[];
}

/**
 * Per-epoch numbers with Keras' names: loss, accuracy, mae, val_loss, val_accuracy, lr (a metric
 * is there when it was compiled in or validation data was given).
 * @example
 * await model.fit(x, y, { epochs: 5, onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss, logs.val_loss) });
 */
export interface Logs {
  loss: number;
  [metric: string]: number;
}

export interface FitArgs {
  id: number;
  x: WireArray;
  y: WireArray;
  /** nn's `FitOptions` (snake_case), passed to the engine's `FitRun` as they are. */
  options: EngineFitOptions;
  validation?: { x: WireArray; y: WireArray };
  /** Which events wait for the page's answer: after each epoch (and before it), after each batch. */
  ask: { epoch: boolean; batch: boolean };
  /** The page has an AbortSignal: yield after every batch so an abort stops within one batch. */
  cancellable: boolean;
}
/** nn's `FitOptions`, generated from the Rust (crates/nn/src/trainer.rs). */
export type EngineFitOptions = FitOptions & { initial_epoch: number };
/** The page's answer to an `ask` event. */
export interface FitAnswer {
  stop?: boolean;
}
export type FitEvent =
  | { kind: 'epochBegin'; epoch: number; batches: number }
  | { kind: 'epoch'; epoch: number; logs: Logs }
  | { kind: 'batch'; epoch: number; batch: number; batches: number; loss: number }
  /** Training moved to another device (the WebGPU device was lost); `name` is the new one's. */
  | { kind: 'warning'; message: string; device: 'cpu' | 'webgpu'; name: string }
  | { kind: 'notice'; message: string };
export interface FitResult {
  epochs: number[];
  history: Record<string, number[]>;
  /** Why training ended before its last epoch: 'callback' (stopTraining) or 'early_stopping'. */
  stoppedBy?: string;
}

interface Entry {
  model: RawModel;
  spec: ModelSpec;
  /** While training on WebGPU: the weights and optimizer state (safetensors, read back to the
   *  CPU) as they were before epoch `epoch`, to rebuild the model from if the device is lost. */
  snapshot?: { bytes: Uint8Array; epoch: number };
  /** True while a `fit` trains it: a second `fit` is refused, a `dispose` waits for it to end. */
  fitting?: boolean;
  /** `dispose` came during `fit`: the fit stops at its next batch and the model is freed then. */
  disposed?: boolean;
}

/** The message of a thrown value (wasm errors are `Error`s). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Frees engine objects at the end of a scope. */
class Scope {
  private readonly items: { free(): void }[] = [];
  keep<T extends { free(): void }>(x: T): T {
    this.items.push(x);
    return x;
  }
  free(): void {
    for (const x of this.items.splice(0)) release(x);
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
  /** URL of the full engine (WebGPU models, tables and classic models), fetched when first needed. */
  let fullWasm = '';
  /** `raw` is the full engine (the models train on WebGPU, or did until the device was lost). */
  let rawIsFull = false;
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
    e.snapshot = { bytes: await e.model.saveWeights(true, undefined), epoch };
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

  /** Loss and metrics over a data set in batches, evaluation mode: nn's evaluation, its sums
   *  read back once, asynchronously. */
  async function evaluate(e: Entry, x: RawTensor, y: RawTensor, batchSize: number, metrics: string[]): Promise<Logs> {
    const ev = new (engine().Evaluation)(e.model, x, y, batchSize, metrics);
    try {
      const sums = ev.takeSums();
      try {
        return ev.logs(await sums.readF32()) as Logs;
      } finally {
        release(sums);
      }
    } finally {
      release(ev);
    }
  }

  /** Read a tensor back and free it. */
  async function take(t: RawTensor): Promise<Float32Array> {
    try {
      return await t.readF32();
    } finally {
      release(t);
    }
  }

  return {
    // Tables and classic models live in the full engine: the one the models use when they train
    // on WebGPU, else a second instance loaded at the first table or estimator.
    ...tabularHandlers(async (): Promise<FullEngine> => (rawIsFull ? (raw as unknown as FullEngine) : loadFullEngine(fullWasm))),
    async init(args: HostInitArgs): Promise<HostInitResult> {
      fullWasm = args.fullWasm;
      let note: string | undefined;
      if (args.device !== 'cpu') {
        const gpu = await detectWebGpu();
        if (args.device === 'webgpu' && !gpu.available) throw new Error(`webgrad: WebGPU was requested but ${gpu.reason}`);
        if (args.device === 'webgpu' || autoWantsGpu(gpu)) {
          // The CPU-only build has no wgpu: WebGPU models live in the full engine, fetched now.
          try {
            const gpuEngine = (await loadFullEngine(fullWasm)) as unknown as RawEngine;
            await gpuEngine.initWebgpu();
            raw = gpuEngine;
            rawIsFull = true;
            device = 'webgpu';
          } catch (e) {
            if (args.device === 'webgpu') throw e;
            note = `WebGPU failed to open (${e instanceof Error ? e.message : String(e)}); using the CPU`;
          }
        } else {
          note = gpu.available ? 'the WebGPU adapter is a software fallback, slower than the CPU backend' : gpu.reason;
        }
      }
      if (!raw) raw = (await loadEngine({ wasm: args.module })).raw;
      const name = onDevice((r) => r.deviceName());
      return { device, name, flavor: raw.buildFlavor(), note, build: rawIsFull ? 'full' : 'cpu' };
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
      return { id, summary: model.summary() as LayerSummary[], summaryTable: model.summaryTable(), numParameters: model.numParameters, outputShape: Array.from(model.outputShape) };
    },

    /** A model from a file written by `model.save` (its spec is in the metadata). */
    'model.fromBytes'({ bytes }: { bytes: Uint8Array }): ModelInfo & { spec: ModelSpec } {
      const r = engine();
      const spec = JSON.parse(r.Model.specOf(bytes)) as ModelSpec;
      const model = onDevice((r) => r.Model.fromSafetensors(bytes));
      const id = nextId++;
      models.set(id, { model, spec });
      return { id, spec, summary: model.summary() as LayerSummary[], summaryTable: model.summaryTable(), numParameters: model.numParameters, outputShape: Array.from(model.outputShape) };
    },

    async 'model.save'(a: { id: number; withOptimizer: boolean; metadata?: Record<string, string> }, ctx: CallContext): Promise<Uint8Array> {
      const bytes: Uint8Array = await retryOnCpu(() => entry(a.id).model.saveWeights(a.withOptimizer, a.metadata));
      ctx.transfer(bytes.buffer as ArrayBuffer);
      return bytes;
    },

    'model.loadWeights'(a: { id: number; bytes: Uint8Array }): void {
      const e = entry(a.id);
      onDevice(() => e.model.loadWeights(a.bytes));
      if (device === 'webgpu') e.snapshot = { bytes: a.bytes, epoch: 0 };
    },

    'model.dispose'({ id }: { id: number }): void {
      const e = models.get(id);
      models.delete(id);
      if (e?.fitting) e.disposed = true; // freed when its fit ends (it still holds the model)
      else e?.model.free();
    },

    async 'model.fit'(a: FitArgs, ctx: CallContext): Promise<FitResult> {
      const e = entry(a.id);
      if (e.fitting) throw new Error('webgrad: fit: this model is already training (an earlier fit has not finished); await it, or stop it through its signal, first');
      let data = new Scope();
      let x!: RawTensor, y!: RawTensor, vx: RawTensor | undefined, vy: RawTensor | undefined;
      const uploadData = () => {
        x = data.keep(upload(a.x));
        y = data.keep(upload(a.y));
        vx = a.validation && data.keep(upload(a.validation.x));
        vy = a.validation && data.keep(upload(a.validation.y));
      };
      uploadData();
      const history: Record<string, number[]> = {};
      const epochs: number[] = [];
      const pace = pacer(a.cancellable ? 0 : 16);
      const wantsStop = (answer: unknown) => !!(answer as FitAnswer | undefined)?.stop;

      /** nn's FitRun from `first` to the last epoch: the engine runs the batches, keeps the
       *  sums and the built-in callbacks; this loop reads back, paces and talks to the page. */
      async function train(first: number): Promise<string | undefined> {
        const options = { ...a.options, initial_epoch: first };
        const run = new (engine().FitRun)(e.model, x, y, options, vx?.clone(), vy?.clone());
        try {
          while (!run.done) {
            const epoch = run.epoch;
            // The CPU copy to fall back on if the device is lost: refreshed before every epoch.
            await snapshot(e, epoch);
            const batches = run.beginEpoch(e.model);
            if (a.ask.epoch && wantsStop(await ctx.ask({ kind: 'epochBegin', epoch, batches } satisfies FitEvent))) run.stopTraining();
            if (ctx.cancelled) throw new CancelledError();
            for (;;) {
              if (e.disposed) throw new Error('webgrad: fit: the model was disposed while it trained');
              const loss = run.step(e.model);
              if (!loss) break;
              if (a.ask.batch) {
                const value = (await take(loss))[0];
                const answer = await ctx.ask({ kind: 'batch', epoch, batch: run.batch - 1, batches, loss: value } satisfies FitEvent);
                if (wantsStop(answer)) run.stopTraining();
              } else {
                release(loss);
              }
              await pace(ctx);
            }
            if (run.batch === 0) {
              run.skipEpoch(); // stopped before the epoch's first batch: no logs, the run is done
              break;
            }
            const train = await take(run.trainSums(e.model));
            const valSums = run.valSums(e.model);
            const val = valSums ? await take(valSums) : undefined;
            const logs = run.endEpoch(e.model, train, val) as Logs;
            for (const message of run.takeWarnings()) ctx.emit({ kind: 'notice', message } satisfies FitEvent);
            epochs.push(epoch);
            for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v);
            const event = { kind: 'epoch', epoch, logs } satisfies FitEvent;
            if (a.ask.epoch) {
              if (wantsStop(await ctx.ask(event))) run.stopTraining();
            } else {
              ctx.emit(event);
            }
            await pace(ctx);
          }
        } catch (err) {
          release(run);
          throw err;
        }
        const stoppedBy = run.stoppedBy;
        run.finish(e.model); // consumes the run
        return stoppedBy;
      }

      e.fitting = true;
      try {
        let first = a.options.initial_epoch;
        for (;;) {
          try {
            return { epochs, history, stoppedBy: await train(first) };
          } catch (err) {
            if (!deviceLost(err)) throw err;
            // Back to the last snapshot, on the CPU; the epochs after it are trained again (the
            // built-in callbacks start afresh there).
            const what = recoverOnCpu();
            first = e.snapshot?.epoch ?? a.options.initial_epoch;
            e.snapshot = undefined;
            release(data);
            data = new Scope();
            uploadData();
            const redo = epochs.findIndex((k) => k >= first);
            if (redo >= 0) {
              epochs.splice(redo);
              for (const v of Object.values(history)) v.splice(redo);
            }
            const name = engine().deviceName();
            ctx.emit({ kind: 'warning', message: `${what}: continuing on the CPU from epoch ${first}`, device, name } satisfies FitEvent);
          }
        }
      } finally {
        release(data);
        e.fitting = false;
        if (e.disposed) release(e.model);
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
          release(s);
        }
      });
    },

    async 'model.evaluate'(a: { id: number; x: WireArray; y: WireArray; batchSize: number; metrics: string[] }): Promise<Logs> {
      return retryOnCpu(async () => {
        const s = new Scope();
        try {
          return await evaluate(entry(a.id), s.keep(upload(a.x)), s.keep(upload(a.y)), a.batchSize, a.metrics);
        } finally {
          release(s);
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
          release(s);
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
            release(t);
          }
        }
        ctx.transfer(...buffersOf(...out.map((w) => w.value)));
        return out;
      });
    },

    async 'model.setWeights'(a: { id: number; weights: { name: string; value: WireArray }[] }): Promise<void> {
      const e = entry(a.id);
      await retryOnCpu(async () => {
        // Made on the CPU: the engine checks the values (NaN, infinity) there, then moves them.
        e.model.loadParameters(a.weights.map((w) => w.name), a.weights.map((w) => tensorFromWire(engine(), w.value)));
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
          release(s);
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
          release(t);
        }
      });
    },

    async 'model.setParameter'(a: { id: number; name: string; value: WireArray }): Promise<void> {
      const e = entry(a.id);
      await retryOnCpu(async () => {
        const t = tensorFromWire(engine(), a.value); // on the CPU, checked there (see setWeights)
        try {
          e.model.setParameter(a.name, t);
        } finally {
          release(t);
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
