//! Command-line interface: argument parsing (clap derive) and dispatch only; no model logic.

use anyhow::{Context, Result};
use belonging::experiment::{self, Plan, RunError};
use belonging::output::tables::csv_field;
use belonging::output::{manifest, Manifest, OutputError, ResultsDir, Status};
use belonging::plot::PlotError;
use belonging::scenario::{self, builtin, Override, ScenarioError, Source};
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// belonging: an agent-based simulation of loneliness, belonging and collective identity
/// through group participation (support groups above all).
#[derive(Debug, Parser)]
#[command(name = "belonging", version, about, long_about = None)]
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
    /// Redraw the plots of a results folder from its files alone.
    Plot {
        /// A results folder written by `belonging run`.
        dir: PathBuf,
    },
    /// List the built-in scenarios.
    List,
    /// Run a parameter sweep: every point of the varied fields x every replicate, streamed to
    /// disk job by job; resumable, shardable across machines (SLURM job arrays).
    Sweep(SweepArgs),
    /// Treatment against control: run two scenarios with the same replicates and seeds, and
    /// report the difference of a metric and Cohen's d with 95% CIs, and a plot of both.
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
    /// Check the model against the published results it must reproduce (docs/VALIDATION.md):
    /// prints each target's measured and published figures, writes validation.csv and plots.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The treatment scenario (file or built-in name).
    pub treatment: String,
    /// The control scenario (file or built-in name).
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
    /// Output folder (default: output/compare-<timestamp>/).
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
    /// grid (every combination), zip (lists side by side) or lhs:N (Latin hypercube).
    #[arg(long)]
    pub design: Option<String>,
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
    /// Complete the sweep in DIR: run only its missing jobs.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    pub resume: Option<PathBuf>,
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

/// Exit code of an error: 130 when interrupted, 2 for bad input (scenario, arguments, output
/// folder, sizes), 1 otherwise.
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
            Some(OutputError::Exists(_) | OutputError::NotWritable { .. }) => return 2,
            Some(OutputError::Io { .. }) => return 1,
            None => {}
        }
        if let Some(RunError::TooLarge { .. }) = cause.downcast_ref::<RunError>() {
            return 2;
        }
        if cause.downcast_ref::<BadInput>().is_some() {
            return 2;
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
        Command::Plot { dir } => plot(&dir),
        Command::List => list(),
        Command::Sweep(args) => sweep(args),
        Command::Compare(args) => compare(args),
        Command::Merge { dirs, out, force } => merge(&dirs, &out, force),
        Command::Validate(args) => validate(args),
    }
}

fn overrides(args: &RunArgs) -> Result<Vec<Override>, ScenarioError> {
    let mut out = Vec::new();
    for s in &args.set {
        out.push(Override::parse(s)?);
    }
    let mut put = |path: &str, value: String| {
        out.push(Override {
            path: path.into(),
            value,
        })
    };
    if let Some(r) = args.replicates {
        put("replicates", r.to_string());
    }
    if let Some(s) = args.seed {
        put("seed", s.to_string());
    }
    if let Some(s) = args.steps {
        put("steps", s.to_string());
    }
    Ok(out)
}

/// Installs the handler of SIGINT, SIGTERM and SIGHUP (Ctrl-C) for the commands that stop
/// cleanly (`run`, `sweep`): the first signal asks the runner to stop
/// ([`belonging::experiment::interrupt`]) — no new job starts, running jobs stop at their next
/// step, finished jobs are kept — and the command exits with 130; a second signal quits at
/// once (130).
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

/// A run ready to start: new (`--out`) or resumed (`--resume`).
struct RunSetup {
    cfg: scenario::Config,
    label: String,
    out: PathBuf,
    manifest: Manifest,
    resumed: bool,
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

/// The run to complete from a folder: its scenario.ron and manifest.json.
fn resume_setup(dir: &Path) -> Result<RunSetup> {
    let stored = ResultsDir::read_manifest(dir).map_err(|e| {
        BadInput(format!(
            "{e}; --resume needs a folder written by `belonging run`"
        ))
    })?;
    if stored.status == Status::Complete {
        return Err(BadInput(format!(
            "{}: this run is already complete; nothing to resume",
            dir.display()
        ))
        .into());
    }
    same_version(dir, &stored.version)?;
    let file = dir.join("scenario.ron");
    let text = std::fs::read(&file).map_err(|e| {
        BadInput(format!(
            "{}: cannot read the run's scenario: {e}",
            file.display()
        ))
    })?;
    let hash = manifest::fnv1a(&text);
    if hash != stored.scenario_hash {
        return Err(BadInput(format!(
            "{}: it has changed since the run started (hash {hash}, manifest.json says {}); \
             refusing to mix results",
            file.display(),
            stored.scenario_hash
        ))
        .into());
    }
    let source = Source::File(file);
    let cfg = scenario::resolve(&source, &[])?;
    Ok(RunSetup {
        cfg,
        label: source.label(),
        out: dir.to_path_buf(),
        manifest: stored,
        resumed: true,
    })
}

fn run(args: RunArgs) -> Result<()> {
    let setup = match &args.resume {
        Some(dir) => resume_setup(dir)?,
        None => {
            let source = Source::from_arg(args.scenario.as_deref().unwrap_or("default"));
            let cfg = scenario::resolve(&source, &overrides(&args)?)?;
            let s = &cfg.scenario;
            let started = manifest::now_secs();
            let out = match &args.out {
                Some(p) => p.clone(),
                None => default_out(&s.name, started),
            };
            let manifest = Manifest {
                tool: "belonging".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                status: Status::Running,
                scenario: s.name.clone(),
                scenario_source: source.label(),
                scenario_hash: manifest::fnv1a(scenario::to_ron(s).as_bytes()),
                command: std::env::args().collect(),
                seed: s.seed,
                replicates: s.replicates,
                jobs_done: 0,
                steps: s.steps,
                burn_in: s.burn_in,
                agents: s.population.size,
                threads: 0,
                lonely_threshold: s.belonging.threshold,
                started: manifest::rfc3339(started),
                finished: None,
                wall_seconds: None,
                agent_steps: 0,
                agent_steps_per_second: None,
                peak_memory_bytes: None,
                vector_instructions: String::new(),
                files: Vec::new(),
                runs: Vec::new(),
            };
            RunSetup {
                label: source.label(),
                cfg,
                out,
                manifest,
                resumed: false,
            }
        }
    };
    let RunSetup {
        cfg,
        label,
        out,
        mut manifest,
        resumed,
    } = setup;
    let m = &mut manifest;
    let s = &cfg.scenario;
    let threads = threads_arg(args.threads, all_cores)?;
    let plan = Plan::replicates(s.seed, s.replicates);
    // Threads beyond the number of jobs are not idle: a large population's step runs in
    // parallel over its agents (within-run parallelism, see docs/ARCHITECTURE.md).
    experiment::runner::check_memory(&cfg, &plan, threads)
        .with_context(|| format!("{label}: not enough memory for this run"))?;

    let dir = if resumed {
        ResultsDir::open(&out)?
    } else {
        let dir = ResultsDir::create(&out, args.force)?;
        dir.write_manifest(m)?;
        dir.write_text("scenario.ron", &scenario::to_ron(s))?;
        dir
    };
    stop_on_signals();
    let done = dir.finished_jobs(&plan);
    let todo = Plan {
        base_seed: plan.base_seed,
        jobs: plan
            .jobs
            .iter()
            .zip(&done)
            .filter(|(_, d)| !**d)
            .map(|(j, _)| *j)
            .collect(),
    };
    let threads = threads.min(todo.jobs.len()).max(1);
    m.status = Status::Running;
    m.threads = threads;
    m.jobs_done = done.iter().filter(|d| **d).count() as u32;
    dir.write_manifest(m)?;

    let bar = progress_bar(todo.jobs.len() as u64, args.quiet);
    let clock = Instant::now();
    let simulated = std::sync::atomic::AtomicU64::new(0);
    let result = experiment::run_plan(&cfg, &todo, threads, |r| {
        dir.write_job(&cfg, &r).map_err(|e| e.to_string())?;
        simulated.fetch_add(r.agent_steps, std::sync::atomic::Ordering::Relaxed);
        bar.inc(1);
        Ok(())
    })
    // A stop asked for after the last job still stops before the tables are joined.
    .and_then(|()| match experiment::interrupt::requested() {
        true => Err(RunError::Interrupted),
        false => Ok(()),
    });
    bar.finish_and_clear();
    let simulated = simulated.into_inner();
    m.jobs_done = dir.finished_jobs(&plan).iter().filter(|d| **d).count() as u32;
    // Replicates that stop at absorption simulate fewer steps.
    m.runs = dir.runs(&plan).unwrap_or_default();
    m.agent_steps = m
        .runs
        .iter()
        .map(|r| s.population.size as u64 * (s.burn_in as u64 + r.stop_step as u64 + 1))
        .sum();
    if let Err(e) = result {
        let interrupted = matches!(e, RunError::Interrupted);
        m.status = if interrupted {
            Status::Partial
        } else {
            Status::Failed
        };
        let _ = dir.write_manifest(m);
        let what = if interrupted { "interrupted" } else { "failed" };
        return Err(e).context(format!(
            "run into {} {what}; {} of {} replicates finished and are kept: complete it with \
             `belonging run --resume {}`",
            out.display(),
            m.jobs_done,
            s.replicates,
            out.display()
        ));
    }
    let mut files = match dir.finish(&cfg, &plan) {
        Ok(files) => files,
        Err(e) => {
            m.status = Status::Failed;
            let _ = dir.write_manifest(m);
            return Err(e).context(format!(
                "writing the tables of {} failed; all {} replicates are kept in parts/: \
                 complete it with `belonging run --resume {}`",
                out.display(),
                s.replicates,
                out.display()
            ));
        }
    };
    let sim_seconds = clock.elapsed().as_secs_f64();
    belonging::plot::register_fonts();
    let plots = belonging::plot::plot_dir(&out);
    let wall = clock.elapsed().as_secs_f64();
    m.finished = Some(manifest::rfc3339(manifest::now_secs()));
    m.wall_seconds = Some(wall);
    m.agent_steps_per_second = Some(simulated as f64 / sim_seconds.max(1e-9));
    m.peak_memory_bytes = manifest::peak_memory_bytes();
    m.vector_instructions = belonging::model::lanes::Level::detect().name().into();
    match plots {
        Ok(paths) => {
            files.extend(
                paths
                    .iter()
                    .filter_map(|p| p.strip_prefix(&out).ok().map(|r| r.display().to_string())),
            );
            files.insert(0, "scenario.ron".into());
            m.files = files;
            m.status = Status::Complete;
            dir.write_manifest(m)?;
        }
        Err(e) => {
            m.status = Status::Failed;
            let _ = dir.write_manifest(m);
            return Err(anyhow::anyhow!(e)).context("drawing the plots failed");
        }
    }
    if !args.quiet {
        let absorbed: Vec<u32> = m
            .runs
            .iter()
            .filter(|r| r.absorbed)
            .map(|r| r.stop_step + 1)
            .collect();
        let weeks = match (absorbed.iter().min(), absorbed.iter().max()) {
            (Some(lo), Some(hi)) => format!(
                "at most {} weeks ({} of {} replicates absorbed after {lo}-{hi})",
                s.steps,
                absorbed.len(),
                m.runs.len()
            ),
            _ => format!("{} weeks", s.steps),
        };
        tell!(
            "belonging: {} agents x {} (+{} burn-in) x {} replicates in {:.2} s \
             ({:.2} M agent-steps/s on {} threads) -> {}",
            s.population.size,
            weeks,
            s.burn_in,
            s.replicates,
            wall,
            simulated as f64 / sim_seconds.max(1e-9) / 1e6,
            threads,
            out.display()
        );
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

fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} replicates (ETA {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

fn check(files: &[String]) -> Result<()> {
    let mut bad = 0;
    for f in files {
        let source = Source::from_arg(f);
        match scenario::resolve(&source, &[]) {
            Ok(cfg) => {
                let s = &cfg.scenario;
                say!(
                    "ok: {} ({}: {} agents, {} weeks, {} replicates)",
                    source.label(),
                    s.name,
                    s.population.size,
                    s.steps,
                    s.replicates
                )?;
            }
            Err(e) => {
                bad += 1;
                tell!("error: {e}");
            }
        }
    }
    if bad > 0 {
        return Err(BadInput(format!(
            "{bad} of {} scenario files are invalid",
            files.len()
        ))
        .into());
    }
    Ok(())
}

fn plot(dir: &Path) -> Result<()> {
    if !dir.join("summary.csv").is_file() {
        return Err(BadInput(format!(
            "{}: not a results folder (no summary.csv); give a folder written by `belonging run`",
            dir.display()
        ))
        .into());
    }
    belonging::plot::register_fonts();
    let files = belonging::plot::plot_dir(dir).map_err(|e| match e {
        // A damaged results folder is bad input, not a failure of the tool.
        PlotError::MissingInput { .. } | PlotError::Csv { .. } | PlotError::Json { .. } => {
            anyhow::Error::new(BadInput(format!("{e}; is this a complete results folder?")))
        }
        // So is a folder where the plots cannot be written.
        PlotError::Io { ref path, .. } if path.starts_with(dir.join("plots")) => {
            anyhow::Error::new(BadInput(format!("cannot write the plots: {e}")))
        }
        other => anyhow::Error::new(other),
    })?;
    for f in files {
        say!("{}", f.display())?;
    }
    Ok(())
}

fn list() -> Result<()> {
    for (name, text) in builtin::BUILTIN {
        let description = scenario::load::parse_str(name, text)
            .map(|s| s.description)
            .unwrap_or_else(|e| format!("(invalid: {e})"));
        say!("{name:<14} {description}")?;
    }
    Ok(())
}

fn compare(args: CompareArgs) -> Result<()> {
    use belonging::model::metrics::{index_of, NAMES};
    let Some(m) = index_of(&args.metric) else {
        return Err(BadInput(format!(
            "--metric {}: no such metric; the metrics are {}",
            args.metric,
            NAMES.join(", ")
        ))
        .into());
    };
    let mut sets = Vec::new();
    for s in &args.set {
        sets.push(Override::parse(s)?);
    }
    let treatment_src = Source::from_arg(&args.treatment);
    let first = scenario::resolve(&treatment_src, &sets)?;
    let replicates = args.replicates.unwrap_or(first.scenario.replicates);
    let seed = args.seed.unwrap_or(first.scenario.seed);
    if replicates < 2 {
        return Err(BadInput("--replicates must be at least 2 to compare".into()).into());
    }
    let mut common = sets.clone();
    common.push(Override {
        path: "replicates".into(),
        value: replicates.to_string(),
    });
    common.push(Override {
        path: "seed".into(),
        value: seed.to_string(),
    });
    if let Some(t) = args.steps {
        common.push(Override {
            path: "steps".into(),
            value: t.to_string(),
        });
    }
    let control_src = Source::from_arg(&args.control);
    let cfgs = [
        scenario::resolve(&treatment_src, &common)?,
        scenario::resolve(&control_src, &common)?,
    ];
    let steps = cfgs[0].scenario.steps.min(cfgs[1].scenario.steps);
    let at = args.at.unwrap_or(steps.saturating_sub(1));
    if at >= steps {
        return Err(BadInput(format!(
            "--at {at}: both scenarios record weeks 0..{}",
            steps.saturating_sub(1)
        ))
        .into());
    }
    let threads = threads_arg(args.threads, all_cores)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out("compare", manifest::now_secs()));
    prepare_out_dir(&out, args.force)?;
    let plan = Plan::replicates(seed, replicates);
    let mut series: Vec<Vec<Vec<f64>>> = Vec::new(); // [scenario][replicate][step]
    for cfg in &cfgs {
        experiment::runner::check_memory(cfg, &plan, threads)?;
        let results = std::sync::Mutex::new(Vec::new());
        experiment::run_plan(cfg, &plan, threads, |r| {
            let values: Vec<f64> = r.series.iter().map(|row| row.values[m]).collect();
            results
                .lock()
                .map_err(|e| e.to_string())?
                .push((r.job.index, values));
            Ok(())
        })?;
        let mut v = results
            .into_inner()
            .map_err(|e| anyhow::anyhow!("a worker thread panicked: {e}"))?;
        v.sort_by_key(|x| x.0);
        series.push(v.into_iter().map(|x| x.1).collect());
    }
    let at_step = |k: usize| -> Vec<f64> {
        series[k]
            .iter()
            .map(|s| s.get(at as usize).copied().unwrap_or(f64::NAN))
            .collect()
    };
    let c = belonging::stats::compare(&at_step(0), &at_step(1));
    let names = [cfgs[0].scenario.name.clone(), cfgs[1].scenario.name.clone()];
    say!(
        "{} at week {at}: treatment {} {:.4} vs control {} {:.4} ({} replicates each)",
        args.metric,
        names[0],
        c.mean_a,
        names[1],
        c.mean_b,
        replicates
    )?;
    say!(
        "  difference {:.4} (95% CI {:.4} to {:.4}); Cohen's d {:.3} (95% CI {:.3} to {:.3})",
        c.diff,
        c.diff_low,
        c.diff_high,
        c.d,
        c.d_low,
        c.d_high
    )?;
    let mut csv = String::from(
        "metric,at,treatment,control,n_treatment,n_control,mean_treatment,mean_control,\
         difference,difference_ci_low,difference_ci_high,cohens_d,d_ci_low,d_ci_high\n",
    );
    let f = |x: f64| {
        let mut s = String::new();
        belonging::output::tables::num(&mut s, x);
        s
    };
    csv.push_str(&format!(
        "{},{at},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        args.metric,
        csv_field(&names[0]),
        csv_field(&names[1]),
        c.n_a,
        c.n_b,
        f(c.mean_a),
        f(c.mean_b),
        f(c.diff),
        f(c.diff_low),
        f(c.diff_high),
        f(c.d),
        f(c.d_low),
        f(c.d_high)
    ));
    let mut t = belonging::stats::TTable::default();
    let mut lines = Vec::new();
    let mut per_step = String::from("scenario,role,step,mean,sd,ci_low,ci_high,n\n");
    for (k, role) in ["treatment", "control"].into_iter().enumerate() {
        let mut points = Vec::new();
        for step in 0..steps as usize {
            let xs: Vec<f64> = series[k]
                .iter()
                .map(|s| s.get(step).copied().unwrap_or(f64::NAN))
                .collect();
            let s = belonging::stats::summarize(&xs, &mut t);
            points.push((step as f64, s.mean, s.ci_low, s.ci_high));
            per_step.push_str(&format!(
                "{},{role},{step},{},{},{},{},{}\n",
                csv_field(&names[k]),
                f(s.mean),
                f(s.sd),
                f(s.ci_low),
                f(s.ci_high),
                s.n
            ));
        }
        lines.push(belonging::validation::Series {
            name: format!("{role}: {}", names[k]),
            points,
        });
    }
    for (name, text) in [("compare.csv", &csv), ("compare_series.csv", &per_step)] {
        belonging::output::atomic::write(&out.join(name), text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
    }
    belonging::plot::register_fonts();
    belonging::plot::plot_compare(
        &out.join("plots"),
        &format!(
            "{} vs {}: d = {:.2} [{:.2}, {:.2}] at week {at}",
            names[0], names[1], c.d, c.d_low, c.d_high
        ),
        &args.metric,
        &lines,
    )
    .context("plot of the comparison")?;
    say!("results: {}", out.display())?;
    Ok(())
}

/// A sweep ready to run: its description and one configuration per point.
struct SweepSetup {
    spec: belonging::output::sweep::SweepSpec,
    scenario_ron: String,
    configs: Vec<scenario::Config>,
}

/// Builds the sweep from a scenario source and the sweep's arguments.
fn sweep_setup(args: &SweepArgs, source: &Source) -> Result<SweepSetup> {
    use belonging::experiment::sweep::{self as sw, Design, Vary};
    use belonging::output::sweep::{SweepSpec, VarySpec};
    let mut sets = Vec::new();
    for s in &args.set {
        sets.push(Override::parse(s)?);
    }
    for (path, v) in [
        ("replicates", args.replicates.map(|r| r.to_string())),
        ("seed", args.seed.map(|s| s.to_string())),
        ("steps", args.steps.map(|s| s.to_string())),
    ] {
        if let Some(value) = v {
            sets.push(Override {
                path: path.into(),
                value,
            });
        }
    }
    let base = scenario::resolve(source, &sets)?;
    let s = &base.scenario;
    let section = s.sweep.clone().unwrap_or_default();
    let vary_args = if args.vary.is_empty() {
        section.vary.clone()
    } else {
        args.vary.clone()
    };
    let vary = vary_args
        .iter()
        .map(|a| Vary::parse(a))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| BadInput(e.to_string()))?;
    let design = Design::parse(args.design.as_deref().unwrap_or(&section.design))
        .map_err(|e| BadInput(e.to_string()))?;
    let points = sw::points(&vary, design, s.seed).map_err(|e| BadInput(e.to_string()))?;
    let plan = sw::plan(points.len(), s.replicates, s.seed).map_err(|e| BadInput(e.to_string()))?;
    // Each point is the resolved base scenario with the point's values set: check them all
    // before anything runs.
    let scenario_ron = scenario::to_ron(s);
    let base_text = belonging::scenario::load::parse_str(&source.label(), &scenario_ron)?;
    let mut configs = Vec::with_capacity(points.len());
    for p in &points {
        let o: Vec<Override> = vary
            .iter()
            .zip(&p.values)
            .map(|(v, value)| Override {
                path: v.path.clone(),
                value: value.clone(),
            })
            .collect();
        let point = belonging::scenario::overrides::apply(&base_text, &o)
            .and_then(|sc| scenario::Config::new(&source.label(), sc))
            .with_context(|| {
                let what: Vec<String> = o
                    .iter()
                    .map(|o| format!("{}={}", o.path, o.value))
                    .collect();
                format!("sweep point {} ({})", p.index, what.join(", "))
            })?;
        configs.push(point);
    }
    let spec = SweepSpec {
        format: 1,
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: s.name.clone(),
        scenario_source: source.label(),
        scenario_hash: manifest::fnv1a(scenario_ron.as_bytes()),
        seed: s.seed,
        replicates: s.replicates,
        steps: s.steps,
        design: design.label(),
        vary: vary
            .iter()
            .map(|v| VarySpec {
                path: v.path.clone(),
                spec: v.spec.clone(),
                values: v.values.clone(),
            })
            .collect(),
        points: points.into_iter().map(|p| p.values).collect(),
        jobs: plan.jobs.len() as u32,
        sweep_hash: String::new(),
    }
    .sealed();
    Ok(SweepSetup {
        spec,
        scenario_ron,
        configs,
    })
}

fn sweep(args: SweepArgs) -> Result<()> {
    use belonging::experiment::sweep::{plan as sweep_plan, Shard};
    use belonging::output::sweep as out_sweep;
    let resuming = args.resume.is_some();
    let (out, setup) = match &args.resume {
        Some(dir) => {
            let stored = out_sweep::read_spec(dir).map_err(|e| {
                BadInput(format!(
                    "{e}; --resume needs a folder written by `belonging sweep`"
                ))
            })?;
            same_version(dir, &stored.version)?;
            let source = Source::File(dir.join("scenario.ron"));
            // The stored sweep, rebuilt from the folder's own scenario and values.
            let stored_args = SweepArgs {
                scenario: None,
                vary: stored
                    .vary
                    .iter()
                    .map(|v| format!("{}={}", v.path, v.spec))
                    .collect(),
                replicates: None,
                design: Some(stored.design.clone()),
                seed: None,
                steps: None,
                set: Vec::new(),
                out: None,
                threads: None,
                force: false,
                quiet: false,
                job: None,
                shard: None,
                resume: None,
            };
            let setup = sweep_setup(&stored_args, &source)?;
            if setup.spec.sweep_hash != stored.sweep_hash {
                return Err(BadInput(format!(
                    "{}: its scenario.ron or sweep.json has changed since the sweep started \
                     (hash {} vs {}); refusing to mix results",
                    dir.display(),
                    setup.spec.sweep_hash,
                    stored.sweep_hash
                ))
                .into());
            }
            // A sweep given on the command line as well must be the same sweep.
            if args.scenario.is_some() || !args.vary.is_empty() {
                let source = Source::from_arg(args.scenario.as_deref().unwrap_or("default"));
                let given = sweep_setup(&args, &source)?;
                if given.spec.sweep_hash != stored.sweep_hash {
                    return Err(BadInput(format!(
                        "{}: this folder holds a different sweep (scenario {} hash {}, sweep \
                         {}) from the one given (scenario {} hash {}, sweep {}); refusing to \
                         mix results",
                        dir.display(),
                        stored.scenario,
                        stored.scenario_hash,
                        stored.sweep_hash,
                        given.spec.scenario,
                        given.spec.scenario_hash,
                        given.spec.sweep_hash
                    ))
                    .into());
                }
            }
            (dir.clone(), setup)
        }
        None => {
            let source = Source::from_arg(args.scenario.as_deref().unwrap_or("default"));
            let setup = sweep_setup(&args, &source)?;
            let out = args.out.clone().unwrap_or_else(|| {
                default_out(
                    &format!("{}-sweep", setup.spec.scenario),
                    manifest::now_secs(),
                )
            });
            (out, setup)
        }
    };
    let spec = &setup.spec;
    let plan = sweep_plan(spec.points.len(), spec.replicates, spec.seed)
        .map_err(|e| BadInput(e.to_string()))?;
    if let Some(k) = args.job {
        if k >= spec.jobs {
            return Err(BadInput(format!(
                "--job {k}: this sweep has jobs 0..{} ({} points x {} replicates)",
                spec.jobs.saturating_sub(1),
                spec.points.len(),
                spec.replicates
            ))
            .into());
        }
    }
    let shard = match &args.shard {
        Some(a) => {
            Some(Shard::parse(a, |k| std::env::var(k).ok()).map_err(|e| BadInput(e.to_string()))?)
        }
        None => None,
    };
    let threads = threads_arg(args.threads, || {
        std::env::var("SLURM_CPUS_PER_TASK")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .unwrap_or_else(all_cores)
    })?;
    if !resuming {
        out_sweep::create(&out, spec, &setup.scenario_ron, args.force)?;
    }
    let done = out_sweep::finished_jobs(&out, spec.jobs)?;
    let todo: Vec<_> = plan
        .jobs
        .iter()
        .copied()
        .filter(|j| !done[j.index as usize])
        .filter(|j| args.job.is_none_or(|k| j.index == k))
        .filter(|j| shard.is_none_or(|s| s.contains(j.index)))
        .collect();
    let run = Plan {
        base_seed: plan.base_seed,
        jobs: todo,
    };
    if let Some(biggest) = setup
        .configs
        .iter()
        .max_by_key(|c| experiment::runner::estimate_job_bytes(c))
    {
        experiment::runner::check_memory(biggest, &run, threads)
            .context("not enough memory for this sweep")?;
    }
    let started = manifest::now_secs();
    let clock = Instant::now();
    let write_manifest = |status: &str, done: usize, wall: Option<f64>| -> Result<()> {
        let m = serde_json::json!({
            "tool": "belonging",
            "version": env!("CARGO_PKG_VERSION"),
            "kind": "sweep",
            "status": status,
            "scenario": spec.scenario,
            "sweep_hash": spec.sweep_hash,
            "points": spec.points.len(),
            "replicates": spec.replicates,
            "jobs": spec.jobs,
            "jobs_done": done,
            "shard": shard.map(|s| format!("{}/{}", s.index, s.count)),
            "threads": threads,
            "command": std::env::args().collect::<Vec<_>>(),
            "started": manifest::rfc3339(started),
            "wall_seconds": wall,
            "peak_memory_bytes": manifest::peak_memory_bytes(),
            "vector_instructions": belonging::model::lanes::Level::detect().name(),
        });
        let text = serde_json::to_string_pretty(&m).unwrap_or_default() + "\n";
        belonging::output::atomic::write(&out.join("manifest.json"), text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join("manifest.json").display()))
    };
    write_manifest("running", done.iter().filter(|d| **d).count(), None)?;
    stop_on_signals();
    let bar = progress_bar(run.jobs.len() as u64, args.quiet);
    let result = experiment::run_jobs(
        |j| &setup.configs[j.point as usize],
        &run,
        threads,
        |r| {
            out_sweep::write_job(&out, &r).map_err(|e| e.to_string())?;
            bar.inc(1);
            Ok(())
        },
    )
    // A stop asked for after the last job still stops before the tables are written.
    .and_then(|()| match experiment::interrupt::requested() {
        true => Err(RunError::Interrupted),
        false => Ok(()),
    });
    bar.finish_and_clear();
    let done = out_sweep::finished_jobs(&out, spec.jobs)?;
    let n_done = done.iter().filter(|d| **d).count();
    if let Err(e) = result {
        let _ = write_manifest("partial", n_done, Some(clock.elapsed().as_secs_f64()));
        let what = if matches!(e, RunError::Interrupted) {
            "interrupted"
        } else {
            "failed"
        };
        return Err(e).context(format!(
            "sweep into {} {what}; {n_done} of {} jobs finished and are kept: complete it \
             with `belonging sweep --resume {}`",
            out.display(),
            spec.jobs,
            out.display()
        ));
    }
    if n_done < spec.jobs as usize {
        write_manifest("partial", n_done, Some(clock.elapsed().as_secs_f64()))?;
        if !args.quiet {
            tell!(
                "belonging: {n_done} of {} jobs of this sweep are in {} (ran {} now); the \
                 rest: another shard, or `belonging sweep --resume {}`",
                spec.jobs,
                out.display(),
                run.jobs.len(),
                out.display()
            );
        }
        return Ok(());
    }
    finish_sweep(&out, spec)?;
    write_manifest("complete", n_done, Some(clock.elapsed().as_secs_f64()))?;
    if !args.quiet {
        tell!(
            "belonging: sweep of {} points x {} replicates ({} jobs, {} run now) in {:.2} s on \
             {threads} threads -> {}",
            spec.points.len(),
            spec.replicates,
            spec.jobs,
            run.jobs.len(),
            clock.elapsed().as_secs_f64(),
            out.display()
        );
    }
    Ok(())
}

/// Writes the sweep's final tables and plots (all jobs present).
fn finish_sweep(out: &Path, spec: &belonging::output::sweep::SweepSpec) -> Result<()> {
    belonging::output::sweep::finish(out, spec)?;
    belonging::plot::register_fonts();
    belonging::plot::plot_sweep(out).with_context(|| format!("plots of {}", out.display()))?;
    Ok(())
}

fn merge(dirs: &[PathBuf], out: &Path, force: bool) -> Result<()> {
    use belonging::output::sweep as out_sweep;
    let mut specs = Vec::new();
    for d in dirs {
        let spec = out_sweep::read_spec(d).map_err(|e| {
            BadInput(format!(
                "{e}; merge needs folders written by `belonging sweep`"
            ))
        })?;
        specs.push(spec);
    }
    let spec = specs[0].clone();
    for (d, s) in dirs.iter().zip(&specs) {
        if s.version != spec.version {
            return Err(BadInput(format!(
                "{} was written by belonging {} and {} by belonging {}, whose results for the \
                 same seed differ; refusing to merge",
                d.display(),
                version_label(&s.version),
                dirs[0].display(),
                version_label(&spec.version)
            ))
            .into());
        }
        if s.sweep_hash != spec.sweep_hash {
            return Err(BadInput(format!(
                "{} holds a different sweep (scenario {}, sweep hash {}) from {} (scenario {}, \
                 sweep hash {}); refusing to merge",
                d.display(),
                s.scenario,
                s.sweep_hash,
                dirs[0].display(),
                spec.scenario,
                spec.sweep_hash
            ))
            .into());
        }
    }
    let mut owner: Vec<Option<usize>> = vec![None; spec.jobs as usize];
    let mut overlaps = Vec::new();
    for (k, d) in dirs.iter().enumerate() {
        for (job, present) in out_sweep::finished_jobs(d, spec.jobs)?
            .into_iter()
            .enumerate()
        {
            if present {
                match owner[job] {
                    Some(first) => overlaps.push(format!(
                        "job {job} in {} and {}",
                        dirs[first].display(),
                        d.display()
                    )),
                    None => owner[job] = Some(k),
                }
            }
        }
    }
    if !overlaps.is_empty() {
        let more = overlaps.len().saturating_sub(5);
        return Err(BadInput(format!(
            "the shards overlap: {}{}; refusing to merge",
            overlaps[..overlaps.len().min(5)].join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ))
        .into());
    }
    let scenario_ron = std::fs::read_to_string(dirs[0].join("scenario.ron"))
        .with_context(|| format!("{}: no scenario.ron", dirs[0].display()))?;
    out_sweep::create(out, &spec, &scenario_ron, force)?;
    for (job, o) in owner.iter().enumerate() {
        if let Some(k) = o {
            let from = out_sweep::job_path(&dirs[*k], job as u32);
            let to = out_sweep::job_path(out, job as u32);
            let bytes =
                std::fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
            belonging::output::atomic::write(&to, &bytes)
                .with_context(|| format!("cannot write {}", to.display()))?;
        }
    }
    let missing: Vec<usize> = owner
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_none())
        .map(|(j, _)| j)
        .collect();
    let manifest = |status: &str| {
        let m = serde_json::json!({
            "tool": "belonging",
            "version": env!("CARGO_PKG_VERSION"),
            "kind": "sweep",
            "status": status,
            "scenario": spec.scenario,
            "sweep_hash": spec.sweep_hash,
            "jobs": spec.jobs,
            "jobs_done": spec.jobs as usize - missing.len(),
            "merged_from": dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>(),
        });
        serde_json::to_string_pretty(&m).unwrap_or_default() + "\n"
    };
    if !missing.is_empty() {
        belonging::output::atomic::write(
            &out.join("manifest.json"),
            manifest("partial").as_bytes(),
        )?;
        let shown: Vec<String> = missing.iter().take(20).map(|j| j.to_string()).collect();
        anyhow::bail!(
            "merged {} of {} jobs into {}; missing jobs: {}{}; run them with `belonging sweep \
             --resume {}`",
            spec.jobs as usize - missing.len(),
            spec.jobs,
            out.display(),
            shown.join(", "),
            if missing.len() > 20 { ", ..." } else { "" },
            out.display()
        );
    }
    finish_sweep(out, &spec)?;
    belonging::output::atomic::write(&out.join("manifest.json"), manifest("complete").as_bytes())?;
    say!("merged {} jobs into {}", spec.jobs, out.display())?;
    Ok(())
}

fn validate(args: ValidateArgs) -> Result<()> {
    use belonging::validation::{self, Options, TARGETS};
    let targets: Vec<u32> = if args.targets.is_empty() {
        TARGETS.iter().map(|t| t.0).collect()
    } else {
        args.targets.clone()
    };
    let known: Vec<u32> = TARGETS.iter().map(|t| t.0).collect();
    if let Some(bad) = targets.iter().find(|t| !known.contains(t)) {
        return Err(anyhow::Error::new(BadInput(format!(
            "no validation target {bad}; the targets are {known:?}"
        ))));
    }
    if args.replicates == Some(0) {
        return Err(anyhow::Error::new(BadInput(
            "--replicates must be at least 1".into(),
        )));
    }
    let threads = threads_arg(args.threads, all_cores)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out("validation", manifest::now_secs()));
    prepare_out_dir(&out, args.force)?;
    let opts = Options {
        threads,
        replicates: args.replicates,
    };
    let mut csv = String::from(
        "target,title,check,measured,ci_half_width,published,tolerance,pass,replicates,scenario\n",
    );
    let mut failed = Vec::new();
    let mut markdown = String::new();
    for &t in &targets {
        let clock = Instant::now();
        let report = validation::run(t, &opts).with_context(|| format!("target {t}"))?;
        say!("{report}  ({:.1} s)", clock.elapsed().as_secs_f64())?;
        for c in &report.checks {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                report.target,
                csv_field(&report.title),
                csv_field(&c.what),
                c.measured,
                if c.half_width.is_finite() {
                    c.half_width.to_string()
                } else {
                    String::new()
                },
                csv_field(&c.published),
                csv_field(&c.tolerance),
                c.pass,
                report.replicates,
                csv_field(&report.scenario),
            ));
        }
        belonging::plot::plot_report(&report, &out.join("plots"))
            .with_context(|| format!("plot of target {t}"))?;
        markdown.push_str(&report.markdown(&format!("plots/target_{t}.png")));
        markdown.push('\n');
        if !report.pass() {
            failed.push(t);
        }
    }
    for (name, text) in [("validation.csv", &csv), ("validation.md", &markdown)] {
        belonging::output::atomic::write(&out.join(name), text.as_bytes())
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
    }
    say!("results: {}", out.display())?;
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("validation targets {failed:?} do not hold")
    }
}

/// Refuses an existing non-empty folder unless `force`; creates it.
fn prepare_out_dir(out: &Path, force: bool) -> Result<()> {
    let non_empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some());
    if non_empty && !force {
        return Err(OutputError::Exists(out.to_path_buf()).into());
    }
    std::fs::create_dir_all(out).map_err(|source| OutputError::NotWritable {
        path: out.to_path_buf(),
        source,
    })?;
    Ok(())
}
