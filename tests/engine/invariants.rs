//! Invariants checked every step: all state in range and finite, membership lists consistent
//! in both directions, ties symmetric (see `World::check_invariants`).

use crate::common::*;
use belonging::dynamics;
use belonging::dynamics::init;

fn check_every_step(name: &str, sets: &[&str], steps: u32) {
    let cfg = config(name, sets);
    for seed in [1u64, 2] {
        let mut w = init::build(&cfg, seed);
        w.check_invariants()
            .unwrap_or_else(|e| panic!("{name} {sets:?} at start: {e}"));
        for _ in 0..steps {
            dynamics::step(&mut w, &cfg, seed);
            if let Err(e) = w.check_invariants() {
                panic!("{name} {sets:?} seed {seed} step {}: {e}", w.t);
            }
        }
    }
}

#[test]
fn invariants_hold_every_step_in_the_builtin_scenarios() {
    for name in belonging::scenario::builtin::names() {
        let sets: &[&str] = match name {
            // The lattice must hold the population exactly.
            "axelrod" => &[
                "population.size=300",
                "network.width=20",
                "network.height=15",
                "burn_in=20",
            ],
            _ => &["population.size=300", "burn_in=20"],
        };
        check_every_step(name, sets, 150);
    }
}

#[test]
fn invariants_hold_under_extreme_parameters() {
    let cases: &[&[&str]] = &[
        // Events every week for everyone, maximal losses and stigma, no acceptance.
        &[
            "events[0].hazard=1",
            "events[0].tie_loss=1",
            "events[0].stigma=1",
            "events[0].distress=1",
            "exclusion.rate=1",
            "burn_in=5",
        ],
        // Conditions that resolve quickly; tiny support groups that dissolve and re-form.
        &[
            "events[0].hazard=0.05",
            "events[0].duration=2",
            "support.capacity=3",
            "support.min_size=2",
            "support.found_size=2",
            "support.dropout=1",
            "burn_in=5",
        ],
        // Everything at its largest rate.
        &[
            "interaction.new_tie=1",
            "interaction.tie_gain=1",
            "identity.noise=0.5",
            "identity.conformity=1",
            "identity.drift=1",
            "membership.join_rate=1",
            "membership.turnover=1",
            "ties.decay=1",
            "burn_in=5",
        ],
        // Nothing happens at all.
        &[
            "interaction.encounters=0",
            "interaction.contact=0",
            "ties.decay=0",
            "belonging.rate=0",
            "belonging.contagion=0",
            "burn_in=5",
        ],
        // Many identity dimensions.
        &["identity.dims=6", "burn_in=5"],
    ];
    for sets in cases {
        let mut all = vec!["population.size=200"];
        all.extend_from_slice(sets);
        check_every_step("default", &all, 60);
    }
}

#[test]
fn invariants_hold_under_the_classic_rules_in_the_town() {
    // The classic rules with Groups scope (co-attendees) and on generated networks with
    // decaying ties, life events and support groups: everything at once.
    for sets in [
        &[
            "identity.rule=BoundedConfidence",
            "identity.scope=Groups",
            "burn_in=5",
        ][..],
        &[
            "identity.rule=Axelrod",
            "identity.scope=Groups",
            "identity.traits=3",
            "burn_in=5",
        ][..],
        &[
            "identity.rule=Axelrod",
            "identity.scope=Network",
            "network.generator=WattsStrogatz",
            "network.k=6",
            "burn_in=5",
        ][..],
        &[
            "identity.rule=BoundedConfidence",
            "identity.scope=Network",
            "network.generator=BarabasiAlbert",
            "network.m=3",
            "burn_in=5",
        ][..],
        &[
            "identity.rule=BoundedConfidence",
            "identity.scope=Network",
            "network.generator=ErdosRenyi",
            "network.mean_degree=5",
            "burn_in=5",
        ][..],
    ] {
        let mut all = vec!["population.size=300", "events[0].hazard=0.01"];
        all.extend_from_slice(sets);
        check_every_step("classroom", &all, 60);
    }
}
