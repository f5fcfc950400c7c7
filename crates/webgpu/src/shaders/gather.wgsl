// index_select and index_add along one axis of a contiguous [outer, dim, inner] tensor with a
// strided 1-D i32 index. An out-of-range index reads zeros (select) or is skipped (add): a GPU
// cannot report it without a readback, which the browser cannot wait for.
// Parameter block: [n_out, outer, dim, inner, count, src_offset, idx_offset, idx_stride]
// (dim is the source's axis size for select, the output's for add; count is the index length).
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read> idx: array<i32>;
@group(0) @binding(3) var<storage, read_write> dst: array<u32>;

fn index_at(j: u32) -> i32 {
    return idx[params[6] + j * params[7]];
}

// dst [outer, count, inner] = src[:, idx, :]; raw words, so f32 and i32 alike.
@compute @workgroup_size(256)
fn index_select(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= params[0]) {
        return;
    }
    let dim = params[2];
    let inner = params[3];
    let count = params[4];
    let e = i % inner;
    let j = (i / inner) % count;
    let o = i / (inner * count);
    let k = index_at(j);
    if (k < 0 || u32(k) >= dim) {
        dst[i] = 0u;
        return;
    }
    dst[i] = src[params[5] + (o * dim + u32(k)) * inner + e];
}

// dst [outer, dim, inner] = zeros, plus src[:, j, :] added at idx[j]. Each output gathers its
// sources in index order: deterministic, no float atomics, and the CPU's summation order.
@compute @workgroup_size(256)
fn index_add(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= params[0]) {
        return;
    }
    let dim = params[2];
    let inner = params[3];
    let count = params[4];
    let e = i % inner;
    let d = i32((i / inner) % dim);
    let o = i / (inner * dim);
    var acc = 0.0;
    for (var j = 0u; j < count; j = j + 1u) {
        if (index_at(j) == d) {
            acc = acc + bitcast<f32>(src[params[5] + (o * count + j) * inner + e]);
        }
    }
    dst[i] = bitcast<u32>(acc);
}
