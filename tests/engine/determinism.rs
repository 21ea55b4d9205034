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
        // axelrod records every 10th week and the last, the week it stopped.
        let every = cfg.scenario.output.record_every;
        assert_eq!(every, 10);
        assert_eq!(
            r.series.len(),
            (r.stop_step / every) as usize + 1 + usize::from(r.stop_step % every != 0)
        );
        assert_eq!(r.recorded.last(), Some(&r.stop_step));
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

/// The lines of one table of every replicate, header excluded.
fn table_lines(
    cfg: &belonging::scenario::Config,
    results: &[belonging::experiment::JobResult],
    t: Table,
) -> Vec<String> {
    results
        .iter()
        .flat_map(|r| {
            t.rows(cfg, r)
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn recording_every_kth_week_keeps_the_numbers_of_the_weeks_recorded() {
    // classroom has life events, support groups and sampled trajectories: every recorded
    // table is exercised. K = 3 over 40 weeks: weeks 0, 3, ..., 39 (the last is on the grid
    // by chance for 39 = 13 x 3, so the run stops at 38 to leave it off).
    let sets = [
        "population.size=150",
        "steps=38",
        "burn_in=10",
        "replicates=3",
    ];
    let every = config("classroom", &sets);
    let mut with_k: Vec<&str> = sets.to_vec();
    with_k.push("output.record_every=3");
    let sparse = config("classroom", &with_k);
    let (a, b) = (run_all(&every, 2), run_all(&sparse, 2));
    for r in &b {
        let want: Vec<u32> = (0..38).filter(|s| s % 3 == 0 || *s == 37).collect();
        assert_eq!(r.recorded, want, "recorded weeks: every 3rd and the last");
        assert_eq!(r.series.len(), want.len());
    }
    // Recorded weeks: the same rows, exactly.
    for t in [Table::Timeseries, Table::Trajectories, Table::Prototypes] {
        let full = table_lines(&every, &a, t);
        let kept = table_lines(&sparse, &b, t);
        assert!(!kept.is_empty(), "{t:?} has rows");
        let step_of = |l: &str| -> u32 {
            let col = if t == Table::Trajectories { 2 } else { 1 };
            l.split(',').nth(col).unwrap().parse().unwrap()
        };
        let expected: Vec<&String> = full
            .iter()
            .filter(|l| step_of(l) % 3 == 0 || step_of(l) == 37)
            .collect();
        assert_eq!(
            kept.len(),
            expected.len(),
            "{t:?}: one row per recorded week"
        );
        assert!(
            kept.iter().zip(&expected).all(|(x, y)| x == *y),
            "{t:?}: the recorded weeks' rows differ from those of a weekly run"
        );
    }
    // What is not recorded weekly is unchanged: the snapshots, the event-aligned curve
    // (every week), the runs.
    for t in [
        Table::Agents,
        Table::Ties,
        Table::Memberships,
        Table::Groups,
        Table::EventAligned,
        Table::Runs,
    ] {
        assert_eq!(
            table_lines(&every, &a, t),
            table_lines(&sparse, &b, t),
            "{t:?} changed with output.record_every"
        );
    }
    // And any thread count gives the same bytes.
    let one = run_all(&sparse, 1);
    for t in Table::ALL {
        assert_eq!(
            table_lines(&sparse, &one, t),
            table_lines(&sparse, &b, t),
            "{t:?}"
        );
    }
}

#[test]
fn summaries_of_sparse_records_carry_stopped_replicates_forward_without_stale_values() {
    // Axelrod's runs stop at absorption on weeks off the grid of 7: summary.csv must hold,
    // at every step it writes, exactly the row a weekly run's summary.csv holds there.
    let sets = ["replicates=6", "identity.traits=3", "steps=3000"];
    let weekly = config("axelrod", &[&sets[..], &["output.record_every=1"]].concat());
    let sparse = config("axelrod", &[&sets[..], &["output.record_every=7"]].concat());
    let summary = |cfg: &belonging::scenario::Config| {
        let rs = run_all(cfg, 2);
        assert!(rs.iter().all(|r| r.absorbed), "every replicate absorbs");
        let all: Vec<(&[u32], &[belonging::model::metrics::Metrics])> = rs
            .iter()
            .map(|r| (&r.recorded[..], &r.series[..]))
            .collect();
        let stops: Vec<u32> = rs.iter().map(|r| r.stop_step).collect();
        (belonging::output::summary_csv(&all), stops)
    };
    let ((full, stops), (part, _)) = (summary(&weekly), summary(&sparse));
    assert!(
        stops.iter().any(|s| s % 7 != 0),
        "some replicate stops off the grid: {stops:?}"
    );
    let full: std::collections::HashSet<&str> = full.lines().collect();
    let last = *stops.iter().max().unwrap();
    let mut steps = std::collections::BTreeSet::new();
    for line in part.lines().skip(1) {
        assert!(full.contains(line), "not in the weekly summary: {line}");
        steps.insert(line.split(',').next().unwrap().parse::<u32>().unwrap());
    }
    // Every grid week up to the last stop, and the last stop itself.
    let want: std::collections::BTreeSet<u32> =
        (0..=last).filter(|s| s % 7 == 0 || *s == last).collect();
    assert_eq!(steps, want);
}

#[test]
fn metrics_of_a_population_summed_in_chunks_are_the_same_for_any_thread_count() {
    // Above `SUM_CHUNK` agents the sums over agents run in chunks on the pool's threads,
    // added in chunk order: the same bits for 1 and 2 threads, and within rounding
    // (relative 1e-12) of a plain loop in agent order.
    use belonging::model::metrics::{observe, SUM_CHUNK};
    let n = SUM_CHUNK + SUM_CHUNK / 2;
    let cfg = config(
        "default",
        &[
            &format!("population.size={n}"),
            "steps=2",
            "burn_in=0",
            "replicates=1",
            "events[0].hazard=0.05",
        ],
    );
    let one = run_all(&cfg, 1);
    let two = run_all(&cfg, 2);
    assert_eq!(
        Table::Timeseries.rows(&cfg, &one[0]),
        Table::Timeseries.rows(&cfg, &two[0])
    );
    let w = &one[0].snapshots.last().unwrap().world;
    let m = observe(
        w,
        cfg.scenario.belonging.threshold,
        cfg.scenario.identity.cluster_tolerance,
    );
    let plain: f64 = w.agents.loneliness.iter().map(|&l| l as f64).sum::<f64>() / n as f64;
    let got = m.values[belonging::model::metrics::M::loneliness_mean as usize];
    assert!(
        (got - plain).abs() <= 1e-12 * plain,
        "chunked mean {got} against the plain loop's {plain}"
    );
    assert!(m.values[belonging::model::metrics::M::affected as usize] > 0.0);
}
