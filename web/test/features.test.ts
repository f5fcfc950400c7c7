import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chooseFlavor, detectWasmFeatures, detectWebGpu, RELAXED_SIMD_PROBE, SIMD_PROBE } from '../src/features.js';

describe('wasm feature detection', () => {
  it('validates the SIMD probe in Node (V8 has had SIMD since Node 16)', () => {
    expect(WebAssembly.validate(SIMD_PROBE)).toBe(true);
    expect(detectWasmFeatures().simd).toBe(true);
  });

  it('rejects a probe with a broken instruction, so validation really checks the opcode', () => {
    const broken = RELAXED_SIMD_PROBE.slice();
    broken[broken.length - 2] = 0x7f; // 0xfd 0x80 0x7f: an opcode that does not exist
    expect(WebAssembly.validate(broken)).toBe(false);
  });

  it('picks the build from what validate accepts', () => {
    const only = (...ok: Uint8Array[]) => (b: BufferSource) => ok.includes(b as Uint8Array);
    expect(chooseFlavor(detectWasmFeatures(only(SIMD_PROBE, RELAXED_SIMD_PROBE)))).toBe('relaxed-simd');
    expect(chooseFlavor(detectWasmFeatures(only(SIMD_PROBE)))).toBe('simd128');
    expect(chooseFlavor(detectWasmFeatures(only()))).toBe('plain');
    // Relaxed SIMD without SIMD cannot happen; treat it as plain.
    expect(chooseFlavor(detectWasmFeatures(only(RELAXED_SIMD_PROBE)))).toBe('plain');
    const throws = () => {
      throw new Error('no WebAssembly');
    };
    expect(chooseFlavor(detectWasmFeatures(throws))).toBe('plain');
  });

  it('reports WebGPU from navigator.gpu and never throws', async () => {
    expect((await detectWebGpu(undefined)).available).toBe(false);
    expect((await detectWebGpu({})).reason).toMatch(/navigator.gpu is missing/);
    expect((await detectWebGpu({ gpu: { requestAdapter: async () => null } })).available).toBe(false);
    const failing = { gpu: { requestAdapter: async () => { throw new Error('boom'); } } };
    expect((await detectWebGpu(failing)).reason).toMatch(/boom/);
    const info = { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true };
    const ok = await detectWebGpu({ gpu: { requestAdapter: async () => ({ info }) } });
    expect(ok).toMatchObject({ available: true, architecture: 'swiftshader', isFallbackAdapter: true });
  });
});

describe('the three wasm builds', () => {
  // Each build runs in its own Node process (one wasm-bindgen instance per realm). Relaxed SIMD is
  // behind a flag in Node 20.
  const script = fileURLToPath(new URL('./print-flavor.mjs', import.meta.url));
  const run = (file: string) =>
    execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', script, file], { encoding: 'utf8' }).trim();
  it.each([
    ['webgrad_relaxed.wasm', 'relaxed-simd cpu (wasm simd128 + relaxed)'],
    ['webgrad_simd.wasm', 'simd128 cpu (wasm simd128)'],
    ['webgrad_plain.wasm', 'plain cpu (wasm scalar)'],
  ])('%s is the %s build', (file, expected) => {
    expect(run(file)).toBe(expected);
  });
});
