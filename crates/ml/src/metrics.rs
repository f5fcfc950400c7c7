//! scikit-learn's metrics (to be completed).
use crate::{MlError, Result};

fn same_len(what: &str, a: &[f64], b: &[f64]) -> Result<()> {
    if a.len() != b.len() || a.is_empty() {
        return Err(MlError::new(what, format!("yTrue has {} values and yPred {}", a.len(), b.len())));
    }
    Ok(())
}

/// Fraction of exact matches.
pub fn accuracy(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    same_len("accuracy", y_true, y_pred)?;
    Ok(y_true.iter().zip(y_pred).filter(|(a, b)| a == b).count() as f64 / y_true.len() as f64)
}

/// Coefficient of determination (1 when y_true is constant and predicted exactly, as sklearn).
pub fn r2(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    same_len("r2", y_true, y_pred)?;
    let mean = y_true.iter().sum::<f64>() / y_true.len() as f64;
    let ss_res: f64 = y_true.iter().zip(y_pred).map(|(a, b)| (a - b).powi(2)).sum();
    let ss_tot: f64 = y_true.iter().map(|a| (a - mean).powi(2)).sum();
    Ok(if ss_tot == 0.0 { if ss_res == 0.0 { 1.0 } else { 0.0 } } else { 1.0 - ss_res / ss_tot })
}
