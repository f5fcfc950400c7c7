import { readFileSync } from 'node:fs';
import * as wg from '../src/index.js';

/** The wasm file of a flavour, as bytes (Node's fetch cannot read file: URLs). */
export function wasmBytes(file = 'webgrad_simd.wasm'): Uint8Array {
  return readFileSync(new URL(`../pkg/${file}`, import.meta.url));
}

/** Load the engine on this thread with the host inline (Node has no Worker). */
export function initInline(): Promise<wg.DeviceInfo> {
  return wg.init({ worker: false, wasm: wasmBytes(), device: 'cpu' });
}
