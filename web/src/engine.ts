// Loads the engine: picks the wasm build this runtime can run, compiles it once and instantiates
// it in this realm (page or worker). A compiled WebAssembly.Module can be handed to a worker, so
// the bytes are fetched and compiled only once per page.
//
// Two kinds of build (web/scripts/build-wasm.mjs): the CPU-only core that every page loads
// (three flavours: relaxed SIMD, SIMD, plain; no wgpu, no tables or classic models), and the full
// engine (WebGPU + tables + classic models, SIMD) that a training host fetches only when a model
// trains on WebGPU or a table / classic model is first used.
import initWasm, * as wasm from '../pkg/webgrad_wasm.js';
import { chooseFlavor, detectWasmFeatures, type Flavor } from './features.js';

export type RawEngine = typeof wasm;
export type RawTensor = wasm.Tensor;
/** The full engine's glue: the core's exports plus WebGPU, `Frame` and `Estimator`. */
export type FullEngine = typeof import('../pkg/webgrad_full.js');

/**
 * Where to get the wasm from, overriding the package's own files: a URL, a fetch `Response`,
 * bytes or a compiled module.
 * @example
 * await wg.init({ wasm: await fetch('/static/webgrad_simd.wasm') });
 */
export type WasmSource = string | URL | Response | BufferSource | WebAssembly.Module;

/** A package build: one of the CPU flavours, or the full engine. */
export type Build = Flavor | 'full';

export interface LoadOptions {
  /** Which build to load; 'auto' (the default) picks the fastest one this runtime can compile. */
  flavor?: Flavor | 'auto';
  /** The wasm itself. Defaults to the package's file for the chosen flavour. */
  wasm?: WasmSource;
  /** Folder where the package's `dist/` and `pkg/` are served, for bundlers that do not rewrite
   *  `new URL('…', import.meta.url)` (esbuild, Rollup without an assets plugin). */
  baseUrl?: string | URL;
}

export interface LoadedEngine {
  raw: RawEngine;
  flavor: Flavor;
  /** The compiled module (send it to a worker to skip a second download and compile). */
  module: WebAssembly.Module;
  /** Why a faster flavour than `flavor` was not used, when one was tried and failed to compile. */
  fallback?: string;
}

const FILES: Record<Build, string> = {
  'relaxed-simd': 'webgrad_relaxed.wasm',
  simd128: 'webgrad_simd.wasm',
  plain: 'webgrad_plain.wasm',
  full: 'webgrad_full.wasm',
};

/** Resolve `path` (relative to the package root) against `baseUrl`, itself relative to the page. */
export function packageUrl(path: string, baseUrl: string | URL): URL {
  const here = (globalThis as { location?: { href: string } }).location?.href;
  return new URL(path, here ? new URL(baseUrl, here) : baseUrl);
}

/** URL of the package's wasm file for a build. Without `baseUrl`: literal `new URL(…,
 *  import.meta.url)` calls, so that bundlers (Vite, webpack, Parcel) find and emit every file. */
export function wasmUrl(build: Build, baseUrl?: string | URL): URL {
  if (baseUrl !== undefined) return packageUrl(`pkg/${FILES[build]}`, baseUrl);
  switch (build) {
    case 'relaxed-simd':
      return new URL('../pkg/webgrad_relaxed.wasm', import.meta.url);
    case 'simd128':
      return new URL('../pkg/webgrad_simd.wasm', import.meta.url);
    case 'full':
      return new URL('../pkg/webgrad_full.wasm', import.meta.url);
    default:
      return new URL('../pkg/webgrad_plain.wasm', import.meta.url);
  }
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** What to try when a URL served something other than the engine. */
const FIX_HINT =
  'Likely fixes: with Vite, add `optimizeDeps: { exclude: ["webgrad"] }` to vite.config (its dev ' +
  'server pre-bundles the package away from its wasm files); with esbuild or Rollup (which do not ' +
  'copy `new URL(…, import.meta.url)` assets), copy node_modules/webgrad/{dist,pkg} next to your ' +
  'bundle and call `init({ baseUrl: "/<that folder>/" })`; check that the server sends .wasm files ' +
  '(content type application/wasm) and does not answer missing files with an HTML page';

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/** node:fs, imported at run time so that bundlers leave it alone (it never runs in a browser). */
async function readNodeFile(url: URL): Promise<Uint8Array> {
  const spec = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec)) as {
    readFile(p: URL): Promise<Uint8Array>;
  };
  try {
    return await fs.readFile(url);
  } catch (e) {
    throw new Error(`webgrad: could not read the engine from ${url.href} (${e instanceof Error ? e.message : String(e)}); ` +
      'reinstall the package, or pass init({ wasm: bytes })', { cause: e });
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The bytes a URL served, checked to be wasm: otherwise an error naming the URL, what came back
 *  and the likely fix. */
async function wasmBytesOf(res: Response, url: string): Promise<ArrayBuffer> {
  const type = res.headers.get('content-type') ?? 'none';
  if (!res.ok) {
    throw new Error(`webgrad: could not fetch the engine from ${url}: ${res.status} ${res.statusText} (content type ${type}). ${FIX_HINT}`);
  }
  const buf = await res.arrayBuffer();
  const head = new Uint8Array(buf, 0, Math.min(16, buf.byteLength));
  if (!WASM_MAGIC.every((b, i) => head[i] === b)) {
    const text = new TextDecoder().decode(head).replace(/[^\x20-\x7e]/g, '.');
    throw new Error(
      `webgrad: ${url} is not WebAssembly: the server answered ${res.status} with content type ${type}, ` +
        `${buf.byteLength} bytes starting ${hex(head)} ("${text}") instead of the wasm magic 00 61 73 6d. ${FIX_HINT}`,
    );
  }
  return buf;
}

/** Compile a source; every failure to get the bytes names the URL. */
async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) {
    const url = source instanceof URL ? source : new URL(source, (globalThis as { location?: { href: string } }).location?.href);
    if (url.protocol === 'file:' && isNode()) return WebAssembly.compile(await readNodeFile(url) as BufferSource);
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new Error(`webgrad: could not fetch the engine from ${url.href} (${e instanceof Error ? e.message : String(e)}). ${FIX_HINT}`, { cause: e });
    }
    return WebAssembly.compile(await wasmBytesOf(res, url.href));
  }
  if (typeof Response !== 'undefined' && source instanceof Response) {
    return WebAssembly.compile(await wasmBytesOf(source, source.url || 'the given Response'));
  }
  return WebAssembly.compile(source as BufferSource);
}

/** The flavours to try, fastest first, from the one the feature probes chose. */
function candidates(first: Flavor): Flavor[] {
  const order: Flavor[] = ['relaxed-simd', 'simd128', 'plain'];
  return order.slice(order.indexOf(first));
}

/** @internal Compile the first flavour that compiles: a `CompileError` moves on to the next one
 *  (and says why in `fallback`); any other error (a missing file) is thrown as it is. */
export async function firstCompiling(
  flavors: Flavor[],
  compileOne: (f: Flavor) => Promise<WebAssembly.Module>,
): Promise<{ flavor: Flavor; module: WebAssembly.Module; fallback?: string }> {
  const skipped: string[] = [];
  for (const [i, flavor] of flavors.entries()) {
    try {
      const module = await compileOne(flavor);
      return { flavor, module, fallback: skipped.length ? skipped.join('; ') : undefined };
    } catch (e) {
      if (!(e instanceof WebAssembly.CompileError) || i === flavors.length - 1) throw e;
      skipped.push(`the ${flavor} build did not compile here (${e.message})`);
    }
  }
  throw new Error('webgrad: no wasm build to load');
}

let loading: Promise<LoadedEngine> | null = null;
let loaded: LoadedEngine | null = null;

/** Load the engine in this realm once; later calls return the same engine. With `flavor: 'auto'`
 *  and the package's own files, a build that fails to compile (a runtime whose SIMD support the
 *  probes misjudged) falls back to the next one, and `fallback` says why. */
export function loadEngine(opts: LoadOptions = {}): Promise<LoadedEngine> {
  loading ??= (async () => {
    const auto = !opts.flavor || opts.flavor === 'auto';
    const first = auto ? chooseFlavor(detectWasmFeatures()) : (opts.flavor as Flavor);
    const tries = auto && !opts.wasm ? candidates(first) : [first];
    const { module, fallback } = await firstCompiling(tries, (f) => compile(opts.wasm ?? wasmUrl(f, opts.baseUrl)));
    await initWasm({ module_or_path: module });
    loaded = { raw: wasm, flavor: wasm.buildFlavor() as Flavor, module, fallback };
    return loaded;
  })();
  loading.catch(() => (loading = null));
  return loading;
}

let fullLoading: Promise<FullEngine> | null = null;
let full: FullEngine | null = null;

/** Load the full engine (WebGPU, tables, classic models) in this realm once, from `source`
 *  (default: the package's webgrad_full.wasm). Its objects are its own: they never mix with the
 *  core engine's, so a realm may hold both. */
export function loadFullEngine(source: WasmSource = wasmUrl('full')): Promise<FullEngine> {
  fullLoading ??= (async () => {
    const [glue, module] = await Promise.all([import('../pkg/webgrad_full.js'), compile(source)]);
    await glue.default({ module_or_path: module });
    full = glue;
    return glue;
  })();
  fullLoading.catch(() => (fullLoading = null));
  return fullLoading;
}

/** The loaded engine; throws a helpful error when `init()` has not finished. */
export function engine(): RawEngine {
  if (!loaded) throw new Error('webgrad: the engine is not loaded yet; `await webgrad.init()` first');
  return loaded.raw;
}

export function loadedEngine(): LoadedEngine | null {
  return loaded;
}

/** @internal Whether this realm has loaded the full engine (tests: a CPU page never does). */
export function fullEngineLoaded(): boolean {
  return full !== null;
}

/**
 * The error to show for `err`, thrown by a call into the engine. Ordinary engine errors pass
 * through. A trap (a panic, or an allocation that failed where the engine could not check it)
 * reaches JavaScript as a bare `RuntimeError: unreachable`: it becomes an error that says what
 * happened — the panic's message, or that memory is full — and what still works.
 */
export function describeError(err: unknown): unknown {
  if (typeof WebAssembly === 'undefined' || !(err instanceof WebAssembly.RuntimeError)) return err;
  // A trap does not say which instance it came from: the one holding a panic message did.
  const instances: (RawEngine | FullEngine)[] = [loaded?.raw, full].filter((r): r is RawEngine | FullEngine => !!r);
  if (instances.length === 0) return err;
  let panic: string | undefined;
  let raw = instances[0]!;
  for (const r of instances) {
    const p = r.takePanicMessage();
    if (p && !panic) {
      panic = p;
      raw = r;
    }
  }
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
