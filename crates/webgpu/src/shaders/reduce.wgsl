// Reductions. The host moves the reduced axes last, so each output ("row") reduces one strided
// sub-view. Parameter block:
//   [rows, len, outer_rank, inner_rank, offset, outer_shape[8], outer_strides[8],
//    inner_shape[8], inner_strides[8], chunks, chunk_len]
// (the last two only for the workgroup kernel: it can split rows into chunks, see reduce.rs)
// Outputs are raw 32-bit words: f32 for reduce, i32 for arg_reduce.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

// reduce: OP_SUM, OP_MAX, OP_MIN; arg_reduce: OP_ARGMAX, OP_ARGMIN (constants from the op
// tables, crates/core backend.rs `ReduceOp` and `ArgReduceOp`, prepended to this source).
override OP: u32;

const OUTER_SHAPE: u32 = 5u;
const OUTER_STRIDES: u32 = 13u;
const INNER_SHAPE: u32 = 21u;
const INNER_STRIDES: u32 = 29u;

fn row_base(row: u32) -> u32 {
    return strided_index(row, params[2], OUTER_SHAPE, OUTER_STRIDES, params[4]);
}

fn row_element(j: u32) -> u32 {
    return strided_index(j, params[3], INNER_SHAPE, INNER_STRIDES, 0u);
}

fn identity() -> f32 {
    switch OP {
        case OP_SUM: { return 0.0; }
        case OP_MAX: { return -inf_f32(); }
        case OP_MIN: { return inf_f32(); }
        // Not an op (every op has its case: pipelines.rs tests).
        default: { return nan_f32(); }
    }
}

// NaN wins max and min, as on the CPU.
fn combine(acc: f32, v: f32) -> f32 {
    switch OP {
        case OP_SUM: { return acc + v; }
        case OP_MAX: { return select(acc, v, v > acc || is_nan(v)); }
        case OP_MIN: { return select(acc, v, v < acc || is_nan(v)); }
        default: { return nan_f32(); }
    }
}

var<workgroup> partial: array<f32, 256>;

const CHUNKS: u32 = 37u;
const CHUNK_LEN: u32 = 38u;

// One workgroup per (row, chunk): strided partial results, then a tree in workgroup memory. For
// long rows. Writes out[row * chunks + chunk]; with one chunk, the row's result.
@compute @workgroup_size(256)
fn reduce_workgroup_per_row(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                            @builtin(num_workgroups) groups: vec3<u32>) {
    let slot = wid.x + wid.y * groups.x;
    let row = slot / params[CHUNKS];
    let start = (slot % params[CHUNKS]) * params[CHUNK_LEN];
    let end = min(start + params[CHUNK_LEN], params[1]);
    let in_range = row < params[0];
    var acc = identity();
    if (in_range) {
        let base = row_base(row);
        for (var j = start + lid.x; j < end; j = j + WORKGROUP_SIZE) {
            acc = combine(acc, x[base + row_element(j)]);
        }
    }
    partial[lid.x] = acc;
    workgroupBarrier();
    for (var s = WORKGROUP_SIZE / 2u; s > 0u; s = s >> 1u) {
        if (lid.x < s) {
            partial[lid.x] = combine(partial[lid.x], partial[lid.x + s]);
        }
        workgroupBarrier();
    }
    if (in_range && lid.x == 0u) {
        out[slot] = bitcast<u32>(partial[0]);
    }
}

// One thread per row, in order (the CPU's summation order). For many short rows.
@compute @workgroup_size(256)
fn reduce_thread_per_row(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let row = linear_id(gid, groups);
    if (row >= params[0]) {
        return;
    }
    let base = row_base(row);
    var acc = identity();
    for (var j = 0u; j < params[1]; j = j + 1u) {
        acc = combine(acc, x[base + row_element(j)]);
    }
    out[row] = bitcast<u32>(acc);
}

// Index of the first max (min) of each row; a NaN is never "better", as on the CPU.
@compute @workgroup_size(256)
fn arg_reduce(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let row = linear_id(gid, groups);
    if (row >= params[0]) {
        return;
    }
    let base = row_base(row);
    var best = x[base];
    var best_j = 0u;
    for (var j = 1u; j < params[1]; j = j + 1u) {
        let v = x[base + row_element(j)];
        var better = false;
        switch OP {
            // A NaN counts as beyond every number; the first NaN wins (torch).
            case OP_ARGMAX: { better = v > best || (is_nan(v) && !is_nan(best)); }
            case OP_ARGMIN: { better = v < best || (is_nan(v) && !is_nan(best)); }
            // Not an op: the index stays out of range, never another op's answer.
            default: { best_j = 0xffffffffu; }
        }
        if (better) {
            best = v;
            best_j = j;
        }
    }
    out[row] = bitcast<u32>(i32(best_j));
}
