//! The quality bars on the CPU device (thin wrappers over `webgrad_nn::quality`).
use std::time::Instant;
use webgrad_cpu::cpu;
use webgrad_nn::quality;

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
