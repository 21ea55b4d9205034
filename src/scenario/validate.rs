//! Semantic validation: ranges, finiteness and consistency, every problem at once,
//! each named by its field path.

use super::error::{shown, Problem};
use super::schema::*;

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
    fn push(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.problems.push(Problem::new(path, msg));
    }

    fn finite(&mut self, path: &str, v: f64) -> bool {
        if v.is_finite() {
            true
        } else {
            self.push(path, format!("must be a finite number, got {v}"));
            false
        }
    }

    /// v in [lo, hi].
    fn range(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        if self.finite(path, v) && !(lo..=hi).contains(&v) {
            self.push(path, format!("must be in [{lo}, {hi}], got {v}"));
        }
    }

    pub(super) fn unit(&mut self, path: &str, v: f64) {
        self.range(path, v, 0.0, 1.0);
    }

    fn non_negative(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && v < 0.0 {
            self.push(path, format!("must be >= 0, got {v}"));
        }
    }

    fn positive(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && v <= 0.0 {
            self.push(path, format!("must be > 0, got {v}"));
        }
    }

    fn count(&mut self, path: &str, v: u32, lo: u32, hi: u32) {
        if !(lo..=hi).contains(&v) {
            self.push(path, format!("must be an integer in [{lo}, {hi}], got {v}"));
        }
    }

    fn dist(&mut self, path: &str, d: &Dist) {
        self.unit(&format!("{path}.mean"), d.mean);
        self.range(&format!("{path}.sd"), d.sd, 0.0, 0.5);
        if d.mean.is_finite() && d.sd.is_finite() && d.sd > 0.0 {
            let max_var = d.mean * (1.0 - d.mean);
            if max_var <= 0.0 {
                self.push(
                    format!("{path}.sd"),
                    format!(
                        "must be 0 for mean {}: a trait on [0, 1] with that mean cannot vary \
                         (got sd {})",
                        d.mean, d.sd
                    ),
                );
            } else if d.sd * d.sd >= max_var {
                self.push(
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

/// Group kind and event names appear unquoted in CSV columns, so they are identifiers.
fn is_identifier(name: &str) -> bool {
    name.chars()
        .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
}

fn identifier_message(name: &str) -> String {
    format!(
        "may hold only letters, digits, '-', '_' and '.', got {}",
        shown(name)
    )
}

/// Checks a parsed scenario; returns every problem found.
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
        use crate::scenario::sweep::{Design, Vary};
        for (k, v) in sweep.vary.iter().enumerate() {
            if let Err(e) = Vary::parse(v) {
                c.push(format!("sweep.vary[{k}]"), e.to_string());
            }
        }
        if let Err(e) = Design::parse(&sweep.design) {
            c.push("sweep.design", e.to_string());
        }
        if crate::catalogue::index_of(&sweep.metric).is_none() {
            c.push(
                "sweep.metric",
                format!(
                    "`{}` is not a metric; the metrics are the columns of timeseries.csv \
                     (docs/OUTPUTS.md), e.g. loneliness_prevalence",
                    sweep.metric
                ),
            );
        }
    }
    c.count("replicates", s.replicates, 1, MAX_REPLICATES);

    let p = &s.population;
    c.count("population.size", p.size, 2, MAX_AGENTS);
    c.dist("population.need", &p.need);
    c.dist("population.approach", &p.approach);
    c.dist("population.regulation", &p.regulation);
    if p.need.mean.is_finite() && p.need.mean <= 0.0 {
        c.push(
            "population.need.mean",
            "must be > 0: loneliness is the gap relative to need",
        );
    }

    for (i, g) in s.groups.iter().enumerate() {
        let at = |f: &str| format!("groups[{i}].{f}");
        if g.name.trim().is_empty() {
            c.push(at("name"), "must not be empty");
        } else if !is_identifier(&g.name) {
            c.push(at("name"), identifier_message(&g.name));
        } else if g.name == "support" {
            c.push(
                at("name"),
                "`support` is the kind of support groups in the outputs; choose another name",
            );
        }
        if s.groups[..i].iter().any(|o| o.name == g.name) {
            c.push(
                at("name"),
                format!("duplicate group kind name {}", shown(&g.name)),
            );
        }
        c.range(&at("memberships"), g.memberships, 0.0, 5.0);
        c.range(&at("size"), g.size, 2.0, 10_000.0);
        c.count(&at("capacity"), g.capacity, 2, 1_000_000);
        if g.size.is_finite() && (g.capacity as f64) < g.size {
            c.push(
                at("capacity"),
                format!(
                    "must be at least the mean size {} (got {})",
                    g.size, g.capacity
                ),
            );
        }
        c.unit(&at("tie_density"), g.tie_density);
        c.range(&at("tie_weight"), g.tie_weight, 0.0, 1.0);
        c.unit(&at("meeting_rate"), g.meeting_rate);
        c.range(&at("attendance"), g.attendance, 0.001, 0.999);
        c.unit(&at("acceptance"), g.acceptance);
        c.unit(&at("identification"), g.identification);
    }

    let sp = &s.support;
    c.count("support.capacity", sp.capacity, 2, 10_000);
    c.count("support.min_size", sp.min_size, 1, 10_000);
    c.count("support.found_size", sp.found_size, 1, 10_000);
    if sp.capacity < sp.min_size {
        c.push(
            "support.capacity",
            format!(
                "must be at least support.min_size ({}), got {}",
                sp.min_size, sp.capacity
            ),
        );
    }
    if sp.found_size < sp.min_size || sp.found_size > sp.capacity {
        c.push(
            "support.found_size",
            format!(
                "must lie between support.min_size ({}) and support.capacity ({}), got {}",
                sp.min_size, sp.capacity, sp.found_size
            ),
        );
    }
    c.count("support.initial_groups", sp.initial_groups, 0, 100_000);
    for (name, v) in [
        ("meeting_rate", sp.meeting_rate),
        ("facilitation", sp.facilitation),
        ("seek_rate", sp.seek_rate),
        ("dropout", sp.dropout),
        ("graduation", sp.graduation),
        ("attrition", sp.attrition),
        ("return_rate", sp.return_rate),
        ("informational", sp.informational),
        ("practice", sp.practice),
        ("integration_rate", sp.integration_rate),
        ("shared_fate", sp.shared_fate),
        ("identification", sp.identification),
    ] {
        c.unit(&format!("support.{name}"), v);
    }
    c.range("support.attendance", sp.attendance, 0.001, 0.999);
    c.range("support.dropout_shape", sp.dropout_shape, 0.0, 10.0);
    if let Some(g) = sp.graduation_integration {
        c.unit("support.graduation_integration", g);
    }

    for (i, e) in s.events.iter().enumerate() {
        let at = |f: &str| format!("events[{i}].{f}");
        if e.name.trim().is_empty() {
            c.push(at("name"), "must not be empty");
        } else if !is_identifier(&e.name) {
            c.push(at("name"), identifier_message(&e.name));
        }
        if s.events[..i].iter().any(|o| o.name == e.name) {
            c.push(
                at("name"),
                format!("duplicate event name {}", shown(&e.name)),
            );
        }
        c.unit(&at("hazard"), e.hazard);
        if let Some(pulse) = e.pulse {
            c.unit(&at("pulse.fraction"), pulse.fraction);
            if pulse.step >= s.steps {
                c.push(
                    at("pulse.step"),
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

    for (i, p) in s.interventions.iter().enumerate() {
        let at = |f: &str| format!("interventions[{i}].{f}");
        if p.start >= s.steps {
            c.push(
                at("start"),
                format!(
                    "must be a recorded week below steps ({}), got {}",
                    s.steps, p.start
                ),
            );
        }
        if p.sessions.is_empty() {
            c.push(at("sessions"), "must list at least one session week");
        }
        if let Some(&x) = p.sessions.iter().find(|&&x| x > 520) {
            c.push(
                at("sessions"),
                format!("session weeks must be in [0, 520], got {x}"),
            );
        }
        c.count(&at("group_size"), p.group_size, 2, 10_000);
        c.unit(&at("uptake"), p.uptake);
        c.unit(&at("scaffolding"), p.scaffolding);
        c.range(&at("attendance"), p.attendance, 0.001, 0.999);
    }

    c.range("network.cross_ties", s.network.cross_ties, 0.0, 100.0);
    c.unit("network.cross_weight", s.network.cross_weight);
    network(&mut c, s);

    let id = &s.identity;
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
    classic(&mut c, s);
    if id.similarity_weight + id.attendance_weight + s.support.shared_fate > 1.0 + 1e-9 {
        c.push(
            "identity.similarity_weight",
            "similarity_weight + attendance_weight + support.shared_fate must be at most 1 \
             (identification is a weighted sum in [0, 1])",
        );
    }

    let a = &s.attendance;
    for (name, v) in [
        ("approach", a.approach),
        ("identification", a.identification),
        ("loneliness", a.loneliness),
        ("distress", a.distress),
        ("resigned", a.resigned),
        ("self_stigma", a.self_stigma),
    ] {
        c.range(&format!("attendance.{name}"), v, 0.0, 20.0);
    }
    c.unit("attendance.memory", a.memory);

    let it = &s.interaction;
    c.count("interaction.encounters", it.encounters, 0, 1000);
    for (name, v) in [
        ("tie_gain", it.tie_gain),
        ("new_tie", it.new_tie),
        ("new_tie_weight", it.new_tie_weight),
        ("warmth_loneliness", it.warmth_loneliness),
        ("emotional_support", it.emotional_support),
        ("contact", it.contact),
    ] {
        c.unit(&format!("interaction.{name}"), v);
    }

    let x = &s.exclusion;
    for (name, v) in [
        ("rate", x.rate),
        ("identification_loss", x.identification_loss),
        ("tie_loss", x.tie_loss),
        ("hit", x.hit),
        ("distress", x.distress),
        ("decay", x.decay),
        ("threshold", x.threshold),
        ("recovery", x.recovery),
        ("resigned_withdrawal", x.resigned_withdrawal),
    ] {
        c.unit(&format!("exclusion.{name}"), v);
    }
    c.count("exclusion.resign_weeks", x.resign_weeks, 1, MAX_STEPS);

    c.unit("ties.decay", s.ties.decay);
    c.range("ties.lonely_decay", s.ties.lonely_decay, 0.0, 10.0);
    c.unit("ties.closeness", s.ties.closeness);
    c.range("ties.min_weight", s.ties.min_weight, 0.0001, 0.5);
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

    let m = &s.membership;
    c.unit("membership.join_rate", m.join_rate);
    c.unit("membership.new_identification", m.new_identification);
    c.unit("membership.leave_threshold", m.leave_threshold);
    c.unit("membership.leave_rate", m.leave_rate);
    c.unit("membership.turnover", m.turnover);
    s.volunteering.check(&mut c);

    let b = &s.belonging;
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

    let t = &s.traits;
    for (name, v) in [
        ("approach_recovery", t.approach_recovery),
        ("hypervigilance", t.hypervigilance),
        ("distress_recovery", t.distress_recovery),
        ("distress_from_loneliness", t.distress_from_loneliness),
        ("regulation_recovery", t.regulation_recovery),
    ] {
        c.unit(&format!("traits.{name}"), v);
    }

    c.count("stop.check_every", s.stop.check_every, 1, MAX_STEPS);
    c.range("stop.tolerance", s.stop.tolerance, 0.0, 0.5);

    let o = &s.output;
    c.count("output.sample_agents", o.sample_agents, 0, 10_000);
    c.count("output.record_every", o.record_every, 1, MAX_STEPS);
    if let Some(k) = o.snapshot_every {
        c.count("output.snapshot_every", k, 1, MAX_STEPS);
    }
    c.count("output.event_window_before", o.event_window_before, 0, 520);
    c.count("output.event_window_after", o.event_window_after, 0, 5200);
    c.problems
}

/// The classic network generators: parameters in range and consistent with the population.
fn network(c: &mut Checker, s: &Scenario) {
    let nw = &s.network;
    let n = s.population.size as u64;
    if nw.generator == Generator::Groups {
        return;
    }
    c.range("network.tie_weight", nw.tie_weight, 0.001, 1.0);
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
            c.unit("network.rewire", nw.rewire);
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

/// The classic identity rules and the absorption stop.
fn classic(c: &mut Checker, s: &Scenario) {
    let id = &s.identity;
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
