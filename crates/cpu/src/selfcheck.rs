//! Fast kernels checked against the scalar reference, on random and edge shapes (0, 1, odd sizes,
//! block boundaries, strided and transposed views, special values). Seeded with `webgrad_core::Rng`
//! and free of test-framework dependencies, so the same checks run natively (`cargo test`, where
//! proptest also drives the per-kernel functions) and in headless Chromium on wasm32.
use crate::kernels::{self, MatView};
use crate::{cpu, reference};
use webgrad_core::{BinaryOp, ReduceOp, Rng, Tensor, UnaryOp};

type Check = Result<(), String>;

/// Run every check: a fixed sweep of edge shapes, then `cases` random cases per kernel family.
pub fn check_kernels(cases: usize) -> Check {
    check_matmul_edges()?;
    let mut rng = Rng::new(0x6b65_726e);
    for case in 0..cases {
        let seed = rng.next_u32() as u64;
        let dim = |rng: &mut Rng, max: usize| if rng.below(4) == 0 { EDGE_DIMS[rng.below(EDGE_DIMS.len())] } else { rng.below(max + 1) };
        let (m, k, n) = (dim(&mut rng, 40), dim(&mut rng, 300), dim(&mut rng, 40));
        check_matmul(m, k, n, rng.below(2) == 1, rng.below(2) == 1, seed).map_err(|e| format!("case {case}: {e}"))?;
        let len = dim(&mut rng, 200);
        for op in UnaryOp::ALL {
            check_unary(op, len, seed).map_err(|e| format!("case {case}: {e}"))?;
        }
        for op in BinaryOp::ALL {
            check_binary(op, len, seed).map_err(|e| format!("case {case}: {e}"))?;
        }
        let (rows, cols) = (dim(&mut rng, 9), dim(&mut rng, 100));
        for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min] {
            check_reduce(op, rows, cols, seed).map_err(|e| format!("case {case}: {e}"))?;
        }
        check_tensor_views(1 + rng.below(20), 1 + rng.below(20), 1 + rng.below(20), seed)
            .map_err(|e| format!("case {case}: {e}"))?;
    }
    Ok(())
}

/// Sizes around the tile (4, 5, 6, 8, 16) and block (96, 256, 1024) boundaries of the kernels.
const EDGE_DIMS: [usize; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 31, 33];

/// Every small (m, n) pair of the edge sizes at a few depths, then shapes that cross blocks.
pub fn check_matmul_edges() -> Check {
    let mut seed = 1;
    for &m in &EDGE_DIMS {
        for &n in &EDGE_DIMS {
            for k in [0, 1, 3, 17] {
                seed += 1;
                check_matmul(m, k, n, seed % 2 == 0, seed % 3 == 0, seed)?;
            }
        }
    }
    for (m, k, n) in [(97, 257, 9), (13, 513, 17), (7, 260, 1030), (100, 300, 33), (1, 1000, 1), (129, 64, 20)] {
        seed += 1;
        check_matmul(m, k, n, false, false, seed)?;
        check_matmul(m, k, n, true, true, seed)?;
    }
    Ok(())
}

/// Values for tests: mostly normal, some exact small integers (ties, equal operands) and, if
/// `special`, the odd ones out (±0, ±inf, NaN, huge, tiny, subnormal).
fn values(rng: &mut Rng, len: usize, special: bool) -> Vec<f32> {
    const ODD: [f32; 10] = [0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, 1e30, -1e30, 1e-30, 1e-40, -88.5];
    (0..len)
        .map(|_| match rng.below(16) {
            0 if special => ODD[rng.below(ODD.len())],
            1 => rng.below(5) as f32 - 2.0,
            2 => rng.normal() * 30.0,
            _ => rng.normal(),
        })
        .collect()
}

/// `got` matches `want` within `atol + rtol·|want|`, NaN matching NaN and infinities exactly.
fn close(got: f32, want: f32, atol: f32, rtol: f32) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    if want.is_infinite() || got.is_infinite() {
        return got == want;
    }
    (got - want).abs() <= atol + rtol * want.abs()
}

fn compare(what: &str, got: &[f32], want: &[f32], tol: impl Fn(usize) -> (f32, f32)) -> Check {
    if got.len() != want.len() {
        return Err(format!("{what}: {} values, expected {}", got.len(), want.len()));
    }
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let (atol, rtol) = tol(i);
        if !close(g, w, atol, rtol) {
            return Err(format!("{what}: element {i} is {g:e}, reference {w:e} (atol {atol:e}, rtol {rtol:e})"));
        }
    }
    Ok(())
}

/// A random m×k matrix stored inside a larger buffer (offset, padded rows) or, if `transposed`,
/// as the transpose of a k×m buffer: exercises every stride the packers handle.
fn strided_matrix(rng: &mut Rng, rows: usize, cols: usize, transposed: bool) -> (Vec<f32>, usize, usize, usize) {
    let offset = rng.below(3);
    let pad = rng.below(3);
    let (outer, inner) = if transposed { (cols, rows) } else { (rows, cols) };
    let ld = inner + pad;
    let data = values(rng, offset + outer * ld, false);
    if transposed {
        (data, offset, 1, ld)
    } else {
        (data, offset, ld, 1)
    }
}

/// Every matmul kernel of this machine against `reference::matmul` on one shape. The bound
/// scales with Σ|a||b| per output, which covers FMA and any summation order.
pub fn check_matmul(m: usize, k: usize, n: usize, a_transposed: bool, b_transposed: bool, seed: u64) -> Check {
    let mut rng = Rng::new(seed);
    let (da, oa, ra, ca) = strided_matrix(&mut rng, m, k, a_transposed);
    let (db, ob, rb, cb) = strided_matrix(&mut rng, k, n, b_transposed);
    let a = MatView { data: &da, offset: oa, row_stride: ra, col_stride: ca };
    let b = MatView { data: &db, offset: ob, row_stride: rb, col_stride: cb };
    let (pa, pb) = (a.pack(m, k), b.pack(k, n));
    let mut want = vec![0.0; m * n];
    reference::matmul(&pa, &pb, &mut want, m, k, n);
    let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
    let mut bound = vec![0.0; m * n];
    reference::matmul(&abs(&pa), &abs(&pb), &mut bound, m, k, n);
    for (name, kernel) in kernels::matmul_kernels() {
        let mut got = vec![f32::NAN; m * n];
        kernel(&a, &b, &mut got, m, k, n);
        let what = format!("matmul [{m},{k}]×[{k},{n}] (transposed a {a_transposed}, b {b_transposed}) kernel {name}");
        compare(&what, &got, &want, |i| (2e-6 * bound[i] + 1e-30, 0.0))?;
    }
    Ok(())
}

/// (atol, rtol) of a unary kernel against the reference: exact where SIMD computes the same
/// IEEE operation, a few ulp where it evaluates its own polynomial.
fn unary_tolerance(op: UnaryOp) -> (f32, f32) {
    match op {
        UnaryOp::Exp | UnaryOp::Sigmoid | UnaryOp::Tanh => (1e-37, 5e-7),
        _ => (0.0, 0.0),
    }
}

pub fn check_unary(op: UnaryOp, len: usize, seed: u64) -> Check {
    let mut rng = Rng::new(seed);
    let x = values(&mut rng, len + 1, true);
    // Start one element in, so vector loads are not 16-byte aligned.
    let x = &x[1..];
    let mut want = vec![0.0; len];
    reference::unary(op, x, &mut want);
    let mut got = vec![f32::NAN; len];
    kernels::unary(op, x, &mut got);
    compare(&format!("unary {op:?}, len {len}"), &got, &want, |_| unary_tolerance(op))
}

pub fn check_binary(op: BinaryOp, len: usize, seed: u64) -> Check {
    let mut rng = Rng::new(seed);
    let a = values(&mut rng, len + 1, true);
    let b = values(&mut rng, len, true);
    let a = &a[1..];
    let mut want = vec![0.0; len];
    let mut got = vec![f32::NAN; len];
    let tol = |_| if op == BinaryOp::Pow { (0.0, 1e-6) } else { (0.0, 0.0) };
    reference::binary(op, a, &b, &mut want);
    kernels::binary(op, a, &b, &mut got);
    compare(&format!("binary {op:?}, len {len}"), &got, &want, tol)?;
    let s = values(&mut rng, 1, true)[0];
    let sv = vec![s; len];
    reference::binary(op, a, &sv, &mut want);
    kernels::binary_scalar_rhs(op, a, s, &mut got);
    compare(&format!("binary {op:?} with scalar rhs {s}, len {len}"), &got, &want, tol)?;
    reference::binary(op, &sv, a, &mut want);
    kernels::binary_scalar_lhs(op, s, a, &mut got);
    compare(&format!("binary {op:?} with scalar lhs {s}, len {len}"), &got, &want, tol)
}

/// `rows` runs of `len` values each. Sums may add in any order: the bound is relative to Σ|x|.
pub fn check_reduce(op: ReduceOp, rows: usize, len: usize, seed: u64) -> Check {
    let mut rng = Rng::new(seed);
    let x = values(&mut rng, rows * len + 1, seed % 4 == 0);
    let x = &x[1..];
    let mut want = vec![0.0; rows];
    let mut got = vec![f32::NAN; rows];
    reference::reduce_rows(op, x, len, &mut want);
    kernels::reduce_rows(op, x, len, &mut got);
    let scale: Vec<f32> = (0..rows).map(|i| x[i * len..][..len].iter().map(|v| v.abs()).sum()).collect();
    compare(&format!("reduce {op:?}, {rows} rows of {len}"), &got, &want, |i| (1e-6 * scale[i], 0.0))
}

/// Through the public Tensor API on the CPU device: transposed and broadcast operands reach the
/// backend as strided layouts. Each result is checked against the reference applied to the
/// operands materialised in row-major order.
pub fn check_tensor_views(r: usize, c: usize, k: usize, seed: u64) -> Check {
    tensor_views(r, c, k, seed).map_err(|e| format!("tensor views r={r} c={c} k={k}: {e}"))
}

fn tensor_views(r: usize, c: usize, k: usize, seed: u64) -> std::result::Result<(), String> {
    let dev = cpu();
    let mut rng = Rng::new(seed);
    let err = |e: webgrad_core::Error| e.to_string();
    let rand = |rng: &mut Rng, shape: &[usize]| Tensor::from_vec(values(rng, shape.iter().product(), false), shape, &dev).map_err(err);
    // Transposed operands of a matmul: (kᵀ)ᵀ · (cᵀ)ᵀ.
    let at = rand(&mut rng, &[k, r])?;
    let bt = rand(&mut rng, &[c, k])?;
    let (a, b) = (at.t().map_err(err)?, bt.t().map_err(err)?);
    let got = a.matmul(&b).map_err(err)?.to_vec().map_err(err)?;
    let (va, vb) = (a.to_vec().map_err(err)?, b.to_vec().map_err(err)?);
    let mut want = vec![0.0; r * c];
    reference::matmul(&va, &vb, &mut want, r, k, c);
    let mut bound = vec![0.0; r * c];
    let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
    reference::matmul(&abs(&va), &abs(&vb), &mut bound, r, k, c);
    compare("matmul of transposed views", &got, &want, |i| (2e-6 * bound[i] + 1e-30, 0.0))?;
    // A batch broadcast against one matrix (stride-0 batch) and a narrowed (offset) view.
    let a3 = rand(&mut rng, &[2, r + 1, k])?.narrow(1, 1, r).map_err(err)?;
    let b3 = rand(&mut rng, &[1, k, c])?;
    let got = a3.matmul(&b3).map_err(err)?.to_vec().map_err(err)?;
    let (va, vb) = (a3.to_vec().map_err(err)?, b3.to_vec().map_err(err)?);
    for bi in 0..2 {
        reference::matmul(&va[bi * r * k..][..r * k], &vb, &mut want, r, k, c);
        reference::matmul(&abs(&va[bi * r * k..][..r * k]), &abs(&vb), &mut bound, r, k, c);
        compare("batched matmul with broadcast rhs", &got[bi * r * c..][..r * c], &want, |i| (2e-6 * bound[i] + 1e-30, 0.0))?;
    }
    // Binary ops with every broadcast pattern: row (bias), column, scalar, outer, transposed.
    let x = rand(&mut rng, &[r, c])?;
    let xt = rand(&mut rng, &[c, r])?.t().map_err(err)?;
    let operands = [
        (x.clone(), rand(&mut rng, &[c])?),
        (x.clone(), rand(&mut rng, &[r, 1])?),
        (x.clone(), rand(&mut rng, &[1])?),
        (rand(&mut rng, &[1])?, x.clone()),
        (rand(&mut rng, &[c])?, x.clone()),
        (rand(&mut rng, &[r, 1])?, x.clone()),
        (rand(&mut rng, &[r, 1])?, rand(&mut rng, &[1, c])?),
        (xt.clone(), x.clone()),
        (x.clone(), xt.clone()),
        (rand(&mut rng, &[2, r, c])?, x.clone()),
        (rand(&mut rng, &[2, r, 1])?, rand(&mut rng, &[2, r, c])?),
        (rand(&mut rng, &[2, 1, c])?, rand(&mut rng, &[2, r, c])?),
    ];
    for (i, (p, q)) in operands.iter().enumerate() {
        for op in [BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::Max, BinaryOp::Lt] {
            let got = p.binary(op, q).map_err(err)?;
            let shape = got.dims();
            let vp = p.broadcast_to(&shape).map_err(err)?.to_vec().map_err(err)?;
            let vq = q.broadcast_to(&shape).map_err(err)?.to_vec().map_err(err)?;
            let mut want = vec![0.0; vp.len()];
            reference::binary(op, &vp, &vq, &mut want);
            compare(&format!("binary {op:?} pattern {i}: {:?} with {:?}", p.shape(), q.shape()), &got.to_vec().map_err(err)?, &want, |_| (0.0, 0.0))?;
        }
    }
    // Reductions over each axis and over both, of a contiguous and a transposed view.
    for t in [&x, &xt] {
        let v = t.to_vec().map_err(err)?;
        let tt = t.t().map_err(err)?.to_vec().map_err(err)?; // columns as rows
        for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min] {
            for (axes, rows, len, src) in [(vec![1isize], r, c, &v), (vec![0], c, r, &tt), (vec![0, 1], 1, r * c, &v)] {
                let got = t.reduce(op, axes.clone(), false).map_err(err)?.to_vec().map_err(err)?;
                let mut want = vec![0.0; rows];
                reference::reduce_rows(op, src, len, &mut want);
                let scale: Vec<f32> = src.chunks(len).map(|s| s.iter().map(|v| v.abs()).sum()).collect();
                compare(&format!("reduce {op:?} over axes {axes:?}"), &got, &want, |i| (1e-6 * scale[i], 0.0))?;
            }
        }
        // Leading axes of a 3-D view (a bias gradient over batch and time).
        let x3 = rand(&mut rng, &[2, c, r])?;
        let v3 = x3.to_vec().map_err(err)?;
        for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min] {
            let got = x3.reduce(op, vec![0isize, 1], false).map_err(err)?.to_vec().map_err(err)?;
            let cols: Vec<f32> = (0..r).flat_map(|j| (0..2 * c).map(move |i| (i, j))).map(|(i, j)| v3[i * r + j]).collect();
            let mut want = vec![0.0; r];
            reference::reduce_rows(op, &cols, 2 * c, &mut want);
            let scale: Vec<f32> = cols.chunks(2 * c).map(|s| s.iter().map(|v| v.abs()).sum()).collect();
            compare(&format!("reduce {op:?} over axes [0, 1] of [2, {c}, {r}]"), &got, &want, |i| (1e-6 * scale[i], 0.0))?;
        }
        for op in [UnaryOp::Exp, UnaryOp::Relu, UnaryOp::Tanh] {
            let got = t.unary(op).map_err(err)?.to_vec().map_err(err)?;
            let mut want = vec![0.0; v.len()];
            reference::unary(op, &v, &mut want);
            compare(&format!("unary {op:?} of a view"), &got, &want, |_| unary_tolerance(op))?;
        }
    }
    Ok(())
}
