//! Optimizers against scalar re-implementations of PyTorch's update rules, schedules inside the
//! optimizer, clipping, and state save/restore.
use webgrad_core::{Device, Tensor};
use webgrad_cpu::cpu;
use webgrad_nn::optim::clip_by_global_norm;
use webgrad_nn::*;

/// Minimise Σ c_i·w_i² + w_i from w0 with `spec` for `steps` steps; returns w after each step.
fn run(spec: OptimizerSpec, schedule: Schedule, steps: usize, dev: &Device) -> Vec<Vec<f32>> {
    let p = Param::new(Tensor::from_vec(vec![1.0, -2.0, 0.5], &[3], dev).unwrap());
    let c = Tensor::from_vec(vec![1.0, 0.5, 3.0], &[3], dev).unwrap();
    let mut opt = Optimizer::new(spec, vec![("w".into(), p.clone())]).unwrap().with_schedule(schedule).unwrap();
    let mut out = vec![];
    for _ in 0..steps {
        opt.zero_grad();
        let w = p.get();
        w.square().unwrap().mul(&c).unwrap().add(&w).unwrap().sum_all().unwrap().backward().unwrap();
        opt.step().unwrap();
        out.push(p.get().to_vec().unwrap());
    }
    out
}

fn grad(w: f64, c: f64) -> f64 {
    2.0 * c * w + 1.0
}

/// The same problem in f64 with a per-coordinate update rule.
fn reference(steps: usize, mut rule: impl FnMut(usize, usize, f64, f64) -> f64) -> Vec<Vec<f32>> {
    let mut w = [1.0f64, -2.0, 0.5];
    let c = [1.0, 0.5, 3.0];
    let mut out = vec![];
    for t in 1..=steps {
        for i in 0..3 {
            w[i] = rule(t, i, w[i], grad(w[i], c[i]));
        }
        out.push(w.iter().map(|&v| v as f32).collect());
    }
    out
}

fn assert_close(a: &[Vec<f32>], b: &[Vec<f32>]) {
    for (step, (x, y)) in a.iter().zip(b).enumerate() {
        for (u, v) in x.iter().zip(y) {
            assert!((u - v).abs() < 1e-5 * (1.0 + v.abs()), "step {step}: {x:?} vs {y:?}");
        }
    }
}

#[test]
fn sgd_momentum_and_nesterov_match_pytorch() {
    let dev = cpu();
    let got = run(OptimizerSpec::sgd(0.1), Schedule::Constant, 5, &dev);
    assert_close(&got, &reference(5, |_, _, w, g| w - 0.1 * g));
    for nesterov in [false, true] {
        let spec = OptimizerSpec::Sgd { lr: 0.05, momentum: 0.9, nesterov, weight_decay: 0.01 };
        let got = run(spec, Schedule::Constant, 6, &dev);
        let mut buf = [0.0f64; 3];
        let want = reference(6, |t, i, w, g| {
            let g = g + 0.01 * w;
            buf[i] = if t == 1 { g } else { 0.9 * buf[i] + g };
            let d = if nesterov { g + 0.9 * buf[i] } else { buf[i] };
            w - 0.05 * d
        });
        assert_close(&got, &want);
    }
}

#[test]
fn adam_and_adamw_match_pytorch() {
    let dev = cpu();
    for (decoupled, wd) in [(false, 0.0), (false, 0.1), (true, 0.1)] {
        let (lr, b1, b2, eps) = (0.01, 0.9, 0.999, 1e-8);
        let spec = if decoupled {
            OptimizerSpec::AdamW { lr: lr as f32, beta1: b1 as f32, beta2: b2 as f32, eps: eps as f32, weight_decay: wd as f32 }
        } else {
            OptimizerSpec::Adam { lr: lr as f32, beta1: b1 as f32, beta2: b2 as f32, eps: eps as f32, weight_decay: wd as f32 }
        };
        let got = run(spec, Schedule::Constant, 8, &dev);
        let (mut m, mut v) = ([0.0f64; 3], [0.0f64; 3]);
        let want = reference(8, |t, i, w, g| {
            let mut w = w;
            let mut g = g;
            if decoupled {
                w *= 1.0 - lr * wd;
            } else {
                g += wd * w;
            }
            m[i] = b1 * m[i] + (1.0 - b1) * g;
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            let (bc1, bc2) = (1.0 - b1.powi(t as i32), 1.0 - b2.powi(t as i32));
            w - lr / bc1 * m[i] / (v[i].sqrt() / bc2.sqrt() + eps)
        });
        assert_close(&got, &want);
    }
}

#[test]
fn rmsprop_matches_pytorch() {
    let dev = cpu();
    for momentum in [0.0, 0.5] {
        let spec = OptimizerSpec::RmsProp { lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: momentum as f32, weight_decay: 0.0 };
        let got = run(spec, Schedule::Constant, 6, &dev);
        let (mut sq, mut buf) = ([0.0f64; 3], [0.0f64; 3]);
        let want = reference(6, |_, i, w, g| {
            sq[i] = 0.99 * sq[i] + 0.01 * g * g;
            let d = g / (sq[i].sqrt() + 1e-8);
            buf[i] = momentum * buf[i] + d;
            w - 0.01 * if momentum > 0.0 { buf[i] } else { d }
        });
        assert_close(&got, &want);
    }
}

#[test]
fn the_schedule_sets_each_steps_rate() {
    let dev = cpu();
    let sched = Schedule::Warmup { steps: 2, then: Box::new(Schedule::Step { step_size: 2, gamma: 0.5 }) };
    let got = run(OptimizerSpec::sgd(0.1), sched.clone(), 6, &dev);
    let want = reference(6, |t, _, w, g| w - sched.lr(0.1, t as u64 - 1) as f64 * g);
    assert_close(&got, &want);
}

#[test]
fn clipping_scales_to_the_global_norm() {
    let dev = cpu();
    let a = Tensor::from_vec(vec![3.0, 0.0], &[2], &dev).unwrap();
    let b = Tensor::from_vec(vec![4.0], &[1], &dev).unwrap();
    let (clipped, norm) = clip_by_global_norm(&[a.clone(), b.clone()], 1.0).unwrap();
    assert_eq!(norm.item().unwrap(), 5.0);
    assert_eq!(clipped[0].to_vec().unwrap(), [0.6, 0.0]);
    assert_eq!(clipped[1].to_vec().unwrap(), [0.8]);
    let (same, _) = clip_by_global_norm(&[a.clone(), b], 10.0).unwrap();
    assert_eq!(same[0].to_vec().unwrap(), a.to_vec().unwrap());
    assert!(clip_by_global_norm(&[a], 0.0).is_err());

    // Inside the optimizer: one SGD step with lr 1 moves w by at most max_norm.
    let p = Param::new(Tensor::from_vec(vec![0.0, 0.0], &[2], &dev).unwrap());
    let mut opt = Optimizer::new(OptimizerSpec::sgd(1.0), vec![("w".into(), p.clone())]).unwrap().with_clip_grad_norm(Some(0.5)).unwrap();
    p.get().mul(&Tensor::from_vec(vec![30.0, 40.0], &[2], &dev).unwrap()).unwrap().sum_all().unwrap().backward().unwrap();
    let norm = opt.step().unwrap().unwrap();
    assert_eq!(norm.item().unwrap(), 50.0);
    let w = p.get().to_vec().unwrap();
    assert!((w[0] + 0.3).abs() < 1e-6 && (w[1] + 0.4).abs() < 1e-6, "{w:?}");
}

#[test]
fn state_round_trips_and_parameters_without_gradients_are_left_alone() {
    let dev = cpu();
    let p = Param::new(Tensor::from_vec(vec![1.0, 2.0], &[2], &dev).unwrap());
    let q = Param::new(Tensor::from_vec(vec![5.0], &[1], &dev).unwrap());
    let buffer = Param::buffer(Tensor::zeros(&[1], &dev).unwrap());
    let named = vec![("p".to_string(), p.clone()), ("q".to_string(), q.clone()), ("b".to_string(), buffer)];
    let mut opt = Optimizer::new(OptimizerSpec::adam(0.1), named.clone()).unwrap();
    assert_eq!(opt.params().len(), 2, "buffers are not optimised");
    p.get().sum_all().unwrap().backward().unwrap();
    opt.step().unwrap();
    assert_eq!(q.get().to_vec().unwrap(), [5.0]);
    let state = opt.state_tensors();
    let names: Vec<&str> = state.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["p.m", "p.v"]);

    let mut fresh = Optimizer::new(OptimizerSpec::adam(0.1), named).unwrap();
    fresh.load_state(opt.steps(), state.clone()).unwrap();
    assert_eq!(fresh.steps(), 1);
    assert_eq!(fresh.state_tensors().len(), 2);
    let bad = vec![("r.m".to_string(), state[0].1.clone())];
    assert!(fresh.load_state(1, bad).unwrap_err().to_string().contains("\"r.m\""));
    let wrong_shape = vec![("q.m".to_string(), state[0].1.clone())];
    assert!(fresh.load_state(1, wrong_shape).unwrap_err().to_string().contains("shape"));
}

#[test]
fn bad_hyper_parameters_are_rejected_with_names() {
    let err = |s: OptimizerSpec| s.validate().unwrap_err().to_string();
    assert!(err(OptimizerSpec::sgd(0.0)).contains("lr = 0"));
    assert!(err(OptimizerSpec::Sgd { lr: 0.1, momentum: 1.0, nesterov: false, weight_decay: 0.0 }).contains("momentum"));
    assert!(err(OptimizerSpec::Sgd { lr: 0.1, momentum: 0.0, nesterov: true, weight_decay: 0.0 }).contains("nesterov"));
    assert!(err(OptimizerSpec::Adam { lr: 0.1, beta1: 0.9, beta2: 1.5, eps: 1e-8, weight_decay: 0.0 }).contains("beta2"));
    assert!(err(OptimizerSpec::adamw(f32::NAN, 0.0)).contains("lr"));
    assert!(err(OptimizerSpec::RmsProp { lr: 0.1, alpha: 0.9, eps: 0.0, momentum: 0.0, weight_decay: 0.0 }).contains("eps"));
}
