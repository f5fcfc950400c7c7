import { install } from '../harness.js';
import { webgradModelLib } from '../libs/webgrad.js';

install(webgradModelLib('webgrad-webgpu', 'webgpu'));
