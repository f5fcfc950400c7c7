// `init()`: load the engine on this page, choose the device, and start the training worker.
import { engine, loadEngine, type WasmSource } from './engine.js';
import { detectWasmFeatures, detectWebGpu, type Flavor, type WasmFeatures, type WebGpuInfo } from './features.js';
import { Client, inlinePort, workerPort } from './rpc.js';
import { hostHandlers, type EngineMemory, type HostInitArgs, type HostInitResult } from './host.js';

export type DeviceKind = 'auto' | 'webgpu' | 'cpu';

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
}

export interface DeviceInfo {
  /** The device models train on (the page's own tensors always use the CPU). */
  device: 'cpu' | 'webgpu';
  /** Why 'auto' chose the CPU, when it did; or why training moved to the CPU (WebGPU device lost). */
  note?: string;
  /** The engine's own name for it, e.g. "cpu (wasm simd128)". */
  name: string;
  /** The wasm build in use. */
  flavor: Flavor;
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
}

let runtime: Promise<Runtime> | null = null;
let current: Runtime | null = null;

function makeWorker(): Worker {
  // The literal `new Worker(new URL(…), { type: 'module' })` is what Vite and webpack look for.
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'webgrad' });
}

/** Load the engine and pick the device. Call once (later calls return the first result). */
export function init(opts: InitOptions = {}): Promise<DeviceInfo> {
  runtime ??= (async () => {
    const loaded = await loadEngine({ flavor: opts.flavor, wasm: opts.wasm });
    const device = opts.device ?? 'auto';
    const webgpu = await detectWebGpu();
    const useWorker = opts.worker ?? typeof Worker !== 'undefined';
    const { client, res } = await startHost(loaded.module, device, useWorker);
    // The page's own tensors stay on the CPU (synchronous `dataSync`); models train on `device`.
    current = {
      client,
      module: loaded.module,
      info: {
        device: res.device,
        note: res.note,
        name: res.name,
        flavor: loaded.flavor,
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
): Promise<{ client: Client; res: HostInitResult }> {
  let client: Client;
  if (useWorker) {
    const worker = makeWorker();
    client = new Client(workerPort(worker, (msg) => client.failAll(msg)));
  } else {
    client = new Client(inlinePort(hostHandlers()));
  }
  const args: HostInitArgs = { module, device, inline: !useWorker };
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
 */
export async function setDevice(device: DeviceKind): Promise<DeviceInfo> {
  if (runtime) await runtime;
  const old = runtimeNow();
  const { client, res } = await startHost(old.module, device, old.info.worker);
  const next: Runtime = {
    client,
    module: old.module,
    info: { ...old.info, device: res.device, note: res.note, name: res.name },
  };
  current = next;
  runtime = Promise.resolve(next);
  old.client.close();
  return next.info;
}

/** What `init()` chose. Throws before `init()` has finished. */
export function deviceInfo(): DeviceInfo {
  return runtimeNow().info;
}

/** @internal Training moved to `device` (the WebGPU device was lost): `deviceInfo()` says so. */
export function noteDeviceChange(device: 'cpu' | 'webgpu', name: string, note: string): void {
  if (!current) return;
  Object.assign(current.info, { device, name, note });
}

/** Testing hook: destroy the training host's WebGPU device, as a driver reset or a crashed GPU
 *  process would, to exercise the recovery (the next `fit` epoch continues on the CPU). */
export async function simulateDeviceLoss(): Promise<void> {
  await runtimeNow().client.call('debug.simulateDeviceLoss');
}

/** @internal the client talking to the engine host (worker or inline). */
export function runtimeNow(): Runtime {
  if (!current) throw new Error('webgrad: not initialised; `await webgrad.init()` first');
  return current;
}

/** Memory of the training host (worker) and of the page's own engine instance. */
export async function memoryInfo(): Promise<{ host: EngineMemory; page: { wasmBytes: number; liveBytes: number } }> {
  const r = runtimeNow();
  const host = await r.client.call<EngineMemory>('memory');
  const raw = engine();
  return { host, page: { wasmBytes: raw.wasmMemoryBytes(), liveBytes: raw.liveBytes() } };
}
