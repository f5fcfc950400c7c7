/**
 * `wg.F` (also `wg.nn.functional`): torch.nn.functional's losses and layers as functions of page
 * tensors.
 *
 * @module
 */
// torch.nn.functional for page tensors: `wg.nn.functional` (alias `wg.F`). torch's names in
// camelCase, torch's argument order, keyword options last as one object. Every function only
// forwards to the engine (crates/core/src/functional.rs); the math lives there, once.
import { engine, type RawTensor } from './engine.js';
import { seedArg } from './args.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';

/**
 * How a loss reduces over its elements: not at all, their mean (torch's default) or their sum.
 *
 * @example
 * ```ts
 * wg.F.mseLoss([1, 2], [1, 4], { reduction: 'sum' }).item(); // 4
 * ```
 */
export type Reduction = 'none' | 'mean' | 'sum';

function opt(t: TensorLike | null | undefined, dtype?: 'float32' | 'int32'): RawTensor | undefined {
  // The engine consumes optional tensors it is handed: pass a second handle.
  return t === undefined || t === null ? undefined : asTensor(t, dtype).raw.clone();
}

/**
 * Normalise over the trailing `normalizedShape` dims, then scale by `weight`, shift by `bias`.
 *
 * @example
 * ```ts
 * const h = wg.F.layerNorm(wg.randomNormal([4, 8]), 8, { eps: 1e-5 }); // rows with mean 0, variance 1
 * ```
 */
export function layerNorm(x: TensorLike, normalizedShape: number | readonly number[],
  opts: { weight?: TensorLike | null; bias?: TensorLike | null; eps?: number } = {}): Tensor {
  const ns = Uint32Array.from(typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape);
  return new Tensor(engine().fLayerNorm(asTensor(x).raw, ns, opt(opts.weight), opt(opts.bias), opts.eps ?? 1e-5));
}

/**
 * Softmax cross-entropy of logits [C], [N, C] or [N, C, d…] (classes on axis 1) against int32
 * class indices or float class probabilities of the logits' shape.
 *
 * @example
 * ```ts
 * const loss = wg.F.crossEntropy([[2, 0, 0], [0, 2, 0]], [0, 1]); // targets are class indices
 * loss.item(); // ≈ 0.24
 * ```
 */
export function crossEntropy(input: TensorLike, target: TensorLike,
  opts: { weight?: TensorLike | null; labelSmoothing?: number; reduction?: Reduction } = {}): Tensor {
  const x = asTensor(input);
  // Plain arrays one axis short of the logits are class indices (torch's integer targets).
  let t = asTensor(target);
  if (!(target instanceof Tensor) && !(target instanceof Float32Array) && t.rank === x.rank - 1) t = t.cast('int32');
  return new Tensor(engine().fCrossEntropy(x.raw, t.raw, opt(opts.weight), opts.labelSmoothing ?? 0, opts.reduction));
}

/**
 * Binary cross-entropy of logits against 0/1 targets of the same shape (torch's
 * `binary_cross_entropy_with_logits`); `posWeight` weighs the positive class.
 *
 * @example
 * ```ts
 * wg.F.binaryCrossEntropyWithLogits([0, 3], [0, 1]).item(); // ≈ 0.36
 * ```
 */
export function binaryCrossEntropyWithLogits(input: TensorLike, target: TensorLike,
  opts: { posWeight?: TensorLike | null; reduction?: Reduction } = {}): Tensor {
  return new Tensor(engine().fBinaryCrossEntropyWithLogits(asTensor(input).raw, asTensor(target, 'float32').raw, opt(opts.posWeight), opts.reduction));
}

/**
 * Mean squared error (torch's `mse_loss`).
 *
 * @example
 * ```ts
 * wg.F.mseLoss([1, 2], [1, 4]).item(); // 2
 * ```
 */
export function mseLoss(input: TensorLike, target: TensorLike, opts: { reduction?: Reduction } = {}): Tensor {
  return new Tensor(engine().fMseLoss(asTensor(input).raw, asTensor(target).raw, opts.reduction));
}

/**
 * Mean absolute error (torch's `l1_loss`).
 *
 * @example
 * ```ts
 * wg.F.l1Loss([1, 2], [1, 4]).item(); // 1
 * ```
 */
export function l1Loss(input: TensorLike, target: TensorLike, opts: { reduction?: Reduction } = {}): Tensor {
  return new Tensor(engine().fL1Loss(asTensor(input).raw, asTensor(target).raw, opts.reduction));
}

/**
 * Huber loss: squared below `delta` (default 1), linear above (torch's `huber_loss`).
 *
 * @example
 * ```ts
 * wg.F.huberLoss([0, 0], [0.5, 3]).item(); // (0.125 + 2.5) / 2
 * ```
 */
export function huberLoss(input: TensorLike, target: TensorLike, opts: { delta?: number; reduction?: Reduction } = {}): Tensor {
  return new Tensor(engine().fHuberLoss(asTensor(input).raw, asTensor(target).raw, opts.delta ?? 1, opts.reduction));
}

type Nested<T> = T | Nested<T>[];
function isBoolArray(v: unknown): boolean {
  let cur = v;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0];
  return typeof cur === 'boolean';
}
function boolsToInts(v: Nested<boolean | number>): Nested<number> {
  return Array.isArray(v) ? v.map(boolsToInts) : Number(v);
}

/**
 * softmax(q·kᵀ/√E + mask)·v. `mask`: an int32 tensor (or nested booleans) is boolean, non-zero =
 * attend (torch's bool masks); a float tensor is added to the scores.
 *
 * @example
 * ```ts
 * const q = wg.randomNormal([1, 4, 8]); // [batch, T, E]
 * const out = wg.F.scaledDotProductAttention(q, q, q, { isCausal: true }); // [1, 4, 8]
 * ```
 */
export function scaledDotProductAttention(query: TensorLike, key: TensorLike, value: TensorLike,
  opts: { isCausal?: boolean; mask?: TensorLike | boolean[] | boolean[][] | null } = {}): Tensor {
  const m = opts.mask;
  const mask = m === undefined || m === null ? undefined : isBoolArray(m) ? opt(boolsToInts(m as Nested<boolean>) as TensorLike, 'int32') : opt(m as TensorLike);
  return new Tensor(engine().fScaledDotProductAttention(asTensor(query).raw, asTensor(key).raw, asTensor(value).raw, mask, opts.isCausal ?? false));
}

/**
 * In training (the default, as torch), zero each element with probability `p` and scale the rest
 * by 1/(1 - p), drawing from the engine's seeded generator (`seed` starts a fresh one).
 *
 * @example
 * ```ts
 * wg.F.dropout(wg.ones([8]), 0.5, { seed: 1 }).arraySync(); // 0s and 2s
 * wg.F.dropout(wg.ones([8]), 0.5, { training: false });      // unchanged
 * ```
 */
export function dropout(x: TensorLike, p = 0.5, opts: { training?: boolean; seed?: number } = {}): Tensor {
  const seed = opts.seed === undefined ? undefined : seedArg('dropout', opts.seed);
  return new Tensor(engine().fDropout(asTensor(x).raw, p, opts.training ?? true, seed));
}

/**
 * Rows of `weight` [V, D] picked by int32 `indices` of any shape: [..., D].
 *
 * @example
 * ```ts
 * const table = wg.randomNormal([10, 4]);
 * wg.F.embedding([[1, 2, 3]], table).shape; // [1, 3, 4]
 * ```
 */
export function embedding(indices: TensorLike, weight: TensorLike): Tensor {
  return new Tensor(engine().fEmbedding(asTensor(indices, 'int32').raw, asTensor(weight).raw));
}

/**
 * One-hot float32 encoding of int32 indices; `numClasses` -1 (the default) is max + 1.
 *
 * @example
 * ```ts
 * wg.F.oneHot([0, 2]).arraySync(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indices: TensorLike, numClasses = -1): Tensor {
  return new Tensor(engine().fOneHot(asTensor(indices, 'int32').raw, numClasses));
}
