mod common;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_samples_load_as_the_generators_load_them() {
    let (x, y) = common::load("iris");
    assert_eq!((x.rows, x.cols), (150, 4));
    assert_eq!(y.iter().filter(|&&v| v == 2.0).count(), 50);
    let (x, y) = common::load("diabetes");
    assert_eq!((x.rows, x.cols), (442, 10));
    assert_eq!(y[0], 151.0);
}
