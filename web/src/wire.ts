// Arrays as they cross between the page and the engine host: a typed array plus a shape. The
// buffers are transferred (moved, not copied) wherever the sender no longer needs them.
import type { RawEngine, RawTensor } from './engine.js';

/**
 * An array as it crosses between the page and the training worker: a typed array and its shape.
 * `fit`, `predict` and `evaluate` take these as they take tensors (`Data`), without a copy into
 * the page's engine first.
 *
 * @example
 * ```ts
 * const x: wg.WireArray = { data: new Float32Array([0, 0.5, 1, 1]), shape: [2, 2] };
 * const p = await model.predict(x);
 * ```
 */
export interface WireArray {
  data: Float32Array | Int32Array;
  shape: number[];
}

/** A tensor in `raw` (the host's engine) holding the wire array's values. */
export function tensorFromWire(raw: RawEngine, a: WireArray): RawTensor {
  const shape = Uint32Array.from(a.shape);
  return a.data instanceof Int32Array ? raw.Tensor.fromI32(a.data, shape) : raw.Tensor.fromF32(a.data, shape);
}

/** A wire array holding a tensor's values (a fresh buffer, safe to transfer). */
export function wireFromTensor(t: RawTensor): WireArray {
  return { data: t.dtype === 'i32' ? t.toI32() : t.toF32(), shape: Array.from(t.shape) };
}

/** The buffers of wire arrays, for a transfer list. */
export function buffersOf(...arrays: (WireArray | undefined)[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of arrays) if (a && a.data.buffer instanceof ArrayBuffer && !out.includes(a.data.buffer)) out.push(a.data.buffer);
  return out;
}
