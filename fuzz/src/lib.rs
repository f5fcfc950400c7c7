//! What each fuzz target checks, as plain functions: the targets call them with the fuzzer's
//! bytes. Every input must give `Ok` or an `Err` with a message: a panic, an abort or a
//! sanitizer report is a bug.
use webgrad_core::{DType, Tensor};
use webgrad_nn::spec::ModelSpec;

/// Specs whose every number is small enough that building the model costs little: the fuzzer
/// looks for panics, not for the (checked, tested) size limits, and must run fast.
pub fn small_enough(spec: &ModelSpec, shapes: &[Vec<usize>]) -> bool {
    fn numbers_small(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => n.as_f64().is_some_and(|x| x.abs() <= 32.0),
            serde_json::Value::Array(a) => a.iter().all(numbers_small),
            serde_json::Value::Object(o) => o.iter().all(|(k, v)| k == "seed" || numbers_small(v)),
            _ => true,
        }
    }
    let Ok(value) = serde_json::to_value(spec) else { return false };
    numbers_small(&value) && shapes.iter().all(|s| s.iter().product::<usize>() <= 4096)
}

/// A model spec as JSON text: parse, validate, and (when small) build it and run a batch of
/// two examples forward.
pub fn model_spec(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Ok(spec) = ModelSpec::from_json(text) else { return };
    let Ok(shapes) = spec.validate() else { return };
    if !small_enough(&spec, &shapes) {
        return;
    }
    let dev = webgrad_cpu::cpu();
    let Ok(model) = webgrad_nn::model::build(&spec, &dev) else { return };
    let mut shape = vec![2];
    shape.extend_from_slice(&spec.input_shape);
    let x = if spec.takes_indices() {
        Tensor::zeros(&shape, &dev).and_then(|t| t.cast(DType::I32))
    } else {
        Tensor::ones(&shape, &dev)
    };
    if let Ok(x) = x {
        let _ = model.predict(&x);
    }
}

/// A model file (safetensors with the spec in its metadata): read it as a model, and as plain
/// tensors.
pub fn model_file(bytes: &[u8]) {
    let dev = webgrad_cpu::cpu();
    let _ = webgrad_nn::io::from_safetensors(bytes, &dev);
    let Ok(spec) = webgrad_nn::io::spec_of(bytes) else { return };
    let Ok(shapes) = spec.validate() else { return };
    if small_enough(&spec, &shapes) {
        let _ = webgrad_nn::io::load_self_contained(bytes, &dev);
    }
}

/// MNIST-style IDX files, plain or gzipped: the first byte picks images or labels or both
/// (split at the second byte's fraction of the rest).
pub fn idx(bytes: &[u8]) {
    let Some((&mode, rest)) = bytes.split_first() else { return };
    match mode % 3 {
        0 => drop(webgrad_data::mnist::parse_images(rest)),
        1 => drop(webgrad_data::mnist::parse_labels(rest)),
        _ => {
            let Some((&cut, rest)) = rest.split_first() else { return };
            let at = rest.len() * cut as usize / 256;
            drop(webgrad_data::mnist::load(&rest[..at], &rest[at..]));
        }
    }
}

/// CSV text → a table: the first byte picks the options (delimiter given or detected, header
/// given or detected); every column's statistics must be consistent with its values.
pub fn csv(bytes: &[u8]) {
    use webgrad_data::table::{read_csv, CsvOptions, Values};
    let Some((&mode, text)) = bytes.split_first() else { return };
    let delimiter = [None, Some(b','), Some(b';'), Some(b'\t')][(mode & 3) as usize];
    let header = [None, Some(true), Some(false), None][((mode >> 2) & 3) as usize];
    let Ok(table) = read_csv(text, &CsvOptions { delimiter, header }) else { return };
    for c in &table.columns {
        let len = match &c.values {
            Values::Numeric(v) => v.len(),
            Values::Strings(v) => v.len(),
        };
        assert_eq!(len, table.num_rows, "column {}", c.name);
        assert_eq!(c.stats.count + c.stats.missing, table.num_rows, "column {}", c.name);
        assert!(c.stats.unique <= c.stats.count);
        if let (Some(lo), Some(hi)) = (c.stats.min, c.stats.max) {
            assert!(lo <= hi && c.stats.mean.is_some_and(|m| m >= lo - 1e-6 * lo.abs().max(1.0) && m <= hi + 1e-6 * hi.abs().max(1.0)));
        }
    }
    // The last column as the target, every imputation: a data set whose sizes agree, or an error.
    use webgrad_data::encode::{encode, EncodeOptions, Impute};
    let Some(target) = table.columns.last() else { return };
    let impute = [Impute::Mean, Impute::Median, Impute::MostFrequent, Impute::Drop, Impute::Constant(-1.0)][(mode >> 4) as usize % 5];
    if let Ok(e) = encode(&table, &EncodeOptions { impute, ..EncodeOptions::new(&target.name) }) {
        let d = &e.dataset;
        assert_eq!(d.features.len(), d.len() * e.feature_names.len());
        assert!(d.features.iter().all(|x| x.is_finite()));
    }
}
