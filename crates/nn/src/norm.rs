//! Normalisation layers: BatchNorm (1-D and 2-D: channels on axis 1) and LayerNorm (last axis).
use crate::module::Module;
use crate::param::Param;
use std::cell::Cell;
use webgrad_core::{bail, no_grad, Device, Result, Tensor};

/// Batch normalisation over every axis but axis 1 (`[N, C]` or `[N, C, H, W]`), as PyTorch's
/// BatchNorm1d/2d: training uses the batch's statistics and updates running estimates
/// (`running = (1 − momentum)·running + momentum·batch`, the variance unbiased); evaluation uses
/// the running estimates.
pub struct BatchNorm {
    pub weight: Param,
    pub bias: Param,
    pub running_mean: Param,
    pub running_var: Param,
    pub eps: f32,
    pub momentum: f32,
    training: Cell<bool>,
}

impl BatchNorm {
    pub fn new(channels: usize, eps: f32, momentum: f32, device: &Device) -> Result<Self> {
        Ok(BatchNorm {
            weight: Param::new(Tensor::ones(&[channels], device)?),
            bias: Param::new(Tensor::zeros(&[channels], device)?),
            running_mean: Param::buffer(Tensor::zeros(&[channels], device)?),
            running_var: Param::buffer(Tensor::ones(&[channels], device)?),
            eps,
            momentum,
            training: Cell::new(true),
        })
    }
}

impl Module for BatchNorm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let c = self.weight.shape()[0];
        if x.rank() < 2 || x.shape()[1] != c {
            bail!("batch_norm", "input {:?} must be [N, {}, …] (channels on axis 1)", x.shape(), c);
        }
        // Per-channel tensors broadcast as [1, C, 1, …].
        let mut bshape = vec![1; x.rank()];
        bshape[1] = c;
        let axes: Vec<isize> = (0..x.rank() as isize).filter(|&a| a != 1).collect();
        let (mean, var) = if self.training.get() {
            let count = x.numel() / c;
            if count < 2 {
                bail!("batch_norm", "training needs more than one value per channel, got input {:?}", x.shape());
            }
            let mean = x.mean(axes.clone(), true)?;
            let var = x.var(axes, true, 0)?;
            no_grad(|| -> Result<()> {
                let m = self.momentum;
                let unbiased = var.mul_scalar(count as f32 / (count - 1) as f32)?.reshape(&[c])?;
                let rm = self.running_mean.get().mul_scalar(1.0 - m)?.add(&mean.reshape(&[c])?.mul_scalar(m)?)?;
                let rv = self.running_var.get().mul_scalar(1.0 - m)?.add(&unbiased.mul_scalar(m)?)?;
                self.running_mean.set(rm)?;
                self.running_var.set(rv)
            })?;
            (mean, var)
        } else {
            (self.running_mean.get().reshape(&bshape)?, self.running_var.get().reshape(&bshape)?)
        };
        let inv_std = var.add_scalar(self.eps)?.sqrt()?.recip()?;
        let xhat = x.sub(&mean)?.mul(&inv_std)?;
        xhat.mul(&self.weight.get().reshape(&bshape)?)?.add(&self.bias.get().reshape(&bshape)?)
    }
    fn kind(&self) -> &'static str {
        "batch_norm"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        f("weight", &self.weight);
        f("bias", &self.bias);
        f("running_mean", &self.running_mean);
        f("running_var", &self.running_var);
    }
    fn set_training(&self, training: bool) {
        self.training.set(training);
    }
}

/// Layer normalisation over the last axis with a learned scale and shift.
pub struct LayerNorm {
    pub weight: Param,
    pub bias: Param,
    pub eps: f32,
}

impl LayerNorm {
    pub fn new(dim: usize, eps: f32, device: &Device) -> Result<Self> {
        Ok(LayerNorm { weight: Param::new(Tensor::ones(&[dim], device)?), bias: Param::new(Tensor::zeros(&[dim], device)?), eps })
    }
}

impl Module for LayerNorm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let d = self.weight.shape()[0];
        if x.rank() == 0 || x.shape()[x.rank() - 1] != d {
            bail!("layer_norm", "input {:?} must end in {} features", x.shape(), d);
        }
        webgrad_core::functional::layer_norm(x, &[d], Some(&self.weight.get()), Some(&self.bias.get()), self.eps)
    }
    fn kind(&self) -> &'static str {
        "layer_norm"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        f("weight", &self.weight);
        f("bias", &self.bias);
    }
}
