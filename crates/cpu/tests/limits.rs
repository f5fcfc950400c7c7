//! Sizes are checked wherever a tensor is made: a result over the engine's limit per tensor is an
//! error naming the op and the shape, never a wrapped size, an out-of-bounds access or an abort.
use webgrad_core::{no_grad, is_grad_enabled, reset_after_panic, Tensor, MAX_ELEMENTS};
use webgrad_cpu::cpu;

fn err(r: webgrad_core::Result<Tensor>) -> String {
    r.err().expect("the op must fail").to_string()
}

#[test]
fn results_over_the_limit_are_errors() {
    let dev = cpu();
    let col = Tensor::zeros(&[65536, 1], &dev).unwrap();
    let row = Tensor::zeros(&[1, 65536], &dev).unwrap();
    let e = err(col.add(&row));
    assert!(e.contains("add") && e.contains("[65536, 65536]") && e.contains(&MAX_ELEMENTS.to_string()), "{e}");
    let e = err(col.matmul(&row));
    assert!(e.contains("matmul"), "{e}");
    let e = err(Tensor::zeros(&[2, 1_000_000_000], &dev));
    assert!(e.contains("[2, 1000000000]"), "{e}");
    // A product that would wrap a usize is an error too, not a small tensor.
    let e = err(Tensor::zeros(&[1 << 20, 1 << 20, 1 << 20], &dev));
    assert!(e.contains("elements"), "{e}");
    let e = err(Tensor::scalar(1.0, &dev).unwrap().broadcast_to(&[20_000, 20_000]));
    assert!(e.contains("broadcast_to"), "{e}");
    let x = Tensor::zeros(&[1, 16384], &dev).unwrap();
    let e = err(Tensor::concat(&vec![x; 20_000], 0));
    assert!(e.contains("concat"), "{e}");
    // The engine goes on working.
    assert_eq!(col.add(&Tensor::ones(&[65536, 1], &dev).unwrap()).unwrap().sum_all().unwrap().item().unwrap(), 65536.0);
}

#[cfg(not(target_arch = "wasm32"))] // catch_unwind: native only (wasm panics abort)
#[test]
fn the_grad_mode_comes_back_after_a_panic() {
    // What the wasm bindings' panic hook does when a trap skips no_grad's restore.
    let _ = std::panic::catch_unwind(|| no_grad(|| panic!("inside no_grad")));
    reset_after_panic();
    assert!(is_grad_enabled());
    no_grad(|| assert!(!is_grad_enabled()));
    assert!(is_grad_enabled());
}
