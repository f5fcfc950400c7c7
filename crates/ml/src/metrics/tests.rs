//! Every metric's input checks: the error names the metric (its JavaScript name) and says what is
//! wrong. The values themselves are checked against scikit-learn in tests/sklearn_metrics.rs.
use super::*;
use crate::Matrix;

/// The error of `r`, which must be one, as "what: message".
fn err<T: std::fmt::Debug>(r: Result<T>) -> String {
    r.expect_err("expected an error").to_string()
}

fn has(r: String, what: &str, part: &str) {
    assert!(r.starts_with(&format!("{what}: ")) && r.contains(part), "{r:?} should name {what} and say {part:?}");
}

#[test]
fn label_metrics_check_lengths_emptiness_and_nan() {
    let (a, b) = ([0.0, 1.0, 1.0], [0.0, 1.0]);
    has(err(accuracy(&a, &b)), "accuracy", "yTrue has 3 values but yPred has 2");
    has(err(accuracy(&[], &[])), "accuracy", "are empty");
    has(err(accuracy(&[0.0, f64::NAN], &[0.0, 1.0])), "accuracy", "yTrue[1] is NaN");
    has(err(accuracy_weighted(&a, &a, Some(&[1.0, 1.0]))), "accuracy", "sampleWeight has 2 values");
    has(err(accuracy_weighted(&a, &a, Some(&[1.0, -1.0, 1.0]))), "accuracy", "sampleWeight[1] is -1");
    has(err(accuracy_weighted(&a, &a, Some(&[0.0; 3]))), "accuracy", "sums to zero");
    has(err(precision(&a, &b, Average::Macro, 1.0)), "precision", "yTrue has 3 values");
    has(err(recall(&[], &[], Average::Micro, 1.0)), "recall", "are empty");
    has(err(f1(&a, &[0.0, f64::INFINITY, 1.0], Average::Weighted, 1.0)), "f1", "yPred[1] is inf");
    has(err(precision_recall_f1_support(&a, &b)), "precisionRecallF1", "yTrue has 3 values");
    has(err(confusion_matrix(&a, &b, None)), "confusionMatrix", "yTrue has 3 values");
    has(err(classification_report(&[], &[], None)), "classificationReport", "are empty");
    has(err(adjusted_rand_score(&a, &b)), "adjustedRandScore", "labelsTrue has 3 values but labelsPred has 2");
}

#[test]
fn binary_average_checks_the_positive_label() {
    let (y, p) = ([0.0, 1.0, 2.0], [0.0, 1.0, 1.0]);
    has(err(precision(&y, &p, Average::Binary, 1.0)), "precision", "multiclass (3 of them) but average is 'binary'");
    has(err(f1(&[2.0, 7.0], &[2.0, 2.0], Average::Binary, 1.0)), "f1", "posLabel=1 is not a valid label");
    // One label present and pos_label absent: 0/0, which is 0 (scikit-learn's zero_division).
    assert_eq!(recall(&[0.0, 0.0], &[0.0, 0.0], Average::Binary, 1.0).unwrap(), 0.0);
    assert_eq!("weighted".parse::<Average>().unwrap(), Average::Weighted);
    has(err("samples".parse::<Average>()), "average", "\"samples\" is not one of");
}

#[test]
fn confusion_matrix_checks_its_labels() {
    let y = [0.0, 1.0];
    has(err(confusion_matrix(&y, &y, Some(&[]))), "confusionMatrix", "at least one label");
    has(err(confusion_matrix(&y, &y, Some(&[5.0]))), "confusionMatrix", "must be in yTrue");
    let names = vec!["a".to_string()];
    has(err(classification_report(&y, &y, Some(&names))), "classificationReport", "2 classes but 1 targetNames");
}

#[test]
fn score_metrics_check_their_inputs() {
    let (y, s) = ([0.0, 1.0, 1.0], [0.2, 0.9]);
    has(err(roc_curve(&y, &s, 1.0, true)), "rocCurve", "yTrue has 3 values but yScore has 2");
    has(err(roc_curve(&[0.0, 1.0], &[0.5, f64::NAN], 1.0, true)), "rocCurve", "yScore[1] is NaN");
    has(err(precision_recall_curve(&[], &[], 1.0, false)), "precisionRecallCurve", "are empty");
    has(err(roc_auc(&y, &s)), "rocAuc", "yTrue has 3 values");
    has(err(roc_auc(&[1.0, 1.0], &[0.2, 0.3])), "rocAuc", "Only one class present in y_true. ROC AUC score is not defined in that case.");
    has(err(roc_auc(&[0.0, 1.0, 2.0], &[0.1, 0.2, 0.3])), "rocAuc", "3 classes");
    has(err(average_precision(&[0.0, 1.0], &[0.1, 0.2], 2.0)), "averagePrecision", "posLabel=2 is not a valid label");
    has(err(average_precision(&[0.0, 1.0, 2.0], &[0.1, 0.2, 0.3], 1.0)), "averagePrecision", "binary only");
}

#[test]
fn roc_curve_without_negatives_is_nan_like_scikit_learn() {
    let (fpr, tpr, thr) = roc_curve(&[1.0, 1.0], &[0.2, 0.7], 1.0, true).unwrap();
    assert!(fpr.iter().all(|v| v.is_nan()));
    assert_eq!((tpr, thr), (vec![0.0, 0.5, 1.0], vec![f64::INFINITY, 0.7, 0.2]));
}

#[test]
fn probability_metrics_need_probabilities() {
    let y = [0.0, 1.0, 2.0];
    let good = Matrix::from_rows(&[vec![0.8, 0.1, 0.1], vec![0.2, 0.7, 0.1], vec![0.1, 0.1, 0.8]]).unwrap();
    let over = Matrix::from_rows(&[vec![1.2, -0.1, -0.1], vec![0.2, 0.7, 0.1], vec![0.1, 0.1, 0.8]]).unwrap();
    let unnormalised = Matrix::from_rows(&[vec![0.8, 0.8, 0.1], vec![0.2, 0.7, 0.1], vec![0.1, 0.1, 0.8]]).unwrap();
    has(err(roc_auc_ovr(&y, &over)), "rocAucOvr", "yProba[0] is 1.2, outside [0, 1]");
    has(err(roc_auc_ovr(&y, &unnormalised)), "rocAucOvr", "row 0 of yProba sums to 1.7");
    has(err(roc_auc_ovr(&y[..2], &good)), "rocAucOvr", "yTrue has 2 values but yProba has 3 rows");
    has(err(roc_auc_ovr(&[0.0, 1.0, 1.0], &good)), "rocAucOvr", "2 classes but yProba has 3 columns");
    has(err(roc_auc_ovr(&[1.0, 1.0, 1.0], &Matrix::zeros(3, 1))), "rocAucOvr", "Only one class present");
    has(err(log_loss(&y, &over, None)), "logLoss", "outside [0, 1]");
    has(err(log_loss(&y, &unnormalised, None)), "logLoss", "row 0 of yProba sums to 1.7");
    has(err(log_loss(&[], &Matrix::zeros(0, 3), None)), "logLoss", "are empty");
    has(err(log_loss(&[1.0; 3], &good, None)), "logLoss", "only one label (1)");
    has(err(log_loss(&y, &good, Some(&[1.0]))), "logLoss", "at least two labels");
    has(err(log_loss(&[0.0, 1.0, 1.0], &good, None)), "logLoss", "2 classes [0.0, 1.0] but yProba has 3 columns");
    has(err(log_loss(&[0.0, 1.0, 5.0], &good, Some(&[0.0, 1.0, 2.0]))), "logLoss", "yTrue[2] is 5");
    has(err(log_loss(&[0.0, f64::NAN, 1.0], &good, None)), "logLoss", "yTrue[1] is NaN");
}

#[test]
fn regression_metrics_check_their_inputs() {
    has(err(mean_absolute_error(&[1.0], &[1.0, 2.0])), "mae", "yTrue has 1 values but yPred has 2");
    has(err(mean_squared_error(&[], &[])), "mse", "are empty");
    has(err(mean_squared_error(&[f64::NAN], &[1.0])), "mse", "yTrue[0] is NaN");
    has(err(r2(&[1.0], &[1.0])), "r2", "at least two samples");
}

#[test]
fn threshold_tools_check_their_inputs() {
    let (y, s) = ([0.0, 1.0, 1.0], [0.2, 0.9, 0.4]);
    has(err(recall_at_precision(&y, &s[..2], 0.5)), "recallAtPrecision", "yTrue has 3 values");
    has(err(recall_at_precision(&y, &s, 1.5)), "recallAtPrecision", "minPrecision is 1.5");
    has(err(recall_at_precision(&[0.0, 0.0], &[0.1, 0.2], 0.5)), "recallAtPrecision", "no positive samples");
    has(err(threshold_report(&y, &s, f64::NAN, 1.0, 1.0)), "thresholdReport", "threshold is NaN");
    has(err(threshold_report(&y, &s, 0.5, -1.0, 1.0)), "thresholdReport", "costFn is -1");
    has(err(threshold_report(&y, &[0.1, f64::NAN, 0.2], 0.5, 1.0, 1.0)), "thresholdReport", "yScore[1] is NaN");
    // A precision no threshold reaches: predict nothing positive.
    assert_eq!(recall_at_precision(&[0.0, 1.0, 0.0], &[0.9, 0.5, 0.1], 0.9).unwrap(), (0.0, f64::INFINITY));
}

#[test]
fn pairwise_sum_is_numpys_order() {
    // 1e16 + 1 + 1 … loses every 1 when summed left to right but pairs them up in blocks.
    let mut v = vec![1.0; 300];
    v[0] = 1e16;
    let seq: f64 = v.iter().sum();
    assert_eq!(seq, 1e16);
    assert!(pairwise_sum(&v) > 1e16);
    assert_eq!(pairwise_sum(&[1.0, 2.0, 3.0]), 6.0);
}
