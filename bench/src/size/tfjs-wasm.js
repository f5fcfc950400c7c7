import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { job } from './tfjs-job.js';

setWasmPaths(new URL('../assets/tfjs/', import.meta.url).href);
window.__done = job('wasm');
