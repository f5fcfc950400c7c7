//! WebGPU backend benchmark: matmul GFLOP/s at 256–2048 and per-op launch overhead, next to the
//! CPU backend for scale.
//!
//!     cargo run --release -p webgrad-webgpu --example gpu_bench [-- --max 1024]
//!
//! Every timed region ends with a readback, so it measures finished GPU work, not queued work.
//! Each size is validated against the CPU backend before it is timed.
use std::time::Instant;
use webgrad_core::{Device, Rng, Tensor};

/// Run `f` until at least `min_s` seconds have passed (and at least once); seconds per run.
fn time_per_run(min_s: f64, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut runs = 0;
    while runs == 0 || start.elapsed().as_secs_f64() < min_s {
        f();
        runs += 1;
    }
    start.elapsed().as_secs_f64() / runs as f64
}

fn random(rng: &mut Rng, shape: &[usize], device: &Device) -> Tensor {
    let n = shape.iter().product();
    Tensor::from_vec((0..n).map(|_| rng.normal()).collect(), shape, device).unwrap()
}

/// Force completion: read back one element.
fn sync(t: &Tensor) {
    t.reshape(&[t.numel()]).unwrap().narrow(0, 0, 1).unwrap().to_vec().unwrap();
}

/// First rows of `a·b` on the GPU equal the CPU's (relative to the row's scale).
fn validate(a: &[f32], b: &[f32], gpu_c: &[f32], n: usize, cpu: &Device) {
    let rows = 4.min(n);
    let a = Tensor::from_slice(&a[..rows * n], &[rows, n], cpu).unwrap();
    let b = Tensor::from_slice(b, &[n, n], cpu).unwrap();
    let want = a.matmul(&b).unwrap().to_vec().unwrap();
    let scale = want.iter().fold(0f32, |m, v| m.max(v.abs())).max(1.0);
    for (i, (&g, &c)) in gpu_c.iter().zip(&want).enumerate() {
        assert!((g - c).abs() <= 1e-4 * scale, "matmul {n}: element {i}: gpu {g} vs cpu {c}");
    }
}

/// Native only (wgpu on Vulkan/Metal/DX12); `cargo test --target wasm32` still builds examples.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let max: usize = std::env::args().skip_while(|a| a != "--max").nth(1).and_then(|v| v.parse().ok()).unwrap_or(2048);
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    let backend = match pollster::block_on(webgrad_webgpu::GpuBackend::new()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("gpu_bench: {e}");
            return;
        }
    };
    let gpu = backend.device();
    let cpu = webgrad_cpu::cpu();
    println!("device: {}", gpu.name());
    if backend.is_software() {
        println!("NOTE: software adapter — lavapipe/SwiftShader: CPU emulation, not GPU numbers");
    }
    let mut rng = Rng::new(1);

    println!("\nmatmul n×n·n×n (validated against the CPU first)");
    println!("{:>6} {:>14} {:>14}", "n", "webgpu GFLOP/s", "cpu GFLOP/s");
    let mut n = 256;
    while n <= max {
        let a = random(&mut rng, &[n, n], &gpu);
        let b = random(&mut rng, &[n, n], &gpu);
        let c = a.matmul(&b).unwrap(); // also compiles the pipeline
        let rows = 4.min(n);
        validate(&a.to_vec().unwrap(), &b.to_vec().unwrap(), &c.narrow(0, 0, rows).unwrap().to_vec().unwrap(), n, &cpu);
        let flops = 2.0 * (n as f64).powi(3);
        let gpu_s = time_per_run(1.0, || sync(&a.matmul(&b).unwrap()));
        let (ac, bc) = (Tensor::from_vec(a.to_vec().unwrap(), &[n, n], &cpu).unwrap(), Tensor::from_vec(b.to_vec().unwrap(), &[n, n], &cpu).unwrap());
        let cpu_s = time_per_run(1.0, || drop(ac.matmul(&bc).unwrap()));
        println!("{n:>6} {:>14.1} {:>14.1}", flops / gpu_s / 1e9, flops / cpu_s / 1e9);
        n *= 2;
    }

    println!("\nper-op overhead (chains of tiny ops, one readback at the end)");
    let x = Tensor::ones(&[4], &gpu).unwrap();
    sync(&x.add_scalar(1.0).unwrap().exp().unwrap());
    let chain = 1000;
    let per_op = time_per_run(1.0, || {
        let mut y = x.clone();
        let one = Tensor::scalar(1e-3, &gpu).unwrap();
        for _ in 0..chain {
            y = y.add(&one).unwrap();
        }
        sync(&y);
    }) / chain as f64;
    println!("  launch (add on [4], batched submits): {:8.1} µs/op", per_op * 1e6);
    let readback = time_per_run(1.0, || sync(&x.add_scalar(1.0).unwrap()));
    println!("  op + readback round trip:             {:8.1} µs", readback * 1e6);
    let xc = Tensor::ones(&[4], &cpu).unwrap();
    let cpu_op = time_per_run(0.5, || drop(xc.add_scalar(1.0).unwrap()));
    println!("  cpu backend, same op:                 {:8.1} µs/op", cpu_op * 1e6);
    let stats = backend.stats();
    println!("\npool: {} buffers created, {} reuses; {} pipelines compiled", stats.buffers_allocated, stats.buffers_reused, stats.pipelines);
    if backend.is_software() {
        println!("(lavapipe/SwiftShader: CPU emulation, not GPU numbers)");
    }
}
