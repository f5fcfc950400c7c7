import { install } from '../harness.js';
import { webgradOpsLib } from '../libs/webgrad.js';

install(webgradOpsLib('webgrad-cpu-ops', 'cpu'));
