//! Dense f64 linear algebra for the linear models and PCA: Gram matrices, Cholesky, symmetric
//! eigendecomposition (cyclic Jacobi), thin SVD (Householder QR, then one-sided Jacobi on the
//! small triangular factor) and a rank-revealing least-squares solve built on it.
//!
//! Matrices that are not [`Matrix`] are plain `Vec<f64>`; the layout is said at each function.
//! Square ones are row-major, which for the symmetric ones is also column-major.
use crate::Matrix;

/// `a · b` with four independent partial sums, which the compiler can keep in SIMD lanes (a
/// single running sum cannot be vectorised without reordering it).
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (a4.remainder(), b4.remainder());
    for (x, y) in a4.zip(b4) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `x · w` (one value per row).
pub fn mat_vec(x: &Matrix, w: &[f64]) -> Vec<f64> {
    (0..x.rows).map(|i| dot(x.row(i), w)).collect()
}

/// `xᵀ · v` (one value per column), reading `x` in memory order.
pub fn xt_vec(x: &Matrix, v: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.cols];
    for (i, &vi) in v.iter().enumerate().take(x.rows) {
        if vi != 0.0 {
            for (o, &xij) in out.iter_mut().zip(x.row(i)) {
                *o += vi * xij;
            }
        }
    }
    out
}

/// `xᵀ · diag(w) · x` (cols × cols). One pass over the rows with a rank-one update of the upper
/// triangle, so a tall `x` (100k × 20) streams through the cache once.
pub fn gram(x: &Matrix, w: Option<&[f64]>) -> Vec<f64> {
    let p = x.cols;
    let mut g = vec![0.0; p * p];
    for i in 0..x.rows {
        let r = x.row(i);
        let wi = w.map_or(1.0, |w| w[i]);
        for a in 0..p {
            let v = wi * r[a];
            if v != 0.0 {
                for (gb, &rb) in g[a * p + a..a * p + p].iter_mut().zip(&r[a..]) {
                    *gb += v * rb;
                }
            }
        }
    }
    for a in 0..p {
        for b in 0..a {
            g[a * p + b] = g[b * p + a];
        }
    }
    g
}

/// Column means (weighted when `w` is given; the weights need not sum to 1).
pub fn column_means(x: &Matrix, w: Option<&[f64]>) -> Vec<f64> {
    let mut m = vec![0.0; x.cols];
    let mut total = 0.0;
    for i in 0..x.rows {
        let wi = w.map_or(1.0, |w| w[i]);
        total += wi;
        for (mj, &v) in m.iter_mut().zip(x.row(i)) {
            *mj += wi * v;
        }
    }
    if total > 0.0 {
        m.iter_mut().for_each(|v| *v /= total);
    }
    m
}

/// `x` with `means` subtracted from each row.
pub fn center(x: &Matrix, means: &[f64]) -> Matrix {
    let mut c = x.clone();
    for i in 0..c.rows {
        for (v, m) in c.row_mut(i).iter_mut().zip(means) {
            *v -= m;
        }
    }
    c
}

pub fn transpose(x: &Matrix) -> Matrix {
    let mut t = Matrix::zeros(x.cols, x.rows);
    for i in 0..x.rows {
        for j in 0..x.cols {
            t.data[j * x.rows + i] = x.data[i * x.cols + j];
        }
    }
    t
}

/// Lower Cholesky factor of the symmetric n × n `a`, or `None` when `a` is not (numerically)
/// positive definite.
pub fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    let scale = (0..n).map(|i| a[i * n + i].abs()).fold(0.0, f64::max);
    for j in 0..n {
        let d = a[j * n + j] - dot(&l[j * n..j * n + j], &l[j * n..j * n + j]);
        // A pivot at rounding level means a singular matrix: the solve would be noise.
        if !(d > scale * 1e-13) {
            return None;
        }
        let d = d.sqrt();
        l[j * n + j] = d;
        for i in j + 1..n {
            l[i * n + j] = (a[i * n + j] - dot(&l[i * n..i * n + j], &l[j * n..j * n + j])) / d;
        }
    }
    Some(l)
}

/// Solves `L Lᵀ x = b` given the factor from [`cholesky`].
pub fn cholesky_solve(l: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let mut z = b.to_vec();
    for i in 0..n {
        z[i] = (z[i] - dot(&l[i * n..i * n + i], &z[..i])) / l[i * n + i];
    }
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * z[k]).sum();
        z[i] = (z[i] - s) / l[i * n + i];
    }
    z
}

/// Solves the symmetric positive semi-definite system `a x = b`: Cholesky when it is definite,
/// otherwise the minimum-norm solution through the eigendecomposition.
pub fn solve_psd(a: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    if let Some(l) = cholesky(a, n) {
        return cholesky_solve(&l, n, b);
    }
    let (vals, vecs) = sym_eigen(a, n);
    let cut = vals.first().map_or(0.0, |v| v.abs()) * n as f64 * 1e-13;
    let mut x = vec![0.0; n];
    for k in 0..n {
        if vals[k] > cut {
            let c = (0..n).map(|i| vecs[i * n + k] * b[i]).sum::<f64>() / vals[k];
            for i in 0..n {
                x[i] += c * vecs[i * n + k];
            }
        }
    }
    x
}

/// Eigenvalues (descending) and eigenvectors of the symmetric n × n `a` by cyclic Jacobi
/// rotations; vector k is column k of the returned row-major n × n matrix.
pub fn sym_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; n * n];
    (0..n).for_each(|i| v[i * n + i] = 1.0);
    let frob: f64 = a.iter().map(|x| x * x).sum();
    for _sweep in 0..100 {
        let off: f64 = (0..n).flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j))).map(|(i, j)| a[i * n + j].powi(2)).sum();
        if off <= frob * 1e-32 || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                // The rotation that zeroes a[p][q] (tan θ = t, the smaller root).
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let vals = order.iter().map(|&k| a[k * n + k]).collect();
    let mut vecs = vec![0.0; n * n];
    for (new, &old) in order.iter().enumerate() {
        for i in 0..n {
            vecs[i * n + new] = v[i * n + old];
        }
    }
    (vals, vecs)
}

/// Thin SVD `x = u · diag(s) · vt`, singular values descending; with k = min(rows, cols), `u` is
/// rows × k and `vt` is k × cols.
#[derive(Debug, Clone)]
pub struct Svd {
    pub u: Matrix,
    pub s: Vec<f64>,
    pub vt: Matrix,
}

pub fn svd(x: &Matrix) -> Svd {
    if x.rows >= x.cols {
        let (u, s, v) = svd_tall(&transpose(x).data, x.rows, x.cols);
        // u, v come column-major: u's columns are the left vectors, so transposing the
        // column-major m × n buffer read as row-major n × m gives vt directly.
        Svd { u: transpose(&Matrix { rows: x.cols, cols: x.rows, data: u }), s, vt: Matrix { rows: x.cols, cols: x.cols, data: v } }
    } else {
        // x = (xᵀ)ᵀ: the left and right vectors swap.
        let (u, s, v) = svd_tall(&x.data, x.cols, x.rows);
        Svd { u: transpose(&Matrix { rows: x.rows, cols: x.rows, data: v }), s, vt: Matrix { rows: x.rows, cols: x.cols, data: u } }
    }
}

/// SVD of the column-major m × n `a` (m ≥ n). Returns u (column-major m × n), s, and v as
/// column-major n × n (so read row-major it is vᵀ).
fn svd_tall(a: &[f64], m: usize, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    // QR first: the Jacobi sweeps then run on n × n instead of m × n, and R has the same
    // singular values and right vectors as a.
    let mut qr = a.to_vec();
    let mut rdiag = vec![0.0; n];
    for k in 0..n {
        let col = &mut qr[k * m + k..k * m + m];
        let norm = dot(col, col).sqrt();
        if norm == 0.0 {
            continue;
        }
        let alpha = if col[0] > 0.0 { -norm } else { norm };
        col[0] -= alpha;
        rdiag[k] = alpha;
        let vnorm2 = dot(col, col);
        let (left, right) = qr.split_at_mut((k + 1) * m);
        let v = &left[k * m + k..];
        for j in 0..n - k - 1 {
            let cj = &mut right[j * m + k..j * m + m];
            let f = 2.0 * dot(v, cj) / vnorm2;
            cj.iter_mut().zip(v).for_each(|(c, vi)| *c -= f * vi);
        }
    }
    let mut r = vec![0.0; n * n];
    for j in 0..n {
        for i in 0..j {
            r[j * n + i] = qr[j * m + i];
        }
        r[j * n + j] = rdiag[j];
    }
    let (ur, s, v) = jacobi_svd(r, n, n);
    // u = Q · [ur; 0]: apply the reflectors in reverse order to each column.
    let mut u = vec![0.0; m * n];
    for j in 0..n {
        u[j * m..j * m + n].copy_from_slice(&ur[j * n..j * n + n]);
        for k in (0..n).rev() {
            if rdiag[k] == 0.0 {
                continue;
            }
            let v = &qr[k * m + k..k * m + m];
            let vnorm2 = dot(v, v);
            let cj = &mut u[j * m + k..j * m + m];
            let f = 2.0 * dot(v, cj) / vnorm2;
            cj.iter_mut().zip(v).for_each(|(c, vi)| *c -= f * vi);
        }
    }
    (u, s, v)
}

/// One-sided (Hestenes) Jacobi on the column-major m × n `a`: rotate column pairs until all are
/// orthogonal; then the column norms are the singular values.
fn jacobi_svd(mut a: Vec<f64>, m: usize, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0; n * n];
    (0..n).for_each(|i| v[i * n + i] = 1.0);
    for _sweep in 0..80 {
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let (cp, cq) = (&a[p * m..p * m + m], &a[q * m..q * m + m]);
                let (alpha, beta, gamma) = (dot(cp, cp), dot(cq, cq), dot(cp, cq));
                if gamma == 0.0 || gamma.abs() <= f64::EPSILON * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let theta = (beta - alpha) / (2.0 * gamma);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                rotate_cols(&mut a, m, p, q, c, s);
                rotate_cols(&mut v, n, p, q, c, s);
            }
        }
        if !rotated {
            break;
        }
    }
    let norms: Vec<f64> = (0..n).map(|j| dot(&a[j * m..j * m + m], &a[j * m..j * m + m]).sqrt()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| norms[j].total_cmp(&norms[i]));
    let (mut u, mut vs, mut s) = (vec![0.0; m * n], vec![0.0; n * n], vec![0.0; n]);
    for (new, &old) in order.iter().enumerate() {
        s[new] = norms[old];
        if norms[old] > 0.0 {
            for i in 0..m {
                u[new * m + i] = a[old * m + i] / norms[old];
            }
        }
        vs[new * n..new * n + n].copy_from_slice(&v[old * n..old * n + n]);
    }
    (u, s, vs)
}

fn rotate_cols(a: &mut [f64], m: usize, p: usize, q: usize, c: f64, s: f64) {
    let (left, right) = a.split_at_mut(q * m);
    for (x, y) in left[p * m..p * m + m].iter_mut().zip(&mut right[..m]) {
        let (xp, xq) = (*x, *y);
        *x = c * xp - s * xq;
        *y = s * xp + c * xq;
    }
}

/// Minimum-norm least squares `min ||x w - y||` (scipy's `lstsq`): singular values below
/// `max(rows, cols) · ε · s_max` count as zero. Also returns the rank and the singular values.
pub fn lstsq(x: &Matrix, y: &[f64]) -> (Vec<f64>, usize, Vec<f64>) {
    let d = svd(x);
    let k = d.s.len();
    let cut = d.s.first().copied().unwrap_or(0.0) * x.rows.max(x.cols) as f64 * f64::EPSILON;
    let mut w = vec![0.0; x.cols];
    let mut rank = 0;
    // uᵀ y, accumulated row by row so u is read in memory order.
    let mut uty = vec![0.0; k];
    for (i, &yi) in y.iter().enumerate() {
        for (acc, &uij) in uty.iter_mut().zip(d.u.row(i)) {
            *acc += uij * yi;
        }
    }
    for j in 0..k {
        if d.s[j] > cut {
            rank += 1;
            let c = uty[j] / d.s[j];
            w.iter_mut().zip(d.vt.row(j)).for_each(|(wi, &v)| *wi += c * v);
        }
    }
    (w, rank, d.s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reconstruct(d: &Svd) -> Matrix {
        let mut out = Matrix::zeros(d.u.rows, d.vt.cols);
        for i in 0..d.u.rows {
            for j in 0..d.vt.cols {
                out.data[i * d.vt.cols + j] = (0..d.s.len()).map(|k| d.u.get(i, k) * d.s[k] * d.vt.get(k, j)).sum();
            }
        }
        out
    }

    #[test]
    fn svd_reconstructs_tall_and_wide() {
        let x = Matrix::new((0..15).map(|i| ((i * 7 % 11) as f64).sin() + i as f64 * 0.1).collect(), 5, 3).unwrap();
        for m in [x.clone(), transpose(&x)] {
            let d = svd(&m);
            assert!(d.s.windows(2).all(|w| w[0] >= w[1]));
            let r = reconstruct(&d);
            for (a, b) in r.data.iter().zip(&m.data) {
                assert!((a - b).abs() < 1e-12, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn eigen_and_cholesky_agree() {
        let a = vec![4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let (vals, vecs) = sym_eigen(&a, 3);
        for k in 0..3 {
            for i in 0..3 {
                let av: f64 = (0..3).map(|j| a[i * 3 + j] * vecs[j * 3 + k]).sum();
                assert!((av - vals[k] * vecs[i * 3 + k]).abs() < 1e-12);
            }
        }
        let b = [1.0, 2.0, 3.0];
        let x = cholesky_solve(&cholesky(&a, 3).unwrap(), 3, &b);
        let y = solve_psd(&a, 3, &b);
        for i in 0..3 {
            assert!((dot(&a[i * 3..i * 3 + 3], &x) - b[i]).abs() < 1e-12 && (x[i] - y[i]).abs() < 1e-12);
        }
    }

    #[test]
    fn lstsq_is_minimum_norm_when_rank_deficient() {
        // Two identical columns: the weight splits evenly between them.
        let x = Matrix::from_rows(&[vec![1.0, 1.0], vec![2.0, 2.0], vec![3.0, 3.0]]).unwrap();
        let (w, rank, _) = lstsq(&x, &[2.0, 4.0, 6.0]);
        assert_eq!(rank, 1);
        assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 1.0).abs() < 1e-12, "{w:?}");
    }
}
