//! Determinism: same seed, same bytes, for any thread count; different seeds differ.

use crate::common::*;
use belonging::output::Table;

fn tables(cfg: &belonging::scenario::Config, threads: usize) -> Vec<String> {
    let results = run_all(cfg, threads);
    Table::ALL
        .iter()
        .map(|t| results.iter().map(|r| t.rows(cfg, r)).collect::<String>())
        .collect()
}

#[test]
fn one_two_and_four_threads_give_identical_results() {
    let cfg = config(
        "classroom",
        &[
            "population.size=150",
            "steps=40",
            "burn_in=10",
            "replicates=5",
        ],
    );
    let one = tables(&cfg, 1);
    assert!(
        one[0].lines().count() == 5 * 40,
        "timeseries has one row per replicate and step"
    );
    for threads in [2, 4] {
        assert_eq!(
            one,
            tables(&cfg, threads),
            "{threads} threads differ from 1"
        );
    }
}

#[test]
fn a_large_run_split_over_threads_gives_identical_results() {
    // One replicate of 20,000 agents: the heavy phases split the agents over the threads
    // (within-run parallelism), drawing from per-agent and per-group streams and applying
    // pairwise changes in canonical order. Every table must be byte-identical.
    let cfg = config(
        "default",
        &[
            "population.size=20000",
            "steps=6",
            "burn_in=4",
            "replicates=1",
            "events[0].hazard=0.01",
        ],
    );
    assert!(
        cfg.agents() >= 4 * belonging::rng::PAR_MIN,
        "population too small to be split over threads"
    );
    let one = tables(&cfg, 1);
    for threads in [2, 3] {
        assert_eq!(
            one,
            tables(&cfg, threads),
            "{threads} threads differ from 1"
        );
    }
}

#[test]
fn same_seed_twice_is_identical_and_different_seeds_differ() {
    let cfg = config(
        "classroom",
        &[
            "population.size=150",
            "steps=40",
            "burn_in=5",
            "replicates=2",
        ],
    );
    let a = tables(&cfg, 2);
    assert_eq!(a, tables(&cfg, 2));
    let other = config(
        "classroom",
        &[
            "population.size=150",
            "steps=40",
            "burn_in=5",
            "replicates=2",
            "seed=8",
        ],
    );
    let b = tables(&other, 2);
    assert_ne!(a[0], b[0], "a different seed must change the time series");
    // Replicates of one run differ from each other too.
    let results = run_all(&cfg, 1);
    assert_ne!(results[0].series, results[1].series);
}

#[test]
fn classic_runs_stop_at_absorption_identically_for_any_thread_count() {
    let cfg = config("axelrod", &["replicates=4", "identity.traits=5"]);
    let one = tables(&cfg, 1);
    assert_eq!(one, tables(&cfg, 2), "2 threads differ from 1");
    let results = run_all(&cfg, 2);
    for r in &results {
        assert!(r.absorbed, "replicate {} not absorbed", r.job.replicate);
        assert!(r.stop_step + 1 < cfg.scenario.steps);
        assert_eq!(r.series.len(), r.stop_step as usize + 1);
        assert_eq!(r.snapshots.last().map(|s| s.step), Some(r.stop_step));
        // F = 5, q = 5 ends in one culture (Axelrod 1997, Table 1).
        let last = r.series.last().unwrap();
        assert_eq!(
            last.get(belonging::model::metrics::M::identity_clusters),
            1.0
        );
        assert!(belonging::dynamics::identity::classic::absorbed(
            &mut r.snapshots[0].world.clone(),
            &cfg
        ));
    }
    let runs = Table::Runs.rows(&cfg, &results[0]);
    assert_eq!(
        runs,
        format!("0,{},{},1\n", results[0].job.seed, results[0].stop_step)
    );
}

#[test]
fn a_job_asked_to_stop_ends_without_a_result_and_one_never_asked_is_unchanged() {
    use belonging::experiment::{run_job, run_job_until, Plan};
    use std::cell::Cell;
    let cfg = config(
        "classroom",
        &[
            "population.size=100",
            "steps=20",
            "burn_in=5",
            "events[0].pulse.step=3",
        ],
    );
    let job = Plan::replicates(cfg.scenario.seed, 1).jobs[0];
    // Asked to stop before its 10th step (of 25 with the burn-in): no result.
    let calls = Cell::new(0);
    let stopped = run_job_until(&cfg, job, || {
        calls.set(calls.get() + 1);
        calls.get() >= 10
    });
    assert!(stopped.is_none());
    assert_eq!(calls.get(), 10, "the stop is checked once per step");
    // Never asked: the same result as run_job, row for row.
    let full = run_job(&cfg, job);
    let until = run_job_until(&cfg, job, || false).expect("a job never stopped ends");
    let rows = |r: &belonging::experiment::JobResult| {
        Table::ALL
            .iter()
            .map(|t| t.rows(&cfg, r))
            .collect::<String>()
    };
    assert_eq!(rows(&full), rows(&until));
}
