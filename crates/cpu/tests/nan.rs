//! NaN and infinity follow torch: relu keeps NaN, argmax/argmin pick the first NaN, logsumexp of
//! an infinite maximum is that infinity (not NaN). (tests/browser.rs and webgpu's parity tests
//! hold the other backends to the same answers.)
use webgrad_core::Tensor;
use webgrad_cpu::cpu;

#[test]
fn nan_and_infinity_as_torch() {
    let dev = cpu();
    let t = |v: &[f32]| Tensor::from_slice(v, &[v.len()], &dev).unwrap();
    let relu = t(&[f32::NAN, -1.0, 2.0]).relu().unwrap().to_vec().unwrap();
    assert!(relu[0].is_nan() && relu[1] == 0.0 && relu[2] == 2.0, "{relu:?}");
    let x = t(&[1.0, f32::NAN, 2.0, f32::NAN]);
    assert_eq!(x.argmax(0, false).unwrap().to_vec_i32().unwrap(), [1]);
    assert_eq!(x.argmin(0, false).unwrap().to_vec_i32().unwrap(), [1]);
    assert_eq!(t(&[3.0, -1.0, 3.0]).argmax(0, false).unwrap().to_vec_i32().unwrap(), [0], "ties: the first");
    assert_eq!(t(&[f32::INFINITY, 1.0]).logsumexp(0, false).unwrap().item().unwrap(), f32::INFINITY);
    assert_eq!(t(&[f32::NEG_INFINITY, f32::NEG_INFINITY]).logsumexp(0, false).unwrap().item().unwrap(), f32::NEG_INFINITY);
    assert!(t(&[f32::NAN, 1.0]).logsumexp(0, false).unwrap().item().unwrap().is_nan());
    let lse = t(&[0.0, 0.0]).logsumexp(0, false).unwrap().item().unwrap();
    assert!((lse - 2f32.ln()).abs() < 1e-7);
}
