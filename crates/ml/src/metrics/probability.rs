//! `log_loss`, scikit-learn 1.5's version.
use super::{check_finite, check_probabilities, mean, pairwise_sum, unique};
use crate::{Matrix, MlError, Result};

/// `log_loss(y_true, y_proba, labels=…)`: the mean of −log p(true class).
///
/// `y_proba` has one column per class of `labels` (or of y_true's sorted classes), or a single
/// column holding the probability of the larger of two classes. As scikit-learn 1.5:
/// probabilities are clipped to [ε, 1 − ε] with ε = f64::EPSILON, and rows are *not*
/// renormalised (1.5 dropped that). Where 1.5 only warns that a row does not sum to one
/// (np.allclose with rtol √ε), this is an error, as are values outside [0, 1] and y_true labels
/// missing from `labels` (which scikit-learn would silently count as the negative class).
pub fn log_loss(y_true: &[f64], y_proba: &Matrix, labels: Option<&[f64]>) -> Result<f64> {
    const WHAT: &str = "logLoss";
    if y_proba.rows != y_true.len() {
        return Err(MlError::new(WHAT, format!("yTrue has {} values but yProba has {} rows", y_true.len(), y_proba.rows)));
    }
    if y_true.is_empty() || y_proba.cols == 0 {
        return Err(MlError::new(WHAT, "yTrue and yProba are empty"));
    }
    check_finite(WHAT, "yTrue", y_true)?;
    check_finite(WHAT, "yProba", &y_proba.data)?;
    check_probabilities(WHAT, "yProba", &y_proba.data)?;
    let classes = match labels {
        None => unique(y_true),
        Some(l) => {
            check_finite(WHAT, "labels", l)?;
            unique(l)
        }
    };
    if classes.len() < 2 {
        return Err(MlError::new(
            WHAT,
            match labels {
                None => format!("yTrue contains only one label ({}); pass the labels explicitly", classes[0]),
                Some(_) => format!("labels must contain at least two labels, got {classes:?}"),
            },
        ));
    }
    // A single column is P(larger class) of a binary problem: expand to [1 − p, p].
    let k = if y_proba.cols == 1 { 2 } else { y_proba.cols };
    if classes.len() != k {
        return Err(MlError::new(WHAT, format!("there are {} classes {classes:?} but yProba has {k} columns", classes.len())));
    }
    let eps = f64::EPSILON;
    let mut losses = Vec::with_capacity(y_true.len());
    let mut row = vec![0.0; k];
    for (i, t) in y_true.iter().enumerate() {
        if y_proba.cols == 1 {
            let p = y_proba.get(i, 0);
            row[0] = 1.0 - p;
            row[1] = p;
        } else {
            row.copy_from_slice(y_proba.row(i));
        }
        let s = pairwise_sum(&row);
        if (s - 1.0).abs() > 1e-8 + eps.sqrt() {
            return Err(MlError::new(WHAT, format!("row {i} of yProba sums to {s}, not 1 (probabilities are needed)")));
        }
        let c = classes
            .iter()
            .position(|c| c == t)
            .ok_or_else(|| MlError::new(WHAT, format!("yTrue[{i}] is {t}, which is not among the labels {classes:?}")))?;
        // xlogy(onehot, p) summed over the row is log p of the true class alone.
        losses.push(-row[c].clamp(eps, 1.0 - eps).ln());
    }
    Ok(mean(&losses))
}
