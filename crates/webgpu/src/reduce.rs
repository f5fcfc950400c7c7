//! Reductions over any set of axes, and arg max / arg min along one axis.
//!
//! As on the CPU, the reduced axes are moved last (a permutation: only the Layout changes), so
//! each output is the reduction of one strided "row". Kept and reduced dimensions are merged
//! separately and passed as two sub-views (layout of the block: `shaders/reduce.wgsl`).
use crate::context::{grid_1d, grid_rows, Gpu};
use crate::elementwise::{collapse, u32_of, MAX_RANK};
use crate::pipelines::{Spec, ARG_REDUCE, REDUCE_THREAD_PER_ROW, REDUCE_WORKGROUP_PER_ROW};
use crate::{storage_of, GpuStorage};
use std::rc::Rc;
use webgrad_core::{BackendStorage, bail, numel, ArgReduceOp, DType, Layout, ReduceOp, Result, Storage, View};

/// Rows at least this long get a workgroup each (256 threads and a tree in shared memory);
/// shorter ones a thread each, which also sums in the CPU's order.
const WORKGROUP_ROW_LEN: usize = 512;
/// ...unless there are so many rows that one thread per row already fills the GPU.
const THREAD_ROWS_ENOUGH: usize = 16384;
/// Few rows this long are split into chunks of this many elements, one workgroup each, and the
/// partial results reduced in a second pass: one workgroup alone would leave a GPU idle.
const CHUNK_LEN: usize = 4096;
const MAX_CHUNKS: usize = 1024;

fn axes_last(layout: &Layout, axes: &[usize]) -> Layout {
    let mut perm: Vec<usize> = (0..layout.rank()).filter(|a| !axes.contains(a)).collect();
    perm.extend_from_slice(axes);
    layout.permute(&perm)
}

/// `[rows, len, outer_rank, inner_rank, offset, outer_shape[8], outer_strides[8], inner_shape[8],
/// inner_strides[8]]` for a layout whose last `inner` dimensions are reduced.
fn row_params(op: &str, layout: &Layout, inner: usize) -> Result<(Vec<u32>, usize, usize)> {
    let split = layout.rank() - inner;
    let mut p = vec![0u32; 5 + 4 * MAX_RANK + 2];
    let mut put = |at: usize, dims: &[usize], strides: &[usize]| -> Result<usize> {
        let (d, s) = collapse(dims, &[strides]);
        if d.len() > MAX_RANK {
            bail!(op, "shape {:?} needs more than {} dimensions after merging", layout.shape, MAX_RANK);
        }
        for (i, (&di, &si)) in d.iter().zip(&s[0]).enumerate() {
            p[at + i] = u32_of(op, "dimension", di)?;
            p[at + MAX_RANK + i] = u32_of(op, "stride", si)?;
        }
        Ok(d.len())
    };
    let outer_rank = put(5, &layout.shape[..split], &layout.strides[..split])?;
    let inner_rank = put(5 + 2 * MAX_RANK, &layout.shape[split..], &layout.strides[split..])?;
    let rows = numel(&layout.shape[..split]);
    let len = numel(&layout.shape[split..]);
    p[0] = u32_of(op, "output size", rows)?;
    p[1] = u32_of(op, "reduced length", len)?;
    p[2] = outer_rank as u32;
    p[3] = inner_rank as u32;
    p[4] = u32_of(op, "offset", layout.offset)?;
    p[5 + 4 * MAX_RANK] = 1; // one chunk per row unless `reduce` splits them
    p[6 + 4 * MAX_RANK] = p[1];
    Ok((p, rows, len))
}

pub(crate) fn reduce(gpu: &Rc<Gpu>, op: ReduceOp, x: &View, axes: &[usize]) -> Result<Storage> {
    let name = op.name();
    let src = storage_of(&name, x)?;
    if src.dtype() != DType::F32 {
        bail!(name, "expects f32 data, got i32 of shape {:?}", x.layout.shape);
    }
    let moved = axes_last(x.layout, axes);
    let (mut p, rows, len) = row_params(&name, &moved, axes.len())?;
    if rows == 0 {
        return Ok(Rc::new(GpuStorage::new(gpu, 0, DType::F32)?));
    }
    let spec = Spec::op(op.code());
    if len < WORKGROUP_ROW_LEN || rows >= THREAD_ROWS_ENOUGH {
        let out = GpuStorage::new(gpu, rows, DType::F32)?;
        gpu.dispatch(REDUCE_THREAD_PER_ROW, &spec, &p, &[src.buffer()], out.buffer(), grid_1d(rows as u32));
        return Ok(Rc::new(out));
    }
    let chunks = if rows < 64 { len.div_ceil(CHUNK_LEN).min(MAX_CHUNKS) } else { 1 };
    let chunk_len = len.div_ceil(chunks);
    p[5 + 4 * MAX_RANK] = chunks as u32;
    p[6 + 4 * MAX_RANK] = u32_of(&name, "chunk", chunk_len)?;
    let out = GpuStorage::new(gpu, rows * chunks, DType::F32)?;
    gpu.dispatch(REDUCE_WORKGROUP_PER_ROW, &spec, &p, &[src.buffer()], out.buffer(), grid_rows(u32_of(&name, "workgroups", rows * chunks)?));
    if chunks == 1 {
        return Ok(Rc::new(out));
    }
    // Second pass: reduce the [rows, chunks] partial results along the chunks.
    let partials: Storage = Rc::new(out);
    reduce(gpu, op, &View { storage: &partials, layout: &Layout::contiguous(&[rows, chunks]) }, &[1])
}

pub(crate) fn arg_reduce(gpu: &Rc<Gpu>, op: ArgReduceOp, x: &View, axis: usize) -> Result<Storage> {
    let name = op.name();
    let src = storage_of(&name, x)?;
    if src.dtype() != DType::F32 {
        bail!(name, "expects f32 data, got i32 of shape {:?}", x.layout.shape);
    }
    if x.layout.shape[axis] == 0 {
        bail!(name, "needs a non-empty axis, got shape {:?}", x.layout.shape);
    }
    let moved = axes_last(x.layout, &[axis]);
    let (p, rows, _) = row_params(&name, &moved, 1)?;
    let out = GpuStorage::new(gpu, rows, DType::I32)?;
    if rows > 0 {
        gpu.dispatch(ARG_REDUCE, &Spec::op(op.code()), &p, &[src.buffer()], out.buffer(), grid_1d(rows as u32));
    }
    Ok(Rc::new(out))
}
