// Device indicator and switch: what runs the kernels, live training speed and frame time.

/** Which device a workbench asks for ('auto' = WebGPU when there is one). */
export type DevicePref = 'auto' | 'webgpu' | 'cpu';

export interface DeviceInfo {
  /** What runs the kernels now. */
  active: 'webgpu' | 'cpu' | 'js';
  /** Human-readable: adapter name or "wasm SIMD128". */
  label: string;
  webgpuAvailable: boolean;
}

export class DeviceView {
  readonly el: HTMLElement;
  private dot: HTMLElement;
  private name: HTMLElement;
  private speed: HTMLElement;
  private select: HTMLSelectElement;

  constructor(onSwitch: (pref: DevicePref) => void) {
    this.el = document.createElement('div');
    this.el.className = 'device';
    this.el.dataset.hide = 'device';
    this.dot = document.createElement('span');
    this.dot.className = 'device-dot';
    this.name = document.createElement('span');
    this.name.className = 'device-name';
    this.name.dataset.test = 'device-name';
    this.speed = document.createElement('span');
    this.speed.className = 'device-speed';
    this.speed.dataset.test = 'device-speed';
    this.select = document.createElement('select');
    this.select.dataset.test = 'select-device';
    this.select.setAttribute('aria-label', 'Device');
    this.select.append(new Option('Auto', 'auto'), new Option('WebGPU', 'webgpu'), new Option('CPU (wasm SIMD)', 'cpu'));
    this.select.onchange = () => onSwitch(this.select.value as DevicePref);
    const info = document.createElement('div');
    info.className = 'device-info';
    info.append(this.dot, this.name);
    this.el.append(info, this.speed, this.select);
  }

  update(info: DeviceInfo, pref: DevicePref) {
    this.select.value = pref;
    (this.select.options[1] as HTMLOptionElement).disabled = !info.webgpuAvailable;
    this.dot.className = `device-dot ${info.active}`;
    const detail = info.label.replace(/^(cpu|webgpu) \((.*)\)$/, '$2');
    this.name.textContent = info.active === 'webgpu' ? `WebGPU · ${detail}` : info.active === 'cpu' ? `CPU · ${detail}` : detail;
    this.el.dataset.active = info.active;
  }

  setSpeed(stepsPerSec: number, frameMs: number) {
    this.speed.textContent = stepsPerSec > 0 ? `${Math.round(stepsPerSec).toLocaleString('en-US')} steps/s · ${frameMs.toFixed(0)} ms/frame` : '';
  }
}
