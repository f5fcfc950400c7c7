//! scikit-learn's `RandomForestClassifier` and `RandomForestRegressor`: bagged CART trees with
//! features sampled at every split, predicting by averaging probabilities (classifier) or values.
//!
//! X is rounded and sorted once ([`Prepared`]) and shared by every tree. Each tree gets its own
//! seed, drawn up front from `randomState`, and [`ForestJob::fit_tree`] is a pure function of
//! that seed: the loop over trees can move to a thread pool without changing any result.
//! scikit-learn draws from a different generator, so forests agree with it in accuracy, not
//! tree by tree.
use crate::tree::builder::{self, Limits, Prepared, Target, Tree};
use crate::tree::{argmax, check_f32_range, class_targets, MaxFeatures, SampleCount, TreeOptions};
use crate::{check_features, check_xy, metrics, not_fitted, ClassWeight, Estimator, Kind, Matrix, MlError, Result, Value};
use webgrad_core::Rng;

/// `class_weight` of a forest: scikit-learn's options plus "balanced_subsample" (balanced on
/// each tree's bootstrap sample).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub enum ForestClassWeight {
    Subsample(SubsampleTag),
    Other(ClassWeight),
}

impl TryFrom<serde_json::Value> for ForestClassWeight {
    type Error = String;
    fn try_from(v: serde_json::Value) -> std::result::Result<Self, String> {
        if v.as_str() == Some("balanced_subsample") {
            return Ok(ForestClassWeight::Subsample(SubsampleTag::BalancedSubsample));
        }
        ClassWeight::try_from(v).map(ForestClassWeight::Other).map_err(|e| e.replace("'balanced' or", "'balanced', 'balanced_subsample' or"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubsampleTag {
    BalancedSubsample,
}

macro_rules! forest_params {
    ($name:ident, $criterion:literal, $max_features:expr, $doc:literal $(, $extra:ident : $ty:ty)*) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
        #[serde(default, rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            pub n_estimators: usize,
            pub criterion: String,
            pub max_depth: Option<usize>,
            pub min_samples_split: SampleCount,
            pub min_samples_leaf: SampleCount,
            pub max_features: Option<MaxFeatures>,
            pub min_impurity_decrease: f64,
            pub bootstrap: bool,
            pub oob_score: bool,
            /// Accepted for scikit-learn compatibility; trees are fitted one after another.
            pub n_jobs: Option<i64>,
            pub random_state: Option<u64>,
            pub max_samples: Option<SampleCount>,
            $(pub $extra: $ty,)*
        }
        impl Default for $name {
            fn default() -> Self {
                $name {
                    n_estimators: 100,
                    criterion: $criterion.into(),
                    max_depth: None,
                    min_samples_split: SampleCount::Count(2),
                    min_samples_leaf: SampleCount::Count(1),
                    max_features: $max_features,
                    min_impurity_decrease: 0.0,
                    bootstrap: true,
                    oob_score: false,
                    n_jobs: None,
                    random_state: None,
                    max_samples: None,
                    $($extra: Default::default(),)*
                }
            }
        }
        impl $name {
            /// Tree limits, bootstrap size and the per-tree seeds.
            fn plan(&self, what: &str, classifier: bool, n: usize, d: usize) -> Result<(Limits, usize, Vec<u64>)> {
                let opts = TreeOptions {
                    what,
                    criterion: &self.criterion,
                    max_depth: self.max_depth,
                    min_samples_split: self.min_samples_split,
                    min_samples_leaf: self.min_samples_leaf,
                    max_features: &self.max_features,
                    min_impurity_decrease: self.min_impurity_decrease,
                };
                let limits = opts.limits(classifier, n, d)?;
                if self.n_estimators == 0 {
                    return Err(MlError::new(what, "nEstimators must be at least 1"));
                }
                if self.oob_score && !self.bootstrap {
                    return Err(MlError::new(what, "oobScore needs bootstrap: true (every sample is in every tree)"));
                }
                let n_boot = match (self.bootstrap, self.max_samples) {
                    (_, None) => n,
                    (false, Some(_)) => return Err(MlError::new(what, "maxSamples needs bootstrap: true")),
                    (true, Some(SampleCount::Count(k))) if (1..=n).contains(&k) => k,
                    (true, Some(SampleCount::Fraction(f))) if f > 0.0 && f <= 1.0 => ((n as f64 * f).round() as usize).max(1),
                    (true, Some(s)) => return Err(MlError::new(what, format!("maxSamples must be a count in 1..={n} or a fraction in (0, 1], not {s:?}"))),
                };
                let mut master = Rng::new(self.random_state.unwrap_or(0));
                let seeds = (0..self.n_estimators).map(|_| ((master.next_u32() as u64) << 32) | master.next_u32() as u64).collect();
                Ok((limits, n_boot, seeds))
            }
        }
    };
}

forest_params!(RandomForestClassifierParams, "gini", Some(MaxFeatures::Name("sqrt".into())),
    "Parameters of [`RandomForestClassifier`].", class_weight: Option<ForestClassWeight>);
// scikit-learn 1.1+ regressors consider every feature at each split (max_features=1.0).
forest_params!(RandomForestRegressorParams, "squared_error", Some(MaxFeatures::Fraction(1.0)),
    "Parameters of [`RandomForestRegressor`].");

/// Everything one tree needs; shared read-only by all trees.
pub struct ForestJob<'a> {
    data: &'a Prepared,
    target: Target<'a>,
    /// Class weights per sample (1 for regression).
    weight: &'a [f64],
    limits: &'a Limits,
    /// Bootstrap sample size, or None to fit every tree on all samples.
    n_boot: Option<usize>,
    /// Rebalance classes on each bootstrap sample ("balanced_subsample").
    subsample: bool,
}

/// How many times each sample was drawn: the first draws of a tree's generator.
fn bootstrap_counts(rng: &mut Rng, n: usize, n_boot: usize) -> Vec<f64> {
    let mut counts = vec![0.0; n];
    for _ in 0..n_boot {
        counts[rng.below(n)] += 1.0;
    }
    counts
}

impl ForestJob<'_> {
    pub fn fit_tree(&self, seed: u64) -> Tree {
        let mut rng = Rng::new(seed);
        let n = self.data.n;
        let mut w = match self.n_boot {
            Some(k) => bootstrap_counts(&mut rng, n, k),
            None => vec![1.0; n],
        };
        if let (true, Target::Classes(y, k)) = (self.subsample, &self.target) {
            // scikit-learn's compute_sample_weight("balanced", y, indices=bootstrap).
            let mut per_class = vec![0.0; *k];
            (0..n).for_each(|i| per_class[y[i] as usize] += w[i]);
            let present = per_class.iter().filter(|&&c| c > 0.0).count() as f64;
            let total: f64 = per_class.iter().sum();
            // Classes absent from the sample keep their (zero) weights.
            for i in 0..n {
                let c = per_class[y[i] as usize];
                if c > 0.0 {
                    w[i] *= total / (present * c);
                }
            }
        }
        w.iter_mut().zip(self.weight).for_each(|(a, b)| *a *= b);
        builder::build(self.data, &self.target, &w, self.limits, &mut rng)
    }
    /// The samples a tree never saw (for the out-of-bag score).
    fn out_of_bag(&self, seed: u64) -> Vec<bool> {
        let counts = bootstrap_counts(&mut Rng::new(seed), self.data.n, self.n_boot.unwrap_or(0));
        counts.iter().map(|&c| c == 0.0).collect()
    }
}

#[derive(Debug, Clone)]
struct Fitted {
    trees: Vec<Tree>,
    classes: Vec<f64>,
    n_features: usize,
    importances: Vec<f64>,
    /// Out-of-bag score and per-sample averages, when asked for.
    oob: Option<(f64, Matrix)>,
}

/// Fit every tree, then the out-of-bag averages if wanted.
fn fit_forest(job: &ForestJob, x: &Matrix, seeds: &[u64], classes: Vec<f64>, oob_y: Option<&[f64]>) -> Fitted {
    let trees: Vec<Tree> = seeds.iter().map(|&s| job.fit_tree(s)).collect();
    // Mean of the trees' normalised importances over trees that split at all, renormalised.
    let mut importances = vec![0.0; x.cols];
    let split: Vec<&Tree> = trees.iter().filter(|t| t.nodes.len() > 1).collect();
    for t in &split {
        importances.iter_mut().zip(&t.importances).for_each(|(a, b)| *a += b / split.len() as f64);
    }
    let total: f64 = importances.iter().sum();
    if total > 0.0 {
        importances.iter_mut().for_each(|v| *v /= total);
    }
    let oob = oob_y.map(|y| {
        let k = trees[0].n_out;
        let (mut sum, mut hits) = (Matrix::zeros(x.rows, k), vec![0usize; x.rows]);
        for (t, &s) in trees.iter().zip(seeds) {
            for (i, _) in job.out_of_bag(s).iter().enumerate().filter(|(_, &o)| o) {
                sum.row_mut(i).iter_mut().zip(t.leaf_value(x.row(i))).for_each(|(a, b)| *a += b);
                hits[i] += 1;
            }
        }
        // As scikit-learn, a sample in every bootstrap keeps a zero prediction.
        (0..x.rows).for_each(|i| sum.row_mut(i).iter_mut().for_each(|v| *v /= hits[i].max(1) as f64));
        let pred: Vec<f64> = if classes.is_empty() {
            sum.data.clone()
        } else {
            (0..x.rows).map(|i| classes[argmax(sum.row(i))]).collect()
        };
        let score = if classes.is_empty() { metrics::r2(y, &pred) } else { metrics::accuracy(y, &pred) };
        (score.unwrap_or(f64::NAN), sum)
    });
    Fitted { trees, classes, n_features: x.cols, importances, oob }
}

/// A random forest classifier (`sklearn.ensemble.RandomForestClassifier`).
#[derive(Debug, Clone, Default)]
pub struct RandomForestClassifier {
    pub params: RandomForestClassifierParams,
    fitted: Option<Fitted>,
}

/// A random forest regressor (`sklearn.ensemble.RandomForestRegressor`).
#[derive(Debug, Clone, Default)]
pub struct RandomForestRegressor {
    pub params: RandomForestRegressorParams,
    fitted: Option<Fitted>,
}

macro_rules! forest_common {
    ($t:ident, $p:ident, $name:literal) => {
        impl $t {
            pub fn new(params: $p) -> Self {
                $t { params, fitted: None }
            }
            fn fitted(&self) -> Result<&Fitted> {
                self.fitted.as_ref().ok_or_else(|| not_fitted($name))
            }
            /// The fitted trees (scikit-learn's `estimators_`).
            pub fn estimators(&self) -> Result<&[Tree]> {
                Ok(&self.fitted()?.trees)
            }
            /// The trees' leaf values averaged, one row per sample.
            fn average(&self, x: &Matrix) -> Result<Matrix> {
                let f = self.fitted()?;
                check_features($name, x, f.n_features)?;
                check_f32_range($name, x)?;
                let mut out = Matrix::zeros(x.rows, f.trees[0].n_out);
                let scale = 1.0 / f.trees.len() as f64;
                for i in 0..x.rows {
                    let row = out.row_mut(i);
                    for t in &f.trees {
                        row.iter_mut().zip(t.leaf_value(x.row(i))).for_each(|(a, b)| *a += b * scale);
                    }
                }
                Ok(out)
            }
            fn common_attributes(&self) -> Vec<(&'static str, Value)> {
                let Some(f) = &self.fitted else { return vec![] };
                let mut a = vec![
                    ("featureImportances", Value::Vector(f.importances.clone())),
                    ("nFeaturesIn", Value::Scalar(f.n_features as f64)),
                    ("nOutputs", Value::Scalar(1.0)),
                ];
                if let Some((score, m)) = &f.oob {
                    a.push(("oobScore", Value::Scalar(*score)));
                    a.push(if f.classes.is_empty() { ("oobPrediction", Value::Vector(m.data.clone())) } else { ("oobDecisionFunction", Value::Matrix(m.clone())) });
                }
                a
            }
        }
    };
}
forest_common!(RandomForestClassifier, RandomForestClassifierParams, "RandomForestClassifier");
forest_common!(RandomForestRegressor, RandomForestRegressorParams, "RandomForestRegressor");

impl Estimator for RandomForestClassifier {
    fn name(&self) -> &'static str {
        "RandomForestClassifier"
    }
    fn kind(&self) -> Kind {
        Kind::Classifier
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let what = self.name();
        let y = y.ok_or_else(|| MlError::new(what, "fit needs y (the class labels)"))?;
        check_xy(what, x, Some(y))?;
        check_f32_range(what, x)?;
        let p = &self.params;
        let (limits, n_boot, seeds) = p.plan(what, true, x.rows, x.cols)?;
        let (cw, subsample) = match &p.class_weight {
            Some(ForestClassWeight::Other(c)) => (Some(c.clone()), false),
            // Without bootstrap every tree sees all samples, so "balanced" on them all.
            Some(ForestClassWeight::Subsample(_)) if !p.bootstrap => (Some(ClassWeight::Balanced(crate::BalancedTag::Balanced)), false),
            Some(ForestClassWeight::Subsample(_)) => (None, true),
            None => (None, false),
        };
        let (classes, yi, w) = class_targets(what, y, &cw)?;
        let data = Prepared::new(x);
        let job = ForestJob {
            data: &data,
            target: Target::Classes(&yi, classes.len()),
            weight: &w,
            limits: &limits,
            n_boot: p.bootstrap.then_some(n_boot),
            subsample,
        };
        self.fitted = Some(fit_forest(&job, x, &seeds, classes, p.oob_score.then_some(y)));
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let p = self.average(x)?;
        let classes = &self.fitted()?.classes;
        Ok((0..p.rows).map(|i| classes[argmax(p.row(i))]).collect())
    }
    fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
        self.average(x)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        let mut a = vec![("classes", Value::Vector(f.classes.clone())), ("nClasses", Value::Scalar(f.classes.len() as f64))];
        a.extend(self.common_attributes());
        a
    }
}

impl Estimator for RandomForestRegressor {
    fn name(&self) -> &'static str {
        "RandomForestRegressor"
    }
    fn kind(&self) -> Kind {
        Kind::Regressor
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let what = self.name();
        let y = y.ok_or_else(|| MlError::new(what, "fit needs y (the targets)"))?;
        check_xy(what, x, Some(y))?;
        check_f32_range(what, x)?;
        let p = &self.params;
        let (limits, n_boot, seeds) = p.plan(what, false, x.rows, x.cols)?;
        let (data, w) = (Prepared::new(x), vec![1.0; x.rows]);
        let job = ForestJob { data: &data, target: Target::Values(y), weight: &w, limits: &limits, n_boot: p.bootstrap.then_some(n_boot), subsample: false };
        self.fitted = Some(fit_forest(&job, x, &seeds, vec![], p.oob_score.then_some(y)));
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        Ok(self.average(x)?.data)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        self.common_attributes()
    }
}
