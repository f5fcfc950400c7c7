// NumPy-style tensors on the page's own engine instance. Every op returns a new Tensor; nothing
// needs `dispose()` (the garbage collector frees engine memory through wasm-bindgen's weak refs),
// but `dispose()` frees it at once.
import { describeError, engine, type RawTensor } from './engine.js';

export type DType = 'float32' | 'int32';
export type Shape = readonly number[];
/** Nested arrays of numbers, e.g. [[1, 2], [3, 4]]. */
export type NestedArray = number | NestedArray[];
/** The ranks the types follow (a tensor's rank is `number` when it is not known). */
export type Rank = 0 | 1 | 2 | 3 | 4 | 5 | 6;
/** What `arraySync()` gives for rank `R`: `ArrayOfRank<2>` is `number[][]`; for an unknown rank,
 *  `NestedArray`. */
export type ArrayOfRank<R extends number> =
  R extends 0 ? number : R extends 1 ? number[] : R extends 2 ? number[][] : R extends 3 ? number[][][]
  : R extends 4 ? number[][][][] : R extends 5 ? number[][][][][] : R extends 6 ? number[][][][][][] : NestedArray;
export type TensorLike = Tensor | NestedArray | Float32Array | Int32Array | ArrayLike<number>;
/** One axis, several axes, or null/undefined for all of them. */
export type Axes = number | readonly number[] | null | undefined;

const DTYPE_FROM_RAW: Record<string, DType> = { f32: 'float32', i32: 'int32' };

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(v: NestedArray, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (typeof v !== 'number') throw new Error(`tensor: expected a number at depth ${depth}, got ${typeof v}`);
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) {
    throw new Error(`tensor: ragged nested array (expected length ${shape[depth]} at depth ${depth}, shape ${JSON.stringify(shape)})`);
  }
  for (const x of v) flatten(x, shape, depth + 1, out);
}

function checkShape(shape: Shape, op: string): number[] {
  if (!Array.isArray(shape) && !ArrayBuffer.isView(shape)) throw new Error(`${op}: shape must be an array of sizes, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new Error(`${op}: bad dimension ${d} in shape ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

/** An integer argument, checked before it reaches the engine (which would truncate or wrap it):
 *  fractional, NaN, infinite or out-of-range values are errors naming the argument. */
export function intArg(op: string, name: string, v: unknown, min = -0x80000000, max = 0x7fffffff): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : 'an integer';
    throw new Error(`${op}: ${name} must be ${range}${max < 0x7fffffff ? ` ≤ ${max}` : ''}, got ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  }
  return v;
}

function intsArg(op: string, name: string, vs: readonly number[], min?: number): Int32Array {
  if (!Array.isArray(vs) && !ArrayBuffer.isView(vs)) throw new Error(`${op}: ${name} must be an array of integers, got ${String(vs)}`);
  return Int32Array.from(vs, (v, i) => intArg(op, `${name}[${i}]`, v, min));
}

/** A seed for the engine's generator: an integer in [0, 2^53). */
export function seedArg(op: string, seed: unknown): bigint {
  return BigInt(intArg(op, 'seed', seed, 0, Number.MAX_SAFE_INTEGER));
}

function axesArg(axes: Axes, op = 'reduce'): Int32Array | undefined {
  if (axes === null || axes === undefined) return undefined;
  return intsArg(op, 'axis', typeof axes === 'number' ? [axes] : axes);
}

/** Values for an int32 tensor: whole numbers within int32 (no silent truncation or wrapping). */
function int32Values(flat: ArrayLike<number>, op: string): Int32Array {
  if (flat instanceof Int32Array) return flat;
  const out = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new Error(`${op}: int32 value ${v} at index ${i} is not a whole number within int32`);
    out[i] = v;
  }
  return out;
}

function unflatten(data: ArrayLike<number>, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0];
  const build = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim];
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) {
      out.push(dim === shape.length - 1 ? data[offset + i] : build(offset + i * stride, dim + 1));
    }
    return out;
  };
  return build(0, 0);
}

/** Tensors created inside each active `tidy()` call, innermost last. */
const scopes: Tensor[][] = [];

export class Tensor<R extends number = number> {
  #raw: RawTensor;
  private disposed = false;

  /** @internal wrap an engine tensor; use `tensor()` and the factories instead. */
  constructor(raw: RawTensor) {
    this.#raw = raw;
    scopes[scopes.length - 1]?.push(this);
  }

  /** @internal the engine's tensor; a clear error once disposed. */
  get raw(): RawTensor {
    if (this.disposed) throw new Error('webgrad: this tensor was disposed (dispose() or a tidy() that ended); use a tensor that is still alive');
    return this.#raw;
  }

  get shape(): number[] {
    return Array.from(this.raw.shape);
  }
  get rank(): number {
    return this.raw.rank;
  }
  get size(): number {
    return this.raw.size;
  }
  get dtype(): DType {
    return DTYPE_FROM_RAW[this.raw.dtype] ?? 'float32';
  }
  /** The device the tensor lives on, e.g. "cpu (wasm simd128)". */
  get device(): string {
    return this.raw.device;
  }

  // ---- readback --------------------------------------------------------------------------
  /** The values in row-major order (a fresh typed array). */
  dataSync(): Float32Array | Int32Array {
    return this.dtype === 'int32' ? this.raw.toI32() : this.raw.toF32();
  }
  /** The values in row-major order, read without blocking (the way to read WebGPU tensors). */
  data(): Promise<Float32Array | Int32Array> {
    return this.dtype === 'int32' ? this.raw.readI32() : this.raw.readF32();
  }
  /** The values as nested arrays. */
  arraySync(): ArrayOfRank<R> {
    return unflatten(this.dataSync(), this.shape) as ArrayOfRank<R>;
  }
  async array(): Promise<ArrayOfRank<R>> {
    return unflatten(await this.data(), this.shape) as ArrayOfRank<R>;
  }
  /** The value of a one-element tensor. */
  item(): number {
    return this.raw.item();
  }
  toString(): string {
    return this.raw.toString();
  }

  // ---- elementwise -----------------------------------------------------------------------
  private bin(other: TensorLike | number, op: (a: RawTensor, b: RawTensor) => RawTensor): Tensor {
    const b = asTensor(other);
    return new Tensor(op(this.raw, b.raw));
  }
  add(o: TensorLike | number): Tensor {
    return typeof o === 'number' ? new Tensor(this.raw.addScalar(o)) : this.bin(o, (a, b) => a.add(b));
  }
  sub(o: TensorLike | number): Tensor {
    return typeof o === 'number' ? new Tensor(this.raw.addScalar(-o)) : this.bin(o, (a, b) => a.sub(b));
  }
  mul(o: TensorLike | number): Tensor {
    return typeof o === 'number' ? new Tensor(this.raw.mulScalar(o)) : this.bin(o, (a, b) => a.mul(b));
  }
  div(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.div(b));
  }
  pow(o: TensorLike | number): Tensor {
    return typeof o === 'number' ? new Tensor(this.raw.powScalar(o)) : this.bin(o, (a, b) => a.pow(b));
  }
  maximum(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.maximum(b));
  }
  minimum(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.minimum(b));
  }
  /** Comparisons give 1 or 0 as float32. */
  equal(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.eq(b));
  }
  notEqual(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.ne(b));
  }
  less(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.lt(b));
  }
  lessEqual(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.le(b));
  }
  greater(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.gt(b));
  }
  greaterEqual(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.ge(b));
  }
  /** Matrix product with broadcast batch dimensions: [..., M, K] @ [..., K, N]; a 1-D operand is a
   *  row (left) or column (right) vector whose axis is removed, as in torch (1-D @ 1-D: the dot). */
  matmul(o: TensorLike): Tensor {
    return this.bin(o, (a, b) => a.matmul(b));
  }

  neg(): Tensor { return new Tensor(this.raw.neg()); }
  exp(): Tensor { return new Tensor(this.raw.exp()); }
  log(): Tensor { return new Tensor(this.raw.log()); }
  sqrt(): Tensor { return new Tensor(this.raw.sqrt()); }
  abs(): Tensor { return new Tensor(this.raw.abs()); }
  relu(): Tensor { return new Tensor(this.raw.relu()); }
  sigmoid(): Tensor { return new Tensor(this.raw.sigmoid()); }
  tanh(): Tensor { return new Tensor(this.raw.tanh()); }
  sin(): Tensor { return new Tensor(this.raw.sin()); }
  cos(): Tensor { return new Tensor(this.raw.cos()); }
  erf(): Tensor { return new Tensor(this.raw.erf()); }
  reciprocal(): Tensor { return new Tensor(this.raw.recip()); }
  sign(): Tensor { return new Tensor(this.raw.sign()); }
  square(): Tensor { return new Tensor(this.raw.square()); }
  gelu(): Tensor { return new Tensor(this.raw.gelu()); }
  leakyRelu(slope = 0.01): Tensor { return new Tensor(this.raw.leakyRelu(slope)); }
  clip(min: number, max: number): Tensor { return new Tensor(this.raw.clamp(min, max)); }
  softmax(axis = -1): Tensor { return new Tensor(this.raw.softmax(intArg('softmax', 'axis', axis))); }
  logSoftmax(axis = -1): Tensor { return new Tensor(this.raw.logSoftmax(intArg('logSoftmax', 'axis', axis))); }
  cast(dtype: DType): Tensor { return new Tensor(this.raw.cast(dtype)); }

  // ---- reductions ------------------------------------------------------------------------
  sum(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.sum(axesArg(axes, 'sum'), keepDims)); }
  mean(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.mean(axesArg(axes, 'mean'), keepDims)); }
  max(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.max(axesArg(axes, 'max'), keepDims)); }
  min(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.min(axesArg(axes, 'min'), keepDims)); }
  /** Variance; `correction` 1 (the default, as in PyTorch) divides by n - 1. */
  variance(axes?: Axes, keepDims = false, correction = 1): Tensor {
    return new Tensor(this.raw.var(axesArg(axes, 'variance'), keepDims, intArg('variance', 'correction', correction, 0)));
  }
  logSumExp(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.logsumexp(axesArg(axes, 'logSumExp'), keepDims)); }
  /** Indices (int32) of the largest values along `axis`. */
  argMax(axis = -1, keepDims = false): Tensor { return new Tensor(this.raw.argmax(intArg('argMax', 'axis', axis), keepDims)); }
  argMin(axis = -1, keepDims = false): Tensor { return new Tensor(this.raw.argmin(intArg('argMin', 'axis', axis), keepDims)); }

  // ---- shapes ----------------------------------------------------------------------------
  /** New shape; one entry may be -1. */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.raw.reshape(intsArg('reshape', 'shape', shape, -1)));
  }
  /** Reverse the axes, or permute them by `perm`. */
  transpose(perm?: readonly number[]): Tensor {
    const p = perm ?? [...Array(this.rank).keys()].reverse();
    return new Tensor(this.raw.permute(Uint32Array.from(intsArg('transpose', 'perm', p, 0))));
  }
  /** Swap two axes. */
  swapAxes(a: number, b: number): Tensor { return new Tensor(this.raw.transpose(intArg('swapAxes', 'a', a), intArg('swapAxes', 'b', b))); }
  broadcastTo(shape: Shape): Tensor { return new Tensor(this.raw.broadcastTo(Uint32Array.from(checkShape(shape, 'broadcastTo')))); }
  /** Elements `start..start+length` along `axis`. */
  slice(axis: number, start: number, length: number): Tensor {
    return new Tensor(this.raw.narrow(intArg('slice', 'axis', axis), intArg('slice', 'start', start, 0, 0xffffffff), intArg('slice', 'length', length, 0, 0xffffffff)));
  }
  /** TF.js's `stridedSlice`: per axis begin, begin+stride, … before end (missing entries: whole
   *  axis; negative indices count from the end; out of range ones are clamped). Bit i of
   *  `beginMask` / `endMask` ignores begin[i] / end[i]; of `shrinkAxisMask` takes element begin[i]
   *  and drops the axis. */
  stridedSlice(begin: readonly number[], end: readonly number[], strides: readonly number[] = [], beginMask = 0, endMask = 0, shrinkAxisMask = 0): Tensor {
    const op = 'stridedSlice';
    return new Tensor(this.raw.stridedSlice(intsArg(op, 'begin', begin), intsArg(op, 'end', end), intsArg(op, 'strides', strides),
      intArg(op, 'beginMask', beginMask, 0), intArg(op, 'endMask', endMask, 0), intArg(op, 'shrinkAxisMask', shrinkAxisMask, 0)));
  }
  expandDims(axis = 0): Tensor { return new Tensor(this.raw.unsqueeze(intArg('expandDims', 'axis', axis))); }
  /** Flatten the axes from `startAxis` (default 0: everything) into one. */
  flatten(startAxis = 0): Tensor {
    return startAxis === 0 ? this.reshape([-1]) : new Tensor(this.raw.flattenFrom(intArg('flatten', 'startAxis', startAxis)));
  }
  /** Entries along `axis` picked by int32 indices. */
  gather(indices: TensorLike, axis = 0): Tensor {
    return new Tensor(this.raw.indexSelect(intArg('gather', 'axis', axis), asTensor(indices, 'int32').raw));
  }
  /** One-hot encoding of int32 class indices. */
  oneHot(numClasses: number): Tensor { return new Tensor(this.raw.oneHot(intArg('oneHot', 'numClasses', numClasses, 1))); }

  // ---- convolution (NCHW) ----------------------------------------------------------------
  conv2d(weight: TensorLike, bias?: TensorLike | null, opts: { stride?: number | [number, number]; padding?: number | [number, number] } = {}): Tensor {
    const b = bias === undefined || bias === null ? undefined : asTensor(bias).raw.clone();
    return new Tensor(this.raw.conv2d(asTensor(weight).raw, b, pair(opts.stride ?? 1, 'conv2d', 'stride'), pair(opts.padding ?? 0, 'conv2d', 'padding')));
  }
  maxPool2d(kernel: number | [number, number], opts: { stride?: number | [number, number]; padding?: number | [number, number] } = {}): Tensor {
    return new Tensor(this.raw.maxPool2d(pair(kernel, 'maxPool2d', 'kernel'), pair(opts.stride ?? kernel, 'maxPool2d', 'stride'), pair(opts.padding ?? 0, 'maxPool2d', 'padding')));
  }
  avgPool2d(kernel: number | [number, number], opts: { stride?: number | [number, number]; padding?: number | [number, number] } = {}): Tensor {
    return new Tensor(this.raw.avgPool2d(pair(kernel, 'avgPool2d', 'kernel'), pair(opts.stride ?? kernel, 'avgPool2d', 'stride'), pair(opts.padding ?? 0, 'avgPool2d', 'padding')));
  }

  // ---- autograd --------------------------------------------------------------------------
  get requiresGrad(): boolean { return this.raw.requiresGrad; }
  set requiresGrad(on: boolean) { this.raw.requiresGrad = on; }
  /** Mark as a parameter whose gradient `backward()` accumulates; returns this. */
  requireGrad(on = true): this { this.raw.requiresGrad = on; return this; }
  /**
   * Gradients of this scalar with respect to every tensor that requires them. As in PyTorch the
   * graph is released afterwards: going backward through it again throws unless the first call
   * passed `{ retainGraph: true }`.
   */
  backward(opts: { retainGraph?: boolean } = {}): void { this.raw.backward(opts.retainGraph === true); }
  /** The gradient accumulated by `backward()`, or null. */
  get grad(): Tensor | null {
    const g = this.raw.grad;
    return g ? new Tensor(g) : null;
  }
  zeroGrad(): void { this.raw.zeroGrad(); }
  /** Same values, cut from the autograd graph. */
  detach(): Tensor { return new Tensor(this.raw.detach()); }
  /** A second handle on the same values (cheap: storage is shared). */
  clone(): Tensor { return new Tensor(this.raw.clone()); }

  /** Free this handle's engine memory now (other handles on the same values stay valid).
   *  Optional: the garbage collector frees it otherwise. */
  dispose(): void {
    if (this.disposed) return;
    this.#raw.free();
    this.disposed = true;
  }
  get isDisposed(): boolean {
    return this.disposed;
  }
}

function pair(v: number | readonly number[], op = 'window', name = 'size'): Uint32Array {
  const p = typeof v === 'number' ? [v, v] : v;
  return Uint32Array.from(intsArg(op, name, p, 0));
}

// The rank is in the type when it shows in the values (a number, nested arrays) and no `shape` is
// given, so that `tensor([[1, 2]]).arraySync()` is `number[][]`.
export function tensor(values: number, shape?: undefined, dtype?: DType): Tensor<0>;
export function tensor(values: readonly number[], shape?: undefined, dtype?: DType): Tensor<1>;
export function tensor(values: number[][], shape?: undefined, dtype?: DType): Tensor<2>;
export function tensor(values: number[][][], shape?: undefined, dtype?: DType): Tensor<3>;
export function tensor<R extends number>(values: Tensor<R>, shape?: undefined, dtype?: DType): Tensor<R>;
export function tensor(values: TensorLike, shape?: Shape, dtype?: DType): Tensor;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the overloads above say which rank
export function tensor(values: TensorLike, shape?: Shape, dtype?: DType): Tensor<any> {
  if (values instanceof Tensor) return dtype && dtype !== values.dtype ? values.cast(dtype) : values;
  const e = engine();
  let flat: Float32Array | Int32Array | ArrayLike<number>;
  let inferred: number[];
  if (typeof values === 'number') {
    flat = [values];
    inferred = [];
  } else if (Array.isArray(values)) {
    inferred = inferShape(values);
    const out: number[] = [];
    flatten(values, inferred, 0, out);
    flat = out;
  } else {
    flat = values as ArrayLike<number>;
    inferred = [flat.length];
  }
  const s = Uint32Array.from(checkShape(shape ?? inferred, 'tensor'));
  const kind = dtype ?? (flat instanceof Int32Array ? 'int32' : 'float32');
  const values32 = kind === 'int32' ? int32Values(flat, 'tensor') : flat instanceof Float32Array ? flat : Float32Array.from(flat);
  try {
    // The values are copied into the engine's memory by the bindings, which trap when it is full.
    return new Tensor(values32 instanceof Int32Array ? e.Tensor.fromI32(values32, s) : e.Tensor.fromF32(values32, s));
  } catch (err) {
    throw describeError(err);
  }
}

/** `x` itself when it is a Tensor, else a new tensor of its values. */
/** `x`'s values as float64 with its shape, for engine calls that take plain numbers; a tensor
 *  made here from an array is freed at once. */
export function float64Values(x: TensorLike): { data: Float64Array; shape: number[] } {
  const t = asTensor(x);
  try {
    return { data: Float64Array.from(t.dataSync()), shape: t.shape };
  } finally {
    if (!(x instanceof Tensor)) t.dispose();
  }
}

export function asTensor(x: TensorLike | number, dtype?: DType): Tensor {
  return x instanceof Tensor ? x : tensor(x, undefined, dtype);
}

export function zeros<const S extends Shape>(shape: S): Tensor<S['length']> {
  return new Tensor(engine().Tensor.zeros(Uint32Array.from(checkShape(shape, 'zeros'))));
}
export function ones<const S extends Shape>(shape: S): Tensor<S['length']> {
  return new Tensor(engine().Tensor.ones(Uint32Array.from(checkShape(shape, 'ones'))));
}
export function full<const S extends Shape>(shape: S, value: number): Tensor<S['length']> {
  return new Tensor(engine().Tensor.full(value, Uint32Array.from(checkShape(shape, 'full'))));
}
export function scalar(value: number): Tensor<0> {
  return new Tensor(engine().Tensor.scalar(value));
}
/** 0, 1, …, n-1 (float32). */
export function arange(n: number): Tensor<1> {
  return new Tensor(engine().Tensor.arange(intArg('arange', 'n', n, 0)));
}
/** Normal samples from the engine's seeded generator (the same seed gives the same values). */
export function randomNormal<const S extends Shape>(shape: S, opts: { mean?: number; std?: number; seed?: number } = {}): Tensor<S['length']> {
  const s = Uint32Array.from(checkShape(shape, 'randomNormal'));
  return new Tensor(engine().Tensor.randNormal(s, opts.mean ?? 0, opts.std ?? 1, seedArg('randomNormal', opts.seed ?? 0)));
}
/** Uniform samples in [min, max) from the engine's seeded generator. */
export function randomUniform<const S extends Shape>(shape: S, opts: { min?: number; max?: number; seed?: number } = {}): Tensor<S['length']> {
  const s = Uint32Array.from(checkShape(shape, 'randomUniform'));
  return new Tensor(engine().Tensor.randUniform(s, opts.min ?? 0, opts.max ?? 1, seedArg('randomUniform', opts.seed ?? 0)));
}
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  return asTensor(a).matmul(b);
}
/** Join tensors along an existing axis. */
export function concat(parts: readonly TensorLike[], axis = 0): Tensor {
  return new Tensor(engine().Tensor.concat(parts.map((p) => asTensor(p).raw.clone()), intArg('concat', 'axis', axis)));
}
/** Join tensors of one shape along a new axis. */
export function stack(parts: readonly TensorLike[], axis = 0): Tensor {
  return new Tensor(engine().Tensor.stack(parts.map((p) => asTensor(p).raw.clone()), intArg('stack', 'axis', axis)));
}
/** `cond != 0 ? a : b`, elementwise with broadcasting. */
export function where(cond: TensorLike, a: TensorLike | number, b: TensorLike | number): Tensor {
  return new Tensor(engine().Tensor.where(asTensor(cond).raw, asTensor(a).raw, asTensor(b).raw));
}
/** Run `fn` without recording operations for autograd. */
export function noGrad<T>(fn: () => T): T {
  return engine().noGrad(fn) as T;
}

function collect(x: unknown, out: Set<Tensor>, depth = 0): void {
  if (x instanceof Tensor) out.add(x);
  else if (depth < 4 && x && typeof x === 'object') for (const v of Object.values(x)) collect(v, out, depth + 1);
}

/**
 * Run `fn` and then free every tensor it created except those it returns (also inside arrays or
 * objects) and those passed to `keep`. Memory then stays flat in tight loops without waiting
 * for the garbage collector. Freeing a handle never invalidates another one: values still used
 * by a kept tensor or by the autograd graph live on.
 */
export function tidy<T>(fn: () => T): T {
  const scope: Tensor[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const keepSet = new Set<Tensor>();
  collect(result, keepSet);
  for (const t of scope) {
    if (keepSet.has(t)) scopes[scopes.length - 1]?.push(t); // an outer tidy owns it now
    else if (!kept.has(t)) t.dispose();
  }
  return result;
}

const kept = new WeakSet<Tensor>();

/** Exempt a tensor from the enclosing `tidy()`s. */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  return t;
}
