//! The basic layers: Linear (Dense), Conv2d, pooling, Flatten, Dropout, activations, embeddings.
use crate::init::Init;
use crate::module::Module;
use crate::param::Param;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use webgrad_core::{bail, DType, Device, Result, Rng, Tensor};

/// Elementwise activations (softmax over the last axis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    #[default]
    Linear,
    Relu,
    /// Slope 0.01 for x < 0 (PyTorch's default); use a `leaky_relu` layer for another slope.
    LeakyRelu,
    Tanh,
    Sigmoid,
    /// Exact GELU (erf form).
    Gelu,
    Softmax,
}

impl Activation {
    pub const LEAKY_SLOPE: f32 = 0.01;

    pub fn apply(self, x: &Tensor) -> Result<Tensor> {
        match self {
            Activation::Linear => Ok(x.clone()),
            Activation::Relu => x.relu(),
            Activation::LeakyRelu => x.leaky_relu(Self::LEAKY_SLOPE),
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => x.sigmoid(),
            Activation::Gelu => x.gelu(),
            Activation::Softmax => x.softmax(-1),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Gelu => "gelu",
            Activation::Softmax => "softmax",
        }
    }
}

/// An activation as a layer; `LeakyRelu` uses `slope`.
pub struct ActivationLayer {
    pub activation: Activation,
    pub slope: f32,
}

impl ActivationLayer {
    pub fn new(activation: Activation) -> Self {
        ActivationLayer { activation, slope: Activation::LEAKY_SLOPE }
    }
    pub fn leaky_relu(slope: f32) -> Self {
        ActivationLayer { activation: Activation::LeakyRelu, slope }
    }
}

impl Module for ActivationLayer {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self.activation {
            Activation::LeakyRelu => x.leaky_relu(self.slope),
            a => a.apply(x),
        }
    }
    fn kind(&self) -> &'static str {
        self.activation.name()
    }
}

/// Fully connected layer: y = act(x · W + b) over the last axis. W is stored `[in, out]`
/// (Keras' kernel layout, so no transpose in the hot path); PyTorch's `nn.Linear` keeps `[out, in]`.
pub struct Linear {
    pub weight: Param,
    pub bias: Option<Param>,
    pub activation: Activation,
}

impl Linear {
    pub fn new(inputs: usize, units: usize, bias: bool, init: Init, rng: &mut Rng, device: &Device) -> Result<Self> {
        Ok(Linear {
            weight: Param::new(init.tensor(&[inputs, units], inputs, units, rng, device)?),
            bias: if bias { Some(Param::new(Tensor::zeros(&[units], device)?)) } else { None },
            activation: Activation::Linear,
        })
    }
    pub fn with_activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }
}

impl Module for Linear {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let w = self.weight.get();
        if x.rank() == 0 || x.shape()[x.rank() - 1] != w.shape()[0] {
            bail!("dense", "input {:?} does not end in the layer's {} input features", x.shape(), w.shape()[0]);
        }
        let mut y = x.matmul(&w)?;
        if let Some(b) = &self.bias {
            y = y.add(&b.get())?;
        }
        self.activation.apply(&y)
    }
    fn kind(&self) -> &'static str {
        "dense"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        f("weight", &self.weight);
        if let Some(b) = &self.bias {
            f("bias", b);
        }
    }
}

/// 2-D convolution over NCHW input; weight `[out, in, kh, kw]` (PyTorch's layout).
pub struct Conv2d {
    pub weight: Param,
    pub bias: Option<Param>,
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub activation: Activation,
}

impl Conv2d {
    #[allow(clippy::too_many_arguments)]
    pub fn new(in_channels: usize, out_channels: usize, kernel: (usize, usize), stride: (usize, usize), padding: (usize, usize), bias: bool, init: Init, rng: &mut Rng, device: &Device) -> Result<Self> {
        let area = kernel.0 * kernel.1;
        let shape = [out_channels, in_channels, kernel.0, kernel.1];
        Ok(Conv2d {
            weight: Param::new(init.tensor(&shape, in_channels * area, out_channels * area, rng, device)?),
            bias: if bias { Some(Param::new(Tensor::zeros(&[out_channels], device)?)) } else { None },
            stride,
            padding,
            activation: Activation::Linear,
        })
    }
    pub fn with_activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }
}

impl Module for Conv2d {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let b = self.bias.as_ref().map(Param::get);
        let y = x.conv2d(&self.weight.get(), b.as_ref(), self.stride, self.padding)?;
        self.activation.apply(&y)
    }
    fn kind(&self) -> &'static str {
        "conv2d"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        f("weight", &self.weight);
        if let Some(b) = &self.bias {
            f("bias", b);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    Max,
    Avg,
}

pub struct Pool2d {
    pub kind: PoolKind,
    pub kernel: (usize, usize),
    pub stride: (usize, usize),
    pub padding: (usize, usize),
}

impl Module for Pool2d {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self.kind {
            PoolKind::Max => x.max_pool2d(self.kernel, self.stride, self.padding),
            PoolKind::Avg => x.avg_pool2d(self.kernel, self.stride, self.padding),
        }
    }
    fn kind(&self) -> &'static str {
        match self.kind {
            PoolKind::Max => "max_pool2d",
            PoolKind::Avg => "avg_pool2d",
        }
    }
}

/// `[N, …]` → `[N, ∏…]`.
pub struct Flatten;

impl Module for Flatten {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        if x.rank() == 0 {
            bail!("flatten", "needs a batch axis, got a scalar");
        }
        x.flatten_from(1)
    }
    fn kind(&self) -> &'static str {
        "flatten"
    }
}

/// Inverted dropout: in training, zero each value with probability `rate` and scale the rest by
/// 1 / (1 − rate); the identity in evaluation. Masks come from the layer's own seeded `Rng`.
pub struct Dropout {
    pub rate: f32,
    rng: RefCell<Rng>,
    training: Cell<bool>,
}

impl Dropout {
    pub fn new(rate: f32, rng: Rng) -> Result<Self> {
        if !(0.0..1.0).contains(&rate) {
            bail!("dropout", "rate {} must be in [0, 1)", rate);
        }
        Ok(Dropout { rate, rng: RefCell::new(rng), training: Cell::new(true) })
    }
}

impl Module for Dropout {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        if !self.training.get() || self.rate == 0.0 {
            return Ok(x.clone());
        }
        let mask = self.rng.borrow_mut().dropout_mask(x.shape(), self.rate, x.device())?;
        x.mul(&mask)
    }
    fn kind(&self) -> &'static str {
        "dropout"
    }
    fn set_training(&self, training: bool) {
        self.training.set(training);
    }
}

fn check_indices(op: &str, x: &Tensor) -> Result<()> {
    if x.dtype() != DType::I32 {
        bail!(op, "expects i32 token indices, got {} of shape {:?}", x.dtype().name(), x.shape());
    }
    Ok(())
}

/// Rows of `table` for every index of `x` (any shape): `[…] → […, dim]`.
fn lookup(table: &Tensor, x: &Tensor) -> Result<Tensor> {
    let flat = x.reshape(&[x.numel()])?;
    let rows = table.index_select(0, &flat)?;
    let mut shape = x.dims();
    shape.push(table.shape()[1]);
    rows.reshape(&shape)
}

/// A lookup table `[vocab, dim]`: i32 indices of any shape → vectors.
pub struct Embedding {
    pub weight: Param,
}

impl Embedding {
    pub fn new(vocab: usize, dim: usize, init: Init, rng: &mut Rng, device: &Device) -> Result<Self> {
        Ok(Embedding { weight: Param::new(init.tensor(&[vocab, dim], vocab, dim, rng, device)?) })
    }
}

impl Module for Embedding {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_indices("embedding", x)?;
        lookup(&self.weight.get(), x)
    }
    fn kind(&self) -> &'static str {
        "embedding"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        f("weight", &self.weight);
    }
}

/// Token embedding plus a learned position embedding: `[B, T]` i32 → `[B, T, dim]`, T ≤ max_len.
pub struct TokenPositionEmbedding {
    pub token: Param,
    pub position: Param,
}

impl TokenPositionEmbedding {
    pub fn new(vocab: usize, max_len: usize, dim: usize, init: Init, rng: &mut Rng, device: &Device) -> Result<Self> {
        Ok(TokenPositionEmbedding {
            token: Param::new(init.tensor(&[vocab, dim], vocab, dim, rng, device)?),
            position: Param::new(init.tensor(&[max_len, dim], max_len, dim, rng, device)?),
        })
    }
}

impl Module for TokenPositionEmbedding {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_indices("token_position_embedding", x)?;
        let pos = self.position.get();
        let t = *x.shape().last().unwrap_or(&0);
        if x.rank() < 1 || t > pos.shape()[0] {
            bail!("token_position_embedding", "input {:?}: sequence length must be at most {}", x.shape(), pos.shape()[0]);
        }
        lookup(&self.token.get(), x)?.add(&pos.narrow(0, 0, t)?)
    }
    fn kind(&self) -> &'static str {
        "token_position_embedding"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        f("token", &self.token);
        f("position", &self.position);
    }
}

/// `[N, …]` → `[N, shape…]` (same number of elements per example).
pub struct Reshape {
    pub shape: Vec<usize>,
}

impl Module for Reshape {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        if x.rank() == 0 {
            bail!("reshape", "needs a batch axis, got a scalar");
        }
        let mut shape = vec![x.shape()[0]];
        shape.extend(&self.shape);
        x.reshape(&shape)
    }
    fn kind(&self) -> &'static str {
        "reshape"
    }
}
