//! A tensor over the device's buffer limit is an error when it is made, naming the limit — not a
//! validation error that WebGPU would report later, at some readback.
#![cfg(not(target_arch = "wasm32"))] // native (lavapipe)
use webgrad_core::{Tensor, MAX_ELEMENTS};
use webgrad_webgpu::GpuBackend;

#[test]
fn a_buffer_over_the_device_limit_is_a_clear_error() {
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    let backend = match pollster::block_on(GpuBackend::new()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("SKIPPED limits: no WebGPU adapter on this machine ({e})");
            return;
        }
    };
    let gpu = backend.device();
    let limit = backend.max_buffer_bytes();
    let over = (limit / 4 + 1) as usize;
    if over > MAX_ELEMENTS {
        // The engine's own cap (tested in crates/cpu/tests/limits.rs) is met first.
        eprintln!("SKIPPED limits: this device's buffer limit ({limit} bytes) is above the engine's cap");
        return;
    }
    let small = Tensor::zeros(&[4], &gpu).unwrap();
    let e = Tensor::zeros(&[1], &gpu).unwrap().broadcast_to(&[over]).unwrap().contiguous().unwrap_err().to_string();
    assert!(e.contains("out of GPU memory") && e.contains("over this device's limit"), "{e}");
    let e = Tensor::zeros(&[over], &gpu).unwrap_err().to_string();
    assert!(e.starts_with("upload: out of GPU memory"), "{e}");
    // Just under the limit works, and the device goes on working.
    let ok = Tensor::zeros(&[(limit / 4) as usize], &gpu).unwrap();
    assert_eq!(ok.sum_all().unwrap().item().unwrap(), 0.0);
    assert_eq!(small.add_scalar(1.0).unwrap().to_vec().unwrap(), vec![1.0; 4]);
}
