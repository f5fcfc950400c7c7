//! webgrad-wasm: wasm-bindgen bindings over the engine, and nothing else. Every binding converts
//! its arguments, calls one engine function and converts the result; every engine `Error` becomes
//! a JavaScript `Error` carrying the engine's message. Bulk numbers cross as typed arrays (one
//! memcpy each way). Objects are freed by `free()` or, when built with `wasm-bindgen --weak-refs`,
//! by the JS garbage collector.
mod alloc;
mod data;
mod device;
mod functional;
mod fit;
mod io;
mod model;
mod tensor;
#[cfg(feature = "tabular")]
mod table;
mod metrics;
#[cfg(feature = "tabular")]
mod ml;

pub use data::WasmDataset;
pub use device::*;
pub use model::WasmModel;
pub use tensor::WasmTensor;

use wasm_bindgen::prelude::*;

#[global_allocator]
static ALLOCATOR: alloc::CountingAlloc = alloc::CountingAlloc;

/// Runs once when the module is instantiated: Rust panics print their message to the console.
#[wasm_bindgen(start)]
pub fn start() {
    // A panic traps the instance's current call without unwinding, so no destructor runs:
    // engine state that a guard would restore is reset here, before the trap, so that the
    // next call works (the panic's message still reaches the console).
    std::panic::set_hook(Box::new(|info| {
        webgrad_core::reset_after_panic();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
        console_error_panic_hook::hook(info);
    }));
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The message of the last panic (a trap reaches JavaScript as a bare `RuntimeError:
/// unreachable`); the package puts it into the error it throws. Cleared by reading it.
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// An engine error as a JavaScript `Error` with the engine's message.
pub(crate) fn js_err(e: webgrad_core::Error) -> JsError {
    JsError::new(&e.to_string())
}

pub(crate) type JsResult<T> = Result<T, JsError>;

/// A plain JavaScript object (options, a spec) as a Rust value, through JSON text: one
/// deserialiser per type for objects and files alike (a smaller wasm than a second, direct one),
/// `undefined` fields simply absent, and errors that name the path of the bad value
/// (`what: layers[1].units: invalid value: …`).
pub(crate) fn from_js<T: serde::de::DeserializeOwned>(what: &str, v: &JsValue) -> JsResult<T> {
    let json = js_sys::JSON::stringify(v).map_err(|_| JsError::new(&format!("{what}: not a plain object (cycles, BigInt?)")))?;
    let json = String::from(json);
    let mut de = serde_json::Deserializer::from_str(&json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let at = if matches!(path.as_str(), "." | "?" | "") { String::new() } else { format!("{path}: ") };
        JsError::new(&format!("{what}: {at}{}", e.into_inner()))
    })
}

/// Largest tensor the bindings accept (elements). Larger requests are refused with an error
/// instead of failing an allocation, which would abort the whole wasm instance.
pub(crate) const MAX_ELEMENTS: usize = webgrad_core::MAX_ELEMENTS;

/// A shape from JavaScript, checked so that no later step can overflow or over-allocate.
pub(crate) fn shape_arg(op: &str, shape: &[u32]) -> JsResult<Vec<usize>> {
    let mut n: usize = 1;
    for &d in shape {
        n = n
            .checked_mul(d as usize)
            .filter(|&n| n <= MAX_ELEMENTS)
            .ok_or_else(|| {
                JsError::new(&format!(
                    "{op}: shape {shape:?} has more than {MAX_ELEMENTS} elements"
                ))
            })?;
    }
    Ok(shape.iter().map(|&d| d as usize).collect())
}
