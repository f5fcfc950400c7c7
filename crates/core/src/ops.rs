//! The primitive ops: each checks its arguments, runs one backend kernel (or only builds a new
//! layout, for views) and records one autograd node. Everything else is composed from these.
use crate::autograd::Op;
use crate::backend::{ArgReduceOp, BinaryOp, DType, ReduceOp, UnaryOp, View, Window2d};
use crate::shape::{broadcast_shapes, norm_axes, norm_axis, numel, Layout};
use crate::tensor::Tensor;
use crate::{bail, Result};

/// Which axes a reduction covers: `Axes::All`, one axis (`1`, `-1`) or several (`&[0, 2]`).
#[derive(Debug, Clone, PartialEq)]
pub enum Axes {
    All,
    Some(Vec<isize>),
}

impl From<isize> for Axes {
    fn from(a: isize) -> Self {
        Axes::Some(vec![a])
    }
}
impl From<i32> for Axes {
    fn from(a: i32) -> Self {
        Axes::Some(vec![a as isize])
    }
}
impl From<&[isize]> for Axes {
    fn from(a: &[isize]) -> Self {
        Axes::Some(a.to_vec())
    }
}
impl<const N: usize> From<[isize; N]> for Axes {
    fn from(a: [isize; N]) -> Self {
        Axes::Some(a.to_vec())
    }
}
impl From<Vec<isize>> for Axes {
    fn from(a: Vec<isize>) -> Self {
        Axes::Some(a)
    }
}
impl From<Option<Vec<isize>>> for Axes {
    fn from(a: Option<Vec<isize>>) -> Self {
        a.map_or(Axes::All, Axes::Some)
    }
}

impl Axes {
    pub(crate) fn resolve(&self, op: &str, rank: usize) -> Result<Vec<usize>> {
        match self {
            Axes::All => norm_axes(op, None, rank),
            Axes::Some(v) => norm_axes(op, Some(v), rank),
        }
    }
}

impl Tensor {
    pub(crate) fn check_same_device(&self, op: &str, other: &Tensor) -> Result<()> {
        if !self.device().same(other.device()) {
            bail!(op, "tensors are on different devices ({} and {}); move one with to_device", self.device().name(), other.device().name());
        }
        Ok(())
    }

    pub(crate) fn check_f32(&self, op: &str) -> Result<()> {
        if self.dtype() != DType::F32 {
            bail!(op, "expects an f32 tensor, got {} of shape {:?}", self.dtype().name(), self.shape());
        }
        Ok(())
    }

    fn with_layout(&self, layout: Layout, op: Op) -> Tensor {
        let track = crate::is_grad_enabled() && self.tracks_grad();
        Tensor::from_parts(self.storage().clone(), layout, self.device().clone(), if track { Some(op) } else { None })
    }

    // ---- elementwise ---------------------------------------------------------------------
    pub fn unary(&self, op: UnaryOp) -> Result<Tensor> {
        self.check_f32(op.name())?;
        let s = self.device().backend().unary(op, self.view())?;
        Ok(Tensor::from_op(s, Layout::contiguous(self.shape()), self.device(), Op::Unary(op, self.clone())))
    }

    pub fn binary(&self, op: BinaryOp, other: &Tensor) -> Result<Tensor> {
        let name = op.name();
        self.check_same_device(&name, other)?;
        self.check_f32(&name)?;
        other.check_f32(&name)?;
        let shape = broadcast_shapes(&name, self.shape(), other.shape())?;
        let a = self.broadcast_to(&shape)?;
        let b = other.broadcast_to(&shape)?;
        let s = self.device().backend().binary(op, a.view(), b.view())?;
        Ok(Tensor::from_op(s, Layout::contiguous(&shape), self.device(), Op::Binary(op, a, b)))
    }

    /// `cond != 0 ? self : other`, broadcasting all three.
    pub fn where_cond(cond: &Tensor, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        cond.check_same_device("where", a)?;
        a.check_same_device("where", b)?;
        let shape = broadcast_shapes("where", &broadcast_shapes("where", cond.shape(), a.shape())?, b.shape())?;
        let c = cond.cast(DType::F32)?.detach().broadcast_to(&shape)?;
        let (a, b) = (a.broadcast_to(&shape)?, b.broadcast_to(&shape)?);
        let s = a.device().backend().where_cond(c.view(), a.view(), b.view())?;
        let device = a.device().clone();
        Ok(Tensor::from_op(s, Layout::contiguous(&shape), &device, Op::Where(c, a, b)))
    }

    pub fn cast(&self, to: DType) -> Result<Tensor> {
        if self.dtype() == to {
            return Ok(self.clone());
        }
        let s = self.device().backend().cast(self.view(), to)?;
        Ok(Tensor::from_parts(s, Layout::contiguous(self.shape()), self.device().clone(), None))
    }

    // ---- reductions ----------------------------------------------------------------------
    /// Reduce over `axes`; `keepdim` keeps them as size-1 dimensions.
    pub fn reduce(&self, op: ReduceOp, axes: impl Into<Axes>, keepdim: bool) -> Result<Tensor> {
        let name = op.name();
        self.check_f32(&name)?;
        let axes = axes.into().resolve(&name, self.rank())?;
        if op != ReduceOp::Sum && axes.iter().any(|&a| self.shape()[a] == 0) {
            bail!(name, "cannot reduce an empty dimension of shape {:?}", self.shape());
        }
        let s = self.device().backend().reduce(op, self.view(), &axes)?;
        let kept: Vec<usize> = self.shape().iter().enumerate().map(|(i, &d)| if axes.contains(&i) { 1 } else { d }).collect();
        let out = Tensor::from_op(s, Layout::contiguous(&kept), self.device(), Op::Reduce(op, self.clone(), axes.clone()));
        if keepdim {
            Ok(out)
        } else {
            let squeezed: Vec<usize> = kept.iter().enumerate().filter(|(i, _)| !axes.contains(i)).map(|(_, &d)| d).collect();
            out.reshape(&squeezed)
        }
    }

    /// Index of the largest (or smallest) value along `axis`, as i32; no gradient.
    pub fn arg_reduce(&self, op: ArgReduceOp, axis: isize, keepdim: bool) -> Result<Tensor> {
        let name = op.name();
        self.check_f32(&name)?;
        let ax = norm_axis(&name, axis, self.rank())?;
        if self.rank() == 0 || self.shape()[ax] == 0 {
            bail!(name, "needs a non-empty axis, got shape {:?}", self.shape());
        }
        let s = self.device().backend().arg_reduce(op, self.view(), ax)?;
        let mut shape = self.dims();
        shape[ax] = 1;
        let out = Tensor::from_parts(s, Layout::contiguous(&shape), self.device().clone(), None);
        if keepdim {
            Ok(out)
        } else {
            shape.remove(ax);
            out.reshape(&shape)
        }
    }

    // ---- matmul --------------------------------------------------------------------------
    /// Batched matrix product with NumPy-broadcast batch dimensions: [.., M, K] @ [.., K, N].
    pub fn matmul(&self, other: &Tensor) -> Result<Tensor> {
        self.check_same_device("matmul", other)?;
        self.check_f32("matmul")?;
        other.check_f32("matmul")?;
        let (a, b) = (self.shape(), other.shape());
        if a.is_empty() || b.is_empty() {
            bail!("matmul", "{:?} × {:?}: both operands need at least 1 dimension", a, b);
        }
        // 1-D operands as in torch / NumPy: a vector on the left is a row [1, K], on the right a
        // column [K, 1]; the added axis is removed from the result (1-D · 1-D is the scalar dot).
        if a.len() == 1 || b.len() == 1 {
            if a[a.len() - 1] != b[b.len().saturating_sub(2).min(b.len() - 1)] {
                let k2 = if b.len() == 1 { b[0] } else { b[b.len() - 2] };
                bail!("matmul", "{:?} × {:?}: inner dimensions {} and {} differ", a, b, a[a.len() - 1], k2);
            }
            let lhs = if a.len() == 1 { self.unsqueeze(0)? } else { self.clone() };
            let rhs = if b.len() == 1 { other.unsqueeze(-1)? } else { other.clone() };
            let out = lhs.matmul(&rhs)?;
            let mut shape = out.dims();
            if b.len() == 1 {
                shape.pop();
            }
            if a.len() == 1 {
                shape.remove(shape.len() - 1 - usize::from(b.len() != 1));
            }
            return out.reshape(&shape);
        }
        let (m, k) = (a[a.len() - 2], a[a.len() - 1]);
        let (k2, n) = (b[b.len() - 2], b[b.len() - 1]);
        if k != k2 {
            bail!("matmul", "{:?} × {:?}: inner dimensions {} and {} differ", a, b, k, k2);
        }
        // A plain weight matrix on the right: fold the batch into M, one big GEMM.
        if b.len() == 2 && a.len() > 2 {
            let rows = numel(&a[..a.len() - 1]);
            let out = self.reshape(&[1, rows, k])?.matmul3(&other.reshape(&[1, k, n])?)?;
            let mut shape = a[..a.len() - 1].to_vec();
            shape.push(n);
            return out.reshape(&shape);
        }
        let batch = broadcast_shapes("matmul", &a[..a.len() - 2], &b[..b.len() - 2])?;
        let bsz = numel(&batch);
        let mut sa = batch.clone();
        sa.extend([m, k]);
        let mut sb = batch.clone();
        sb.extend([k, n]);
        let a3 = self.broadcast_to(&sa)?.reshape(&[bsz, m, k])?;
        let b3 = other.broadcast_to(&sb)?.reshape(&[bsz, k, n])?;
        let mut shape = batch;
        shape.extend([m, n]);
        a3.matmul3(&b3)?.reshape(&shape)
    }

    /// The primitive: [B, M, K] @ [B, K, N].
    pub(crate) fn matmul3(&self, other: &Tensor) -> Result<Tensor> {
        let (a, b) = (self.shape(), other.shape());
        let shape = [a[0], a[1], b[2]];
        crate::shape::checked_numel("matmul", &shape)?;
        let s = self.device().backend().matmul(self.view(), other.view())?;
        Ok(Tensor::from_op(s, Layout::contiguous(&shape), self.device(), Op::Matmul(self.clone(), other.clone())))
    }

    // ---- views ---------------------------------------------------------------------------
    /// Reshape; one dimension may be given as usize::MAX ("infer"), see `reshape_infer`.
    pub fn reshape(&self, shape: &[usize]) -> Result<Tensor> {
        if numel(shape) != self.numel() {
            bail!("reshape", "cannot reshape {:?} ({} elements) to {:?} ({} elements)", self.shape(), self.numel(), shape, numel(shape));
        }
        if shape == self.shape() {
            return Ok(self.clone());
        }
        if let Some(layout) = self.layout().reshape_view(shape) {
            return Ok(self.with_layout(layout, Op::Reshape(self.clone())));
        }
        let src = self.contiguous()?;
        let layout = Layout { offset: src.layout().offset, ..Layout::contiguous(shape) };
        Ok(src.with_layout(layout, Op::Reshape(src.clone())))
    }

    /// Reshape with at most one -1 entry inferred from the element count.
    pub fn reshape_infer(&self, shape: &[isize]) -> Result<Tensor> {
        let known: usize = shape.iter().filter(|&&d| d >= 0).map(|&d| d as usize).product();
        let unknown = shape.iter().filter(|&&d| d < 0).count();
        if unknown > 1 || (unknown == 1 && (known == 0 || self.numel() % known != 0)) {
            bail!("reshape", "cannot reshape {:?} to {:?}", self.shape(), shape);
        }
        let dims: Vec<usize> = shape.iter().map(|&d| if d < 0 { self.numel() / known.max(1) } else { d as usize }).collect();
        self.reshape(&dims)
    }

    /// A contiguous copy (or the tensor itself when already contiguous).
    pub fn contiguous(&self) -> Result<Tensor> {
        if self.is_contiguous() && self.layout().offset == 0 && self.storage().len() == self.numel() {
            return Ok(self.clone());
        }
        let s = self.device().backend().copy(self.view())?;
        Ok(Tensor::from_op(s, Layout::contiguous(self.shape()), self.device(), Op::Copy(self.clone())))
    }

    pub fn permute(&self, perm: &[usize]) -> Result<Tensor> {
        let mut seen = vec![false; self.rank()];
        if perm.len() != self.rank() || perm.iter().any(|&p| p >= self.rank() || std::mem::replace(&mut seen[p], true)) {
            bail!("permute", "{:?} is not a permutation of the {} axes of {:?}", perm, self.rank(), self.shape());
        }
        Ok(self.with_layout(self.layout().permute(perm), Op::Permute(self.clone(), perm.to_vec())))
    }

    pub fn transpose(&self, dim0: isize, dim1: isize) -> Result<Tensor> {
        let a = norm_axis("transpose", dim0, self.rank())?;
        let b = norm_axis("transpose", dim1, self.rank())?;
        let mut perm: Vec<usize> = (0..self.rank()).collect();
        perm.swap(a, b);
        self.permute(&perm)
    }

    /// Swap the last two axes (matrix transpose).
    pub fn t(&self) -> Result<Tensor> {
        self.transpose(-2, -1)
    }

    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Tensor> {
        if shape == self.shape() {
            return Ok(self.clone());
        }
        crate::shape::checked_numel("broadcast_to", shape)?;
        let layout = self.layout().broadcast_to(shape)?;
        Ok(self.with_layout(layout, Op::Broadcast(self.clone())))
    }

    /// Elements `start..start+len` along `axis` (a slice with step 1).
    pub fn narrow(&self, axis: isize, start: usize, len: usize) -> Result<Tensor> {
        let ax = norm_axis("narrow", axis, self.rank())?;
        if start.checked_add(len).is_none_or(|end| end > self.shape()[ax]) {
            bail!("narrow", "start {} with length {} is out of bounds for axis {} of size {} (shape {:?})", start, len, ax, self.shape()[ax], self.shape());
        }
        Ok(self.with_layout(self.layout().narrow(ax, start, len), Op::Narrow(self.clone(), ax, start)))
    }

    pub fn concat(parts: &[Tensor], axis: isize) -> Result<Tensor> {
        let Some(first) = parts.first() else { bail!("concat", "needs at least one tensor") };
        let ax = norm_axis("concat", axis, first.rank())?;
        for p in parts {
            first.check_same_device("concat", p)?;
            let same = p.rank() == first.rank() && p.dtype() == first.dtype()
                && p.shape().iter().zip(first.shape()).enumerate().all(|(i, (a, b))| i == ax || a == b);
            if !same {
                let shapes: Vec<_> = parts.iter().map(|t| t.dims()).collect();
                bail!("concat", "shapes {:?} differ outside axis {}", shapes, ax);
            }
        }
        let mut shape = first.dims();
        shape[ax] = parts.iter().fold(0usize, |n, t| n.saturating_add(t.shape()[ax]));
        crate::shape::checked_numel("concat", &shape)?;
        let views: Vec<View> = parts.iter().map(|t| t.view()).collect();
        let s = first.device().backend().concat(&views, ax)?;
        Ok(Tensor::from_op(s, Layout::contiguous(&shape), first.device(), Op::Concat(parts.to_vec(), ax)))
    }

    // ---- gather / scatter ----------------------------------------------------------------
    /// Pick entries along `axis` by a 1-D i32 index tensor (embedding lookup when axis = 0).
    pub fn index_select(&self, axis: isize, indices: &Tensor) -> Result<Tensor> {
        self.check_same_device("index_select", indices)?;
        let ax = norm_axis("index_select", axis, self.rank())?;
        if indices.dtype() != DType::I32 || indices.rank() != 1 {
            bail!("index_select", "indices must be a 1-D i32 tensor, got {} of shape {:?}", indices.dtype().name(), indices.shape());
        }
        let dim = self.shape()[ax];
        // Validated here on the CPU; a GPU cannot read back synchronously in the browser, so its
        // kernels treat an out-of-range index as a zero row instead.
        let checkable = !self.device().backend().is_gpu();
        if let Some(bad) = checkable.then(|| indices.to_vec_i32()).transpose()?.unwrap_or_default().into_iter().find(|&i| i < 0 || i as usize >= dim) {
            bail!("index_select", "index {} is out of range for axis {} of size {} (shape {:?})", bad, ax, dim, self.shape());
        }
        let mut shape = self.dims();
        shape[ax] = indices.numel();
        crate::shape::checked_numel("index_select", &shape)?;
        let s = self.device().backend().index_select(self.view(), ax, indices.view())?;
        Ok(Tensor::from_op(s, Layout::contiguous(&shape), self.device(), Op::IndexSelect(self.clone(), ax, indices.clone())))
    }

    /// zeros with `dim_size` entries along `axis`, plus `self` added at `indices` (duplicates add).
    pub fn index_add(&self, axis: usize, indices: &Tensor, dim_size: usize) -> Result<Tensor> {
        let mut shape = self.dims();
        shape[axis] = dim_size;
        crate::shape::checked_numel("index_add", &shape)?;
        let s = self.device().backend().index_add(self.view(), axis, indices.view(), dim_size)?;
        Ok(Tensor::from_op(s, Layout::contiguous(&shape), self.device(), Op::IndexAdd(self.clone(), axis, indices.clone())))
    }

    // ---- sliding windows -----------------------------------------------------------------
    pub(crate) fn window(&self, op: &str, kernel: (usize, usize), stride: (usize, usize), padding: (usize, usize)) -> Result<Window2d> {
        if self.rank() != 4 {
            bail!(op, "expects an NCHW input of rank 4, got shape {:?}", self.shape());
        }
        let s = self.shape();
        let win = Window2d { n: s[0], c: s[1], h: s[2], w: s[3], kh: kernel.0, kw: kernel.1, stride, padding };
        if kernel.0 == 0 || kernel.1 == 0 || stride.0 == 0 || stride.1 == 0 {
            bail!(op, "kernel {:?} and stride {:?} must be positive", kernel, stride);
        }
        if s[2] + 2 * padding.0 < kernel.0 || s[3] + 2 * padding.1 < kernel.1 {
            bail!(op, "kernel {:?} is larger than the padded input {:?} (padding {:?})", kernel, &s[2..], padding);
        }
        Ok(win)
    }

    /// im2col: [N,C,H,W] → [N, C*kh*kw, oh*ow].
    pub fn unfold2d(&self, kernel: (usize, usize), stride: (usize, usize), padding: (usize, usize)) -> Result<Tensor> {
        self.check_f32("unfold2d")?;
        let win = self.window("unfold2d", kernel, stride, padding)?;
        crate::shape::checked_numel("unfold2d", &win.cols_shape())?;
        let s = self.device().backend().unfold2d(self.view(), &win)?;
        Ok(Tensor::from_op(s, Layout::contiguous(&win.cols_shape()), self.device(), Op::Unfold(self.clone(), win)))
    }

    /// col2im, the adjoint of `unfold2d` for the window `win`.
    pub fn fold2d(&self, win: &Window2d) -> Result<Tensor> {
        if self.shape() != win.cols_shape() {
            bail!("fold2d", "columns of shape {:?} do not match window {:?}", self.shape(), win.cols_shape());
        }
        let s = self.device().backend().fold2d(self.view(), win)?;
        Ok(Tensor::from_op(s, Layout::contiguous(&[win.n, win.c, win.h, win.w]), self.device(), Op::Fold(self.clone(), *win)))
    }
}
