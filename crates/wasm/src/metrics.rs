//! `wg.metrics`: webgrad-ml's metrics behind one entry point, `metric(name, yTrue, yPred,
//! options)` — one binding rather than twenty keeps the wasm small, and every metric gets its
//! options the same way. The results are numbers or plain objects.
use crate::{from_js, JsResult};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use webgrad_ml::metrics::{self, Average};
use webgrad_ml::{Matrix, MlError};

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct MetricOptions {
    average: Option<Average>,
    pos_label: Option<f64>,
    labels: Option<Vec<f64>>,
    /// Columns of `yPred` when it is a probability matrix (logLoss, rocAuc's multiclass case).
    cols: Option<usize>,
    target_names: Option<Vec<String>>,
    drop_intermediate: Option<bool>,
    min_precision: Option<f64>,
    threshold: Option<f64>,
    cost_fn: Option<f64>,
    cost_fp: Option<f64>,
    digits: Option<usize>,
    sample_weight: Option<Vec<f64>>,
}

fn err(e: MlError) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize>(v: &T) -> JsResult<JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    label: f64,
    name: String,
    precision: f64,
    recall: f64,
    f1: f64,
    support: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    classes: Vec<Row>,
    accuracy: f64,
    macro_avg: Row,
    weighted_avg: Row,
    text: String,
}

fn proba(name: &str, y_true: &[f64], y_pred: Vec<f64>, cols: Option<usize>) -> JsResult<Matrix> {
    let cols = cols.unwrap_or(if y_pred.len() == y_true.len() { 1 } else { 0 });
    if cols == 0 || y_pred.len() != y_true.len() * cols {
        return Err(JsError::new(&format!("{name}: yPred has {} values for {} samples: pass an [n, classes] probability matrix", y_pred.len(), y_true.len())));
    }
    Matrix::new(y_pred, y_true.len(), cols).map_err(err)
}

/// Run metric `name` (its JavaScript name) on `y_true` and `y_pred` (labels, scores or a
/// row-major probability matrix, as the metric needs).
#[wasm_bindgen]
pub fn metric(name: &str, y_true: Vec<f64>, y_pred: Vec<f64>, options: JsValue) -> JsResult<JsValue> {
    let o: MetricOptions = if options.is_undefined() || options.is_null() { MetricOptions::default() } else { from_js(name, &options)? };
    let pos = o.pos_label.unwrap_or(1.0);
    let avg = o.average.unwrap_or(Average::Binary);
    let num = |r: webgrad_ml::Result<f64>| r.map(JsValue::from_f64).map_err(err);
    let (t, p) = (&y_true[..], &y_pred[..]);
    match name {
        "accuracy" => num(metrics::accuracy_weighted(t, p, o.sample_weight.as_deref())),
        "precision" => num(metrics::precision(t, p, avg, pos)),
        "recall" => num(metrics::recall(t, p, avg, pos)),
        "f1" => num(metrics::f1(t, p, avg, pos)),
        "r2" => num(metrics::r2(t, p)),
        "mae" => num(metrics::mean_absolute_error(t, p)),
        "mse" => num(metrics::mean_squared_error(t, p)),
        "adjustedRandScore" => num(metrics::adjusted_rand_score(t, p)),
        "averagePrecision" => num(metrics::average_precision(t, p, pos)),
        "rocAuc" => {
            if y_pred.len() == y_true.len() && o.cols.unwrap_or(1) == 1 {
                num(metrics::roc_auc(t, p))
            } else {
                num(metrics::roc_auc_ovr(t, &proba(name, t, y_pred, o.cols)?))
            }
        }
        "logLoss" => {
            let m = proba(name, t, y_pred, o.cols)?;
            num(metrics::log_loss(t, &m, o.labels.as_deref()))
        }
        "confusionMatrix" => {
            let (labels, m) = metrics::confusion_matrix(t, p, o.labels.as_deref()).map_err(err)?;
            let rows: Vec<&[f64]> = (0..m.rows).map(|i| m.row(i)).collect();
            to_js(&serde_json::json!({ "labels": labels, "matrix": rows }))
        }
        "rocCurve" => {
            let (fpr, tpr, thresholds) = metrics::roc_curve(t, p, pos, o.drop_intermediate.unwrap_or(true)).map_err(err)?;
            to_js(&serde_json::json!({ "fpr": fpr, "tpr": tpr, "thresholds": thresholds.iter().map(|v| if v.is_finite() { Some(*v) } else { None }).collect::<Vec<_>>() }))
        }
        "precisionRecallCurve" => {
            let (precision, recall, thresholds) = metrics::precision_recall_curve(t, p, pos, o.drop_intermediate.unwrap_or(false)).map_err(err)?;
            to_js(&serde_json::json!({ "precision": precision, "recall": recall, "thresholds": thresholds }))
        }
        "recallAtPrecision" => {
            let min = o.min_precision.ok_or_else(|| JsError::new("recallAtPrecision: pass { minPrecision }"))?;
            let (recall, threshold) = metrics::recall_at_precision(t, p, min).map_err(err)?;
            to_js(&serde_json::json!({ "recall": recall, "threshold": if threshold.is_finite() { Some(threshold) } else { None } }))
        }
        "thresholdReport" => {
            let r = metrics::threshold_report(t, p, o.threshold.unwrap_or(0.5), o.cost_fn.unwrap_or(1.0), o.cost_fp.unwrap_or(1.0)).map_err(err)?;
            to_js(&serde_json::json!({ "tp": r.tp, "fp": r.fp, "tn": r.tn, "fn": r.fn_, "precision": r.precision, "recall": r.recall, "cost": r.cost }))
        }
        "classificationReport" => {
            let r = metrics::classification_report(t, p, o.target_names.as_deref()).map_err(err)?;
            let avg_row = |name: &str, a: &metrics::AverageRow| Row { label: f64::NAN, name: name.into(), precision: a.precision, recall: a.recall, f1: a.f1, support: a.support };
            to_js(&Report {
                text: r.text(o.digits.unwrap_or(2)),
                classes: r.classes.iter().map(|c| Row { label: c.label, name: c.name.clone(), precision: c.precision, recall: c.recall, f1: c.f1, support: c.support }).collect(),
                accuracy: r.accuracy,
                macro_avg: avg_row("macro avg", &r.macro_avg),
                weighted_avg: avg_row("weighted avg", &r.weighted_avg),
            })
        }
        _ => Err(JsError::new(&format!("metrics: no metric named {name:?}"))),
    }
}

/// scikit-learn's `compute_class_weight`: `class_weight_json` is `"balanced"` (quoted), a
/// `{label: weight}` object or `null`.
#[wasm_bindgen(js_name = computeClassWeight)]
pub fn compute_class_weight(class_weight_json: &str, classes: Vec<f64>, y: Vec<f64>) -> JsResult<Vec<f64>> {
    let what = "computeClassWeight";
    let cw: Option<webgrad_ml::ClassWeight> =
        serde_json::from_str(class_weight_json).map_err(|e| JsError::new(&format!("{what}: {e}")))?;
    webgrad_ml::compute_class_weight(&cw.unwrap_or_default(), &classes, &y).map_err(|e: MlError| JsError::new(&e.to_string()))
}
