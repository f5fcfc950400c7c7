//! The penalised log-loss of one logistic model, its gradient and Hessian (see the objective
//! in the parent module).
use crate::linalg::dot;
use crate::Matrix;

/// The loss of one model: `k` coefficient rows (1 = binomial), each `width` = features (+1 for
/// the intercept, stored last) long.
pub struct Loss<'a> {
    pub x: &'a Matrix,
    /// Class index per sample (0/1 for binomial).
    pub y: &'a [usize],
    pub sw: &'a [f64],
    pub sw_sum: f64,
    pub l2: f64,
    pub k: usize,
    pub intercept: bool,
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 { 1.0 / (1.0 + (-z).exp()) } else { z.exp() / (1.0 + z.exp()) }
}

impl Loss<'_> {
    pub fn width(&self) -> usize {
        self.x.cols + self.intercept as usize
    }

    /// Raw scores of sample i into `z`, then: binomial → [sigmoid], multinomial → softmax.
    /// Returns the sample's loss.
    fn probs(&self, theta: &[f64], i: usize, z: &mut [f64]) -> f64 {
        let (p, q) = (self.x.cols, self.width());
        let row = self.x.row(i);
        for (c, zc) in z.iter_mut().enumerate() {
            let w = &theta[c * q..c * q + q];
            *zc = dot(&w[..p], row) + if self.intercept { w[p] } else { 0.0 };
        }
        if self.k == 1 {
            let t = z[0];
            z[0] = sigmoid(t);
            t.max(0.0) + (-t.abs()).exp().ln_1p() - if self.y[i] == 1 { t } else { 0.0 }
        } else {
            let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = m + z.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
            let own = z[self.y[i]];
            z.iter_mut().for_each(|v| *v = (*v - lse).exp());
            lse - own
        }
    }

    pub fn loss_grad(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (p, q) = (self.x.cols, self.width());
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut z = vec![0.0; self.k];
        let mut total = 0.0;
        for i in 0..self.x.rows {
            let s = self.sw[i];
            if s == 0.0 {
                continue;
            }
            total += s * self.probs(theta, i, &mut z);
            for c in 0..self.k {
                let target = if self.k == 1 { self.y[i] == 1 } else { self.y[i] == c };
                let r = s * (z[c] - target as u8 as f64);
                let g = &mut grad[c * q..c * q + q];
                g[..p].iter_mut().zip(self.x.row(i)).for_each(|(gj, xj)| *gj += r * xj);
                if self.intercept {
                    g[p] += r;
                }
            }
        }
        total /= self.sw_sum;
        grad.iter_mut().for_each(|g| *g /= self.sw_sum);
        for c in 0..self.k {
            for j in 0..p {
                let w = theta[c * q + j];
                total += 0.5 * self.l2 * w * w;
                grad[c * q + j] += self.l2 * w;
            }
        }
        total
    }

    /// The full Hessian, blocks (a, b) = Σ s_i·(p_a·δ_ab − p_a·p_b)·x̃ x̃ᵀ / S (+ l2 on weights).
    pub fn hessian(&self, theta: &[f64]) -> Vec<f64> {
        let (p, q, k) = (self.x.cols, self.width(), self.k);
        let n = k * q;
        let mut h = vec![0.0; n * n];
        let mut z = vec![0.0; k];
        let mut xt = vec![1.0; q];
        for i in 0..self.x.rows {
            if self.sw[i] == 0.0 {
                continue;
            }
            self.probs(theta, i, &mut z);
            xt[..p].copy_from_slice(self.x.row(i));
            for a in 0..k {
                for b in a..k {
                    let pa = z[a];
                    let curv = if k == 1 { pa * (1.0 - pa) } else { pa * ((a == b) as u8 as f64 - z[b]) };
                    let f = self.sw[i] * curv / self.sw_sum;
                    if f == 0.0 {
                        continue;
                    }
                    for r in 0..q {
                        let fr = f * xt[r];
                        let hrow = &mut h[(a * q + r) * n + b * q..(a * q + r) * n + b * q + q];
                        hrow.iter_mut().zip(&xt).for_each(|(hv, xv)| *hv += fr * xv);
                    }
                }
            }
        }
        for r in 0..n {
            for c in 0..r {
                h[r * n + c] = h[c * n + r];
            }
        }
        for c in 0..k {
            for j in 0..p {
                h[(c * q + j) * n + c * q + j] += self.l2;
            }
        }
        if k > 1 {
            // Shifting a column of W (or the intercepts) equally over all classes leaves the
            // softmax unchanged, so the Hessian is singular along it when that column is not
            // penalised. The gradient is orthogonal to those directions, so adding them to H
            // changes nothing else and lets Cholesky through.
            let scale = (0..n).map(|r| h[r * n + r]).fold(0.0, f64::max).max(1e-12);
            let free = if self.l2 == 0.0 { 0..q } else { p..q };
            for j in free {
                for a in 0..k {
                    for b in 0..k {
                        h[(a * q + j) * n + b * q + j] += scale / k as f64;
                    }
                }
            }
        }
        h
    }
}
