//! `population`: the agents' number and fixed traits (SCENARIOS.md §5; ODD §2, the agents'
//! traits, drawn at initialization, ODD §5 step 2).

use super::super::validate::{Checker, MAX_AGENTS};
use serde::{Deserialize, Serialize};

/// A trait distribution in [0, 1]: a Beta distribution with this mean and standard deviation
/// (sd = 0 gives the constant `mean`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dist {
    pub mean: f64,
    pub sd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Population {
    /// Number of agents.
    pub size: u32,
    /// Need to belong (Baumeister & Leary 1995), a fixed trait.
    pub need: Dist,
    /// Baseline willingness to seek contact and support.
    pub approach: Dist,
    /// Baseline emotional-regulation capacity.
    pub regulation: Dist,
}

impl Default for Population {
    fn default() -> Self {
        Population {
            size: 2000,
            need: Dist {
                mean: 0.74,
                sd: 0.15,
            },
            approach: Dist {
                mean: 0.55,
                sd: 0.15,
            },
            regulation: Dist {
                mean: 0.5,
                sd: 0.15,
            },
        }
    }
}

impl Dist {
    /// Mean in [0, 1], sd in [0, 0.5] and small enough for a distribution on [0, 1] with that
    /// mean, each problem under `path`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker, path: &str) {
        let d = self;
        c.unit(&format!("{path}.mean"), d.mean);
        c.range(&format!("{path}.sd"), d.sd, 0.0, 0.5);
        if d.mean.is_finite() && d.sd.is_finite() && d.sd > 0.0 {
            let max_var = d.mean * (1.0 - d.mean);
            if max_var <= 0.0 {
                c.push(
                    format!("{path}.sd"),
                    format!(
                        "must be 0 for mean {}: a trait on [0, 1] with that mean cannot vary \
                         (got sd {})",
                        d.mean, d.sd
                    ),
                );
            } else if d.sd * d.sd >= max_var {
                c.push(
                    format!("{path}.sd"),
                    format!(
                        "too large for mean {}: a distribution on [0, 1] needs sd < {:.4}, got {}",
                        d.mean,
                        max_var.sqrt(),
                        d.sd
                    ),
                );
            }
        }
    }
}

impl Population {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let p = self;
        c.count("population.size", p.size, 2, MAX_AGENTS);
        p.need.check(c, "population.need");
        p.approach.check(c, "population.approach");
        p.regulation.check(c, "population.regulation");
        if p.need.mean.is_finite() && p.need.mean <= 0.0 {
            c.push(
                "population.need.mean",
                "must be > 0: loneliness is the gap relative to need",
            );
        }
    }
}
