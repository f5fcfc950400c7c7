//! The nn quality bars in the browser (wasm32 CPU backend, headless Chromium): the same
//! functions `crates/nn/tests/quality.rs` runs natively. The data is embedded in the test binary
//! because a browser test has no file system.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use webgrad_conformance::quality;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
fn spiral_reaches_95_percent_in_the_browser() {
    let t0 = now_ms();
    let r = quality::spiral(&webgrad_cpu::cpu()).and_then(|r| r.check()).unwrap_or_else(|e| panic!("{e}"));
    console_log!("{}: {} ({:.1} s)", r.name, r.detail, (now_ms() - t0) / 1e3);
}

#[wasm_bindgen_test]
fn mnist_mlp_reaches_95_percent_in_the_browser() {
    let images = include_bytes!("../../../crates/data/assets/mnist-t10k-images-idx3-ubyte.gz");
    let labels = include_bytes!("../../../crates/data/assets/mnist-t10k-labels-idx1-ubyte.gz");
    let mnist = webgrad_data::mnist::load(images, labels).unwrap_or_else(|e| panic!("{e}"));
    let t0 = now_ms();
    let r = quality::mnist_mlp(&webgrad_cpu::cpu(), &mnist).and_then(|r| r.check()).unwrap_or_else(|e| panic!("{e}"));
    console_log!("{}: {} ({:.1} s)", r.name, r.detail, (now_ms() - t0) / 1e3);
}
