// `wg.metrics`: scikit-learn's metrics, computed by the engine (webgrad-ml) on the page. Labels
// and scores are tensors or arrays; the results are numbers or plain objects.
import { engine } from './engine.js';
import { float64Values, type TensorLike } from './tensor.js';

export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

function run<T>(name: string, yTrue: TensorLike, yPred: TensorLike, options?: object): T {
  const t = float64Values(yTrue);
  const p = float64Values(yPred);
  const cols = p.shape.length === 2 ? p.shape[1] : undefined;
  const opts = cols !== undefined && !(options && 'cols' in options) ? { ...options, cols } : options;
  return engine().metric(name, t.data, p.data, opts) as T;
}

export interface AverageOptions {
  /** 'binary' (default: the score of `posLabel`), 'micro', 'macro' or 'weighted'. */
  average?: Average;
  posLabel?: number;
}

export const accuracy = (yTrue: TensorLike, yPred: TensorLike, opts?: { sampleWeight?: number[] }): number => run('accuracy', yTrue, yPred, opts);
export const precision = (yTrue: TensorLike, yPred: TensorLike, opts?: AverageOptions): number => run('precision', yTrue, yPred, opts);
export const recall = (yTrue: TensorLike, yPred: TensorLike, opts?: AverageOptions): number => run('recall', yTrue, yPred, opts);
export const f1 = (yTrue: TensorLike, yPred: TensorLike, opts?: AverageOptions): number => run('f1', yTrue, yPred, opts);
export const r2 = (yTrue: TensorLike, yPred: TensorLike): number => run('r2', yTrue, yPred);
export const mae = (yTrue: TensorLike, yPred: TensorLike): number => run('mae', yTrue, yPred);
export const mse = (yTrue: TensorLike, yPred: TensorLike): number => run('mse', yTrue, yPred);
export const adjustedRandScore = (labelsTrue: TensorLike, labelsPred: TensorLike): number => run('adjustedRandScore', labelsTrue, labelsPred);

/** Rows are true labels, columns predicted, both in `labels` order. */
export const confusionMatrix = (yTrue: TensorLike, yPred: TensorLike, opts?: { labels?: number[] }): { labels: number[]; matrix: number[][] } =>
  run('confusionMatrix', yTrue, yPred, opts);

/** Binary: `yScore` [n] is the positive class's score. Multiclass (one-vs-rest, macro):
 *  `yScore` [n, classes] probabilities. */
export const rocAuc = (yTrue: TensorLike, yScore: TensorLike): number => run('rocAuc', yTrue, yScore);

/** thresholds[0] is +∞ in scikit-learn; here it is `null` (JSON has no infinity). */
export const rocCurve = (yTrue: TensorLike, yScore: TensorLike, opts?: { posLabel?: number; dropIntermediate?: boolean }): { fpr: number[]; tpr: number[]; thresholds: (number | null)[] } =>
  run('rocCurve', yTrue, yScore, opts);

export const precisionRecallCurve = (yTrue: TensorLike, yScore: TensorLike, opts?: { posLabel?: number; dropIntermediate?: boolean }): { precision: number[]; recall: number[]; thresholds: number[] } =>
  run('precisionRecallCurve', yTrue, yScore, opts);

/** The area under the precision–recall curve as a step function (scikit-learn's AP). */
export const averagePrecision = (yTrue: TensorLike, yScore: TensorLike, opts?: { posLabel?: number }): number => run('averagePrecision', yTrue, yScore, opts);

/** `yProba` [n, classes] (columns in sorted label order) or [n] (the positive class). */
export const logLoss = (yTrue: TensorLike, yProba: TensorLike, opts?: { labels?: number[] }): number => run('logLoss', yTrue, yProba, opts);

export interface ReportRow {
  label: number;
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}
export interface ClassificationReport {
  classes: ReportRow[];
  accuracy: number;
  macroAvg: ReportRow;
  weightedAvg: ReportRow;
  /** scikit-learn's `classification_report` text. */
  text: string;
}
export const classificationReport = (yTrue: TensorLike, yPred: TensorLike, opts?: { targetNames?: string[]; digits?: number }): ClassificationReport =>
  run('classificationReport', yTrue, yPred, opts);

/** webgrad's: the best recall over thresholds whose precision is at least `minPrecision` (label
 *  1 positive, positive when score ≥ threshold); threshold `null` when none reaches it. */
export const recallAtPrecision = (yTrue: TensorLike, yScore: TensorLike, minPrecision: number): { recall: number; threshold: number | null } =>
  run('recallAtPrecision', yTrue, yScore, { minPrecision });

/** webgrad's: the confusion counts, precision, recall and cost (costFn per missed positive,
 *  costFp per false alarm) when predicting positive at score ≥ threshold. */
export const thresholdReport = (
  yTrue: TensorLike,
  yScore: TensorLike,
  opts: { threshold: number; costFn?: number; costFp?: number },
): { tp: number; fp: number; tn: number; fn: number; precision: number; recall: number; cost: number } => run('thresholdReport', yTrue, yScore, opts);
