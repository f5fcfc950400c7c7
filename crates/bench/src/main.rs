//! `cargo run --release -p webgrad-bench [-- --all-kernels] [--quick] [--sizes 256,512]`:
//! native CPU benchmarks. The browser run is `tests/browser.rs` (see README.md).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    fn now() -> f64 {
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }
    let mut opts = webgrad_bench::Options::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
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

#[cfg(target_arch = "wasm32")]
fn main() {}
