//! The playground's additions to `Model`: per-layer outputs, switching optimizer and
//! regularisation mid-run, and reading/writing one parameter by name.
use webgrad_core::{Device, Tensor};
use webgrad_cpu::cpu;
use webgrad_nn::*;

fn mlp(dev: &Device, extra: &str) -> Model {
    let json = format!(
        r#"{{"input_shape": [2], "layers": [
            {{"type": "dense", "units": 4, "activation": "linear"}},
            {{"type": "batch_norm"}},
            {{"type": "activation", "activation": "tanh"}},
            {{"type": "dense", "units": 3}}],
          "loss": {{"type": "softmax_cross_entropy"}}, "optimizer": {{"type": "sgd", "lr": 0.1, "momentum": 0.9}},
          "seed": 3{extra}}}"#
    );
    build(&ModelSpec::from_json(&json).unwrap(), dev).unwrap()
}

fn batch(dev: &Device) -> (Tensor, Tensor) {
    let x = Tensor::from_slice(&[0.5f32, -1.0, 1.5, 0.25, -0.75, 2.0, 0.0, -0.5], &[4, 2], dev).unwrap();
    let y = Tensor::from_i32(vec![0, 1, 2, 1], &[4], dev).unwrap();
    (x, y)
}

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-5 * (1.0 + y.abs()))
}

#[test]
fn layer_outputs_give_every_layer_and_end_in_predict() {
    let dev = cpu();
    let mut m = mlp(&dev, "");
    let (x, y) = batch(&dev);
    m.train_step(&x, &y).unwrap(); // leaves the model in training mode; layer_outputs must not care
    let outs = m.layer_outputs(&x).unwrap();
    assert_eq!(outs.len(), 4);
    let shapes: Vec<Vec<usize>> = outs.iter().map(|t| t.shape().to_vec()).collect();
    assert_eq!(shapes, [vec![4, 4], vec![4, 4], vec![4, 4], vec![4, 3]]);
    assert!(outs.iter().all(|t| !t.requires_grad()));
    let tanh = outs[2].to_vec().unwrap();
    assert!(tanh.iter().all(|v| v.abs() <= 1.0));
    assert!(close(&outs[3].to_vec().unwrap(), &m.predict(&x).unwrap().to_vec().unwrap()));
    assert!(m.layer_outputs(&Tensor::zeros(&[4, 3], &dev).unwrap()).is_err());
}

#[test]
fn param_reads_and_set_param_writes_one_tensor() {
    let dev = cpu();
    let m = mlp(&dev, "");
    let w = m.param("0.weight").expect("dense kernel");
    assert_eq!(w.shape(), [2, 4]);
    assert!(m.param("1.running_mean").is_some());
    assert!(m.param("9.weight").is_none());
    let mut v = w.get().to_vec().unwrap();
    v[5] = 0.75;
    m.set_param("0.weight", &Tensor::from_slice(&v, &[2, 4], &dev).unwrap()).unwrap();
    assert_eq!(m.param("0.weight").unwrap().get().to_vec().unwrap()[5], 0.75);
    assert!(m.param("0.weight").unwrap().get().requires_grad());
    assert!(m.set_param("0.weight", &Tensor::zeros(&[4, 2], &dev).unwrap()).is_err());
    assert!(m.set_param("0.nope", &Tensor::zeros(&[2, 4], &dev).unwrap()).is_err());
    assert!(m.set_param("3.bias", &Tensor::from_i32(vec![1, 2, 3], &[3], &dev).unwrap()).is_err());
}

#[test]
fn set_param_keeps_training_going_with_the_new_value() {
    let dev = cpu();
    let mut m = mlp(&dev, "");
    let (x, y) = batch(&dev);
    m.train_step(&x, &y).unwrap();
    m.set_param("3.bias", &Tensor::from_slice(&[5.0f32, 0.0, 0.0], &[3], &dev).unwrap()).unwrap();
    m.train_step(&x, &y).unwrap();
    let b = m.param("3.bias").unwrap().get().to_vec().unwrap();
    assert!(b[0] > 4.0 && b[0] < 5.0, "trained from the set value: {b:?}");
}

#[test]
fn set_optimizer_switches_kind_and_matches_a_fresh_optimizer() {
    let dev = cpu();
    let (x, y) = batch(&dev);
    // SGD for two steps, then Adam: the Adam part must equal a fresh Adam model started from the
    // same weights (fresh state, bias correction from its own first step).
    let mut a = mlp(&dev, "");
    a.train_step(&x, &y).unwrap();
    a.train_step(&x, &y).unwrap();
    let adam = OptimizerSpec::adam(0.01);
    a.set_optimizer(adam.clone()).unwrap();
    assert_eq!(a.spec().optimizer, adam);
    assert_eq!(a.optimizer().steps(), 2);
    let mut fresh = mlp(&dev, "");
    fresh.set_optimizer(adam.clone()).unwrap();
    let params: Vec<(String, Tensor)> = a.named_parameters().into_iter().map(|(n, p)| (n, p.get())).collect();
    fresh.load_parameters(params).unwrap();
    for _ in 0..3 {
        a.train_step(&x, &y).unwrap();
        fresh.train_step(&x, &y).unwrap();
    }
    for ((n, p), (_, q)) in a.named_parameters().into_iter().zip(fresh.named_parameters()) {
        assert!(close(&p.get().to_vec().unwrap(), &q.get().to_vec().unwrap()), "{n} differs");
    }
    assert!(a.set_optimizer(OptimizerSpec::sgd(-1.0)).is_err());
    assert_eq!(a.spec().optimizer, adam, "a rejected spec changes nothing");
}

#[test]
fn set_optimizer_of_the_same_kind_keeps_its_state() {
    let dev = cpu();
    let (x, y) = batch(&dev);
    let mut a = mlp(&dev, "");
    let mut b = mlp(&dev, "");
    for m in [&mut a, &mut b] {
        m.train_step(&x, &y).unwrap();
    }
    a.set_optimizer(OptimizerSpec::Sgd { lr: 0.1, momentum: 0.9, nesterov: false, weight_decay: 0.0 }).unwrap();
    assert_eq!(a.optimizer().state_tensors().len(), b.optimizer().state_tensors().len());
    for m in [&mut a, &mut b] {
        m.train_step(&x, &y).unwrap();
    }
    let wa = a.param("0.weight").unwrap().get().to_vec().unwrap();
    let wb = b.param("0.weight").unwrap().get().to_vec().unwrap();
    assert!(close(&wa, &wb), "momentum carried over");
}

#[test]
fn set_regularization_changes_the_objective() {
    let dev = cpu();
    let mut m = mlp(&dev, "");
    let (x, y) = batch(&dev);
    let pred = m.predict(&x).unwrap();
    let plain = m.loss(&pred, &y).unwrap().item().unwrap();
    m.set_regularization(Regularization { l1: 0.0, l2: 0.5 }).unwrap();
    assert_eq!(m.spec().regularization.l2, 0.5);
    let w0 = m.param("0.weight").unwrap().get().to_vec().unwrap();
    let w3 = m.param("3.weight").unwrap().get().to_vec().unwrap();
    let sq: f32 = w0.iter().chain(&w3).map(|v| v * v).sum();
    let l2 = m.loss(&pred, &y).unwrap().item().unwrap();
    assert!((l2 - plain - 0.5 * sq).abs() < 1e-4, "{l2} vs {plain} + 0.5·{sq}");
    assert!(close(&[m.data_loss(&pred, &y).unwrap().item().unwrap()], &[plain]));
    assert!(m.set_regularization(Regularization { l1: -1.0, l2: 0.0 }).is_err());
    assert_eq!(m.spec().regularization.l2, 0.5);
}
