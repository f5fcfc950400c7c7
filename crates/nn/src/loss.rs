//! Losses (each returns a scalar tensor: the mean over examples) and regularisation penalties.
use crate::param::Param;
use webgrad_core::{bail, DType, Result, Tensor};

fn same_shape(op: &str, pred: &Tensor, target: &Tensor) -> Result<()> {
    // No silent broadcasting: [N, 1] against [N] would give an [N, N] loss.
    if pred.shape() != target.shape() {
        bail!(op, "prediction {:?} and target {:?} must have the same shape", pred.shape(), target.shape());
    }
    Ok(())
}

/// Mean squared error.
pub fn mse(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    same_shape("mse", pred, target)?;
    pred.sub(target)?.square()?.mean_all()
}

/// Mean absolute error.
pub fn mae(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    same_shape("mae", pred, target)?;
    pred.sub(target)?.abs()?.mean_all()
}

/// Binary cross-entropy on logits, targets in [0, 1]:
/// mean(max(x, 0) − x·y + log(1 + exp(−|x|))), which never overflows.
pub fn bce_with_logits(logits: &Tensor, target: &Tensor) -> Result<Tensor> {
    same_shape("binary_cross_entropy", logits, target)?;
    let softplus_neg_abs = logits.abs()?.neg()?.exp()?.add_scalar(1.0)?.log()?;
    logits.relu()?.sub(&logits.mul(target)?)?.add(&softplus_neg_abs)?.mean_all()
}

/// Softmax cross-entropy on logits `[…, C]` with integer (i32) class targets `[…]`:
/// −log softmax(x)[target], averaged. With `class_weights` (`[C]`), each example counts with its
/// class's weight and the sum is divided by the total weight (PyTorch's weighted mean).
pub fn softmax_cross_entropy(logits: &Tensor, targets: &Tensor, class_weights: Option<&Tensor>) -> Result<Tensor> {
    let op = "softmax_cross_entropy";
    if targets.dtype() != DType::I32 {
        bail!(op, "targets must be i32 class indices, got {} of shape {:?}", targets.dtype().name(), targets.shape());
    }
    if logits.rank() == 0 || logits.shape()[..logits.rank() - 1] != *targets.shape() {
        bail!(op, "logits {:?} must be targets {:?} plus a class axis", logits.shape(), targets.shape());
    }
    let c = logits.shape()[logits.rank() - 1];
    let n = targets.numel();
    let logp = logits.reshape(&[n, c])?.log_softmax(-1)?;
    let flat_targets = targets.reshape(&[n])?;
    let nll = logp.mul(&flat_targets.one_hot(c)?)?.sum(-1, false)?.neg()?; // [N]
    match class_weights {
        None => nll.mean_all(),
        Some(w) => {
            if w.shape() != [c] {
                bail!(op, "class weights {:?} must have one entry per class ({})", w.shape(), c);
            }
            let per_example = w.index_select(0, &flat_targets)?;
            nll.mul(&per_example)?.sum_all()?.div(&per_example.sum_all()?)
        }
    }
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
