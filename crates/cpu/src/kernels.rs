//! Kernel dispatch: the fast kernels for this target, falling back to `reference`.
//! SIMD128 kernels live behind `cfg(target_feature = "simd128")`.
use crate::reference;
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

pub fn matmul(a: &MatView, b: &MatView, out: &mut [f32], m: usize, k: usize, n: usize) {
    let pa = a.pack(m, k);
    let pb = b.pack(k, n);
    reference::matmul(&pa, &pb, out, m, k, n);
}

pub fn unary(op: UnaryOp, x: &[f32], out: &mut [f32]) {
    reference::unary(op, x, out)
}

pub fn binary(op: BinaryOp, a: &[f32], b: &[f32], out: &mut [f32]) {
    reference::binary(op, a, b, out)
}

pub fn binary_scalar_rhs(op: BinaryOp, a: &[f32], b: f32, out: &mut [f32]) {
    for (o, &x) in out.iter_mut().zip(a) {
        *o = reference::binary_scalar(op, x, b);
    }
}

pub fn reduce_rows(op: ReduceOp, x: &[f32], len: usize, out: &mut [f32]) {
    reference::reduce_rows(op, x, len, out)
}
