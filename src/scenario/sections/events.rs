//! `events`: the kinds of life events (SCENARIOS.md §8; ODD §6.1). A pulse's week and a
//! loss's group kind read other sections: `validate.rs` checks those.

use super::super::error::shown;
use super::super::validate::{identifier_message, is_identifier, Checker};
use serde::{Deserialize, Serialize};

/// A group loss caused by a life event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Loss {
    /// Group kind name.
    pub kind: String,
    /// Probability of losing each membership of that kind.
    pub probability: f64,
}

/// A pulse of events: at `step`, each agent without an active condition is struck with
/// probability `fraction`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pulse {
    pub step: u32,
    pub fraction: f64,
}

/// One kind of life event (chronic illness, job loss, relocation, bereavement, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventKind {
    pub name: String,
    /// Weekly probability that an agent without an active condition is struck.
    pub hazard: f64,
    /// Optional one-off pulse in addition to the hazard.
    pub pulse: Option<Pulse>,
    /// Memberships lost, by group kind.
    pub lose: Vec<Loss>,
    /// Fraction of the agent's ties lost.
    pub tie_loss: f64,
    /// Distress shock (added, capped at 1).
    pub distress: f64,
    /// Stigma and visibility of the condition (0 = none).
    pub stigma: f64,
    /// Size of the random displacement in identity space.
    pub identity_shift: f64,
    /// Weekly adjustment to the condition without a support group: integration grows by
    /// this share of what remains (adaptation, response shift: de Ridder et al. 2008;
    /// Sprangers & Schwartz 1999); support groups add `support.integration_rate`.
    pub adaptation: f64,
    /// Weekly probability of regaining each kind of membership this event took (returning to
    /// work, new friends, a new club: a new group of the same kind with room), × approach.
    pub regain: f64,
    /// How much the condition limits participation while it is active: subtracted from the
    /// logit of attending every group (fatigue, pain, activity limitation), halved as the
    /// condition is integrated: burden × (1 − ½ integration) (ONS 2020: the disabled limited
    /// a lot are lonely six times as often).
    pub burden: f64,
    /// Mean duration in weeks after which the condition resolves (exponential, rounded up to
    /// whole weeks); None = chronic.
    pub duration: Option<f64>,
    /// Support groups focused on this condition exist (when `support.enabled`).
    pub support: bool,
}

impl Default for EventKind {
    fn default() -> Self {
        EventKind {
            name: "event".into(),
            hazard: 0.0,
            pulse: None,
            lose: Vec::new(),
            tie_loss: 0.2,
            distress: 0.4,
            stigma: 0.0,
            identity_shift: 0.1,
            adaptation: 0.03,
            regain: 0.03,
            burden: 0.0,
            duration: None,
            support: true,
        }
    }
}

/// Every range of the section, each problem with its field path (`events[i].FIELD`).
pub(in crate::scenario) fn check(events: &[EventKind], c: &mut Checker) {
    for (i, e) in events.iter().enumerate() {
        let at = |f: &str| format!("events[{i}].{f}");
        if e.name.trim().is_empty() {
            c.push(at("name"), "must not be empty");
        } else if !is_identifier(&e.name) {
            c.push(at("name"), identifier_message(&e.name));
        }
        if events[..i].iter().any(|o| o.name == e.name) {
            c.push(
                at("name"),
                format!("duplicate event name {}", shown(&e.name)),
            );
        }
        c.unit(&at("hazard"), e.hazard);
        if let Some(pulse) = e.pulse {
            c.unit(&at("pulse.fraction"), pulse.fraction);
        }
        for (j, l) in e.lose.iter().enumerate() {
            c.unit(&format!("events[{i}].lose[{j}].probability"), l.probability);
        }
        c.unit(&at("tie_loss"), e.tie_loss);
        c.unit(&at("distress"), e.distress);
        c.unit(&at("stigma"), e.stigma);
        c.unit(&at("identity_shift"), e.identity_shift);
        c.unit(&at("adaptation"), e.adaptation);
        c.unit(&at("regain"), e.regain);
        c.range(&at("burden"), e.burden, 0.0, 10.0);
        if let Some(d) = e.duration {
            c.range(&at("duration"), d, 1.0, 1.0e6);
        }
    }
}
