import '@tensorflow/tfjs-backend-webgpu';
import { install } from '../harness.js';
import { tfjsLib } from '../libs/tfjs.js';

install(tfjsLib('tfjs-webgpu', 'webgpu'));
