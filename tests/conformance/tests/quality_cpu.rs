//! The quality bars on the CPU device (thin wrappers over `webgrad_conformance::quality`, which
//! also runs on WebGPU and in the browser). CI runs them in release mode
//! (`cargo test --workspace --release`); alone: `cargo test --release -p webgrad-conformance --test quality_cpu`.
#![cfg(not(target_arch = "wasm32"))]
use std::time::Instant;
use webgrad_cpu::cpu;
use webgrad_conformance::quality;

fn run(f: impl FnOnce() -> webgrad_core::Result<quality::Report>) {
    let t0 = Instant::now();
    let report = f().unwrap();
    eprintln!("{}: {} ({:.1} s)", report.name, report.detail, t0.elapsed().as_secs_f32());
    report.check().unwrap();
}

#[test]
fn spiral_two_tanh_layers_of_8_reach_95_percent() {
    run(|| quality::spiral(&cpu()));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "minutes without optimisations: run with --release")]
fn mnist_mlp_784_128_10_reaches_95_percent() {
    let mnist = webgrad_data::assets::mnist().unwrap();
    run(|| quality::mnist_mlp(&cpu(), &mnist));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "minutes without optimisations: run with --release")]
fn mnist_small_cnn_reaches_97_percent() {
    let mnist = webgrad_data::assets::mnist().unwrap();
    run(|| quality::mnist_cnn(&cpu(), &mnist));
}

#[test]
#[cfg_attr(debug_assertions, ignore = "minutes without optimisations: run with --release")]
fn char_transformer_beats_the_unigram_loss() {
    let text = webgrad_data::assets::tiny_shakespeare().unwrap();
    run(|| quality::char_transformer(&cpu(), &text));
}
