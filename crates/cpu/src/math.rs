//! Scalar math shared by the reference and SIMD kernels.

/// erf with ~1e-7 relative accuracy: a Taylor series near zero (where 1 - erfc would cancel) and
/// the Numerical Recipes Chebyshev fit of erfc elsewhere. Evaluated in f64, rounded to f32.
pub fn erf(x: f32) -> f32 {
    let x = x as f64;
    let ax = x.abs();
    if ax < 0.5 {
        // 2/sqrt(pi) * Σ (-1)^n x^(2n+1) / (n! (2n+1))
        let x2 = x * x;
        let mut term = x;
        let mut sum = x;
        for n in 1..12 {
            term *= -x2 / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        return (sum * std::f64::consts::FRAC_2_SQRT_PI) as f32;
    }
    let t = 1.0 / (1.0 + 0.5 * ax);
    let poly = -ax * ax - 1.265_512_23
        + t * (1.000_023_68 + t * (0.374_091_96 + t * (0.096_784_18 + t * (-0.186_288_06
        + t * (0.278_868_07 + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    (if x >= 0.0 { 1.0 - erfc } else { erfc - 1.0 }) as f32
}

pub fn sigmoid(x: f32) -> f32 {
    // Branch so that exp never overflows.
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

pub fn sign(x: f32) -> f32 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}
