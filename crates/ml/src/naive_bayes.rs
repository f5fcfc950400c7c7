//! GaussianNB: one normal distribution per class and feature, features independent given the
//! class. Probabilities go through log-sum-exp so far-away samples do not underflow to 0/0.
use crate::{check_features, check_xy, encode_labels, not_fitted, Estimator, Kind, Matrix, MlError, Result, Value};

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct GaussianNBParams {
    /// Class priors in the order of the sorted classes; `None` uses the class frequencies.
    pub priors: Option<Vec<f64>>,
    /// Added to every variance, as this fraction of the largest feature variance.
    pub var_smoothing: f64,
}

impl Default for GaussianNBParams {
    fn default() -> Self {
        GaussianNBParams { priors: None, var_smoothing: 1e-9 }
    }
}

#[derive(Debug, Clone, Default)]
pub struct GaussianNB {
    pub params: GaussianNBParams,
    fitted: Option<Fitted>,
}

#[derive(Debug, Clone)]
struct Fitted {
    classes: Vec<f64>,
    count: Vec<f64>,
    prior: Vec<f64>,
    /// Per class (rows) and feature (columns).
    theta: Matrix,
    var: Matrix,
    epsilon: f64,
}

impl GaussianNB {
    pub fn new(params: GaussianNBParams) -> Self {
        GaussianNB { params, fitted: None }
    }

    /// Joint log-likelihood `log P(c) + log P(x | c)`, one column per class.
    fn joint_log_likelihood(&self, x: &Matrix) -> Result<(&Fitted, Matrix)> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.theta.cols)?;
        let k = f.classes.len();
        // The normalising term of each class does not depend on x.
        let norm: Vec<f64> = (0..k)
            .map(|c| f.prior[c].ln() - 0.5 * f.var.row(c).iter().map(|v| (2.0 * std::f64::consts::PI * v).ln()).sum::<f64>())
            .collect();
        let mut out = Matrix::zeros(x.rows, k);
        for i in 0..x.rows {
            for c in 0..k {
                let q: f64 = x.row(i).iter().zip(f.theta.row(c)).zip(f.var.row(c)).map(|((xv, m), v)| (xv - m).powi(2) / v).sum();
                out.set(i, c, norm[c] - 0.5 * q);
            }
        }
        Ok((f, out))
    }
}

impl Estimator for GaussianNB {
    fn name(&self) -> &'static str {
        "GaussianNB"
    }
    fn kind(&self) -> Kind {
        Kind::Classifier
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let name = self.name();
        let y = y.ok_or_else(|| MlError::new(name, "fit needs y (the class labels)"))?;
        check_xy(name, x, Some(y))?;
        let vs = self.params.var_smoothing;
        if !(vs.is_finite() && vs >= 0.0) {
            return Err(MlError::new(name, format!("varSmoothing must be a finite number >= 0, got {vs}")));
        }
        let (classes, idx) = encode_labels(y);
        let (k, p) = (classes.len(), x.cols);
        let mut count = vec![0.0; k];
        let mut theta = Matrix::zeros(k, p);
        for (i, &c) in idx.iter().enumerate() {
            count[c] += 1.0;
            theta.row_mut(c).iter_mut().zip(x.row(i)).for_each(|(t, v)| *t += v);
        }
        for c in 0..k {
            theta.row_mut(c).iter_mut().for_each(|t| *t /= count[c]);
        }
        let mut var = Matrix::zeros(k, p);
        for (i, &c) in idx.iter().enumerate() {
            for j in 0..p {
                let d = x.get(i, j) - theta.get(c, j);
                var.data[c * p + j] += d * d;
            }
        }
        for c in 0..k {
            var.row_mut(c).iter_mut().for_each(|v| *v /= count[c]);
        }
        // epsilon = varSmoothing · the largest variance of any feature over all of X.
        let overall = crate::linalg::column_means(x, None);
        let mut max_var = 0.0f64;
        for j in 0..p {
            let v = (0..x.rows).map(|i| (x.get(i, j) - overall[j]).powi(2)).sum::<f64>() / x.rows as f64;
            max_var = max_var.max(v);
        }
        let epsilon = vs * max_var;
        var.data.iter_mut().for_each(|v| *v += epsilon);
        if var.data.iter().any(|&v| v <= 0.0) {
            return Err(MlError::new(name, "a class has zero variance in a feature and varSmoothing is 0 (use varSmoothing > 0)"));
        }
        let prior = match &self.params.priors {
            None => count.iter().map(|c| c / x.rows as f64).collect(),
            Some(pr) => {
                if pr.len() != k {
                    return Err(MlError::new(name, format!("priors has {} values but y has {k} classes", pr.len())));
                }
                if pr.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
                    return Err(MlError::new(name, "priors must be finite and non-negative"));
                }
                if (pr.iter().sum::<f64>() - 1.0).abs() > 1e-8 {
                    return Err(MlError::new(name, "the priors must sum to 1"));
                }
                pr.clone()
            }
        };
        self.fitted = Some(Fitted { classes, count, prior, theta, var, epsilon });
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let (f, jll) = self.joint_log_likelihood(x)?;
        Ok((0..jll.rows)
            .map(|i| {
                let r = jll.row(i);
                // The first of equal maxima, as numpy's argmax.
                let best = (0..r.len()).fold(0, |b, c| if r[c] > r[b] { c } else { b });
                f.classes[best]
            })
            .collect())
    }
    fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
        let (_, mut jll) = self.joint_log_likelihood(x)?;
        for i in 0..jll.rows {
            let r = jll.row_mut(i);
            let m = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = m + r.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
            r.iter_mut().for_each(|v| *v = (*v - lse).exp());
        }
        Ok(jll)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        vec![
            ("classes", Value::Vector(f.classes.clone())),
            ("classCount", Value::Vector(f.count.clone())),
            ("classPrior", Value::Vector(f.prior.clone())),
            ("theta", Value::Matrix(f.theta.clone())),
            ("var", Value::Matrix(f.var.clone())),
            ("epsilon", Value::Scalar(f.epsilon)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separated_classes_and_bad_input() {
        let x = Matrix::from_rows(&[vec![0.0], vec![0.2], vec![10.0], vec![10.4]]).unwrap();
        let mut nb = GaussianNB::new(Default::default());
        assert!(nb.predict(&x).unwrap_err().to_string().contains("not fitted"));
        nb.fit(&x, Some(&[3.0, 3.0, 7.0, 7.0])).unwrap();
        assert_eq!(nb.predict(&x).unwrap(), vec![3.0, 3.0, 7.0, 7.0]);
        // Far from both classes the likelihoods underflow, but the probabilities stay finite.
        let p = nb.predict_proba(&Matrix::from_rows(&[vec![1e6]]).unwrap()).unwrap();
        assert!(p.data.iter().all(|v| v.is_finite()) && (p.data.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let mut bad = GaussianNB::new(GaussianNBParams { priors: Some(vec![1.0]), ..Default::default() });
        assert!(bad.fit(&x, Some(&[3.0, 3.0, 7.0, 7.0])).unwrap_err().to_string().contains("priors has 1 values"));
    }
}
