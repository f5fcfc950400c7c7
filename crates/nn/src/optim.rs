//! Optimizers (SGD with momentum/Nesterov, Adam, AdamW, RMSprop) with a learning-rate schedule
//! and optional clipping by global gradient norm.
//!
//! Updates follow PyTorch's formulas. Each builds new tensors under `no_grad` and puts them into
//! the `Param` slots; everything stays on the device (clipping included: the scale factor is a
//! tensor, never read back).
use crate::param::Param;
use crate::schedule::Schedule;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use webgrad_core::{bail, no_grad, Result, Tensor};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OptimizerSpec {
    Sgd {
        lr: f32,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        momentum: f32,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
        nesterov: bool,
        /// L2 penalty added to the gradient.
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        weight_decay: f32,
    },
    Adam {
        lr: f32,
        #[serde(default = "beta1")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        beta1: f32,
        #[serde(default = "beta2")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        beta2: f32,
        #[serde(default = "eps8")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        eps: f32,
        /// L2 penalty added to the gradient (coupled, as in PyTorch's Adam).
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        weight_decay: f32,
    },
    #[serde(rename = "adamw")]
    AdamW {
        lr: f32,
        #[serde(default = "beta1")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        beta1: f32,
        #[serde(default = "beta2")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        beta2: f32,
        #[serde(default = "eps8")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        eps: f32,
        /// Decoupled decay: w ← w·(1 − lr·weight_decay) before the Adam step.
        #[serde(default = "adamw_decay")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        weight_decay: f32,
    },
    #[serde(rename = "rmsprop")]
    RmsProp {
        lr: f32,
        #[serde(default = "rms_alpha")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        alpha: f32,
        #[serde(default = "eps8")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        eps: f32,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        momentum: f32,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        weight_decay: f32,
    },
}

fn beta1() -> f32 {
    0.9
}
fn beta2() -> f32 {
    0.999
}
fn eps8() -> f32 {
    1e-8
}
fn adamw_decay() -> f32 {
    0.01
}
fn rms_alpha() -> f32 {
    0.99
}

impl OptimizerSpec {
    pub fn sgd(lr: f32) -> Self {
        OptimizerSpec::Sgd { lr, momentum: 0.0, nesterov: false, weight_decay: 0.0 }
    }
    pub fn adam(lr: f32) -> Self {
        OptimizerSpec::Adam { lr, beta1: beta1(), beta2: beta2(), eps: eps8(), weight_decay: 0.0 }
    }
    pub fn adamw(lr: f32, weight_decay: f32) -> Self {
        OptimizerSpec::AdamW { lr, beta1: beta1(), beta2: beta2(), eps: eps8(), weight_decay }
    }
    pub fn rmsprop(lr: f32) -> Self {
        OptimizerSpec::RmsProp { lr, alpha: rms_alpha(), eps: eps8(), momentum: 0.0, weight_decay: 0.0 }
    }

    pub fn name(&self) -> &'static str {
        match self {
            OptimizerSpec::Sgd { .. } => "sgd",
            OptimizerSpec::Adam { .. } => "adam",
            OptimizerSpec::AdamW { .. } => "adamw",
            OptimizerSpec::RmsProp { .. } => "rmsprop",
        }
    }

    pub fn lr(&self) -> f32 {
        match *self {
            OptimizerSpec::Sgd { lr, .. } | OptimizerSpec::Adam { lr, .. } | OptimizerSpec::AdamW { lr, .. } | OptimizerSpec::RmsProp { lr, .. } => lr,
        }
    }

    pub fn set_lr(&mut self, new: f32) {
        match self {
            OptimizerSpec::Sgd { lr, .. } | OptimizerSpec::Adam { lr, .. } | OptimizerSpec::AdamW { lr, .. } | OptimizerSpec::RmsProp { lr, .. } => *lr = new,
        }
    }

    /// Check every hyper-parameter's range; the message names the optimizer and the value.
    pub fn validate(&self) -> Result<()> {
        let name = self.name();
        let check = |what: &str, v: f32, ok: bool, range: &str| -> Result<()> {
            if !ok || !v.is_finite() {
                bail!("optimizer", "{}: {} = {} is out of range (must be {})", name, what, v, range);
            }
            Ok(())
        };
        let lr = self.lr();
        check("lr", lr, lr > 0.0 && lr <= 10.0, "in (0, 10]")?;
        match *self {
            OptimizerSpec::Sgd { momentum, nesterov, weight_decay, .. } => {
                check("momentum", momentum, (0.0..1.0).contains(&momentum), "in [0, 1)")?;
                check("weight_decay", weight_decay, weight_decay >= 0.0, "≥ 0")?;
                if nesterov && momentum == 0.0 {
                    bail!("optimizer", "sgd: nesterov needs a momentum > 0");
                }
            }
            OptimizerSpec::Adam { beta1, beta2, eps, weight_decay, .. } | OptimizerSpec::AdamW { beta1, beta2, eps, weight_decay, .. } => {
                check("beta1", beta1, (0.0..1.0).contains(&beta1), "in [0, 1)")?;
                check("beta2", beta2, (0.0..1.0).contains(&beta2), "in [0, 1)")?;
                check("eps", eps, eps > 0.0, "> 0")?;
                check("weight_decay", weight_decay, weight_decay >= 0.0, "≥ 0")?;
            }
            OptimizerSpec::RmsProp { alpha, eps, momentum, weight_decay, .. } => {
                check("alpha", alpha, (0.0..1.0).contains(&alpha), "in [0, 1)")?;
                check("eps", eps, eps > 0.0, "> 0")?;
                check("momentum", momentum, (0.0..1.0).contains(&momentum), "in [0, 1)")?;
                check("weight_decay", weight_decay, weight_decay >= 0.0, "≥ 0")?;
            }
        }
        Ok(())
    }
}

/// Scale `grads` so that their global L2 norm is at most `max_norm`. Returns the scaled
/// gradients and the norm before clipping (a scalar tensor; read it only if you need it).
pub fn clip_by_global_norm(grads: &[Tensor], max_norm: f32) -> Result<(Vec<Tensor>, Tensor)> {
    if !(max_norm > 0.0) {
        bail!("clip_grad_norm", "max_norm {} must be > 0", max_norm);
    }
    let Some(first) = grads.first() else { bail!("clip_grad_norm", "no gradients to clip") };
    let mut sq = Tensor::zeros(&[], first.device())?;
    for g in grads {
        sq = sq.add(&g.square()?.sum_all()?)?;
    }
    let norm = sq.sqrt()?;
    // max_norm / max(norm, max_norm): 1 when already small enough.
    let scale = norm.maximum(&Tensor::scalar(max_norm, first.device())?)?.recip()?.mul_scalar(max_norm)?;
    let clipped = grads.iter().map(|g| g.mul(&scale)).collect::<Result<Vec<_>>>()?;
    Ok((clipped, norm))
}

/// An optimizer bound to a list of named parameters (as PyTorch's optimizers are).
pub struct Optimizer {
    spec: OptimizerSpec,
    schedule: Schedule,
    clip_grad_norm: Option<f32>,
    params: Vec<(String, Param)>,
    /// Per parameter, its state tensors by slot name ("m", "v", "momentum", "square_avg").
    state: Vec<BTreeMap<String, Tensor>>,
    steps: u64,
    /// `steps` when the state was last cleared (by `set_spec` to another kind): bias corrections
    /// count from here, so a fresh Adam state starts like a fresh Adam.
    state_start: u64,
}

impl Optimizer {
    /// Only trainable parameters are kept; buffers are skipped.
    pub fn new(spec: OptimizerSpec, params: Vec<(String, Param)>) -> Result<Self> {
        spec.validate()?;
        let params: Vec<_> = params.into_iter().filter(|(_, p)| p.is_trainable()).collect();
        let state = vec![BTreeMap::new(); params.len()];
        Ok(Optimizer { spec, schedule: Schedule::Constant, clip_grad_norm: None, params, state, steps: 0, state_start: 0 })
    }
    pub fn with_schedule(mut self, schedule: Schedule) -> Result<Self> {
        schedule.validate()?;
        self.schedule = schedule;
        Ok(self)
    }
    pub fn with_clip_grad_norm(mut self, max_norm: Option<f32>) -> Result<Self> {
        if let Some(m) = max_norm {
            if !(m > 0.0 && m.is_finite()) {
                bail!("optimizer", "clip_grad_norm {} must be > 0", m);
            }
        }
        self.clip_grad_norm = max_norm;
        Ok(self)
    }

    pub fn spec(&self) -> &OptimizerSpec {
        &self.spec
    }
    /// Change the base learning rate (the schedule still applies on top).
    pub fn set_base_lr(&mut self, lr: f32) -> Result<()> {
        let mut spec = self.spec.clone();
        spec.set_lr(lr);
        spec.validate()?;
        self.spec = spec;
        Ok(())
    }
    /// Switch to another optimizer (or other hyper-parameters) mid-run. The same kind keeps its
    /// state (moments); another kind starts from fresh state. The step count, schedule and
    /// clipping carry on.
    pub fn set_spec(&mut self, spec: OptimizerSpec) -> Result<()> {
        spec.validate()?;
        if spec.name() != self.spec.name() {
            self.state = vec![BTreeMap::new(); self.params.len()];
            self.state_start = self.steps;
        }
        self.spec = spec;
        Ok(())
    }
    /// The learning rate the next `step` will use.
    pub fn lr(&self) -> f32 {
        self.schedule.lr(self.spec.lr(), self.steps)
    }
    /// Number of updates made so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }
    pub fn params(&self) -> &[(String, Param)] {
        &self.params
    }

    pub fn zero_grad(&self) {
        self.params.iter().for_each(|(_, p)| p.zero_grad());
    }

    /// One update from the gradients now held by the parameters (parameters without a gradient
    /// are left alone). Returns the global gradient norm when clipping is on.
    pub fn step(&mut self) -> Result<Option<Tensor>> {
        let lr = self.lr();
        let t = self.steps - self.state_start + 1;
        let with_grad: Vec<usize> = (0..self.params.len()).filter(|&i| self.params[i].1.grad().is_some()).collect();
        let norm = no_grad(|| -> Result<Option<Tensor>> {
            let mut grads: Vec<Tensor> = with_grad.iter().map(|&i| self.params[i].1.grad().expect("checked")).collect();
            let mut norm = None;
            if let (Some(max), false) = (self.clip_grad_norm, grads.is_empty()) {
                let (clipped, n) = clip_by_global_norm(&grads, max)?;
                grads = clipped;
                norm = Some(n);
            }
            for (&i, g) in with_grad.iter().zip(grads) {
                let param = &self.params[i].1;
                let new = update(&self.spec, &mut self.state[i], &param.get(), g, lr, t)?;
                param.set(new)?;
            }
            Ok(norm)
        })?;
        self.steps += 1;
        Ok(norm)
    }

    /// The state tensors, named `<param>.<slot>` (e.g. `0.weight.m`), for saving.
    pub fn state_tensors(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for ((name, _), slots) in self.params.iter().zip(&self.state) {
            for (slot, t) in slots {
                out.push((format!("{name}.{slot}"), t.clone()));
            }
        }
        out
    }

    /// Restore state saved by `state_tensors` (every entry must match a parameter and shape).
    pub fn load_state(&mut self, steps: u64, tensors: Vec<(String, Tensor)>) -> Result<()> {
        let mut state = vec![BTreeMap::new(); self.params.len()];
        for (full, t) in tensors {
            let found = self.params.iter().enumerate().find_map(|(i, (name, p))| {
                let slot = full.strip_prefix(name.as_str())?.strip_prefix('.')?;
                (!slot.contains('.')).then(|| (i, slot.to_string(), p.shape()))
            });
            let Some((i, slot, shape)) = found else {
                bail!("optimizer state", "entry {:?} matches no parameter of the model", full);
            };
            if t.shape() != shape.as_slice() {
                bail!("optimizer state", "entry {:?} has shape {:?}, its parameter {:?}", full, t.shape(), shape);
            }
            state[i].insert(slot, t);
        }
        self.state = state;
        self.steps = steps;
        self.state_start = 0;
        Ok(())
    }
}

fn slot(state: &mut BTreeMap<String, Tensor>, name: &str, like: &Tensor) -> Result<Tensor> {
    match state.get(name) {
        Some(t) => Ok(t.clone()),
        None => like.zeros_like(),
    }
}

/// `a·x + b·y`
fn axpby(a: f32, x: &Tensor, b: f32, y: &Tensor) -> Result<Tensor> {
    x.mul_scalar(a)?.add(&y.mul_scalar(b)?)
}

/// The new value of parameter `w` with gradient `g` at step `t` (1-based) and rate `lr`.
fn update(spec: &OptimizerSpec, state: &mut BTreeMap<String, Tensor>, w: &Tensor, g: Tensor, lr: f32, t: u64) -> Result<Tensor> {
    let mut g = g;
    match *spec {
        OptimizerSpec::Sgd { momentum, nesterov, weight_decay, .. } => {
            if weight_decay > 0.0 {
                g = g.add(&w.mul_scalar(weight_decay)?)?;
            }
            if momentum > 0.0 {
                let buf = match state.get("momentum") {
                    Some(b) => b.mul_scalar(momentum)?.add(&g)?,
                    None => g.clone(),
                };
                state.insert("momentum".into(), buf.clone());
                g = if nesterov { g.add(&buf.mul_scalar(momentum)?)? } else { buf };
            }
            w.sub(&g.mul_scalar(lr)?)
        }
        OptimizerSpec::Adam { beta1, beta2, eps, weight_decay, .. } | OptimizerSpec::AdamW { beta1, beta2, eps, weight_decay, .. } => {
            let decoupled = matches!(spec, OptimizerSpec::AdamW { .. });
            let mut w = w.clone();
            if weight_decay > 0.0 {
                if decoupled {
                    w = w.mul_scalar(1.0 - lr * weight_decay)?;
                } else {
                    g = g.add(&w.mul_scalar(weight_decay)?)?;
                }
            }
            let m = axpby(beta1, &slot(state, "m", &w)?, 1.0 - beta1, &g)?;
            let v = axpby(beta2, &slot(state, "v", &w)?, 1.0 - beta2, &g.square()?)?;
            let bc1 = 1.0 - (beta1 as f64).powf(t as f64);
            let bc2 = 1.0 - (beta2 as f64).powf(t as f64);
            let denom = v.sqrt()?.mul_scalar((1.0 / bc2.sqrt()) as f32)?.add_scalar(eps)?;
            let new = w.sub(&m.div(&denom)?.mul_scalar((lr as f64 / bc1) as f32)?)?;
            state.insert("m".into(), m);
            state.insert("v".into(), v);
            Ok(new)
        }
        OptimizerSpec::RmsProp { alpha, eps, momentum, weight_decay, .. } => {
            if weight_decay > 0.0 {
                g = g.add(&w.mul_scalar(weight_decay)?)?;
            }
            let sq = axpby(alpha, &slot(state, "square_avg", w)?, 1.0 - alpha, &g.square()?)?;
            let step = g.div(&sq.sqrt()?.add_scalar(eps)?)?;
            state.insert("square_avg".into(), sq);
            let step = if momentum > 0.0 {
                let buf = slot(state, "momentum", w)?.mul_scalar(momentum)?.add(&step)?;
                state.insert("momentum".into(), buf.clone());
                buf
            } else {
                step
            };
            w.sub(&step.mul_scalar(lr)?)
        }
    }
}
