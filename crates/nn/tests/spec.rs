//! The model spec: JSON round trips, shape inference and the validation messages.
use webgrad_cpu::cpu;
use webgrad_nn::*;

const CNN: &str = r#"{
  "input_shape": [784],
  "layers": [
    {"type": "reshape", "shape": [1, 28, 28]},
    {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": 1, "activation": "relu", "init": "he_normal"},
    {"type": "max_pool2d", "pool_size": 2},
    {"type": "batch_norm"},
    {"type": "conv2d", "filters": 16, "kernel_size": 3, "stride": 2, "activation": "leaky_relu"},
    {"type": "avg_pool2d", "pool_size": 2, "stride": 1},
    {"type": "flatten"},
    {"type": "dropout", "rate": 0.25},
    {"type": "dense", "units": 32, "activation": "gelu", "init": {"uniform": {"limit": 0.1}}},
    {"type": "leaky_relu", "alpha": 0.2},
    {"type": "layer_norm"},
    {"type": "dense", "units": 10, "use_bias": false}
  ],
  "loss": {"type": "softmax_cross_entropy", "class_weights": [1, 1, 1, 1, 1, 1, 1, 1, 1, 2.5]},
  "optimizer": {"type": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": true},
  "schedule": {"type": "warmup", "steps": 100, "then": {"type": "cosine", "total_steps": 1000}},
  "clip_grad_norm": 1.0,
  "regularization": {"l2": 0.0001},
  "seed": 42
}"#;

const GPT: &str = r#"{
  "input_shape": [32],
  "layers": [
    {"type": "token_position_embedding", "vocab_size": 65, "max_len": 64, "dim": 32},
    {"type": "transformer_block", "heads": 4},
    {"type": "causal_self_attention", "heads": 2, "dropout": 0.1},
    {"type": "layer_norm"},
    {"type": "dense", "units": 65}
  ],
  "loss": {"type": "softmax_cross_entropy"},
  "optimizer": {"type": "adamw", "lr": 0.001, "weight_decay": 0.1},
  "seed": 3
}"#;

#[test]
fn specs_round_trip_exactly() {
    for json in [CNN, GPT] {
        let spec = ModelSpec::from_json(json).unwrap();
        let again = ModelSpec::from_json(&spec.to_json()).unwrap();
        assert_eq!(spec, again);
        assert_eq!(spec.to_json(), again.to_json());
        assert_eq!(ModelSpec::from_json(&spec.to_json_pretty()).unwrap(), spec);
    }
    // Floats keep every bit through JSON.
    let mut spec = ModelSpec::from_json(GPT).unwrap();
    spec.optimizer = OptimizerSpec::adam(0.1 + 0.2);
    spec.regularization.l1 = f32::MIN_POSITIVE;
    spec.seed = (1 << 53) - 1;
    assert_eq!(ModelSpec::from_json(&spec.to_json()).unwrap(), spec);
    // Defaults are filled in and then written out.
    let spec = ModelSpec::from_json(GPT).unwrap();
    assert_eq!(spec.schedule, Schedule::Constant);
    assert!(spec.to_json().contains(r#""beta2":0.999"#));
}

#[test]
fn shape_inference_runs_through_the_layers() {
    let spec = ModelSpec::from_json(CNN).unwrap();
    let shapes = spec.validate().unwrap();
    let want: Vec<Vec<usize>> = vec![
        vec![1, 28, 28], vec![8, 28, 28], vec![8, 14, 14], vec![8, 14, 14], vec![16, 6, 6], vec![16, 5, 5],
        vec![400], vec![400], vec![32], vec![32], vec![32], vec![10],
    ];
    assert_eq!(shapes, want);
    let model = build(&spec, &cpu()).unwrap();
    let summary = model.summary();
    assert_eq!(summary[1].params, 8 * 9 + 8);
    assert_eq!(summary[11].params, 320);
    assert_eq!(model.output_shape(), [10]);
    let gpt = ModelSpec::from_json(GPT).unwrap();
    assert_eq!(gpt.validate().unwrap().last().unwrap(), &vec![32, 65]);
    assert!(gpt.takes_indices());
}

fn error_of(json: &str) -> String {
    match ModelSpec::from_json(json).and_then(|s| s.validate()) {
        Ok(_) => panic!("expected an error for {json}"),
        Err(e) => e.to_string(),
    }
}

fn with_layers(layers: &str) -> String {
    format!(r#"{{"input_shape": [4], "layers": [{layers}], "loss": {{"type": "mse"}}, "optimizer": {{"type": "sgd", "lr": 0.1}}}}"#)
}

#[test]
fn bad_specs_get_clear_errors() {
    let cases: Vec<(String, &str)> = vec![
        (with_layers(r#"{"type": "dnse", "units": 3}"#), "unknown variant `dnse`"),
        (with_layers(r#"{"type": "dense", "units": 3, "unit": 4}"#), "unknown field `unit`"),
        (with_layers(r#"{"type": "dense"}"#), "missing field `units`"),
        (with_layers(r#"{"type": "dense", "units": 0}"#), "layer 0 (dense): units must be ≥ 1"),
        (with_layers(r#"{"type": "dense", "units": 3, "activation": "swish"}"#), "unknown variant `swish`"),
        (with_layers(r#"{"type": "dense", "units": 3}, {"type": "dropout", "rate": 1.5}"#), "layer 1 (dropout): rate 1.5 must be in [0, 1)"),
        (with_layers(r#"{"type": "conv2d", "filters": 3, "kernel_size": 3}"#), "layer 0 (conv2d): expects a [channels, height, width] input, got [4]"),
        (with_layers(r#"{"type": "reshape", "shape": [1, 2, 2]}, {"type": "conv2d", "filters": 3, "kernel_size": 3}"#), "kernel 3 is larger than the padded input 2×2"),
        (with_layers(r#"{"type": "reshape", "shape": [3]}"#), "cannot reshape [4] (4 values) to [3]"),
        (with_layers(r#"{"type": "dense", "units": 4}, {"type": "embedding", "vocab_size": 5, "dim": 2}"#), "must be the first layer"),
        (with_layers(r#"{"type": "reshape", "shape": [2, 2]}, {"type": "transformer_block", "heads": 3}"#), "embedding size 2 is not a multiple of heads 3"),
        (with_layers(r#"{"type": "dense", "units": 3, "init": {"normal": {"std": -1}}}"#), "normal std -1"),
        (with_layers(""), "at least one layer"),
        (r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "mse"}, "optimizer": {"type": "adam", "lr": -1}}"#.into(), "adam: lr = -1 is out of range"),
        (r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": 0.1}, "schedule": {"type": "step", "step_size": 0, "gamma": 0.5}}"#.into(), "step_size must be ≥ 1"),
        (r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "softmax_cross_entropy"}, "optimizer": {"type": "sgd", "lr": 0.1}}"#.into(), "at least 2 classes"),
        (r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 3, "activation": "softmax"}], "loss": {"type": "softmax_cross_entropy"}, "optimizer": {"type": "sgd", "lr": 0.1}}"#.into(), "takes logits"),
        (r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 3}], "loss": {"type": "softmax_cross_entropy", "class_weights": [1, 2]}, "optimizer": {"type": "sgd", "lr": 0.1}}"#.into(), "class_weights has 2 entries for 3 classes"),
        (r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": 0.1}, "regularization": {"l2": -1}}"#.into(), "regularization"),
        (r#"{"input_shape": [0], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": 0.1}}"#.into(), "input_shape [0]"),
        (r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "hinge"}, "optimizer": {"type": "sgd", "lr": 0.1}}"#.into(), "unknown variant `hinge`"),
        ("{not json".into(), "invalid JSON"),
        // serde's own errors say where the bad value is.
        (with_layers(r#"{"type": "dense", "units": 3}, {"type": "dense", "units": -1}"#), "layers[1].units: invalid value: integer `-1`"),
        (with_layers(r#"{"type": "conv2d", "filters": 2, "kernel_size": 2.5}"#), "layers[0].kernel_size: invalid type: floating point `2.5`"),
        (with_layers(r#"{"type": "dense", "units": "3"}"#), "layers[0].units: invalid type: string \"3\""),
        (r#"{"input_shape": [4, -2], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": 0.1}}"#.into(), "input_shape[1]: invalid value: integer `-2`"),
        (r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": "fast"}}"#.into(), "optimizer"),
    ];
    for (json, want) in cases {
        let err = error_of(&json);
        assert!(err.contains(want), "expected {want:?} in {err:?}");
    }
}

#[test]
fn build_is_deterministic_and_appending_a_layer_keeps_earlier_weights() {
    let dev = cpu();
    let spec = ModelSpec::from_json(CNN).unwrap();
    let weights = |m: &Model| m.named_parameters().into_iter().map(|(n, p)| (n, p.get().to_vec().unwrap())).collect::<Vec<_>>();
    let a = weights(&build(&spec, &dev).unwrap());
    assert_eq!(a, weights(&build(&spec, &dev).unwrap()));
    let mut other = spec.clone();
    other.seed = 43;
    assert_ne!(a, weights(&build(&other, &dev).unwrap()));
    let mut longer = spec.clone();
    longer.layers.push(LayerSpec::Activation { activation: Activation::Tanh });
    let b = weights(&build(&longer, &dev).unwrap());
    assert_eq!(a, b);
}

#[test]
fn batches_are_checked_against_the_spec() {
    let dev = cpu();
    let model = build(&ModelSpec::from_json(GPT).unwrap(), &dev).unwrap();
    let x = webgrad_core::Tensor::from_i32(vec![0; 64], &[2, 32], &dev).unwrap();
    let y = webgrad_core::Tensor::from_i32(vec![0; 64], &[2, 32], &dev).unwrap();
    model.check_batch(&x, Some(&y)).unwrap();
    assert_eq!(model.predict(&x).unwrap().shape(), [2, 32, 65]);
    let err = |x: &webgrad_core::Tensor, y: &webgrad_core::Tensor| model.check_batch(x, Some(y)).unwrap_err().to_string();
    let xf = webgrad_core::Tensor::zeros(&[2, 32], &dev).unwrap();
    assert!(err(&xf, &y).contains("input must be i32"));
    let x3 = webgrad_core::Tensor::from_i32(vec![0; 62], &[2, 31], &dev).unwrap();
    assert!(err(&x3, &y).contains("expected [batch, 32]"));
    let y2 = webgrad_core::Tensor::from_i32(vec![0; 2], &[2], &dev).unwrap();
    assert!(err(&x, &y2).contains("expected [2, 32]"), "{}", err(&x, &y2));
    assert!(err(&x, &y.cast(webgrad_core::DType::F32).unwrap()).contains("i32 class indices"));
}

#[test]
fn sizes_the_engine_cannot_hold_are_spec_errors() {
    let err = |json: &str| ModelSpec::from_json(json).and_then(|s| s.validate().map(|_| ())).unwrap_err().to_string();
    let dense = r#"{"input_shape":[2],"layers":[{"type":"dense","units":1000000000}],"loss":{"type":"mse"},"optimizer":{"type":"sgd","lr":0.1}}"#;
    let e = err(dense);
    assert!(e.contains("layer 0 (dense)") && e.contains("weight [2, 1000000000]") && e.contains("268435456"), "{e}");
    let input = r#"{"input_shape":[100000,100000],"layers":[{"type":"flatten"}],"loss":{"type":"mse"},"optimizer":{"type":"sgd","lr":0.1}}"#;
    assert!(err(input).contains("input_shape [100000, 100000]"), "{}", err(input));
    let emb = r#"{"input_shape":[4],"layers":[{"type":"embedding","vocab_size":100000000,"dim":64}],"loss":{"type":"mse"},"optimizer":{"type":"sgd","lr":0.1}}"#;
    assert!(err(emb).contains("embedding table [100000000, 64]"), "{}", err(emb));
    // Absurd padding from a file does not overflow.
    let conv = r#"{"input_shape":[1,4,4],"layers":[{"type":"conv2d","filters":1,"kernel_size":3,"padding":18446744073709551615}],"loss":{"type":"mse"},"optimizer":{"type":"sgd","lr":0.1}}"#;
    assert!(err(conv).contains("layer 0 (conv2d)"), "{}", err(conv));
}
