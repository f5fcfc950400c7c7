//! Linear regressors: LinearRegression (least squares), Ridge (L2, closed form) and Lasso (L1,
//! cyclic coordinate descent with scikit-learn's duality-gap stopping rule).
//!
//! With `fitIntercept` all three centre X and y, fit without intercept, and recover it as
//! `mean(y) - mean(X)·coef`, as scikit-learn does; so the intercept is never penalised.
use crate::linalg::{center, column_means, dot, gram, lstsq, mat_vec, solve_psd, xt_vec};
use crate::{check_features, check_xy, not_fitted, Estimator, Kind, Matrix, MlError, Result, Value};

/// The fitted line shared by the three: `predict = x·coef + intercept`.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    coef: Vec<f64>,
    intercept: f64,
}

impl Line {
    fn predict(line: &Option<Line>, name: &str, x: &Matrix) -> Result<Vec<f64>> {
        let l = line.as_ref().ok_or_else(|| not_fitted(name))?;
        check_features(name, x, l.coef.len())?;
        Ok(mat_vec(x, &l.coef).into_iter().map(|v| v + l.intercept).collect())
    }
}

/// X and y centred when the intercept is fitted (means returned), untouched otherwise.
fn centred(x: &Matrix, y: &[f64], fit_intercept: bool) -> (Matrix, Vec<f64>, Vec<f64>, f64) {
    if !fit_intercept {
        return (x.clone(), y.to_vec(), vec![0.0; x.cols], 0.0);
    }
    let xm = column_means(x, None);
    let ym = y.iter().sum::<f64>() / y.len() as f64;
    (center(x, &xm), y.iter().map(|v| v - ym).collect(), xm, ym)
}

fn line_from(coef: Vec<f64>, xm: &[f64], ym: f64) -> Line {
    let intercept = ym - dot(xm, &coef);
    Line { coef, intercept }
}

fn y_of<'a>(name: &str, x: &Matrix, y: Option<&'a [f64]>) -> Result<&'a [f64]> {
    let y = y.ok_or_else(|| MlError::new(name, "fit needs y (the target values)"))?;
    check_xy(name, x, Some(y))?;
    Ok(y)
}

fn line_attributes(line: &Option<Line>) -> Vec<(&'static str, Value)> {
    line.as_ref().map_or(vec![], |l| vec![("coef", Value::Vector(l.coef.clone())), ("intercept", Value::Scalar(l.intercept))])
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct LinearRegressionParams {
    pub fit_intercept: bool,
}

impl Default for LinearRegressionParams {
    fn default() -> Self {
        LinearRegressionParams { fit_intercept: true }
    }
}

/// Ordinary least squares; the minimum-norm solution when X is rank deficient (as scipy's lstsq).
#[derive(Debug, Clone, Default)]
pub struct LinearRegression {
    pub params: LinearRegressionParams,
    line: Option<Line>,
    rank: usize,
    singular: Vec<f64>,
}

impl LinearRegression {
    pub fn new(params: LinearRegressionParams) -> Self {
        LinearRegression { params, ..Default::default() }
    }
}

impl Estimator for LinearRegression {
    fn name(&self) -> &'static str {
        "LinearRegression"
    }
    fn kind(&self) -> Kind {
        Kind::Regressor
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let y = y_of(self.name(), x, y)?;
        let (xc, yc, xm, ym) = centred(x, y, self.params.fit_intercept);
        let (coef, rank, singular) = lstsq(&xc, &yc);
        self.line = Some(line_from(coef, &xm, ym));
        self.rank = rank;
        self.singular = singular;
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        Line::predict(&self.line, self.name(), x)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let mut a = line_attributes(&self.line);
        if self.line.is_some() {
            a.push(("rank", Value::Scalar(self.rank as f64)));
            a.push(("singular", Value::Vector(self.singular.clone())));
        }
        a
    }
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct RidgeParams {
    pub alpha: f64,
    pub fit_intercept: bool,
}

impl Default for RidgeParams {
    fn default() -> Self {
        RidgeParams { alpha: 1.0, fit_intercept: true }
    }
}

/// Least squares plus `alpha·||w||²`, solved in closed form `(XᵀX + αI) w = Xᵀy` (scikit-learn's
/// "cholesky" solver, which "auto" picks for dense X).
#[derive(Debug, Clone, Default)]
pub struct Ridge {
    pub params: RidgeParams,
    line: Option<Line>,
}

impl Ridge {
    pub fn new(params: RidgeParams) -> Self {
        Ridge { params, line: None }
    }
}

impl Estimator for Ridge {
    fn name(&self) -> &'static str {
        "Ridge"
    }
    fn kind(&self) -> Kind {
        Kind::Regressor
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let y = y_of(self.name(), x, y)?;
        let alpha = self.params.alpha;
        if !(alpha.is_finite() && alpha >= 0.0) {
            return Err(MlError::new(self.name(), format!("alpha must be a finite number >= 0, got {alpha}")));
        }
        let (xc, yc, xm, ym) = centred(x, y, self.params.fit_intercept);
        let p = x.cols;
        let mut a = gram(&xc, None);
        (0..p).for_each(|j| a[j * p + j] += alpha);
        let coef = solve_psd(&a, p, &xt_vec(&xc, &yc));
        self.line = Some(line_from(coef, &xm, ym));
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        Line::predict(&self.line, self.name(), x)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        line_attributes(&self.line)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct LassoParams {
    pub alpha: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: f64,
    /// Constrain the coefficients to be >= 0.
    pub positive: bool,
}

impl Default for LassoParams {
    fn default() -> Self {
        LassoParams { alpha: 1.0, fit_intercept: true, max_iter: 1000, tol: 1e-4, positive: false }
    }
}

/// Minimises `1/(2n)·||y - Xw||² + alpha·||w||₁` by cyclic coordinate descent.
#[derive(Debug, Clone, Default)]
pub struct Lasso {
    pub params: LassoParams,
    line: Option<Line>,
    n_iter: usize,
    dual_gap: f64,
}

impl Lasso {
    pub fn new(params: LassoParams) -> Self {
        Lasso { params, ..Default::default() }
    }
}

/// scikit-learn's `enet_coordinate_descent` with no L2 term, on column-major X (n × p): minimises
/// `½||y - Xw||² + l1·||w||₁`. Returns (w, duality gap, sweeps run). The gap is only evaluated
/// when the largest coordinate change of a sweep is below `tol` relative to the largest weight,
/// and the stop is gap < tol·||y||², exactly as cd_fast does, so the sweep counts agree.
fn coordinate_descent(xcols: &[f64], n: usize, y: &[f64], l1: f64, max_iter: usize, tol: f64, positive: bool) -> (Vec<f64>, f64, usize) {
    let p = if n == 0 { 0 } else { xcols.len() / n };
    let col = |j: usize| &xcols[j * n..(j + 1) * n];
    let norms: Vec<f64> = (0..p).map(|j| dot(col(j), col(j))).collect();
    let mut w = vec![0.0; p];
    let mut r = y.to_vec();
    let gap_tol = tol * dot(y, y);
    let mut gap = gap_tol + 1.0;
    let mut sweeps = 0;
    for it in 0..max_iter {
        sweeps = it + 1;
        let (mut w_max, mut dw_max) = (0.0f64, 0.0f64);
        for j in 0..p {
            if norms[j] == 0.0 {
                continue;
            }
            let old = w[j];
            if old != 0.0 {
                r.iter_mut().zip(col(j)).for_each(|(ri, &xij)| *ri += old * xij);
            }
            let t = dot(col(j), &r);
            w[j] = if positive && t < 0.0 { 0.0 } else { t.signum() * (t.abs() - l1).max(0.0) / norms[j] };
            if w[j] != 0.0 {
                let wj = w[j];
                r.iter_mut().zip(col(j)).for_each(|(ri, &xij)| *ri -= wj * xij);
            }
            dw_max = dw_max.max((w[j] - old).abs());
            w_max = w_max.max(w[j].abs());
        }
        if w_max == 0.0 || dw_max / w_max < tol || it + 1 == max_iter {
            // Duality gap of the current point, with the dual point rescaled into the feasible set.
            let xta: Vec<f64> = (0..p).map(|j| dot(col(j), &r)).collect();
            let dual_norm = if positive { xta.iter().copied().fold(f64::MIN, f64::max) } else { xta.iter().fold(0.0f64, |m, v| m.max(v.abs())) };
            let r2 = dot(&r, &r);
            let (c, mut g) = if dual_norm > l1 {
                let c = l1 / dual_norm;
                (c, 0.5 * (r2 + r2 * c * c))
            } else {
                (1.0, r2)
            };
            g += l1 * w.iter().map(|v| v.abs()).sum::<f64>() - c * dot(&r, y);
            gap = g;
            if gap < gap_tol {
                break;
            }
        }
    }
    (w, gap, sweeps)
}

impl Estimator for Lasso {
    fn name(&self) -> &'static str {
        "Lasso"
    }
    fn kind(&self) -> Kind {
        Kind::Regressor
    }
    fn fit(&mut self, x: &Matrix, y: Option<&[f64]>) -> Result<()> {
        let y = y_of(self.name(), x, y)?;
        let LassoParams { alpha, max_iter, tol, .. } = self.params;
        if !(alpha.is_finite() && alpha >= 0.0) {
            return Err(MlError::new(self.name(), format!("alpha must be a finite number >= 0, got {alpha}")));
        }
        if !(tol.is_finite() && tol >= 0.0) {
            return Err(MlError::new(self.name(), format!("tol must be a finite number >= 0, got {tol}")));
        }
        let (xc, yc, xm, ym) = centred(x, y, self.params.fit_intercept);
        // Column-major, so each coordinate update reads one contiguous column.
        let cols = crate::linalg::transpose(&xc).data;
        let l1 = alpha * x.rows as f64;
        let (coef, gap, sweeps) = coordinate_descent(&cols, x.rows, &yc, l1, max_iter, tol, self.params.positive);
        self.line = Some(line_from(coef, &xm, ym));
        self.n_iter = sweeps;
        // scikit-learn reports the gap of the mean-scaled objective.
        self.dual_gap = gap / x.rows as f64;
        Ok(())
    }
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        Line::predict(&self.line, self.name(), x)
    }
    fn attributes(&self) -> Vec<(&'static str, Value)> {
        let mut a = line_attributes(&self.line);
        if self.line.is_some() {
            a.push(("nIter", Value::Scalar(self.n_iter as f64)));
            a.push(("dualGap", Value::Scalar(self.dual_gap)));
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_line_is_recovered() {
        let x = Matrix::from_rows(&[vec![0.0, 1.0], vec![1.0, 0.0], vec![2.0, 5.0], vec![3.0, 1.0]]).unwrap();
        let y: Vec<f64> = (0..4).map(|i| 2.0 * x.get(i, 0) - x.get(i, 1) + 3.0).collect();
        let mut m = LinearRegression::new(Default::default());
        m.fit(&x, Some(&y)).unwrap();
        let p = m.predict(&x).unwrap();
        assert!(p.iter().zip(&y).all(|(a, b)| (a - b).abs() < 1e-12), "{p:?}");
    }

    #[test]
    fn bad_input_is_an_error_naming_the_estimator() {
        let x = Matrix::from_rows(&[vec![1.0], vec![2.0]]).unwrap();
        let mut m = Lasso::new(Default::default());
        assert_eq!(m.predict(&x).unwrap_err().to_string(), "Lasso: is not fitted yet: call fit first");
        let e = m.fit(&x, Some(&[1.0])).unwrap_err().to_string();
        assert!(e.starts_with("Lasso: X has 2 rows but y has 1"), "{e}");
        assert!(m.fit(&x, None).unwrap_err().to_string().contains("needs y"));
        let mut r = Ridge::new(RidgeParams { alpha: -1.0, ..Default::default() });
        assert!(r.fit(&x, Some(&[1.0, 2.0])).unwrap_err().to_string().contains("alpha"));
        let mut l = LinearRegression::new(Default::default());
        l.fit(&x, Some(&[1.0, 2.0])).unwrap();
        let wide = Matrix::from_rows(&[vec![1.0, 2.0]]).unwrap();
        assert!(l.predict(&wide).unwrap_err().to_string().contains("fitted with 1"));
        let nan = Matrix::from_rows(&[vec![f64::NAN], vec![2.0]]).unwrap();
        assert!(l.fit(&nan, Some(&[1.0, 2.0])).unwrap_err().to_string().contains("X[0, 0] is NaN"));
    }
}
