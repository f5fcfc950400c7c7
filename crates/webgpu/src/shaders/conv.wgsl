// im2col (unfold2d) and its adjoint col2im (fold2d) with zero padding.
// Parameter block: [n_out, N, C, H, W, kh, kw, stride_h, stride_w, pad_h, pad_w, out_h, out_w,
//                   src_offset, src_strides[4]]
// unfold reads x [N, C, H, W] through its four strides; fold reads cols [N, C*kh*kw, L] through
// the first three.
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

// dst [N, C*kh*kw, out_h*out_w]
@compute @workgroup_size(256)
fn unfold2d(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= params[0]) {
        return;
    }
    let kh = params[5];
    let kw = params[6];
    let ow = params[12];
    let cols = params[11] * ow;
    let rows = params[2] * kh * kw;
    let l = i % cols;
    let r = (i / cols) % rows;
    let n = i / (cols * rows);
    let ch = r / (kh * kw);
    let ki = (r / kw) % kh;
    let kj = r % kw;
    let iy = i32((l / ow) * params[7] + ki) - i32(params[9]);
    let ix = i32((l % ow) * params[8] + kj) - i32(params[10]);
    if (iy < 0 || ix < 0 || u32(iy) >= params[3] || u32(ix) >= params[4]) {
        dst[i] = 0.0;
        return;
    }
    dst[i] = src[params[13] + n * params[14] + ch * params[15] + u32(iy) * params[16] + u32(ix) * params[17]];
}

// dst [N, C, H, W]: each pixel gathers the window positions that cover it, in (ki, kj) order
// (the CPU's summation order), so no atomics are needed.
@compute @workgroup_size(256)
fn fold2d(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = linear_id(gid, groups);
    if (i >= params[0]) {
        return;
    }
    let h = params[3];
    let w = params[4];
    let kh = params[5];
    let kw = params[6];
    let sh = i32(params[7]);
    let sw = i32(params[8]);
    let oh = i32(params[11]);
    let ow = i32(params[12]);
    let x = i32(i % w);
    let y = i32((i / w) % h);
    let ch = (i / (w * h)) % params[2];
    let n = i / (w * h * params[2]);
    let base = params[13] + n * params[14];
    var acc = 0.0;
    for (var ki = 0u; ki < kh; ki = ki + 1u) {
        let ty = y + i32(params[9]) - i32(ki);
        if (ty < 0 || ty % sh != 0 || ty / sh >= oh) {
            continue;
        }
        for (var kj = 0u; kj < kw; kj = kj + 1u) {
            let tx = x + i32(params[10]) - i32(kj);
            if (tx < 0 || tx % sw != 0 || tx / sw >= ow) {
                continue;
            }
            let r = (ch * kh + ki) * kw + kj;
            let l = u32((ty / sh) * ow + tx / sw);
            acc = acc + src[base + r * params[15] + l * params[16]];
        }
    }
    dst[i] = acc;
}
