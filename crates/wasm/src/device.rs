//! The device new tensors are created on, and what this build of the engine can do.
use crate::JsResult;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use webgrad_core::Device;

thread_local! {
    static CURRENT: RefCell<Device> = RefCell::new(webgrad_cpu::cpu());
}
#[cfg(feature = "webgpu")]
thread_local! {
    /// The WebGPU device once `initWebgpu` has opened it.
    static WEBGPU: RefCell<Option<(Device, webgrad_webgpu::GpuBackend)>> = const { RefCell::new(None) };
}

/// What a CPU-only build says when asked for WebGPU.
#[cfg(not(feature = "webgpu"))]
const NO_WEBGPU: &str = "device: this build of the engine has no WebGPU backend (the CPU-only builds leave wgpu out; the package trains WebGPU models in webgrad_full.wasm)";

/// Whether this build contains the WebGPU backend.
#[wasm_bindgen(js_name = hasWebgpu)]
pub fn has_webgpu() -> bool {
    cfg!(feature = "webgpu")
}

/// A tensor's values without blocking (a WebGPU tensor is mapped on the event loop).
pub(crate) async fn read_f32(t: &webgrad_core::Tensor) -> webgrad_core::Result<Vec<f32>> {
    #[cfg(feature = "webgpu")]
    return webgrad_webgpu::read_f32_async(t).await;
    #[cfg(not(feature = "webgpu"))]
    return t.to_vec();
}

/// An i32 tensor's values without blocking.
pub(crate) async fn read_i32(t: &webgrad_core::Tensor) -> webgrad_core::Result<Vec<i32>> {
    #[cfg(feature = "webgpu")]
    return webgrad_webgpu::read_i32_async(t).await;
    #[cfg(not(feature = "webgpu"))]
    return t.to_vec_i32();
}

pub(crate) fn current_device() -> Device {
    CURRENT.with(|d| d.borrow().clone())
}

/// Open the WebGPU device (once; later calls return at once). Rejects with the reason when
/// there is no adapter, or when this build has no WebGPU backend. Returns the device's name.
#[wasm_bindgen(js_name = initWebgpu)]
pub async fn init_webgpu() -> JsResult<String> {
    #[cfg(feature = "webgpu")]
    {
        if let Some((d, _)) = WEBGPU.with(|g| g.borrow().clone()) {
            return Ok(d.name());
        }
        let backend = webgrad_webgpu::GpuBackend::new()
            .await
            .map_err(crate::js_err)?;
        let device = backend.device();
        let name = device.name();
        WEBGPU.with(|g| *g.borrow_mut() = Some((device, backend)));
        Ok(name)
    }
    #[cfg(not(feature = "webgpu"))]
    Err(JsError::new(NO_WEBGPU))
}

/// Choose the device for new tensors: "cpu" (always), or "webgpu" after `initWebgpu`. Tensors
/// made before keep their device.
#[wasm_bindgen(js_name = setDevice)]
pub fn set_device(kind: &str) -> JsResult<String> {
    let device = match kind {
        "cpu" => webgrad_cpu::cpu(),
        #[cfg(feature = "webgpu")]
        "webgpu" => WEBGPU
            .with(|g| g.borrow().as_ref().map(|(d, _)| d.clone()))
            .ok_or_else(|| JsError::new("device: call initWebgpu() before choosing \"webgpu\""))?,
        #[cfg(not(feature = "webgpu"))]
        "webgpu" => return Err(JsError::new(NO_WEBGPU)),
        other => {
            return Err(JsError::new(&format!(
                "device: unknown device {other:?} (use \"cpu\" or \"webgpu\")"
            )))
        }
    };
    let name = device.name();
    CURRENT.with(|d| *d.borrow_mut() = device);
    Ok(name)
}

/// Why the WebGPU device was lost (driver reset, GPU process crash, `simulateWebgpuLoss`), or
/// `undefined` while it works or was never opened. Once lost, every op on its tensors fails.
#[wasm_bindgen(js_name = webgpuLostReason)]
pub fn webgpu_lost_reason() -> Option<String> {
    #[cfg(not(feature = "webgpu"))]
    return None;
    #[cfg(feature = "webgpu")]
    WEBGPU.with(|g| g.borrow().as_ref().and_then(|(_, b)| b.lost_reason()))
}

/// Destroy the WebGPU device as a driver reset would (tests of the device-loss recovery).
#[wasm_bindgen(js_name = simulateWebgpuLoss)]
pub fn simulate_webgpu_loss() -> JsResult<()> {
    #[cfg(not(feature = "webgpu"))]
    return Err(JsError::new(NO_WEBGPU));
    #[cfg(feature = "webgpu")]
    WEBGPU.with(|g| match g.borrow().as_ref() {
        Some((_, b)) => {
            b.destroy_for_test();
            Ok(())
        }
        None => Err(JsError::new("device: no WebGPU device is open")),
    })
}

/// Name of the device new tensors are created on, e.g. "cpu (wasm simd128)".
#[wasm_bindgen(js_name = deviceName)]
pub fn device_name() -> String {
    current_device().name()
}

/// Which wasm build this is: "relaxed-simd", "simd128" or "plain".
#[wasm_bindgen(js_name = buildFlavor)]
pub fn build_flavor() -> String {
    if cfg!(target_feature = "relaxed-simd") {
        "relaxed-simd"
    } else if cfg!(target_feature = "simd128") {
        "simd128"
    } else {
        "plain"
    }
    .to_string()
}

/// The engine's version (the crate version of webgrad-wasm).
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Bytes of linear memory the wasm instance holds (it only grows; used by memory tests).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) * 65_536) as f64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}
