// NumPy-style tensors on the page's own engine instance. Every op returns a new Tensor; nothing
// needs `dispose()` (the garbage collector frees engine memory through wasm-bindgen's weak refs),
// but `dispose()` frees it at once.
import { axesArg, checkShape, flatten, inferShape, int32Values, intArg, intsArg, unflatten } from './args.js';
import { describeError, engine, type RawTensor } from './engine.js';

/**
 * The element types: `'float32'` (the default) and `'int32'` (indices, labels).
 *
 * @example
 * ```ts
 * const labels = wg.tensor([0, 2, 1], undefined, 'int32');
 * labels.dtype; // 'int32'
 * ```
 */
export type DType = 'float32' | 'int32';
/**
 * Sizes of the axes, outermost first; `[]` is a scalar.
 *
 * @example
 * ```ts
 * const s: wg.Shape = [2, 3];
 * wg.zeros(s).size; // 6
 * ```
 */
export type Shape = readonly number[];
/**
 * Nested arrays of numbers, e.g. `[[1, 2], [3, 4]]`: what `tensor()` takes and `arraySync()` gives.
 *
 * @example
 * ```ts
 * const rows: wg.NestedArray = wg.tensor([[1, 2], [3, 4]]).transpose().arraySync(); // [[1, 3], [2, 4]]
 * ```
 */
export type NestedArray = number | NestedArray[];
/**
 * The ranks that the types follow (a tensor's rank is `number` when the types do not know it).
 *
 * @example
 * ```ts
 * const m: wg.Tensor<2> = wg.tensor([[1, 2]]);
 * m.arraySync(); // number[][]
 * ```
 */
export type Rank = 0 | 1 | 2 | 3 | 4 | 5 | 6;
/**
 * What `arraySync()` gives for rank `R`: `ArrayOfRank<2>` is `number[][]`; for an unknown rank,
 * `NestedArray`.
 *
 * @example
 * ```ts
 * const v: wg.ArrayOfRank<1> = wg.arange(3).arraySync(); // [0, 1, 2]
 * ```
 */
export type ArrayOfRank<R extends number> =
  R extends 0 ? number : R extends 1 ? number[] : R extends 2 ? number[][] : R extends 3 ? number[][][]
  : R extends 4 ? number[][][][] : R extends 5 ? number[][][][][] : R extends 6 ? number[][][][][][] : NestedArray;
/**
 * Anything that ops take where a tensor goes: a `Tensor`, nested arrays, a typed array or an
 * array-like of numbers (converted with `tensor()`).
 *
 * @example
 * ```ts
 * wg.tensor([1, 2]).add([10, 20]).arraySync(); // [11, 22]
 * ```
 */
export type TensorLike = Tensor | NestedArray | Float32Array | Int32Array | ArrayLike<number>;
/**
 * One axis, several axes, or null/undefined for all of them (negative axes count from the end).
 *
 * @example
 * ```ts
 * const x = wg.ones([2, 3]);
 * x.sum().item();           // 6
 * x.sum(1).arraySync();     // [3, 3]
 * x.sum([0, 1]).item();     // 6
 * ```
 */
export type Axes = number | readonly number[] | null | undefined;

const DTYPE_FROM_RAW: Record<string, DType> = { f32: 'float32', i32: 'int32' };

/** Tensors created inside each active `tidy()` call, innermost last. */
const scopes: Tensor[][] = [];

/**
 * An n-dimensional array of float32 or int32 values in the page's engine, with NumPy-style ops and
 * autograd. Every op returns a new tensor. Nothing needs `dispose()` (the garbage collector frees
 * engine memory), but `dispose()` and `tidy()` free it at once. `R` is the rank where the types
 * know it: `tensor([[1, 2]])` is a `Tensor<2>`, whose `arraySync()` is `number[][]`.
 *
 * @example
 * ```ts
 * const a = wg.tensor([[1, 2], [3, 4]]);
 * const p = a.matmul(a).softmax();
 * p.shape;       // [2, 2]
 * p.arraySync(); // number[][]
 * ```
 */
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

  /**
   * Sizes of the axes.
   * @example wg.zeros([2, 3]).shape; // [2, 3]
   */
  get shape(): number[] {
    return Array.from(this.raw.shape);
  }
  /**
   * Number of axes (0 for a scalar).
   * @example wg.zeros([2, 3]).rank; // 2
   */
  get rank(): number {
    return this.raw.rank;
  }
  /**
   * Number of elements (the product of the shape).
   * @example wg.zeros([2, 3]).size; // 6
   */
  get size(): number {
    return this.raw.size;
  }
  /**
   * `'float32'` or `'int32'`.
   * @example wg.arange(3).argMax().dtype; // 'int32'
   */
  get dtype(): DType {
    return DTYPE_FROM_RAW[this.raw.dtype] ?? 'float32';
  }
  /**
   * The device the tensor lives on, e.g. "cpu (wasm simd128)".
   * @example wg.scalar(1).device;
   */
  get device(): string {
    return this.raw.device;
  }

  // ---- readback --------------------------------------------------------------------------
  /**
   * The values in row-major order (a fresh typed array).
   * @example wg.tensor([[1, 2], [3, 4]]).dataSync(); // Float32Array [1, 2, 3, 4]
   */
  dataSync(): Float32Array | Int32Array {
    return this.dtype === 'int32' ? this.raw.toI32() : this.raw.toF32();
  }
  /**
   * The values in row-major order, read without blocking (the way to read WebGPU tensors).
   * @example const values = await wg.tensor([1, 2]).data(); // Float32Array [1, 2]
   */
  data(): Promise<Float32Array | Int32Array> {
    return this.dtype === 'int32' ? this.raw.readI32() : this.raw.readF32();
  }
  /**
   * The values as nested arrays (typed by rank where it is known).
   * @example wg.tensor([[1, 2], [3, 4]]).arraySync(); // [[1, 2], [3, 4]]: number[][]
   */
  arraySync(): ArrayOfRank<R> {
    return unflatten(this.dataSync(), this.shape) as ArrayOfRank<R>;
  }
  /**
   * The values as nested arrays, read without blocking.
   * @example const rows = await wg.ones([2, 2]).array(); // [[1, 1], [1, 1]]
   */
  async array(): Promise<ArrayOfRank<R>> {
    return unflatten(await this.data(), this.shape) as ArrayOfRank<R>;
  }
  /**
   * The value of a one-element tensor.
   * @example wg.tensor([1, 2, 3]).sum().item(); // 6
   */
  item(): number {
    return this.raw.item();
  }
  /**
   * A printout of the shape, dtype and values.
   * @example console.log(String(wg.arange(3)));
   */
  toString(): string {
    return this.raw.toString();
  }

  // ---- elementwise -----------------------------------------------------------------------
  private bin(other: TensorLike | number, op: (a: RawTensor, b: RawTensor) => RawTensor): Tensor {
    const b = asTensor(other);
    return new Tensor(op(this.raw, b.raw));
  }
  /**
   * Elementwise `this + o`, broadcasting as NumPy does.
   * @example wg.tensor([[1, 2], [3, 4]]).add([10, 20]).arraySync(); // [[11, 22], [13, 24]]
   */
  add(o: TensorLike | number): Tensor {
    return typeof o === 'number' ? new Tensor(this.raw.addScalar(o)) : this.bin(o, (a, b) => a.add(b));
  }
  /**
   * Elementwise `this - o`, broadcasting.
   * @example wg.tensor([3, 4]).sub(1).arraySync(); // [2, 3]
   */
  sub(o: TensorLike | number): Tensor {
    return typeof o === 'number' ? new Tensor(this.raw.addScalar(-o)) : this.bin(o, (a, b) => a.sub(b));
  }
  /**
   * Elementwise `this * o`, broadcasting.
   * @example wg.tensor([1, 2]).mul([3, 4]).arraySync(); // [3, 8]
   */
  mul(o: TensorLike | number): Tensor {
    return typeof o === 'number' ? new Tensor(this.raw.mulScalar(o)) : this.bin(o, (a, b) => a.mul(b));
  }
  /**
   * Elementwise `this / o`, broadcasting.
   * @example wg.tensor([1, 2]).div(2).arraySync(); // [0.5, 1]
   */
  div(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.div(b));
  }
  /**
   * Elementwise `this ** o`, broadcasting.
   * @example wg.tensor([2, 3]).pow(2).arraySync(); // [4, 9]
   */
  pow(o: TensorLike | number): Tensor {
    return typeof o === 'number' ? new Tensor(this.raw.powScalar(o)) : this.bin(o, (a, b) => a.pow(b));
  }
  /**
   * Elementwise larger of `this` and `o`, broadcasting.
   * @example wg.tensor([1, 5]).maximum(3).arraySync(); // [3, 5]
   */
  maximum(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.maximum(b));
  }
  /**
   * Elementwise smaller of `this` and `o`, broadcasting.
   * @example wg.tensor([1, 5]).minimum(3).arraySync(); // [1, 3]
   */
  minimum(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.minimum(b));
  }
  /**
   * `this == o` elementwise: 1 or 0 as float32 (as are the other comparisons).
   * @example wg.tensor([1, 2]).equal([1, 3]).arraySync(); // [1, 0]
   */
  equal(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.eq(b));
  }
  /**
   * `this != o` elementwise, 1 or 0.
   * @example wg.tensor([1, 2]).notEqual(1).arraySync(); // [0, 1]
   */
  notEqual(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.ne(b));
  }
  /**
   * `this < o` elementwise, 1 or 0.
   * @example wg.tensor([1, 2]).less(2).arraySync(); // [1, 0]
   */
  less(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.lt(b));
  }
  /**
   * `this <= o` elementwise, 1 or 0.
   * @example wg.tensor([1, 2]).lessEqual(2).arraySync(); // [1, 1]
   */
  lessEqual(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.le(b));
  }
  /**
   * `this > o` elementwise, 1 or 0.
   * @example wg.tensor([1, 2]).greater(1).arraySync(); // [0, 1]
   */
  greater(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.gt(b));
  }
  /**
   * `this >= o` elementwise, 1 or 0.
   * @example wg.tensor([1, 2]).greaterEqual(1).arraySync(); // [1, 1]
   */
  greaterEqual(o: TensorLike | number): Tensor {
    return this.bin(o, (a, b) => a.ge(b));
  }
  /**
   * Matrix product with broadcast batch dimensions: [..., M, K] @ [..., K, N]; a 1-D operand is a
   * row (left) or column (right) vector whose axis is removed, as in torch (1-D @ 1-D: the dot).
   * @example wg.tensor([[1, 2], [3, 4]]).matmul([[1], [1]]).arraySync(); // [[3], [7]]
   */
  matmul(o: TensorLike): Tensor {
    return this.bin(o, (a, b) => a.matmul(b));
  }

  /**
   * Elementwise `-x`.
   * @example wg.tensor([1, -2]).neg().arraySync(); // [-1, 2]
   */
  neg(): Tensor { return new Tensor(this.raw.neg()); }
  /**
   * Elementwise `e^x`.
   * @example wg.tensor([0, 1]).exp().arraySync(); // [1, 2.718…]
   */
  exp(): Tensor { return new Tensor(this.raw.exp()); }
  /**
   * Elementwise natural logarithm.
   * @example wg.tensor([1, Math.E]).log().arraySync(); // [0, 1]
   */
  log(): Tensor { return new Tensor(this.raw.log()); }
  /**
   * Elementwise square root.
   * @example wg.tensor([4, 9]).sqrt().arraySync(); // [2, 3]
   */
  sqrt(): Tensor { return new Tensor(this.raw.sqrt()); }
  /**
   * Elementwise absolute value.
   * @example wg.tensor([-1, 2]).abs().arraySync(); // [1, 2]
   */
  abs(): Tensor { return new Tensor(this.raw.abs()); }
  /**
   * Elementwise `max(x, 0)`.
   * @example wg.tensor([-1, 2]).relu().arraySync(); // [0, 2]
   */
  relu(): Tensor { return new Tensor(this.raw.relu()); }
  /**
   * Elementwise logistic `1 / (1 + e^-x)`.
   * @example wg.tensor([0]).sigmoid().arraySync(); // [0.5]
   */
  sigmoid(): Tensor { return new Tensor(this.raw.sigmoid()); }
  /**
   * Elementwise hyperbolic tangent.
   * @example wg.tensor([0]).tanh().arraySync(); // [0]
   */
  tanh(): Tensor { return new Tensor(this.raw.tanh()); }
  /**
   * Elementwise sine.
   * @example wg.tensor([0]).sin().arraySync(); // [0]
   */
  sin(): Tensor { return new Tensor(this.raw.sin()); }
  /**
   * Elementwise cosine.
   * @example wg.tensor([0]).cos().arraySync(); // [1]
   */
  cos(): Tensor { return new Tensor(this.raw.cos()); }
  /**
   * Elementwise error function.
   * @example wg.tensor([0]).erf().arraySync(); // [0]
   */
  erf(): Tensor { return new Tensor(this.raw.erf()); }
  /**
   * Elementwise `1 / x`.
   * @example wg.tensor([2, 4]).reciprocal().arraySync(); // [0.5, 0.25]
   */
  reciprocal(): Tensor { return new Tensor(this.raw.recip()); }
  /**
   * Elementwise sign: -1, 0 or 1.
   * @example wg.tensor([-3, 0, 2]).sign().arraySync(); // [-1, 0, 1]
   */
  sign(): Tensor { return new Tensor(this.raw.sign()); }
  /**
   * Elementwise `x * x`.
   * @example wg.tensor([2, 3]).square().arraySync(); // [4, 9]
   */
  square(): Tensor { return new Tensor(this.raw.square()); }
  /**
   * Elementwise GELU activation.
   * @example wg.tensor([0, 1]).gelu().arraySync(); // [0, 0.841…]
   */
  gelu(): Tensor { return new Tensor(this.raw.gelu()); }
  /**
   * Elementwise `x > 0 ? x : slope * x`.
   * @example wg.tensor([-1, 2]).leakyRelu(0.1).arraySync(); // [-0.1, 2]
   */
  leakyRelu(slope = 0.01): Tensor { return new Tensor(this.raw.leakyRelu(slope)); }
  /**
   * Elementwise clamp into `[min, max]`.
   * @example wg.tensor([-2, 0.5, 3]).clip(0, 1).arraySync(); // [0, 0.5, 1]
   */
  clip(min: number, max: number): Tensor { return new Tensor(this.raw.clamp(min, max)); }
  /**
   * Softmax along `axis` (default: the last).
   * @example wg.tensor([[1, 1]]).softmax().arraySync(); // [[0.5, 0.5]]
   */
  softmax(axis = -1): Tensor { return new Tensor(this.raw.softmax(intArg('softmax', 'axis', axis))); }
  /**
   * Log of the softmax along `axis`, computed stably.
   * @example wg.tensor([[0, 0]]).logSoftmax().arraySync(); // [[-0.693…, -0.693…]]
   */
  logSoftmax(axis = -1): Tensor { return new Tensor(this.raw.logSoftmax(intArg('logSoftmax', 'axis', axis))); }
  /**
   * The values converted to `dtype` (float32 → int32 truncates toward zero).
   * @example wg.tensor([1.7, 2]).cast('int32').dtype; // 'int32'
   */
  cast(dtype: DType): Tensor { return new Tensor(this.raw.cast(dtype)); }

  // ---- reductions ------------------------------------------------------------------------
  /**
   * Sum over `axes` (all by default); `keepDims` keeps them as size 1.
   * @example wg.tensor([[1, 2], [3, 4]]).sum(0).arraySync(); // [4, 6]
   */
  sum(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.sum(axesArg(axes, 'sum'), keepDims)); }
  /**
   * Mean over `axes` (all by default).
   * @example wg.tensor([[1, 2], [3, 4]]).mean(1).arraySync(); // [1.5, 3.5]
   */
  mean(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.mean(axesArg(axes, 'mean'), keepDims)); }
  /**
   * Largest value over `axes` (all by default).
   * @example wg.tensor([[1, 5], [3, 4]]).max(1).arraySync(); // [5, 4]
   */
  max(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.max(axesArg(axes, 'max'), keepDims)); }
  /**
   * Smallest value over `axes` (all by default).
   * @example wg.tensor([[1, 5], [3, 4]]).min().item(); // 1
   */
  min(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.min(axesArg(axes, 'min'), keepDims)); }
  /**
   * Variance; `correction` 1 (the default, as in PyTorch) divides by n - 1.
   *
   * @example
   * ```ts
   * wg.tensor([1, 2, 3, 4]).variance().item();          // 1.666…
   * wg.tensor([1, 2, 3, 4]).variance(null, false, 0).item(); // 1.25
   * ```
   */
  variance(axes?: Axes, keepDims = false, correction = 1): Tensor {
    return new Tensor(this.raw.var(axesArg(axes, 'variance'), keepDims, intArg('variance', 'correction', correction, 0)));
  }
  /**
   * `log(sum(exp(x)))` over `axes`, computed stably.
   * @example wg.tensor([0, 0]).logSumExp().item(); // 0.693…
   */
  logSumExp(axes?: Axes, keepDims = false): Tensor { return new Tensor(this.raw.logsumexp(axesArg(axes, 'logSumExp'), keepDims)); }
  /**
   * Indices (int32) of the largest values along `axis`.
   * @example wg.tensor([[1, 5], [7, 2]]).argMax().arraySync(); // [1, 0]
   */
  argMax(axis = -1, keepDims = false): Tensor { return new Tensor(this.raw.argmax(intArg('argMax', 'axis', axis), keepDims)); }
  /**
   * Indices (int32) of the smallest values along `axis`.
   * @example wg.tensor([[1, 5], [7, 2]]).argMin().arraySync(); // [0, 1]
   */
  argMin(axis = -1, keepDims = false): Tensor { return new Tensor(this.raw.argmin(intArg('argMin', 'axis', axis), keepDims)); }

  // ---- shapes ----------------------------------------------------------------------------
  /**
   * The same values in a new shape; one entry may be -1 (inferred).
   * @example wg.arange(6).reshape([2, -1]).shape; // [2, 3]
   */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.raw.reshape(intsArg('reshape', 'shape', shape, -1)));
  }
  /**
   * Reverse the axes, or permute them by `perm`.
   * @example wg.zeros([2, 3, 4]).transpose([0, 2, 1]).shape; // [2, 4, 3]
   */
  transpose(perm?: readonly number[]): Tensor {
    const p = perm ?? [...Array(this.rank).keys()].reverse();
    return new Tensor(this.raw.permute(Uint32Array.from(intsArg('transpose', 'perm', p, 0))));
  }
  /**
   * Swap two axes.
   * @example wg.zeros([2, 3, 4]).swapAxes(0, 2).shape; // [4, 3, 2]
   */
  swapAxes(a: number, b: number): Tensor { return new Tensor(this.raw.transpose(intArg('swapAxes', 'a', a), intArg('swapAxes', 'b', b))); }
  /**
   * The values repeated to `shape`, with NumPy's broadcasting rules.
   * @example wg.tensor([1, 2]).broadcastTo([3, 2]).shape; // [3, 2]
   */
  broadcastTo(shape: Shape): Tensor { return new Tensor(this.raw.broadcastTo(Uint32Array.from(checkShape(shape, 'broadcastTo')))); }
  /**
   * Elements `start..start+length` along `axis`.
   * @example wg.arange(5).slice(0, 1, 3).arraySync(); // [1, 2, 3]
   */
  slice(axis: number, start: number, length: number): Tensor {
    return new Tensor(this.raw.narrow(intArg('slice', 'axis', axis), intArg('slice', 'start', start, 0, 0xffffffff), intArg('slice', 'length', length, 0, 0xffffffff)));
  }
  /**
   * TF.js's `stridedSlice`: per axis begin, begin+stride, … before end (missing entries: whole
   * axis; negative indices count from the end; out of range ones are clamped). Bit i of
   * `beginMask` / `endMask` ignores begin[i] / end[i]; of `shrinkAxisMask` takes element begin[i]
   * and drops the axis.
   * @example wg.arange(6).stridedSlice([0], [6], [2]).arraySync(); // [0, 2, 4]
   */
  stridedSlice(begin: readonly number[], end: readonly number[], strides: readonly number[] = [], beginMask = 0, endMask = 0, shrinkAxisMask = 0): Tensor {
    const op = 'stridedSlice';
    return new Tensor(this.raw.stridedSlice(intsArg(op, 'begin', begin), intsArg(op, 'end', end), intsArg(op, 'strides', strides),
      intArg(op, 'beginMask', beginMask, 0), intArg(op, 'endMask', endMask, 0), intArg(op, 'shrinkAxisMask', shrinkAxisMask, 0)));
  }
  /**
   * A new axis of size 1 at `axis`.
   * @example wg.zeros([3]).expandDims(0).shape; // [1, 3]
   */
  expandDims(axis = 0): Tensor { return new Tensor(this.raw.unsqueeze(intArg('expandDims', 'axis', axis))); }
  /**
   * Flatten the axes from `startAxis` (default 0: everything) into one.
   * @example wg.zeros([2, 3, 4]).flatten(1).shape; // [2, 12]
   */
  flatten(startAxis = 0): Tensor {
    return startAxis === 0 ? this.reshape([-1]) : new Tensor(this.raw.flattenFrom(intArg('flatten', 'startAxis', startAxis)));
  }
  /**
   * Entries along `axis` picked by int32 indices.
   * @example wg.tensor([10, 20, 30]).gather([2, 0]).arraySync(); // [30, 10]
   */
  gather(indices: TensorLike, axis = 0): Tensor {
    return new Tensor(this.raw.indexSelect(intArg('gather', 'axis', axis), asTensor(indices, 'int32').raw));
  }
  /**
   * One-hot encoding of int32 class indices.
   * @example wg.tensor([0, 2], undefined, 'int32').oneHot(3).arraySync(); // [[1, 0, 0], [0, 0, 1]]
   */
  oneHot(numClasses: number): Tensor { return new Tensor(this.raw.oneHot(intArg('oneHot', 'numClasses', numClasses, 1))); }

  // ---- convolution (NCHW) ----------------------------------------------------------------
  /**
   * 2-D convolution of an NCHW input with a [out, in, kh, kw] weight and an optional bias.
   *
   * @example
   * ```ts
   * const img = wg.ones([1, 1, 4, 4]);
   * img.conv2d(wg.ones([2, 1, 3, 3]), null, { padding: 1 }).shape; // [1, 2, 4, 4]
   * ```
   */
  conv2d(weight: TensorLike, bias?: TensorLike | null, opts: { stride?: number | [number, number]; padding?: number | [number, number] } = {}): Tensor {
    const b = bias === undefined || bias === null ? undefined : asTensor(bias).raw.clone();
    return new Tensor(this.raw.conv2d(asTensor(weight).raw, b, pair(opts.stride ?? 1, 'conv2d', 'stride'), pair(opts.padding ?? 0, 'conv2d', 'padding')));
  }
  /**
   * Max pooling over NCHW input windows (`stride` defaults to the kernel).
   * @example wg.ones([1, 1, 4, 4]).maxPool2d(2).shape; // [1, 1, 2, 2]
   */
  maxPool2d(kernel: number | [number, number], opts: { stride?: number | [number, number]; padding?: number | [number, number] } = {}): Tensor {
    return new Tensor(this.raw.maxPool2d(pair(kernel, 'maxPool2d', 'kernel'), pair(opts.stride ?? kernel, 'maxPool2d', 'stride'), pair(opts.padding ?? 0, 'maxPool2d', 'padding')));
  }
  /**
   * Average pooling over NCHW input windows (`stride` defaults to the kernel).
   * @example wg.ones([1, 1, 4, 4]).avgPool2d(2).shape; // [1, 1, 2, 2]
   */
  avgPool2d(kernel: number | [number, number], opts: { stride?: number | [number, number]; padding?: number | [number, number] } = {}): Tensor {
    return new Tensor(this.raw.avgPool2d(pair(kernel, 'avgPool2d', 'kernel'), pair(opts.stride ?? kernel, 'avgPool2d', 'stride'), pair(opts.padding ?? 0, 'avgPool2d', 'padding')));
  }

  // ---- autograd --------------------------------------------------------------------------
  /**
   * Whether `backward()` accumulates a gradient for this tensor (settable).
   *
   * @example
   * ```ts
   * const w = wg.zeros([2]);
   * w.requiresGrad = true;
   * ```
   */
  get requiresGrad(): boolean { return this.raw.requiresGrad; }
  /** Turn gradient accumulation for this tensor on or off. */
  set requiresGrad(on: boolean) { this.raw.requiresGrad = on; }
  /**
   * Mark as a parameter whose gradient `backward()` accumulates; returns this.
   * @example const w = wg.tensor([1, 2]).requireGrad();
   */
  requireGrad(on = true): this { this.raw.requiresGrad = on; return this; }
  /**
   * Gradients of this scalar with respect to every tensor that requires them. As in PyTorch the
   * graph is released afterwards: going backward through it again throws unless the first call
   * passed `{ retainGraph: true }`.
   *
   * @example
   * ```ts
   * const w = wg.tensor([1, 2]).requireGrad();
   * w.square().sum().backward();
   * w.grad?.arraySync(); // [2, 4]
   * ```
   */
  backward(opts: { retainGraph?: boolean } = {}): void { this.raw.backward(opts.retainGraph === true); }
  /**
   * The gradient accumulated by `backward()`, or null.
   *
   * @example
   * ```ts
   * const w = wg.tensor([3]).requireGrad();
   * w.mul(2).sum().backward();
   * w.grad?.item(); // 2
   * ```
   */
  get grad(): Tensor | null {
    const g = this.raw.grad;
    return g ? new Tensor(g) : null;
  }
  /**
   * Reset the accumulated gradient (before the next `backward()`).
   *
   * @example
   * ```ts
   * const w = wg.tensor([3]).requireGrad();
   * w.sum().backward();
   * w.zeroGrad();
   * ```
   */
  zeroGrad(): void { this.raw.zeroGrad(); }
  /**
   * Same values, cut from the autograd graph.
   *
   * @example
   * ```ts
   * const w = wg.tensor([1]).requireGrad();
   * w.mul(2).detach().requiresGrad; // false
   * ```
   */
  detach(): Tensor { return new Tensor(this.raw.detach()); }
  /**
   * A second handle on the same values (cheap: storage is shared).
   *
   * @example
   * ```ts
   * const a = wg.tensor([1]);
   * const b = a.clone();
   * a.dispose(); // b stays valid
   * ```
   */
  clone(): Tensor { return new Tensor(this.raw.clone()); }

  /**
   * Free this handle's engine memory now (other handles on the same values stay valid).
   * Optional: the garbage collector frees it otherwise.
   *
   * @example
   * ```ts
   * const t = wg.zeros([1000, 1000]);
   * t.dispose();
   * t.isDisposed; // true
   * ```
   */
  dispose(): void {
    if (this.disposed) return;
    this.#raw.free();
    this.disposed = true;
  }
  /**
   * Whether `dispose()` (or an ending `tidy()`) freed this handle.
   * @example wg.tensor([1]).isDisposed; // false
   */
  get isDisposed(): boolean {
    return this.disposed;
  }
}

function pair(v: number | readonly number[], op = 'window', name = 'size'): Uint32Array {
  const p = typeof v === 'number' ? [v, v] : v;
  return Uint32Array.from(intsArg(op, name, p, 0));
}

/**
 * A tensor from numbers, nested arrays or typed arrays. `shape` defaults to the array's own;
 * `dtype` to int32 for an Int32Array and float32 otherwise. The rank is in the type when the values
 * show it and no `shape` is given: `tensor([[1, 2]])` is a `Tensor<2>`.
 *
 * @example
 * ```ts
 * const m = wg.tensor([[1, 2], [3, 4]]);             // Tensor<2>
 * const v = wg.tensor(new Float32Array(6), [2, 3]);  // Tensor (rank not in the type)
 * const i = wg.tensor([0, 1, 1], undefined, 'int32');
 * ```
 */
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

/**
 * `x`'s values as float64 with its shape, for engine calls that take plain numbers; a
 * tensor made here from an array is freed at once.
 */
export function float64Values(x: TensorLike): { data: Float64Array; shape: number[] } {
  const t = asTensor(x);
  try {
    return { data: Float64Array.from(t.dataSync()), shape: t.shape };
  } finally {
    if (!(x instanceof Tensor)) t.dispose();
  }
}

/**
 * `x` itself when it is a Tensor, else a new tensor of its values.
 *
 * @example
 * ```ts
 * const t = wg.asTensor([1, 2]);
 * wg.asTensor(t) === t; // true
 * ```
 */
export function asTensor(x: TensorLike | number, dtype?: DType): Tensor {
  return x instanceof Tensor ? x : tensor(x, undefined, dtype);
}

/**
 * Run `fn` without recording operations for autograd.
 *
 * @example
 * ```ts
 * const w = wg.tensor([1]).requireGrad();
 * const y = wg.noGrad(() => w.mul(2));
 * y.requiresGrad; // false
 * ```
 */
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
 *
 * @example
 * ```ts
 * const mean = wg.tidy(() => wg.randomNormal([1000]).square().mean()); // the temporaries are freed
 * mean.item();
 * ```
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

/**
 * Exempt a tensor from the enclosing `tidy()`s.
 *
 * @example
 * ```ts
 * let kept: wg.Tensor | undefined;
 * wg.tidy(() => { kept = wg.keep(wg.ones([2])); wg.zeros([2]); });
 * kept?.isDisposed; // false
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  return t;
}
