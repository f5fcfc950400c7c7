import '@tensorflow/tfjs-backend-webgpu';
import { job } from './tfjs-job.js';

window.__done = job('webgpu');
