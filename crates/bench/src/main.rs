//! `cargo run --release -p webgrad-bench [-- --all-kernels] [--quick] [--sizes 256,512]`:
//! native CPU benchmarks. `-- --browser` runs the same benchmarks in headless Chromium instead
//! (`tests/browser.rs`, built for wasm32 with simd128 and with relaxed-simd); see README.md.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--browser") {
        return browser(&args);
    }
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    fn now() -> f64 {
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }
    let mut opts = webgrad_bench::Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--all-kernels" => opts.all_kernels = true,
            "--quick" => (opts.samples, opts.sample_ms, opts.elems) = (3, 10.0, 1 << 20),
            "--sizes" => match it.next().map(|s| s.split(',').map(str::parse).collect::<Result<Vec<usize>, _>>()) {
                Some(Ok(sizes)) => opts.sizes = sizes,
                _ => return eprintln!("--sizes needs a comma-separated list, e.g. --sizes 256,512"),
            },
            other => return eprintln!("unknown option `{other}` (use --all-kernels, --quick, --sizes 256,512)"),
        }
    }
    if let Err(e) = webgrad_bench::run(now, &opts, &mut |line| println!("{line}")) {
        eprintln!("bench: validation failed: {e}");
        std::process::exit(1);
    }
}

/// Build the benchmarks for wasm32 and run them in headless Chromium through
/// wasm-bindgen-test-runner and chromedriver: with relaxed-simd, then plain simd128.
/// `--relaxed` or `--simd128` picks one; `--all-kernels` times every matmul kernel.
#[cfg(not(target_arch = "wasm32"))]
fn browser(args: &[String]) {
    use std::process::Command;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut builds = vec![];
    if !args.iter().any(|a| a == "--simd128") {
        builds.push(("relaxed-simd", "-C target-feature=+simd128,+relaxed-simd"));
    }
    if !args.iter().any(|a| a == "--relaxed") {
        builds.push(("simd128", "-C target-feature=+simd128"));
    }
    let test = if args.iter().any(|a| a == "--all-kernels") { "matmul_kernels_in_browser" } else { "bench_cpu_in_browser" };
    for (name, flags) in builds {
        println!("== headless Chromium, wasm32 {name} ({flags})");
        let status = Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
            .current_dir(&root)
            .args(["test", "--release", "--target", "wasm32-unknown-unknown", "-p", "webgrad-bench", "--test", "browser"])
            .args(["--", "--nocapture", "--exact", test])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", flags)
            .env("CHROMEDRIVER", std::env::var("CHROMEDRIVER").unwrap_or("/usr/bin/chromedriver".into()))
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", root.join("tests/webdriver.json"))
            .env("WASM_BINDGEN_TEST_TIMEOUT", "600")
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => {
                eprintln!("bench: the {name} browser run failed ({s})");
                std::process::exit(1);
            }
            Err(e) => {
                eprintln!("bench: cannot start cargo: {e}");
                std::process::exit(1);
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
