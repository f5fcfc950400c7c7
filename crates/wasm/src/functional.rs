//! `torch.nn.functional` for JavaScript (`wg.nn.functional`, `wg.F`): each binding converts its
//! arguments and calls one function of `webgrad_core::functional`. Options arrive unpacked
//! (the TypeScript wrapper takes them as an object).
use crate::tensor::WasmTensor;
use crate::{js_err, JsResult};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use webgrad_core::functional::{self as F, Reduction};
use webgrad_core::Rng;

type TResult = JsResult<WasmTensor>;

fn wrap(r: webgrad_core::Result<webgrad_core::Tensor>) -> TResult {
    r.map(WasmTensor::from).map_err(js_err)
}

fn reduction(op: &str, r: Option<String>) -> JsResult<Reduction> {
    match r {
        None => Ok(Reduction::Mean),
        Some(s) => Reduction::parse(op, &s).map_err(js_err),
    }
}

thread_local! {
    /// The generator `dropout` draws from when no seed is given (seeded, so runs repeat).
    static DROPOUT_RNG: RefCell<Rng> = RefCell::new(Rng::new(0x5eed_d0d0));
}

#[wasm_bindgen(js_name = fLayerNorm)]
pub fn layer_norm(x: &WasmTensor, normalized_shape: &[u32], weight: Option<WasmTensor>, bias: Option<WasmTensor>, eps: f32) -> TResult {
    let ns: Vec<usize> = normalized_shape.iter().map(|&d| d as usize).collect();
    wrap(F::layer_norm(x.tensor(), &ns, weight.as_ref().map(|t| t.tensor()), bias.as_ref().map(|t| t.tensor()), eps))
}

#[wasm_bindgen(js_name = fCrossEntropy)]
pub fn cross_entropy(input: &WasmTensor, target: &WasmTensor, weight: Option<WasmTensor>, label_smoothing: f32, reduction_: Option<String>) -> TResult {
    let r = reduction("cross_entropy", reduction_)?;
    wrap(F::cross_entropy(input.tensor(), target.tensor(), weight.as_ref().map(|t| t.tensor()), label_smoothing, r))
}

#[wasm_bindgen(js_name = fBinaryCrossEntropyWithLogits)]
pub fn binary_cross_entropy_with_logits(input: &WasmTensor, target: &WasmTensor, pos_weight: Option<WasmTensor>, reduction_: Option<String>) -> TResult {
    let r = reduction("binary_cross_entropy_with_logits", reduction_)?;
    wrap(F::binary_cross_entropy_with_logits(input.tensor(), target.tensor(), pos_weight.as_ref().map(|t| t.tensor()), r))
}

#[wasm_bindgen(js_name = fMseLoss)]
pub fn mse_loss(input: &WasmTensor, target: &WasmTensor, reduction_: Option<String>) -> TResult {
    let r = reduction("mse_loss", reduction_)?;
    wrap(F::mse_loss(input.tensor(), target.tensor(), r))
}

#[wasm_bindgen(js_name = fL1Loss)]
pub fn l1_loss(input: &WasmTensor, target: &WasmTensor, reduction_: Option<String>) -> TResult {
    let r = reduction("l1_loss", reduction_)?;
    wrap(F::l1_loss(input.tensor(), target.tensor(), r))
}

#[wasm_bindgen(js_name = fHuberLoss)]
pub fn huber_loss(input: &WasmTensor, target: &WasmTensor, delta: f32, reduction_: Option<String>) -> TResult {
    let r = reduction("huber_loss", reduction_)?;
    wrap(F::huber_loss(input.tensor(), target.tensor(), delta, r))
}

#[wasm_bindgen(js_name = fScaledDotProductAttention)]
pub fn scaled_dot_product_attention(q: &WasmTensor, k: &WasmTensor, v: &WasmTensor, mask: Option<WasmTensor>, is_causal: bool) -> TResult {
    wrap(F::scaled_dot_product_attention(q.tensor(), k.tensor(), v.tensor(), mask.as_ref().map(|t| t.tensor()), is_causal))
}

/// `seed` given: a fresh generator from it; otherwise the module's own seeded generator.
#[wasm_bindgen(js_name = fDropout)]
pub fn dropout(x: &WasmTensor, p: f32, training: bool, seed: Option<u64>) -> TResult {
    match seed {
        Some(s) => wrap(F::dropout(x.tensor(), p, training, &mut Rng::new(s))),
        None => DROPOUT_RNG.with(|r| wrap(F::dropout(x.tensor(), p, training, &mut r.borrow_mut()))),
    }
}

#[wasm_bindgen(js_name = fEmbedding)]
pub fn embedding(indices: &WasmTensor, weight: &WasmTensor) -> TResult {
    wrap(F::embedding(indices.tensor(), weight.tensor()))
}

/// `num_classes` negative (torch's -1): max(indices) + 1.
#[wasm_bindgen(js_name = fOneHot)]
pub fn one_hot(indices: &WasmTensor, num_classes: i32) -> TResult {
    if num_classes as i64 * indices.tensor().numel() as i64 > crate::MAX_ELEMENTS as i64 {
        return Err(JsError::new(&format!("one_hot: {} × {} classes is too large", indices.tensor().numel(), num_classes)));
    }
    wrap(F::one_hot(indices.tensor(), if num_classes < 0 { None } else { Some(num_classes as usize) }))
}
