//! Fast kernels against the scalar reference. `selfcheck` holds the checks (so the browser suite
//! can run them too); here a seeded sweep runs them natively and proptest explores shapes.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use webgrad_core::{BinaryOp, ReduceOp, UnaryOp};
use webgrad_cpu::selfcheck;

#[test]
fn seeded_sweep_with_edge_shapes() {
    selfcheck::check_kernels(200).unwrap();
}

fn unary_op() -> impl Strategy<Value = UnaryOp> {
    prop::sample::select(UnaryOp::ALL.to_vec())
}

fn binary_op() -> impl Strategy<Value = BinaryOp> {
    prop::sample::select(BinaryOp::ALL.to_vec())
}

fn reduce_op() -> impl Strategy<Value = ReduceOp> {
    prop::sample::select(vec![ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn matmul_matches_reference(m in 0usize..70, k in 0usize..600, n in 0usize..70, ta: bool, tb: bool, seed: u64) {
        selfcheck::check_matmul(m, k, n, ta, tb, seed).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn unary_matches_reference(op in unary_op(), len in 0usize..300, seed: u64) {
        selfcheck::check_unary(op, len, seed).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn binary_matches_reference(op in binary_op(), len in 0usize..300, seed: u64) {
        selfcheck::check_binary(op, len, seed).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn reduce_matches_reference(op in reduce_op(), rows in 0usize..12, len in 0usize..300, seed: u64) {
        selfcheck::check_reduce(op, rows, len, seed).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn tensor_views_match_reference(r in 1usize..24, c in 1usize..24, k in 1usize..40, seed: u64) {
        selfcheck::check_tensor_views(r, c, k, seed).map_err(TestCaseError::fail)?;
    }
}
