//! Semantic validation: ranges, finiteness and consistency, every problem at once,
//! each named by its field path. Each section's ranges sit with its types in `sections/`;
//! here are the [`Checker`] they report to, the top-level fields and the rules that read more
//! than one section.

use super::error::{shown, Problem};
use super::schema::*;
use super::sections;

/// Most agents one population may hold (indices are u32; memory is checked separately).
pub const MAX_AGENTS: u32 = 100_000_000;
/// Most weeks one run may simulate.
pub const MAX_STEPS: u32 = 100_000;
/// Most replicates one run may ask for.
pub const MAX_REPLICATES: u32 = 100_000;
/// Most identity dimensions.
pub const MAX_DIMS: u32 = 16;

pub(super) struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    pub(super) fn push(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.problems.push(Problem::new(path, msg));
    }

    pub(super) fn finite(&mut self, path: &str, v: f64) -> bool {
        if v.is_finite() {
            true
        } else {
            self.push(path, format!("must be a finite number, got {v}"));
            false
        }
    }

    /// v in [lo, hi].
    pub(super) fn range(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        if self.finite(path, v) && !(lo..=hi).contains(&v) {
            self.push(path, format!("must be in [{lo}, {hi}], got {v}"));
        }
    }

    pub(super) fn unit(&mut self, path: &str, v: f64) {
        self.range(path, v, 0.0, 1.0);
    }

    pub(super) fn non_negative(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && v < 0.0 {
            self.push(path, format!("must be >= 0, got {v}"));
        }
    }

    pub(super) fn positive(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && v <= 0.0 {
            self.push(path, format!("must be > 0, got {v}"));
        }
    }

    pub(super) fn count(&mut self, path: &str, v: u32, lo: u32, hi: u32) {
        if !(lo..=hi).contains(&v) {
            self.push(path, format!("must be an integer in [{lo}, {hi}], got {v}"));
        }
    }
}

/// Group kind and event names appear unquoted in CSV columns, so they are identifiers.
pub(super) fn is_identifier(name: &str) -> bool {
    name.chars()
        .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
}

pub(super) fn identifier_message(name: &str) -> String {
    format!(
        "may hold only letters, digits, '-', '_' and '.', got {}",
        shown(name)
    )
}

/// Checks a parsed scenario; returns every problem found: the top-level fields, each
/// section's ranges (its `check` in `sections/`) in file order, and after each section the
/// rules that read it together with another.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    if s.name.trim().is_empty() {
        c.push("name", "must not be empty");
    } else if !s
        .name
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
    {
        c.push("name", identifier_message(&s.name));
    }
    c.count("steps", s.steps, 1, MAX_STEPS);
    c.count("burn_in", s.burn_in, 0, MAX_STEPS);
    if let Some(sweep) = &s.sweep {
        sweep.check(&mut c);
    }
    c.count("replicates", s.replicates, 1, MAX_REPLICATES);

    s.population.check(&mut c);
    sections::groups::check(&s.groups, &mut c);
    s.support.check(&mut c);

    sections::events::check(&s.events, &mut c);
    // An event's pulse must come before the end, and it may only break group kinds that exist.
    for (i, e) in s.events.iter().enumerate() {
        if let Some(pulse) = e.pulse {
            if pulse.step >= s.steps {
                c.push(
                    format!("events[{i}].pulse.step"),
                    format!(
                        "must be before the end of the run (steps = {}), got {}",
                        s.steps, pulse.step
                    ),
                );
            }
        }
        for (j, l) in e.lose.iter().enumerate() {
            if !s.groups.iter().any(|g| g.name == l.kind) {
                let names: Vec<String> = s.groups.iter().map(|g| shown(&g.name)).collect();
                let expected = if names.is_empty() {
                    "the scenario has no group kinds (`groups` is empty)".to_string()
                } else {
                    format!("expected one of {}", names.join(", "))
                };
                c.push(
                    format!("events[{i}].lose[{j}].kind"),
                    format!("no group kind named {}; {expected}", shown(&l.kind)),
                );
            }
        }
    }

    // A programme starts in a recorded week (checked first, as each programme's first field).
    for (i, p) in s.interventions.iter().enumerate() {
        if p.start >= s.steps {
            c.push(
                format!("interventions[{i}].start"),
                format!(
                    "must be a recorded week below steps ({}), got {}",
                    s.steps, p.start
                ),
            );
        }
    }
    sections::interventions::check(&s.interventions, &mut c);

    s.network.check(&mut c);
    network(&mut c, s);

    s.identity.check(&mut c);
    classic(&mut c, s);
    let id = &s.identity;
    if id.similarity_weight + id.attendance_weight + s.support.shared_fate > 1.0 + 1e-9 {
        c.push(
            "identity.similarity_weight",
            "similarity_weight + attendance_weight + support.shared_fate must be at most 1 \
             (identification is a weighted sum in [0, 1])",
        );
    }

    s.attendance.check(&mut c);
    s.interaction.check(&mut c);
    s.exclusion.check(&mut c);

    s.ties.check(&mut c);
    if s.interaction.new_tie_weight.is_finite()
        && s.interaction.new_tie_weight > 0.0
        && s.interaction.new_tie_weight < s.ties.min_weight
    {
        c.push(
            "interaction.new_tie_weight",
            format!(
                "must be at least ties.min_weight ({}) or new ties vanish at once, got {}",
                s.ties.min_weight, s.interaction.new_tie_weight
            ),
        );
    }

    s.membership.check(&mut c);
    s.volunteering.check(&mut c);
    s.belonging.check(&mut c);
    s.traits.check(&mut c);
    s.stop.check(&mut c);
    s.output.check(&mut c);
    c.problems
}

/// The classic network generators: consistent with the population and the ties (the
/// section's own ranges are `Network::check`).
fn network(c: &mut Checker, s: &Scenario) {
    let nw = &s.network;
    let n = s.population.size as u64;
    if nw.neighbourhoods > 1 && nw.generator != Generator::Groups {
        c.push(
            "network.neighbourhoods",
            format!(
                "neighbourhoods divide the Groups town; a {:?} network has none: set 1, got {}",
                nw.generator, nw.neighbourhoods
            ),
        );
    }
    if nw.generator == Generator::Groups {
        if u64::from(nw.neighbourhoods) > n.max(1) {
            c.push(
                "network.neighbourhoods",
                format!(
                    "must be at most population.size ({n}): a neighbourhood needs a resident, got {}",
                    nw.neighbourhoods
                ),
            );
        }
        return;
    }
    if nw.tie_weight.is_finite() && nw.tie_weight < s.ties.min_weight {
        c.push(
            "network.tie_weight",
            format!(
                "must be at least ties.min_weight ({}) or the ties vanish at once, got {}",
                s.ties.min_weight, nw.tie_weight
            ),
        );
    }
    match nw.generator {
        Generator::Groups | Generator::Complete => {
            if nw.generator == Generator::Complete && n > 20_000 {
                c.push(
                    "network.generator",
                    format!("Complete holds N(N-1)/2 ties: at most 20000 agents, got {n}"),
                );
            }
        }
        Generator::Lattice => {
            if nw.width == 0 || nw.height == 0 {
                c.push(
                    "network.width",
                    format!(
                        "Lattice needs width and height >= 1, got {} x {}",
                        nw.width, nw.height
                    ),
                );
            } else if nw.width as u64 * nw.height as u64 != n {
                c.push(
                    "network.width",
                    format!(
                        "width x height must equal population.size ({n}), got {} x {} = {}",
                        nw.width,
                        nw.height,
                        nw.width as u64 * nw.height as u64
                    ),
                );
            }
        }
        Generator::ErdosRenyi => {
            if c.finite("network.mean_degree", nw.mean_degree)
                && !(0.0..=(n.saturating_sub(1)) as f64).contains(&nw.mean_degree)
            {
                c.push(
                    "network.mean_degree",
                    format!(
                        "must be in [0, population.size - 1 = {}], got {}",
                        n.saturating_sub(1),
                        nw.mean_degree
                    ),
                );
            }
        }
        Generator::WattsStrogatz => {
            if nw.k < 2 || !nw.k.is_multiple_of(2) || nw.k as u64 >= n {
                c.push(
                    "network.k",
                    format!(
                        "must be even, >= 2 and below population.size ({n}), got {}",
                        nw.k
                    ),
                );
            }
        }
        Generator::BarabasiAlbert => {
            if nw.m < 1 || nw.m as u64 >= n {
                c.push(
                    "network.m",
                    format!("must be >= 1 and below population.size ({n}), got {}", nw.m),
                );
            }
        }
    }
}

/// The classic identity rules and the absorption stop: what they ask of the network, the
/// groups, the identity rule and the ties (the identity section's own ranges are
/// `Identity::check`).
fn classic(c: &mut Checker, s: &Scenario) {
    let id = &s.identity;
    if id.scope == Scope::Network
        && id.rule != IdentityRule::Prototype
        && s.network.generator == Generator::Groups
        && s.network.cross_ties == 0.0
        && s.groups
            .iter()
            .all(|g| g.tie_density == 0.0 || g.memberships == 0.0)
    {
        c.push(
            "identity.scope",
            "Network scope but the network has no ties: choose a network.generator or Groups scope",
        );
    }
    if s.stop.rule == StopRule::Absorption {
        match id.rule {
            IdentityRule::Prototype => c.push(
                "stop.rule",
                "Absorption is defined for the BoundedConfidence and Axelrod rules only \
                 (the prototype rule never settles: its prototypes are noisy)",
            ),
            IdentityRule::BoundedConfidence if id.anchoring > 0.0 => c.push(
                "identity.anchoring",
                format!(
                    "must be 0 with stop.rule Absorption and BoundedConfidence: anchoring moves \
                     identities every week, so no state is absorbing (got {})",
                    id.anchoring
                ),
            ),
            _ => {}
        }
        if id.scope == Scope::Network && s.ties.decay > 0.0 {
            c.push(
                "ties.decay",
                format!(
                    "must be 0 with stop.rule Absorption and Network scope: decaying ties change \
                     the network, so no state is absorbing (got {})",
                    s.ties.decay
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(s: &Scenario) -> Vec<String> {
        validate(s).into_iter().map(|p| p.path).collect()
    }

    fn classic(generator: Generator) -> Scenario {
        let mut s = Scenario::default();
        s.population.size = 100;
        s.network.generator = generator;
        s.network.width = 10;
        s.network.height = 10;
        s.identity.rule = IdentityRule::Axelrod;
        s.identity.scope = Scope::Network;
        s.ties.decay = 0.0;
        s.stop.rule = StopRule::Absorption;
        s
    }

    #[test]
    fn classic_settings_are_valid() {
        for g in [
            Generator::Lattice,
            Generator::Complete,
            Generator::ErdosRenyi,
            Generator::WattsStrogatz,
            Generator::BarabasiAlbert,
        ] {
            assert_eq!(validate(&classic(g)), vec![], "{g:?}");
        }
    }

    #[test]
    fn inconsistent_classic_settings_name_their_fields() {
        let mut s = classic(Generator::Lattice);
        s.network.width = 9;
        s.identity.traits = 1;
        s.identity.features = 0;
        s.ties.decay = 0.1;
        assert_eq!(
            paths(&s),
            [
                "network.width",
                "identity.features",
                "identity.traits",
                "ties.decay"
            ]
        );
        let mut s = classic(Generator::WattsStrogatz);
        s.network.k = 3;
        s.identity.rule = IdentityRule::BoundedConfidence;
        s.identity.mu = 0.7;
        assert_eq!(
            paths(&s),
            ["network.k", "identity.mu", "identity.anchoring"]
        );
        let mut s = classic(Generator::BarabasiAlbert);
        s.network.m = 100;
        s.identity.rule = IdentityRule::Prototype;
        assert_eq!(paths(&s), ["network.m", "stop.rule"]);
        let mut s = classic(Generator::ErdosRenyi);
        s.network.mean_degree = 100.0;
        s.network.tie_weight = 0.01;
        assert_eq!(paths(&s), ["network.tie_weight", "network.mean_degree"]);
    }
}
