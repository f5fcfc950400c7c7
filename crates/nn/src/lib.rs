//! webgrad-nn: neural networks on any webgrad `Device`.
//!
//! - [`Module`] and the layers ([`layers`], [`norm`], [`attention`]), initialisers ([`Init`]);
//! - [`loss`] functions and regularisation penalties;
//! - [`optim`]: SGD, Adam, AdamW, RMSprop with [`Schedule`]s and gradient clipping;
//!
//! Parameters live in [`Param`] slots: tensors are immutable, so an optimizer step swaps in a new
//! tensor and every module holding the slot sees it.
pub mod attention;
pub mod init;
pub mod layers;
pub mod loss;
pub mod module;
pub mod norm;
pub mod optim;
pub mod param;
pub mod schedule;

pub use init::Init;
pub use layers::Activation;
pub use module::{Module, Sequential};
pub use optim::{Optimizer, OptimizerSpec};
pub use param::Param;
pub use schedule::Schedule;
