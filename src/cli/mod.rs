//! Command-line interface: argument parsing (clap derive) and dispatch only; no model logic.
//! Submodules: `run` (and resume), `sweep` (and merge), `compare`, `validate`, `inspect`,
//! `meta` (show, new, completions, man).

use anyhow::Result;
use belonging::experiment::RunError;
use belonging::output::{manifest, OutputError};
use belonging::scenario::ScenarioError;
use clap::{Args, Parser, Subcommand};
use compare::compare;
use inspect::{check, list, plot};
use run::run;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use sweep::{merge, sensitivity, sweep};
use validate::validate;

/// belonging: an agent-based simulation of loneliness, belonging and collective identity
/// through group participation (support groups above all).
#[derive(Debug, Parser)]
#[command(
    name = "belonging",
    version = belonging::output::manifest::LONG_VERSION,
    about,
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's replicates and write tables and plots.
    Run(RunArgs),
    /// Validate scenario files without running them.
    Check {
        /// Scenario files (or built-in names).
        #[arg(required = true)]
        scenarios: Vec<String>,
    },
    /// Redraw the plots of a results folder from its files alone: a run, a sweep (or
    /// sensitivity analysis), a comparison, a validation or a calibration folder.
    Plot {
        /// A folder written by `belonging run`, `sweep`, `sensitivity`, `merge`, `compare`,
        /// `validate` or `calibrate` (a complete calibration: its posterior.csv).
        dir: PathBuf,
        /// Draw every axis of a bounded metric over its whole range (loneliness and scores
        /// 0–1, shares 0–100%), so that two runs' plots can be set side by side.
        #[arg(long)]
        full_scale: bool,
        /// The metric a sweep's plots draw (default: the one the sweep was run with).
        #[arg(long, value_name = "NAME")]
        metric: Option<String>,
    },
    /// List the built-in scenarios.
    List,
    /// Run a parameter sweep: every point of the varied fields x every replicate, streamed to
    /// disk job by job; resumable, shardable across machines (SLURM job arrays).
    Sweep(SweepArgs),
    /// Which varied fields drive a result: a sweep with a Morris (elementary effects) or
    /// Sobol' (Saltelli's scheme) design over ranges `--vary PATH=LO..HI`, with common random
    /// numbers; writes the sweep's tables plus design.csv and indices.csv (Morris mu, mu_star,
    /// sigma or Sobol' S1, ST per field, metric and statistic, with bootstrap 95% intervals)
    /// and plots/sensitivity.png. Resumable and shardable like a sweep (`sweep --resume`,
    /// `merge`). `--design FILE.csv` runs a design made elsewhere (SALib) laid out as
    /// --method says.
    Sensitivity(SensitivityArgs),
    /// Estimate varied fields from target values of the metrics: approximate Bayesian
    /// computation by sequential Monte Carlo (ABC-SMC) over prior ranges `--vary PATH=LO..HI`
    /// against `--target METRIC[@WEEK]=VALUE±SD`; writes posterior.csv (weighted particles),
    /// generations.csv and plots/posterior.png. Resumable (`--resume DIR`).
    Calibrate(CalibrateArgs),
    /// Treatment against control: run two scenarios (or one with per-arm overrides) with the
    /// same replicates and seeds; report the difference of a metric (paired 95% CI) and the
    /// agent-level Cohen's d (95% CI over replicate pairs), with a plot of both.
    Compare(CompareArgs),
    /// Merge the folders of a sharded sweep into one (byte-identical to a one-machine run).
    Merge {
        /// Shard folders written by `belonging sweep --shard`.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The merged folder.
        #[arg(long, short = 'o', required = true)]
        out: PathBuf,
        /// Write into an existing, non-empty folder.
        #[arg(long)]
        force: bool,
    },
    /// Check the model against the published results it must reproduce (docs/VALIDATION.md).
    ///
    /// Prints each target's measured and published figures with their 95% CIs and a verdict
    /// per check and per target (holds, REFUTED, or inconclusive with the replicates that
    /// would decide), and writes validation.csv, validation.md, validation.json and a plot per
    /// target.
    ///
    /// Exit codes: 0 every target holds; 1 a target is refuted (or another failure); 3 no
    /// target is refuted but some are inconclusive (too few replicates to tell: raise
    /// --replicates); 2 bad input.
    Validate(ValidateArgs),
    /// Print a built-in scenario's file, comments included: a starting point to read or edit
    /// (`belonging new` writes it to a file).
    Show {
        /// A built-in scenario (`belonging list` names them).
        #[arg(
            value_name = "SCENARIO",
            value_parser = meta::builtin_names(),
            hide_possible_values = true
        )]
        name: String,
    },
    /// Write a built-in scenario to FILE as a scenario of your own to edit (its name becomes
    /// the file's); never overwrites a file.
    New {
        /// The scenario file to create (it must not exist).
        file: PathBuf,
        /// The built-in scenario to start from (`belonging list` names them).
        #[arg(
            long,
            value_name = "SCENARIO",
            default_value = "default",
            value_parser = meta::builtin_names(),
            hide_possible_values = true
        )]
        from: String,
    },
    /// Print a completion script for a shell (e.g. `belonging completions bash >
    /// ~/.local/share/bash-completion/completions/belonging`; see the README).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; `belonging man > ~/.local/share/man/man1/belonging.1`).
    Man,
    /// A live view of a town in the browser, to teach and to explore: people, ties and
    /// groups, controls, live charts, a person's story, two towns side by side
    /// (docs/STUDIO.md). Serves 127.0.0.1 only unless --host says otherwise.
    Studio(studio::StudioArgs),
    /// Write a recorded run (with snapshots over time) as a self-contained HTML page that
    /// plays it offline, or as an animated GIF for slides.
    Replay(studio::ReplayArgs),
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The treatment scenario (file or built-in name).
    pub treatment: String,
    /// The control scenario (file or built-in name; may be the same as the treatment, with
    /// --set-treatment or --set-control making the difference).
    pub control: String,
    /// The metric compared (a column of timeseries.csv).
    #[arg(long, default_value = "loneliness_mean_affected")]
    pub metric: String,
    /// The recorded week compared (default: the last one).
    #[arg(long)]
    pub at: Option<u32>,
    /// Replicates of each scenario (default: the treatment scenario's `replicates`).
    #[arg(long, short = 'r')]
    pub replicates: Option<u32>,
    /// Base seed of both (default: the treatment scenario's `seed`); replicate r of both
    /// runs with the same seed (common random numbers).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Recorded weeks of both (default: each scenario's `steps`).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Override a field of both scenarios.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Override a field of the treatment only (after --set).
    #[arg(long = "set-treatment", value_name = "KEY=VALUE")]
    pub set_treatment: Vec<String>,
    /// Override a field of the control only (after --set).
    #[arg(long = "set-control", value_name = "KEY=VALUE")]
    pub set_control: Vec<String>,
    /// Give the control arm seeds of its own instead of sharing each replicate's seed with
    /// the treatment (then the difference gets a Welch interval, not a paired one).
    #[arg(long)]
    pub independent_seeds: bool,
    /// Output folder (default: output/compare-<timestamp>/).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Write into an existing, non-empty output folder.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary lines.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// Scenario file or built-in name (default: the built-in `default` scenario).
    pub scenario: Option<String>,
    /// A varied field: PATH=LIST (6,10,14), PATH=START..END:STEP or PATH=START..END:logN;
    /// repeat for more fields (replaces the scenario's `sweep.vary`).
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Replicates per point (overrides the scenario's `replicates`).
    #[arg(long, short = 'r')]
    pub replicates: Option<u32>,
    /// grid (every combination), zip (lists side by side), lhs:N (Latin hypercube), or
    /// FILE.csv: a design made elsewhere (SALib, EMA Workbench), its header the scenario
    /// paths of the varied fields and each row a point (no --vary then). For `sensitivity`:
    /// FILE.csv only, its rows in SALib's order for --method (Morris trajectories, or Sobol'
    /// blocks A, AB_1..AB_k, B) and a --vary PATH=LO..HI for every column (checks the values,
    /// scales Morris's steps).
    #[arg(long, value_name = "grid|zip|lhs:N|FILE.csv")]
    pub design: Option<String>,
    /// The metric the plots draw, a column of timeseries.csv (default: the scenario's
    /// `sweep.metric`, loneliness_prevalence).
    #[arg(long, value_name = "NAME")]
    pub metric: Option<String>,
    /// Give each point's replicates seeds of their own (derived from the point's values)
    /// instead of common random numbers (replicate r of every point shares its seed).
    #[arg(long)]
    pub independent_seeds: bool,
    /// Base seed (overrides the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Recorded weeks (overrides the scenario's `steps`).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Override any scenario field (before the sweep's own values).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Output folder (default: output/<scenario>-sweep-<timestamp>/).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Worker threads (default: SLURM_CPUS_PER_TASK when set, else all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Write into an existing, non-empty output folder (keeps the finished jobs of the
    /// same sweep).
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Run only job K (0-based; point K / replicates, replicate K % replicates).
    #[arg(long, value_name = "K")]
    pub job: Option<u32>,
    /// Run only a slice of the jobs: I/N (jobs with index % N == I), or `slurm` to take I
    /// and N from the SLURM job array.
    #[arg(long, value_name = "I/N|slurm")]
    pub shard: Option<String>,
    /// Complete the sweep in DIR: run only its missing jobs, with the sweep stored in DIR
    /// (a scenario and --vary given as well must be that sweep's; --metric, --threads,
    /// --job, --shard and --quiet may be given).
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = [
            "out", "replicates", "seed", "steps", "set", "design", "independent_seeds", "force"
        ]
    )]
    pub resume: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// morris:R[:P] (R trajectories on a grid of P levels, default 4: R (k + 1) points for k
    /// fields) or sobol:N (N base points, a power of two: N (k + 2) points).
    #[arg(
        long,
        value_name = "morris:R[:P]|sobol:N",
        required_unless_present = "resume"
    )]
    pub method: Option<String>,
    #[command(flatten)]
    pub sweep: SweepArgs,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Scenario file or built-in name (default: the built-in `default` scenario).
    pub scenario: Option<String>,
    /// A field to estimate and its uniform prior: PATH=LO..HI (repeat for more fields).
    #[arg(long = "vary", value_name = "PATH=LO..HI")]
    pub vary: Vec<String>,
    /// A value to match: METRIC[@WEEK]=VALUE±SD (`+-` for `±`), the metric (a column of
    /// timeseries.csv) at recorded week WEEK (default: the last), averaged over the
    /// replicates; SD scales its distance. Repeat for more targets.
    #[arg(long = "target", value_name = "METRIC[@WEEK]=VALUE±SD")]
    pub target: Vec<String>,
    /// Particles per generation (default 100).
    #[arg(long, value_name = "N")]
    pub particles: Option<u32>,
    /// Generations (default 4): generation 0 from the prior, each later one at the median
    /// of the previous one's distances.
    #[arg(long, value_name = "G")]
    pub generations: Option<u32>,
    /// Replicates per candidate (overrides the scenario's `replicates`).
    #[arg(long, short = 'r')]
    pub replicates: Option<u32>,
    /// Base seed (overrides the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Recorded weeks (overrides the scenario's `steps`).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Override any scenario field (before the candidates' own values).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Output folder (default: output/<scenario>-calibrate-<timestamp>/).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Worker threads (default: SLURM_CPUS_PER_TASK when set, else all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Write into an existing, non-empty output folder (keeps the simulated candidates of
    /// the same calibration).
    #[arg(long)]
    pub force: bool,
    /// No per-generation lines and no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Complete the calibration in DIR with the calibration stored there, simulating only
    /// the candidates not yet in it (arguments given as well must not change it).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "force"])]
    pub resume: Option<PathBuf>,
    /// With --resume DIR: simulate only this shard's candidates (index % N == I) of the next
    /// batch that lacks candidates, into DIR/shards/I/, and stop; `slurm` takes I and N from
    /// the SLURM job array. Then `--resume DIR --gather` assembles (examples/slurm/).
    #[arg(
        long,
        value_name = "I/N|slurm",
        requires = "resume",
        conflicts_with = "gather"
    )]
    pub shard: Option<String>,
    /// Simulate nothing: assemble the generations from the candidates in the folder and its
    /// shards' folders, and stop at the first batch that lacks candidates (manifest status
    /// `waiting`, exit 0); the posterior is written once every generation is whole.
    #[arg(long)]
    pub gather: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Target numbers to check (default: all).
    pub targets: Vec<u32>,
    /// Replicates per experiment instead of each target's default.
    #[arg(long, short = 'r')]
    pub replicates: Option<u32>,
    /// Output folder (default: output/validation-<timestamp>/).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Write into an existing, non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file or built-in name (default: the built-in `default` scenario).
    pub scenario: Option<String>,
    /// Number of replicates (overrides the scenario's `replicates`).
    #[arg(long, short = 'r')]
    pub replicates: Option<u32>,
    /// Base seed (overrides the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Recorded weeks (overrides the scenario's `steps`).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Override any scenario field: --set population.size=5000 --set events[0].hazard=0.002
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Output folder (default: output/<scenario>-<timestamp>/).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Overwrite the results in an existing, non-empty output folder.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Complete the interrupted run in DIR: run only its missing replicates, with the
    /// scenario and settings stored in DIR (scenario.ron, manifest.json).
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = ["scenario", "replicates", "seed", "steps", "set", "out", "force"]
    )]
    pub resume: Option<PathBuf>,
}

/// Most worker threads `--threads` accepts (more is a typo, and spawning them is slow).
pub const MAX_THREADS: usize = 1024;

/// Exit code of a run or sweep stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report).
pub const EXIT_INTERRUPTED: i32 = 130;

/// A manifest: who wrote the folder (`tool`, `version`, the build's `commit` and `dirty`),
/// what (`kind`) and how far it got (`status`), then the command's own `fields` (a JSON
/// object; the keys come out sorted, as every manifest's).
pub(crate) fn manifest_json(
    kind: &str,
    status: &str,
    fields: serde_json::Value,
) -> serde_json::Value {
    let mut m = serde_json::json!({
        "tool": "belonging",
        "version": env!("CARGO_PKG_VERSION"),
        "commit": belonging::output::manifest::COMMIT,
        "dirty": belonging::output::manifest::dirty(),
        "kind": kind,
        "status": status,
    });
    if let (Some(m), serde_json::Value::Object(f)) = (m.as_object_mut(), fields) {
        m.extend(f);
    }
    m
}

/// Writes `m` as `out/manifest.json`, atomically (the manifest of sweep, compare and
/// validate, rewritten as their status changes).
pub(crate) fn write_manifest_json(out: &Path, m: &serde_json::Value) -> Result<()> {
    use anyhow::Context;
    let path = out.join("manifest.json");
    let text = serde_json::to_string_pretty(m).unwrap_or_default() + "\n";
    belonging::output::atomic::write(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Exit code of an error: 130 when interrupted, 2 for bad input (scenario, arguments, output
/// folder, sizes), 3 for a validation that is inconclusive without a refuted target
/// (`validate::EXIT_INCONCLUSIVE`), 1 otherwise (a refuted validation target among them).
pub fn exit_code(e: &anyhow::Error) -> i32 {
    if e.chain()
        .any(|c| matches!(c.downcast_ref::<RunError>(), Some(RunError::Interrupted)))
    {
        return EXIT_INTERRUPTED;
    }
    for cause in e.chain() {
        if cause.downcast_ref::<ScenarioError>().is_some() {
            return 2;
        }
        match cause.downcast_ref::<OutputError>() {
            Some(
                OutputError::Exists(_)
                | OutputError::NotWritable { .. }
                | OutputError::InUse { .. },
            ) => return 2,
            Some(OutputError::Io { .. }) => return 1,
            None => {}
        }
        if let Some(RunError::TooLarge { .. } | RunError::Config(_)) =
            cause.downcast_ref::<RunError>()
        {
            return 2;
        }
        if cause.downcast_ref::<BadInput>().is_some() {
            return 2;
        }
        if let Some(u) = cause.downcast_ref::<validate::Undecided>() {
            return u.exit_code();
        }
    }
    1
}

/// `println!` that returns the error of a failed write instead of panicking, so that
/// `belonging list | head -1` ends quietly (see [`is_closed_pipe`]).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `eprintln!` that never panics: a message that cannot be shown is dropped.
macro_rules! tell {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod calibrate;
mod compare;
mod inspect;
mod meta;
mod run;
mod studio;
mod sweep;
mod validate;

/// Whether an error is only that the reader of stdout went away (`| head`): not a failure.
pub fn is_closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes the error message of a failed command to stderr (never panics).
pub fn report(e: &anyhow::Error) {
    tell!("error: {}", render_error(e));
}

/// The message of an error and its causes, joined by `: `, without repeating a cause whose
/// text its parent already shows (many errors print their source in their own message).
pub fn render_error(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// A user error found by the CLI itself.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check { scenarios } => check(&scenarios),
        Command::Plot {
            dir,
            full_scale,
            metric,
        } => plot(&dir, full_scale, metric.as_deref()),
        Command::List => list(),
        Command::Sweep(args) => sweep(args),
        Command::Sensitivity(args) => sensitivity(args),
        Command::Calibrate(args) => calibrate::calibrate(args),
        Command::Compare(args) => compare(args),
        Command::Merge { dirs, out, force } => merge(&dirs, &out, force),
        Command::Validate(args) => validate(args),
        Command::Show { name } => meta::show(&name),
        Command::New { file, from } => meta::new(&file, &from),
        Command::Completions { shell } => meta::completions(shell),
        Command::Man => meta::man(),
        Command::Studio(args) => studio::studio(args),
        Command::Replay(args) => studio::replay(args),
    }
}

/// Installs the handler of SIGINT, SIGTERM and SIGHUP (Ctrl-C) for the commands that stop
/// cleanly (`run`, `sweep`): the first signal asks the runner to stop
/// ([`belonging::experiment::interrupt`]) — no new job starts, running jobs stop at their next
/// step, finished jobs are kept — and the command exits with 130; a second signal quits at
/// once (130).
/// The scenario of `source` with the `--set` overrides, then `--replicates`, `--seed` and
/// `--steps` where given (sweep, sensitivity and calibrate).
fn resolve_with(
    source: &belonging::scenario::Source,
    set: &[String],
    replicates: Option<u32>,
    seed: Option<u64>,
    steps: Option<u32>,
) -> Result<belonging::scenario::Config> {
    use belonging::scenario::Override;
    let mut sets = Vec::new();
    for s in set {
        sets.push(Override::parse(s)?);
    }
    for (path, v) in [
        ("replicates", replicates.map(|r| r.to_string())),
        ("seed", seed.map(|s| s.to_string())),
        ("steps", steps.map(|s| s.to_string())),
    ] {
        if let Some(value) = v {
            sets.push(Override {
                path: path.into(),
                value,
            });
        }
    }
    Ok(belonging::scenario::resolve(source, &sets)?)
}

fn stop_on_signals() {
    let installed = ctrlc::set_handler(|| {
        if belonging::experiment::interrupt::request() {
            std::process::exit(EXIT_INTERRUPTED);
        }
        tell!("belonging: stopping; finished jobs are kept (signal again to quit at once)");
    });
    if let Err(e) = installed {
        tell!("warning: cannot catch Ctrl-C ({e}); an interrupted run leaves status `running`");
    }
}

/// A folder's writer version as said in messages ("" is a folder from before sweeps
/// recorded it).
fn version_label(v: &str) -> &str {
    if v.is_empty() {
        "0.1.0"
    } else {
        v
    }
}

/// Refuses to complete a folder another version of belonging started: random streams may
/// change between versions, so its results and this version's would not be one run's.
fn same_version(dir: &Path, stored: &str) -> Result<()> {
    let this = env!("CARGO_PKG_VERSION");
    if version_label(stored) != this {
        return Err(BadInput(format!(
            "{}: written by belonging {}, and this is belonging {}: the same seed gives other \
             results in another version, so refusing to mix them (finish it with belonging {} \
             or start anew)",
            dir.display(),
            version_label(stored),
            this,
            version_label(stored)
        ))
        .into());
    }
    Ok(())
}

/// The `--threads` value: at least 1, at most [`MAX_THREADS`]; without it, `default` (all
/// cores, or the SLURM allocation for sweeps).
fn threads_arg(given: Option<usize>, default: impl FnOnce() -> usize) -> Result<usize> {
    match given {
        Some(0) => Err(BadInput("--threads must be at least 1".into()).into()),
        Some(t) if t > MAX_THREADS => Err(BadInput(format!(
            "--threads {t} is more than the {MAX_THREADS} worker threads a run may use"
        ))
        .into()),
        Some(t) => Ok(t),
        None => Ok(default()),
    }
}

/// The worker threads of a command that may run as a task of a SLURM job array (sweep,
/// calibrate): `--threads`, else SLURM_CPUS_PER_TASK when set, else all cores.
fn array_task_threads(given: Option<usize>) -> Result<usize> {
    threads_arg(given, || {
        std::env::var("SLURM_CPUS_PER_TASK")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .unwrap_or_else(all_cores)
    })
}

/// All cores.
fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn default_out(name: &str, secs: u64) -> PathBuf {
    let base = Path::new("output");
    let stem = format!("{name}-{}", manifest::stamp(secs));
    let mut path = base.join(&stem);
    let mut k = 2;
    while path.exists() {
        path = base.join(format!("{stem}-{k}"));
        k += 1;
    }
    path
}

/// A progress bar on a terminal (hidden on a pipe or with `--quiet`) counting `unit`s
/// (`replicates`, `jobs`) out of `len` in all, `done` of them finished before (a resumed run
/// shows 6/20, not 2/16).
fn progress_bar(len: u64, done: u64, unit: &str, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} [{{elapsed_precise}}] {{bar:40}} {{pos}}/{{len}} {unit} (ETA {{eta}})"
    )) {
        bar.set_style(style);
    }
    bar.set_position(done);
    // The ETA counts only what runs now.
    bar.reset_eta();
    bar
}

/// Creates and locks an output folder (one writer per folder); refuses one that holds
/// results unless `force`. The lock is held as long as the returned value lives.
fn prepare_out_dir(out: &Path, force: bool) -> Result<belonging::output::lock::FolderLock> {
    let (mut held, _) = belonging::output::lock::take_for_results(out, force)?;
    held.claim();
    Ok(held)
}
