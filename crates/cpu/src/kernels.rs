//! Kernel dispatch: the fast kernels for this target, falling back to `reference`.
//! SIMD128 kernels live behind `cfg(target_feature = "simd128")`.
use crate::{gemm, reference};
use webgrad_core::{BinaryOp, ReduceOp, UnaryOp};

#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
pub const NAME: &str = "cpu (wasm simd128 + relaxed)";
#[cfg(all(target_arch = "wasm32", target_feature = "simd128", not(target_feature = "relaxed-simd")))]
pub const NAME: &str = "cpu (wasm simd128)";
#[cfg(all(target_arch = "wasm32", not(target_feature = "simd128")))]
pub const NAME: &str = "cpu (wasm scalar)";
#[cfg(not(target_arch = "wasm32"))]
pub const NAME: &str = "cpu (native)";

/// A strided matrix inside a flat buffer.
pub struct MatView<'a> {
    pub data: &'a [f32],
    pub offset: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl MatView<'_> {
    /// Copy rows×cols into a dense row-major buffer.
    pub fn pack(&self, rows: usize, cols: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(rows * cols);
        for r in 0..rows {
            let base = self.offset + r * self.row_stride;
            if self.col_stride == 1 {
                out.extend_from_slice(&self.data[base..base + cols]);
            } else {
                out.extend((0..cols).map(|c| self.data[base + c * self.col_stride]));
            }
        }
        out
    }
}

/// `out` (row-major m×n) = a · b with the fastest micro-kernel this machine runs.
pub fn matmul(a: &MatView, b: &MatView, out: &mut [f32], m: usize, k: usize, n: usize) {
    (matmul_kernels()[0].1)(a, b, out, m, k, n)
}

pub type MatmulFn = fn(&MatView, &MatView, &mut [f32], usize, usize, usize);

/// Every matmul micro-kernel this machine can run, fastest first (the first is the one
/// `matmul` uses); `selfcheck` tests each against the reference and the bench times each.
pub fn matmul_kernels() -> Vec<(&'static str, MatmulFn)> {
    let mut list: Vec<(&'static str, MatmulFn)> = Vec::new();
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use crate::simd128::{MatmulKernel, Simd128};
        list.push(("simd128 4x8", gemm::gemm::<MatmulKernel>));
        list.push(("simd128 12x4 (A panel stays)", gemm::gemm::<Simd128<12, 1>>));
    }
    #[cfg(target_arch = "x86_64")]
    if gemm::has_avx2_fma() {
        list.push(("avx2+fma 6x16", gemm::gemm::<gemm::Avx2Fma6x16>));
    }
    list.push(("portable 4x8", gemm::gemm::<gemm::Portable4x8>));
    list.push(("portable 8x4 (A panel stays)", gemm::gemm::<gemm::Portable8x4>));
    list
}

pub fn unary(op: UnaryOp, x: &[f32], out: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if crate::simd128::unary(op, x, out) {
        return;
    }
    match op {
        UnaryOp::Neg => map1(x, out, |v| -v),
        UnaryOp::Abs => map1(x, out, f32::abs),
        UnaryOp::Relu => map1(x, out, reference::relu),
        UnaryOp::Sqrt => map1(x, out, f32::sqrt),
        UnaryOp::Recip => map1(x, out, |v| 1.0 / v),
        _ => reference::unary(op, x, out),
    }
}

pub fn binary(op: BinaryOp, a: &[f32], b: &[f32], out: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if crate::simd128::binary(op, a, b, out) {
        return;
    }
    match op {
        BinaryOp::Add => map2(a, b, out, |x, y| x + y),
        BinaryOp::Sub => map2(a, b, out, |x, y| x - y),
        BinaryOp::Mul => map2(a, b, out, |x, y| x * y),
        BinaryOp::Div => map2(a, b, out, |x, y| x / y),
        _ => reference::binary(op, a, b, out),
    }
}

/// `out[i] = op(a[i], b)`: a tensor with a scalar (`x * lr`, `x + 1`).
pub fn binary_scalar_rhs(op: BinaryOp, a: &[f32], b: f32, out: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if crate::simd128::binary_scalar_rhs(op, a, b, out) {
        return;
    }
    match op {
        BinaryOp::Add => map1(a, out, |x| x + b),
        BinaryOp::Sub => map1(a, out, |x| x - b),
        BinaryOp::Mul => map1(a, out, |x| x * b),
        BinaryOp::Div => map1(a, out, |x| x / b),
        _ => map1(a, out, |x| reference::binary_scalar(op, x, b)),
    }
}

/// `out[i] = op(a, b[i])`: a scalar with a tensor (`1 - x`, `2 / x`).
pub fn binary_scalar_lhs(op: BinaryOp, a: f32, b: &[f32], out: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if crate::simd128::binary_scalar_lhs(op, a, b, out) {
        return;
    }
    match op {
        BinaryOp::Add => map1(b, out, |y| a + y),
        BinaryOp::Sub => map1(b, out, |y| a - y),
        BinaryOp::Mul => map1(b, out, |y| a * y),
        BinaryOp::Div => map1(b, out, |y| a / y),
        _ => map1(b, out, |y| reference::binary_scalar(op, a, y)),
    }
}

/// Reduce each consecutive run of `len` values into one output.
pub fn reduce_rows(op: ReduceOp, x: &[f32], len: usize, out: &mut [f32]) {
    if len < 16 {
        return reference::reduce_rows(op, x, len, out);
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        crate::simd128::reduce_rows(op, x, len, out)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    for (o, row) in out.iter_mut().zip(x.chunks_exact(len)) {
        *o = match op {
            ReduceOp::Sum => sum_lanes(row),
            ReduceOp::Max => fold_lanes(row, f32::NEG_INFINITY, |m, v| if v > m || v.is_nan() { v } else { m }),
            ReduceOp::Min => fold_lanes(row, f32::INFINITY, |m, v| if v < m || v.is_nan() { v } else { m }),
        };
    }
}

// ---- portable loops: simple enough for LLVM to vectorise on any target --------------------------

#[inline(always)]
fn map1(x: &[f32], out: &mut [f32], f: impl Fn(f32) -> f32) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
}

#[inline(always)]
fn map2(a: &[f32], b: &[f32], out: &mut [f32], f: impl Fn(f32, f32) -> f32) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = f(x, y);
    }
}

/// Eight interleaved partial sums (vectorisable, and more accurate than one running sum).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn sum_lanes(row: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let chunks = row.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().sum();
    for c in chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a += v;
        }
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// Eight interleaved running folds, combined with the same `f`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn fold_lanes(row: &[f32], init: f32, f: impl Fn(f32, f32) -> f32) -> f32 {
    let mut acc = [init; 8];
    let chunks = row.chunks_exact(8);
    let tail = chunks.remainder().iter().fold(init, |m, &v| f(m, v));
    for c in chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a = f(*a, v);
        }
    }
    acc.iter().fold(tail, |m, &v| f(m, v))
}
