// The package API the playground's workbench needs, through `webgrad` as any embedder imports it
// (engine inline on this thread: Node has no Worker).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as wg from 'webgrad';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  const pkg = dirname(createRequire(import.meta.url).resolve('webgrad/package.json'));
  await wg.init({ worker: false, wasm: readFileSync(join(pkg, 'pkg/webgrad_simd.wasm')), device: 'cpu' });
});

function mlp() {
  const m = wg.sequential([
    wg.dense({ units: 4, activation: 'tanh', inputShape: [2] }),
    wg.dense({ units: 1, activation: 'tanh' }),
  ], { seed: 3 });
  m.compile({ optimizer: wg.sgd(0.03), loss: 'mse' });
  return m;
}

describe('Sequential, for the workbenches', () => {
  it('gives every layer’s output', async () => {
    const m = mlp();
    const x = wg.tensor([[0.5, -1], [2, 0.25], [0, 0]]);
    const outs = await m.layerOutputs(x);
    expect(outs.map((t) => t.shape)).toEqual([[3, 4], [3, 1]]);
    const pred = (await m.predict(x)).dataSync();
    expect(Array.from(outs[1].dataSync())).toEqual(Array.from(pred));
    m.dispose();
  });

  it('reads and writes one parameter by name', async () => {
    const m = mlp();
    const names = Object.keys(await m.getWeights());
    const w = await m.getParameter(names[0]);
    const edited = Float32Array.from(w.dataSync());
    edited[0] = 0.75;
    await m.setParameter(names[0], wg.tensor(edited, w.shape));
    expect((await m.getParameter(names[0])).dataSync()[0]).toBe(0.75);
    await expect(m.setParameter('nope.kernel', wg.tensor([1]))).rejects.toThrow();
    m.dispose();
  });

  it('switches optimizer and regularisation mid-run, keeping the weights', async () => {
    const m = mlp();
    const { x, y } = wg.datasets.circle({ n: 64, seed: 1, classes: false });
    await m.trainOnBatch(x, y);
    const before = (await m.getWeights());
    await m.setOptimizer({ type: 'adam', lr: 0.01 });
    await m.setRegularization({ l1: 0.001, l2: 0 });
    const after = await m.getWeights();
    for (const k of Object.keys(before)) expect(Array.from(after[k].dataSync())).toEqual(Array.from(before[k].dataSync()));
    const loss = await m.trainOnBatch(x, y);
    expect(Number.isFinite(loss)).toBe(true);
    await expect(m.setOptimizer({ type: 'nope' } as never)).rejects.toThrow();
    m.dispose();
  });
});

describe('wg.datasets', () => {
  it('the same seed gives the same points, another seed others', () => {
    const a = wg.datasets.spiral({ n: 200, noise: 0.1, seed: 7 });
    const b = wg.datasets.spiral({ n: 200, noise: 0.1, seed: 7 });
    const c = wg.datasets.spiral({ n: 200, noise: 0.1, seed: 8 });
    expect(a.x.shape).toEqual([200, 2]);
    expect(Array.from(a.x.dataSync())).toEqual(Array.from(b.x.dataSync()));
    expect(Array.from(a.y.dataSync())).toEqual(Array.from(b.y.dataSync()));
    expect(Array.from(a.x.dataSync())).not.toEqual(Array.from(c.x.dataSync()));
  });
});
