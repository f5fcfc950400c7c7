//! Training parity: the same tiny models, from the same seed, trained 100 steps with plain SGD on
//! the CPU and on WebGPU. Losses must agree within 1e-4 relative at every step — forward,
//! backward (autograd's rules run as GPU kernels) and the update all on the device.
//! The models are written by hand in tensor ops so that only core and the backends are tested.
//! Learning rates keep training stable: past the edge of stability any rounding difference
//! grows exponentially (at lr 0.5 the MLP's CPU/GPU gap went from 1e-7 to 3e-2 in 15 steps),
//! which would test the optimiser's chaos rather than the kernels.
#![cfg(not(target_arch = "wasm32"))] // native (lavapipe); tests/browser.rs covers the browser
mod common;
use common::cpu;
use std::time::Instant;
use webgrad_core::{no_grad, Device, Result, Rng, Tensor};

const STEPS: usize = 100;
const RTOL: f32 = 1e-4;

/// Parameters initialised once on the host, uploaded identically to each device.
struct Init {
    shapes: Vec<Vec<usize>>,
    values: Vec<Vec<f32>>,
}

impl Init {
    /// He-style normal init for weights (fan-in = all dims but the first), zeros for biases.
    fn new(seed: u64, shapes: &[&[usize]]) -> Init {
        let mut rng = Rng::new(seed);
        let values = shapes
            .iter()
            .map(|s| {
                let n: usize = s.iter().product();
                if s.len() == 1 {
                    vec![0.0; n]
                } else {
                    let fan_in: usize = s[1..].iter().product();
                    let std = (2.0 / fan_in as f32).sqrt();
                    (0..n).map(|_| std * rng.normal()).collect()
                }
            })
            .collect();
        Init { shapes: shapes.iter().map(|s| s.to_vec()).collect(), values }
    }

    fn on(&self, device: &Device) -> Vec<Tensor> {
        self.shapes
            .iter()
            .zip(&self.values)
            .map(|(s, v)| {
                let t = Tensor::from_slice(v, s, device).unwrap();
                t.set_requires_grad(true);
                t
            })
            .collect()
    }
}

/// Mean softmax cross-entropy of `logits` [N, C] against i32 `labels` [N].
fn cross_entropy(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    let classes = logits.shape()[1];
    let picked = logits.log_softmax(-1)?.mul(&labels.one_hot(classes)?)?.sum(1, false)?;
    picked.mean_all()?.neg()
}

/// x · Wᵀ + b
fn linear(x: &Tensor, w: &Tensor, b: &Tensor) -> Result<Tensor> {
    x.matmul(&w.t()?)?.add(b)
}

/// One SGD step: p ← p − lr·∂loss/∂p, as fresh leaves.
fn sgd(params: &[Tensor], lr: f32) -> Result<Vec<Tensor>> {
    no_grad(|| {
        params
            .iter()
            .map(|p| {
                let g = p.grad().expect("every parameter gets a gradient");
                let next = p.sub(&g.mul_scalar(lr)?)?;
                next.set_requires_grad(true);
                Ok(next)
            })
            .collect()
    })
}

/// Train `STEPS` steps; returns the loss before each update and the wall time.
fn train(device: &Device, init: &Init, x: &[f32], x_shape: &[usize], labels: &[i32], lr: f32,
         forward: impl Fn(&[Tensor], &Tensor) -> Result<Tensor>) -> (Vec<f32>, f64) {
    let x = Tensor::from_slice(x, x_shape, device).unwrap();
    let y = Tensor::from_i32(labels.to_vec(), &[labels.len()], device).unwrap();
    let mut params = init.on(device);
    let start = Instant::now();
    let mut losses = Vec::with_capacity(STEPS);
    for _ in 0..STEPS {
        let loss = cross_entropy(&forward(&params, &x).unwrap(), &y).unwrap();
        loss.backward().unwrap();
        losses.push(loss.item().unwrap());
        params = sgd(&params, lr).unwrap();
    }
    (losses, start.elapsed().as_secs_f64())
}

fn assert_losses_match(model: &str, cpu: &[f32], gpu: &[f32]) {
    let worst = cpu.iter().zip(gpu).map(|(c, g)| ((g - c) / c).abs()).fold(0f32, f32::max);
    eprintln!("{model}: largest relative loss difference over {STEPS} steps: {worst:e}");
    for (step, (&c, &g)) in cpu.iter().zip(gpu).enumerate() {
        assert!(c.is_finite() && (g - c).abs() <= RTOL * c.abs(), "{model}: step {step}: cpu loss {c} vs gpu {g}");
    }
    assert!(cpu[STEPS - 1] < 0.7 * cpu[0], "{model}: the model did not learn ({} → {})", cpu[0], cpu[STEPS - 1]);
}

/// Three interleaved spiral arms in 2-D, `per_class` points each.
fn spiral(rng: &mut Rng, per_class: usize) -> (Vec<f32>, Vec<i32>) {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for class in 0..3 {
        for i in 0..per_class {
            let r = i as f32 / per_class as f32;
            let angle = class as f32 * 2.1 + 4.0 * r + 0.2 * rng.normal();
            x.extend([r * angle.sin(), r * angle.cos()]);
            y.push(class);
        }
    }
    (x, y)
}

#[test]
fn mlp_training_matches_cpu() {
    let Some(gpu) = gpu!() else { return };
    let (x, y) = spiral(&mut Rng::new(7), 32);
    let init = Init::new(42, &[&[32, 2], &[32], &[32, 32], &[32], &[3, 32], &[3]]);
    // gelu (erf), tanh, matmuls with transposed weights, log_softmax, one_hot, reductions.
    let forward = |p: &[Tensor], x: &Tensor| -> Result<Tensor> {
        let h = linear(x, &p[0], &p[1])?.gelu()?;
        let h = linear(&h, &p[2], &p[3])?.tanh()?;
        linear(&h, &p[4], &p[5])
    };
    let (cpu_losses, cpu_s) = train(&cpu(), &init, &x, &[96, 2], &y, 0.2, forward);
    let (gpu_losses, gpu_s) = train(&gpu, &init, &x, &[96, 2], &y, 0.2, forward);
    eprintln!("MLP 2-32-32-3, 96 points, {STEPS} steps: cpu {:.1} ms/step, {} {:.1} ms/step; loss {} → {}",
        cpu_s * 1e3 / STEPS as f64, gpu.name(), gpu_s * 1e3 / STEPS as f64, cpu_losses[0], cpu_losses[STEPS - 1]);
    assert_losses_match("MLP", &cpu_losses, &gpu_losses);
}

#[test]
fn cnn_training_matches_cpu() {
    let Some(gpu) = gpu!() else { return };
    // 8×8 images whose class is the quadrant holding a bright blob (top-left, top-right, bottom).
    let mut rng = Rng::new(8);
    let n = 24;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for i in 0..n {
        let class = i % 3;
        let (cy, cx) = [(2.0, 2.0), (2.0, 5.5), (5.5, 3.5)][class];
        for r in 0..8 {
            for c in 0..8 {
                let d2 = (r as f32 - cy).powi(2) + (c as f32 - cx).powi(2);
                x.push((-d2 / 3.0).exp() + 0.3 * rng.normal());
            }
        }
        y.push(class as i32);
    }
    let init = Init::new(43, &[&[4, 1, 3, 3], &[4], &[6, 4, 3, 3], &[6], &[3, 24], &[3]]);
    // conv (unfold + matmul), relu, max pool (unfold + max), a second conv, flatten, linear.
    let forward = |p: &[Tensor], x: &Tensor| -> Result<Tensor> {
        let h = x.conv2d(&p[0], Some(&p[1]), (1, 1), (1, 1))?.relu()?; // [N,4,8,8]
        let h = h.max_pool2d((2, 2), (2, 2), (0, 0))?; // [N,4,4,4]
        let h = h.conv2d(&p[2], Some(&p[3]), (1, 1), (0, 0))?.relu()?; // [N,6,2,2]
        linear(&h.flatten_from(1)?, &p[4], &p[5])
    };
    let (cpu_losses, cpu_s) = train(&cpu(), &init, &x, &[n, 1, 8, 8], &y, 0.1, forward);
    let (gpu_losses, gpu_s) = train(&gpu, &init, &x, &[n, 1, 8, 8], &y, 0.1, forward);
    eprintln!("CNN conv4-pool-conv6-linear, 24 images 8×8, {STEPS} steps: cpu {:.1} ms/step, {} {:.1} ms/step; loss {} → {}",
        cpu_s * 1e3 / STEPS as f64, gpu.name(), gpu_s * 1e3 / STEPS as f64, cpu_losses[0], cpu_losses[STEPS - 1]);
    assert_losses_match("CNN", &cpu_losses, &gpu_losses);
}
