//! Causal multi-head self-attention and a pre-norm transformer block (GPT-2 style).
use crate::init::Init;
use crate::layers::{Activation, Dropout, Linear};
use crate::module::{visit_child, Module};
use crate::norm::LayerNorm;
use crate::param::Param;
use std::cell::RefCell;
use webgrad_core::{bail, Device, Result, Rng, Tensor};

/// `[B, T, E]` → `[B, T, E]`: each position attends to itself and earlier positions only.
pub struct CausalSelfAttention {
    pub heads: usize,
    /// Projects to queries, keys and values at once: `[E, 3E]`.
    pub qkv: Linear,
    pub proj: Linear,
    pub dropout: Option<Dropout>,
    /// The additive mask (0 on and below the diagonal, −1e9 above) of the last length seen.
    mask: RefCell<Option<Tensor>>,
}

impl CausalSelfAttention {
    pub fn new(dim: usize, heads: usize, dropout: f32, init: Init, rng: &mut Rng, device: &Device) -> Result<Self> {
        if heads == 0 || dim % heads != 0 {
            bail!("attention", "embedding size {} must be a multiple of the number of heads {}", dim, heads);
        }
        Ok(CausalSelfAttention {
            heads,
            qkv: Linear::new(dim, 3 * dim, true, init, rng, device)?,
            proj: Linear::new(dim, dim, true, init, rng, device)?,
            dropout: if dropout > 0.0 { Some(Dropout::new(dropout, rng.fork())?) } else { None },
            mask: RefCell::new(None),
        })
    }

    fn causal_mask(&self, t: usize, device: &Device) -> Result<Tensor> {
        if let Some(m) = self.mask.borrow().as_ref().filter(|m| m.shape() == [t, t] && m.device().same(device)) {
            return Ok(m.clone());
        }
        let data = (0..t * t).map(|i| if i % t > i / t { -1e9 } else { 0.0 }).collect();
        let m = Tensor::from_vec(data, &[t, t], device)?;
        *self.mask.borrow_mut() = Some(m.clone());
        Ok(m)
    }
}

impl Module for CausalSelfAttention {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        if x.rank() != 3 {
            bail!("attention", "expects [batch, time, embedding], got {:?}", x.shape());
        }
        let (b, t, e) = (x.shape()[0], x.shape()[1], x.shape()[2]);
        let (h, d) = (self.heads, e / self.heads);
        let qkv = self.qkv.forward(x)?; // [B, T, 3E]
        let split = |i: usize| qkv.narrow(2, i * e, e)?.reshape(&[b, t, h, d])?.permute(&[0, 2, 1, 3]); // [B, H, T, D]
        let (q, k, v) = (split(0)?, split(1)?, split(2)?);
        let scores = q.matmul(&k.t()?)?.mul_scalar(1.0 / (d as f32).sqrt())?.add(&self.causal_mask(t, x.device())?)?;
        let mut att = scores.softmax(-1)?;
        if let Some(drop) = &self.dropout {
            att = drop.forward(&att)?;
        }
        let y = att.matmul(&v)?.permute(&[0, 2, 1, 3])?.reshape(&[b, t, e])?;
        let y = self.proj.forward(&y)?;
        match &self.dropout {
            Some(drop) => drop.forward(&y),
            None => Ok(y),
        }
    }
    fn kind(&self) -> &'static str {
        "causal_self_attention"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        visit_child("qkv", &self.qkv, f);
        visit_child("proj", &self.proj, f);
    }
    fn set_training(&self, training: bool) {
        if let Some(d) = &self.dropout {
            d.set_training(training);
        }
    }
}

/// x + attn(ln1(x)), then x + mlp(ln2(x)) with a GELU MLP of `mlp_ratio`·E hidden units.
pub struct TransformerBlock {
    pub ln1: LayerNorm,
    pub attn: CausalSelfAttention,
    pub ln2: LayerNorm,
    pub fc: Linear,
    pub proj: Linear,
    pub dropout: Option<Dropout>,
}

impl TransformerBlock {
    pub fn new(dim: usize, heads: usize, mlp_ratio: usize, dropout: f32, init: Init, rng: &mut Rng, device: &Device) -> Result<Self> {
        let hidden = dim * mlp_ratio.max(1);
        Ok(TransformerBlock {
            ln1: LayerNorm::new(dim, 1e-5, device)?,
            attn: CausalSelfAttention::new(dim, heads, dropout, init, rng, device)?,
            ln2: LayerNorm::new(dim, 1e-5, device)?,
            fc: Linear::new(dim, hidden, true, init, rng, device)?.with_activation(Activation::Gelu),
            proj: Linear::new(hidden, dim, true, init, rng, device)?,
            dropout: if dropout > 0.0 { Some(Dropout::new(dropout, rng.fork())?) } else { None },
        })
    }
}

impl Module for TransformerBlock {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let x = x.add(&self.attn.forward(&self.ln1.forward(x)?)?)?;
        let mut m = self.proj.forward(&self.fc.forward(&self.ln2.forward(&x)?)?)?;
        if let Some(drop) = &self.dropout {
            m = drop.forward(&m)?;
        }
        x.add(&m)
    }
    fn kind(&self) -> &'static str {
        "transformer_block"
    }
    fn visit_params(&self, f: &mut dyn FnMut(&str, &Param)) {
        visit_child("ln1", &self.ln1, f);
        visit_child("attn", &self.attn, f);
        visit_child("ln2", &self.ln2, f);
        visit_child("fc", &self.fc, f);
        visit_child("proj", &self.proj, f);
    }
    fn set_training(&self, training: bool) {
        self.attn.set_training(training);
        if let Some(d) = &self.dropout {
            d.set_training(training);
        }
    }
}
