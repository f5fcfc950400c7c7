//! PyTorch goldens: every case of `tests/fixtures/goldens.json` (written by
//! `tests/goldens/gen_goldens.py`, see the README there) is run forward and backward on a device and
//! compared with the reference. The fixture is embedded, so this runs natively, in wasm and on
//! WebGPU alike, and never needs torch.
//!
//! The backward pass uses the case's `upstream` tensor `w` as the gradient of the output, i.e. the
//! loss is `sum(output * w)`; every input with `grad: true` must then hold `d loss / d input`.
use serde::Deserialize;
use serde_json::Value;
use webgrad_core::functional::{self as F, Reduction};
use webgrad_core::{DType, Device, Tensor};

/// The fixture, embedded at compile time (works in the browser too).
pub const FIXTURE: &str = include_str!("../../fixtures/goldens.json");

#[derive(Debug, Clone, Deserialize)]
pub struct GoldenTensor {
    pub shape: Vec<usize>,
    pub data: Vec<f64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldenInput {
    pub shape: Vec<usize>,
    pub data: Vec<f64>,
    pub dtype: String,
    pub grad: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldenCase {
    pub name: String,
    pub op: String,
    pub args: Value,
    pub inputs: Vec<GoldenInput>,
    pub output: GoldenTensor,
    pub upstream: Option<GoldenTensor>,
    pub grads: Vec<Option<GoldenTensor>>,
}

/// Parse the embedded fixture.
pub fn load_cases() -> Result<Vec<GoldenCase>, String> {
    serde_json::from_str(FIXTURE).map_err(|e| format!("goldens.json does not parse: {e}"))
}

/// Tolerance for one op: an element passes when
/// `|got - want| <= rtol * |want| + atol * max(1, max|want|)`,
/// where `max|want|` is over the whole expected tensor (so `atol` scales with the tensor's size of
/// numbers, which is what summation error does).
///
/// The fixture is the correctly rounded f32 of a float64 result, so these bound only the engine's
/// own f32 error (f32 epsilon is 1.19e-7):
/// - views, gathers, selections, comparisons, max/min, relu/abs/neg, clamp, one_hot, argmax: the
///   forward is exact; 1e-6 leaves room only for the few additions a backward accumulates
///   (broadcast_to / index_select with repeats / overlapping max-pool windows sum ≤ 24 terms).
/// - plain arithmetic (add sub mul div square recip sqrt): ≤ 1-2 roundings per element, 2e-6.
/// - transcendentals (exp log sin cos tanh sigmoid erf gelu pow): SIMD/GPU polynomial
///   approximations are a few ulp; pow = exp(b·ln a) multiplies that by |b·ln a|; sin/cos of
///   |x| ≤ 30 lose ~|x|·eps absolutely in range reduction: rtol 1e-5, atol 1e-5.
/// - reductions and things made of them (sum mean var logsumexp softmax log_softmax, avg_pool):
///   summing n terms in f32 (any order: tree, tiles, GPU workgroups) costs ~√n·eps relative to the
///   terms' magnitude, and results near 0 by cancellation need the absolute part: 2e-5 / 2e-5.
/// - matmul and conv2d: dot products up to length 65 (fixture's largest K), accumulated in any
///   order, with or without FMA: 3e-5 / 3e-5.
/// - composite losses, layer_norm and scaled_dot_product_attention (webgrad_core::functional):
///   a chain of the above (logsumexp, mean, var, sqrt): 3e-5 / 3e-5.
pub fn tolerance(op: &str) -> (f64, f64) {
    match op {
        "reshape" | "transpose" | "permute" | "broadcast_to" | "narrow" | "concat" | "stack"
        | "index_select" | "one_hot" | "argmax" | "strided_slice" | "embedding" | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "where"
        | "maximum" | "minimum" | "max" | "min" | "max_pool2d" | "relu" | "abs" | "neg" | "clamp" => {
            (1e-6, 1e-6)
        }
        "add" | "sub" | "mul" | "div" | "square" | "recip" | "sqrt" => (2e-6, 1e-6),
        "exp" | "log" | "sin" | "cos" | "tanh" | "sigmoid" | "erf" | "gelu" | "pow" => (1e-5, 1e-5),
        "sum" | "mean" | "var" | "logsumexp" | "softmax" | "log_softmax" | "avg_pool2d" => (2e-5, 2e-5),
        "matmul" | "conv2d" => (3e-5, 3e-5),
        _ => (3e-5, 3e-5),
    }
}

/// Outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub name: String,
    pub op: String,
    /// `None` when the case passed; otherwise what went wrong (error, shape or value mismatch).
    pub failure: Option<String>,
    /// Largest absolute and relative error seen over the output and all gradients.
    pub max_abs: f64,
    pub max_rel: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub device: String,
    pub results: Vec<CaseResult>,
}

impl Report {
    pub fn total(&self) -> usize {
        self.results.len()
    }
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.failure.is_none()).count()
    }
    pub fn failures(&self) -> Vec<&CaseResult> {
        self.results.iter().filter(|r| r.failure.is_some()).collect()
    }
    /// Distinct ops covered.
    pub fn ops(&self) -> Vec<String> {
        let mut ops: Vec<String> = self.results.iter().map(|r| r.op.clone()).collect();
        ops.sort();
        ops.dedup();
        ops
    }
    pub fn summary(&self) -> String {
        format!("goldens on {}: {} of {} cases passed ({} ops)", self.device, self.passed(), self.total(), self.ops().len())
    }
    /// One line per failing case.
    pub fn failure_text(&self) -> String {
        let mut s = String::new();
        for r in self.failures() {
            s.push_str(&format!(
                "  FAIL {} [{}]: {} (max abs err {:.3e}, max rel err {:.3e})\n",
                r.name,
                r.op,
                r.failure.as_deref().unwrap_or(""),
                r.max_abs,
                r.max_rel
            ));
        }
        s
    }
}

/// Run every golden case; `Ok` when all pass, otherwise an error listing every failing case.
pub fn run_goldens(device: &Device) -> Result<Report, String> {
    let report = run_goldens_report(device, |_| true)?;
    if report.failures().is_empty() {
        Ok(report)
    } else {
        Err(format!("{}\n{}", report.summary(), report.failure_text()))
    }
}

/// Run the cases whose name passes `filter`; never fails on a case, only when the fixture is bad.
pub fn run_goldens_report(device: &Device, filter: impl Fn(&GoldenCase) -> bool) -> Result<Report, String> {
    let cases = load_cases()?;
    let mut report = Report { device: device.name(), results: Vec::new() };
    for case in cases.iter().filter(|c| filter(c)) {
        report.results.push(run_case(device, case));
    }
    Ok(report)
}

/// Run one case (forward, backward, compare). A panic inside the engine counts as a failure
/// (natively; in wasm a panic aborts the test).
pub fn run_case(device: &Device, case: &GoldenCase) -> CaseResult {
    let mut res = CaseResult { name: case.name.clone(), op: case.op.clone(), failure: None, max_abs: 0.0, max_rel: 0.0 };
    let outcome = catch(|| crate::block_on_ready(check_case(device, case, &mut res)));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => res.failure = Some(e),
        Err(panic) => res.failure = Some(format!("panicked: {panic}")),
    }
    res
}

/// `run_goldens` for devices whose readback only completes asynchronously (WebGPU in the browser).
pub async fn run_goldens_async(device: &Device) -> Result<Report, String> {
    let cases = load_cases()?;
    let mut report = Report { device: device.name(), results: Vec::new() };
    for case in &cases {
        let mut res = CaseResult { name: case.name.clone(), op: case.op.clone(), failure: None, max_abs: 0.0, max_rel: 0.0 };
        if let Err(e) = check_case(device, case, &mut res).await {
            res.failure = Some(e);
        }
        report.results.push(res);
    }
    if report.failures().is_empty() {
        Ok(report)
    } else {
        Err(format!("{}\n{}", report.summary(), report.failure_text()))
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "non-string panic".into())
    })
}

#[cfg(target_arch = "wasm32")]
fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    Ok(f())
}

fn e2s(e: webgrad_core::Error) -> String {
    format!("engine error: {e}")
}

async fn check_case(device: &Device, case: &GoldenCase, res: &mut CaseResult) -> Result<(), String> {
    // Leaves, exactly as given.
    let mut leaves = Vec::with_capacity(case.inputs.len());
    for inp in &case.inputs {
        let t = match inp.dtype.as_str() {
            "f32" => Tensor::from_vec(inp.data.iter().map(|&v| v as f32).collect(), &inp.shape, device),
            "i32" => Tensor::from_i32(inp.data.iter().map(|&v| v as i32).collect(), &inp.shape, device),
            other => return Err(format!("unknown dtype {other} in fixture")),
        }
        .map_err(e2s)?;
        if inp.grad {
            t.set_requires_grad(true);
        }
        leaves.push(t);
    }
    // What the op sees: input 0 transposed (a non-contiguous view) when asked.
    let mut used = leaves.clone();
    if arg_bool(&case.args, "transpose_input") {
        used[0] = used[0].transpose(-2, -1).map_err(e2s)?;
    }

    let out = match apply(&case.op, &case.args, &used) {
        // one_hot with num_classes = -1 infers the count with a readback, which a browser GPU
        // can only do asynchronously: there the engine says so, and the case runs with the count
        // taken from the fixture's indices (the CPU and native runs check the inference itself).
        Err(e) if case.op == "one_hot" && e.contains("cannot be read synchronously") => {
            let n = case.inputs[0].data.iter().fold(-1.0f64, |m, &v| m.max(v)) + 1.0;
            let mut args = case.args.clone();
            args["num_classes"] = serde_json::json!(n as i64);
            apply(&case.op, &args, &used)?
        }
        r => r?,
    };
    let (rtol, atol) = tolerance(&case.op);
    let mut problems = Vec::new();
    compare("output", &out, &case.output, rtol, atol, res, &mut problems).await?;

    if let Some(up) = &case.upstream {
        let w = Tensor::from_vec(up.data.iter().map(|&v| v as f32).collect(), &up.shape, device).map_err(e2s)?;
        out.backward_with(&w).map_err(e2s)?;
        for (i, (leaf, want)) in leaves.iter().zip(&case.grads).enumerate() {
            let Some(want) = want else { continue };
            match leaf.grad() {
                Some(g) => compare(&format!("grad[{i}]"), &g, want, rtol, atol, res, &mut problems).await?,
                None => problems.push(format!("grad[{i}] missing after backward")),
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

async fn compare(
    what: &str,
    got: &Tensor,
    want: &GoldenTensor,
    rtol: f64,
    atol: f64,
    res: &mut CaseResult,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    if got.shape() != want.shape.as_slice() {
        problems.push(format!("{what}: shape {:?}, expected {:?}", got.shape(), want.shape));
        return Ok(());
    }
    let vals = got.to_vec_async().await.map_err(e2s)?;
    if vals.len() != want.data.len() {
        problems.push(format!("{what}: {} values, expected {}", vals.len(), want.data.len()));
        return Ok(());
    }
    let scale = want.data.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let mut worst: Option<(usize, f64, f64, f64)> = None; // (index, excess, got, want)
    // The fixture holds shortest decimals of f32 values: compare against those f32 values exactly.
    let want_f32: Vec<f64> = want.data.iter().map(|&v| v as f32 as f64).collect();
    for (i, (&g, &e)) in vals.iter().zip(&want_f32).enumerate() {
        let g = g as f64;
        let abs = (g - e).abs();
        let abs = if abs.is_nan() { f64::INFINITY } else { abs };
        let rel = abs / e.abs().max(1e-30);
        res.max_abs = res.max_abs.max(abs);
        res.max_rel = res.max_rel.max(if e == 0.0 && abs == 0.0 { 0.0 } else { rel });
        let allowed = rtol * e.abs() + atol * scale;
        if abs > allowed {
            let excess = abs / allowed;
            if worst.is_none_or(|w| excess > w.1) {
                worst = Some((i, excess, g, e));
            }
        }
    }
    if let Some((i, _, g, e)) = worst {
        let bad = vals.iter().zip(&want_f32).filter(|(&g, &e)| ((g as f64) - e).abs() > rtol * e.abs() + atol * scale || g.is_nan()).count();
        problems.push(format!("{what}: {bad}/{} values off, worst at flat index {i}: got {g}, expected {e}", vals.len()));
    }
    Ok(())
}

// ---- args ---------------------------------------------------------------------------------

fn arg<'a>(args: &'a Value, key: &str) -> Result<&'a Value, String> {
    args.get(key).ok_or_else(|| format!("fixture case lacks arg {key:?}"))
}
fn arg_bool(args: &Value, key: &str) -> bool {
    args.get(key).and_then(Value::as_bool).unwrap_or(false)
}
fn arg_isize(args: &Value, key: &str) -> Result<isize, String> {
    arg(args, key)?.as_i64().map(|v| v as isize).ok_or_else(|| format!("arg {key:?} is not an integer"))
}
fn arg_usize(args: &Value, key: &str) -> Result<usize, String> {
    arg(args, key)?.as_u64().map(|v| v as usize).ok_or_else(|| format!("arg {key:?} is not a non-negative integer"))
}
fn arg_f32(args: &Value, key: &str) -> Result<f32, String> {
    arg(args, key)?.as_f64().map(|v| v as f32).ok_or_else(|| format!("arg {key:?} is not a number"))
}
fn arg_usizes(args: &Value, key: &str) -> Result<Vec<usize>, String> {
    arg(args, key)?
        .as_array()
        .ok_or_else(|| format!("arg {key:?} is not a list"))?
        .iter()
        .map(|v| v.as_u64().map(|v| v as usize).ok_or_else(|| format!("arg {key:?} holds a non-integer")))
        .collect()
}
fn arg_pair(args: &Value, key: &str) -> Result<(usize, usize), String> {
    match arg_usizes(args, key)?.as_slice() {
        [a, b] => Ok((*a, *b)),
        _ => Err(format!("arg {key:?} is not a pair")),
    }
}
/// `null` (all axes) or a list of possibly negative axes.
fn arg_axes(args: &Value, key: &str) -> Result<Option<Vec<isize>>, String> {
    let v = arg(args, key)?;
    if v.is_null() {
        return Ok(None);
    }
    v.as_array()
        .ok_or_else(|| format!("arg {key:?} is neither null nor a list"))?
        .iter()
        .map(|a| a.as_i64().map(|a| a as isize).ok_or_else(|| format!("arg {key:?} holds a non-integer")))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn reduction(args: &Value) -> Result<Reduction, String> {
    Reduction::parse("goldens", args.get("reduction").and_then(Value::as_str).unwrap_or("mean")).map_err(e2s)
}

// ---- dispatch -----------------------------------------------------------------------------

fn apply(op: &str, args: &Value, x: &[Tensor]) -> Result<Tensor, String> {
    let need = |n: usize| -> Result<(), String> {
        if x.len() < n {
            Err(format!("{op} needs {n} inputs, fixture gives {}", x.len()))
        } else {
            Ok(())
        }
    };
    need(1)?;
    let a = &x[0];
    let r = match op {
        "neg" => a.neg(),
        "exp" => a.exp(),
        "log" => a.log(),
        "sqrt" => a.sqrt(),
        "abs" => a.abs(),
        "relu" => a.relu(),
        "sigmoid" => a.sigmoid(),
        "tanh" => a.tanh(),
        "gelu" => a.gelu(),
        "sin" => a.sin(),
        "cos" => a.cos(),
        "square" => a.square(),
        "erf" => a.erf(),
        "recip" => a.recip(),
        "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
            need(2)?;
            let b = &x[1];
            match op {
                "add" => a.add(b),
                "sub" => a.sub(b),
                "mul" => a.mul(b),
                "div" => a.div(b),
                "pow" => a.pow(b),
                "maximum" => a.maximum(b),
                "minimum" => a.minimum(b),
                "eq" => a.eq(b),
                "ne" => a.ne(b),
                "lt" => a.lt(b),
                "le" => a.le(b),
                "gt" => a.gt(b),
                _ => a.ge(b),
            }
        }
        "where" => {
            need(3)?;
            Tensor::where_cond(&x[0], &x[1], &x[2])
        }
        "sum" | "mean" | "max" | "min" | "logsumexp" | "var" => {
            let axes = arg_axes(args, "axes")?;
            let keep = arg_bool(args, "keepdim");
            match op {
                "sum" => a.sum(axes, keep),
                "mean" => a.mean(axes, keep),
                "max" => a.max(axes, keep),
                "min" => a.min(axes, keep),
                "logsumexp" => a.logsumexp(axes, keep),
                _ => a.var(axes, keep, arg_usize(args, "correction")?),
            }
        }
        "argmax" => a.argmax(arg_isize(args, "axis")?, arg_bool(args, "keepdim")),
        "matmul" => {
            need(2)?;
            a.matmul(&x[1])
        }
        "reshape" => a.reshape(&arg_usizes(args, "shape")?),
        "transpose" => a.transpose(arg_isize(args, "dim0")?, arg_isize(args, "dim1")?),
        "permute" => a.permute(&arg_usizes(args, "perm")?),
        "broadcast_to" => a.broadcast_to(&arg_usizes(args, "shape")?),
        "narrow" => a.narrow(arg_isize(args, "axis")?, arg_usize(args, "start")?, arg_usize(args, "len")?),
        "concat" => Tensor::concat(x, arg_isize(args, "axis")?),
        "stack" => Tensor::stack(x, arg_isize(args, "axis")?),
        "index_select" => {
            need(2)?;
            a.index_select(arg_isize(args, "axis")?, &x[1])
        }
        "one_hot" => F::one_hot(a, usize::try_from(arg_isize(args, "num_classes")?).ok()),
        "softmax" => a.softmax(arg_isize(args, "axis")?),
        "log_softmax" => a.log_softmax(arg_isize(args, "axis")?),
        "clamp" => a.clamp(arg_f32(args, "min")?, arg_f32(args, "max")?),
        "conv2d" => {
            need(2)?;
            a.conv2d(&x[1], x.get(2), arg_pair(args, "stride")?, arg_pair(args, "padding")?)
        }
        "max_pool2d" => a.max_pool2d(arg_pair(args, "kernel")?, arg_pair(args, "stride")?, arg_pair(args, "padding")?),
        "avg_pool2d" => a.avg_pool2d(arg_pair(args, "kernel")?, arg_pair(args, "stride")?, arg_pair(args, "padding")?),
        // torch.nn.functional, through the shipped functions (webgrad_core::functional = wg.F).
        "cross_entropy" => {
            need(2)?;
            let w = if arg_bool(args, "weighted") { need(3)?; Some(&x[2]) } else { None };
            let s = args.get("label_smoothing").and_then(Value::as_f64).unwrap_or(0.0) as f32;
            F::cross_entropy(a, &x[1], w, s, reduction(args)?)
        }
        "mse_loss" => {
            need(2)?;
            F::mse_loss(a, &x[1], reduction(args)?)
        }
        "l1_loss" => {
            need(2)?;
            F::l1_loss(a, &x[1], reduction(args)?)
        }
        "huber_loss" => {
            need(2)?;
            F::huber_loss(a, &x[1], arg_f32(args, "delta")?, reduction(args)?)
        }
        "binary_cross_entropy_with_logits" => {
            need(2)?;
            let pw = if arg_bool(args, "pos_weight") { need(3)?; Some(&x[2]) } else { None };
            F::binary_cross_entropy_with_logits(a, &x[1], pw, reduction(args)?)
        }
        "layer_norm" => {
            let shape = match args.get("normalized_shape") {
                Some(_) => arg_usizes(args, "normalized_shape")?,
                None => vec![a.shape().last().copied().unwrap_or(0)],
            };
            F::layer_norm(a, &shape, x.get(1), x.get(2), arg_f32(args, "eps")?)
        }
        "batch_norm" => {
            need(5)?;
            let training = arg_bool(args, "training");
            let (momentum, eps) = (arg_f32(args, "momentum")?, arg_f32(args, "eps")?);
            F::batch_norm(a, Some(&x[1]), Some(&x[2]), Some(&x[3]), Some(&x[4]), training, momentum, eps).map(|o| o.output)
        }
        "scaled_dot_product_attention" => {
            need(3)?;
            let mask = match args.get("mask").and_then(Value::as_str) {
                Some("bool") | Some("float") => {
                    need(4)?;
                    Some(&x[3])
                }
                _ => None,
            };
            F::scaled_dot_product_attention(a, &x[1], &x[2], mask, arg_bool(args, "is_causal"))
        }
        "embedding" => {
            need(2)?;
            F::embedding(a, &x[1])
        }
        "strided_slice" => {
            let v = |k: &str| -> Result<Vec<isize>, String> {
                arg(args, k)?.as_array().ok_or_else(|| format!("arg {k:?} is not a list"))?.iter()
                    .map(|v| v.as_i64().map(|v| v as isize).ok_or_else(|| format!("arg {k:?} holds a non-integer")))
                    .collect()
            };
            let m = |k: &str| args.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
            a.strided_slice(&v("begin")?, &v("end")?, &v("strides")?, m("begin_mask"), m("end_mask"), m("shrink_axis_mask"))
        }
        other => return Err(format!("op {other:?} is not known to the goldens harness")),
    };
    let out = r.map_err(e2s)?;
    // argmax and friends may return i32; the fixture stores indices as floats.
    Ok(if out.dtype() == DType::I32 { out.cast(DType::F32).map_err(e2s)? } else { out })
}
