//! Quality bars: seeded end-to-end training runs with a threshold each. They take a `Device`
//! (and the data as bytes or text where it is large), so the same functions run natively on the
//! CPU in `cargo test` and on WebGPU or in the browser in the conformance suite.
use crate::model::{build, Model};
use crate::spec::ModelSpec;
use crate::trainer::{Callbacks, FitOptions, Metric};
use webgrad_core::{bail, Device, Result, Tensor};
use webgrad_data::{synthetic, Dataset, Labels};

/// The outcome of one quality run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub name: &'static str,
    /// "accuracy" (higher is better) or "loss" (lower is better).
    pub metric: &'static str,
    pub value: f32,
    pub threshold: f32,
    pub passed: bool,
    /// A line for logs: configuration and what was reached.
    pub detail: String,
}

impl Report {
    fn new(name: &'static str, metric: &'static str, value: f32, threshold: f32, detail: String) -> Report {
        let passed = if metric == "accuracy" { value >= threshold } else { value < threshold };
        Report { name, metric, value, threshold, passed, detail }
    }
    /// `Err` with the report's line when the bar was missed.
    pub fn check(self) -> Result<Report> {
        if !self.passed {
            bail!("quality", "{}: {} {} misses the bar {} ({})", self.name, self.metric, self.value, self.threshold, self.detail);
        }
        Ok(self)
    }
}

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

fn data_err(e: webgrad_data::DataError) -> webgrad_core::Error {
    webgrad_core::Error::new("data", e.0)
}

fn accuracy(model: &Model, x: &Tensor, y: &Tensor) -> Result<f32> {
    Ok(model.evaluate(x, y, 1024, &[Metric::Accuracy])?["accuracy"])
}

/// TF Playground's spiral (noise 0.1 on its 0–0.5 scale, 1,000 points, 80/20 split) with two
/// hidden layers of 8 tanh units: ≥ 95 % test accuracy.
pub fn spiral(device: &Device) -> Result<Report> {
    let data = synthetic::to_classes(&synthetic::generate(synthetic::Kind2d::Spiral, 1000, 0.1, 7).map_err(data_err)?).map_err(data_err)?;
    let (train, test) = data.split(0.2, 8).map_err(data_err)?;
    let spec = ModelSpec::from_json(
        r#"{
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 8, "activation": "tanh"},
            {"type": "dense", "units": 8, "activation": "tanh"},
            {"type": "dense", "units": 2}
        ],
        "loss": {"type": "softmax_cross_entropy"},
        "optimizer": {"type": "adam", "lr": 0.03},
        "schedule": {"type": "cosine", "total_steps": 5000, "min_lr": 0.003},
        "seed": 1
    }"#,
    )?;
    let mut model = build(&spec, device)?;
    let (x, y) = tensors(&train, device)?;
    let (tx, ty) = tensors(&test, device)?;
    let epochs = 200;
    model.fit(&x, &y, &FitOptions::new(epochs, 32), None, &mut Callbacks::none())?;
    let acc = accuracy(&model, &tx, &ty)?;
    Ok(Report::new("spiral", "accuracy", acc, 0.95, format!("2-8-8-2 tanh, adam, {epochs} epochs of 800 points: test accuracy {acc:.4}")))
}
