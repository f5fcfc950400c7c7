// tfjs-backend-wasm 4.22 lacks some gradient kernels (e.g. `Conv2DBackpropFilter`), so training a conv layer on it
// fails ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"). This shim registers
// tfjs-backend-cpu's own kernel for the wasm backend: inputs are copied out of the wasm heap into
// a private CPU backend, the CPU kernel runs in JS, and the result is copied back. It is what a
// tfjs user would have to do to train a CNN on the wasm backend; its cost is part of the numbers.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

let cpu = null;

/** Register `kernelName` for `target` from tfjs-backend-cpu when `target` lacks it; returns whether it did. */
export function shimFromCpu(kernelName, target = 'wasm') {
  if (tf.getKernel(kernelName, target)) return false;
  const impl = tf.getKernel(kernelName, 'cpu');
  if (!impl) throw new Error(`tfjs-backend-cpu has no ${kernelName} kernel either`);
  tf.registerKernel({
    kernelName,
    backendName: target,
    kernelFunc: ({ inputs, backend, attrs }) => {
      cpu ??= new MathBackendCPU();
      const ids = [];
      const cpuInputs = {};
      for (const [k, t] of Object.entries(inputs)) {
        const id = cpu.write(backend.readSync(t.dataId), t.shape, t.dtype);
        ids.push(id);
        cpuInputs[k] = { dataId: id, shape: t.shape, dtype: t.dtype };
      }
      const out = impl.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
      const outs = (Array.isArray(out) ? out : [out]).map((o) => {
        const r = backend.makeOutput(o.shape, o.dtype, undefined, cpu.readSync(o.dataId));
        cpu.disposeData(o.dataId, true);
        return r;
      });
      for (const id of ids) cpu.disposeData(id, true);
      return Array.isArray(out) ? outs : outs[0];
    },
  });
  return true;
}
