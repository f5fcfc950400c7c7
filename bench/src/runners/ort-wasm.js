import { install } from '../harness.js';
import { ortLib } from '../libs/ort.js';

install(ortLib());
