//! k-nearest neighbours (scikit-learn's `KNeighborsClassifier` / `KNeighborsRegressor`), brute
//! force: every query is compared with every training row, exactly, in f64. Ties in distance go
//! to the lower training index (a stable order; scikit-learn's partition may pick either).
use crate::{check_features, check_xy, encode_labels, not_fitted, Estimator, Kind, Matrix, MlError, Result, Value};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct KNeighborsParams {
    pub n_neighbors: usize,
    /// "uniform" (each neighbour counts once) or "distance" (weighted by 1 / distance; an exact
    /// match takes all the weight).
    pub weights: String,
    /// The Minkowski power: 1 (Manhattan) or 2 (Euclidean).
    pub p: f64,
    pub metric: String,
}

impl Default for KNeighborsParams {
    fn default() -> Self {
        KNeighborsParams { n_neighbors: 5, weights: "uniform".into(), p: 2.0, metric: "minkowski".into() }
    }
}

#[derive(Debug, Clone)]
struct Fitted {
    x: Matrix,
    /// Class index (classifier) or value (regressor) of each training row.
    y: Vec<f64>,
    classes: Vec<f64>,
}

fn check_params(name: &str, p: &KNeighborsParams) -> Result<()> {
    if p.n_neighbors == 0 {
        return Err(MlError::new(name, "nNeighbors must be at least 1"));
    }
    if p.weights != "uniform" && p.weights != "distance" {
        return Err(MlError::new(name, format!("weights {:?} is not \"uniform\" or \"distance\"", p.weights)));
    }
    if p.metric != "minkowski" && p.metric != "euclidean" && p.metric != "manhattan" {
        return Err(MlError::new(name, format!("metric {:?} is not \"minkowski\", \"euclidean\" or \"manhattan\"", p.metric)));
    }
    if p.p != 1.0 && p.p != 2.0 {
        return Err(MlError::new(name, format!("p = {} is not supported (1 or 2)", p.p)));
    }
    Ok(())
}

fn power(p: &KNeighborsParams) -> f64 {
    match p.metric.as_str() {
        "euclidean" => 2.0,
        "manhattan" => 1.0,
        _ => p.p,
    }
}

/// The `k` nearest training rows of `q`: (index, distance), nearest first.
fn nearest(train: &Matrix, q: &[f64], k: usize, p: f64) -> Vec<(usize, f64)> {
    let mut d: Vec<(usize, f64)> = (0..train.rows)
        .map(|i| {
            let r = train.row(i);
            let s: f64 = if p == 1.0 { r.iter().zip(q).map(|(a, b)| (a - b).abs()).sum() } else { r.iter().zip(q).map(|(a, b)| (a - b) * (a - b)).sum() };
            (i, s)
        })
        .collect();
    let by = |a: &(usize, f64), b: &(usize, f64)| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0));
    if k < d.len() {
        d.select_nth_unstable_by(k - 1, by);
        d.truncate(k);
    }
    d.sort_by(by);
    if p == 2.0 {
        d.iter_mut().for_each(|e| e.1 = e.1.sqrt());
    }
    d
}

/// Each neighbour's weight: 1, or 1/distance; with an exact match only the exact matches count.
fn weights(neigh: &[(usize, f64)], by_distance: bool) -> Vec<f64> {
    if !by_distance {
        return vec![1.0; neigh.len()];
    }
    if neigh.iter().any(|e| e.1 == 0.0) {
        return neigh.iter().map(|e| (e.1 == 0.0) as u8 as f64).collect();
    }
    neigh.iter().map(|e| 1.0 / e.1).collect()
}

fn fit_common(name: &str, params: &KNeighborsParams, x: &Matrix, y: Option<&[f64]>, classify: bool) -> Result<Fitted> {
    check_params(name, params)?;
    let y = y.ok_or_else(|| MlError::new(name, "fit needs y"))?;
    check_xy(name, x, Some(y))?;
    if params.n_neighbors > x.rows {
        return Err(MlError::new(name, format!("nNeighbors = {} is more than the {} training samples", params.n_neighbors, x.rows)));
    }
    let (classes, y) = if classify {
        let (classes, idx) = encode_labels(y);
        (classes, idx.into_iter().map(|i| i as f64).collect())
    } else {
        (Vec::new(), y.to_vec())
    };
    Ok(Fitted { x: x.clone(), y, classes })
}

#[derive(Debug, Clone)]
pub struct KNeighborsClassifier {
    pub params: KNeighborsParams,
    fitted: Option<Fitted>,
}

impl KNeighborsClassifier {
    pub fn new(params: KNeighborsParams) -> Self {
        KNeighborsClassifier { params, fitted: None }
    }
    fn state(&self) -> Result<&Fitted> {
        self.fitted.as_ref().ok_or_else(|| not_fitted("KNeighborsClassifier"))
    }
}

impl Estimator for KNeighborsClassifier {
    fn name(&self) -> &'static str {
        "KNeighborsClassifier"
    }
    fn kind(&self) -> Kind {
        Kind::Classifier
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        self.fitted = Some(fit_common(self.name(), &self.params, x, y, true)?);
        Ok(())
    }
    fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.state()?;
        check_features(self.name(), x, f.x.cols)?;
        let k = f.classes.len();
        let mut out = Matrix::zeros(x.rows, k);
        for i in 0..x.rows {
            let neigh = nearest(&f.x, x.row(i), self.params.n_neighbors, power(&self.params));
            let w = weights(&neigh, self.params.weights == "distance");
            let row = out.row_mut(i);
            for ((j, _), w) in neigh.iter().zip(&w) {
                row[f.y[*j] as usize] += w;
            }
            let total: f64 = row.iter().sum();
            row.iter_mut().for_each(|v| *v /= total);
        }
        Ok(out)
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let f = self.state()?;
        let p = self.predict_proba(x)?;
        // The most probable class, the first (smallest label) among ties, as numpy's argmax.
        Ok((0..p.rows)
            .map(|i| {
                let row = p.row(i);
                let best = row.iter().enumerate().fold(0, |b, (j, &v)| if v > row[b] { j } else { b });
                f.classes[best]
            })
            .collect())
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        match &self.fitted {
            None => vec![],
            Some(f) => vec![("classes", Value::Vector(f.classes.clone())), ("nSamplesFit", Value::Scalar(f.x.rows as f64))],
        }
    }
}

#[derive(Debug, Clone)]
pub struct KNeighborsRegressor {
    pub params: KNeighborsParams,
    fitted: Option<Fitted>,
}

impl KNeighborsRegressor {
    pub fn new(params: KNeighborsParams) -> Self {
        KNeighborsRegressor { params, fitted: None }
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
        self.fitted = Some(fit_common(self.name(), &self.params, x, y, false)?);
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.x.cols)?;
        Ok((0..x.rows)
            .map(|i| {
                let neigh = nearest(&f.x, x.row(i), self.params.n_neighbors, power(&self.params));
                let w = weights(&neigh, self.params.weights == "distance");
                let total: f64 = w.iter().sum();
                neigh.iter().zip(&w).map(|((j, _), w)| w * f.y[*j]).sum::<f64>() / total
            })
            .collect())
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        match &self.fitted {
            None => vec![],
            Some(f) => vec![("nSamplesFit", Value::Scalar(f.x.rows as f64))],
        }
    }
}
