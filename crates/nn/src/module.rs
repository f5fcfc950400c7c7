//! The `Module` trait and `Sequential`.
use crate::param::Param;
use webgrad_core::{Result, Tensor};

/// A layer or a network: a function of one tensor with named parameters and a train/eval mode.
///
/// Modules are used through `&self`: parameters live in `Param` slots that an optimizer replaces,
/// and the little state that changes during a forward pass (dropout's generator, BatchNorm's
/// running statistics) sits behind interior mutability.
pub trait Module {
    fn forward(&self, x: &Tensor) -> Result<Tensor>;

    /// A short name for messages and summaries ("dense", "conv2d", …).
    fn kind(&self) -> &'static str;

    /// Call `f` with the name and slot of every parameter and buffer, in a fixed order.
    /// Names are dot-separated paths such as `3.weight` (PyTorch's `state_dict` style).
    fn visit_params(&self, _f: &mut dyn FnMut(&str, &Param)) {}

    /// Training mode (dropout on, BatchNorm uses batch statistics) or evaluation mode.
    fn set_training(&self, _training: bool) {}

    /// Every parameter and buffer with its name.
    fn named_parameters(&self) -> Vec<(String, Param)> {
        let mut out = Vec::new();
        self.visit_params(&mut |name, p| out.push((name.to_string(), p.clone())));
        out
    }

    /// The trainable parameters (buffers left out).
    fn parameters(&self) -> Vec<Param> {
        self.named_parameters().into_iter().map(|(_, p)| p).filter(Param::is_trainable).collect()
    }

    /// Number of trainable scalars.
    fn num_parameters(&self) -> usize {
        self.parameters().iter().map(Param::numel).sum()
    }
}

/// Visit `child`'s parameters with `prefix.` in front of their names.
pub fn visit_child(prefix: &str, child: &dyn Module, f: &mut dyn FnMut(&str, &Param)) {
    child.visit_params(&mut |name, p| f(&format!("{prefix}.{name}"), p));
}

/// Layers applied in order; parameter names are prefixed with the layer's index.
#[derive(Default)]
pub struct Sequential {
    layers: Vec<Box<dyn Module>>,
}

impl Sequential {
    pub fn new(layers: Vec<Box<dyn Module>>) -> Self {
        Sequential { layers }
    }
    pub fn push(&mut self, layer: impl Module + 'static) {
        self.layers.push(Box::new(layer));
    }
    pub fn push_boxed(&mut self, layer: Box<dyn Module>) {
        self.layers.push(layer);
    }
    pub fn layers(&self) -> &[Box<dyn Module>] {
        &self.layers
    }
    pub fn len(&self) -> usize {
        self.layers.len()
    }
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
    /// The output of every layer for input `x` (for activation pictures in the playground).
    pub fn forward_all(&self, x: &Tensor) -> Result<Vec<Tensor>> {
        let mut outs: Vec<Tensor> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let next = layer.forward(outs.last().unwrap_or(x))?;
            outs.push(next);
        }
        Ok(outs)
    }
}

impl Module for Sequential {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut h = x.clone();
        for layer in &self.layers {
            h = layer.forward(&h)?;
        }
        Ok(h)
    }
    fn kind(&self) -> &'static str {
        "sequential"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        for (i, layer) in self.layers.iter().enumerate() {
            visit_child(&i.to_string(), layer.as_ref(), f);
        }
    }
    fn set_training(&self, training: bool) {
        self.layers.iter().for_each(|l| l.set_training(training));
    }
}
