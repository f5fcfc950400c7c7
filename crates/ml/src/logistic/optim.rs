//! The minimisers behind LogisticRegression: L-BFGS (two-loop recursion, strong-Wolfe line
//! search, scipy L-BFGS-B's stopping rules) and a damped Newton method. Both start wherever
//! they are given and stop when the largest gradient entry is at most `gtol`, when an iteration
//! lowers the objective by less than 64·ε relatively (scipy's `ftol` as scikit-learn sets it),
//! or after `max_iter` iterations.
use crate::linalg::{dot, solve_psd};
use std::collections::VecDeque;

/// The objective: returns f(x) and writes ∇f(x) into the second argument.
pub type Objective<'a> = dyn FnMut(&[f64], &mut [f64]) -> f64 + 'a;

const FTOL: f64 = 64.0 * f64::EPSILON;

fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn small_decrease(f_old: f64, f_new: f64) -> bool {
    (f_old - f_new) <= FTOL * f_old.abs().max(f_new.abs()).max(1.0)
}

/// A trial point of the line search: step, value, slope along the direction, gradient.
struct Trial {
    a: f64,
    f: f64,
    slope: f64,
    g: Vec<f64>,
}

/// A step along `d` meeting the strong Wolfe conditions (sufficient decrease c1 = 1e-3 and
/// curvature c2 = 0.9, the values of scipy's L-BFGS-B), by bracketing and cubic zooming.
/// Falls back to the best sufficient-decrease point found; `None` when there is none.
fn wolfe_step(f: &mut Objective, x: &[f64], fx: f64, slope0: f64, d: &[f64], a0: f64) -> Option<Trial> {
    const C1: f64 = 1e-3;
    const C2: f64 = 0.9;
    let mut eval = |a: f64| {
        let xt: Vec<f64> = x.iter().zip(d).map(|(xi, di)| xi + a * di).collect();
        let mut g = vec![0.0; x.len()];
        let fa = f(&xt, &mut g);
        Trial { a, f: fa, slope: dot(&g, d), g }
    };
    let mut lo = Trial { a: 0.0, f: fx, slope: slope0, g: vec![] };
    let mut hi: Option<Trial> = None;
    let mut a = a0;
    for _ in 0..60 {
        let t = eval(a);
        if !t.f.is_finite() || t.f > fx + C1 * t.a * slope0 || (lo.a > 0.0 && t.f >= lo.f) {
            hi = Some(t);
        } else {
            if t.slope.abs() <= -C2 * slope0 {
                return Some(t);
            }
            // Keep the minimiser between lo and hi: a rising slope means it lies behind t.
            let flip = match &hi {
                None => t.slope >= 0.0,
                Some(h) => t.slope * (h.a - t.a) >= 0.0,
            };
            let old = std::mem::replace(&mut lo, t);
            if flip {
                hi = Some(old);
            }
        }
        a = match &hi {
            None => lo.a * 4.0,
            Some(h) => {
                if (h.a - lo.a).abs() <= 1e-14 * lo.a.abs().max(h.a.abs()) {
                    break;
                }
                interpolate(&lo, h)
            }
        };
    }
    (lo.a > 0.0).then_some(lo)
}

/// The cubic's minimiser through both ends (values and slopes), kept inside the middle 80% of
/// the interval; bisection when the cubic is unusable.
fn interpolate(lo: &Trial, hi: &Trial) -> f64 {
    let (left, right) = (lo.a.min(hi.a), lo.a.max(hi.a));
    let w = right - left;
    let mid = 0.5 * (left + right);
    if !hi.f.is_finite() || !hi.slope.is_finite() {
        return mid;
    }
    let d1 = lo.slope + hi.slope - 3.0 * (lo.f - hi.f) / (lo.a - hi.a);
    let disc = d1 * d1 - lo.slope * hi.slope;
    if disc < 0.0 {
        return mid;
    }
    let d2 = (hi.a - lo.a).signum() * disc.sqrt();
    let a = hi.a - (hi.a - lo.a) * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2.0 * d2);
    if a.is_finite() && a >= left + 0.1 * w && a <= right - 0.1 * w {
        a
    } else {
        mid
    }
}

/// L-BFGS with 10 correction pairs (scipy's default). Returns the point and the iterations run.
pub fn lbfgs(f: &mut Objective, mut x: Vec<f64>, max_iter: usize, gtol: f64) -> (Vec<f64>, usize) {
    const M: usize = 10;
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut pairs: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::new();
    let mut iterations = 0;
    while iterations < max_iter && inf_norm(&g) > gtol {
        // Two-loop recursion: d = -H·g with H the inverse-Hessian estimate from the pairs.
        let mut q = g.clone();
        let mut alphas = Vec::with_capacity(pairs.len());
        for (s, y, rho) in pairs.iter().rev() {
            let a = rho * dot(s, &q);
            q.iter_mut().zip(y).for_each(|(qi, yi)| *qi -= a * yi);
            alphas.push(a);
        }
        if let Some((s, y, _)) = pairs.back() {
            let gamma = dot(s, y) / dot(y, y);
            q.iter_mut().for_each(|v| *v *= gamma);
        }
        for ((s, y, rho), a) in pairs.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(y, &q);
            q.iter_mut().zip(s).for_each(|(qi, si)| *qi += (a - b) * si);
        }
        let d: Vec<f64> = q.iter().map(|v| -v).collect();
        let slope = dot(&g, &d);
        // Without curvature information the first step is 1/||d||, as L-BFGS-B takes.
        let a0 = if pairs.is_empty() { 1.0 / dot(&d, &d).sqrt() } else { 1.0 };
        let step = if slope < 0.0 { wolfe_step(f, &x, fx, slope, &d, a0) } else { None };
        let Some(t) = step else {
            if pairs.is_empty() {
                break;
            }
            // A bad quasi-Newton direction: forget the pairs and retry along -g.
            pairs.clear();
            continue;
        };
        let s: Vec<f64> = d.iter().map(|v| t.a * v).collect();
        let y: Vec<f64> = t.g.iter().zip(&g).map(|(a, b)| a - b).collect();
        x.iter_mut().zip(&s).for_each(|(xi, si)| *xi += si);
        let done = small_decrease(fx, t.f);
        fx = t.f;
        g = t.g;
        iterations += 1;
        if done {
            break;
        }
        let sy = dot(&s, &y);
        if sy > f64::EPSILON * dot(&y, &y) {
            if pairs.len() == M {
                pairs.pop_front();
            }
            pairs.push_back((s, y, 1.0 / sy));
        }
    }
    (x, iterations)
}

/// Newton's method with the full Hessian (`hess`, row-major n × n) and Armijo backtracking.
pub fn newton(f: &mut Objective, hess: &mut dyn FnMut(&[f64]) -> Vec<f64>, mut x: Vec<f64>, max_iter: usize, gtol: f64) -> (Vec<f64>, usize) {
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut iterations = 0;
    while iterations < max_iter && inf_norm(&g) > gtol {
        let h = hess(&x);
        let mut d: Vec<f64> = solve_psd(&h, n, &g).into_iter().map(|v| -v).collect();
        if !(dot(&d, &g) < 0.0) || d.iter().any(|v| !v.is_finite()) {
            d = g.iter().map(|v| -v).collect();
        }
        let slope = dot(&d, &g);
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let xt: Vec<f64> = x.iter().zip(&d).map(|(xi, di)| xi + t * di).collect();
            let mut gt = vec![0.0; n];
            let ft = f(&xt, &mut gt);
            if ft.is_finite() && ft <= fx + 1e-4 * t * slope {
                accepted = Some((xt, ft, gt));
                break;
            }
            t *= 0.5;
        }
        let Some((xt, ft, gt)) = accepted else { break };
        let done = small_decrease(fx, ft);
        (x, fx, g) = (xt, ft, gt);
        iterations += 1;
        if done {
            break;
        }
    }
    (x, iterations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_find_the_rosenbrock_minimum() {
        let mut rosen = |x: &[f64], g: &mut [f64]| {
            g[0] = -2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] * x[0]);
            g[1] = 200.0 * (x[1] - x[0] * x[0]);
            (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
        };
        let (x, _) = lbfgs(&mut rosen, vec![-1.2, 1.0], 500, 1e-10);
        assert!((x[0] - 1.0).abs() < 1e-6 && (x[1] - 1.0).abs() < 1e-6, "{x:?}");
        let mut hess = |x: &[f64]| vec![2.0 - 400.0 * (x[1] - 3.0 * x[0] * x[0]), -400.0 * x[0], -400.0 * x[0], 200.0];
        let (x, _) = newton(&mut rosen, &mut hess, vec![-1.2, 1.0], 500, 1e-10);
        assert!((x[0] - 1.0).abs() < 1e-6 && (x[1] - 1.0).abs() < 1e-6, "{x:?}");
    }
}
