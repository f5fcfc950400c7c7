//! The benchmarks in headless Chromium (wasm32, single-threaded, main thread). Run with
//! `-- --nocapture` to see the numbers; see README.md for the one-line command.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `performance.now()` of the page.
fn now() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let f: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into()).unwrap().into();
    f.call0(&perf).unwrap().as_f64().unwrap()
}

#[wasm_bindgen_test]
fn bench_cpu_in_browser() {
    let opts = webgrad_bench::Options::default();
    if let Err(e) = webgrad_bench::run(now, &opts, &mut |line| console_log!("{line}")) {
        panic!("bench: validation failed: {e}");
    }
}

/// Every matmul micro-kernel at every size (for tuning; `bench_cpu_in_browser` times only the
/// one `kernels::matmul` uses).
#[wasm_bindgen_test]
fn matmul_kernels_in_browser() {
    let opts = webgrad_bench::Options { all_kernels: true, ..Default::default() };
    if let Err(e) = webgrad_bench::matmul(now, &opts, &mut |line| console_log!("{line}")) {
        panic!("bench: validation failed: {e}");
    }
}
