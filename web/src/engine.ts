// Loads the engine: picks the wasm build this runtime can run, compiles it once and instantiates
// it in this realm (page or worker). A compiled WebAssembly.Module can be handed to a worker, so
// the bytes are fetched and compiled only once per page.
import initWasm, * as wasm from '../pkg/webgrad_wasm.js';
import { chooseFlavor, detectWasmFeatures, type Flavor } from './features.js';

export type RawEngine = typeof wasm;
export type RawTensor = wasm.Tensor;

/** Where to get the wasm from, overriding the package's own files (e.g. bytes read in Node). */
export type WasmSource = string | URL | Response | BufferSource | WebAssembly.Module;

export interface LoadOptions {
  /** Which build to load; 'auto' (the default) picks the fastest one this runtime validates. */
  flavor?: Flavor | 'auto';
  /** The wasm itself. Defaults to the package's file for the chosen flavour. */
  wasm?: WasmSource;
}

export interface LoadedEngine {
  raw: RawEngine;
  flavor: Flavor;
  /** The compiled module (send it to a worker to skip a second download and compile). */
  module: WebAssembly.Module;
}

/** URL of the package's wasm file for a flavour. Literal `new URL(…, import.meta.url)` calls so
 *  that bundlers (Vite, webpack, Rollup, esbuild) find and emit all three files. */
export function wasmUrl(flavor: Flavor): URL {
  switch (flavor) {
    case 'relaxed-simd':
      return new URL('../pkg/webgrad_relaxed.wasm', import.meta.url);
    case 'simd128':
      return new URL('../pkg/webgrad_simd.wasm', import.meta.url);
    default:
      return new URL('../pkg/webgrad_plain.wasm', import.meta.url);
  }
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) source = await fetch(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new Error(`webgrad: could not fetch the engine (${source.status} ${source.statusText} at ${source.url})`);
    // compileStreaming needs the application/wasm MIME type; fall back to bytes when a server lacks it.
    const copy = source.clone();
    try {
      return await WebAssembly.compileStreaming(source);
    } catch {
      return await WebAssembly.compile(await copy.arrayBuffer());
    }
  }
  return WebAssembly.compile(source as BufferSource);
}

let loading: Promise<LoadedEngine> | null = null;
let loaded: LoadedEngine | null = null;

/** Load the engine in this realm once; later calls return the same engine. */
export function loadEngine(opts: LoadOptions = {}): Promise<LoadedEngine> {
  loading ??= (async () => {
    const flavor = !opts.flavor || opts.flavor === 'auto' ? chooseFlavor(detectWasmFeatures()) : opts.flavor;
    const module = await compile(opts.wasm ?? wasmUrl(flavor));
    await initWasm({ module_or_path: module });
    const built = wasm.buildFlavor() as Flavor;
    loaded = { raw: wasm, flavor: built, module };
    return loaded;
  })();
  loading.catch(() => (loading = null));
  return loading;
}

/** The loaded engine; throws a helpful error when `init()` has not finished. */
export function engine(): RawEngine {
  if (!loaded) throw new Error('webgrad: the engine is not loaded yet; `await webgrad.init()` first');
  return loaded.raw;
}

export function loadedEngine(): LoadedEngine | null {
  return loaded;
}

/**
 * The error to show for `err`, thrown by a call into the engine. Ordinary engine errors pass
 * through. A trap (a panic, or an allocation that failed where the engine could not check it)
 * reaches JavaScript as a bare `RuntimeError: unreachable`: it becomes an error that says what
 * happened — the panic's message, or that memory is full — and what still works.
 */
export function describeError(err: unknown): unknown {
  if (typeof WebAssembly === 'undefined' || !(err instanceof WebAssembly.RuntimeError) || !loaded) return err;
  const raw = loaded.raw;
  const panic = raw.takePanicMessage();
  const mib = Math.round(raw.wasmMemoryBytes() / 2 ** 20);
  const live = Math.round(raw.liveBytes() / 2 ** 20);
  const what = panic
    ? `the engine panicked: ${panic}`
    : `out of memory or an internal fault (${err.message}); the engine's memory is ${mib} MiB, ${live} MiB of it in use`;
  return new Error(
    `webgrad: ${what}. The engine keeps working, but the objects this call was using may not: ` +
      'dispose() what you no longer need, and save your models (model.save) before going on',
    { cause: err },
  );
}
