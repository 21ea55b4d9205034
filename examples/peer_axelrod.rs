//! belonging's side of the side-by-side comparison with Mesa (benches/peers/compare.sh): the
//! built-in `axelrod` scenario on a size x size lattice, seeded runs to absorption or a cap,
//! timed like JuliaDynamics' ABMFrameworksComparison (model construction and process start-up
//! excluded, median over the seeded runs). Prints one JSON object.
//!
//!     cargo build --release --example peer_axelrod
//!     target/release/examples/peer_axelrod --size 10 --runs 100 --cap 5000
//!
//! Three timings of the same seeded runs (the same weeks: culture depends only on the
//! identity stream, which the other processes do not touch; checked):
//! - `seconds`: belonging's full week (`dynamics::step`: every process of the model, all but
//!   the identity rule idle in this scenario, and the belonging process off) followed by the
//!   absorption check, as the Mesa side steps its model and checks absorption;
//! - `rule_seconds`: the Axelrod rule alone (`classic::run`) and the absorption check, to
//!   show what the rest of the week costs;
//! - `job_seconds`: `experiment::run_job`, what `belonging run` does for one replicate:
//!   construction, and every week's metrics (cultural regions included) recorded.

use belonging::dynamics::init;
use belonging::dynamics::{self, identity::classic};
use belonging::experiment::{run_job, Job};
use belonging::model::{metrics, World};
use belonging::rng::{stream, Phase};
use belonging::scenario::{resolve, Config, Override, Source};
use std::time::Instant;

struct Args {
    size: u32,
    runs: u32,
    cap: u32,
    seed: u64,
}

fn parse_args() -> Args {
    let mut a = Args {
        size: 10,
        runs: 10,
        cap: 5000,
        seed: 1,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or("");
        let bad = || -> ! {
            eprintln!("usage: peer_axelrod [--size N] [--runs N] [--cap WEEKS] [--seed S]");
            std::process::exit(2)
        };
        match pair[0].as_str() {
            "--size" => a.size = value.parse().unwrap_or_else(|_| bad()),
            "--runs" => a.runs = value.parse().unwrap_or_else(|_| bad()),
            "--cap" => a.cap = value.parse().unwrap_or_else(|_| bad()),
            "--seed" => a.seed = value.parse().unwrap_or_else(|_| bad()),
            _ => bad(),
        }
    }
    a
}

fn config(a: &Args) -> Config {
    let set = |path: &str, value: String| Override {
        path: path.into(),
        value,
    };
    let overrides = [
        set("population.size", (a.size * a.size).to_string()),
        set("network.width", a.size.to_string()),
        set("network.height", a.size.to_string()),
        set("steps", a.cap.to_string()),
        set("replicates", "1".into()),
    ];
    resolve(&Source::Builtin("axelrod".into()), &overrides).expect("axelrod scenario")
}

/// Runs `w` to absorption or the cap with `week`; returns (seconds, weeks, absorbed).
fn run(
    w: &mut World,
    cfg: &Config,
    cap: u32,
    mut week: impl FnMut(&mut World),
) -> (f64, u32, bool) {
    let t0 = Instant::now();
    let mut weeks = 0;
    let mut absorbed = false;
    while weeks < cap {
        week(w);
        weeks += 1;
        if classic::absorbed(w, cfg) {
            absorbed = true;
            break;
        }
    }
    (t0.elapsed().as_secs_f64(), weeks, absorbed)
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        0.5 * (s[m - 1] + s[m])
    }
}

fn list<T: ToString>(v: &[T]) -> String {
    v.iter().map(T::to_string).collect::<Vec<_>>().join(", ")
}

fn main() {
    // Everything runs on the one worker of a one-thread pool: one core, like the Mesa side,
    // and the way `belonging run` runs a job (a step called from outside the pool moves its
    // week to a worker each time: one handoff a week).
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool")
        .install(body);
}

fn body() {
    let a = parse_args();
    let cfg = config(&a);
    let (mut seconds, mut rule_seconds, mut job_seconds) = (Vec::new(), Vec::new(), Vec::new());
    let (mut weeks, mut absorbed, mut regions) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..a.runs {
        let seed = a.seed + r as u64;

        // The full week. Construction is not timed.
        let mut w = init::build(&cfg, seed);
        let (s, n, abs) = run(&mut w, &cfg, a.cap, |w| dynamics::step(w, &cfg, seed));
        seconds.push(s);
        weeks.push(n);
        absorbed.push(abs);
        regions.push(metrics::cultural_regions(&w).1 as u32);
        let culture = w.agents.culture.clone();

        // The Axelrod rule alone, on the same random streams.
        let mut w = init::build(&cfg, seed);
        let (s, n2, _) = run(&mut w, &cfg, a.cap, |w| {
            classic::run(w, &cfg, &mut stream(seed, w.t as u64, Phase::Identity));
            w.t += 1;
        });
        assert_eq!(
            (n2, &w.agents.culture),
            (n, &culture),
            "rule alone diverged"
        );
        rule_seconds.push(s);

        // One replicate as `belonging run` simulates it (construction and recording included).
        let t0 = Instant::now();
        let job = run_job(
            &cfg,
            Job {
                index: r,
                point: 0,
                replicate: r,
                seed,
            },
        );
        job_seconds.push(t0.elapsed().as_secs_f64());
        assert_eq!(job.stop_step + 1, n, "run_job diverged");

        eprintln!(
            "belonging size {} run {}/{}: {:.4} s, {n} weeks",
            a.size,
            r + 1,
            a.runs,
            seconds[r as usize]
        );
    }
    println!(
        "{{\"impl\": \"belonging\", \"version\": \"{}\", \"size\": {}, \"runs\": {}, \"cap\": {}, \
         \"median_s\": {}, \"median_rule_s\": {}, \"median_job_s\": {}, \"seconds\": [{}], \
         \"rule_seconds\": [{}], \"job_seconds\": [{}], \"weeks\": [{}], \"absorbed\": [{}], \
         \"regions\": [{}]}}",
        env!("CARGO_PKG_VERSION"),
        a.size,
        a.runs,
        a.cap,
        median(&seconds),
        median(&rule_seconds),
        median(&job_seconds),
        list(&seconds),
        list(&rule_seconds),
        list(&job_seconds),
        list(&weeks),
        list(&absorbed),
        list(&regions),
    );
}
