//! Named tensors to and from safetensors bytes (Python's `safetensors.numpy.save` / `load`), on
//! the page's engine: for files that are not whole models, or to read a model file's metadata.
use crate::device::current_device;
use crate::tensor::WasmTensor;
use crate::{js_err, JsResult};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use webgrad_nn::io;

/// `undefined`/`null` → no metadata; otherwise an object whose values are all strings.
pub(crate) fn metadata_arg(v: JsValue) -> JsResult<HashMap<String, String>> {
    if v.is_undefined() || v.is_null() {
        return Ok(HashMap::new());
    }
    crate::from_js("safetensors metadata (names to strings)", &v)
}

/// Every tensor of a safetensors file (F32/F64/F16/BF16 → float32, I32/I64 → int32), sorted by
/// name, with the file's metadata.
#[wasm_bindgen(js_name = SafetensorsFile)]
pub struct SafetensorsFile {
    names: Vec<String>,
    tensors: Vec<Option<WasmTensor>>,
    metadata: HashMap<String, String>,
}

#[wasm_bindgen(js_class = SafetensorsFile)]
impl SafetensorsFile {
    pub fn read(bytes: &[u8]) -> JsResult<SafetensorsFile> {
        let (list, metadata) = io::from_safetensors(bytes, &current_device()).map_err(js_err)?;
        let (names, tensors) = list.into_iter().map(|(n, t)| (n, Some(WasmTensor::from(t)))).unzip();
        Ok(SafetensorsFile { names, tensors, metadata })
    }
    #[wasm_bindgen(getter)]
    pub fn names(&self) -> Vec<String> {
        self.names.clone()
    }
    /// The `i`-th tensor (by name order); each can be taken once.
    pub fn take(&mut self, i: usize) -> JsResult<WasmTensor> {
        self.tensors.get_mut(i).and_then(Option::take).ok_or_else(|| JsError::new(&format!("safetensors: tensor {i} was already taken or does not exist")))
    }
    /// The metadata as a `{ key: 'value' }` object.
    #[wasm_bindgen(getter)]
    pub fn metadata(&self) -> JsResult<JsValue> {
        let obj = js_sys::Object::new();
        for (k, v) in &self.metadata {
            js_sys::Reflect::set(&obj, &k.into(), &v.into()).map_err(|_| JsError::new("safetensors: cannot build the metadata object"))?;
        }
        Ok(obj.into())
    }
}

/// Builds a safetensors file from named tensors (float32 → F32, int32 → I32), which are
/// borrowed, not consumed.
#[wasm_bindgen(js_name = SafetensorsWriter)]
#[derive(Default)]
pub struct SafetensorsWriter {
    list: Vec<(String, webgrad_core::Tensor)>,
}

#[wasm_bindgen(js_class = SafetensorsWriter)]
impl SafetensorsWriter {
    #[wasm_bindgen(constructor)]
    pub fn new() -> SafetensorsWriter {
        SafetensorsWriter::default()
    }
    pub fn add(&mut self, name: String, tensor: &WasmTensor) {
        self.list.push((name, tensor.tensor().clone()));
    }
    /// The file's bytes, with optional `{ key: 'value' }` metadata.
    pub fn finish(&self, metadata: JsValue) -> JsResult<Vec<u8>> {
        let metadata = metadata_arg(metadata)?;
        io::to_safetensors(&self.list, (!metadata.is_empty()).then_some(metadata)).map_err(js_err)
    }
}
