//! LogisticRegression as scikit-learn 1.5 fits it with its "lbfgs", "newton-cg" and
//! "newton-cholesky" solvers. The objective, with sample weights s (class weights folded in) and
//! S = Σ s, is
//!
//!   (1/S)·Σ s_i·loss_i + ½·(1/(C·S))·||W||²      (intercepts not penalised)
//!
//! loss the binomial log-loss for two classes (one coefficient row) and the multinomial one
//! (a row per class) for more, except that "newton-cholesky" fits one binary model per class
//! (one-vs-rest), as scikit-learn does for that solver.
mod optim;

use crate::linalg::dot;
use crate::{check_features, check_xy, encode_labels, not_fitted, ClassWeight, Estimator, Kind, Matrix, MlError, Result, Value};

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct LogisticRegressionParams {
    /// "l2", or "none" / null for no penalty.
    pub penalty: Option<String>,
    /// Inverse regularisation strength.
    #[serde(rename = "C")]
    pub c: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: f64,
    /// "lbfgs", "newton-cg" or "newton-cholesky" (the two Newton solvers share one method here).
    pub solver: String,
    /// null, "balanced" or `{"label": weight}`.
    pub class_weight: Option<ClassWeight>,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams {
            penalty: Some("l2".into()),
            c: 1.0,
            fit_intercept: true,
            max_iter: 100,
            tol: 1e-4,
            solver: "lbfgs".into(),
            class_weight: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct LogisticRegression {
    pub params: LogisticRegressionParams,
    fitted: Option<Fitted>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scheme {
    Binary,
    Multinomial,
    OneVsRest,
}

#[derive(Debug, Clone)]
struct Fitted {
    classes: Vec<f64>,
    scheme: Scheme,
    /// One row per binary model or per class.
    coef: Matrix,
    intercept: Vec<f64>,
    n_iter: Vec<f64>,
}

/// The loss of one model: `k` coefficient rows (1 = binomial), each `width` = features (+1 for
/// the intercept, stored last) long.
struct Loss<'a> {
    x: &'a Matrix,
    /// Class index per sample (0/1 for binomial).
    y: &'a [usize],
    sw: &'a [f64],
    sw_sum: f64,
    l2: f64,
    k: usize,
    intercept: bool,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 { 1.0 / (1.0 + (-z).exp()) } else { z.exp() / (1.0 + z.exp()) }
}

impl Loss<'_> {
    fn width(&self) -> usize {
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

    fn loss_grad(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
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
    fn hessian(&self, theta: &[f64]) -> Vec<f64> {
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

impl LogisticRegression {
    pub fn new(params: LogisticRegressionParams) -> Self {
        LogisticRegression { params, fitted: None }
    }

    /// `fit` with per-sample weights (multiplied by the class weights, as scikit-learn does).
    pub fn fit_weighted(&mut self, x: &Matrix, y: &[f64], sample_weight: Option<&[f64]>) -> Result<()> {
        let name = self.name();
        check_xy(name, x, Some(y))?;
        let prm = &self.params;
        if !(prm.c.is_finite() && prm.c > 0.0) {
            return Err(MlError::new(name, format!("C must be a finite number > 0, got {}", prm.c)));
        }
        if !(prm.tol.is_finite() && prm.tol >= 0.0) {
            return Err(MlError::new(name, format!("tol must be a finite number >= 0, got {}", prm.tol)));
        }
        let penalised = match prm.penalty.as_deref() {
            Some("l2") => true,
            None | Some("none") => false,
            Some(other) => {
                return Err(MlError::new(name, format!("penalty {other:?} is not supported (use \"l2\" or null)")));
            }
        };
        let newton = match prm.solver.as_str() {
            "lbfgs" => false,
            "newton-cg" | "newton-cholesky" => true,
            other => {
                return Err(MlError::new(name, format!("solver {other:?} is not supported (use \"lbfgs\", \"newton-cg\" or \"newton-cholesky\")")));
            }
        };
        let mut sw = match sample_weight {
            None => vec![1.0; x.rows],
            Some(w) if w.len() != x.rows => {
                return Err(MlError::new(name, format!("X has {} rows but sampleWeight has {} values", x.rows, w.len())));
            }
            Some(w) if w.iter().any(|v| !(v.is_finite() && *v >= 0.0)) => {
                return Err(MlError::new(name, "sample weights must be finite and non-negative"));
            }
            Some(w) => w.to_vec(),
        };
        let (classes, idx) = encode_labels(y);
        if classes.len() < 2 {
            return Err(MlError::new(name, format!("needs at least 2 classes; y has only class {}", classes[0])));
        }
        let mut counts = vec![0usize; classes.len()];
        idx.iter().for_each(|&c| counts[c] += 1);
        let cw = prm.class_weight.clone().unwrap_or_default();
        let scheme = match (classes.len(), prm.solver.as_str()) {
            (2, _) => Scheme::Binary,
            (_, "newton-cholesky") => Scheme::OneVsRest,
            _ => Scheme::Multinomial,
        };
        // Explicit weights go by the original label; "balanced" in one-vs-rest is recomputed
        // for each binary problem (scikit-learn's _logistic_regression_path).
        if scheme != Scheme::OneVsRest || matches!(cw, ClassWeight::Map(_)) {
            let w = cw.weights(name, &classes, &counts)?;
            sw.iter_mut().zip(&idx).for_each(|(s, &c)| *s *= w[c]);
        }
        let (max_iter, tol) = (prm.max_iter, prm.tol);
        let solve = |y: &[usize], sw: &[f64], k: usize| -> Result<(Vec<f64>, usize)> {
            let sw_sum: f64 = sw.iter().sum();
            if !(sw_sum > 0.0) {
                return Err(MlError::new(name, "the sample weights sum to 0"));
            }
            let l2 = if penalised { 1.0 / (prm.c * sw_sum) } else { 0.0 };
            let loss = Loss { x, y, sw, sw_sum, l2, k, intercept: prm.fit_intercept };
            let x0 = vec![0.0; k * loss.width()];
            let mut f = |t: &[f64], g: &mut [f64]| loss.loss_grad(t, g);
            Ok(if newton {
                optim::newton(&mut f, &mut |t: &[f64]| loss.hessian(t), x0, max_iter, tol)
            } else {
                optim::lbfgs(&mut f, x0, max_iter, tol)
            })
        };
        let (p, q) = (x.cols, x.cols + prm.fit_intercept as usize);
        let mut rows: Vec<Vec<f64>> = vec![];
        let mut n_iter = vec![];
        match scheme {
            Scheme::Binary => {
                let (t, it) = solve(&idx, &sw, 1)?;
                rows.push(t);
                n_iter.push(it as f64);
            }
            Scheme::Multinomial => {
                let (t, it) = solve(&idx, &sw, classes.len())?;
                rows.extend(t.chunks(q).map(|c| c.to_vec()));
                n_iter.push(it as f64);
            }
            Scheme::OneVsRest => {
                for c in 0..classes.len() {
                    let yb: Vec<usize> = idx.iter().map(|&i| (i == c) as usize).collect();
                    let mut swb = sw.clone();
                    if let ClassWeight::Balanced(_) = cw {
                        let w = cw.weights(name, &[0.0, 1.0], &[x.rows - counts[c], counts[c]])?;
                        swb.iter_mut().zip(&yb).for_each(|(s, &b)| *s *= w[b]);
                    }
                    let (t, it) = solve(&yb, &swb, 1)?;
                    rows.push(t);
                    n_iter.push(it as f64);
                }
            }
        }
        let mut intercept: Vec<f64> = rows.iter().map(|r| if prm.fit_intercept { r[p] } else { 0.0 }).collect();
        if scheme == Scheme::Multinomial {
            // Only differences of intercepts matter; keep them summing to 0 against rounding drift.
            let m = intercept.iter().sum::<f64>() / intercept.len() as f64;
            intercept.iter_mut().for_each(|b| *b -= m);
        }
        let coef = Matrix::new(rows.iter().flat_map(|r| r[..p].to_vec()).collect(), rows.len(), p)?;
        self.fitted = Some(Fitted { classes, scheme, coef, intercept, n_iter });
        Ok(())
    }

    fn model(&self, x: &Matrix) -> Result<&Fitted> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.coef.cols)?;
        Ok(f)
    }

    /// Raw scores `x·coefᵀ + intercept`: one column for two classes, else one per class.
    pub fn decision_function(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.model(x)?;
        let k = f.coef.rows;
        let mut out = Matrix::zeros(x.rows, k);
        for i in 0..x.rows {
            for c in 0..k {
                out.set(i, c, dot(x.row(i), f.coef.row(c)) + f.intercept[c]);
            }
        }
        Ok(out)
    }
}

impl Estimator for LogisticRegression {
    fn name(&self) -> &'static str {
        "LogisticRegression"
    }
    fn kind(&self) -> Kind {
        Kind::Classifier
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let y = y.ok_or_else(|| MlError::new(self.name(), "fit needs y (the class labels)"))?;
        self.fit_weighted(x, y, None)
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let d = self.decision_function(x)?;
        let f = self.model(x)?;
        Ok((0..d.rows)
            .map(|i| {
                let r = d.row(i);
                if f.scheme == Scheme::Binary {
                    f.classes[(r[0] > 0.0) as usize]
                } else {
                    f.classes[(0..r.len()).fold(0, |b, c| if r[c] > r[b] { c } else { b })]
                }
            })
            .collect())
    }
    fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
        let d = self.decision_function(x)?;
        let f = self.model(x)?;
        let k = f.classes.len();
        let mut out = Matrix::zeros(x.rows, k);
        for i in 0..x.rows {
            let (r, o) = (d.row(i), &mut out.data[i * k..(i + 1) * k]);
            match f.scheme {
                Scheme::Binary => {
                    o[1] = sigmoid(r[0]);
                    o[0] = 1.0 - o[1];
                }
                Scheme::Multinomial => {
                    let m = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    o.iter_mut().zip(r).for_each(|(v, z)| *v = (z - m).exp());
                    let s: f64 = o.iter().sum();
                    o.iter_mut().for_each(|v| *v /= s);
                }
                Scheme::OneVsRest => {
                    // scikit-learn's _predict_proba_lr: each model's sigmoid, rows renormalised.
                    o.iter_mut().zip(r).for_each(|(v, &z)| *v = sigmoid(z));
                    let s: f64 = o.iter().sum();
                    o.iter_mut().for_each(|v| *v /= s);
                }
            }
        }
        Ok(out)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        vec![
            ("classes", Value::Vector(f.classes.clone())),
            ("coef", Value::Matrix(f.coef.clone())),
            ("intercept", Value::Vector(f.intercept.clone())),
            ("nIter", Value::Vector(f.n_iter.clone())),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_messages() {
        let x = Matrix::from_rows(&[vec![0.0], vec![1.0], vec![2.0]]).unwrap();
        let mut m = LogisticRegression::new(Default::default());
        assert_eq!(m.predict(&x).unwrap_err().to_string(), "LogisticRegression: is not fitted yet: call fit first");
        let e = m.fit(&x, Some(&[1.0, 1.0, 1.0])).unwrap_err().to_string();
        assert_eq!(e, "LogisticRegression: needs at least 2 classes; y has only class 1");
        assert!(m.fit(&x, Some(&[1.0, 0.0])).unwrap_err().to_string().contains("X has 3 rows but y has 2"));
        for (params, what) in [(r#"{"C": 0}"#, "C must be"), (r#"{"solver": "saga"}"#, "solver \"saga\""), (r#"{"penalty": "l1"}"#, "penalty \"l1\"")] {
            let mut m = LogisticRegression::new(serde_json::from_str(params).unwrap());
            assert!(m.fit(&x, Some(&[0.0, 1.0, 1.0])).unwrap_err().to_string().contains(what), "{params}");
        }
        assert!(serde_json::from_str::<LogisticRegressionParams>(r#"{"c": 1}"#).is_err());
        let ok: LogisticRegressionParams = serde_json::from_str(r#"{"penalty": null, "classWeight": "balanced", "fitIntercept": true}"#).unwrap();
        assert_eq!((ok.penalty, ok.class_weight.is_some()), (None, true));
    }

    #[test]
    fn weights_matter_and_probabilities_sum_to_one() {
        let x = Matrix::from_rows(&[vec![0.0], vec![1.0], vec![2.0], vec![3.0], vec![1.5]]).unwrap();
        let y = [0.0, 0.0, 1.0, 1.0, 0.0];
        let mut a = LogisticRegression::new(Default::default());
        a.fit(&x, Some(&y)).unwrap();
        let mut b = LogisticRegression::new(Default::default());
        b.fit_weighted(&x, &y, Some(&[1.0, 1.0, 1.0, 1.0, 5.0])).unwrap();
        let (pa, pb) = (a.predict_proba(&x).unwrap(), b.predict_proba(&x).unwrap());
        assert!(pb.get(4, 0) > pa.get(4, 0));
        assert!((pa.get(2, 0) + pa.get(2, 1) - 1.0).abs() < 1e-12);
    }
}
