//! Native fit times of the estimators bench/tabular.mjs times in Chromium, on its table:
//!
//!     node bench/tabular.mjs --smoke   (or a full run: writes bench/results/tabular-data-*/)
//!     [ONLY=KMeans] cargo run --release -p webgrad-ml --example fit_timing -- bench/results/tabular-data-100000x20 100000 20
use std::time::Instant;
use webgrad_ml::{registry, Matrix};

fn floats(path: &str) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, rows, cols] = &args[..] else { panic!("usage: fit_timing DIR ROWS COLS") };
    let (rows, cols): (usize, usize) = (rows.parse().unwrap(), cols.parse().unwrap());
    let x = Matrix::from_f32(&floats(&format!("{dir}/x.f32")), rows, cols).unwrap();
    let y: Vec<f64> = floats(&format!("{dir}/y.f32")).iter().map(|&v| v as f64).collect();
    for (name, params, supervised) in [
        ("LogisticRegression", r#"{"maxIter": 100}"#, true),
        ("RandomForestClassifier", r#"{"nEstimators": 100, "randomState": 0}"#, true),
        ("KMeans", r#"{"nClusters": 8, "nInit": 1, "randomState": 0}"#, false),
        ("PCA", r#"{"nComponents": 2}"#, false),
    ] {
        if std::env::var("ONLY").is_ok_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        let mut m = registry::create(name, params).unwrap();
        let t = Instant::now();
        m.fit(&x, supervised.then_some(&y[..])).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let extra = m.attributes().into_iter().find(|a| a.0 == "nIter").map(|a| format!("{:?}", a.1)).unwrap_or_default();
        println!("{name:24} {ms:9.1} ms  {extra}");
    }
}
