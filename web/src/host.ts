// The engine host: the command handlers that own models and training sessions. It runs in the
// training worker (worker.ts) or, with `init({ worker: false })`, on the page itself.
import { loadEngine, type RawEngine } from './engine.js';
import { detectWebGpu } from './features.js';
import type { Handler } from './rpc.js';
import type { DeviceKind } from './runtime.js';

export interface HostInitArgs {
  module: WebAssembly.Module;
  device: DeviceKind;
  /** The host shares the page's engine instance (no worker). */
  inline: boolean;
}
export interface HostInitResult {
  device: 'cpu' | 'webgpu';
  name: string;
  flavor: string;
}

/** Pick the device: WebGPU when asked for (an error if impossible), or when 'auto' finds it. */
async function chooseDevice(raw: RawEngine, kind: DeviceKind): Promise<'cpu' | 'webgpu'> {
  if (kind === 'cpu') {
    raw.setDevice('cpu');
    return 'cpu';
  }
  const gpu = await detectWebGpu();
  if (kind === 'webgpu' && !gpu.available) throw new Error(`webgrad: WebGPU was requested but ${gpu.reason}`);
  if (gpu.available) {
    try {
      raw.setDevice('webgpu');
      return 'webgpu';
    } catch (e) {
      if (kind === 'webgpu') throw e;
    }
  }
  raw.setDevice('cpu');
  return 'cpu';
}

export function hostHandlers(): Record<string, Handler> {
  let raw: RawEngine | null = null;
  const engine = (): RawEngine => {
    if (!raw) throw new Error('webgrad: the engine host is not initialised');
    return raw;
  };
  return {
    async init(args: HostInitArgs): Promise<HostInitResult> {
      const loaded = await loadEngine({ wasm: args.module });
      raw = loaded.raw;
      const device = await chooseDevice(raw, args.device);
      return { device, name: raw.deviceName(), flavor: raw.buildFlavor() };
    },
    /** Bytes of wasm memory the host's engine holds (for memory tests and the playground). */
    memory(): { wasmBytes: number } {
      return { wasmBytes: engine().wasmMemoryBytes() };
    },
  };
}
