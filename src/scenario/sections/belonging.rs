//! `belonging`: belonging from its three components, and loneliness (SCENARIOS.md §16;
//! ODD §6.8).

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

/// Belonging and loneliness (process 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Belonging {
    /// The process runs at all. False (for classic models that have no loneliness, such as
    /// Axelrod's): loneliness, belonging, its components and the slow traits keep the values
    /// they start with, and the week skips the process.
    pub enabled: bool,
    /// Saturation scale of attachment: A = 1 - exp(-Σ w / kappa_attachment).
    pub kappa_attachment: f64,
    /// Saturation scale of membership: M = 1 - exp(-Σ s·attendance / kappa_membership).
    pub kappa_membership: f64,
    /// Saturation scale of collective identity: C = 1 - exp(-Σ s·coherence / kappa_collective).
    pub kappa_collective: f64,
    /// Weights of A, M and C in B (normalised to sum 1).
    pub weight_attachment: f64,
    pub weight_membership: f64,
    pub weight_collective: f64,
    /// How A, M and C make belonging: `Mean` — their weighted mean; `Pooled` — one
    /// saturation of the weighted sum of what feeds them, B = 1 − Π (1 − X)^w, so that one
    /// strong source (close ties) can carry belonging when another (groups) is lacking.
    pub aggregation: Aggregation,
    /// Weekly rate at which loneliness approaches the relative gap between need and belonging.
    pub rate: f64,
    /// Pull of loneliness towards tie-weighted neighbours' loneliness.
    pub contagion: f64,
    /// Pull of loneliness towards the mean loneliness of those who came to the same meetings
    /// this week (a group's climate: mood is shared in the room, not only along ties —
    /// Hatfield et al. 1993; Cacioppo et al. 2009 found loneliness spreads beyond friends).
    pub group_contagion: f64,
    /// Loneliness above which an agent counts as lonely.
    pub threshold: f64,
}

/// How the components of belonging are combined (`belonging.aggregation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Aggregation {
    /// B = w_A A + w_M M + w_C C.
    #[default]
    Mean,
    /// B = 1 − (1 − A)^w_A (1 − M)^w_M (1 − C)^w_C: sources of belonging substitute for each
    /// other (a close tie buffers the lack of groups: Weiss 1973; partner PR 0.37 for
    /// loneliness, ELSI-Brazil 2024).
    Pooled,
}

impl Default for Belonging {
    fn default() -> Self {
        Belonging {
            enabled: true,
            kappa_attachment: 3.0,
            kappa_membership: 1.0,
            kappa_collective: 0.6,
            weight_attachment: 0.4,
            weight_membership: 0.3,
            weight_collective: 0.3,
            aggregation: Aggregation::Mean,
            rate: 0.2,
            contagion: 0.1,
            group_contagion: 0.0,
            threshold: 0.4,
        }
    }
}

impl Belonging {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let b = self;
        c.positive("belonging.kappa_attachment", b.kappa_attachment);
        c.positive("belonging.kappa_membership", b.kappa_membership);
        c.positive("belonging.kappa_collective", b.kappa_collective);
        c.non_negative("belonging.weight_attachment", b.weight_attachment);
        c.non_negative("belonging.weight_membership", b.weight_membership);
        c.non_negative("belonging.weight_collective", b.weight_collective);
        let wsum = b.weight_attachment + b.weight_membership + b.weight_collective;
        if wsum.is_finite() && wsum <= 0.0 {
            c.push(
                "belonging.weight_attachment",
                "the three weights must not all be 0",
            );
        }
        c.unit("belonging.rate", b.rate);
        c.unit("belonging.contagion", b.contagion);
        c.unit("belonging.group_contagion", b.group_contagion);
        if b.rate + b.contagion > 1.0 + 1e-9 {
            c.push(
                "belonging.contagion",
                format!(
                    "belonging.rate + belonging.contagion must be at most 1, got {}",
                    b.rate + b.contagion
                ),
            );
        }
        c.range("belonging.threshold", b.threshold, 0.0, 1.0);
    }
}
