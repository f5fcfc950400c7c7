// Batched matmul C[b] = A[b] · B[b], A [M, K] and B [K, N] strided (batch strides may be 0).
// Each 8×8 workgroup computes a 32×32 tile of C, each thread a 4×4 block of it, stepping through
// K 32 at a time with both input tiles staged in workgroup memory.
// Parameter block (in elements):
//   [M, K, N, a_offset, b_offset, a_batch_stride, b_batch_stride, first_batch,
//    a_row_stride, a_col_stride, b_row_stride, b_col_stride]
// The VEC4 variant reads inputs as vec4: it needs column stride 1 and K, N, offsets and the other
// strides multiples of 4. The scalar variant takes any layout (a transposed weight included).
//#if VEC4
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
//#else
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
//#endif
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TILE: u32 = 32u;

// Both tiles are stored as the inputs are laid out, four columns per vec4:
// a_tile[r * 8 + j] holds A[row0 + r][k0 + 4j .. 4j+3], b_tile[r * 8 + j] holds
// B[k0 + r][col0 + 4j .. 4j+3]. Staging is then one vec4 store per load, with no scatter.
var<workgroup> a_tile: array<vec4<f32>, 256>;
var<workgroup> b_tile: array<vec4<f32>, 256>;

// Four consecutive values of row `row`, from column `col`; zero outside the matrix.
fn load_a4(batch: u32, row: u32, col: u32) -> vec4<f32> {
    let k = params[1];
    if (row >= params[0] || col >= k) {
        return vec4<f32>(0.0);
    }
    let at = params[3] + batch * params[5] + row * params[8] + col * params[9];
//#if VEC4
    return a[at / 4u];
//#else
    var v = vec4<f32>(0.0);
    for (var j = 0u; j < 4u; j = j + 1u) {
        if (col + j < k) {
            v[j] = a[at + j * params[9]];
        }
    }
    return v;
//#endif
}

fn load_b4(batch: u32, row: u32, col: u32) -> vec4<f32> {
    let n = params[2];
    if (row >= params[1] || col >= n) {
        return vec4<f32>(0.0);
    }
    let at = params[4] + batch * params[6] + row * params[10] + col * params[11];
//#if VEC4
    return b[at / 4u];
//#else
    var v = vec4<f32>(0.0);
    for (var j = 0u; j < 4u; j = j + 1u) {
        if (col + j < n) {
            v[j] = b[at + j * params[11]];
        }
    }
    return v;
//#endif
}

fn store4(batch: u32, row: u32, col: u32, v: vec4<f32>) {
    let m = params[0];
    let n = params[2];
    if (row >= m) {
        return;
    }
    let at = (batch * m + row) * n;
    for (var j = 0u; j < 4u; j = j + 1u) {
        if (col + j < n) {
            c[at + col + j] = v[j];
        }
    }
}

@compute @workgroup_size(8, 8)
fn matmul_tiled_32x32(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let batch = wid.z + params[7];
    let row0 = wid.y * TILE;
    let col0 = wid.x * TILE;
    let thread = lid.y * 8u + lid.x;
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    for (var k0 = 0u; k0 < params[1]; k0 = k0 + TILE) {
        // 64 threads stage 256 vec4s of each input: four apiece.
        for (var i = 0u; i < 4u; i = i + 1u) {
            let slot = thread + i * 64u;
            let r = slot / 8u;
            let c4 = slot % 8u;
            a_tile[slot] = load_a4(batch, row0 + r, k0 + c4 * 4u);
            b_tile[slot] = load_b4(batch, k0 + r, col0 + c4 * 4u);
        }
        workgroupBarrier();
        // Four k at a time: the thread's 4×4 block of A against 4 rows of its 4 columns of B.
        // Accumulated one k after another, the CPU's summation order.
        for (var k4 = 0u; k4 < 8u; k4 = k4 + 1u) {
            let b0 = b_tile[(k4 * 4u) * 8u + lid.x];
            let b1 = b_tile[(k4 * 4u + 1u) * 8u + lid.x];
            let b2 = b_tile[(k4 * 4u + 2u) * 8u + lid.x];
            let b3 = b_tile[(k4 * 4u + 3u) * 8u + lid.x];
            let a0 = a_tile[(lid.y * 4u) * 8u + k4];
            let a1 = a_tile[(lid.y * 4u + 1u) * 8u + k4];
            let a2 = a_tile[(lid.y * 4u + 2u) * 8u + k4];
            let a3 = a_tile[(lid.y * 4u + 3u) * 8u + k4];
            acc0 = acc0 + a0.x * b0;
            acc0 = acc0 + a0.y * b1;
            acc0 = acc0 + a0.z * b2;
            acc0 = acc0 + a0.w * b3;
            acc1 = acc1 + a1.x * b0;
            acc1 = acc1 + a1.y * b1;
            acc1 = acc1 + a1.z * b2;
            acc1 = acc1 + a1.w * b3;
            acc2 = acc2 + a2.x * b0;
            acc2 = acc2 + a2.y * b1;
            acc2 = acc2 + a2.z * b2;
            acc2 = acc2 + a2.w * b3;
            acc3 = acc3 + a3.x * b0;
            acc3 = acc3 + a3.y * b1;
            acc3 = acc3 + a3.z * b2;
            acc3 = acc3 + a3.w * b3;
        }
        workgroupBarrier();
    }
    let row = row0 + lid.y * 4u;
    let col = col0 + lid.x * 4u;
    store4(batch, row, col, acc0);
    store4(batch, row + 1u, col, acc1);
    store4(batch, row + 2u, col, acc2);
    store4(batch, row + 3u, col, acc3);
}
