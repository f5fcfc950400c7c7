// Training: the model catalogue (wg.ml estimators and a small wg.sequential network), fitted in
// the package's worker one after another, and scored on the test set with wg.metrics.
import * as wg from 'webgrad';

export type Task = 'classification' | 'regression';

export interface Prepared {
  task: Task;
  classes: string[];
  featureNames: string[];
  split: wg.data.Split;
  /** All rows' features (for PCA). */
  x: wg.Tensor;
  y: wg.Tensor;
}

export interface ModelDef {
  id: string;
  title: string;
  task: Task;
}

export const MODELS: ModelDef[] = [
  { id: 'logreg', title: 'LogisticRegression', task: 'classification' },
  { id: 'tree', title: 'DecisionTree', task: 'classification' },
  { id: 'forest', title: 'RandomForest', task: 'classification' },
  { id: 'knn', title: 'KNeighbors', task: 'classification' },
  { id: 'nb', title: 'GaussianNB', task: 'classification' },
  { id: 'net', title: 'Network (32 relu)', task: 'classification' },
  { id: 'linreg', title: 'LinearRegression', task: 'regression' },
  { id: 'ridge', title: 'Ridge', task: 'regression' },
  { id: 'lasso', title: 'Lasso', task: 'regression' },
  { id: 'treeR', title: 'DecisionTree', task: 'regression' },
  { id: 'forestR', title: 'RandomForest', task: 'regression' },
  { id: 'knnR', title: 'KNeighbors', task: 'regression' },
  { id: 'netR', title: 'Network (32 relu)', task: 'regression' },
];

export const DEFAULT_MODELS = ['logreg', 'tree', 'forest', 'nb', 'linreg', 'ridge', 'forestR'];

export interface Scores {
  accuracy?: number;
  f1?: number;
  /** Binary: the positive class's recall at the model's own labels. */
  recall?: number;
  rocAuc?: number;
  prAuc?: number;
  recallAtP90?: number;
  r2?: number;
  mae?: number;
}

export interface Result {
  id: string;
  title: string;
  ms: number;
  scores: Scores;
  /** Predicted labels or values on the test set. */
  pred: wg.Tensor;
  /** Binary: the positive class's score on the test set; multiclass: [n, classes]. */
  score?: wg.Tensor;
  /** Coefficients or importances per feature, with what they are. */
  weights?: { kind: string; values: number[] };
  baseline?: boolean;
}

type AnyEstimator = wg.ml.Estimator<any>;

function estimator(id: string, seed: number, balanced: boolean): AnyEstimator | null {
  const cw = balanced ? { classWeight: 'balanced' as const } : {};
  switch (id) {
    case 'logreg': return new wg.ml.LogisticRegression({ maxIter: 500, ...cw });
    case 'tree': return new wg.ml.DecisionTreeClassifier({ maxDepth: 8, randomState: seed, ...cw });
    case 'forest': return new wg.ml.RandomForestClassifier({ nEstimators: 50, randomState: seed, ...cw });
    case 'knn': return new wg.ml.KNeighborsClassifier({ nNeighbors: 5 });
    case 'nb': return new wg.ml.GaussianNB();
    case 'linreg': return new wg.ml.LinearRegression();
    case 'ridge': return new wg.ml.Ridge({ alpha: 1 });
    case 'lasso': return new wg.ml.Lasso({ alpha: 0.1 });
    case 'treeR': return new wg.ml.DecisionTreeRegressor({ maxDepth: 8, randomState: seed });
    case 'forestR': return new wg.ml.RandomForestRegressor({ nEstimators: 50, randomState: seed });
    case 'knnR': return new wg.ml.KNeighborsRegressor({ nNeighbors: 5 });
    default: return null;
  }
}

/** The positive class's column of [n, 2] probabilities, as [n]. */
const positive = (proba: wg.Tensor) => proba.slice(1, 1, 1).reshape([-1]);

export function score(p: Prepared, pred: wg.Tensor, sc?: wg.Tensor): Scores {
  const yTest = p.split.yTest;
  const m = wg.metrics;
  if (p.task === 'regression') return { r2: m.r2(yTest, pred), mae: m.mae(yTest, pred) };
  const binary = p.classes.length === 2;
  const out: Scores = { accuracy: m.accuracy(yTest, pred), f1: m.f1(yTest, pred, { average: binary ? 'binary' : 'macro' }) };
  if (binary) out.recall = m.recall(yTest, pred);
  const safe = (f: () => number) => {
    try { return f(); } catch { return undefined; }
  };
  if (sc) {
    out.rocAuc = safe(() => m.rocAuc(yTest, sc));
    if (binary) {
      out.prAuc = safe(() => m.averagePrecision(yTest, sc));
      out.recallAtP90 = safe(() => m.recallAtPrecision(yTest, sc, 0.9).recall);
    }
  }
  return out;
}

function weightsOf(est: AnyEstimator): Result['weights'] {
  const names = est.attributeNames;
  if (names.includes('featureImportances')) return { kind: 'feature importances', values: Array.from((est.attribute('featureImportances') as wg.Tensor).dataSync()) };
  if (names.includes('coef')) {
    const c = est.attribute('coef') as wg.Tensor;
    const d = Array.from(c.dataSync());
    const nf = c.shape[c.shape.length - 1];
    return { kind: c.shape.length === 2 && c.shape[0] > 1 ? 'coefficients (first class)' : 'coefficients', values: d.slice(0, nf) };
  }
  return undefined;
}

/** Fits one model on the training split and scores it on the test split. */
export async function trainOne(
  p: Prepared, def: ModelDef, opts: { seed: number; balanced: boolean; onProgress: (fraction: number) => void },
): Promise<Result> {
  const { xTrain, yTrain, xTest } = p.split;
  const binary = p.task === 'classification' && p.classes.length === 2;
  const t0 = performance.now();
  let pred: wg.Tensor;
  let sc: wg.Tensor | undefined;
  let weights: Result['weights'];
  const est = estimator(def.id, opts.seed, opts.balanced);
  if (est) {
    await est.fit(xTrain, yTrain);
    pred = await est.predict(xTest);
    if (p.task === 'classification') {
      const proba = await est.predictProba(xTest);
      sc = binary ? positive(proba) : proba;
    }
    weights = weightsOf(est);
    est.dispose();
  } else {
    const classification = p.task === 'classification';
    const k = classification ? p.classes.length : 1;
    const model = wg.sequential([wg.dense({ units: 32, activation: 'relu' }), wg.dense({ units: k })], { inputShape: [p.featureNames.length], seed: opts.seed });
    let loss: wg.Loss = 'mse';
    if (classification) {
      const classWeights = opts.balanced ? wg.ml.computeClassWeight('balanced', { classes: p.classes.map((_, i) => i), y: yTrain }) : undefined;
      loss = { type: 'softmaxCrossEntropy', classWeights };
    }
    model.compile({ optimizer: wg.adam(0.01), loss });
    const epochs = 30;
    // Regression targets are standardised for the network (wg.ml.StandardScaler) and its
    // predictions mapped back with the scaler's mean and scale.
    const scaler = classification ? null : new wg.ml.StandardScaler();
    const target = scaler ? await scaler.fitTransform(yTrain.reshape([-1, 1])) : yTrain;
    await model.fit(xTrain, target, {
      epochs, batchSize: 64, onEpochEnd: (e: number) => opts.onProgress((e + 1) / epochs),
    });
    if (classification) {
      const proba = await model.predictProba(xTest);
      pred = proba.argMax(-1);
      sc = binary ? positive(proba) : proba;
    } else {
      const out = (await model.predict(xTest)).reshape([-1]);
      pred = out.mul(scaler!.scale.item()).add(scaler!.mean.item());
      scaler!.dispose();
    }
    model.dispose();
  }
  const ms = performance.now() - t0;
  return { id: def.id, title: def.title, ms, scores: score(p, pred, sc), pred, score: sc, weights };
}

/** The majority class (classification) or the training mean (regression), predicted for every
 *  test row: what "accuracy" looks like with no model at all. */
export function baseline(p: Prepared, majority: number): Result {
  const n = p.split.yTest.shape[0];
  const t0 = performance.now();
  let pred: wg.Tensor;
  let sc: wg.Tensor | undefined;
  if (p.task === 'regression') {
    pred = wg.full([n], p.split.yTrain.mean().item());
  } else {
    pred = wg.tensor(new Int32Array(n).fill(majority));
    const k = p.classes.length;
    sc = k === 2 ? wg.full([n], majority === 1 ? 1 : 0) : wg.tensor(Array.from({ length: n }, () => p.classes.map((_, j) => (j === majority ? 1 : 0))));
  }
  const title = p.task === 'regression' ? 'Baseline: training mean' : `Baseline: always “${p.classes[majority]}”`;
  return { id: 'baseline', title, ms: performance.now() - t0, scores: score(p, pred, sc), pred, score: sc, baseline: true };
}
