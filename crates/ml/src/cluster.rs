//! scikit-learn's `KMeans` (Lloyd's algorithm, k-means++ or random initialisation).
//!
//! The steps follow scikit-learn 1.5: greedy k-means++ (2 + ln k candidate centres per step,
//! keeping the one that lowers the potential most), a tolerance relative to the mean feature
//! variance, stopping when labels stop changing or the centres move less than that, empty
//! clusters re-seeded with the points farthest from their centres, and the best of `nInit`
//! runs by inertia. Random draws come from our generator, not numpy's, so the clustering found
//! agrees with scikit-learn's in inertia, not necessarily run by run.
use crate::{check_features, check_xy, not_fitted, Estimator, Kind, Matrix, MlError, Result, Value};
use crate::linalg::dot;
use webgrad_core::Rng;

/// `n_init`: "auto" (1 run for k-means++, 10 for random, as scikit-learn 1.4+) or a count.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum NInit {
    Count(usize),
    Name(String),
}

/// Parameters of [`KMeans`].
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct KMeansParams {
    pub n_clusters: usize,
    /// "k-means++" or "random".
    pub init: String,
    pub n_init: NInit,
    pub max_iter: usize,
    /// Relative to the mean variance of the features.
    pub tol: f64,
    pub random_state: Option<u64>,
    /// Accepted for compatibility; X is never modified.
    pub copy_x: bool,
    /// "lloyd"; "elkan" is accepted and gives the same clustering, computed by Lloyd's steps.
    pub algorithm: String,
}

impl Default for KMeansParams {
    fn default() -> Self {
        KMeansParams {
            n_clusters: 8,
            init: "k-means++".into(),
            n_init: NInit::Name("auto".into()),
            max_iter: 300,
            tol: 1e-4,
            random_state: None,
            copy_x: true,
            algorithm: "lloyd".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Fitted {
    centers: Matrix,
    labels: Vec<usize>,
    inertia: f64,
    n_iter: usize,
}

/// k-means clustering (`sklearn.cluster.KMeans`).
#[derive(Debug, Clone, Default)]
pub struct KMeans {
    pub params: KMeansParams,
    fitted: Option<Fitted>,
}

fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The nearest centre of `row` (the first on ties) and its squared distance.
fn nearest(row: &[f64], centers: &Matrix) -> (usize, f64) {
    (0..centers.rows).fold((0, f64::INFINITY), |best, c| {
        let d = sq_dist(row, centers.row(c));
        if d < best.1 { (c, d) } else { best }
    })
}

/// scikit-learn's greedy k-means++.
fn kmeans_plus_plus(x: &Matrix, k: usize, rng: &mut Rng) -> Matrix {
    let n = x.rows;
    let trials = 2 + (k as f64).ln() as usize;
    let mut centers = Matrix::zeros(k, x.cols);
    let first = rng.below(n);
    centers.row_mut(0).copy_from_slice(x.row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist(x.row(i), x.row(first))).collect();
    let mut pot: f64 = closest.iter().sum();
    let mut cumsum = vec![0.0; n];
    for c in 1..k {
        let mut acc = 0.0;
        closest.iter().zip(cumsum.iter_mut()).for_each(|(d, s)| {
            acc += d;
            *s = acc;
        });
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            // Sample proportionally to the squared distance (numpy's searchsorted, side left).
            let r = rng.uniform() as f64 * pot;
            let cand = cumsum.partition_point(|&s| s < r).min(n - 1);
            let d: Vec<f64> = (0..n).map(|i| sq_dist(x.row(i), x.row(cand)).min(closest[i])).collect();
            let p: f64 = d.iter().sum();
            if best.as_ref().is_none_or(|b| p < b.0) {
                best = Some((p, cand, d));
            }
        }
        let (p, cand, d) = best.unwrap();
        centers.row_mut(c).copy_from_slice(x.row(cand));
        (pot, closest) = (p, d);
    }
    centers
}

/// One run of Lloyd's algorithm from `centers`: (labels, inertia, centers, iterations).
fn lloyd(x: &Matrix, mut centers: Matrix, max_iter: usize, tol: f64) -> Fitted {
    let (n, k, d) = (x.rows, centers.rows, x.cols);
    let mut labels = vec![usize::MAX; n];
    let mut dist = vec![0.0; n];
    let mut n_iter = 0;
    let mut strict = false;
    // ‖x‖² once; each assignment ranks centres by ‖c‖² − 2 x·c (scikit-learn's expansion: a
    // dot product per pair instead of a difference), the first on ties.
    let x_norms: Vec<f64> = (0..n).map(|i| dot(x.row(i), x.row(i))).collect();
    for it in 0..max_iter {
        n_iter = it + 1;
        let old_labels = labels.clone();
        let c_norms: Vec<f64> = (0..k).map(|c| dot(centers.row(c), centers.row(c))).collect();
        for i in 0..n {
            let row = x.row(i);
            let (mut best, mut best_d) = (0, f64::INFINITY);
            for (c, cn) in c_norms.iter().enumerate() {
                let d = cn - 2.0 * dot(row, centers.row(c));
                if d < best_d {
                    (best, best_d) = (c, d);
                }
            }
            labels[i] = best;
            dist[i] = (x_norms[i] + best_d).max(0.0);
        }
        let mut sums = Matrix::zeros(k, d);
        let mut counts = vec![0.0; k];
        for i in 0..n {
            sums.row_mut(labels[i]).iter_mut().zip(x.row(i)).for_each(|(s, v)| *s += v);
            counts[labels[i]] += 1.0;
        }
        // Empty clusters take the points farthest from their centres (labels stay as they are,
        // as scikit-learn; the next assignment settles them).
        let empty: Vec<usize> = (0..k).filter(|&c| counts[c] == 0.0).collect();
        if !empty.is_empty() {
            let mut far: Vec<usize> = (0..n).collect();
            far.sort_by(|&a, &b| dist[b].total_cmp(&dist[a]).then(a.cmp(&b)));
            for (&c, &i) in empty.iter().zip(&far) {
                let old = labels[i];
                sums.row_mut(old).iter_mut().zip(x.row(i)).for_each(|(s, v)| *s -= v);
                counts[old] -= 1.0;
                sums.row_mut(c).copy_from_slice(x.row(i));
                counts[c] = 1.0;
            }
        }
        let mut shift = 0.0;
        for (c, &count) in counts.iter().enumerate() {
            if count > 0.0 {
                sums.row_mut(c).iter_mut().for_each(|s| *s /= count);
            } else {
                sums.row_mut(c).copy_from_slice(centers.row(c));
            }
            shift += sq_dist(sums.row(c), centers.row(c));
        }
        centers = sums;
        if labels == old_labels {
            strict = true;
            break;
        }
        if shift <= tol {
            break;
        }
    }
    if !strict {
        // The centres moved after the last assignment: assign again so labels match them.
        (0..n).for_each(|i| (labels[i], dist[i]) = nearest(x.row(i), &centers));
    }
    let inertia = (0..n).map(|i| sq_dist(x.row(i), centers.row(labels[i]))).sum();
    Fitted { centers, labels, inertia, n_iter }
}

impl KMeans {
    pub fn new(params: KMeansParams) -> Self {
        KMeans { params, fitted: None }
    }
    fn fitted(&self) -> Result<&Fitted> {
        self.fitted.as_ref().ok_or_else(|| not_fitted("KMeans"))
    }
    /// Check the parameters against `n` samples: (runs, use k-means++).
    fn plan(&self, n: usize) -> Result<(usize, bool)> {
        let (p, what) = (&self.params, "KMeans");
        let plus = match p.init.as_str() {
            "k-means++" => true,
            "random" => false,
            s => return Err(MlError::new(what, format!("init must be 'k-means++' or 'random', not {s:?}"))),
        };
        let runs = match &p.n_init {
            NInit::Name(s) if s == "auto" => if plus { 1 } else { 10 },
            NInit::Count(c) if *c >= 1 => *c,
            other => return Err(MlError::new(what, format!("nInit must be 'auto' or a count >= 1, not {other:?}"))),
        };
        if !matches!(p.algorithm.as_str(), "lloyd" | "elkan") {
            return Err(MlError::new(what, format!("algorithm must be 'lloyd' or 'elkan', not {:?}", p.algorithm)));
        }
        if p.n_clusters == 0 || p.n_clusters > n {
            return Err(MlError::new(what, format!("nClusters is {} but must be in 1..={n} (the number of samples)", p.n_clusters)));
        }
        if p.max_iter == 0 || p.tol.is_nan() || p.tol < 0.0 {
            return Err(MlError::new(what, format!("maxIter must be >= 1 and tol >= 0 (got {} and {})", p.max_iter, p.tol)));
        }
        Ok((runs, plus))
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
        check_xy(self.name(), x, None)?;
        let (runs, plus) = self.plan(x.rows)?;
        let (n, k) = (x.rows as f64, self.params.n_clusters);
        // scikit-learn's tolerance: tol × the mean of the features' (population) variances.
        let mean_var = (0..x.cols)
            .map(|j| {
                let m = (0..x.rows).map(|i| x.get(i, j)).sum::<f64>() / n;
                (0..x.rows).map(|i| (x.get(i, j) - m).powi(2)).sum::<f64>() / n
            })
            .sum::<f64>()
            / x.cols as f64;
        let mut rng = Rng::new(self.params.random_state.unwrap_or(0));
        let mut best: Option<Fitted> = None;
        for _ in 0..runs {
            let centers = if plus { kmeans_plus_plus(x, k, &mut rng) } else { x.select_rows(&rng.permutation(x.rows)[..k]) };
            let run = lloyd(x, centers, self.params.max_iter, self.params.tol * mean_var);
            if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
                best = Some(run);
            }
        }
        self.fitted = best;
        Ok(())
    }
    /// The nearest centre's index for each row.
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let f = self.fitted()?;
        check_features(self.name(), x, f.centers.cols)?;
        Ok((0..x.rows).map(|i| nearest(x.row(i), &f.centers).0 as f64).collect())
    }
    /// Euclidean distances to every centre (one column per cluster).
    fn transform(&self, x: &Matrix) -> Result<Matrix> {
        let f = self.fitted()?;
        check_features(self.name(), x, f.centers.cols)?;
        let mut out = Matrix::zeros(x.rows, f.centers.rows);
        for i in 0..x.rows {
            for c in 0..f.centers.rows {
                out.set(i, c, sq_dist(x.row(i), f.centers.row(c)).sqrt());
            }
        }
        Ok(out)
    }
    /// scikit-learn's score: minus the inertia of `x` about the fitted centres (`y` is ignored).
    fn score(&self, x: &Matrix, _y: &[f64]) -> Result<f64> {
        let f = self.fitted()?;
        check_features(self.name(), x, f.centers.cols)?;
        Ok(-(0..x.rows).map(|i| nearest(x.row(i), &f.centers).1).sum::<f64>())
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let Some(f) = &self.fitted else { return vec![] };
        vec![
            ("clusterCenters", Value::Matrix(f.centers.clone())),
            ("labels", Value::Vector(f.labels.iter().map(|&l| l as f64).collect())),
            ("inertia", Value::Scalar(f.inertia)),
            ("nIter", Value::Scalar(f.n_iter as f64)),
            ("nFeaturesIn", Value::Scalar(f.centers.cols as f64)),
        ]
    }
}
