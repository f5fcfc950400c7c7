//! The WebGPU backend in a real browser (headless Chromium; WebGPU through SwiftShader when the
//! machine has no GPU): device setup from `navigator.gpu`, kernels against the CPU backend
//! (compiled to wasm alongside), async readback, and the sync read's error.
//!
//!     CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/tests/webdriver.json \
//!       cargo test -p webgrad-webgpu --target wasm32-unknown-unknown --release --test browser
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use webgrad_core::{no_grad, BinaryOp, Device, Rng, Tensor, UnaryOp};
use webgrad_webgpu::{read_f32_async, read_i32_async, webgpu_device};

wasm_bindgen_test_configure!(run_in_browser);

async fn gpu() -> Option<Device> {
    match webgpu_device().await {
        Ok(d) => {
            console_log!("device: {}", d.name());
            Some(d)
        }
        Err(e) => {
            console_log!("SKIPPED: no WebGPU adapter in this browser ({e})");
            None
        }
    }
}

fn close(what: &str, got: &[f32], want: &[f32], rtol: f32, atol: f32) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= atol + rtol * w.abs(), "{what}: element {i}: gpu {g} vs cpu {w}");
    }
}

/// Like `close`, but NaN equals NaN and infinities must match exactly.
fn close_special(what: &str, got: &[f32], want: &[f32], rtol: f32, atol: f32) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let ok = if g.is_nan() || w.is_nan() {
            g.is_nan() && w.is_nan()
        } else if g.is_infinite() || w.is_infinite() {
            g == w
        } else {
            (g - w).abs() <= atol + rtol * w.abs() || (g.abs() < f32::MIN_POSITIVE && w.abs() < f32::MIN_POSITIVE)
        };
        assert!(ok, "{what}: element {i}: gpu {g} vs cpu {w}");
    }
}

const SPECIALS: [f32; 12] = [0.0, -0.0, 1e-8, 0.3, -0.5, 1.0, -3.0, 10.0, 88.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY];

/// Every unary and binary op on random and special values, under the browser's shader compiler
/// (which may treat NaN and infinities differently from naga + Vulkan).
#[wasm_bindgen_test]
async fn elementwise_ops_match_cpu_in_the_browser() {
    let Some(gpu) = gpu().await else { return };
    let cpu = webgrad_cpu::cpu();
    let mut rng = Rng::new(3);
    let mut xs: Vec<f32> = (0..500).map(|_| 4.0 * rng.normal()).collect();
    xs.extend(SPECIALS);
    for op in UnaryOp::ALL {
        let want = Tensor::from_slice(&xs, &[xs.len()], &cpu).unwrap().unary(op).unwrap().to_vec().unwrap();
        let got = read_f32_async(&Tensor::from_slice(&xs, &[xs.len()], &gpu).unwrap().unary(op).unwrap()).await.unwrap();
        close_special(&format!("{op:?}"), &got, &want, 2e-6, 1e-6);
    }
    let n = SPECIALS.len();
    let a: Vec<f32> = (0..n * n).map(|i| SPECIALS[i / n]).chain((0..300).map(|_| (3.0 * rng.normal()).round() / 2.0)).collect();
    let b: Vec<f32> = (0..n * n).map(|i| SPECIALS[i % n]).chain((0..300).map(|_| (3.0 * rng.normal()).round() / 2.0)).collect();
    for op in BinaryOp::ALL {
        let on = |d: &Device| Tensor::from_slice(&a, &[a.len()], d).unwrap().binary(op, &Tensor::from_slice(&b, &[b.len()], d).unwrap()).unwrap();
        close_special(&format!("{op:?}"), &read_f32_async(&on(&gpu)).await.unwrap(), &on(&cpu).to_vec().unwrap(), 2e-5, 0.0);
    }
}

fn random(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.normal()).collect()
}

#[wasm_bindgen_test]
async fn kernels_match_cpu_in_the_browser() {
    let Some(gpu) = gpu().await else { return };
    let cpu = webgrad_cpu::cpu();
    let up = Tensor::from_vec(vec![1.5, -2.0, 3.25], &[3], &gpu).unwrap();
    assert_eq!(read_f32_async(&up).await.unwrap(), vec![1.5, -2.0, 3.25], "upload + readback");
    assert_eq!(read_f32_async(&up.neg().unwrap()).await.unwrap(), vec![-1.5, 2.0, -3.25], "one kernel");
    let mut rng = Rng::new(1);
    let (a, b) = (random(&mut rng, 37 * 45), random(&mut rng, 45 * 29));
    let on = |d: &Device| {
        let x = Tensor::from_slice(&a, &[37, 45], d).unwrap();
        let y = Tensor::from_slice(&b, &[29, 45], d).unwrap();
        // Transposed operand, erf, a reduction over a strided axis, a broadcast add.
        let z = x.matmul(&y.t().unwrap()).unwrap().erf().unwrap();
        z.sum(0, true).unwrap().add(&z).unwrap().tanh().unwrap()
    };
    let want = on(&cpu).to_vec().unwrap();
    let got = read_f32_async(&on(&gpu)).await.unwrap();
    close("matmul/erf/sum/tanh", &got, &want, 1e-5, 1e-6);

    let img = random(&mut rng, 2 * 3 * 7 * 7);
    let w = random(&mut rng, 4 * 3 * 3 * 3);
    let conv = |d: &Device| {
        let x = Tensor::from_slice(&img, &[2, 3, 7, 7], d).unwrap();
        let k = Tensor::from_slice(&w, &[4, 3, 3, 3], d).unwrap();
        x.conv2d(&k, None, (2, 2), (1, 1)).unwrap().max_pool2d((2, 2), (1, 1), (0, 0)).unwrap()
    };
    close("conv2d + max_pool2d", &read_f32_async(&conv(&gpu)).await.unwrap(), &conv(&cpu).to_vec().unwrap(), 1e-5, 1e-6);

    let t = Tensor::from_vec(vec![0.5, 3.0, -1.0, 3.0, 2.0, 9.0], &[2, 3], &gpu).unwrap();
    assert_eq!(read_i32_async(&t.argmax(1, false).unwrap()).await.unwrap(), vec![1, 2]);
}

#[wasm_bindgen_test]
async fn sync_read_explains_itself() {
    let Some(gpu) = gpu().await else { return };
    let err = Tensor::ones(&[2], &gpu).unwrap().to_vec().unwrap_err().to_string();
    assert!(err.contains("read_f32_async"), "{err}");
}

#[wasm_bindgen_test]
async fn short_training_matches_cpu_in_the_browser() {
    let Some(gpu) = gpu().await else { return };
    let cpu = webgrad_cpu::cpu();
    let mut rng = Rng::new(2);
    let (x, w1, w2) = (random(&mut rng, 32 * 4), random(&mut rng, 16 * 4), random(&mut rng, 16));
    let target: Vec<f32> = x.chunks(4).map(|r| r[0] - 0.5 * r[1] + r[2] * r[3]).collect();
    let mut losses = [Vec::new(), Vec::new()];
    for (k, device) in [&cpu, &gpu].into_iter().enumerate() {
        let xs = Tensor::from_slice(&x, &[32, 4], device).unwrap();
        let ys = Tensor::from_slice(&target, &[32, 1], device).unwrap();
        let mut p = vec![Tensor::from_slice(&w1, &[4, 16], device).unwrap(), Tensor::from_slice(&w2, &[16, 1], device).unwrap()];
        for _ in 0..20 {
            for t in &p {
                t.set_requires_grad(true);
            }
            let pred = xs.matmul(&p[0]).unwrap().gelu().unwrap().matmul(&p[1]).unwrap();
            let loss = pred.sub(&ys).unwrap().square().unwrap().mean_all().unwrap();
            loss.backward().unwrap();
            losses[k].push(read_f32_async(&loss).await.unwrap()[0]);
            p = no_grad(|| p.iter().map(|t| t.sub(&t.grad().unwrap().mul_scalar(0.05).unwrap()).unwrap()).collect());
        }
    }
    close("losses", &losses[1], &losses[0], 1e-4, 0.0);
    console_log!("20 SGD steps: loss {} → {} on both devices", losses[0][0], losses[0][19]);
}
