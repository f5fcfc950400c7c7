import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { install } from '../harness.js';
import { tfjsLib } from '../libs/tfjs.js';
import { shimFromCpu } from '../libs/tfjs-shim.js';

// Gradient kernels that tfjs-backend-wasm 4.22 lacks and the workloads need.
const MISSING = {
  Conv2DBackpropFilter: 'CNN training (gradient of the conv weights)',
  UnsortedSegmentSum: 'transformer training (gradient of the embedding gather)',
};

const notes = [];
install(tfjsLib('tfjs-wasm', 'wasm', {
  notes,
  async setup() {
    // The .wasm files are served from bench/dist/assets/tfjs/ (copied from the npm package).
    setWasmPaths(new URL('../assets/tfjs/', import.meta.url).href);
    for (const [kernel, what] of Object.entries(MISSING)) {
      if (shimFromCpu(kernel)) {
        notes.push(`${kernel} is missing in tfjs-backend-wasm 4.22: shimmed with the tfjs-backend-cpu kernel (copies through JS) for ${what}`);
      }
    }
  },
}));
