//! PyTorch goldens on the native CPU backend.
#![cfg(not(target_arch = "wasm32"))]

use webgrad_conformance::goldens::{load_cases, run_goldens};

#[test]
fn fixture_covers_every_op() {
    let cases = load_cases().expect("fixture parses");
    assert!(cases.len() > 300, "only {} golden cases", cases.len());
}

#[test]
fn goldens_cpu() {
    let device = webgrad_cpu::cpu();
    match run_goldens(&device) {
        Ok(report) => eprintln!("{}", report.summary()),
        Err(e) => panic!("{e}"),
    }
}

/// The harness must notice a wrong value, a wrong gradient and a wrong shape.
#[test]
fn harness_detects_mismatches() {
    use webgrad_conformance::goldens::run_case;
    let device = webgrad_cpu::cpu();
    let cases = load_cases().unwrap();
    let base = cases.iter().find(|c| c.name == "add_row").expect("add_row case").clone();
    assert!(run_case(&device, &base).failure.is_none());

    let mut bad = base.clone();
    bad.output.data[3] += 1e-3;
    let r = run_case(&device, &bad);
    assert!(r.failure.as_deref().unwrap_or("").contains("output"), "{r:?}");

    let mut bad = base.clone();
    bad.grads[1].as_mut().unwrap().data[0] *= 1.001;
    let r = run_case(&device, &bad);
    assert!(r.failure.as_deref().unwrap_or("").contains("grad[1]"), "{r:?}");

    let mut bad = base.clone();
    bad.output.shape = vec![3, 2];
    assert!(run_case(&device, &bad).failure.is_some());
}
