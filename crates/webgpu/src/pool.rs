//! Buffer pool: GPU allocations are slow (and in the browser they also cost a JS round trip), so
//! a dropped tensor's buffer goes back here and is handed out again for a request of the same
//! size class.
//!
//! Safety of reuse: WebGPU runs queue operations in submission order, so a buffer may be reused
//! by any later *submitted* work. Work still being recorded in the pending encoder is different:
//! `queue.write_buffer` into a reused buffer would land before that encoder runs. Buffers freed
//! while commands are pending therefore wait in `quarantine` until the next submit.
use std::collections::HashMap;

/// Every buffer the engine allocates can be read by kernels, written by kernels or uploads, and
/// copied out for readback.
pub(crate) const STORAGE_USAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE
    .union(wgpu::BufferUsages::COPY_SRC)
    .union(wgpu::BufferUsages::COPY_DST);

/// Smallest allocation; also what an empty tensor gets (WebGPU cannot bind a 0-byte buffer).
const MIN_BYTES: u64 = 256;

/// Keep at most this many idle bytes; beyond it, freed buffers are destroyed.
const MAX_IDLE_BYTES: u64 = 512 << 20;

/// Round `bytes` up to its size class: four classes per power of two (so at most 25% waste),
/// never below `MIN_BYTES`.
pub(crate) fn size_class(bytes: u64) -> u64 {
    let bytes = bytes.max(MIN_BYTES);
    let pow = 63 - (bytes - 1).leading_zeros() as u64; // floor(log2(bytes - 1))
    let quarter = (1u64 << pow) / 4;
    bytes.div_ceil(quarter) * quarter
}

#[derive(Default)]
pub(crate) struct BufferPool {
    idle: HashMap<u64, Vec<wgpu::Buffer>>,
    idle_bytes: u64,
    quarantine: Vec<wgpu::Buffer>,
    /// Statistics, for tests and the benchmark.
    pub allocated: u64,
    pub reused: u64,
}

impl BufferPool {
    /// A buffer of at least `bytes`; `limit` is the device's largest (a size class above it
    /// would fail for a request below it, so such a request gets its exact size).
    pub fn take(&mut self, device: &wgpu::Device, bytes: u64, limit: u64) -> wgpu::Buffer {
        let class = match size_class(bytes) {
            c if c > limit => bytes.max(4).next_multiple_of(4),
            c => c,
        };
        if let Some(buf) = self.idle.get_mut(&class).and_then(Vec::pop) {
            self.idle_bytes -= class;
            self.reused += 1;
            return buf;
        }
        self.allocated += 1;
        // A storage buffer: bound to compute shaders, filled by uploads, copied out for readback.
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("webgrad tensor"),
            size: class,
            usage: STORAGE_USAGE,
            mapped_at_creation: false,
        })
    }

    /// Return a buffer; `pending` says whether unsubmitted commands may still reference it.
    pub fn give(&mut self, buf: wgpu::Buffer, pending: bool) {
        if pending {
            self.quarantine.push(buf);
        } else {
            self.keep(buf);
        }
    }

    /// Called after a submit: quarantined buffers become reusable.
    pub fn release_quarantine(&mut self) {
        for buf in std::mem::take(&mut self.quarantine) {
            self.keep(buf);
        }
    }

    fn keep(&mut self, buf: wgpu::Buffer) {
        let class = buf.size();
        if self.idle_bytes + class > MAX_IDLE_BYTES {
            buf.destroy();
            return;
        }
        self.idle_bytes += class;
        self.idle.entry(class).or_default().push(buf);
    }

    pub fn idle_bytes(&self) -> u64 {
        self.idle_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::size_class;

    #[test]
    fn size_classes_waste_at_most_a_quarter() {
        assert_eq!(size_class(0), 256);
        assert_eq!(size_class(256), 256);
        assert_eq!(size_class(257), 320);
        assert_eq!(size_class(1000), 1024);
        assert_eq!(size_class(1025), 1280);
        for bytes in (1..100_000u64).step_by(37) {
            let c = size_class(bytes);
            assert!(c >= bytes && (c == 256 || c * 4 <= bytes * 5), "{bytes} -> {c}");
            assert_eq!(c % 4, 0);
        }
    }
}
