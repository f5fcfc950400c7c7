//! 2-D toy data sets. The first six follow TensorFlow Playground's definitions (its
//! `dataset.ts`): the same shapes, label conventions and use of `noise` (0 to 0.5 in the
//! Playground's UI, where it is shown as 0–50 %). Labels are ±1 for the binary sets, as the
//! Playground has them, and real values in [-1, 1] for the two regression sets. Randomness comes
//! from the engine's seeded `Rng`, so the same seed gives the same points everywhere.
//!
//! [`to_classes`] turns ±1 labels into class indices 0/1 for cross-entropy losses.
use crate::{data_bail, Dataset, Labels, Result};
use std::f32::consts::PI;
use webgrad_core::Rng;

/// Which generator; the names match the Playground's data set picker where they exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind2d {
    Circle,
    Xor,
    Gaussian,
    Spiral,
    RegressPlane,
    RegressGaussian,
    Moons,
    Checkerboard,
    Spiral3,
    /// Four classes on a 4×4 board of 3-wide cells over [-6, 6]² (class = column parity + 2 × row
    /// parity), as the webgrad playground draws it.
    Checkerboard4,
}

impl Kind2d {
    pub const ALL: [Kind2d; 10] = [
        Kind2d::Circle, Kind2d::Xor, Kind2d::Gaussian, Kind2d::Spiral, Kind2d::RegressPlane,
        Kind2d::RegressGaussian, Kind2d::Moons, Kind2d::Checkerboard, Kind2d::Spiral3, Kind2d::Checkerboard4,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Kind2d::Circle => "circle",
            Kind2d::Xor => "xor",
            Kind2d::Gaussian => "gaussian",
            Kind2d::Spiral => "spiral",
            Kind2d::RegressPlane => "regress_plane",
            Kind2d::RegressGaussian => "regress_gaussian",
            Kind2d::Moons => "moons",
            Kind2d::Checkerboard => "checkerboard",
            Kind2d::Spiral3 => "spiral3",
            Kind2d::Checkerboard4 => "checkerboard4",
        }
    }
    pub fn from_name(name: &str) -> Result<Kind2d> {
        match Kind2d::ALL.into_iter().find(|k| k.name() == name) {
            Some(k) => Ok(k),
            None => {
                let names: Vec<_> = Kind2d::ALL.iter().map(|k| k.name()).collect();
                data_bail!("unknown 2-D data set {:?}; expected one of {}", name, names.join(", "))
            }
        }
    }
    pub fn is_regression(self) -> bool {
        matches!(self, Kind2d::RegressPlane | Kind2d::RegressGaussian)
    }
    /// Number of classes for classification sets (the binary ones have 2), 0 for regression.
    pub fn num_classes(self) -> usize {
        match self {
            Kind2d::RegressPlane | Kind2d::RegressGaussian => 0,
            Kind2d::Spiral3 => 3,
            Kind2d::Checkerboard4 => 4,
            _ => 2,
        }
    }
}

/// `n` points of data set `kind` with `noise` (the Playground's 0–0.5 scale) from `seed`.
/// Binary sets carry ±1 labels as `Labels::Values` of width 1 (as the Playground does); the
/// 3-class spiral carries class indices; use [`to_classes`] to get indices for a binary set.
pub fn generate(kind: Kind2d, n: usize, noise: f32, seed: u64) -> Result<Dataset> {
    if !(0.0..=1.0).contains(&noise) || noise.is_nan() {
        data_bail!("noise {} must be in [0, 1] (the Playground uses 0 to 0.5)", noise);
    }
    let mut rng = Rng::new(seed);
    let mut g = Gen { rng: &mut rng, xs: Vec::with_capacity(2 * n), ys: Vec::with_capacity(n) };
    match kind {
        Kind2d::Circle => g.circle(n, noise),
        Kind2d::Xor => g.xor(n, noise),
        Kind2d::Gaussian => g.two_gaussians(n, noise),
        Kind2d::Spiral => g.spiral(n, noise),
        Kind2d::RegressPlane => g.regress_plane(n, noise),
        Kind2d::RegressGaussian => g.regress_gaussian(n, noise),
        Kind2d::Moons => g.moons(n, noise),
        Kind2d::Checkerboard => g.checkerboard(n, noise),
        Kind2d::Spiral3 => g.spiral_classes(n, 3, noise),
        Kind2d::Checkerboard4 => g.checkerboard4(n, noise),
    }
    let Gen { xs, ys, .. } = g;
    let labels = if matches!(kind, Kind2d::Spiral3 | Kind2d::Checkerboard4) {
        Labels::Classes { labels: ys.iter().map(|&y| y as i32).collect(), num_classes: kind.num_classes() }
    } else {
        Labels::Values { values: ys, width: 1 }
    };
    Ok(Dataset { features: xs, feature_shape: vec![2], labels })
}

/// ±1 (or any sign) labels of width 1 → class indices: 1 for positive, 0 otherwise.
pub fn to_classes(data: &Dataset) -> Result<Dataset> {
    match &data.labels {
        Labels::Classes { .. } => Ok(data.clone()),
        Labels::Values { values, width: 1 } => Ok(Dataset {
            labels: Labels::Classes { labels: values.iter().map(|&v| (v > 0.0) as i32).collect(), num_classes: 2 },
            ..data.clone()
        }),
        Labels::Values { width, .. } => data_bail!("to_classes needs one label per example, got {}", width),
    }
}

struct Gen<'a> {
    rng: &'a mut Rng,
    xs: Vec<f32>,
    ys: Vec<f32>,
}

fn dist(ax: f32, ay: f32, bx: f32, by: f32) -> f32 {
    ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt()
}

impl Gen<'_> {
    fn push(&mut self, x: f32, y: f32, label: f32) {
        self.xs.extend([x, y]);
        self.ys.push(label);
    }
    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        self.rng.uniform_range(lo, hi)
    }

    /// Positives in a disc of radius 2.5, negatives in a ring 3.5–5; a label is decided by the
    /// noisy position, so noise flips labels near the boundary (as in the Playground).
    fn circle(&mut self, n: usize, noise: f32) {
        let radius = 5.0;
        for (count, (r_lo, r_hi)) in [(n.div_ceil(2), (0.0, radius * 0.5)), (n / 2, (radius * 0.7, radius))] {
            for _ in 0..count {
                let r = self.uniform(r_lo, r_hi);
                let angle = self.uniform(0.0, 2.0 * PI);
                let (x, y) = (r * angle.sin(), r * angle.cos());
                let nx = self.uniform(-radius, radius) * noise;
                let ny = self.uniform(-radius, radius) * noise;
                let label = if dist(x + nx, y + ny, 0.0, 0.0) < radius * 0.5 { 1.0 } else { -1.0 };
                self.push(x, y, label);
            }
        }
    }

    /// Uniform in [-5, 5]², pushed 0.3 away from the axes; label = sign of x·y of the noisy point.
    fn xor(&mut self, n: usize, noise: f32) {
        let pad = 0.3;
        for _ in 0..n {
            let mut x = self.uniform(-5.0, 5.0);
            x += if x > 0.0 { pad } else { -pad };
            let mut y = self.uniform(-5.0, 5.0);
            y += if y > 0.0 { pad } else { -pad };
            let nx = self.uniform(-5.0, 5.0) * noise;
            let ny = self.uniform(-5.0, 5.0) * noise;
            let label = if (x + nx) * (y + ny) >= 0.0 { 1.0 } else { -1.0 };
            self.push(x, y, label);
        }
    }

    /// Two Gaussians at (2, 2) (+1) and (-2, -2) (−1); variance grows linearly from 0.5 at no
    /// noise to 4 at noise 0.5.
    fn two_gaussians(&mut self, n: usize, noise: f32) {
        let variance = 0.5 + noise / 0.5 * 3.5;
        let sd = variance.sqrt();
        for (count, c, label) in [(n.div_ceil(2), 2.0, 1.0), (n / 2, -2.0, -1.0)] {
            for _ in 0..count {
                let x = c + sd * self.rng.normal();
                let y = c + sd * self.rng.normal();
                self.push(x, y, label);
            }
        }
    }

    /// Two interleaved arms of 1.75 turns reaching radius 5, the second rotated by π.
    fn spiral(&mut self, n: usize, noise: f32) {
        for (count, delta, label) in [(n.div_ceil(2), 0.0, 1.0), (n / 2, PI, -1.0)] {
            for i in 0..count {
                let frac = i as f32 / count as f32;
                let r = frac * 5.0;
                let t = 1.75 * frac * 2.0 * PI + delta;
                let x = r * t.sin() + self.uniform(-1.0, 1.0) * noise;
                let y = r * t.cos() + self.uniform(-1.0, 1.0) * noise;
                self.push(x, y, label);
            }
        }
    }

    /// Target (x + y) / 10 of the noisy point, for points uniform in [-6, 6]² (not clamped, as in
    /// the Playground, so it spans [-1.2, 1.2] plus noise).
    fn regress_plane(&mut self, n: usize, noise: f32) {
        let radius = 6.0;
        for _ in 0..n {
            let x = self.uniform(-radius, radius);
            let y = self.uniform(-radius, radius);
            let nx = self.uniform(-radius, radius) * noise;
            let ny = self.uniform(-radius, radius) * noise;
            self.push(x, y, (x + nx + y + ny) / 10.0);
        }
    }

    /// Six signed bumps on a 3×2 grid; the target is the bump of largest magnitude, which falls
    /// linearly from ±1 at its centre to 0 at distance 2.
    fn regress_gaussian(&mut self, n: usize, noise: f32) {
        const BUMPS: [(f32, f32, f32); 6] =
            [(-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0)];
        let radius = 6.0;
        for _ in 0..n {
            let x = self.uniform(-radius, radius);
            let y = self.uniform(-radius, radius);
            let nx = self.uniform(-radius, radius) * noise;
            let ny = self.uniform(-radius, radius) * noise;
            let mut label: f32 = 0.0;
            for (cx, cy, sign) in BUMPS {
                let v = sign * (1.0 - dist(x + nx, y + ny, cx, cy) / 2.0).clamp(0.0, 1.0);
                if v.abs() > label.abs() {
                    label = v;
                }
            }
            self.push(x, y, label);
        }
    }

    /// Two interleaving half circles (as scikit-learn's make_moons), scaled by 3 and centred so
    /// they fill the Playground's [-5, 5]² view; Gaussian noise of sd `noise`·3 on both axes.
    fn moons(&mut self, n: usize, noise: f32) {
        let scale = 3.0;
        for (count, upper) in [(n.div_ceil(2), true), (n / 2, false)] {
            for i in 0..count {
                let t = PI * i as f32 / (count.max(2) - 1) as f32;
                let (bx, by, label) = if upper { (t.cos(), t.sin(), 1.0) } else { (1.0 - t.cos(), 0.5 - t.sin(), -1.0) };
                let x = (bx - 0.5 + noise * self.rng.normal()) * scale;
                let y = (by - 0.25 + noise * self.rng.normal()) * scale;
                self.push(x, y, label);
            }
        }
    }

    /// A 4×4 checkerboard over [-5, 5]²; as in the Playground sets, the label comes from the noisy
    /// position (noise scaled to the 10-wide square).
    fn checkerboard(&mut self, n: usize, noise: f32) {
        let cell = 2.5;
        for _ in 0..n {
            let x = self.uniform(-5.0, 5.0);
            let y = self.uniform(-5.0, 5.0);
            let nx = self.uniform(-5.0, 5.0) * noise;
            let ny = self.uniform(-5.0, 5.0) * noise;
            let parity = ((x + nx) / cell).floor() as i64 + ((y + ny) / cell).floor() as i64;
            self.push(x, y, if parity.rem_euclid(2) == 0 { 1.0 } else { -1.0 });
        }
    }

    /// Uniform in [-5.8, 5.8]²; the class of the noisy position's cell (noise up to ±3·`noise`).
    fn checkerboard4(&mut self, n: usize, noise: f32) {
        let cell = |v: f32| ((v.clamp(-5.99, 5.99) + 6.0) / 3.0).floor() as i64;
        for _ in 0..n {
            let x = self.uniform(-5.8, 5.8);
            let y = self.uniform(-5.8, 5.8);
            let nx = self.uniform(-3.0, 3.0) * noise;
            let ny = self.uniform(-3.0, 3.0) * noise;
            self.push(x, y, ((cell(x + nx) % 2) + 2 * (cell(y + ny) % 2)) as f32);
        }
    }

    /// `k` spiral arms (class indices 0..k), each one turn long out to radius 5, with uniform noise
    /// of ±`noise`·5 on the angle-free coordinates (the same kind of noise as the 2-arm spiral).
    fn spiral_classes(&mut self, n: usize, k: usize, noise: f32) {
        for class in 0..k {
            let count = n / k + usize::from(class < n % k);
            for i in 0..count {
                let frac = i as f32 / count as f32;
                let r = 0.2 + frac * 4.8;
                let t = 2.0 * PI * (frac + class as f32 / k as f32);
                let x = r * t.sin() + self.uniform(-1.0, 1.0) * noise * 5.0;
                let y = r * t.cos() + self.uniform(-1.0, 1.0) * noise * 5.0;
                self.push(x, y, class as f32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(d: &Dataset) -> &[f32] {
        match &d.labels {
            Labels::Values { values, .. } => values,
            Labels::Classes { .. } => panic!("expected values"),
        }
    }

    #[test]
    fn every_kind_gives_n_points_deterministically() {
        for kind in Kind2d::ALL {
            for n in [0, 1, 7, 200] {
                let a = generate(kind, n, 0.1, 3).unwrap();
                assert_eq!(a.len(), n, "{kind:?}");
                assert_eq!(a.features.len(), 2 * n);
                assert_eq!(a, generate(kind, n, 0.1, 3).unwrap());
                assert!(a.features.iter().all(|v| v.is_finite() && v.abs() < 12.0), "{kind:?}");
            }
            assert_ne!(generate(kind, 50, 0.1, 3).unwrap(), generate(kind, 50, 0.1, 4).unwrap());
            assert_eq!(Kind2d::from_name(kind.name()).unwrap(), kind);
        }
        assert!(Kind2d::from_name("donut").unwrap_err().0.contains("circle"));
        assert!(generate(Kind2d::Xor, 10, 2.0, 0).is_err());
    }

    #[test]
    fn noiseless_labels_follow_the_definitions() {
        let c = generate(Kind2d::Circle, 400, 0.0, 1).unwrap();
        for (p, &l) in c.features.chunks(2).zip(values(&c)) {
            let r = dist(p[0], p[1], 0.0, 0.0);
            assert_eq!(l > 0.0, r < 2.5);
            assert!(r <= 2.5 || (3.5..=5.0).contains(&r));
        }
        let x = generate(Kind2d::Xor, 400, 0.0, 1).unwrap();
        for (p, &l) in x.features.chunks(2).zip(values(&x)) {
            assert_eq!(l > 0.0, p[0] * p[1] >= 0.0);
            assert!(p[0].abs() >= 0.3 && p[1].abs() >= 0.3);
        }
        let s = generate(Kind2d::Spiral, 100, 0.0, 1).unwrap();
        // Two arms rotated by π: point i of the second arm mirrors point i of the first.
        for i in 0..50 {
            assert!((s.features[2 * i] + s.features[100 + 2 * i]).abs() < 1e-4);
            assert!((s.features[2 * i + 1] + s.features[100 + 2 * i + 1]).abs() < 1e-4);
        }
        let plane = generate(Kind2d::RegressPlane, 100, 0.0, 1).unwrap();
        for (p, &l) in plane.features.chunks(2).zip(values(&plane)) {
            assert!((l - (p[0] + p[1]) / 10.0).abs() < 1e-6);
        }
        let g = generate(Kind2d::RegressGaussian, 300, 0.0, 1).unwrap();
        assert!(values(&g).iter().all(|v| (-1.0..=1.0).contains(v)));
        assert!(values(&g).iter().any(|&v| v > 0.5) && values(&g).iter().any(|&v| v < -0.5));
        let cb = generate(Kind2d::Checkerboard, 200, 0.0, 1).unwrap();
        for (p, &l) in cb.features.chunks(2).zip(values(&cb)) {
            let parity = (p[0] / 2.5).floor() as i64 + (p[1] / 2.5).floor() as i64;
            assert_eq!(l > 0.0, parity.rem_euclid(2) == 0);
        }
    }

    #[test]
    fn checkerboard4_has_four_classes_by_cell() {
        let d = generate(Kind2d::Checkerboard4, 400, 0.0, 2).unwrap();
        let Labels::Classes { labels, num_classes } = &d.labels else { panic!("expected classes") };
        assert_eq!(*num_classes, 4);
        for (p, &l) in d.features.chunks(2).zip(labels) {
            let cell = |v: f32| ((v + 6.0) / 3.0).floor() as i32;
            assert_eq!(l, cell(p[0]) % 2 + 2 * (cell(p[1]) % 2));
            assert!(p[0].abs() <= 5.8 && p[1].abs() <= 5.8);
        }
        assert!((0..4).all(|c| labels.contains(&c)));
        assert_eq!(to_classes(&d).unwrap(), d);
    }

    #[test]
    fn gaussians_have_the_playground_spread() {
        let g = generate(Kind2d::Gaussian, 20000, 0.0, 5).unwrap();
        let pos: Vec<f32> = g.features.chunks(2).zip(values(&g)).filter(|(_, &l)| l > 0.0).map(|(p, _)| p[0]).collect();
        let mean = pos.iter().sum::<f32>() / pos.len() as f32;
        let var = pos.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / pos.len() as f32;
        assert!((mean - 2.0).abs() < 0.05 && (var - 0.5).abs() < 0.05, "mean {mean} var {var}");
        let g = generate(Kind2d::Gaussian, 20000, 0.5, 5).unwrap();
        let xs: Vec<f32> = g.features.chunks(2).zip(values(&g)).filter(|(_, &l)| l < 0.0).map(|(p, _)| p[1]).collect();
        let mean = xs.iter().sum::<f32>() / xs.len() as f32;
        let var = xs.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / xs.len() as f32;
        assert!((mean + 2.0).abs() < 0.1 && (var - 4.0).abs() < 0.25, "mean {mean} var {var}");
    }

    #[test]
    fn class_sets_are_balanced() {
        let s = generate(Kind2d::Spiral3, 301, 0.0, 2).unwrap();
        let Labels::Classes { labels, num_classes: 3 } = &s.labels else { panic!() };
        let counts: Vec<usize> = (0..3).map(|c| labels.iter().filter(|&&l| l == c).count()).collect();
        assert_eq!(counts, [101, 100, 100]);
        let m = to_classes(&generate(Kind2d::Moons, 101, 0.0, 2).unwrap()).unwrap();
        let Labels::Classes { labels, num_classes: 2 } = &m.labels else { panic!() };
        assert_eq!(labels.iter().filter(|&&l| l == 1).count(), 51);
    }
}
