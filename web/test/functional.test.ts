// wg.nn.functional (alias wg.F) through the public package, against hand-checked values.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

beforeAll(async () => {
  await initInline();
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol);
};
const F = wg.F;
const LN2 = Math.log(2);

describe('wg.F', () => {
  it('is wg.nn.functional', () => {
    expect(wg.nn.functional).toBe(wg.F);
  });

  it('layerNorm', () => {
    const x = wg.tensor([[1, 2, 3]]);
    close(F.layerNorm(x, [3]).dataSync(), [-1.2247, 0, 1.2247]);
    const y = F.layerNorm(x, 3, { weight: [2, 2, 2], bias: [1, 1, 1] });
    expect(y.shape).toEqual([1, 3]);
    close(y.dataSync(), [-1.4495, 1, 3.4495]);
    expect(() => F.layerNorm(x, [4])).toThrow(/layer_norm: input \[1, 3\] must end in normalized_shape \[4\]/);
  });

  it('crossEntropy with class indices, weights, smoothing and probabilities', () => {
    const logits = wg.tensor([[0, 0], [Math.log(3), 0]]);
    close([F.crossEntropy(logits, [1, 0]).item()], [(LN2 + 0.287682) / 2]);
    close(F.crossEntropy(logits, wg.tensor([1, 0], undefined, 'int32'), { reduction: 'none' }).dataSync(), [LN2, 0.287682]);
    close([F.crossEntropy(logits, [0, 0], { weight: [2, 1] }).item()], [0.490415]);
    close([F.crossEntropy(logits, [0, 0], { reduction: 'sum' }).item()], [LN2 + 0.287682]);
    // uniform logits: log C whatever the smoothing
    close([F.crossEntropy([[0, 0, 0]], [2], { labelSmoothing: 0.3 }).item()], [Math.log(3)]);
    // probability targets (float, the logits' shape)
    close([F.crossEntropy([[Math.log(3), 0]], wg.tensor([[0.5, 0.5]])).item()], [0.836988]);
    expect(() => F.crossEntropy(logits, [0, 1, 1])).toThrow(/cross_entropy/);
  });

  it('binaryCrossEntropyWithLogits with posWeight', () => {
    close([F.binaryCrossEntropyWithLogits([0, 0], [1, 0]).item()], [LN2]);
    close(F.binaryCrossEntropyWithLogits([0, 0], [1, 0], { posWeight: [3], reduction: 'none' }).dataSync(), [3 * LN2, LN2]);
  });

  it('mseLoss, l1Loss, huberLoss and their reductions; gradients flow', () => {
    const a = wg.tensor([1, 2]).requireGrad();
    const loss = F.mseLoss(a, [3, 2]);
    close([loss.item()], [2]);
    loss.backward();
    close(a.grad!.dataSync(), [-2, 0]);
    close([F.mseLoss([1, 2], [3, 2], { reduction: 'sum' }).item()], [4]);
    close(F.mseLoss([1, 2], [3, 2], { reduction: 'none' }).dataSync(), [4, 0]);
    close([F.l1Loss([1, 2], [3, 2]).item()], [1]);
    close([F.huberLoss([1, 2], [3, 2]).item()], [0.75]);
    close([F.huberLoss([0.25], [0], { delta: 0.5 }).item()], [0.03125]);
    expect(() => F.mseLoss([1, 2], [1, 2, 3])).toThrow('mse_loss: input [2] and target [3] must have the same shape');
    expect(() => F.l1Loss([1], [1], { reduction: 'avg' as wg.Reduction })).toThrow(/l1_loss: reduction must be/);
  });

  it('scaledDotProductAttention: scale, boolean and additive masks, causal', () => {
    const q = [[1, 0]];
    const k = [[1, 0], [0, 1]];
    const v = [[1], [3]];
    close(F.scaledDotProductAttention(q, k, v).dataSync(), [1.66048]);
    close(F.scaledDotProductAttention(q, k, v, { mask: [[true, false]] }).dataSync(), [1]);
    close(F.scaledDotProductAttention(q, k, v, { mask: wg.tensor([[0, -1e9]]) }).dataSync(), [1]);
    const c = F.scaledDotProductAttention(k, k, v, { isCausal: true });
    expect(c.shape).toEqual([2, 1]);
    close(c.dataSync(), [1, 2.33952]);
    expect(() => F.scaledDotProductAttention(q, [[1, 0, 0]], v)).toThrow(/scaled_dot_product_attention/);
  });

  it('dropout: identity when not training, seeded masks otherwise', () => {
    const x = wg.ones([1000]);
    close(F.dropout(x, 0.5, { training: false }).dataSync(), x.dataSync());
    const a = F.dropout(x, 0.5, { seed: 7 }).dataSync();
    const b = F.dropout(x, 0.5, { seed: 7 }).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every((v) => v === 0 || v === 2)).toBe(true);
    const kept = a.filter((v) => v === 2).length;
    expect(kept).toBeGreaterThan(400);
    expect(kept).toBeLessThan(600);
    expect(() => F.dropout(x, 1.5)).toThrow(/dropout: probability p must be in \[0, 1\]/);
  });

  it('embedding and oneHot', () => {
    const e = F.embedding([[1, 0]], [[1, 2], [3, 4]]);
    expect(e.shape).toEqual([1, 2, 2]);
    close(e.dataSync(), [3, 4, 1, 2]);
    expect(() => F.embedding([2], [[1, 2], [3, 4]])).toThrow(/embedding: index 2 is out of range/);
    expect(F.oneHot([0, 2]).arraySync()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(F.oneHot([1], 3).arraySync()).toEqual([[0, 1, 0]]);
  });
});

describe('Tensor.stridedSlice and 1-D matmul', () => {
  it('stridedSlice follows TF.js', () => {
    const x = wg.arange(10);
    expect(Array.from(x.stridedSlice([1], [8], [3]).dataSync())).toEqual([1, 4, 7]);
    const m = wg.tensor([[0, 1, 2], [3, 4, 5]]);
    expect(m.stridedSlice([0, -1], [2, -4], [1, -1]).arraySync()).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(m.stridedSlice([1], [100]).arraySync()).toEqual([[3, 4, 5]]);
    expect(m.stridedSlice([1, 0], [0, 3], [1, 2], 0, 0, 1).arraySync()).toEqual([3, 5]);
    expect(() => m.stridedSlice([0], [1], [0])).toThrow('strided_slice: strides[0] is 0');
  });

  it('matmul with 1-D operands, as torch', () => {
    const dot = wg.tensor([1, 2, 3]).matmul([4, 5, 6]);
    expect(dot.shape).toEqual([]);
    expect(dot.item()).toBe(32);
    expect(wg.tensor([1, 2]).matmul([[1, 2], [3, 4]]).arraySync()).toEqual([7, 10]);
    expect(wg.tensor([[1, 2], [3, 4]]).matmul([1, 1]).arraySync()).toEqual([3, 7]);
    expect(() => wg.tensor([1, 2]).matmul([1, 2, 3])).toThrow('matmul: [2] × [3]: inner dimensions 2 and 3 differ');
  });
});
