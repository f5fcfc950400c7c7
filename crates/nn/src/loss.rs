//! Losses (each returns a scalar tensor: the mean over examples) and regularisation penalties.
use crate::param::Param;
use webgrad_core::functional::{self as F, Reduction};
use webgrad_core::{Result, Tensor};

/// Mean squared error.
pub fn mse(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    F::mse_loss(pred, target, Reduction::Mean)
}

/// Mean absolute error.
pub fn mae(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    F::l1_loss(pred, target, Reduction::Mean)
}

/// Binary cross-entropy on logits, targets in [0, 1]:
/// mean(max(x, 0) − x·y + log(1 + exp(−|x|))), which never overflows.
pub fn bce_with_logits(logits: &Tensor, target: &Tensor) -> Result<Tensor> {
    F::binary_cross_entropy_with_logits(logits, target, None, Reduction::Mean)
}

/// Softmax cross-entropy on logits `[…, C]` with integer (i32) class targets `[…]`:
/// −log softmax(x)[target], averaged. With `class_weights` (`[C]`), each example counts with its
/// class's weight and the sum is divided by the total weight (PyTorch's weighted mean).
pub fn softmax_cross_entropy(logits: &Tensor, targets: &Tensor, class_weights: Option<&Tensor>) -> Result<Tensor> {
    if targets.dtype() != webgrad_core::DType::I32 {
        webgrad_core::bail!("softmax_cross_entropy", "targets must be i32 class indices, got {} of shape {:?}", targets.dtype().name(), targets.shape());
    }
    F::cross_entropy_last_axis("softmax_cross_entropy", logits, targets, class_weights, 0.0, Reduction::Mean)
}

/// Softmax cross-entropy on logits `[…, C]` against class probabilities of the same shape
/// (one-hot labels), averaged over the examples; `label_smoothing` s mixes the targets with the
/// uniform distribution, y·(1 − s) + s/C, as PyTorch's `cross_entropy` and Keras do.
pub fn categorical_cross_entropy(logits: &Tensor, target: &Tensor, label_smoothing: f32) -> Result<Tensor> {
    if target.dtype() != webgrad_core::DType::F32 {
        webgrad_core::bail!("categorical_cross_entropy", "needs f32 probability targets, got {} of shape {:?}", target.dtype().name(), target.shape());
    }
    F::cross_entropy_last_axis("categorical_cross_entropy", logits, target, None, label_smoothing, Reduction::Mean)
}

/// Huber loss (PyTorch's `huber_loss`, mean): ½d² where |d| ≤ delta, delta·(|d| − ½delta) beyond.
/// Written as ½·q² + delta·(|d| − q) with q = min(|d|, delta), which is the same piecewise.
pub fn huber(pred: &Tensor, target: &Tensor, delta: f32) -> Result<Tensor> {
    F::huber_loss(pred, target, delta, Reduction::Mean)
}

/// Σ |w| over `params`.
pub fn l1_penalty(params: &[Param]) -> Result<Option<Tensor>> {
    sum_over(params, |w| w.abs()?.sum_all())
}

/// Σ w² over `params` (Keras' convention: the penalty is rate · Σ w²).
pub fn l2_penalty(params: &[Param]) -> Result<Option<Tensor>> {
    sum_over(params, |w| w.square()?.sum_all())
}

fn sum_over(params: &[Param], f: impl Fn(&Tensor) -> Result<Tensor>) -> Result<Option<Tensor>> {
    let mut total: Option<Tensor> = None;
    for p in params {
        let term = f(&p.get())?;
        total = Some(match total {
            Some(t) => t.add(&term)?,
            None => term,
        });
    }
    Ok(total)
}
