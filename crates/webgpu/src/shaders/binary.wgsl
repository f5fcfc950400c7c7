// Elementwise binary ops over two strided views of the output shape (broadcasting arrives as
// stride-0 dimensions). `OP` selects the op; the OP_* constants come from the op
// table (crates/core backend.rs `BinaryOp`), prepended to this source.
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

override OP: u32;

fn is_odd_integer(v: f32) -> bool {
    return floor(v) == v && abs(v) < 16777216.0 && (i32(v) & 1) == 1;
}

// powf as Rust (C99) defines it: negative bases with integer exponents, pow(x, 0) = 1,
// pow(1, y) = 1 even for NaN, signed zeros and infinities. Common small exponents are exact.
fn pow_ieee(x: f32, e: f32) -> f32 {
    if (e == 0.0 || x == 1.0) {
        return 1.0;
    }
    if (is_nan(x) || is_nan(e)) {
        return nan_f32();
    }
    if (e == 1.0) {
        return x;
    }
    if (e == 2.0) {
        return x * x;
    }
    if (e == -1.0) {
        return 1.0 / x;
    }
    let ax = abs(x);
    let odd = is_odd_integer(e);
    let negative = (bitcast<u32>(x) >> 31u) == 1u;
    var r: f32;
    if (abs(e) == inf_f32()) {
        // Magnitude only: pow(-1, inf) = 1, pow(-2, inf) = inf.
        if (ax == 1.0) {
            return 1.0;
        }
        return select(inf_f32(), 0.0, (ax < 1.0) == (e > 0.0));
    } else if (ax == 0.0) {
        r = select(0.0, inf_f32(), e < 0.0);
    } else if (ax == inf_f32()) {
        r = select(0.0, inf_f32(), e > 0.0);
    } else if (e == 0.5) {
        r = sqrt(ax);
    } else {
        r = exp2(e * log2(ax));
    }
    if (negative) {
        if (ax != 0.0 && ax != inf_f32() && floor(e) != e) {
            return nan_f32();
        }
        return select(r, -r, odd);
    }
    return r;
}

fn apply(x: f32, y: f32) -> f32 {
    switch OP {
        case OP_ADD: { return x + y; }
        case OP_SUB: { return x - y; }
        case OP_MUL: { return x * y; }
        case OP_DIV: { return x / y; }
        case OP_POW: { return pow_ieee(x, y); }
        // NaN-propagating like torch.maximum / minimum.
        case OP_MAX: { return select(max(x, y), nan_f32(), is_nan(x) || is_nan(y)); }
        case OP_MIN: { return select(min(x, y), nan_f32(), is_nan(x) || is_nan(y)); }
        case OP_EQ: { return select(0.0, 1.0, x == y); }
        // Not `x != y`: that compiles to an ordered comparison, false when either is NaN.
        case OP_NE: { return select(1.0, 0.0, x == y); }
        case OP_LT: { return select(0.0, 1.0, x < y); }
        case OP_LE: { return select(0.0, 1.0, x <= y); }
        case OP_GT: { return select(0.0, 1.0, x > y); }
        case OP_GE: { return select(0.0, 1.0, x >= y); }
        // Not an op: codes come from the op table, and every op has its case (pipelines.rs tests).
        default: { return nan_f32(); }
    }
}

@compute @workgroup_size(256)
fn binary(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= ew_count()) {
        return;
    }
    c[ew_index(2u, i)] = apply(a[ew_index(0u, i)], b[ew_index(1u, i)]);
}
