// Elementwise unary ops. `OP` selects the op when the pipeline is created; the OP_* constants
// come from the op table (crates/core backend.rs `UnaryOp`), prepended to this source.
// Transcendentals are written out rather than left to the driver, whose accuracy is not enough
// for parity with the CPU (exp, log, sin/cos, tanh, erf): WGSL only bounds them loosely.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override OP: u32;

// Cody–Waite reduction by pi/2: the first two parts have 12 significant bits, so k * part is
// exact for |k| < 2^12 (|x| up to about 6000); beyond that accuracy degrades gracefully.
const PIO2_1: f32 = 1.5703125;
const PIO2_2: f32 = 4.837512969970703e-4;
const PIO2_3: f32 = 7.549790126404332e-8;
const TWO_OVER_PI: f32 = 0.6366197466850281;

// exp to about 1 ulp. Drivers compute exp2(x·log2 e), whose error grows with |x| (2e-6 relative
// at x = 50 on lavapipe). Here: x = k·ln2 + r with |r| <= ln2/2 (Cody–Waite, ln2 in two parts),
// a degree-7 Taylor polynomial for e^r, and the scaling by 2^k split in two so that it cannot
// overflow before the result does.
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.4286068202862268e-6;
const LOG2_E: f32 = 1.4426950408889634;

fn exp_accurate(v: f32) -> f32 {
    if (is_nan(v)) {
        return v;
    }
    if (v > 88.72284) {
        return inf_f32();
    }
    if (v < -103.97209) {
        return 0.0;
    }
    let k = round(v * LOG2_E);
    let r = (v - k * LN2_HI) - k * LN2_LO;
    let p = 1.0 + r * (1.0 + r * (1.0 / 2.0 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    let ki = i32(k);
    let half = ki / 2;
    return ldexp(ldexp(p, half), ki - half);
}

// Taylor polynomials on [-pi/4, pi/4]; truncation error below 2e-9.
fn sin_poly(r: f32) -> f32 {
    let r2 = r * r;
    return r + r * r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0))));
}

fn cos_poly(r: f32) -> f32 {
    let r2 = r * r;
    return 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
}

// sin (phase 0) or cos (phase 1) of v: reduce to r in [-pi/4, pi/4] and quadrant q.
fn sin_cos(v: f32, phase: i32) -> f32 {
    if (is_nan(v) || abs(v) == inf_f32()) {
        return nan_f32();
    }
    let k = round(v * TWO_OVER_PI);
    let r = ((v - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
    let q = (i32(k) + phase) & 3;
    switch q {
        case 0: { return sin_poly(r); }
        case 1: { return cos_poly(r); }
        case 2: { return -sin_poly(r); }
        default: { return -cos_poly(r); }
    }
}

// tanh without overflow: an odd Taylor series near 0 (where 1 - e^-2|x| would cancel), the
// exponential form elsewhere.
fn tanh_accurate(v: f32) -> f32 {
    let a = abs(v);
    if (a < 0.3) {
        let v2 = v * v;
        return v * (1.0 + v2 * (-1.0 / 3.0 + v2 * (2.0 / 15.0 + v2 * (-17.0 / 315.0 + v2 * (62.0 / 2835.0 + v2 * (-1382.0 / 155925.0))))));
    }
    let e = exp_accurate(-2.0 * a);
    let t = (1.0 - e) / (1.0 + e);
    return select(t, -t, v < 0.0);
}

// erf to about 1e-7: a Taylor series near 0 (where 1 - erfc would cancel) and the Numerical
// Recipes Chebyshev fit of erfc elsewhere (the same split as the CPU backend, in f32).
fn erf_accurate(v: f32) -> f32 {
    let a = abs(v);
    if (a < 0.5) {
        // 2/sqrt(pi) * sum (-1)^n v^(2n+1) / (n! (2n+1))
        let v2 = v * v;
        var term = v;
        var sum = v;
        for (var n = 1u; n < 10u; n = n + 1u) {
            term = term * (-v2 / f32(n));
            sum = sum + term / f32(2u * n + 1u);
        }
        return sum * 1.1283791670955126;
    }
    let t = 1.0 / (1.0 + 0.5 * a);
    let poly = -a * a - 1.26551223
        + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    let erfc = t * exp_accurate(poly);
    return select(erfc - 1.0, 1.0 - erfc, v >= 0.0);
}

fn sigmoid(v: f32) -> f32 {
    // Branch so that exp never overflows.
    if (v >= 0.0) {
        return 1.0 / (1.0 + exp_accurate(-v));
    }
    let e = exp_accurate(v);
    return e / (1.0 + e);
}

// log to about 2 ulp (drivers guarantee only ~2^-21 absolute near 1). v = m·2^e with m in
// [sqrt(1/2), sqrt(2)); log m = 2·atanh(s), s = (m-1)/(m+1), |s| < 0.172, as an odd series.
fn log_accurate(v: f32) -> f32 {
    if (is_nan(v) || v < 0.0) {
        return nan_f32();
    }
    if (v == 0.0) {
        return -inf_f32();
    }
    if (v == inf_f32()) {
        return v;
    }
    let parts = frexp(v);
    var m = parts.fract * 2.0;
    var e = f32(parts.exp - 1);
    if (m > 1.4142135) {
        m = m * 0.5;
        e = e + 1.0;
    }
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let log_m = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0)))))));
    return e * LN2_HI + (log_m + e * LN2_LO);
}

fn sqrt_ieee(v: f32) -> f32 {
    if (is_nan(v) || v < 0.0) {
        return nan_f32();
    }
    return sqrt(v);
}

fn apply(v: f32) -> f32 {
    switch OP {
        case OP_NEG: { return -v; }
        case OP_EXP: { return exp_accurate(v); }
        case OP_LOG: { return log_accurate(v); }
        case OP_SQRT: { return sqrt_ieee(v); }
        case OP_ABS: { return abs(v); }
        case OP_RELU: { return select(0.0, v, v > 0.0 || is_nan(v)); }
        case OP_SIGMOID: { return sigmoid(v); }
        case OP_TANH: { return tanh_accurate(v); }
        case OP_SIN: { return sin_cos(v, 0); }
        case OP_COS: { return sin_cos(v, 1); }
        case OP_ERF: { return erf_accurate(v); }
        case OP_RECIP: { return 1.0 / v; }
        case OP_SIGN: { return select(select(0.0, -1.0, v < 0.0), 1.0, v > 0.0); }
        // Not an op: codes come from the op table, and every op has its case (pipelines.rs tests).
        default: { return nan_f32(); }
    }
}

@compute @workgroup_size(256)
fn unary(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= ew_count()) {
        return;
    }
    y[ew_index(1u, i)] = apply(x[ew_index(0u, i)]);
}
