//! Device loss: once the GPU device is gone (a driver reset, a crashed GPU process; simulated
//! here with `GpuBackend::destroy_for_test`), every op and readback on it returns a clear `Err`
//! instead of panicking, so a caller can keep training on the CPU from weights it saved earlier.
#![cfg(not(target_arch = "wasm32"))] // native (lavapipe); tests/browser.rs covers the browser
use webgrad_core::{no_grad, Rng, Tensor};
use webgrad_webgpu::GpuBackend;

#[test]
fn ops_and_readbacks_fail_cleanly_after_the_device_is_lost() {
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    let backend = match pollster::block_on(GpuBackend::new()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("SKIPPED device_lost: no WebGPU adapter on this machine ({e})");
            return;
        }
    };
    let gpu = backend.device();
    assert!(!backend.is_lost());

    // A few SGD steps of a linear least-squares model, read back as a caller would save them.
    let mut rng = Rng::new(7);
    let x: Vec<f32> = (0..64 * 4).map(|_| rng.normal()).collect();
    let target: Vec<f32> = x.chunks(4).map(|r| r[0] - 2.0 * r[1] + 0.5 * r[3]).collect();
    let x = Tensor::from_slice(&x, &[64, 4], &gpu).unwrap();
    let y = Tensor::from_slice(&target, &[64, 1], &gpu).unwrap();
    let mut w = Tensor::from_slice(&[0.0f32; 4], &[4, 1], &gpu).unwrap();
    w.set_requires_grad(true);
    let mut losses = Vec::new();
    for _ in 0..5 {
        let loss = x.matmul(&w).unwrap().sub(&y).unwrap().square().unwrap().mean_all().unwrap();
        loss.backward().unwrap();
        losses.push(loss.item().unwrap());
        w = no_grad(|| w.sub(&w.grad().unwrap().mul_scalar(0.1)?)).unwrap();
        w.set_requires_grad(true);
    }
    assert!(losses[4] < losses[0], "training did not progress: {losses:?}");
    let saved = w.to_vec().unwrap();

    backend.destroy_for_test();
    assert!(backend.is_lost());
    assert!(backend.lost_reason().is_some());

    // The next step: its first op fails, and so does every readback; none of it panics.
    let step = x.matmul(&w);
    let err = step.expect_err("an op on a lost device must fail").to_string();
    assert!(err.contains("the GPU device was lost"), "{err}");
    let err = w.to_vec().expect_err("a readback on a lost device must fail").to_string();
    assert!(err.starts_with("webgpu: the GPU device was lost"), "{err}");
    let err = Tensor::from_slice(&[1.0f32], &[1], &gpu).expect_err("an upload must fail").to_string();
    assert!(err.contains("the GPU device was lost"), "{err}");
    backend.flush();
    drop((x, y, w));

    // Training goes on on the CPU from the weights read before the loss.
    let cpu = webgrad_cpu::cpu();
    let w = Tensor::from_slice(&saved, &[4, 1], &cpu).unwrap();
    assert_eq!(w.to_vec().unwrap(), saved);
}
