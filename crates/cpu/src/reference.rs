//! Scalar reference kernels: the definition of every primitive on the CPU. The SIMD kernels are
//! property-tested against these. Inputs arrive contiguous (see `lib.rs`), outputs are contiguous.
use crate::math;
use webgrad_core::{ArgReduceOp, BinaryOp, ReduceOp, UnaryOp, Window2d};

pub fn unary_scalar(op: UnaryOp, x: f32) -> f32 {
    match op {
        UnaryOp::Neg => -x,
        UnaryOp::Exp => x.exp(),
        UnaryOp::Log => x.ln(),
        UnaryOp::Sqrt => x.sqrt(),
        UnaryOp::Abs => x.abs(),
        UnaryOp::Relu => relu(x),
        UnaryOp::Sigmoid => math::sigmoid(x),
        UnaryOp::Tanh => x.tanh(),
        UnaryOp::Sin => x.sin(),
        UnaryOp::Cos => x.cos(),
        UnaryOp::Erf => math::erf(x),
        UnaryOp::Recip => 1.0 / x,
        UnaryOp::Sign => math::sign(x),
    }
}

pub fn binary_scalar(op: BinaryOp, a: f32, b: f32) -> f32 {
    let flag = |c: bool| if c { 1.0 } else { 0.0 };
    match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        BinaryOp::Pow => a.powf(b),
        // NaN-propagating like torch.maximum / minimum.
        BinaryOp::Max => if a.is_nan() || b.is_nan() { f32::NAN } else { a.max(b) },
        BinaryOp::Min => if a.is_nan() || b.is_nan() { f32::NAN } else { a.min(b) },
        BinaryOp::Eq => flag(a == b),
        BinaryOp::Ne => flag(a != b),
        BinaryOp::Lt => flag(a < b),
        BinaryOp::Le => flag(a <= b),
        BinaryOp::Gt => flag(a > b),
        BinaryOp::Ge => flag(a >= b),
    }
}

pub fn unary(op: UnaryOp, x: &[f32], out: &mut [f32]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = unary_scalar(op, v);
    }
}

pub fn binary(op: BinaryOp, a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = binary_scalar(op, x, y);
    }
}

/// Reduce each consecutive run of `len` values (the reduced axes were moved last).
/// An empty run reduces to 0 (the sum; max/min of nothing are rejected before the backend).
pub fn reduce_rows(op: ReduceOp, x: &[f32], len: usize, out: &mut [f32]) {
    if len == 0 {
        return out.fill(0.0);
    }
    for (o, row) in out.iter_mut().zip(x.chunks(len)) {
        *o = match op {
            ReduceOp::Sum => row.iter().sum(),
            ReduceOp::Max => row.iter().fold(f32::NEG_INFINITY, |m, &v| if v > m || v.is_nan() { v } else { m }),
            ReduceOp::Min => row.iter().fold(f32::INFINITY, |m, &v| if v < m || v.is_nan() { v } else { m }),
        };
    }
}

/// max(v, 0), NaN staying NaN (torch.relu; `f32::max` would return 0).
pub fn relu(v: f32) -> f32 {
    if v.is_nan() { v } else { v.max(0.0) }
}

/// Index of the largest (smallest) value per row; a NaN counts as beyond every number and the
/// first NaN wins, as torch.argmax / argmin.
pub fn arg_reduce_rows(op: ArgReduceOp, x: &[f32], len: usize, out: &mut [i32]) {
    for (o, row) in out.iter_mut().zip(x.chunks(len)) {
        let mut best = 0;
        for (i, &v) in row.iter().enumerate() {
            let better = match op {
                ArgReduceOp::ArgMax => v > row[best],
                ArgReduceOp::ArgMin => v < row[best],
            } || (v.is_nan() && !row[best].is_nan());
            if better {
                best = i;
            }
        }
        *o = best as i32;
    }
}

/// c[M,N] = a[M,K] · b[K,N], all row-major. i-k-j order keeps the inner loop contiguous.
pub fn matmul(a: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    c.iter_mut().for_each(|v| *v = 0.0);
    for i in 0..m {
        let crow = &mut c[i * n..(i + 1) * n];
        for p in 0..k {
            let av = a[i * k + p];
            let brow = &b[p * n..(p + 1) * n];
            for (cv, &bv) in crow.iter_mut().zip(brow) {
                *cv += av * bv;
            }
        }
    }
}

pub fn unfold2d(x: &[f32], win: &Window2d, out: &mut [f32]) {
    let (oh, ow) = (win.out_h(), win.out_w());
    let l = oh * ow;
    let rows = win.c * win.kh * win.kw;
    for n in 0..win.n {
        for c in 0..win.c {
            let plane = &x[(n * win.c + c) * win.h * win.w..][..win.h * win.w];
            for ki in 0..win.kh {
                for kj in 0..win.kw {
                    let r = (c * win.kh + ki) * win.kw + kj;
                    let dst = &mut out[(n * rows + r) * l..][..l];
                    for oy in 0..oh {
                        let iy = (oy * win.stride.0 + ki) as isize - win.padding.0 as isize;
                        for ox in 0..ow {
                            let ix = (ox * win.stride.1 + kj) as isize - win.padding.1 as isize;
                            let inside = iy >= 0 && (iy as usize) < win.h && ix >= 0 && (ix as usize) < win.w;
                            dst[oy * ow + ox] = if inside { plane[iy as usize * win.w + ix as usize] } else { 0.0 };
                        }
                    }
                }
            }
        }
    }
}

pub fn fold2d(cols: &[f32], win: &Window2d, out: &mut [f32]) {
    out.iter_mut().for_each(|v| *v = 0.0);
    let (oh, ow) = (win.out_h(), win.out_w());
    let l = oh * ow;
    let rows = win.c * win.kh * win.kw;
    for n in 0..win.n {
        for c in 0..win.c {
            let plane = &mut out[(n * win.c + c) * win.h * win.w..][..win.h * win.w];
            for ki in 0..win.kh {
                for kj in 0..win.kw {
                    let r = (c * win.kh + ki) * win.kw + kj;
                    let src = &cols[(n * rows + r) * l..][..l];
                    for oy in 0..oh {
                        let iy = (oy * win.stride.0 + ki) as isize - win.padding.0 as isize;
                        if iy < 0 || iy as usize >= win.h {
                            continue;
                        }
                        for ox in 0..ow {
                            let ix = (ox * win.stride.1 + kj) as isize - win.padding.1 as isize;
                            if ix >= 0 && (ix as usize) < win.w {
                                plane[iy as usize * win.w + ix as usize] += src[oy * ow + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}
