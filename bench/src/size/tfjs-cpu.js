import '@tensorflow/tfjs-backend-cpu';
import { job } from './tfjs-job.js';

window.__done = job('cpu');
