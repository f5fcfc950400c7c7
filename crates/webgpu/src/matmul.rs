//! Batched matmul: [B, M, K] × [B, K, N] → [B, M, N] with the tiled kernel of
//! `shaders/matmul.wgsl` (32×32 output tile per 8×8 workgroup, 4×4 outputs per thread).
//!
//! The kernel reads row-major matrices at an offset with any batch stride (0 for a broadcast
//! batch). Other layouts — a transposed weight in a backward pass — are first made contiguous
//! with the copy kernel.
use crate::context::{Gpu, MAX_GROUPS_PER_DIM};
use crate::elementwise::{copy, u32_of};
use crate::pipelines::{Spec, MATMUL_TILED_32X32};
use crate::{as_gpu, storage_of, GpuStorage};
use std::rc::Rc;
use webgrad_core::{BackendStorage, bail, DType, Result, Storage, View};

const TILE: usize = 32;

/// A [B, R, C] operand as the kernel reads it: storage, element offset, batch stride.
struct RowMajor {
    storage: Storage,
    offset: usize,
    batch_stride: usize,
}

fn row_major(gpu: &Rc<Gpu>, v: &View) -> Result<RowMajor> {
    let (s, st) = (&v.layout.shape, &v.layout.strides);
    let rows_ok = s[1] <= 1 || st[1] == s[2];
    let cols_ok = s[2] <= 1 || st[2] == 1;
    if rows_ok && cols_ok {
        let batch_stride = if s[0] <= 1 { 0 } else { st[0] };
        return Ok(RowMajor { storage: v.storage.clone(), offset: v.layout.offset, batch_stride });
    }
    Ok(RowMajor { storage: copy(gpu, v)?, offset: 0, batch_stride: s[1] * s[2] })
}

pub(crate) fn matmul(gpu: &Rc<Gpu>, a: &View, b: &View) -> Result<Storage> {
    let (sa, sb) = (&a.layout.shape, &b.layout.shape);
    if sa.len() != 3 || sb.len() != 3 || sa[0] != sb[0] || sa[2] != sb[1] {
        bail!("matmul", "{:?} × {:?}: expected [B, M, K] × [B, K, N]", sa, sb);
    }
    for v in [a, b] {
        if storage_of("matmul", v)?.dtype() != DType::F32 {
            bail!("matmul", "expects f32 operands, got {:?} × {:?} with an i32 operand", sa, sb);
        }
    }
    let (batch, m, k, n) = (sa[0], sa[1], sa[2], sb[2]);
    let out = GpuStorage::new(gpu, batch * m * n, DType::F32);
    if batch * m * n == 0 {
        return Ok(Rc::new(out));
    }
    u32_of("matmul", "output size", batch * m * n)?;
    let (ra, rb) = (row_major(gpu, a)?, row_major(gpu, b)?);
    let aligned = [k, n, ra.offset, rb.offset, ra.batch_stride, rb.batch_stride].iter().all(|v| v % 4 == 0);
    let spec = Spec { constants: vec![], defines: if aligned { vec!["VEC4"] } else { vec![] } };
    let buffers = [as_gpu("matmul", &ra.storage)?.buffer(), as_gpu("matmul", &rb.storage)?.buffer()];
    let groups_x = u32_of("matmul", "N", n.div_ceil(TILE))?;
    let groups_y = u32_of("matmul", "M", m.div_ceil(TILE))?;
    if groups_x > MAX_GROUPS_PER_DIM || groups_y > MAX_GROUPS_PER_DIM {
        bail!("matmul", "{:?} × {:?}: M or N exceeds {} rows of 32-wide tiles", sa, sb, MAX_GROUPS_PER_DIM);
    }
    // The grid's z dimension walks the batch, 65535 matrices per launch.
    let mut first = 0;
    while first < batch {
        let count = (batch - first).min(MAX_GROUPS_PER_DIM as usize);
        let p = [m, k, n, ra.offset, rb.offset, ra.batch_stride, rb.batch_stride, first]
            .iter()
            .map(|&v| u32_of("matmul", "size", v))
            .collect::<Result<Vec<u32>>>()?;
        gpu.dispatch(MATMUL_TILED_32X32, &spec, &p, &buffers, out.buffer(), [groups_x, groups_y, count as u32]);
        first += count;
    }
    Ok(Rc::new(out))
}
