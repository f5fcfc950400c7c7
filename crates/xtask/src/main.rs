//! `cargo xtask <cmd>`: the project's one entry point for setup, tests, the dev server and benches.
//! std only, so it builds in seconds on a fresh machine.

mod fuzz;
mod serve;
mod setup;
mod test;
mod util;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command> [options]

commands:
  setup            install what this machine lacks (wasm target, wasm-bindgen-cli at the
                   Cargo.lock version, wasm-pack, chromium + chromedriver, mesa vulkan, npm deps)
  test             setup, then every test: native cargo tests (CPU and WebGPU on lavapipe), wasm
                   tests in headless Chromium (simd128 and relaxed-simd builds), npm tests of web/,
                   www/, the bench smoke run and 10 s of each fuzz target. Only some stages:
                   [--native] [--wasm] [--relaxed-simd] [--npm] [--fuzz]
  fuzz             run each cargo-fuzz target (fuzz/) [--seconds N (10)] [--runs N] [target..]
  serve            setup, build the wasm package, serve the playground on http://127.0.0.1:8080
                   [--port N] [--no-build] [--dir FOLDER]
  bench [args..]   run the benchmarks (webgrad-bench) with args
  bench --browser  webgrad vs TensorFlow.js and ONNX Runtime Web in headless Chromium; writes
                   BENCHMARKS.md   [--smoke] [--reps N] [--runners a,b] [--workloads id,id]
  ci               the same as `test` (kept for muscle memory; .ci/run calls `test`)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "setup" => setup::run(setup::Scope::Full),
        "test" => test::run(&test::Opts::parse(rest)),
        "ci" => test::run(&test::Opts::parse(rest)),
        "serve" => serve::run(rest),
        "fuzz" => fuzz::Opts::parse(rest).and_then(|o| fuzz::run(&o)),
        "bench" => test::bench(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask {cmd}: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}
