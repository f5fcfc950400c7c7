//! Scalers: StandardScaler and MinMaxScaler, with scikit-learn's zero-variance / zero-range
//! handling (such a column gets scale 1, so it is shifted but not blown up).
use crate::{check_features, check_xy, not_fitted, Estimator, Kind, Matrix, MlError, Result, Value};

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct StandardScalerParams {
    pub with_mean: bool,
    pub with_std: bool,
}

impl Default for StandardScalerParams {
    fn default() -> Self {
        StandardScalerParams { with_mean: true, with_std: true }
    }
}

/// `(x - mean) / scale`, scale the population standard deviation.
#[derive(Debug, Clone, Default)]
pub struct StandardScaler {
    pub params: StandardScalerParams,
    fitted: Option<Standard>,
}

#[derive(Debug, Clone)]
struct Standard {
    mean: Vec<f64>,
    var: Vec<f64>,
    scale: Vec<f64>,
    n: usize,
}

impl StandardScaler {
    pub fn new(params: StandardScalerParams) -> Self {
        StandardScaler { params, fitted: None }
    }

    /// Undoes [`Estimator::transform`].
    pub fn inverse_transform(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.mean.len())?;
        let mut out = x.clone();
        for i in 0..out.rows {
            for (j, v) in out.row_mut(i).iter_mut().enumerate() {
                if self.params.with_std {
                    *v *= f.scale[j];
                }
                if self.params.with_mean {
                    *v += f.mean[j];
                }
            }
        }
        Ok(out)
    }
}

impl Estimator for StandardScaler {
    fn name(&self) -> &'static str {
        "StandardScaler"
    }
    fn kind(&self) -> Kind {
        Kind::Transformer
    }
    fn fit(&mut self, x: &Matrix, _y: Option<&[f64]>) -> Result<()> {
        check_xy(self.name(), x, None)?;
        let (n, p) = (x.rows as f64, x.cols);
        let mean = crate::linalg::column_means(x, None);
        // Two passes with the rounding correction, as scikit-learn's _incremental_mean_and_var.
        let (mut ss, mut corr) = (vec![0.0; p], vec![0.0; p]);
        for i in 0..x.rows {
            for (j, &v) in x.row(i).iter().enumerate() {
                let d = v - mean[j];
                ss[j] += d * d;
                corr[j] += d;
            }
        }
        let var: Vec<f64> = (0..p).map(|j| ((ss[j] - corr[j] * corr[j] / n) / n).max(0.0)).collect();
        let eps = f64::EPSILON;
        let scale = (0..p)
            .map(|j| {
                // A variance within rounding of zero means a constant column (_is_constant_feature).
                let bound = n * eps * var[j] + (n * mean[j] * eps).powi(2);
                if var[j] <= bound { 1.0 } else { var[j].sqrt() }
            })
            .collect();
        self.fitted = Some(Standard { mean, var, scale, n: x.rows });
        Ok(())
    }
    fn transform(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.mean.len())?;
        let mut out = x.clone();
        for i in 0..out.rows {
            for (j, v) in out.row_mut(i).iter_mut().enumerate() {
                if self.params.with_mean {
                    *v -= f.mean[j];
                }
                if self.params.with_std {
                    *v /= f.scale[j];
                }
            }
        }
        Ok(out)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        let mut a = vec![];
        // scikit-learn keeps mean_ whenever it computed it (also for with_std alone).
        if self.params.with_mean || self.params.with_std {
            a.push(("mean", Value::Vector(f.mean.clone())));
        }
        if self.params.with_std {
            a.push(("var", Value::Vector(f.var.clone())));
            a.push(("scale", Value::Vector(f.scale.clone())));
        }
        a.push(("nSamplesSeen", Value::Scalar(f.n as f64)));
        a
    }
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct MinMaxScalerParams {
    pub feature_range: [f64; 2],
    pub clip: bool,
}

impl Default for MinMaxScalerParams {
    fn default() -> Self {
        MinMaxScalerParams { feature_range: [0.0, 1.0], clip: false }
    }
}

/// `x·scale + min`, mapping each column's [dataMin, dataMax] onto featureRange.
#[derive(Debug, Clone, Default)]
pub struct MinMaxScaler {
    pub params: MinMaxScalerParams,
    fitted: Option<MinMax>,
}

#[derive(Debug, Clone)]
struct MinMax {
    data_min: Vec<f64>,
    data_max: Vec<f64>,
    scale: Vec<f64>,
    min: Vec<f64>,
}

impl MinMaxScaler {
    pub fn new(params: MinMaxScalerParams) -> Self {
        MinMaxScaler { params, fitted: None }
    }

    /// Undoes [`Estimator::transform`] (not the clipping).
    pub fn inverse_transform(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.min.len())?;
        let mut out = x.clone();
        for i in 0..out.rows {
            for (j, v) in out.row_mut(i).iter_mut().enumerate() {
                *v = (*v - f.min[j]) / f.scale[j];
            }
        }
        Ok(out)
    }
}

impl Estimator for MinMaxScaler {
    fn name(&self) -> &'static str {
        "MinMaxScaler"
    }
    fn kind(&self) -> Kind {
        Kind::Transformer
    }
    fn fit(&mut self, x: &Matrix, _y: Option<&[f64]>) -> Result<()> {
        check_xy(self.name(), x, None)?;
        let [lo, hi] = self.params.feature_range;
        if !(lo < hi) {
            return Err(MlError::new(self.name(), format!("featureRange minimum must be below its maximum, got [{lo}, {hi}]")));
        }
        let mut data_min = x.row(0).to_vec();
        let mut data_max = data_min.clone();
        for i in 1..x.rows {
            for (j, &v) in x.row(i).iter().enumerate() {
                data_min[j] = data_min[j].min(v);
                data_max[j] = data_max[j].max(v);
            }
        }
        let scale: Vec<f64> = data_min
            .iter()
            .zip(&data_max)
            .map(|(a, b)| {
                let range = b - a;
                // A constant column (range at rounding level) keeps scale (hi - lo) / 1.
                (hi - lo) / if range < 10.0 * f64::EPSILON { 1.0 } else { range }
            })
            .collect();
        let min = data_min.iter().zip(&scale).map(|(m, s)| lo - m * s).collect();
        self.fitted = Some(MinMax { data_min, data_max, scale, min });
        Ok(())
    }
    fn transform(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.min.len())?;
        let [lo, hi] = self.params.feature_range;
        let mut out = x.clone();
        for i in 0..out.rows {
            for (j, v) in out.row_mut(i).iter_mut().enumerate() {
                *v = *v * f.scale[j] + f.min[j];
                if self.params.clip {
                    *v = v.clamp(lo, hi);
                }
            }
        }
        Ok(out)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        let range = f.data_min.iter().zip(&f.data_max).map(|(a, b)| b - a).collect();
        vec![
            ("dataMin", Value::Vector(f.data_min.clone())),
            ("dataMax", Value::Vector(f.data_max.clone())),
            ("dataRange", Value::Vector(range)),
            ("scale", Value::Vector(f.scale.clone())),
            ("min", Value::Vector(f.min.clone())),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_columns_get_scale_one_and_round_trip() {
        let x = Matrix::from_rows(&[vec![1.0, 5.0], vec![3.0, 5.0], vec![8.0, 5.0]]).unwrap();
        let mut s = StandardScaler::new(Default::default());
        s.fit(&x, None).unwrap();
        let t = s.transform(&x).unwrap();
        assert_eq!(t.get(0, 1), 0.0);
        let back = s.inverse_transform(&t).unwrap();
        assert!(back.data.iter().zip(&x.data).all(|(a, b)| (a - b).abs() < 1e-12));
        let mut m = MinMaxScaler::new(MinMaxScalerParams { feature_range: [-1.0, 1.0], clip: true });
        m.fit(&x, None).unwrap();
        let t = m.transform(&x).unwrap();
        // x·scale + min is exact only up to rounding, as in scikit-learn.
        assert!((t.get(0, 0) + 1.0).abs() < 1e-15 && (t.get(2, 0) - 1.0).abs() < 1e-15 && t.get(1, 1) == -1.0);
        let far = Matrix::from_rows(&[vec![100.0, 5.0]]).unwrap();
        assert_eq!(m.transform(&far).unwrap().get(0, 0), 1.0);
    }

    #[test]
    fn bad_input_is_an_error() {
        let s = StandardScaler::new(Default::default());
        assert!(s.transform(&Matrix::zeros(1, 1)).unwrap_err().to_string().contains("not fitted"));
        let mut m = MinMaxScaler::new(MinMaxScalerParams { feature_range: [1.0, 1.0], clip: false });
        assert!(m.fit(&Matrix::zeros(2, 1), None).unwrap_err().to_string().contains("featureRange"));
        let mut s = StandardScaler::new(Default::default());
        assert!(s.fit(&Matrix::zeros(0, 3), None).unwrap_err().to_string().starts_with("StandardScaler: X is empty"));
    }
}
