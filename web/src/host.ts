// The engine host: the command handlers that own models and run training. It runs in the
// training worker (worker.ts) or, with `init({ worker: false })`, on the page itself.
//
// The host frees every engine object it creates as soon as it is done with it, so a training
// run's wasm memory stays flat whatever the garbage collector does.
import { loadEngine, type RawEngine, type RawTensor } from './engine.js';
import { detectWebGpu } from './features.js';
import { CancelledError, yieldToEventLoop, type CallContext, type Handler } from './rpc.js';
import type { DeviceKind } from './runtime.js';
import type { ModelSpec } from './spec.js';
import { buffersOf, tensorFromWire, wireFromTensor, type WireArray } from './wire.js';

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

/** Per-epoch numbers with Keras' names: loss, accuracy, val_loss, val_accuracy, lr, … */
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
  | { kind: 'batch'; epoch: number; batch: number; loss: number };

type RawModel = import('../pkg/webgrad_wasm.js').Model;

interface Entry {
  model: RawModel;
  spec: ModelSpec;
}

/** Pick the device: WebGPU when asked for (an error if impossible), or when 'auto' finds it. */
async function chooseDevice(raw: RawEngine, kind: DeviceKind): Promise<'cpu' | 'webgpu'> {
  if (kind === 'cpu') {
    raw.setDevice('cpu');
    return 'cpu';
  }
  const gpu = await detectWebGpu();
  if (kind === 'webgpu' && !gpu.available) throw new Error(`webgrad: WebGPU was requested but ${gpu.reason}`);
  if (gpu.available) {
    try {
      raw.setDevice('webgpu');
      return 'webgpu';
    } catch (e) {
      if (kind === 'webgpu') throw e;
    }
  }
  raw.setDevice('cpu');
  return 'cpu';
}

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
    if (performance.now() - last < ms) return;
    await yieldToEventLoop();
    last = performance.now();
    if (ctx.cancelled) throw new CancelledError();
  };
}

export function hostHandlers(): Record<string, Handler> {
  let raw: RawEngine | null = null;
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

  /** Loss and metrics over a data set (the engine's evaluate: batches, evaluation mode, no graph). */
  function evaluate(e: Entry, x: RawTensor, y: RawTensor, batchSize: number, metrics: string[], prefix = ''): Logs {
    const logs = e.model.evaluate(x, y, batchSize, metrics) as Record<string, number>;
    return Object.fromEntries(Object.entries(logs).map(([k, v]) => [prefix + k, v])) as Logs;
  }

  return {
    async init(args: HostInitArgs): Promise<HostInitResult> {
      const loaded = await loadEngine({ wasm: args.module });
      raw = loaded.raw;
      const device = await chooseDevice(raw, args.device);
      return { device, name: raw.deviceName(), flavor: raw.buildFlavor() };
    },

    /** Bytes of wasm memory the host's engine holds (for memory tests and the playground). */
    memory(): { wasmBytes: number; models: number } {
      return { wasmBytes: engine().wasmMemoryBytes(), models: models.size };
    },

    'model.create'({ spec }: { spec: ModelSpec }): ModelInfo {
      const model = engine().Model.fromSpec(spec);
      const id = nextId++;
      models.set(id, { model, spec });
      return { id, summary: model.summary() as LayerSummary[], numParameters: model.numParameters, outputShape: Array.from(model.outputShape) };
    },

    'model.dispose'({ id }: { id: number }): void {
      models.get(id)?.model.free();
      models.delete(id);
    },

    async 'model.fit'(a: FitArgs, ctx: CallContext): Promise<{ epochs: number[]; history: Record<string, number[]> }> {
      const r = engine();
      const e = entry(a.id);
      const data = new Scope();
      const x = data.keep(tensorFromWire(r, a.x));
      const y = data.keep(tensorFromWire(r, a.y));
      const vx = a.validation && data.keep(tensorFromWire(r, a.validation.x));
      const vy = a.validation && data.keep(tensorFromWire(r, a.validation.y));
      const n = a.x.shape[0];
      const history: Record<string, number[]> = {};
      const epochs: number[] = [];
      const pace = pacer(16);
      try {
        if (!(n > 0)) throw new Error('webgrad: fit needs at least one example');
        if (!(a.batchSize >= 1)) throw new Error(`webgrad: batchSize ${a.batchSize} must be ≥ 1`);
        for (let epoch = a.initialEpoch; epoch < a.initialEpoch + a.epochs; epoch++) {
          const order = a.shuffle ? r.randomPermutation(n, BigInt(a.seed) + BigInt(epoch)) : Int32Array.from({ length: n }, (_, i) => i);
          let lossSum = 0;
          for (let start = 0, batch = 0; start < n; start += a.batchSize, batch++) {
            if (ctx.cancelled) throw new CancelledError();
            const s = new Scope();
            const idx = s.keep(r.Tensor.fromI32(order.subarray(start, Math.min(n, start + a.batchSize)), Uint32Array.of(Math.min(a.batchSize, n - start))));
            const xb = s.keep(r.gatherRows(x, idx));
            const yb = s.keep(r.gatherRows(y, idx));
            const loss = s.keep(e.model.trainStep(xb, yb)).item();
            lossSum += loss * idx.size;
            s.free();
            if (a.batchEvents) ctx.emit({ kind: 'batch', epoch, batch, loss } satisfies FitEvent);
            await pace(ctx);
          }
          // Training metrics come from one evaluation pass over the training data at the end of
          // the epoch (Keras averages them over the epoch's batches instead).
          const logs: Logs = { loss: lossSum / n };
          const evalBatch = Math.max(a.batchSize, 256);
          if (a.metrics.length) Object.assign(logs, evaluate(e, x, y, evalBatch, a.metrics), { loss: lossSum / n });
          if (vx && vy) Object.assign(logs, evaluate(e, vx, vy, evalBatch, a.metrics, 'val_'));
          logs.lr = e.model.learningRate;
          epochs.push(epoch);
          for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v as number);
          ctx.emit({ kind: 'epoch', epoch, logs } satisfies FitEvent);
          await pace(ctx);
        }
        return { epochs, history };
      } finally {
        data.free();
      }
    },

    'model.trainOnBatch'(a: { id: number; x: WireArray; y: WireArray }): number {
      const r = engine();
      const s = new Scope();
      try {
        const x = s.keep(tensorFromWire(r, a.x));
        const y = s.keep(tensorFromWire(r, a.y));
        return s.keep(entry(a.id).model.trainStep(x, y)).item();
      } finally {
        s.free();
      }
    },

    'model.evaluate'(a: { id: number; x: WireArray; y: WireArray; batchSize: number; metrics: string[] }): Logs {
      const r = engine();
      const s = new Scope();
      try {
        const x = s.keep(tensorFromWire(r, a.x));
        const y = s.keep(tensorFromWire(r, a.y));
        return evaluate(entry(a.id), x, y, a.batchSize, a.metrics);
      } finally {
        s.free();
      }
    },

    'model.predict'(a: { id: number; x: WireArray; proba: boolean; batchSize: number }, ctx: CallContext): WireArray {
      const r = engine();
      const s = new Scope();
      try {
        const x = s.keep(tensorFromWire(r, a.x));
        const m = entry(a.id).model;
        const out = wireFromTensor(s.keep(a.proba ? m.predictProba(x) : m.predictBatched(x, a.batchSize)));
        ctx.transfer(...buffersOf(out));
        return out;
      } finally {
        s.free();
      }
    },

    'model.getWeights'(a: { id: number }, ctx: CallContext): { name: string; value: WireArray }[] {
      const m = entry(a.id).model;
      const out = m.parameterNames().map((name: string) => {
        const t = m.parameter(name);
        const value = wireFromTensor(t);
        t.free();
        return { name, value };
      });
      ctx.transfer(...buffersOf(...out.map((w: { value: WireArray }) => w.value)));
      return out;
    },

    'model.setLearningRate'(a: { id: number; lr: number }): void {
      entry(a.id).model.setLearningRate(a.lr);
    },
  };
}
