//! Parity of reductions, arg max/min and batched matmul with the CPU reference backend.
#![cfg(not(target_arch = "wasm32"))] // native (lavapipe); tests/browser.rs covers the browser
mod common;
use common::{assert_pair, normal_data, random_shape, random_view, Pair};
use webgrad_core::{ArgReduceOp, Layout, ReduceOp, Rng, Tensor, View};

/// Sums are tree-reduced on long rows, so they differ from the CPU's in-order sum by rounding:
/// bounded by len·eps·Σ|x|; with unit normals Σ|x| ≈ 0.8·len, so atol scales with len.
fn sum_atol(len: usize) -> f32 {
    2e-7 * len as f32 * (len as f32).sqrt().max(1.0)
}

#[test]
fn reduce_over_random_axes_and_views() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(10);
    for case in 0..40 {
        let shape = random_shape(&mut rng, 5, 7);
        let (view, kind) = random_view(&mut rng, &shape, &gpu, |r, n| normal_data(r, n, 1.0));
        // A random subset of axes (possibly none, possibly all).
        let axes: Vec<isize> = (0..shape.len()).filter(|_| rng.below(2) == 0).map(|a| a as isize).collect();
        let len: usize = axes.iter().map(|&a| shape[a as usize]).product();
        for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min] {
            let atol = if op == ReduceOp::Sum { sum_atol(len) } else { 0.0 };
            let keepdim = rng.below(2) == 0;
            let out = view.map(|t| t.reduce(op, axes.clone(), keepdim));
            assert_pair(&format!("{op:?} #{case} {kind} {shape:?} axes {axes:?}"), &out, 1e-6, atol);
        }
    }
}

#[test]
fn long_rows_use_workgroup_reduction() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(11);
    for (shape, axes) in [(vec![3, 5000], vec![1isize]), (vec![100_003], vec![0]), (vec![40, 700], vec![1]), (vec![700, 3, 2], vec![0, 2])] {
        let n: usize = shape.iter().product();
        let p = Pair::new(&normal_data(&mut rng, n, 1.0), &shape, &gpu);
        let len: usize = axes.iter().map(|&a| shape[a as usize]).product();
        for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min] {
            let atol = if op == ReduceOp::Sum { sum_atol(len) } else { 0.0 };
            assert_pair(&format!("{op:?} {shape:?} axes {axes:?}"), &p.map(|t| t.reduce(op, axes.clone(), false)), 1e-6, atol);
        }
    }
    // Transposed input: the reduced axis has stride > 1.
    let p = Pair::new(&normal_data(&mut rng, 3000, 1.0), &[1000, 3], &gpu).map(|t| t.t());
    assert_pair("sum of transposed rows", &p.map(|t| t.sum(1, false)), 1e-6, sum_atol(1000));
}

#[test]
fn reduce_propagates_nan_and_handles_empty() {
    let Some(gpu) = gpu!() else { return };
    let data = [1.0, f32::NAN, 3.0, -1.0, 5.0, 2.0];
    let p = Pair::new(&data, &[2, 3], &gpu);
    for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min] {
        assert_pair(&format!("{op:?} with NaN"), &p.map(|t| t.reduce(op, 1, false)), 0.0, 0.0);
    }
    // Long enough to be split into chunks and reduced in two passes.
    let mut long = vec![0.5f32; 20000];
    long[12345] = f32::NAN;
    let p = Pair::new(&long, &[20000], &gpu);
    assert_pair("max of a long row with NaN", &p.map(|t| t.max(0, false)), 0.0, 0.0);
    assert_pair("min of a long row with NaN", &p.map(|t| t.min(0, false)), 0.0, 0.0);
    let empty = Pair::new(&[], &[3, 0], &gpu);
    assert_pair("sum over an empty axis", &empty.map(|t| t.sum(1, false)), 0.0, 0.0);
    assert_pair("sum keeping an empty axis", &empty.map(|t| t.sum(0, false)), 0.0, 0.0);
}

#[test]
fn arg_reduce_first_index_wins_ties() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(12);
    for case in 0..30 {
        let shape = random_shape(&mut rng, 4, 6);
        // Few distinct values: many ties.
        let (view, kind) = random_view(&mut rng, &shape, &gpu, |r, n| (0..n).map(|_| r.below(4) as f32).collect());
        let axis = rng.below(shape.len()) as isize;
        for op in [ArgReduceOp::ArgMax, ArgReduceOp::ArgMin] {
            let out = view.map(|t| t.arg_reduce(op, axis, false));
            assert_pair(&format!("{op:?} #{case} {kind} {shape:?} axis {axis}"), &out, 0.0, 0.0);
        }
    }
}

/// The GPU sums each output in the CPU's k order, but may fuse multiply-adds: differences are
/// rounding-level, bounded by K·eps·Σ|a·b|.
fn matmul_tolerance(k: usize) -> (f32, f32) {
    (1e-5, 2e-7 * k as f32)
}

#[test]
fn matmul_random_shapes_and_layouts() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(13);
    for case in 0..40 {
        let (b, m, k, n) = (1 + rng.below(3), 1 + rng.below(70), 1 + rng.below(70), 1 + rng.below(70));
        // Multiples of 4 half of the time: the vec4 kernel.
        let (k, n) = if case % 2 == 0 { (k.div_ceil(4) * 4, n.div_ceil(4) * 4) } else { (k, n) };
        let (a, ka) = random_view(&mut rng, &[b, m, k], &gpu, |r, len| normal_data(r, len, 1.0));
        let (bm, kb) = random_view(&mut rng, &[b, k, n], &gpu, |r, len| normal_data(r, len, 1.0));
        let (rtol, atol) = matmul_tolerance(k);
        let out = a.zip(&bm, |x, y| x.matmul(y));
        assert_pair(&format!("matmul #{case} [{b},{m},{k}]({ka}) x [{b},{k},{n}]({kb})"), &out, rtol, atol);
    }
}

#[test]
fn matmul_as_models_use_it() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(14);
    // x · Wᵀ (Linear forward), xᵀ · g (weight gradient), a broadcast right operand, 4-D batches.
    let x = Pair::new(&normal_data(&mut rng, 64 * 33, 1.0), &[64, 33], &gpu);
    let w = Pair::new(&normal_data(&mut rng, 17 * 33, 1.0), &[17, 33], &gpu);
    let g = Pair::new(&normal_data(&mut rng, 64 * 17, 1.0), &[64, 17], &gpu);
    assert_pair("x · Wᵀ", &x.zip(&w, |a, b| a.matmul(&b.t()?)), 1e-5, 2e-7 * 33.0);
    assert_pair("xᵀ · g", &x.zip(&g, |a, b| a.t()?.matmul(b)), 1e-5, 2e-7 * 64.0);
    let a4 = Pair::new(&normal_data(&mut rng, 2 * 3 * 8 * 12, 1.0), &[2, 3, 8, 12], &gpu);
    let b2 = Pair::new(&normal_data(&mut rng, 12 * 20, 1.0), &[12, 20], &gpu);
    assert_pair("[2,3,8,12] · [12,20]", &a4.zip(&b2, |a, b| a.matmul(b)), 1e-5, 2e-7 * 12.0);
    let b3 = Pair::new(&normal_data(&mut rng, 12 * 20, 1.0), &[1, 12, 20], &gpu);
    assert_pair("[2,3,8,12] · [1,12,20]", &a4.zip(&b3, |a, b| a.matmul(b)), 1e-5, 2e-7 * 12.0);
    // Large enough that strided operands are copied for the vec4 kernel; a column-broadcast B.
    let x = Pair::new(&normal_data(&mut rng, 128 * 64, 1.0), &[128, 64], &gpu);
    let w = Pair::new(&normal_data(&mut rng, 96 * 64, 1.0), &[96, 64], &gpu);
    assert_pair("[128,64] · [96,64]ᵀ (copied)", &x.zip(&w, |a, b| a.matmul(&b.t()?)), 1e-5, 2e-7 * 64.0);
    let col = Pair::new(&normal_data(&mut rng, 64, 1.0), &[64, 1], &gpu);
    assert_pair("[128,64] · [64,1]→[64,8] broadcast", &x.zip(&col, |a, c| a.matmul(&c.broadcast_to(&[64, 8])?)), 1e-5, 2e-7 * 64.0);
    // Larger than one tile in every direction, and K = 0.
    let a = Pair::new(&normal_data(&mut rng, 130 * 257, 1.0), &[130, 257], &gpu);
    let b = Pair::new(&normal_data(&mut rng, 257 * 96, 1.0), &[257, 96], &gpu);
    assert_pair("[130,257] · [257,96]", &a.zip(&b, |a, b| a.matmul(b)), 1e-5, 2e-7 * 257.0);
    // K = 0 gives zeros. Through the backend: core's `reshape` of an empty tensor panics today
    // (`Layout::is_contiguous` is false when a dimension is 0).
    let (a, b) = (Tensor::zeros(&[1, 3, 0], &gpu).unwrap(), Tensor::zeros(&[1, 0, 5], &gpu).unwrap());
    let (la, lb) = (Layout::contiguous(&[1, 3, 0]), Layout::contiguous(&[1, 0, 5]));
    let out = gpu.backend().matmul(View { storage: a.storage(), layout: &la }, View { storage: b.storage(), layout: &lb }).unwrap();
    let out = gpu.backend().read_f32(View { storage: &out, layout: &Layout::contiguous(&[15]) }).unwrap();
    assert_eq!(out, vec![0.0; 15]);
    let s = Tensor::from_vec(vec![1.0, 2.0], &[1, 2], &gpu).unwrap().matmul(&Tensor::from_vec(vec![3.0, 4.0], &[2, 1], &gpu).unwrap()).unwrap();
    assert_eq!(s.to_vec().unwrap(), vec![11.0]);
}
