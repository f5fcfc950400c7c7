//! Parity of the elementwise kernels (copy, cast, unary, binary, where, concat) with the CPU
//! reference backend, on random shapes and on contiguous, permuted, narrowed and broadcast views.
#![cfg(not(target_arch = "wasm32"))] // native (lavapipe); tests/browser.rs covers the browser
mod common;
use common::{assert_close_slices, assert_pair, normal_data, random_shape, random_view, Pair, SPECIALS};
use webgrad_core::{BinaryOp, DType, Rng, Tensor, UnaryOp};

const CASES: usize = 24;

#[test]
fn copy_of_strided_views_is_exact() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(1);
    for case in 0..CASES {
        let shape = random_shape(&mut rng, 6, 5);
        let (view, kind) = random_view(&mut rng, &shape, &gpu, |r, n| normal_data(r, n, 1.0));
        assert_pair(&format!("copy #{case} {kind} {shape:?}"), &view.map(|t| t.contiguous()), 0.0, 0.0);
    }
    // i32 data goes through the same (bit-moving) kernel.
    let data: Vec<i32> = (0..60).map(|i| i * 7 - 100).collect();
    let p = Pair::new_i32(&data, &[3, 4, 5], &gpu).map(|t| t.permute(&[2, 0, 1])?.contiguous());
    assert_pair("copy i32 permuted", &p, 0.0, 0.0);
}

#[test]
fn cast_matches_rust_as() {
    let Some(gpu) = gpu!() else { return };
    let mut values: Vec<f32> = SPECIALS.to_vec();
    values.extend([2.5, -2.5, 2.0e9, -2.0e9, 3.0e9, -3.0e9, 2147483520.0, -2147483648.0, 0.999, -0.999]);
    let n = values.len();
    let p = Pair::new(&values, &[n], &gpu);
    assert_pair("cast f32 -> i32", &p.map(|t| t.cast(DType::I32)), 0.0, 0.0);
    let ints: Vec<i32> = vec![0, 1, -1, i32::MAX, i32::MIN, 16777217, -16777217, 123456789];
    let p = Pair::new_i32(&ints, &[2, 4], &gpu).map(|t| t.t());
    assert_pair("cast i32 -> f32 (transposed)", &p.map(|t| t.cast(DType::F32)), 0.0, 0.0);
}

/// (rtol, atol) per op. Exact ops are exact; the others are bounded by f32 rounding of the
/// GPU's formulas (exp/log from the driver, our own sin/cos/tanh/erf) against Rust's libm.
fn unary_tolerance(op: UnaryOp) -> (f32, f32) {
    match op {
        UnaryOp::Neg | UnaryOp::Abs | UnaryOp::Relu | UnaryOp::Sign => (0.0, 0.0),
        UnaryOp::Exp | UnaryOp::Log | UnaryOp::Sqrt | UnaryOp::Recip => (2e-6, 0.0),
        UnaryOp::Sigmoid | UnaryOp::Tanh => (2e-6, 1e-7),
        // Absolute: near a zero of sin/cos the relative error of any f32 formula is unbounded.
        UnaryOp::Sin | UnaryOp::Cos => (0.0, 1e-6),
        UnaryOp::Erf => (0.0, 1e-6),
    }
}

#[test]
fn unary_ops_match_cpu() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(2);
    for op in UnaryOp::ALL {
        let (rtol, atol) = unary_tolerance(op);
        // Positive inputs where the op needs them; a wide range elsewhere.
        let gen = |r: &mut Rng, n: usize| -> Vec<f32> {
            (0..n)
                .map(|_| match op {
                    UnaryOp::Log | UnaryOp::Sqrt => (4.0 * r.normal()).exp(),
                    UnaryOp::Sin | UnaryOp::Cos => 30.0 * r.normal(),
                    UnaryOp::Exp => 20.0 * r.normal(),
                    _ => 4.0 * r.normal(),
                })
                .collect()
        };
        for case in 0..8 {
            let shape = random_shape(&mut rng, 4, 9);
            let (view, kind) = random_view(&mut rng, &shape, &gpu, gen);
            assert_pair(&format!("{op:?} #{case} {kind} {shape:?}"), &view.map(|t| t.unary(op)), rtol, atol);
        }
        let specials = Pair::new(&SPECIALS, &[SPECIALS.len()], &gpu);
        assert_pair(&format!("{op:?} special values"), &specials.map(|t| t.unary(op)), rtol, atol);
        // A dense sweep of [-6, 6] (erf and tanh switch formulas inside it).
        let sweep: Vec<f32> = (0..4801).map(|i| -6.0 + i as f32 * 0.0025).collect();
        let p = Pair::new(&sweep, &[sweep.len()], &gpu);
        assert_pair(&format!("{op:?} sweep"), &p.map(|t| t.unary(op)), rtol, atol);
    }
}

fn binary_tolerance(op: BinaryOp) -> (f32, f32) {
    match op {
        BinaryOp::Div => (1e-6, 0.0),
        // exp2(y·log2|x|): the rounding of y·log2|x| is amplified by |y·ln x|.
        BinaryOp::Pow => (2e-5, 0.0),
        _ => (0.0, 0.0),
    }
}

#[test]
fn binary_ops_match_cpu_with_broadcasting() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(3);
    for op in BinaryOp::ALL {
        let (rtol, atol) = binary_tolerance(op);
        for case in 0..10 {
            let shape = random_shape(&mut rng, 5, 6);
            // Small integers make ties likely (comparisons, max/min); pow gets integer exponents
            // half of the time so negative bases are exercised.
            let gen_a = |r: &mut Rng, n: usize| -> Vec<f32> { (0..n).map(|_| (3.0 * r.normal()).round() / 2.0).collect() };
            let gen_b = |r: &mut Rng, n: usize| -> Vec<f32> {
                (0..n).map(|_| if op == BinaryOp::Pow && r.below(2) == 0 { r.below(7) as f32 - 3.0 } else { (3.0 * r.normal()).round() / 2.0 }).collect()
            };
            let (a, ka) = random_view(&mut rng, &shape, &gpu, gen_a);
            let (b, kb) = random_view(&mut rng, &shape, &gpu, gen_b);
            assert_pair(&format!("{op:?} #{case} {ka}/{kb} {shape:?}"), &a.zip(&b, |x, y| x.binary(op, y)), rtol, atol);
        }
        // NumPy broadcasting between different shapes, through the core op.
        let a = Pair::new(&normal_data(&mut rng, 12, 2.0), &[3, 1, 4], &gpu);
        let b = Pair::new(&normal_data(&mut rng, 5, 2.0), &[5, 1], &gpu);
        assert_pair(&format!("{op:?} [3,1,4] with [5,1]"), &a.zip(&b, |x, y| x.binary(op, y)), rtol, atol);
        // Every pair of special values.
        let n = SPECIALS.len();
        let xs: Vec<f32> = (0..n * n).map(|i| SPECIALS[i / n]).collect();
        let ys: Vec<f32> = (0..n * n).map(|i| SPECIALS[i % n]).collect();
        let p = Pair::new(&xs, &[n * n], &gpu).zip(&Pair::new(&ys, &[n * n], &gpu), |x, y| x.binary(op, y));
        assert_pair(&format!("{op:?} special pairs"), &p, rtol, atol);
    }
}

#[test]
fn pow_of_negative_bases_and_scalar_exponents() {
    let Some(gpu) = gpu!() else { return };
    let bases: Vec<f32> = (-20..=20).map(|i| i as f32 * 0.37).collect();
    for e in [2.0, 3.0, -2.0, 0.5, 1.5, -0.5, 0.0, 1.0, -1.0, 7.0] {
        let p = Pair::new(&bases, &[bases.len()], &gpu).map(|t| t.pow_scalar(e));
        assert_pair(&format!("pow(x, {e})"), &p, 2e-5, 0.0);
    }
}

#[test]
fn where_selects_with_broadcasting() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(4);
    for case in 0..CASES {
        let shape = random_shape(&mut rng, 4, 6);
        let (c, kc) = random_view(&mut rng, &shape, &gpu, |r, n| (0..n).map(|_| r.below(3) as f32 - 1.0).collect());
        let (a, ka) = random_view(&mut rng, &shape, &gpu, |r, n| normal_data(r, n, 1.0));
        let (b, kb) = random_view(&mut rng, &shape, &gpu, |r, n| normal_data(r, n, 1.0));
        let out = Pair { cpu: Tensor::where_cond(&c.cpu, &a.cpu, &b.cpu).unwrap(), gpu: Tensor::where_cond(&c.gpu, &a.gpu, &b.gpu).unwrap() };
        assert_pair(&format!("where #{case} {kc}/{ka}/{kb} {shape:?}"), &out, 0.0, 0.0);
    }
}

#[test]
fn concat_of_views_along_each_axis() {
    let Some(gpu) = gpu!() else { return };
    let mut rng = Rng::new(5);
    for case in 0..CASES {
        let shape = random_shape(&mut rng, 4, 5);
        let axis = rng.below(shape.len());
        let parts: Vec<Pair> = (0..1 + rng.below(3))
            .map(|_| {
                let mut s = shape.clone();
                s[axis] = rng.below(4); // empty parts included
                random_view(&mut rng, &s, &gpu, |r, n| normal_data(r, n, 1.0)).0
            })
            .collect();
        let cpu: Vec<Tensor> = parts.iter().map(|p| p.cpu.clone()).collect();
        let gpu_parts: Vec<Tensor> = parts.iter().map(|p| p.gpu.clone()).collect();
        let out = Pair { cpu: Tensor::concat(&cpu, axis as isize).unwrap(), gpu: Tensor::concat(&gpu_parts, axis as isize).unwrap() };
        assert_pair(&format!("concat #{case} axis {axis} {shape:?}"), &out, 0.0, 0.0);
    }
    let a = Pair::new_i32(&[1, 2, 3, 4], &[2, 2], &gpu);
    let b = Pair::new_i32(&[5, 6], &[2, 1], &gpu);
    let out = Pair { cpu: Tensor::concat(&[a.cpu.clone(), b.cpu.clone()], 1).unwrap(), gpu: Tensor::concat(&[a.gpu.clone(), b.gpu.clone()], 1).unwrap() };
    assert_pair("concat i32", &out, 0.0, 0.0);
}

#[test]
fn large_tensors_use_a_two_dimensional_grid() {
    let Some(gpu) = gpu!() else { return };
    // 65535 workgroups of 256 hold 16.7M threads; go past that.
    let n = 256 * 65535 + 1000;
    let data: Vec<f32> = (0..n).map(|i| (i % 1000) as f32).collect();
    let t = Tensor::from_vec(data.clone(), &[n], &gpu).unwrap().add_scalar(1.0).unwrap();
    let got = t.to_vec().unwrap();
    let want: Vec<f32> = data.iter().map(|v| v + 1.0).collect();
    assert_close_slices("add_scalar over 16.8M elements", &got, &want, 0.0, 0.0);
}

#[test]
fn name_and_buffer_reuse() {
    let Some(gpu) = gpu!() else { return };
    assert!(gpu.name().starts_with("webgpu ("), "{}", gpu.name());
    assert!(gpu.backend().is_gpu());
    let backend = webgrad_webgpu::GpuBackend::new();
    let backend = pollster::block_on(backend).unwrap();
    let dev = backend.device();
    let x = Tensor::ones(&[1000], &dev).unwrap();
    for _ in 0..20 {
        let y = x.mul_scalar(2.0).unwrap().exp().unwrap();
        assert!((y.to_vec().unwrap()[0] - 2f32.exp()).abs() < 1e-6);
    }
    let stats = backend.stats();
    assert!(stats.buffers_reused > stats.buffers_allocated, "{stats:?}");
}

#[test]
fn async_readback_matches_sync() {
    let Some(gpu) = gpu!() else { return };
    let t = Tensor::from_vec((0..24).map(|v| v as f32 * 0.5).collect(), &[2, 3, 4], &gpu).unwrap();
    let view = t.permute(&[2, 0, 1]).unwrap().narrow(0, 1, 2).unwrap();
    let got = pollster::block_on(webgrad_webgpu::read_f32_async(&view)).unwrap();
    assert_eq!(got, view.to_vec().unwrap());
    let ints = Tensor::from_i32(vec![3, -1, 7, 9], &[2, 2], &gpu).unwrap().t().unwrap();
    assert_eq!(pollster::block_on(webgrad_webgpu::read_i32_async(&ints)).unwrap(), vec![3, 7, -1, 9]);
    assert_eq!(pollster::block_on(webgrad_webgpu::read_f32_async(&ints)).unwrap(), vec![3.0, 7.0, -1.0, 9.0]);
    // Other devices are read synchronously; empty tensors need no GPU work.
    let on_cpu = Tensor::from_vec(vec![1.0, 2.0], &[2], &common::cpu()).unwrap();
    assert_eq!(pollster::block_on(webgrad_webgpu::read_f32_async(&on_cpu)).unwrap(), vec![1.0, 2.0]);
    let empty = Tensor::from_vec(vec![], &[0, 3], &gpu).unwrap();
    assert!(pollster::block_on(webgrad_webgpu::read_f32_async(&empty)).unwrap().is_empty());
}
