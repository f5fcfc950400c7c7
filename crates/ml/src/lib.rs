//! Classic machine learning with scikit-learn's names, parameters and defaults.
//!
//! Every estimator is a struct holding its parameters (`…Params`, deserialisable from the
//! camelCase JSON the JavaScript package sends, with scikit-learn's defaults) and, once fitted,
//! its learned state. They all implement [`Estimator`], so the bindings can drive any of them
//! through one object. Numbers are f64 inside (as scikit-learn computes), whatever the tensors
//! they came from; inputs are row-major [`Matrix`]es and label vectors of f64 (class labels are
//! the distinct values of `y`, sorted, as scikit-learn's `classes_`).
//!
//! Randomness (forests, k-means, splits) comes from `randomState` through core's seeded
//! [`webgrad_core::Rng`]; the same seed gives the same model on every platform. Unlike
//! scikit-learn, a missing `randomState` means seed 0, not fresh entropy: a page has none to
//! offer reproducibly.
use std::fmt;

pub mod metrics;
pub mod registry;

pub mod linalg;
pub mod linear;
pub mod logistic;
pub mod naive_bayes;
pub mod preprocessing;
pub mod decomposition;

pub mod tree;
pub mod forest;
pub mod neighbors;
pub mod cluster;

/// An error that names the estimator (or metric) and what was wrong with its input.
#[derive(Debug, Clone, PartialEq)]
pub struct MlError {
    pub what: String,
    pub message: String,
}

impl MlError {
    pub fn new(what: impl Into<String>, message: impl Into<String>) -> Self {
        MlError { what: what.into(), message: message.into() }
    }
}

impl fmt::Display for MlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.message)
    }
}

impl std::error::Error for MlError {}

pub type Result<T> = std::result::Result<T, MlError>;

/// A dense row-major matrix of f64: `rows` samples × `cols` features.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Matrix {
    pub fn new(data: Vec<f64>, rows: usize, cols: usize) -> Result<Matrix> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(MlError::new("Matrix", format!("{} values do not fill {rows} × {cols}", data.len())));
        }
        Ok(Matrix { rows, cols, data })
    }
    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }
    pub fn from_f32(data: &[f32], rows: usize, cols: usize) -> Result<Matrix> {
        Matrix::new(data.iter().map(|&v| v as f64).collect(), rows, cols)
    }
    /// Row-major vectors of equal length.
    pub fn from_rows(rows: &[Vec<f64>]) -> Result<Matrix> {
        let cols = rows.first().map_or(0, |r| r.len());
        if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != cols) {
            return Err(MlError::new("Matrix", format!("row {i} has {} values, row 0 has {cols}", r.len())));
        }
        Matrix::new(rows.concat(), rows.len(), cols)
    }
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
    pub fn row_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols + j]
    }
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.cols + j] = v;
    }
    /// The rows at `indices`, in that order.
    pub fn select_rows(&self, indices: &[usize]) -> Matrix {
        let mut data = Vec::with_capacity(indices.len() * self.cols);
        for &i in indices {
            data.extend_from_slice(self.row(i));
        }
        Matrix { rows: indices.len(), cols: self.cols, data }
    }
    pub fn to_f32(&self) -> Vec<f32> {
        self.data.iter().map(|&v| v as f32).collect()
    }
}

/// What an estimator does, which decides what `score` means (accuracy, R², …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Classifier,
    Regressor,
    Clusterer,
    Transformer,
}

/// A fitted attribute, under scikit-learn's name without the trailing underscore, in camelCase
/// (`coef`, `intercept`, `classes`, `featureImportances`, `explainedVarianceRatio`, …).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(f64),
    Vector(Vec<f64>),
    Matrix(Matrix),
}

/// The interface the bindings drive. Methods an estimator lacks (a regressor's
/// `predict_proba`, a scaler's `predict`) return an error that says so.
pub trait Estimator {
    /// scikit-learn's class name, e.g. "LogisticRegression".
    fn name(&self) -> &'static str;
    fn kind(&self) -> Kind;
    /// Learn from `x` (and `y`, which transformers and clusterers ignore and may be `None`).
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()>;
    fn predict(&self, _x: &Matrix) -> Result<Vec<f64>> {
        Err(MlError::new(self.name(), "has no predict"))
    }
    /// One column per class, in the order of the `classes` attribute.
    fn predict_proba(&self, _x: &Matrix) -> Result<Matrix> {
        Err(MlError::new(self.name(), "has no predictProba"))
    }
    fn transform(&self, _x: &Matrix) -> Result<Matrix> {
        Err(MlError::new(self.name(), "has no transform"))
    }
    /// Fitted attributes; an unfitted estimator has none.
    fn attributes(&self) -> Vec<(&'static str, Value)>;
    /// scikit-learn's `score`: accuracy for classifiers, R² for regressors.
    fn score(&self, x: &Matrix, y: &[f64]) -> Result<f64> {
        let pred = self.predict(x)?;
        match self.kind() {
            Kind::Classifier => metrics::accuracy(y, &pred),
            Kind::Regressor => metrics::r2(y, &pred),
            _ => Err(MlError::new(self.name(), "has no score")),
        }
    }
}

/// The message every estimator gives before `fit`.
pub fn not_fitted(name: &str) -> MlError {
    MlError::new(name, "is not fitted yet: call fit first")
}

/// The checks every `fit` makes: a non-empty X, a y of matching length, finite values (naming
/// the first bad row and column).
pub fn check_xy(name: &str, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
    if x.rows == 0 || x.cols == 0 {
        return Err(MlError::new(name, format!("X is empty ({} × {})", x.rows, x.cols)));
    }
    check_finite(name, x)?;
    if let Some(y) = y {
        if y.len() != x.rows {
            return Err(MlError::new(name, format!("X has {} rows but y has {} values", x.rows, y.len())));
        }
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(MlError::new(name, format!("y[{i}] is {} (values must be finite)", y[i])));
        }
    }
    Ok(())
}

/// NaN or infinity anywhere in `x` is an error naming the row and column.
pub fn check_finite(name: &str, x: &Matrix) -> Result<()> {
    if let Some(k) = x.data.iter().position(|v| !v.is_finite()) {
        return Err(MlError::new(
            name,
            format!("X[{}, {}] is {} (impute or drop missing values first)", k / x.cols.max(1), k % x.cols.max(1), x.data[k]),
        ));
    }
    Ok(())
}

/// `x` at predict time must have the feature count seen by `fit`.
pub fn check_features(name: &str, x: &Matrix, expected: usize) -> Result<()> {
    check_finite(name, x)?;
    if x.cols != expected {
        return Err(MlError::new(name, format!("X has {} features, but the estimator was fitted with {expected}", x.cols)));
    }
    Ok(())
}

/// The sorted distinct labels of `y` (scikit-learn's `classes_`) and each sample's class index.
pub fn encode_labels(y: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut classes: Vec<f64> = y.to_vec();
    classes.sort_by(|a, b| a.total_cmp(b));
    classes.dedup();
    let idx = y.iter().map(|v| classes.binary_search_by(|c| c.total_cmp(v)).unwrap()).collect();
    (classes, idx)
}

/// scikit-learn's `class_weight`: none, `'balanced'` (n_samples / (n_classes · count)), or
/// explicit weights by class label.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub enum ClassWeight {
    #[default]
    None,
    Balanced(BalancedTag),
    Map(std::collections::BTreeMap<String, f64>),
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BalancedTag {
    Balanced,
}

/// scikit-learn's `compute_class_weight(class_weight, classes=, y=)`: one weight per entry of
/// `classes` (which must hold every label of `y`); what the network's weighted loss takes.
pub fn compute_class_weight(class_weight: &ClassWeight, classes: &[f64], y: &[f64]) -> Result<Vec<f64>> {
    let what = "computeClassWeight";
    if let Some(v) = y.iter().find(|v| !v.is_finite()) {
        return Err(MlError::new(what, format!("y holds {v}")));
    }
    let mut counts = vec![0usize; classes.len()];
    for (i, v) in y.iter().enumerate() {
        let k = classes.iter().position(|c| c == v).ok_or_else(|| MlError::new(what, format!("y[{i}] = {v} is not in classes")))?;
        counts[k] += 1;
    }
    if matches!(class_weight, ClassWeight::Balanced(_)) {
        if let Some(k) = counts.iter().position(|&c| c == 0) {
            return Err(MlError::new(what, format!("class {} has no samples in y, so 'balanced' cannot weigh it", classes[k])));
        }
    }
    class_weight.weights(what, classes, &counts)
}

impl TryFrom<serde_json::Value> for ClassWeight {
    type Error = String;
    /// `'balanced'` or `{label: weight}`; anything else is named in the error.
    fn try_from(v: serde_json::Value) -> std::result::Result<Self, String> {
        use serde_json::Value as J;
        match &v {
            J::String(s) if s == "balanced" => Ok(ClassWeight::Balanced(BalancedTag::Balanced)),
            J::Object(m) => m
                .iter()
                .map(|(k, w)| w.as_f64().map(|w| (k.clone(), w)).ok_or_else(|| format!("classWeight for class {k} must be a number, not {w}")))
                .collect::<std::result::Result<_, _>>()
                .map(ClassWeight::Map),
            _ => Err(format!("classWeight must be null, 'balanced' or {{label: weight}}, not {v}")),
        }
    }
}

impl ClassWeight {
    /// One weight per class index (`classes` sorted, `counts[k]` samples of class k).
    pub fn weights(&self, what: &str, classes: &[f64], counts: &[usize]) -> Result<Vec<f64>> {
        let n: usize = counts.iter().sum();
        match self {
            ClassWeight::None => Ok(vec![1.0; classes.len()]),
            ClassWeight::Balanced(_) => {
                Ok(counts.iter().map(|&c| n as f64 / (classes.len() as f64 * c.max(1) as f64)).collect())
            }
            ClassWeight::Map(m) => {
                let mut w = vec![1.0; classes.len()];
                for (label, &weight) in m {
                    let v: f64 = label
                        .parse()
                        .map_err(|_| MlError::new(what, format!("classWeight key {label:?} is not a class label")))?;
                    let k = classes
                        .iter()
                        .position(|&c| c == v)
                        .ok_or_else(|| MlError::new(what, format!("classWeight names class {label}, which y does not have")))?;
                    if !(weight.is_finite() && weight >= 0.0) {
                        return Err(MlError::new(what, format!("classWeight for class {label} is {weight}")));
                    }
                    w[k] = weight;
                }
                Ok(w)
            }
        }
    }
}
