//! scikit-learn's `DecisionTreeClassifier` and `DecisionTreeRegressor` (CART, best splitter).
//!
//! The growing itself lives in [`builder`] and is shared with the forests; this file holds the
//! parameters (scikit-learn 1.5's names and defaults), their validation and the `Estimator`
//! glue. As scikit-learn, the trees see X rounded to float32 and features are visited in a
//! random order at every node, so when two splits are exactly as good the one chosen depends on
//! `randomState` (and may differ from scikit-learn's for the same seed).
pub mod builder;

use crate::{check_features, check_xy, encode_labels, not_fitted, ClassWeight, Estimator, Kind, Matrix, MlError, Result, Value};
use builder::{Criterion, Limits, Prepared, Target, Tree};
use webgrad_core::Rng;

/// A sample count given as a number of samples or (a non-integer) a fraction of them, as
/// scikit-learn's `min_samples_split`, `min_samples_leaf` and `max_samples`. JSON cannot tell
/// 1 from 1.0, so whole numbers are always counts.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum SampleCount {
    Count(usize),
    Fraction(f64),
}

/// `max_features`: a count, a fraction of the features, or "sqrt" / "log2".
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum MaxFeatures {
    Count(usize),
    Fraction(f64),
    Name(String),
}

impl MaxFeatures {
    /// The value as the caller wrote it (JSON), for messages.
    fn shown(&self) -> String {
        match self {
            MaxFeatures::Count(k) => k.to_string(),
            MaxFeatures::Fraction(f) => f.to_string(),
            MaxFeatures::Name(s) => format!("{s:?}"),
        }
    }
    pub(crate) fn resolve(this: &Option<MaxFeatures>, what: &str, d: usize) -> Result<usize> {
        let k = match this {
            None => d,
            Some(MaxFeatures::Count(k)) if (1..=d).contains(k) => *k,
            Some(MaxFeatures::Fraction(f)) if *f > 0.0 && *f <= 1.0 => ((f * d as f64) as usize).max(1),
            Some(MaxFeatures::Name(s)) if s == "sqrt" => ((d as f64).sqrt() as usize).max(1),
            Some(MaxFeatures::Name(s)) if s == "log2" => ((d as f64).log2() as usize).max(1),
            Some(other) => {
                return Err(MlError::new(
                    what,
                    format!("maxFeatures must be null, 'sqrt', 'log2', a count in 1..={d} or a fraction in (0, 1], not {}", other.shown()),
                ))
            }
        };
        Ok(k)
    }
}

/// The limits every tree shares, before they are resolved against the data.
#[derive(Debug, Clone)]
pub(crate) struct TreeOptions<'a> {
    pub what: &'a str,
    pub criterion: &'a str,
    pub max_depth: Option<usize>,
    pub min_samples_split: SampleCount,
    pub min_samples_leaf: SampleCount,
    pub max_features: &'a Option<MaxFeatures>,
    pub min_impurity_decrease: f64,
}

impl TreeOptions<'_> {
    /// Check the options against `n` samples of `d` features, as scikit-learn's `fit`.
    pub(crate) fn limits(&self, classifier: bool, n: usize, d: usize) -> Result<Limits> {
        let what = self.what;
        let criterion = match (classifier, self.criterion) {
            (true, "gini") => Criterion::Gini,
            (true, "entropy" | "log_loss") => Criterion::Entropy,
            (false, "squared_error") => Criterion::SquaredError,
            (true, c) => return Err(MlError::new(what, format!("criterion must be 'gini', 'entropy' or 'log_loss', not {c:?}"))),
            (false, c) => return Err(MlError::new(what, format!("criterion must be 'squared_error' (the only one supported), not {c:?}"))),
        };
        let min_samples_split = match self.min_samples_split {
            SampleCount::Count(k) if k >= 2 => k,
            SampleCount::Fraction(f) if f > 0.0 && f <= 1.0 => ((f * n as f64).ceil() as usize).max(2),
            s => return Err(MlError::new(what, format!("minSamplesSplit must be a count >= 2 or a fraction in (0, 1], not {s:?}"))),
        };
        let min_samples_leaf = match self.min_samples_leaf {
            SampleCount::Count(k) if k >= 1 => k,
            SampleCount::Fraction(f) if f > 0.0 && f < 1.0 => ((f * n as f64).ceil() as usize).max(1),
            s => return Err(MlError::new(what, format!("minSamplesLeaf must be a count >= 1 or a fraction in (0, 1), not {s:?}"))),
        };
        if self.max_depth == Some(0) {
            return Err(MlError::new(what, "maxDepth must be at least 1 (or null for no limit)"));
        }
        if self.min_impurity_decrease.is_nan() || self.min_impurity_decrease < 0.0 {
            return Err(MlError::new(what, format!("minImpurityDecrease must be >= 0, not {}", self.min_impurity_decrease)));
        }
        Ok(Limits {
            criterion,
            max_depth: self.max_depth.unwrap_or(usize::MAX),
            // As scikit-learn: a node too small to give two leaves is not split.
            min_samples_split: min_samples_split.max(2 * min_samples_leaf),
            min_samples_leaf,
            max_features: MaxFeatures::resolve(self.max_features, what, d)?,
            min_impurity_decrease: self.min_impurity_decrease,
        })
    }
}

/// scikit-learn refuses values float32 cannot hold; so do we (they would become infinities).
pub(crate) fn check_f32_range(what: &str, x: &Matrix) -> Result<()> {
    if let Some(k) = x.data.iter().position(|v| v.abs() > f32::MAX as f64) {
        let c = x.cols.max(1);
        return Err(MlError::new(what, format!("X[{}, {}] = {} is too large for float32, which trees use", k / c, k % c, x.data[k])));
    }
    Ok(())
}

/// Class indices as the builder wants them, the per-class counts and the per-sample weights
/// from `classWeight`.
pub(crate) fn class_targets(what: &str, y: &[f64], cw: &Option<ClassWeight>) -> Result<(Vec<f64>, Vec<u32>, Vec<f64>)> {
    let (classes, idx) = encode_labels(y);
    let mut counts = vec![0usize; classes.len()];
    idx.iter().for_each(|&k| counts[k] += 1);
    let w = cw.clone().unwrap_or_default().weights(what, &classes, &counts)?;
    Ok((classes, idx.iter().map(|&k| k as u32).collect(), idx.iter().map(|&k| w[k]).collect()))
}

pub(crate) fn argmax(p: &[f64]) -> usize {
    // The first maximum, so ties go to the smaller class as numpy's argmax.
    p.iter().enumerate().fold(0, |b, (i, &v)| if v > p[b] { i } else { b })
}

macro_rules! tree_params {
    ($name:ident, $criterion:literal, $doc:literal $(, $extra:ident : $ty:ty)*) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
        #[serde(default, rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            pub criterion: String,
            /// Only "best" is supported.
            pub splitter: String,
            pub max_depth: Option<usize>,
            pub min_samples_split: SampleCount,
            pub min_samples_leaf: SampleCount,
            pub max_features: Option<MaxFeatures>,
            pub min_impurity_decrease: f64,
            $(pub $extra: $ty,)*
            pub random_state: Option<u64>,
        }
        impl Default for $name {
            fn default() -> Self {
                $name {
                    criterion: $criterion.into(),
                    splitter: "best".into(),
                    max_depth: None,
                    min_samples_split: SampleCount::Count(2),
                    min_samples_leaf: SampleCount::Count(1),
                    max_features: None,
                    min_impurity_decrease: 0.0,
                    $($extra: Default::default(),)*
                    random_state: None,
                }
            }
        }
        impl $name {
            fn options(&self, what: &'static str) -> Result<TreeOptions<'_>> {
                if self.splitter != "best" {
                    return Err(MlError::new(what, format!("splitter must be 'best' (the only one supported), not {:?}", self.splitter)));
                }
                Ok(TreeOptions {
                    what,
                    criterion: &self.criterion,
                    max_depth: self.max_depth,
                    min_samples_split: self.min_samples_split,
                    min_samples_leaf: self.min_samples_leaf,
                    max_features: &self.max_features,
                    min_impurity_decrease: self.min_impurity_decrease,
                })
            }
        }
    };
}

tree_params!(DecisionTreeClassifierParams, "gini", "Parameters of [`DecisionTreeClassifier`].", class_weight: Option<ClassWeight>);
tree_params!(DecisionTreeRegressorParams, "squared_error", "Parameters of [`DecisionTreeRegressor`].");

#[derive(Debug, Clone)]
struct Fitted {
    tree: Tree,
    classes: Vec<f64>,
    n_features: usize,
    max_features: usize,
}

fn fit_tree(opts: TreeOptions, x: &Matrix, target: &Target, weight: &[f64], seed: Option<u64>, classes: Vec<f64>) -> Result<Fitted> {
    let limits = opts.limits(matches!(target, Target::Classes(..)), x.rows, x.cols)?;
    let tree = builder::build(&Prepared::new(x), target, weight, &limits, &mut Rng::new(seed.unwrap_or(0)));
    Ok(Fitted { tree, classes, n_features: x.cols, max_features: limits.max_features })
}

fn common_attributes(f: &Fitted) -> Vec<(&'static str, Value)> {
    vec![
        ("featureImportances", Value::Vector(f.tree.importances.clone())),
        ("depth", Value::Scalar(f.tree.depth as f64)),
        ("nLeaves", Value::Scalar(f.tree.n_leaves() as f64)),
        ("nFeaturesIn", Value::Scalar(f.n_features as f64)),
        ("maxFeatures", Value::Scalar(f.max_features as f64)),
        ("nOutputs", Value::Scalar(1.0)),
    ]
}

/// A classification tree (`sklearn.tree.DecisionTreeClassifier`).
#[derive(Debug, Clone, Default)]
pub struct DecisionTreeClassifier {
    pub params: DecisionTreeClassifierParams,
    fitted: Option<Fitted>,
}

/// A regression tree (`sklearn.tree.DecisionTreeRegressor`).
#[derive(Debug, Clone, Default)]
pub struct DecisionTreeRegressor {
    pub params: DecisionTreeRegressorParams,
    fitted: Option<Fitted>,
}

macro_rules! tree_common {
    ($t:ident, $p:ident, $name:literal) => {
        impl $t {
            pub fn new(params: $p) -> Self {
                $t { params, fitted: None }
            }
            fn fitted(&self) -> Result<&Fitted> {
                self.fitted.as_ref().ok_or_else(|| not_fitted($name))
            }
            /// The longest root-to-leaf path (a lone leaf has depth 0).
            pub fn get_depth(&self) -> Result<usize> {
                Ok(self.fitted()?.tree.depth)
            }
            pub fn get_n_leaves(&self) -> Result<usize> {
                Ok(self.fitted()?.tree.n_leaves())
            }
            /// The fitted tree's flat node array and values.
            pub fn tree(&self) -> Result<&Tree> {
                Ok(&self.fitted()?.tree)
            }
            fn leaf_values(&self, x: &Matrix) -> Result<Matrix> {
                let f = self.fitted()?;
                check_features($name, x, f.n_features)?;
                let k = f.tree.n_out;
                let mut out = Matrix::zeros(x.rows, k);
                for i in 0..x.rows {
                    out.row_mut(i).copy_from_slice(f.tree.leaf_value(x.row(i)));
                }
                Ok(out)
            }
        }
    };
}
tree_common!(DecisionTreeClassifier, DecisionTreeClassifierParams, "DecisionTreeClassifier");
tree_common!(DecisionTreeRegressor, DecisionTreeRegressorParams, "DecisionTreeRegressor");

impl Estimator for DecisionTreeClassifier {
    fn name(&self) -> &'static str {
        "DecisionTreeClassifier"
    }
    fn kind(&self) -> Kind {
        Kind::Classifier
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let what = self.name();
        let y = y.ok_or_else(|| MlError::new(what, "fit needs y (the class labels)"))?;
        check_xy(what, x, Some(y))?;
        check_f32_range(what, x)?;
        let (classes, yi, w) = class_targets(what, y, &self.params.class_weight)?;
        let target = Target::Classes(&yi, classes.len());
        self.fitted = Some(fit_tree(self.params.options(what)?, x, &target, &w, self.params.random_state, classes)?);
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let p = self.predict_proba(x)?;
        let classes = &self.fitted()?.classes;
        Ok((0..p.rows).map(|i| classes[argmax(p.row(i))]).collect())
    }
    fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
        check_f32_range(self.name(), x)?;
        self.leaf_values(x)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        let mut a = vec![("classes", Value::Vector(f.classes.clone())), ("nClasses", Value::Scalar(f.classes.len() as f64))];
        a.extend(common_attributes(f));
        a
    }
}

impl Estimator for DecisionTreeRegressor {
    fn name(&self) -> &'static str {
        "DecisionTreeRegressor"
    }
    fn kind(&self) -> Kind {
        Kind::Regressor
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let what = self.name();
        let y = y.ok_or_else(|| MlError::new(what, "fit needs y (the targets)"))?;
        check_xy(what, x, Some(y))?;
        check_f32_range(what, x)?;
        let w = vec![1.0; x.rows];
        self.fitted = Some(fit_tree(self.params.options(what)?, x, &Target::Values(y), &w, self.params.random_state, vec![])?);
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        check_f32_range(self.name(), x)?;
        Ok(self.leaf_values(x)?.data)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        self.fitted.as_ref().map(common_attributes).unwrap_or_default()
    }
}
