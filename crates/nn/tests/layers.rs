//! Layers and losses on the CPU device: values against hand computations, gradients against
//! finite differences, and the error messages.
use webgrad_core::{no_grad, DType, Device, Rng, Tensor};
use webgrad_cpu::cpu;
use webgrad_nn::attention::{CausalSelfAttention, TransformerBlock};
use webgrad_nn::layers::*;
use webgrad_nn::norm::{BatchNorm, LayerNorm};
use webgrad_nn::*;

fn t(data: &[f32], shape: &[usize], dev: &Device) -> Tensor {
    Tensor::from_slice(data, shape, dev).unwrap()
}

fn close(a: &[f32], b: &[f32], tol: f32) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol * (1.0 + y.abs()))
}

/// Central finite differences of `f` (a scalar function of the module's parameters) against the
/// gradients autograd leaves in them.
fn gradcheck(module: &dyn Module, f: &dyn Fn() -> Tensor, tol: f32) {
    for (name, p) in module.named_parameters().into_iter().filter(|(_, p)| p.is_trainable()) {
        p.zero_grad();
        f().backward().unwrap();
        let analytic = p.grad().unwrap().to_vec().unwrap();
        let base = p.get().to_vec().unwrap();
        let shape = p.shape();
        let h = 1e-2;
        for i in (0..base.len()).step_by((base.len() / 7).max(1)) {
            let eval = |d: f32| {
                let mut v = base.clone();
                v[i] += d;
                p.set(Tensor::from_vec(v, &shape, p.get().device()).unwrap()).unwrap();
                let out = no_grad(|| f().item().unwrap());
                out as f64
            };
            let numeric = ((eval(h) - eval(-h)) / (2.0 * h as f64)) as f32;
            p.set(Tensor::from_vec(base.clone(), &shape, p.get().device()).unwrap()).unwrap();
            assert!((numeric - analytic[i]).abs() <= tol * (1.0 + numeric.abs()), "{name}[{i}]: numeric {numeric} vs autograd {}", analytic[i]);
        }
    }
}

#[test]
fn linear_computes_xw_plus_b_and_checks_its_input() {
    let dev = cpu();
    let mut rng = Rng::new(0);
    let lin = Linear::new(2, 3, true, Init::Zeros, &mut rng, &dev).unwrap();
    lin.weight.set(t(&[1., 2., 3., 4., 5., 6.], &[2, 3], &dev)).unwrap();
    lin.bias.as_ref().unwrap().set(t(&[0.5, 0., -1.], &[3], &dev)).unwrap();
    let y = lin.forward(&t(&[1., 1., 0., 2.], &[2, 2], &dev)).unwrap();
    assert_eq!(y.to_vec().unwrap(), [5.5, 7., 8., 8.5, 10., 11.]);
    // A leading batch of any rank.
    assert_eq!(lin.forward(&Tensor::zeros(&[4, 5, 2], &dev).unwrap()).unwrap().shape(), [4, 5, 3]);
    let names: Vec<String> = lin.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["weight", "bias"]);
    let err = lin.forward(&Tensor::zeros(&[2, 3], &dev).unwrap()).unwrap_err().to_string();
    assert!(err.contains("dense") && err.contains("[2, 3]"), "{err}");
    assert!(lin.weight.set(Tensor::zeros(&[3, 2], &dev).unwrap()).is_err());
}

#[test]
fn initialisers_have_the_right_spread() {
    let dev = cpu();
    let mut rng = Rng::new(1);
    let std = |t: Tensor| {
        let v = t.to_vec().unwrap();
        (v.iter().map(|x| x * x).sum::<f32>() / v.len() as f32).sqrt()
    };
    let (fi, fo) = (200, 100);
    let cases = [
        (Init::GlorotUniform, (2.0 / (fi + fo) as f32).sqrt()),
        (Init::GlorotNormal, (2.0 / (fi + fo) as f32).sqrt()),
        (Init::HeUniform, (2.0 / fi as f32).sqrt()),
        (Init::HeNormal, (2.0 / fi as f32).sqrt()),
        (Init::LecunNormal, (1.0 / fi as f32).sqrt()),
        (Init::Normal { std: 0.02 }, 0.02),
    ];
    for (init, want) in cases {
        let s = std(init.tensor(&[fi, fo], fi, fo, &mut rng, &dev).unwrap());
        assert!((s / want - 1.0).abs() < 0.03, "{init:?}: std {s} want {want}");
    }
    let u = Init::HeUniform.tensor(&[fi, fo], fi, fo, &mut rng, &dev).unwrap().to_vec().unwrap();
    assert!(u.iter().all(|v| v.abs() <= (6.0 / fi as f32).sqrt()));
    assert_eq!(Init::Zeros.tensor(&[3], 1, 1, &mut rng, &dev).unwrap().to_vec().unwrap(), [0.; 3]);
    // Same seed, same weights.
    let a = Init::GlorotUniform.tensor(&[4, 4], 4, 4, &mut Rng::new(9), &dev).unwrap().to_vec().unwrap();
    let b = Init::GlorotUniform.tensor(&[4, 4], 4, 4, &mut Rng::new(9), &dev).unwrap().to_vec().unwrap();
    assert_eq!(a, b);
}

#[test]
fn activations_as_layers() {
    let dev = cpu();
    let x = t(&[-2., 0., 3.], &[1, 3], &dev);
    let run = |a: Activation| ActivationLayer::new(a).forward(&x).unwrap().to_vec().unwrap();
    assert_eq!(run(Activation::Relu), [0., 0., 3.]);
    assert_eq!(run(Activation::Linear), [-2., 0., 3.]);
    assert!(close(&run(Activation::LeakyRelu), &[-0.02, 0., 3.], 1e-6));
    assert!(close(&ActivationLayer::leaky_relu(0.2).forward(&x).unwrap().to_vec().unwrap(), &[-0.4, 0., 3.], 1e-6));
    assert!(close(&run(Activation::Tanh), &[(-2f32).tanh(), 0., 3f32.tanh()], 1e-6));
    assert!(close(&run(Activation::Sigmoid), &[1. / (1. + 2f32.exp()), 0.5, 1. / (1. + (-3f32).exp())], 1e-6));
    assert!(close(&run(Activation::Gelu), &[-0.04550027, 0., 2.9959502], 1e-5));
    let s = run(Activation::Softmax);
    assert!((s.iter().sum::<f32>() - 1.0).abs() < 1e-6 && s[2] > 0.9);
}

#[test]
fn conv_pool_flatten_shapes_and_gradients() {
    let dev = cpu();
    let mut rng = Rng::new(2);
    let conv = Conv2d::new(2, 3, (3, 3), (1, 1), (1, 1), true, Init::HeNormal, &mut rng, &dev).unwrap().with_activation(Activation::Tanh);
    let x = rng.normal_tensor(&[2, 2, 5, 5], 0.0, 1.0, &dev).unwrap();
    let y = conv.forward(&x).unwrap();
    assert_eq!(y.shape(), [2, 3, 5, 5]);
    let pool = Pool2d { kind: PoolKind::Max, kernel: (2, 2), stride: (2, 2), padding: (0, 0) };
    let avg = Pool2d { kind: PoolKind::Avg, kernel: (2, 2), stride: (2, 2), padding: (0, 0) };
    assert_eq!(pool.forward(&y).unwrap().shape(), [2, 3, 2, 2]);
    let p = t(&[1., 2., 3., 4.], &[1, 1, 2, 2], &dev);
    assert_eq!(pool.forward(&p).unwrap().to_vec().unwrap(), [4.]);
    assert_eq!(avg.forward(&p).unwrap().to_vec().unwrap(), [2.5]);
    assert_eq!(Flatten.forward(&y).unwrap().shape(), [2, 75]);
    // Average pooling: max pooling's kinks make finite differences unreliable.
    gradcheck(&conv, &|| avg.forward(&conv.forward(&x).unwrap()).unwrap().square().unwrap().sum_all().unwrap(), 2e-2);
}

#[test]
fn dropout_is_seeded_scaled_and_off_in_eval() {
    let dev = cpu();
    let x = Tensor::ones(&[100, 100], &dev).unwrap();
    let d = Dropout::new(0.25, Rng::new(4)).unwrap();
    let y = d.forward(&x).unwrap().to_vec().unwrap();
    let zeros = y.iter().filter(|&&v| v == 0.0).count() as f32 / y.len() as f32;
    assert!((zeros - 0.25).abs() < 0.02, "{zeros}");
    assert!(y.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-6));
    assert_eq!(Dropout::new(0.25, Rng::new(4)).unwrap().forward(&x).unwrap().to_vec().unwrap(), y);
    d.set_training(false);
    assert_eq!(d.forward(&x).unwrap().to_vec().unwrap(), x.to_vec().unwrap());
    assert!(Dropout::new(1.0, Rng::new(0)).is_err());
}

#[test]
fn batch_norm_uses_batch_stats_in_training_and_running_stats_in_eval() {
    let dev = cpu();
    let bn = BatchNorm::new(2, 1e-5, 0.1, &dev).unwrap();
    let x = t(&[1., 10., 2., 20., 3., 30., 6., 40.], &[4, 2], &dev);
    let y = bn.forward(&x).unwrap().to_vec().unwrap();
    for c in 0..2 {
        let col: Vec<f32> = (0..4).map(|r| y[r * 2 + c]).collect();
        let mean = col.iter().sum::<f32>() / 4.0;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / 4.0;
        assert!(mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-3, "channel {c}: {mean} {var}");
    }
    // running = 0.9·init + 0.1·batch (unbiased variance)
    let rm = bn.running_mean.get().to_vec().unwrap();
    let rv = bn.running_var.get().to_vec().unwrap();
    assert!(close(&rm, &[0.3, 2.5], 1e-6), "{rm:?}");
    let var0 = [1f32, 2., 3., 6.].iter().map(|v| (v - 3.0f32).powi(2)).sum::<f32>() / 3.0;
    assert!(close(&rv[..1], &[0.9 + 0.1 * var0], 1e-5), "{rv:?}");
    let names: Vec<String> = bn.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["weight", "bias", "running_mean", "running_var"]);
    assert_eq!(bn.parameters().len(), 2);
    bn.set_training(false);
    let e = bn.forward(&x).unwrap().to_vec().unwrap();
    assert!((e[0] - (1.0 - 0.3) / (rv[0] + 1e-5).sqrt()).abs() < 1e-4);
    assert_eq!(bn.running_mean.get().to_vec().unwrap(), rm, "eval must not update running stats");
    // 2-D: channels on axis 1 of NCHW.
    let bn2 = BatchNorm::new(3, 1e-5, 0.1, &dev).unwrap();
    let mut rng = Rng::new(3);
    let x4 = rng.normal_tensor(&[2, 3, 4, 4], 1.0, 2.0, &dev).unwrap();
    assert_eq!(bn2.forward(&x4).unwrap().shape(), [2, 3, 4, 4]);
    gradcheck(&bn2, &|| bn2.forward(&x4).unwrap().mul(&x4).unwrap().sum_all().unwrap(), 2e-2);
    assert!(bn2.forward(&x).unwrap_err().to_string().contains("channels on axis 1"));
}

#[test]
fn layer_norm_normalises_the_last_axis() {
    let dev = cpu();
    let ln = LayerNorm::new(4, 1e-5, &dev).unwrap();
    let mut rng = Rng::new(5);
    let x = rng.normal_tensor(&[2, 3, 4], 3.0, 2.0, &dev).unwrap();
    let y = ln.forward(&x).unwrap().to_vec().unwrap();
    for row in y.chunks(4) {
        let mean = row.iter().sum::<f32>() / 4.0;
        let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / 4.0;
        assert!(mean.abs() < 1e-5 && (var - 1.0).abs() < 1e-3);
    }
    ln.weight.set(rng.normal_tensor(&[4], 1.0, 0.5, &dev).unwrap()).unwrap();
    let w = rng.normal_tensor(&[2, 3, 4], 0.0, 1.0, &dev).unwrap();
    gradcheck(&ln, &|| ln.forward(&x).unwrap().mul(&w).unwrap().sum_all().unwrap(), 2e-2);
}

#[test]
fn embeddings_gather_rows_and_route_gradients() {
    let dev = cpu();
    let mut rng = Rng::new(6);
    let emb = Embedding::new(5, 3, Init::Normal { std: 1.0 }, &mut rng, &dev).unwrap();
    let idx = Tensor::from_i32(vec![4, 0, 4, 2, 1, 1], &[2, 3], &dev).unwrap();
    let y = emb.forward(&idx).unwrap();
    assert_eq!(y.shape(), [2, 3, 3]);
    let w = emb.weight.get().to_vec().unwrap();
    assert_eq!(&y.to_vec().unwrap()[..3], &w[12..15]);
    y.sum_all().unwrap().backward().unwrap();
    assert_eq!(emb.weight.grad().unwrap().to_vec().unwrap(), [1., 1., 1., 2., 2., 2., 1., 1., 1., 0., 0., 0., 2., 2., 2.]);
    assert!(emb.forward(&Tensor::zeros(&[2], &dev).unwrap()).unwrap_err().to_string().contains("i32"));
    let tpe = TokenPositionEmbedding::new(5, 4, 3, Init::Normal { std: 1.0 }, &mut rng, &dev).unwrap();
    let z = tpe.forward(&idx).unwrap().to_vec().unwrap();
    let (tok, pos) = (tpe.token.get().to_vec().unwrap(), tpe.position.get().to_vec().unwrap());
    assert!((z[3] - (tok[0] + pos[3])).abs() < 1e-6);
    let long = Tensor::from_i32(vec![0; 5], &[1, 5], &dev).unwrap();
    assert!(tpe.forward(&long).unwrap_err().to_string().contains("at most 4"));
}

#[test]
fn attention_is_causal_and_differentiable() {
    let dev = cpu();
    let mut rng = Rng::new(7);
    let attn = CausalSelfAttention::new(8, 2, 0.0, Init::Normal { std: 0.3 }, &mut rng, &dev).unwrap();
    let x = rng.normal_tensor(&[2, 5, 8], 0.0, 1.0, &dev).unwrap();
    let y = attn.forward(&x).unwrap();
    assert_eq!(y.shape(), [2, 5, 8]);
    // Changing the last position changes no earlier output.
    let mut v = x.to_vec().unwrap();
    for j in 0..8 {
        v[4 * 8 + j] += 1.0;
    }
    let y2 = attn.forward(&Tensor::from_vec(v, &[2, 5, 8], &dev).unwrap()).unwrap().to_vec().unwrap();
    let y1 = y.to_vec().unwrap();
    assert!(close(&y1[..32], &y2[..32], 1e-6));
    assert!(!close(&y1[32..40], &y2[32..40], 1e-3));
    // The first position attends only to itself: its output is proj(v_0).
    let w = rng.normal_tensor(&[2, 5, 8], 0.0, 1.0, &dev).unwrap();
    gradcheck(&attn, &|| attn.forward(&x).unwrap().mul(&w).unwrap().sum_all().unwrap(), 3e-2);
    let block = TransformerBlock::new(8, 2, 4, 0.0, Init::Normal { std: 0.2 }, &mut rng, &dev).unwrap();
    assert_eq!(block.forward(&x).unwrap().shape(), [2, 5, 8]);
    let names: Vec<String> = block.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[..4], ["ln1.weight", "ln1.bias", "attn.qkv.weight", "attn.qkv.bias"]);
    gradcheck(&block, &|| block.forward(&x).unwrap().mul(&w).unwrap().sum_all().unwrap(), 3e-2);
    assert!(CausalSelfAttention::new(8, 3, 0.0, Init::Zeros, &mut rng, &dev).is_err());
}

#[test]
fn sequential_names_parameters_by_index_and_propagates_mode() {
    let dev = cpu();
    let mut rng = Rng::new(8);
    let mut net = Sequential::default();
    net.push(Linear::new(3, 4, true, Init::GlorotUniform, &mut rng, &dev).unwrap());
    net.push(Dropout::new(0.5, Rng::new(1)).unwrap());
    net.push(Linear::new(4, 2, false, Init::GlorotUniform, &mut rng, &dev).unwrap());
    let names: Vec<String> = net.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["0.weight", "0.bias", "2.weight"]);
    assert_eq!(net.num_parameters(), 3 * 4 + 4 + 4 * 2);
    let x = rng.normal_tensor(&[6, 3], 0.0, 1.0, &dev).unwrap();
    net.set_training(false);
    let a = net.forward(&x).unwrap().to_vec().unwrap();
    assert_eq!(a, net.forward(&x).unwrap().to_vec().unwrap());
    net.set_training(true);
    assert_ne!(a, net.forward(&x).unwrap().to_vec().unwrap());
    assert_eq!(net.forward_all(&x).unwrap().len(), 3);
}

#[test]
fn losses_match_their_definitions() {
    let dev = cpu();
    let p = t(&[1., 2., 3., 4.], &[2, 2], &dev);
    let y = t(&[0., 2., 5., 4.], &[2, 2], &dev);
    assert_eq!(loss::mse(&p, &y).unwrap().item().unwrap(), 1.25);
    assert_eq!(loss::mae(&p, &y).unwrap().item().unwrap(), 0.75);
    let err = loss::mse(&p, &t(&[0., 0.], &[2], &dev)).unwrap_err().to_string();
    assert!(err.contains("same shape"), "{err}");

    // BCE with logits, including extreme logits that a naive formula would overflow on.
    let x = [-3.0f32, 0.5, 200.0, -200.0];
    let z = [0.0f32, 1.0, 0.0, 1.0];
    let naive: f32 = x.iter().zip(&z).map(|(&x, &z)| x.max(0.0) - x * z + (1.0 + (-x.abs()).exp()).ln()).sum::<f32>() / 4.0;
    let bce = loss::bce_with_logits(&t(&x, &[4, 1], &dev), &t(&z, &[4, 1], &dev)).unwrap().item().unwrap();
    assert!((bce - naive).abs() < 1e-4 && bce.is_finite(), "{bce} vs {naive}");

    // Softmax cross-entropy against log-softmax by hand, with and without class weights.
    let logits = [1.0f32, 2.0, 0.5, -1.0, 0.0, 3.0];
    let targets = vec![1, 2];
    let lse = |r: &[f32]| r.iter().map(|v| v.exp()).sum::<f32>().ln();
    let nll = [lse(&logits[..3]) - 2.0, lse(&logits[3..]) - 3.0];
    let lt = t(&logits, &[2, 3], &dev);
    let tt = Tensor::from_i32(targets, &[2], &dev).unwrap();
    let ce = loss::softmax_cross_entropy(&lt, &tt, None).unwrap().item().unwrap();
    assert!((ce - (nll[0] + nll[1]) / 2.0).abs() < 1e-6);
    let w = t(&[1.0, 2.0, 0.5], &[3], &dev);
    let wce = loss::softmax_cross_entropy(&lt, &tt, Some(&w)).unwrap().item().unwrap();
    assert!((wce - (2.0 * nll[0] + 0.5 * nll[1]) / 2.5).abs() < 1e-6);
    // Gradient of the mean CE is (softmax − one_hot) / N.
    let lt = lt.detach();
    lt.set_requires_grad(true);
    loss::softmax_cross_entropy(&lt, &tt, None).unwrap().backward().unwrap();
    let g = lt.grad().unwrap().to_vec().unwrap();
    let sm: Vec<f32> = logits[..3].iter().map(|v| (v - lse(&logits[..3])).exp()).collect();
    assert!(close(&g[..3], &[sm[0] / 2.0, (sm[1] - 1.0) / 2.0, sm[2] / 2.0], 1e-5));
    // Sequence-shaped logits [B, T, C] with targets [B, T].
    let seq = loss::softmax_cross_entropy(&lt.reshape(&[1, 2, 3]).unwrap(), &tt.reshape(&[1, 2]).unwrap(), None).unwrap();
    assert!((seq.item().unwrap() - ce).abs() < 1e-6);
    let err = |r: webgrad_core::Result<Tensor>| r.unwrap_err().to_string();
    assert!(err(loss::softmax_cross_entropy(&lt, &tt.cast(DType::F32).unwrap(), None)).contains("i32"));
    assert!(err(loss::softmax_cross_entropy(&lt, &Tensor::from_i32(vec![0, 3], &[2], &dev).unwrap(), None)).contains("out of range"));
    assert!(err(loss::softmax_cross_entropy(&lt, &tt, Some(&t(&[1.], &[1], &dev)))).contains("one entry per class"));

    let mut rng = Rng::new(0);
    let lin = Linear::new(2, 2, true, Init::Zeros, &mut rng, &dev).unwrap();
    lin.weight.set(t(&[1., -2., 3., 0.], &[2, 2], &dev)).unwrap();
    assert_eq!(loss::l1_penalty(std::slice::from_ref(&lin.weight)).unwrap().unwrap().item().unwrap(), 6.0);
    assert_eq!(loss::l2_penalty(std::slice::from_ref(&lin.weight)).unwrap().unwrap().item().unwrap(), 14.0);
    assert!(loss::l2_penalty(&[]).unwrap().is_none());
}
