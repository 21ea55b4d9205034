//! Builds a default town of N agents and runs W weeks, timing the build and the steps, and
//! prints the peak resident memory. `cargo run --release --example scale -- 1000000 52`
//!
//! Environment: `PHASES=1` prints the seconds spent in each process; `SCENARIO=name` runs
//! another built-in scenario (default `default`); `SET="path=value ..."` adds overrides
//! (e.g. `SCENARIO=axelrod SET="network.width=50 network.height=50"` with N = 2500).
use belonging::dynamics::init;
use belonging::dynamics::{self, Process};
use belonging::output::manifest::peak_memory_bytes;
use belonging::scenario::{resolve, Override, Source};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(1_000_000, |s| s.parse().expect("agents"));
    let weeks: u32 = args.next().map_or(52, |s| s.parse().expect("weeks"));
    let mut o = vec![Override::parse(&format!("population.size={n}")).expect("override")];
    for set in std::env::var("SET").unwrap_or_default().split_whitespace() {
        o.push(Override::parse(set).expect("SET: path=value"));
    }
    let scenario = std::env::var("SCENARIO").unwrap_or_else(|_| "default".into());
    let cfg = resolve(&Source::Builtin(scenario), &o).expect("scenario");
    let t0 = Instant::now();
    let mut w = init::build(&cfg, 1);
    let built = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut per = [0f64; Process::ALL.len()];
    let by_phase = std::env::var_os("PHASES").is_some();
    // The whole loop runs on a worker of the pool, as a job of `belonging run` does (a step
    // called from outside the pool moves its week to a worker each time: one handoff a week).
    rayon::scope(|s| {
        s.spawn(|_| {
            for _ in 0..weeks {
                if !by_phase {
                    dynamics::step(&mut w, &cfg, 1);
                    continue;
                }
                let mut last = Instant::now();
                dynamics::step_with(&mut w, &cfg, 1, |p| {
                    let now = Instant::now();
                    per[p as usize] += (now - last).as_secs_f64();
                    last = now;
                });
            }
        })
    });
    if by_phase {
        println!("seconds per process over the {weeks} weeks:");
        for p in Process::ALL {
            println!("  {:<14} {:7.3}", p.name(), per[p as usize]);
        }
    }
    let stepped = t1.elapsed().as_secs_f64();
    let ties: usize = w.agents.ties.total();
    println!(
        "{n} agents: built in {built:.2} s; {weeks} weeks in {stepped:.2} s \
         ({:.2} M agent-steps/s on {} threads); total {:.2} s; {:.1} ties per agent; \
         peak memory {} MB ({:.0} bytes per agent)",
        n as f64 * weeks as f64 / stepped / 1e6,
        rayon::current_num_threads(),
        built + stepped,
        ties as f64 / n as f64,
        peak_memory_bytes().unwrap_or(0) / 1_000_000,
        peak_memory_bytes().unwrap_or(0) as f64 / n as f64,
    );
}
