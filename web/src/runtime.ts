// `init()`: load the engine on this page, choose the device, and start the training worker.
import { engine, loadEngine, packageUrl, wasmUrl, type WasmSource } from './engine.js';
import { detectWasmFeatures, detectWebGpu, type Flavor, type WasmFeatures, type WebGpuInfo } from './features.js';
import { Client, inlinePort, workerPort } from './rpc.js';
import { hostHandlers, type EngineMemory, type HostInitArgs, type HostInitResult } from './host.js';

/**
 * Where models train: `'auto'` (WebGPU on a hardware adapter, else the CPU), `'webgpu'` or `'cpu'`.
 * @example
 * await wg.init({ device: 'cpu' });
 */
export type DeviceKind = 'auto' | 'webgpu' | 'cpu';

/**
 * Options of {@link init}.
 * @example
 * await wg.init({ device: 'auto', flavor: 'auto', worker: true });
 */
export interface InitOptions {
  /** Where models train. 'auto' (default): WebGPU on a hardware adapter, else the wasm CPU
   *  backend (a software adapter such as SwiftShader is slower than it); 'webgpu' insists. */
  device?: DeviceKind;
  /** Which wasm build to load; 'auto' (default) picks the fastest one this browser validates. */
  flavor?: Flavor | 'auto';
  /** The wasm itself (bytes, a compiled module or a URL), instead of the package's file. */
  wasm?: WasmSource;
  /** Train in a dedicated Web Worker (default: true wherever `Worker` exists). */
  worker?: boolean;
  /**
   * URL of a folder where the package's `dist/` and `pkg/` folders are served (a copy of
   * `node_modules/webgrad/`): the worker is then `dist/worker.js` and the wasm files `pkg/*.wasm`
   * under it. Needed with bundlers that do not rewrite `new URL('…', import.meta.url)` (esbuild,
   * Rollup without an assets plugin); Vite, webpack and Parcel find the files on their own.
   * @example
   * // esbuild: cp -r node_modules/webgrad/dist node_modules/webgrad/pkg public/webgrad/
   * await wg.init({ baseUrl: '/webgrad/' });
   */
  baseUrl?: string | URL;
}

/**
 * What {@link init} chose, and why.
 * @example
 * const info = await wg.init();
 * console.log(info.device, info.name, info.flavor, info.note ?? '');
 */
export interface DeviceInfo {
  /** The device models train on (the page's own tensors always use the CPU). */
  device: 'cpu' | 'webgpu';
  /** Why 'auto' chose the CPU, when it did; or why training moved to the CPU (WebGPU device lost). */
  note?: string;
  /** The engine's own name for it, e.g. "cpu (wasm simd128)". */
  name: string;
  /** The wasm build the page's own engine uses (a CPU-only build). */
  flavor: Flavor;
  /** Why the page is not on the fastest flavour the probes chose, when a build failed to compile. */
  flavorNote?: string;
  /** The build models train in: `'cpu'` (the page's CPU-only build, in the worker) or `'full'`
   *  (webgrad_full.wasm: WebGPU and the classic models, fetched when WebGPU is chosen). */
  trainingBuild: 'cpu' | 'full';
  /** What this browser's WebAssembly supports. */
  wasmFeatures: WasmFeatures;
  /** Whether WebGPU is there, and the adapter. */
  webgpu: WebGpuInfo;
  /** True when training runs in a Web Worker. */
  worker: boolean;
  /** The engine version. */
  version: string;
}

interface Runtime {
  info: DeviceInfo;
  client: Client;
  /** The compiled wasm module, to start another host with (`setDevice`). */
  module: WebAssembly.Module;
  /** Where the host finds the full engine and the worker script. */
  urls: HostUrls;
}

interface HostUrls {
  full: string;
  worker?: string;
}

let runtime: Promise<Runtime> | null = null;
let current: Runtime | null = null;

function makeWorker(url?: string): Worker {
  // The literal `new Worker(new URL(…), { type: 'module' })` is what Vite, webpack and Parcel look for.
  if (url) return new Worker(url, { type: 'module', name: 'webgrad' });
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'webgrad' });
}

/**
 * Load the engine and pick the device. Call once (later calls return the first result). Loads the
 * fastest CPU-only wasm build this runtime compiles (in Node, from the package's own files) and
 * starts the training worker; the WebGPU build is fetched only when models train on WebGPU.
 * @example
 * const info = await wg.init(); // or init({ device: 'webgpu' }), init({ baseUrl: '/webgrad/' })
 * console.log(`training on ${info.name}`);
 */
export function init(opts: InitOptions = {}): Promise<DeviceInfo> {
  runtime ??= (async () => {
    const loaded = await loadEngine({ flavor: opts.flavor, wasm: opts.wasm, baseUrl: opts.baseUrl });
    const device = opts.device ?? 'auto';
    const webgpu = await detectWebGpu();
    const useWorker = opts.worker ?? typeof Worker !== 'undefined';
    const urls: HostUrls = {
      full: wasmUrl('full', opts.baseUrl).href,
      worker: opts.baseUrl === undefined ? undefined : packageUrl('dist/worker.js', opts.baseUrl).href,
    };
    const { client, res } = await startHost(loaded.module, device, useWorker, urls);
    // The page's own tensors stay on the CPU (synchronous `dataSync`); models train on `device`.
    current = {
      client,
      module: loaded.module,
      urls,
      info: {
        device: res.device,
        note: res.note,
        name: res.name,
        flavor: loaded.flavor,
        flavorNote: loaded.fallback,
        trainingBuild: res.build,
        wasmFeatures: detectWasmFeatures(),
        webgpu,
        worker: useWorker,
        version: loaded.raw.engineVersion(),
      },
    };
    return current;
  })();
  runtime.catch(() => (runtime = null));
  return runtime.then((r) => r.info);
}

/** Start a training host (a worker, or inline) on `device`; on failure nothing is left running. */
async function startHost(
  module: WebAssembly.Module,
  device: DeviceKind,
  useWorker: boolean,
  urls: HostUrls,
): Promise<{ client: Client; res: HostInitResult }> {
  let client: Client;
  if (useWorker) {
    const worker = makeWorker(urls.worker);
    const where = urls.worker ?? 'the worker script the bundler emitted for webgrad/dist/worker.js';
    client = new Client(workerPort(worker, (msg) => client.failAll(`${msg} (worker: ${where}; a script that fails to load means the bundler did not emit it: see init({ baseUrl }))`)));
  } else {
    client = new Client(inlinePort(hostHandlers()));
  }
  const args: HostInitArgs = { module, device, inline: !useWorker, fullWasm: urls.full };
  try {
    return { client, res: await client.call<HostInitResult>('init', args) };
  } catch (e) {
    client.close();
    throw e;
  }
}

/**
 * Move training to another device after `init()`: 'cpu', 'webgpu' (throws a clear error where
 * WebGPU is not available, and leaves the current device in use) or 'auto' (the same choice as
 * `init()`'s). A fresh training host (worker) is started on the new device and the old one is
 * closed, so models built before the switch are gone with it: rebuild them afterwards (build the
 * `sequential(...)` again, or `save()` before and `loadModel()` after to keep the weights). The
 * page's own tensors are not affected. Resolves to the new `deviceInfo()`.
 * @example
 * const bytes = await model.save();
 * await wg.setDevice('webgpu');
 * const onGpu = await wg.loadModel(bytes);
 */
export async function setDevice(device: DeviceKind): Promise<DeviceInfo> {
  if (runtime) await runtime;
  const old = runtimeNow();
  const { client, res } = await startHost(old.module, device, old.info.worker, old.urls);
  const next: Runtime = {
    client,
    module: old.module,
    urls: old.urls,
    info: { ...old.info, device: res.device, note: res.note, name: res.name, trainingBuild: res.build },
  };
  current = next;
  runtime = Promise.resolve(next);
  old.client.close();
  return next.info;
}

/**
 * What `init()` chose. Throws before `init()` has finished.
 * @example
 * if (wg.deviceInfo().device === 'cpu') console.log(wg.deviceInfo().note);
 */
export function deviceInfo(): DeviceInfo {
  return runtimeNow().info;
}

/** @internal Training moved to `device` (the WebGPU device was lost): `deviceInfo()` says so. */
export function noteDeviceChange(device: 'cpu' | 'webgpu', name: string, note: string): void {
  if (!current) return;
  Object.assign(current.info, { device, name, note });
}

/**
 * Testing hook: destroy the training host's WebGPU device, as a driver reset or a crashed GPU
 * process would, to exercise the recovery (the next `fit` epoch continues on the CPU).
 * @example
 * await wg.simulateDeviceLoss(); // fit's onWarning then reports the move to the CPU
 */
export async function simulateDeviceLoss(): Promise<void> {
  await runtimeNow().client.call('debug.simulateDeviceLoss');
}

/** @internal the client talking to the engine host (worker or inline). */
export function runtimeNow(): Runtime {
  if (!current) throw new Error('webgrad: not initialised; `await webgrad.init()` first');
  return current;
}

/**
 * Memory of the training host (worker) and of the page's own engine instance.
 * @example
 * const { host, page } = await wg.memoryInfo();
 * console.log(host.liveBytes, page.wasmBytes);
 */
export async function memoryInfo(): Promise<{ host: EngineMemory; page: { wasmBytes: number; liveBytes: number } }> {
  const r = runtimeNow();
  const host = await r.client.call<EngineMemory>('memory');
  const raw = engine();
  return { host, page: { wasmBytes: raw.wasmMemoryBytes(), liveBytes: raw.liveBytes() } };
}
