//! `adjusted_rand_score`.
use super::{check_pair, unique};
use crate::{MlError, Result};

/// `adjusted_rand_score(labels_true, labels_pred)`, computed as scikit-learn 1.5 does: from the
/// pair confusion matrix (pairs of samples together/apart in each labelling), in exact integers,
/// ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)), and 1.0 when fn = fp = 0
/// (identical partitions, including one cluster each or one sample per cluster). scikit-learn
/// returns 1.0 for empty inputs; here they are an error like every metric's.
pub fn adjusted_rand_score(labels_true: &[f64], labels_pred: &[f64]) -> Result<f64> {
    check_pair("adjustedRandScore", ("labelsTrue", labels_true), ("labelsPred", labels_pred))?;
    let (ct, cp) = (unique(labels_true), unique(labels_pred));
    let idx = |u: &[f64], v: f64| u.binary_search_by(|x| x.partial_cmp(&v).unwrap()).unwrap();
    let mut table = vec![0i128; ct.len() * cp.len()];
    for (&a, &b) in labels_true.iter().zip(labels_pred) {
        table[idx(&ct, a) * cp.len() + idx(&cp, b)] += 1;
    }
    let n = labels_true.len() as i128;
    let row_sums: Vec<i128> = table.chunks(cp.len()).map(|r| r.iter().sum()).collect();
    let col_sums: Vec<i128> = (0..cp.len()).map(|j| (0..ct.len()).map(|i| table[i * cp.len() + j]).sum()).collect();
    let sum_squares: i128 = table.iter().map(|c| c * c).sum();
    let tp = sum_squares - n;
    let fp = col_sums.iter().map(|c| c * c).sum::<i128>() - sum_squares; // contingency·n_k summed
    let fn_ = row_sums.iter().map(|c| c * c).sum::<i128>() - sum_squares;
    let tn = n * n - fp - fn_ - sum_squares;
    if fn_ == 0 && fp == 0 {
        return Ok(1.0);
    }
    // Python: 2.0 * int / int, i.e. each exact integer rounded to f64 once.
    let num = (tp * tn - fn_ * fp) as f64;
    let den = ((tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn)) as f64;
    if den == 0.0 {
        return Err(MlError::new("adjustedRandScore", "the pair counts give 0/0"));
    }
    Ok(2.0 * num / den)
}
