import { install } from '../harness.js';
import { webgradLib } from '../libs/webgrad.js';

install(webgradLib('webgrad-webgpu', 'webgpu'));
