//! `build(spec, device)` and the `Model` it returns: the network, its optimizer and loss, and the
//! single-step API (`train_step`, `predict`, `loss`). `fit`/`evaluate` live in `trainer`.
use crate::attention::{CausalSelfAttention, TransformerBlock};
use crate::layers::{Activation, ActivationLayer, Conv2d, Dropout, Embedding, Flatten, Linear, Pool2d, PoolKind, Reshape, TokenPositionEmbedding};
use crate::loss;
use crate::module::{Module, Sequential};
use crate::norm::{BatchNorm, LayerNorm};
use crate::optim::{Optimizer, OptimizerSpec};
use crate::param::Param;
use crate::spec::{LayerSpec, LossSpec, ModelSpec, Regularization};
use webgrad_core::{bail, no_grad, DType, Device, Error, Result, Rng, Tensor};

/// One row of `Model::summary`.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSummary {
    pub index: usize,
    pub kind: &'static str,
    /// Output shape of one example (no batch axis).
    pub output_shape: Vec<usize>,
    /// Trainable scalars.
    pub params: usize,
}

pub struct Model {
    spec: ModelSpec,
    net: Sequential,
    optimizer: Optimizer,
    device: Device,
    shapes: Vec<Vec<usize>>,
    /// Draws the shuffling order of `fit`.
    pub(crate) rng: Rng,
    class_weights: Option<Tensor>,
    /// Kernels of dense and conv2d layers: the ones L1/L2 regularisation applies to.
    regularized: Vec<Param>,
}

/// Validate `spec` and build the model on `device`. Layer `i`'s weights come from the i-th fork
/// of `Rng::new(spec.seed)`, so appending a layer leaves the earlier layers' weights unchanged.
pub fn build(spec: &ModelSpec, device: &Device) -> Result<Model> {
    let shapes = spec.validate()?;
    let mut root = Rng::new(spec.seed);
    let shuffle_rng = root.fork();
    let mut net = Sequential::default();
    let mut regularized = Vec::new();
    let mut input = spec.input_shape.clone();
    for (i, (layer, out)) in spec.layers.iter().zip(&shapes).enumerate() {
        let mut rng = root.fork();
        // An error here (out of memory, most likely) names the layer, as spec errors do.
        let module = build_layer(layer, &input, &mut rng, device, &mut regularized)
            .map_err(|e| Error::new("model", format!("layer {} ({}): {}", i, layer.kind(), e)))?;
        net.push_boxed(module);
        input = out.clone();
    }
    let optimizer = Optimizer::new(spec.optimizer.clone(), net.named_parameters())?
        .with_schedule(spec.schedule.clone())?
        .with_clip_grad_norm(spec.clip_grad_norm)?;
    let class_weights = match &spec.loss {
        LossSpec::SoftmaxCrossEntropy { class_weights: Some(w) } => Some(Tensor::from_slice(w, &[w.len()], device)?),
        _ => None,
    };
    let model = Model { spec: spec.clone(), net, optimizer, device: device.clone(), shapes, rng: shuffle_rng, class_weights, regularized };
    model.net.set_training(false);
    Ok(model)
}

fn build_layer(layer: &LayerSpec, input: &[usize], rng: &mut Rng, dev: &Device, regularized: &mut Vec<Param>) -> Result<Box<dyn Module>> {
    let last = || *input.last().expect("validated");
    Ok(match layer {
        LayerSpec::Dense { units, activation, use_bias, init } => {
            let l = Linear::new(last(), *units, *use_bias, *init, rng, dev)?.with_activation(*activation);
            regularized.push(l.weight.clone());
            Box::new(l)
        }
        LayerSpec::Conv2d { filters, kernel_size, stride, padding, activation, use_bias, init } => {
            let k = *kernel_size;
            let c = Conv2d::new(input[0], *filters, (k, k), (*stride, *stride), (*padding, *padding), *use_bias, *init, rng, dev)?
                .with_activation(*activation);
            regularized.push(c.weight.clone());
            Box::new(c)
        }
        LayerSpec::MaxPool2d { pool_size, stride, padding } | LayerSpec::AvgPool2d { pool_size, stride, padding } => {
            let kind = if matches!(layer, LayerSpec::MaxPool2d { .. }) { PoolKind::Max } else { PoolKind::Avg };
            let s = stride.unwrap_or(*pool_size);
            Box::new(Pool2d { kind, kernel: (*pool_size, *pool_size), stride: (s, s), padding: (*padding, *padding) })
        }
        LayerSpec::Flatten => Box::new(Flatten),
        LayerSpec::Reshape { shape } => Box::new(Reshape { shape: shape.clone() }),
        LayerSpec::Dropout { rate } => Box::new(Dropout::new(*rate, rng.fork())?),
        LayerSpec::BatchNorm { eps, momentum } => Box::new(BatchNorm::new(input[0], *eps, *momentum, dev)?),
        LayerSpec::LayerNorm { eps } => Box::new(LayerNorm::new(last(), *eps, dev)?),
        LayerSpec::Activation { activation } => Box::new(ActivationLayer::new(*activation)),
        LayerSpec::LeakyRelu { alpha } => Box::new(ActivationLayer::leaky_relu(*alpha)),
        LayerSpec::Embedding { vocab_size, dim, init } => Box::new(Embedding::new(*vocab_size, *dim, *init, rng, dev)?),
        LayerSpec::TokenPositionEmbedding { vocab_size, max_len, dim, init } => {
            Box::new(TokenPositionEmbedding::new(*vocab_size, *max_len, *dim, *init, rng, dev)?)
        }
        LayerSpec::CausalSelfAttention { heads, dropout, init } => Box::new(CausalSelfAttention::new(last(), *heads, *dropout, *init, rng, dev)?),
        LayerSpec::TransformerBlock { heads, mlp_ratio, dropout, init } => {
            Box::new(TransformerBlock::new(last(), *heads, *mlp_ratio, *dropout, *init, rng, dev)?)
        }
    })
}

impl Model {
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }
    pub fn net(&self) -> &Sequential {
        &self.net
    }
    pub fn device(&self) -> &Device {
        &self.device
    }
    pub fn optimizer(&self) -> &Optimizer {
        &self.optimizer
    }
    pub fn optimizer_mut(&mut self) -> &mut Optimizer {
        &mut self.optimizer
    }
    /// Output shape of one example (no batch axis).
    pub fn output_shape(&self) -> &[usize] {
        self.shapes.last().expect("a model has at least one layer")
    }
    /// Every parameter and buffer by name (`<layer>.<param>`, e.g. `0.weight`).
    pub fn named_parameters(&self) -> Vec<(String, Param)> {
        self.net.named_parameters()
    }
    pub fn num_parameters(&self) -> usize {
        self.net.num_parameters()
    }
    pub fn summary(&self) -> Vec<LayerSummary> {
        self.net
            .layers()
            .iter()
            .zip(&self.shapes)
            .enumerate()
            .map(|(index, (layer, shape))| LayerSummary { index, kind: layer.kind(), output_shape: shape.clone(), params: layer.num_parameters() })
            .collect()
    }

    /// Keras' `model.summary()` table: one row per layer (name, output shape with the batch axis
    /// as `None`, parameters) and the total.
    pub fn summary_table(&self) -> String {
        let rows: Vec<[String; 3]> = self
            .summary()
            .iter()
            .map(|s| {
                let dims: Vec<String> = std::iter::once("None".to_string()).chain(s.output_shape.iter().map(|d| d.to_string())).collect();
                [format!("{}_{} ({})", s.kind, s.index, s.kind), format!("({})", dims.join(", ")), s.params.to_string()]
            })
            .collect();
        let head = ["Layer (type)".to_string(), "Output Shape".to_string(), "Param #".to_string()];
        let mut w = [0; 3];
        for r in rows.iter().chain(std::iter::once(&head)) {
            for (i, c) in r.iter().enumerate() {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let line = |r: &[String; 3]| format!("{:<a$}  {:<b$}  {:>c$}\n", r[0], r[1], r[2], a = w[0], b = w[1], c = w[2]);
        let width = w[0] + w[1] + w[2] + 4;
        let mut out = format!("Model: \"sequential\"\n{}\n{}{}\n", "━".repeat(width), line(&head), "━".repeat(width));
        for (i, r) in rows.iter().enumerate() {
            out += &line(r);
            out += &if i + 1 == rows.len() { "━" } else { "─" }.repeat(width);
            out += "\n";
        }
        out += &format!("Total params: {}\n", self.num_parameters());
        out
    }

    /// Check a batch against the spec: `x` is `[N, input_shape…]` (i32 for token models), `y`
    /// (if given) the loss's target shape and dtype for N examples.
    pub fn check_batch(&self, x: &Tensor, y: Option<&Tensor>) -> Result<()> {
        let op = "model";
        let want_x = if self.spec.takes_indices() { DType::I32 } else { DType::F32 };
        if x.rank() != self.spec.input_shape.len() + 1 || x.shape()[1..] != self.spec.input_shape[..] {
            bail!(op, "input of shape {:?} does not match the spec: expected [batch, {}]", x.shape(), join(&self.spec.input_shape));
        }
        if x.dtype() != want_x {
            bail!(op, "input must be {} (got {})", want_x.name(), x.dtype().name());
        }
        if let Some(y) = y {
            let target = self.spec.loss.target_shape(self.output_shape());
            let want_y = if self.spec.loss.has_class_targets() { DType::I32 } else { DType::F32 };
            if y.rank() != target.len() + 1 || y.shape()[0] != x.shape()[0] || y.shape()[1..] != target[..] {
                let expected = if target.is_empty() { format!("[{}]", x.shape()[0]) } else { format!("[{}, {}]", x.shape()[0], join(&target)) };
                bail!(op, "targets of shape {:?} do not match {} with {} examples: expected {}", y.shape(), self.spec.loss.name(), x.shape()[0], expected);
            }
            if y.dtype() != want_y {
                let what = if want_y == DType::I32 { "i32 class indices" } else { "f32 values" };
                bail!(op, "{} needs {} as targets (got {})", self.spec.loss.name(), what, y.dtype().name());
            }
        }
        Ok(())
    }

    /// The network's output in its current mode (training after `train_step`, evaluation after
    /// `predict`); records the graph unless inside `no_grad`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.check_batch(x, None)?;
        self.net.forward(&x.to_device(&self.device)?)
    }

    pub fn set_training(&self, training: bool) {
        self.net.set_training(training);
    }

    /// Raw outputs (logits for the cross-entropy losses) in evaluation mode, without a graph.
    pub fn predict(&self, x: &Tensor) -> Result<Tensor> {
        self.set_training(false);
        no_grad(|| self.forward(x))
    }

    /// Outputs as the loss reads them: softmax probabilities, sigmoid probabilities, or the raw
    /// values for regression losses.
    pub fn predict_proba(&self, x: &Tensor) -> Result<Tensor> {
        let out = self.predict(x)?;
        no_grad(|| match self.spec.loss {
            LossSpec::SoftmaxCrossEntropy { .. } | LossSpec::CategoricalCrossEntropy { .. } => Activation::Softmax.apply(&out),
            LossSpec::BinaryCrossEntropy => out.sigmoid(),
            LossSpec::Mse | LossSpec::Mae | LossSpec::Huber { .. } => Ok(out),
        })
    }

    /// The data loss of `pred` against `y` (mean over the batch), without regularisation.
    pub fn data_loss(&self, pred: &Tensor, y: &Tensor) -> Result<Tensor> {
        match self.spec.loss {
            LossSpec::Mse => loss::mse(pred, y),
            LossSpec::Mae => loss::mae(pred, y),
            LossSpec::BinaryCrossEntropy => loss::bce_with_logits(pred, y),
            LossSpec::SoftmaxCrossEntropy { .. } => loss::softmax_cross_entropy(pred, y, self.class_weights.as_ref()),
            LossSpec::CategoricalCrossEntropy { label_smoothing } => loss::categorical_cross_entropy(pred, y, label_smoothing),
            LossSpec::Huber { delta } => loss::huber(pred, y, delta),
        }
    }

    /// The objective: data loss plus the L1/L2 penalties of the spec.
    pub fn loss(&self, pred: &Tensor, y: &Tensor) -> Result<Tensor> {
        let mut total = self.data_loss(pred, y)?;
        let reg = self.spec.regularization;
        if reg.l1 > 0.0 {
            if let Some(p) = loss::l1_penalty(&self.regularized)? {
                total = total.add(&p.mul_scalar(reg.l1)?)?;
            }
        }
        if reg.l2 > 0.0 {
            if let Some(p) = loss::l2_penalty(&self.regularized)? {
                total = total.add(&p.mul_scalar(reg.l2)?)?;
            }
        }
        Ok(total)
    }

    /// One optimisation step on the batch (x, y) in training mode. Returns the loss as a scalar
    /// tensor *without reading it back* (a GPU readback is asynchronous in the browser): call
    /// `item()` on it only when you need the number.
    pub fn train_step(&mut self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        self.check_batch(x, Some(y))?;
        let (x, y) = (x.to_device(&self.device)?, y.to_device(&self.device)?);
        Ok(self.step_with_outputs(&x, &y)?.0)
    }

    /// Every layer's output for `x` in evaluation mode, without a graph: entry `i` is what layer
    /// `i` of the spec gives (the playground's per-neuron heatmaps).
    pub fn layer_outputs(&self, x: &Tensor) -> Result<Vec<Tensor>> {
        self.check_batch(x, None)?;
        self.set_training(false);
        let x = x.to_device(&self.device)?;
        no_grad(|| self.net.forward_all(&x))
    }

    /// Change the optimizer mid-run, keeping the weights: the same kind keeps its state
    /// (moments), another kind starts fresh (see `Optimizer::set_spec`). The spec follows.
    pub fn set_optimizer(&mut self, spec: OptimizerSpec) -> Result<()> {
        self.optimizer.set_spec(spec.clone())?;
        self.spec.optimizer = spec;
        Ok(())
    }

    /// Change the L1/L2 penalties mid-run (the next `loss`/`train_step` uses them).
    pub fn set_regularization(&mut self, reg: Regularization) -> Result<()> {
        let Regularization { l1, l2 } = reg;
        if !(l1 >= 0.0 && l1.is_finite() && l2 >= 0.0 && l2.is_finite()) {
            bail!("model", "regularization l1 = {} and l2 = {} must be finite and ≥ 0", l1, l2);
        }
        self.spec.regularization = reg;
        Ok(())
    }

    /// One parameter or buffer by name (`<layer>.<param>`, e.g. `0.weight`).
    pub fn param(&self, name: &str) -> Option<Param> {
        self.named_parameters().into_iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }

    /// Replace one parameter or buffer (same shape, f32); the optimizer state is kept.
    pub fn set_param(&self, name: &str, value: &Tensor) -> Result<()> {
        let Some(p) = self.param(name) else {
            bail!("model", "no parameter named {:?}", name);
        };
        if value.shape() != p.shape().as_slice() {
            bail!("model", "{} has shape {:?}, the new value {:?}", name, p.shape(), value.shape());
        }
        if value.dtype() != DType::F32 {
            bail!("model", "{} is f32, the new value {}", name, value.dtype().name());
        }
        if let Some(problem) = non_finite(name, value)? {
            bail!("model", "{}", problem);
        }
        p.set(value.to_device(&self.device)?)
    }

    /// Replace every parameter and buffer from `(name, tensor)` pairs; names and shapes must
    /// match the model exactly (missing, unexpected and mis-shaped entries are all reported), and
    /// values must be finite (checked where they are CPU-resident).
    pub fn load_parameters(&self, tensors: Vec<(String, Tensor)>) -> Result<()> {
        self.load_parameters_checked(tensors, true)
    }

    /// `load_parameters` without the finiteness check: for values the engine made itself (a copy
    /// of a model read back from the GPU to be saved), which must go through whatever they hold —
    /// a model that diverged can still be saved and looked at.
    pub fn copy_parameters(&self, tensors: Vec<(String, Tensor)>) -> Result<()> {
        self.load_parameters_checked(tensors, false)
    }

    fn load_parameters_checked(&self, tensors: Vec<(String, Tensor)>, check_finite: bool) -> Result<()> {
        let params = self.named_parameters();
        let mut by_name: std::collections::BTreeMap<String, Tensor> = tensors.into_iter().collect();
        let mut problems = Vec::new();
        let mut updates = Vec::new();
        for (name, p) in &params {
            match by_name.remove(name) {
                None => problems.push(format!("missing {name} {:?}", p.shape())),
                Some(t) if t.shape() != p.shape().as_slice() => problems.push(format!("{name} has shape {:?}, the model needs {:?}", t.shape(), p.shape())),
                Some(t) if t.dtype() != DType::F32 => problems.push(format!("{name} is {}, the model needs f32", t.dtype().name())),
                Some(t) => match if check_finite { non_finite(name, &t)? } else { None } {
                    Some(problem) => problems.push(problem),
                    None => updates.push((p.clone(), t)),
                },
            }
        }
        problems.extend(by_name.keys().map(|n| format!("unexpected {n}")));
        if !problems.is_empty() {
            bail!("load weights", "the weights do not fit this model: {}", problems.join("; "));
        }
        for (p, t) in updates {
            p.set(t.to_device(&self.device)?)?;
        }
        Ok(())
    }
}

/// "`name` holds NaN at index i" for a weight with a NaN or infinity: weights come from files and
/// from callers, and a NaN weight silently turns every output into NaN. Values on a GPU are not
/// checked (reading them back is asynchronous in the browser); uploads from the CPU are.
fn non_finite(name: &str, t: &Tensor) -> Result<Option<String>> {
    if t.device().backend().is_gpu() {
        return Ok(None);
    }
    let v = t.to_vec()?;
    Ok(v.iter().position(|x| !x.is_finite()).map(|i| format!("{name} holds {} at index {i}", v[i])))
}

fn join(dims: &[usize]) -> String {
    dims.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")
}


impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let layers: Vec<&str> = self.net.layers().iter().map(|l| l.kind()).collect();
        write!(f, "Model(layers={:?}, params={}, device={})", layers, self.num_parameters(), self.device.name())
    }
}
