//! Keras-shaped training: `fit` (epochs, batches, seeded shuffling, validation, metrics,
//! callbacks, early stopping), `evaluate` and batched `predict`.
//!
//! There is one training loop, [`FitRun`]: an epoch runner that takes one batch at a time and
//! keeps the loss and metric sums on the device, with the readback left to the caller at the
//! edge. `Model::fit` drives it with synchronous readbacks (native code, the CPU in wasm); the
//! npm package's host drives the very same runner through the bindings with asynchronous
//! readbacks (WebGPU in the browser) and the page's callbacks in between.
use crate::callbacks::{maximise_of, monitored, Builtin, Plateau};
pub use crate::callbacks::{EarlyStopping, Mode, ReduceLrOnPlateau};
pub use crate::metrics::Metric;
use crate::model::Model;
use crate::param::Param;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use webgrad_core::{bail, no_grad, DType, Result, Rng, Tensor};

fn batch32() -> usize {
    32
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct FitOptions {
    /// The epoch to stop before, as in Keras: epochs `initial_epoch..epochs` run (all of them
    /// when `initial_epoch` is 0; none when it is ≥ `epochs`).
    pub epochs: usize,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
    #[serde(default = "batch32")]
    pub batch_size: usize,
    /// Reshuffle the training examples every epoch (from the model's seeded generator, or from
    /// `seed` when given).
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
    #[serde(default = "yes")]
    pub shuffle: bool,
    /// Hold out this fraction of the examples — the last ones, before shuffling, as in Keras.
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
    #[serde(default)]
    pub validation_split: f32,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Vec<Metric>>", optional))]
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// Shorthand for an `early_stopping` entry of `callbacks`.
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<EarlyStopping>,
    /// Built-in callbacks, run in this order after every epoch.
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Vec<Builtin>>", optional))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<Builtin>,
    /// The first epoch's number (to continue an earlier run).
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
    #[serde(default)]
    pub initial_epoch: usize,
    /// Seed of this run's shuffling; without it the model's own generator goes on.
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// What a NaN or infinite loss does (default: stop with an error, last finite weights back).
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<NonFinite>", optional))]
    #[serde(default)]
    pub on_non_finite: NonFinite,
}

/// The policy for a loss that became NaN or infinite (bad data, a learning rate too high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NonFinite {
    /// End `fit` with an error that says so, the weights of the last finite epoch restored.
    #[default]
    Stop,
    /// Go on training; the run's warnings say which epoch it was.
    Warn,
    /// Go on training silently.
    Ignore,
}

impl FitOptions {
    pub fn new(epochs: usize, batch_size: usize) -> Self {
        FitOptions { epochs, batch_size, shuffle: true, validation_split: 0.0, metrics: vec![], early_stopping: None, callbacks: vec![], initial_epoch: 0, seed: None, on_non_finite: NonFinite::Stop }
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
    pub fn callback(mut self, cb: Builtin) -> Self {
        self.callbacks.push(cb);
        self
    }
    /// Every built-in callback, the `early_stopping` shorthand first.
    fn builtins(&self) -> Vec<Builtin> {
        self.early_stopping.iter().cloned().map(Builtin::EarlyStopping).chain(self.callbacks.iter().cloned()).collect()
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
    /// The loss became NaN or infinite in this (0-based) epoch; the weights from before it are back.
    NonFinite { epoch: usize },
}

/// What `fit` returns: the logs of every finished epoch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    pub epochs: Vec<Logs>,
    pub stopped: Option<StopReason>,
    /// Warnings the run gave (a non-finite loss under `NonFinite::Warn`).
    pub warnings: Vec<String>,
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

/// Every parameter with its current value (cheap: tensor handles, not copies).
fn snapshot(model: &Model) -> Snapshot {
    model.named_parameters().into_iter().map(|(_, p)| { let t = p.get(); (p, t) }).collect()
}

/// Running sums of the loss and metrics over an epoch (or an evaluation), kept on the device;
/// `counts` are the host-side denominators.
struct Sums {
    metrics: Vec<Metric>,
    loss: Option<Tensor>,
    states: Vec<Option<Tensor>>,
    counts: Vec<f64>,
    examples: usize,
}

fn add_opt(acc: &mut Option<Tensor>, t: Tensor) -> Result<()> {
    *acc = Some(match acc.take() {
        Some(a) => a.add(&t)?,
        None => t,
    });
    Ok(())
}

impl Sums {
    fn new(metrics: &[Metric]) -> Sums {
        Sums { metrics: metrics.to_vec(), loss: None, states: vec![None; metrics.len()], counts: vec![0.0; metrics.len()], examples: 0 }
    }

    fn add(&mut self, model: &Model, loss: &Tensor, pred: &Tensor, y: &Tensor) -> Result<()> {
        let n = y.shape()[0];
        no_grad(|| add_opt(&mut self.loss, loss.detach().mul_scalar(n as f32)?))?;
        for (i, m) in self.metrics.iter().enumerate() {
            let (state, count) = m.batch_state(&model.spec().loss, pred, y)?;
            no_grad(|| add_opt(&mut self.states[i], state))?;
            self.counts[i] += count;
        }
        self.examples += n;
        Ok(())
    }

    /// Everything in one 1-D tensor (one readback): the loss sum, then each metric's state.
    fn take(&mut self) -> Result<(Tensor, Tally)> {
        let Some(loss) = self.loss.take() else { bail!("fit", "no batch was run, so there is nothing to read back") };
        let mut parts = vec![loss.reshape(&[1])?];
        parts.extend(self.states.iter_mut().filter_map(Option::take));
        let tally = Tally { metrics: self.metrics.clone(), counts: std::mem::take(&mut self.counts), examples: self.examples };
        self.examples = 0;
        self.counts = vec![0.0; self.metrics.len()];
        Ok((no_grad(|| Tensor::concat(&parts, 0))?, tally))
    }
}

/// What turns read-back sums into logs: the metrics and the host-side counts.
#[derive(Debug, Clone)]
pub struct Tally {
    metrics: Vec<Metric>,
    counts: Vec<f64>,
    examples: usize,
}

impl Tally {
    /// Averages named `prefix + metric` from the values of the sums tensor.
    pub fn logs(&self, values: &[f32], prefix: &str) -> Result<Logs> {
        let want = 1 + self.metrics.iter().map(|m| m.state_len()).sum::<usize>();
        if values.len() != want {
            bail!("fit", "read back {} values of sums, expected {}", values.len(), want);
        }
        let mut logs = Logs::new();
        logs.insert(format!("{prefix}loss"), values[0] / self.examples.max(1) as f32);
        let mut at = 1;
        for (m, count) in self.metrics.iter().zip(&self.counts) {
            let len = m.state_len();
            logs.insert(format!("{prefix}{}", m.name()), m.finish(&values[at..at + len], *count));
            at += len;
        }
        Ok(logs)
    }
}

/// An evaluation whose sums are computed but not yet read back.
pub struct PendingEval {
    pub sums: Tensor,
    pub tally: Tally,
}

impl Model {
    fn check_metrics(&self, metrics: &[Metric]) -> Result<()> {
        metrics.iter().try_for_each(|m| m.check(&self.spec().loss))
    }

    /// Loss and metrics over (x, y) in evaluation mode, in batches of `batch_size`.
    pub fn evaluate(&self, x: &Tensor, y: &Tensor, batch_size: usize, metrics: &[Metric]) -> Result<Logs> {
        let pending = self.evaluate_sums(x, y, batch_size, metrics)?;
        pending.tally.logs(&pending.sums.to_vec()?, "")
    }

    /// The device-side half of `evaluate`: run every batch, return the sums to read back.
    pub fn evaluate_sums(&self, x: &Tensor, y: &Tensor, batch_size: usize, metrics: &[Metric]) -> Result<PendingEval> {
        self.check_batch(x, Some(y))?;
        self.check_metrics(metrics)?;
        if batch_size == 0 {
            bail!("evaluate", "batch_size must be ≥ 1");
        }
        if x.shape()[0] == 0 {
            bail!("evaluate", "needs at least one example");
        }
        let (x, y) = (x.to_device(self.device())?, y.to_device(self.device())?);
        self.set_training(false);
        let mut sums = Sums::new(metrics);
        let n = x.shape()[0];
        no_grad(|| -> Result<()> {
            for start in (0..n).step_by(batch_size) {
                let len = batch_size.min(n - start);
                let (xb, yb) = (x.narrow(0, start, len)?, y.narrow(0, start, len)?);
                let pred = self.net_forward(&xb)?;
                let loss = self.loss(&pred, &yb)?;
                sums.add(self, &loss, &pred, &yb)?;
            }
            Ok(())
        })?;
        let (sums, tally) = sums.take()?;
        Ok(PendingEval { sums, tally })
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
    /// A callback returning `Control::Stop` is Keras' `stop_training = true`: the current epoch
    /// ends (its logs are recorded and `on_epoch_end` runs) and `fit` returns.
    pub fn fit(&mut self, x: &Tensor, y: &Tensor, options: &FitOptions, validation: Option<(&Tensor, &Tensor)>, callbacks: &mut Callbacks) -> Result<History> {
        let mut run = FitRun::new(self, x, y, options, validation)?;
        let mut history = History::default();
        while !run.done() {
            let (epoch, batches) = (run.epoch(), run.begin_epoch(self)?);
            while let Some(loss) = run.step(self)? {
                if let Some(cb) = callbacks.on_batch_end.as_mut() {
                    let info = BatchEnd { epoch, batch: run.batch() - 1, batches, step: self.optimizer().steps(), loss: &loss };
                    if cb(&info) == Control::Stop {
                        run.stop(StopReason::Callback);
                    }
                }
            }
            if run.batch() == 0 {
                run.skip_epoch();
                break;
            }
            let train = run.train_sums(self)?.to_vec()?;
            let val = match run.val_sums(self)? {
                Some(t) => Some(t.to_vec()?),
                None => None,
            };
            let logs = run.end_epoch(self, &train, val.as_deref())?;
            history.warnings.extend(run.take_warnings());
            history.epochs.push(logs.clone());
            if let Some(cb) = callbacks.on_epoch_end.as_mut() {
                if cb(&EpochEnd { epoch, epochs: options.epochs, logs: &logs }) == Control::Stop {
                    run.stop(StopReason::Callback);
                }
            }
        }
        history.stopped = run.finish(self)?;
        Ok(history)
    }
}

/// The one training loop, a batch at a time: `begin_epoch`, `step` until it gives `None`,
/// `train_sums` and `val_sums` (read them back, synchronously or not), `end_epoch` with the
/// values; repeat until `done`; then `finish`. The runner owns the data (on the model's device),
/// the shuffling order, the device-side sums and the built-in callbacks' state.
pub struct FitRun {
    x: Tensor,
    y: Tensor,
    val: Option<(Tensor, Tensor)>,
    batch_size: usize,
    shuffle: bool,
    rng: Option<Rng>,
    first_epoch: usize,
    end_epoch: usize,
    epoch: usize,
    order: Option<Vec<usize>>,
    batch: usize,
    batches: usize,
    sums: Sums,
    train_tally: Option<Tally>,
    val_tally: Option<Tally>,
    builtins: Vec<Builtin>,
    plateaus: Vec<Plateau>,
    cooldowns: Vec<usize>,
    restore: Option<Snapshot>,
    best_epoch: Option<usize>,
    non_finite: NonFinite,
    /// The weights at the start of the epoch (handles: the optimizer replaces, never mutates).
    finite: Option<Snapshot>,
    warnings: Vec<String>,
    stopping: Option<StopReason>,
    in_epoch: bool,
    /// Why the run ended early, once it did. (The logs are the caller's to keep: a page that
    /// trains for 10,000 epochs keeps its own history, and the engine's memory stays flat.)
    stopped: Option<StopReason>,
}

impl FitRun {
    /// Check the options and data against the model and hold out the validation examples.
    pub fn new(model: &Model, x: &Tensor, y: &Tensor, options: &FitOptions, validation: Option<(&Tensor, &Tensor)>) -> Result<FitRun> {
        model.check_batch(x, Some(y))?;
        model.check_metrics(&options.metrics)?;
        if options.batch_size == 0 {
            bail!("fit", "batch_size must be ≥ 1");
        }
        if !(0.0..1.0).contains(&options.validation_split) {
            bail!("fit", "validation_split {} must be in [0, 1)", options.validation_split);
        }
        if validation.is_some() && options.validation_split > 0.0 {
            bail!("fit", "give either validation data or a validation_split, not both");
        }
        let builtins = options.builtins();
        builtins.iter().try_for_each(Builtin::validate)?;
        let n = x.shape()[0];
        let n_val = (n as f64 * options.validation_split as f64).round() as usize;
        let n_train = n - n_val;
        if n_train == 0 {
            bail!("fit", "no training examples: {} given, {} held out for validation", n, n_val);
        }
        let (x, y) = (x.to_device(model.device())?, y.to_device(model.device())?);
        let val = match validation {
            Some((vx, vy)) => {
                model.check_batch(vx, Some(vy))?;
                if vx.shape()[0] == 0 {
                    bail!("fit", "the validation data has no examples");
                }
                Some((vx.to_device(model.device())?, vy.to_device(model.device())?))
            }
            None if n_val > 0 => Some((x.narrow(0, n_train, n_val)?, y.narrow(0, n_train, n_val)?)),
            None => None,
        };
        let restore_best = builtins.iter().any(|b| matches!(b, Builtin::EarlyStopping(es) if es.restore_best_weights));
        Ok(FitRun {
            x: x.narrow(0, 0, n_train)?,
            y: y.narrow(0, 0, n_train)?,
            val,
            batch_size: options.batch_size,
            shuffle: options.shuffle,
            rng: options.seed.map(Rng::new),
            first_epoch: options.initial_epoch,
            end_epoch: options.epochs.max(options.initial_epoch),
            epoch: options.initial_epoch,
            order: None,
            batch: 0,
            batches: n_train.div_ceil(options.batch_size),
            sums: Sums::new(&options.metrics),
            train_tally: None,
            val_tally: None,
            plateaus: vec![Plateau::default(); builtins.len()],
            cooldowns: vec![0; builtins.len()],
            builtins,
            restore: if restore_best { Some(vec![]) } else { None },
            best_epoch: None,
            non_finite: options.on_non_finite,
            finite: None,
            warnings: vec![],
            stopping: None,
            in_epoch: false,
            stopped: None,
        })
    }

    /// The epoch that runs next (or is running).
    pub fn epoch(&self) -> usize {
        self.epoch
    }
    /// Batches run so far in this epoch.
    pub fn batch(&self) -> usize {
        self.batch
    }
    /// Batches per epoch.
    pub fn batches(&self) -> usize {
        self.batches
    }
    /// Training examples (after the validation split).
    pub fn train_examples(&self) -> usize {
        self.x.shape()[0]
    }
    /// No epoch left to run: all were run, or training was stopped.
    pub fn done(&self) -> bool {
        self.epoch >= self.end_epoch || self.stopped.is_some()
    }
    /// Keras' `stop_training = true`: no further batch runs; the current epoch still ends
    /// (`end_epoch`) and then the run is done. The first reason given is kept.
    /// Between epochs (from an epoch-end callback) the run is done at once.
    pub fn stop(&mut self, reason: StopReason) {
        if self.in_epoch {
            self.stopping.get_or_insert(reason);
        } else if self.stopped.is_none() {
            self.stopped = Some(reason);
        }
    }

    /// Start an epoch: draw its shuffling order. Returns the number of batches.
    pub fn begin_epoch(&mut self, model: &mut Model) -> Result<usize> {
        if self.done() {
            bail!("fit", "the run is over (epoch {} of {}..{})", self.epoch, self.first_epoch, self.end_epoch);
        }
        let n = self.train_examples();
        self.order = if self.shuffle { Some(self.rng.as_mut().unwrap_or(&mut model.rng).permutation(n)) } else { None };
        if self.non_finite == NonFinite::Stop {
            self.finite = Some(snapshot(model));
        }
        self.batch = 0;
        self.in_epoch = true;
        Ok(self.batches)
    }

    /// Run the next batch (one optimizer step) and return its loss, not read back; `None` when
    /// the epoch has no batch left or training was stopped.
    pub fn step(&mut self, model: &mut Model) -> Result<Option<Tensor>> {
        if self.batch >= self.batches || self.stopping.is_some() {
            return Ok(None);
        }
        let n = self.train_examples();
        let start = self.batch * self.batch_size;
        let len = self.batch_size.min(n - start);
        let (xb, yb) = match &self.order {
            Some(perm) => {
                let idx: Vec<i32> = perm[start..start + len].iter().map(|&i| i as i32).collect();
                let idx = Tensor::from_i32(idx, &[len], model.device())?;
                (gather_rows(&self.x, &idx)?, gather_rows(&self.y, &idx)?)
            }
            None => (self.x.narrow(0, start, len)?, self.y.narrow(0, start, len)?),
        };
        let (loss, pred) = model.step_with_outputs(&xb, &yb)?;
        self.sums.add(model, &loss, &pred, &yb)?;
        self.batch += 1;
        Ok(Some(loss))
    }

    /// End an epoch in which no batch ran (training was stopped before its first batch): it
    /// leaves no logs, and the run is done.
    pub fn skip_epoch(&mut self) {
        self.in_epoch = false;
        self.stopped = self.stopped.take().or(self.stopping.take()).or(Some(StopReason::Callback));
    }

    /// This epoch's training sums as one 1-D tensor, to read back and give to `end_epoch`. Its
    /// last value is the weights check: Σ p·0 over every parameter, 0 when all are finite and
    /// NaN otherwise (one tiny reduction per parameter, read back with the sums).
    pub fn train_sums(&mut self, model: &Model) -> Result<Tensor> {
        let (t, tally) = self.sums.take()?;
        self.train_tally = Some(tally);
        let mut check: Option<Tensor> = None;
        for (_, p) in model.named_parameters() {
            let zero = p.get().mul_scalar(0.0)?.sum_all()?;
            check = Some(match check {
                Some(c) => c.add(&zero)?,
                None => zero,
            });
        }
        let check = match check {
            Some(c) => c.reshape(&[1])?,
            None => Tensor::zeros(&[1], model.device())?,
        };
        Tensor::concat(&[t, check], 0)
    }

    /// Evaluate on the validation data (if any) and return its sums, to read back.
    pub fn val_sums(&mut self, model: &Model) -> Result<Option<Tensor>> {
        let Some((vx, vy)) = &self.val else { return Ok(None) };
        let pending = model.evaluate_sums(vx, vy, self.batch_size.max(256), &self.sums.metrics)?;
        self.val_tally = Some(pending.tally);
        Ok(Some(pending.sums))
    }

    /// Finish the epoch from the read-back sums: its logs (also kept in the history), then the
    /// built-in callbacks (which may stop the run or lower the learning rate).
    pub fn end_epoch(&mut self, model: &mut Model, train: &[f32], val: Option<&[f32]>) -> Result<Logs> {
        let Some(tally) = self.train_tally.take() else { bail!("fit", "end_epoch needs train_sums first") };
        let Some((&weights_check, train)) = train.split_last() else { bail!("fit", "end_epoch: no training sums") };
        let mut logs = tally.logs(train, "")?;
        match (val, self.val_tally.take()) {
            (Some(v), Some(t)) => logs.extend(t.logs(v, "val_")?),
            (None, None) => {}
            _ => bail!("fit", "end_epoch: validation values and val_sums do not match"),
        }
        logs.insert("lr".into(), model.optimizer().lr());
        let epoch = self.epoch;
        let bad_loss = ["loss", "val_loss"].iter().find_map(|k| logs.get(*k).filter(|v| !v.is_finite()).map(|v| format!("{k} became {v}")));
        let bad_weight = (!weights_check.is_finite()).then(|| "a weight became NaN or infinite".to_string());
        if let Some(what) = bad_loss.or(bad_weight) {
            match self.non_finite {
                NonFinite::Stop => {
                    for (p, t) in self.finite.take().unwrap_or_default() {
                        p.set(t)?;
                    }
                    self.in_epoch = false;
                    self.stopped = Some(StopReason::NonFinite { epoch: epoch - self.first_epoch });
                    model.set_training(false);
                    bail!("fit", "{} in epoch {} (non-finite values in the data, or a learning rate too high?); the weights from before that epoch are back. on_non_finite: 'warn' or 'ignore' trains on regardless", what, epoch);
                }
                NonFinite::Warn => self.warnings.push(format!("{what} in epoch {epoch}")),
                NonFinite::Ignore => {}
            }
        }
        for i in 0..self.builtins.len() {
            let maximise = maximise_of(&self.builtins[i]);
            match self.builtins[i].clone() {
                Builtin::EarlyStopping(es) => {
                    let value = monitored("early stopping", &es.monitor, &logs)?;
                    if self.plateaus[i].update(value, maximise, es.min_delta) {
                        self.best_epoch = Some(epoch);
                        if let Some(best) = self.restore.as_mut() {
                            *best = snapshot(model);
                        }
                    } else if self.plateaus[i].wait > es.patience {
                        self.stop(StopReason::EarlyStopping { best_epoch: self.best_epoch.unwrap_or(epoch) - self.first_epoch });
                    }
                }
                Builtin::ReduceLrOnPlateau(r) => {
                    let value = monitored("reduce_lr_on_plateau", &r.monitor, &logs)?;
                    // Keras' order: count the cooldown down, then compare; no waiting while cooling down.
                    if self.cooldowns[i] > 0 {
                        self.cooldowns[i] -= 1;
                        self.plateaus[i].wait = 0;
                    }
                    let improved = self.plateaus[i].update(value, maximise, r.min_delta);
                    if !improved && self.cooldowns[i] > 0 {
                        self.plateaus[i].wait = 0;
                    } else if !improved && self.plateaus[i].wait >= r.patience {
                        let base = model.optimizer().spec().lr();
                        let lower = (base * r.factor).max(r.min_lr);
                        if lower < base {
                            model.optimizer_mut().set_base_lr(lower)?;
                        }
                        self.cooldowns[i] = r.cooldown;
                        self.plateaus[i].wait = 0;
                    }
                }
            }
        }
        self.epoch += 1;
        self.in_epoch = false;
        if let Some(reason) = self.stopping.take() {
            self.stopped = Some(reason);
        }
        model.set_training(false);
        Ok(logs)
    }

    /// Warnings of the epochs so far (a non-finite loss under `NonFinite::Warn`), taken once.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Why the run ended before its last epoch, if it did.
    pub fn stopped(&self) -> Option<&StopReason> {
        self.stopped.as_ref()
    }

    /// End the run: restore the best weights if early stopping asked for it; why it stopped.
    pub fn finish(self, model: &mut Model) -> Result<Option<StopReason>> {
        if let Some(snapshot) = self.restore {
            for (p, t) in snapshot {
                p.set(t)?;
            }
        }
        model.set_training(false);
        Ok(self.stopped)
    }
}
