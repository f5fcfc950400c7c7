//! The same conformance suite on the WebGPU backend, natively (wgpu on Vulkan; Mesa lavapipe in
//! CI). Without any adapter the tests say so and pass: a machine without Vulkan cannot run them,
//! and `cargo xtask setup` installs lavapipe so CI always has one.
#![cfg(not(target_arch = "wasm32"))]

use webgrad_conformance::{goldens::run_goldens, gradcheck::run_gradchecks};

fn gpu() -> Option<webgrad_core::Device> {
    match webgrad_webgpu::webgpu_device_blocking() {
        Ok(d) => Some(d),
        Err(e) if std::env::var_os("WEBGRAD_REQUIRE_GPU").is_some() => panic!("WEBGRAD_REQUIRE_GPU is set but: {e}"),
        Err(e) => {
            eprintln!("SKIPPED: no WebGPU adapter ({e})");
            None
        }
    }
}

#[test]
fn goldens_webgpu() {
    let Some(device) = gpu() else { return };
    match run_goldens(&device) {
        Ok(report) => eprintln!("{}", report.summary()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn gradchecks_webgpu() {
    let Some(device) = gpu() else { return };
    run_gradchecks(&device).unwrap_or_else(|e| panic!("{e}"));
}

/// A model that really learns on the GPU: the spiral quality bar through nn's Model and trainer.
#[test]
fn spiral_quality_bar_webgpu() {
    let Some(device) = gpu() else { return };
    let r = webgrad_conformance::quality::spiral(&device).and_then(|r| r.check()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{}: {}", r.name, r.detail);
}
