//! Decision trees and random forests against scikit-learn 1.5.2 (gen_forest.py), on a fixed
//! 75/25 split stored in the fixture. Trees break ties between equal splits differently and
//! forests draw their own bootstrap samples, so held-out scores are compared: within 0.05 of
//! scikit-learn's mean over five seeds (accuracy or R²; 0.1 for R² on diabetes, a noisy
//! 110-row test set), and for the rare-events set the positives' recall within 0.15.
mod common;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use common::{fixtures, load};
use webgrad_ml::{metrics, registry};

const FIXTURES: &str = include_str!("../../../tests/fixtures/sklearn/forest.json");

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn trees_and_forests_score_like_scikit_learn() {
    let cases = fixtures(FIXTURES);
    assert_eq!(cases.len(), 9);
    for case in &cases {
        let name = case["estimator"].as_str().unwrap();
        let dataset = case["dataset"].as_str().unwrap();
        let what = format!("{name} {} on {dataset}", case["params"]);
        let (x, y) = load(dataset);
        let idx = |k: &str| -> Vec<usize> { case[k].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect() };
        let (tr, te) = (idx("train"), idx("test"));
        let ytr: Vec<f64> = tr.iter().map(|&i| y[i]).collect();
        let yte: Vec<f64> = te.iter().map(|&i| y[i]).collect();
        let mut m = registry::create(name, &case["params"].to_string()).unwrap();
        m.fit(&x.select_rows(&tr), Some(&ytr)).unwrap();
        let xte = x.select_rows(&te);
        let score = m.score(&xte, &yte).unwrap();
        let want = case["scoreMean"].as_f64().unwrap();
        let margin = if dataset == "diabetes" { 0.1 } else { 0.05 };
        assert!((score - want).abs() <= margin, "{what}: score {score} vs scikit-learn's {want} (±{margin})");
        if let Some(recall) = case.get("recall") {
            let pred = m.predict(&xte).unwrap();
            let got = metrics::recall(&yte, &pred, metrics::Average::Binary, 1.0).unwrap();
            let want = recall.as_f64().unwrap();
            assert!((got - want).abs() <= 0.15, "{what}: recall {got} vs scikit-learn's {want}");
        }
        let imp = m.attributes().into_iter().find(|a| a.0 == "featureImportances").unwrap().1;
        let webgrad_ml::Value::Vector(imp) = imp else { panic!("importances are a vector") };
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{what}: importances sum to {}", imp.iter().sum::<f64>());
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_seeded_forest_is_reproducible_and_bad_input_is_named() {
    let (x, y) = load("iris");
    let fit = |seed: u64| {
        let mut m = registry::create("RandomForestClassifier", &format!("{{\"nEstimators\": 10, \"randomState\": {seed}}}")).unwrap();
        m.fit(&x, Some(&y)).unwrap();
        m.predict_proba(&x).unwrap()
    };
    assert_eq!(fit(1), fit(1));
    assert_ne!(fit(1), fit(2));
    let mut t = registry::create("DecisionTreeClassifier", "{\"criterion\": \"mse\"}").unwrap();
    assert!(t.fit(&x, Some(&y)).unwrap_err().to_string().contains("criterion must be 'gini', 'entropy' or 'log_loss', not \"mse\""));
    let mut t = registry::create("DecisionTreeRegressor", "{\"maxFeatures\": \"half\"}").unwrap();
    assert!(t.fit(&x, Some(&y)).unwrap_err().to_string().contains("maxFeatures must be null, 'sqrt', 'log2', a count in 1..=4 or a fraction in (0, 1], not \"half\""));
    let err = registry::create("RandomForestClassifier", "{\"classWeight\": \"sometimes\"}").err().unwrap().to_string();
    assert!(err.contains("classWeight must be null, 'balanced', 'balanced_subsample' or {label: weight}, not \"sometimes\""), "{err}");
    let mut t = registry::create("DecisionTreeClassifier", "{}").unwrap();
    t.fit(&x, Some(&y)).unwrap();
    let one = webgrad_ml::Matrix::new(vec![1.0, 2.0], 1, 2).unwrap();
    assert!(t.predict(&one).unwrap_err().to_string().contains("X has 2 features, but the estimator was fitted with 4"));
    // An unlimited tree fits its training data exactly when no two rows are equal.
    assert_eq!(t.score(&x, &y).unwrap() > 0.99, true);
}
