//! The built-in callbacks of Keras, as data (so they cross to a worker as JSON) and as the small
//! state machines `fit` runs after every epoch: early stopping and reducing the learning rate on
//! a plateau. Custom callbacks are closures (native) or the page's own objects (JavaScript).
use crate::metrics::Metric;
use crate::trainer::Logs;
use serde::{Deserialize, Serialize};
use webgrad_core::{bail, Result};

/// Keras' `mode`: whether the monitored value should fall or rise; `auto` guesses from its name
/// (accuracy, precision, recall and auc rise; losses and errors fall).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Auto,
    Min,
    Max,
}

impl Mode {
    fn maximise(self, monitor: &str) -> bool {
        match self {
            Mode::Auto => Metric::maximise(monitor),
            Mode::Min => false,
            Mode::Max => true,
        }
    }
}

fn val_loss() -> String {
    "val_loss".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct EarlyStopping {
    /// A key of the epoch logs: "val_loss" (default), "loss", "val_accuracy", …
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<String>", optional))]
    #[serde(default = "val_loss")]
    pub monitor: String,
    /// Epochs without improvement to wait before stopping.
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
    #[serde(default)]
    pub patience: usize,
    /// Smallest change that counts as an improvement.
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
    #[serde(default)]
    pub min_delta: f32,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Mode>", optional))]
    #[serde(default)]
    pub mode: Mode,
    /// At the end of `fit`, put back the weights of the best epoch.
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<bool>", optional))]
    #[serde(default)]
    pub restore_best_weights: bool,
}

impl Default for EarlyStopping {
    fn default() -> Self {
        EarlyStopping { monitor: val_loss(), patience: 0, min_delta: 0.0, mode: Mode::Auto, restore_best_weights: false }
    }
}

fn tenth() -> f32 {
    0.1
}
fn ten() -> usize {
    10
}
fn small() -> f32 {
    1e-4
}

/// Keras' `ReduceLROnPlateau`: multiply the learning rate by `factor` after `patience` epochs
/// without improvement, then wait `cooldown` epochs, never going below `min_lr`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ReduceLrOnPlateau {
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<String>", optional))]
    #[serde(default = "val_loss")]
    pub monitor: String,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
    #[serde(default = "tenth")]
    pub factor: f32,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
    #[serde(default = "ten")]
    pub patience: usize,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
    #[serde(default = "small")]
    pub min_delta: f32,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<usize>", optional))]
    #[serde(default)]
    pub cooldown: usize,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
    #[serde(default)]
    pub min_lr: f32,
    #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<Mode>", optional))]
    #[serde(default)]
    pub mode: Mode,
}

impl Default for ReduceLrOnPlateau {
    fn default() -> Self {
        ReduceLrOnPlateau { monitor: val_loss(), factor: 0.1, patience: 10, min_delta: 1e-4, cooldown: 0, min_lr: 0.0, mode: Mode::Auto }
    }
}

/// A built-in callback, tagged by `type` in JSON: `{ "type": "early_stopping", "patience": 3 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Builtin {
    EarlyStopping(EarlyStopping),
    ReduceLrOnPlateau(ReduceLrOnPlateau),
}

impl Builtin {
    pub fn validate(&self) -> Result<()> {
        match self {
            Builtin::EarlyStopping(es) => {
                if !(es.min_delta >= 0.0) {
                    bail!("early_stopping", "min_delta {} must be ≥ 0", es.min_delta);
                }
            }
            Builtin::ReduceLrOnPlateau(r) => {
                if !(r.factor > 0.0 && r.factor < 1.0) {
                    bail!("reduce_lr_on_plateau", "factor {} must be in (0, 1)", r.factor);
                }
                if !(r.min_delta >= 0.0 && r.min_lr >= 0.0) {
                    bail!("reduce_lr_on_plateau", "min_delta {} and min_lr {} must be ≥ 0", r.min_delta, r.min_lr);
                }
            }
        }
        Ok(())
    }
}

/// The value a callback monitors, or an error that lists what the logs hold.
pub(crate) fn monitored(who: &str, monitor: &str, logs: &Logs) -> Result<f32> {
    match logs.get(monitor) {
        Some(&v) => Ok(v),
        None => {
            let keys: Vec<&str> = logs.keys().map(String::as_str).collect();
            bail!("fit", "{} monitors {:?}, but the logs only have {}", who, monitor, keys.join(", "))
        }
    }
}

/// Best value so far and the epochs waited since, for one monitored key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plateau {
    pub best: Option<f32>,
    pub wait: usize,
}

impl Plateau {
    /// Record `value`; true when it improves on the best by more than `min_delta`.
    pub fn update(&mut self, value: f32, maximise: bool, min_delta: f32) -> bool {
        let improved = match self.best {
            None => true,
            Some(b) => if maximise { value > b + min_delta } else { value < b - min_delta },
        };
        if improved {
            self.best = Some(value);
            self.wait = 0;
        } else {
            self.wait += 1;
        }
        improved
    }
}

pub(crate) fn maximise_of(b: &Builtin) -> bool {
    match b {
        Builtin::EarlyStopping(es) => es.mode.maximise(&es.monitor),
        Builtin::ReduceLrOnPlateau(r) => r.mode.maximise(&r.monitor),
    }
}
