//! Criterion benchmarks of the engine. Run all: `cargo bench --features bench --bench engine`; one group:
//! `cargo bench --features bench --bench engine -- step/` (or `job/`, `axelrod/`, `sweep/`).
//! Figures and the machine they came from: benches/README.md.
//!
//! Throughput is reported in agent-steps (one agent, one week). "1 thread" benchmarks run in a
//! one-thread rayon pool (per-core speed); the others use every core (within-run parallelism
//! for one large population, parallelism over jobs for many small ones).

use belonging::dynamics;
use belonging::dynamics::init;
use belonging::experiment::{run_job, run_plan, Plan};
use belonging::model::World;
use belonging::scenario::{resolve, Config, Override, Source};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::time::Duration;

fn config(name: &str, sets: &[&str]) -> Config {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    resolve(&Source::Builtin(name.into()), &overrides).unwrap()
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

/// A world of the default model with `n` agents after `warm` weeks.
fn default_world(n: usize, warm: u32) -> (Config, World) {
    let size = format!("population.size={n}");
    let cfg = config("default", &[&size]);
    let mut w = init::build(&cfg, 1);
    for _ in 0..warm {
        dynamics::step(&mut w, &cfg, 1);
    }
    (cfg, w)
}

/// One week of the default model at 2k, 10k, 100k and 1M agents. The world keeps running
/// from one iteration to the next (a running model, not a fresh copy each time).
fn step_default(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    for (label, n, warm, threads) in [
        ("default_2k_agents_1_thread", 2_000, 156, Some(1)),
        ("default_10k_agents_1_thread", 10_000, 52, Some(1)),
        ("default_10k_agents", 10_000, 52, None),
        ("default_100k_agents_1_thread", 100_000, 8, Some(1)),
        ("default_100k_agents", 100_000, 8, None),
        ("default_1m_agents", 1_000_000, 2, None),
    ] {
        let (cfg, mut w) = default_world(n, warm);
        group.throughput(Throughput::Elements(n as u64));
        if n >= 100_000 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(if n >= 1_000_000 { 40 } else { 15 }));
        } else {
            group.sample_size(30);
            group.measurement_time(Duration::from_secs(8));
        }
        let one = threads.map(pool);
        group.bench_function(label, |b| match &one {
            Some(p) => b.iter(|| p.install(|| dynamics::step(&mut w, &cfg, 1))),
            None => b.iter(|| dynamics::step(&mut w, &cfg, 1)),
        });
    }
    group.finish();
}

/// One whole replicate of the classroom scenario (300 agents, 208 weeks), and the whole
/// default run (20 replicates of 2,000 agents, 676 weeks, every metric, no files).
fn jobs(c: &mut Criterion) {
    let mut group = c.benchmark_group("job");
    let cfg = config("classroom", &[]);
    let plan = Plan::replicates(cfg.scenario.seed, 1);
    let steps = (cfg.scenario.steps + cfg.scenario.burn_in) as u64;
    group.throughput(Throughput::Elements(cfg.agents() as u64 * steps));
    group.sample_size(20);
    group.bench_function("classroom_replicate", |b| {
        b.iter(|| run_job(&cfg, plan.jobs[0]))
    });
    let cfg = config("default", &[]);
    let s = &cfg.scenario;
    let plan = Plan::replicates(s.seed, s.replicates);
    let steps = (s.steps + s.burn_in) as u64 * s.replicates as u64;
    group.throughput(Throughput::Elements(cfg.agents() as u64 * steps));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(120));
    group.bench_function("default_run_all_cores", |b| {
        b.iter(|| run_plan(&cfg, &plan, 0, |_| Ok(())).unwrap())
    });
    group.finish();
}

/// Axelrod's model (F = 5, q = 15, von Neumann lattice) from a random start to absorption.
fn axelrod(c: &mut Criterion) {
    let mut group = c.benchmark_group("axelrod");
    for (label, side) in [("10x10_to_absorption", 10), ("50x50_to_absorption", 50)] {
        let sets = [
            format!("population.size={}", side * side),
            format!("network.width={side}"),
            format!("network.height={side}"),
            "steps=100000".to_string(),
        ];
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        let cfg = config("axelrod", &sets);
        let plan = Plan::replicates(cfg.scenario.seed, 1);
        group.sample_size(10);
        if side >= 50 {
            group.measurement_time(Duration::from_secs(60));
        }
        group.bench_function(label, |b| {
            b.iter(|| {
                let r = run_job(&cfg, plan.jobs[0]);
                assert!(r.absorbed, "not absorbed within the step cap");
                r.stop_step
            })
        });
    }
    group.finish();
}

/// A sweep of many small jobs (64 classroom replicates of 100 agents, 52 + 26 weeks) on one
/// thread and on every core: the ratio is the sweep's parallel speed-up.
fn sweep(c: &mut Criterion) {
    let cfg = config(
        "classroom",
        &["population.size=100", "steps=52", "burn_in=26"],
    );
    let plan = Plan::replicates(cfg.scenario.seed, 64);
    let steps = (cfg.scenario.steps + cfg.scenario.burn_in) as u64;
    let mut group = c.benchmark_group("sweep");
    group.throughput(Throughput::Elements(
        cfg.agents() as u64 * steps * plan.jobs.len() as u64,
    ));
    group.sample_size(10);
    for (label, threads) in [
        ("64_small_jobs_1_thread", 1),
        ("64_small_jobs_2_threads", 2),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| run_plan(&cfg, &plan, threads, |_| Ok(())).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, step_default, jobs, axelrod, sweep);
criterion_main!(benches);
