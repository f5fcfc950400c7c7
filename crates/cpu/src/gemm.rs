//! Packed, cache-blocked matrix multiply (the BLIS loop order).
//!
//! C[M×N] = A[M×K] · B[K×N]. B is packed one K-block × N-block at a time into column panels of
//! `NR` (k-major, so a micro-kernel reads NR consecutive floats per step), A into row panels of
//! `MR` (k-major too, one float per row per step). A micro-kernel then keeps an MR×NR tile of C in
//! registers for a whole K-block. One micro-panel stays in L1 while the kernel walks the other
//! operand's block in L2 (see `MicroKernel::A_STAYS`). Panels are zero-padded to whole tiles, so the kernels never branch on
//! edges; edge tiles of C go through a small scratch tile instead.
//!
//! Each C element is still accumulated in increasing k order, one product at a time, so without
//! FMA the result is bit-identical to `reference::matmul`.
use crate::kernels::MatView;

/// Largest MR×NR of any micro-kernel (sizes the scratch tile for edges).
const MAX_TILE: usize = 128;

/// A register-tiled micro-kernel: `C[MR×NR] += Ap · Bp` over `kc` steps, plus the cache blocking
/// that suits it.
pub trait MicroKernel {
    const MR: usize;
    const NR: usize;
    /// Depth of a K-block.
    const KC: usize = 256;
    /// Rows of A packed per block (rounded down to a multiple of MR).
    const MC: usize = 96;
    /// Columns of B packed per block (rounded down to a multiple of NR).
    const NC: usize = 1024;
    /// Which micro-panel stays in L1 while the other streams from L2: the one a step reads more
    /// of. False (BLIS order): the B panel (KC×NR) stays, the kernel walks the A block (MC×KC,
    /// sized for L2). True: the A panel (KC×MR) stays, the kernel walks the B block (KC×NC, sized
    /// for L2).
    const A_STAYS: bool = false;
    /// # Safety
    /// `a` holds `kc * MR` floats, `b` holds `kc * NR` floats, and `c` points at an MR×NR tile
    /// whose rows are `ldc` floats apart, all valid for reads (and writes, for `c`).
    unsafe fn run(kc: usize, a: *const f32, b: *const f32, c: *mut f32, ldc: usize);
}

/// `c` (row-major M×N) = a · b, using micro-kernel `K`.
pub fn gemm<K: MicroKernel>(a: &MatView, b: &MatView, c: &mut [f32], m: usize, k: usize, n: usize) {
    assert!(c.len() >= m * n, "gemm: output holds {} floats, needs {}×{}", c.len(), m, n);
    assert!(K::MR * K::NR <= MAX_TILE);
    c[..m * n].fill(0.0);
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    let mc = (K::MC / K::MR).max(1) * K::MR;
    let nc = (K::NC / K::NR).max(1) * K::NR;
    let kc_max = K::KC.min(k);
    let mut bp = vec![0.0f32; kc_max * round_up(nc.min(n), K::NR)];
    let mut ap = vec![0.0f32; kc_max * round_up(mc.min(m), K::MR)];
    for jc in (0..n).step_by(nc) {
        let nb = nc.min(n - jc);
        for pc in (0..k).step_by(K::KC) {
            let kb = K::KC.min(k - pc);
            pack_b::<K>(b, pc, kb, jc, nb, &mut bp);
            for ic in (0..m).step_by(mc) {
                let mb = mc.min(m - ic);
                pack_a::<K>(a, ic, mb, pc, kb, &mut ap);
                let tile = |ir: usize, jr: usize, c: &mut [f32]| {
                    let (mr, nr) = (K::MR.min(mb - ir), K::NR.min(nb - jr));
                    let a_panel = &ap[ir * kb..][..kb * K::MR];
                    let b_panel = &bp[jr * kb..][..kb * K::NR];
                    let at = (ic + ir) * n + jc + jr;
                    if mr == K::MR && nr == K::NR {
                        // SAFETY: the panels have kb×MR / kb×NR floats and the whole MR×NR
                        // tile lies inside c (rows ic+ir.., columns jc+jr.. are all < m, n).
                        unsafe { K::run(kb, a_panel.as_ptr(), b_panel.as_ptr(), c.as_mut_ptr().add(at), n) };
                    } else {
                        edge_tile::<K>(kb, a_panel, b_panel, &mut c[at..], n, mr, nr);
                    }
                };
                if K::A_STAYS {
                    for ir in (0..mb).step_by(K::MR) {
                        for jr in (0..nb).step_by(K::NR) {
                            tile(ir, jr, c);
                        }
                    }
                } else {
                    for jr in (0..nb).step_by(K::NR) {
                        for ir in (0..mb).step_by(K::MR) {
                            tile(ir, jr, c);
                        }
                    }
                }
            }
        }
    }
}

/// A partial tile: run the kernel on a scratch MR×NR tile and copy the valid mr×nr corner back.
fn edge_tile<K: MicroKernel>(kb: usize, a: &[f32], b: &[f32], c: &mut [f32], ldc: usize, mr: usize, nr: usize) {
    let mut tile = [0.0f32; MAX_TILE];
    for r in 0..mr {
        tile[r * K::NR..][..nr].copy_from_slice(&c[r * ldc..][..nr]);
    }
    // SAFETY: the scratch tile is MR×NR with row stride NR; the panels are full size.
    unsafe { K::run(kb, a.as_ptr(), b.as_ptr(), tile.as_mut_ptr(), K::NR) };
    for r in 0..mr {
        c[r * ldc..][..nr].copy_from_slice(&tile[r * K::NR..][..nr]);
    }
}

fn round_up(x: usize, m: usize) -> usize {
    x.div_ceil(m) * m
}

/// Pack rows `row0..row0+rows`, columns `col0..col0+cols` of `a` into row panels of MR:
/// panel `i` starts at `i*MR*cols` and holds `[p*MR + r] = a[row0 + i*MR + r, col0 + p]`.
/// Generic over the kernel so that MR is a constant: the inner loop writes MR consecutive floats.
fn pack_a<K: MicroKernel>(a: &MatView, row0: usize, rows: usize, col0: usize, cols: usize, out: &mut [f32]) {
    let mr = K::MR;
    for i0 in (0..rows).step_by(mr) {
        let dst = &mut out[i0 * cols..][..cols * mr];
        let valid = mr.min(rows - i0);
        let base = a.offset + (row0 + i0) * a.row_stride + col0 * a.col_stride;
        if valid == mr {
            for (p, d) in dst.chunks_exact_mut(mr).enumerate() {
                let at = base + p * a.col_stride;
                for (r, v) in d.iter_mut().enumerate() {
                    *v = a.data[at + r * a.row_stride];
                }
            }
        } else {
            for (p, d) in dst.chunks_exact_mut(mr).enumerate() {
                let at = base + p * a.col_stride;
                for (r, v) in d.iter_mut().enumerate() {
                    *v = if r < valid { a.data[at + r * a.row_stride] } else { 0.0 };
                }
            }
        }
    }
}

/// Pack rows `row0..row0+rows`, columns `col0..col0+cols` of `b` into column panels of NR:
/// panel `j` starts at `j*NR*rows` and holds `[p*NR + c] = b[row0 + p, col0 + j*NR + c]`.
/// Generic over the kernel so that a full row of a panel is a fixed-size copy (a call to
/// `memory.copy` per 8 floats cost several percent of a 1024² matmul in V8).
fn pack_b<K: MicroKernel>(b: &MatView, row0: usize, rows: usize, col0: usize, cols: usize, out: &mut [f32]) {
    let nr = K::NR;
    for j0 in (0..cols).step_by(nr) {
        let dst = &mut out[j0 * rows..][..rows * nr];
        let valid = nr.min(cols - j0);
        for (p, row) in dst.chunks_exact_mut(nr).enumerate() {
            let base = b.offset + (row0 + p) * b.row_stride + (col0 + j0) * b.col_stride;
            if b.col_stride == 1 && valid == nr {
                row.copy_from_slice(&b.data[base..base + nr]);
            } else {
                for (c, v) in row.iter_mut().enumerate() {
                    *v = if c < valid { b.data[base + c * b.col_stride] } else { 0.0 };
                }
            }
        }
    }
}

/// The portable micro-kernel: fixed-size arrays that LLVM keeps in vector registers once the
/// loops over `MR` and `NR` are unrolled. `FMA` selects `mul_add` (only worth it where the
/// caller is compiled with an FMA target feature; otherwise it is a libm call).
///
/// # Safety
/// As `MicroKernel::run`.
#[inline(always)]
pub unsafe fn tile_portable<const MR: usize, const NR: usize, const FMA: bool>(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
) {
    let a = std::slice::from_raw_parts(a, kc * MR);
    let b = std::slice::from_raw_parts(b, kc * NR);
    let mut acc = [[0.0f32; NR]; MR];
    for (r, row) in acc.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = *c.add(r * ldc + j);
        }
    }
    for (ak, bk) in a.chunks_exact(MR).zip(b.chunks_exact(NR)) {
        let bk: &[f32; NR] = bk.try_into().unwrap();
        for (row, &av) in acc.iter_mut().zip(ak) {
            for (v, &bv) in row.iter_mut().zip(bk) {
                *v = if FMA { av.mul_add(bv, *v) } else { *v + av * bv };
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            *c.add(r * ldc + j) = v;
        }
    }
}

/// 4×8 with separate multiply and add: fits the 16 registers of baseline x86_64 (SSE2).
pub struct Portable4x8;

impl MicroKernel for Portable4x8 {
    const MR: usize = 4;
    const NR: usize = 8;
    unsafe fn run(kc: usize, a: *const f32, b: *const f32, c: *mut f32, ldc: usize) {
        tile_portable::<4, 8, false>(kc, a, b, c, ldc)
    }
}

/// 8×4, walking B with the A panel kept in L1 (`A_STAYS`): slower than 4×8 natively, listed so
/// that the tests cover that loop order on every machine.
pub struct Portable8x4;

impl MicroKernel for Portable8x4 {
    const MR: usize = 8;
    const NR: usize = 4;
    const A_STAYS: bool = true;
    const NC: usize = 512;
    unsafe fn run(kc: usize, a: *const f32, b: *const f32, c: *mut f32, ldc: usize) {
        tile_portable::<8, 4, false>(kc, a, b, c, ldc)
    }
}

/// 6×16 with FMA on AVX2: 12 ymm accumulators + 2 for B + 1 broadcast of A.
#[cfg(target_arch = "x86_64")]
pub struct Avx2Fma6x16;

#[cfg(target_arch = "x86_64")]
impl MicroKernel for Avx2Fma6x16 {
    const MR: usize = 6;
    const NR: usize = 16;
    unsafe fn run(kc: usize, a: *const f32, b: *const f32, c: *mut f32, ldc: usize) {
        avx2_fma_6x16(kc, a, b, c, ldc)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2_fma_6x16(kc: usize, a: *const f32, b: *const f32, c: *mut f32, ldc: usize) {
    tile_portable::<6, 16, true>(kc, a, b, c, ldc)
}

/// True when this CPU can run `Avx2Fma6x16` (checked once; the answer is cached by std).
#[cfg(target_arch = "x86_64")]
pub fn has_avx2_fma() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}
