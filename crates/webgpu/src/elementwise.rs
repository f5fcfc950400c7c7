//! Elementwise kernels over strided views: copy, cast, unary, binary, where, concat.
//!
//! All share one parameter block (see `shaders/common.wgsl`): the output shape, and per operand
//! its offset and strides. Before launch the shape is simplified: size-1 dimensions are dropped
//! and neighbouring dimensions that every operand walks as one run are merged, so most views end
//! up rank 1–3 and a contiguous operand skips index arithmetic altogether.
use crate::context::{grid_1d, Gpu};
use crate::pipelines::{Kernel, Spec, BINARY, CAST_F32_TO_I32, CAST_I32_TO_F32, COPY_STRIDED, UNARY, WHERE_SELECT};
use crate::{storage_of, GpuStorage};
use std::rc::Rc;
use webgrad_core::{bail, contiguous_strides, numel, BinaryOp, DType, Layout, Result, Storage, UnaryOp, View};

/// Most dimensions a view may have after merging (the parameter block has room for this many).
pub(crate) const MAX_RANK: usize = 8;
const SLOT_LEN: usize = 2 + MAX_RANK;

pub(crate) fn u32_of(op: &str, what: &str, v: usize) -> Result<u32> {
    match u32::try_from(v) {
        Ok(x) => Ok(x),
        Err(_) => bail!(op, "{} {} exceeds the 32-bit indexing of the WebGPU kernels", what, v),
    }
}

/// Drop size-1 dimensions and merge neighbours that every operand walks as one run:
/// dims (p, d) merge when `stride[p] == stride[d] * shape[d]` for all operands.
pub(crate) fn collapse(shape: &[usize], strides: &[&[usize]]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut out_shape: Vec<usize> = Vec::new();
    let mut out_strides: Vec<Vec<usize>> = vec![Vec::new(); strides.len()];
    for d in 0..shape.len() {
        if shape[d] == 1 {
            continue;
        }
        let mergeable = !out_shape.is_empty() && strides.iter().zip(&out_strides).all(|(s, o)| *o.last().unwrap() == s[d] * shape[d]);
        if mergeable {
            *out_shape.last_mut().unwrap() *= shape[d];
            for (s, o) in strides.iter().zip(out_strides.iter_mut()) {
                *o.last_mut().unwrap() = s[d];
            }
        } else {
            out_shape.push(shape[d]);
            for (s, o) in strides.iter().zip(out_strides.iter_mut()) {
                o.push(s[d]);
            }
        }
    }
    (out_shape, out_strides)
}

/// `[n, rank, shape[8], slot…]` with one slot `[contiguous, offset, strides[8]]` per operand.
pub(crate) fn params(op: &str, shape: &[usize], operands: &[&Layout]) -> Result<Vec<u32>> {
    let strides: Vec<&[usize]> = operands.iter().map(|l| l.strides.as_slice()).collect();
    let (dims, merged) = collapse(shape, &strides);
    if dims.len() > MAX_RANK {
        bail!(op, "views of shape {:?} need {} dimensions after merging; the WebGPU kernels handle {}", shape, dims.len(), MAX_RANK);
    }
    let mut p = vec![0u32; 2 + MAX_RANK + SLOT_LEN * operands.len()];
    p[0] = u32_of(op, "element count", numel(shape))?;
    p[1] = dims.len() as u32;
    for (i, &d) in dims.iter().enumerate() {
        p[2 + i] = u32_of(op, "dimension", d)?;
    }
    for (k, (layout, st)) in operands.iter().zip(&merged).enumerate() {
        let slot = 2 + MAX_RANK + k * SLOT_LEN;
        p[slot] = layout.is_contiguous() as u32;
        p[slot + 1] = u32_of(op, "offset", layout.offset)?;
        for (i, &s) in st.iter().enumerate() {
            p[slot + 2 + i] = u32_of(op, "stride", s)?;
        }
    }
    Ok(p)
}

fn expect_f32(op: &str, v: &View) -> Result<()> {
    if v.storage.dtype() != DType::F32 {
        bail!(op, "expects f32 data, got {} of shape {:?}", v.storage.dtype().name(), v.layout.shape);
    }
    Ok(())
}

/// Launch an elementwise kernel writing a fresh contiguous output of `inputs[0]`'s shape.
fn launch(gpu: &Rc<Gpu>, op: &str, kernel: Kernel, spec: &Spec, inputs: &[&View], dtype: DType) -> Result<Storage> {
    let shape = &inputs[0].layout.shape;
    let n = numel(shape);
    let out = GpuStorage::new(gpu, n, dtype)?;
    if n > 0 {
        let out_layout = Layout::contiguous(shape);
        let layouts: Vec<&Layout> = inputs.iter().map(|v| v.layout).chain([&out_layout]).collect();
        let p = params(op, shape, &layouts)?;
        let buffers = inputs.iter().map(|v| storage_of(op, v).map(GpuStorage::buffer)).collect::<Result<Vec<_>>>()?;
        gpu.dispatch(kernel, spec, &p, &buffers, out.buffer(), grid_1d(n as u32));
    }
    Ok(Rc::new(out))
}

pub(crate) fn copy(gpu: &Rc<Gpu>, x: &View) -> Result<Storage> {
    launch(gpu, "copy", COPY_STRIDED, &Spec::default(), &[x], x.storage.dtype())
}

/// A contiguous copy of `x` unless it already is one (then the same storage, and its offset).
pub(crate) fn contiguous(gpu: &Rc<Gpu>, x: &View) -> Result<(Storage, usize)> {
    if x.layout.is_contiguous() {
        Ok((x.storage.clone(), x.layout.offset))
    } else {
        Ok((copy(gpu, x)?, 0))
    }
}

pub(crate) fn cast(gpu: &Rc<Gpu>, x: &View, to: DType) -> Result<Storage> {
    match (x.storage.dtype(), to) {
        (DType::F32, DType::I32) => launch(gpu, "cast", CAST_F32_TO_I32, &Spec::default(), &[x], to),
        (DType::I32, DType::F32) => launch(gpu, "cast", CAST_I32_TO_F32, &Spec::default(), &[x], to),
        _ => copy(gpu, x),
    }
}

pub(crate) fn unary(gpu: &Rc<Gpu>, op: UnaryOp, x: &View) -> Result<Storage> {
    let name = op.name();
    expect_f32(&name, x)?;
    launch(gpu, &name, UNARY, &Spec::op(op.code()), &[x], DType::F32)
}

pub(crate) fn binary(gpu: &Rc<Gpu>, op: BinaryOp, a: &View, b: &View) -> Result<Storage> {
    let name = op.name();
    expect_f32(&name, a)?;
    expect_f32(&name, b)?;
    if a.layout.shape != b.layout.shape {
        bail!(name, "operands of shapes {:?} and {:?} must already be broadcast", a.layout.shape, b.layout.shape);
    }
    launch(gpu, &name, BINARY, &Spec::op(op.code()), &[a, b], DType::F32)
}

pub(crate) fn where_cond(gpu: &Rc<Gpu>, cond: &View, a: &View, b: &View) -> Result<Storage> {
    for v in [cond, a, b] {
        expect_f32("where", v)?;
        if v.layout.shape != a.layout.shape {
            bail!("where", "condition {:?} and values {:?}, {:?} must already be broadcast", cond.layout.shape, a.layout.shape, b.layout.shape);
        }
    }
    launch(gpu, "where", WHERE_SELECT, &Spec::default(), &[cond, a, b], DType::F32)
}

/// Each part is copied into its place: a view of the output with the output's strides.
pub(crate) fn concat(gpu: &Rc<Gpu>, parts: &[View], axis: usize) -> Result<Storage> {
    let dtype = parts[0].storage.dtype();
    let mut shape = parts[0].layout.shape.clone();
    shape[axis] = parts.iter().map(|p| p.layout.shape[axis]).sum();
    let out = GpuStorage::new(gpu, numel(&shape), dtype)?;
    let strides = contiguous_strides(&shape);
    let mut start = 0;
    for part in parts {
        if part.storage.dtype() != dtype {
            bail!("concat", "parts mix {} and {}", dtype.name(), part.storage.dtype().name());
        }
        let part_shape = &part.layout.shape;
        let n = numel(part_shape);
        if n > 0 {
            let dst = Layout { shape: part_shape.clone(), strides: strides.clone(), offset: start * strides[axis] };
            let p = params("concat", part_shape, &[part.layout, &dst])?;
            gpu.dispatch(COPY_STRIDED, &Spec::default(), &p, &[storage_of("concat", part)?.buffer()], out.buffer(), grid_1d(n as u32));
        }
        start += part_shape[axis];
    }
    Ok(Rc::new(out))
}

#[cfg(test)]
mod tests {
    use super::collapse;

    #[test]
    fn collapse_merges_runs_and_drops_ones() {
        // Contiguous [2,3,4] → one run of 24.
        let (s, st) = collapse(&[2, 3, 4], &[&[12, 4, 1]]);
        assert_eq!((s, st), (vec![24], vec![vec![1]]));
        // A transposed operand blocks the merge.
        let (s, st) = collapse(&[2, 3], &[&[3, 1], &[1, 2]]);
        assert_eq!((s, st), (vec![2, 3], vec![vec![3, 1], vec![1, 2]]));
        // Broadcast rows: [4,1,5] with stride-0 middle dim dropped, then merged.
        let (s, st) = collapse(&[4, 1, 5], &[&[5, 0, 1], &[5, 5, 1]]);
        assert_eq!((s, st), (vec![20], vec![vec![1], vec![1]]));
        // Scalar broadcast everywhere stays one dim of stride 0.
        let (s, st) = collapse(&[3, 4], &[&[0, 0], &[4, 1]]);
        assert_eq!((s, st), (vec![12], vec![vec![0], vec![1]]));
        let (s, _) = collapse(&[1, 1], &[&[1, 1]]);
        assert!(s.is_empty());
    }
}
