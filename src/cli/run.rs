//! `belonging run`: a new run into `--out`, or `--resume` of a stopped one (its scenario and
//! settings read back from the folder).

use super::{
    all_cores, default_out, progress_bar, same_version, stop_on_signals, threads_arg, BadInput,
    RunArgs,
};
use anyhow::{Context, Result};
use belonging::experiment::{self, Plan, RunError};
use belonging::output::{manifest, Manifest, ResultsDir, Status};
use belonging::scenario::{self, Override, ScenarioError, Source};
use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// A run ready to start: new (`--out`) or resumed (`--resume`).
struct RunSetup {
    cfg: scenario::Config,
    label: String,
    out: PathBuf,
    manifest: Manifest,
    resumed: bool,
}

/// Exits 130 with a resumable folder when a stop was asked for after the jobs (during the
/// join of the tables or the plots): the manifest says `partial`, the parts are kept, and
/// `run --resume` completes the folder without simulating again.
fn stopped_after_jobs(dir: &ResultsDir, m: &mut Manifest, out: &Path) -> Result<()> {
    if experiment::interrupt::requested() {
        m.status = Status::Partial;
        let _ = dir.write_manifest(m);
        return Err(RunError::Interrupted).context(format!(
            "run into {} interrupted after its replicates: every one is kept; complete it with \
             `belonging run --resume {}` (no replicate runs again)",
            out.display(),
            out.display()
        ));
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

pub(super) fn run(args: RunArgs) -> Result<()> {
    let start = Instant::now();
    // The handler first: a signal from now on stops the run cleanly, never half-way through
    // preparing its folder.
    stop_on_signals();
    // A resume locks its folder before reading it (one writer per folder).
    let lock = match &args.resume {
        Some(dir) if dir.is_dir() => Some(belonging::output::lock::acquire(dir)?),
        _ => None,
    };
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
                commit: manifest::COMMIT.into(),
                dirty: manifest::dirty(),
                resumed_by: Vec::new(),
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
                memory_estimate_bytes: None,
                vector_instructions: String::new(),
                phase_seconds: None,
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
    // A resume by another build (same version) is recorded beside the one that started it.
    let this = manifest::Build::this();
    let started_by = manifest::Build {
        commit: m.commit.clone(),
        dirty: m.dirty,
    };
    if resumed && this != started_by && !m.resumed_by.contains(&this) {
        m.resumed_by.push(this);
    }
    let s = &cfg.scenario;
    let threads = threads_arg(args.threads, all_cores)?;
    let plan = Plan::replicates(s.seed, s.replicates);
    // Threads beyond the number of jobs are not idle: a large population's step runs in
    // parallel over its agents (within-run parallelism, see docs/ARCHITECTURE.md).
    experiment::runner::check_memory(&cfg, &plan, threads)
        .with_context(|| format!("{label}: not enough memory for this run"))?;

    // A signal before the folder is touched leaves none.
    if experiment::interrupt::requested() {
        return Err(RunError::Interrupted).context("run stopped before it started");
    }
    let dir = if let Some(lock) = lock {
        ResultsDir::open_locked(&out, lock)?
    } else if resumed {
        ResultsDir::open(&out)?
    } else {
        let dir = ResultsDir::create(&out, args.force)?;
        // scenario.ron first: a manifest always has its scenario beside it, so a run stopped
        // from here on can be resumed.
        dir.write_text("scenario.ron", &scenario::to_ron(s))?;
        dir.write_manifest(m)?;
        dir
    };
    // A resume reads every part once before trusting it: a damaged or foreign one is
    // discarded and its job rerun.
    let parts = belonging::output::Parts::of(&cfg, &plan);
    let done = dir.finished_jobs(&plan, &parts, &m.scenario_hash, resumed);
    for (job, d) in plan.jobs.iter().zip(&done) {
        if !d {
            dir.discard_job(&parts, job.index);
        }
    }
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
    // Threads beyond the jobs serve within-run parallelism: a large population splits each
    // week over them, in chunks of at least `PAR_MIN` agents (docs/ARCHITECTURE.md), so a run
    // uses at most as many threads as its jobs have chunks.
    let chunks = (s.population.size as usize)
        .div_ceil(belonging::rng::PAR_MIN)
        .max(1);
    let threads = threads
        .min(todo.jobs.len().max(1).saturating_mul(chunks))
        .max(1);
    m.status = Status::Running;
    m.threads = threads;
    m.memory_estimate_bytes = Some(experiment::runner::estimate_run_bytes(
        &cfg,
        todo.jobs.len(),
        threads,
    ));
    m.jobs_done = done.iter().filter(|d| **d).count() as u32;
    dir.write_manifest(m)?;

    let bar = progress_bar(
        plan.jobs.len() as u64,
        m.jobs_done as u64,
        "replicates",
        args.quiet,
    );
    let clock = Instant::now();
    let simulated = std::sync::atomic::AtomicU64::new(0);
    // Thread-seconds of the jobs' phases: build, simulate, metrics, writing parts.
    let job_seconds = std::sync::Mutex::new([0.0f64; 4]);
    let result = experiment::run_plan(&cfg, &todo, threads, |r| {
        let writing = Instant::now();
        dir.write_job(&cfg, &parts, &r).map_err(|e| e.to_string())?;
        let t = r.seconds;
        if let Ok(mut sum) = job_seconds.lock() {
            for (acc, x) in sum.iter_mut().zip([
                t.build,
                t.simulate,
                t.metrics,
                writing.elapsed().as_secs_f64(),
            ]) {
                *acc += x;
            }
        }
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
    let jobs_wall = clock.elapsed().as_secs_f64();
    let bookkeeping = Instant::now();
    let simulated = simulated.into_inner();
    m.jobs_done = dir
        .finished_jobs(&plan, &parts, &m.scenario_hash, false)
        .iter()
        .filter(|d| **d)
        .count() as u32;
    // Replicates that stop at absorption simulate fewer steps.
    m.runs = dir.runs(&plan, &parts).unwrap_or_default();
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
    // Set-up: before the jobs, and the reading back of what they left.
    let setup = (clock - start).as_secs_f64() + bookkeeping.elapsed().as_secs_f64();
    let joining = Instant::now();
    let mut files = match dir.finish(&plan, &parts) {
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
    let join = joining.elapsed().as_secs_f64();
    let sim_seconds = clock.elapsed().as_secs_f64();
    // A signal during the join stops here (the parts are kept: --resume finishes).
    stopped_after_jobs(&dir, m, &out)?;
    let plotting = Instant::now();
    belonging::plot::register_fonts();
    let plots = belonging::plot::plot_dir(&out);
    let plot = plotting.elapsed().as_secs_f64();
    stopped_after_jobs(&dir, m, &out)?;
    m.finished = Some(manifest::rfc3339(manifest::now_secs()));
    m.agent_steps_per_second = Some(simulated as f64 / sim_seconds.max(1e-9));
    m.peak_memory_bytes = manifest::peak_memory_bytes();
    m.vector_instructions = belonging::primitives::lanes::Level::detect().name().into();
    // The jobs' phases as shares of the jobs' wall time (they ran side by side).
    let [b, sim, met, wr] = job_seconds.into_inner().unwrap_or_default();
    let share = jobs_wall / (b + sim + met + wr).max(1e-9);
    let mut phases = manifest::PhaseSeconds {
        setup,
        build: b * share,
        simulate: sim * share,
        metrics: met * share,
        write: wr * share + join,
        plot,
    };
    if b + sim + met + wr == 0.0 {
        // No job ran now (a resume that only joins the tables): the jobs' stage is set-up.
        phases.setup += jobs_wall;
    }
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
            // The wall time up to this last manifest (its writing and the removal of the
            // parts, after it, take milliseconds).
            m.wall_seconds = Some(start.elapsed().as_secs_f64());
            m.phase_seconds = Some(phases);
            dir.write_manifest(m)?;
            // Complete: the tables hold everything, the parts can go (a failure to remove
            // them loses nothing).
            if let Err(e) = dir.remove_parts() {
                tell!("warning: {e}; the run is complete, parts/ may be removed by hand");
            }
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
            "belonging: {} agents x {} (+{} burn-in) x {} replicates{} in {:.2} s \
             ({:.2} M agent-steps/s on {} threads) -> {}",
            s.population.size,
            weeks,
            s.burn_in,
            s.replicates,
            if resumed {
                format!(" (resumed: {} of them run now)", todo.jobs.len())
            } else {
                String::new()
            },
            m.wall_seconds.unwrap_or_default(),
            simulated as f64 / sim_seconds.max(1e-9) / 1e6,
            threads,
            out.display()
        );
        if let Some(p) = m.phase_seconds {
            tell!("belonging: where the time went: {}", p.line());
        }
    }
    Ok(())
}
