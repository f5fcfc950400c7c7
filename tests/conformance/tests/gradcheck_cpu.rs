//! Finite-difference checks of composite graphs on the native CPU backend.
#![cfg(not(target_arch = "wasm32"))]

use webgrad_conformance::gradcheck::{cases, check_case, run_gradchecks, GradCase};

#[test]
fn gradchecks_cpu() {
    let n = run_gradchecks(&webgrad_cpu::cpu()).unwrap_or_else(|e| panic!("{e}"));
    assert!(n >= 8);
}

/// The check must fail when a gradient is wrong: detach one path so its gradient is lost.
#[test]
fn gradcheck_detects_a_wrong_rule() {
    let broken = GradCase {
        name: "broken",
        shapes: vec![vec![3, 2]],
        graph: |t| t[0].tanh()?.mul(&t[0].detach())?.sum_all(),
    };
    assert!(check_case(&webgrad_cpu::cpu(), &broken, 1).is_err());
    assert!(!cases().is_empty());
}
