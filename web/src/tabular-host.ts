// The engine host's side of `wg.data` tables and `wg.ml` estimators: it owns the parsed CSV
// tables (`Frame`) and the fitted estimators, so a big file is parsed, and a forest grown, in
// the training worker while the page stays responsive. Handlers are merged into host.ts's.
import type { Encoded, Estimator, Frame } from '../pkg/webgrad_full.js';
import type { FullEngine } from './engine.js';
import type { CallContext, Handler } from './rpc.js';
import { release } from './release.js';
import type { WireArray } from './wire.js';

/**
 * The largest CSV `readCsv` accepts (the engine's cap, `MAX_CSV_BYTES`).
 * @example
 * if (file.size > wg.data.MAX_CSV_BYTES) console.log('too large to read in the page');
 */
export const MAX_CSV_BYTES = 256 * 2 ** 20;

/**
 * What `readCsv` learned about a column: its name, kind, counts and statistics.
 * @example
 * const frame = await wg.data.readCsv('a,b\n1,x\n2,y\n');
 * for (const c of frame.columns) console.log(c.name, c.kind, c.stats.missing);
 */
export interface ColumnInfo {
  name: string;
  kind: 'number' | 'integer' | 'boolean' | 'category' | 'text';
  stats: {
    count: number;
    missing: number;
    unique: number;
    mean: number | null;
    std: number | null;
    min: number | null;
    max: number | null;
    /** The most frequent values with their counts, most frequent first. */
    top: [string, number][];
  };
  /** Cells that are not numbers in a mostly numeric column, naming their line. */
  problems: string[];
  /** Ten equal-width bins from min to max (numeric columns). */
  histogram: number[] | null;
}
/**
 * One value of a table row as `frame.head()` / `frame.rows()` give it (null where missing).
 * @example
 * const first: wg.data.Cell[] = (await wg.data.readCsv('a,b\n1,x\n')).head(1)[0]!;
 */
export type Cell = number | string | boolean | null;

export interface FrameInfo {
  id: number;
  numRows: number;
  delimiter: string;
  hasHeader: boolean;
  columns: ColumnInfo[];
  /** The first rows, for `head()`. */
  preview: Cell[][];
}
/** Rows sent with a frame so `head(n)` needs no round trip. */
export const PREVIEW_ROWS = 100;

export interface EncodedAnswer {
  x: WireArray;
  y: WireArray;
  featureNames: string[];
  classes: string[];
  task: 'classification' | 'regression';
  notes: string[];
}

export interface AttributeWire {
  name: string;
  data: Float64Array;
  shape: number[];
}
export interface FitAnswer {
  id: number;
  kind: 'classifier' | 'regressor' | 'clusterer' | 'transformer';
  attributes: AttributeWire[];
}

async function bytesOf(input: string | Blob | ArrayBuffer | Uint8Array, ctx: CallContext): Promise<Uint8Array> {
  if (typeof input === 'string') return new TextEncoder().encode(input);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (input.size > MAX_CSV_BYTES) {
    throw new Error(`readCsv: the file is ${(input.size / 2 ** 20).toFixed(1)} MiB; the most that can be read is ${MAX_CSV_BYTES / 2 ** 20} MiB`);
  }
  // Read in chunks to report progress; the parse then has the whole file (its kinds and
  // statistics need every row).
  const out = new Uint8Array(input.size);
  const reader = input.stream().getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, at);
    at += value.length;
    ctx.emit({ phase: 'read', fraction: at / Math.max(1, input.size) });
  }
  return out.subarray(0, at);
}

const wire = (m: [Float64Array, number], rows: number): { data: Float32Array; shape: number[] } => ({
  data: Float32Array.from(m[0]),
  shape: [rows, m[1]],
});

export function tabularHandlers(engine: () => Promise<FullEngine>): Record<string, Handler> {
  const frames = new Map<number, Frame>();
  const estimators = new Map<number, Estimator>();
  let nextId = 1;
  const frame = (id: number): Frame => {
    const f = frames.get(id);
    if (!f) throw new Error(`webgrad: table ${id} does not exist (disposed?)`);
    return f;
  };
  const estimator = (id: number): Estimator => {
    const e = estimators.get(id);
    if (!e) throw new Error(`webgrad: estimator ${id} is not fitted (or was disposed)`);
    return e;
  };
  const dims = (x: WireArray): [Float32Array, number, number] => {
    if (x.shape.length !== 2) throw new Error(`X must be 2-D [samples, features]; got shape [${x.shape.join(', ')}]`);
    return [x.data instanceof Float32Array ? x.data : Float32Array.from(x.data), x.shape[0], x.shape[1]];
  };
  const labels = (y: WireArray | undefined): Float64Array | undefined => (y ? Float64Array.from(y.data) : undefined);

  return {
    async 'frame.read'(args: { input: string | Blob | ArrayBuffer | Uint8Array; delimiter?: string; header?: boolean }, ctx): Promise<FrameInfo> {
      const bytes = await bytesOf(args.input, ctx);
      if (bytes.length > MAX_CSV_BYTES) {
        throw new Error(`readCsv: the file is ${(bytes.length / 2 ** 20).toFixed(1)} MiB; the most that can be read is ${MAX_CSV_BYTES / 2 ** 20} MiB`);
      }
      const f = (await engine()).Frame.read(bytes, args.delimiter, args.header, (fraction: number) => ctx.emit({ phase: 'parse', fraction }));
      const id = nextId++;
      frames.set(id, f);
      return {
        id,
        numRows: f.numRows,
        delimiter: f.delimiter,
        hasHeader: f.hasHeader,
        columns: f.columns() as ColumnInfo[],
        preview: f.rows(0, PREVIEW_ROWS) as Cell[][],
      };
    },
    'frame.rows'(args: { id: number; start: number; end: number }): Cell[][] {
      return frame(args.id).rows(args.start, args.end) as Cell[][];
    },
    'frame.encode'(args: { id: number; options: unknown }, ctx): EncodedAnswer {
      const e: Encoded = frame(args.id).encode(args.options);
      try {
        const n = e.numRows;
        const x = { data: e.features(), shape: [n, e.numFeatures] };
        const classes = e.classLabels();
        const y = classes ? { data: classes, shape: [n] } : { data: e.valueLabels()!, shape: [n] };
        ctx.transfer(x.data.buffer as ArrayBuffer, y.data.buffer as ArrayBuffer);
        return { x, y, featureNames: e.featureNames, classes: e.classes, task: e.task as EncodedAnswer['task'], notes: e.notes };
      } finally {
        release(e);
      }
    },
    'frame.dispose'(args: { id: number }): void {
      release(frames.get(args.id));
      frames.delete(args.id);
    },

    async 'ml.fit'(args: { name: string; params: string; x: WireArray; y?: WireArray; replace?: number }): Promise<FitAnswer> {
      const est = (await engine()).Estimator.create(args.name, args.params);
      try {
        est.fit(...dims(args.x), labels(args.y));
      } catch (err) {
        release(est);
        throw err;
      }
      // A refit replaces the estimator's earlier state only once the new fit succeeded.
      if (args.replace !== undefined) {
        release(estimators.get(args.replace));
        estimators.delete(args.replace);
      }
      const id = nextId++;
      estimators.set(id, est);
      return { id, kind: est.kind as FitAnswer['kind'], attributes: est.attributes() as AttributeWire[] };
    },
    'ml.predict'(args: { id: number; x: WireArray }): Float64Array {
      return estimator(args.id).predict(...dims(args.x));
    },
    'ml.predictProba'(args: { id: number; x: WireArray }): WireArray {
      const [x, rows, cols] = dims(args.x);
      return wire(estimator(args.id).predictProba(x, rows, cols) as [Float64Array, number], rows);
    },
    'ml.transform'(args: { id: number; x: WireArray }): WireArray {
      const [x, rows, cols] = dims(args.x);
      return wire(estimator(args.id).transform(x, rows, cols) as [Float64Array, number], rows);
    },
    'ml.score'(args: { id: number; x: WireArray; y: WireArray }): number {
      return estimator(args.id).score(...dims(args.x), labels(args.y)!);
    },
    'ml.dispose'(args: { id: number }): void {
      release(estimators.get(args.id));
      estimators.delete(args.id);
    },
  };
}
