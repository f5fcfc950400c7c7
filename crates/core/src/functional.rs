//! PyTorch's `torch.nn.functional`, built from the primitives and composites (no backward rules
//! of their own). Names, argument order and semantics follow torch; options torch takes as
//! keywords are plain trailing arguments here. The JS bindings (`wg.nn.functional`, `wg.F`) and
//! `crates/nn`'s losses and layer norm call these, so each op exists once.
// `!(x > 0.0)` on purpose: it also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]
use crate::backend::DType;
use crate::rng::Rng;
use crate::tensor::Tensor;
use crate::{bail, Result};

/// How a per-element loss is reduced (torch's `reduction=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reduction {
    None,
    #[default]
    Mean,
    Sum,
}

impl Reduction {
    /// "none", "mean" or "sum".
    pub fn parse(op: &str, s: &str) -> Result<Reduction> {
        match s {
            "none" => Ok(Reduction::None),
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            other => bail!(op, "reduction must be \"none\", \"mean\" or \"sum\", got {:?}", other),
        }
    }
    fn apply(self, per_element: Tensor) -> Result<Tensor> {
        match self {
            Reduction::None => Ok(per_element),
            Reduction::Mean => per_element.mean_all(),
            Reduction::Sum => per_element.sum_all(),
        }
    }
}

fn same_shape(op: &str, a_name: &str, a: &Tensor, b_name: &str, b: &Tensor) -> Result<()> {
    // No silent broadcasting: [N, 1] against [N] would give an [N, N] loss.
    if a.shape() != b.shape() {
        bail!(op, "{} {:?} and {} {:?} must have the same shape", a_name, a.shape(), b_name, b.shape());
    }
    Ok(())
}

fn check_f32(op: &str, name: &str, t: &Tensor) -> Result<()> {
    if t.dtype() != DType::F32 {
        bail!(op, "{} must be float32, got {} of shape {:?}", name, t.dtype().name(), t.shape());
    }
    Ok(())
}

// ---- normalisation --------------------------------------------------------------------------

/// `F.layer_norm`: normalise over the trailing `normalized_shape` dims (population variance),
/// then scale by `weight` and shift by `bias` (both of shape `normalized_shape`) when given.
pub fn layer_norm(x: &Tensor, normalized_shape: &[usize], weight: Option<&Tensor>, bias: Option<&Tensor>, eps: f32) -> Result<Tensor> {
    let op = "layer_norm";
    check_f32(op, "input", x)?;
    let k = normalized_shape.len();
    if k == 0 || k > x.rank() || x.shape()[x.rank() - k..] != *normalized_shape {
        bail!(op, "input {:?} must end in normalized_shape {:?}", x.shape(), normalized_shape);
    }
    if !(eps >= 0.0) {
        bail!(op, "eps must be non-negative, got {}", eps);
    }
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let Some(t) = t {
            if t.shape() != normalized_shape {
                bail!(op, "{} {:?} must have shape normalized_shape {:?}", name, t.shape(), normalized_shape);
            }
        }
    }
    let axes: Vec<isize> = (x.rank() - k..x.rank()).map(|a| a as isize).collect();
    let mean = x.mean(axes.clone(), true)?;
    let centered = x.sub(&mean)?;
    let var = centered.square()?.mean(axes, true)?;
    let mut y = centered.mul(&var.add_scalar(eps)?.sqrt()?.recip()?)?;
    if let Some(w) = weight {
        y = y.mul(w)?;
    }
    if let Some(b) = bias {
        y = y.add(b)?;
    }
    Ok(y)
}

/// What `batch_norm` gives back: the output and, in training with running statistics, their
/// updated values (torch updates `running_mean`/`running_var` in place; here the caller stores them).
pub struct BatchNormOutput {
    pub output: Tensor,
    /// `(1 − momentum)·running + momentum·batch`, the batch variance unbiased (detached).
    pub running: Option<(Tensor, Tensor)>,
}

/// `F.batch_norm`: normalise over every axis but axis 1 (channels; `[N, C]` or `[N, C, …]`) with
/// the batch's statistics (`training`, population variance) or the running ones, then scale by
/// `weight` and shift by `bias` (each `[C]`) when given.
#[allow(clippy::too_many_arguments)]
pub fn batch_norm(x: &Tensor, running_mean: Option<&Tensor>, running_var: Option<&Tensor>, weight: Option<&Tensor>, bias: Option<&Tensor>, training: bool, momentum: f32, eps: f32) -> Result<BatchNormOutput> {
    let op = "batch_norm";
    check_f32(op, "input", x)?;
    if x.rank() < 2 {
        bail!(op, "input {:?} must be [N, C, …] (channels on axis 1)", x.shape());
    }
    let c = x.shape()[1];
    for (name, t) in [("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)] {
        if let Some(t) = t {
            if t.shape() != [c] {
                bail!(op, "{} {:?} must be [{}] (the channels of input {:?})", name, t.shape(), c, x.shape());
            }
        }
    }
    if running_mean.is_some() != running_var.is_some() {
        bail!(op, "running_mean and running_var come together");
    }
    if !(eps >= 0.0) || !(0.0..=1.0).contains(&momentum) {
        bail!(op, "eps must be ≥ 0 and momentum in [0, 1], got eps {} and momentum {}", eps, momentum);
    }
    // Per-channel tensors broadcast as [1, C, 1, …].
    let mut bshape = vec![1; x.rank()];
    bshape[1] = c;
    let axes: Vec<isize> = (0..x.rank() as isize).filter(|&a| a != 1).collect();
    let (mean, var, running) = match (training, running_mean, running_var) {
        (false, Some(rm), Some(rv)) => (rm.reshape(&bshape)?, rv.reshape(&bshape)?, None),
        (false, _, _) => bail!(op, "evaluation (training false) needs running_mean and running_var"),
        (true, rm, rv) => {
            let count = x.numel() / c.max(1);
            if count < 2 {
                bail!(op, "training needs more than one value per channel, got input {:?}", x.shape());
            }
            let mean = x.mean(axes.clone(), true)?;
            let var = x.var(axes, true, 0)?;
            let running = match (rm, rv) {
                (Some(rm), Some(rv)) => Some(crate::no_grad(|| -> Result<(Tensor, Tensor)> {
                    let unbiased = var.mul_scalar(count as f32 / (count - 1) as f32)?.reshape(&[c])?;
                    let m = rm.mul_scalar(1.0 - momentum)?.add(&mean.reshape(&[c])?.mul_scalar(momentum)?)?;
                    let v = rv.mul_scalar(1.0 - momentum)?.add(&unbiased.mul_scalar(momentum)?)?;
                    Ok((m.detach(), v.detach()))
                })?),
                _ => None,
            };
            (mean, var, running)
        }
    };
    let inv_std = var.add_scalar(eps)?.sqrt()?.recip()?;
    let mut y = x.sub(&mean)?.mul(&inv_std)?;
    if let Some(w) = weight {
        y = y.mul(&w.reshape(&bshape)?)?;
    }
    if let Some(b) = bias {
        y = y.add(&b.reshape(&bshape)?)?;
    }
    Ok(BatchNormOutput { output: y, running })
}

// ---- losses ---------------------------------------------------------------------------------

/// `F.mse_loss`: (a − b)², reduced. Shapes must match.
pub fn mse_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    same_shape("mse_loss", "input", input, "target", target)?;
    reduction.apply(input.sub(target)?.square()?)
}

/// `F.l1_loss`: |a − b|, reduced.
pub fn l1_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    same_shape("l1_loss", "input", input, "target", target)?;
    reduction.apply(input.sub(target)?.abs()?)
}

/// `F.huber_loss`: ½d² where |d| ≤ delta, delta·(|d| − ½delta) beyond; written as
/// ½q² + delta·(|d| − q) with q = min(|d|, delta), the same piecewise function.
pub fn huber_loss(input: &Tensor, target: &Tensor, delta: f32, reduction: Reduction) -> Result<Tensor> {
    let op = "huber_loss";
    same_shape(op, "input", input, "target", target)?;
    if !(delta > 0.0) {
        bail!(op, "delta must be positive, got {}", delta);
    }
    let abs = input.sub(target)?.abs()?;
    let q = abs.clamp(0.0, delta)?;
    reduction.apply(q.square()?.mul_scalar(0.5)?.add(&abs.sub(&q)?.mul_scalar(delta)?)?)
}

/// `F.binary_cross_entropy_with_logits` with optional `pos_weight` (broadcast against the input,
/// typically one per class on the last axis):
/// (1 − y)·x + (1 + (pw − 1)·y)·(log(1 + e^−|x|) + max(−x, 0)), which never overflows.
pub fn binary_cross_entropy_with_logits(input: &Tensor, target: &Tensor, pos_weight: Option<&Tensor>, reduction: Reduction) -> Result<Tensor> {
    let op = "binary_cross_entropy_with_logits";
    same_shape(op, "input", input, "target", target)?;
    check_f32(op, "target", target)?;
    // log(1 + e^−|x|) + max(−x, 0) = softplus(−x) = −log σ(x)
    let softplus_neg = input.abs()?.neg()?.exp()?.add_scalar(1.0)?.log()?.add(&input.neg()?.relu()?)?;
    let per = match pos_weight {
        None => input.sub(&input.mul(target)?)?.add(&softplus_neg)?,
        Some(pw) => {
            if crate::broadcast_shapes(op, pw.shape(), input.shape()).ok().as_deref() != Some(input.shape()) {
                bail!(op, "pos_weight {:?} must broadcast to the input {:?}", pw.shape(), input.shape());
            }
            let log_weight = pw.add_scalar(-1.0)?.mul(target)?.add_scalar(1.0)?;
            target.neg()?.add_scalar(1.0)?.mul(input)?.add(&log_weight.mul(&softplus_neg)?)?
        }
    };
    reduction.apply(per)
}

/// Cross-entropy with the class axis last: logits `[…, C]`, targets either i32 class indices `[…]`
/// or f32 probabilities `[…, C]`. `weight` `[C]` rescales classes; `label_smoothing` s mixes the
/// targets with the uniform distribution, y·(1 − s) + s/C. The mean over index targets with
/// weights divides by the summed weights of the targets (torch); otherwise by the example count.
/// `crates/nn`'s softmax / categorical cross-entropy and [`cross_entropy`] are this.
pub fn cross_entropy_last_axis(op: &str, logits: &Tensor, target: &Tensor, weight: Option<&Tensor>, label_smoothing: f32, reduction: Reduction) -> Result<Tensor> {
    check_f32(op, "input", logits)?;
    if logits.rank() == 0 {
        bail!(op, "input must have a class axis, got a scalar");
    }
    if !(0.0..=1.0).contains(&label_smoothing) {
        bail!(op, "label_smoothing must be in [0, 1], got {}", label_smoothing);
    }
    let c = logits.shape()[logits.rank() - 1];
    let batch = logits.shape()[..logits.rank() - 1].to_vec();
    let n = batch.iter().product::<usize>();
    if let Some(w) = weight {
        if w.shape() != [c] {
            bail!(op, "weight {:?} must have one entry per class ({})", w.shape(), c);
        }
    }
    let indices = match target.dtype() {
        DType::I32 => {
            if target.shape() != batch.as_slice() {
                bail!(op, "class-index target {:?} must be the input {:?} without its class axis", target.shape(), logits.shape());
            }
            Some(target.reshape(&[n])?)
        }
        DType::F32 => {
            if target.shape() != logits.shape() {
                bail!(op, "probability target {:?} must have the input's shape {:?}", target.shape(), logits.shape());
            }
            None
        }
    };
    let mut t = match &indices {
        Some(idx) => idx.one_hot(c)?,
        None => target.reshape(&[n, c])?,
    };
    if label_smoothing > 0.0 {
        t = t.mul_scalar(1.0 - label_smoothing)?.add_scalar(label_smoothing / c as f32)?;
    }
    if let Some(w) = weight {
        t = t.mul(w)?;
    }
    let logp = logits.reshape(&[n, c])?.log_softmax(-1)?;
    let per = logp.mul(&t)?.sum(-1, false)?.neg()?; // [N]
    match reduction {
        Reduction::None => per.reshape(&batch),
        Reduction::Sum => per.sum_all(),
        Reduction::Mean => match (weight, &indices) {
            (Some(w), Some(idx)) => per.sum_all()?.div(&w.index_select(0, idx)?.sum_all()?),
            _ => {
                if n == 0 {
                    bail!(op, "cannot average over an empty batch (input {:?})", logits.shape());
                }
                per.mean_all()
            }
        },
    }
}

/// `F.cross_entropy`: logits `[C]`, `[N, C]` or `[N, C, d1, …]` (classes on axis 1, as torch);
/// target i32 class indices (the input's shape without the class axis) or f32 class
/// probabilities (the input's shape).
pub fn cross_entropy(input: &Tensor, target: &Tensor, weight: Option<&Tensor>, label_smoothing: f32, reduction: Reduction) -> Result<Tensor> {
    let op = "cross_entropy";
    if input.rank() <= 2 {
        return cross_entropy_last_axis(op, input, target, weight, label_smoothing, reduction);
    }
    // [N, C, d…] → [N, d…, C]; a probability target moves the same way.
    let r = input.rank();
    let perm: Vec<usize> = std::iter::once(0).chain(2..r).chain(std::iter::once(1)).collect();
    let moved = input.permute(&perm)?;
    let target = if target.dtype() == DType::F32 && target.shape() == input.shape() { target.permute(&perm)? } else { target.clone() };
    cross_entropy_last_axis(op, &moved, &target, weight, label_smoothing, reduction)
}

// ---- attention ------------------------------------------------------------------------------

/// `F.scaled_dot_product_attention`: softmax(q·kᵀ/√E + mask)·v for q `[…, L, E]`, k `[…, S, E]`,
/// v `[…, S, Ev]` (batch dims broadcast). `mask` (broadcast to `[…, L, S]`) is boolean when i32
/// (non-zero = attend, as torch's bool masks) or additive when f32; `is_causal` keeps position j
/// for query i only when j ≤ i. Rows with every position masked give a uniform average here
/// (torch gives NaN).
pub fn scaled_dot_product_attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>, is_causal: bool) -> Result<Tensor> {
    let op = "scaled_dot_product_attention";
    for (name, t) in [("query", q), ("key", k), ("value", v)] {
        check_f32(op, name, t)?;
        if t.rank() < 2 {
            bail!(op, "{} {:?} needs at least 2 dimensions [..., L, E]", name, t.shape());
        }
    }
    let (l, e) = (q.shape()[q.rank() - 2], q.shape()[q.rank() - 1]);
    let (s, ek) = (k.shape()[k.rank() - 2], k.shape()[k.rank() - 1]);
    if e != ek || v.shape()[v.rank() - 2] != s {
        bail!(op, "query {:?}, key {:?} and value {:?} must be [..., L, E], [..., S, E] and [..., S, Ev]", q.shape(), k.shape(), v.shape());
    }
    if is_causal && mask.is_some() {
        bail!(op, "give either mask or is_causal, not both");
    }
    let scale = if e == 0 { 1.0 } else { 1.0 / (e as f32).sqrt() };
    let mut scores = q.matmul(&k.t()?)?.mul_scalar(scale)?; // [..., L, S]
    let masked = Tensor::scalar(f32::MIN, q.device())?;
    if is_causal {
        let keep: Vec<f32> = (0..l * s).map(|i| if i % s <= i / s { 1.0 } else { 0.0 }).collect();
        scores = Tensor::where_cond(&Tensor::from_vec(keep, &[l, s], q.device())?, &scores, &masked)?;
    }
    if let Some(m) = mask {
        if crate::broadcast_shapes(op, m.shape(), scores.shape()).ok().as_deref() != Some(scores.shape()) {
            bail!(op, "mask {:?} must broadcast to the attention scores [..., L, S] = {:?}", m.shape(), scores.shape());
        }
        scores = match m.dtype() {
            DType::I32 => Tensor::where_cond(&m.cast(DType::F32)?, &scores, &masked)?,
            DType::F32 => scores.add(m)?,
        };
    }
    scores.softmax(-1)?.matmul(v)
}

// ---- dropout, embedding, one-hot --------------------------------------------------------------

/// `F.dropout`: in training, zero each element with probability `p` (drawn from `rng`) and scale
/// the rest by 1/(1 − p); the identity otherwise.
pub fn dropout(x: &Tensor, p: f32, training: bool, rng: &mut Rng) -> Result<Tensor> {
    if !(0.0..=1.0).contains(&p) {
        bail!("dropout", "probability p must be in [0, 1], got {}", p);
    }
    if !training || p == 0.0 {
        return Ok(x.clone());
    }
    if p == 1.0 {
        return x.mul_scalar(0.0);
    }
    x.mul(&rng.dropout_mask(x.shape(), p, x.device())?)
}

/// `F.embedding`: rows of `weight` `[V, D]` picked by i32 `indices` of any shape → `[…, D]`.
pub fn embedding(indices: &Tensor, weight: &Tensor) -> Result<Tensor> {
    let op = "embedding";
    if indices.dtype() != DType::I32 {
        bail!(op, "indices must be int32, got {} of shape {:?}", indices.dtype().name(), indices.shape());
    }
    if weight.rank() != 2 {
        bail!(op, "weight {:?} must be [num_embeddings, embedding_dim]", weight.shape());
    }
    if !indices.device().backend().is_gpu() {
        if let Some(bad) = indices.to_vec_i32()?.into_iter().find(|&i| i < 0 || i as usize >= weight.shape()[0]) {
            bail!(op, "index {} is out of range for weight {:?}", bad, weight.shape());
        }
    }
    let mut shape = indices.dims();
    shape.push(weight.shape()[1]);
    weight.index_select(0, &indices.reshape(&[indices.numel()])?)?.reshape(&shape)
}

/// `F.one_hot`: appends a class axis (f32 0/1). `num_classes` `None` (torch's −1) means
/// max(indices) + 1, which reads the indices back.
pub fn one_hot(indices: &Tensor, num_classes: Option<usize>) -> Result<Tensor> {
    let n = match num_classes {
        Some(n) => n,
        None => {
            if indices.dtype() != DType::I32 {
                bail!("one_hot", "expects int32 class indices, got {} of shape {:?}", indices.dtype().name(), indices.shape());
            }
            indices.to_vec_i32()?.into_iter().max().map_or(0, |m| m.max(-1) + 1) as usize
        }
    };
    indices.one_hot(n)
}

// ---- slicing ----------------------------------------------------------------------------------

impl Tensor {
    /// TF.js's `stridedSlice(begin, end, strides)`: per axis, elements begin, begin+stride, …
    /// up to (excluding) end. Missing trailing entries take the whole axis; negative begin/end
    /// count from the end and out-of-range ones are clamped (TF semantics). A bit i of
    /// `begin_mask` / `end_mask` ignores begin[i] / end[i] (whole range); `shrink_axis_mask` bit i
    /// takes the single element begin[i] and removes the axis. Steps may be negative.
    pub fn strided_slice(&self, begin: &[isize], end: &[isize], strides: &[isize], begin_mask: u32, end_mask: u32, shrink_axis_mask: u32) -> Result<Tensor> {
        let op = "strided_slice";
        let r = self.rank();
        if begin.len() > r || end.len() > r || strides.len() > r {
            bail!(op, "begin {:?}, end {:?} and strides {:?} have more entries than the {} axes of {:?}", begin, end, strides, r, self.shape());
        }
        let mut out = self.clone();
        let mut keep_shape = Vec::with_capacity(r);
        for ax in 0..r {
            let dim = self.shape()[ax] as isize;
            let step = strides.get(ax).copied().unwrap_or(1);
            if step == 0 {
                bail!(op, "strides[{}] is 0", ax);
            }
            let bit = |m: u32| ax < 32 && m & (1 << ax) != 0;
            if bit(shrink_axis_mask) {
                let b = begin.get(ax).copied().unwrap_or(0);
                let i = if b < 0 { b + dim } else { b };
                if i < 0 || i >= dim {
                    bail!(op, "begin[{}] = {} is out of range for axis {} of size {} (shape {:?})", ax, b, ax, dim, self.shape());
                }
                out = out.narrow(ax as isize, i as usize, 1)?;
                continue;
            }
            let resolve = |v: Option<isize>, masked: bool, is_begin: bool| -> isize {
                match v {
                    Some(v) if !masked => {
                        let v = if v < 0 { v + dim } else { v };
                        if step > 0 { v.clamp(0, dim) } else { v.clamp(-1, dim - 1) }
                    }
                    _ => match (step > 0, is_begin) {
                        (true, true) => 0,
                        (true, false) => dim,
                        (false, true) => dim - 1,
                        (false, false) => -1,
                    },
                }
            };
            let b = resolve(begin.get(ax).copied(), bit(begin_mask), true);
            let e = resolve(end.get(ax).copied(), bit(end_mask), false);
            let (span, st) = if step > 0 { ((e - b).max(0), step) } else { ((b - e).max(0), -step) };
            let len = ((span + st - 1) / st) as usize;
            keep_shape.push(len);
            if step == 1 {
                out = out.narrow(ax as isize, b as usize, len)?;
            } else {
                let idx: Vec<i32> = (0..len as isize).map(|j| (b + j * step) as i32).collect();
                out = out.index_select(ax as isize, &Tensor::from_i32(idx, &[len], self.device())?)?;
            }
        }
        if keep_shape.len() != r {
            out = out.reshape(&keep_shape)?;
        }
        Ok(out)
    }
}
