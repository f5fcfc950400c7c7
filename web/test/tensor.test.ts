import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

beforeAll(async () => {
  await initInline();
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol);
};

describe('init', () => {
  it('reports the device and the build', () => {
    const info = wg.deviceInfo();
    expect(info.device).toBe('cpu');
    expect(info.name).toMatch(/^cpu \(wasm/);
    expect(info.worker).toBe(false);
    expect(info.webgpu.available).toBe(false);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses WebGPU when there is none, with a reason', async () => {
    // init() is idempotent; the device check itself lives in the host and is exercised here.
    const { hostHandlers } = await import('../src/host.js');
    const { loadedEngine } = await import('../src/engine.js');
    const h = hostHandlers();
    await expect(h.init({ module: loadedEngine()!.module, device: 'webgpu', inline: true }, null as never)).rejects.toThrow(
      /WebGPU was requested but navigator.gpu is missing/,
    );
  });
});

describe('tensors', () => {
  it('round-trips typed arrays and nested arrays', () => {
    const a = wg.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(a.dataSync()).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(wg.tensor([[1, 2], [3, 4]]).arraySync()).toEqual([[1, 2], [3, 4]]);
    const labels = wg.tensor(new Int32Array([2, 0, 1]));
    expect(labels.dtype).toBe('int32');
    expect(labels.dataSync()).toEqual(new Int32Array([2, 0, 1]));
    expect(wg.scalar(3).item()).toBe(3);
  });

  it('computes NumPy-style', () => {
    const x = wg.tensor([[1, 2], [3, 4]]);
    expect(x.matmul(x).arraySync()).toEqual([[7, 10], [15, 22]]);
    expect(x.add(1).mul(2).sub(x).arraySync()).toEqual([[3, 4], [5, 6]]);
    expect(x.add([10, 20]).arraySync()).toEqual([[11, 22], [13, 24]]);
    expect(x.sum().item()).toBe(10);
    expect(x.sum(0).arraySync()).toEqual([4, 6]);
    expect(x.mean(-1, true).arraySync()).toEqual([[1.5], [3.5]]);
    expect(x.transpose().arraySync()).toEqual([[1, 3], [2, 4]]);
    expect(x.reshape([-1]).arraySync()).toEqual([1, 2, 3, 4]);
    expect(x.argMax(-1).dataSync()).toEqual(new Int32Array([1, 1]));
    close(x.softmax().sum(-1).dataSync(), [1, 1]);
    expect(wg.concat([x, x], 0).shape).toEqual([4, 2]);
    expect(wg.stack([x, x], 0).shape).toEqual([2, 2, 2]);
    expect(wg.where(x.greater(2), x, 0).arraySync()).toEqual([[0, 0], [3, 4]]);
    expect(wg.tensor(new Int32Array([0, 2])).oneHot(3).arraySync()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(wg.arange(4).slice(0, 1, 2).arraySync()).toEqual([1, 2]);
    expect(x.gather([1, 0]).arraySync()).toEqual([[3, 4], [1, 2]]);
  });

  it('is deterministic for a seed', () => {
    const a = wg.randomNormal([100], { seed: 7 }).dataSync();
    const b = wg.randomNormal([100], { seed: 7 }).dataSync();
    const c = wg.randomNormal([100], { seed: 8 }).dataSync();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const u = wg.randomUniform([1000], { min: -1, max: 1, seed: 1 }).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(1);
  });

  it('turns engine errors into JS Errors with the engine message, and keeps working after', () => {
    const a = wg.zeros([3, 4]);
    const b = wg.zeros([5, 6]);
    expect(() => a.matmul(b)).toThrow('matmul: [3, 4] × [5, 6]: inner dimensions 4 and 5 differ');
    expect(() => a.add(b)).toThrow(/^add: shapes \[3, 4\] and \[5, 6\] cannot be broadcast/);
    expect(() => wg.tensor([1, 2, 3], [2, 2])).toThrow(/3 values cannot fill shape \[2, 2\]/);
    expect(() => wg.tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => wg.zeros([1e5, 1e5])).toThrow(/more than 268435456 elements/);
    expect(() => wg.zeros([-1])).toThrow(/bad dimension -1/);
    expect(() => wg.scalar(1).slice(0, 0, 1)).toThrow(/scalar \(rank-0\) tensor has no axes/);
    expect(() => a.slice(0, 4294967295, 2)).toThrow(/out of bounds/);
    expect(() => a.reshape([7, -1])).toThrow(/reshape/);
    expect(() => wg.tensor([1.5]).gather([3])).toThrow(/index 3 is out of range/);
    expect(() => wg.tensor([[1]]).maxPool2d(0)).toThrow(/kernel must be two integers/);
    expect(() => a.cast('int8' as never)).toThrow(/unknown dtype/);
    expect(() => wg.tensor([1, 2]).item()).toThrow(/has 2 elements, not 1/);
    // The instance is still healthy after all these errors.
    expect(wg.tensor([2]).mul(3).item()).toBe(6);
  });

  it('frees tensors on dispose and refuses to use them after', () => {
    const t = wg.tensor([1, 2, 3]);
    t.dispose();
    expect(() => t.sum()).toThrow();
  });
});

describe('autograd', () => {
  it('gives gradients of a composite', () => {
    const x = wg.tensor([1, 2, 3]).requireGrad();
    const y = x.square().sum();
    y.backward();
    expect(x.grad!.dataSync()).toEqual(new Float32Array([2, 4, 6]));
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('retainGraph keeps the graph for a second pass, which accumulates (as in PyTorch)', () => {
    const x = wg.tensor([1, 2]).requireGrad();
    const y = x.square().sum();
    y.backward({ retainGraph: true });
    y.backward();
    expect(x.grad!.dataSync()).toEqual(new Float32Array([4, 8]));
    expect(() => y.backward()).toThrow(/second time/);
  });

  it('trains a linear regression with plain tensor ops (the minimal training path)', () => {
    const n = 64;
    const xs = wg.randomUniform([n, 1], { min: -1, max: 1, seed: 3 });
    const ys = xs.mul(3).add(0.5);
    let w = wg.zeros([1, 1]).requireGrad();
    let b = wg.zeros([1]).requireGrad();
    let first = 0;
    let last = 0;
    for (let step = 0; step < 200; step++) {
      const loss = xs.matmul(w).add(b).sub(ys).square().mean();
      loss.backward();
      if (step === 0) first = loss.item();
      last = loss.item();
      [w, b] = wg.noGrad(() => [w.sub(w.grad!.mul(0.3)).requireGrad(), b.sub(b.grad!.mul(0.3)).requireGrad()]);
    }
    expect(last).toBeLessThan(first / 100);
    close(w.dataSync(), [3], 1e-2);
    close(b.dataSync(), [0.5], 1e-2);
  });
});

describe('datasets', () => {
  it('generates seeded 2-D sets as tensors', () => {
    const a = wg.datasets.spiral({ n: 100, noise: 0.1, seed: 4 });
    expect(a.x.shape).toEqual([100, 2]);
    expect(a.y.shape).toEqual([100]);
    expect(a.y.dtype).toBe('int32');
    expect(a.numClasses).toBe(2);
    expect(wg.datasets.spiral({ n: 100, noise: 0.1, seed: 4 }).x.dataSync()).toEqual(a.x.dataSync());
    const r = wg.datasets.synthetic2d('regress_plane', { n: 10 });
    expect(r.y.shape).toEqual([10, 1]);
    expect(r.numClasses).toBe(0);
    expect(wg.datasets.kinds2d()).toContain('spiral3');
    expect(() => wg.datasets.synthetic2d('nope' as never)).toThrow(/unknown 2-D data set "nope"/);
    expect(() => wg.datasets.mnist(new Uint8Array(3), new Uint8Array(3))).toThrow(/^data: /);
  });
});
