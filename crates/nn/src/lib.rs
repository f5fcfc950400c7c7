//! webgrad-nn: neural networks on any webgrad `Device`.
//!
//! - [`Module`] and the layers ([`layers`], [`norm`], [`attention`]), initialisers ([`Init`]);
//! - [`loss`] functions and regularisation penalties;
//! - [`optim`]: SGD, Adam, AdamW, RMSprop with [`Schedule`]s and gradient clipping;
//! - [`spec`]: the serde model description, validated with shape inference, and [`build`],
//!   which turns it into a [`Model`] on any device;
//! - [`io`]: weights as safetensors plus the JSON spec, optimizer state optional;
//! - [`trainer`]: the one training loop ([`FitRun`]) and Keras-shaped `fit` / `evaluate` /
//!   `predict`; [`metrics`] (accuracy, precision, recall, AUC, …) summed on the device;
//!   [`callbacks`]: early stopping and ReduceLROnPlateau;
//! - [`prep`]: data sets and token batches as tensors, the seeded MNIST split, a GPT-style
//!   character model's spec (the quality bars themselves live in the conformance suite).
//!
//! Parameters live in [`Param`] slots: tensors are immutable, so an optimizer step swaps in a new
//! tensor and every module holding the slot sees it.
// `!(x > 0.0)` on purpose throughout: it also rejects NaN hyper-parameters.
#![allow(clippy::neg_cmp_op_on_partial_ord)]
pub mod attention;
pub mod callbacks;
pub mod init;
pub mod io;
pub mod layers;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod module;
pub mod norm;
pub mod optim;
pub mod param;
pub mod prep;
pub mod schedule;
pub mod spec;
pub mod trainer;

pub use init::Init;
pub use layers::Activation;
pub use model::{build, LayerSummary, Model};
pub use module::{Module, Sequential};
pub use optim::{Optimizer, OptimizerSpec};
pub use param::Param;
pub use schedule::Schedule;
pub use spec::{LayerSpec, LossSpec, ModelSpec, Regularization};
pub use callbacks::{Builtin, EarlyStopping, Mode, ReduceLrOnPlateau};
pub use metrics::Metric;
pub use trainer::{Callbacks, Control, FitOptions, FitRun, History, Logs, NonFinite, PendingEval, StopReason, Tally};
