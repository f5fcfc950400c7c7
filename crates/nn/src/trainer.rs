//! Keras-shaped training: `fit` (epochs, batches, seeded shuffling, validation, metrics,
//! callbacks, early stopping), `evaluate` and batched `predict`.
//!
//! Per-batch values stay on the device: the loss of each batch reaches callbacks as a tensor,
//! and an epoch's metrics are summed on the device and read back once per epoch (one `to_vec`
//! of a few numbers). For a browser GPU, where reading back is asynchronous, drive training
//! with `Model::train_step` and read the loss tensors when convenient.
use crate::model::Model;
use crate::param::Param;
use crate::spec::LossSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use webgrad_core::{bail, no_grad, DType, Result, Tensor};

/// What to report besides the loss (which is always reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fraction right: argmax for softmax cross-entropy, logit > 0 vs target > 0.5 for binary
    /// cross-entropy, and sign agreement for regression losses (TF Playground's ±1 labels).
    Accuracy,
    /// Mean absolute error of the outputs (sigmoid probabilities for binary cross-entropy).
    Mae,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::Mae => "mae",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyStopping {
    /// A key of the epoch logs: "val_loss" (default), "loss", "val_accuracy", …
    #[serde(default = "val_loss")]
    pub monitor: String,
    /// Epochs without improvement to wait before stopping.
    #[serde(default)]
    pub patience: usize,
    /// Smallest change that counts as an improvement.
    #[serde(default)]
    pub min_delta: f32,
    /// At the end of `fit`, put back the weights of the best epoch.
    #[serde(default)]
    pub restore_best_weights: bool,
}

fn val_loss() -> String {
    "val_loss".into()
}
fn batch32() -> usize {
    32
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitOptions {
    pub epochs: usize,
    #[serde(default = "batch32")]
    pub batch_size: usize,
    /// Reshuffle the training examples every epoch (from the model's seeded generator).
    #[serde(default = "yes")]
    pub shuffle: bool,
    /// Hold out this fraction of the examples — the last ones, before shuffling, as in Keras.
    #[serde(default)]
    pub validation_split: f32,
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<EarlyStopping>,
}

impl FitOptions {
    pub fn new(epochs: usize, batch_size: usize) -> Self {
        FitOptions { epochs, batch_size, shuffle: true, validation_split: 0.0, metrics: vec![], early_stopping: None }
    }
    pub fn metrics(mut self, metrics: &[Metric]) -> Self {
        self.metrics = metrics.to_vec();
        self
    }
    pub fn validation_split(mut self, fraction: f32) -> Self {
        self.validation_split = fraction;
        self
    }
    pub fn early_stopping(mut self, es: EarlyStopping) -> Self {
        self.early_stopping = Some(es);
        self
    }
}

/// Metric values by name ("loss", "accuracy", "val_loss", …).
pub type Logs = BTreeMap<String, f32>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Stop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// A callback returned `Control::Stop` (cancel).
    Callback,
    /// The monitored value stopped improving; `best_epoch` is 0-based.
    EarlyStopping { best_epoch: usize },
}

/// What `fit` returns: the logs of every finished epoch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    pub epochs: Vec<Logs>,
    pub stopped: Option<StopReason>,
}

impl History {
    /// The values of one metric, epoch by epoch.
    pub fn series(&self, key: &str) -> Vec<f32> {
        self.epochs.iter().filter_map(|l| l.get(key).copied()).collect()
    }
}

pub struct BatchEnd<'a> {
    pub epoch: usize,
    pub batch: usize,
    pub batches: usize,
    /// Optimizer steps taken so far (over all `fit` calls).
    pub step: u64,
    /// The batch's loss, not read back; `loss.item()` reads it (synchronously).
    pub loss: &'a Tensor,
}

pub struct EpochEnd<'a> {
    pub epoch: usize,
    pub epochs: usize,
    pub logs: &'a Logs,
}

type BatchFn<'a> = Box<dyn FnMut(&BatchEnd) -> Control + 'a>;
type EpochFn<'a> = Box<dyn FnMut(&EpochEnd) -> Control + 'a>;

/// Closures called after every batch and every epoch; either can stop training (cancel).
#[derive(Default)]
pub struct Callbacks<'a> {
    pub on_batch_end: Option<BatchFn<'a>>,
    pub on_epoch_end: Option<EpochFn<'a>>,
}

impl<'a> Callbacks<'a> {
    pub fn none() -> Self {
        Callbacks::default()
    }
    pub fn on_batch(mut self, f: impl FnMut(&BatchEnd) -> Control + 'a) -> Self {
        self.on_batch_end = Some(Box::new(f));
        self
    }
    pub fn on_epoch(mut self, f: impl FnMut(&EpochEnd) -> Control + 'a) -> Self {
        self.on_epoch_end = Some(Box::new(f));
        self
    }
}

/// Rows `idx` of `t` (any dtype; i32 goes through f32, exact below 2^24).
pub fn gather_rows(t: &Tensor, idx: &Tensor) -> Result<Tensor> {
    match t.dtype() {
        DType::F32 => t.index_select(0, idx),
        DType::I32 => t.cast(DType::F32)?.index_select(0, idx)?.cast(DType::I32),
    }
}

/// Parameter slots with the values they held at some point.
type Snapshot = Vec<(Param, Tensor)>;

/// Running sums of the loss and metrics over an epoch, kept on the device.
struct Sums {
    loss: Option<Tensor>,
    metrics: Vec<Option<Tensor>>,
    examples: usize,
    elements: usize,
}

fn add_opt(acc: &mut Option<Tensor>, t: Tensor) -> Result<()> {
    *acc = Some(match acc.take() {
        Some(a) => a.add(&t)?,
        None => t,
    });
    Ok(())
}

impl Model {
    fn check_metrics(&self, metrics: &[Metric]) -> Result<()> {
        if metrics.contains(&Metric::Mae) && self.spec().loss.has_class_targets() {
            bail!("fit", "the mae metric needs a regression or binary loss, not {}", self.spec().loss.name());
        }
        Ok(())
    }

    /// Sum over the batch of each metric (a scalar tensor each), from outputs `pred`.
    fn metric_sums(&self, pred: &Tensor, y: &Tensor, metrics: &[Metric]) -> Result<Vec<Tensor>> {
        no_grad(|| {
            let pred = pred.detach();
            metrics
                .iter()
                .map(|m| match (m, &self.spec().loss) {
                    (Metric::Accuracy, LossSpec::SoftmaxCrossEntropy { .. }) => {
                        pred.argmax(-1, false)?.cast(DType::F32)?.eq(&y.cast(DType::F32)?)?.sum_all()
                    }
                    (Metric::Accuracy, LossSpec::BinaryCrossEntropy) => {
                        let zero = Tensor::scalar(0.0, pred.device())?;
                        pred.gt(&zero)?.eq(&y.gt(&Tensor::scalar(0.5, pred.device())?)?)?.sum_all()
                    }
                    (Metric::Accuracy, _) => {
                        let zero = Tensor::scalar(0.0, pred.device())?;
                        pred.gt(&zero)?.eq(&y.gt(&zero)?)?.sum_all()
                    }
                    (Metric::Mae, LossSpec::BinaryCrossEntropy) => pred.sigmoid()?.sub(y)?.abs()?.sum_all(),
                    (Metric::Mae, _) => pred.sub(y)?.abs()?.sum_all(),
                })
                .collect()
        })
    }

    fn accumulate(&self, sums: &mut Sums, loss: &Tensor, pred: &Tensor, y: &Tensor, metrics: &[Metric]) -> Result<()> {
        let n = y.shape()[0];
        no_grad(|| add_opt(&mut sums.loss, loss.detach().mul_scalar(n as f32)?))?;
        for (acc, t) in sums.metrics.iter_mut().zip(self.metric_sums(pred, y, metrics)?) {
            add_opt(acc, t)?;
        }
        sums.examples += n;
        sums.elements += y.numel();
        Ok(())
    }

    /// Read the sums back (one readback) as averages named `prefix + metric`.
    fn read_sums(&self, sums: Sums, metrics: &[Metric], prefix: &str) -> Result<Logs> {
        let mut logs = Logs::new();
        let Some(loss) = sums.loss else { return Ok(logs) };
        let mut parts = vec![loss];
        parts.extend(sums.metrics.into_iter().flatten());
        let values = no_grad(|| Tensor::stack(&parts, 0))?.to_vec()?;
        logs.insert(format!("{prefix}loss"), values[0] / sums.examples as f32);
        for (m, v) in metrics.iter().zip(&values[1..]) {
            logs.insert(format!("{prefix}{}", m.name()), v / sums.elements as f32);
        }
        Ok(logs)
    }

    /// Loss and metrics over (x, y) in evaluation mode, in batches of `batch_size`.
    pub fn evaluate(&self, x: &Tensor, y: &Tensor, batch_size: usize, metrics: &[Metric]) -> Result<Logs> {
        self.evaluate_prefixed(x, y, batch_size, metrics, "")
    }

    fn evaluate_prefixed(&self, x: &Tensor, y: &Tensor, batch_size: usize, metrics: &[Metric], prefix: &str) -> Result<Logs> {
        self.check_batch(x, Some(y))?;
        self.check_metrics(metrics)?;
        if batch_size == 0 {
            bail!("evaluate", "batch_size must be ≥ 1");
        }
        let (x, y) = (x.to_device(self.device())?, y.to_device(self.device())?);
        self.set_training(false);
        let mut sums = Sums { loss: None, metrics: vec![None; metrics.len()], examples: 0, elements: 0 };
        let n = x.shape()[0];
        no_grad(|| -> Result<()> {
            for start in (0..n).step_by(batch_size) {
                let len = batch_size.min(n - start);
                let (xb, yb) = (x.narrow(0, start, len)?, y.narrow(0, start, len)?);
                let pred = self.net_forward(&xb)?;
                let loss = self.loss(&pred, &yb)?;
                self.accumulate(&mut sums, &loss, &pred, &yb, metrics)?;
            }
            Ok(())
        })?;
        self.read_sums(sums, metrics, prefix)
    }

    fn net_forward(&self, x: &Tensor) -> Result<Tensor> {
        use crate::module::Module;
        self.net().forward(x)
    }

    /// Outputs for `x` in batches of `batch_size`, concatenated (evaluation mode, no graph).
    pub fn predict_batched(&self, x: &Tensor, batch_size: usize) -> Result<Tensor> {
        self.check_batch(x, None)?;
        if batch_size == 0 {
            bail!("predict", "batch_size must be ≥ 1");
        }
        let n = x.shape()[0];
        if n <= batch_size {
            return self.predict(x);
        }
        let parts = (0..n).step_by(batch_size).map(|s| self.predict(&x.narrow(0, s, batch_size.min(n - s))?)).collect::<Result<Vec<_>>>()?;
        no_grad(|| Tensor::concat(&parts, 0))
    }

    /// One training step that also returns the (detached) outputs, for metrics.
    pub(crate) fn step_with_outputs(&mut self, x: &Tensor, y: &Tensor) -> Result<(Tensor, Tensor)> {
        self.set_training(true);
        let pred = self.net_forward(x)?;
        let loss = self.loss(&pred, y)?;
        let optimizer = self.optimizer_mut();
        optimizer.zero_grad();
        loss.backward()?;
        optimizer.step()?;
        optimizer.zero_grad();
        Ok((loss.detach(), pred.detach()))
    }

    /// Train on (x, y) Keras-style. `validation` overrides `options.validation_split`.
    pub fn fit(&mut self, x: &Tensor, y: &Tensor, options: &FitOptions, validation: Option<(&Tensor, &Tensor)>, callbacks: &mut Callbacks) -> Result<History> {
        self.check_batch(x, Some(y))?;
        self.check_metrics(&options.metrics)?;
        if options.batch_size == 0 {
            bail!("fit", "batch_size must be ≥ 1");
        }
        if !(0.0..1.0).contains(&options.validation_split) {
            bail!("fit", "validation_split {} must be in [0, 1)", options.validation_split);
        }
        if validation.is_some() && options.validation_split > 0.0 {
            bail!("fit", "give either validation data or a validation_split, not both");
        }
        let (x, y) = (x.to_device(self.device())?, y.to_device(self.device())?);
        let n = x.shape()[0];
        let n_val = (n as f64 * options.validation_split as f64).round() as usize;
        let n_train = n - n_val;
        if n_train == 0 {
            bail!("fit", "no training examples left after holding out {} for validation", n_val);
        }
        let val: Option<(Tensor, Tensor)> = match validation {
            Some((vx, vy)) => {
                self.check_batch(vx, Some(vy))?;
                Some((vx.to_device(self.device())?, vy.to_device(self.device())?))
            }
            None if n_val > 0 => Some((x.narrow(0, n_train, n_val)?, y.narrow(0, n_train, n_val)?)),
            None => None,
        };
        let (xt, yt) = (x.narrow(0, 0, n_train)?, y.narrow(0, 0, n_train)?);
        let metrics = &options.metrics;
        let batches = n_train.div_ceil(options.batch_size);
        let mut history = History::default();
        // (best value, its epoch, the weights then if they are to be restored)
        let mut best: Option<(f32, usize, Snapshot)> = None;
        let mut wait = 0;

        'epochs: for epoch in 0..options.epochs {
            let order = if options.shuffle { Some(self.rng.permutation(n_train)) } else { None };
            let mut sums = Sums { loss: None, metrics: vec![None; metrics.len()], examples: 0, elements: 0 };
            for batch in 0..batches {
                let start = batch * options.batch_size;
                let len = options.batch_size.min(n_train - start);
                let (xb, yb) = match &order {
                    Some(perm) => {
                        let idx: Vec<i32> = perm[start..start + len].iter().map(|&i| i as i32).collect();
                        let idx = Tensor::from_i32(idx, &[len], self.device())?;
                        (gather_rows(&xt, &idx)?, gather_rows(&yt, &idx)?)
                    }
                    None => (xt.narrow(0, start, len)?, yt.narrow(0, start, len)?),
                };
                let (loss, pred) = self.step_with_outputs(&xb, &yb)?;
                self.accumulate(&mut sums, &loss, &pred, &yb, metrics)?;
                if let Some(cb) = callbacks.on_batch_end.as_mut() {
                    let info = BatchEnd { epoch, batch, batches, step: self.optimizer().steps(), loss: &loss };
                    if cb(&info) == Control::Stop {
                        history.stopped = Some(StopReason::Callback);
                        break 'epochs;
                    }
                }
            }
            let mut logs = self.read_sums(sums, metrics, "")?;
            if let Some((vx, vy)) = &val {
                logs.extend(self.evaluate_prefixed(vx, vy, options.batch_size.max(256), metrics, "val_")?);
            }
            logs.insert("lr".into(), self.optimizer().lr());
            history.epochs.push(logs.clone());

            let mut stop = None;
            if let Some(es) = &options.early_stopping {
                let Some(&value) = logs.get(&es.monitor) else {
                    let keys: Vec<&str> = logs.keys().map(String::as_str).collect();
                    bail!("fit", "early stopping monitors {:?}, but the logs only have {}", es.monitor, keys.join(", "));
                };
                let maximise = es.monitor.ends_with("accuracy");
                let improved = match &best {
                    None => true,
                    Some((b, _, _)) => if maximise { value > b + es.min_delta } else { value < b - es.min_delta },
                };
                if improved {
                    let snapshot = if es.restore_best_weights { self.named_parameters().into_iter().map(|(_, p)| { let t = p.get(); (p, t) }).collect() } else { vec![] };
                    best = Some((value, epoch, snapshot));
                    wait = 0;
                } else {
                    wait += 1;
                    if wait > es.patience {
                        stop = Some(StopReason::EarlyStopping { best_epoch: best.as_ref().map_or(epoch, |b| b.1) });
                    }
                }
            }
            if let Some(cb) = callbacks.on_epoch_end.as_mut() {
                if cb(&EpochEnd { epoch, epochs: options.epochs, logs: &logs }) == Control::Stop && stop.is_none() {
                    stop = Some(StopReason::Callback);
                }
            }
            if stop.is_some() {
                history.stopped = stop;
                break;
            }
        }
        if let (Some(es), Some((_, _, snapshot))) = (&options.early_stopping, best) {
            if es.restore_best_weights {
                for (p, t) in snapshot {
                    p.set(t)?;
                }
            }
        }
        self.set_training(false);
        Ok(history)
    }
}
