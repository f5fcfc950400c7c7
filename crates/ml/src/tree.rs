//! CART decision trees (scikit-learn's `DecisionTreeClassifier` / `DecisionTreeRegressor`,
//! splitter "best"): at each node every candidate feature is sorted and every threshold between
//! two distinct values (their midpoint) is scored by the weighted impurity decrease; the best
//! split wins. Sample weights carry class weights and bootstrap counts. Trees are a flat array
//! of nodes. Among equally good splits the first feature in a seeded random order wins, as in
//! scikit-learn (which permutes features too), so ties may resolve differently from it.
use crate::{check_features, check_xy, encode_labels, not_fitted, ClassWeight, Estimator, Kind, Matrix, MlError, Result, Value};
use serde::Deserialize;
use webgrad_core::Rng;

/// `maxFeatures`: all (null), a count, a fraction, "sqrt" or "log2".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum MaxFeatures {
    Number(f64),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct TreeParams {
    /// "gini", "entropy" / "log_loss" (classifier), "squared_error" (regressor); default by kind.
    pub criterion: Option<String>,
    pub splitter: String,
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub max_features: Option<MaxFeatures>,
    pub min_impurity_decrease: f64,
    pub class_weight: Option<ClassWeight>,
    pub random_state: Option<u64>,
}

impl Default for TreeParams {
    fn default() -> Self {
        TreeParams { criterion: None, splitter: "best".into(), max_depth: None, min_samples_split: 2, min_samples_leaf: 1, max_features: None, min_impurity_decrease: 0.0, class_weight: None, random_state: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Criterion {
    Gini,
    Entropy,
    Mse,
}

/// One node: a split (feature, threshold, children) or a leaf (`left == usize::MAX`). `value`
/// holds the class weights normalised to probabilities, or the mean target.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    feature: usize,
    threshold: f64,
    left: usize,
    right: usize,
    value: Vec<f64>,
}

/// A grown tree: nodes (root first), the impurity decrease credited to each feature.
#[derive(Debug, Clone)]
pub(crate) struct Grown {
    nodes: Vec<Node>,
    pub(crate) importances: Vec<f64>,
    depth: usize,
}

impl Grown {
    pub(crate) fn leaf_value(&self, row: &[f64]) -> &[f64] {
        let mut n = 0;
        while self.nodes[n].left != usize::MAX {
            let node = &self.nodes[n];
            n = if row[node.feature] <= node.threshold { node.left } else { node.right };
        }
        &self.nodes[n].value
    }
}

/// Settings of one growth, resolved from the parameters.
pub(crate) struct Grow {
    pub criterion: Criterion,
    pub max_depth: usize,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub max_features: usize,
    pub min_impurity_decrease: f64,
    /// Classes (classifier) or 0 (regressor).
    pub n_classes: usize,
}

pub(crate) fn resolve_max_features(what: &str, m: &Option<MaxFeatures>, cols: usize) -> Result<usize> {
    let n = match m {
        None => cols,
        Some(MaxFeatures::Name(s)) if s == "sqrt" => (cols as f64).sqrt() as usize,
        Some(MaxFeatures::Name(s)) if s == "log2" => (cols as f64).log2() as usize,
        Some(MaxFeatures::Name(s)) => return Err(MlError::new(what, format!("maxFeatures {s:?} is not a number, \"sqrt\" or \"log2\""))),
        Some(MaxFeatures::Number(v)) if *v >= 1.0 && v.fract() == 0.0 => *v as usize,
        Some(MaxFeatures::Number(v)) if *v > 0.0 && *v <= 1.0 => (v * cols as f64) as usize,
        Some(MaxFeatures::Number(v)) => return Err(MlError::new(what, format!("maxFeatures {v} must be a count ≥ 1 or a fraction in (0, 1]"))),
    };
    Ok(n.clamp(1, cols))
}

fn impurity(c: Criterion, stats: &[f64], w: f64) -> f64 {
    if w <= 0.0 {
        return 0.0;
    }
    match c {
        Criterion::Gini => 1.0 - stats.iter().map(|s| (s / w) * (s / w)).sum::<f64>(),
        Criterion::Entropy => -stats.iter().filter(|&&s| s > 0.0).map(|s| (s / w) * (s / w).log2()).sum::<f64>(),
        // stats = [Σ w·y, Σ w·y²]
        Criterion::Mse => stats[1] / w - (stats[0] / w).powi(2),
    }
}

fn add(stats: &mut [f64], c: Criterion, y: f64, w: f64, sign: f64) {
    if c == Criterion::Mse {
        stats[0] += sign * w * y;
        stats[1] += sign * w * y * y;
    } else {
        stats[y as usize] += sign * w;
    }
}

/// Grow a tree on the rows `rows` (with weights `w` by row, zero-weight rows left out).
pub(crate) fn grow(g: &Grow, x: &Matrix, y: &[f64], w: &[f64], rows: Vec<usize>, rng: &mut Rng) -> Grown {
    let width = if g.criterion == Criterion::Mse { 2 } else { g.n_classes };
    let total_w: f64 = rows.iter().map(|&i| w[i]).sum();
    let mut nodes: Vec<Node> = Vec::new();
    let mut importances = vec![0.0; x.cols];
    let mut max_depth_seen = 0;
    // (rows, depth, parent slot to patch: (parent, is_left))
    let mut stack: Vec<(Vec<usize>, usize, Option<(usize, bool)>)> = vec![(rows, 0, None)];
    let mut sorted: Vec<(f64, usize)> = Vec::new();
    while let Some((rows, depth, parent)) = stack.pop() {
        let id = nodes.len();
        if let Some((p, left)) = parent {
            if left { nodes[p].left = id } else { nodes[p].right = id }
        }
        max_depth_seen = max_depth_seen.max(depth);
        let mut stats = vec![0.0; width];
        let mut node_w = 0.0;
        for &i in &rows {
            add(&mut stats, g.criterion, y[i], w[i], 1.0);
            node_w += w[i];
        }
        let node_imp = impurity(g.criterion, &stats, node_w);
        let value = if g.criterion == Criterion::Mse { vec![stats[0] / node_w] } else { stats.iter().map(|s| s / node_w).collect() };
        nodes.push(Node { feature: 0, threshold: 0.0, left: usize::MAX, right: usize::MAX, value });
        let can_split = depth < g.max_depth && rows.len() >= g.min_samples_split && rows.len() >= 2 * g.min_samples_leaf && node_imp > 1e-12;
        if !can_split {
            continue;
        }
        // Best split: (score = weighted child impurity, feature, threshold, left count).
        let mut best: Option<(f64, usize, f64)> = None;
        let features = rng.permutation(x.cols);
        let mut tried = 0;
        for &f in &features {
            if tried >= g.max_features {
                break;
            }
            sorted.clear();
            sorted.extend(rows.iter().map(|&i| (x.get(i, f), i)));
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            if sorted[0].0 == sorted[sorted.len() - 1].0 {
                continue; // constant here: does not count against maxFeatures, as in scikit-learn
            }
            tried += 1;
            let mut left = vec![0.0; width];
            let mut left_w = 0.0;
            for k in 0..sorted.len() - 1 {
                let (v, i) = sorted[k];
                add(&mut left, g.criterion, y[i], w[i], 1.0);
                left_w += w[i];
                let next = sorted[k + 1].0;
                let n_left = k + 1;
                if next <= v + 1e-7 || n_left < g.min_samples_leaf || rows.len() - n_left < g.min_samples_leaf {
                    continue;
                }
                let right: Vec<f64> = stats.iter().zip(&left).map(|(s, l)| s - l).collect();
                let right_w = node_w - left_w;
                let score = left_w * impurity(g.criterion, &left, left_w) + right_w * impurity(g.criterion, &right, right_w);
                if best.is_none_or(|b| score < b.0 - 1e-12 * node_w.max(1.0)) {
                    let mut t = v / 2.0 + next / 2.0;
                    if t == next || !t.is_finite() {
                        t = v;
                    }
                    best = Some((score, f, t));
                }
            }
        }
        let Some((score, f, t)) = best else { continue };
        let decrease = node_w * node_imp - score;
        if decrease / total_w < g.min_impurity_decrease || decrease <= 0.0 {
            continue;
        }
        importances[f] += decrease;
        nodes[id].feature = f;
        nodes[id].threshold = t;
        nodes[id].left = usize::MAX - 1; // patched when the child is made
        let (l, r): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&i| x.get(i, f) <= t);
        // Right first on the stack so the left child gets the next index, as a preorder.
        stack.push((r, depth + 1, Some((id, false))));
        stack.push((l, depth + 1, Some((id, true))));
    }
    let sum: f64 = importances.iter().sum();
    if sum > 0.0 {
        importances.iter_mut().for_each(|v| *v /= sum);
    }
    Grown { nodes, importances, depth: max_depth_seen }
}

pub(crate) fn criterion_of(what: &str, name: Option<&str>, classify: bool) -> Result<Criterion> {
    match (name, classify) {
        (None | Some("gini"), true) => Ok(Criterion::Gini),
        (Some("entropy" | "log_loss"), true) => Ok(Criterion::Entropy),
        (None | Some("squared_error"), false) => Ok(Criterion::Mse),
        (Some(c), _) => Err(MlError::new(what, format!("criterion {c:?} is not one this estimator has ({})", if classify { "gini, entropy, log_loss" } else { "squared_error" }))),
    }
}

/// Class indices and per-sample weights from `y` and `class_weight`.
pub(crate) fn class_targets(what: &str, y: &[f64], cw: &Option<ClassWeight>) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let (classes, idx) = encode_labels(y);
    let mut counts = vec![0usize; classes.len()];
    idx.iter().for_each(|&k| counts[k] += 1);
    let cw = cw.clone().unwrap_or_default();
    let per_class = cw.weights(what, &classes, &counts)?;
    Ok((classes, idx.iter().map(|&k| k as f64).collect(), idx.iter().map(|&k| per_class[k]).collect()))
}

#[derive(Debug, Clone)]
struct Fitted {
    tree: Grown,
    classes: Vec<f64>,
    features: usize,
}

macro_rules! tree_estimator {
    ($name:ident, $kind:expr, $classify:expr) => {
        #[derive(Debug, Clone)]
        pub struct $name {
            pub params: TreeParams,
            fitted: Option<Fitted>,
        }
        impl $name {
            pub fn new(params: TreeParams) -> Self {
                $name { params, fitted: None }
            }
            fn state(&self) -> Result<&Fitted> {
                self.fitted.as_ref().ok_or_else(|| not_fitted(stringify!($name)))
            }
            pub fn get_depth(&self) -> Result<usize> {
                Ok(self.state()?.tree.depth)
            }
            pub fn get_n_leaves(&self) -> Result<usize> {
                Ok(self.state()?.tree.nodes.iter().filter(|n| n.left == usize::MAX).count())
            }
        }
        impl Estimator for $name {
            fn name(&self) -> &'static str {
                stringify!($name)
            }
            fn kind(&self) -> Kind {
                $kind
            }
            fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
                let what = self.name();
                let p = &self.params;
                let y = y.ok_or_else(|| MlError::new(what, "fit needs y"))?;
                check_xy(what, x, Some(y))?;
                if p.splitter != "best" {
                    return Err(MlError::new(what, format!("splitter {:?} is not supported (\"best\")", p.splitter)));
                }
                if p.min_samples_split < 2 || p.min_samples_leaf < 1 {
                    return Err(MlError::new(what, "minSamplesSplit must be ≥ 2 and minSamplesLeaf ≥ 1"));
                }
                if !$classify && p.class_weight.is_some() {
                    return Err(MlError::new(what, "classWeight is for classifiers"));
                }
                let criterion = criterion_of(what, p.criterion.as_deref(), $classify)?;
                let (classes, targets, weights) = if $classify { class_targets(what, y, &p.class_weight)? } else { (vec![], y.to_vec(), vec![1.0; y.len()]) };
                let g = Grow {
                    criterion,
                    max_depth: p.max_depth.unwrap_or(usize::MAX),
                    min_samples_split: p.min_samples_split,
                    min_samples_leaf: p.min_samples_leaf,
                    max_features: resolve_max_features(what, &p.max_features, x.cols)?,
                    min_impurity_decrease: p.min_impurity_decrease,
                    n_classes: classes.len(),
                };
                let mut rng = Rng::new(p.random_state.unwrap_or(0));
                let tree = grow(&g, x, &targets, &weights, (0..x.rows).collect(), &mut rng);
                self.fitted = Some(Fitted { tree, classes, features: x.cols });
                Ok(())
            }
            fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
                let f = self.state()?;
                if !$classify {
                    return Err(MlError::new(self.name(), "has no predictProba"));
                }
                check_features(self.name(), x, f.features)?;
                let mut out = Matrix::zeros(x.rows, f.classes.len());
                for i in 0..x.rows {
                    out.row_mut(i).copy_from_slice(f.tree.leaf_value(x.row(i)));
                }
                Ok(out)
            }
            fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
                let f = self.state()?;
                check_features(self.name(), x, f.features)?;
                Ok((0..x.rows)
                    .map(|i| {
                        let v = f.tree.leaf_value(x.row(i));
                        if $classify { f.classes[argmax(v)] } else { v[0] }
                    })
                    .collect())
            }
            fn attributes(&self) -> Vec<(&'static str, Value)> {
                match &self.fitted {
                    None => vec![],
                    Some(f) => {
                        let mut a = vec![
                            ("featureImportances", Value::Vector(f.tree.importances.clone())),
                            ("nFeaturesIn", Value::Scalar(f.features as f64)),
                            ("depth", Value::Scalar(f.tree.depth as f64)),
                            ("nLeaves", Value::Scalar(f.tree.nodes.iter().filter(|n| n.left == usize::MAX).count() as f64)),
                        ];
                        if $classify {
                            a.insert(0, ("classes", Value::Vector(f.classes.clone())));
                        }
                        a
                    }
                }
            }
        }
    };
}

/// The first index of the largest value (numpy's argmax).
pub(crate) fn argmax(v: &[f64]) -> usize {
    v.iter().enumerate().fold(0, |b, (j, &x)| if x > v[b] { j } else { b })
}

tree_estimator!(DecisionTreeClassifier, Kind::Classifier, true);
tree_estimator!(DecisionTreeRegressor, Kind::Regressor, false);
