//! What drives each validation target: a one-at-a-time scan of key parameters. For every
//! target (its headline statistic, `belonging::validation::HEADLINES`) and every parameter,
//! the statistic is measured at the defaults and with the parameter at ×0.8 and ×1.2 of its
//! value in each scenario the target runs (one parameter at a time, the others at their
//! defaults), with the same seeds, by the targets' own code (`validation::headline`).
//! Prints a Markdown table (rows: targets; columns: parameters; cells: change of the
//! statistic at ×0.8 / ×1.2, the three largest of each row in bold) and, with `--out`,
//! writes it as `drivers.md` with every measurement in `drivers.csv`. Progress goes to
//! stderr.
//!
//! ```sh
//! cargo run --release --example drivers -- [--replicates N] [--out DIR] [--threads N]
//!     [--targets 1,2,10] [--params belonging.rate,ties.decay] [--factor 0.2]
//!     [--set PATH=VALUE]...
//! ```
//!
//! `--replicates` (default 4) replaces every target's own replicates; `--set` changes every
//! scenario before the scan (a candidate calibration); `--targets` defaults to every target
//! but 9 (the classic models, which none of these parameters enter). A parameter whose value
//! is 0 (or not a number) in the default scenario cannot be scaled: its column says so.

use belonging::validation::{self, Headline, Options, Tweak, HEADLINES};
use clap::Parser;
use std::fmt::Write as _;
use std::time::Instant;

/// The parameters scanned by default: the main rate of each process that the targets'
/// figures could hang on.
const PARAMS: &[&str] = &[
    "belonging.rate",
    "belonging.contagion",
    "belonging.threshold",
    "population.need.mean",
    "ties.decay",
    "interaction.new_tie",
    "attendance.loneliness",
    "support.dropout",
    "support.integration_rate",
    "events[0].hazard",
    "events[0].adaptation",
    "events[0].regain",
    "events[0].burden",
    "support.return_rate",
];

#[derive(Debug, Parser)]
#[command(about = "One-at-a-time ±20% scan of the validation targets' headline statistics")]
struct Args {
    /// Replicates per experiment of every target (instead of each target's default).
    #[arg(long, short = 'r', default_value_t = 4)]
    replicates: u32,
    /// Folder for drivers.md and drivers.csv (created if needed).
    #[arg(long, short = 'o')]
    out: Option<std::path::PathBuf>,
    /// Worker threads (0: all cores).
    #[arg(long, short = 'j', default_value_t = 0)]
    threads: usize,
    /// Targets, comma-separated (default: all but 9).
    #[arg(long, value_delimiter = ',')]
    targets: Vec<u32>,
    /// Parameters (`--set` paths), comma-separated (default: the built-in list).
    #[arg(long, value_delimiter = ',')]
    params: Vec<String>,
    /// Relative change: the parameter at ×(1 − f) and ×(1 + f).
    #[arg(long, default_value_t = 0.2)]
    factor: f64,
    /// Changes every scenario before the scan: --set events[0].adaptation=0.02
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

/// One row of the table: a target's headline at the defaults and per parameter at the low
/// and high factor (None: not scanned).
struct Row {
    base: Headline,
    cells: Vec<Option<(Headline, Headline)>>,
}

fn main() {
    if let Err(e) = run(Args::parse()) {
        eprintln!("drivers: {e}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let opts = Options {
        threads: args.threads,
        replicates: Some(args.replicates.max(2)),
    };
    let base: Vec<Tweak> = args
        .set
        .iter()
        .map(|s| Tweak::set(s))
        .collect::<Result<_, _>>()?;
    let targets: Vec<u32> = if args.targets.is_empty() {
        HEADLINES
            .iter()
            .map(|h| h.target)
            .filter(|&t| t != 9)
            .collect()
    } else {
        args.targets.clone()
    };
    let params: Vec<String> = if args.params.is_empty() {
        PARAMS.iter().map(|s| s.to_string()).collect()
    } else {
        args.params.clone()
    };
    let (lo_f, hi_f) = (1.0 - args.factor, 1.0 + args.factor);
    // A parameter that is 0 in the default scenario does not move when scaled.
    let mut values = Vec::new();
    for p in &params {
        values.push(validation::scenario_value("default", p, &base)?);
    }
    let scanned: Vec<bool> = values.iter().map(|v| v.is_some_and(|x| x != 0.0)).collect();
    let runs = targets.len() * (1 + 2 * scanned.iter().filter(|&&s| s).count());
    let clock = Instant::now();
    let mut done = 0usize;
    let mut progress = |what: &str, h: &Headline| {
        done += 1;
        let elapsed = clock.elapsed().as_secs_f64();
        let eta = elapsed / done as f64 * (runs - done) as f64;
        eprintln!(
            "[{done}/{runs}] target {} {what}: {:.4} ({:.0} s, about {:.0} s to go)",
            h.target, h.value, elapsed, eta
        );
    };
    let mut rows = Vec::new();
    let mut csv =
        String::from("target,statistic,parameter,default_value,factor,value,ci_low,ci_high\n");
    for &t in &targets {
        let b = validation::headline(t, &base, &opts)?;
        progress("at the defaults", &b);
        let _ = writeln!(csv, "{t},\"{}\",,,1,{},{},{}", b.label, b.value, b.lo, b.hi);
        let mut cells = Vec::new();
        for (k, p) in params.iter().enumerate() {
            if !scanned[k] {
                cells.push(None);
                continue;
            }
            let mut at = |f: f64| -> Result<Headline, validation::ValidationError> {
                let mut tweaks = base.clone();
                tweaks.push(Tweak::scale(p, f));
                let h = validation::headline(t, &tweaks, &opts)?;
                progress(&format!("{p} ×{f}"), &h);
                Ok(h)
            };
            let (lo, hi) = (at(lo_f)?, at(hi_f)?);
            for (f, h) in [(lo_f, &lo), (hi_f, &hi)] {
                let _ = writeln!(
                    csv,
                    "{t},\"{}\",{p},{},{f},{},{},{}",
                    h.label,
                    values[k].unwrap_or(f64::NAN),
                    h.value,
                    h.lo,
                    h.hi
                );
            }
            cells.push(Some((lo, hi)));
        }
        rows.push(Row { base: b, cells });
    }
    let table = markdown(&rows, &params, &values, &args, lo_f, hi_f);
    println!("{table}");
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out)?;
        std::fs::write(out.join("drivers.md"), &table)?;
        std::fs::write(out.join("drivers.csv"), &csv)?;
        eprintln!(
            "drivers: {} and drivers.csv",
            out.join("drivers.md").display()
        );
    }
    eprintln!(
        "drivers: {} targets × {} parameters in {:.0} s",
        targets.len(),
        params.len(),
        clock.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Decimals that show `x` with about three significant digits.
fn decimals(x: f64) -> usize {
    if !x.is_finite() || x == 0.0 {
        return 3;
    }
    (2 - x.abs().log10().floor() as i64).clamp(0, 6) as usize
}

fn markdown(
    rows: &[Row],
    params: &[String],
    values: &[Option<f64>],
    args: &Args,
    lo_f: f64,
    hi_f: f64,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Change of each target's headline statistic with one parameter at ×{lo_f} / ×{hi_f} of \
         its value ({} replicates per experiment, the same seeds throughout{}). **Bold**: the \
         three largest changes of the row. `default ± h`: the statistic at the defaults with \
         the half-width of its 95% CI over replicates — changes well below h are within the \
         noise of replicates.\n",
        args.replicates,
        if args.set.is_empty() {
            String::new()
        } else {
            format!("; every scenario with --set {}", args.set.join(" --set "))
        }
    );
    let _ = write!(s, "| target: headline statistic | default ± h |");
    for (p, v) in params.iter().zip(values) {
        match v {
            Some(x) => {
                let _ = write!(s, " `{p}` ({x}) |");
            }
            None => {
                let _ = write!(s, " `{p}` (none) |");
            }
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "|---|---|{}", "---|".repeat(params.len()));
    for row in rows {
        let d = decimals(row.base.value);
        let h = (row.base.hi - row.base.lo) / 2.0;
        let _ = write!(
            s,
            "| {} | {:.*} ± {:.*} |",
            row.base.label, d, row.base.value, d, h
        );
        // The three largest changes (either direction) of the row.
        let size = |c: &Option<(Headline, Headline)>| {
            c.as_ref().map_or(f64::NAN, |(lo, hi)| {
                let a = (lo.value - row.base.value).abs();
                let b = (hi.value - row.base.value).abs();
                if a.is_nan() {
                    b
                } else if b.is_nan() {
                    a
                } else {
                    a.max(b)
                }
            })
        };
        let mut order: Vec<usize> = (0..row.cells.len())
            .filter(|&k| size(&row.cells[k]).is_finite())
            .collect();
        order.sort_by(|&a, &b| size(&row.cells[b]).total_cmp(&size(&row.cells[a])));
        let top: Vec<usize> = order.into_iter().take(3).collect();
        for (k, c) in row.cells.iter().enumerate() {
            match c {
                None => {
                    let why = if values[k].is_some() { "0" } else { "none" };
                    let _ = write!(s, " — ({why}: not scanned) |");
                }
                Some((lo, hi)) => {
                    let cell = format!(
                        "{:+.*} / {:+.*}",
                        d,
                        lo.value - row.base.value,
                        d,
                        hi.value - row.base.value
                    );
                    if top.contains(&k) {
                        let _ = write!(s, " **{cell}** |");
                    } else {
                        let _ = write!(s, " {cell} |");
                    }
                }
            }
        }
        let _ = writeln!(s);
    }
    s
}
