// Values from JavaScript, checked and converted before they reach the engine (which would
// truncate, wrap or misread them): shapes, integers, seeds, axes, int32 data, nested arrays.
import type { Axes, NestedArray, Shape } from './tensor.js';

export function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

export function flatten(v: NestedArray, shape: number[], depth: number, out: number[]): void {
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

export function checkShape(shape: Shape, op: string): number[] {
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

export function intsArg(op: string, name: string, vs: readonly number[], min?: number): Int32Array {
  if (!Array.isArray(vs) && !ArrayBuffer.isView(vs)) throw new Error(`${op}: ${name} must be an array of integers, got ${String(vs)}`);
  return Int32Array.from(vs, (v, i) => intArg(op, `${name}[${i}]`, v, min));
}

/** A seed for the engine's generator: an integer in [0, 2^53). */
export function seedArg(op: string, seed: unknown): bigint {
  return BigInt(intArg(op, 'seed', seed, 0, Number.MAX_SAFE_INTEGER));
}

export function axesArg(axes: Axes, op = 'reduce'): Int32Array | undefined {
  if (axes === null || axes === undefined) return undefined;
  return intsArg(op, 'axis', typeof axes === 'number' ? [axes] : axes);
}

/** Values for an int32 tensor: whole numbers within int32 (no silent truncation or wrapping). */
export function int32Values(flat: ArrayLike<number>, op: string): Int32Array {
  if (flat instanceof Int32Array) return flat;
  const out = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new Error(`${op}: int32 value ${v} at index ${i} is not a whole number within int32`);
    out[i] = v;
  }
  return out;
}

export function unflatten(data: ArrayLike<number>, shape: readonly number[]): NestedArray {
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
