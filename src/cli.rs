//! Command-line interface: argument parsing (clap derive) and dispatch only; no model logic.

use anyhow::{Context, Result};
use belonging::experiment::{self, Plan, RunError};
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
    /// Check the model against the published results it must reproduce (docs/VALIDATION.md):
    /// prints each target's measured and published figures, writes validation.csv and plots.
    Validate(ValidateArgs),
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
}

/// Most worker threads `--threads` accepts (more is a typo, and spawning them is slow).
pub const MAX_THREADS: usize = 1024;

/// Exit code of an error: 2 for bad input (scenario, arguments, output folder, sizes), 1 otherwise.
pub fn exit_code(e: &anyhow::Error) -> i32 {
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

fn run(args: RunArgs) -> Result<()> {
    let source = Source::from_arg(args.scenario.as_deref().unwrap_or("default"));
    let cfg = scenario::resolve(&source, &overrides(&args)?)?;
    let s = &cfg.scenario;
    let threads = match args.threads {
        Some(0) => return Err(BadInput("--threads must be at least 1".into()).into()),
        Some(t) if t > MAX_THREADS => {
            return Err(BadInput(format!(
                "--threads {t} is more than the {MAX_THREADS} worker threads a run may use"
            ))
            .into())
        }
        Some(t) => t,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let plan = Plan::replicates(s.seed, s.replicates);
    // One job runs on one thread: threads beyond the number of jobs would only idle.
    let threads = threads.min(plan.jobs.len()).max(1);
    experiment::runner::check_memory(&cfg, &plan, threads)
        .with_context(|| format!("{}: not enough memory for this run", source.label()))?;

    let started = manifest::now_secs();
    let out = match &args.out {
        Some(p) => p.clone(),
        None => default_out(&s.name, started),
    };
    let dir = ResultsDir::create(&out, args.force, plan.jobs.len())?;
    let scenario_text = scenario::to_ron(s);
    let mut m = Manifest {
        tool: "belonging".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        status: Status::Running,
        scenario: s.name.clone(),
        scenario_source: source.label(),
        scenario_hash: manifest::fnv1a(scenario_text.as_bytes()),
        command: std::env::args().collect(),
        seed: s.seed,
        replicates: s.replicates,
        steps: s.steps,
        burn_in: s.burn_in,
        agents: s.population.size,
        threads,
        lonely_threshold: s.belonging.threshold,
        started: manifest::rfc3339(started),
        finished: None,
        wall_seconds: None,
        agent_steps: 0,
        agent_steps_per_second: None,
        files: Vec::new(),
        runs: Vec::new(),
    };
    dir.write_manifest(&m)?;
    dir.write_text("scenario.ron", &scenario_text)?;

    let bar = progress_bar(plan.jobs.len() as u64, args.quiet);
    let clock = Instant::now();
    let result = experiment::run_plan(&cfg, &plan, threads, |r| {
        dir.write_job(&cfg, &r).map_err(|e| e.to_string())?;
        bar.inc(1);
        Ok(())
    });
    bar.finish_and_clear();
    // Replicates that stop at absorption simulate fewer steps.
    let (runs, agent_steps) = dir.runs();
    m.runs = runs;
    if let Err(e) = result {
        m.status = Status::Failed;
        let _ = dir.write_manifest(&m);
        return Err(e).context(format!("run into {} failed", out.display()));
    }
    let mut files = match dir.finish(&cfg, &plan) {
        Ok(files) => files,
        Err(e) => {
            m.status = Status::Failed;
            let _ = dir.write_manifest(&m);
            return Err(e.into());
        }
    };
    let sim_seconds = clock.elapsed().as_secs_f64();
    belonging::plot::register_fonts();
    let plots = belonging::plot::plot_dir(&out);
    let wall = clock.elapsed().as_secs_f64();
    m.finished = Some(manifest::rfc3339(manifest::now_secs()));
    m.wall_seconds = Some(wall);
    m.agent_steps = agent_steps;
    m.agent_steps_per_second = Some(agent_steps as f64 / sim_seconds.max(1e-9));
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
            dir.write_manifest(&m)?;
        }
        Err(e) => {
            m.status = Status::Failed;
            let _ = dir.write_manifest(&m);
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
            agent_steps as f64 / sim_seconds.max(1e-9) / 1e6,
            threads,
            out.display()
        );
    }
    Ok(())
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
    let threads = match args.threads {
        Some(0) => {
            return Err(anyhow::Error::new(BadInput(
                "--threads must be at least 1".into(),
            )))
        }
        Some(n) if n > MAX_THREADS => {
            return Err(anyhow::Error::new(BadInput(format!(
                "--threads {n} is more than {MAX_THREADS}"
            ))))
        }
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out("validation", manifest::now_secs()));
    prepare_validation_dir(&out, args.force)?;
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
fn prepare_validation_dir(out: &Path, force: bool) -> Result<()> {
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

/// A CSV field, quoted when it holds a comma, quote or newline.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
