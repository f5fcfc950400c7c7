// What this browser (or worker, or Node) can run: wasm SIMD, relaxed SIMD, WebGPU.
// The wasm checks validate tiny hand-assembled modules, so they cost microseconds and never run code.

/**
 * Which of the package's CPU wasm builds to load: relaxed SIMD, SIMD128 or neither.
 * @example
 * await wg.init({ flavor: 'simd128' });
 */
export type Flavor = 'relaxed-simd' | 'simd128' | 'plain';

/** A module whose one function needs a SIMD instruction: () -> v128 { i32x4.splat(1) }. */
export const SIMD_PROBE: Uint8Array<ArrayBuffer> = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: one type, () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, // code section: one body of 6 bytes, no locals
  0x41, 0x01, 0xfd, 0x11, 0x0b, // i32.const 1; i32x4.splat; end
]);

/** () -> v128 { i8x16.relaxed_swizzle(i8x16.splat(1), i8x16.splat(2)) }: needs relaxed SIMD. */
export const RELAXED_SIMD_PROBE: Uint8Array<ArrayBuffer> = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x0f, 0x01, 0x0d, 0x00,
  0x41, 0x01, 0xfd, 0x0f, // i32.const 1; i8x16.splat
  0x41, 0x02, 0xfd, 0x0f, // i32.const 2; i8x16.splat
  0xfd, 0x80, 0x02, // i8x16.relaxed_swizzle (0xfd 0x100)
  0x0b,
]);

/**
 * What this runtime's WebAssembly supports.
 * @example
 * const { simd, relaxedSimd } = wg.detectWasmFeatures();
 */
export interface WasmFeatures {
  simd: boolean;
  relaxedSimd: boolean;
}

type Validate = (bytes: BufferSource) => boolean;

function safely(validate: Validate, bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return validate(bytes);
  } catch {
    return false;
  }
}

/**
 * Probe WebAssembly for SIMD and relaxed SIMD (validates two tiny modules; never runs code).
 * @example
 * wg.detectWasmFeatures(); // { simd: true, relaxedSimd: true } in current Chromium
 */
export function detectWasmFeatures(validate: Validate = (b) => WebAssembly.validate(b)): WasmFeatures {
  const simd = safely(validate, SIMD_PROBE);
  return { simd, relaxedSimd: simd && safely(validate, RELAXED_SIMD_PROBE) };
}

/**
 * The fastest build these features can run.
 * @example
 * wg.chooseFlavor(wg.detectWasmFeatures()); // 'relaxed-simd' | 'simd128' | 'plain'
 */
export function chooseFlavor(f: WasmFeatures): Flavor {
  return f.relaxedSimd ? 'relaxed-simd' : f.simd ? 'simd128' : 'plain';
}

/**
 * Whether WebGPU is there, and its adapter.
 * @example
 * const gpu = await wg.detectWebGpu();
 * if (!gpu.available) console.log(gpu.reason);
 */
export interface WebGpuInfo {
  /** `navigator.gpu` exists and returned an adapter. */
  available: boolean;
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
  /** Why it is not available, when it is not. */
  reason?: string;
}

interface GpuLike {
  requestAdapter(): Promise<null | {
    info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
    isFallbackAdapter?: boolean;
  }>;
}

/**
 * Ask for a WebGPU adapter (works on the main thread and in workers). Never throws.
 * @example
 * const { available, isFallbackAdapter } = await wg.detectWebGpu();
 */
export async function detectWebGpu(nav: unknown = globalThis.navigator): Promise<WebGpuInfo> {
  const gpu = (nav as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is missing (no WebGPU in this browser)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, reason: 'navigator.gpu.requestAdapter() returned null' };
    const info = adapter.info ?? {};
    return {
      available: true,
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    };
  } catch (e) {
    return { available: false, reason: `requestAdapter failed: ${String(e)}` };
  }
}
