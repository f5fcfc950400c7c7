//! Normalisation layers: BatchNorm (1-D and 2-D: channels on axis 1) and LayerNorm (last axis).
use crate::module::Module;
use crate::param::Param;
use std::cell::Cell;
use webgrad_core::{bail, Device, Result, Tensor};

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
        let (rm, rv) = (self.running_mean.get(), self.running_var.get());
        let out = webgrad_core::functional::batch_norm(x, Some(&rm), Some(&rv), Some(&self.weight.get()), Some(&self.bias.get()), self.training.get(), self.momentum, self.eps)?;
        if let Some((m, v)) = out.running {
            self.running_mean.set(m)?;
            self.running_var.set(v)?;
        }
        Ok(out.output)
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
