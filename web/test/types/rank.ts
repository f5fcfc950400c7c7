import type {} from 'webgrad/worker'; // the worker entry's types load too
