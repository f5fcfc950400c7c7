//! CSV tables (webgrad-data's `table` and `encode`): `Frame.read` parses bytes with progress,
//! `columns()` and `rows()` describe it for a page, `encode` turns it into a feature matrix and
//! labels; `splitIndices` is `trainTestSplit`'s seeded (optionally stratified) cut.
use crate::{from_js, JsResult};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use webgrad_data::encode::{self, EncodeOptions, Impute, Scale, Task};
use webgrad_data::table::{self, CsvOptions, Table, Values};
use webgrad_data::Labels;

fn data_err(e: webgrad_data::DataError) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen(js_name = Frame)]
pub struct WasmFrame {
    table: Table,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsOut {
    count: usize,
    missing: usize,
    unique: usize,
    mean: Option<f64>,
    std: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    /// The most frequent values with their counts, most frequent first.
    top: Vec<(String, usize)>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ColumnOut<'a> {
    name: &'a str,
    kind: &'static str,
    stats: StatsOut,
    /// Cells that look like typos in a mostly numeric column ("line 7: \"n.a.\" is not a number").
    problems: &'a [String],
    /// Ten equal-width bins between min and max (numeric columns), for a small histogram.
    histogram: Option<Vec<usize>>,
}

fn histogram(values: &[Option<f64>], min: f64, max: f64) -> Vec<usize> {
    let mut bins = vec![0; 10];
    let width = (max - min) / 10.0;
    for v in values.iter().flatten() {
        let k = if width > 0.0 { ((v - min) / width) as usize } else { 0 };
        bins[k.min(9)] += 1;
    }
    bins
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EncodeArgs {
    target: String,
    features: Option<Vec<String>>,
    /// "drop", "mean" (default), "median", "most_frequent", or a number (constant fill).
    impute: Option<serde_json::Value>,
    /// "standard", "minmax" or none.
    scale: Option<String>,
    one_hot: Option<bool>,
    /// "classification" or "regression"; guessed from the target when absent.
    task: Option<String>,
}

fn impute_of(v: Option<serde_json::Value>) -> JsResult<Impute> {
    Ok(match v {
        None => Impute::Mean,
        Some(serde_json::Value::Number(n)) => Impute::Constant(n.as_f64().unwrap_or(0.0)),
        Some(serde_json::Value::String(s)) => match s.as_str() {
            "drop" => Impute::Drop,
            "mean" => Impute::Mean,
            "median" => Impute::Median,
            "most_frequent" | "mostFrequent" => Impute::MostFrequent,
            _ => return Err(JsError::new(&format!("toTensors: impute {s:?} is not one of \"drop\", \"mean\", \"median\", \"most_frequent\" or a number"))),
        },
        Some(other) => return Err(JsError::new(&format!("toTensors: impute {other} is not a strategy name or a number"))),
    })
}

#[wasm_bindgen(js_class = Frame)]
impl WasmFrame {
    /// Parse CSV bytes. `delimiter` (one character) and `header` are detected when undefined;
    /// `progress(fraction)` is called as the parse goes.
    pub fn read(bytes: &[u8], delimiter: Option<String>, header: Option<bool>, progress: Option<js_sys::Function>) -> JsResult<WasmFrame> {
        let delimiter = match delimiter.as_deref() {
            None => None,
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            Some("\\t") => Some(b'\t'),
            Some(d) => return Err(JsError::new(&format!("readCsv: delimiter {d:?} must be one character (\",\", \";\", \"\\t\", …)"))),
        };
        let opts = CsvOptions { delimiter, header };
        let mut report = |f: f64| {
            if let Some(p) = &progress {
                let _ = p.call1(&JsValue::NULL, &JsValue::from_f64(f));
            }
        };
        let table = table::read_csv_with_progress(bytes, &opts, &mut report).map_err(data_err)?;
        Ok(WasmFrame { table })
    }

    #[wasm_bindgen(getter, js_name = numRows)]
    pub fn num_rows(&self) -> u32 {
        self.table.num_rows as u32
    }
    #[wasm_bindgen(getter)]
    pub fn delimiter(&self) -> String {
        (self.table.delimiter as char).to_string()
    }
    #[wasm_bindgen(getter, js_name = hasHeader)]
    pub fn has_header(&self) -> bool {
        self.table.has_header
    }

    /// `[{ name, kind, stats, problems, histogram }]`, one per column.
    pub fn columns(&self) -> JsResult<JsValue> {
        let out: Vec<ColumnOut> = self
            .table
            .columns
            .iter()
            .map(|c| {
                let s = &c.stats;
                let histogram = match (&c.values, s.min, s.max) {
                    (Values::Numeric(v), Some(lo), Some(hi)) => Some(histogram(v, lo, hi)),
                    _ => None,
                };
                ColumnOut {
                    name: &c.name,
                    kind: c.kind.name(),
                    stats: StatsOut { count: s.count, missing: s.missing, unique: s.unique, mean: s.mean, std: s.std, min: s.min, max: s.max, top: s.top.clone() },
                    problems: &c.problems,
                    histogram,
                }
            })
            .collect();
        out.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Rows `start..end` (clamped) as arrays of cells: numbers, strings, booleans or null.
    pub fn rows(&self, start: u32, end: u32) -> JsResult<JsValue> {
        let end = (end as usize).min(self.table.num_rows);
        let start = (start as usize).min(end);
        let rows: Vec<Vec<serde_json::Value>> = (start..end)
            .map(|i| {
                self.table
                    .columns
                    .iter()
                    .map(|c| match &c.values {
                        Values::Numeric(v) => match v[i] {
                            None => serde_json::Value::Null,
                            Some(x) if c.kind == table::ColumnKind::Boolean => serde_json::Value::Bool(x != 0.0),
                            Some(x) => serde_json::json!(x),
                        },
                        Values::Strings(v) => v[i].clone().map_or(serde_json::Value::Null, serde_json::Value::String),
                    })
                    .collect()
            })
            .collect();
        rows.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Features and labels: `{ target, features?, impute?, scale?, oneHot?, task? }`.
    pub fn encode(&self, options: JsValue) -> JsResult<WasmEncoded> {
        let args: EncodeArgs = from_js("toTensors", &options)?;
        let mut opts = EncodeOptions::new(&args.target);
        opts.features = args.features;
        opts.impute = impute_of(args.impute)?;
        opts.scale = match args.scale.as_deref() {
            None | Some("none") => Scale::None,
            Some("standard") => Scale::Standard,
            Some("minmax") | Some("minMax") => Scale::MinMax,
            Some(s) => return Err(JsError::new(&format!("toTensors: scale {s:?} is not \"standard\", \"minmax\" or \"none\""))),
        };
        opts.one_hot = args.one_hot.unwrap_or(true);
        opts.task = match args.task.as_deref() {
            None => None,
            Some("classification") => Some(Task::Classification),
            Some("regression") => Some(Task::Regression),
            Some(t) => return Err(JsError::new(&format!("toTensors: task {t:?} is not \"classification\" or \"regression\""))),
        };
        Ok(WasmEncoded { inner: encode::encode(&self.table, &opts).map_err(|e| JsError::new(&format!("toTensors: {}", e.0)))? })
    }
}

/// A table encoded for training: features `[numRows, numFeatures]` and labels.
#[wasm_bindgen(js_name = Encoded)]
pub struct WasmEncoded {
    inner: encode::Encoded,
}

#[wasm_bindgen(js_class = Encoded)]
impl WasmEncoded {
    pub fn features(&self) -> Vec<f32> {
        self.inner.dataset.features.clone()
    }
    #[wasm_bindgen(getter, js_name = numRows)]
    pub fn num_rows(&self) -> u32 {
        self.inner.dataset.len() as u32
    }
    #[wasm_bindgen(getter, js_name = numFeatures)]
    pub fn num_features(&self) -> u32 {
        self.inner.feature_names.len() as u32
    }
    /// Class indices (classification), else undefined.
    #[wasm_bindgen(js_name = classLabels)]
    pub fn class_labels(&self) -> Option<Vec<i32>> {
        match &self.inner.dataset.labels {
            Labels::Classes { labels, .. } => Some(labels.clone()),
            Labels::Values { .. } => None,
        }
    }
    /// Target values (regression), else undefined.
    #[wasm_bindgen(js_name = valueLabels)]
    pub fn value_labels(&self) -> Option<Vec<f32>> {
        match &self.inner.dataset.labels {
            Labels::Values { values, .. } => Some(values.clone()),
            Labels::Classes { .. } => None,
        }
    }
    #[wasm_bindgen(getter, js_name = featureNames)]
    pub fn feature_names(&self) -> Vec<String> {
        self.inner.feature_names.clone()
    }
    #[wasm_bindgen(getter)]
    pub fn classes(&self) -> Vec<String> {
        self.inner.classes.clone()
    }
    #[wasm_bindgen(getter)]
    pub fn task(&self) -> String {
        match self.inner.task {
            Task::Classification => "classification".into(),
            Task::Regression => "regression".into(),
        }
    }
    #[wasm_bindgen(getter)]
    pub fn notes(&self) -> Vec<String> {
        self.inner.notes.clone()
    }
}
