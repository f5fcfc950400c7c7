// Page side of the benchmark: seeded data, the workload list, the timing loop, and the
// `window.__bench` entry that bench/run.mjs drives through Playwright.
//
// Every library adapter (src/libs/*.js) implements the same workloads:
//   init() -> info                      load the library, pick the backend
//   make(kind, cfg) -> task | throws    build one workload (model, data, optimizer)
//   memory() -> {...}                   what the library itself reports about its memory
// A task is { step(), sync(), dispose() }: `step` does one unit of work (may return a promise),
// `sync` waits until all queued work is done (GPU backends) and returns a value to check.

export const now = () => performance.now();

/** mulberry32: a small seeded PRNG, so that every library sees the same numbers. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(n, seed, lo = -1, hi = 1) {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

export function ints(n, max, seed) {
  const r = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * max);
  return out;
}

export function oneHot(labels, classes) {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((l, i) => (out[i * classes + l] = 1));
  return out;
}

/** Glorot-uniform weights [fanIn, fanOut] for the ONNX models (libraries that train init their own). */
export function glorot(fanIn, fanOut, seed, n = fanIn * fanOut) {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return uniform(n, seed, -lim, lim);
}

/** Two-class TF-Playground-style data: points in [-1,1]^2, label ±1 by the XOR of the signs. */
export function playgroundBatch(batch, seed) {
  const x = uniform(batch * 2, seed);
  const y = new Float32Array(batch);
  for (let i = 0; i < batch; i++) y[i] = x[2 * i] * x[2 * i + 1] >= 0 ? 1 : -1;
  return { x, y };
}

/** MNIST-shaped data: pixels in [0,1), labels 0..9 (values do not change the work done). */
export function mnistBatch(batch, seed) {
  const x = uniform(batch * 784, seed, 0, 1);
  const labels = ints(batch, 10, seed + 1);
  return { x, labels, y: oneHot(labels, 10) };
}

// ---- initial weights, shared by every library so that their results can be compared ----------
// Layouts are webgrad's / ONNX's: dense [in, out]; conv [out, in, kh, kw]; the CNN's dense layer
// takes its input flattened as (channel, row, column). Adapters for other layouts permute them.

/** MLP weights: [W1, b1, W2, b2, ...] as { shape, data }. */
export function mlpWeights(sizes) {
  const ws = [];
  for (let i = 1; i < sizes.length; i++) {
    ws.push({ shape: [sizes[i - 1], sizes[i]], data: glorot(sizes[i - 1], sizes[i], 100 + i) });
    ws.push({ shape: [sizes[i]], data: new Float32Array(sizes[i]) });
  }
  return ws;
}

/** CNN weights: conv 8 3×3 (OIHW), conv 16 3×3, dense 400→10 (rows in CHW order), zero biases. */
export function cnnWeights() {
  return [
    { shape: [8, 1, 3, 3], data: glorot(9, 72, 201, 72) }, { shape: [8], data: new Float32Array(8) },
    { shape: [16, 8, 3, 3], data: glorot(72, 144, 202, 1152) }, { shape: [16], data: new Float32Array(16) },
    { shape: [400, 10], data: glorot(400, 10, 203) }, { shape: [10], data: new Float32Array(10) },
  ];
}

/** Transformer parameters in the order the adapters consume them. */
export function transformerWeights({ vocab: V, ctx: T, dim: D, layers: L }) {
  let seed = 300;
  const rand = (shape) => ({ shape, data: uniform(shape.reduce((a, b) => a * b), seed++, -0.05, 0.05) });
  const ones = (n) => ({ shape: [n], data: new Float32Array(n).fill(1) });
  const zeros = (n) => ({ shape: [n], data: new Float32Array(n) });
  // The engine's parameter order: token, position; per block ln1 (weight, bias), attention qkv
  // [D, 3D] + bias, attention proj + bias, ln2, fc [D, 4D] + bias, proj [4D, D] + bias; final
  // layer norm; output dense [D, V] + bias.
  const ws = [rand([V, D]), rand([T, D])];
  for (let l = 0; l < L; l++) {
    ws.push(ones(D), zeros(D), rand([D, 3 * D]), zeros(3 * D), rand([D, D]), zeros(D),
      ones(D), zeros(D), rand([D, 4 * D]), zeros(4 * D), rand([4 * D, D]), zeros(D));
  }
  ws.push(ones(D), zeros(D), rand([D, V]), zeros(V));
  return ws;
}

export const SMALL_MLP = [2, 8, 8, 1];
export const MNIST_MLP = [784, 128, 10];

/** The transformer used for the char-level training workload. */
export function transformerConfig(smoke) {
  return smoke
    ? { vocab: 65, ctx: 8, dim: 16, heads: 2, layers: 1, batch: 2, lr: 0.01 }
    : { vocab: 65, ctx: 64, dim: 64, heads: 4, layers: 2, batch: 16, lr: 0.01 };
}

/**
 * Every timed workload. `work` is what one step does (FLOPs, samples or tokens) and `unit` how the
 * result is shown; latency workloads report milliseconds per step (lower is better).
 */
export function workloads(smoke) {
  const list = [];
  for (const n of smoke ? [64] : [256, 512, 1024]) {
    list.push({ id: `matmul-${n}`, kind: 'matmul', cfg: { n }, unit: 'GFLOP/s', work: (2 * n ** 3) / 1e9,
      title: `matmul ${n}×${n}×${n} f32` });
  }
  for (const batch of smoke ? [8] : [32, 64]) {
    list.push({ id: `mlp-small-train-b${batch}`, kind: 'mlpTrain', cfg: { sizes: SMALL_MLP, batch, act: 'tanh', loss: 'mse', lr: 0.03 },
      unit: 'samples/s', work: batch, title: `MLP 2-8-8-1 tanh train, batch ${batch}` });
  }
  for (const batch of smoke ? [8] : [32, 64]) {
    list.push({ id: `mlp-mnist-train-b${batch}`, kind: 'mlpTrain', cfg: { sizes: MNIST_MLP, batch, act: 'relu', loss: 'ce', lr: 0.05 },
      unit: 'samples/s', work: batch, title: `MLP 784-128-10 relu train, batch ${batch}` });
  }
  {
    const batch = smoke ? 8 : 32;
    const samples = smoke ? 16 : 1024;
    list.push({ id: 'mlp-small-fit', kind: 'mlpFit', cfg: { sizes: SMALL_MLP, batch, samples, lr: 0.03 }, unit: 'samples/s', work: batch,
      compare: false, title: `MLP 2-8-8-1 fit(), ${samples} samples, batch ${batch} (public API end to end)` });
  }
  {
    const batch = smoke ? 8 : 64;
    list.push({ id: `mlp-mnist-infer-b${batch}`, kind: 'mlpInfer', cfg: { sizes: MNIST_MLP, batch, act: 'relu' },
      unit: 'samples/s', work: batch, title: `MLP 784-128-10 inference, batch ${batch}` });
  }
  {
    const batch = smoke ? 4 : 32;
    list.push({ id: `cnn-train-b${batch}`, kind: 'cnnTrain', cfg: { batch, lr: 0.05 }, unit: 'samples/s', work: batch,
      title: `CNN train (conv8-pool-conv16-pool-dense10, 28×28), batch ${batch}` });
  }
  list.push({ id: 'cnn-infer-b1', kind: 'cnnInfer', cfg: { batch: 1 }, unit: 'ms', work: 1, latency: true,
    title: 'CNN inference latency, batch 1 (incl. readback)' });
  {
    const cfg = transformerConfig(smoke);
    list.push({ id: 'transformer-train', kind: 'transformerTrain', cfg, unit: 'tokens/s', work: cfg.batch * cfg.ctx,
      title: `char transformer train (${cfg.layers} layers, d=${cfg.dim}, ${cfg.heads} heads, ctx ${cfg.ctx}, batch ${cfg.batch})` });
  }
  return list;
}

/**
 * Time one workload. Warm-up: synced steps until `warmupMs` has passed (at least `minWarmup`),
 * which also estimates the cost of a step. Timed block: N steps with a single sync at the end,
 * N chosen so that the block lasts about `targetMs` (at least `minIters`).
 */
export async function measure(task, { warmupMs, minWarmup, targetMs, minIters, maxIters }) {
  let t0 = now();
  let n = 0;
  let last = 0;
  while (n < minWarmup || now() - t0 < warmupMs) {
    const s = now();
    await task.step();
    await task.sync();
    last = now() - s;
    n++;
    if (n >= 1000) break;
  }
  const est = Math.max(last, 1e-3);
  const iters = Math.max(minIters, Math.min(maxIters, Math.ceil(targetMs / est)));
  t0 = now();
  for (let i = 0; i < iters; i++) await task.step();
  const check = await task.sync();
  const ms = now() - t0;
  return { iters, ms, warmupIters: n, check };
}

/** The JS heap and array-buffer numbers are taken by run.mjs through the DevTools protocol. */
function params() {
  return new URLSearchParams(location.search);
}

/** Install the page entry for one library adapter. */
export function install(lib) {
  let infoP = null;
  const init = () => (infoP ??= lib.init());
  const api = {
    name: lib.name,
    init,
    /** Run the workloads whose ids are in `ids` (all when empty); returns one result each. */
    async run({ smoke = false, ids = [], timing }) {
      const info = await init();
      const out = [];
      for (const w of workloads(smoke)) {
        if (ids.length && !ids.includes(w.id)) continue;
        let task = null;
        try {
          task = await lib.make(w.kind, w.cfg);
          const m = await measure(task, timing);
          if (typeof m.check === 'number' && !Number.isFinite(m.check)) throw new Error(`non-finite check value ${m.check}`);
          const perStep = m.ms / m.iters;
          const value = w.latency ? perStep : (w.work * (task.stepsPerCall ?? 1) * m.iters) / (m.ms / 1000);
          out.push({ id: w.id, value, unit: w.unit, iters: m.iters, ms: m.ms, check: m.check, note: task.note });
        } catch (e) {
          out.push({ id: w.id, error: String(e?.message ?? e).split('\n')[0].slice(0, 300), stack: String(e?.stack ?? '').slice(0, 2000) });
        } finally {
          try {
            await task?.dispose?.();
          } catch {}
        }
      }
      return { info, results: out };
    },
    /** `steps` training steps of the MNIST MLP, then the library's own memory numbers. */
    async memory({ steps, batch }) {
      await init();
      const task = await lib.make('mlpTrain', { sizes: MNIST_MLP, batch, act: 'relu', loss: 'ce', lr: 0.05 });
      const t0 = now();
      for (let i = 0; i < steps; i++) {
        await task.step();
        if (i % 50 === 49) await task.sync();
      }
      const check = await task.sync();
      const ms = now() - t0;
      // Keep the task alive: memory is measured with the model still in use.
      window.__keep = task;
      return { steps, ms, check, lib: await lib.memory() };
    },
  };
  window.__bench = api;
  // ?first: time from navigation start to the first trained (and synced) step of the 2-8-8-1 MLP.
  if (params().has('first')) {
    window.__first = (async () => {
      const tModule = now();
      const info = await init();
      const tInit = now();
      const cfg = { sizes: SMALL_MLP, batch: 32, act: 'tanh', loss: 'mse', lr: 0.03 };
      let check;
      if (lib.firstStep) check = await lib.firstStep(cfg);
      else {
        const task = await lib.make(lib.trains === false ? 'mlpInfer' : 'mlpTrain', cfg);
        await task.step();
        check = await task.sync();
      }
      const tStep = now();
      return { tModule, tInit, tStep, check, info };
    })().catch((e) => ({ error: String(e?.message ?? e) }));
  }
  return api;
}
