//! `belonging sweep` (a grid or design of points × replicates, whole or one shard) and
//! `belonging merge` (shards' folders joined into one sweep).

use super::{
    array_task_threads, default_out, progress_bar, same_version, stop_on_signals, version_label,
    BadInput, SweepArgs,
};
use anyhow::{Context, Result};
use belonging::experiment::{self, Plan, RunError};
use belonging::output::manifest;
use belonging::scenario::{self, Override, Source};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Sweeps of at most this many points have every point's configuration built and checked
/// before anything runs; larger ones check their first point and every value of each field,
/// and build each point's configuration when its job starts.
const PREBUILT_POINTS: u64 = 10_000;

/// A sweep ready to run: its description, its points and their configurations.
struct SweepSetup {
    spec: belonging::output::sweep::SweepSpec,
    scenario_ron: String,
    label: String,
    base: belonging::scenario::Scenario,
    points: belonging::experiment::sweep::PointSet,
    paths: Vec<String>,
    /// Every point's configuration, for sweeps of at most [`PREBUILT_POINTS`] points.
    configs: Option<Vec<scenario::Config>>,
    /// The configuration whose job needs the most memory (checked before anything runs).
    biggest: scenario::Config,
}

impl SweepSetup {
    /// The base scenario with `values` set (one per varied field).
    fn config_of(&self, values: &[String]) -> Result<scenario::Config> {
        let o: Vec<Override> = self
            .paths
            .iter()
            .zip(values)
            .map(|(path, value)| Override {
                path: path.clone(),
                value: value.clone(),
            })
            .collect();
        belonging::scenario::overrides::apply(&self.base, &o)
            .and_then(|sc| scenario::Config::new(&self.label, sc))
            .with_context(|| {
                let what: Vec<String> = o
                    .iter()
                    .map(|o| format!("{}={}", o.path, o.value))
                    .collect();
                format!("sweep point ({})", what.join(", "))
            })
    }

    /// Point `k`'s configuration: prebuilt, or built now.
    fn config(&self, k: u32) -> Result<std::borrow::Cow<'_, scenario::Config>, String> {
        match &self.configs {
            Some(all) => Ok(std::borrow::Cow::Borrowed(&all[k as usize])),
            None => self
                .config_of(&self.points.point(u64::from(k)))
                .map(std::borrow::Cow::Owned)
                .map_err(|e| format!("point {k}: {}", super::render_error(&e))),
        }
    }

    /// Memory held besides the jobs' worlds: the job list, the finished-job flags, the
    /// hypercube's permutations and the prebuilt configurations.
    fn bookkeeping_bytes(&self) -> u64 {
        let jobs = u64::from(self.spec.jobs);
        let configs = self.configs.as_ref().map_or(0, |c| c.len() as u64 * 16_384);
        jobs * (std::mem::size_of::<belonging::experiment::Job>() as u64 + 1)
            + self.points.bytes()
            + configs
    }
}

/// A Morris or Sobol' design made elsewhere, for `sensitivity --design FILE.csv`: the file's
/// columns (header order) and where they came from (the file, or a folder's sweep.json on
/// resume). The sweep's `--design` is then the method, and its `--vary` the fields' ranges.
struct GivenDesign {
    label: String,
    columns: Vec<belonging::experiment::sweep::Vary>,
}

/// Builds the sweep from a scenario source and the sweep's arguments, and checks it before
/// anything is allocated for its points: their number, the first point's configuration, then
/// every point's (small sweeps) or every value of each field on its own (large ones).
fn sweep_setup(
    args: &SweepArgs,
    source: &Source,
    given: Option<&GivenDesign>,
) -> Result<SweepSetup> {
    use belonging::experiment::sweep::{Design, PointSet, Vary};
    use belonging::output::sweep::{SweepSpec, VarySpec};
    let resolved = super::resolve_with(source, &args.set, args.replicates, args.seed, args.steps)?;
    let s = &resolved.scenario;
    let section = s.sweep.clone().unwrap_or_default();
    let design_arg = args.design.as_deref().unwrap_or(&section.design);
    let mut ranges: Vec<Vary> = Vec::new();
    let (vary, design) = if let Some(given) = given {
        // A Morris or Sobol' design made elsewhere: --vary gives every column's range, the
        // file the points, --design (here the method) their layout.
        let bad = |m: String| BadInput(format!("--design {}: {m}", given.label));
        ranges = args
            .vary
            .iter()
            .map(|a| Vary::parse(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| BadInput(e.to_string()))?;
        for (k, r) in ranges.iter().enumerate() {
            if ranges[..k].iter().any(|o| o.path == r.path) {
                return Err(BadInput(format!(
                    "{} is varied twice; give each field one --vary",
                    r.path
                ))
                .into());
            }
            if !given.columns.iter().any(|c| c.path == r.path) {
                return Err(bad(format!(
                    "--vary {}={}: the file has no column {} (its header: {})",
                    r.path,
                    r.spec,
                    r.path,
                    given
                        .columns
                        .iter()
                        .map(|c| c.path.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ))
                .into());
            }
        }
        if let Some(c) = given
            .columns
            .iter()
            .find(|c| !ranges.iter().any(|r| r.path == c.path))
        {
            return Err(bad(format!(
                "its column {} has no range: give --vary {}=LO..HI for every column",
                c.path, c.path
            ))
            .into());
        }
        // The columns in --vary's order.
        let columns: Vec<Vary> = ranges
            .iter()
            .filter_map(|r| given.columns.iter().find(|c| c.path == r.path).cloned())
            .collect();
        let design = Design::parse(design_arg).map_err(|e| BadInput(e.to_string()))?;
        (columns, design)
    } else if belonging::scenario::sweep::is_design_file(design_arg) {
        // A design made elsewhere: its header names the varied fields, its rows are the
        // points (zipped lists, point k = row k).
        if !args.vary.is_empty() {
            return Err(BadInput(format!(
                "--design {design_arg} names the varied fields itself (its header); drop \
                 --vary"
            ))
            .into());
        }
        let vary = belonging::scenario::sweep::design_file(Path::new(design_arg))
            .map_err(|e| BadInput(e.to_string()))?;
        (vary, Design::Zip)
    } else {
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
        let design = Design::parse(design_arg).map_err(|e| BadInput(e.to_string()))?;
        (vary, design)
    };
    let metric = args.metric.clone().unwrap_or(section.metric.clone());
    if belonging::model::metrics::index_of(&metric).is_none() {
        return Err(BadInput(format!(
            "--metric {metric}: no such metric; the metrics are {}",
            belonging::model::metrics::NAMES.join(", ")
        ))
        .into());
    }
    let seeds = if args.independent_seeds {
        scenario::Seeds::Independent
    } else {
        section.seeds
    };
    let points = match given {
        Some(g) => PointSet::given(&vary, &ranges, design, s.seed)
            .map_err(|e| BadInput(format!("--design {}: {e}", g.label)))?,
        None => PointSet::new(&vary, design, s.seed).map_err(|e| BadInput(e.to_string()))?,
    };
    let jobs = points.len().saturating_mul(u64::from(s.replicates));
    if jobs > belonging::experiment::sweep::MAX_JOBS {
        return Err(BadInput(format!(
            "{} points x {} replicates = {jobs} jobs is more than {}",
            points.len(),
            s.replicates,
            belonging::experiment::sweep::MAX_JOBS
        ))
        .into());
    }
    let scenario_ron = scenario::to_ron(s);
    let base = belonging::scenario::load::parse_str(&source.label(), &scenario_ron)?;
    let paths: Vec<String> = vary.iter().map(|v| v.path.clone()).collect();
    let spec = SweepSpec {
        format: belonging::output::sweep::FORMAT,
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: s.name.clone(),
        scenario_source: source.label(),
        scenario_hash: manifest::fnv1a(scenario_ron.as_bytes()),
        seed: s.seed,
        replicates: s.replicates,
        steps: s.steps,
        design: design.label(),
        seeds,
        vary: vary
            .iter()
            .map(|v| VarySpec {
                path: v.path.clone(),
                spec: v.spec.clone(),
                values: v.values.clone(),
            })
            .collect(),
        ranges: ranges.iter().map(|r| r.spec.clone()).collect(),
        n_points: points.len(),
        jobs: jobs as u32,
        sweep_hash: String::new(),
        metric,
    }
    .sealed();
    let mut setup = SweepSetup {
        spec,
        scenario_ron,
        label: source.label(),
        base,
        points,
        paths,
        configs: None,
        biggest: resolved.clone(),
    };
    // The first point first: a sweep whose very first point is invalid says so at once.
    let first = setup
        .config_of(&setup.points.point(0))
        .context("sweep point 0")?;
    let bytes = experiment::runner::estimate_job_bytes;
    let mut biggest = first;
    if setup.points.len() <= PREBUILT_POINTS {
        let mut all = Vec::with_capacity(setup.points.len() as usize);
        for k in 0..setup.points.len() {
            let c = setup
                .config_of(&setup.points.point(k))
                .with_context(|| format!("sweep point {k}"))?;
            if bytes(&c) > bytes(&biggest) {
                biggest = c.clone();
            }
            all.push(c);
        }
        setup.configs = Some(all);
    } else {
        // Every value of every field on its own (the others at point 0's), and the
        // combination of each field's most demanding value, for the memory check.
        let zero = setup.points.point(0);
        let mut worst = zero.clone();
        for (d, v) in vary.iter().enumerate() {
            let mut most = 0;
            for value in &v.values {
                let mut values = zero.clone();
                values[d] = value.clone();
                let c = setup
                    .config_of(&values)
                    .with_context(|| format!("{}={value}", v.path))?;
                if bytes(&c) > most {
                    most = bytes(&c);
                    worst[d] = value.clone();
                }
            }
        }
        if let Ok(c) = setup.config_of(&worst) {
            if bytes(&c) > bytes(&biggest) {
                biggest = c;
            }
        }
    }
    setup.biggest = biggest;
    Ok(setup)
}

pub(super) fn sweep(args: SweepArgs) -> Result<()> {
    sweep_given(args, None)
}

/// A sweep, on a design made elsewhere for `sensitivity` when `given` is set.
fn sweep_given(args: SweepArgs, given: Option<GivenDesign>) -> Result<()> {
    // The handler first: a signal from now on stops the sweep cleanly.
    stop_on_signals();
    use belonging::experiment::sweep::Shard;
    use belonging::output::sweep as out_sweep;
    let resuming = args.resume.is_some();
    // A resume locks its folder before reading anything from it (one writer per folder).
    let mut lock = match &args.resume {
        Some(dir) if dir.is_dir() => Some(belonging::output::lock::acquire(dir)?),
        _ => None,
    };
    let (out, setup) = match &args.resume {
        Some(dir) => {
            let stored = out_sweep::read_spec(dir).map_err(|e| {
                BadInput(format!(
                    "{e}; --resume needs a folder written by `belonging sweep`"
                ))
            })?;
            same_version(dir, &stored.version)?;
            let source = Source::File(dir.join("scenario.ron"));
            // A sensitivity design made elsewhere: its rows are the stored lists, its ranges
            // the stored ranges.
            let stored_given = if stored.ranges.is_empty() {
                None
            } else {
                let columns = stored
                    .vary
                    .iter()
                    .map(|v| {
                        belonging::experiment::sweep::Vary::parse(&format!("{}={}", v.path, v.spec))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| BadInput(format!("{}: {e}", dir.join("sweep.json").display())))?;
                Some(GivenDesign {
                    label: dir.join("sweep.json").display().to_string(),
                    columns,
                })
            };
            // The stored sweep, rebuilt from the folder's own scenario and values.
            let stored_args = SweepArgs {
                scenario: None,
                vary: match &stored_given {
                    Some(_) => stored
                        .vary
                        .iter()
                        .zip(&stored.ranges)
                        .map(|(v, r)| format!("{}={r}", v.path))
                        .collect(),
                    None => stored
                        .vary
                        .iter()
                        .map(|v| format!("{}={}", v.path, v.spec))
                        .collect(),
                },
                replicates: None,
                design: Some(stored.design.clone()),
                metric: Some(args.metric.clone().unwrap_or(stored.metric.clone())),
                independent_seeds: stored.seeds == scenario::Seeds::Independent,
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
            let setup = sweep_setup(&stored_args, &source, stored_given.as_ref())?;
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
                let given = match &stored_given {
                    // The rows are the folder's; the command line gives the ranges.
                    Some(g) => {
                        let mut a = stored_args.clone();
                        a.scenario = args.scenario.clone();
                        a.vary = args.vary.clone();
                        sweep_setup(&a, &source, Some(g))?
                    }
                    None => sweep_setup(&args, &source, None)?,
                };
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
            let setup = sweep_setup(&args, &source, given.as_ref())?;
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
    if spec.vary.is_empty() && !args.quiet {
        tell!(
            "belonging: this sweep varies nothing (no --vary, and the scenario has no \
             sweep.vary): it runs one point x {} replicates and draws no plots; `belonging run` \
             gives one scenario's tables and plots, `--vary PATH=VALUES` a sweep",
            spec.replicates
        );
    }
    if let Some(k) = args.job {
        if k >= spec.jobs {
            return Err(BadInput(format!(
                "--job {k}: this sweep has jobs 0..{} ({} points x {} replicates)",
                spec.jobs.saturating_sub(1),
                spec.n_points,
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
    let threads = array_task_threads(args.threads)?;
    // Memory, before anything is allocated for the jobs: the worlds of the jobs running at
    // once (the most demanding point's), one point's series at the end, the job list.
    let in_scope = match (args.job, shard) {
        (Some(_), _) => 1,
        (None, Some(s)) => spec.jobs.div_ceil(s.count),
        (None, None) => spec.jobs,
    } as usize;
    let estimate = experiment::runner::check_memory_of(
        &setup.biggest,
        in_scope,
        spec.replicates as usize,
        threads,
        setup.bookkeeping_bytes(),
    )
    .context("not enough memory for this sweep")?;
    // A signal before the folder is touched leaves none.
    if experiment::interrupt::requested() {
        return Err(RunError::Interrupted).context("sweep stopped before it started");
    }
    if !resuming {
        lock = Some(out_sweep::create(
            &out,
            spec,
            &setup.scenario_ron,
            args.force,
        )?);
    }
    let _lock = lock.map(|mut l| {
        l.claim();
        l
    });
    let plan = out_sweep::spec_plan(spec).map_err(|e| BadInput(e.to_string()))?;
    // The jobs already in the folder (a resume, or --force on the same sweep) are used only if
    // whole and this sweep's: a damaged or foreign job file runs again.
    out_sweep::remove_temporaries(&out);
    let (done, damaged) = out_sweep::verified_jobs(&out, &plan, &spec.sweep_hash);
    for (job, why) in &damaged {
        let path = out_sweep::job_path(&out, *job);
        if !args.quiet {
            tell!("belonging: {}: {why}; job {job} runs again", path.display());
        }
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    // The jobs this process is for (all, one shard or one job), and those of them not done.
    let scope: Vec<_> = plan
        .jobs
        .iter()
        .copied()
        .filter(|j| args.job.is_none_or(|k| j.index == k))
        .filter(|j| shard.is_none_or(|s| s.contains(j.index)))
        .collect();
    let todo: Vec<_> = scope
        .iter()
        .copied()
        .filter(|j| !done[j.index as usize])
        .collect();
    let run = Plan {
        base_seed: plan.base_seed,
        jobs: todo,
    };
    let started = manifest::now_secs();
    let clock = Instant::now();
    let phases = std::cell::RefCell::new(serde_json::Value::Null);
    let write_manifest = |status: &str, done: usize, wall: Option<f64>| -> Result<()> {
        let m = super::manifest_json(
            "sweep",
            status,
            serde_json::json!({
                "scenario": spec.scenario,
                "sweep_hash": spec.sweep_hash,
                "points": spec.n_points,
                "memory_estimate_bytes": estimate,
                "replicates": spec.replicates,
                "jobs": spec.jobs,
                "jobs_done": done,
                "shard": shard.map(|s| format!("{}/{}", s.index, s.count)),
                "threads": threads,
                "command": std::env::args().collect::<Vec<_>>(),
                "started": manifest::rfc3339(started),
                "wall_seconds": wall,
                "phase_seconds": *phases.borrow(),
                "peak_memory_bytes": manifest::peak_memory_bytes(),
                "vector_instructions": belonging::primitives::lanes::Level::detect().name(),
            }),
        );
        super::write_manifest_json(&out, &m)
    };
    write_manifest("running", done.iter().filter(|d| **d).count(), None)?;
    let bar = progress_bar(
        scope.len() as u64,
        (scope.len() - run.jobs.len()) as u64,
        "jobs",
        args.quiet,
    );
    let result = experiment::run_jobs(
        |j| setup.config(j.point),
        &run,
        threads,
        |r| {
            out_sweep::write_job(&out, &spec.sweep_hash, &r).map_err(|e| e.to_string())?;
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
    let runs = clock.elapsed().as_secs_f64();
    let mut p = finish_sweep(&out, spec)?;
    p["runs"] = serde_json::json!(runs);
    *phases.borrow_mut() = p;
    write_manifest("complete", n_done, Some(clock.elapsed().as_secs_f64()))?;
    if !args.quiet {
        tell!(
            "belonging: sweep of {} points x {} replicates ({} jobs, {} run now) in {:.2} s on \
             {threads} threads -> {}",
            spec.n_points,
            spec.replicates,
            spec.jobs,
            run.jobs.len(),
            clock.elapsed().as_secs_f64(),
            out.display()
        );
    }
    Ok(())
}

/// `belonging sensitivity`: a sweep whose design is the method's (Morris or Sobol'), which
/// writes the indices with its tables when it is complete.
pub(super) fn sensitivity(args: super::SensitivityArgs) -> Result<()> {
    let mut sweep_args = args.sweep;
    // A design made elsewhere (FILE.csv): --method says how its rows are laid out.
    let file = sweep_args.design.take();
    if let Some(d) = &file {
        if !belonging::scenario::sweep::is_design_file(d) {
            return Err(BadInput(format!(
                "--design {d}: `sensitivity` takes its design from --method (morris:R[:P] or \
                 sobol:N), or runs a design made elsewhere with --design FILE.csv (rows in \
                 SALib's order for --method, a --vary PATH=LO..HI for every column)"
            ))
            .into());
        }
    }
    match (&args.method, &sweep_args.resume) {
        (Some(_), Some(_)) => {
            return Err(BadInput(
                "--method with --resume: the folder's sweep.json holds the method".into(),
            )
            .into())
        }
        (Some(m), None) => {
            let design = belonging::experiment::sweep::Design::parse(m)
                .ok()
                .filter(|d| d.is_sensitivity())
                .ok_or_else(|| {
                    BadInput(format!(
                        "--method {m}: expected morris:R[:P] (R >= 2 trajectories, P an even \
                         number of levels, default 4) or sobol:N (N a power of two >= 2)"
                    ))
                })?;
            if sweep_args.vary.is_empty() {
                return Err(BadInput(
                    "sensitivity needs the fields to vary: --vary PATH=LO..HI (repeat for more)"
                        .into(),
                )
                .into());
            }
            sweep_args.design = Some(design.label());
        }
        (None, _) => {}
    }
    let given = match file {
        Some(f) => Some(GivenDesign {
            columns: belonging::scenario::sweep::design_file(Path::new(&f))
                .map_err(|e| BadInput(e.to_string()))?,
            label: f,
        }),
        None => None,
    };
    sweep_given(sweep_args, given)
}

/// Writes the sweep's final tables and plots (all jobs present). Returns the seconds each
/// part took: `tables` (sweep.csv and its summary from the jobs' files), `indices` (a
/// sensitivity analysis's design.csv and indices.csv; 0 otherwise) and `plots`.
fn finish_sweep(
    out: &Path,
    spec: &belonging::output::sweep::SweepSpec,
) -> Result<serde_json::Value> {
    let clock = Instant::now();
    belonging::output::sweep::finish(out, spec)?;
    let tables = clock.elapsed().as_secs_f64();
    belonging::output::sensitivity::finish(out, spec)?;
    let indices = clock.elapsed().as_secs_f64() - tables;
    belonging::plot::register_fonts();
    belonging::plot::plot_sweep_metric(out, &spec.metric)
        .with_context(|| format!("plots of {}", out.display()))?;
    let plots = clock.elapsed().as_secs_f64() - tables - indices;
    Ok(serde_json::json!({"tables": tables, "indices": indices, "plots": plots}))
}

pub(super) fn merge(dirs: &[PathBuf], out: &Path, force: bool) -> Result<()> {
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
    let plan = out_sweep::spec_plan(&spec).map_err(|e| BadInput(e.to_string()))?;
    let mut owner: Vec<Option<usize>> = vec![None; spec.jobs as usize];
    let mut overlaps = Vec::new();
    for (k, d) in dirs.iter().enumerate() {
        // Every job file is checked against its seal: a damaged one, or one of another
        // sweep, is never merged.
        let (present, damaged) = out_sweep::verified_jobs(d, &plan, &spec.sweep_hash);
        if let Some((job, why)) = damaged.first() {
            return Err(BadInput(format!(
                "{}: {why}; refusing to merge ({} damaged or foreign job file(s) in {}: \
                 `belonging sweep --resume {}` reruns them)",
                out_sweep::job_path(d, *job).display(),
                damaged.len(),
                d.display(),
                d.display()
            ))
            .into());
        }
        for (job, present) in present.into_iter().enumerate() {
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
    let _lock = out_sweep::create(out, &spec, &scenario_ron, force)?;
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
    let manifest = |status: &str, phases: serde_json::Value| {
        let m = super::manifest_json(
            "sweep",
            status,
            serde_json::json!({
                "scenario": spec.scenario,
                "sweep_hash": spec.sweep_hash,
                "jobs": spec.jobs,
                "jobs_done": spec.jobs as usize - missing.len(),
                "merged_from": dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>(),
                "phase_seconds": phases,
            }),
        );
        serde_json::to_string_pretty(&m).unwrap_or_default() + "\n"
    };
    if !missing.is_empty() {
        belonging::output::atomic::write(
            &out.join("manifest.json"),
            manifest("partial", serde_json::Value::Null).as_bytes(),
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
    let phases = finish_sweep(out, &spec)?;
    belonging::output::atomic::write(
        &out.join("manifest.json"),
        manifest("complete", phases).as_bytes(),
    )?;
    say!("merged {} jobs into {}", spec.jobs, out.display())?;
    Ok(())
}
