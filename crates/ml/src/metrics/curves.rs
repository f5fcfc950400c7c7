//! Ranking metrics over scores: ROC and precision-recall curves, ROC AUC, average precision.
use super::{check_finite, check_pair, check_probabilities, mean, pairwise_sum, unique};
use crate::{Matrix, MlError, Result};

/// scikit-learn's `_binary_clf_curve`: for each distinct score, highest first, the false and
/// true positive counts of predicting "positive" for every score ≥ it; and those scores.
/// Tied scores form one point, which is why ties matter for every curve built on this.
pub(crate) fn binary_clf_curve(y_true: &[f64], y_score: &[f64], pos_label: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut order: Vec<usize> = (0..y_score.len()).collect();
    // Descending score; the order within ties does not change the counts at tie ends.
    order.sort_by(|&a, &b| y_score[b].partial_cmp(&y_score[a]).unwrap());
    let (mut fps, mut tps, mut thr) = (Vec::new(), Vec::new(), Vec::new());
    let mut tp = 0.0;
    for (k, &i) in order.iter().enumerate() {
        if y_true[i] == pos_label {
            tp += 1.0;
        }
        let last_of_tie = k + 1 == order.len() || y_score[order[k + 1]] != y_score[i];
        if last_of_tie {
            tps.push(tp);
            fps.push((k + 1) as f64 - tp);
            thr.push(y_score[i]);
        }
    }
    (fps, tps, thr)
}

/// `roc_curve(y_true, y_score, pos_label=…, drop_intermediate=…)` → (fpr, tpr, thresholds).
/// The first threshold is +∞ (the point (0, 0)); with `drop_intermediate` (scikit-learn's
/// default, true) points collinear with their neighbours are dropped. As in scikit-learn, a
/// y_true without negatives (positives) gives an fpr (tpr) of NaN throughout.
pub fn roc_curve(y_true: &[f64], y_score: &[f64], pos_label: f64, drop_intermediate: bool) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    check_pair("rocCurve", ("yTrue", y_true), ("yScore", y_score))?;
    Ok(roc_unchecked(y_true, y_score, pos_label, drop_intermediate))
}

fn roc_unchecked(y_true: &[f64], y_score: &[f64], pos_label: f64, drop_intermediate: bool) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut fps, mut tps, mut thr) = binary_clf_curve(y_true, y_score, pos_label);
    if drop_intermediate && fps.len() > 2 {
        // Keep the ends and every point where the second difference of fps or tps is non-zero
        // (a corner of the curve).
        let n = fps.len();
        let keep: Vec<usize> = (0..n)
            .filter(|&i| {
                i == 0 || i == n - 1 || {
                    let d2 = |v: &[f64]| (v[i + 1] - v[i]) - (v[i] - v[i - 1]);
                    d2(&fps) != 0.0 || d2(&tps) != 0.0
                }
            })
            .collect();
        fps = keep.iter().map(|&i| fps[i]).collect();
        tps = keep.iter().map(|&i| tps[i]).collect();
        thr = keep.iter().map(|&i| thr[i]).collect();
    }
    fps.insert(0, 0.0);
    tps.insert(0, 0.0);
    thr.insert(0, f64::INFINITY);
    let rate = |v: &[f64]| {
        let last = *v.last().unwrap();
        v.iter().map(|x| if last <= 0.0 { f64::NAN } else { x / last }).collect::<Vec<f64>>()
    };
    (rate(&fps), rate(&tps), thr)
}

/// `sklearn.metrics.auc` on an increasing x: numpy's trapezoid rule.
fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
    let parts: Vec<f64> = (1..x.len()).map(|i| (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0).collect();
    pairwise_sum(&parts)
}

/// Binary ROC AUC; the positive class is the larger of the two labels (scikit-learn binarises
/// y_true with its sorted classes).
fn binary_auc(what: &str, y_true: &[f64], y_score: &[f64]) -> Result<f64> {
    let classes = unique(y_true);
    if classes.len() != 2 {
        if classes.len() < 2 {
            return Err(MlError::new(what, "Only one class present in y_true. ROC AUC score is not defined in that case."));
        }
        return Err(MlError::new(
            what,
            format!("yTrue has {} classes; pass one probability column per class to rocAucOvr", classes.len()),
        ));
    }
    let (fpr, tpr, _) = roc_unchecked(y_true, y_score, classes[1], true);
    Ok(trapezoid(&fpr, &tpr))
}

/// `roc_auc_score(y_true, y_score)` for two classes: the area under [`roc_curve`] by trapezoids.
/// y_score may be any finite scores (probabilities or decision values) for the larger label.
pub fn roc_auc(y_true: &[f64], y_score: &[f64]) -> Result<f64> {
    check_pair("rocAuc", ("yTrue", y_true), ("yScore", y_score))?;
    binary_auc("rocAuc", y_true, y_score)
}

/// `roc_auc_score(y_true, y_proba, multi_class="ovr", average="macro")`: one column of
/// probabilities per class of y_true (sorted), rows summing to 1 (numpy's allclose); the mean of
/// each class-vs-rest AUC. With two columns this is the binary AUC of the second column
/// (scikit-learn asks for that column directly in the binary case).
pub fn roc_auc_ovr(y_true: &[f64], y_proba: &Matrix) -> Result<f64> {
    const WHAT: &str = "rocAucOvr";
    if y_proba.rows != y_true.len() {
        return Err(MlError::new(WHAT, format!("yTrue has {} values but yProba has {} rows", y_true.len(), y_proba.rows)));
    }
    if y_true.is_empty() {
        return Err(MlError::new(WHAT, "yTrue and yProba are empty"));
    }
    check_finite(WHAT, "yTrue", y_true)?;
    check_finite(WHAT, "yProba", &y_proba.data)?;
    check_probabilities(WHAT, "yProba", &y_proba.data)?;
    let classes = unique(y_true);
    if classes.len() != y_proba.cols {
        return Err(MlError::new(
            WHAT,
            format!("yTrue has {} classes but yProba has {} columns (one per class)", classes.len(), y_proba.cols),
        ));
    }
    let column = |j: usize| (0..y_proba.rows).map(|i| y_proba.get(i, j)).collect::<Vec<f64>>();
    if classes.len() < 2 {
        return binary_auc(WHAT, y_true, &column(0));
    }
    for i in 0..y_proba.rows {
        let s = pairwise_sum(y_proba.row(i));
        // np.allclose(1, s): |1 - s| <= 1e-8 + 1e-5·|s|.
        if (1.0 - s).abs() > 1e-8 + 1e-5 * s.abs() {
            return Err(MlError::new(WHAT, format!("row {i} of yProba sums to {s}, not 1 (probabilities are needed)")));
        }
    }
    if classes.len() == 2 {
        return binary_auc(WHAT, y_true, &column(1));
    }
    let mut aucs = Vec::with_capacity(classes.len());
    for (j, &c) in classes.iter().enumerate() {
        let is_c: Vec<f64> = y_true.iter().map(|&v| if v == c { 1.0 } else { 0.0 }).collect();
        aucs.push(binary_auc(WHAT, &is_c, &column(j))?);
    }
    Ok(mean(&aucs))
}

/// `precision_recall_curve(y_true, y_score, pos_label=…, drop_intermediate=…)` → (precision,
/// recall, thresholds), thresholds increasing; precision and recall have one more entry, the
/// final point (1, 0). scikit-learn's default drop_intermediate is false. With no positives in
/// y_true recall is 1 throughout (scikit-learn warns).
pub fn precision_recall_curve(
    y_true: &[f64],
    y_score: &[f64],
    pos_label: f64,
    drop_intermediate: bool,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    check_pair("precisionRecallCurve", ("yTrue", y_true), ("yScore", y_score))?;
    Ok(pr_unchecked(y_true, y_score, pos_label, drop_intermediate))
}

fn pr_unchecked(y_true: &[f64], y_score: &[f64], pos_label: f64, drop_intermediate: bool) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut fps, mut tps, mut thr) = binary_clf_curve(y_true, y_score, pos_label);
    if drop_intermediate && fps.len() > 2 {
        // Keep only the first and last point of each run of equal tps (equal recall).
        let n = tps.len();
        let keep: Vec<usize> = (0..n).filter(|&i| i == 0 || i == n - 1 || tps[i] != tps[i - 1] || tps[i + 1] != tps[i]).collect();
        fps = keep.iter().map(|&i| fps[i]).collect();
        tps = keep.iter().map(|&i| tps[i]).collect();
        thr = keep.iter().map(|&i| thr[i]).collect();
    }
    let all_pos = *tps.last().unwrap();
    let mut precision: Vec<f64> = tps.iter().zip(&fps).rev().map(|(t, f)| if t + f != 0.0 { t / (t + f) } else { 0.0 }).collect();
    let mut recall: Vec<f64> = tps.iter().rev().map(|t| if all_pos == 0.0 { 1.0 } else { t / all_pos }).collect();
    precision.push(1.0);
    recall.push(0.0);
    thr.reverse();
    (precision, recall, thr)
}

/// `average_precision_score(y_true, y_score, pos_label=…)` for a binary y_true: the step sum
/// Σ (R_n − R_{n−1}) P_n over the precision-recall curve (no interpolation, no trapezoids).
pub fn average_precision(y_true: &[f64], y_score: &[f64], pos_label: f64) -> Result<f64> {
    const WHAT: &str = "averagePrecision";
    check_pair(WHAT, ("yTrue", y_true), ("yScore", y_score))?;
    let present = unique(y_true);
    if present.len() > 2 {
        return Err(MlError::new(WHAT, format!("yTrue has {} classes; average precision here is binary only", present.len())));
    }
    if present.len() == 2 && !present.contains(&pos_label) {
        return Err(MlError::new(WHAT, format!("posLabel={pos_label} is not a valid label: it should be one of {present:?}")));
    }
    let (p, r, _) = pr_unchecked(y_true, y_score, pos_label, false);
    let steps: Vec<f64> = (0..r.len() - 1).map(|i| (r[i + 1] - r[i]) * p[i]).collect();
    Ok(-pairwise_sum(&steps))
}
