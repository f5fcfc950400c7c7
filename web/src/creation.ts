// Tensors made from shapes and values, and the functions that combine several tensors: the
// free-standing half of the tensor API (NumPy's zeros/ones/arange, concatenate, stack, where).
import { checkShape, intArg, seedArg } from './args.js';
import { engine } from './engine.js';
import { Tensor, asTensor, type Shape, type TensorLike } from './tensor.js';

/**
 * A tensor of zeros (float32); its rank is in the type when the shape is a literal.
 *
 * @example
 * ```ts
 * wg.zeros([2, 3]).arraySync(); // [[0, 0, 0], [0, 0, 0]]: number[][]
 * ```
 */
export function zeros<const S extends Shape>(shape: S): Tensor<S['length']> {
  return new Tensor(engine().Tensor.zeros(Uint32Array.from(checkShape(shape, 'zeros'))));
}
/**
 * A tensor of ones (float32).
 *
 * @example
 * ```ts
 * wg.ones([2]).arraySync(); // [1, 1]
 * ```
 */
export function ones<const S extends Shape>(shape: S): Tensor<S['length']> {
  return new Tensor(engine().Tensor.ones(Uint32Array.from(checkShape(shape, 'ones'))));
}
/**
 * A tensor filled with `value` (float32).
 *
 * @example
 * ```ts
 * wg.full([2, 2], 7).arraySync(); // [[7, 7], [7, 7]]
 * ```
 */
export function full<const S extends Shape>(shape: S, value: number): Tensor<S['length']> {
  return new Tensor(engine().Tensor.full(value, Uint32Array.from(checkShape(shape, 'full'))));
}
/**
 * A rank-0 tensor holding `value`.
 *
 * @example
 * ```ts
 * wg.scalar(3).add(1).item(); // 4
 * ```
 */
export function scalar(value: number): Tensor<0> {
  return new Tensor(engine().Tensor.scalar(value));
}
/**
 * 0, 1, …, n-1 (float32).
 *
 * @example
 * ```ts
 * wg.arange(4).arraySync(); // [0, 1, 2, 3]
 * ```
 */
export function arange(n: number): Tensor<1> {
  return new Tensor(engine().Tensor.arange(intArg('arange', 'n', n, 0)));
}
/**
 * Normal samples from the engine's seeded generator (the same seed gives the same values).
 *
 * @example
 * ```ts
 * const w = wg.randomNormal([3, 2], { std: 0.1, seed: 42 });
 * ```
 */
export function randomNormal<const S extends Shape>(shape: S, opts: { mean?: number; std?: number; seed?: number } = {}): Tensor<S['length']> {
  const s = Uint32Array.from(checkShape(shape, 'randomNormal'));
  return new Tensor(engine().Tensor.randNormal(s, opts.mean ?? 0, opts.std ?? 1, seedArg('randomNormal', opts.seed ?? 0)));
}
/**
 * Uniform samples in [min, max) from the engine's seeded generator.
 *
 * @example
 * ```ts
 * const u = wg.randomUniform([100], { min: -1, max: 1, seed: 7 });
 * ```
 */
export function randomUniform<const S extends Shape>(shape: S, opts: { min?: number; max?: number; seed?: number } = {}): Tensor<S['length']> {
  const s = Uint32Array.from(checkShape(shape, 'randomUniform'));
  return new Tensor(engine().Tensor.randUniform(s, opts.min ?? 0, opts.max ?? 1, seedArg('randomUniform', opts.seed ?? 0)));
}
/**
 * Matrix product `a @ b` (see `Tensor.matmul`).
 *
 * @example
 * ```ts
 * wg.matmul([[1, 2]], [[3], [4]]).arraySync(); // [[11]]
 * ```
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  return asTensor(a).matmul(b);
}
/**
 * Join tensors along an existing axis.
 *
 * @example
 * ```ts
 * wg.concat([[[1, 2]], [[3, 4]]], 0).arraySync(); // [[1, 2], [3, 4]]
 * ```
 */
export function concat(parts: readonly TensorLike[], axis = 0): Tensor {
  return new Tensor(engine().Tensor.concat(parts.map((p) => asTensor(p).raw.clone()), intArg('concat', 'axis', axis)));
}
/**
 * Join tensors of one shape along a new axis.
 *
 * @example
 * ```ts
 * wg.stack([[1, 2], [3, 4]], 1).arraySync(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(parts: readonly TensorLike[], axis = 0): Tensor {
  return new Tensor(engine().Tensor.stack(parts.map((p) => asTensor(p).raw.clone()), intArg('stack', 'axis', axis)));
}
/**
 * `cond != 0 ? a : b`, elementwise with broadcasting.
 *
 * @example
 * ```ts
 * const x = wg.tensor([-1, 2]);
 * wg.where(x.greater(0), x, 0).arraySync(); // [0, 2]
 * ```
 */
export function where(cond: TensorLike, a: TensorLike | number, b: TensorLike | number): Tensor {
  return new Tensor(engine().Tensor.where(asTensor(cond).raw, asTensor(a).raw, asTensor(b).raw));
}
