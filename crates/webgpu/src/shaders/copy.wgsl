// Strided copy and dtype casts. Data is bound as raw 32-bit words so one kernel moves f32 and i32.
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

// dst view (slot 1, usually contiguous) = src view (slot 0). Also writes concat's parts into
// their place in the output.
@compute @workgroup_size(256)
fn copy_strided(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= ew_count()) {
        return;
    }
    dst[ew_index(1u, i)] = src[ew_index(0u, i)];
}

// Rust's `as i32`: truncate toward zero, saturate at the i32 range, NaN becomes 0.
fn saturating_i32(x: f32) -> i32 {
    if (is_nan(x)) {
        return 0;
    }
    if (x >= 2147483648.0) {
        return 2147483647;
    }
    if (x <= -2147483648.0) {
        return i32(-2147483647) - 1;
    }
    return i32(x);
}

@compute @workgroup_size(256)
fn cast_f32_to_i32(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= ew_count()) {
        return;
    }
    dst[ew_index(1u, i)] = bitcast<u32>(saturating_i32(bitcast<f32>(src[ew_index(0u, i)])));
}

@compute @workgroup_size(256)
fn cast_i32_to_f32(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= ew_count()) {
        return;
    }
    dst[ew_index(1u, i)] = bitcast<u32>(f32(bitcast<i32>(src[ew_index(0u, i)])));
}
