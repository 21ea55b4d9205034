//! `identity`: identity space and the identity rules, the prototype rule and the classic
//! ones (SCENARIOS.md §10; ODD §6.5, with the cluster count of §6.10).

use super::super::validate::{Checker, MAX_DIMS};
use serde::{Deserialize, Serialize};

/// The identity-dynamics rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityRule {
    /// Group prototypes drift towards their attendees; members move towards the prototype.
    Prototype,
    /// Deffuant et al. (2000): partners closer than epsilon move towards each other by mu.
    BoundedConfidence,
    /// Axelrod (1997): partners interact with probability equal to their cultural similarity;
    /// the active agent copies one trait in which they differ.
    Axelrod,
}

/// Who the partners of the bounded-confidence and Axelrod rules are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Co-attendees of a group that met this week.
    Groups,
    /// Network ties.
    Network,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Identity {
    pub rule: IdentityRule,
    /// Dimensions of the continuous identity space [0,1]^d.
    pub dims: u32,
    /// Prototype drift per meeting towards the identification-weighted mean of the attendees.
    pub drift: f64,
    /// Standard deviation of the prototype's random step per meeting (fluidity).
    pub noise: f64,
    /// Movement of an attendee towards the prototype per meeting (× identification).
    pub conformity: f64,
    /// Weekly return of each agent's identity towards its personal identity.
    pub anchoring: f64,
    /// Rate at which identification approaches its target each week the group meets.
    pub identification_rate: f64,
    /// Weight of similarity to the prototype in the identification target.
    pub similarity_weight: f64,
    /// Weight of recent attendance in the identification target.
    pub attendance_weight: f64,
    /// Distance (Euclidean, in identity space) at which similarity falls to 1/e.
    pub similarity_scale: f64,
    /// Side of the grid cells used to count identity clusters (metric only): face-adjacent
    /// occupied cells form one cluster. With bounded confidence: agents closer than this
    /// are linked (single linkage).
    pub cluster_tolerance: f64,
    /// Partners of the BoundedConfidence and Axelrod rules: Groups or Network.
    pub scope: Scope,
    /// BoundedConfidence: partners interact only when closer than epsilon (Euclidean).
    pub epsilon: f64,
    /// BoundedConfidence: each partner moves this share of the way towards the other.
    pub mu: f64,
    /// Axelrod: features F per agent.
    pub features: u32,
    /// Axelrod: traits q per feature (values 0..q).
    pub traits: u32,
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            rule: IdentityRule::Prototype,
            dims: 2,
            drift: 0.1,
            noise: 0.02,
            conformity: 0.02,
            anchoring: 0.02,
            identification_rate: 0.05,
            similarity_weight: 0.4,
            attendance_weight: 0.3,
            similarity_scale: 0.4,
            cluster_tolerance: 0.05,
            scope: Scope::Groups,
            epsilon: 0.2,
            mu: 0.5,
            features: 5,
            traits: 10,
        }
    }
}

impl Identity {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let id = self;
        c.count("identity.dims", id.dims, 1, MAX_DIMS);
        c.unit("identity.drift", id.drift);
        c.range("identity.noise", id.noise, 0.0, 0.5);
        c.unit("identity.conformity", id.conformity);
        c.unit("identity.anchoring", id.anchoring);
        c.unit("identity.identification_rate", id.identification_rate);
        c.unit("identity.similarity_weight", id.similarity_weight);
        c.unit("identity.attendance_weight", id.attendance_weight);
        c.range(
            "identity.similarity_scale",
            id.similarity_scale,
            0.001,
            10.0,
        );
        c.range(
            "identity.cluster_tolerance",
            id.cluster_tolerance,
            0.01,
            1.0,
        );
        // The classic rules.
        c.range("identity.epsilon", id.epsilon, 0.0, 16f64.sqrt());
        c.unit("identity.mu", id.mu);
        if id.mu.is_finite() && id.mu > 0.5 {
            c.push(
                "identity.mu",
                format!(
                    "must be at most 0.5 (partners would overshoot each other), got {}",
                    id.mu
                ),
            );
        }
        c.count("identity.features", id.features, 1, 1000);
        c.count("identity.traits", id.traits, 2, 255);
    }
}
