//! Training throughput on the native CPU backend:
//! `cargo run --release -p webgrad-nn --example train_bench [-- --quick] [--json]`.
//!
//! Each workload runs a few warm-up steps, then timed steps until at least `min_secs` have
//! passed. The last loss is read back inside the timed region, so a device that queues work
//! (WebGPU) is measured finished, not just submitted.
use std::time::Instant;
use webgrad_core::{Device, Result, Rng, Tensor};
use webgrad_cpu::cpu;
use webgrad_nn::prep::{char_transformer_spec, token_tensors};
use webgrad_nn::{build, ModelSpec};
use webgrad_data::text::{CharCorpus, Split};

struct Row {
    name: &'static str,
    unit: &'static str,
    per_step: usize,
    steps: usize,
    secs: f64,
}

/// Time `step` (which returns the loss tensor) after `warmup` calls.
fn time(name: &'static str, unit: &'static str, per_step: usize, warmup: usize, min_secs: f64, mut step: impl FnMut() -> Result<Tensor>) -> Result<Row> {
    for _ in 0..warmup {
        step()?.item()?;
    }
    let t0 = Instant::now();
    let mut steps = 0;
    loop {
        let loss = step()?;
        steps += 1;
        if t0.elapsed().as_secs_f64() >= min_secs {
            loss.item()?;
            break;
        }
    }
    Ok(Row { name, unit, per_step, steps, secs: t0.elapsed().as_secs_f64() })
}

fn random_batch(dev: &Device, rng: &mut Rng, shape: &[usize], classes: usize) -> Result<(Tensor, Tensor)> {
    let x = rng.normal_tensor(shape, 0.0, 1.0, dev)?;
    let y = Tensor::from_i32((0..shape[0]).map(|_| rng.below(classes) as i32).collect(), &[shape[0]], dev)?;
    Ok((x, y))
}

fn classifier(dev: &Device, input: &str, layers: &str) -> Result<webgrad_nn::Model> {
    let json = format!(r#"{{"input_shape": {input}, "layers": [{layers}], "loss": {{"type": "softmax_cross_entropy"}}, "optimizer": {{"type": "adam", "lr": 0.001}}, "seed": 1}}"#);
    build(&ModelSpec::from_json(&json)?, dev)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let json = args.iter().any(|a| a == "--json");
    let min_secs = if quick { 0.5 } else { 3.0 };
    let dev = cpu();
    let mut rng = Rng::new(0);
    let mut rows = Vec::new();

    // TF Playground's default network shape class: 2 inputs, two small tanh layers, batch 10.
    let mut m = classifier(&dev, "[2]", r#"{"type": "dense", "units": 8, "activation": "tanh"}, {"type": "dense", "units": 8, "activation": "tanh"}, {"type": "dense", "units": 2}"#)?;
    let (x, y) = random_batch(&dev, &mut rng, &[10, 2], 2)?;
    rows.push(time("playground MLP 2-8-8-2, batch 10", "samples/s", 10, 20, min_secs, || m.train_step(&x, &y))?);

    let mut m = classifier(&dev, "[784]", r#"{"type": "dense", "units": 128, "activation": "relu"}, {"type": "dense", "units": 10}"#)?;
    let (x, y) = random_batch(&dev, &mut rng, &[64, 784], 10)?;
    rows.push(time("MNIST MLP 784-128-10, batch 64", "samples/s", 64, 3, min_secs, || m.train_step(&x, &y))?);

    let cnn = r#"{"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": 1, "activation": "relu"}, {"type": "max_pool2d", "pool_size": 2},
        {"type": "conv2d", "filters": 16, "kernel_size": 3, "padding": 1, "activation": "relu"}, {"type": "max_pool2d", "pool_size": 2},
        {"type": "flatten"}, {"type": "dense", "units": 10}"#;
    let mut m = classifier(&dev, "[1, 28, 28]", cnn)?;
    let (x, y) = random_batch(&dev, &mut rng, &[64, 1, 28, 28], 10)?;
    rows.push(time("MNIST CNN conv8-pool-conv16-pool-10, batch 64", "samples/s", 64, 2, min_secs, || m.train_step(&x, &y))?);

    // nanoGPT's CPU configuration on tiny-shakespeare: 4 layers, 4 heads, 128 wide, context 64, batch 12.
    let text = webgrad_data::assets::tiny_shakespeare().map_err(|e| webgrad_core::Error::new("bench", e.0))?;
    let corpus = CharCorpus::new(&text, 0.1).map_err(|e| webgrad_core::Error::new("bench", e.0))?;
    let (ctx, batch) = (64, 12);
    let mut m = build(&char_transformer_spec(corpus.tokenizer.vocab_size(), ctx, 128, 4, 4, 1e-3, 1), &dev)?;
    let mut brng = Rng::new(1);
    rows.push(time("char transformer 4L×4H×128, ctx 64, batch 12", "tokens/s", batch * ctx, 1, min_secs, || {
        let (x, y) = token_tensors(&corpus.batch(Split::Train, batch, ctx, &mut brng).map_err(|e| webgrad_core::Error::new("bench", e.0))?, &dev)?;
        m.train_step(&x, &y)
    })?);

    if json {
        let items: Vec<String> = rows
            .iter()
            .map(|r| format!(r#"{{"name":"{}","unit":"{}","rate":{:.1},"ms_per_step":{:.3}}}"#, r.name, r.unit, (r.per_step * r.steps) as f64 / r.secs, 1e3 * r.secs / r.steps as f64))
            .collect();
        println!("[{}]", items.join(","));
    } else {
        println!("device: {}", dev.name());
        println!("{:<48} {:>14} {:>12} {:>7}", "workload", "throughput", "ms/step", "steps");
        for r in &rows {
            let rate = (r.per_step * r.steps) as f64 / r.secs;
            println!("{:<48} {:>10.0} {:<9} {:>8.2} {:>7}", r.name, rate, r.unit, 1e3 * r.secs / r.steps as f64, r.steps);
        }
    }
    Ok(())
}
