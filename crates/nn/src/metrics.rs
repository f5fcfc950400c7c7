//! Keras' training metrics, computed as running sums on the device.
//!
//! Each metric keeps a small vector of sums (its *state*: a count of right answers, true
//! positives and predicted positives, a 200-threshold ROC histogram, …) that is added to batch
//! after batch without a readback; at the end of an epoch every state is read back in one
//! stacked tensor and [`Metric::finish`] turns it into the number Keras reports.
use crate::spec::LossSpec;
use serde::{Deserialize, Serialize};
use webgrad_core::{bail, no_grad, DType, Result, Tensor};

/// What to report besides the loss (which is always reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fraction right, in the loss's own terms: argmax for the softmax losses, logit > 0 vs
    /// target > 0.5 for binary cross-entropy, and sign agreement for regression losses (TF
    /// Playground's ±1 labels).
    Accuracy,
    /// Keras' `binary_accuracy`: probability > 0.5 vs target > 0.5, element by element.
    BinaryAccuracy,
    /// Keras' `categorical_accuracy`: argmax of the outputs vs argmax of one-hot targets.
    CategoricalAccuracy,
    /// Mean absolute error of the outputs (probabilities for the cross-entropy losses).
    Mae,
    /// Mean squared error of the outputs (probabilities for the cross-entropy losses).
    Mse,
    /// True positives / predicted positives at threshold 0.5 (binary or one-hot targets).
    Precision,
    /// True positives / actual positives at threshold 0.5 (binary or one-hot targets).
    Recall,
    /// Area under the ROC curve, Keras' way: 200 thresholds, trapezoidal rule.
    Auc,
}

/// Keras' default `num_thresholds` for AUC.
const AUC_THRESHOLDS: usize = 200;

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::BinaryAccuracy => "binary_accuracy",
            Metric::CategoricalAccuracy => "categorical_accuracy",
            Metric::Mae => "mae",
            Metric::Mse => "mse",
            Metric::Precision => "precision",
            Metric::Recall => "recall",
            Metric::Auc => "auc",
        }
    }

    /// Every metric, for error messages and docs.
    pub const ALL: [Metric; 8] = [
        Metric::Accuracy,
        Metric::BinaryAccuracy,
        Metric::CategoricalAccuracy,
        Metric::Mae,
        Metric::Mse,
        Metric::Precision,
        Metric::Recall,
        Metric::Auc,
    ];

    /// Higher is better (for early stopping and plateaus in `auto` mode).
    pub fn maximise(key: &str) -> bool {
        let k = key.strip_prefix("val_").unwrap_or(key);
        k.ends_with("accuracy") || matches!(k, "precision" | "recall" | "auc")
    }

    /// An error when this metric has no meaning for `loss`.
    pub fn check(self, loss: &LossSpec) -> Result<()> {
        let sparse = matches!(loss, LossSpec::SoftmaxCrossEntropy { .. });
        let categorical = matches!(loss, LossSpec::CategoricalCrossEntropy { .. });
        let bad = match self {
            Metric::Accuracy => None,
            Metric::BinaryAccuracy if sparse || categorical => Some("binary (0/1) targets: use accuracy or categorical_accuracy"),
            Metric::CategoricalAccuracy if !categorical => Some("one-hot targets (the categorical_cross_entropy loss); with class indices use accuracy"),
            Metric::Mae | Metric::Mse if sparse => Some("targets of the output's shape, not class indices"),
            Metric::Precision | Metric::Recall | Metric::Auc if sparse => Some("binary or one-hot targets, not class indices"),
            _ => None,
        };
        if let Some(why) = bad {
            bail!("fit", "the {} metric needs {} (the loss is {})", self.name(), why, loss.name());
        }
        Ok(())
    }

    /// Length of this metric's state vector.
    pub fn state_len(self) -> usize {
        match self {
            Metric::Precision | Metric::Recall => 2,
            Metric::Auc => 2 * AUC_THRESHOLDS + 2,
            _ => 1,
        }
    }

    /// This batch's contribution to the state (a 1-D tensor of `state_len`), from the raw outputs
    /// `pred` and targets `y`, and how many items it counted (for the averaged metrics).
    pub fn batch_state(self, loss: &LossSpec, pred: &Tensor, y: &Tensor) -> Result<(Tensor, f64)> {
        no_grad(|| {
            let dev = pred.device().clone();
            let pred = pred.detach();
            let softmax = loss.is_softmax();
            let rows = if softmax { pred.numel() / pred.shape()[pred.rank() - 1].max(1) } else { y.numel() };
            let half = Tensor::scalar(0.5, &dev)?;
            let zero = Tensor::scalar(0.0, &dev)?;
            // Outputs as probabilities, for the metrics defined on them.
            let proba = || match loss {
                LossSpec::BinaryCrossEntropy => pred.sigmoid(),
                LossSpec::CategoricalCrossEntropy { .. } | LossSpec::SoftmaxCrossEntropy { .. } => pred.softmax(-1),
                _ => Ok(pred.clone()),
            };
            let one = |t: Tensor| t.reshape(&[1]);
            let (state, count) = match self {
                Metric::Accuracy => match loss {
                    LossSpec::SoftmaxCrossEntropy { .. } => (pred.argmax(-1, false)?.cast(DType::F32)?.eq(&y.cast(DType::F32)?)?.sum_all()?, rows),
                    LossSpec::CategoricalCrossEntropy { .. } => (argmax_f32(&pred)?.eq(&argmax_f32(y)?)?.sum_all()?, rows),
                    LossSpec::BinaryCrossEntropy => (pred.gt(&zero)?.eq(&y.gt(&half)?)?.sum_all()?, rows),
                    _ => (pred.gt(&zero)?.eq(&y.gt(&zero)?)?.sum_all()?, rows),
                },
                Metric::CategoricalAccuracy => (argmax_f32(&pred)?.eq(&argmax_f32(y)?)?.sum_all()?, rows),
                Metric::BinaryAccuracy => (proba()?.gt(&half)?.eq(&y.gt(&half)?)?.sum_all()?, y.numel()),
                Metric::Mae => (proba()?.sub(y)?.abs()?.sum_all()?, y.numel()),
                Metric::Mse => (proba()?.sub(y)?.square()?.sum_all()?, y.numel()),
                Metric::Precision | Metric::Recall => {
                    let predicted = proba()?.gt(&half)?;
                    let actual = y.gt(&half)?;
                    let tp = predicted.mul(&actual)?.sum_all()?;
                    let denominator = if self == Metric::Precision { predicted } else { actual }.sum_all()?;
                    return Ok((Tensor::stack(&[tp, denominator], 0)?, 0.0));
                }
                Metric::Auc => {
                    let m = y.numel();
                    let p = proba()?.reshape(&[m, 1])?;
                    let positive = y.gt(&half)?.reshape(&[m, 1])?;
                    let above = p.gt(&auc_thresholds(&dev)?)?; // [m, T]
                    let tp = above.mul(&positive)?.sum(0, false)?;
                    let fp = above.sum(0, false)?.sub(&tp)?;
                    let pos = positive.sum_all()?;
                    let neg = Tensor::scalar(m as f32, &dev)?.sub(&pos)?;
                    return Ok((Tensor::concat(&[tp, fp, one(pos)?, one(neg)?], 0)?, 0.0));
                }
            };
            Ok((one(state)?, count as f64))
        })
    }

    /// The reported value from the summed state and count.
    pub fn finish(self, state: &[f32], count: f64) -> f32 {
        let ratio = |a: f32, b: f32| if b > 0.0 { a / b } else { 0.0 };
        match self {
            Metric::Precision | Metric::Recall => ratio(state[0], state[1]),
            Metric::Auc => {
                let t = AUC_THRESHOLDS;
                let (tp, fp, pos, neg) = (&state[..t], &state[t..2 * t], state[2 * t], state[2 * t + 1]);
                let tpr = |i: usize| ratio(tp[i], pos);
                let fpr = |i: usize| ratio(fp[i], neg);
                // Thresholds rise with i, so the rates fall: sum the trapezoids between neighbours.
                (0..t - 1).map(|i| (fpr(i) - fpr(i + 1)) * (tpr(i) + tpr(i + 1)) / 2.0).sum()
            }
            _ => (state[0] as f64 / count.max(1.0)) as f32,
        }
    }
}

/// Index of the largest entry on the last axis, as f32 (comparisons run on f32).
fn argmax_f32(t: &Tensor) -> Result<Tensor> {
    t.argmax(-1, false)?.cast(DType::F32)
}

/// Keras' thresholds: −ε, 1/(T−1), …, (T−2)/(T−1), 1+ε, as a `[1, T]` row.
fn auc_thresholds(dev: &webgrad_core::Device) -> Result<Tensor> {
    let t = AUC_THRESHOLDS;
    let eps = 1e-7;
    let values: Vec<f32> = (0..t)
        .map(|i| match i {
            0 => -eps,
            i if i == t - 1 => 1.0 + eps,
            i => i as f32 / (t - 1) as f32,
        })
        .collect();
    Tensor::from_vec(values, &[1, t], dev)
}
