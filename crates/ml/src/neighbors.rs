//! scikit-learn's `KNeighborsClassifier` and `KNeighborsRegressor`, by brute force.
//!
//! Distances are computed exactly from differences (scikit-learn's brute force expands
//! ‖a‖² − 2a·b + ‖b‖², which rounds), and neighbours at equal distance are taken in training
//! order. So results match scikit-learn except where the k-th and (k+1)-th neighbours are tied,
//! where its order is an accident of rounding.
use crate::tree::argmax;
use crate::{check_features, check_xy, encode_labels, not_fitted, Estimator, Kind, Matrix, MlError, Result, Value};

/// Parameters of both k-nearest-neighbour estimators (scikit-learn 1.5 defaults).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct KNeighborsParams {
    pub n_neighbors: usize,
    /// "uniform" or "distance" (closer neighbours count 1/distance).
    pub weights: String,
    /// Accepted for compatibility ("auto", "brute", "kd_tree", "ball_tree"): all give the
    /// same neighbours, found here by brute force.
    pub algorithm: String,
    /// Accepted for compatibility; brute force has no leaves.
    pub leaf_size: usize,
    /// The Minkowski power (>= 1): 2 is Euclidean, 1 Manhattan.
    pub p: f64,
    /// "minkowski" (with `p`), "euclidean" or "manhattan".
    pub metric: String,
    /// Accepted for compatibility; the search runs on one thread.
    pub n_jobs: Option<i64>,
}

impl Default for KNeighborsParams {
    fn default() -> Self {
        KNeighborsParams {
            n_neighbors: 5,
            weights: "uniform".into(),
            algorithm: "auto".into(),
            leaf_size: 30,
            p: 2.0,
            metric: "minkowski".into(),
            n_jobs: None,
        }
    }
}

pub type KNeighborsClassifierParams = KNeighborsParams;
pub type KNeighborsRegressorParams = KNeighborsParams;

#[derive(Debug, Clone)]
struct Fitted {
    x: Matrix,
    /// Class indices (classifier) or targets (regressor).
    y: Vec<f64>,
    classes: Vec<f64>,
    p: f64,
    by_distance: bool,
}

impl KNeighborsParams {
    fn check(&self, what: &str, n: usize) -> Result<(f64, bool)> {
        let p = match self.metric.as_str() {
            "minkowski" => self.p,
            "euclidean" | "l2" => 2.0,
            "manhattan" | "cityblock" | "l1" => 1.0,
            m => return Err(MlError::new(what, format!("metric must be 'minkowski', 'euclidean' or 'manhattan', not {m:?}"))),
        };
        if !(p >= 1.0 && p.is_finite()) {
            return Err(MlError::new(what, format!("p must be a finite number >= 1, not {p}")));
        }
        let by_distance = match self.weights.as_str() {
            "uniform" => false,
            "distance" => true,
            w => return Err(MlError::new(what, format!("weights must be 'uniform' or 'distance', not {w:?}"))),
        };
        if !matches!(self.algorithm.as_str(), "auto" | "brute" | "kd_tree" | "ball_tree") {
            return Err(MlError::new(what, format!("algorithm must be 'auto', 'brute', 'kd_tree' or 'ball_tree', not {:?}", self.algorithm)));
        }
        if self.n_neighbors == 0 {
            return Err(MlError::new(what, "nNeighbors must be at least 1"));
        }
        if self.n_neighbors > n {
            return Err(MlError::new(what, format!("nNeighbors is {} but there are only {n} training samples", self.n_neighbors)));
        }
        Ok((p, by_distance))
    }
}

/// Σ|a − b|^p, without the root (monotone, so enough to rank).
fn reduced(a: &[f64], b: &[f64], p: f64) -> f64 {
    if p == 2.0 {
        a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
    } else if p == 1.0 {
        a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum()
    } else {
        a.iter().zip(b).map(|(x, y)| (x - y).abs().powf(p)).sum()
    }
}

fn root(r: f64, p: f64) -> f64 {
    if p == 2.0 { r.sqrt() } else if p == 1.0 { r } else { r.powf(1.0 / p) }
}

impl Fitted {
    /// The k nearest training rows of `q`, nearest first, ties in training order.
    fn nearest(&self, q: &[f64], k: usize, buf: &mut Vec<(f64, usize)>) -> Vec<(f64, usize)> {
        buf.clear();
        buf.extend((0..self.x.rows).map(|i| (reduced(q, self.x.row(i), self.p), i)));
        let cmp = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        if k < buf.len() {
            buf.select_nth_unstable_by(k - 1, cmp);
        }
        let mut top = buf[..k].to_vec();
        top.sort_by(cmp);
        top.iter_mut().for_each(|t| t.0 = root(t.0, self.p));
        top
    }
    /// Each neighbour's vote: 1, or 1/distance (exact matches, if any, take all the weight).
    fn weights(&self, top: &[(f64, usize)]) -> Vec<f64> {
        if !self.by_distance {
            return vec![1.0; top.len()];
        }
        if top.iter().any(|t| t.0 == 0.0) {
            top.iter().map(|t| (t.0 == 0.0) as u8 as f64).collect()
        } else {
            top.iter().map(|t| 1.0 / t.0).collect()
        }
    }
}

macro_rules! knn {
    ($t:ident, $name:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Default)]
        pub struct $t {
            pub params: KNeighborsParams,
            fitted: Option<Fitted>,
        }
        impl $t {
            pub fn new(params: KNeighborsParams) -> Self {
                $t { params, fitted: None }
            }
            fn fitted(&self) -> Result<&Fitted> {
                self.fitted.as_ref().ok_or_else(|| not_fitted($name))
            }
            fn store(&mut self, x: &Matrix, y: Option<&[f64]>, classify: bool) -> Result<()> {
                let y = y.ok_or_else(|| MlError::new($name, "fit needs y"))?;
                check_xy($name, x, Some(y))?;
                let (p, by_distance) = self.params.check($name, x.rows)?;
                let (classes, y) = if classify {
                    let (classes, idx) = encode_labels(y);
                    (classes, idx.iter().map(|&k| k as f64).collect())
                } else {
                    (vec![], y.to_vec())
                };
                self.fitted = Some(Fitted { x: x.clone(), y, classes, p, by_distance });
                Ok(())
            }
            /// scikit-learn's `kneighbors`: for each row, the distances to and the indices of its
            /// `k` nearest training rows (`nNeighbors` when `k` is None), nearest first.
            pub fn kneighbors(&self, x: &Matrix, k: Option<usize>) -> Result<(Matrix, Vec<Vec<usize>>)> {
                let f = self.fitted()?;
                check_features($name, x, f.x.cols)?;
                let k = k.unwrap_or(self.params.n_neighbors);
                if k == 0 || k > f.x.rows {
                    return Err(MlError::new($name, format!("k must be in 1..={} (the training samples), not {k}", f.x.rows)));
                }
                let (mut dist, mut idx, mut buf) = (Matrix::zeros(x.rows, k), Vec::with_capacity(x.rows), Vec::new());
                for i in 0..x.rows {
                    let top = f.nearest(x.row(i), k, &mut buf);
                    dist.row_mut(i).iter_mut().zip(&top).for_each(|(d, t)| *d = t.0);
                    idx.push(top.iter().map(|t| t.1).collect());
                }
                Ok((dist, idx))
            }
            /// Each row's neighbours as (weight, training index) pairs.
            fn votes(&self, x: &Matrix) -> Result<Vec<Vec<(f64, usize)>>> {
                let f = self.fitted()?;
                check_features($name, x, f.x.cols)?;
                let mut buf = Vec::new();
                Ok((0..x.rows)
                    .map(|i| {
                        let top = f.nearest(x.row(i), self.params.n_neighbors.min(f.x.rows), &mut buf);
                        f.weights(&top).into_iter().zip(top.iter().map(|t| t.1)).collect()
                    })
                    .collect())
            }
            fn base_attributes(&self) -> Vec<(&'static str, Value)> {
                let Some(f) = &self.fitted else { return vec![] };
                vec![("nFeaturesIn", Value::Scalar(f.x.cols as f64)), ("nSamplesFit", Value::Scalar(f.x.rows as f64))]
            }
        }
    };
}

knn!(KNeighborsClassifier, "KNeighborsClassifier", "Classification by vote of the k nearest training samples (`sklearn.neighbors.KNeighborsClassifier`).");
knn!(KNeighborsRegressor, "KNeighborsRegressor", "Regression by the (weighted) mean of the k nearest training targets (`sklearn.neighbors.KNeighborsRegressor`).");

impl Estimator for KNeighborsClassifier {
    fn name(&self) -> &'static str {
        "KNeighborsClassifier"
    }
    fn kind(&self) -> Kind {
        Kind::Classifier
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        self.store(x, y, true)
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let p = self.predict_proba(x)?;
        let classes = &self.fitted()?.classes;
        Ok((0..p.rows).map(|i| classes[argmax(p.row(i))]).collect())
    }
    fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
        let votes = self.votes(x)?;
        let f = self.fitted()?;
        let mut out = Matrix::zeros(x.rows, f.classes.len());
        for (i, v) in votes.iter().enumerate() {
            let total: f64 = v.iter().map(|t| t.0).sum();
            v.iter().for_each(|&(w, j)| out.row_mut(i)[f.y[j] as usize] += w / total);
        }
        Ok(out)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        let mut a = vec![("classes", Value::Vector(f.classes.clone()))];
        a.extend(self.base_attributes());
        a
    }
}

impl Estimator for KNeighborsRegressor {
    fn name(&self) -> &'static str {
        "KNeighborsRegressor"
    }
    fn kind(&self) -> Kind {
        Kind::Regressor
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        self.store(x, y, false)
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let votes = self.votes(x)?;
        let f = self.fitted()?;
        Ok(votes
            .iter()
            .map(|v| v.iter().map(|&(w, j)| w * f.y[j]).sum::<f64>() / v.iter().map(|t| t.0).sum::<f64>())
            .collect())
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        self.base_attributes()
    }
}
