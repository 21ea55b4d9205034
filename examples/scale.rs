//! Builds a default town of N agents and runs W weeks, timing the build and the steps, and
//! prints the peak resident memory. `cargo run --release --example scale -- 1000000 52`
use belonging::dynamics;
use belonging::model::init;
use belonging::output::manifest::peak_memory_bytes;
use belonging::scenario::{resolve, Override, Source};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(1_000_000, |s| s.parse().expect("agents"));
    let weeks: u32 = args.next().map_or(52, |s| s.parse().expect("weeks"));
    let o = [Override::parse(&format!("population.size={n}")).expect("override")];
    let cfg = resolve(&Source::Builtin("default".into()), &o).expect("scenario");
    let t0 = Instant::now();
    let mut w = init::build(&cfg, 1);
    let built = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut per = [0f64; 8];
    let by_phase = std::env::var_os("PHASES").is_some();
    for _ in 0..weeks {
        if !by_phase {
            dynamics::step(&mut w, &cfg, 1);
            continue;
        }
        use belonging::model::World;
        use belonging::rng::{phase_key, stream, Phase};
        let (t, seed) = (w.t as u64, 1);
        let mut c = |k: usize, f: &mut dyn FnMut(&mut World)| {
            let t0 = Instant::now();
            f(&mut w);
            per[k] += t0.elapsed().as_secs_f64();
        };
        c(0, &mut |w| {
            w.counts = Default::default();
            dynamics::events::run(w, &cfg, &mut stream(seed, t, Phase::Events))
        });
        c(1, &mut |w| {
            dynamics::meetings::run(w, &cfg, phase_key(seed, t, Phase::Meetings))
        });
        c(2, &mut |w| {
            dynamics::interaction::run(w, &cfg, phase_key(seed, t, Phase::Interaction))
        });
        c(3, &mut |w| {
            dynamics::exclusion::run(w, &cfg, &mut stream(seed, t, Phase::Exclusion))
        });
        c(4, &mut |w| {
            let key = phase_key(seed, t, Phase::Identity);
            dynamics::identity::run(w, &cfg, key, &mut stream(seed, t, Phase::Identity))
        });
        c(5, &mut |w| {
            dynamics::ties::run(w, &cfg, phase_key(seed, t, Phase::Ties))
        });
        c(6, &mut |w| {
            dynamics::membership::run(w, &cfg, &mut stream(seed, t, Phase::Membership))
        });
        c(7, &mut |w| {
            dynamics::belonging::run(w, &cfg);
            w.t += 1;
        });
    }
    if by_phase {
        println!(
            "seconds per phase (events meetings interaction exclusion identity ties membership \
             belonging): {per:.2?}"
        );
    }
    let stepped = t1.elapsed().as_secs_f64();
    let ties: usize = w.agents.ties.iter().map(Vec::len).sum();
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
