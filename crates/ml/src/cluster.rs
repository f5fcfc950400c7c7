//! k-means (scikit-learn's `KMeans`, Lloyd's algorithm) with k-means++ seeding (the greedy
//! variant scikit-learn uses: 2 + ⌊ln k⌋ candidates per centre, the one that lowers the
//! potential most wins) or random rows, `nInit` restarts keeping the lowest inertia.
use crate::{check_features, check_xy, not_fitted, Estimator, Kind, Matrix, MlError, Result, Value};
use serde::Deserialize;
use webgrad_core::Rng;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum NInit {
    Auto(AutoTag),
    Count(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoTag {
    Auto,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct KMeansParams {
    pub n_clusters: usize,
    /// "k-means++" or "random".
    pub init: String,
    /// "auto": 1 run for k-means++, 10 for random (scikit-learn ≥ 1.4).
    pub n_init: NInit,
    pub max_iter: usize,
    /// Convergence when the centres move less than tol × the mean feature variance (squared).
    pub tol: f64,
    pub random_state: Option<u64>,
    pub algorithm: String,
}

impl Default for KMeansParams {
    fn default() -> Self {
        KMeansParams { n_clusters: 8, init: "k-means++".into(), n_init: NInit::Auto(AutoTag::Auto), max_iter: 300, tol: 1e-4, random_state: None, algorithm: "lloyd".into() }
    }
}

#[derive(Debug, Clone)]
struct Fitted {
    centers: Matrix,
    labels: Vec<usize>,
    inertia: f64,
    n_iter: usize,
}

#[derive(Debug, Clone)]
pub struct KMeans {
    pub params: KMeansParams,
    fitted: Option<Fitted>,
}

fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The nearest centre of each row and the squared distance to it.
fn assign(x: &Matrix, centers: &Matrix) -> (Vec<usize>, Vec<f64>) {
    let mut labels = vec![0; x.rows];
    let mut dist = vec![0.0; x.rows];
    for i in 0..x.rows {
        let r = x.row(i);
        let (mut best, mut bd) = (0, f64::INFINITY);
        for c in 0..centers.rows {
            let d = sq_dist(r, centers.row(c));
            if d < bd {
                best = c;
                bd = d;
            }
        }
        labels[i] = best;
        dist[i] = bd;
    }
    (labels, dist)
}

/// A row drawn with probability proportional to `weights` (uniform if they are all zero).
fn draw(rng: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return rng.below(weights.len());
    }
    let mut target = rng.uniform() as f64 * total;
    for (i, &w) in weights.iter().enumerate() {
        target -= w;
        if target < 0.0 {
            return i;
        }
    }
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
}

fn kmeans_pp(x: &Matrix, k: usize, rng: &mut Rng) -> Matrix {
    let trials = 2 + (k as f64).ln() as usize;
    let mut centers = Matrix::zeros(k, x.cols);
    let first = rng.below(x.rows);
    centers.row_mut(0).copy_from_slice(x.row(first));
    let mut closest: Vec<f64> = (0..x.rows).map(|i| sq_dist(x.row(i), x.row(first))).collect();
    for c in 1..k {
        let mut best: Option<(usize, f64, Vec<f64>)> = None;
        for _ in 0..trials {
            let cand = draw(rng, &closest);
            let next: Vec<f64> = (0..x.rows).map(|i| closest[i].min(sq_dist(x.row(i), x.row(cand)))).collect();
            let potential: f64 = next.iter().sum();
            if best.as_ref().is_none_or(|b| potential < b.1) {
                best = Some((cand, potential, next));
            }
        }
        let (cand, _, next) = best.expect("at least two trials");
        centers.row_mut(c).copy_from_slice(x.row(cand));
        closest = next;
    }
    centers
}

fn lloyd(x: &Matrix, mut centers: Matrix, max_iter: usize, tol: f64) -> Fitted {
    let k = centers.rows;
    let mut labels = Vec::new();
    let mut n_iter = 0;
    for it in 0..max_iter {
        n_iter = it + 1;
        let (new_labels, _) = assign(x, &centers);
        let mut sums = Matrix::zeros(k, x.cols);
        let mut counts = vec![0usize; k];
        for (i, &l) in new_labels.iter().enumerate() {
            counts[l] += 1;
            sums.row_mut(l).iter_mut().zip(x.row(i)).for_each(|(s, v)| *s += v);
        }
        let mut shift = 0.0;
        for c in 0..k {
            // An empty cluster keeps its centre (scikit-learn relocates it to a far point; with
            // k-means++ seeding this is rare).
            if counts[c] == 0 {
                continue;
            }
            let new: Vec<f64> = sums.row(c).iter().map(|s| s / counts[c] as f64).collect();
            shift += sq_dist(&new, centers.row(c));
            centers.row_mut(c).copy_from_slice(&new);
        }
        let same = new_labels == labels;
        labels = new_labels;
        if same || shift <= tol {
            break;
        }
    }
    // Labels and inertia for the final centres.
    let (labels, dist) = assign(x, &centers);
    Fitted { centers, labels, inertia: dist.iter().sum(), n_iter }
}

impl KMeans {
    pub fn new(params: KMeansParams) -> Self {
        KMeans { params, fitted: None }
    }
    fn state(&self) -> Result<&Fitted> {
        self.fitted.as_ref().ok_or_else(|| not_fitted("KMeans"))
    }
}

impl Estimator for KMeans {
    fn name(&self) -> &'static str {
        "KMeans"
    }
    fn kind(&self) -> Kind {
        Kind::Clusterer
    }
    fn fit(&mut self, x: &Matrix, _y: Option<&[f64]>) -> Result<()> {
        let p = &self.params;
        check_xy("KMeans", x, None)?;
        let k = p.n_clusters;
        if k == 0 || k > x.rows {
            return Err(MlError::new("KMeans", format!("nClusters = {k} must be between 1 and the number of samples ({})", x.rows)));
        }
        let random = match p.init.as_str() {
            "k-means++" => false,
            "random" => true,
            other => return Err(MlError::new("KMeans", format!("init {other:?} is not \"k-means++\" or \"random\""))),
        };
        if p.algorithm != "lloyd" {
            return Err(MlError::new("KMeans", format!("algorithm {:?} is not supported (\"lloyd\")", p.algorithm)));
        }
        let n_init = match p.n_init {
            NInit::Auto(_) => if random { 10 } else { 1 },
            NInit::Count(0) => return Err(MlError::new("KMeans", "nInit must be at least 1")),
            NInit::Count(n) => n,
        };
        // tol is relative to the data: scikit-learn scales it by the mean feature variance.
        let n = x.rows as f64;
        let mut mean_var = 0.0;
        for j in 0..x.cols {
            let m = (0..x.rows).map(|i| x.get(i, j)).sum::<f64>() / n;
            mean_var += (0..x.rows).map(|i| (x.get(i, j) - m).powi(2)).sum::<f64>() / n;
        }
        let tol = p.tol * mean_var / x.cols as f64;
        let mut rng = Rng::new(p.random_state.unwrap_or(0));
        let mut best: Option<Fitted> = None;
        for _ in 0..n_init {
            let centers = if random { x.select_rows(&rng.permutation(x.rows)[..k]) } else { kmeans_pp(x, k, &mut rng) };
            let run = lloyd(x, centers, p.max_iter.max(1), tol);
            if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
                best = Some(run);
            }
        }
        self.fitted = best;
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let f = self.state()?;
        check_features("KMeans", x, f.centers.cols)?;
        Ok(assign(x, &f.centers).0.into_iter().map(|l| l as f64).collect())
    }
    /// Distances to every centre, [samples, clusters].
    fn transform(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.state()?;
        check_features("KMeans", x, f.centers.cols)?;
        let mut out = Matrix::zeros(x.rows, f.centers.rows);
        for i in 0..x.rows {
            for c in 0..f.centers.rows {
                out.set(i, c, sq_dist(x.row(i), f.centers.row(c)).sqrt());
            }
        }
        Ok(out)
    }
    /// scikit-learn's score: the negative inertia of `x` on the fitted centres.
    fn score(&self, x: &Matrix, _y: &[f64]) -> Result<f64> {
        let f = self.state()?;
        check_features("KMeans", x, f.centers.cols)?;
        Ok(-assign(x, &f.centers).1.iter().sum::<f64>())
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        match &self.fitted {
            None => vec![],
            Some(f) => vec![
                ("clusterCenters", Value::Matrix(f.centers.clone())),
                ("labels", Value::Vector(f.labels.iter().map(|&l| l as f64).collect())),
                ("inertia", Value::Scalar(f.inertia)),
                ("nIter", Value::Scalar(f.n_iter as f64)),
            ],
        }
    }
}
