//! A model built from webgrad-nn's `ModelSpec` (a plain JS object, converted by
//! serde-wasm-bindgen), with the single-step API: train_step, predict, loss.
use crate::tensor::WasmTensor;
use crate::{js_err, JsResult};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use webgrad_core::{no_grad, Tensor};
use webgrad_nn::{build, io, Model, ModelSpec, OptimizerSpec, Regularization};

use crate::device::current_device;

#[wasm_bindgen(js_name = Model)]
pub struct WasmModel {
    inner: Model,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryRow {
    index: usize,
    kind: &'static str,
    output_shape: Vec<usize>,
    params: usize,
}

impl WasmModel {
    pub(crate) fn inner(&self) -> &Model {
        &self.inner
    }
    pub(crate) fn inner_mut(&mut self) -> &mut Model {
        &mut self.inner
    }
}

#[wasm_bindgen(js_class = Model)]
impl WasmModel {
    /// Validate the spec and build the model (weights drawn from its seed) on the current device.
    #[wasm_bindgen(js_name = fromSpec)]
    pub fn from_spec(spec: JsValue) -> JsResult<WasmModel> {
        // Through JSON text and nn's own parser (one deserialiser in the wasm; undefined fields
        // are simply absent; errors name the path of the bad value).
        let json = js_sys::JSON::stringify(&spec).map_err(|_| JsError::new("model spec: not a plain object"))?;
        let spec = ModelSpec::from_json(&String::from(json)).map_err(js_err)?;
        Ok(WasmModel {
            inner: build(&spec, &current_device()).map_err(js_err)?,
        })
    }
    /// The same from the spec as JSON text.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(json: &str) -> JsResult<WasmModel> {
        let spec = ModelSpec::from_json(json).map_err(js_err)?;
        Ok(WasmModel {
            inner: build(&spec, &current_device()).map_err(js_err)?,
        })
    }
    /// The spec as JSON text (defaults filled in).
    #[wasm_bindgen(js_name = specJson)]
    pub fn spec_json(&self) -> String {
        self.inner.spec().to_json()
    }

    /// One optimisation step on a batch; returns the loss (a scalar tensor, not yet read back).
    #[wasm_bindgen(js_name = trainStep)]
    pub fn train_step(&mut self, x: &WasmTensor, y: &WasmTensor) -> JsResult<WasmTensor> {
        self.inner
            .train_step(x.tensor(), y.tensor())
            .map(WasmTensor::from)
            .map_err(js_err)
    }
    /// Raw outputs (logits for cross-entropy losses), evaluation mode, no graph.
    pub fn predict(&self, x: &WasmTensor) -> JsResult<WasmTensor> {
        self.inner
            .predict(x.tensor())
            .map(WasmTensor::from)
            .map_err(js_err)
    }
    /// Probabilities for the cross-entropy losses, raw values for regression.
    #[wasm_bindgen(js_name = predictProba)]
    pub fn predict_proba(&self, x: &WasmTensor) -> JsResult<WasmTensor> {
        self.inner
            .predict_proba(x.tensor())
            .map(WasmTensor::from)
            .map_err(js_err)
    }
    /// The objective (data loss plus regularisation) of outputs `pred` against targets `y`, no graph.
    #[wasm_bindgen(js_name = lossOf)]
    pub fn loss_of(&self, pred: &WasmTensor, y: &WasmTensor) -> JsResult<WasmTensor> {
        no_grad(|| self.inner.loss(pred.tensor(), y.tensor()))
            .map(WasmTensor::from)
            .map_err(js_err)
    }

    /// Outputs for `x` in batches of `batch_size`, concatenated.
    #[wasm_bindgen(js_name = predictBatched)]
    pub fn predict_batched(&self, x: &WasmTensor, batch_size: u32) -> JsResult<WasmTensor> {
        self.inner
            .predict_batched(x.tensor(), batch_size as usize)
            .map(WasmTensor::from)
            .map_err(js_err)
    }
    #[wasm_bindgen(getter, js_name = numParameters)]
    pub fn num_parameters(&self) -> u32 {
        self.inner.num_parameters() as u32
    }
    /// Output shape of one example (no batch axis).
    #[wasm_bindgen(getter, js_name = outputShape)]
    pub fn output_shape(&self) -> Vec<u32> {
        self.inner
            .output_shape()
            .iter()
            .map(|&d| d as u32)
            .collect()
    }
    /// One row per layer: { index, kind, outputShape, params }.
    pub fn summary(&self) -> JsResult<JsValue> {
        let rows: Vec<SummaryRow> = self
            .inner
            .summary()
            .into_iter()
            .map(|s| SummaryRow {
                index: s.index,
                kind: s.kind,
                output_shape: s.output_shape,
                params: s.params,
            })
            .collect();
        serde_wasm_bindgen::to_value(&rows).map_err(|e| JsError::new(&e.to_string()))
    }

    /// The Keras-style summary table as text.
    #[wasm_bindgen(js_name = summaryTable)]
    pub fn summary_table(&self) -> String {
        self.inner.summary_table()
    }

    /// Names of every parameter and buffer (`<layer>.<param>`, e.g. "0.weight").
    #[wasm_bindgen(js_name = parameterNames)]
    pub fn parameter_names(&self) -> Vec<String> {
        self.inner
            .named_parameters()
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    }
    /// The current value of one parameter or buffer.
    pub fn parameter(&self, name: &str) -> JsResult<WasmTensor> {
        match self.inner.param(name) {
            Some(p) => Ok(WasmTensor::from(p.get())),
            None => Err(JsError::new(&format!("model: no parameter named {name:?}"))),
        }
    }
    /// Replace every parameter and buffer; `names[i]` gets `values[i]` (consumed).
    #[wasm_bindgen(js_name = loadParameters)]
    pub fn load_parameters(&self, names: Vec<String>, values: Vec<WasmTensor>) -> JsResult<()> {
        if names.len() != values.len() {
            return Err(JsError::new(&format!(
                "load weights: {} names for {} tensors",
                names.len(),
                values.len()
            )));
        }
        let pairs: Vec<(String, Tensor)> = names
            .into_iter()
            .zip(values.into_iter().map(|t| t.tensor().clone()))
            .collect();
        self.inner.load_parameters(pairs).map_err(js_err)
    }

    /// Weights (and, with `with_optimizer`, the optimizer state) as safetensors bytes with the spec
    /// in the metadata. Async because WebGPU values can only be read asynchronously: they are
    /// copied into a CPU twin of the model first, which nn's `save_weights` then serialises.
    /// `metadata` (optional): the caller's own `{ key: 'value' }` strings, stored beside
    /// webgrad's keys.
    #[wasm_bindgen(js_name = saveWeights)]
    pub fn save_weights(&self, with_optimizer: bool, metadata: JsValue) -> js_sys::Promise {
        let user = match crate::io::metadata_arg(metadata) {
            Ok(m) => m,
            Err(e) => return js_sys::Promise::reject(&e.into()),
        };
        if let Err(e) = io::check_user_metadata(&user) {
            return js_sys::Promise::reject(&js_err(e).into());
        }
        let spec = self.inner.spec().clone();
        let params: Vec<(String, Tensor)> = self
            .inner
            .named_parameters()
            .into_iter()
            .map(|(n, p)| (n, p.get()))
            .collect();
        let opt = self.inner.optimizer();
        let (steps, state) = if with_optimizer {
            (opt.steps(), opt.state_tensors())
        } else {
            (0, vec![])
        };
        wasm_bindgen_futures::future_to_promise(async move {
            let err = |e: webgrad_core::Error| JsValue::from(js_err(e));
            let cpu = webgrad_cpu::cpu();
            let to_cpu = |list: Vec<(String, Tensor)>| async {
                let mut out = Vec::with_capacity(list.len());
                for (n, t) in list {
                    let v = crate::device::read_f32(&t).await?;
                    out.push((n, Tensor::from_vec(v, t.shape(), &cpu)?));
                }
                webgrad_core::Result::Ok(out)
            };
            let mut twin = build(&spec, &cpu).map_err(err)?;
            twin.copy_parameters(to_cpu(params).await.map_err(err)?)
                .map_err(err)?;
            if with_optimizer {
                twin.optimizer_mut()
                    .load_state(steps, to_cpu(state).await.map_err(err)?)
                    .map_err(err)?;
            }
            let bytes = io::save_weights_with(&twin, with_optimizer, user).map_err(err)?;
            Ok(js_sys::Uint8Array::from(&bytes[..]).into())
        })
    }
    /// Load weights (and optimizer state, when present) saved by `saveWeights`, or any
    /// safetensors file with this model's parameter names and shapes.
    #[wasm_bindgen(js_name = loadWeights)]
    pub fn load_weights(&mut self, bytes: &[u8]) -> JsResult<()> {
        io::load_weights(&mut self.inner, bytes).map_err(js_err)
    }
    /// Rebuild a model from a file written by `saveWeights` alone (its spec is in the metadata).
    #[wasm_bindgen(js_name = fromSafetensors)]
    pub fn from_safetensors(bytes: &[u8]) -> JsResult<WasmModel> {
        Ok(WasmModel {
            inner: io::load_self_contained(bytes, &current_device()).map_err(js_err)?,
        })
    }
    /// The spec (JSON text) stored in a file written by `saveWeights`.
    #[wasm_bindgen(js_name = specOf)]
    pub fn spec_of(bytes: &[u8]) -> JsResult<String> {
        Ok(io::spec_of(bytes).map_err(js_err)?.to_json())
    }

    /// The optimizer's current learning rate (after the schedule).
    #[wasm_bindgen(getter, js_name = learningRate)]
    pub fn learning_rate(&self) -> f32 {
        self.inner.optimizer().lr()
    }
    /// Set the base learning rate (the schedule scales it).
    #[wasm_bindgen(js_name = setLearningRate)]
    pub fn set_learning_rate(&mut self, lr: f32) -> JsResult<()> {
        self.inner.optimizer_mut().set_base_lr(lr).map_err(js_err)
    }
    /// Switch the optimizer mid-run (an optimizer spec object, e.g. `{ type: 'adam', lr: 0.01 }`),
    /// keeping the weights; the same kind keeps its state, another kind starts fresh.
    #[wasm_bindgen(js_name = setOptimizer)]
    pub fn set_optimizer(&mut self, spec: JsValue) -> JsResult<()> {
        let spec: OptimizerSpec = crate::from_js("optimizer spec", &spec)?;
        self.inner.set_optimizer(spec).map_err(js_err)
    }
    /// Change the L1/L2 penalties mid-run.
    #[wasm_bindgen(js_name = setRegularization)]
    pub fn set_regularization(&mut self, l1: f32, l2: f32) -> JsResult<()> {
        self.inner
            .set_regularization(Regularization { l1, l2 })
            .map_err(js_err)
    }
    /// Replace one parameter or buffer by name (same shape, f32); the optimizer state is kept.
    #[wasm_bindgen(js_name = setParameter)]
    pub fn set_parameter(&self, name: &str, value: &WasmTensor) -> JsResult<()> {
        self.inner.set_param(name, value.tensor()).map_err(js_err)
    }
    /// Every layer's output for `x` (evaluation mode, no graph), one tensor per layer.
    #[wasm_bindgen(js_name = layerOutputs)]
    pub fn layer_outputs(&self, x: &WasmTensor) -> JsResult<Vec<WasmTensor>> {
        self.inner
            .layer_outputs(x.tensor())
            .map(|v| v.into_iter().map(WasmTensor::from).collect())
            .map_err(js_err)
    }
    /// The data loss (no regularisation) of outputs `pred` against targets `y`, no graph.
    #[wasm_bindgen(js_name = dataLossOf)]
    pub fn data_loss_of(&self, pred: &WasmTensor, y: &WasmTensor) -> JsResult<WasmTensor> {
        no_grad(|| self.inner.data_loss(pred.tensor(), y.tensor()))
            .map(WasmTensor::from)
            .map_err(js_err)
    }

    /// Optimizer steps taken so far.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> f64 {
        self.inner.optimizer().steps() as f64
    }
}

/// Rows `idx` (1-D int32) of `t`, for f32 and i32 tensors alike (batches of labels).
#[wasm_bindgen(js_name = gatherRows)]
pub fn gather_rows(t: &WasmTensor, idx: &WasmTensor) -> JsResult<WasmTensor> {
    if t.tensor().rank() == 0 {
        return Err(JsError::new(
            "gather_rows: a scalar (rank-0) tensor has no rows",
        ));
    }
    webgrad_nn::trainer::gather_rows(t.tensor(), idx.tensor())
        .map(WasmTensor::from)
        .map_err(js_err)
}
