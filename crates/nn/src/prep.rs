//! Data to tensors and model presets for the examples, benchmarks and quality bars: data sets
//! and token batches as tensors, the seeded MNIST split, a GPT-style character model's spec.
use crate::model::Model;
use crate::spec::ModelSpec;
use webgrad_core::{bail, Device, Result, Rng, Tensor};
use webgrad_data::text::{CharCorpus, Split, TokenBatch};
use webgrad_data::{Dataset, Labels};

/// Features and labels of a data set as tensors on `device` (classes → i32 `[N]`, values → f32
/// `[N, width]`).
pub fn tensors(data: &Dataset, device: &Device) -> Result<(Tensor, Tensor)> {
    let x = Tensor::from_slice(&data.features, &data.features_shape(), device)?;
    let y = match &data.labels {
        Labels::Classes { labels, .. } => Tensor::from_i32(labels.clone(), &[labels.len()], device)?,
        Labels::Values { values, width } => Tensor::from_slice(values, &[values.len() / width, *width], device)?,
    };
    Ok((x, y))
}

pub fn data_err(e: webgrad_data::DataError) -> webgrad_core::Error {
    webgrad_core::Error::new("data", e.0)
}

/// The seeded 8,000 / 2,000 split of the MNIST test set used by the MNIST bars.
pub fn mnist_split(mnist: &Dataset) -> Result<(Dataset, Dataset)> {
    if mnist.len() < 10_000 {
        bail!("mnist_split", "expected the 10,000-image MNIST test set, got {} images", mnist.len());
    }
    let first = mnist.select(&(0..10_000).collect::<Vec<_>>());
    first.split(0.2, 2024).map_err(data_err)
}

/// Standardise MNIST pixels with the usual training-set mean and spread (0.1307, 0.3081).
pub fn standardize_mnist(data: &mut Dataset) {
    data.features.iter_mut().for_each(|v| *v = (*v - 0.1307) / 0.3081);
}

/// The spec of a GPT-style character model: token+position embedding, `layers` pre-norm blocks,
/// a final LayerNorm and a dense head over the vocabulary.
pub fn char_transformer_spec(vocab: usize, context: usize, dim: usize, heads: usize, layers: usize, lr: f32, seed: u64) -> ModelSpec {
    let mut json = format!(r#"{{"input_shape": [{context}], "layers": [{{"type": "token_position_embedding", "vocab_size": {vocab}, "max_len": {context}, "dim": {dim}}}"#);
    for _ in 0..layers {
        json += &format!(r#", {{"type": "transformer_block", "heads": {heads}}}"#);
    }
    json += &format!(
        r#", {{"type": "layer_norm"}}, {{"type": "dense", "units": {vocab}, "init": {{"normal": {{"std": 0.02}}}}}}],
        "loss": {{"type": "softmax_cross_entropy"}},
        "optimizer": {{"type": "adamw", "lr": {lr}, "weight_decay": 0.01}},
        "clip_grad_norm": 1.0,
        "seed": {seed}}}"#
    );
    ModelSpec::from_json(&json).expect("a valid spec")
}

/// Mean loss of `model` over `batches` seeded validation batches.
pub fn char_eval(model: &Model, corpus: &CharCorpus, batches: usize, batch: usize, seed: u64) -> Result<f32> {
    let context = model.spec().input_shape[0];
    let mut rng = Rng::new(seed);
    let mut total = 0.0;
    for _ in 0..batches {
        let (x, y) = token_tensors(&corpus.batch(Split::Val, batch, context, &mut rng).map_err(data_err)?, model.device())?;
        total += model.evaluate(&x, &y, batch, &[])?["loss"];
    }
    Ok(total / batches as f32)
}

/// A batch of tokens as (inputs, targets) i32 tensors `[batch, context]`.
pub fn token_tensors(b: &TokenBatch, device: &Device) -> Result<(Tensor, Tensor)> {
    Ok((
        Tensor::from_i32(b.inputs.clone(), &[b.batch, b.context], device)?,
        Tensor::from_i32(b.targets.clone(), &[b.batch, b.context], device)?,
    ))
}

