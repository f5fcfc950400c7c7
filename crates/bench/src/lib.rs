//! The benchmarks, independent of where they run: the native binary (`src/main.rs`) and the
//! browser test (`tests/browser.rs`) pass in a clock and a printer. Every kernel is validated
//! against the scalar reference before it is timed.
use std::hint::black_box;
use webgrad_core::{BinaryOp, ReduceOp, Rng, UnaryOp};
use webgrad_cpu::kernels::{self, MatView};
use webgrad_cpu::selfcheck;

pub struct Options {
    /// Square matmul sizes to time.
    pub sizes: Vec<usize>,
    /// Time every matmul micro-kernel of this machine, not just the default one.
    pub all_kernels: bool,
    /// Elements of the elementwise benchmarks.
    pub elems: usize,
    /// Minimum time per sample, and samples per measurement (the median is reported).
    pub sample_ms: f64,
    pub samples: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { sizes: vec![256, 512, 1024], all_kernels: false, elems: 4 << 20, sample_ms: 25.0, samples: 9 }
    }
}

/// Milliseconds from some fixed origin.
pub type Clock = fn() -> f64;

/// Time of one call of `f`, in ms, over several samples.
#[derive(Clone, Copy)]
pub struct Timing {
    pub median: f64,
    /// The fastest sample: what the kernel does when nothing else competes for the core.
    pub best: f64,
}

/// Warm up (which also lets V8 tier the function up to its optimising compiler), then take
/// `samples` samples of enough calls each to last `sample_ms`.
pub fn time_ms(now: Clock, opts: &Options, mut f: impl FnMut()) -> Timing {
    let t0 = now();
    let mut warm = 0;
    while warm < 3 || now() - t0 < 2.0 * opts.sample_ms {
        f();
        warm += 1;
    }
    let once = ((now() - t0) / warm as f64).max(1e-3);
    let calls = ((opts.sample_ms / once).ceil() as usize).max(1);
    let mut times: Vec<f64> = (0..opts.samples.max(1))
        .map(|_| {
            let t = now();
            for _ in 0..calls {
                f();
            }
            (now() - t) / calls as f64
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    Timing { median: times[times.len() / 2], best: times[0] }
}

/// Run everything, printing one line per result.
pub fn run(now: Clock, opts: &Options, print: &mut dyn FnMut(String)) -> Result<(), String> {
    print(format!("webgrad bench: backend {}", kernels::NAME));
    matmul(now, opts, print)?;
    small_matmul(now, opts, print)?;
    elementwise(now, opts, print)
}

pub fn matmul(now: Clock, opts: &Options, print: &mut dyn FnMut(String)) -> Result<(), String> {
    // Validate every kernel first (odd shapes, strided operands) so a fast wrong kernel fails.
    for (m, k, n) in [(67, 129, 71), (96, 300, 40)] {
        selfcheck::check_matmul(m, k, n, false, false, 1)?;
        selfcheck::check_matmul(m, k, n, true, false, 2)?;
    }
    let mut list = kernels::matmul_kernels();
    if !opts.all_kernels {
        list.truncate(1);
    }
    let mut rng = Rng::new(42);
    for &s in &opts.sizes {
        let a: Vec<f32> = (0..s * s).map(|_| rng.uniform_range(-1.0, 1.0)).collect();
        let b: Vec<f32> = (0..s * s).map(|_| rng.uniform_range(-1.0, 1.0)).collect();
        let mut c = vec![0.0f32; s * s];
        let va = MatView { data: &a, offset: 0, row_stride: s, col_stride: 1 };
        let vb = MatView { data: &b, offset: 0, row_stride: s, col_stride: 1 };
        for (name, kernel) in &list {
            let t = time_ms(now, opts, || {
                kernel(&va, &vb, &mut c, s, s, s);
                black_box(&mut c);
            });
            let gflops = |ms: f64| 2.0 * (s as f64).powi(3) / (ms * 1e6);
            print(format!(
                "matmul f32 {s}x{s}x{s} [{name}]: {:.1} GFLOP/s median, {:.1} best ({:.2} ms median)",
                gflops(t.median),
                gflops(t.best),
                t.median
            ));
        }
    }
    Ok(())
}

/// Training-sized products (an MLP layer on a batch): per-call overhead matters more than peak.
pub fn small_matmul(now: Clock, opts: &Options, print: &mut dyn FnMut(String)) -> Result<(), String> {
    let mut rng = Rng::new(9);
    for (m, k, n) in [(32, 2, 8), (32, 8, 8), (32, 8, 1), (128, 16, 16), (64, 64, 64)] {
        selfcheck::check_matmul(m, k, n, false, false, 6)?;
        let a: Vec<f32> = (0..m * k).map(|_| rng.normal()).collect();
        let b: Vec<f32> = (0..k * n).map(|_| rng.normal()).collect();
        let mut c = vec![0.0f32; m * n];
        let va = MatView { data: &a, offset: 0, row_stride: k, col_stride: 1 };
        let vb = MatView { data: &b, offset: 0, row_stride: n, col_stride: 1 };
        let fast = time_ms(now, opts, || kernels::matmul(&va, &vb, black_box(&mut c), m, k, n));
        let reference = time_ms(now, opts, || webgrad_cpu::reference::matmul(&a, &b, black_box(&mut c), m, k, n));
        print(format!(
            "matmul f32 {m}x{k}x{n}: {:.2} µs ({:.1} GFLOP/s); scalar reference {:.2} µs",
            fast.median * 1e3,
            2.0 * (m * k * n) as f64 / (fast.median * 1e6),
            reference.median * 1e3
        ));
    }
    Ok(())
}

pub fn elementwise(now: Clock, opts: &Options, print: &mut dyn FnMut(String)) -> Result<(), String> {
    let n = opts.elems;
    for op in [UnaryOp::Exp, UnaryOp::Tanh, UnaryOp::Sigmoid] {
        selfcheck::check_unary(op, 1000, 3)?;
    }
    selfcheck::check_binary(BinaryOp::Add, 1000, 4)?;
    selfcheck::check_reduce(ReduceOp::Sum, 4, 1000, 5)?;
    let mut rng = Rng::new(7);
    let a: Vec<f32> = (0..n).map(|_| rng.normal()).collect();
    let b: Vec<f32> = (0..n).map(|_| rng.normal()).collect();
    let mut out = vec![0.0f32; n];
    let mb = n as f64 * 4.0 / 1e6;
    let mut report = |name: &str, t: Timing, streams: f64| {
        let (ms, best) = (t.median, t.best);
        print(format!(
            "{name} of {n} f32: {:.1} GB/s, {:.2} Gelem/s median; {:.1} GB/s best ({ms:.2} ms median)",
            streams * mb / ms,
            n as f64 / ms / 1e6,
            streams * mb / best
        ))
    };
    let ms = time_ms(now, opts, || kernels::binary(BinaryOp::Add, &a, &b, black_box(&mut out)));
    report("add", ms, 3.0);
    let ms = time_ms(now, opts, || kernels::binary_scalar_rhs(BinaryOp::Mul, &a, 0.5, black_box(&mut out)));
    report("mul by scalar", ms, 2.0);
    for op in [UnaryOp::Relu, UnaryOp::Exp, UnaryOp::Tanh, UnaryOp::Sigmoid] {
        let ms = time_ms(now, opts, || kernels::unary(op, &a, black_box(&mut out)));
        report(op.name(), ms, 2.0);
    }
    let mut total = [0.0f32];
    let ms = time_ms(now, opts, || kernels::reduce_rows(ReduceOp::Sum, &a, n, black_box(&mut total)));
    report("sum", ms, 1.0);
    Ok(())
}
