//! Label metrics: precision, recall, F1 (`precision_recall_fscore_support`), the confusion matrix
//! and `classification_report`.
use super::{check_pair, mean, unique, weighted_mean};
use crate::{Matrix, MlError, Result};

/// scikit-learn's `average` for precision, recall and F1 (its `None`, one score per class, is
/// [`precision_recall_f1_support`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Average {
    /// The score of the class `pos_label` only; y must have at most two labels.
    Binary,
    /// Global counts: tp, predicted and true totals summed over classes.
    Micro,
    /// Unweighted mean of the per-class scores.
    Macro,
    /// Mean of the per-class scores weighted by support (true count).
    Weighted,
}

impl std::str::FromStr for Average {
    type Err = MlError;
    fn from_str(s: &str) -> Result<Average> {
        match s {
            "binary" => Ok(Average::Binary),
            "micro" => Ok(Average::Micro),
            "macro" => Ok(Average::Macro),
            "weighted" => Ok(Average::Weighted),
            _ => Err(MlError::new("average", format!("{s:?} is not one of binary, micro, macro, weighted"))),
        }
    }
}

/// `a / b`, with scikit-learn's default zero_division ("warn") giving 0.0 for 0/0.
fn divide(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

/// Per label: true positives, predicted count, true count (the multilabel confusion matrix's
/// sufficient statistics).
fn counts(y_true: &[f64], y_pred: &[f64], labels: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let k = labels.len();
    let (mut tp, mut pred, mut truth) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    let index = |v: &f64| labels.iter().position(|l| l == v);
    for (t, p) in y_true.iter().zip(y_pred) {
        if let Some(i) = index(t) {
            truth[i] += 1.0;
            if t == p {
                tp[i] += 1.0;
            }
        }
        if let Some(j) = index(p) {
            pred[j] += 1.0;
        }
    }
    (tp, pred, truth)
}

/// Per-class precision, recall, F1 and support (`average=None`), for `labels` in sorted order.
#[derive(Debug, Clone, PartialEq)]
pub struct PerClass {
    pub labels: Vec<f64>,
    pub precision: Vec<f64>,
    pub recall: Vec<f64>,
    pub f1: Vec<f64>,
    pub support: Vec<f64>,
}

fn per_class(y_true: &[f64], y_pred: &[f64], labels: Vec<f64>) -> PerClass {
    let (tp, pred, truth) = counts(y_true, y_pred, &labels);
    let map = |f: &dyn Fn(usize) -> f64| (0..labels.len()).map(f).collect::<Vec<f64>>();
    PerClass {
        precision: map(&|i| divide(tp[i], pred[i])),
        recall: map(&|i| divide(tp[i], truth[i])),
        // scikit-learn 1.5 computes F from counts, 2·tp / (true + predicted), not from P and R.
        f1: map(&|i| divide(2.0 * tp[i], truth[i] + pred[i])),
        support: truth,
        labels,
    }
}

/// `precision_recall_fscore_support(y_true, y_pred, average=None)` over the sorted union of
/// labels.
pub fn precision_recall_f1_support(y_true: &[f64], y_pred: &[f64]) -> Result<PerClass> {
    check_pair("precisionRecallF1", ("yTrue", y_true), ("yPred", y_pred))?;
    let labels = union(y_true, y_pred);
    Ok(per_class(y_true, y_pred, labels))
}

fn union(y_true: &[f64], y_pred: &[f64]) -> Vec<f64> {
    unique(&[y_true, y_pred].concat())
}

/// (precision, recall, f1) under `average`, as scikit-learn's `precision_recall_fscore_support`.
fn averaged(what: &str, y_true: &[f64], y_pred: &[f64], average: Average, pos_label: f64) -> Result<[f64; 3]> {
    check_pair(what, ("yTrue", y_true), ("yPred", y_pred))?;
    let present = union(y_true, y_pred);
    if average == Average::Binary {
        if present.len() > 2 {
            return Err(MlError::new(
                what,
                format!(
                    "the labels are multiclass ({} of them) but average is 'binary'; choose micro, macro or weighted",
                    present.len()
                ),
            ));
        }
        // As scikit-learn: a pos_label absent from y is an error only when two labels are
        // present (with one, its score is simply 0/0 → 0).
        if present.len() == 2 && !present.contains(&pos_label) {
            return Err(MlError::new(what, format!("posLabel={pos_label} is not a valid label: it should be one of {present:?}")));
        }
        let s = per_class(y_true, y_pred, vec![pos_label]);
        return Ok([s.precision[0], s.recall[0], s.f1[0]]);
    }
    let s = per_class(y_true, y_pred, present);
    Ok(match average {
        Average::Micro => {
            // Global counts Σtp / Σpredicted, Σtp / Σtrue (integers, so plain sums are exact).
            let (tp, pred, truth) = counts(y_true, y_pred, &s.labels);
            let (tp, pred, truth): (f64, f64, f64) = (tp.iter().sum(), pred.iter().sum(), truth.iter().sum());
            [divide(tp, pred), divide(tp, truth), divide(2.0 * tp, truth + pred)]
        }
        Average::Macro => [mean(&s.precision), mean(&s.recall), mean(&s.f1)],
        Average::Weighted => {
            let w = &s.support;
            [weighted_mean(&s.precision, w), weighted_mean(&s.recall, w), weighted_mean(&s.f1, w)]
        }
        Average::Binary => unreachable!(),
    })
}

/// `precision_score(y_true, y_pred, average=…, pos_label=…)` (pos_label matters only for
/// [`Average::Binary`]; scikit-learn's default is 1).
pub fn precision(y_true: &[f64], y_pred: &[f64], average: Average, pos_label: f64) -> Result<f64> {
    Ok(averaged("precision", y_true, y_pred, average, pos_label)?[0])
}

/// `recall_score`, with the parameters of [`precision`].
pub fn recall(y_true: &[f64], y_pred: &[f64], average: Average, pos_label: f64) -> Result<f64> {
    Ok(averaged("recall", y_true, y_pred, average, pos_label)?[1])
}

/// `f1_score`, with the parameters of [`precision`].
pub fn f1(y_true: &[f64], y_pred: &[f64], average: Average, pos_label: f64) -> Result<f64> {
    Ok(averaged("f1", y_true, y_pred, average, pos_label)?[2])
}

/// `confusion_matrix(y_true, y_pred, labels=…)`: the label order (given, or the sorted union) and
/// counts with rows = true label, columns = predicted. Samples whose true or predicted label is
/// not in `labels` are left out, as scikit-learn does.
pub fn confusion_matrix(y_true: &[f64], y_pred: &[f64], labels: Option<&[f64]>) -> Result<(Vec<f64>, Matrix)> {
    const WHAT: &str = "confusionMatrix";
    check_pair(WHAT, ("yTrue", y_true), ("yPred", y_pred))?;
    let labels = match labels {
        None => union(y_true, y_pred),
        Some(l) => {
            if l.is_empty() {
                return Err(MlError::new(WHAT, "labels should contain at least one label"));
            }
            if !l.iter().any(|v| y_true.contains(v)) {
                return Err(MlError::new(WHAT, "at least one label specified must be in yTrue"));
            }
            l.to_vec()
        }
    };
    let k = labels.len();
    let mut m = Matrix::zeros(k, k);
    let index = |v: &f64| labels.iter().position(|l| l == v);
    for (t, p) in y_true.iter().zip(y_pred) {
        if let (Some(i), Some(j)) = (index(t), index(p)) {
            m.data[i * k + j] += 1.0;
        }
    }
    Ok((labels, m))
}

/// One class's row of a [`ClassificationReport`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRow {
    pub label: f64,
    /// The row heading: the given target name, or the label as scikit-learn prints an integer.
    pub name: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: f64,
}

/// The "macro avg" and "weighted avg" rows.
#[derive(Debug, Clone, PartialEq)]
pub struct AverageRow {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: f64,
}

/// `classification_report`: per-class rows, accuracy and the two averages; [`Self::text`] renders
/// scikit-learn's string.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassificationReport {
    pub classes: Vec<ClassRow>,
    pub accuracy: f64,
    pub macro_avg: AverageRow,
    pub weighted_avg: AverageRow,
}

/// A label as a row heading: integers without a fraction ("1", not "1.0"), as scikit-learn
/// prints the integer labels a JavaScript caller means.
fn label_name(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

/// `classification_report(y_true, y_pred, target_names=…)` over the sorted union of labels.
/// (With every label reported, scikit-learn's "micro avg" row is the accuracy row.)
pub fn classification_report(y_true: &[f64], y_pred: &[f64], target_names: Option<&[String]>) -> Result<ClassificationReport> {
    const WHAT: &str = "classificationReport";
    check_pair(WHAT, ("yTrue", y_true), ("yPred", y_pred))?;
    let s = per_class(y_true, y_pred, union(y_true, y_pred));
    let names: Vec<String> = match target_names {
        None => s.labels.iter().map(|&v| label_name(v)).collect(),
        Some(n) if n.len() == s.labels.len() => n.to_vec(),
        Some(n) => {
            return Err(MlError::new(
                WHAT,
                format!("there are {} classes but {} targetNames", s.labels.len(), n.len()),
            ))
        }
    };
    let total: f64 = s.support.iter().sum();
    let avg = |a: Average| -> Result<AverageRow> {
        let [precision, recall, f1] = averaged(WHAT, y_true, y_pred, a, 1.0)?;
        Ok(AverageRow { precision, recall, f1, support: total })
    };
    let classes = (0..s.labels.len())
        .map(|i| ClassRow {
            label: s.labels[i],
            name: names[i].clone(),
            precision: s.precision[i],
            recall: s.recall[i],
            f1: s.f1[i],
            support: s.support[i],
        })
        .collect();
    Ok(ClassificationReport {
        classes,
        accuracy: avg(Average::Micro)?.f1,
        macro_avg: avg(Average::Macro)?,
        weighted_avg: avg(Average::Weighted)?,
    })
}

impl ClassificationReport {
    /// scikit-learn's text layout with `digits` decimals (its default is 2): names right-aligned
    /// to the widest of the names and "weighted avg", then 9-wide columns.
    pub fn text(&self, digits: usize) -> String {
        let width = self.classes.iter().map(|c| c.name.chars().count()).max().unwrap_or(0).max("weighted avg".len()).max(digits);
        let row = |name: &str, p: f64, r: f64, f: f64, s: f64| {
            format!("{name:>width$}  {p:>9.digits$} {r:>9.digits$} {f:>9.digits$} {:>9}\n", s as i64)
        };
        let mut out = format!("{:>width$}  {:>9} {:>9} {:>9} {:>9}\n\n", "", "precision", "recall", "f1-score", "support");
        for c in &self.classes {
            out += &row(&c.name, c.precision, c.recall, c.f1, c.support);
        }
        out += "\n";
        let total = self.macro_avg.support;
        out += &format!("{:>width$}  {:>9} {:>9} {:>9.digits$} {:>9}\n", "accuracy", "", "", self.accuracy, total as i64);
        for (name, a) in [("macro avg", &self.macro_avg), ("weighted avg", &self.weighted_avg)] {
            out += &row(name, a.precision, a.recall, a.f1, a.support);
        }
        out
    }
}
