//! A small seeded generator (PCG-XSH-RR 64/32). The same seed gives bit-identical streams on
//! every platform, so initialisation, shuffling and dropout are reproducible everywhere.
use crate::tensor::{Device, Tensor};
use crate::Result;

#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
    inc: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut r = Rng { state: 0, inc: (seed << 1) | 1 };
        r.next_u32();
        r.state = r.state.wrapping_add(seed ^ 0x853c_49e6_748f_ea9b);
        r.next_u32();
        r
    }

    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(self.inc);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
    }

    /// Uniform in [0, 1) with 24 random bits (exactly representable in f32).
    pub fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    pub fn uniform_range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform()
    }

    /// Standard normal by Box–Muller (one value per call; simple and deterministic).
    pub fn normal(&mut self) -> f32 {
        let u1 = (self.uniform() as f64).max(1e-12);
        let u2 = self.uniform() as f64;
        ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
    }

    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u32() as u64 * n as u64) >> 32) as usize
    }

    /// A random permutation of 0..n (Fisher–Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            p.swap(i, j);
        }
        p
    }

    /// A child generator with an independent stream (for per-layer or per-worker use).
    pub fn fork(&mut self) -> Rng {
        let hi = self.next_u32() as u64;
        let lo = self.next_u32() as u64;
        Rng::new((hi << 32) | lo)
    }

    pub fn uniform_tensor(&mut self, shape: &[usize], lo: f32, hi: f32, device: &Device) -> Result<Tensor> {
        let n = crate::shape::checked_numel("uniform", shape)?;
        let mut data = crate::memory::try_vec("uniform", n)?;
        data.extend((0..n).map(|_| self.uniform_range(lo, hi)));
        Tensor::from_vec(data, shape, device)
    }

    pub fn normal_tensor(&mut self, shape: &[usize], mean: f32, std: f32, device: &Device) -> Result<Tensor> {
        let n = crate::shape::checked_numel("normal", shape)?;
        let mut data = crate::memory::try_vec("normal", n)?;
        data.extend((0..n).map(|_| mean + std * self.normal()));
        Tensor::from_vec(data, shape, device)
    }

    /// Inverted-dropout mask: each entry is 0 with probability `p`, else 1/(1-p).
    pub fn dropout_mask(&mut self, shape: &[usize], p: f32, device: &Device) -> Result<Tensor> {
        if !(0.0..1.0).contains(&p) {
            crate::bail!("dropout", "probability {} must be in [0, 1)", p);
        }
        let keep = 1.0 / (1.0 - p);
        let n = crate::shape::checked_numel("dropout", shape)?;
        let mut data = crate::memory::try_vec("dropout", n)?;
        data.extend((0..n).map(|_| if self.uniform() < p { 0.0 } else { keep }));
        Tensor::from_vec(data, shape, device)
    }
}
