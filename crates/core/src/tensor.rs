//! `Tensor`: a reference-counted view (storage + layout) on a device, plus the autograd node that
//! produced it when gradients are being tracked.
use crate::autograd::Op;
use crate::backend::{Backend, DType, Storage, View};
use crate::shape::{numel, Layout};
use crate::{bail, Result};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where tensors live and kernels run. Cheap to clone; two clones are the same device.
#[derive(Clone)]
pub struct Device {
    backend: Rc<dyn Backend>,
}

impl Device {
    pub fn new(backend: Rc<dyn Backend>) -> Self {
        Device { backend }
    }
    pub fn backend(&self) -> &dyn Backend {
        &*self.backend
    }
    pub fn name(&self) -> String {
        self.backend.name()
    }
    pub fn same(&self, other: &Device) -> bool {
        Rc::ptr_eq(&self.backend, &other.backend)
    }
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Device({})", self.name())
    }
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

pub(crate) struct TensorInner {
    pub(crate) id: usize,
    pub(crate) storage: Storage,
    pub(crate) layout: Layout,
    pub(crate) device: Device,
    /// How this tensor was computed, kept only while gradients are tracked.
    pub(crate) op: Option<Op>,
    pub(crate) requires_grad: Cell<bool>,
    pub(crate) grad: RefCell<Option<Tensor>>,
    /// Set when a `backward` without `retain_graph` has gone through this node: as in PyTorch,
    /// a second pass through it is an error instead of silently accumulating gradients again.
    pub(crate) graph_released: Cell<bool>,
}

#[derive(Clone)]
pub struct Tensor(pub(crate) Rc<TensorInner>);

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Back to the state a fresh engine starts in (gradients recorded). A wasm panic traps without
/// running destructors, so `no_grad`'s restore never runs: the bindings' panic hook calls this,
/// and the engine keeps working after the error.
pub fn reset_after_panic() {
    GRAD_ENABLED.with(|g| g.set(true));
}

pub fn is_grad_enabled() -> bool {
    GRAD_ENABLED.with(|g| g.get())
}

/// Run `f` without recording operations for autograd (inference, optimizer updates).
pub fn no_grad<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            GRAD_ENABLED.with(|g| g.set(self.0));
        }
    }
    let _restore = Restore(GRAD_ENABLED.with(|g| g.replace(false)));
    f()
}

impl Tensor {
    pub(crate) fn from_parts(storage: Storage, layout: Layout, device: Device, op: Option<Op>) -> Tensor {
        Tensor(Rc::new(TensorInner {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            storage,
            layout,
            device,
            op,
            requires_grad: Cell::new(false),
            grad: RefCell::new(None),
            graph_released: Cell::new(false),
        }))
    }

    /// A fresh result of `op`: the graph node is kept only if some input tracks gradients.
    pub(crate) fn from_op(storage: Storage, layout: Layout, device: &Device, op: Op) -> Tensor {
        let track = is_grad_enabled() && op.inputs().iter().any(|t| t.tracks_grad());
        Tensor::from_parts(storage, layout, device.clone(), if track { Some(op) } else { None })
    }

    pub fn from_vec(data: Vec<f32>, shape: &[usize], device: &Device) -> Result<Tensor> {
        crate::shape::checked_numel("tensor", shape)?;
        if data.len() != numel(shape) {
            bail!("tensor", "{} values cannot fill shape {:?} ({} elements)", data.len(), shape, numel(shape));
        }
        let storage = device.backend().from_f32_vec(data)?;
        Ok(Tensor::from_parts(storage, Layout::contiguous(shape), device.clone(), None))
    }

    pub fn from_slice(data: &[f32], shape: &[usize], device: &Device) -> Result<Tensor> {
        crate::shape::checked_numel("tensor", shape)?;
        if data.len() != numel(shape) {
            bail!("tensor", "{} values cannot fill shape {:?} ({} elements)", data.len(), shape, numel(shape));
        }
        let storage = device.backend().from_f32(data)?;
        Ok(Tensor::from_parts(storage, Layout::contiguous(shape), device.clone(), None))
    }

    pub fn from_i32(data: Vec<i32>, shape: &[usize], device: &Device) -> Result<Tensor> {
        crate::shape::checked_numel("tensor", shape)?;
        if data.len() != numel(shape) {
            bail!("tensor", "{} values cannot fill shape {:?} ({} elements)", data.len(), shape, numel(shape));
        }
        let storage = device.backend().from_i32(&data)?;
        Ok(Tensor::from_parts(storage, Layout::contiguous(shape), device.clone(), None))
    }

    pub fn full(value: f32, shape: &[usize], device: &Device) -> Result<Tensor> {
        Self::from_vec(crate::memory::try_filled("tensor", crate::shape::checked_numel("tensor", shape)?, value)?, shape, device)
    }
    pub fn zeros(shape: &[usize], device: &Device) -> Result<Tensor> {
        Self::full(0.0, shape, device)
    }
    pub fn ones(shape: &[usize], device: &Device) -> Result<Tensor> {
        Self::full(1.0, shape, device)
    }
    pub fn scalar(value: f32, device: &Device) -> Result<Tensor> {
        Self::from_vec(vec![value], &[], device)
    }
    /// 0, 1, …, n-1 as f32.
    pub fn arange(n: usize, device: &Device) -> Result<Tensor> {
        let mut values = crate::memory::try_vec("arange", crate::shape::checked_numel("arange", &[n])?)?;
        values.extend((0..n).map(|i| i as f32));
        Self::from_vec(values, &[n], device)
    }
    pub fn zeros_like(&self) -> Result<Tensor> {
        Self::zeros(self.shape(), self.device())
    }
    pub fn ones_like(&self) -> Result<Tensor> {
        Self::ones(self.shape(), self.device())
    }

    pub fn id(&self) -> usize {
        self.0.id
    }
    pub fn shape(&self) -> &[usize] {
        &self.0.layout.shape
    }
    pub fn dims(&self) -> Vec<usize> {
        self.0.layout.shape.clone()
    }
    pub fn rank(&self) -> usize {
        self.0.layout.shape.len()
    }
    pub fn numel(&self) -> usize {
        self.0.layout.numel()
    }
    pub fn dtype(&self) -> DType {
        self.0.storage.dtype()
    }
    pub fn device(&self) -> &Device {
        &self.0.device
    }
    pub fn layout(&self) -> &Layout {
        &self.0.layout
    }
    pub fn storage(&self) -> &Storage {
        &self.0.storage
    }
    pub(crate) fn view(&self) -> View<'_> {
        View { storage: &self.0.storage, layout: &self.0.layout }
    }
    pub fn is_contiguous(&self) -> bool {
        self.0.layout.is_contiguous()
    }

    /// Values in row-major order (i32 tensors are converted to f32).
    pub fn to_vec(&self) -> Result<Vec<f32>> {
        match self.dtype() {
            DType::F32 => self.device().backend().read_f32(self.view()),
            DType::I32 => Ok(self.to_vec_i32()?.into_iter().map(|v| v as f32).collect()),
        }
    }
    /// Values in row-major order without blocking (i32 converted to f32). On the CPU this is
    /// ready at once; on a GPU in the browser it resolves when the buffer has been mapped.
    pub async fn to_vec_async(&self) -> Result<Vec<f32>> {
        let t = self.cast(DType::F32)?; // a no-op for f32 tensors
        t.device().backend().read_f32_async(t.storage().clone(), t.layout().clone()).await
    }
    pub fn to_vec_i32(&self) -> Result<Vec<i32>> {
        match self.dtype() {
            DType::I32 => self.device().backend().read_i32(self.view()),
            DType::F32 => Ok(self.to_vec()?.into_iter().map(|v| v as i32).collect()),
        }
    }
    /// The single value of a one-element tensor.
    pub fn item(&self) -> Result<f32> {
        if self.numel() != 1 {
            bail!("item", "tensor of shape {:?} has {} elements, not 1", self.shape(), self.numel());
        }
        Ok(self.to_vec()?[0])
    }

    /// Copy to another device. The copy is a new leaf: gradients do not flow across devices.
    pub fn to_device(&self, device: &Device) -> Result<Tensor> {
        if device.same(self.device()) {
            return Ok(self.clone());
        }
        let t = match self.dtype() {
            DType::F32 => Tensor::from_vec(self.to_vec()?, self.shape(), device)?,
            DType::I32 => Tensor::from_i32(self.to_vec_i32()?, self.shape(), device)?,
        };
        t.set_requires_grad(self.requires_grad());
        Ok(t)
    }

    // ---- autograd state -------------------------------------------------------------------
    pub fn requires_grad(&self) -> bool {
        self.0.requires_grad.get()
    }
    /// Mark a leaf (a parameter) whose gradient `backward` should accumulate.
    pub fn set_requires_grad(&self, on: bool) -> &Self {
        self.0.requires_grad.set(on);
        self
    }
    pub fn tracks_grad(&self) -> bool {
        self.0.requires_grad.get() || self.0.op.is_some()
    }
    /// Accumulated gradient of a leaf after `backward`.
    pub fn grad(&self) -> Option<Tensor> {
        self.0.grad.borrow().clone()
    }
    pub fn zero_grad(&self) {
        *self.0.grad.borrow_mut() = None;
    }
    pub fn set_grad(&self, g: Option<Tensor>) {
        *self.0.grad.borrow_mut() = g;
    }
    /// Same values, cut from the graph.
    pub fn detach(&self) -> Tensor {
        Tensor::from_parts(self.0.storage.clone(), self.0.layout.clone(), self.0.device.clone(), None)
    }
    pub(crate) fn op(&self) -> Option<&Op> {
        self.0.op.as_ref()
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tensor(shape={:?}, dtype={}, device={})", self.shape(), self.dtype().name(), self.device().name())
    }
}
