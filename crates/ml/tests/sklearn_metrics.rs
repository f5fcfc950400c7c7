//! The metrics against scikit-learn 1.5.2 (tests/goldens/sklearn/gen_metrics.py writes the
//! fixture). Scores are compared to 1e-12 relative (plus 1e-15 absolute, for values that are 0
//! in one and ~1e-17 in the other): the sums follow numpy's pairwise order, so the remaining
//! differences are a few ulps (and serde_json's default float parsing, itself up to an ulp
//! off). Counts, thresholds and curve lengths must match exactly, and the
//! report text byte for byte.
mod common;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use serde_json::Value;
use webgrad_ml::metrics::{self, Average};
use webgrad_ml::Matrix;

const RTOL: f64 = 1e-12;
const ATOL: f64 = 1e-15;

/// A number, or the fixture's "inf" (JSON has no infinity).
fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "inf" => f64::INFINITY,
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}")).iter().map(num).collect()
}

/// Elementwise |g − w| ≤ atol + rtol·|w|; equal values (infinities included) always pass.
fn close(what: &str, got: &[f64], want: &[f64], rtol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: {} values, expected {}", got.len(), want.len());
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(g == w || (g - w).abs() <= ATOL + rtol * w.abs(), "{what}[{i}]: got {g}, want {w}");
    }
}

fn close1(what: &str, got: f64, want: &Value) {
    close(what, &[got], &[num(want)], RTOL);
}

/// The metrics every label case (binary or multiclass) has.
fn check_labels(name: &str, c: &Value, y: &[f64], p: &[f64]) {
    close1(&format!("{name} accuracy"), metrics::accuracy(y, p).unwrap(), &c["accuracy"]);
    let w = nums(&c["weights"]);
    close1(&format!("{name} accuracy weighted"), metrics::accuracy_weighted(y, p, Some(&w)).unwrap(), &c["accuracy_weighted"]);
    close1(&format!("{name} ari"), metrics::adjusted_rand_score(y, p).unwrap(), &c["ari"]);
    for (key, avg) in [("micro", Average::Micro), ("macro", Average::Macro), ("weighted", Average::Weighted)] {
        let got = [
            metrics::precision(y, p, avg, 1.0).unwrap(),
            metrics::recall(y, p, avg, 1.0).unwrap(),
            metrics::f1(y, p, avg, 1.0).unwrap(),
        ];
        close(&format!("{name} {key} p/r/f1"), &got, &nums(&c[key]), RTOL);
    }
    let pc = metrics::precision_recall_f1_support(y, p).unwrap();
    let want = &c["per_class"];
    assert_eq!(pc.labels, nums(&want["labels"]), "{name} labels");
    close(&format!("{name} per-class precision"), &pc.precision, &nums(&want["precision"]), RTOL);
    close(&format!("{name} per-class recall"), &pc.recall, &nums(&want["recall"]), RTOL);
    close(&format!("{name} per-class f1"), &pc.f1, &nums(&want["f1"]), RTOL);
    assert_eq!(pc.support, nums(&want["support"]), "{name} support");

    let (labels, m) = metrics::confusion_matrix(y, p, None).unwrap();
    assert_eq!(labels, pc.labels, "{name} confusion labels");
    assert_eq!(m, common::matrix_of(&c["confusion"]), "{name} confusion");
    let sub = nums(&c["confusion_sub"]["labels"]);
    let (labels, m) = metrics::confusion_matrix(y, p, Some(&sub)).unwrap();
    assert_eq!(labels, sub);
    assert_eq!(m, common::matrix_of(&c["confusion_sub"]["matrix"]), "{name} confusion with labels");

    let report = metrics::classification_report(y, p, None).unwrap();
    assert_eq!(report.text(2), c["report_text"].as_str().unwrap(), "{name} report text");
    assert_eq!(report.text(4), c["report_text_4"].as_str().unwrap(), "{name} report text, 4 digits");
    close1(&format!("{name} report accuracy"), report.accuracy, &c["accuracy"]);
    let macro_row = [report.macro_avg.precision, report.macro_avg.recall, report.macro_avg.f1];
    close(&format!("{name} report macro"), &macro_row, &nums(&c["macro"]), RTOL);
}

fn check_binary(name: &str, c: &Value) {
    let (y, s, p) = (nums(&c["y_true"]), nums(&c["y_score"]), nums(&c["y_pred"]));
    let pos = num(&c["pos_label"]);
    check_labels(name, c, &y, &p);
    let got = [
        metrics::precision(&y, &p, Average::Binary, pos).unwrap(),
        metrics::recall(&y, &p, Average::Binary, pos).unwrap(),
        metrics::f1(&y, &p, Average::Binary, pos).unwrap(),
    ];
    close(&format!("{name} binary p/r/f1"), &got, &nums(&c["binary"]), RTOL);
    for drop in [true, false] {
        let (fpr, tpr, thr) = metrics::roc_curve(&y, &s, pos, drop).unwrap();
        let want = &c[format!("roc_{}", if drop { "True" } else { "False" })];
        assert_eq!(thr, nums(&want["thresholds"]), "{name} roc thresholds (drop {drop})");
        close(&format!("{name} fpr"), &fpr, &nums(&want["fpr"]), RTOL);
        close(&format!("{name} tpr"), &tpr, &nums(&want["tpr"]), RTOL);
        let (pr, rc, thr) = metrics::precision_recall_curve(&y, &s, pos, drop).unwrap();
        let want = &c[format!("pr_{}", if drop { "True" } else { "False" })];
        assert_eq!(thr, nums(&want["thresholds"]), "{name} pr thresholds (drop {drop})");
        close(&format!("{name} pr precision"), &pr, &nums(&want["precision"]), RTOL);
        close(&format!("{name} pr recall"), &rc, &nums(&want["recall"]), RTOL);
    }
    close1(&format!("{name} roc auc"), metrics::roc_auc(&y, &s).unwrap(), &c["roc_auc"]);
    close1(&format!("{name} average precision"), metrics::average_precision(&y, &s, pos).unwrap(), &c["average_precision"]);
    if !c["log_loss"].is_null() {
        let col = Matrix::new(s.clone(), s.len(), 1).unwrap();
        close1(&format!("{name} log loss"), metrics::log_loss(&y, &col, None).unwrap(), &c["log_loss"]);
    }
    for r in c["recall_at_precision"].as_array().into_iter().flatten() {
        let (recall, threshold) = metrics::recall_at_precision(&y, &s, num(&r["min"])).unwrap();
        // The threshold is one of the scores, parsed from the same text: exact.
        let want = nums(&r["result"]);
        assert_eq!(threshold, want[1], "{name} threshold at precision {}", r["min"]);
        close(&format!("{name} recall at precision {}", r["min"]), &[recall], &want[..1], RTOL);
    }
    for r in c["threshold_report"].as_array().into_iter().flatten() {
        let t = metrics::threshold_report(&y, &s, num(&r["threshold"]), num(&r["cost_fn"]), num(&r["cost_fp"])).unwrap();
        let w = &r["result"];
        let got = [t.tp, t.fp, t.tn, t.fn_, t.precision, t.recall, t.cost];
        let want: Vec<f64> = ["tp", "fp", "tn", "fn", "precision", "recall", "cost"].iter().map(|k| num(&w[*k])).collect();
        close(&format!("{name} threshold report at {}", r["threshold"]), &got, &want, RTOL);
    }
}

fn check_multiclass(name: &str, c: &Value) {
    let (y, p, proba) = (nums(&c["y_true"]), nums(&c["y_pred"]), common::matrix_of(&c["y_proba"]));
    check_labels(name, c, &y, &p);
    if !c["roc_auc_ovr"].is_null() {
        close1(&format!("{name} roc auc ovr"), metrics::roc_auc_ovr(&y, &proba).unwrap(), &c["roc_auc_ovr"]);
        close1(&format!("{name} log loss"), metrics::log_loss(&y, &proba, None).unwrap(), &c["log_loss"]);
    } else {
        let labels = nums(&c["log_loss_labels"]["labels"]);
        let got = metrics::log_loss(&y, &proba, Some(&labels)).unwrap();
        close1(&format!("{name} log loss with labels"), got, &c["log_loss_labels"]["value"]);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn metrics_match_scikit_learn() {
    let cases = common::fixtures(include_str!("../../../tests/fixtures/sklearn/metrics.json"));
    let mut seen = [0; 4];
    for c in &cases {
        let name = c["name"].as_str().unwrap();
        match c["kind"].as_str().unwrap() {
            "binary" => (check_binary(name, c), seen[0] += 1).1,
            "multiclass" => (check_multiclass(name, c), seen[1] += 1).1,
            "regression" => {
                let (y, p) = (nums(&c["y_true"]), nums(&c["y_pred"]));
                close1(&format!("{name} mae"), metrics::mean_absolute_error(&y, &p).unwrap(), &c["mae"]);
                close1(&format!("{name} mse"), metrics::mean_squared_error(&y, &p).unwrap(), &c["mse"]);
                close1(&format!("{name} r2"), metrics::r2(&y, &p).unwrap(), &c["r2"]);
                seen[2] += 1;
            }
            "clustering" => {
                let (a, b) = (nums(&c["labels_true"]), nums(&c["labels_pred"]));
                close1(&format!("{name} ari"), metrics::adjusted_rand_score(&a, &b).unwrap(), &c["ari"]);
                seen[3] += 1;
            }
            k => panic!("{name}: unknown kind {k}"),
        }
    }
    // A fixture that lost its cases must not pass silently.
    assert_eq!(seen, [10, 4, 3, 5], "cases per kind");
}
