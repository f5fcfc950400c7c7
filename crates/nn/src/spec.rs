//! The model spec: one serde (JSON) description of a model — its layers, loss, optimizer,
//! schedule, regularisation and seed — validated with clear errors and built by
//! [`crate::model::build`]. It is what the npm API and the playground hand to the engine.
//!
//! Shapes in the spec leave out the batch axis: `input_shape: [2]` for 2-D points,
//! `[1, 28, 28]` for MNIST images (NCHW), `[64]` for a window of 64 tokens.
use crate::init::Init;
use crate::layers::Activation;
use crate::optim::OptimizerSpec;
use crate::schedule::Schedule;
use serde::{Deserialize, Serialize};
use webgrad_core::{bail, Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Shape of one example (no batch axis).
    pub input_shape: Vec<usize>,
    pub layers: Vec<LayerSpec>,
    pub loss: LossSpec,
    pub optimizer: OptimizerSpec,
    #[serde(default)]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Schedule>", optional))]
    pub schedule: Schedule,
    /// Clip gradients to this global L2 norm before each update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub clip_grad_norm: Option<f32>,
    #[serde(default)]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Regularization>", optional))]
    pub regularization: Regularization,
    /// Seeds weight initialisation, dropout and shuffling. Keep it below 2^53 so that JavaScript
    /// numbers carry it exactly.
    #[serde(default)]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<u64>", optional))]
    pub seed: u64,
}

/// Penalties on the kernels of dense and conv2d layers: l1·Σ|w| + l2·Σw².
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Regularization {
    #[serde(default)]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
    pub l1: f32,
    #[serde(default)]
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
    pub l2: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LossSpec {
    /// Mean squared error against f32 targets of the output's shape.
    Mse,
    /// Mean absolute error against f32 targets of the output's shape.
    Mae,
    /// Binary cross-entropy on logits (no final sigmoid), targets in [0, 1] of the output's shape.
    BinaryCrossEntropy,
    /// Softmax cross-entropy on logits `[…, C]` (no final softmax), i32 class targets `[…]`.
    SoftmaxCrossEntropy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
        class_weights: Option<Vec<f32>>,
    },
    /// Softmax cross-entropy on logits `[…, C]` against f32 class probabilities of the same shape
    /// (one-hot labels: Keras' `categorical_crossentropy` with `from_logits=True`).
    CategoricalCrossEntropy {
        /// Mix the targets with the uniform distribution: y·(1 − s) + s / C.
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        label_smoothing: f32,
    },
    /// Huber loss: quadratic within `delta` of the target, linear beyond (PyTorch `huber_loss`).
    Huber {
        #[serde(default = "one_f32")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        delta: f32,
    },
}

fn one_f32() -> f32 {
    1.0
}

impl LossSpec {
    pub fn name(&self) -> &'static str {
        match self {
            LossSpec::Mse => "mse",
            LossSpec::Mae => "mae",
            LossSpec::BinaryCrossEntropy => "binary_cross_entropy",
            LossSpec::SoftmaxCrossEntropy { .. } => "softmax_cross_entropy",
            LossSpec::CategoricalCrossEntropy { .. } => "categorical_cross_entropy",
            LossSpec::Huber { .. } => "huber",
        }
    }
    /// Targets are i32 class indices (rather than f32 values).
    pub fn has_class_targets(&self) -> bool {
        matches!(self, LossSpec::SoftmaxCrossEntropy { .. })
    }
    /// The outputs are logits of classes on the last axis (a softmax makes them probabilities).
    pub fn is_softmax(&self) -> bool {
        matches!(self, LossSpec::SoftmaxCrossEntropy { .. } | LossSpec::CategoricalCrossEntropy { .. })
    }
    /// Shape of one example's target given the model's output shape (no batch axis).
    pub fn target_shape(&self, output: &[usize]) -> Vec<usize> {
        match self {
            LossSpec::SoftmaxCrossEntropy { .. } => output[..output.len().saturating_sub(1)].to_vec(),
            _ => output.to_vec(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LayerSpec {
    /// Fully connected over the last axis.
    Dense {
        units: usize,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Activation>", optional))]
        activation: Activation,
        #[serde(default = "yes")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
        use_bias: bool,
        #[serde(default = "glorot")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Init>", optional))]
        init: Init,
    },
    /// 2-D convolution over `[C, H, W]`, square kernel.
    Conv2d {
        filters: usize,
        kernel_size: usize,
        #[serde(default = "one")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
        stride: usize,
        /// Zero padding on each side (kernel_size / 2 keeps the size for odd kernels and stride 1).
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
        padding: usize,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Activation>", optional))]
        activation: Activation,
        #[serde(default = "yes")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
        use_bias: bool,
        #[serde(default = "glorot")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Init>", optional))]
        init: Init,
    },
    MaxPool2d {
        pool_size: usize,
        /// Defaults to `pool_size`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
        stride: Option<usize>,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
        padding: usize,
    },
    AvgPool2d {
        pool_size: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
        stride: Option<usize>,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
        padding: usize,
    },
    Flatten,
    /// Reshape one example to `shape` (same number of elements).
    Reshape { shape: Vec<usize> },
    Dropout { rate: f32 },
    /// BatchNorm over axis 0 of an example (features of `[F]`, channels of `[C, H, W]`).
    BatchNorm {
        #[serde(default = "eps5")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        eps: f32,
        #[serde(default = "bn_momentum")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        momentum: f32,
    },
    /// LayerNorm over the last axis.
    LayerNorm {
        #[serde(default = "eps5")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        eps: f32,
    },
    Activation { activation: Activation },
    LeakyRelu {
        #[serde(default = "leaky")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        alpha: f32,
    },
    /// i32 indices → vectors; must be the first layer.
    Embedding {
        vocab_size: usize,
        dim: usize,
        #[serde(default = "normal1")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Init>", optional))]
        init: Init,
    },
    /// Token plus learned position embedding of `[T]` indices, T ≤ max_len; must be first.
    TokenPositionEmbedding {
        vocab_size: usize,
        max_len: usize,
        dim: usize,
        #[serde(default = "normal002")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Init>", optional))]
        init: Init,
    },
    /// Causal multi-head self-attention over `[T, E]`.
    CausalSelfAttention {
        heads: usize,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        dropout: f32,
        #[serde(default = "normal002")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Init>", optional))]
        init: Init,
    },
    /// Pre-norm GPT block over `[T, E]`: attention and a GELU MLP, each with a residual.
    TransformerBlock {
        heads: usize,
        #[serde(default = "four")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
        mlp_ratio: usize,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        dropout: f32,
        #[serde(default = "normal002")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Init>", optional))]
        init: Init,
    },
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}
fn four() -> usize {
    4
}
fn eps5() -> f32 {
    1e-5
}
fn bn_momentum() -> f32 {
    0.1
}
fn leaky() -> f32 {
    Activation::LEAKY_SLOPE
}
fn glorot() -> Init {
    Init::GlorotUniform
}
fn normal1() -> Init {
    Init::Normal { std: 1.0 }
}
fn normal002() -> Init {
    Init::Normal { std: 0.02 }
}

impl LayerSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            LayerSpec::Dense { .. } => "dense",
            LayerSpec::Conv2d { .. } => "conv2d",
            LayerSpec::MaxPool2d { .. } => "max_pool2d",
            LayerSpec::AvgPool2d { .. } => "avg_pool2d",
            LayerSpec::Flatten => "flatten",
            LayerSpec::Reshape { .. } => "reshape",
            LayerSpec::Dropout { .. } => "dropout",
            LayerSpec::BatchNorm { .. } => "batch_norm",
            LayerSpec::LayerNorm { .. } => "layer_norm",
            LayerSpec::Activation { .. } => "activation",
            LayerSpec::LeakyRelu { .. } => "leaky_relu",
            LayerSpec::Embedding { .. } => "embedding",
            LayerSpec::TokenPositionEmbedding { .. } => "token_position_embedding",
            LayerSpec::CausalSelfAttention { .. } => "causal_self_attention",
            LayerSpec::TransformerBlock { .. } => "transformer_block",
        }
    }

    /// Takes i32 token indices (and so must come first).
    pub fn takes_indices(&self) -> bool {
        matches!(self, LayerSpec::Embedding { .. } | LayerSpec::TokenPositionEmbedding { .. })
    }

    /// The activation this layer ends with, if any (used to catch a softmax before a loss that
    /// expects logits).
    pub fn final_activation(&self) -> Option<Activation> {
        match self {
            LayerSpec::Dense { activation, .. } | LayerSpec::Conv2d { activation, .. } | LayerSpec::Activation { activation } => Some(*activation),
            _ => None,
        }
    }

    /// Check the hyper-parameters and infer the output shape of one example.
    pub fn output_shape(&self, input: &[usize]) -> std::result::Result<Vec<usize>, String> {
        let positive = |what: &str, v: usize| if v == 0 { Err(format!("{what} must be ≥ 1")) } else { Ok(()) };
        let rate = |what: &str, v: f32| {
            if (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("{what} {v} must be in [0, 1)"))
            }
        };
        let image = |input: &[usize]| match input {
            [c, h, w] => Ok((*c, *h, *w)),
            _ => Err(format!("expects a [channels, height, width] input, got {input:?} (add a reshape layer?)")),
        };
        let window = |h: usize, w: usize, k: usize, s: usize, p: usize| -> std::result::Result<(usize, usize), String> {
            // Saturating: sizes come from JSON and may be absurd; the limit checks catch them.
            let (hp, wp) = (h.saturating_add(p.saturating_mul(2)), w.saturating_add(p.saturating_mul(2)));
            if hp < k || wp < k {
                return Err(format!("kernel {k} is larger than the padded input {h}×{w} (padding {p})"));
            }
            Ok(((hp - k) / s + 1, (wp - k) / s + 1))
        };
        let seq = |input: &[usize]| match input {
            [t, e] => Ok((*t, *e)),
            _ => Err(format!("expects a [time, embedding] input, got {input:?}")),
        };
        let features = |input: &[usize]| input.last().copied().ok_or_else(|| "expects at least one axis, got a scalar input".to_string());
        // A weight the engine could not hold is a spec error, before anything is allocated.
        let weight = |what: &str, dims: &[usize]| match webgrad_core::checked_numel(what, dims) {
            Ok(_) => Ok(()),
            Err(_) => Err(format!("its {what} {dims:?} would have more than {} elements (the engine's limit per tensor)", webgrad_core::MAX_ELEMENTS)),
        };
        let mut out = input.to_vec();
        match self {
            LayerSpec::Dense { units, init, .. } => {
                positive("units", *units)?;
                init.validate().map_err(|e| e.message)?;
                weight("weight", &[features(input)?, *units])?;
                *out.last_mut().expect("checked") = *units;
            }
            LayerSpec::Conv2d { filters, kernel_size, stride, padding, init, .. } => {
                positive("filters", *filters)?;
                positive("kernel_size", *kernel_size)?;
                positive("stride", *stride)?;
                init.validate().map_err(|e| e.message)?;
                let (c, h, w) = image(input)?;
                weight("weight", &[*filters, c, *kernel_size, *kernel_size])?;
                let (oh, ow) = window(h, w, *kernel_size, *stride, *padding)?;
                out = vec![*filters, oh, ow];
            }
            LayerSpec::MaxPool2d { pool_size, stride, padding } | LayerSpec::AvgPool2d { pool_size, stride, padding } => {
                positive("pool_size", *pool_size)?;
                let s = stride.unwrap_or(*pool_size);
                positive("stride", s)?;
                if 2 * padding > *pool_size {
                    return Err(format!("padding {padding} must be at most half the pool size {pool_size}"));
                }
                let (c, h, w) = image(input)?;
                let (oh, ow) = window(h, w, *pool_size, s, *padding)?;
                out = vec![c, oh, ow];
            }
            LayerSpec::Flatten => out = vec![webgrad_core::numel(input)],
            LayerSpec::Reshape { shape } => {
                let (a, b) = (webgrad_core::numel(input), webgrad_core::numel(shape));
                if a != b {
                    return Err(format!("cannot reshape {input:?} ({a} values) to {shape:?} ({b} values)"));
                }
                out = shape.clone();
            }
            LayerSpec::Dropout { rate: r } => rate("rate", *r)?,
            LayerSpec::BatchNorm { eps, momentum } => {
                if !(*eps > 0.0) {
                    return Err(format!("eps {eps} must be > 0"));
                }
                if !(*momentum > 0.0 && *momentum <= 1.0) {
                    return Err(format!("momentum {momentum} must be in (0, 1]"));
                }
                if input.is_empty() {
                    return Err("expects at least one axis (features or channels)".into());
                }
            }
            LayerSpec::LayerNorm { eps } => {
                if !(*eps > 0.0) {
                    return Err(format!("eps {eps} must be > 0"));
                }
                features(input)?;
            }
            LayerSpec::Activation { .. } => {}
            LayerSpec::LeakyRelu { alpha } => {
                if !alpha.is_finite() {
                    return Err(format!("alpha {alpha} must be finite"));
                }
            }
            LayerSpec::Embedding { vocab_size, dim, init } => {
                positive("vocab_size", *vocab_size)?;
                positive("dim", *dim)?;
                weight("embedding table", &[*vocab_size, *dim])?;
                init.validate().map_err(|e| e.message)?;
                out.push(*dim);
            }
            LayerSpec::TokenPositionEmbedding { vocab_size, max_len, dim, init } => {
                positive("vocab_size", *vocab_size)?;
                positive("max_len", *max_len)?;
                positive("dim", *dim)?;
                weight("embedding table", &[*vocab_size, *dim])?;
                weight("position table", &[*max_len, *dim])?;
                init.validate().map_err(|e| e.message)?;
                match input {
                    [t] if t <= max_len => out.push(*dim),
                    [t] => return Err(format!("sequence length {t} exceeds max_len {max_len}")),
                    _ => return Err(format!("expects a [time] input of token indices, got {input:?}")),
                }
            }
            LayerSpec::CausalSelfAttention { heads, dropout, init } | LayerSpec::TransformerBlock { heads, dropout, init, .. } => {
                positive("heads", *heads)?;
                rate("dropout", *dropout)?;
                init.validate().map_err(|e| e.message)?;
                if let LayerSpec::TransformerBlock { mlp_ratio, .. } = self {
                    positive("mlp_ratio", *mlp_ratio)?;
                }
                let (_, e) = seq(input)?;
                if e % heads != 0 {
                    return Err(format!("embedding size {e} is not a multiple of heads {heads}"));
                }
            }
        }
        Ok(out)
    }
}

impl ModelSpec {
    /// The spec from JSON text; unknown layer types, unknown fields and wrong types are errors
    /// that name where the bad value is (`layers[2].units: invalid value: integer `-1`, expected
    /// usize`).
    pub fn from_json(json: &str) -> Result<ModelSpec> {
        let mut de = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let mut path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                return Error::new("model spec", format!("invalid JSON: {inner}"));
            }
            if let Some(field) = field_holding_bad_value(json, &path, &inner.to_string()) {
                path = format!("{path}.{field}");
            }
            let at = if matches!(path.as_str(), "." | "?" | "") { String::new() } else { format!("{path}: ") };
            Error::new("model spec", format!("{at}{inner}"))
        })
    }
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a ModelSpec always serialises")
    }
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a ModelSpec always serialises")
    }

    /// The model takes i32 token indices rather than f32 features.
    pub fn takes_indices(&self) -> bool {
        self.layers.first().is_some_and(LayerSpec::takes_indices)
    }

    /// Check every field and run shape inference; returns each layer's output shape (no batch
    /// axis). Errors name the layer by index and type.
    pub fn validate(&self) -> Result<Vec<Vec<usize>>> {
        let op = "model spec";
        if self.input_shape.is_empty() || self.input_shape.contains(&0) {
            bail!(op, "input_shape {:?} must have at least one axis, all ≥ 1", self.input_shape);
        }
        if webgrad_core::checked_numel(op, &self.input_shape).is_err() {
            bail!(op, "input_shape {:?} has more than {} elements per example (the engine's limit per tensor)", self.input_shape, webgrad_core::MAX_ELEMENTS);
        }
        if self.layers.is_empty() {
            bail!(op, "a model needs at least one layer");
        }
        let mut shape = self.input_shape.clone();
        let mut shapes = Vec::with_capacity(self.layers.len());
        for (i, layer) in self.layers.iter().enumerate() {
            if layer.takes_indices() && i > 0 {
                bail!(op, "layer {} ({}) takes token indices, so it must be the first layer", i, layer.kind());
            }
            shape = layer.output_shape(&shape).map_err(|m| Error::new(op, format!("layer {} ({}): {}", i, layer.kind(), m)))?;
            if webgrad_core::checked_numel(op, &shape).is_err() {
                bail!(op, "layer {} ({}): its output {:?} per example has more than {} elements (the engine's limit per tensor)", i, layer.kind(), shape, webgrad_core::MAX_ELEMENTS);
            }
            shapes.push(shape.clone());
        }
        self.optimizer.validate().map_err(|e| Error::new(op, e.to_string()))?;
        self.schedule.validate().map_err(|e| Error::new(op, e.to_string()))?;
        if let Some(c) = self.clip_grad_norm {
            if !(c > 0.0 && c.is_finite()) {
                bail!(op, "clip_grad_norm {} must be > 0", c);
            }
        }
        let Regularization { l1, l2 } = self.regularization;
        if !(l1 >= 0.0 && l1.is_finite() && l2 >= 0.0 && l2.is_finite()) {
            bail!(op, "regularization l1 = {} and l2 = {} must be finite and ≥ 0", l1, l2);
        }
        self.validate_loss(&shape)?;
        Ok(shapes)
    }

    fn validate_loss(&self, output: &[usize]) -> Result<()> {
        let op = "model spec";
        let last = self.layers.iter().rev().find_map(LayerSpec::final_activation);
        match &self.loss {
            LossSpec::SoftmaxCrossEntropy { class_weights } => {
                let classes = output.last().copied().unwrap_or(0);
                if classes < 2 {
                    bail!(op, "softmax_cross_entropy needs an output of at least 2 classes on the last axis, the model gives {:?}", output);
                }
                if last == Some(Activation::Softmax) {
                    bail!(op, "softmax_cross_entropy takes logits: remove the final softmax (predict_proba applies it)");
                }
                if let Some(w) = class_weights {
                    if w.len() != classes {
                        bail!(op, "class_weights has {} entries for {} classes", w.len(), classes);
                    }
                    if w.iter().any(|&v| !(v >= 0.0 && v.is_finite())) || w.iter().all(|&v| v == 0.0) {
                        bail!(op, "class_weights {:?} must be finite, ≥ 0 and not all 0", w);
                    }
                }
            }
            LossSpec::BinaryCrossEntropy => {
                if last == Some(Activation::Sigmoid) {
                    bail!(op, "binary_cross_entropy takes logits: remove the final sigmoid (predict_proba applies it)");
                }
            }
            LossSpec::CategoricalCrossEntropy { label_smoothing } => {
                if output.last().copied().unwrap_or(0) < 2 {
                    bail!(op, "categorical_cross_entropy needs an output of at least 2 classes on the last axis, the model gives {:?}", output);
                }
                if last == Some(Activation::Softmax) {
                    bail!(op, "categorical_cross_entropy takes logits: remove the final softmax (predict_proba applies it)");
                }
                if !(0.0..1.0).contains(label_smoothing) {
                    bail!(op, "label_smoothing {} must be in [0, 1)", label_smoothing);
                }
            }
            LossSpec::Huber { delta } => {
                if !(*delta > 0.0 && delta.is_finite()) {
                    bail!(op, "huber delta {} must be finite and > 0", delta);
                }
            }
            LossSpec::Mse | LossSpec::Mae => {}
        }
        Ok(())
    }
}

/// A layer is a tagged enum, which serde reads from a buffer: its errors stop at `layers[i]`.
/// The message quotes the bad value (integer `-1`, string "3"); when exactly one field of
/// that layer holds it, that field is the one to name.
fn field_holding_bad_value(json: &str, path: &str, message: &str) -> Option<String> {
    // Only the scalars of each layer are read back (an untagged enum reuses the buffering serde
    // already does for layers: far smaller in wasm than a general JSON value).
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Int(i64),
        Float(f64),
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    #[derive(Deserialize)]
    struct Probe {
        layers: Vec<std::collections::BTreeMap<String, Scalar>>,
    }
    let index: usize = path.strip_prefix("layers[")?.strip_suffix(']')?.parse().ok()?;
    // serde quotes numbers and the like in backticks, strings in double quotes.
    let (quoted, is_text) = match message.split_once("string \"") {
        Some((_, rest)) => (rest.split('"').next()?, true),
        None => (message.split('`').nth(1)?, false),
    };
    let probe: Probe = serde_json::from_str(json).ok()?;
    let holds = |v: &Scalar| match v {
        Scalar::Text(s) => s == quoted,
        Scalar::Int(i) => !is_text && i.to_string() == quoted,
        Scalar::Float(f) => !is_text && f.to_string() == quoted,
        Scalar::Other(_) => false,
    };
    let layer = probe.layers.get(index)?;
    let mut hits = layer.iter().filter(|(k, v)| k.as_str() != "type" && holds(v)).map(|(k, _)| k.clone());
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}
