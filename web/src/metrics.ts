/**
 * `wg.metrics`: scikit-learn's metrics, computed by the engine on the page.
 *
 * @module
 */
// `wg.metrics`: scikit-learn's metrics, computed by the engine (webgrad-ml) on the page. Labels
// and scores are tensors or arrays; the results are numbers or plain objects.
import { engine } from './engine.js';
import { float64Values, type TensorLike } from './tensor.js';

/**
 * How precision, recall and F1 combine classes: the positive class only (`'binary'`), pooled
 * counts (`'micro'`), the unweighted mean (`'macro'`) or the support-weighted mean (`'weighted'`).
 *
 * @example
 * ```ts
 * wg.metrics.f1([0, 1, 2, 2], [0, 2, 2, 2], { average: 'macro' });
 * ```
 */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

function run<T>(name: string, yTrue: TensorLike, yPred: TensorLike, options?: object): T {
  const t = float64Values(yTrue);
  const p = float64Values(yPred);
  const cols = p.shape.length === 2 ? p.shape[1] : undefined;
  const opts = cols !== undefined && !(options && 'cols' in options) ? { ...options, cols } : options;
  return engine().metric(name, t.data, p.data, opts) as T;
}

/**
 * Options of `precision`, `recall` and `f1`.
 *
 * @example
 * ```ts
 * wg.metrics.precision([0, 1, 1], [0, 1, 0], { average: 'binary', posLabel: 1 }); // 1
 * ```
 */
export interface AverageOptions {
  /** 'binary' (default: the score of `posLabel`), 'micro', 'macro' or 'weighted'. */
  average?: Average;
  posLabel?: number;
}

/**
 * The fraction of predictions equal to the labels (scikit-learn's `accuracy_score`).
 *
 * @example
 * ```ts
 * wg.metrics.accuracy([0, 1, 1, 0], [0, 1, 0, 0]); // 0.75
 * ```
 */
export const accuracy = (yTrue: TensorLike, yPred: TensorLike, opts?: { sampleWeight?: number[] }): number => run('accuracy', yTrue, yPred, opts);
/**
 * tp / (tp + fp) (scikit-learn's `precision_score`).
 *
 * @example
 * ```ts
 * wg.metrics.precision([0, 1, 1, 0], [1, 1, 0, 0]); // 0.5
 * ```
 */
export const precision = (yTrue: TensorLike, yPred: TensorLike, opts?: AverageOptions): number => run('precision', yTrue, yPred, opts);
/**
 * tp / (tp + fn) (scikit-learn's `recall_score`).
 *
 * @example
 * ```ts
 * wg.metrics.recall([0, 1, 1, 0], [1, 1, 0, 0]); // 0.5
 * ```
 */
export const recall = (yTrue: TensorLike, yPred: TensorLike, opts?: AverageOptions): number => run('recall', yTrue, yPred, opts);
/**
 * The harmonic mean of precision and recall (scikit-learn's `f1_score`).
 *
 * @example
 * ```ts
 * wg.metrics.f1([0, 1, 1, 0], [1, 1, 0, 0]); // 0.5
 * ```
 */
export const f1 = (yTrue: TensorLike, yPred: TensorLike, opts?: AverageOptions): number => run('f1', yTrue, yPred, opts);
/**
 * The coefficient of determination R² (scikit-learn's `r2_score`).
 *
 * @example
 * ```ts
 * wg.metrics.r2([1, 2, 3], [1, 2, 3]); // 1
 * ```
 */
export const r2 = (yTrue: TensorLike, yPred: TensorLike): number => run('r2', yTrue, yPred);
/**
 * Mean absolute error (scikit-learn's `mean_absolute_error`).
 *
 * @example
 * ```ts
 * wg.metrics.mae([1, 2], [1, 4]); // 1
 * ```
 */
export const mae = (yTrue: TensorLike, yPred: TensorLike): number => run('mae', yTrue, yPred);
/**
 * Mean squared error (scikit-learn's `mean_squared_error`).
 *
 * @example
 * ```ts
 * wg.metrics.mse([1, 2], [1, 4]); // 2
 * ```
 */
export const mse = (yTrue: TensorLike, yPred: TensorLike): number => run('mse', yTrue, yPred);
/**
 * Agreement of two clusterings, corrected for chance (1 = identical up to renaming).
 *
 * @example
 * ```ts
 * wg.metrics.adjustedRandScore([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * ```
 */
export const adjustedRandScore = (labelsTrue: TensorLike, labelsPred: TensorLike): number => run('adjustedRandScore', labelsTrue, labelsPred);

/**
 * Rows are true labels, columns predicted, both in `labels` order.
 *
 * @example
 * ```ts
 * const { labels, matrix } = wg.metrics.confusionMatrix([0, 1, 1], [0, 0, 1]);
 * // labels [0, 1], matrix [[1, 0], [1, 1]]
 * ```
 */
export const confusionMatrix = (yTrue: TensorLike, yPred: TensorLike, opts?: { labels?: number[] }): { labels: number[]; matrix: number[][] } =>
  run('confusionMatrix', yTrue, yPred, opts);

/**
 * Area under the ROC curve. Binary: `yScore` [n] is the positive class's score. Multiclass
 * (one-vs-rest, macro): `yScore` [n, classes] probabilities.
 *
 * @example
 * ```ts
 * wg.metrics.rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export const rocAuc = (yTrue: TensorLike, yScore: TensorLike): number => run('rocAuc', yTrue, yScore);

/**
 * The ROC curve's points; thresholds[0] is +∞ in scikit-learn, here it is `null` (JSON has no
 * infinity).
 *
 * @example
 * ```ts
 * const { fpr, tpr, thresholds } = wg.metrics.rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * ```
 */
export const rocCurve = (yTrue: TensorLike, yScore: TensorLike, opts?: { posLabel?: number; dropIntermediate?: boolean }): { fpr: number[]; tpr: number[]; thresholds: (number | null)[] } =>
  run('rocCurve', yTrue, yScore, opts);

/**
 * Precision and recall at every score threshold (scikit-learn's `precision_recall_curve`).
 *
 * @example
 * ```ts
 * const { precision, recall, thresholds } = wg.metrics.precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * ```
 */
export const precisionRecallCurve = (yTrue: TensorLike, yScore: TensorLike, opts?: { posLabel?: number; dropIntermediate?: boolean }): { precision: number[]; recall: number[]; thresholds: number[] } =>
  run('precisionRecallCurve', yTrue, yScore, opts);

/**
 * The area under the precision–recall curve as a step function (scikit-learn's AP).
 *
 * @example
 * ```ts
 * wg.metrics.averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // ≈ 0.83
 * ```
 */
export const averagePrecision = (yTrue: TensorLike, yScore: TensorLike, opts?: { posLabel?: number }): number => run('averagePrecision', yTrue, yScore, opts);

/**
 * Cross-entropy of predicted probabilities: `yProba` [n, classes] (columns in sorted label order)
 * or [n] (the positive class).
 *
 * @example
 * ```ts
 * wg.metrics.logLoss([0, 1], [[0.9, 0.1], [0.2, 0.8]]); // ≈ 0.164
 * ```
 */
export const logLoss = (yTrue: TensorLike, yProba: TensorLike, opts?: { labels?: number[] }): number => run('logLoss', yTrue, yProba, opts);

/**
 * One row of `classificationReport`.
 *
 * @example
 * ```ts
 * const row: wg.metrics.ReportRow = wg.metrics.classificationReport([0, 1], [0, 1]).macroAvg;
 * row.f1; // 1
 * ```
 */
export interface ReportRow {
  label: number;
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}
/**
 * Per-class precision, recall, F1 and support, with their averages (scikit-learn's
 * `classification_report`, as data and as text).
 *
 * @example
 * ```ts
 * const report: wg.metrics.ClassificationReport = wg.metrics.classificationReport([0, 1, 1], [0, 1, 0]);
 * report.accuracy; // 0.667
 * ```
 */
export interface ClassificationReport {
  classes: ReportRow[];
  accuracy: number;
  macroAvg: ReportRow;
  weightedAvg: ReportRow;
  /** scikit-learn's `classification_report` text. */
  text: string;
}
/**
 * scikit-learn's `classification_report`: per-class scores, averages and the text table.
 *
 * @example
 * ```ts
 * const r = wg.metrics.classificationReport([0, 1, 1], [0, 1, 0], { targetNames: ['no', 'yes'] });
 * console.log(r.text);
 * ```
 */
export const classificationReport = (yTrue: TensorLike, yPred: TensorLike, opts?: { targetNames?: string[]; digits?: number }): ClassificationReport =>
  run('classificationReport', yTrue, yPred, opts);

/**
 * webgrad's: the best recall over thresholds whose precision is at least `minPrecision` (label
 * 1 positive, positive when score ≥ threshold); threshold `null` when none reaches it.
 *
 * @example
 * ```ts
 * const { recall, threshold } = wg.metrics.recallAtPrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.9);
 * // recall 0.5, threshold 0.8
 * ```
 */
export const recallAtPrecision = (yTrue: TensorLike, yScore: TensorLike, minPrecision: number): { recall: number; threshold: number | null } =>
  run('recallAtPrecision', yTrue, yScore, { minPrecision });

/**
 * webgrad's: the confusion counts, precision, recall and cost (costFn per missed positive,
 * costFp per false alarm) when predicting positive at score ≥ threshold.
 *
 * @example
 * ```ts
 * const r = wg.metrics.thresholdReport([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { threshold: 0.3, costFn: 10, costFp: 1 });
 * r.cost; // 10 · fn + 1 · fp
 * ```
 */
export const thresholdReport = (
  yTrue: TensorLike,
  yScore: TensorLike,
  opts: { threshold: number; costFn?: number; costFp?: number },
): { tp: number; fp: number; tn: number; fn: number; precision: number; recall: number; cost: number } => run('thresholdReport', yTrue, yScore, opts);
