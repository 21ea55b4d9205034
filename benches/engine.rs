//! Criterion benchmarks of the engine. Run: `cargo bench --bench engine`.
//! Figures and the machine they came from: benches/README.md.

use belonging::dynamics;
use belonging::experiment::{run_job, Plan};
use belonging::model::init;
use belonging::scenario::{resolve, Config, Override, Source};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

fn config(name: &str, sets: &[&str]) -> Config {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    resolve(&Source::Builtin(name.into()), &overrides).unwrap()
}

/// One week of the default model at 2,000 agents, from a settled state.
fn step_default(c: &mut Criterion) {
    let cfg = config("default", &[]);
    let mut w = init::build(&cfg, 1);
    for _ in 0..cfg.scenario.burn_in {
        dynamics::step(&mut w, &cfg, 1);
    }
    let mut group = c.benchmark_group("step");
    group.throughput(Throughput::Elements(cfg.agents() as u64));
    group.bench_function("default_2k_agents", |b| {
        b.iter_batched_ref(
            || w.clone(),
            |w| dynamics::step(w, &cfg, 1),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// One whole replicate of the classroom scenario (300 agents, 208 weeks).
fn job_classroom(c: &mut Criterion) {
    let cfg = config("classroom", &[]);
    let plan = Plan::replicates(cfg.scenario.seed, 1);
    let steps = (cfg.scenario.steps + cfg.scenario.burn_in) as u64;
    let mut group = c.benchmark_group("job");
    group.throughput(Throughput::Elements(cfg.agents() as u64 * steps));
    group.sample_size(20);
    group.bench_function("classroom_replicate", |b| {
        b.iter(|| run_job(&cfg, plan.jobs[0]))
    });
    group.finish();
}

criterion_group!(benches, step_default, job_classroom);
criterion_main!(benches);
