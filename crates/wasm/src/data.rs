//! Data sets from webgrad-data: the 2-D generators and MNIST (IDX bytes fetched by the page).
//! Features and labels come out as typed arrays, ready to become tensors or go to the worker.
use crate::{JsResult, MAX_ELEMENTS};
use wasm_bindgen::prelude::*;
use webgrad_data::{mnist, prep, synthetic, Dataset, Labels};

fn data_err(e: webgrad_data::DataError) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen(js_name = Dataset)]
pub struct WasmDataset {
    inner: Dataset,
}

#[wasm_bindgen(js_class = Dataset)]
impl WasmDataset {
    /// `n` points of a 2-D set ("circle", "xor", "gaussian", "spiral", "regress_plane",
    /// "regress_gaussian", "moons", "checkerboard", "spiral3") with `noise` in [0, 1] from `seed`.
    /// `classes` turns the ±1 labels of binary sets into class indices 0/1.
    pub fn synthetic2d(
        kind: &str,
        n: u32,
        noise: f32,
        seed: u64,
        classes: bool,
    ) -> JsResult<WasmDataset> {
        if n as usize > MAX_ELEMENTS / 2 {
            return Err(JsError::new(&format!("data: {n} points are too many")));
        }
        let kind = synthetic::Kind2d::from_name(kind).map_err(data_err)?;
        let mut data = synthetic::generate(kind, n as usize, noise, seed).map_err(data_err)?;
        if classes && !kind.is_regression() {
            data = synthetic::to_classes(&data).map_err(data_err)?;
        }
        Ok(WasmDataset { inner: data })
    }

    /// The names `synthetic2d` accepts.
    #[wasm_bindgen(js_name = kinds2d)]
    pub fn kinds_2d() -> Vec<String> {
        synthetic::Kind2d::ALL
            .iter()
            .map(|k| k.name().to_string())
            .collect()
    }

    /// MNIST from IDX files (gzip-compressed or not): features [n, 1, 28, 28] in [0, 1], classes 0–9.
    pub fn mnist(images: &[u8], labels: &[u8]) -> JsResult<WasmDataset> {
        Ok(WasmDataset {
            inner: mnist::load(images, labels).map_err(data_err)?,
        })
    }

    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }
    /// Shape of one example, e.g. [2] or [1, 28, 28].
    #[wasm_bindgen(getter, js_name = featureShape)]
    pub fn feature_shape(&self) -> Vec<u32> {
        self.inner.feature_shape.iter().map(|&d| d as u32).collect()
    }
    /// Number of classes for class labels, 0 for real-valued labels.
    #[wasm_bindgen(getter, js_name = numClasses)]
    pub fn num_classes(&self) -> u32 {
        match self.inner.labels {
            Labels::Classes { num_classes, .. } => num_classes as u32,
            Labels::Values { .. } => 0,
        }
    }
    /// Values per example for real-valued labels (1 for class labels).
    #[wasm_bindgen(getter, js_name = labelWidth)]
    pub fn label_width(&self) -> u32 {
        match self.inner.labels {
            Labels::Classes { .. } => 1,
            Labels::Values { width, .. } => width as u32,
        }
    }
    /// All features, row-major [length, ...featureShape], as a new Float32Array.
    pub fn features(&self) -> Vec<f32> {
        self.inner.features.clone()
    }
    /// Class labels as a new Int32Array, or undefined for real-valued labels.
    #[wasm_bindgen(js_name = classLabels)]
    pub fn class_labels(&self) -> Option<Vec<i32>> {
        match &self.inner.labels {
            Labels::Classes { labels, .. } => Some(labels.clone()),
            Labels::Values { .. } => None,
        }
    }
    /// Real-valued labels as a new Float32Array [length, labelWidth], or undefined for classes.
    #[wasm_bindgen(js_name = valueLabels)]
    pub fn value_labels(&self) -> Option<Vec<f32>> {
        match &self.inner.labels {
            Labels::Values { values, .. } => Some(values.clone()),
            Labels::Classes { .. } => None,
        }
    }
    /// A seeded split: [train, test] with `test_fraction` of the examples in test.
    pub fn split(&self, test_fraction: f32, seed: u64) -> JsResult<Vec<WasmDataset>> {
        let (train, test) = self.inner.split(test_fraction, seed).map_err(data_err)?;
        Ok(vec![
            WasmDataset { inner: train },
            WasmDataset { inner: test },
        ])
    }
}

/// `trainTestSplit`'s rows: `[train, test]` index arrays. `test_size` is a fraction in (0, 1)
/// or a count ≥ 1 (scikit-learn's `test_size`); with `stratify` (class labels) each class keeps
/// its share.
#[wasm_bindgen(js_name = splitIndices)]
pub fn split_indices(n: u32, test_size: f64, seed: u64, stratify: Option<Vec<i32>>) -> JsResult<js_sys::Array> {
    let n = n as usize;
    if n < 2 {
        return Err(JsError::new(&format!("trainTestSplit: {n} rows cannot be split (need at least 2)")));
    }
    let fraction = if test_size >= 1.0 && test_size.fract() == 0.0 {
        if test_size as usize >= n {
            return Err(JsError::new(&format!("trainTestSplit: testSize {test_size} leaves no training rows out of {n}")));
        }
        test_size / n as f64
    } else if test_size > 0.0 && test_size < 1.0 {
        test_size
    } else {
        return Err(JsError::new(&format!("trainTestSplit: testSize {test_size} must be a fraction in (0, 1) or a whole number of rows")));
    };
    let (train, test) = match stratify {
        Some(labels) => {
            if labels.len() != n {
                return Err(JsError::new(&format!("trainTestSplit: stratify has {} labels for {n} rows", labels.len())));
            }
            prep::stratified_split_indices(&labels, fraction as f32, seed).map_err(data_err)?
        }
        None => prep::split_indices(n, fraction as f32, seed).map_err(data_err)?,
    };
    if train.is_empty() || test.is_empty() {
        return Err(JsError::new(&format!("trainTestSplit: testSize {test_size} of {n} rows leaves one side empty")));
    }
    let out = js_sys::Array::new();
    for part in [train, test] {
        out.push(&js_sys::Int32Array::from(part.iter().map(|&i| i as i32).collect::<Vec<_>>().as_slice()));
    }
    Ok(out)
}
