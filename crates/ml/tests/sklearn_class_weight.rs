//! compute_class_weight against scikit-learn 1.5.2 (tests/fixtures/sklearn/class_weight.json,
//! written by tests/goldens/sklearn/gen_class_weight.py).
mod common;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use common::{assert_close, fixtures, vec_of};
use webgrad_ml::{compute_class_weight, ClassWeight};

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn class_weights_match_scikit_learn() {
    let cases = fixtures(include_str!("../../../tests/fixtures/sklearn/class_weight.json"));
    assert_eq!(cases.len(), 6);
    for c in &cases {
        let what = c["what"].as_str().unwrap();
        let cw: Option<ClassWeight> = serde_json::from_value(c["classWeight"].clone()).unwrap();
        let got = compute_class_weight(&cw.unwrap_or_default(), &vec_of(&c["classes"]), &vec_of(&c["y"])).unwrap();
        assert_close(what, &got, &vec_of(&c["weights"]), 1e-12, 0.0);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_class_weight_input_is_named() {
    let balanced: ClassWeight = serde_json::from_str("\"balanced\"").unwrap();
    let e = compute_class_weight(&balanced, &[0.0, 1.0], &[0.0, 2.0]).unwrap_err().to_string();
    assert!(e.contains("computeClassWeight: y[1] = 2 is not in classes"), "{e}");
    let e = compute_class_weight(&balanced, &[0.0, 1.0, 2.0], &[0.0, 2.0]).unwrap_err().to_string();
    assert!(e.contains("class 1 has no samples in y"), "{e}");
    let e = serde_json::from_str::<ClassWeight>("\"heavy\"").unwrap_err().to_string();
    assert!(e.contains("classWeight must be null, 'balanced' or {label: weight}, not \"heavy\""), "{e}");
}
