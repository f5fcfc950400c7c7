//! Reading tensors back to the CPU: the only place the engine waits for the GPU.
//!
//! A view is made contiguous on the GPU if needed, copied into a mappable staging buffer, and the
//! staging buffer is mapped. Natively we can block on `device.poll`; in the browser mapping
//! completes on the JavaScript event loop, so only the `async` path works there.
use crate::context::Gpu;
use crate::elementwise::contiguous;
use crate::as_gpu;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use webgrad_core::{Error, Result, View};

type MapResult = std::result::Result<(), wgpu::BufferAsyncError>;

/// Where the map callback leaves its result, and who to wake.
#[derive(Default)]
struct MapSlot {
    result: Option<MapResult>,
    waker: Option<Waker>,
}

/// Resolves when `map_async`'s callback has run.
struct MapDone(Arc<Mutex<MapSlot>>);

impl Future for MapDone {
    type Output = MapResult;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<MapResult> {
        let mut slot = self.0.lock().unwrap();
        match slot.result.take() {
            Some(r) => Poll::Ready(r),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// A readback in flight: the staging buffer and its pending map.
pub(crate) struct Staged {
    staging: Option<wgpu::Buffer>,
    bytes: u64,
    done: MapDone,
}

/// Queue the copy of `x` (as row-major 32-bit words) into a staging buffer, submit, start mapping.
pub(crate) fn stage(gpu: &Rc<Gpu>, x: &View) -> Result<Staged> {
    gpu.check_lost("read")?;
    let n = x.layout.numel();
    let slot = Arc::new(Mutex::new(MapSlot::default()));
    if n == 0 {
        slot.lock().unwrap().result = Some(Ok(()));
        return Ok(Staged { staging: None, bytes: 0, done: MapDone(slot) });
    }
    let (data, offset) = contiguous(gpu, x)?;
    let bytes = n as u64 * 4;
    // A staging buffer the CPU can map; storage buffers cannot be mapped in WebGPU.
    let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("webgrad readback"),
        size: bytes,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    gpu.copy_buffer(as_gpu("read", &data)?.buffer(), offset as u64 * 4, &staging, bytes);
    gpu.flush();
    let callback_slot = slot.clone();
    staging.slice(..).map_async(wgpu::MapMode::Read, move |result| {
        let mut s = callback_slot.lock().unwrap();
        s.result = Some(result);
        if let Some(w) = s.waker.take() {
            w.wake();
        }
    });
    Ok(Staged { staging: Some(staging), bytes, done: MapDone(slot) })
}

fn words(gpu: &Gpu, staged: &Staged, result: MapResult) -> Result<Vec<u32>> {
    gpu.check_errors("read")?;
    let Some(staging) = &staged.staging else { return Ok(Vec::new()) };
    result.map_err(|e| Error::new("read", format!("mapping the readback buffer failed: {e}")))?;
    gpu.check_lost("read")?;
    let view = staging
        .slice(..staged.bytes)
        .get_mapped_range()
        .map_err(|e| Error::new("read", format!("the readback buffer could not be mapped: {e}")))?;
    let out = bytemuck::cast_slice::<u8, u32>(&view).to_vec();
    drop(view);
    staging.unmap();
    Ok(out)
}

/// Block until the readback is done (native only: the browser's event loop must run).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn finish_blocking(gpu: &Gpu, staged: Staged) -> Result<Vec<u32>> {
    if staged.staging.is_some() {
        gpu.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| gpu.check_lost("read").err().unwrap_or_else(|| Error::new("read", format!("waiting for the GPU failed: {e}"))))?;
    }
    let result = staged.done.0.lock().unwrap().result.take();
    let result = result.ok_or_else(|| Error::new("read", "the GPU finished but the readback buffer was not mapped"))?;
    words(gpu, &staged, result)
}

pub(crate) async fn finish(gpu: &Gpu, mut staged: Staged) -> Result<Vec<u32>> {
    // Natively nothing drives the map callback but `poll`; on the web this is a no-op.
    #[cfg(not(target_arch = "wasm32"))]
    if staged.staging.is_some() {
        gpu.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| gpu.check_lost("read").err().unwrap_or_else(|| Error::new("read", format!("waiting for the GPU failed: {e}"))))?;
    }
    #[cfg(target_arch = "wasm32")]
    let _ = gpu;
    let result = (&mut staged.done).await;
    words(gpu, &staged, result)
}
