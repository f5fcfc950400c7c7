//! The training loop for JavaScript: nn's `FitRun` (the one loop `Model::fit` runs natively),
//! driven a batch at a time by the package's host, which reads the sums back asynchronously
//! (WebGPU) and runs the page's callbacks in between. Also the two-phase `evaluate`.
use crate::model::WasmModel;
use crate::tensor::WasmTensor;
use crate::{js_err, JsResult};
use wasm_bindgen::prelude::*;
use webgrad_nn::{FitOptions, FitRun, Logs, Metric, PendingEval, StopReason, Tally};

#[wasm_bindgen(js_name = FitRun)]
pub struct WasmFitRun {
    inner: FitRun,
}

fn logs_to_js(logs: &Logs) -> JsResult<JsValue> {
    let out = js_sys::Object::new();
    for (k, v) in logs {
        js_sys::Reflect::set(&out, &JsValue::from_str(k), &JsValue::from_f64(*v as f64))
            .map_err(|_| JsError::new("logs: cannot build the object"))?;
    }
    Ok(out.into())
}

#[wasm_bindgen(js_class = FitRun)]
impl WasmFitRun {
    /// `options` is nn's `FitOptions` as a plain object (snake_case: `epochs`, `batch_size`,
    /// `shuffle`, `validation_split`, `metrics`, `callbacks`, `initial_epoch`, `seed`).
    /// `vx`/`vy` are validation data (both or neither).
    #[wasm_bindgen(constructor)]
    pub fn new(
        model: &WasmModel,
        x: &WasmTensor,
        y: &WasmTensor,
        options: JsValue,
        vx: Option<WasmTensor>,
        vy: Option<WasmTensor>,
    ) -> JsResult<WasmFitRun> {
        let options: FitOptions = crate::from_js("fit options", &options)?;
        let validation = match (&vx, &vy) {
            (Some(a), Some(b)) => Some((a.tensor(), b.tensor())),
            (None, None) => None,
            _ => return Err(JsError::new("fit: validation data needs both x and y")),
        };
        let inner = FitRun::new(model.inner(), x.tensor(), y.tensor(), &options, validation)
            .map_err(js_err)?;
        Ok(WasmFitRun { inner })
    }
    /// The epoch that runs next (or is running).
    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> u32 {
        self.inner.epoch() as u32
    }
    #[wasm_bindgen(getter)]
    pub fn batches(&self) -> u32 {
        self.inner.batches() as u32
    }
    /// Batches run so far in this epoch.
    #[wasm_bindgen(getter)]
    pub fn batch(&self) -> u32 {
        self.inner.batch() as u32
    }
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.inner.done()
    }
    /// Keras' `stopTraining = true`: no further batch; the current epoch still ends.
    #[wasm_bindgen(js_name = stopTraining)]
    pub fn stop_training(&mut self) {
        self.inner.stop(StopReason::Callback);
    }
    /// Draw the epoch's order; returns the number of batches.
    #[wasm_bindgen(js_name = beginEpoch)]
    pub fn begin_epoch(&mut self, model: &mut WasmModel) -> JsResult<u32> {
        self.inner.begin_epoch(model.inner_mut()).map(|b| b as u32).map_err(js_err)
    }
    /// One batch (an optimizer step); its loss, not read back, or `undefined` at the epoch's end.
    pub fn step(&mut self, model: &mut WasmModel) -> JsResult<Option<WasmTensor>> {
        self.inner
            .step(model.inner_mut())
            .map(|o| o.map(WasmTensor::from))
            .map_err(js_err)
    }
    /// End an epoch in which no batch ran (stopped before its first batch); the run is done.
    #[wasm_bindgen(js_name = skipEpoch)]
    pub fn skip_epoch(&mut self) {
        self.inner.skip_epoch();
    }
    /// The epoch's training sums (1-D) and the weights check, to read back.
    #[wasm_bindgen(js_name = trainSums)]
    pub fn train_sums(&mut self, model: &WasmModel) -> JsResult<WasmTensor> {
        self.inner.train_sums(model.inner()).map(WasmTensor::from).map_err(js_err)
    }
    /// Evaluate on the validation data; its sums (1-D) to read back, or `undefined`.
    #[wasm_bindgen(js_name = valSums)]
    pub fn val_sums(&mut self, model: &WasmModel) -> JsResult<Option<WasmTensor>> {
        self.inner
            .val_sums(model.inner())
            .map(|o| o.map(WasmTensor::from))
            .map_err(js_err)
    }
    /// Finish the epoch from the read-back values; returns its logs (`{ loss, …, val_loss, lr }`).
    #[wasm_bindgen(js_name = endEpoch)]
    pub fn end_epoch(
        &mut self,
        model: &mut WasmModel,
        train: Vec<f32>,
        val: Option<Vec<f32>>,
    ) -> JsResult<JsValue> {
        let logs = self
            .inner
            .end_epoch(model.inner_mut(), &train, val.as_deref())
            .map_err(js_err)?;
        logs_to_js(&logs)
    }
    /// Warnings of the epochs so far (a non-finite loss under `on_non_finite: "warn"`), once each.
    #[wasm_bindgen(js_name = takeWarnings)]
    pub fn take_warnings(&mut self) -> Vec<String> {
        self.inner.take_warnings()
    }
    /// Why the run stopped early: `undefined`, `"callback"`, `"early_stopping"` or `"non_finite"`.
    #[wasm_bindgen(getter, js_name = stoppedBy)]
    pub fn stopped_by(&self) -> Option<String> {
        self.inner.stopped().map(|r| match r {
            StopReason::Callback => "callback".to_string(),
            StopReason::EarlyStopping { .. } => "early_stopping".to_string(),
            StopReason::NonFinite { .. } => "non_finite".to_string(),
        })
    }
    /// End the run (restores early stopping's best weights when asked to).
    pub fn finish(self, model: &mut WasmModel) -> JsResult<()> {
        self.inner.finish(model.inner_mut()).map(|_| ()).map_err(js_err)
    }
}

/// An evaluation whose sums are on the device: read `sums`, then `logs(values)`.
#[wasm_bindgen(js_name = Evaluation)]
pub struct WasmEvaluation {
    sums: Option<webgrad_core::Tensor>,
    tally: Tally,
}

#[wasm_bindgen(js_class = Evaluation)]
impl WasmEvaluation {
    /// Run every batch of (x, y) in evaluation mode; `metrics` as nn's names ("accuracy", "auc", …).
    #[wasm_bindgen(constructor)]
    pub fn new(
        model: &WasmModel,
        x: &WasmTensor,
        y: &WasmTensor,
        batch_size: u32,
        metrics: JsValue,
    ) -> JsResult<WasmEvaluation> {
        let metrics: Vec<Metric> = crate::from_js("evaluate: metrics", &metrics)?;
        let PendingEval { sums, tally } = model
            .inner()
            .evaluate_sums(x.tensor(), y.tensor(), batch_size as usize, &metrics)
            .map_err(js_err)?;
        Ok(WasmEvaluation { sums: Some(sums), tally })
    }
    /// The sums to read back (once).
    #[wasm_bindgen(js_name = takeSums)]
    pub fn take_sums(&mut self) -> JsResult<WasmTensor> {
        self.sums
            .take()
            .map(WasmTensor::from)
            .ok_or_else(|| JsError::new("evaluate: the sums were already taken"))
    }
    /// The logs from the read-back values.
    pub fn logs(&self, values: Vec<f32>) -> JsResult<JsValue> {
        logs_to_js(&self.tally.logs(&values, "").map_err(js_err)?)
    }
}
