//! Structural kernels: index_select / index_add (gather and its adjoint) and unfold2d / fold2d
//! (im2col and col2im). Both adjoints gather rather than scatter — each output sums its sources
//! in a fixed order — so no float atomics are needed and results are deterministic.
use crate::context::{grid_1d, Gpu};
use crate::elementwise::{contiguous, u32_of};
use crate::pipelines::{Spec, FOLD2D, INDEX_ADD, INDEX_SELECT, UNFOLD2D};
use crate::{as_gpu, storage_of, GpuStorage};
use std::rc::Rc;
use webgrad_core::{bail, numel, DType, Result, Storage, View, Window2d};

fn to_u32(op: &str, values: &[usize]) -> Result<Vec<u32>> {
    values.iter().map(|&v| u32_of(op, "size", v)).collect()
}

fn check_index(op: &str, idx: &View) -> Result<()> {
    if idx.storage.dtype() != DType::I32 || idx.layout.rank() != 1 {
        bail!(op, "indices must be a 1-D i32 tensor, got {} of shape {:?}", idx.storage.dtype().name(), idx.layout.shape);
    }
    Ok(())
}

/// `[outer, dim, inner]` around `axis`.
fn split(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    (numel(&shape[..axis]), shape[axis], numel(&shape[axis + 1..]))
}

/// Shared launch of the two index kernels: `src` is made contiguous, `idx` read through its
/// offset and stride.
#[allow(clippy::too_many_arguments)]
fn launch_index(gpu: &Rc<Gpu>, op: &str, src: &View, idx: &View, n_out: usize, outer: usize, dim: usize, inner: usize, dtype: DType) -> Result<Storage> {
    let kernel = if op == "index_select" { INDEX_SELECT } else { INDEX_ADD };
    check_index(op, idx)?;
    let out = GpuStorage::new(gpu, n_out, dtype)?;
    if n_out == 0 {
        return Ok(Rc::new(out));
    }
    let (data, offset) = contiguous(gpu, src)?;
    let count = idx.layout.shape[0];
    let p = to_u32(op, &[n_out, outer, dim, inner, count, offset, idx.layout.offset, idx.layout.strides[0]])?;
    let buffers = [as_gpu(op, &data)?.buffer(), storage_of(op, idx)?.buffer()];
    gpu.dispatch(kernel, &Spec::default(), &p, &buffers, out.buffer(), grid_1d(n_out as u32));
    Ok(Rc::new(out))
}

pub(crate) fn index_select(gpu: &Rc<Gpu>, x: &View, axis: usize, idx: &View) -> Result<Storage> {
    let (outer, dim, inner) = split(&x.layout.shape, axis);
    let count = idx.layout.shape.first().copied().unwrap_or(0);
    launch_index(gpu, "index_select", x, idx, outer * count * inner, outer, dim, inner, x.storage.dtype())
}

pub(crate) fn index_add(gpu: &Rc<Gpu>, src: &View, axis: usize, idx: &View, dim_size: usize) -> Result<Storage> {
    if src.storage.dtype() != DType::F32 {
        bail!("index_add", "expects f32 values, got i32 of shape {:?}", src.layout.shape);
    }
    let (outer, count, inner) = split(&src.layout.shape, axis);
    if idx.layout.shape.first() != Some(&count) {
        bail!("index_add", "{} indices for {} rows along axis {} of {:?}", idx.layout.numel(), count, axis, src.layout.shape);
    }
    launch_index(gpu, "index_add", src, idx, outer * dim_size * inner, outer, dim_size, inner, DType::F32)
}

/// `[n_out, N, C, H, W, kh, kw, sh, sw, ph, pw, oh, ow, src_offset, src_strides[4]]`
fn window_params(op: &str, n_out: usize, win: &Window2d, src: &View) -> Result<Vec<u32>> {
    let mut strides = src.layout.strides.clone();
    strides.resize(4, 0);
    to_u32(op, &[
        n_out, win.n, win.c, win.h, win.w, win.kh, win.kw, win.stride.0, win.stride.1, win.padding.0, win.padding.1,
        win.out_h(), win.out_w(), src.layout.offset, strides[0], strides[1], strides[2], strides[3],
    ])
}

pub(crate) fn unfold2d(gpu: &Rc<Gpu>, x: &View, win: &Window2d) -> Result<Storage> {
    if x.layout.shape != [win.n, win.c, win.h, win.w] || x.storage.dtype() != DType::F32 {
        bail!("unfold2d", "input {:?} ({}) does not match window {:?}", x.layout.shape, x.storage.dtype().name(), win);
    }
    let n_out = numel(&win.cols_shape());
    let out = GpuStorage::new(gpu, n_out, DType::F32)?;
    if n_out > 0 {
        let p = window_params("unfold2d", n_out, win, x)?;
        gpu.dispatch(UNFOLD2D, &Spec::default(), &p, &[storage_of("unfold2d", x)?.buffer()], out.buffer(), grid_1d(n_out as u32));
    }
    Ok(Rc::new(out))
}

pub(crate) fn fold2d(gpu: &Rc<Gpu>, cols: &View, win: &Window2d) -> Result<Storage> {
    if cols.layout.shape != win.cols_shape() || cols.storage.dtype() != DType::F32 {
        bail!("fold2d", "columns {:?} ({}) do not match window {:?}", cols.layout.shape, cols.storage.dtype().name(), win.cols_shape());
    }
    let n_out = win.n * win.c * win.h * win.w;
    let out = GpuStorage::new(gpu, n_out, DType::F32)?;
    if n_out > 0 {
        let p = window_params("fold2d", n_out, win, cols)?;
        gpu.dispatch(FOLD2D, &Spec::default(), &p, &[storage_of("fold2d", cols)?.buffer()], out.buffer(), grid_1d(n_out as u32));
    }
    Ok(Rc::new(out))
}
