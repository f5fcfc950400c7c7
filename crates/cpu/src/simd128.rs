//! wasm SIMD128 kernels (compiled only with `-C target-feature=+simd128`). Each is checked against
//! `reference` by `selfcheck`. With `+relaxed-simd`, multiply-adds use `f32x4.relaxed_madd`,
//! which V8 lowers to an FMA instruction on x86 (one rounding instead of two).
use crate::gemm::MicroKernel;
use core::arch::wasm32::*;

/// a·b + c.
#[inline(always)]
fn madd(a: v128, b: v128, c: v128) -> v128 {
    #[cfg(target_feature = "relaxed-simd")]
    {
        f32x4_relaxed_madd(a, b, c)
    }
    #[cfg(not(target_feature = "relaxed-simd"))]
    {
        f32x4_add(f32x4_mul(a, b), c)
    }
}

// ---- matmul ------------------------------------------------------------------------------------

/// MR×(4·NV) micro-kernel: MR·NV f32x4 accumulators; per step NV loads of B and MR load-splats
/// of A. What limits it in V8 on x86-64: 15 xmm registers for SIMD values, and the order LLVM
/// emits, which V8 keeps. LLVM issues the B loads and then, per row, a splat and its NV
/// multiply-adds, but hoists splats that feed more than one multiply-add, so about
/// MR·NV + NV + MR registers are live: 4×8 (14) fits, 6×8 (20) spills. 4×8 also needs only
/// 8 accumulators, just enough to cover FMA latency (4 cycles × 2 pipes on Zen 4).
///
/// Never inlined: V8's register allocator keeps the accumulators in registers only when the loop
/// is alone in a small function; inlined into `gemm` it spilled them on every step.
///
/// # Safety
/// As `MicroKernel::run` with NR = 4·NV.
#[inline(never)]
unsafe fn tile<const MR: usize, const NV: usize>(kc: usize, mut a: *const f32, mut b: *const f32, c: *mut f32, ldc: usize) {
    let mut acc = [[f32x4_splat(0.0); NV]; MR];
    for (r, row) in acc.iter_mut().enumerate() {
        for (v, x) in row.iter_mut().enumerate() {
            *x = v128_load(c.add(r * ldc + 4 * v) as *const v128);
        }
    }
    // One step per iteration: unrolled by two, LLVM hoisted the next step's splats above this
    // step's multiply-adds and V8 spilled (half the speed in Chromium).
    for _ in 0..kc {
        let mut bv = [f32x4_splat(0.0); NV];
        for (v, x) in bv.iter_mut().enumerate() {
            *x = v128_load(b.add(4 * v) as *const v128);
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let av = v128_load32_splat(a.add(r) as *const u32);
            for (x, &bx) in row.iter_mut().zip(&bv) {
                *x = madd(av, bx, *x);
            }
        }
        a = a.add(MR);
        b = b.add(4 * NV);
    }
    for (r, row) in acc.iter().enumerate() {
        for (v, &x) in row.iter().enumerate() {
            v128_store(c.add(r * ldc + 4 * v) as *mut v128, x);
        }
    }
}

pub struct Simd128<const MR: usize, const NV: usize>;

impl<const MR: usize, const NV: usize> MicroKernel for Simd128<MR, NV> {
    const MR: usize = MR;
    const NR: usize = 4 * NV;
    // A tall tile reads more of A per step than of B: keep its A panel (KC×MR) in L1 and stream
    // a B block of 256×512 floats (512 KiB) from L2.
    const A_STAYS: bool = MR > 4 * NV;
    const MC: usize = if MR > 4 * NV { 240 } else { 96 };
    const NC: usize = if MR > 4 * NV { 512 } else { 1024 };
    unsafe fn run(kc: usize, a: *const f32, b: *const f32, c: *mut f32, ldc: usize) {
        tile::<MR, NV>(kc, a, b, c, ldc)
    }
}

/// The micro-kernel `kernels::matmul` uses on wasm (fastest in Chromium 156 on Zen 4).
pub type MatmulKernel = Simd128<4, 2>;

// ---- elementwise -------------------------------------------------------------------------------

use webgrad_core::{BinaryOp, ReduceOp, UnaryOp};

/// Apply `f` to 4 lanes at a time; the tail goes through a zero-padded vector, so every element
/// takes the same instruction path.
#[inline(always)]
fn map1(x: &[f32], out: &mut [f32], f: impl Fn(v128) -> v128) {
    let n = x.len().min(out.len());
    let body = n / 4 * 4;
    for (o, v) in out[..body].chunks_exact_mut(4).zip(x[..body].chunks_exact(4)) {
        // SAFETY: both chunks hold exactly 4 floats; v128 loads and stores need no alignment.
        unsafe { v128_store(o.as_mut_ptr() as *mut v128, f(v128_load(v.as_ptr() as *const v128))) };
    }
    if body < n {
        let mut t = [0.0f32; 4];
        t[..n - body].copy_from_slice(&x[body..n]);
        // SAFETY: `t` holds 4 floats.
        unsafe { v128_store(t.as_mut_ptr() as *mut v128, f(v128_load(t.as_ptr() as *const v128))) };
        out[body..n].copy_from_slice(&t[..n - body]);
    }
}

#[inline(always)]
fn map2(a: &[f32], b: &[f32], out: &mut [f32], f: impl Fn(v128, v128) -> v128) {
    let n = a.len().min(b.len()).min(out.len());
    let body = n / 4 * 4;
    for ((o, x), y) in out[..body].chunks_exact_mut(4).zip(a[..body].chunks_exact(4)).zip(b[..body].chunks_exact(4)) {
        // SAFETY: all chunks hold exactly 4 floats.
        unsafe {
            let r = f(v128_load(x.as_ptr() as *const v128), v128_load(y.as_ptr() as *const v128));
            v128_store(o.as_mut_ptr() as *mut v128, r)
        };
    }
    if body < n {
        let (mut ta, mut tb) = ([0.0f32; 4], [0.0f32; 4]);
        ta[..n - body].copy_from_slice(&a[body..n]);
        tb[..n - body].copy_from_slice(&b[body..n]);
        // SAFETY: `ta` and `tb` hold 4 floats.
        unsafe {
            let r = f(v128_load(ta.as_ptr() as *const v128), v128_load(tb.as_ptr() as *const v128));
            v128_store(ta.as_mut_ptr() as *mut v128, r)
        };
        out[body..n].copy_from_slice(&ta[..n - body]);
    }
}

/// A comparison mask turned into 1.0 / 0.0.
#[inline(always)]
fn flag(mask: v128) -> v128 {
    v128_and(mask, f32x4_splat(1.0))
}

/// Calls `$body!(f)` with `f` the lane-wise version of a binary op (where SIMD matches the
/// reference exactly: IEEE add/sub/mul/div, NaN-propagating max/min, comparisons), or returns
/// false for ops left to the scalar reference (pow).
macro_rules! with_binary_op {
    ($op:expr, |$f:ident| $body:expr) => {
        match $op {
            BinaryOp::Add => { let $f = |x, y| f32x4_add(x, y); $body }
            BinaryOp::Sub => { let $f = |x, y| f32x4_sub(x, y); $body }
            BinaryOp::Mul => { let $f = |x, y| f32x4_mul(x, y); $body }
            BinaryOp::Div => { let $f = |x, y| f32x4_div(x, y); $body }
            BinaryOp::Max => { let $f = |x, y| f32x4_max(x, y); $body }
            BinaryOp::Min => { let $f = |x, y| f32x4_min(x, y); $body }
            BinaryOp::Eq => { let $f = |x, y| flag(f32x4_eq(x, y)); $body }
            BinaryOp::Ne => { let $f = |x, y| flag(f32x4_ne(x, y)); $body }
            BinaryOp::Lt => { let $f = |x, y| flag(f32x4_lt(x, y)); $body }
            BinaryOp::Le => { let $f = |x, y| flag(f32x4_le(x, y)); $body }
            BinaryOp::Gt => { let $f = |x, y| flag(f32x4_gt(x, y)); $body }
            BinaryOp::Ge => { let $f = |x, y| flag(f32x4_ge(x, y)); $body }
            BinaryOp::Pow => return false,
        }
    };
}

pub fn binary(op: BinaryOp, a: &[f32], b: &[f32], out: &mut [f32]) -> bool {
    with_binary_op!(op, |f| map2(a, b, out, f));
    true
}

pub fn binary_scalar_rhs(op: BinaryOp, a: &[f32], b: f32, out: &mut [f32]) -> bool {
    let s = f32x4_splat(b);
    with_binary_op!(op, |f| map1(a, out, |x| f(x, s)));
    true
}

pub fn binary_scalar_lhs(op: BinaryOp, a: f32, b: &[f32], out: &mut [f32]) -> bool {
    let s = f32x4_splat(a);
    with_binary_op!(op, |f| map1(b, out, |y| f(s, y)));
    true
}

pub fn unary(op: UnaryOp, x: &[f32], out: &mut [f32]) -> bool {
    let one = f32x4_splat(1.0);
    match op {
        UnaryOp::Neg => map1(x, out, |v| f32x4_neg(v)),
        UnaryOp::Abs => map1(x, out, |v| f32x4_abs(v)),
        UnaryOp::Sqrt => map1(x, out, |v| f32x4_sqrt(v)),
        UnaryOp::Recip => map1(x, out, |v| f32x4_div(one, v)),
        // v where v > 0 or v is NaN (v != v), else 0, as torch.relu. (Not pmax: LLVM turns it
        // into relaxed_max under relaxed-simd, which leaves NaN to the engine.)
        UnaryOp::Relu => map1(x, out, |v| v128_and(v, v128_or(f32x4_gt(v, f32x4_splat(0.0)), f32x4_ne(v, v)))),
        UnaryOp::Sign => map1(x, out, |v| {
            let zero = f32x4_splat(0.0);
            v128_or(flag(f32x4_gt(v, zero)), v128_and(f32x4_lt(v, zero), f32x4_splat(-1.0)))
        }),
        UnaryOp::Exp => {
            let k = MathConsts::new();
            map1(x, out, |v| exp4(v, &k))
        }
        UnaryOp::Sigmoid => {
            let k = MathConsts::new();
            map1(x, out, |v| sigmoid4(v, &k))
        }
        UnaryOp::Tanh => {
            let k = MathConsts::new();
            map1(x, out, |v| tanh4(v, &k))
        }
        UnaryOp::Log | UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Erf => return false,
    }
    true
}

/// The constants of `exp4` and `tanh4`, made opaque with `black_box` once per call so that LLVM
/// keeps them as values instead of a `v128.const` at each use: V8 rematerialises such constants
/// inside the loop (3 instructions each), which made exp four times slower.
#[derive(Clone, Copy)]
pub struct MathConsts {
    exp_max: v128,
    exp_min: v128,
    log2e: v128,
    shift: v128,
    ln2_hi: v128,
    ln2_lo: v128,
    exp_p: [v128; 6],
    one: v128,
    two: v128,
    bias: v128,
    tanh_p: [v128; 5],
    tanh_cut: v128,
    sign: v128,
}

impl MathConsts {
    #[inline(always)]
    pub fn new() -> Self {
        let s = |v: f32| f32x4_splat(v);
        // Cephes fits: e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2, tanh x ≈ x + x³·Q(x²) on |x| < 0.625.
        let exp_p = [1.987_569_1e-4, 1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1];
        let tanh_p = [-5.704_988_7e-3, 2.063_908_9e-2, -5.373_971_6e-2, 1.333_144_2e-1, -3.333_328_2e-1];
        core::hint::black_box(MathConsts {
            exp_max: s(88.8),
            exp_min: s(-104.0),
            log2e: s(core::f32::consts::LOG2_E),
            // 1.5·2²³: adding it rounds |v| < 2²² to an integer, left in the low mantissa bits.
            shift: s(12_582_912.0),
            // ln2 in two parts, the first with few enough bits that n·LN2_HI is exact.
            ln2_hi: s(-0.693_359_375),
            ln2_lo: s(2.121_944_4e-4),
            exp_p: exp_p.map(s),
            one: s(1.0),
            two: s(2.0),
            bias: i32x4_splat(127),
            tanh_p: tanh_p.map(s),
            tanh_cut: s(0.625),
            sign: s(-0.0),
        })
    }
}

/// e^x, within ~2 ulp of the correctly rounded result over the whole f32 range (overflow to
/// inf, gradual underflow to 0, NaN in NaN out). Range reduction x = n·ln2 + r with |r| ≤ ln2/2,
/// the polynomial, then 2^n applied as two factors so that subnormal results round once.
/// Written for V8's x64 lowering: pmin/pmax are single instructions (min/max are not), and the
/// shift by 1.5·2²³ rounds and converts to an integer without `nearest` or `trunc_sat`.
#[inline(always)]
pub fn exp4(x: v128, k: &MathConsts) -> v128 {
    // Clamp. With relaxed-simd LLVM emits pmin/pmax as relaxed_min/max, whose result for NaN is
    // up to the engine: NaN lanes are restored at the end instead.
    let input = x;
    let x = f32x4_pmax(f32x4_pmin(x, k.exp_max), k.exp_min);
    let shifted = f32x4_add(f32x4_mul(x, k.log2e), k.shift);
    let n = f32x4_sub(shifted, k.shift);
    let r = madd(n, k.ln2_hi, x);
    let r = madd(n, k.ln2_lo, r);
    let mut p = k.exp_p[0];
    for &c in &k.exp_p[1..] {
        p = madd(p, r, c);
    }
    let y = madd(p, f32x4_mul(r, r), f32x4_add(r, k.one));
    // n ∈ [-150, 128]: split it into two exponents within the normal range [-75, 64].
    let ni = i32x4_sub(shifted, k.shift);
    let n1 = i32x4_shr(ni, 1);
    let n2 = i32x4_sub(ni, n1);
    let pow2 = |e: v128| i32x4_shl(i32x4_add(e, k.bias), 23);
    let e = f32x4_mul(f32x4_mul(y, pow2(n1)), pow2(n2));
    v128_bitselect(input, e, f32x4_ne(input, input))
}

/// 1 / (1 + e^-x).
#[inline(always)]
pub fn sigmoid4(x: v128, k: &MathConsts) -> v128 {
    f32x4_div(k.one, f32x4_add(k.one, exp4(f32x4_neg(x), k)))
}

/// tanh: the odd polynomial for |x| < 0.625 (no cancellation near 0), else
/// 1 - 2/(e^{2|x|} + 1) with the sign of x.
#[inline(always)]
pub fn tanh4(x: v128, k: &MathConsts) -> v128 {
    let z = f32x4_mul(x, x);
    let mut p = k.tanh_p[0];
    for &c in &k.tanh_p[1..] {
        p = madd(p, z, c);
    }
    let small = madd(f32x4_mul(p, z), x, x);
    let ax = f32x4_abs(x);
    let e = exp4(f32x4_add(ax, ax), k);
    let large = f32x4_sub(k.one, f32x4_div(k.two, f32x4_add(e, k.one)));
    let large = v128_or(large, v128_and(x, k.sign));
    v128_bitselect(small, large, f32x4_lt(ax, k.tanh_cut))
}

// ---- reductions --------------------------------------------------------------------------------

/// Reduce each run of `len` (≥ 4) consecutive values.
pub fn reduce_rows(op: ReduceOp, x: &[f32], len: usize, out: &mut [f32]) {
    for (o, row) in out.iter_mut().zip(x.chunks_exact(len)) {
        *o = match op {
            ReduceOp::Sum => fold_row(row, 0.0, |a, b| f32x4_add(a, b), |a, b| a + b),
            // f32x4.max/min propagate NaN, as the reference does.
            ReduceOp::Max => fold_row(row, f32::NEG_INFINITY, |a, b| f32x4_max(a, b), |a, b| if b > a || b.is_nan() { b } else { a }),
            ReduceOp::Min => fold_row(row, f32::INFINITY, |a, b| f32x4_min(a, b), |a, b| if b < a || b.is_nan() { b } else { a }),
        };
    }
}

/// Four vector accumulators (16 lanes in flight), folded together at the end.
#[inline(always)]
fn fold_row(row: &[f32], init: f32, f: impl Fn(v128, v128) -> v128, g: impl Fn(f32, f32) -> f32) -> f32 {
    let mut acc = [f32x4_splat(init); 4];
    let chunks = row.chunks_exact(16);
    let rest = chunks.remainder();
    for c in chunks {
        for (i, a) in acc.iter_mut().enumerate() {
            // SAFETY: `c` holds 16 floats.
            *a = f(*a, unsafe { v128_load(c.as_ptr().add(4 * i) as *const v128) });
        }
    }
    let v = f(f(acc[0], acc[2]), f(acc[1], acc[3]));
    let lanes = [f32x4_extract_lane::<0>(v), f32x4_extract_lane::<1>(v), f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)];
    let head = g(g(lanes[0], lanes[2]), g(lanes[1], lanes[3]));
    rest.iter().fold(head, |m, &v| g(m, v))
}
