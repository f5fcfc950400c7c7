//! The conformance suite on WebGPU inside headless Chromium (SwiftShader when the machine has no
//! GPU). Readback in the browser is asynchronous, so this uses the suite's async runners.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use webgrad_conformance::{goldens::run_goldens_async, gradcheck::run_gradchecks_async};

wasm_bindgen_test_configure!(run_in_browser);

async fn gpu() -> Option<webgrad_core::Device> {
    match webgrad_webgpu::webgpu_device().await {
        Ok(d) => Some(d),
        Err(e) => {
            console_log!("SKIPPED: no WebGPU adapter in this browser ({e})");
            None
        }
    }
}

#[wasm_bindgen_test]
async fn goldens_webgpu_in_the_browser() {
    let Some(device) = gpu().await else { return };
    match run_goldens_async(&device).await {
        Ok(report) => console_log!("{}", report.summary()),
        Err(e) => panic!("{e}"),
    }
}

#[wasm_bindgen_test]
async fn gradchecks_webgpu_in_the_browser() {
    let Some(device) = gpu().await else { return };
    let n = run_gradchecks_async(&device).await.unwrap_or_else(|e| panic!("{e}"));
    console_log!("{n} composite gradient checks passed on {}", device.name());
}
