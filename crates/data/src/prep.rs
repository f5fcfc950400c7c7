//! Preparing data: seeded splits, row selection, normalisation.
use crate::{data_bail, Result};
use webgrad_core::Rng;

/// Rows `rows` (each `width` values) of a row-major array, in that order.
pub fn select_rows<T: Copy>(data: &[T], width: usize, rows: &[usize]) -> Vec<T> {
    let mut out = Vec::with_capacity(rows.len() * width);
    for &r in rows {
        out.extend_from_slice(&data[r * width..(r + 1) * width]);
    }
    out
}

/// A seeded shuffle of 0..n cut into (train, test) index lists, `test_fraction` of them held out
/// (rounded to the nearest example).
pub fn split_indices(n: usize, test_fraction: f32, seed: u64) -> Result<(Vec<usize>, Vec<usize>)> {
    if !(0.0..1.0).contains(&test_fraction) {
        data_bail!("test fraction {} must be in [0, 1)", test_fraction);
    }
    let perm = Rng::new(seed).permutation(n);
    let n_test = (n as f64 * test_fraction as f64).round() as usize;
    let (test, train) = perm.split_at(n_test);
    Ok((train.to_vec(), test.to_vec()))
}

/// `split_indices` keeping each class's share in both parts (scikit-learn's `stratify=y`):
/// each class is shuffled on its own and `test_fraction` of it (rounded) held out; both lists
/// come back in shuffled order.
pub fn stratified_split_indices(labels: &[i32], test_fraction: f32, seed: u64) -> Result<(Vec<usize>, Vec<usize>)> {
    if !(0.0..1.0).contains(&test_fraction) {
        data_bail!("test fraction {} must be in [0, 1)", test_fraction);
    }
    let mut by_class: std::collections::BTreeMap<i32, Vec<usize>> = Default::default();
    for (i, &c) in labels.iter().enumerate() {
        by_class.entry(c).or_default().push(i);
    }
    let mut rng = Rng::new(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for members in by_class.values() {
        let perm = rng.permutation(members.len());
        let n_test = (members.len() as f64 * test_fraction as f64).round() as usize;
        test.extend(perm[..n_test].iter().map(|&k| members[k]));
        train.extend(perm[n_test..].iter().map(|&k| members[k]));
    }
    // Classes interleaved, so a batch of the first rows is not all one class.
    let shuffle = |v: Vec<usize>, rng: &mut Rng| rng.permutation(v.len()).into_iter().map(|k| v[k]).collect::<Vec<_>>();
    let train = shuffle(train, &mut rng);
    let test = shuffle(test, &mut rng);
    Ok((train, test))
}

/// Per-column statistics for standardising a row-major `[n, width]` array: (x − mean) / std.
/// Fit on the training rows, then apply the same transform to every split.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl Standardizer {
    /// Columns of zero spread get std 1 (they are only centred).
    pub fn fit(data: &[f32], width: usize) -> Result<Standardizer> {
        if width == 0 || data.len() % width != 0 || data.is_empty() {
            data_bail!("standardizer: {} values do not form rows of width {}", data.len(), width);
        }
        let n = (data.len() / width) as f64;
        let mut mean = vec![0f64; width];
        for row in data.chunks(width) {
            row.iter().zip(&mut mean).for_each(|(v, m)| *m += *v as f64);
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0f64; width];
        for row in data.chunks(width) {
            row.iter().zip(&mean).zip(&mut var).for_each(|((v, m), s)| *s += (*v as f64 - m).powi(2));
        }
        let std = var.iter().map(|s| (s / n).sqrt()).map(|s| if s > 1e-12 { s as f32 } else { 1.0 }).collect();
        Ok(Standardizer { mean: mean.into_iter().map(|m| m as f32).collect(), std })
    }

    pub fn transform(&self, data: &mut [f32]) {
        let w = self.mean.len();
        for row in data.chunks_mut(w) {
            for (j, v) in row.iter_mut().enumerate() {
                *v = (*v - self.mean[j]) / self.std[j];
            }
        }
    }

    pub fn inverse(&self, data: &mut [f32]) {
        let w = self.mean.len();
        for row in data.chunks_mut(w) {
            for (j, v) in row.iter_mut().enumerate() {
                *v = *v * self.std[j] + self.mean[j];
            }
        }
    }
}

/// Per-column min/max scaling to [0, 1] (constant columns map to 0).
#[derive(Debug, Clone, PartialEq)]
pub struct MinMaxScaler {
    pub min: Vec<f32>,
    pub max: Vec<f32>,
}

impl MinMaxScaler {
    pub fn fit(data: &[f32], width: usize) -> Result<MinMaxScaler> {
        if width == 0 || data.len() % width != 0 || data.is_empty() {
            data_bail!("min-max scaler: {} values do not form rows of width {}", data.len(), width);
        }
        let mut min = vec![f32::INFINITY; width];
        let mut max = vec![f32::NEG_INFINITY; width];
        for row in data.chunks(width) {
            for (j, &v) in row.iter().enumerate() {
                min[j] = min[j].min(v);
                max[j] = max[j].max(v);
            }
        }
        Ok(MinMaxScaler { min, max })
    }

    pub fn transform(&self, data: &mut [f32]) {
        let w = self.min.len();
        for row in data.chunks_mut(w) {
            for (j, v) in row.iter_mut().enumerate() {
                let span = self.max[j] - self.min[j];
                *v = if span > 0.0 { (*v - self.min[j]) / span } else { 0.0 };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_a_seeded_partition() {
        let (train, test) = split_indices(10, 0.2, 1).unwrap();
        assert_eq!((train.len(), test.len()), (8, 2));
        let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        assert_eq!(split_indices(10, 0.2, 1).unwrap(), (train, test));
        assert_ne!(split_indices(10, 0.2, 2).unwrap().1, split_indices(10, 0.2, 1).unwrap().1);
        assert!(split_indices(10, 1.0, 1).is_err());
        assert_eq!(split_indices(0, 0.5, 1).unwrap(), (vec![], vec![]));
    }

    #[test]
    fn standardizer_centres_and_scales_columns() {
        let mut d = vec![1.0, 10.0, 3.0, 10.0, 5.0, 10.0];
        let s = Standardizer::fit(&d, 2).unwrap();
        assert_eq!(s.mean, [3.0, 10.0]);
        assert!((s.std[0] - (8.0f32 / 3.0).sqrt()).abs() < 1e-6 && s.std[1] == 1.0);
        let orig = d.clone();
        s.transform(&mut d);
        assert!((d[0] + d[4]).abs() < 1e-6 && d[2] == 0.0 && d[1] == 0.0);
        s.inverse(&mut d);
        assert!(d.iter().zip(&orig).all(|(a, b)| (a - b).abs() < 1e-5));
        assert!(Standardizer::fit(&d[..5], 2).is_err());
        let mut m = vec![0.0, 5.0, 10.0, 5.0];
        MinMaxScaler::fit(&m, 2).unwrap().transform(&mut m);
        assert_eq!(m, [0.0, 0.0, 1.0, 0.0]);
    }
}
