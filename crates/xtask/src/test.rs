//! `cargo xtask test` / `ci` / `bench`.

use crate::setup;
use crate::util::{self, cmd, sh, Res, Stages};
use std::process::Command;

#[derive(Default)]
pub struct Opts {
    native: bool,
    wasm: bool,
    npm: bool,
    relaxed_simd: bool,
    fuzz: bool,
}

impl Opts {
    /// No stage flag means every stage.
    pub fn parse(args: &[String]) -> Opts {
        let mut o = Opts::default();
        for a in args {
            match a.as_str() {
                "--native" => o.native = true,
                "--wasm" => o.wasm = true,
                "--npm" => o.npm = true,
                "--relaxed-simd" => o.relaxed_simd = true,
                "--fuzz" => o.fuzz = true,
                other => eprintln!("xtask test: ignoring unknown option `{other}`"),
            }
        }
        if !(o.native || o.wasm || o.npm || o.relaxed_simd || o.fuzz) {
            (o.native, o.wasm, o.npm, o.relaxed_simd, o.fuzz) = (true, true, true, true, true);
        }
        o
    }
}

/// Rustflags for the wasm32 builds: simd128 always (the CPU backend's fast path).
/// Crates whose tests also run as wasm in headless Chromium.
pub const WASM_TEST_PACKAGES: &[&str] = &["webgrad-conformance", "webgrad-cpu", "webgrad-webgpu", "webgrad-ml"];

pub const WASM_SIMD: &str = "-C target-feature=+simd128";
pub const WASM_RELAXED: &str = "-C target-feature=+simd128,+relaxed-simd";

pub fn run(o: &Opts) -> Res {
    setup::run(setup::Scope::Test)?;
    let mut st = Stages::new();
    let r = (|| {
        if o.native {
            st.stage("native tests (cargo test --workspace --release)", native)?;
        }
        // Two wasm builds, as the npm package ships them: a browser without relaxed SIMD loads
        // the simd128 one, so both must pass the suite.
        if o.wasm {
            st.stage("wasm tests, simd128, headless Chromium", || wasm(WASM_SIMD))?;
        }
        if o.relaxed_simd {
            st.stage("wasm tests, relaxed-simd, headless Chromium", || wasm(WASM_RELAXED))?;
        }
        if o.npm {
            for dir in ["web", "www"] {
                st.stage(&format!("npm test in {dir}/"), || npm_test(dir))?;
            }
            if util::root().join("bench/package.json").exists() {
                st.stage("browser bench smoke (node bench/run.mjs --smoke)", || {
                    browser_bench(&["--smoke".to_string()])
                })?;
            }
        }
        if o.fuzz {
            st.stage("fuzz: each target for 10 s (cargo +nightly fuzz run)", || {
                crate::fuzz::run(&crate::fuzz::Opts { seconds: 10, runs: None, only: vec![] })
            })?;
        }
        Ok(())
    })();
    st.summary();
    r
}

fn native() -> Res {
    // XDG_RUNTIME_DIR silences a warning from the Vulkan loader (lavapipe) in GPU tests.
    sh(cmd("cargo", &["test", "--workspace", "--release"]).env("XDG_RUNTIME_DIR", "/tmp"))
}

/// Sets everything wasm-bindgen-test-runner needs to drive headless Chromium via chromedriver.
pub fn browser_env(c: &mut Command) -> &mut Command {
    let root = util::root();
    c.env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root.join("tests/webdriver.json"),
        )
        .env(
            "WASM_BINDGEN_TEST_TIMEOUT",
            std::env::var("WASM_BINDGEN_TEST_TIMEOUT").unwrap_or("300".into()),
        )
}

fn wasm(rustflags: &str) -> Res {
    let mut c = cmd(
        "cargo",
        &["test", "--target", "wasm32-unknown-unknown", "--release"],
    );
    for p in WASM_TEST_PACKAGES {
        c.args(["-p", p]);
    }
    c.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", rustflags);
    sh(browser_env(&mut c))
}

/// `npm test` in `dir` when it has a package.json with a test script; a printed note otherwise.
fn npm_test(dir: &str) -> Res {
    let d = util::root().join(dir);
    let Ok(manifest) = std::fs::read_to_string(d.join("package.json")) else {
        println!("{dir}/: no package.json yet, skipping");
        return Ok(());
    };
    if !manifest.contains("\"test\"") {
        println!("{dir}/package.json has no \"test\" script, skipping");
        return Ok(());
    }
    let mut c = cmd("npm", &["test"]);
    c.current_dir(&d).env("CHROMIUM", "/usr/bin/chromium");
    sh(&mut c)
}

/// Run the benchmark binary (crate `webgrad-bench`) when it exists; with `--browser`, the
/// side-by-side browser benchmark in bench/ (vs TensorFlow.js and ONNX Runtime Web) instead.
pub fn bench(args: &[String]) -> Res {
    if args.iter().any(|a| a == "--browser") {
        setup::run(setup::Scope::Test)?;
        let rest: Vec<String> = args.iter().filter(|a| *a != "--browser").cloned().collect();
        return browser_bench(&rest);
    }
    let root = util::root();
    if !root.join("crates/bench/Cargo.toml").exists() {
        println!("no crates/bench yet: nothing to benchmark");
        return Ok(());
    }
    let mut c = cmd("cargo", &["run", "--release", "-p", "webgrad-bench", "--"]);
    c.args(args);
    c.env("XDG_RUNTIME_DIR", "/tmp");
    sh(&mut c)
}

/// `node bench/run.mjs [args]`: it installs bench/'s npm packages and builds web/ when needed.
fn browser_bench(args: &[String]) -> Res {
    let mut c = cmd("node", &["bench/run.mjs"]);
    c.args(args).env("CHROMIUM", "/usr/bin/chromium");
    sh(&mut c)
}
