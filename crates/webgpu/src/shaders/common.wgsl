// Prepended to every family. Binding 0 of every kernel is its parameter block.
@group(0) @binding(0) var<storage, read> params: array<u32>;

const WORKGROUP_SIZE: u32 = 256u;

// Linear id of this invocation. Kernels over n elements are dispatched as (x, y) workgroups of
// 256 because one grid dimension holds at most 65535 workgroups.
fn linear_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * WORKGROUP_SIZE;
}

// Flat buffer index of element `i` (row-major) of a strided view: its `rank` sizes start at
// params[shape_at], its strides at params[strides_at].
fn strided_index(i: u32, rank: u32, shape_at: u32, strides_at: u32, offset: u32) -> u32 {
    var rem = i;
    var idx = offset;
    for (var d = rank; d > 0u; d = d - 1u) {
        let size = params[shape_at + d - 1u];
        idx = idx + (rem % size) * params[strides_at + d - 1u];
        rem = rem / size;
    }
    return idx;
}

// Elementwise parameter block (copy, cast, unary, binary, where):
//   [n, rank, shape[8], slot 0, slot 1, ...], slot = [contiguous, offset, strides[8]].
// Inputs take the first slots, the output the last one.
const EW_SHAPE: u32 = 2u;
const EW_SLOT: u32 = 10u;
const EW_SLOT_LEN: u32 = 10u;

fn ew_count() -> u32 {
    return params[0];
}

fn ew_index(slot: u32, i: u32) -> u32 {
    let base = EW_SLOT + slot * EW_SLOT_LEN;
    if (params[base] == 1u) {
        return params[base + 1u] + i;
    }
    return strided_index(i, params[1], EW_SHAPE, base + 2u, params[base + 1u]);
}

// NaN tests on the bits: shader compilers may assume floats are never NaN, and WGSL's `!=`
// compiles to an ordered comparison (false for NaN).
fn is_nan(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// Loaded from private variables because a constant NaN or infinity is a shader-creation error
// in WGSL (browsers' compilers evaluate `bitcast<f32>(0x7fc00000u)` at compile time and reject it).
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;

fn nan_f32() -> f32 {
    return bitcast<f32>(NAN_BITS);
}

fn inf_f32() -> f32 {
    return bitcast<f32>(INF_BITS);
}
