//! Small numeric helpers: tie look-up here; logit and logistic, a portable `exp`
//! (bit-identical on every platform) and distances in identity space are the rules' own
//! (`crate::rules::maths`), re-exported so that `crate::model::exp` and the others still name
//! them.

use super::Tie;

pub use crate::rules::maths::{distance, distance_squared, exp, logistic, logit};

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
}
