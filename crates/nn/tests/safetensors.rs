//! Saving and loading: safetensors files from and for Python's `safetensors` package, model
//! round trips (with optimizer state) and the errors for corrupt or mismatched files.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use webgrad_core::{DType, Device, Tensor};
use webgrad_cpu::cpu;
use webgrad_nn::io::*;
use webgrad_nn::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)).unwrap()
}

fn tensor_map(bytes: &[u8], dev: &Device) -> (HashMap<String, Tensor>, HashMap<String, String>) {
    let (tensors, meta) = from_safetensors(bytes, dev).unwrap();
    (tensors.into_iter().collect(), meta)
}

#[test]
fn reads_the_file_python_wrote() {
    let dev = cpu();
    let (t, meta) = tensor_map(&fixture("python_written.safetensors"), &dev);
    assert_eq!(meta["source"], "python safetensors");
    let w = &t["weights.f32"];
    assert_eq!(w.shape(), [2, 3]);
    let v = w.to_vec().unwrap();
    assert_eq!(v[..5], [0.0, -0.0, 1.5, -2.25, 3.4028235e38]);
    assert_eq!(v[1].to_bits(), (-0.0f32).to_bits());
    assert_eq!(v[5].to_bits(), 1, "the smallest subnormal keeps its bits");
    assert_eq!(t["scalar.f32"].shape(), [] as [usize; 0]);
    assert_eq!(t["scalar.f32"].item().unwrap(), 7.0);
    assert_eq!(t["empty.f32"].shape(), [0, 4]);
    assert_eq!(t["inf.f32"].to_vec().unwrap(), [f32::INFINITY, f32::NEG_INFINITY]);
    assert_eq!(t["ints.i32"].dtype(), DType::I32);
    assert_eq!(t["ints.i32"].to_vec_i32().unwrap(), [-3, 0, i32::MAX]);
    assert_eq!(t["ints.i64"].to_vec_i32().unwrap(), [5, -6]);
    assert_eq!(t["half.f16"].to_vec().unwrap(), [1.0, -2.0, 65504.0, 2f32.powi(-24)]);
    assert_eq!(t["doubles.f64"].shape(), [2, 1]);
    assert_eq!(t["doubles.f64"].to_vec().unwrap(), [0.1, -1.5]);
}

#[test]
fn writes_the_same_bytes_as_python() {
    let dev = cpu();
    let python = fixture("python_f32_i32.safetensors");
    let (tensors, meta) = from_safetensors(&python, &dev).unwrap();
    assert_eq!(tensors.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["classes", "layer.bias", "layer.weight", "scalar"]);
    // Written in another order: the format fixes the order, so the bytes must still match.
    let reordered: Vec<(String, Tensor)> = tensors.into_iter().rev().collect();
    let ours = to_safetensors(&reordered, Some(meta)).unwrap();
    assert_eq!(ours, python, "webgrad's bytes differ from Python's for the same tensors");
}

fn tiny_model(dev: &Device) -> Model {
    let spec = r#"{"input_shape": [3], "layers": [
        {"type": "dense", "units": 5, "activation": "tanh"},
        {"type": "dense", "units": 2}],
      "loss": {"type": "mse"}, "optimizer": {"type": "adam", "lr": 0.01}, "seed": 11}"#;
    build(&ModelSpec::from_json(spec).unwrap(), dev).unwrap()
}

fn train_a_little(model: &mut Model, dev: &Device) -> (Tensor, Tensor) {
    let mut rng = webgrad_core::Rng::new(1);
    let x = rng.normal_tensor(&[8, 3], 0.0, 1.0, dev).unwrap();
    let y = rng.normal_tensor(&[8, 2], 0.0, 1.0, dev).unwrap();
    for _ in 0..3 {
        model.train_step(&x, &y).unwrap();
    }
    (x, y)
}

fn python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("WEBGRAD_PYTHON") {
        return Some(p.into());
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-st/bin/python");
    let candidates = [venv, PathBuf::from("python3")];
    candidates.into_iter().find(|p| Command::new(p).args(["-c", "import safetensors, numpy"]).output().is_ok_and(|o| o.status.success()))
}

#[test]
fn python_reads_the_files_webgrad_writes() {
    let dev = cpu();
    let dir = std::env::temp_dir().join(format!("webgrad-safetensors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut model = tiny_model(&dev);
    let (x, _) = train_a_little(&mut model, &dev);
    let a = Tensor::from_vec((0..12).map(|i| i as f32 * 0.25 - 1.0).collect(), &[3, 4], &dev).unwrap();
    let b = Tensor::from_i32((0..5).map(|i| i * i - 3).collect(), &[5], &dev).unwrap();
    let c = Tensor::scalar(-0.0, &dev).unwrap();
    let values = vec![
        ("a".to_string(), a),
        ("b".to_string(), b),
        ("c".to_string(), c),
        ("check.x".to_string(), x.clone()),
        ("check.y".to_string(), model.predict(&x).unwrap()),
    ];
    let meta = HashMap::from([("writer".to_string(), "webgrad".to_string())]);
    std::fs::write(dir.join("values.safetensors"), to_safetensors(&values, Some(meta)).unwrap()).unwrap();
    std::fs::write(dir.join("model.safetensors"), save_weights(&model, true).unwrap()).unwrap();
    let Some(py) = python() else {
        eprintln!("SKIPPED the Python half: no python with safetensors + numpy (set WEBGRAD_PYTHON or create .venv-st)");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/safetensors_compat.py");
    let out = Command::new(py).arg(script).arg("check").arg(&dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.status.success(), "python check failed:\n{text}");
    assert!(text.contains("OK"), "{text}");
}

#[test]
fn a_model_round_trips_with_its_optimizer_state() {
    let dev = cpu();
    let mut model = tiny_model(&dev);
    let (x, y) = train_a_little(&mut model, &dev);
    let (spec, weights) = save(&model, true).unwrap();
    let mut restored = load(&spec, &weights, &dev).unwrap();
    assert_eq!(restored.optimizer().steps(), 3);
    assert_eq!(restored.predict(&x).unwrap().to_vec().unwrap(), model.predict(&x).unwrap().to_vec().unwrap());
    // Resuming gives bit-identical training.
    let a = model.train_step(&x, &y).unwrap().item().unwrap();
    let b = restored.train_step(&x, &y).unwrap().item().unwrap();
    assert_eq!(a, b);
    assert_eq!(restored.predict(&x).unwrap().to_vec().unwrap(), model.predict(&x).unwrap().to_vec().unwrap());
    // The weights file alone carries the spec.
    let alone = load_self_contained(&save_weights(&model, false).unwrap(), &dev).unwrap();
    assert_eq!(alone.predict(&x).unwrap().to_vec().unwrap(), model.predict(&x).unwrap().to_vec().unwrap());
    assert_eq!(alone.optimizer().steps(), 0);
    // Native directory helpers.
    let dir = std::env::temp_dir().join(format!("webgrad-model-{}", std::process::id()));
    save_dir(&model, &dir, false).unwrap();
    let from_dir = load_dir(&dir, &dev).unwrap();
    assert_eq!(from_dir.predict(&x).unwrap().to_vec().unwrap(), model.predict(&x).unwrap().to_vec().unwrap());
    std::fs::remove_dir_all(&dir).ok();
    assert!(load_dir(&dir, &dev).unwrap_err().to_string().contains("model.json"));
}

#[test]
fn a_saved_model_carries_the_callers_metadata() {
    let dev = cpu();
    let model = tiny_model(&dev);
    let user = HashMap::from([("state".to_string(), "dataset=xor".to_string()), ("epoch".to_string(), "12".to_string())]);
    let bytes = save_weights_with(&model, true, user).unwrap();
    let (_, meta) = tensor_map(&bytes, &dev);
    assert_eq!((meta["state"].as_str(), meta["epoch"].as_str(), meta["format"].as_str()), ("dataset=xor", "12", "webgrad"));
    assert!(meta.contains_key("webgrad.spec"), "webgrad's own keys stay");
    load_self_contained(&bytes, &dev).unwrap();
    for key in ["format", "webgrad.spec", "webgrad.anything"] {
        let err = save_weights_with(&model, false, HashMap::from([(key.to_string(), "x".to_string())])).unwrap_err().to_string();
        assert!(err.contains(key) && err.contains("reserved"), "{err}");
    }
}

#[test]
fn batch_norm_buffers_are_saved_too() {
    let dev = cpu();
    let spec = r#"{"input_shape": [3], "layers": [{"type": "dense", "units": 4}, {"type": "batch_norm"}, {"type": "dense", "units": 1}],
        "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": 0.01}}"#;
    let mut model = build(&ModelSpec::from_json(spec).unwrap(), &dev).unwrap();
    let (x, _) = (webgrad_core::Rng::new(2).normal_tensor(&[8, 3], 1.0, 2.0, &dev).unwrap(), ());
    let y = Tensor::zeros(&[8, 1], &dev).unwrap();
    model.train_step(&x, &y).unwrap();
    let weights = save_weights(&model, false).unwrap();
    let (t, _) = tensor_map(&weights, &dev);
    assert!(t.contains_key("1.running_mean") && t.contains_key("1.running_var"));
    let restored = load(&model.spec().to_json(), &weights, &dev).unwrap();
    assert_eq!(restored.predict(&x).unwrap().to_vec().unwrap(), model.predict(&x).unwrap().to_vec().unwrap());
}

#[test]
fn corrupt_and_mismatched_files_are_clear_errors() {
    let dev = cpu();
    let mut model = tiny_model(&dev);
    let good = save_weights(&model, false).unwrap();
    let err = |r: webgrad_core::Result<()>| r.unwrap_err().to_string();
    assert!(err(load_weights(&mut model, b"")).contains("not a valid safetensors file"));
    assert!(err(load_weights(&mut model, &good[..good.len() - 3])).contains("not a valid safetensors file"));
    let mut bad_header = good.clone();
    bad_header[8] = b'[';
    assert!(err(load_weights(&mut model, &bad_header)).contains("not a valid safetensors file"));
    let mut huge = good.clone();
    huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(err(load_weights(&mut model, &huge)).contains("not a valid safetensors file"));

    // Another architecture: every problem is listed.
    let other = r#"{"input_shape": [3], "layers": [{"type": "dense", "units": 6}, {"type": "dense", "units": 2, "use_bias": false}],
        "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": 0.1}}"#;
    let mut other = build(&ModelSpec::from_json(other).unwrap(), &dev).unwrap();
    let msg = err(load_weights(&mut other, &good));
    assert!(msg.contains("0.weight has shape [3, 5], the model needs [3, 6]"), "{msg}");
    assert!(msg.contains("unexpected 1.bias"), "{msg}");
    let partial = to_safetensors(&[("0.weight".to_string(), Tensor::zeros(&[3, 5], &dev).unwrap())], None).unwrap();
    let msg = err(load_weights(&mut model, &partial));
    assert!(msg.contains("missing 0.bias [5]") && msg.contains("missing 1.weight"), "{msg}");
    let ints = to_safetensors(&[("0.weight".to_string(), Tensor::from_i32(vec![0; 15], &[3, 5], &dev).unwrap())], None).unwrap();
    assert!(err(load_weights(&mut model, &ints)).contains("0.weight is i32"));
    // A file without a spec cannot rebuild a model on its own.
    assert!(load_self_contained(&partial, &dev).unwrap_err().to_string().contains("no webgrad model spec"));
    let dup = vec![("a".to_string(), Tensor::zeros(&[1], &dev).unwrap()), ("a".to_string(), Tensor::zeros(&[1], &dev).unwrap())];
    assert!(to_safetensors(&dup, None).unwrap_err().to_string().contains("twice"));
    // Optimizer state for the wrong parameter.
    let mut trained = tiny_model(&dev);
    train_a_little(&mut trained, &dev);
    let mut with_state = from_safetensors(&save_weights(&trained, true).unwrap(), &dev).unwrap().0;
    with_state.push(("optimizer.9.weight.m".to_string(), Tensor::zeros(&[1], &dev).unwrap()));
    let bytes = to_safetensors(&with_state, None).unwrap();
    assert!(err(load_weights(&mut model, &bytes)).contains("9.weight.m"));
}

#[test]
fn weights_with_nan_or_infinity_are_refused() {
    let dev = cpu();
    let model = tiny_model(&dev);
    let mut named: Vec<(String, Tensor)> = model.named_parameters().into_iter().map(|(n, p)| (n, p.get())).collect();
    let (name, t) = named[0].clone();
    let mut v = t.to_vec().unwrap();
    v[1] = f32::NAN;
    named[0].1 = Tensor::from_vec(v.clone(), t.shape(), &dev).unwrap();
    let e = model.load_parameters(named).unwrap_err().to_string();
    assert!(e.contains(&format!("{name} holds NaN at index 1")), "{e}");
    v[1] = f32::INFINITY;
    let e = model.set_param(&name, &Tensor::from_vec(v, t.shape(), &dev).unwrap()).unwrap_err().to_string();
    assert!(e.contains("holds inf at index 1"), "{e}");
    assert_eq!(model.param(&name).unwrap().get().to_vec().unwrap(), t.to_vec().unwrap(), "the weights are unchanged");
}
