//! The differential test: the engine against the reference week (`belonging::reference`, the
//! model's rules in plain loops), process by process. From the same state, every process the
//! engine runs — with every level of instructions this machine has, on one thread and on
//! three — must leave the same state as the reference, bit for bit (floats by their bits,
//! lists by their contents). Several scenarios, above the size at which the engine files
//! encounters by blocks and splits agents into ranges, for enough weeks that every branch
//! that changes the state is taken (counted and asserted at the end).

use crate::common::config;
use belonging::dynamics::init;
use belonging::dynamics::sim::{process, runs, Process};
use belonging::model::{StepCounts, World};
use belonging::primitives::lanes::Level;
use belonging::reference;

/// Agents: above 2 × `rng::PAR_MIN` (the engine's filed and ranged paths), and not a whole
/// number of chunks of lanes.
const N: &str = "population.size=9003";

/// What the runs went through, summed over scenarios and weeks.
#[derive(Default, Debug)]
struct Seen {
    counts: StepCounts,
    ties_made: usize,
    ties_gone: usize,
    attendances: usize,
    weeks: usize,
}

/// Runs `weeks` weeks of `cfg`, comparing each process of the engine (every level, 1 and 3
/// threads) with the reference's from the same state.
fn compare(name: &str, cfg: &belonging::scenario::Config, weeks: u32, seen: &mut Seen) {
    let seed = 11;
    let pools: Vec<rayon::ThreadPool> = [1, 3]
        .iter()
        .map(|&n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("pool")
        })
        .collect();
    let mut w = init::build(cfg, seed);
    for week in 0..weeks {
        w.counts = StepCounts::default();
        for p in Process::ALL.into_iter().filter(|&p| runs(cfg, p)) {
            let mut want = w.clone();
            reference::process(&mut want, cfg, seed, p);
            let mut next: Option<World> = None;
            for level in Level::available() {
                for (threads, pool) in [1, 3].iter().zip(&pools) {
                    let mut got = w.clone();
                    pool.install(|| process(&mut got, cfg, seed, p, level));
                    if let Some(diff) = reference::first_difference(&got, &want) {
                        panic!(
                            "{name}, week {week}, {} ({level:?}, {threads} threads): engine \
                             against reference: {diff}",
                            p.name()
                        );
                    }
                    next.get_or_insert(got);
                }
            }
            let next = next.expect("at least the baseline level");
            let ties = |x: &World| x.agents.ties.total();
            if p == Process::Interaction {
                seen.ties_made += ties(&next).saturating_sub(ties(&w));
            }
            if p == Process::Ties {
                seen.ties_gone += ties(&w).saturating_sub(ties(&next));
            }
            if p == Process::Meetings {
                seen.attendances += next.groups.attendees.total();
            }
            w = next;
        }
        let c = &mut seen.counts;
        let d = w.counts;
        c.new_events += d.new_events;
        c.support_joins += d.support_joins;
        c.support_dropouts += d.support_dropouts;
        c.support_graduations += d.support_graduations;
        c.support_founded += d.support_founded;
        c.support_dissolved += d.support_dissolved;
        c.exclusions += d.exclusions;
        c.group_joins += d.group_joins;
        c.group_leaves += d.group_leaves;
        c.invitations += d.invitations;
        seen.weeks += 1;
    }
}

#[test]
fn the_engine_leaves_the_reference_weeks_state_after_every_process() {
    let mut seen = Seen::default();
    // The default town, with events from the first week on, contagion through groups'
    // climate, and volunteering on (off by default).
    let default = config(
        "default",
        &[
            N,
            "burn_in=0",
            "events[0].hazard=0.01",
            "belonging.group_contagion=0.2",
            "volunteering.rate=0.2",
        ],
    );
    compare("default", &default, 14, &mut seen);
    let stigma = config("stigma", &[N, "burn_in=0", "events[0].hazard=0.01"]);
    compare("stigma", &stigma, 8, &mut seen);
    // The programme from week 2 (its sessions, scaffolding and the end of its groups).
    let g4h = config(
        "groups4health",
        &[N, "burn_in=0", "interventions[0].start=2"],
    );
    compare("groups4health", &g4h, 14, &mut seen);
    // The classic rules (a fixed network, no groups).
    for name in ["axelrod", "bounded-confidence"] {
        compare(name, &config(name, &["burn_in=0"]), 6, &mut seen);
    }
    // Every branch that changes the state was taken somewhere.
    let c = &seen.counts;
    for (what, n) in [
        ("life events", c.new_events as usize),
        ("support-group joins", c.support_joins as usize),
        ("support-group dropouts", c.support_dropouts as usize),
        ("support groups founded", c.support_founded as usize),
        ("exclusions", c.exclusions as usize),
        ("community joins", c.group_joins as usize),
        ("community leaves", c.group_leaves as usize),
        ("invitations", c.invitations as usize),
        ("ties made in encounters", seen.ties_made),
        ("ties gone", seen.ties_gone),
        ("attendances", seen.attendances),
    ] {
        assert!(n > 0, "no {what} in {} weeks: {seen:?}", seen.weeks);
    }
}
