//! `Param`: a shared, replaceable slot holding one parameter tensor.
//!
//! Tensors are immutable, so an optimizer step builds a new tensor and puts it into the slot;
//! every module holding a clone of the `Param` sees the new value on its next forward pass.
//! Trainable parameters are leaves with `requires_grad`; buffers (e.g. BatchNorm's running
//! statistics) are saved and loaded like parameters but never trained.
use std::cell::RefCell;
use std::rc::Rc;
use webgrad_core::{bail, Result, Tensor};

#[derive(Clone)]
pub struct Param(Rc<ParamInner>);

struct ParamInner {
    value: RefCell<Tensor>,
    trainable: bool,
}

impl Param {
    /// A trainable parameter (a fresh leaf that tracks gradients).
    pub fn new(value: Tensor) -> Param {
        Param::make(value, true)
    }
    /// A buffer: saved with the model, updated by its module, never given a gradient.
    pub fn buffer(value: Tensor) -> Param {
        Param::make(value, false)
    }
    fn make(value: Tensor, trainable: bool) -> Param {
        let leaf = value.detach();
        leaf.set_requires_grad(trainable);
        Param(Rc::new(ParamInner { value: RefCell::new(leaf), trainable }))
    }

    /// The current value (a cheap handle).
    pub fn get(&self) -> Tensor {
        self.0.value.borrow().clone()
    }
    /// Replace the value; the shape must stay the same. The new value becomes a leaf.
    pub fn set(&self, value: Tensor) -> Result<()> {
        let old = self.get();
        if value.shape() != old.shape() {
            bail!("param", "cannot replace a parameter of shape {:?} with one of shape {:?}", old.shape(), value.shape());
        }
        if !value.device().same(old.device()) {
            bail!("param", "new value lives on {}, the parameter on {}", value.device().name(), old.device().name());
        }
        let leaf = value.detach();
        leaf.set_requires_grad(self.0.trainable);
        *self.0.value.borrow_mut() = leaf;
        Ok(())
    }
    pub fn grad(&self) -> Option<Tensor> {
        self.0.value.borrow().grad()
    }
    pub fn zero_grad(&self) {
        self.0.value.borrow().zero_grad();
    }
    pub fn shape(&self) -> Vec<usize> {
        self.0.value.borrow().dims()
    }
    pub fn numel(&self) -> usize {
        self.0.value.borrow().numel()
    }
    pub fn is_trainable(&self) -> bool {
        self.0.trainable
    }
    /// True when both handles refer to the same slot.
    pub fn same(&self, other: &Param) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Param(shape={:?}, trainable={})", self.shape(), self.0.trainable)
    }
}
