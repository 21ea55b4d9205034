//! Helpers shared by the engine tests.

use belonging::dynamics::init;
use belonging::experiment::{run_plan, JobResult, Plan};
use belonging::model::{Attendee, World, NONE};
use belonging::scenario::{resolve, Config, Override, Source};
use std::sync::Mutex;

/// A built-in scenario with `--set` style overrides.
pub fn config(name: &str, sets: &[&str]) -> Config {
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).expect("test override"))
        .collect();
    resolve(&Source::Builtin(name.into()), &overrides).expect("test scenario is valid")
}

/// Runs every replicate of `cfg` on `threads` threads; results in replicate order.
pub fn run_all(cfg: &Config, threads: usize) -> Vec<JobResult> {
    let plan = Plan::replicates(cfg.scenario.seed, cfg.scenario.replicates);
    let out = Mutex::new(Vec::new());
    run_plan(cfg, &plan, threads, |r| {
        out.lock().unwrap().push(r);
        Ok(())
    })
    .expect("run");
    let mut v = out.into_inner().unwrap();
    v.sort_by_key(|r| r.job.index);
    v
}

/// A bare world of `n` agents with no groups and no ties, for mechanism tests; the scenario
/// of `cfg` supplies the parameters.
pub fn bare_world(n: u32, sets: &[&str]) -> (World, Config) {
    let mut all = vec![
        // One ordinary kind ("club", index 0) that nobody belongs to at the start.
        "groups=[(name: \"club\", memberships: 0.0)]".to_string(),
        "events[0].lose=[]".to_string(),
        "network.cross_ties=0".to_string(),
        format!("population.size={n}"),
        "support.initial_groups=0".to_string(),
    ];
    all.extend(sets.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let cfg = config("default", &refs);
    let w = init::build(&cfg, 99);
    (w, cfg)
}

/// Adds an ordinary group of kind `kind` (0 = "club" in a bare world) with these members.
pub fn add_plain_group(w: &mut World, kind: u16, members: &[usize], acceptance: f64) -> usize {
    let proto = vec![0.5; w.dims];
    let g = w.add_group(kind, NONE, 100, 1.0, 0.9, acceptance, &proto);
    for &i in members {
        assert!(w.join(i, g, 0.5, 0.8));
    }
    g
}

/// Group g meets this week and every member attends.
pub fn meet_in_full(w: &mut World, g: usize) {
    let members = w.groups.members[g].to_vec();
    meet_with(w, g, &members);
}

/// Group g meets and exactly `who` attend (as the meetings phase would record it).
pub fn meet_with(w: &mut World, g: usize, who: &[u32]) {
    w.groups.met[g] = true;
    w.groups.attendees.truncate(g, 0);
    for &i in who {
        let mut ident = 0.0;
        for m in w.agents.memberships[i as usize].iter_mut() {
            if m.group == g as u32 {
                m.came = true;
                ident = m.ident;
            }
        }
        w.groups.attendees.push(g, Attendee { agent: i, ident });
    }
}
