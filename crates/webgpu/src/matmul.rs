//! Batched matmul: [B, M, K] × [B, K, N] → [B, M, N] with the tiled kernel of
//! `shaders/matmul.wgsl` (32×32 output tile per 8×8 workgroup, 4×4 outputs per thread).
//!
//! The kernel reads any strided operand (a transposed weight in Linear, a transposed activation
//! in a weight gradient) directly through the scalar variant. For larger products a strided
//! operand is first made contiguous with the copy kernel instead, so that the vec4 variant runs:
//! the copy costs O(n²) against the product's O(n³).
use crate::context::{Gpu, MAX_GROUPS_PER_DIM};
use crate::elementwise::{copy, u32_of};
use crate::pipelines::{Spec, MATMUL_TILED_32X32};
use crate::{as_gpu, storage_of, GpuStorage};
use std::rc::Rc;
use webgrad_core::{bail, BackendStorage, DType, Layout, Result, Storage, View};

const TILE: usize = 32;

/// Products of at least this many multiply-adds copy a strided operand to use the vec4 kernel.
const COPY_FOR_VEC4_MACS: usize = 1 << 18;

/// A [B, R, C] operand as the kernel reads it. Strides of size-1 dimensions are never used:
/// they are set to 0 (batch, rows) or 1 (columns) so that alignment checks ignore them.
struct Operand {
    storage: Storage,
    offset: usize,
    /// batch, row, column strides
    strides: [usize; 3],
}

impl Operand {
    fn of(v: &View) -> Operand {
        let (s, st) = (&v.layout.shape, &v.layout.strides);
        let stride = |d: usize, unused: usize| if s[d] <= 1 { unused } else { st[d] };
        Operand { storage: v.storage.clone(), offset: v.layout.offset, strides: [stride(0, 0), stride(1, 0), stride(2, 1)] }
    }

    fn contiguous(gpu: &Rc<Gpu>, v: &View) -> Result<Operand> {
        let s = &v.layout.shape;
        Ok(Operand::of(&View { storage: &copy(gpu, v)?, layout: &Layout::contiguous(s) }))
    }

    /// Readable as vec4 rows (given K and N multiples of 4).
    fn vec4_ready(&self) -> bool {
        self.strides[2] == 1 && [self.offset, self.strides[0], self.strides[1]].iter().all(|v| v % 4 == 0)
    }
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
    let out = GpuStorage::new(gpu, batch * m * n, DType::F32)?;
    if batch * m * n == 0 {
        return Ok(Rc::new(out));
    }
    u32_of("matmul", "output size", batch * m * n)?;
    let (mut ra, mut rb) = (Operand::of(a), Operand::of(b));
    if k % 4 == 0 && n % 4 == 0 && m * k * n >= COPY_FOR_VEC4_MACS {
        if !ra.vec4_ready() {
            ra = Operand::contiguous(gpu, a)?;
        }
        if !rb.vec4_ready() {
            rb = Operand::contiguous(gpu, b)?;
        }
    }
    let vec4 = k % 4 == 0 && n % 4 == 0 && ra.vec4_ready() && rb.vec4_ready();
    let spec = Spec { constants: vec![], defines: if vec4 { vec!["VEC4"] } else { vec![] } };
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
        let (ta, tb) = (ra.strides, rb.strides);
        let p = [m, k, n, ra.offset, rb.offset, ta[0], tb[0], first, ta[1], ta[2], tb[1], tb[2]]
            .iter()
            .map(|&v| u32_of("matmul", "size", v))
            .collect::<Result<Vec<u32>>>()?;
        gpu.dispatch(MATMUL_TILED_32X32, &spec, &p, &buffers, out.buffer(), [groups_x, groups_y, count as u32]);
        first += count;
    }
    Ok(Rc::new(out))
}
