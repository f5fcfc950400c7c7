//! Writes the starting corpora (`cargo +nightly run --release --example seeds` in fuzz/): small
//! model specs of every layer kind, model files saved by the engine, and IDX files. The fuzzer
//! adds what it finds to the same folders.
use std::fs;
use std::io::Write;
use webgrad_nn::spec::ModelSpec;

const SPECS: &[&str] = &[
    r#"{"input_shape": [4], "layers": [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dropout", "rate": 0.1}, {"type": "dense", "units": 3}], "loss": {"type": "softmax_cross_entropy", "class_weights": [1, 2, 1]}, "optimizer": {"type": "adam", "lr": 0.01}, "seed": 1}"#,
    r#"{"input_shape": [2], "layers": [{"type": "dense", "units": 4, "activation": "tanh", "init": "he_normal"}, {"type": "batch_norm"}, {"type": "activation", "activation": "sigmoid"}, {"type": "dense", "units": 1}], "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": true}, "regularization": {"l1": 0.001, "l2": 0.0001}, "clip_grad_norm": 1.0}"#,
    r#"{"input_shape": [16], "layers": [{"type": "reshape", "shape": [1, 4, 4]}, {"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": 1, "activation": "relu"}, {"type": "max_pool2d", "pool_size": 2}, {"type": "conv2d", "filters": 2, "kernel_size": 1, "stride": 1, "activation": "leaky_relu"}, {"type": "avg_pool2d", "pool_size": 2, "stride": 1}, {"type": "flatten"}, {"type": "leaky_relu", "alpha": 0.2}, {"type": "layer_norm"}, {"type": "dense", "units": 2, "use_bias": false}], "loss": {"type": "softmax_cross_entropy"}, "optimizer": {"type": "rmsprop", "lr": 0.01}, "schedule": {"type": "warmup", "steps": 10, "then": {"type": "cosine", "total_steps": 100}}}"#,
    r#"{"input_shape": [8], "layers": [{"type": "token_position_embedding", "vocab_size": 12, "max_len": 8, "dim": 8}, {"type": "transformer_block", "heads": 2}, {"type": "causal_self_attention", "heads": 2, "dropout": 0.1}, {"type": "layer_norm"}, {"type": "dense", "units": 12}], "loss": {"type": "softmax_cross_entropy"}, "optimizer": {"type": "adamw", "lr": 0.001, "weight_decay": 0.1}, "seed": 3}"#,
    r#"{"input_shape": [4], "layers": [{"type": "embedding", "vocab_size": 10, "dim": 3}, {"type": "flatten"}, {"type": "dense", "units": 1, "activation": "gelu", "init": {"uniform": {"limit": 0.1}}}], "loss": {"type": "huber", "delta": 1.0}, "optimizer": {"type": "adam", "lr": 0.1, "beta1": 0.8}}"#,
    r#"{"input_shape": [3], "layers": [{"type": "dense", "units": 2}], "loss": {"type": "categorical_cross_entropy", "label_smoothing": 0.1}, "optimizer": {"type": "sgd", "lr": 0.5}, "schedule": {"type": "step", "step_size": 10, "gamma": 0.5}}"#,
    r#"{"input_shape": [3], "layers": [{"type": "dense", "units": 1}], "loss": {"type": "binary_cross_entropy"}, "optimizer": {"type": "sgd", "lr": 0.5}}"#,
];

fn write(dir: &str, name: &str, bytes: &[u8]) {
    let dir = format!("corpus/{dir}");
    fs::create_dir_all(&dir).unwrap();
    fs::write(format!("{dir}/{name}"), bytes).unwrap();
}

use webgrad_data::mnist::to_idx as idx;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn main() {
    let dev = webgrad_cpu::cpu();
    let mut kept = 0;
    for (i, json) in SPECS.iter().enumerate() {
        // A seed the engine refuses would only teach the fuzzer error paths: report it.
        let spec = match ModelSpec::from_json(json).and_then(|s| s.validate().map(|_| s)) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("spec {i} is refused: {e}");
                continue;
            }
        };
        write("model_spec", &format!("seed-{i}.json"), json.as_bytes());
        let model = webgrad_nn::model::build(&spec, &dev).unwrap();
        let file = webgrad_nn::io::save_weights(&model, i % 2 == 0).unwrap();
        write("model_file", &format!("seed-{i}.safetensors"), &file);
        kept += 1;
    }
    let images = idx(2051, &[2, 2, 3], &[0, 255, 51, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let labels = idx(2049, &[2], &[7, 1]);
    for (name, mode, body) in [("images", 0u8, images.clone()), ("labels", 1, labels.clone()), ("images-gz", 0, gzip(&images)), ("labels-gz", 1, gzip(&labels))] {
        write("idx", &format!("seed-{name}"), &[&[mode][..], &body].concat());
    }
    // Mode 2: images then labels, split where the second byte says.
    let both = [&images[..], &labels[..]].concat();
    let cut = (images.len() * 256).div_ceil(both.len()) as u8;
    write("idx", "seed-both", &[&[2u8, cut][..], &both].concat());
    let csvs: &[&[u8]] = &[
        b"age,income,member,city,note\n30,1200.5,yes,Paris,a\n45,,no,Lyon,b\nNA,800,Yes,Paris,c\n",
        b"\xEF\xBB\xBFname;\"price; in EUR\"\r\n\"Smith, J.\";\"1,5\"\r\nDoe;2\r\n",
        b"a\tb\n1\t2\n3\t4\n",
        b"1,2\n3,4\n\n5,6\n",
        b"sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n",
    ];
    for (i, text) in csvs.iter().enumerate() {
        write("csv", &format!("seed-{i}.csv"), &[&[0u8][..], text].concat());
    }
    println!("{kept} of {} specs written, 5 IDX seeds and {} CSV seeds", SPECS.len(), csvs.len());
}
