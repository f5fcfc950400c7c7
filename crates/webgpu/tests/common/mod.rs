//! Setup shared by the native GPU tests.
use webgrad_webgpu::GpuBackend;

/// The native WebGPU backend (lavapipe here), or `None` with a SKIPPED line naming `test` when
/// the machine has no adapter.
pub fn gpu_or_skip(test: &str) -> Option<GpuBackend> {
    // Silences the Vulkan loader's warning when the variable is unset.
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    match pollster::block_on(GpuBackend::new()) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!("SKIPPED {test}: no WebGPU adapter on this machine ({e})");
            None
        }
    }
}
