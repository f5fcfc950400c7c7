//! The CART core shared by the decision trees and the forests: exhaustive best-split search on
//! presorted features, grown depth first into a flat node array.
//!
//! Each feature's samples are sorted once (per data set, shared by every tree of a forest); a
//! node owns the same contiguous range in every feature's order, and a split stably partitions
//! those ranges, so a node costs O(samples × features) and no node ever sorts. The stopping
//! rules, the feature sampling and the midpoint thresholds follow scikit-learn's
//! `DepthFirstTreeBuilder` and `BestSplitter`.
use crate::Matrix;
use webgrad_core::Rng;

/// scikit-learn's `FEATURE_THRESHOLD`: values closer than this count as equal.
const FEATURE_THRESHOLD: f64 = 1e-7;
/// The `feature` of a leaf.
pub const LEAF: u32 = u32::MAX;

/// X as the trees see it: rounded to f32 (scikit-learn's trees work in float32, so thresholds
/// and comparisons land exactly where its do), column-major, with each column's argsort.
pub struct Prepared {
    pub n: usize,
    pub d: usize,
    xcol: Vec<f64>,
    order: Vec<u32>,
}

/// The value a tree compares against its thresholds.
pub fn as_tree_value(v: f64) -> f64 {
    v as f32 as f64
}

impl Prepared {
    pub fn new(x: &Matrix) -> Prepared {
        let (n, d) = (x.rows, x.cols);
        let mut xcol = vec![0.0; n * d];
        for i in 0..n {
            for j in 0..d {
                xcol[j * n + i] = as_tree_value(x.get(i, j));
            }
        }
        let mut order = Vec::with_capacity(n * d);
        for j in 0..d {
            let col = &xcol[j * n..(j + 1) * n];
            let mut idx: Vec<u32> = (0..n as u32).collect();
            // Stable, so equal values keep row order (the partitions stay deterministic).
            idx.sort_by(|&a, &b| col[a as usize].total_cmp(&col[b as usize]));
            order.extend(idx);
        }
        Prepared { n, d, xcol, order }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Criterion {
    Gini,
    Entropy,
    SquaredError,
}

/// What the tree predicts: class indices (with the class count) or real values.
pub enum Target<'a> {
    Classes(&'a [u32], usize),
    Values(&'a [f64]),
}

/// Resolved stopping rules (counts of samples, not weights, as scikit-learn).
#[derive(Debug, Clone)]
pub struct Limits {
    pub criterion: Criterion,
    pub max_depth: usize,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub max_features: usize,
    pub min_impurity_decrease: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    /// The split feature, or [`LEAF`].
    pub feature: u32,
    pub left: u32,
    pub right: u32,
    /// Samples with `x[feature] <= threshold` go left.
    pub threshold: f64,
}

/// A fitted tree: nodes, and `n_out` values per node (class probabilities or the mean).
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub values: Vec<f64>,
    pub n_out: usize,
    pub depth: usize,
    /// Mean decrease in impurity per feature, normalised to sum 1 (all 0 for a single leaf).
    pub importances: Vec<f64>,
}

impl Tree {
    /// The leaf values for one row of raw (unrounded) features.
    pub fn leaf_value(&self, row: &[f64]) -> &[f64] {
        let mut i = 0usize;
        loop {
            let node = &self.nodes[i];
            if node.feature == LEAF {
                return &self.values[i * self.n_out..(i + 1) * self.n_out];
            }
            i = if as_tree_value(row[node.feature as usize]) <= node.threshold { node.left } else { node.right } as usize;
        }
    }
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.feature == LEAF).count()
    }
}

/// Weighted sufficient statistics of a node and of the left part of a candidate split.
trait Stats {
    fn init(&mut self, samples: &[u32]);
    fn reset(&mut self);
    fn push(&mut self, s: u32);
    fn w_total(&self) -> f64;
    fn w_left(&self) -> f64;
    /// Larger is better; a monotone stand-in for the impurity decrease (scikit-learn's proxy).
    fn proxy(&self) -> f64;
    fn impurity(&self) -> f64;
    fn children(&self) -> (f64, f64);
    fn value(&self, out: &mut Vec<f64>);
}

struct ClassStats<'a> {
    y: &'a [u32],
    w: &'a [f64],
    entropy: bool,
    total: Vec<f64>,
    left: Vec<f64>,
    wt: f64,
    wl: f64,
}

fn class_impurity(entropy: bool, counts: impl Iterator<Item = f64>, w: f64) -> f64 {
    if w <= 0.0 {
        return 0.0;
    }
    if entropy {
        // Base 2, as scikit-learn (it only scales impurities, but minImpurityDecrease sees it).
        -counts.filter(|&c| c > 0.0).map(|c| (c / w) * (c / w).log2()).sum::<f64>()
    } else {
        1.0 - counts.map(|c| (c / w) * (c / w)).sum::<f64>()
    }
}

impl Stats for ClassStats<'_> {
    fn init(&mut self, samples: &[u32]) {
        self.total.iter_mut().for_each(|c| *c = 0.0);
        for &s in samples {
            self.total[self.y[s as usize] as usize] += self.w[s as usize];
        }
        self.wt = self.total.iter().sum();
    }
    fn reset(&mut self) {
        self.left.iter_mut().for_each(|c| *c = 0.0);
        self.wl = 0.0;
    }
    fn push(&mut self, s: u32) {
        let w = self.w[s as usize];
        self.left[self.y[s as usize] as usize] += w;
        self.wl += w;
    }
    fn w_total(&self) -> f64 {
        self.wt
    }
    fn w_left(&self) -> f64 {
        self.wl
    }
    fn proxy(&self) -> f64 {
        let wr = self.wt - self.wl;
        if self.entropy {
            let (il, ir) = self.children();
            -self.wl * il - wr * ir
        } else {
            let (mut sl, mut sr) = (0.0, 0.0);
            for (l, t) in self.left.iter().zip(&self.total) {
                sl += l * l;
                sr += (t - l) * (t - l);
            }
            sl / self.wl + sr / wr
        }
    }
    fn impurity(&self) -> f64 {
        class_impurity(self.entropy, self.total.iter().copied(), self.wt)
    }
    fn children(&self) -> (f64, f64) {
        let right = self.left.iter().zip(&self.total).map(|(l, t)| t - l);
        (class_impurity(self.entropy, self.left.iter().copied(), self.wl), class_impurity(self.entropy, right, self.wt - self.wl))
    }
    fn value(&self, out: &mut Vec<f64>) {
        out.extend(self.total.iter().map(|c| c / self.wt));
    }
}

struct ValueStats<'a> {
    y: &'a [f64],
    w: &'a [f64],
    // (weight, Σ w·y, Σ w·y²) of the node and of the left part.
    total: (f64, f64, f64),
    left: (f64, f64, f64),
}

fn mse((w, s, q): (f64, f64, f64)) -> f64 {
    if w <= 0.0 { 0.0 } else { q / w - (s / w) * (s / w) }
}

impl Stats for ValueStats<'_> {
    fn init(&mut self, samples: &[u32]) {
        self.total = (0.0, 0.0, 0.0);
        for &s in samples {
            let (w, y) = (self.w[s as usize], self.y[s as usize]);
            self.total = (self.total.0 + w, self.total.1 + w * y, self.total.2 + w * y * y);
        }
    }
    fn reset(&mut self) {
        self.left = (0.0, 0.0, 0.0);
    }
    fn push(&mut self, s: u32) {
        let (w, y) = (self.w[s as usize], self.y[s as usize]);
        self.left = (self.left.0 + w, self.left.1 + w * y, self.left.2 + w * y * y);
    }
    fn w_total(&self) -> f64 {
        self.total.0
    }
    fn w_left(&self) -> f64 {
        self.left.0
    }
    fn proxy(&self) -> f64 {
        let (wl, sl) = (self.left.0, self.left.1);
        let (wr, sr) = (self.total.0 - wl, self.total.1 - sl);
        sl * sl / wl + sr * sr / wr
    }
    fn impurity(&self) -> f64 {
        mse(self.total)
    }
    fn children(&self) -> (f64, f64) {
        let (t, l) = (self.total, self.left);
        (mse(l), mse((t.0 - l.0, t.1 - l.1, t.2 - l.2)))
    }
    fn value(&self, out: &mut Vec<f64>) {
        out.push(if self.total.0 > 0.0 { self.total.1 / self.total.0 } else { 0.0 });
    }
}

/// Grow one tree on the samples whose `weight` is positive (bootstrap counts × class weights;
/// zero-weight samples are left out entirely, as scikit-learn's splitter does).
pub fn build(data: &Prepared, target: &Target, weight: &[f64], limits: &Limits, rng: &mut Rng) -> Tree {
    match *target {
        Target::Classes(y, k) => {
            let entropy = limits.criterion == Criterion::Entropy;
            let stats = ClassStats { y, w: weight, entropy, total: vec![0.0; k], left: vec![0.0; k], wt: 0.0, wl: 0.0 };
            grow(data, stats, k, weight, limits, rng)
        }
        Target::Values(y) => grow(data, ValueStats { y, w: weight, total: (0.0, 0.0, 0.0), left: (0.0, 0.0, 0.0) }, 1, weight, limits, rng),
    }
}

struct Frame {
    start: usize,
    end: usize,
    depth: usize,
    parent: u32,
    is_left: bool,
}

fn grow(data: &Prepared, mut stats: impl Stats, n_out: usize, weight: &[f64], limits: &Limits, rng: &mut Rng) -> Tree {
    let (n, d) = (data.n, data.d);
    // Every feature's order restricted to the samples in this tree.
    let mut sorted: Vec<u32> = data.order.iter().copied().filter(|&s| weight[s as usize] > 0.0).collect();
    let m = sorted.len() / d.max(1);
    let mut tree = Tree { nodes: Vec::new(), values: Vec::new(), n_out, depth: 0, importances: vec![0.0; d] };
    if m == 0 {
        tree.nodes.push(Node { feature: LEAF, left: 0, right: 0, threshold: 0.0 });
        tree.values.resize(n_out, 0.0);
        return tree;
    }
    let mut goes_left = vec![false; n];
    let mut scratch: Vec<u32> = Vec::with_capacity(m);
    let mut features: Vec<usize> = (0..d).collect();
    let mut w_root = 0.0;
    let mut stack = vec![Frame { start: 0, end: m, depth: 0, parent: LEAF, is_left: false }];
    while let Some(f) = stack.pop() {
        let id = tree.nodes.len() as u32;
        if f.parent != LEAF {
            let p = &mut tree.nodes[f.parent as usize];
            if f.is_left { p.left = id } else { p.right = id }
        }
        tree.nodes.push(Node { feature: LEAF, left: 0, right: 0, threshold: 0.0 });
        tree.depth = tree.depth.max(f.depth);
        stats.init(&sorted[f.start..f.end]);
        stats.value(&mut tree.values);
        let (count, w_node, impurity) = (f.end - f.start, stats.w_total(), stats.impurity());
        if f.depth == 0 {
            w_root = w_node;
        }
        if f.depth >= limits.max_depth
            || count < limits.min_samples_split
            || count < 2 * limits.min_samples_leaf
            || impurity <= f64::EPSILON
        {
            continue;
        }
        let Some((feat, pos)) = best_split(data, &sorted, m, &f, &mut stats, &mut features, limits, rng) else { continue };
        // Recompute the winner's left side for its true impurities and the threshold.
        let seg = &sorted[feat * m + f.start..feat * m + f.end];
        let col = &data.xcol[feat * n..(feat + 1) * n];
        stats.reset();
        seg[..=pos].iter().for_each(|&s| stats.push(s));
        let (il, ir) = stats.children();
        let (wl, wr) = (stats.w_left(), w_node - stats.w_left());
        let improvement = (w_node / w_root) * (impurity - wr / w_node * ir - wl / w_node * il);
        if improvement + f64::EPSILON < limits.min_impurity_decrease {
            continue;
        }
        let (a, b) = (col[seg[pos] as usize], col[seg[pos + 1] as usize]);
        let mut threshold = a / 2.0 + b / 2.0;
        if threshold == b || !threshold.is_finite() {
            threshold = a;
        }
        tree.nodes[id as usize].feature = feat as u32;
        tree.nodes[id as usize].threshold = threshold;
        tree.importances[feat] += w_node * impurity - wl * il - wr * ir;
        // Stable partition of every feature's range: left samples first, order kept.
        seg[..=pos].iter().for_each(|&s| goes_left[s as usize] = true);
        for g in 0..d {
            let range = &mut sorted[g * m + f.start..g * m + f.end];
            let mut w = 0;
            scratch.clear();
            for i in 0..range.len() {
                let s = range[i];
                if goes_left[s as usize] {
                    range[w] = s;
                    w += 1;
                } else {
                    scratch.push(s);
                }
            }
            range[w..].copy_from_slice(&scratch);
        }
        let mid = f.start + pos + 1;
        sorted[f.start..mid].iter().for_each(|&s| goes_left[s as usize] = false);
        // Right pushed first so the left subtree is grown (and numbered) first.
        stack.push(Frame { start: mid, end: f.end, depth: f.depth + 1, parent: id, is_left: false });
        stack.push(Frame { start: f.start, end: mid, depth: f.depth + 1, parent: id, is_left: true });
    }
    let total: f64 = tree.importances.iter().sum();
    if total > 0.0 {
        tree.importances.iter_mut().for_each(|v| *v /= total);
    }
    tree
}

/// The best (feature, last left position) over randomly ordered features. As scikit-learn, at
/// least `max_features` features are examined, and more while every one seen was constant.
#[allow(clippy::too_many_arguments)]
fn best_split(
    data: &Prepared,
    sorted: &[u32],
    m: usize,
    f: &Frame,
    stats: &mut impl Stats,
    features: &mut [usize],
    limits: &Limits,
    rng: &mut Rng,
) -> Option<(usize, usize)> {
    let (n, d, len, msl) = (data.n, data.d, f.end - f.start, limits.min_samples_leaf);
    let mut best: Option<(usize, usize)> = None;
    let mut best_proxy = f64::NEG_INFINITY;
    let (mut visited, mut found) = (0, false);
    let mut i = 0;
    while i < d && (visited < limits.max_features || !found) {
        let j = i + rng.below(d - i);
        features.swap(i, j);
        let feat = features[i];
        i += 1;
        visited += 1;
        let seg = &sorted[feat * m + f.start..feat * m + f.end];
        let col = &data.xcol[feat * n..(feat + 1) * n];
        if col[seg[len - 1] as usize] <= col[seg[0] as usize] + FEATURE_THRESHOLD {
            continue;
        }
        found = true;
        stats.reset();
        for p in 0..len - 1 {
            stats.push(seg[p]);
            if p + 1 < msl {
                continue;
            }
            if len - p - 1 < msl {
                break;
            }
            if col[seg[p + 1] as usize] <= col[seg[p] as usize] + FEATURE_THRESHOLD {
                continue;
            }
            let proxy = stats.proxy();
            if proxy > best_proxy {
                best_proxy = proxy;
                best = Some((feat, p));
            }
        }
    }
    best
}
