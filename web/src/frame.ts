// `wg.data`: pandas-style tables from CSV and scikit-learn's `train_test_split`. The CSV is
// parsed by the engine (webgrad-data) in the training worker; the page's `DataFrame` holds the
// column descriptions and a preview, and asks the worker for the rest.
import { engine } from './engine.js';
import { runtimeNow } from './runtime.js';
import type { Client } from './rpc.js';
import { seedArg } from './args.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';
import { PREVIEW_ROWS, type Cell, type ColumnInfo, type EncodedAnswer, type FrameInfo } from './tabular-host.js';

export type { Cell, ColumnInfo } from './tabular-host.js';
export { MAX_CSV_BYTES } from './tabular-host.js';

/**
 * Options of `readCsv`.
 *
 * @example
 * ```ts
 * const df = await wg.data.readCsv(file, { delimiter: ';', header: true, onProgress: (p) => console.log(p.phase, p.fraction) });
 * ```
 */
export interface ReadCsvOptions {
  /** The field separator (`,` `;` `\t` …); detected when absent. */
  delimiter?: string;
  /** Whether the first row names the columns; detected when absent. */
  header?: boolean;
  /** Called as the file is read (phase 'read') and parsed (phase 'parse'), fraction 0 → 1. */
  onProgress?: (progress: { phase: 'read' | 'parse'; fraction: number }) => void;
  signal?: AbortSignal;
}

/**
 * What `toTensors` does with a missing feature: drop the row, or fill it (scikit-learn's
 * SimpleImputer strategies; a number is a constant).
 *
 * @example
 * ```ts
 * const { x, y } = await df.toTensors({ target: 'label', impute: 'median' });
 * ```
 */
export type Impute = 'drop' | 'mean' | 'median' | 'most_frequent' | number;

/**
 * Options of `DataFrame.toTensors`: the target, the features and how to encode them.
 *
 * @example
 * ```ts
 * const { x, y, classes } = await df.toTensors({ target: 'species', scale: 'standard', oneHot: true });
 * ```
 */
export interface ToTensorsOptions {
  /** The column to predict. */
  target: string;
  /** The feature columns (default: all others but free text). */
  features?: string[];
  /** Missing features: drop the row, or fill (scikit-learn's SimpleImputer strategies; a
   *  number is a constant). Default 'mean'. */
  impute?: Impute;
  /** Scale numeric features over all rows: 'standard' ((x − mean) / std) or 'minmax'. */
  scale?: 'standard' | 'minmax' | 'none';
  /** Categories as one 0/1 column per level (default) or one column of ordinal codes. */
  oneHot?: boolean;
  /** Guessed from the target when absent. */
  task?: 'classification' | 'regression';
}

/**
 * What `DataFrame.toTensors` gives: tensors for a model and what they mean.
 *
 * @example
 * ```ts
 * const t: wg.data.Tensors = await df.toTensors({ target: 'price', task: 'regression' });
 * t.featureNames; t.notes;
 * ```
 */
export interface Tensors {
  /** Features [rows, features] (float32). */
  x: Tensor;
  /** Class indices [rows] (int32) for classification, values [rows] (float32) for regression. */
  y: Tensor;
  featureNames: string[];
  /** Class names in label order (y = 0, 1, …); empty for regression. */
  classes: string[];
  task: 'classification' | 'regression';
  /** What was done that you should know: rows dropped, columns left out, constant columns. */
  notes: string[];
}

/**
 * pandas' `describe()`, one entry per column.
 *
 * @example
 * ```ts
 * const d: wg.data.Description = df.describe();
 * d.age?.mean;
 * ```
 */
export type Description = Record<string, { kind: ColumnInfo['kind']; count: number; missing: number; unique: number; top: string | null; freq: number | null; mean: number | null; std: number | null; min: number | null; max: number | null }>;

const frames = new FinalizationRegistry<{ id: number; client: Client }>(({ id, client }) => {
  if (!client.closed) void client.call('frame.dispose', { id }).catch(() => {});
});

/**
 * A table read from CSV. Its values live in the engine; `head`, `describe` and `columns` are
 * local, `rows` and `toTensors` ask the engine. Made by `readCsv`.
 *
 * @example
 * ```ts
 * const df = await wg.data.readCsv('a,b,label\n1,2,x\n3,4,y\n');
 * df.numRows;     // 2
 * df.columnNames; // ['a', 'b', 'label']
 * const { x, y } = await df.toTensors({ target: 'label' });
 * ```
 */
export class DataFrame {
  /** The number of data rows (the header not counted). */
  readonly numRows: number;
  /** Each column's name, kind and statistics, in file order. */
  readonly columns: readonly ColumnInfo[];
  /** The field separator, given or detected. */
  readonly delimiter: string;
  /** Whether the first row named the columns (given or detected). */
  readonly hasHeader: boolean;
  private readonly preview: Cell[][];
  private disposed = false;

  /** @internal */
  constructor(
    private readonly info: FrameInfo,
    private readonly client: Client,
  ) {
    this.numRows = info.numRows;
    this.columns = info.columns;
    this.delimiter = info.delimiter;
    this.hasHeader = info.hasHeader;
    this.preview = info.preview;
    frames.register(this, { id: info.id, client }, this);
  }

  /** The column names, in file order. */
  get columnNames(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** The first `n` rows (at most 100 here; `rows()` reads any range). */
  head(n = 5): Cell[][] {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`head: n must be a whole number ≥ 0, got ${n}`);
    if (n > PREVIEW_ROWS && n <= this.numRows) throw new RangeError(`head: at most ${PREVIEW_ROWS} rows; use await frame.rows(0, ${n})`);
    return this.preview.slice(0, n).map((r) => [...r]);
  }

  /** Rows `start` to `end` (exclusive). */
  async rows(start: number, end: number): Promise<Cell[][]> {
    return this.live().call<Cell[][]>('frame.rows', { id: this.info.id, start, end });
  }

  /**
   * pandas' `describe()`: count, missing, unique, top and numeric statistics per column.
   * @example console.table(df.describe());
   */
  describe(): Description {
    const out: Description = {};
    for (const c of this.columns) {
      const s = c.stats;
      out[c.name] = { kind: c.kind, count: s.count, missing: s.missing, unique: s.unique, top: s.top[0]?.[0] ?? null, freq: s.top[0]?.[1] ?? null, mean: s.mean, std: s.std, min: s.min, max: s.max };
    }
    return out;
  }

  /** Features and labels for a model (numbers as they are, booleans 0/1, categories one-hot). */
  async toTensors(options: ToTensorsOptions): Promise<Tensors> {
    if (!options || typeof options.target !== 'string') throw new TypeError('toTensors: pass { target: "<column name>" }');
    const { signal: _, ...opts } = options as ToTensorsOptions & { signal?: unknown };
    const r = await this.live().call<EncodedAnswer>('frame.encode', { id: this.info.id, options: opts });
    const e = engine();
    const x = new Tensor(e.Tensor.fromF32(r.x.data as Float32Array, Uint32Array.from(r.x.shape)));
    const y = new Tensor(r.y.data instanceof Int32Array ? e.Tensor.fromI32(r.y.data, Uint32Array.from(r.y.shape)) : e.Tensor.fromF32(r.y.data, Uint32Array.from(r.y.shape)));
    return { x, y, featureNames: r.featureNames, classes: r.classes, task: r.task, notes: r.notes };
  }

  /** Free the engine's copy now (otherwise the garbage collector does, eventually). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    frames.unregister(this);
    if (!this.client.closed) void this.client.call('frame.dispose', { id: this.info.id }).catch(() => {});
  }

  private live(): Client {
    if (this.disposed) throw new Error('webgrad: this DataFrame was disposed');
    if (this.client.closed) throw new Error('webgrad: the engine this DataFrame was read on was closed (setDevice?): read the CSV again');
    return this.client;
  }
}

/**
 * Parse CSV text, a File/Blob, or bytes into a `DataFrame` (in the worker, with progress).
 *
 * @example
 * ```ts
 * const df = await wg.data.readCsv(await (await fetch('iris.csv')).blob());
 * df.head(3);
 * ```
 */
export async function readCsv(input: string | Blob | ArrayBuffer | Uint8Array, opts: ReadCsvOptions = {}): Promise<DataFrame> {
  const ok = typeof input === 'string' || input instanceof ArrayBuffer || input instanceof Uint8Array || (typeof Blob !== 'undefined' && input instanceof Blob);
  if (!ok) throw new TypeError('readCsv: pass CSV text, a File or Blob, an ArrayBuffer or a Uint8Array');
  const client = runtimeNow().client;
  const info = await client.call<FrameInfo>(
    'frame.read',
    { input, delimiter: opts.delimiter, header: opts.header },
    { signal: opts.signal, onEvent: (e) => opts.onProgress?.(e as { phase: 'read' | 'parse'; fraction: number }) },
  );
  return new DataFrame(info, client);
}

/**
 * Options of `trainTestSplit`.
 *
 * @example
 * ```ts
 * wg.data.trainTestSplit(x, y, { testSize: 0.2, seed: 42, stratify: true });
 * ```
 */
export interface TrainTestSplitOptions {
  /** A fraction in (0, 1) or a number of rows (default 0.25, as scikit-learn). */
  testSize?: number;
  /** The seed of the shuffle (scikit-learn's random_state; default 0). */
  seed?: number;
  /** Keep each class's share on both sides: `true` to stratify by `y`, or the labels to use. */
  stratify?: boolean | TensorLike;
}

/**
 * The four tensors `trainTestSplit` gives.
 *
 * @example
 * ```ts
 * const { xTrain, xTest, yTrain, yTest }: wg.data.Split = wg.data.trainTestSplit(x, y);
 * ```
 */
export interface Split {
  xTrain: Tensor;
  xTest: Tensor;
  yTrain: Tensor;
  yTest: Tensor;
}

/**
 * scikit-learn's `train_test_split(x, y, test_size, random_state, stratify)`: seeded, the rows
 * shuffled, each class's share kept when stratified.
 *
 * @example
 * ```ts
 * const { x, y } = wg.datasets.moons({ n: 500, seed: 1 });
 * const { xTrain, xTest, yTrain, yTest } = wg.data.trainTestSplit(x, y, { testSize: 0.2, stratify: true });
 * xTest.shape; // [100, 2]
 * ```
 */
export function trainTestSplit(x: TensorLike, y: TensorLike, opts: TrainTestSplitOptions = {}): Split {
  const xt = asTensor(x);
  const yt = asTensor(y);
  const n = xt.shape[0];
  if (xt.shape.length === 0 || yt.shape.length === 0 || yt.shape[0] !== n) {
    throw new Error(`trainTestSplit: x has shape [${xt.shape.join(', ')}] and y [${yt.shape.join(', ')}]: they need the same number of rows`);
  }
  let strata: Int32Array | undefined;
  if (opts.stratify) {
    const s = opts.stratify === true ? yt : asTensor(opts.stratify);
    if (s.dtype !== 'int32' && !Array.from(s.dataSync()).every(Number.isInteger)) {
      throw new Error('trainTestSplit: stratify needs class labels (whole numbers)');
    }
    strata = Int32Array.from(s.dataSync());
  }
  const [train, test] = engine().splitIndices(n, opts.testSize ?? 0.25, seedArg('trainTestSplit', opts.seed ?? 0), strata) as [Int32Array, Int32Array];
  // The engine gathers float32 rows; class indices round-trip through float32 exactly (< 2^24).
  const take = (t: Tensor, idx: Int32Array) => {
    if (t.dtype === 'float32') return t.gather(idx, 0);
    const f = t.cast('float32');
    const g = f.gather(idx, 0);
    const out = g.cast('int32');
    f.dispose();
    g.dispose();
    return out;
  };
  return { xTrain: take(xt, train), xTest: take(xt, test), yTrain: take(yt, train), yTest: take(yt, test) };
}
