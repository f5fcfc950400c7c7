// The estimators of `wg.ml`, with scikit-learn's class names and parameters (camelCase). The
// defaults are scikit-learn 1.5's and live in the engine (webgrad-ml): an option left out here
// is left out of what the engine receives.
import { Estimator } from './ml.js';
import { engine } from './engine.js';
import { float64Values, type Tensor, type TensorLike } from './tensor.js';

export { Estimator } from './ml.js';
export type { Data, EstimatorKind } from './ml.js';

/** `'balanced'` weighs each class by n_samples / (n_classes · its count); or weights by label. */
export type ClassWeight = 'balanced' | Record<string, number> | null;
export type MaxFeatures = number | 'sqrt' | 'log2' | null;

/** The fitted attributes linear models share. */
class Linear<P extends object> extends Estimator<P> {
  /** [features] for one target, [classes or 1, features] for LogisticRegression. */
  get coef(): Tensor {
    return this.tensorAttr('coef');
  }
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

export interface LinearRegressionParams { fitIntercept?: boolean }
export class LinearRegression extends Linear<LinearRegressionParams> {
  constructor(params: LinearRegressionParams = {}) { super('LinearRegression', params); }
}

export interface RidgeParams { alpha?: number; fitIntercept?: boolean }
export class Ridge extends Linear<RidgeParams> {
  constructor(params: RidgeParams = {}) { super('Ridge', params); }
}

export interface LassoParams { alpha?: number; fitIntercept?: boolean; maxIter?: number; tol?: number; positive?: boolean }
export class Lasso extends Linear<LassoParams> {
  constructor(params: LassoParams = {}) { super('Lasso', params); }
}

export interface LogisticRegressionParams {
  penalty?: 'l2' | null;
  C?: number;
  fitIntercept?: boolean;
  maxIter?: number;
  tol?: number;
  solver?: 'lbfgs' | 'newton-cg' | 'newton-cholesky';
  classWeight?: ClassWeight;
}
export class LogisticRegression extends Linear<LogisticRegressionParams> {
  constructor(params: LogisticRegressionParams = {}) { super('LogisticRegression', params); }
  get classes(): Tensor {
    return this.tensorAttr('classes');
  }
}

export interface GaussianNBParams { priors?: number[] | null; varSmoothing?: number }
export class GaussianNB extends Classifier<GaussianNBParams> {
  constructor(params: GaussianNBParams = {}) { super('GaussianNB', params); }
  /** Per-class feature means [classes, features]. */
  get theta(): Tensor { return this.tensorAttr('theta'); }
  /** Per-class feature variances [classes, features]. */
  get var(): Tensor { return this.tensorAttr('var'); }
  get classPrior(): Tensor { return this.tensorAttr('classPrior'); }
}

export interface KNeighborsParams { nNeighbors?: number; weights?: 'uniform' | 'distance'; p?: 1 | 2; metric?: 'minkowski' }
export class KNeighborsClassifier extends Classifier<KNeighborsParams> {
  constructor(params: KNeighborsParams = {}) { super('KNeighborsClassifier', params); }
}
export class KNeighborsRegressor extends Estimator<KNeighborsParams> {
  constructor(params: KNeighborsParams = {}) { super('KNeighborsRegressor', params); }
}

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
export class DecisionTreeClassifier extends Tree<DecisionTreeParams & { classWeight?: ClassWeight }> {
  constructor(params: DecisionTreeParams & { classWeight?: ClassWeight } = {}) { super('DecisionTreeClassifier', params); }
}
export class DecisionTreeRegressor extends Tree<DecisionTreeParams> {
  constructor(params: DecisionTreeParams = {}) { super('DecisionTreeRegressor', params); }
}

export interface RandomForestParams extends Omit<DecisionTreeParams, 'splitter'> {
  nEstimators?: number;
  bootstrap?: boolean;
  maxSamples?: number | null;
}
export class RandomForestClassifier extends Tree<RandomForestParams & { classWeight?: ClassWeight | 'balanced_subsample' }> {
  constructor(params: RandomForestParams & { classWeight?: ClassWeight | 'balanced_subsample' } = {}) { super('RandomForestClassifier', params); }
}
export class RandomForestRegressor extends Tree<RandomForestParams> {
  constructor(params: RandomForestParams = {}) { super('RandomForestRegressor', params); }
}

export interface KMeansParams { nClusters?: number; init?: 'k-means++' | 'random'; nInit?: number | 'auto'; maxIter?: number; tol?: number; randomState?: number; algorithm?: 'lloyd' }
export class KMeans extends Estimator<KMeansParams> {
  constructor(params: KMeansParams = {}) { super('KMeans', params); }
  /** [clusters, features]. */
  get clusterCenters(): Tensor { return this.tensorAttr('clusterCenters'); }
  /** The cluster of each training sample. */
  get labels(): Tensor { return this.tensorAttr('labels'); }
  /** Sum of squared distances of the samples to their centres. */
  get inertia(): number { return this.numberAttr('inertia'); }
  get nIter(): number { return this.numberAttr('nIter'); }
}

export interface PCAParams { nComponents?: number | null; whiten?: boolean; svdSolver?: 'auto' | 'full' | 'covariance_eigh' }
export class PCA extends Estimator<PCAParams> {
  constructor(params: PCAParams = {}) { super('PCA', params); }
  /** [components, features], rows sorted by explained variance. */
  get components(): Tensor { return this.tensorAttr('components'); }
  get explainedVariance(): Tensor { return this.tensorAttr('explainedVariance'); }
  get explainedVarianceRatio(): Tensor { return this.tensorAttr('explainedVarianceRatio'); }
  get singularValues(): Tensor { return this.tensorAttr('singularValues'); }
  get mean(): Tensor { return this.tensorAttr('mean'); }
  get nComponents(): number { return this.numberAttr('nComponents'); }
}

export interface StandardScalerParams { withMean?: boolean; withStd?: boolean }
export class StandardScaler extends Estimator<StandardScalerParams> {
  constructor(params: StandardScalerParams = {}) { super('StandardScaler', params); }
  get mean(): Tensor { return this.tensorAttr('mean'); }
  get scale(): Tensor { return this.tensorAttr('scale'); }
  get var(): Tensor { return this.tensorAttr('var'); }
}

export interface MinMaxScalerParams { featureRange?: [number, number]; clip?: boolean }
export class MinMaxScaler extends Estimator<MinMaxScalerParams> {
  constructor(params: MinMaxScalerParams = {}) { super('MinMaxScaler', params); }
  get dataMin(): Tensor { return this.tensorAttr('dataMin'); }
  get dataMax(): Tensor { return this.tensorAttr('dataMax'); }
  get scale(): Tensor { return this.tensorAttr('scale'); }
  get min(): Tensor { return this.tensorAttr('min'); }
}

/** scikit-learn's `compute_class_weight(classWeight, { classes, y })`: one weight per class in
 *  `classes` order — e.g. the network's loss `{ type: 'softmaxCrossEntropy', classWeights }`.
 *  Computed by the engine on the page. */
export function computeClassWeight(classWeight: ClassWeight, opts: { classes: TensorLike; y: TensorLike }): number[] {
  return Array.from(engine().computeClassWeight(JSON.stringify(classWeight ?? null), float64Values(opts.classes).data, float64Values(opts.y).data));
}
