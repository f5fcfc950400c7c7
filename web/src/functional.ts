// torch.nn.functional for page tensors: `wg.nn.functional` (alias `wg.F`). torch's names in
// camelCase, torch's argument order, keyword options last as one object. Every function only
// forwards to the engine (crates/core/src/functional.rs); the math lives there, once.
import { engine, type RawTensor } from './engine.js';
import { Tensor, asTensor, seedArg, type TensorLike } from './tensor.js';

export type Reduction = 'none' | 'mean' | 'sum';

function opt(t: TensorLike | null | undefined, dtype?: 'float32' | 'int32'): RawTensor | undefined {
  // The engine consumes optional tensors it is handed: pass a second handle.
  return t === undefined || t === null ? undefined : asTensor(t, dtype).raw.clone();
}

/** Normalise over the trailing `normalizedShape` dims, then scale by `weight`, shift by `bias`. */
export function layerNorm(x: TensorLike, normalizedShape: number | readonly number[],
  opts: { weight?: TensorLike | null; bias?: TensorLike | null; eps?: number } = {}): Tensor {
  const ns = Uint32Array.from(typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape);
  return new Tensor(engine().fLayerNorm(asTensor(x).raw, ns, opt(opts.weight), opt(opts.bias), opts.eps ?? 1e-5));
}

/** Softmax cross-entropy of logits [C], [N, C] or [N, C, d…] (classes on axis 1) against int32
 *  class indices or float class probabilities of the logits' shape. */
export function crossEntropy(input: TensorLike, target: TensorLike,
  opts: { weight?: TensorLike | null; labelSmoothing?: number; reduction?: Reduction } = {}): Tensor {
  const x = asTensor(input);
  // Plain arrays one axis short of the logits are class indices (torch's integer targets).
  let t = asTensor(target);
  if (!(target instanceof Tensor) && !(target instanceof Float32Array) && t.rank === x.rank - 1) t = t.cast('int32');
  return new Tensor(engine().fCrossEntropy(x.raw, t.raw, opt(opts.weight), opts.labelSmoothing ?? 0, opts.reduction));
}

export function binaryCrossEntropyWithLogits(input: TensorLike, target: TensorLike,
  opts: { posWeight?: TensorLike | null; reduction?: Reduction } = {}): Tensor {
  return new Tensor(engine().fBinaryCrossEntropyWithLogits(asTensor(input).raw, asTensor(target, 'float32').raw, opt(opts.posWeight), opts.reduction));
}

export function mseLoss(input: TensorLike, target: TensorLike, opts: { reduction?: Reduction } = {}): Tensor {
  return new Tensor(engine().fMseLoss(asTensor(input).raw, asTensor(target).raw, opts.reduction));
}

export function l1Loss(input: TensorLike, target: TensorLike, opts: { reduction?: Reduction } = {}): Tensor {
  return new Tensor(engine().fL1Loss(asTensor(input).raw, asTensor(target).raw, opts.reduction));
}

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

/** softmax(q·kᵀ/√E + mask)·v. `mask`: an int32 tensor (or nested booleans) is boolean, non-zero =
 *  attend (torch's bool masks); a float tensor is added to the scores. */
export function scaledDotProductAttention(query: TensorLike, key: TensorLike, value: TensorLike,
  opts: { isCausal?: boolean; mask?: TensorLike | boolean[] | boolean[][] | null } = {}): Tensor {
  const m = opts.mask;
  const mask = m === undefined || m === null ? undefined : isBoolArray(m) ? opt(boolsToInts(m as Nested<boolean>) as TensorLike, 'int32') : opt(m as TensorLike);
  return new Tensor(engine().fScaledDotProductAttention(asTensor(query).raw, asTensor(key).raw, asTensor(value).raw, mask, opts.isCausal ?? false));
}

/** In training (the default, as torch), zero each element with probability `p` and scale the rest
 *  by 1/(1 - p), drawing from the engine's seeded generator (`seed` starts a fresh one). */
export function dropout(x: TensorLike, p = 0.5, opts: { training?: boolean; seed?: number } = {}): Tensor {
  const seed = opts.seed === undefined ? undefined : seedArg('dropout', opts.seed);
  return new Tensor(engine().fDropout(asTensor(x).raw, p, opts.training ?? true, seed));
}

/** Rows of `weight` [V, D] picked by int32 `indices` of any shape: [..., D]. */
export function embedding(indices: TensorLike, weight: TensorLike): Tensor {
  return new Tensor(engine().fEmbedding(asTensor(indices, 'int32').raw, asTensor(weight).raw));
}

/** One-hot float32 encoding of int32 indices; `numClasses` -1 (the default) is max + 1. */
export function oneHot(indices: TensorLike, numClasses = -1): Tensor {
  return new Tensor(engine().fOneHot(asTensor(indices, 'int32').raw, numClasses));
}
