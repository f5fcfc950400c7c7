//! Saving and loading: weights as safetensors (the format PyTorch and Hugging Face use) plus the
//! JSON model spec. Everything works on bytes, so the browser can store them or offer them as
//! downloads; `save_dir` / `load_dir` are native conveniences.
//!
//! A saved file holds every parameter and buffer under its model name (`0.weight`, …), the spec
//! in the metadata (`webgrad.spec`), and optionally the optimizer state (`optimizer.<param>.<slot>`
//! plus `webgrad.optimizer_steps`), so a training run can be resumed exactly.
use crate::model::{build, Model};
use crate::spec::ModelSpec;
use safetensors::tensor::{Dtype, SafeTensors, View};
use std::borrow::Cow;
use std::collections::HashMap;
use webgrad_core::{bail, DType, Device, Error, Result, Tensor};

const OPTIMIZER_PREFIX: &str = "optimizer.";
const META_FORMAT: &str = "format";
const META_SPEC: &str = "webgrad.spec";
const META_STEPS: &str = "webgrad.optimizer_steps";

/// Tensors with their names.
pub type NamedTensors = Vec<(String, Tensor)>;

struct Bytes {
    dtype: Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl View for &Bytes {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn data_len(&self) -> usize {
        self.data.len()
    }
}

fn to_bytes(t: &Tensor) -> Result<Bytes> {
    let (dtype, data) = match t.dtype() {
        DType::F32 => (Dtype::F32, t.to_vec()?.iter().flat_map(|v| v.to_le_bytes()).collect()),
        DType::I32 => (Dtype::I32, t.to_vec_i32()?.iter().flat_map(|v| v.to_le_bytes()).collect()),
    };
    Ok(Bytes { dtype, shape: t.dims(), data })
}

/// Serialise named tensors (f32 → F32, i32 → I32) and string metadata to safetensors bytes.
pub fn to_safetensors(tensors: &[(String, Tensor)], metadata: Option<HashMap<String, String>>) -> Result<Vec<u8>> {
    let owned = tensors.iter().map(|(n, t)| Ok((n.clone(), to_bytes(t)?))).collect::<Result<Vec<_>>>()?;
    let mut names: Vec<&str> = owned.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    if let Some(dup) = names.windows(2).find(|w| w[0] == w[1]) {
        bail!("safetensors", "tensor name {:?} appears twice", dup[0]);
    }
    safetensors::serialize(owned.iter().map(|(n, b)| (n.as_str(), b)), &metadata).map_err(|e| Error::new("safetensors", format!("cannot serialise: {e}")))
}

fn f16_to_f32(bits: u16) -> f32 {
    let sign = ((bits >> 15) as u32) << 31;
    let exp = ((bits >> 10) & 0x1f) as u32;
    let frac = (bits & 0x3ff) as u32;
    let magnitude = match exp {
        0 => return f32::from_bits(sign) + if sign == 0 { 1.0 } else { -1.0 } * frac as f32 * 2f32.powi(-24),
        0x1f => 0x7f80_0000 | (frac << 13),
        e => ((e + 127 - 15) << 23) | (frac << 13),
    };
    f32::from_bits(sign | magnitude)
}

/// A tensor's values as decoded from a file, before they go to a device.
enum Values {
    F32(Vec<f32>),
    I32(Vec<i32>),
}

/// Every tensor of a safetensors file as (name, shape, values), with the file's metadata.
fn decode_safetensors(bytes: &[u8]) -> Result<(Vec<(String, Vec<usize>, Values)>, HashMap<String, String>)> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| Error::new("safetensors", format!("not a valid safetensors file ({e})")))?;
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| Error::new("safetensors", format!("not a valid safetensors file ({e})")))?;
    let metadata = header.metadata().clone().unwrap_or_default();
    let mut out = Vec::new();
    for (name, view) in st.tensors() {
        let shape = view.shape().to_vec();
        let data = view.data();
        let values = match view.dtype() {
            Dtype::F32 => Values::F32(data.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect()),
            Dtype::F64 => Values::F32(data.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")) as f32).collect()),
            Dtype::F16 => Values::F32(data.chunks_exact(2).map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]]))).collect()),
            Dtype::BF16 => Values::F32(data.chunks_exact(2).map(|c| f32::from_bits((u16::from_le_bytes([c[0], c[1]]) as u32) << 16)).collect()),
            Dtype::I32 => Values::I32(data.chunks_exact(4).map(|c| i32::from_le_bytes(c.try_into().expect("4 bytes"))).collect()),
            Dtype::I64 => {
                let vals = data.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes")));
                Values::I32(vals.map(|v| i32::try_from(v).map_err(|_| Error::new("safetensors", format!("{name}: value {v} does not fit in i32")))).collect::<Result<Vec<_>>>()?)
            }
            other => bail!("safetensors", "{}: dtype {:?} is not supported (use F32, F64, F16, BF16, I32 or I64)", name, other),
        };
        out.push((name, shape, values));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((out, metadata))
}

fn to_tensors(decoded: Vec<(String, Vec<usize>, Values)>, device: &Device) -> Result<NamedTensors> {
    decoded
        .into_iter()
        .map(|(name, shape, values)| {
            let t = match values {
                Values::F32(v) => Tensor::from_vec(v, &shape, device)?,
                Values::I32(v) => Tensor::from_i32(v, &shape, device)?,
            };
            Ok((name, t))
        })
        .collect()
}

/// Read every tensor of a safetensors file onto `device` (F32/F64/F16/BF16 → f32,
/// I32/I64 → i32), with the file's metadata. Tensors come back sorted by name.
pub fn from_safetensors(bytes: &[u8], device: &Device) -> Result<(NamedTensors, HashMap<String, String>)> {
    let (decoded, metadata) = decode_safetensors(bytes)?;
    Ok((to_tensors(decoded, device)?, metadata))
}

/// The model's weights (and, with `with_optimizer`, its optimizer state) as safetensors bytes,
/// with the spec in the metadata.
pub fn save_weights(model: &Model, with_optimizer: bool) -> Result<Vec<u8>> {
    save_weights_with(model, with_optimizer, HashMap::new())
}

/// `save_weights` plus the caller's own string metadata (an application's settings, a note),
/// stored beside webgrad's keys; `format` and keys starting with `webgrad.` are webgrad's own.
pub fn save_weights_with(model: &Model, with_optimizer: bool, user: HashMap<String, String>) -> Result<Vec<u8>> {
    check_user_metadata(&user)?;
    let mut tensors: Vec<(String, Tensor)> = model.named_parameters().into_iter().map(|(n, p)| (n, p.get())).collect();
    let mut metadata = HashMap::from([(META_FORMAT.to_string(), "webgrad".to_string()), (META_SPEC.to_string(), model.spec().to_json())]);
    if with_optimizer {
        let opt = model.optimizer();
        tensors.extend(opt.state_tensors().into_iter().map(|(n, t)| (format!("{OPTIMIZER_PREFIX}{n}"), t)));
        metadata.insert(META_STEPS.to_string(), opt.steps().to_string());
    }
    metadata.extend(user);
    to_safetensors(&tensors, Some(metadata))
}

/// Metadata keys webgrad writes itself may not come from the caller.
pub fn check_user_metadata(user: &HashMap<String, String>) -> Result<()> {
    let mut keys: Vec<&String> = user.keys().filter(|k| k.as_str() == META_FORMAT || k.starts_with("webgrad.")).collect();
    keys.sort();
    match keys.first() {
        Some(k) => bail!("save", "metadata key {:?} is webgrad's own (\"{}\" and keys starting with \"webgrad.\" are reserved)", k, META_FORMAT),
        None => Ok(()),
    }
}

/// Load weights saved by `save_weights` (or any safetensors file with the model's parameter
/// names and shapes) into `model`. Optimizer state, when present, is restored too.
pub fn load_weights(model: &mut Model, bytes: &[u8]) -> Result<()> {
    let (decoded, metadata) = decode_safetensors(bytes)?;
    // Checked here, before the values go to the device: a GPU tensor cannot be read back
    // synchronously, so the model's own check sees only CPU-resident values.
    for (name, _, values) in &decoded {
        if let (false, Values::F32(v)) = (name.starts_with(OPTIMIZER_PREFIX), values) {
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                bail!("load weights", "the weights do not fit this model: {name} holds {} at index {i}", v[i]);
            }
        }
    }
    let tensors = to_tensors(decoded, model.device())?;
    let (optim, params): (Vec<_>, Vec<_>) = tensors.into_iter().partition(|(n, _)| n.starts_with(OPTIMIZER_PREFIX));
    model.load_parameters(params)?;
    let steps = metadata.get(META_STEPS).map(|s| s.parse::<u64>()).transpose().map_err(|_| Error::new("load weights", format!("{META_STEPS} is not a number")))?;
    if !optim.is_empty() || steps.is_some() {
        let state = optim.into_iter().map(|(n, t)| (n[OPTIMIZER_PREFIX.len()..].to_string(), t)).collect();
        model.optimizer_mut().load_state(steps.unwrap_or(0), state)?;
    }
    Ok(())
}

/// The spec stored in a file written by `save_weights`.
pub fn spec_of(bytes: &[u8]) -> Result<ModelSpec> {
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| Error::new("safetensors", format!("not a valid safetensors file ({e})")))?;
    match header.metadata().as_ref().and_then(|m| m.get(META_SPEC)) {
        Some(json) => ModelSpec::from_json(json),
        None => bail!("load", "the file has no webgrad model spec in its metadata; build the model from its spec and use load_weights"),
    }
}

/// A model as two files: its spec (JSON) and its weights (safetensors).
pub fn save(model: &Model, with_optimizer: bool) -> Result<(String, Vec<u8>)> {
    Ok((model.spec().to_json_pretty(), save_weights(model, with_optimizer)?))
}

/// Build the model of `spec_json` on `device` and load `weights` into it.
pub fn load(spec_json: &str, weights: &[u8], device: &Device) -> Result<Model> {
    let mut model = build(&ModelSpec::from_json(spec_json)?, device)?;
    load_weights(&mut model, weights)?;
    Ok(model)
}

/// Rebuild a model from the weights file alone (its spec is in the metadata).
pub fn load_self_contained(weights: &[u8], device: &Device) -> Result<Model> {
    let mut model = build(&spec_of(weights)?, device)?;
    load_weights(&mut model, weights)?;
    Ok(model)
}

/// Write `model.json` and `model.safetensors` into `dir` (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn save_dir(model: &Model, dir: &std::path::Path, with_optimizer: bool) -> Result<()> {
    let io = |e: std::io::Error| Error::new("save", format!("{}: {e}", dir.display()));
    let (spec, weights) = save(model, with_optimizer)?;
    std::fs::create_dir_all(dir).map_err(io)?;
    std::fs::write(dir.join("model.json"), spec).map_err(io)?;
    std::fs::write(dir.join("model.safetensors"), weights).map_err(io)
}

/// Read a model written by `save_dir` (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn load_dir(dir: &std::path::Path, device: &Device) -> Result<Model> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| Error::new("load", format!("{}: {e}", dir.join(name).display())));
    let spec = String::from_utf8(read("model.json")?).map_err(|_| Error::new("load", "model.json is not UTF-8"))?;
    load(&spec, &read("model.safetensors")?, device)
}

#[cfg(test)]
mod tests {
    use super::f16_to_f32;

    #[test]
    fn half_floats_convert_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x8001), -(2f32.powi(-24)));
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_to_f32(0x7e00).is_nan());
        assert_eq!(f16_to_f32(0x8000).to_bits(), (-0.0f32).to_bits());
    }
}
