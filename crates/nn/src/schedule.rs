//! Learning-rate schedules, as a function of the optimizer step (0 for the first update).
use serde::{Deserialize, Serialize};
use webgrad_core::{bail, Result};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Schedule {
    /// The base rate throughout.
    #[default]
    Constant,
    /// lr · gamma^⌊step / step_size⌋ (PyTorch's StepLR, counted in steps).
    Step { step_size: u64, gamma: f32 },
    /// lr · gamma^(step / decay_steps) (Keras' ExponentialDecay).
    Exponential {
        gamma: f32,
        #[serde(default = "one")]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<u64>", optional))]
        decay_steps: u64,
    },
    /// Half a cosine from lr down to `min_lr` over `total_steps`, then `min_lr`.
    Cosine {
        total_steps: u64,
        #[serde(default)]
        #[cfg_attr(not(target_arch = "wasm32"), ts(as = "Option<f32>", optional))]
        min_lr: f32,
    },
    /// Linear warm-up from lr/steps to lr over `steps`, then `then` (counted from the end of the
    /// warm-up).
    Warmup { steps: u64, then: Box<Schedule> },
}

fn one() -> u64 {
    1
}

impl Schedule {
    pub fn validate(&self) -> Result<()> {
        let op = "schedule";
        match self {
            Schedule::Constant => {}
            Schedule::Step { step_size, gamma } => {
                if *step_size == 0 {
                    bail!(op, "step: step_size must be ≥ 1");
                }
                if !(*gamma > 0.0 && *gamma <= 1.0) {
                    bail!(op, "step: gamma {} must be in (0, 1]", gamma);
                }
            }
            Schedule::Exponential { gamma, decay_steps } => {
                if *decay_steps == 0 {
                    bail!(op, "exponential: decay_steps must be ≥ 1");
                }
                if !(*gamma > 0.0 && *gamma <= 1.0) {
                    bail!(op, "exponential: gamma {} must be in (0, 1]", gamma);
                }
            }
            Schedule::Cosine { total_steps, min_lr } => {
                if *total_steps == 0 {
                    bail!(op, "cosine: total_steps must be ≥ 1");
                }
                if !(*min_lr >= 0.0 && min_lr.is_finite()) {
                    bail!(op, "cosine: min_lr {} must be finite and ≥ 0", min_lr);
                }
            }
            Schedule::Warmup { steps, then } => {
                if *steps == 0 {
                    bail!(op, "warmup: steps must be ≥ 1");
                }
                then.validate()?;
            }
        }
        Ok(())
    }

    /// The learning rate for update number `step` (0-based) given the base rate `lr`.
    pub fn lr(&self, lr: f32, step: u64) -> f32 {
        match self {
            Schedule::Constant => lr,
            Schedule::Step { step_size, gamma } => lr * gamma.powi((step / step_size) as i32),
            Schedule::Exponential { gamma, decay_steps } => lr * gamma.powf(step as f32 / *decay_steps as f32),
            Schedule::Cosine { total_steps, min_lr } => {
                let frac = step.min(*total_steps) as f32 / *total_steps as f32;
                min_lr + (lr - min_lr) * 0.5 * (1.0 + (std::f32::consts::PI * frac).cos())
            }
            Schedule::Warmup { steps, then } => {
                if step < *steps {
                    lr * (step + 1) as f32 / *steps as f32
                } else {
                    then.lr(lr, step - steps)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_follow_their_formulas() {
        assert_eq!(Schedule::Constant.lr(0.1, 1000), 0.1);
        let s = Schedule::Step { step_size: 10, gamma: 0.5 };
        assert_eq!([s.lr(1.0, 0), s.lr(1.0, 9), s.lr(1.0, 10), s.lr(1.0, 25)], [1.0, 1.0, 0.5, 0.25]);
        let e = Schedule::Exponential { gamma: 0.5, decay_steps: 2 };
        assert!((e.lr(1.0, 1) - 0.5f32.sqrt()).abs() < 1e-6 && (e.lr(1.0, 4) - 0.25).abs() < 1e-6);
        let c = Schedule::Cosine { total_steps: 100, min_lr: 0.1 };
        assert_eq!(c.lr(1.0, 0), 1.0);
        assert!((c.lr(1.0, 50) - 0.55).abs() < 1e-6);
        assert!((c.lr(1.0, 100) - 0.1).abs() < 1e-6 && (c.lr(1.0, 500) - 0.1).abs() < 1e-6);
        let w = Schedule::Warmup { steps: 4, then: Box::new(c.clone()) };
        assert_eq!([w.lr(1.0, 0), w.lr(1.0, 3), w.lr(1.0, 4)], [0.25, 1.0, 1.0]);
        assert!((w.lr(1.0, 54) - 0.55).abs() < 1e-6);
        assert!(Schedule::Step { step_size: 0, gamma: 0.5 }.validate().is_err());
        assert!(Schedule::Warmup { steps: 3, then: Box::new(Schedule::Exponential { gamma: 2.0, decay_steps: 1 }) }.validate().is_err());
    }
}
