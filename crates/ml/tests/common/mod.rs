//! Shared by the scikit-learn fixture tests: the shipped CSVs, loaded exactly as
//! tests/goldens/sklearn/common.py loads them, and tolerance checks.
#![allow(dead_code)]
use webgrad_ml::Matrix;

/// The CSV text of a shipped sample (compiled in, so the tests also run in wasm).
pub fn csv_text(name: &str) -> &'static str {
    match name {
        "iris" => include_str!("../../../data/assets/tabular/iris.csv"),
        "wine" => include_str!("../../../data/assets/tabular/wine.csv"),
        "breast_cancer" => include_str!("../../../data/assets/tabular/breast_cancer.csv"),
        "diabetes" => include_str!("../../../data/assets/tabular/diabetes.csv"),
        "digits" => include_str!("../../../data/assets/tabular/digits.csv"),
        "rare_events" => include_str!("../../../data/assets/tabular/rare_events.csv"),
        _ => panic!("no sample data set {name}"),
    }
}

/// X (every column but the last) and y (the last column; text labels become their index among
/// the sorted distinct labels). The samples have no quoted fields, so a split on ',' suffices.
pub fn load(name: &str) -> (Matrix, Vec<f64>) {
    let mut lines = csv_text(name).lines();
    let cols = lines.next().unwrap().split(',').count();
    let mut data = Vec::new();
    let mut raw = Vec::new();
    let mut rows = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), cols, "{name}: ragged row {rows}");
        data.extend(fields[..cols - 1].iter().map(|v| v.parse::<f64>().unwrap()));
        raw.push(fields[cols - 1].to_string());
        rows += 1;
    }
    let y = if raw.iter().all(|v| v.parse::<f64>().is_ok()) {
        raw.iter().map(|v| v.parse().unwrap()).collect()
    } else {
        let mut labels = raw.clone();
        labels.sort();
        labels.dedup();
        raw.iter().map(|v| labels.binary_search(v).unwrap() as f64).collect()
    };
    (Matrix::new(data, rows, cols - 1).unwrap(), y)
}

/// |a - b| <= atol + rtol·|b| elementwise, with the worst offender in the message.
pub fn assert_close(what: &str, got: &[f64], want: &[f64], rtol: f64, atol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: {} values, expected {}", got.len(), want.len());
    let mut worst: Option<(usize, f64)> = None;
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let err = (g - w).abs();
        if !(err <= atol + rtol * w.abs()) && worst.is_none_or(|(_, e)| err > e) {
            worst = Some((i, err));
        }
    }
    if let Some((i, err)) = worst {
        panic!("{what}: [{i}] got {} want {} (error {err:e}, rtol {rtol:e}, atol {atol:e})", got[i], want[i]);
    }
}

/// The fixture file of an area (tests/fixtures/sklearn/<area>.json) as JSON values.
pub fn fixtures(text: &str) -> Vec<serde_json::Value> {
    serde_json::from_str(text).expect("fixture JSON")
}

pub fn vec_of(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

pub fn matrix_of(v: &serde_json::Value) -> Matrix {
    let rows: Vec<Vec<f64>> = v.as_array().expect("rows").iter().map(vec_of).collect();
    Matrix::from_rows(&rows).unwrap()
}
