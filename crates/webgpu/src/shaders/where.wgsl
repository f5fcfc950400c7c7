// out = cond != 0 ? a : b over three strided views of the output shape.
@group(0) @binding(1) var<storage, read> cond: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn where_select(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= ew_count()) {
        return;
    }
    let c = cond[ew_index(0u, i)];
    // NaN counts as true (it is not 0), as on the CPU.
    let take_a = !(c == 0.0);
    out[ew_index(3u, i)] = select(b[ew_index(2u, i)], a[ew_index(1u, i)], take_a);
}
