//! LogisticRegression as scikit-learn 1.5 fits it with its "lbfgs", "newton-cg" and
//! "newton-cholesky" solvers. The objective, with sample weights s (class weights folded in) and
//! S = Σ s, is
//!
//!   (1/S)·Σ s_i·loss_i + ½·(1/(C·S))·||W||²      (intercepts not penalised)
//!
//! loss the binomial log-loss for two classes (one coefficient row) and the multinomial one
//! (a row per class) for more, except that "newton-cholesky" fits one binary model per class
//! (one-vs-rest), as scikit-learn does for that solver.
mod loss;
mod optim;

use crate::linalg::dot;
use loss::{sigmoid, Loss};
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
