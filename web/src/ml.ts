// `wg.ml`: scikit-learn's estimators, fitted by the engine (webgrad-ml) in the training worker.
// Each class here only carries parameters to the engine and results back: the algorithms, their
// defaults and their checks are all in Rust.
//
//   const clf = new wg.ml.LogisticRegression({ C: 1, classWeight: 'balanced' });
//   await clf.fit(x, y);
//   const p = await clf.predictProba(xTest);    // Tensor [n, classes]
//   clf.coef;                                    // Tensor [1 or classes, features]
import { engine } from './engine.js';
import { toWire } from './model.js';
import { runtimeNow } from './runtime.js';
import type { Client } from './rpc.js';
import { Tensor, type TensorLike } from './tensor.js';
import type { AttributeWire, FitAnswer } from './tabular-host.js';
import { buffersOf, type WireArray } from './wire.js';

/**
 * Data for the estimators: tensors, nested arrays, or a typed array with its shape; X is 2-D
 * [samples, features], y 1-D [samples].
 *
 * @example
 * ```ts
 * const X: wg.ml.Data = [[0, 1], [1, 0], [1, 1]];
 * await new wg.ml.KMeans({ nClusters: 2 }).fit(X);
 * ```
 */
export type Data = TensorLike | WireArray;
/**
 * What an estimator is, as the engine reports it (`'classifier'`, `'regressor'`, `'transformer'`,
 * `'clusterer'`).
 *
 * @example
 * ```ts
 * const kind: wg.ml.EstimatorKind = 'classifier';
 * ```
 */
export type EstimatorKind = FitAnswer['kind'];

interface Fitted {
  id: number;
  client: Client;
  kind: EstimatorKind;
  attributes: Map<string, AttributeWire>;
  cache: Map<string, Tensor | number>;
  /** y was class indices (int32): predictions come back as int32 too. */
  intLabels: boolean;
  features: number;
}

const fittedEstimators = new FinalizationRegistry<{ id: number; client: Client }>(({ id, client }) => {
  if (!client.closed) void client.call('ml.dispose', { id }).catch(() => {});
});

function isWire(x: unknown): x is WireArray {
  return typeof x === 'object' && x !== null && 'data' in x && 'shape' in x && !(x instanceof Tensor);
}

function labelsWire(y: Data): { wire: WireArray; int: boolean } {
  const w = toWire(y, isWire(y) ? (y.data instanceof Int32Array ? 'int32' : 'float32') : y instanceof Tensor ? y.dtype : 'float32');
  if (w.shape.length === 2 && w.shape[1] === 1) w.shape = [w.shape[0]];
  if (w.shape.length !== 1) throw new Error(`y must be 1-D [samples]; got shape [${w.shape.join(', ')}]`);
  return { wire: w, int: w.data instanceof Int32Array };
}

/**
 * The base of every estimator: `fit`, `predict`, `predictProba`, `transform`, `score`,
 * `getParams`, fitted attributes by name, `dispose`. Fitting runs in the engine host (the
 * training worker by default).
 *
 * @example
 * ```ts
 * const est: wg.ml.Estimator<object> = new wg.ml.StandardScaler();
 * await est.fit(x);
 * est.attributeNames; // the fitted attributes' names
 * est.dispose();
 * ```
 */
export class Estimator<P extends object = Record<string, unknown>> {
  private fitted?: Fitted;
  private fitting?: Promise<unknown>;

  constructor(
    /** scikit-learn's class name. */
    readonly name: string,
    private readonly params: P,
  ) {}

  /** The parameters it was made with (scikit-learn's `get_params`, camelCase). */
  getParams(): P {
    return { ...this.params };
  }

  /** Learn from x [samples, features] (and y [samples]: class labels or values; transformers
   *  and clusterers take none). Returns this, as scikit-learn does. */
  async fit(x: Data, y?: Data): Promise<this> {
    if (this.fitting) throw new Error(`${this.name}: fit is already running; await it first`);
    const xw = this.xWire(x, 'fit');
    const yl = y === undefined ? undefined : labelsWire(y);
    const client = runtimeNow().client;
    const replace = this.fitted?.client === client ? this.fitted.id : undefined;
    const run = client.call<FitAnswer>(
      'ml.fit',
      { name: this.name, params: JSON.stringify(this.params), x: xw, y: yl?.wire, replace },
      { transfer: buffersOf(xw, yl?.wire) },
    );
    this.fitting = run;
    try {
      const r = await run;
      this.forget(replace !== undefined);
      this.fitted = { id: r.id, client, kind: r.kind, attributes: new Map(r.attributes.map((a) => [a.name, a])), cache: new Map(), intLabels: yl?.int ?? true, features: xw.shape[1] };
      fittedEstimators.register(this, { id: r.id, client }, this);
      return this;
    } finally {
      this.fitting = undefined;
    }
  }

  /** Class labels (classifiers, clusterers) or values (regressors), [samples]. */
  async predict(x: Data): Promise<Tensor> {
    const f = this.ready('predict');
    const xw = this.xWire(x, 'predict');
    const out = await f.client.call<Float64Array>('ml.predict', { id: f.id, x: xw }, { transfer: buffersOf(xw) });
    const e = engine();
    const shape = Uint32Array.from([out.length]);
    const asInt = f.intLabels && (f.kind === 'classifier' || f.kind === 'clusterer');
    return new Tensor(asInt ? e.Tensor.fromI32(Int32Array.from(out), shape) : e.Tensor.fromF32(Float32Array.from(out), shape));
  }

  /** Class probabilities [samples, classes], columns in the order of `classes`. */
  async predictProba(x: Data): Promise<Tensor> {
    return this.matrixCall('ml.predictProba', 'predictProba', x);
  }

  /** The transformed features (scalers, PCA; distances to the centres for KMeans). */
  async transform(x: Data): Promise<Tensor> {
    return this.matrixCall('ml.transform', 'transform', x);
  }

  /**
   * `fit` then `transform` on the same data.
   * @example const z = await new wg.ml.PCA({ nComponents: 2 }).fitTransform(x);
   */
  async fitTransform(x: Data, y?: Data): Promise<Tensor> {
    await this.fit(x, y);
    return this.transform(x);
  }

  /**
   * `fit` then `predict` on the same data (cluster labels for KMeans).
   * @example const labels = await new wg.ml.KMeans({ nClusters: 3 }).fitPredict(x);
   */
  async fitPredict(x: Data, y?: Data): Promise<Tensor> {
    await this.fit(x, y);
    return this.predict(x);
  }

  /** scikit-learn's `score`: accuracy (classifiers), R² (regressors), −inertia (KMeans). */
  async score(x: Data, y: Data): Promise<number> {
    const f = this.ready('score');
    const xw = this.xWire(x, 'score');
    const yw = labelsWire(y).wire;
    return f.client.call<number>('ml.score', { id: f.id, x: xw, y: yw }, { transfer: buffersOf(xw, yw) });
  }

  /** True once `fit` has succeeded. */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /** The names of the fitted attributes (scikit-learn's, camelCase, no trailing underscore). */
  get attributeNames(): string[] {
    return [...(this.fitted?.attributes.keys() ?? [])];
  }

  /** A fitted attribute: a Tensor (float32), or a number for scalars. Owned by the estimator
   *  (freed by the next fit or dispose): clone() it to keep it longer. */
  attribute(name: string): Tensor | number {
    const f = this.ready(name);
    const cached = f.cache.get(name);
    if (cached !== undefined) return cached;
    const a = f.attributes.get(name);
    if (!a) throw new Error(`${this.name}: no fitted attribute ${JSON.stringify(name)} (it has ${this.attributeNames.join(', ')})`);
    const v = a.shape.length === 0 ? a.data[0] : new Tensor(engine().Tensor.fromF32(Float32Array.from(a.data), Uint32Array.from(a.shape)));
    f.cache.set(name, v);
    return v;
  }
  protected tensorAttr(name: string): Tensor {
    return this.attribute(name) as Tensor;
  }
  protected numberAttr(name: string): number {
    return this.attribute(name) as number;
  }
  /** `nFeaturesIn` as scikit-learn's `n_features_in_`. */
  get nFeaturesIn(): number {
    return this.ready('nFeaturesIn').features;
  }

  /** Free the engine's copy and the attribute tensors. */
  dispose(): void {
    this.forget(false);
  }

  private forget(replaced: boolean): void {
    const f = this.fitted;
    if (!f) return;
    this.fitted = undefined;
    fittedEstimators.unregister(this);
    for (const v of f.cache.values()) if (v instanceof Tensor) v.dispose();
    if (!replaced && !f.client.closed) void f.client.call('ml.dispose', { id: f.id }).catch(() => {});
  }

  private ready(what: string): Fitted {
    const f = this.fitted;
    if (!f) throw new Error(`${this.name}: ${what} needs a fitted estimator: await fit(x, y) first`);
    if (f.client.closed) throw new Error(`${this.name}: the engine it was fitted on was closed (setDevice?): fit it again`);
    return f;
  }

  private xWire(x: Data, what: string): WireArray {
    const w = toWire(x, 'float32');
    if (w.shape.length !== 2) throw new Error(`${this.name}.${what}: X must be 2-D [samples, features]; got shape [${w.shape.join(', ')}]`);
    return w;
  }

  private async matrixCall(cmd: string, what: string, x: Data): Promise<Tensor> {
    const f = this.ready(what);
    const xw = this.xWire(x, what);
    const out = await f.client.call<WireArray>(cmd, { id: f.id, x: xw }, { transfer: buffersOf(xw) });
    return new Tensor(engine().Tensor.fromF32(out.data as Float32Array, Uint32Array.from(out.shape)));
  }
}
