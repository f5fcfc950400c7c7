//! PyTorch goldens on the CPU backend compiled to wasm32 (simd128), in the browser.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use webgrad_conformance::goldens::run_goldens;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn goldens_cpu_wasm() {
    let device = webgrad_cpu::cpu();
    match run_goldens(&device) {
        Ok(report) => console_log!("{}", report.summary()),
        Err(e) => panic!("{e}"),
    }
}

#[wasm_bindgen_test]
fn gradchecks_cpu_wasm() {
    let n = webgrad_conformance::gradcheck::run_gradchecks(&webgrad_cpu::cpu()).unwrap_or_else(|e| panic!("{e}"));
    console_log!("{n} composite gradient checks passed");
}
