//! The WebGPU context: adapter, device and queue, plus what every kernel launch shares — the
//! buffer pool, the pipeline cache and the command encoder being recorded.
//!
//! Launches are batched: each op records one compute pass into a shared encoder, which is
//! submitted on a readback, an explicit `flush`, or after `MAX_PENDING_DISPATCHES` passes.
use crate::pipelines::{Kernel, PipelineCache, Spec};
use crate::pool::BufferPool;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use webgrad_core::{Error, Result};

/// Submitting amortises per-submit cost over many passes; the bound keeps the encoder, and the
/// buffers waiting for it in quarantine, small.
const MAX_PENDING_DISPATCHES: u32 = 64;

/// The most workgroups WebGPU guarantees along one grid dimension.
pub(crate) const MAX_GROUPS_PER_DIM: u32 = 65535;

/// Threads per workgroup of the one-dimensional kernels (matches `WORKGROUP_SIZE` in WGSL).
pub(crate) const WORKGROUP_SIZE: u32 = 256;

pub(crate) struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub adapter: wgpu::AdapterInfo,
    pub pool: RefCell<BufferPool>,
    pub pipelines: RefCell<PipelineCache>,
    pending: RefCell<Pending>,
    /// Validation and out-of-memory errors WebGPU reports asynchronously; surfaced as an `Err`
    /// by the next readback instead of a panic (native default) or a console line (browser).
    errors: Arc<Mutex<Vec<String>>>,
    /// Why the device was lost, once it is (driver reset, GPU process crash, `destroy`). From
    /// then on every launch and readback is an `Err` naming it (see [`Gpu::check_lost`]).
    lost: Arc<Mutex<Option<String>>>,
}

#[derive(Default)]
struct Pending {
    encoder: Option<wgpu::CommandEncoder>,
    dispatches: u32,
}

/// Workgroup grid covering `n` threads in groups of 256, spilling into y past 65535 groups.
pub(crate) fn grid_1d(n: u32) -> [u32; 3] {
    let groups = n.div_ceil(WORKGROUP_SIZE).max(1);
    if groups <= MAX_GROUPS_PER_DIM {
        [groups, 1, 1]
    } else {
        [MAX_GROUPS_PER_DIM, groups.div_ceil(MAX_GROUPS_PER_DIM), 1]
    }
}

/// Grid with one workgroup per row (`rows` workgroups), spilling into y past 65535.
pub(crate) fn grid_rows(rows: u32) -> [u32; 3] {
    if rows <= MAX_GROUPS_PER_DIM {
        [rows.max(1), 1, 1]
    } else {
        [MAX_GROUPS_PER_DIM, rows.div_ceil(MAX_GROUPS_PER_DIM), 1]
    }
}

impl Gpu {
    pub async fn new() -> Result<Gpu> {
        // The instance is the entry point to the platform's GPU API: Vulkan, Metal or DX12
        // natively (narrowed by WGPU_BACKEND if set), `navigator.gpu` in the browser.
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        // The adapter is one physical GPU, or a software one (lavapipe, SwiftShader).
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| {
                Error::new(
                    "webgpu",
                    format!(
                        "no WebGPU adapter is available ({e}). In a browser, WebGPU needs a recent Chrome/Edge/Safari \
                         (or Firefox with WebGPU enabled) and a secure (https or localhost) page; natively, a Vulkan, \
                         Metal or DX12 driver (on Linux without a GPU: Mesa's lavapipe, package mesa-vulkan-drivers). \
                         Use the CPU backend instead."
                    ),
                )
            })?;
        let info = adapter.get_info();
        // The device is our logical connection to the adapter, the queue where command buffers
        // are submitted. We ask for the adapter's own limits: the defaults cap a storage buffer
        // binding at 128 MiB, which a large activation exceeds.
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("webgrad"),
                required_features: wgpu::Features::empty(),
                required_limits: adapter.limits(),
                memory_hints: wgpu::MemoryHints::Performance,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::new("webgpu", format!("adapter '{}' refused to create a device: {e}", info.name)))?;
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| sink.lock().unwrap().push(e.to_string())));
        let lost = Arc::new(Mutex::new(None));
        let lost_sink = lost.clone();
        // Natively this runs from `poll`/`destroy`; in the browser when `GPUDevice.lost` resolves.
        device.set_device_lost_callback(move |reason, message| {
            let mut slot = lost_sink.lock().unwrap();
            if slot.is_none() {
                let why = match reason {
                    wgpu::DeviceLostReason::Destroyed => "destroyed",
                    wgpu::DeviceLostReason::Unknown => "lost by the driver or browser",
                };
                *slot = Some(if message.is_empty() { why.to_string() } else { format!("{why}: {message}") });
            }
        });
        Ok(Gpu {
            errors,
            lost,
            device,
            queue,
            adapter: info,
            pool: RefCell::new(BufferPool::default()),
            pipelines: RefCell::new(PipelineCache::new()),
            pending: RefCell::new(Pending::default()),
        })
    }

    /// Why the device was lost, or `None` while it works.
    pub fn lost_reason(&self) -> Option<String> {
        self.lost.lock().unwrap().clone()
    }

    /// `Err` once the device is lost: its buffers, and so every tensor on it, are gone.
    pub fn check_lost(&self, op: &str) -> Result<()> {
        match self.lost_reason() {
            None => Ok(()),
            Some(reason) => Err(Error::new(
                "webgpu",
                format!(
                    "the GPU device was lost ({reason}); {op} cannot run. Every tensor on it is gone: rebuild the \
                     model on the CPU (or on a new WebGPU device) from its last saved weights"
                ),
            )),
        }
    }

    /// Destroy the device as a driver reset would (for tests of device-loss handling).
    pub fn destroy(&self) {
        {
            let mut slot = self.lost.lock().unwrap();
            if slot.is_none() {
                *slot = Some("destroyed by GpuBackend::destroy_for_test".to_string());
            }
        }
        self.pending.borrow_mut().encoder = None;
        self.device.destroy();
    }

    /// The errors the device reported since the last call, as one `Err`.
    pub fn check_errors(&self, op: &str) -> Result<()> {
        self.check_lost(op)?;
        let errors = std::mem::take(&mut *self.errors.lock().unwrap());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::new(op, format!("the GPU reported {} error(s); the first: {}", errors.len(), errors[0])))
        }
    }

    /// Name of the adapter; browsers may hide it, then it says which kind it is.
    pub fn adapter_name(&self) -> String {
        match (self.adapter.name.is_empty(), self.adapter.device_type) {
            (false, _) => self.adapter.name.clone(),
            (true, wgpu::DeviceType::Cpu) => "browser, software fallback adapter".to_string(),
            (true, _) => "browser adapter".to_string(),
        }
    }

    /// The largest storage buffer this device binds (WebGPU's maxStorageBufferBindingSize, at
    /// most maxBufferSize).
    pub fn max_buffer_bytes(&self) -> u64 {
        let limits = self.device.limits();
        limits.max_buffer_size.min(limits.max_storage_buffer_binding_size as u64)
    }

    /// A storage buffer of at least `bytes` bytes, contents undefined; a size over the device's
    /// limit is an error now, instead of a validation error that would surface at a later readback.
    pub fn alloc(&self, op: &str, bytes: u64) -> webgrad_core::Result<wgpu::Buffer> {
        let limit = self.max_buffer_bytes();
        if bytes > limit {
            let mib = |b: u64| b as f64 / 1048576.0;
            webgrad_core::bail!(
                op,
                "out of GPU memory: a buffer of {:.1} MiB is over this device's limit of {:.1} MiB per buffer (maxStorageBufferBindingSize); use smaller tensors, or the CPU",
                mib(bytes),
                mib(limit)
            );
        }
        Ok(self.pool.borrow_mut().take(&self.device, bytes, limit))
    }

    /// Return a buffer to the pool (called when a tensor's storage is dropped).
    pub fn free(&self, buffer: wgpu::Buffer) {
        let pending = self.pending.try_borrow().map_or(true, |p| p.encoder.is_some());
        self.pool.borrow_mut().give(buffer, pending);
    }

    /// A buffer holding `bytes` (length a multiple of 4).
    pub fn upload(&self, bytes: &[u8]) -> webgrad_core::Result<wgpu::Buffer> {
        let buffer = self.alloc("upload", bytes.len() as u64)?;
        // Safe to write now: pooled buffers are never referenced by the unsubmitted encoder
        // (see pool.rs), and the write is queued after all earlier submissions.
        if !bytes.is_empty() {
            self.queue.write_buffer(&buffer, 0, bytes);
        }
        Ok(buffer)
    }

    /// Record one kernel launch. `params` go to binding 0, `inputs` to 1..=n, `output` last.
    pub fn dispatch(&self, kernel: Kernel, spec: &Spec, params: &[u32], inputs: &[&wgpu::Buffer], output: &wgpu::Buffer, groups: [u32; 3]) {
        debug_assert_eq!(inputs.len() as u32, kernel.inputs, "{}", kernel.entry);
        let (pipeline, layout) = {
            let mut cache = self.pipelines.borrow_mut();
            (cache.get(&self.device, kernel, spec), cache.bind_layout(&self.device, kernel.inputs))
        };
        let params_buffer = self.upload(bytemuck::cast_slice(params)).expect("kernel parameters are a few bytes, far below any buffer limit");
        let entries: Vec<wgpu::BindGroupEntry> = std::iter::once(&params_buffer)
            .chain(inputs.iter().copied())
            .chain(std::iter::once(output))
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry { binding: i as u32, resource: b.as_entire_binding() })
            .collect();
        // The bind group ties this launch's buffers to the pipeline's binding slots.
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor { label: Some(kernel.entry), layout: &layout, entries: &entries });
        let full = {
            let mut pending = self.pending.borrow_mut();
            let encoder = pending
                .encoder
                .get_or_insert_with(|| self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("webgrad ops") }));
            // One compute pass per launch; wgpu inserts the barriers between passes.
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some(kernel.entry), timestamp_writes: None });
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.dispatch_workgroups(groups[0], groups[1], groups[2]);
            drop(pass);
            pending.dispatches += 1;
            pending.dispatches >= MAX_PENDING_DISPATCHES
        };
        self.free(params_buffer);
        if full {
            self.flush();
        }
    }

    /// Record a buffer-to-buffer copy (readback staging) into the pending encoder.
    pub fn copy_buffer(&self, src: &wgpu::Buffer, src_offset: u64, dst: &wgpu::Buffer, bytes: u64) {
        let mut pending = self.pending.borrow_mut();
        let encoder = pending
            .encoder
            .get_or_insert_with(|| self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("webgrad ops") }));
        encoder.copy_buffer_to_buffer(src, src_offset, dst, 0, bytes);
    }

    /// Submit everything recorded so far. Work runs asynchronously; only readback waits.
    pub fn flush(&self) {
        let encoder = {
            let mut pending = self.pending.borrow_mut();
            pending.dispatches = 0;
            pending.encoder.take()
        };
        if let Some(encoder) = encoder {
            // A lost device runs nothing; the next launch or readback reports the loss.
            if self.lost_reason().is_some() {
                return;
            }
            self.queue.submit([encoder.finish()]);
        }
        self.pool.borrow_mut().release_quarantine();
    }
}
