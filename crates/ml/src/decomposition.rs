//! PCA by the SVD of the centred data (scikit-learn's "full" solver) or, for tall data, by the
//! eigendecomposition of its covariance ("covariance_eigh": one pass over the rows, then a
//! features × features problem), chosen as scikit-learn 1.5's "auto" does; with its sign convention: each component's largest-magnitude loading is positive
//! (`svd_flip(u_based_decision=False)`), so results agree with scikit-learn, not just up to sign.
use crate::linalg::{center, column_means, gram, svd, sym_eigen, Svd};
use crate::{check_features, check_xy, not_fitted, Estimator, Kind, Matrix, MlError, Result, Value};

#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct PCAParams {
    /// `None`: all min(samples, features); a whole number: that many; a number in (0, 1): the
    /// fewest components whose explained variance ratio adds up to more than it.
    pub n_components: Option<f64>,
    /// Scale the projections to unit variance.
    pub whiten: bool,
    /// "auto" (the default: "covariance_eigh" when there are at most 1000 features and at least
    /// 10 times as many samples, else "full"), "full" or "covariance_eigh".
    pub svd_solver: Option<String>,
}

/// The SVD of the centred `xc` from the eigendecomposition of `xcᵀ xc`: singular values are the
/// square roots of its eigenvalues (negative rounding clipped to 0), `vt` its eigenvectors.
fn svd_by_covariance(xc: &Matrix) -> Svd {
    let p = xc.cols;
    let (vals, vecs) = sym_eigen(&gram(xc, None), p);
    let mut vt = Matrix::zeros(p, p);
    for k in 0..p {
        for j in 0..p {
            vt.data[k * p + j] = vecs[j * p + k];
        }
    }
    Svd { u: Matrix::zeros(0, 0), s: vals.iter().map(|v| v.max(0.0).sqrt()).collect(), vt }
}

#[derive(Debug, Clone, Default)]
pub struct PCA {
    pub params: PCAParams,
    fitted: Option<Fitted>,
}

#[derive(Debug, Clone)]
struct Fitted {
    mean: Vec<f64>,
    /// n_components × features.
    components: Matrix,
    explained_variance: Vec<f64>,
    explained_variance_ratio: Vec<f64>,
    singular_values: Vec<f64>,
    noise_variance: f64,
}

impl PCA {
    pub fn new(params: PCAParams) -> Self {
        PCA { params, fitted: None }
    }

    fn fitted(&self) -> Result<&Fitted> {
        self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))
    }

    /// Maps projections back to feature space (exact when all components are kept).
    pub fn inverse_transform(&self, z: &Matrix) -> Result<Matrix> {
        let f = self.fitted()?;
        let (k, p) = (f.components.rows, f.components.cols);
        if z.cols != k {
            return Err(MlError::new(self.name(), format!("X has {} columns, but the model has {k} components", z.cols)));
        }
        crate::check_finite(self.name(), z)?;
        let mut out = Matrix::zeros(z.rows, p);
        for i in 0..z.rows {
            let o = out.row_mut(i);
            o.copy_from_slice(&f.mean);
            for c in 0..k {
                let w = if self.params.whiten { z.get(i, c) * f.explained_variance[c].sqrt() } else { z.get(i, c) };
                o.iter_mut().zip(f.components.row(c)).for_each(|(v, &comp)| *v += w * comp);
            }
        }
        Ok(out)
    }
}

impl Estimator for PCA {
    fn name(&self) -> &'static str {
        "PCA"
    }
    fn kind(&self) -> Kind {
        Kind::Transformer
    }
    fn fit(&mut self, x: &Matrix, _y: Option<&[f64]>) -> Result<()> {
        let name = self.name();
        check_xy(name, x, None)?;
        if x.rows < 2 {
            return Err(MlError::new(name, "needs at least 2 samples to estimate variances"));
        }
        let most = x.rows.min(x.cols);
        let mean = column_means(x, None);
        let covariance = match self.params.svd_solver.as_deref().unwrap_or("auto") {
            "auto" => x.cols <= 1000 && x.rows >= 10 * x.cols,
            "full" => false,
            "covariance_eigh" => true,
            other => return Err(MlError::new(name, format!("svdSolver must be 'auto', 'full' or 'covariance_eigh', not {other:?}"))),
        };
        let xc = center(x, &mean);
        let mut d = if covariance { svd_by_covariance(&xc) } else { svd(&xc) };
        // svd_flip on the rows of vt: the largest |loading| (first one on ties) becomes positive.
        for c in 0..d.s.len() {
            let row = d.vt.row(c);
            let big = (0..row.len()).fold(0, |b, j| if row[j].abs() > row[b].abs() { j } else { b });
            if row[big] < 0.0 {
                d.vt.row_mut(c).iter_mut().for_each(|v| *v = -*v);
            }
        }
        let ev: Vec<f64> = d.s.iter().map(|s| s * s / (x.rows - 1) as f64).collect();
        let total: f64 = ev.iter().sum();
        let ratio: Vec<f64> = ev.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect();
        let k = match self.params.n_components {
            None => most,
            Some(v) if v > 0.0 && v < 1.0 => {
                // searchsorted(cumsum, v, side="right") + 1: one past the last cumulative ratio <= v.
                let mut acc = 0.0;
                let below = ratio.iter().take_while(|r| {
                    acc += **r;
                    acc <= v
                });
                (below.count() + 1).min(most)
            }
            Some(v) if v >= 0.0 && v.fract() == 0.0 && v <= most as f64 => v as usize,
            Some(v) => {
                return Err(MlError::new(
                    name,
                    format!("nComponents must be a whole number from 0 to min(samples, features) = {most}, or a fraction in (0, 1); got {v}"),
                ))
            }
        };
        let noise_variance = if k < most { ev[k..].iter().sum::<f64>() / (most - k) as f64 } else { 0.0 };
        let components = Matrix::new(d.vt.data[..k * x.cols].to_vec(), k, x.cols)?;
        self.fitted = Some(Fitted {
            mean,
            components,
            explained_variance: ev[..k].to_vec(),
            explained_variance_ratio: ratio[..k].to_vec(),
            singular_values: d.s[..k].to_vec(),
            noise_variance,
        });
        Ok(())
    }
    fn transform(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.fitted()?;
        check_features(self.name(), x, f.mean.len())?;
        let k = f.components.rows;
        let mut out = Matrix::zeros(x.rows, k);
        let mut centred = vec![0.0; x.cols];
        for i in 0..x.rows {
            centred.iter_mut().zip(x.row(i)).zip(&f.mean).for_each(|((c, v), m)| *c = v - m);
            for c in 0..k {
                let mut z = crate::linalg::dot(&centred, f.components.row(c));
                if self.params.whiten {
                    z /= f.explained_variance[c].sqrt();
                }
                out.set(i, c, z);
            }
        }
        Ok(out)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        vec![
            ("components", Value::Matrix(f.components.clone())),
            ("explainedVariance", Value::Vector(f.explained_variance.clone())),
            ("explainedVarianceRatio", Value::Vector(f.explained_variance_ratio.clone())),
            ("singularValues", Value::Vector(f.singular_values.clone())),
            ("mean", Value::Vector(f.mean.clone())),
            ("nComponents", Value::Scalar(f.components.rows as f64)),
            ("noiseVariance", Value::Scalar(f.noise_variance)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_pca_round_trips_and_bad_counts_are_errors() {
        let x = Matrix::from_rows(&[vec![1.0, 2.0, 0.5], vec![2.0, 4.1, 0.0], vec![3.0, 5.9, 1.0], vec![4.0, 8.2, 0.2]]).unwrap();
        let mut pca = PCA::new(PCAParams { whiten: true, ..Default::default() });
        assert!(pca.transform(&x).unwrap_err().to_string().contains("not fitted"));
        pca.fit(&x, None).unwrap();
        let back = pca.inverse_transform(&pca.transform(&x).unwrap()).unwrap();
        assert!(back.data.iter().zip(&x.data).all(|(a, b)| (a - b).abs() < 1e-10));
        let mut bad = PCA::new(PCAParams { n_components: Some(4.0), ..Default::default() });
        assert!(bad.fit(&x, None).unwrap_err().to_string().contains("min(samples, features) = 3"));
        let mut frac = PCA::new(PCAParams { n_components: Some(0.5), ..Default::default() });
        frac.fit(&x, None).unwrap();
        assert_eq!(frac.attributes()[5].1, Value::Scalar(1.0));
    }
}
