/**
 * `wg.ml`: scikit-learn's estimators (same class names and parameters, camelCase), fitted by the
 * engine in the training worker.
 *
 * @module
 */
// The estimators of `wg.ml`, with scikit-learn's class names and parameters (camelCase). The
// defaults are scikit-learn 1.5's and live in the engine (webgrad-ml): an option left out here
// is left out of what the engine receives.
import { Estimator } from './ml.js';
import { engine } from './engine.js';
import { float64Values, type Tensor, type TensorLike } from './tensor.js';

export { Estimator } from './ml.js';
export type { Data, EstimatorKind } from './ml.js';

/**
 * `'balanced'` weighs each class by n_samples / (n_classes · its count); or weights by label.
 *
 * @example
 * ```ts
 * new wg.ml.LogisticRegression({ classWeight: 'balanced' });
 * new wg.ml.DecisionTreeClassifier({ classWeight: { 0: 1, 1: 5 } });
 * ```
 */
export type ClassWeight = 'balanced' | Record<string, number> | null;
/**
 * How many features a tree considers per split: a count, a fraction (0, 1], `'sqrt'`, `'log2'`
 * or all (`null`).
 *
 * @example
 * ```ts
 * new wg.ml.RandomForestClassifier({ maxFeatures: 'sqrt' });
 * ```
 */
export type MaxFeatures = number | 'sqrt' | 'log2' | null;

/** The fitted attributes linear models share. */
class Linear<P extends object> extends Estimator<P> {
  /** [features] for one target, [classes or 1, features] for LogisticRegression. */
  get coef(): Tensor {
    return this.tensorAttr('coef');
  }
  /** The constant term: a number for one target, a tensor [classes or 1] for LogisticRegression. */
  get intercept(): Tensor | number {
    return this.attribute('intercept');
  }
}
class Classifier<P extends object> extends Estimator<P> {
  /** The class labels, sorted (scikit-learn's `classes_`). */
  get classes(): Tensor {
    return this.tensorAttr('classes');
  }
}
class Tree<P extends object> extends Classifier<P> {
  /** Mean decrease in impurity, normalised to sum to 1. */
  get featureImportances(): Tensor {
    return this.tensorAttr('featureImportances');
  }
}

/**
 * scikit-learn's `LinearRegression` parameters.
 *
 * @example
 * ```ts
 * new wg.ml.LinearRegression({ fitIntercept: false });
 * ```
 */
export interface LinearRegressionParams { fitIntercept?: boolean }
/**
 * Ordinary least squares, scikit-learn's `LinearRegression`.
 *
 * @example
 * ```ts
 * const reg = await new wg.ml.LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
 * reg.coef.arraySync(); // [2]
 * reg.intercept;        // 1
 * ```
 */
export class LinearRegression extends Linear<LinearRegressionParams> {
  constructor(params: LinearRegressionParams = {}) { super('LinearRegression', params); }
}

/**
 * scikit-learn's `Ridge` parameters (`alpha`: the L2 penalty, default 1).
 *
 * @example
 * ```ts
 * new wg.ml.Ridge({ alpha: 0.1 });
 * ```
 */
export interface RidgeParams { alpha?: number; fitIntercept?: boolean }
/**
 * Least squares with an L2 penalty, scikit-learn's `Ridge`.
 *
 * @example
 * ```ts
 * const ridge = await new wg.ml.Ridge({ alpha: 1 }).fit(x, y);
 * await ridge.score(x, y); // R²
 * ```
 */
export class Ridge extends Linear<RidgeParams> {
  constructor(params: RidgeParams = {}) { super('Ridge', params); }
}

/**
 * scikit-learn's `Lasso` parameters (`alpha`: the L1 penalty, default 1).
 *
 * @example
 * ```ts
 * new wg.ml.Lasso({ alpha: 0.01, maxIter: 5000 });
 * ```
 */
export interface LassoParams { alpha?: number; fitIntercept?: boolean; maxIter?: number; tol?: number; positive?: boolean }
/**
 * Least squares with an L1 penalty (sparse coefficients) by coordinate descent, scikit-learn's `Lasso`.
 *
 * @example
 * ```ts
 * const lasso = await new wg.ml.Lasso({ alpha: 0.1 }).fit(x, y);
 * lasso.coef; // zeros for the features it dropped
 * ```
 */
export class Lasso extends Linear<LassoParams> {
  constructor(params: LassoParams = {}) { super('Lasso', params); }
}

/**
 * scikit-learn's `LogisticRegression` parameters (`C`: inverse regularisation strength).
 *
 * @example
 * ```ts
 * new wg.ml.LogisticRegression({ C: 0.5, maxIter: 200, classWeight: 'balanced' });
 * ```
 */
export interface LogisticRegressionParams {
  penalty?: 'l2' | null;
  C?: number;
  fitIntercept?: boolean;
  maxIter?: number;
  tol?: number;
  solver?: 'lbfgs' | 'newton-cg' | 'newton-cholesky';
  classWeight?: ClassWeight;
}
/**
 * Logistic regression (multinomial for more than two classes), scikit-learn's `LogisticRegression`.
 *
 * @example
 * ```ts
 * const clf = await new wg.ml.LogisticRegression().fit(x, y);
 * const p = await clf.predictProba(x); // [samples, classes]
 * clf.classes.arraySync();
 * ```
 */
export class LogisticRegression extends Linear<LogisticRegressionParams> {
  constructor(params: LogisticRegressionParams = {}) { super('LogisticRegression', params); }
  /** The class labels, sorted (scikit-learn's `classes_`). */
  get classes(): Tensor {
    return this.tensorAttr('classes');
  }
}

/**
 * scikit-learn's `GaussianNB` parameters.
 *
 * @example
 * ```ts
 * new wg.ml.GaussianNB({ varSmoothing: 1e-9 });
 * ```
 */
export interface GaussianNBParams { priors?: number[] | null; varSmoothing?: number }
/**
 * Gaussian naive Bayes, scikit-learn's `GaussianNB`.
 *
 * @example
 * ```ts
 * const nb = await new wg.ml.GaussianNB().fit(x, y);
 * nb.theta; // per-class means
 * ```
 */
export class GaussianNB extends Classifier<GaussianNBParams> {
  constructor(params: GaussianNBParams = {}) { super('GaussianNB', params); }
  /** Per-class feature means [classes, features]. */
  get theta(): Tensor { return this.tensorAttr('theta'); }
  /** Per-class feature variances [classes, features]. */
  get var(): Tensor { return this.tensorAttr('var'); }
  /** The probability of each class [classes]. */
  get classPrior(): Tensor { return this.tensorAttr('classPrior'); }
}

/**
 * scikit-learn's k-nearest-neighbours parameters (`nNeighbors` default 5).
 *
 * @example
 * ```ts
 * new wg.ml.KNeighborsClassifier({ nNeighbors: 3, weights: 'distance' });
 * ```
 */
export interface KNeighborsParams { nNeighbors?: number; weights?: 'uniform' | 'distance'; p?: 1 | 2; metric?: 'minkowski' }
/**
 * Vote of the k nearest training samples, scikit-learn's `KNeighborsClassifier`.
 *
 * @example
 * ```ts
 * const knn = await new wg.ml.KNeighborsClassifier({ nNeighbors: 3 }).fit(x, y);
 * await knn.predict([[0, 0.5]]);
 * ```
 */
export class KNeighborsClassifier extends Classifier<KNeighborsParams> {
  constructor(params: KNeighborsParams = {}) { super('KNeighborsClassifier', params); }
}
/**
 * Mean of the k nearest training targets, scikit-learn's `KNeighborsRegressor`.
 *
 * @example
 * ```ts
 * const knn = await new wg.ml.KNeighborsRegressor({ nNeighbors: 5 }).fit(x, y);
 * ```
 */
export class KNeighborsRegressor extends Estimator<KNeighborsParams> {
  constructor(params: KNeighborsParams = {}) { super('KNeighborsRegressor', params); }
}

/**
 * scikit-learn's decision tree parameters.
 *
 * @example
 * ```ts
 * new wg.ml.DecisionTreeClassifier({ maxDepth: 4, minSamplesLeaf: 2, randomState: 0 });
 * ```
 */
export interface DecisionTreeParams {
  criterion?: 'gini' | 'entropy' | 'log_loss' | 'squared_error';
  splitter?: 'best';
  maxDepth?: number | null;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  maxFeatures?: MaxFeatures;
  minImpurityDecrease?: number;
  randomState?: number;
}
/**
 * A CART classification tree, scikit-learn's `DecisionTreeClassifier`.
 *
 * @example
 * ```ts
 * const tree = await new wg.ml.DecisionTreeClassifier({ maxDepth: 3 }).fit(x, y);
 * tree.featureImportances.arraySync();
 * ```
 */
export class DecisionTreeClassifier extends Tree<DecisionTreeParams & { classWeight?: ClassWeight }> {
  constructor(params: DecisionTreeParams & { classWeight?: ClassWeight } = {}) { super('DecisionTreeClassifier', params); }
}
/**
 * A CART regression tree, scikit-learn's `DecisionTreeRegressor`.
 *
 * @example
 * ```ts
 * const tree = await new wg.ml.DecisionTreeRegressor({ maxDepth: 5 }).fit(x, y);
 * ```
 */
export class DecisionTreeRegressor extends Tree<DecisionTreeParams> {
  constructor(params: DecisionTreeParams = {}) { super('DecisionTreeRegressor', params); }
}

/**
 * scikit-learn's random forest parameters (`nEstimators` default 100).
 *
 * @example
 * ```ts
 * new wg.ml.RandomForestRegressor({ nEstimators: 50, maxSamples: 0.5, randomState: 1 });
 * ```
 */
export interface RandomForestParams extends Omit<DecisionTreeParams, 'splitter'> {
  nEstimators?: number;
  bootstrap?: boolean;
  maxSamples?: number | null;
}
/**
 * Bagged classification trees, scikit-learn's `RandomForestClassifier`.
 *
 * @example
 * ```ts
 * const forest = await new wg.ml.RandomForestClassifier({ nEstimators: 100, randomState: 0 }).fit(x, y);
 * await forest.score(x, y); // accuracy
 * ```
 */
export class RandomForestClassifier extends Tree<RandomForestParams & { classWeight?: ClassWeight | 'balanced_subsample' }> {
  constructor(params: RandomForestParams & { classWeight?: ClassWeight | 'balanced_subsample' } = {}) { super('RandomForestClassifier', params); }
}
/**
 * Bagged regression trees, scikit-learn's `RandomForestRegressor`.
 *
 * @example
 * ```ts
 * const forest = await new wg.ml.RandomForestRegressor({ nEstimators: 50 }).fit(x, y);
 * ```
 */
export class RandomForestRegressor extends Tree<RandomForestParams> {
  constructor(params: RandomForestParams = {}) { super('RandomForestRegressor', params); }
}

/**
 * scikit-learn's `KMeans` parameters (`nClusters` default 8).
 *
 * @example
 * ```ts
 * new wg.ml.KMeans({ nClusters: 3, nInit: 'auto', randomState: 0 });
 * ```
 */
export interface KMeansParams { nClusters?: number; init?: 'k-means++' | 'random'; nInit?: number | 'auto'; maxIter?: number; tol?: number; randomState?: number; algorithm?: 'lloyd' }
/**
 * k-means clustering (k-means++ starts, Lloyd iterations), scikit-learn's `KMeans`.
 *
 * @example
 * ```ts
 * const km = await new wg.ml.KMeans({ nClusters: 2, randomState: 0 }).fit(x);
 * km.clusterCenters.shape; // [2, features]
 * km.inertia;
 * ```
 */
export class KMeans extends Estimator<KMeansParams> {
  constructor(params: KMeansParams = {}) { super('KMeans', params); }
  /** [clusters, features]. */
  get clusterCenters(): Tensor { return this.tensorAttr('clusterCenters'); }
  /** The cluster of each training sample. */
  get labels(): Tensor { return this.tensorAttr('labels'); }
  /** Sum of squared distances of the samples to their centres. */
  get inertia(): number { return this.numberAttr('inertia'); }
  /** Iterations of the best run. */
  get nIter(): number { return this.numberAttr('nIter'); }
}

/**
 * scikit-learn's `PCA` parameters.
 *
 * @example
 * ```ts
 * new wg.ml.PCA({ nComponents: 2, whiten: true });
 * ```
 */
export interface PCAParams { nComponents?: number | null; whiten?: boolean; svdSolver?: 'auto' | 'full' | 'covariance_eigh' }
/**
 * Principal component analysis, scikit-learn's `PCA`.
 *
 * @example
 * ```ts
 * const pca = await new wg.ml.PCA({ nComponents: 2 }).fit(x);
 * const z = await pca.transform(x); // [samples, 2]
 * pca.explainedVarianceRatio.arraySync();
 * ```
 */
export class PCA extends Estimator<PCAParams> {
  constructor(params: PCAParams = {}) { super('PCA', params); }
  /** [components, features], rows sorted by explained variance. */
  get components(): Tensor { return this.tensorAttr('components'); }
  /** Variance along each component [components]. */
  get explainedVariance(): Tensor { return this.tensorAttr('explainedVariance'); }
  /** Each component's share of the total variance [components]. */
  get explainedVarianceRatio(): Tensor { return this.tensorAttr('explainedVarianceRatio'); }
  /** The singular values of the centred data [components]. */
  get singularValues(): Tensor { return this.tensorAttr('singularValues'); }
  /** The per-feature mean removed before projecting [features]. */
  get mean(): Tensor { return this.tensorAttr('mean'); }
  /** The number of components kept. */
  get nComponents(): number { return this.numberAttr('nComponents'); }
}

/**
 * scikit-learn's `StandardScaler` parameters.
 *
 * @example
 * ```ts
 * new wg.ml.StandardScaler({ withMean: false });
 * ```
 */
export interface StandardScalerParams { withMean?: boolean; withStd?: boolean }
/**
 * Centre to mean 0 and scale to variance 1 per feature, scikit-learn's `StandardScaler`.
 *
 * @example
 * ```ts
 * const scaler = await new wg.ml.StandardScaler().fit(x);
 * const xs = await scaler.transform(x);
 * ```
 */
export class StandardScaler extends Estimator<StandardScalerParams> {
  constructor(params: StandardScalerParams = {}) { super('StandardScaler', params); }
  /** Per-feature mean [features]. */
  get mean(): Tensor { return this.tensorAttr('mean'); }
  /** Per-feature scale (the standard deviation) [features]. */
  get scale(): Tensor { return this.tensorAttr('scale'); }
  /** Per-feature variance [features]. */
  get var(): Tensor { return this.tensorAttr('var'); }
}

/**
 * scikit-learn's `MinMaxScaler` parameters (`featureRange` default [0, 1]).
 *
 * @example
 * ```ts
 * new wg.ml.MinMaxScaler({ featureRange: [-1, 1], clip: true });
 * ```
 */
export interface MinMaxScalerParams { featureRange?: [number, number]; clip?: boolean }
/**
 * Scale each feature into `featureRange`, scikit-learn's `MinMaxScaler`.
 *
 * @example
 * ```ts
 * const mm = await new wg.ml.MinMaxScaler().fit([[0], [5], [10]]);
 * (await mm.transform([[5]])).arraySync(); // [[0.5]]
 * ```
 */
export class MinMaxScaler extends Estimator<MinMaxScalerParams> {
  constructor(params: MinMaxScalerParams = {}) { super('MinMaxScaler', params); }
  /** Per-feature minimum seen by `fit` [features]. */
  get dataMin(): Tensor { return this.tensorAttr('dataMin'); }
  /** Per-feature maximum seen by `fit` [features]. */
  get dataMax(): Tensor { return this.tensorAttr('dataMax'); }
  /** Per-feature factor of the transform (`x * scale + min`) [features]. */
  get scale(): Tensor { return this.tensorAttr('scale'); }
  /** Per-feature offset of the transform [features]. */
  get min(): Tensor { return this.tensorAttr('min'); }
}

/**
 * scikit-learn's `compute_class_weight(classWeight, { classes, y })`: one weight per class in
 * `classes` order — e.g. the network's loss `{ type: 'softmaxCrossEntropy', classWeights }`.
 * Computed by the engine on the page.
 *
 * @example
 * ```ts
 * const classWeights = wg.ml.computeClassWeight('balanced', { classes: [0, 1], y: [0, 0, 0, 1] }); // [0.667, 2]
 * model.compile({ optimizer: wg.adam(), loss: { type: 'softmaxCrossEntropy', classWeights } });
 * ```
 */
export function computeClassWeight(classWeight: ClassWeight, opts: { classes: TensorLike; y: TensorLike }): number[] {
  return Array.from(engine().computeClassWeight(JSON.stringify(classWeight ?? null), float64Values(opts.classes).data, float64Values(opts.y).data));
}
