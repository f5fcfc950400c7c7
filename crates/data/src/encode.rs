//! A table → a data set a model trains on: the target column becomes labels (class indices or
//! values), the feature columns become one f32 matrix — numbers as they are, booleans 0/1,
//! categories one-hot (or as ordinal codes) — with missing cells dropped or imputed, and the
//! numeric columns optionally standardised or min-max scaled. Scaling here uses every row; a
//! model judged on a held-out split should rather fit a scaler on the training rows alone
//! (`prep::Standardizer`, or webgrad-ml's `StandardScaler`).
use crate::table::{Column, ColumnKind, Table, Values};
use crate::{data_bail, Dataset, Labels, Result};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Impute {
    /// Drop every row with a missing feature (pandas' `dropna`).
    Drop,
    /// scikit-learn's `SimpleImputer` strategies: numbers get the column's mean or median,
    /// categories their most frequent value; `Constant` fills numbers with the value and
    /// categories with a "missing" category of their own.
    Mean,
    Median,
    MostFrequent,
    Constant(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Classification,
    Regression,
}

/// How numeric feature columns are scaled (one-hot columns stay 0/1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    None,
    /// (x − mean) / std, population std as scikit-learn's `StandardScaler` (a constant column
    /// becomes 0).
    Standard,
    /// (x − min) / (max − min) into [0, 1] (`MinMaxScaler`; a constant column becomes 0).
    MinMax,
}

#[derive(Debug, Clone)]
pub struct EncodeOptions {
    pub target: String,
    /// The feature columns; every other column but free text when `None`.
    pub features: Option<Vec<String>>,
    pub impute: Impute,
    /// Guessed from the target when `None`: numbers are regression; categories, booleans and
    /// integers with at most `MAX_INTEGER_CLASSES` distinct values are classification.
    pub task: Option<Task>,
    pub scale: Scale,
    /// Categories as one 0/1 column per level (default); `false`: one column of ordinal codes
    /// (the level's index in sorted order), as scikit-learn's `OrdinalEncoder`.
    pub one_hot: bool,
}

impl EncodeOptions {
    pub fn new(target: &str) -> EncodeOptions {
        EncodeOptions { target: target.to_string(), features: None, impute: Impute::Mean, task: None, scale: Scale::None, one_hot: true }
    }
}

/// An integer target with at most this many distinct values is taken for class labels.
pub const MAX_INTEGER_CLASSES: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub dataset: Dataset,
    pub task: Task,
    /// One name per feature column of the matrix (`city=Paris` for a one-hot column).
    pub feature_names: Vec<String>,
    /// The class names, in label order (sorted), for classification.
    pub classes: Vec<String>,
    /// What was done that a person should know: rows dropped, columns left out.
    pub notes: Vec<String>,
}

fn column<'a>(table: &'a Table, name: &str) -> Result<&'a Column> {
    match table.column(name) {
        Some(c) => Ok(c),
        None => {
            let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
            data_bail!("no column named {name:?} (the columns are {})", names.join(", "))
        }
    }
}

/// The cell of row `i` as text, for classes and categories (numbers written as they parse).
fn cell_text(c: &Column, i: usize) -> Option<String> {
    match &c.values {
        Values::Strings(v) => v[i].clone(),
        Values::Numeric(v) => v[i].map(|x| if c.kind == ColumnKind::Boolean { (x != 0.0).to_string() } else { x.to_string() }),
    }
}

pub fn encode(table: &Table, opts: &EncodeOptions) -> Result<Encoded> {
    let target = column(table, &opts.target)?;
    if !target.problems.is_empty() {
        data_bail!("the target {:?} has cells that are not numbers: {}", target.name, target.problems.join("; "));
    }
    let task = opts.task.unwrap_or(match target.kind {
        ColumnKind::Number => Task::Regression,
        ColumnKind::Integer if target.stats.unique > MAX_INTEGER_CLASSES => Task::Regression,
        _ => Task::Classification,
    });
    if task == Task::Regression && !target.kind.is_numeric() {
        data_bail!("the target {:?} holds {} values, not numbers: it can only be a classification target", target.name, target.kind.name());
    }
    let mut notes = Vec::new();
    let feature_cols: Vec<&Column> = match &opts.features {
        Some(names) => names.iter().map(|n| column(table, n)).collect::<Result<_>>()?,
        None => table
            .columns
            .iter()
            .filter(|c| c.name != target.name)
            .filter(|c| {
                // A mostly numeric column with a few bad cells stays, to be reported below.
                let text = c.kind == ColumnKind::Text && c.problems.is_empty();
                if text {
                    notes.push(format!("column {:?} left out: free text ({} distinct values)", c.name, c.stats.unique));
                }
                !text
            })
            .collect(),
    };
    if feature_cols.iter().any(|c| c.name == target.name) {
        data_bail!("the target {:?} is also among the features", target.name);
    }
    for c in &feature_cols {
        if !c.problems.is_empty() {
            data_bail!("column {:?} has cells that are not numbers: {}", c.name, c.problems.join("; "));
        }
        if c.kind == ColumnKind::Text {
            data_bail!("column {:?} is free text ({} distinct values): leave it out of the features", c.name, c.stats.unique);
        }
    }
    if feature_cols.is_empty() {
        data_bail!("no feature columns: name them, or add a numeric or category column");
    }

    // Rows: those with a target; with `Drop`, also those with every feature present.
    let n = table.num_rows;
    let mut rows: Vec<usize> = (0..n).filter(|&i| cell_text(target, i).is_some()).collect();
    if rows.len() < n {
        notes.push(format!("{} rows without a target {:?} dropped", n - rows.len(), target.name));
    }
    if opts.impute == Impute::Drop {
        let before = rows.len();
        rows.retain(|&i| feature_cols.iter().all(|c| cell_text(c, i).is_some()));
        if rows.len() < before {
            notes.push(format!("{} rows with a missing feature dropped", before - rows.len()));
        }
    }
    if rows.is_empty() {
        data_bail!("no rows are left to train on (every row misses the target or a feature)");
    }

    // Each feature column as one or more matrix columns.
    let mut blocks: Vec<Vec<f32>> = Vec::new();
    let mut feature_names = Vec::new();
    // The numeric columns so far (block index, name), to say when one repeats another.
    let mut numeric_blocks: Vec<(usize, String)> = Vec::new();
    for c in &feature_cols {
        match (&c.values, c.kind) {
            (Values::Numeric(v), _) => {
                let fill = numeric_fill(v, &rows, opts.impute);
                let col: Vec<f32> = rows.iter().map(|&i| v[i].unwrap_or(fill) as f32).collect();
                let constant = col.iter().all(|&x| x == col[0]);
                if constant {
                    notes.push(format!("column {:?} is constant ({})", c.name, col[0]));
                }
                // Compared after scaling: equal columns scale alike.
                let col = scaled(col, opts.scale);
                let twin = if constant { None } else { numeric_blocks.iter().find(|(b, _)| blocks[*b] == col) };
                if let Some((_, first)) = twin {
                    notes.push(format!("column {:?} duplicates column {first:?}", c.name));
                }
                numeric_blocks.push((blocks.len(), c.name.clone()));
                blocks.push(col);
                feature_names.push(c.name.clone());
            }
            (Values::Strings(v), _) => {
                let fill = match opts.impute {
                    Impute::Constant(_) => Some("missing".to_string()),
                    _ => most_frequent(v, &rows),
                };
                let cells: Vec<String> = rows.iter().map(|&i| v[i].clone().or_else(|| fill.clone()).unwrap_or_default()).collect();
                let mut levels: Vec<&String> = cells.iter().collect();
                levels.sort();
                levels.dedup();
                if !opts.one_hot {
                    blocks.push(cells.iter().map(|s| levels.binary_search(&s).unwrap_or(0) as f32).collect());
                    feature_names.push(c.name.clone());
                    continue;
                }
                for level in levels {
                    blocks.push(cells.iter().map(|s| (s == level) as u8 as f32).collect());
                    feature_names.push(format!("{}={}", c.name, level));
                }
            }
        }
    }
    let width = blocks.len();
    let mut features = Vec::with_capacity(rows.len() * width);
    for r in 0..rows.len() {
        features.extend(blocks.iter().map(|b| b[r]));
    }

    let (labels, classes) = match task {
        Task::Regression => {
            let Values::Numeric(v) = &target.values else { unreachable!("checked above: a numeric target") };
            (Labels::Values { values: rows.iter().map(|&i| v[i].expect("rows have a target") as f32).collect(), width: 1 }, vec![])
        }
        Task::Classification => {
            let texts: Vec<String> = rows.iter().map(|&i| cell_text(target, i).expect("rows have a target")).collect();
            let mut classes: Vec<String> = texts.clone();
            // Numbers first, as numbers (2 before 10), then the other classes as text: a total
            // order (the fuzzer found that mixing the two comparisons is not one).
            classes.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
                (Ok(x), Ok(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
                (Ok(_), Err(_)) => std::cmp::Ordering::Less,
                (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
                (Err(_), Err(_)) => a.cmp(b),
            });
            classes.dedup();
            if classes.len() < 2 {
                data_bail!("the target {:?} has one class only ({:?}): a classifier needs at least two", target.name, classes[0]);
            }
            let index: HashMap<&str, i32> = classes.iter().enumerate().map(|(k, c)| (c.as_str(), k as i32)).collect();
            let labels = texts.iter().map(|t| index[t.as_str()]).collect();
            (Labels::Classes { labels, num_classes: classes.len() }, classes)
        }
    };
    Ok(Encoded { dataset: Dataset { features, feature_shape: vec![width], labels }, task, feature_names, classes, notes })
}

fn scaled(mut col: Vec<f32>, scale: Scale) -> Vec<f32> {
    let n = col.len() as f64;
    match scale {
        Scale::None => {}
        Scale::Standard => {
            let mean = col.iter().map(|&x| x as f64).sum::<f64>() / n;
            let std = (col.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
            let std = if std > 0.0 { std } else { 1.0 };
            col.iter_mut().for_each(|x| *x = ((*x as f64 - mean) / std) as f32);
        }
        Scale::MinMax => {
            let lo = col.iter().copied().fold(f32::INFINITY, f32::min) as f64;
            let hi = col.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
            let range = if hi > lo { hi - lo } else { 1.0 };
            col.iter_mut().for_each(|x| *x = ((*x as f64 - lo) / range) as f32);
        }
    }
    col
}

fn numeric_fill(v: &[Option<f64>], rows: &[usize], impute: Impute) -> f64 {
    let mut present: Vec<f64> = rows.iter().filter_map(|&i| v[i]).collect();
    if present.is_empty() {
        return 0.0;
    }
    match impute {
        Impute::Drop | Impute::Mean => present.iter().sum::<f64>() / present.len() as f64,
        Impute::Median => {
            present.sort_by(f64::total_cmp);
            let m = present.len() / 2;
            if present.len() % 2 == 1 { present[m] } else { (present[m - 1] + present[m]) / 2.0 }
        }
        Impute::MostFrequent => {
            // scikit-learn: the most frequent value, the smallest among ties.
            present.sort_by(f64::total_cmp);
            let mut best = (present[0], 0usize);
            let mut i = 0;
            while i < present.len() {
                let j = present[i..].iter().position(|&x| x != present[i]).map_or(present.len(), |k| i + k);
                if j - i > best.1 {
                    best = (present[i], j - i);
                }
                i = j;
            }
            best.0
        }
        Impute::Constant(c) => c,
    }
}

/// The most frequent category among `rows` (the first in sorted order among ties).
fn most_frequent(v: &[Option<String>], rows: &[usize]) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for &i in rows {
        if let Some(s) = &v[i] {
            *counts.entry(s.as_str()).or_default() += 1;
        }
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map(|(s, _)| s.to_string())
}
