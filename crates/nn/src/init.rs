//! Weight initialisers, drawn from the seeded `Rng` (so a model's seed fixes its weights).
use serde::{Deserialize, Serialize};
use webgrad_core::{bail, Device, Result, Rng, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Init {
    Zeros,
    Ones,
    /// U(±√(6 / (fan_in + fan_out))) — Keras' default for Dense and Conv kernels.
    GlorotUniform,
    /// N(0, 2 / (fan_in + fan_out)).
    GlorotNormal,
    /// U(±√(6 / fan_in)) — for ReLU networks.
    HeUniform,
    /// N(0, 2 / fan_in).
    HeNormal,
    /// U(±√(3 / fan_in)), i.e. variance 1 / fan_in.
    LecunUniform,
    /// N(0, 1 / fan_in).
    LecunNormal,
    /// N(0, std²), e.g. 0.02 for transformer weights (GPT-2).
    Normal { std: f32 },
    /// U(±limit).
    Uniform { limit: f32 },
}

impl Init {
    pub fn validate(&self) -> Result<()> {
        match *self {
            Init::Normal { std } if !(std >= 0.0 && std.is_finite()) => bail!("init", "normal std {} must be finite and ≥ 0", std),
            Init::Uniform { limit } if !(limit >= 0.0 && limit.is_finite()) => bail!("init", "uniform limit {} must be finite and ≥ 0", limit),
            _ => Ok(()),
        }
    }

    /// A tensor of `shape` whose fans (inputs and outputs per unit) are `fan_in` and `fan_out`.
    pub fn tensor(&self, shape: &[usize], fan_in: usize, fan_out: usize, rng: &mut Rng, device: &Device) -> Result<Tensor> {
        self.validate()?;
        let (fi, fo) = (fan_in.max(1) as f32, fan_out.max(1) as f32);
        match *self {
            Init::Zeros => Tensor::zeros(shape, device),
            Init::Ones => Tensor::ones(shape, device),
            Init::GlorotUniform => Init::Uniform { limit: (6.0 / (fi + fo)).sqrt() }.tensor(shape, fan_in, fan_out, rng, device),
            Init::GlorotNormal => rng.normal_tensor(shape, 0.0, (2.0 / (fi + fo)).sqrt(), device),
            Init::HeUniform => Init::Uniform { limit: (6.0 / fi).sqrt() }.tensor(shape, fan_in, fan_out, rng, device),
            Init::HeNormal => rng.normal_tensor(shape, 0.0, (2.0 / fi).sqrt(), device),
            Init::LecunUniform => Init::Uniform { limit: (3.0 / fi).sqrt() }.tensor(shape, fan_in, fan_out, rng, device),
            Init::LecunNormal => rng.normal_tensor(shape, 0.0, (1.0 / fi).sqrt(), device),
            Init::Normal { std } => rng.normal_tensor(shape, 0.0, std, device),
            Init::Uniform { limit } => rng.uniform_tensor(shape, -limit, limit, device),
        }
    }
}
