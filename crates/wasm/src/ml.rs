//! `wg.ml`'s estimators: webgrad-ml's registry behind one class. Matrices cross as row-major
//! typed arrays with their row and column counts; fitted attributes as `{ name, data, shape }`.
use crate::JsResult;
use wasm_bindgen::prelude::*;
use webgrad_ml::{registry, Estimator, Kind, Matrix, MlError, Value};

fn err(e: MlError) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen(js_name = Estimator)]
pub struct WasmEstimator {
    inner: Box<dyn Estimator>,
}

fn matrix(x: Vec<f32>, rows: u32, cols: u32) -> JsResult<Matrix> {
    Matrix::from_f32(&x, rows as usize, cols as usize).map_err(err)
}

/// `[data, cols]` for a matrix result.
fn matrix_out(m: Matrix) -> js_sys::Array {
    let out = js_sys::Array::new();
    out.push(&js_sys::Float64Array::from(m.data.as_slice()));
    out.push(&JsValue::from_f64(m.cols as f64));
    out
}

#[wasm_bindgen(js_class = Estimator)]
impl WasmEstimator {
    /// A new estimator by scikit-learn class name with camelCase JSON parameters.
    pub fn create(name: &str, params_json: &str) -> JsResult<WasmEstimator> {
        Ok(WasmEstimator { inner: registry::create(name, params_json).map_err(err)? })
    }
    /// The names `create` knows.
    pub fn names() -> Vec<String> {
        registry::NAMES.iter().map(|s| s.to_string()).collect()
    }
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }
    /// "classifier", "regressor", "clusterer" or "transformer".
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        match self.inner.kind() {
            Kind::Classifier => "classifier",
            Kind::Regressor => "regressor",
            Kind::Clusterer => "clusterer",
            Kind::Transformer => "transformer",
        }
        .into()
    }
    pub fn fit(&mut self, x: Vec<f32>, rows: u32, cols: u32, y: Option<Vec<f64>>) -> JsResult<()> {
        self.inner.fit(&matrix(x, rows, cols)?, y.as_deref()).map_err(err)
    }
    pub fn predict(&self, x: Vec<f32>, rows: u32, cols: u32) -> JsResult<Vec<f64>> {
        self.inner.predict(&matrix(x, rows, cols)?).map_err(err)
    }
    #[wasm_bindgen(js_name = predictProba)]
    pub fn predict_proba(&self, x: Vec<f32>, rows: u32, cols: u32) -> JsResult<js_sys::Array> {
        Ok(matrix_out(self.inner.predict_proba(&matrix(x, rows, cols)?).map_err(err)?))
    }
    pub fn transform(&self, x: Vec<f32>, rows: u32, cols: u32) -> JsResult<js_sys::Array> {
        Ok(matrix_out(self.inner.transform(&matrix(x, rows, cols)?).map_err(err)?))
    }
    pub fn score(&self, x: Vec<f32>, rows: u32, cols: u32, y: Vec<f64>) -> JsResult<f64> {
        self.inner.score(&matrix(x, rows, cols)?, &y).map_err(err)
    }
    /// Fitted attributes: `[{ name, data: Float64Array, shape }]` (a scalar has shape []).
    pub fn attributes(&self) -> js_sys::Array {
        let out = js_sys::Array::new();
        for (name, value) in self.inner.attributes() {
            let (data, shape): (Vec<f64>, Vec<f64>) = match value {
                Value::Scalar(v) => (vec![v], vec![]),
                Value::Vector(v) => {
                    let n = v.len() as f64;
                    (v, vec![n])
                }
                Value::Matrix(m) => (m.data, vec![m.rows as f64, m.cols as f64]),
            };
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"name".into(), &name.into());
            let _ = js_sys::Reflect::set(&o, &"data".into(), &js_sys::Float64Array::from(data.as_slice()));
            let _ = js_sys::Reflect::set(&o, &"shape".into(), &js_sys::Array::from_iter(shape.into_iter().map(JsValue::from_f64)));
            out.push(&o);
        }
        out
    }
}
