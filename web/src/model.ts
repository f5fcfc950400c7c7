// `sequential([...layers])`: a Keras-shaped model. The page keeps only the spec; the engine host
// (the training worker by default) builds and trains the model, so `fit` never blocks the page.
import { isBuiltin, type BuiltinCallback, type Callback } from './callbacks.js';
import type { Metric } from './generated/spec.js';
import type { FitAnswer, FitArgs, FitEvent, FitResult, LayerSummary, Logs, ModelInfo } from './host.js';
import { CancelledError, type Client } from './rpc.js';
import { noteDeviceChange, runtimeNow } from './runtime.js';
import { modelSpec, type CompileOptions, type Layer, type ModelSpec, type OptimizerSpec } from './spec.js';
import { Tensor, tensor, type DType, type TensorLike } from './tensor.js';
import { buffersOf, type WireArray } from './wire.js';

export type { LayerSummary, Logs };

/**
 * Data for fit/evaluate/predict: tensors, nested arrays, or a typed array with its shape.
 *
 * @example
 * ```ts
 * const x: wg.Data = [[0, 1], [1, 0]];
 * const y: wg.Data = { data: new Int32Array([1, 0]), shape: [2] };
 * await model.fit(x, y);
 * ```
 */
export type Data = TensorLike | WireArray;

/**
 * Options of `model.fit`, with Keras' names and semantics.
 *
 * @example
 * ```ts
 * await model.fit(x, y, {
 *   epochs: 20, batchSize: 32, validationSplit: 0.2,
 *   onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss, logs.val_loss),
 * });
 * ```
 */
export interface FitOptions {
  /** The epoch to stop before, as in Keras / TF.js: epochs `initialEpoch` … `epochs - 1` run. */
  epochs?: number;
  batchSize?: number;
  /** Reshuffle every epoch (default true), from the model's seeded generator (or `seed`). */
  shuffle?: boolean;
  /** The first epoch's index, to continue an earlier fit (`{ initialEpoch: 10, epochs: 20 }` runs 10 more). */
  initialEpoch?: number;
  /** Hold out this fraction of the examples (the last ones, before shuffling, as in Keras) and
   *  report `val_loss` and `val_<metric>` on them every epoch. */
  validationSplit?: number;
  validationData?: [Data, Data];
  /** `wg.callbacks.earlyStopping(…)`, `wg.callbacks.reduceLROnPlateau(…)` and custom callback
   *  objects (`onTrainBegin/End`, `onEpochBegin/End`, `onBatchBegin/End`), run in order. */
  callbacks?: (Callback | BuiltinCallback)[] | Callback;
  /** Shorthands for a custom callback with these hooks (run after `callbacks`). */
  onEpochBegin?: Callback['onEpochBegin'];
  /** After each epoch: `(epoch, logs) => …`. */
  onEpochEnd?: Callback['onEpochEnd'];
  /** Before each batch: `(batch, { epoch }) => …`. */
  onBatchBegin?: Callback['onBatchBegin'];
  /** After each batch: `(batch, { loss, epoch }) => …`. */
  onBatchEnd?: Callback['onBatchEnd'];
  /** Called when training had to move to another device: the WebGPU device was lost (driver
   *  reset, GPU process crash), so the model was rebuilt on the CPU from its weights and optimizer
   *  state at the start of the last epoch and `fit` goes on there; or a loss became NaN under
   *  `onNonFinite: 'warn'`. Default: `console.warn`. */
  onWarning?: (message: string) => void;
  /** Aborting stops training within one batch; `fit` then rejects with CancelledError. */
  signal?: AbortSignal;
  /** Seed of this fit's shuffling (default: the model's generator, seeded by the model's seed). */
  seed?: number;
  /** A loss that becomes NaN or infinite: 'stop' (default) rejects `fit` with an error saying
   *  which epoch, the weights from before that epoch restored; 'warn' trains on and reports it
   *  through `onWarning` (default `console.warn`); 'ignore' trains on. */
  onNonFinite?: 'stop' | 'warn' | 'ignore';
}

/**
 * What `fit` resolves with: the epochs that ran and, per log name (`loss`, `val_loss`, metrics,
 * `lr`), one value per epoch.
 *
 * @example
 * ```ts
 * const h = await model.fit(x, y, { epochs: 5 });
 * h.history.loss?.at(-1); // the last epoch's loss
 * ```
 */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  /** Why training ended early: 'callback' (`stopTraining`) or 'early_stopping'; else undefined. */
  stoppedBy?: string;
}

/** Metric names (Keras/TF.js and the engine's) → the engine's. */
const METRICS: Record<string, string> = {
  accuracy: 'accuracy', acc: 'accuracy', binaryAccuracy: 'binary_accuracy', binary_accuracy: 'binary_accuracy',
  categoricalAccuracy: 'categorical_accuracy', categorical_accuracy: 'categorical_accuracy', mae: 'mae',
  meanAbsoluteError: 'mae', mse: 'mse', meanSquaredError: 'mse', precision: 'precision', recall: 'recall', auc: 'auc',
};

/**
 * Options of `sequential()`.
 *
 * @example
 * ```ts
 * const m = wg.sequential([wg.dense({ units: 1 })], { inputShape: [3], seed: 42 });
 * ```
 */
export interface SequentialOptions {
  /** Shape of one example (no batch axis); otherwise the first layer's `inputShape`, else the first data seen. */
  inputShape?: number[];
  /** Seeds weight initialisation, dropout and shuffling (default 0). */
  seed?: number;
}

// A model lives on the training host it was built on; `setDevice` closes that host (and so
// frees its models) and starts another, whose model ids start again from 1.
const remoteModels = new FinalizationRegistry<{ id: number; client: Client }>(({ id, client }) => {
  if (!client.closed) void client.call('model.dispose', { id }).catch(() => {});
});

function isWire(x: unknown): x is WireArray {
  return typeof x === 'object' && x !== null && 'data' in x && 'shape' in x && !(x instanceof Tensor);
}

/** A fresh copy of the values (safe to transfer) in the dtype the model needs. */
export function toWire(x: Data, dtype: DType): WireArray {
  if (isWire(x)) {
    // slice() is one memcpy; a dtype change has to convert element by element.
    const same = dtype === 'int32' ? x.data instanceof Int32Array : x.data instanceof Float32Array;
    const data = same ? x.data.slice() : dtype === 'int32' ? Int32Array.from(x.data) : Float32Array.from(x.data);
    return { data, shape: [...x.shape] };
  }
  const t = x instanceof Tensor ? x : tensor(x);
  const cast = t.dtype === dtype ? t : t.cast(dtype);
  return { data: cast.dataSync(), shape: cast.shape };
}

/**
 * A stack of layers trained by the engine host (the training worker by default), Keras'
 * `Sequential`. The page keeps only the spec; `fit` never blocks the page. Make one with
 * `sequential()` or `loadModel()`.
 *
 * @example
 * ```ts
 * const model = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })]);
 * model.compile({ optimizer: wg.adam(0.01), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
 * await model.fit(x, y, { epochs: 20 });
 * const p = await model.predictProba([[0, 0.5]]);
 * ```
 */
export class Sequential {
  /** The layer specs, in order. */
  readonly layers: Layer[];
  /** Seeds weight initialisation, dropout and shuffling. */
  readonly seed: number;
  private inputShape?: number[];
  private compiled?: CompileOptions & { metrics: string[] };
  /** The spec itself, for models loaded from a file. */
  private loadedSpec?: ModelSpec;
  private remote?: Promise<ModelInfo>;
  private remoteId?: number;
  /** The training host the model was built on. */
  private client?: Client;

  constructor(layers: Layer[] = [], opts: SequentialOptions = {}) {
    this.layers = [...layers];
    this.seed = opts.seed ?? 0;
    this.inputShape = opts.inputShape ?? layers[0]?.inputShape;
  }

  /** Append a layer (before the model is built). */
  add(layer: Layer): this {
    if (this.remote) throw new Error('webgrad: the model is already built; add layers before the first fit/predict/build');
    this.layers.push(layer);
    this.inputShape ??= layer.inputShape;
    return this;
  }

  /** Choose the optimizer, loss and metrics (e.g. `{ optimizer: adam(0.01), loss: 'softmaxCrossEntropy', metrics: ['accuracy'] }`). */
  compile(opts: CompileOptions & { metrics?: string[] }): this {
    if (this.remote) throw new Error('webgrad: compile() must come before the model is built (first fit/predict/build)');
    for (const m of opts.metrics ?? []) {
      if (!(m in METRICS)) throw new Error(`webgrad: unknown metric ${JSON.stringify(m)} (known: ${Object.keys(METRICS).join(', ')})`);
    }
    this.compiled = { ...opts, metrics: [...(opts.metrics ?? [])] };
    return this;
  }

  /** The engine spec of this model (needs the input shape and `compile`). */
  spec(inputShape = this.inputShape): ModelSpec {
    if (this.loadedSpec) return this.loadedSpec;
    if (!this.compiled) throw new Error('webgrad: call model.compile({ optimizer, loss }) first');
    if (!inputShape) throw new Error('webgrad: the input shape is unknown: give `inputShape` to the first layer, or fit/build first');
    return modelSpec(this.layers, this.compiled, inputShape, this.seed);
  }

  /** The compiled metrics by the engine's names. */
  private metrics(): string[] {
    return (this.compiled?.metrics ?? []).map((m) => METRICS[m] ?? m);
  }
  /** Logs with the metric names the user gave (`binaryAccuracy`, `val_binaryAccuracy`, …). */
  private userLogs<T extends Record<string, unknown>>(logs: T): T {
    const names = new Map((this.compiled?.metrics ?? []).map((m) => [METRICS[m] ?? m, m] as const));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(logs)) {
      const val = k.startsWith('val_');
      const base = val ? k.slice(4) : k;
      out[(val ? 'val_' : '') + (names.get(base) ?? base)] = v;
    }
    return out as T;
  }

  /** Keras' `model.stopTraining`: set it to true in a callback and `fit` ends after the current
   *  batch (the epoch's logs are still recorded) and resolves with the history. */
  stopTraining = false;

  private takesIndices(): boolean {
    return ['embedding', 'token_position_embedding'].includes(this.layers[0]?.type);
  }
  private targetDtype(): DType {
    return this.spec().loss.type === 'softmax_cross_entropy' ? 'int32' : 'float32';
  }

  /** Build the model in the engine (weights from the seed); `fit`/`predict` do it on first use. */
  build(inputShape?: number[]): Promise<ModelInfo> {
    if (!this.remote) {
      this.inputShape ??= inputShape;
      const spec = this.spec();
      const client = runtimeNow().client;
      this.client = client;
      this.remote = client.call<ModelInfo>('model.create', { spec }).then((info) => {
        this.remoteId = info.id;
        remoteModels.register(this, { id: info.id, client }, this);
        return info;
      });
      this.remote.catch(() => (this.remote = undefined));
    }
    return this.remote;
  }

  /** The host the (built) model lives on; a clear error once `setDevice` has closed it. */
  private host(): Client {
    if (!this.client || this.client.closed) {
      throw new Error('webgrad: this model was on the training host that setDevice() replaced; build the model again (save() before and loadModel() after keeps its weights)');
    }
    return this.client;
  }

  private async ensureBuilt(x: WireArray): Promise<number> {
    return (await this.build(x.shape.slice(1))).id;
  }

  private inputWire(x: Data): WireArray {
    return toWire(x, this.takesIndices() ? 'int32' : 'float32');
  }

  /** Keras' `model.summary()`: prints the table of layers (to `print`, default `console.log`)
   *  and returns it as text. */
  async summary(print: (line: string) => void = console.log): Promise<string> {
    const table = (await this.build()).summaryTable;
    print(table);
    return table;
  }
  /** One row per layer: kind, output shape (no batch axis), trainable parameters. */
  async layerSummaries(): Promise<LayerSummary[]> {
    return (await this.build()).summary;
  }
  /**
   * The number of trainable parameters (builds the model when needed).
   * @example await wg.sequential([wg.dense({ units: 2, inputShape: [3] })]).compile({ optimizer: wg.sgd(0.1), loss: 'mse' }).countParams(); // 8
   */
  async countParams(): Promise<number> {
    return (await this.build()).numParameters;
  }

  /**
   * Train on (x, y) with Keras' `fit` semantics (one training loop, the engine's). Resolves with
   * the history, also when a callback or early stopping ends training; rejects with the error a
   * callback threw, or with CancelledError when `signal` aborts.
   *
   * @example
   * ```ts
   * const { x, y } = wg.datasets.moons({ n: 200, seed: 1 });
   * const history = await model.fit(x, y, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
   * history.history.val_loss;
   * ```
   */
  async fit(x: Data, y: Data, opts: FitOptions = {}): Promise<History> {
    // Refused here at once (the host refuses too): a second call could otherwise reach the host
    // after a short first fit has finished, and the two would silently run one after the other.
    if (this.#fitting) throw new Error('webgrad: fit: this model is already training (an earlier fit has not finished); await it, or stop it through its signal, first');
    this.#fitting = true;
    try {
      return await this.#fit(x, y, opts);
    } finally {
      this.#fitting = false;
    }
  }
  #fitting = false;

  async #fit(x: Data, y: Data, opts: FitOptions): Promise<History> {
    for (const [k, v, min] of [['epochs', opts.epochs, 0], ['batchSize', opts.batchSize, 1], ['initialEpoch', opts.initialEpoch, 0]] as const) {
      if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new Error(`webgrad: fit: ${k} ${v} must be an integer ≥ ${min}`);
    }
    const xw = this.inputWire(x);
    const id = await this.ensureBuilt(xw);
    const yw = toWire(y, this.targetDtype());
    const validation = opts.validationData && { x: this.inputWire(opts.validationData[0]), y: toWire(opts.validationData[1], this.targetDtype()) };
    const list = Array.isArray(opts.callbacks) ? opts.callbacks : opts.callbacks ? [opts.callbacks] : [];
    const builtins = list.filter(isBuiltin).map((c) => c.builtin);
    const custom: Callback[] = list.filter((c): c is Callback => !isBuiltin(c));
    if (opts.onEpochBegin || opts.onEpochEnd || opts.onBatchBegin || opts.onBatchEnd) {
      custom.push({ onEpochBegin: opts.onEpochBegin, onEpochEnd: opts.onEpochEnd, onBatchBegin: opts.onBatchBegin, onBatchEnd: opts.onBatchEnd });
    }
    const has = (hook: keyof Callback) => custom.some((c) => typeof c[hook] === 'function');
    const args: FitArgs = {
      id, x: xw, y: yw, validation,
      options: {
        epochs: opts.epochs ?? 1,
        batch_size: opts.batchSize ?? 32,
        shuffle: opts.shuffle ?? true,
        validation_split: opts.validationSplit ?? 0,
        metrics: this.metrics() as Metric[],
        callbacks: builtins,
        initial_epoch: opts.initialEpoch ?? 0,
        seed: opts.seed,
        // Only when given: serde reads an undefined field as a value, not as a missing one.
        ...(opts.onNonFinite === undefined ? {} : { on_non_finite: opts.onNonFinite }),
      },
      ask: {
        epoch: custom.length > 0,
        batch: has('onBatchBegin') || has('onBatchEnd'),
      },
      cancellable: !!opts.signal,
    };
    this.stopTraining = false;
    // The first error a callback throws: training stops, and fit rejects with it.
    const failure: { failed: boolean; error?: unknown } = { failed: false };
    const call = async (f: () => unknown) => {
      if (failure.failed) return;
      try {
        await f();
      } catch (error) {
        Object.assign(failure, { failed: true, error });
      }
    };
    const hooks = async (run: (c: Callback) => unknown): Promise<FitAnswer> => {
      for (const c of custom) await call(() => run(c));
      return { stop: failure.failed || this.stopTraining || !!opts.signal?.aborted };
    };
    const onEvent = async (e: FitEvent): Promise<FitAnswer | undefined> => {
      if (e.kind === 'epochBegin') {
        return hooks(async (c) => {
          await c.onEpochBegin?.(e.epoch);
          if (e.batches > 0) await c.onBatchBegin?.(0, { epoch: e.epoch });
        });
      }
      if (e.kind === 'batch') {
        return hooks(async (c) => {
          await c.onBatchEnd?.(e.batch, { loss: e.loss, epoch: e.epoch });
          if (e.batch + 1 < e.batches && !this.stopTraining) await c.onBatchBegin?.(e.batch + 1, { epoch: e.epoch });
        });
      }
      if (e.kind === 'epoch') {
        const logs = this.userLogs(e.logs);
        return hooks((c) => c.onEpochEnd?.(e.epoch, logs));
      }
      if (e.kind === 'warning') noteDeviceChange(e.device, e.name, e.message);
      if (opts.onWarning) await call(() => opts.onWarning!(e.message));
      else console.warn(`webgrad: ${e.message}`);
      return undefined;
    };
    for (const c of custom) await call(() => c.onTrainBegin?.());
    if (failure.failed) throw failure.error;
    const r = await this.host().call<FitResult>('model.fit', args, {
      transfer: buffersOf(xw, yw, validation?.x, validation?.y),
      onEvent,
      signal: opts.signal,
    });
    const history = this.userLogs(r.history);
    const last = Object.fromEntries(Object.entries(history).map(([k, v]) => [k, v[v.length - 1]])) as Logs;
    for (const c of custom) await call(() => c.onTrainEnd?.(last));
    if (failure.failed) throw failure.error;
    return { epoch: r.epochs, history, stoppedBy: r.stoppedBy };
  }

  /** One optimisation step on one batch; resolves with its loss. */
  async trainOnBatch(x: Data, y: Data): Promise<number> {
    const xw = this.inputWire(x);
    const id = await this.ensureBuilt(xw);
    const yw = toWire(y, this.targetDtype());
    return this.host().call<number>('model.trainOnBatch', { id, x: xw, y: yw }, { transfer: buffersOf(xw, yw) });
  }

  /**
   * Loss and the compiled metrics over (x, y), evaluation mode.
   *
   * @example
   * ```ts
   * const logs = await model.evaluate(x, y);
   * console.log(logs.loss, logs.accuracy);
   * ```
   */
  async evaluate(x: Data, y: Data, opts: { batchSize?: number } = {}): Promise<Logs> {
    const xw = this.inputWire(x);
    const id = await this.ensureBuilt(xw);
    const yw = toWire(y, this.targetDtype());
    const args = { id, x: xw, y: yw, batchSize: opts.batchSize ?? 256, metrics: this.metrics() };
    return this.userLogs(await this.host().call<Logs>('model.evaluate', args, { transfer: buffersOf(xw, yw) }));
  }

  /**
   * Raw outputs (logits for cross-entropy losses) as a tensor on the page.
   *
   * @example
   * ```ts
   * const logits = await model.predict([[0, 0.5], [1, -0.5]]);
   * logits.shape; // [2, outputs]
   * ```
   */
  async predict(x: Data, opts: { batchSize?: number } = {}): Promise<Tensor> {
    return this.predictWith(x, false, opts.batchSize ?? 256);
  }
  /**
   * Probabilities (softmax or sigmoid of the logits) for classification losses; raw values otherwise.
   *
   * @example
   * ```ts
   * const p = await model.predictProba([[0, 0.5]]);
   * p.arraySync();
   * ```
   */
  async predictProba(x: Data): Promise<Tensor> {
    return this.predictWith(x, true, 0);
  }
  private async predictWith(x: Data, proba: boolean, batchSize: number): Promise<Tensor> {
    const xw = this.inputWire(x);
    const id = await this.ensureBuilt(xw);
    const out = await this.host().call<WireArray>('model.predict', { id, x: xw, proba, batchSize }, { transfer: buffersOf(xw) });
    return tensor(out.data, out.shape);
  }

  /** Every parameter and buffer by name (`<layer>.<param>`), as tensors on the page. */
  async getWeights(): Promise<Record<string, Tensor>> {
    const id = (await this.build()).id;
    const ws = await this.host().call<{ name: string; value: WireArray }[]>('model.getWeights', { id });
    return Object.fromEntries(ws.map((w) => [w.name, tensor(w.value.data, w.value.shape)]));
  }

  /** Replace every parameter and buffer (names as `getWeights` gives them; all must be present). */
  async setWeights(weights: Record<string, TensorLike>): Promise<void> {
    const id = (await this.build()).id;
    const list = Object.entries(weights).map(([name, v]) => {
      const t = v instanceof Tensor ? v : tensor(v);
      return { name, value: { data: t.dataSync(), shape: t.shape } as WireArray };
    });
    await this.host().call('model.setWeights', { id, weights: list }, { transfer: buffersOf(...list.map((w) => w.value)) });
  }

  /**
   * The weights (and with `includeOptimizer`, the optimizer state, to resume training exactly)
   * as safetensors bytes with the model spec in the metadata: `loadModel` rebuilds the model
   * from them alone, and PyTorch's `safetensors.torch.load` reads them. `metadata`: your own
   * strings to keep in the file (read them back with `wg.io.loadSafetensors(bytes).metadata`);
   * `format` and keys starting with `webgrad.` are webgrad's.
   *
   * @example
   * ```ts
   * const bytes = await model.save({ includeOptimizer: true, metadata: { task: 'moons' } });
   * const again = await wg.loadModel(bytes);
   * ```
   */
  async save(opts: { includeOptimizer?: boolean; metadata?: Record<string, string> } = {}): Promise<Uint8Array> {
    const id = (await this.build()).id;
    return this.host().call<Uint8Array>('model.save', { id, withOptimizer: !!opts.includeOptimizer, metadata: opts.metadata });
  }

  /** Load weights written by `save` (or any safetensors file with this model's names and shapes). */
  async loadWeights(bytes: Uint8Array): Promise<void> {
    const id = (await this.build()).id;
    await this.host().call('model.loadWeights', { id, bytes });
  }

  /** @internal a model already built by the host from a file. */
  static fromLoaded(info: ModelInfo & { spec: ModelSpec }, client: Client, metrics: string[] = []): Sequential {
    const m = new Sequential(info.spec.layers as Layer[], { inputShape: info.spec.input_shape, seed: info.spec.seed ?? 0 });
    m.loadedSpec = info.spec;
    m.compiled = { optimizer: info.spec.optimizer, loss: info.spec.loss as CompileOptions['loss'], metrics };
    m.remote = Promise.resolve(info);
    m.remoteId = info.id;
    m.client = client;
    remoteModels.register(m, { id: info.id, client }, m);
    return m;
  }

  /** Set the base learning rate (a schedule still scales it). */
  async setLearningRate(lr: number): Promise<void> {
    const id = (await this.build()).id;
    await this.host().call('model.setLearningRate', { id, lr });
  }

  /** Every layer's output for `x` (evaluation mode, no gradients), one tensor per layer in the
   *  model's layer order: what a network diagram draws for each neuron. */
  async layerOutputs(x: Data): Promise<Tensor[]> {
    const xw = this.inputWire(x);
    const id = await this.ensureBuilt(xw);
    const outs = await this.host().call<WireArray[]>('model.layerOutputs', { id, x: xw }, { transfer: buffersOf(xw) });
    return outs.map((o) => tensor(o.data, o.shape));
  }

  /** One parameter or buffer by name (`<layer>.<param>`, as `getWeights` names them). */
  async getParameter(name: string): Promise<Tensor> {
    const id = (await this.build()).id;
    const w = await this.host().call<WireArray>('model.getParameter', { id, name });
    return tensor(w.data, w.shape);
  }

  /** Replace one parameter or buffer by name (same shape); the optimizer state is kept. */
  async setParameter(name: string, value: TensorLike): Promise<void> {
    const id = (await this.build()).id;
    const t = value instanceof Tensor ? value : tensor(value);
    const w = { data: t.dataSync(), shape: t.shape } as WireArray;
    await this.host().call('model.setParameter', { id, name, value: w }, { transfer: buffersOf(w) });
  }

  /** Switch the optimizer mid-run, keeping the weights (the same kind keeps its state). */
  async setOptimizer(optimizer: OptimizerSpec): Promise<void> {
    const id = (await this.build()).id;
    await this.host().call('model.setOptimizer', { id, optimizer });
    if (this.compiled) this.compiled = { ...this.compiled, optimizer };
  }

  /** Change the L1 / L2 penalties on the weights mid-run (0 turns one off). */
  async setRegularization(r: { l1?: number; l2?: number }): Promise<void> {
    const id = (await this.build()).id;
    await this.host().call('model.setRegularization', { id, l1: r.l1 ?? 0, l2: r.l2 ?? 0 });
  }

  /** Free the model in the engine now (optional: it is freed when this object is collected). */
  dispose(): void {
    if (this.remoteId !== undefined && this.client && !this.client.closed) {
      remoteModels.unregister(this);
      void this.client.call('model.dispose', { id: this.remoteId }).catch(() => {});
    }
    this.remote = Promise.reject(new Error('webgrad: the model was disposed'));
    this.remote.catch(() => {});
  }
}

/**
 * Rebuild a model (spec, weights, optimizer state if saved) from the bytes `model.save()` wrote.
 *
 * @example
 * ```ts
 * const bytes = await model.save();
 * const copy = await wg.loadModel(bytes, { metrics: ['accuracy'] });
 * await copy.evaluate(x, y);
 * ```
 */
export async function loadModel(bytes: Uint8Array, opts: { metrics?: string[] } = {}): Promise<Sequential> {
  const client = runtimeNow().client;
  const info = await client.call<ModelInfo & { spec: ModelSpec }>('model.fromBytes', { bytes: bytes.slice() });
  return Sequential.fromLoaded(info, client, opts.metrics);
}

/**
 * A stack of layers, Keras' `Sequential`: compile it, then `fit`, `predict`, `save`.
 *
 * @example
 * ```ts
 * const model = wg.sequential([
 *   wg.dense({ units: 16, activation: 'relu', inputShape: [2] }),
 *   wg.dense({ units: 1 }),
 * ]);
 * model.compile({ optimizer: wg.adam(0.01), loss: 'meanSquaredError' });
 * ```
 */
export function sequential(layers: Layer[] = [], opts: SequentialOptions = {}): Sequential {
  return new Sequential(layers, opts);
}

export { CancelledError };
