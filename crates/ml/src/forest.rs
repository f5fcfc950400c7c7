//! Random forests (scikit-learn's `RandomForestClassifier` / `RandomForestRegressor`): trees
//! grown on bootstrap samples (counts become sample weights) with a random subset of features
//! tried at each split; probabilities (or values) are averaged. Each tree's generator is
//! derived from `randomState` and the tree's index alone, so a tree does not depend on the
//! others: the per-tree loop can run on a thread pool and give the same forest.
use crate::tree::{class_targets, criterion_of, grow, resolve_max_features, Grow, Grown, MaxFeatures};
use crate::{check_features, check_xy, not_fitted, ClassWeight, Estimator, Kind, Matrix, MlError, Result, Value};
use serde::Deserialize;
use webgrad_core::Rng;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ForestParams {
    pub n_estimators: usize,
    pub criterion: Option<String>,
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    /// Default "sqrt" for the classifier, 1.0 (all) for the regressor, as scikit-learn 1.5.
    pub max_features: Option<MaxFeatures>,
    pub min_impurity_decrease: f64,
    pub bootstrap: bool,
    /// Bootstrap sample size: a count or a fraction of the rows (default: all rows).
    pub max_samples: Option<f64>,
    /// None, "balanced", "balanced_subsample" or weights by label.
    pub class_weight: Option<serde_json::Value>,
    pub random_state: Option<u64>,
}

impl Default for ForestParams {
    fn default() -> Self {
        ForestParams { n_estimators: 100, criterion: None, max_depth: None, min_samples_split: 2, min_samples_leaf: 1, max_features: None, min_impurity_decrease: 0.0, bootstrap: true, max_samples: None, class_weight: None, random_state: None }
    }
}

#[derive(Debug, Clone)]
struct Fitted {
    trees: Vec<Grown>,
    classes: Vec<f64>,
    features: usize,
    importances: Vec<f64>,
}

/// One tree of the forest: its bootstrap draw and growth from its own seed.
fn fit_tree(g: &Grow, x: &Matrix, y: &[f64], w: &[f64], p: &ForestParams, index: usize, n_draw: usize, subsample_weights: Option<&dyn Fn(&[f64]) -> Vec<f64>>) -> Grown {
    let seed = p.random_state.unwrap_or(0).wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(index as u64);
    let mut rng = Rng::new(seed);
    let mut counts = vec![0.0; x.rows];
    if p.bootstrap {
        for _ in 0..n_draw {
            counts[rng.below(x.rows)] += 1.0;
        }
    } else {
        counts.iter_mut().for_each(|c| *c = 1.0);
    }
    let base = match subsample_weights {
        Some(f) => f(&counts),
        None => w.to_vec(),
    };
    let weights: Vec<f64> = counts.iter().zip(&base).map(|(c, b)| c * b).collect();
    let rows: Vec<usize> = (0..x.rows).filter(|&i| counts[i] > 0.0).collect();
    grow(g, x, y, &weights, rows, &mut rng)
}

fn fit_forest(what: &str, p: &ForestParams, x: &Matrix, y: Option<&[f64]>, classify: bool) -> Result<Fitted> {
    let y = y.ok_or_else(|| MlError::new(what, "fit needs y"))?;
    check_xy(what, x, Some(y))?;
    if p.n_estimators == 0 {
        return Err(MlError::new(what, "nEstimators must be at least 1"));
    }
    if p.min_samples_split < 2 || p.min_samples_leaf < 1 {
        return Err(MlError::new(what, "minSamplesSplit must be ≥ 2 and minSamplesLeaf ≥ 1"));
    }
    let n_draw = match p.max_samples {
        None => x.rows,
        Some(v) if v > 0.0 && v <= 1.0 && v.fract() != 0.0 => ((v * x.rows as f64).round() as usize).max(1),
        Some(v) if v >= 1.0 && v.fract() == 0.0 && v as usize <= x.rows => v as usize,
        Some(v) => return Err(MlError::new(what, format!("maxSamples {v} must be a fraction in (0, 1) or a count up to {}", x.rows))),
    };
    let subsample = p.class_weight.as_ref().is_some_and(|v| v == "balanced_subsample");
    if !classify && p.class_weight.is_some() {
        return Err(MlError::new(what, "classWeight is for classifiers"));
    }
    let class_weight: Option<ClassWeight> = match &p.class_weight {
        None => None,
        Some(_) if subsample => None,
        Some(v) => Some(serde_json::from_value(v.clone()).map_err(|_| MlError::new(what, format!("classWeight {v} is not \"balanced\", \"balanced_subsample\" or weights by class")))?),
    };
    let criterion = criterion_of(what, p.criterion.as_deref(), classify)?;
    let (classes, targets, weights) = if classify { class_targets(what, y, &class_weight)? } else { (vec![], y.to_vec(), vec![1.0; y.len()]) };
    let default_mf = if classify { Some(MaxFeatures::Name("sqrt".into())) } else { None };
    let g = Grow {
        criterion,
        max_depth: p.max_depth.unwrap_or(usize::MAX),
        min_samples_split: p.min_samples_split,
        min_samples_leaf: p.min_samples_leaf,
        max_features: resolve_max_features(what, p.max_features.as_ref().map_or(&default_mf, |_| &p.max_features), x.cols)?,
        min_impurity_decrease: p.min_impurity_decrease,
        n_classes: classes.len(),
    };
    // "balanced_subsample": balanced weights computed on each tree's bootstrap counts.
    let k = classes.len();
    let balanced_on = |counts: &[f64]| -> Vec<f64> {
        let mut per = vec![0.0; k];
        for (i, c) in counts.iter().enumerate() {
            per[targets[i] as usize] += c;
        }
        let total: f64 = per.iter().sum();
        targets.iter().map(|&t| if per[t as usize] > 0.0 { total / (k as f64 * per[t as usize]) } else { 0.0 }).collect()
    };
    let trees: Vec<Grown> = (0..p.n_estimators)
        .map(|t| fit_tree(&g, x, &targets, &weights, p, t, n_draw, if subsample { Some(&balanced_on) } else { None }))
        .collect();
    let mut importances = vec![0.0; x.cols];
    for tr in &trees {
        importances.iter_mut().zip(&tr.importances).for_each(|(a, b)| *a += b / trees.len() as f64);
    }
    Ok(Fitted { trees, classes, features: x.cols, importances })
}

fn attributes(f: &Option<Fitted>, classify: bool) -> Vec<(&'static str, Value)> {
    match f {
        None => vec![],
        Some(f) => {
            let mut a = vec![("featureImportances", Value::Vector(f.importances.clone())), ("nFeaturesIn", Value::Scalar(f.features as f64)), ("nEstimators", Value::Scalar(f.trees.len() as f64))];
            if classify {
                a.insert(0, ("classes", Value::Vector(f.classes.clone())));
            }
            a
        }
    }
}

#[derive(Debug, Clone)]
pub struct RandomForestClassifier {
    pub params: ForestParams,
    fitted: Option<Fitted>,
}

impl RandomForestClassifier {
    pub fn new(params: ForestParams) -> Self {
        RandomForestClassifier { params, fitted: None }
    }
}

impl Estimator for RandomForestClassifier {
    fn name(&self) -> &'static str {
        "RandomForestClassifier"
    }
    fn kind(&self) -> Kind {
        Kind::Classifier
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        self.fitted = Some(fit_forest(self.name(), &self.params, x, y, true)?);
        Ok(())
    }
    fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.features)?;
        let mut out = Matrix::zeros(x.rows, f.classes.len());
        let share = 1.0 / f.trees.len() as f64;
        for i in 0..x.rows {
            let row = out.row_mut(i);
            for t in &f.trees {
                row.iter_mut().zip(t.leaf_value(x.row(i))).for_each(|(o, v)| *o += share * v);
            }
        }
        Ok(out)
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        let p = self.predict_proba(x)?;
        Ok((0..p.rows).map(|i| f.classes[crate::tree::argmax(p.row(i))]).collect())
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        attributes(&self.fitted, true)
    }
}

#[derive(Debug, Clone)]
pub struct RandomForestRegressor {
    pub params: ForestParams,
    fitted: Option<Fitted>,
}

impl RandomForestRegressor {
    pub fn new(params: ForestParams) -> Self {
        RandomForestRegressor { params, fitted: None }
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
        self.fitted = Some(fit_forest(self.name(), &self.params, x, y, false)?);
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let f = self.fitted.as_ref().ok_or_else(|| not_fitted(self.name()))?;
        check_features(self.name(), x, f.features)?;
        Ok((0..x.rows).map(|i| f.trees.iter().map(|t| t.leaf_value(x.row(i))[0]).sum::<f64>() / f.trees.len() as f64).collect())
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        attributes(&self.fitted, false)
    }
}
