//! Shared helpers of the parity tests: open the GPU (or skip with a clear message), mirror
//! tensors on the CPU reference backend and on WebGPU, build random strided views, compare.
#![allow(dead_code)]
use webgrad_core::{Device, Result, Rng, Tensor};

/// The WebGPU device, or `None` after printing why the test is skipped.
pub fn gpu_or_skip(test: &str) -> Option<Device> {
    // wgpu's Vulkan loader warns without it; harmless, but noisy.
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    match webgrad_webgpu::webgpu_device_blocking() {
        Ok(d) => Some(d),
        Err(e) => {
            eprintln!("SKIPPED {test}: no WebGPU adapter on this machine ({e})");
            None
        }
    }
}

/// `let Some(gpu) = gpu!() else { return };`
#[macro_export]
macro_rules! gpu {
    () => {
        common::gpu_or_skip(module_path!())
    };
}

thread_local! {
    static CPU: Device = webgrad_cpu::cpu();
}

/// The CPU reference device (one per test thread: tensors must share a device to be combined).
pub fn cpu() -> Device {
    CPU.with(|d| d.clone())
}

/// The same tensor on the CPU (reference) and on the GPU.
pub struct Pair {
    pub cpu: Tensor,
    pub gpu: Tensor,
}

impl Pair {
    pub fn new(data: &[f32], shape: &[usize], gpu: &Device) -> Pair {
        Pair { cpu: Tensor::from_slice(data, shape, &cpu()).unwrap(), gpu: Tensor::from_slice(data, shape, gpu).unwrap() }
    }
    pub fn new_i32(data: &[i32], shape: &[usize], gpu: &Device) -> Pair {
        Pair { cpu: Tensor::from_i32(data.to_vec(), shape, &cpu()).unwrap(), gpu: Tensor::from_i32(data.to_vec(), shape, gpu).unwrap() }
    }
    /// Apply the same operation on both devices.
    pub fn map(&self, f: impl Fn(&Tensor) -> Result<Tensor>) -> Pair {
        Pair { cpu: f(&self.cpu).unwrap(), gpu: f(&self.gpu).unwrap() }
    }
    pub fn zip(&self, other: &Pair, f: impl Fn(&Tensor, &Tensor) -> Result<Tensor>) -> Pair {
        Pair { cpu: f(&self.cpu, &other.cpu).unwrap(), gpu: f(&self.gpu, &other.gpu).unwrap() }
    }
    pub fn shape(&self) -> Vec<usize> {
        self.cpu.dims()
    }
}

pub fn random_shape(rng: &mut Rng, max_rank: usize, max_dim: usize) -> Vec<usize> {
    let rank = 1 + rng.below(max_rank);
    (0..rank).map(|_| 1 + rng.below(max_dim)).collect()
}

pub fn normal_data(rng: &mut Rng, n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|_| scale * rng.normal()).collect()
}

/// A view of `shape` built the way models build them: a permuted (transposed) base, a narrowed
/// base (offset and gaps), a broadcast base (stride 0), or plain contiguous.
pub fn random_view(rng: &mut Rng, shape: &[usize], gpu: &Device, data: impl Fn(&mut Rng, usize) -> Vec<f32>) -> (Pair, &'static str) {
    let rank = shape.len();
    match rng.below(4) {
        0 => {
            let n = shape.iter().product();
            (Pair::new(&data(rng, n), shape, gpu), "contiguous")
        }
        1 => {
            // base[perm_inv] permuted by perm gives `shape`.
            let perm = rng.permutation(rank);
            let base: Vec<usize> = {
                let mut b = vec![0; rank];
                for (i, &p) in perm.iter().enumerate() {
                    b[p] = shape[i];
                }
                b
            };
            let n = base.iter().product();
            let p = Pair::new(&data(rng, n), &base, gpu);
            (p.map(|t| t.permute(&perm)), "permuted")
        }
        2 => {
            let axis = rng.below(rank);
            let extra = 1 + rng.below(3);
            let start = rng.below(extra + 1);
            let mut base = shape.to_vec();
            base[axis] += extra;
            let n = base.iter().product();
            let p = Pair::new(&data(rng, n), &base, gpu);
            (p.map(|t| t.narrow(axis as isize, start, shape[axis])), "narrowed")
        }
        _ => {
            // Drop some leading dims and set some others to 1, then broadcast back up.
            let lead = rng.below(rank);
            let base: Vec<usize> = shape[lead..].iter().map(|&d| if rng.below(2) == 0 { 1 } else { d }).collect();
            let n = base.iter().product();
            let p = Pair::new(&data(rng, n), &base, gpu);
            (p.map(|t| t.broadcast_to(shape)), "broadcast")
        }
    }
}

/// Both NaN, equal infinities, both zero or subnormal, or |gpu - cpu| <= atol + rtol·|cpu|.
pub fn close(g: f32, c: f32, rtol: f32, atol: f32) -> bool {
    if c.is_nan() || g.is_nan() {
        return c.is_nan() && g.is_nan();
    }
    if c.is_infinite() || g.is_infinite() {
        return c == g;
    }
    // GPUs may flush subnormals to zero.
    if c.abs() < f32::MIN_POSITIVE && g.abs() < f32::MIN_POSITIVE {
        return true;
    }
    (g - c).abs() <= atol + rtol * c.abs()
}

pub fn assert_close_slices(what: &str, gpu: &[f32], cpu: &[f32], rtol: f32, atol: f32) {
    assert_eq!(gpu.len(), cpu.len(), "{what}: lengths differ");
    let mut worst: Option<(usize, f32)> = None;
    for (i, (&g, &c)) in gpu.iter().zip(cpu).enumerate() {
        if !close(g, c, rtol, atol) {
            let err = if g.is_finite() && c.is_finite() { (g - c).abs() } else { f32::INFINITY };
            if worst.is_none_or(|(_, w)| err > w) {
                worst = Some((i, err));
            }
        }
    }
    if let Some((i, err)) = worst {
        panic!("{what}: element {i}: gpu {} vs cpu {} (error {err:e}, rtol {rtol:e}, atol {atol:e})", gpu[i], cpu[i]);
    }
}

/// Compare shapes and values of a pair.
pub fn assert_pair(what: &str, p: &Pair, rtol: f32, atol: f32) {
    assert_eq!(p.gpu.shape(), p.cpu.shape(), "{what}: shapes differ");
    assert_eq!(p.gpu.dtype(), p.cpu.dtype(), "{what}: dtypes differ");
    if p.cpu.dtype() == webgrad_core::DType::I32 {
        assert_eq!(p.gpu.to_vec_i32().unwrap(), p.cpu.to_vec_i32().unwrap(), "{what}");
    } else {
        assert_close_slices(what, &p.gpu.to_vec().unwrap(), &p.cpu.to_vec().unwrap(), rtol, atol);
    }
}

/// Values that trip kernels up: signed zeros, tiny, huge, NaN, infinities.
pub const SPECIALS: [f32; 16] =
    [0.0, -0.0, 1e-8, -1e-8, 0.3, -0.3, 0.5, -0.5, 1.0, -1.0, 10.0, -10.0, 88.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
