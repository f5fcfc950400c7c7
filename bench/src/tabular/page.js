// The in-browser side of bench/tabular.mjs: webgrad (the package's estimators, which run in its
// training worker) and ml.js fit the same table, fetched as raw float32 from the server. Each
// fit is timed around the library's own call only; converting the data into the form the
// library takes is not timed. tabular.mjs calls window.bench(lib, algorithm, rows, cols).
import * as wg from 'webgrad';
import LogisticRegressionMl from 'ml-logistic-regression';
import { RandomForestClassifier as RandomForestMl } from 'ml-random-forest';
import { kmeans } from 'ml-kmeans';
import { PCA as PcaMl } from 'ml-pca';
import { Matrix } from 'ml-matrix';

async function table(rows, cols) {
  const get = async (f) => new Float32Array(await (await fetch(`/data/${f}`)).arrayBuffer());
  const x = await get('x.f32');
  const y = await get('y.f32');
  if (x.length !== rows * cols || y.length !== rows) throw new Error(`data: ${x.length} values for ${rows} × ${cols}`);
  return { x, y };
}

const accuracy = (pred, y) => pred.reduce((s, p, i) => s + (Number(p) === y[i] ? 1 : 0), 0) / y.length;

async function webgrad(name, x, y, rows, cols) {
  const info = await wg.init({ device: 'cpu' });
  const xt = wg.tensor(x, [rows, cols]);
  const yt = wg.tensor(y, [rows]);
  const make = {
    LogisticRegression: () => new wg.ml.LogisticRegression({ maxIter: 100 }),
    RandomForestClassifier: () => new wg.ml.RandomForestClassifier({ nEstimators: 100, randomState: 0 }),
    KMeans: () => new wg.ml.KMeans({ nClusters: 8, nInit: 1, randomState: 0 }),
    PCA: () => new wg.ml.PCA({ nComponents: 2 }),
  }[name];
  const m = make();
  const supervised = name === 'LogisticRegression' || name === 'RandomForestClassifier';
  const t = performance.now();
  await (supervised ? m.fit(xt, yt) : m.fit(xt));
  const ms = performance.now() - t;
  const quality = supervised ? await m.score(xt, yt) : name === 'KMeans' ? m.inertia : m.explainedVarianceRatio.dataSync().reduce((a, b) => a + b, 0);
  m.dispose();
  return { ms, quality, flavor: info.flavor };
}

function mljs(name, x, y, rows, cols) {
  const data = Array.from({ length: rows }, (_, i) => Array.from(x.subarray(i * cols, (i + 1) * cols)));
  const labels = Array.from(y);
  let ms, quality;
  if (name === 'LogisticRegression') {
    // Full-batch gradient descent, one-vs-all; 100 steps to match max_iter 100 in count (not in work).
    const m = new LogisticRegressionMl({ numSteps: 100, learningRate: 5e-3 });
    const X = new Matrix(data);
    const Y = Matrix.columnVector(labels);
    const t = performance.now();
    m.train(X, Y);
    ms = performance.now() - t;
    quality = accuracy(m.predict(X), y);
  } else if (name === 'RandomForestClassifier') {
    const m = new RandomForestMl({ nEstimators: 100, seed: 0, maxFeatures: Math.max(1, Math.floor(Math.sqrt(cols))) / cols, replacement: true });
    const t = performance.now();
    m.train(data, labels);
    ms = performance.now() - t;
    quality = accuracy(m.predict(data), y);
  } else if (name === 'KMeans') {
    const t = performance.now();
    const r = kmeans(data, 8, { initialization: 'kmeans++', seed: 0, maxIterations: 300, tolerance: 1e-4 });
    ms = performance.now() - t;
    quality = r.clusters.reduce((s, c, i) => s + data[i].reduce((a, v, j) => a + (v - r.centroids[c][j]) ** 2, 0), 0);
  } else {
    const t = performance.now();
    const m = new PcaMl(data, { center: true });
    ms = performance.now() - t;
    const v = m.getExplainedVariance();
    quality = v[0] + v[1];
  }
  return { ms, quality };
}

window.bench = async (lib, name, rows, cols) => {
  const { x, y } = await table(rows, cols);
  return lib === 'webgrad' ? webgrad(name, x, y, rows, cols) : mljs(name, x, y, rows, cols);
};
window.ready = true;
