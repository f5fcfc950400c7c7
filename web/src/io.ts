/**
 * `wg.io`: safetensors files of named tensors, as Python's `safetensors` reads and writes them.
 *
 * @module
 */
// Safetensors files of named tensors, as Python's `safetensors.numpy.save` / `load` read and
// write them; the codec is the engine's (crates/nn/src/io.rs), run on the page's CPU engine.
import { engine } from './engine.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';

/**
 * Named tensors (float32 → F32, int32 → I32) and optional string metadata → safetensors file bytes
 * (Python's `safetensors.numpy.load` reads them).
 *
 * @example
 * ```ts
 * const bytes = wg.io.saveSafetensors({ w: wg.randomNormal([3, 2]), ids: wg.tensor([1, 2], undefined, 'int32') }, { note: 'demo' });
 * ```
 */
export function saveSafetensors(tensors: Record<string, TensorLike>, metadata?: Record<string, string>): Uint8Array {
  const w = new (engine().SafetensorsWriter)();
  try {
    for (const [name, t] of Object.entries(tensors)) w.add(name, asTensor(t).raw);
    return w.finish(metadata);
  } finally {
    w.free();
  }
}

/**
 * Every tensor of a safetensors file (F32, F64, F16, BF16 → float32; I32, I64 → int32), by
 * name, and the file's string metadata (`model.save`'s `metadata` and webgrad's own keys).
 *
 * @example
 * ```ts
 * const bytes = wg.io.saveSafetensors({ w: wg.ones([2]) }, { note: 'demo' });
 * const { tensors, metadata } = wg.io.loadSafetensors(bytes);
 * tensors.w?.arraySync(); // [1, 1]
 * metadata.note;          // 'demo'
 * ```
 */
export function loadSafetensors(bytes: Uint8Array): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const f = engine().SafetensorsFile.read(bytes);
  try {
    const tensors: Record<string, Tensor> = {};
    f.names.forEach((name, i) => (tensors[name] = new Tensor(f.take(i))));
    return { tensors, metadata: f.metadata as Record<string, string> };
  } finally {
    f.free();
  }
}
