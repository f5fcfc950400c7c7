//! Browser smoke test: proves `cargo test --target wasm32-unknown-unknown` runs in headless
//! Chromium, with simd128 on, and reports whether this browser offers a WebGPU adapter.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn built_for_wasm_with_simd128() {
    // xtask and the README build the wasm tests with `-C target-feature=+simd128`.
    assert!(cfg!(target_feature = "simd128"), "wasm tests must be built with +simd128");
    assert_eq!(std::mem::size_of::<usize>(), 4);
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
async fn webgpu_adapter_if_any() {
    let gpu = get(&js_sys::global(), "navigator");
    let gpu = if gpu.is_undefined() { gpu } else { get(&gpu, "gpu") };
    if gpu.is_undefined() {
        console_log!("webgpu: navigator.gpu is absent (no WebGPU in this browser)");
        return;
    }
    let request: js_sys::Function = get(&gpu, "requestAdapter").unchecked_into();
    let adapter = match request.call0(&gpu) {
        Ok(promise) => JsFuture::from(js_sys::Promise::from(promise)).await,
        Err(e) => Err(e),
    };
    match adapter {
        Ok(a) if !a.is_null() && !a.is_undefined() => {
            let info = get(&a, "info");
            console_log!(
                "webgpu: adapter available: vendor={:?} architecture={:?} fallback={:?}",
                get(&info, "vendor").as_string(),
                get(&info, "architecture").as_string(),
                get(&info, "isFallbackAdapter").as_bool()
            );
            let request: js_sys::Function = get(&a, "requestDevice").unchecked_into();
            let device = match request.call0(&a) {
                Ok(promise) => JsFuture::from(js_sys::Promise::from(promise)).await,
                Err(e) => Err(e),
            };
            match device {
                Ok(d) if d.is_object() => console_log!("webgpu: requestDevice() gave a device"),
                other => console_log!("webgpu: requestDevice() failed: {:?}", other),
            }
        }
        Ok(_) => console_log!("webgpu: navigator.gpu exists but requestAdapter() gave null"),
        Err(e) => console_log!("webgpu: requestAdapter() failed: {:?}", e),
    }
}
