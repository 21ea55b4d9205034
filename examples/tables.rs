//! Times one job of N agents and W recorded weeks (no burn-in), then the formatting of each
//! table it writes (into memory, no disk): how much of a large run is the tables.
//! `cargo run --release --example tables -- 1000000 52`
//!
//! Environment: `SCENARIO=name` (default `default`), `SET="path=value ..."` overrides.
use belonging::experiment::{run_job, Plan};
use belonging::output::Table;
use belonging::scenario::{resolve, Override, Source};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(1_000_000, |s| s.parse().expect("agents"));
    let weeks: u32 = args.next().map_or(52, |s| s.parse().expect("weeks"));
    let mut o = vec![
        Override::parse(&format!("population.size={n}")).expect("override"),
        Override::parse(&format!("steps={weeks}")).expect("override"),
        Override::parse("burn_in=0").expect("override"),
    ];
    for set in std::env::var("SET").unwrap_or_default().split_whitespace() {
        o.push(Override::parse(set).expect("SET: path=value"));
    }
    let scenario = std::env::var("SCENARIO").unwrap_or_else(|_| "default".into());
    let cfg = resolve(&Source::Builtin(scenario), &o).expect("scenario");
    let job = Plan::replicates(cfg.scenario.seed, 1).jobs[0];
    let pool = rayon::ThreadPoolBuilder::new().build().expect("pool");
    pool.install(|| {
        let t0 = Instant::now();
        let r = run_job(&cfg, job);
        let simulated = t0.elapsed().as_secs_f64();
        println!(
            "{n} agents x {weeks} weeks: job (build, weeks, metrics) {simulated:.2} s on {} threads",
            rayon::current_num_threads()
        );
        let mut total = 0.0;
        for table in Table::ALL {
            let t = Instant::now();
            let mut bytes = Vec::new();
            table
                .write_rows(&cfg, &r, &mut bytes)
                .expect("writing into memory");
            let s = t.elapsed().as_secs_f64();
            total += s;
            println!(
                "  {:<18} {:7.3} s  {:>8.1} MB",
                table.file_name(),
                s,
                bytes.len() as f64 / 1e6
            );
        }
        println!("  tables in all      {total:7.3} s");
    });
}
