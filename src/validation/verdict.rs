//! Verdicts of validation checks: holds, refuted or inconclusive, computed from a typed
//! [`Tolerance`], and how many replicates would decide an inconclusive check.
//!
//! The rules (docs/VALIDATION.md, "How tolerances are chosen", says the same):
//!
//! - **Interval checks** ([`Tolerance::Above`], [`Tolerance::Below`], [`Tolerance::Within`])
//!   judge the 95% confidence interval [m − h, m + h] (Student t over replicates) of the
//!   measured mean m. `Above(x)` holds if m − h > x, is refuted if m + h ≤ x, and is
//!   inconclusive otherwise (the interval straddles x). `Below(x)` mirrors it. `Within(a, b)`
//!   holds if the interval lies inside [a, b], is refuted if it lies wholly outside (m + h < a
//!   or m − h > b), and is inconclusive if it straddles a or b. Without a finite interval
//!   (fewer than 2 replicates) the check is inconclusive.
//! - **Agreement with a published mean** ([`Tolerance::Matches`]; Axelrod's Table 1, the
//!   bounded-confidence rule of thumb): refuted if the published figure lies farther from
//!   the measured mean than the combined sampling error sqrt(h² + h_pub²) plus the resolution
//!   r of the published figure (rounding, or half a cluster for an integer rule); otherwise it
//!   holds if our own interval is at least as precise as the allowance the published figure
//!   brings (h ≤ h_pub + r), so that a real difference of that size would have shown, and is
//!   inconclusive if only our own imprecision keeps the two together.
//! - **A share of runs at least x** ([`Tolerance::ShareAtLeast`]): the exact (Clopper–Pearson)
//!   95% interval of the share over runs; holds if its lower end is at least x, refuted if its
//!   upper end is below x, inconclusive otherwise.
//! - **A monotone decrease** ([`Tolerance::Decreasing`]): refuted if a rise from one count to
//!   the next is significant (the measured largest rise, net of its critical value, is above
//!   0); holds if no rise is significant and the decrease over the whole range is (its 95%
//!   interval lies above 0); inconclusive otherwise, or with fewer than two counts.
//! - **Deterministic checks** ([`Tolerance::Exact`]): holds or refuted, never inconclusive.
//! - **Completeness of the measurement** ([`Tolerance::Complete`], e.g. every run absorbed
//!   before the step cap): holds if complete; inconclusive otherwise (an incomplete
//!   measurement says nothing against the claim; a longer run would decide).
//! - **Reported** figures ([`Tolerance::Reported`]) have no verdict and do not count.
//!
//! A report is refuted if any check is refuted, else inconclusive if any is, else it holds.
//!
//! For an inconclusive interval check, [`Check::replicates_to_decide`] estimates the
//! replicates per experiment at which the 95% CI would clear the nearest bound it straddles,
//! assuming the observed mean and standard deviation s stay: the smallest n with
//! t(0.975, n − 1) · s / √n < |m − bound| (capped at [`DECIDE_CAP`]).

use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta, ContinuousCDF};
use std::fmt;

use super::Check;
use crate::stats::t975;

/// Largest number of replicates [`replicates_for`] reports; beyond it, "more than".
pub const DECIDE_CAP: u32 = 10_000;

/// The outcome of a check or a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The data support the claim within its tolerance.
    Holds,
    /// Too few replicates (or an incomplete measurement) to tell.
    Inconclusive,
    /// The data contradict the claim.
    Refuted,
}

impl Verdict {
    /// The lowercase word, as in validation.csv: `holds`, `inconclusive`, `refuted`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Refuted => "refuted",
        }
    }

    /// The word as printed and in plot titles: `holds`, `inconclusive`, `REFUTED`.
    pub fn shout(self) -> &'static str {
        match self {
            Verdict::Refuted => "REFUTED",
            v => v.word(),
        }
    }

    /// The verdict of several: refuted if any is, else inconclusive if any is, else holds;
    /// inconclusive when there is none.
    pub fn combine(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
        verdicts.into_iter().max().unwrap_or(Verdict::Inconclusive)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.shout())
    }
}

/// What a check's measured figure is held against; the verdict follows from it (module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tolerance {
    /// The 95% CI lies above x.
    Above(f64),
    /// The 95% CI lies below x.
    Below(f64),
    /// The 95% CI lies inside [a, b].
    Within(f64, f64),
    /// The published mean lies within the combined sampling error of both means plus
    /// `resolution`, and our interval is at least as precise as the published one.
    Matches {
        published: f64,
        /// 95% half-width of the published mean (0 for a rule without sampling error).
        published_half_width: f64,
        /// Rounding of the published figure, or the resolution of an integer rule.
        resolution: f64,
    },
    /// The share of runs (the measured figure, over `n` runs) is at least x: exact
    /// (Clopper–Pearson) 95% interval.
    ShareAtLeast(f64),
    /// No significant rise from one count to the next (the measured figure: the largest rise
    /// net of its critical value, ≤ 0) and a significant decrease over the whole range.
    Decreasing {
        /// Mean at the lowest count minus mean at the highest.
        #[serde(with = "super::finite")]
        decrease: f64,
        /// Half-width of its 95% interval.
        #[serde(with = "super::finite")]
        half_width: f64,
    },
    /// A deterministic check: holds if true, refuted if false.
    Exact(bool),
    /// A measurement that must be complete to be judged: holds if true, inconclusive if false.
    Complete(bool),
    /// Shown beside the published figure, no bound and no verdict.
    Reported,
}

/// How many replicates per experiment would decide an inconclusive check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decide {
    /// About this many replicates per experiment.
    Replicates(u32),
    /// More than this many (the cap of the estimate).
    MoreThan(u32),
    /// The mean sits on the bound: no number of replicates decides.
    OnBound,
    /// One replicate: no spread, so no interval and no estimate; at least two are needed
    /// (and an estimate from them may ask for more).
    NoSpread,
}

impl Decide {
    /// The CSV cell: a number, `more than 10000` or `never: mean on the bound`.
    pub fn cell(self) -> String {
        match self {
            Decide::Replicates(n) => n.to_string(),
            Decide::MoreThan(n) => format!("more than {n}"),
            Decide::OnBound => "never: mean on the bound".into(),
            Decide::NoSpread => "at least 2".into(),
        }
    }

    /// The larger need of two (on the bound beats any number).
    fn max(self, other: Decide) -> Decide {
        use Decide::*;
        match (self, other) {
            (OnBound, _) | (_, OnBound) => OnBound,
            (NoSpread, _) | (_, NoSpread) => NoSpread,
            (MoreThan(a), MoreThan(b)) => MoreThan(a.max(b)),
            (MoreThan(a), _) | (_, MoreThan(a)) => MoreThan(a),
            (Replicates(a), Replicates(b)) => Replicates(a.max(b)),
        }
    }

    /// The larger need of all (None if any is unknown or there is none).
    pub fn combine(all: impl IntoIterator<Item = Option<Decide>>) -> Option<Decide> {
        let mut out: Option<Decide> = None;
        for d in all {
            let d = d?;
            out = Some(out.map_or(d, |o| o.max(d)));
        }
        out
    }
}

impl fmt::Display for Decide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decide::Replicates(n) => write!(f, "about {n} replicates per experiment would decide"),
            Decide::MoreThan(n) => write!(
                f,
                "more than {} replicates per experiment would be needed to decide",
                thousands(*n)
            ),
            Decide::OnBound => f.write_str("cannot decide: the mean sits on the bound"),
            Decide::NoSpread => f.write_str(
                "one replicate has no spread: at least 2 replicates per experiment are needed \
                 for an interval",
            ),
        }
    }
}

fn thousands(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The smallest n ≥ 2 with t(0.975, n − 1) · sd / √n < gap: the replicates at which a 95% CI
/// of a mean with standard deviation `sd` clears a bound `gap` away from it. None when the
/// inputs are not finite or sd < 0.
pub fn replicates_for(sd: f64, gap: f64) -> Option<Decide> {
    if !(sd.is_finite() && gap.is_finite()) || sd < 0.0 {
        return None;
    }
    let gap = gap.abs();
    if gap == 0.0 {
        return Some(Decide::OnBound);
    }
    let half = |n: u32| t975(n as usize - 1) * sd / f64::from(n).sqrt();
    if half(2) < gap {
        return Some(Decide::Replicates(2));
    }
    if half(DECIDE_CAP) >= gap {
        return Some(Decide::MoreThan(DECIDE_CAP));
    }
    // half(lo) >= gap > half(hi); the half-width falls with n.
    let (mut lo, mut hi) = (2u32, DECIDE_CAP);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if half(mid) < gap {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(Decide::Replicates(hi))
}

/// The exact (Clopper–Pearson) 95% interval of a share of `k` successes in `n` trials.
pub fn clopper_pearson(k: u32, n: u32) -> (f64, f64) {
    if n == 0 || k > n {
        return (f64::NAN, f64::NAN);
    }
    let (k, n) = (f64::from(k), f64::from(n));
    let quantile = |a: f64, b: f64, p: f64| Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(p));
    let lo = if k == 0.0 {
        0.0
    } else {
        quantile(k, n - k + 1.0, 0.025)
    };
    let hi = if k == n {
        1.0
    } else {
        quantile(k + 1.0, n - k, 0.975)
    };
    (lo, hi)
}

impl Check {
    /// Whether the check has a finite 95% interval (at least 2 values).
    fn has_interval(&self) -> bool {
        self.n >= 2 && self.measured.is_finite() && self.half_width.is_finite()
    }

    /// The sample standard deviation behind the interval (h √n / t(0.975, n − 1)).
    pub fn sd(&self) -> f64 {
        if !self.has_interval() {
            return f64::NAN;
        }
        self.half_width * f64::from(self.n).sqrt() / t975(self.n as usize - 1)
    }

    /// The check's verdict (None for a reported figure).
    pub fn verdict(&self) -> Option<Verdict> {
        use Verdict::*;
        let (m, h) = (self.measured, self.half_width);
        let v = match &self.tolerance {
            Tolerance::Reported => return None,
            Tolerance::Exact(ok) => {
                if *ok {
                    Holds
                } else {
                    Refuted
                }
            }
            Tolerance::Complete(ok) => {
                if *ok {
                    Holds
                } else {
                    Inconclusive
                }
            }
            _ if matches!(
                self.tolerance,
                Tolerance::Above(_) | Tolerance::Below(_) | Tolerance::Within(..)
            ) && !self.has_interval() =>
            {
                Inconclusive
            }
            Tolerance::Above(x) => {
                if m - h > *x {
                    Holds
                } else if m + h <= *x {
                    Refuted
                } else {
                    Inconclusive
                }
            }
            Tolerance::Below(x) => {
                if m + h < *x {
                    Holds
                } else if m - h >= *x {
                    Refuted
                } else {
                    Inconclusive
                }
            }
            Tolerance::Within(a, b) => {
                if m - h >= *a && m + h <= *b {
                    Holds
                } else if m + h < *a || m - h > *b {
                    Refuted
                } else {
                    Inconclusive
                }
            }
            Tolerance::Matches {
                published,
                published_half_width: hp,
                resolution: r,
            } => {
                if !self.has_interval() {
                    Inconclusive
                } else if (published - m).abs() > (h * h + hp * hp).sqrt() + r {
                    Refuted
                } else if h <= hp + r {
                    Holds
                } else {
                    Inconclusive
                }
            }
            Tolerance::ShareAtLeast(x) => {
                let (lo, hi) = self.share_interval();
                if !(lo.is_finite() && hi.is_finite()) {
                    Inconclusive
                } else if lo >= *x {
                    Holds
                } else if hi < *x {
                    Refuted
                } else {
                    Inconclusive
                }
            }
            Tolerance::Decreasing {
                decrease,
                half_width,
            } => {
                if !m.is_finite() {
                    Inconclusive
                } else if m > 0.0 {
                    Refuted
                } else if decrease - half_width > 0.0 {
                    Holds
                } else {
                    Inconclusive
                }
            }
        };
        Some(v)
    }

    /// The exact 95% interval of a [`Tolerance::ShareAtLeast`] check's share.
    pub fn share_interval(&self) -> (f64, f64) {
        if !(self.measured.is_finite() && (0.0..=1.0).contains(&self.measured)) {
            return (f64::NAN, f64::NAN);
        }
        let k = (self.measured * f64::from(self.n)).round() as u32;
        clopper_pearson(k, self.n)
    }

    /// For an inconclusive check: the replicates per experiment that would decide it, if the
    /// observed mean and spread stayed (None when not inconclusive or not estimable).
    pub fn replicates_to_decide(&self) -> Option<Decide> {
        if self.verdict() != Some(Verdict::Inconclusive) {
            return None;
        }
        let (m, h) = (self.measured, self.half_width);
        let interval = matches!(
            self.tolerance,
            Tolerance::Above(_)
                | Tolerance::Below(_)
                | Tolerance::Within(..)
                | Tolerance::Matches { .. }
        );
        if interval && self.n < 2 {
            return Some(Decide::NoSpread);
        }
        match &self.tolerance {
            Tolerance::Above(x) | Tolerance::Below(x) => replicates_for(self.sd(), m - x),
            Tolerance::Within(a, b) => {
                let straddled = [*a, *b]
                    .into_iter()
                    .filter(|&x| m - h <= x && x <= m + h)
                    .map(|x| (m - x).abs())
                    .fold(f64::INFINITY, f64::min);
                straddled
                    .is_finite()
                    .then(|| replicates_for(self.sd(), straddled))
                    .flatten()
            }
            Tolerance::Matches {
                published_half_width,
                resolution,
                ..
            } => replicates_for(self.sd(), published_half_width + resolution),
            Tolerance::ShareAtLeast(x) => share_runs_to_decide(m, self.n, *x),
            Tolerance::Decreasing {
                decrease,
                half_width,
            } => {
                // The half-width falls as 1/√(replicates): n0 (h/D)² replicates bring it
                // below the decrease D.
                if !(decrease.is_finite() && half_width.is_finite()) || self.n == 0 {
                    None
                } else if *decrease <= 0.0 {
                    (*decrease == 0.0).then_some(Decide::OnBound)
                } else {
                    let need = f64::from(self.n) * (half_width / decrease).powi(2);
                    let n = need.floor() + 1.0;
                    Some(if n > f64::from(DECIDE_CAP) {
                        Decide::MoreThan(DECIDE_CAP)
                    } else {
                        Decide::Replicates((n as u32).max(2))
                    })
                }
            }
            Tolerance::Exact(_) | Tolerance::Complete(_) | Tolerance::Reported => None,
        }
    }
}

/// Runs at which the exact interval of a share `p` (assumed to stay) clears `x`.
fn share_runs_to_decide(p: f64, n: u32, x: f64) -> Option<Decide> {
    if !p.is_finite() {
        return None;
    }
    if p == x {
        return Some(Decide::OnBound);
    }
    for runs in n.max(1) + 1..=DECIDE_CAP {
        let k = (p * f64::from(runs)).round() as u32;
        let (lo, hi) = clopper_pearson(k, runs);
        if (p > x && lo >= x) || (p < x && hi < x) {
            return Some(Decide::Replicates(runs));
        }
    }
    Some(Decide::MoreThan(DECIDE_CAP))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check of mean `m` with 95% half-width `h` over `n` values.
    fn check(m: f64, h: f64, n: u32, tolerance: Tolerance) -> Check {
        Check {
            what: "x".into(),
            measured: m,
            half_width: h,
            n,
            published: String::new(),
            tolerance,
            tolerance_text: String::new(),
        }
    }

    fn v(m: f64, h: f64, t: Tolerance) -> Option<Verdict> {
        check(m, h, 10, t).verdict()
    }

    use Verdict::*;

    #[test]
    fn above_and_below_at_their_edges() {
        // Above(0): the interval [m - h, m + h] against 0.
        assert_eq!(v(1.0, 0.5, Tolerance::Above(0.0)), Some(Holds));
        assert_eq!(v(0.5, 0.5, Tolerance::Above(0.0)), Some(Inconclusive)); // touches 0
        assert_eq!(v(0.1, 0.5, Tolerance::Above(0.0)), Some(Inconclusive));
        assert_eq!(v(-0.5, 0.5, Tolerance::Above(0.0)), Some(Refuted)); // upper end at 0
        assert_eq!(v(-1.0, 0.5, Tolerance::Above(0.0)), Some(Refuted));
        assert_eq!(v(-1.0, 0.5, Tolerance::Below(0.0)), Some(Holds));
        assert_eq!(v(-0.5, 0.5, Tolerance::Below(0.0)), Some(Inconclusive));
        assert_eq!(v(0.5, 0.5, Tolerance::Below(0.0)), Some(Refuted));
        // No interval (fewer than 2 values): inconclusive, however far the mean.
        assert_eq!(
            check(100.0, f64::NAN, 1, Tolerance::Above(0.0)).verdict(),
            Some(Inconclusive)
        );
        assert_eq!(
            check(100.0, 0.0, 1, Tolerance::Above(0.0)).verdict(),
            Some(Inconclusive)
        );
    }

    #[test]
    fn within_holds_inside_refutes_wholly_outside() {
        let t = || Tolerance::Within(0.3, 0.5);
        assert_eq!(v(0.4, 0.1, t()), Some(Holds)); // exactly the band
        assert_eq!(v(0.4, 0.05, t()), Some(Holds));
        assert_eq!(v(0.45, 0.1, t()), Some(Inconclusive)); // straddles 0.5
        assert_eq!(v(0.4, 0.2, t()), Some(Inconclusive)); // straddles both
        assert_eq!(v(0.25, 0.05, t()), Some(Inconclusive)); // touches 0.3
        assert_eq!(v(0.2, 0.05, t()), Some(Refuted));
        assert_eq!(v(0.6, 0.05, t()), Some(Refuted));
        // Target 5's case: +137% ± 22 against 26-104%.
        assert_eq!(
            v(137.0, 22.0, Tolerance::Within(26.0, 104.0)),
            Some(Refuted)
        );
    }

    #[test]
    fn exact_complete_and_reported() {
        assert_eq!(v(0.0, f64::NAN, Tolerance::Exact(true)), Some(Holds));
        assert_eq!(v(3.0, f64::NAN, Tolerance::Exact(false)), Some(Refuted));
        assert_eq!(v(1.0, f64::NAN, Tolerance::Complete(true)), Some(Holds));
        assert_eq!(
            v(0.9, f64::NAN, Tolerance::Complete(false)),
            Some(Inconclusive)
        );
        assert_eq!(v(1.0, 0.1, Tolerance::Reported), None);
    }

    #[test]
    fn matches_needs_agreement_and_precision() {
        let t = |p: f64, hp: f64| Tolerance::Matches {
            published: p,
            published_half_width: hp,
            resolution: 0.05,
        };
        // |20 - 18.2| = 1.8 <= sqrt(3² + 5.8²) + 0.05 and 3 <= 5.85: holds.
        assert_eq!(v(18.2, 3.0, t(20.0, 5.8)), Some(Holds));
        // Agreement only because our interval is wide (h = 9 > 5.85): inconclusive.
        assert_eq!(v(18.2, 9.0, t(20.0, 5.8)), Some(Inconclusive));
        // Farther than the combined error: refuted.
        assert_eq!(v(30.0, 3.0, t(20.0, 5.8)), Some(Refuted));
        // Either side of the combined error sqrt(0.3² + 0.4²) + 0.05 = 0.55.
        assert_eq!(v(1.54, 0.3, t(1.0, 0.4)), Some(Holds));
        assert_eq!(v(1.56, 0.3, t(1.0, 0.4)), Some(Refuted));
        // A rule without sampling error, resolution half a cluster.
        let rule = Tolerance::Matches {
            published: 5.0,
            published_half_width: 0.0,
            resolution: 0.5,
        };
        assert_eq!(v(4.6, 0.19, rule.clone()), Some(Holds));
        assert_eq!(v(4.3, 0.31, rule.clone()), Some(Holds));
        assert_eq!(v(4.0, 0.6, rule.clone()), Some(Inconclusive));
        assert_eq!(v(4.0, 0.3, rule), Some(Refuted));
    }

    #[test]
    fn share_at_least_uses_the_exact_interval() {
        // 12 of 12: the exact lower end is 0.025^(1/12) = 0.735 < 0.8: inconclusive.
        let (lo, hi) = clopper_pearson(12, 12);
        assert!((lo - 0.025f64.powf(1.0 / 12.0)).abs() < 1e-9 && hi == 1.0);
        let c = |m: f64, n: u32| check(m, f64::NAN, n, Tolerance::ShareAtLeast(0.8));
        assert_eq!(c(1.0, 12).verdict(), Some(Inconclusive));
        // 17 of 17: 0.025^(1/17) = 0.805: holds; and 17 is what 12 of 12 would need.
        assert_eq!(c(1.0, 17).verdict(), Some(Holds));
        assert_eq!(
            c(1.0, 12).replicates_to_decide(),
            Some(Decide::Replicates(17))
        );
        // 10 of 40 (0.25): the upper end is far below 0.8: refuted.
        assert_eq!(c(0.25, 40).verdict(), Some(Refuted));
        // Known value: 5 of 10 has the exact interval (0.187, 0.813).
        let (lo, hi) = clopper_pearson(5, 10);
        assert!((lo - 0.187_086).abs() < 1e-5 && (hi - 0.812_914).abs() < 1e-5);
    }

    #[test]
    fn decreasing_refutes_a_significant_rise_and_needs_a_decrease() {
        let t = |d: f64, h: f64| Tolerance::Decreasing {
            decrease: d,
            half_width: h,
        };
        assert_eq!(v(-0.02, 0.0, t(0.2, 0.03)), Some(Holds));
        assert_eq!(v(0.01, 0.0, t(0.2, 0.03)), Some(Refuted));
        assert_eq!(v(-0.02, 0.0, t(0.02, 0.03)), Some(Inconclusive));
        assert_eq!(v(f64::NAN, 0.0, t(0.2, 0.03)), Some(Inconclusive));
        // 10 replicates, half-width 0.03 against a decrease of 0.02: 10 (3/2)² = 22.5, so 23.
        assert_eq!(
            check(-0.02, 0.0, 10, t(0.02, 0.03)).replicates_to_decide(),
            Some(Decide::Replicates(23))
        );
    }

    #[test]
    fn one_replicate_asks_for_at_least_two() {
        // One replicate: no spread, no interval (half-width NaN): inconclusive, and the need
        // is stated as "at least 2", not as a number estimated from nothing.
        let c = check(0.4, f64::NAN, 1, Tolerance::Within(0.3, 0.5));
        assert_eq!(c.verdict(), Some(Inconclusive));
        assert_eq!(c.replicates_to_decide(), Some(Decide::NoSpread));
        assert_eq!(Decide::NoSpread.cell(), "at least 2");
        // It wins over any estimate when targets are combined, but not over a mean on the
        // bound (which no number of replicates decides).
        assert_eq!(
            Decide::combine([Some(Decide::Replicates(9)), Some(Decide::NoSpread)]),
            Some(Decide::NoSpread)
        );
        assert_eq!(
            Decide::combine([Some(Decide::OnBound), Some(Decide::NoSpread)]),
            Some(Decide::OnBound)
        );
    }

    #[test]
    fn replicates_to_decide_by_hand() {
        // sd 1, gap 1: t(0.975, n - 1) / √n < 1 first at n = 7 (2.447 / 2.646 = 0.925;
        // n = 6: 2.571 / 2.449 = 1.050).
        assert_eq!(replicates_for(1.0, 1.0), Some(Decide::Replicates(7)));
        // sd 1, gap 0.5: n = 18 (2.110 / 4.243 = 0.497; n = 17: 2.120 / 4.123 = 0.514).
        assert_eq!(replicates_for(1.0, 0.5), Some(Decide::Replicates(18)));
        assert_eq!(replicates_for(1.0, 0.0), Some(Decide::OnBound));
        assert_eq!(
            replicates_for(1.0, 0.001),
            Some(Decide::MoreThan(DECIDE_CAP))
        );
        assert_eq!(replicates_for(f64::NAN, 1.0), None);
        // Through a check: mean 0.5, sd 1 over 6 replicates (h = 2.571 / √6 = 1.050)
        // against Above(0): the gap is 0.5, so 18 replicates.
        let h = t975(5) / 6f64.sqrt();
        let c = check(0.5, h, 6, Tolerance::Above(0.0));
        assert_eq!(c.verdict(), Some(Inconclusive));
        assert!((c.sd() - 1.0).abs() < 1e-12);
        assert_eq!(c.replicates_to_decide(), Some(Decide::Replicates(18)));
        // Within: the nearest straddled bound decides. 0.45 ± 0.143 (sd 0.2 over 10)
        // straddles 0.5 only (0.05 away), not 0.3.
        let h = t975(9) / 10f64.sqrt() * 0.2;
        let c = check(0.45, h, 10, Tolerance::Within(0.3, 0.5));
        assert_eq!(c.verdict(), Some(Inconclusive));
        assert_eq!(c.replicates_to_decide(), replicates_for(0.2, 0.05));
        // 0.4 ± 0.143 straddles both, each 0.1 away.
        let c = check(0.4, h, 10, Tolerance::Within(0.3, 0.5));
        assert_eq!(c.replicates_to_decide(), replicates_for(0.2, 0.1));
        // The mean outside the band, its interval straddling the lower bound: more
        // replicates would refute; the estimate is the same kind.
        let c = check(0.28, h, 10, Tolerance::Within(0.3, 0.5));
        assert_eq!(c.verdict(), Some(Inconclusive));
        assert_eq!(c.replicates_to_decide(), replicates_for(0.2, 0.02));
        // On the bound.
        let c = check(0.0, 1.0, 10, Tolerance::Above(0.0));
        assert_eq!(c.replicates_to_decide(), Some(Decide::OnBound));
        // Not inconclusive: nothing to decide.
        assert_eq!(
            check(5.0, 1.0, 10, Tolerance::Above(0.0)).replicates_to_decide(),
            None
        );
    }

    #[test]
    fn combining_verdicts_and_needs() {
        assert_eq!(Verdict::combine([Holds, Inconclusive, Holds]), Inconclusive);
        assert_eq!(Verdict::combine([Inconclusive, Refuted]), Refuted);
        assert_eq!(Verdict::combine([Holds]), Holds);
        assert_eq!(Verdict::combine([]), Inconclusive);
        use Decide::*;
        assert_eq!(
            Decide::combine([Some(Replicates(9)), Some(Replicates(30))]),
            Some(Replicates(30))
        );
        assert_eq!(
            Decide::combine([Some(Replicates(9)), Some(MoreThan(10_000))]),
            Some(MoreThan(10_000))
        );
        assert_eq!(Decide::combine([Some(Replicates(9)), None]), None);
        assert_eq!(
            Replicates(9).to_string(),
            "about 9 replicates per experiment would decide"
        );
        assert_eq!(
            MoreThan(10_000).to_string(),
            "more than 10,000 replicates per experiment would be needed to decide"
        );
    }
}
