//! The kernel-vs-reference sweep in headless Chromium: the simd128 (and relaxed-simd) kernels.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn simd128_kernels_match_reference() {
    assert!(cfg!(target_feature = "simd128"), "build the wasm tests with -C target-feature=+simd128");
    console_log!("{}", webgrad_cpu::kernels::NAME);
    if let Err(e) = webgrad_cpu::selfcheck::check_kernels(100) {
        console_log!("{e}");
        panic!("{e}");
    }
}
