// wg.data (readCsv → DataFrame, toTensors, trainTestSplit), wg.ml and wg.metrics through the
// public package, on the engine host (inline here; the worker in Chromium).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initInline } from './helpers.js';

const sample = (name: string) => readFileSync(new URL(`../../crates/data/assets/tabular/${name}.csv`, import.meta.url), 'utf8');

beforeAll(async () => {
  await initInline();
});

describe('readCsv', () => {
  it('reads text with kinds, stats, head and describe, reporting progress', async () => {
    const seen: string[] = [];
    const frame = await wg.data.readCsv('x;colour;ok\n1.5;red;yes\n2;blue;no\n;red;yes\n4;red;\n', { onProgress: (p) => seen.push(p.phase) });
    expect(frame.numRows).toBe(4);
    expect(frame.delimiter).toBe(';');
    expect(frame.columns.map((c) => [c.name, c.kind])).toEqual([['x', 'number'], ['colour', 'category'], ['ok', 'boolean']]);
    expect(frame.columns[0].stats).toMatchObject({ count: 3, missing: 1, min: 1.5, max: 4 });
    expect(frame.head(2)).toEqual([[1.5, 'red', true], [2, 'blue', false]]);
    expect(frame.describe().colour).toMatchObject({ top: 'red', freq: 3, unique: 2 });
    expect(seen).toContain('parse');
    expect(await frame.rows(3, 10)).toEqual([[4, 'red', null]]);
    frame.dispose();
  });

  it('reads a Blob and gives tensors: one-hot, imputed, standardised', async () => {
    const frame = await wg.data.readCsv(new Blob(['a,b,c,y\n1,u,1,p\n,v,2,q\n3,u,3,p\n5,v,4,q\n7,u,5,q\n9,v,6,p\n']));
    const t = await frame.toTensors({ target: 'y', scale: 'minmax' });
    expect(t.task).toBe('classification');
    expect(t.classes).toEqual(['p', 'q']);
    expect(t.featureNames).toEqual(['a', 'b=u', 'b=v', 'c']);
    expect(t.x.shape).toEqual([6, 4]);
    expect(t.y.dtype).toBe('int32');
    expect(Array.from(t.y.dataSync())).toEqual([0, 1, 0, 1, 1, 0]);
    // a's missing value is the mean of the others (5), then min-max scaled over [1, 9].
    const row = t.x.arraySync()[1] as number[];
    [0.5, 0, 1, 0.2].forEach((v, j) => expect(row[j]).toBeCloseTo(v, 6));
  });

  it('names the row and column of bad input, and keeps working', async () => {
    await expect(wg.data.readCsv('a,b\n1,2\n3\n')).rejects.toThrow(/line 3 has 1 fields/);
    await expect(wg.data.readCsv('')).rejects.toThrow(/empty/);
    await expect(wg.data.readCsv('a,b\n')).rejects.toThrow(/no rows of data/);
    await expect(wg.data.readCsv(new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a]))).rejects.toThrow(/line 2, column 1: not UTF-8/);
    const f = await wg.data.readCsv('x,y\n1,a\n2,a\n');
    await expect(f.toTensors({ target: 'y' })).rejects.toThrow(/one class only/);
    await expect(f.toTensors({ target: 'z' })).rejects.toThrow(/no column named "z"/);
    await expect(f.toTensors({ target: 'y', scale: 'log' as 'minmax' })).rejects.toThrow(/scale "log"/);
    expect((await wg.data.readCsv('p,q\n1,2\n')).numRows).toBe(1);
  });
});

describe('trainTestSplit', () => {
  it('is seeded and keeps class shares when stratified', () => {
    const y = wg.tensor(Int32Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1)));
    const x = wg.arange(100).reshape([100, 1]);
    const a = wg.data.trainTestSplit(x, y, { testSize: 0.2, seed: 4, stratify: true });
    const b = wg.data.trainTestSplit(x, y, { testSize: 0.2, seed: 4, stratify: true });
    expect(a.xTest.shape).toEqual([20, 1]);
    expect(Array.from(a.yTest.dataSync()).filter((v) => v === 1)).toHaveLength(2);
    expect(Array.from(a.xTrain.dataSync())).toEqual(Array.from(b.xTrain.dataSync()));
    const all = [...a.xTrain.dataSync(), ...a.xTest.dataSync()].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(() => wg.data.trainTestSplit(x, wg.zeros([3]))).toThrow(/same number of rows/);
    expect(() => wg.data.trainTestSplit(x, y, { testSize: 1.5 })).toThrow(/testSize 1.5/);
  });
});

describe('ml and metrics', () => {
  it('fits LogisticRegression on breast cancer like scikit-learn does', async () => {
    const frame = await wg.data.readCsv(sample('breast_cancer'));
    const { x, y, classes } = await frame.toTensors({ target: 'diagnosis', scale: 'standard' });
    expect(classes).toEqual(['benign', 'malignant']);
    const { xTrain, xTest, yTrain, yTest } = wg.data.trainTestSplit(x, y, { testSize: 0.25, seed: 0, stratify: true });
    const clf = new wg.ml.LogisticRegression({ C: 1 });
    expect(await clf.fit(xTrain, yTrain)).toBe(clf);
    expect(clf.coef.shape).toEqual([1, 30]);
    expect(Array.from(clf.classes.dataSync())).toEqual([0, 1]);
    const acc = await clf.score(xTest, yTest);
    expect(acc).toBeGreaterThan(0.93);
    const pred = await clf.predict(xTest);
    expect(pred.dtype).toBe('int32');
    expect(wg.metrics.accuracy(yTest, pred)).toBeCloseTo(acc, 12);
    const proba = await clf.predictProba(xTest);
    expect(proba.shape).toEqual([yTest.shape[0], 2]);
    const positive = proba.slice(1, 1, 1).reshape([yTest.shape[0]]);
    expect(wg.metrics.rocAuc(yTest, positive)).toBeGreaterThan(0.97);
    const report = wg.metrics.classificationReport(yTest, pred, { targetNames: classes });
    expect(report.text).toMatch(/malignant/);
    expect(report.classes[1].support).toBe(53);
    const curve = wg.metrics.rocCurve(yTest, positive);
    expect(curve.thresholds[0]).toBeNull();
    expect(curve.fpr.at(-1)).toBe(1);
  });

  it('PCA and StandardScaler transform; errors name the estimator', async () => {
    const { x } = await (await wg.data.readCsv(sample('wine'))).toTensors({ target: 'cultivar' });
    const scaled = await new wg.ml.StandardScaler().fitTransform(x);
    const pca = new wg.ml.PCA({ nComponents: 2 });
    const z = await pca.fitTransform(scaled);
    expect(z.shape).toEqual([178, 2]);
    const ratio = Array.from(pca.explainedVarianceRatio.dataSync());
    // scikit-learn: [0.36198848, 0.1920749] on the standardised wine data.
    expect(ratio[0]).toBeCloseTo(0.36198848, 5);
    expect(ratio[1]).toBeCloseTo(0.1920749, 5);
    await expect(new wg.ml.Ridge().predict(x)).rejects.toThrow(/Ridge: predict needs a fitted estimator/);
    await expect(new wg.ml.Ridge({ alfa: 1 } as never).fit(x, wg.zeros([178]))).rejects.toThrow(/Ridge: bad parameters: unknown field `alfa`/);
    await expect(new wg.ml.LinearRegression().fit(x, wg.zeros([5]))).rejects.toThrow(/LinearRegression: X has 178 rows but y has 5/);
    const lr = await new wg.ml.LinearRegression().fit(wg.tensor([[0], [1], [2]]), wg.tensor([1, 3, 5]));
    expect(lr.intercept).toBeCloseTo(1, 5);
    await expect(lr.predict(wg.tensor([[1, 2]]))).rejects.toThrow(/2 features, but the estimator was fitted with 1/);
    expect(Array.from((await lr.predict(wg.tensor([[10]]))).dataSync())[0]).toBeCloseTo(21, 4);
  });

  it('metrics check their input', () => {
    expect(() => wg.metrics.rocAuc([1, 1, 1], [0.2, 0.5, 0.9])).toThrow(/Only one class present in y_true/);
    expect(() => wg.metrics.accuracy([1, 2], [1])).toThrow(/accuracy/);
    expect(wg.metrics.f1([0, 1, 1, 0], [0, 1, 0, 0])).toBeCloseTo(2 / 3, 12);
    expect(wg.metrics.confusionMatrix([0, 1, 1], [0, 1, 0]).matrix).toEqual([[1, 0], [1, 1]]);
    expect(wg.metrics.recallAtPrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 1).recall).toBe(0.5);
  });
});

describe('trees, forests, neighbours, clusters', () => {
  it('fit, predict and report what scikit-learn would', async () => {
    const { x, y } = await (await wg.data.readCsv(sample('iris'))).toTensors({ target: 'species' });
    const forest = await new wg.ml.RandomForestClassifier({ nEstimators: 20, randomState: 1 }).fit(x, y);
    expect(await forest.score(x, y)).toBeGreaterThan(0.97);
    const imp = Array.from(forest.featureImportances.dataSync());
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Petal length and width carry most of iris' information.
    expect(imp[2] + imp[3]).toBeGreaterThan(0.6);
    const tree = await new wg.ml.DecisionTreeClassifier({ maxDepth: 2 }).fit(x, y);
    expect(tree.attribute('depth')).toBe(2);
    const knn = await new wg.ml.KNeighborsClassifier({ nNeighbors: 3 }).fit(x, y);
    expect((await knn.predictProba(x)).shape).toEqual([150, 3]);
    const km = await new wg.ml.KMeans({ nClusters: 3, nInit: 4 }).fit(x);
    expect(km.clusterCenters.shape).toEqual([3, 4]);
    expect(wg.metrics.adjustedRandScore(y, await km.predict(x))).toBeGreaterThan(0.6);
    expect(await km.score(x, y)).toBeCloseTo(-km.inertia, 3);
    await expect(new wg.ml.KMeans({ nClusters: 0 }).fit(x)).rejects.toThrow(/KMeans: nClusters is 0 but must be in 1..=150/);
  });
});

describe('imbalanced classes', () => {
  it("computeClassWeight gives scikit-learn's balanced weights and they lift the network's recall", async () => {
    expect(wg.ml.computeClassWeight('balanced', { classes: [0, 1], y: [0, 0, 0, 1] })).toEqual([4 / 6, 2]);
    expect(wg.ml.computeClassWeight({ 1: 5 }, { classes: [0, 1], y: [0, 1] })).toEqual([1, 5]);
    expect(() => wg.ml.computeClassWeight('balanced', { classes: [0, 1], y: [0, 2] })).toThrow(/computeClassWeight: y\[1\] = 2 is not in classes/);
    const frame = await wg.data.readCsv(sample('rare_events'));
    const { x, y } = await frame.toTensors({ target: 'is_positive', scale: 'standard' });
    frame.dispose();
    const weights = wg.ml.computeClassWeight('balanced', { classes: [0, 1], y });
    expect(weights[1] / weights[0]).toBeGreaterThan(30);
    const recall = async (classWeights?: number[]) => {
      const model = wg.sequential([wg.dense({ units: 16, activation: 'relu' }), wg.dense({ units: 2 })], { seed: 3 });
      model.compile({ optimizer: wg.adam(0.01), loss: { type: 'sparseCategoricalCrossentropy', classWeights } });
      await model.fit(x, y, { epochs: 4, batchSize: 128 });
      const pred = (await model.predict(x)).argMax(-1);
      const r = wg.metrics.recall(y, pred);
      model.dispose();
      return r;
    };
    const plain = await recall();
    const weighted = await recall(weights);
    expect(weighted).toBeGreaterThan(plain + 0.2);
  }, 60_000);
});

describe('the README example', () => {
  it('runs as written on the rare-events sample', async () => {
    const frame = await wg.data.readCsv(sample('rare_events'), { onProgress: () => {} });
    const { x, y } = await frame.toTensors({ target: 'is_positive', impute: 'median', scale: 'standard', oneHot: true });
    const { xTrain, xTest, yTrain, yTest } = wg.data.trainTestSplit(x, y, { testSize: 0.25, seed: 0, stratify: true });
    const clf = await new wg.ml.LogisticRegression({ C: 1, classWeight: 'balanced' }).fit(xTrain, yTrain);
    const p = (await clf.predictProba(xTest)).slice(1, 1, 1).reshape([-1]);
    expect(p.shape).toEqual([yTest.shape[0]]);
    // Above the 2.4 % base rate (scikit-learn gets 0.048 here: the classes are not linearly separable).
    expect(wg.metrics.averagePrecision(yTest, p)).toBeGreaterThan(0.03);
    expect(wg.metrics.recallAtPrecision(yTest, p, 0.9).recall).toBeGreaterThanOrEqual(0);
    expect(clf.coef.shape).toEqual([1, 12]);
    frame.dispose();
  });
});
