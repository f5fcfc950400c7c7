//! webgrad's own threshold tools for imbalanced classes (not in scikit-learn). The positive
//! class is the label 1 (scikit-learn's default pos_label) and a sample is predicted positive
//! when its score is ≥ the threshold, the convention of scikit-learn's curves.
use super::{check_pair, curves::binary_clf_curve};
use crate::{MlError, Result};

/// The best recall reachable with precision ≥ `min_precision`, and the threshold that gives it.
///
/// Candidates are the distinct scores (the thresholds of [`super::precision_recall_curve`]);
/// at each, precision = tp / (tp + fp) and recall = tp / (number of positives). Among the
/// candidates whose precision reaches `min_precision`, the one with the highest recall wins;
/// on equal recall the highest threshold (fewest false positives). When none qualifies the
/// answer is (0.0, +∞): predict nothing positive. y_true must contain a positive (label 1).
pub fn recall_at_precision(y_true: &[f64], y_score: &[f64], min_precision: f64) -> Result<(f64, f64)> {
    const WHAT: &str = "recallAtPrecision";
    check_pair(WHAT, ("yTrue", y_true), ("yScore", y_score))?;
    if !(0.0..=1.0).contains(&min_precision) {
        return Err(MlError::new(WHAT, format!("minPrecision is {min_precision}, outside [0, 1]")));
    }
    let (fps, tps, thr) = binary_clf_curve(y_true, y_score, 1.0);
    let positives = *tps.last().unwrap();
    if positives == 0.0 {
        return Err(MlError::new(WHAT, "yTrue has no positive samples (label 1), so recall is not defined"));
    }
    let mut best = (0.0, f64::INFINITY);
    // Thresholds come highest first, so a strict > keeps the highest threshold on ties.
    for i in 0..thr.len() {
        let (precision, recall) = (tps[i] / (tps[i] + fps[i]), tps[i] / positives);
        if precision >= min_precision && recall > best.0 {
            best = (recall, thr[i]);
        }
    }
    Ok(best)
}

/// The confusion counts and cost of one threshold ([`threshold_report`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThresholdReport {
    pub tp: f64,
    pub fp: f64,
    pub tn: f64,
    pub fn_: f64,
    /// tp / (tp + fp), 0 when nothing is predicted positive (scikit-learn's zero_division).
    pub precision: f64,
    /// tp / (tp + fn), 0 when y_true has no positives.
    pub recall: f64,
    /// cost_fn · fn + cost_fp · fp.
    pub cost: f64,
}

/// Predict positive where score ≥ `threshold` and count the outcome, pricing each false
/// negative at `cost_fn` and each false positive at `cost_fp` (finite, ≥ 0).
pub fn threshold_report(y_true: &[f64], y_score: &[f64], threshold: f64, cost_fn: f64, cost_fp: f64) -> Result<ThresholdReport> {
    const WHAT: &str = "thresholdReport";
    check_pair(WHAT, ("yTrue", y_true), ("yScore", y_score))?;
    if threshold.is_nan() {
        return Err(MlError::new(WHAT, "threshold is NaN"));
    }
    for (name, c) in [("costFn", cost_fn), ("costFp", cost_fp)] {
        if !(c.is_finite() && c >= 0.0) {
            return Err(MlError::new(WHAT, format!("{name} is {c} (costs must be finite and ≥ 0)")));
        }
    }
    let (mut tp, mut fp, mut tn, mut fn_) = (0.0, 0.0, 0.0, 0.0);
    for (&t, &s) in y_true.iter().zip(y_score) {
        match (t == 1.0, s >= threshold) {
            (true, true) => tp += 1.0,
            (false, true) => fp += 1.0,
            (false, false) => tn += 1.0,
            (true, false) => fn_ += 1.0,
        }
    }
    let div = |a: f64, b: f64| if b == 0.0 { 0.0 } else { a / b };
    Ok(ThresholdReport { tp, fp, tn, fn_, precision: div(tp, tp + fp), recall: div(tp, tp + fn_), cost: cost_fn * fn_ + cost_fp * fp })
}
