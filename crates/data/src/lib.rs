//! webgrad-data: data sets as plain vectors (no tensors, no device), so the same code serves the
//! engine, the classic-ML crate and the web side.
//!
//! - [`synthetic`]: TF-Playground 2-D generators (same formulas, our seeded RNG), plus moons,
//!   checkerboard and a 3-class spiral.
//! - [`mnist`]: IDX parsing (optionally gzip-compressed) for MNIST-style image sets.
//! - [`text`]: a character tokenizer and a seeded batcher for char-level language models.
//! - [`prep`]: seeded train/test splits, row selection and normalisation.
//! - [`table`]: CSV text → typed columns with statistics (pandas' `read_csv` + `describe`).
//! - [`encode`]: a table → a data set (target → labels; numbers, booleans, one-hot categories;
//!   missing cells dropped or imputed).
//!
//! Big assets (MNIST, tiny-shakespeare) are never compiled in by default: every loader takes
//! `&[u8]` or `&str`, so the web side fetches the file and passes its bytes. Native code and
//! tests can use [`assets`], which reads them from `crates/data/assets/`.
pub mod assets;
pub mod encode;
pub mod mnist;
pub mod prep;
pub mod synthetic;
pub mod table;
pub mod text;

use std::fmt;

/// A data-loading error with a message meant for a person (it ends up as a JavaScript `Error`).
#[derive(Debug, Clone, PartialEq)]
pub struct DataError(pub String);

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "data: {}", self.0)
    }
}

impl std::error::Error for DataError {}

pub type Result<T> = std::result::Result<T, DataError>;

macro_rules! data_bail {
    ($($fmt:tt)*) => { return Err($crate::DataError(format!($($fmt)*))) };
}
pub(crate) use data_bail;

/// Labels of a data set: class indices, or real targets (one or more per example).
#[derive(Debug, Clone, PartialEq)]
pub enum Labels {
    Classes { labels: Vec<i32>, num_classes: usize },
    Values { values: Vec<f32>, width: usize },
}

impl Labels {
    pub fn len(&self) -> usize {
        match self {
            Labels::Classes { labels, .. } => labels.len(),
            Labels::Values { values, width } => values.len() / (*width).max(1),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The labels of the examples `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Labels {
        match self {
            Labels::Classes { labels, num_classes } => {
                Labels::Classes { labels: rows.iter().map(|&r| labels[r]).collect(), num_classes: *num_classes }
            }
            Labels::Values { values, width } => {
                Labels::Values { values: prep::select_rows(values, *width, rows), width: *width }
            }
        }
    }
}

/// Features (row-major, `feature_shape` per example) and labels of `n` examples.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub features: Vec<f32>,
    /// Shape of one example, e.g. `[2]` for a 2-D point, `[1, 28, 28]` for an MNIST image.
    pub feature_shape: Vec<usize>,
    pub labels: Labels,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn example_size(&self) -> usize {
        self.feature_shape.iter().product()
    }
    /// Shape of the whole feature array, batch first.
    pub fn features_shape(&self) -> Vec<usize> {
        let mut s = vec![self.len()];
        s.extend(&self.feature_shape);
        s
    }
    /// The examples `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Dataset {
        Dataset {
            features: prep::select_rows(&self.features, self.example_size(), rows),
            feature_shape: self.feature_shape.clone(),
            labels: self.labels.select(rows),
        }
    }
    /// A seeded split into (train, test) with `test_fraction` of the examples held out.
    pub fn split(&self, test_fraction: f32, seed: u64) -> Result<(Dataset, Dataset)> {
        let (train, test) = prep::split_indices(self.len(), test_fraction, seed)?;
        Ok((self.select(&train), self.select(&test)))
    }
}
