import '@tensorflow/tfjs-backend-cpu';
import { install } from '../harness.js';
import { tfjsLib } from '../libs/tfjs.js';

install(tfjsLib('tfjs-cpu', 'cpu'));
