//! webgrad-core: tensors, layouts, the primitive op set, reverse-mode autograd, the `Backend`
//! trait and a seeded RNG. Knows nothing of wgpu, wasm-bindgen or any particular backend.
pub mod autograd;
pub mod backend;
mod composite;
mod error;
pub mod memory;
mod op_table;
pub mod functional;
pub mod ops;
pub mod rng;
pub mod shape;
mod tensor;

pub use autograd::sum_to_shape;
pub use backend::{ArgReduceOp, Backend, BackendStorage, BinaryOp, DType, ReadFuture, ReduceOp, Storage, UnaryOp, View, Window2d};
pub use error::{Error, Result};
pub use ops::Axes;
pub use rng::Rng;
pub use shape::{broadcast_shapes, checked_numel, contiguous_strides, numel, Layout, MAX_ELEMENTS};
pub use tensor::{is_grad_enabled, no_grad, reset_after_panic, Device, Tensor};
