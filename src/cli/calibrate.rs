//! `belonging calibrate`: approximate Bayesian computation by sequential Monte Carlo
//! (ABC-SMC; Toni et al. 2009, Beaumont et al. 2009) of varied fields against target values
//! of the metrics, with [`belonging::stats::abc`] as the numerical core.
//!
//! Each generation proposes batches of `particles` candidates (batch b of generation t from
//! the stream keyed by (seed, t, b)); every candidate runs the scenario's `replicates`
//! replicates, replicate r with the seed a run's replicate r has (common random numbers); its
//! distance is sqrt(Σ_t ((sim_t − value_t)/sd_t)²) over the targets, sim_t the metric's mean
//! over the replicates at the target's week. Generation 0 is the first batch of prior draws,
//! all accepted (ε_0 = ∞); generation t > 0 accepts at ε_t, the median of generation t − 1's
//! accepted distances. A candidate with an undefined (NaN) metric in a replicate has distance
//! ∞ (accepted only at ε = ∞).
//!
//! Every simulated candidate is written to the folder as its replicates end; the generations
//! are recomputed from those files, so `--resume` after any stop simulates nothing twice and
//! writes the same bytes.
//!
//! Sharded (a SLURM job array): `--resume DIR --shard I/N` recomputes the generations from
//! the candidates in DIR and every DIR/shards/K/, simulates its share (index % N == I) of the
//! first batch that lacks candidates into its own DIR/shards/I/ (locked: one writer per
//! folder), and stops. `--resume DIR --gather` (DIR's one writer) copies the shards'
//! candidates into DIR and assembles as far as they reach; rounds of shards then gather
//! repeat until the calibration is complete. A candidate's file is the same bytes whoever
//! simulates it, so the results are those of one machine.

use super::{
    array_task_threads, default_out, same_version, stop_on_signals, BadInput, CalibrateArgs,
};
use anyhow::{Context, Result};
use belonging::experiment::sweep::Shard;
use belonging::experiment::{self, Job, JobResult, Plan, RunError};
use belonging::model::metrics;
use belonging::output::calibrate::{self as out_cal, CalibrateSpec, CandidateFile};
use belonging::output::manifest;
use belonging::scenario::{self, Override, Source};
use belonging::stats::abc::{self, Abc, Assembly, Generation};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// Particles per generation unless `--particles` says otherwise.
pub const DEFAULT_PARTICLES: u32 = 100;
/// Generations unless `--generations` says otherwise.
pub const DEFAULT_GENERATIONS: u32 = 4;
/// The quantile of the previous generation's accepted distances that is the next tolerance.
pub const ALPHA: f64 = 0.5;
/// Batches one generation may propose before the calibration gives up (an acceptance rate
/// below 1 / MAX_BATCHES: the tolerance asks more than the model can give).
pub const MAX_BATCHES: u64 = 50;

/// One target: a metric at a week, its observed value and the SD that scales its distance.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    text: String,
    metric: usize,
    /// The recorded week (None: the last one).
    week: Option<u32>,
    value: f64,
    sd: f64,
}

fn parse_target(arg: &str, steps: u32, record_every: u32) -> Result<Target, BadInput> {
    let bad = |why: String| BadInput(format!("--target {arg}: {why}"));
    let form = "expected METRIC[@WEEK]=VALUE±SD (or +- for ±), e.g. \
                loneliness_prevalence@20=0.3±0.02";
    let (left, right) = arg.split_once('=').ok_or_else(|| bad(form.into()))?;
    let (name, week) = match left.split_once('@') {
        Some((n, w)) => {
            let w: u32 = w
                .trim()
                .parse()
                .map_err(|_| bad(format!("week `{}` is not a whole number; {form}", w.trim())))?;
            (n.trim(), Some(w))
        }
        None => (left.trim(), None),
    };
    let metric = metrics::index_of(name).ok_or_else(|| {
        bad(format!(
            "no metric `{name}`; the metrics are {}",
            metrics::NAMES.join(", ")
        ))
    })?;
    let (v, sd) = right
        .split_once('±')
        .or_else(|| right.split_once("+-"))
        .ok_or_else(|| bad(form.into()))?;
    let num = |t: &str, what: &str| {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| bad(format!("{what} `{}` is not a finite number", t.trim())))
    };
    let value = num(v, "value")?;
    let sd = num(sd, "SD")?;
    if sd <= 0.0 {
        return Err(bad(format!("the SD must be above 0, got {sd}")));
    }
    if let Some(w) = week {
        let every = record_every.max(1);
        if w >= steps {
            return Err(bad(format!(
                "week {w} is beyond the run, which records weeks 0..{}",
                steps.saturating_sub(1)
            )));
        }
        if w % every != 0 && w + 1 != steps {
            return Err(bad(format!(
                "week {w} is not recorded (output.record_every = {every}: weeks 0, {every}, \
                 {}, ... and {})",
                2 * every,
                steps - 1
            )));
        }
    }
    Ok(Target {
        text: arg.trim().to_string(),
        metric,
        week,
        value,
        sd,
    })
}

/// How this process takes part in the calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// The folder's writer: simulates every missing candidate.
    Whole,
    /// The folder's writer: simulates nothing, stops where candidates are missing.
    Gather,
    /// One shard: simulates its share of the first batch that lacks candidates, into its
    /// own folder, and stops.
    Shard(Shard),
}

/// Where a generation got to.
enum Step {
    Done(Generation),
    /// Batch `batch` lacks `missing` candidates (after this process simulated its share).
    Waiting {
        batch: u64,
        missing: usize,
        simulated: usize,
    },
}

/// What this process simulated: candidates, and the seconds their runs took (the rest of
/// the wall time is the analysis: reading candidates, proposing, assembling, writing).
#[derive(Debug, Default)]
struct Simulated {
    candidates: usize,
    seconds: f64,
}

/// A calibration ready to run.
struct Setup {
    spec: CalibrateSpec,
    scenario_ron: String,
    label: String,
    base: scenario::Scenario,
    paths: Vec<String>,
    lo: Vec<f64>,
    hi: Vec<f64>,
    /// Whole-number ranges: a candidate's value is rounded when the scenario takes it.
    integer: Vec<bool>,
    targets: Vec<Target>,
    /// The configuration at the prior's upper corner (for the memory check).
    corner: scenario::Config,
}

impl Setup {
    /// The base scenario with the varied fields at `theta`.
    fn config_of(&self, theta: &[f64]) -> Result<scenario::Config> {
        let o: Vec<Override> = self
            .paths
            .iter()
            .zip(theta)
            .zip(&self.integer)
            .map(|((path, x), int)| Override {
                path: path.clone(),
                value: if *int {
                    format!("{}", x.round())
                } else {
                    format!("{x}")
                },
            })
            .collect();
        belonging::scenario::overrides::apply(&self.base, &o)
            .and_then(|sc| scenario::Config::new(&self.label, sc))
            .with_context(|| {
                let what: Vec<String> = o
                    .iter()
                    .map(|o| format!("{}={}", o.path, o.value))
                    .collect();
                format!("candidate ({})", what.join(", "))
            })
    }

    fn abc(&self) -> Result<Abc> {
        Abc::new(
            self.lo.clone(),
            self.hi.clone(),
            self.spec.particles as usize,
            self.spec.seed,
        )
        .map_err(|e| BadInput(e.to_string()).into())
    }

    /// Replicate r's value of each target.
    fn target_values(&self, r: &JobResult) -> Vec<f64> {
        self.targets
            .iter()
            .map(|t| {
                let row = match t.week {
                    None => r.series.last(),
                    Some(w) => match r.recorded.iter().position(|&s| s == w) {
                        Some(k) => r.series.get(k),
                        // A run that stopped early (absorption) carries its last state on.
                        None if r.recorded.last().is_none_or(|&s| s < w) => r.series.last(),
                        None => None,
                    },
                };
                row.and_then(|m| m.values.get(t.metric).copied())
                    .unwrap_or(f64::NAN)
            })
            .collect()
    }

    /// The distance of a candidate from its replicates' target values (replicate order).
    fn distance(&self, values: &[Vec<f64>]) -> f64 {
        let mut sum = 0.0;
        for (k, t) in self.targets.iter().enumerate() {
            let mut s = 0.0;
            for row in values {
                s += row[k];
            }
            let sim = s / values.len() as f64;
            if sim.is_nan() {
                return f64::INFINITY;
            }
            let z = (sim - t.value) / t.sd;
            sum += z * z;
        }
        sum.sqrt()
    }
}

/// Builds and checks the calibration from a scenario source and the arguments, before any
/// folder is touched.
fn build_setup(args: &CalibrateArgs, source: &Source) -> Result<Setup> {
    use belonging::scenario::sweep::Vary;
    let resolved = super::resolve_with(source, &args.set, args.replicates, args.seed, args.steps)?;
    let s = &resolved.scenario;
    if args.vary.is_empty() {
        return Err(BadInput(
            "calibrate needs the fields to estimate: --vary PATH=LO..HI (repeat for more)".into(),
        )
        .into());
    }
    if args.target.is_empty() {
        return Err(BadInput(
            "calibrate needs what to match: --target METRIC[@WEEK]=VALUE±SD (repeat for more)"
                .into(),
        )
        .into());
    }
    let mut paths = Vec::new();
    let (mut lo, mut hi, mut integer) = (Vec::new(), Vec::new(), Vec::new());
    for a in &args.vary {
        let v = Vary::parse(a).map_err(|e| BadInput(e.to_string()))?;
        let range = v.range.filter(|r| r.stepless && !r.log).ok_or_else(|| {
            BadInput(format!(
                "--vary {a}: calibrate estimates a field over a continuous prior range \
                 PATH=LO..HI (no list, no step)"
            ))
        })?;
        if paths.contains(&v.path) {
            return Err(BadInput(format!("--vary {a}: {} is varied twice", v.path)).into());
        }
        paths.push(v.path.clone());
        lo.push(range.lo);
        hi.push(range.hi);
        integer.push(range.integer);
    }
    let targets = args
        .target
        .iter()
        .map(|t| parse_target(t, s.steps, s.output.record_every))
        .collect::<Result<Vec<_>, _>>()?;
    let particles = args.particles.unwrap_or(DEFAULT_PARTICLES);
    let generations = args.generations.unwrap_or(DEFAULT_GENERATIONS);
    if generations == 0 {
        return Err(BadInput("--generations must be at least 1".into()).into());
    }
    if particles < 2 {
        return Err(BadInput(format!("--particles must be at least 2, got {particles}")).into());
    }
    let batch = particles;
    let jobs = u64::from(batch) * u64::from(s.replicates);
    if jobs > u64::from(u32::MAX) {
        return Err(BadInput(format!(
            "{batch} particles x {} replicates is too many jobs per batch",
            s.replicates
        ))
        .into());
    }
    let scenario_ron = scenario::to_ron(s);
    let base = belonging::scenario::load::parse_str(&source.label(), &scenario_ron)?;
    let spec = CalibrateSpec {
        format: out_cal::FORMAT,
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: s.name.clone(),
        scenario_source: source.label(),
        scenario_hash: manifest::fnv1a(scenario_ron.as_bytes()),
        seed: s.seed,
        replicates: s.replicates,
        steps: s.steps,
        vary: args.vary.iter().map(|a| a.trim().to_string()).collect(),
        targets: targets.iter().map(|t| t.text.clone()).collect(),
        particles,
        generations,
        batch,
        alpha: ALPHA,
        calibrate_hash: String::new(),
    }
    .sealed();
    let mut setup = Setup {
        spec,
        scenario_ron,
        label: source.label(),
        base,
        paths,
        lo,
        hi,
        integer,
        targets,
        corner: resolved.clone(),
    };
    setup.abc()?;
    // Every field at each end of its range (the others at their lower end), then all at
    // their upper ends: a range the scenario refuses is refused now.
    let low = setup.lo.clone();
    setup.config_of(&low).context("the prior's lower corner")?;
    for d in 0..setup.paths.len() {
        let mut t = low.clone();
        t[d] = setup.hi[d];
        setup
            .config_of(&t)
            .with_context(|| format!("{} at the upper end of its range", setup.paths[d]))?;
    }
    let high = setup.hi.clone();
    setup.corner = setup.config_of(&high).context("the prior's upper corner")?;
    Ok(setup)
}

/// The stored calibration of `dir`, rebuilt from its own scenario.ron and arguments.
fn stored_args(stored: &CalibrateSpec) -> CalibrateArgs {
    CalibrateArgs {
        scenario: None,
        vary: stored.vary.clone(),
        target: stored.targets.clone(),
        particles: Some(stored.particles),
        generations: Some(stored.generations),
        replicates: None,
        seed: None,
        steps: None,
        set: Vec::new(),
        out: None,
        threads: None,
        force: false,
        quiet: false,
        resume: None,
        shard: None,
        gather: false,
    }
}

pub(super) fn calibrate(args: CalibrateArgs) -> Result<()> {
    stop_on_signals();
    let resuming = args.resume.is_some();
    if let (Some(a), None) = (&args.shard, &args.resume) {
        return Err(BadInput(format!(
            "--shard {a} simulates a share of a calibration that exists: give its folder with \
             --resume DIR (start one with `belonging calibrate ... --out DIR --gather`)"
        ))
        .into());
    }
    let mode = match (&args.shard, args.gather) {
        (Some(a), _) => Mode::Shard(
            Shard::parse(a, |k| std::env::var(k).ok()).map_err(|e| BadInput(e.to_string()))?,
        ),
        (None, true) => Mode::Gather,
        (None, false) => Mode::Whole,
    };
    // A shard writes only into its own folder; the calibration's folder has one writer.
    let mut lock = match (&args.resume, mode) {
        (Some(dir), Mode::Whole | Mode::Gather) if dir.is_dir() => {
            Some(belonging::output::lock::acquire(dir)?)
        }
        _ => None,
    };
    let (out, setup) = match &args.resume {
        Some(dir) => {
            let stored = out_cal::read_spec(dir).map_err(|e| {
                BadInput(format!(
                    "{e}; --resume needs a folder written by `belonging calibrate`"
                ))
            })?;
            same_version(dir, &stored.version)?;
            let source = Source::File(dir.join("scenario.ron"));
            let setup = build_setup(&stored_args(&stored), &source)?;
            if setup.spec.calibrate_hash != stored.calibrate_hash {
                return Err(BadInput(format!(
                    "{}: its scenario.ron or calibrate.json has changed since the calibration \
                     started (hash {} vs {}); refusing to mix results",
                    dir.display(),
                    setup.spec.calibrate_hash,
                    stored.calibrate_hash
                ))
                .into());
            }
            // Arguments given as well must describe the same calibration: each replaces
            // the stored one, and the result must hash the same.
            let changes = args.scenario.is_some()
                || !args.vary.is_empty()
                || !args.target.is_empty()
                || args.particles.is_some()
                || args.generations.is_some()
                || args.replicates.is_some()
                || args.seed.is_some()
                || args.steps.is_some()
                || !args.set.is_empty();
            if changes {
                let given_source = match &args.scenario {
                    Some(s) => Source::from_arg(s),
                    None => source.clone(),
                };
                let mut given_args = stored_args(&stored);
                if !args.vary.is_empty() {
                    given_args.vary = args.vary.clone();
                }
                if !args.target.is_empty() {
                    given_args.target = args.target.clone();
                }
                given_args.particles = args.particles.or(given_args.particles);
                given_args.generations = args.generations.or(given_args.generations);
                given_args.replicates = args.replicates;
                given_args.seed = args.seed;
                given_args.steps = args.steps;
                given_args.set = args.set.clone();
                let given = build_setup(&given_args, &given_source)?;
                if given.spec.calibrate_hash != stored.calibrate_hash {
                    return Err(BadInput(format!(
                        "{}: this folder holds a different calibration (hash {}) from the one \
                         given (hash {}); --resume continues the stored one as it is (drop \
                         the arguments that change it, or start anew with --out)",
                        dir.display(),
                        stored.calibrate_hash,
                        given.spec.calibrate_hash
                    ))
                    .into());
                }
            }
            (dir.clone(), setup)
        }
        None => {
            let source = Source::from_arg(args.scenario.as_deref().unwrap_or("default"));
            let setup = build_setup(&args, &source)?;
            let out = args.out.clone().unwrap_or_else(|| {
                default_out(
                    &format!("{}-calibrate", setup.spec.scenario),
                    manifest::now_secs(),
                )
            });
            (out, setup)
        }
    };
    let spec = &setup.spec;
    let threads = array_task_threads(args.threads)?;
    let estimate = experiment::runner::check_memory_of(
        &setup.corner,
        (spec.batch * spec.replicates) as usize,
        spec.replicates as usize,
        threads,
        0,
    )
    .context("not enough memory for this calibration")?;
    if let Mode::Shard(shard) = mode {
        return run_shard(&setup, &out, shard, threads, args.quiet);
    }
    if experiment::interrupt::requested() {
        return Err(RunError::Interrupted).context("calibration stopped before it started");
    }
    if !resuming {
        lock = Some(out_cal::create(
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
    out_cal::remove_temporaries(&out);
    let started = manifest::now_secs();
    let clock = Instant::now();
    let simulated = Mutex::new(Simulated::default());
    let write_manifest = |status: &str, done: usize, waiting: serde_json::Value| -> Result<()> {
        let wall = (status != "running").then(|| clock.elapsed().as_secs_f64());
        let m = super::manifest_json(
            "calibrate",
            status,
            serde_json::json!({
                "scenario": spec.scenario,
                "calibrate_hash": spec.calibrate_hash,
                "parameters": setup.paths,
                "targets": spec.targets,
                "particles": spec.particles,
                "generations": spec.generations,
                "generations_done": done,
                "waiting_for": waiting,
                "replicates": spec.replicates,
                "candidates_simulated_now": simulated.lock().unwrap_or_else(|e| e.into_inner()).candidates,
                "memory_estimate_bytes": estimate,
                "threads": threads,
                "command": std::env::args().collect::<Vec<_>>(),
                "started": manifest::rfc3339(started),
                "wall_seconds": wall,
                "phase_seconds": wall.map(|w| {
                    let sim = simulated.lock().unwrap_or_else(|e| e.into_inner()).seconds;
                    serde_json::json!({"simulation": sim, "analysis": w - sim})
                }),
                "peak_memory_bytes": manifest::peak_memory_bytes(),
            }),
        );
        super::write_manifest_json(&out, &m)
    };
    let none = serde_json::Value::Null;
    write_manifest("running", 0, none.clone())?;
    let abc = setup.abc()?;
    let mut gens: Vec<Generation> = Vec::new();
    let mut waiting = None;
    let result = (|| -> Result<()> {
        for t in 0..u64::from(spec.generations) {
            let g = match generation(
                &setup,
                &abc,
                &out,
                gens.last(),
                t,
                threads,
                mode,
                &simulated,
            )? {
                Step::Done(g) => g,
                Step::Waiting { batch, missing, .. } => {
                    waiting = Some((t, batch, missing));
                    return Ok(());
                }
            };
            if !args.quiet {
                tell!(
                    "belonging: generation {t}: epsilon {:.4}, acceptance {:.3} ({} of {}), \
                     ESS {:.1}",
                    g.epsilon,
                    g.acceptance_rate,
                    g.particles.len(),
                    g.proposed,
                    g.ess()
                );
            }
            out_cal::write_generation(&out, &setup.paths, &g)?;
            gens.push(g);
            out_cal::write_generations(&out, &gens)?;
            write_manifest("running", gens.len(), none.clone())?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = write_manifest("partial", gens.len(), none.clone());
        let what = if e
            .chain()
            .any(|c| matches!(c.downcast_ref::<RunError>(), Some(RunError::Interrupted)))
        {
            "interrupted"
        } else {
            "failed"
        };
        return Err(e).context(format!(
            "calibration into {} {what} after {} of {} generations; the simulated candidates \
             are kept: complete it with `belonging calibrate --resume {}`",
            out.display(),
            gens.len(),
            spec.generations,
            out.display()
        ));
    }
    if let Some((t, batch, missing)) = waiting {
        write_manifest(
            "waiting",
            gens.len(),
            serde_json::json!({"generation": t, "batch": batch, "candidates": missing}),
        )?;
        if !args.quiet {
            tell!(
                "belonging: calibration in {dir} waits for {missing} candidate(s) of generation \
                 {t}, batch {batch}: run the shards (`belonging calibrate --resume {dir} \
                 --shard I/N` for each I) and gather again (`belonging calibrate --resume \
                 {dir} --gather`), or simulate them here (`belonging calibrate --resume {dir}`)",
                dir = out.display()
            );
        }
        return Ok(());
    }
    let last = gens.last().context("no generation")?;
    out_cal::write_posterior(&out, &setup.paths, last)?;
    belonging::plot::register_fonts();
    belonging::plot::plot_posterior(&out, &setup.paths, &setup.lo, &setup.hi, last)
        .with_context(|| format!("plots of {}", out.display()))?;
    let kept = out_cal::remove_shards(&out);
    write_manifest("complete", gens.len(), none)?;
    if !kept.is_empty() {
        tell!(
            "belonging: {} shard folder(s) still in use were left in place: {}",
            kept.len(),
            kept.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !args.quiet {
        let mut lines = Vec::new();
        for (d, p) in setup.paths.iter().enumerate() {
            lines.push(format!(
                "  {p}: mean {:.4}, 90% interval [{:.4}, {:.4}]",
                last.mean()[d],
                last.quantile(d, 0.05),
                last.quantile(d, 0.95)
            ));
        }
        tell!(
            "belonging: calibration of {} parameter(s), {} generations x {} particles in {:.2} \
             s on {threads} threads -> {}\n{}",
            setup.paths.len(),
            gens.len(),
            spec.particles,
            clock.elapsed().as_secs_f64(),
            out.display(),
            lines.join("\n")
        );
    }
    Ok(())
}

/// `--resume DIR --shard I/N`: simulates this shard's share of the first batch that lacks
/// candidates into DIR/shards/I/ and stops (nothing when the calibration is whole).
fn run_shard(setup: &Setup, out: &Path, shard: Shard, threads: usize, quiet: bool) -> Result<()> {
    let spec = &setup.spec;
    let own = out_cal::shard_dir(out, shard.index);
    let mut lock = belonging::output::lock::create_and_acquire(&own)?;
    lock.claim();
    out_cal::remove_temporaries(&own);
    let abc = setup.abc()?;
    let simulated = Mutex::new(Simulated::default());
    let clock = Instant::now();
    let mut gens: Vec<Generation> = Vec::new();
    for t in 0..u64::from(spec.generations) {
        let step = generation(
            setup,
            &abc,
            out,
            gens.last(),
            t,
            threads,
            Mode::Shard(shard),
            &simulated,
        )
        .with_context(|| {
            format!(
                "shard {}/{} of the calibration in {}; its simulated candidates are kept in \
                 {}: run it again to complete its share",
                shard.index,
                shard.count,
                out.display(),
                own.display()
            )
        })?;
        match step {
            Step::Done(g) => gens.push(g),
            Step::Waiting {
                batch,
                missing,
                simulated: now,
            } => {
                if !quiet {
                    tell!(
                        "belonging: shard {}/{}: simulated {now} candidate(s) of generation {t}, \
                         batch {batch} in {:.2} s ({} of the batch still missing from the \
                         other shards); gather with `belonging calibrate --resume {} --gather`",
                        shard.index,
                        shard.count,
                        clock.elapsed().as_secs_f64(),
                        missing - now,
                        out.display()
                    );
                }
                return Ok(());
            }
        }
    }
    if !quiet {
        tell!(
            "belonging: shard {}/{}: nothing left to simulate (all {} generations are whole); \
             gather with `belonging calibrate --resume {} --gather`",
            shard.index,
            shard.count,
            spec.generations,
            out.display()
        );
    }
    Ok(())
}

/// Candidate `index` of generation `t` with parameters `theta`, from the calibration's
/// folder or else any shard's. The folder's writer (`shard` None) copies a shard's candidate
/// into the folder (the same bytes) and removes a damaged file of its own; a shard only reads.
fn find_candidate(
    setup: &Setup,
    out: &Path,
    shards: &[std::path::PathBuf],
    t: u64,
    index: usize,
    theta: &[f64],
    writer: bool,
) -> Result<Option<Vec<Vec<f64>>>> {
    let spec = &setup.spec;
    let read = |dir: &Path| {
        out_cal::read_candidate(
            dir,
            &spec.calibrate_hash,
            t,
            index,
            theta,
            setup.targets.len(),
            spec.replicates as usize,
        )
    };
    match read(out) {
        CandidateFile::Good(v) => return Ok(Some(v)),
        CandidateFile::Missing => {}
        CandidateFile::Bad(why) if writer => {
            let path = out_cal::candidate_path(out, t, index);
            tell!(
                "belonging: {}: {why}; the candidate is simulated again",
                path.display()
            );
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
        // Not this process's file to remove: the folder's writer will.
        CandidateFile::Bad(_) => {}
    }
    for dir in shards {
        // A shard's damaged or partial file is passed over (simulated again elsewhere).
        if let CandidateFile::Good(v) = read(dir) {
            if writer {
                out_cal::write_candidate(
                    out,
                    &spec.calibrate_hash,
                    t,
                    index,
                    theta,
                    &spec.targets,
                    &v,
                )?;
            }
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// Generation `t`: proposes batches, finds the candidates already simulated (in the folder
/// or its shards' folders), simulates the missing ones as `mode` allows, and assembles the
/// generation once enough are accepted.
#[allow(clippy::too_many_arguments)]
fn generation(
    setup: &Setup,
    abc: &Abc,
    out: &Path,
    previous: Option<&Generation>,
    t: u64,
    threads: usize,
    mode: Mode,
    simulated: &Mutex<Simulated>,
) -> Result<Step> {
    let spec = &setup.spec;
    let epsilon = match previous {
        None => f64::INFINITY,
        Some(p) => {
            let e = abc::next_epsilon(p, spec.alpha)
                .map_err(|e| anyhow::anyhow!("generation {t}: {e}"))?;
            // Half the distances or more infinite (undefined metrics): accept all again.
            if e.is_nan() {
                f64::INFINITY
            } else {
                e
            }
        }
    };
    let batch = spec.batch as usize;
    let shards = out_cal::shard_dirs(out);
    let writer = !matches!(mode, Mode::Shard(_));
    let mut candidates: Vec<Vec<f64>> = Vec::new();
    let mut distances: Vec<f64> = Vec::new();
    for b in 0..MAX_BATCHES {
        let proposed = abc
            .propose(previous, b, batch)
            .map_err(|e| anyhow::anyhow!("generation {t}, batch {b}: {e}"))?;
        let first = candidates.len();
        let mut values: Vec<Option<Vec<Vec<f64>>>> = vec![None; batch];
        for (i, theta) in proposed.iter().enumerate() {
            values[i] = find_candidate(setup, out, &shards, t, first + i, theta, writer)?;
        }
        let todo: Vec<usize> = (0..batch).filter(|&i| values[i].is_none()).collect();
        if !todo.is_empty() {
            let (mine, into) = match mode {
                Mode::Whole => (todo.clone(), out.to_path_buf()),
                Mode::Gather => (Vec::new(), out.to_path_buf()),
                Mode::Shard(s) => (
                    todo.iter()
                        .copied()
                        .filter(|&i| (first + i) as u64 % u64::from(s.count) == u64::from(s.index))
                        .collect(),
                    out_cal::shard_dir(out, s.index),
                ),
            };
            if !mine.is_empty() {
                let clock = Instant::now();
                simulate(
                    setup,
                    &into,
                    t,
                    first,
                    &proposed,
                    &mine,
                    threads,
                    &mut values,
                )?;
                let mut s = simulated.lock().unwrap_or_else(|e| e.into_inner());
                s.candidates += mine.len();
                s.seconds += clock.elapsed().as_secs_f64();
            }
            if mine.len() < todo.len() || !writer {
                return Ok(Step::Waiting {
                    batch: b,
                    missing: todo.len(),
                    simulated: mine.len(),
                });
            }
        }
        for v in values {
            let v = v.context("a candidate was not simulated")?;
            distances.push(setup.distance(&v));
        }
        candidates.extend(proposed);
        match abc
            .assemble(previous, epsilon, &candidates, &distances)
            .map_err(|e| anyhow::anyhow!("generation {t}: {e}"))?
        {
            Assembly::Complete(g) => return Ok(Step::Done(g)),
            Assembly::NeedMore { .. } => {}
        }
    }
    let accepted = distances.iter().filter(|d| **d <= epsilon).count();
    anyhow::bail!(
        "generation {t}: only {accepted} of {} candidates were within epsilon {epsilon} after {} \
         proposals ({MAX_BATCHES} batches); the targets may be out of the model's reach in \
         these ranges (widen the ranges or the SDs, or ask for fewer generations)",
        spec.particles,
        candidates.len()
    )
}

/// Simulates the candidates `todo` (positions in `proposed`, candidate `first + i` of
/// generation `t`), writing each to the folder `out` (the calibration's or a shard's) when
/// its replicates end.
#[allow(clippy::too_many_arguments)]
fn simulate(
    setup: &Setup,
    out: &Path,
    t: u64,
    first: usize,
    proposed: &[Vec<f64>],
    todo: &[usize],
    threads: usize,
    values: &mut [Option<Vec<Vec<f64>>>],
) -> Result<()> {
    let spec = &setup.spec;
    let reps = spec.replicates;
    let mut jobs = Vec::with_capacity(todo.len() * reps as usize);
    for (k, _) in todo.iter().enumerate() {
        for r in 0..reps {
            jobs.push(Job {
                index: (k as u32) * reps + r,
                point: k as u32,
                replicate: r,
                // A run's replicate r: common random numbers across candidates.
                seed: belonging::rng::job_seed(spec.seed, 0, u64::from(r)),
            });
        }
    }
    let plan = Plan {
        base_seed: spec.seed,
        jobs,
    };
    // Per candidate of `todo`: its replicates' target values as they end.
    let partial: Mutex<Vec<Vec<Option<Vec<f64>>>>> =
        Mutex::new(vec![vec![None; reps as usize]; todo.len()]);
    let finished: Mutex<Vec<Option<Vec<Vec<f64>>>>> = Mutex::new(vec![None; todo.len()]);
    let result = experiment::run_jobs(
        |j| {
            setup
                .config_of(&proposed[todo[j.point as usize]])
                .map(std::borrow::Cow::Owned)
                .map_err(|e| super::render_error(&e))
        },
        &plan,
        threads,
        |r: JobResult| {
            let k = r.job.point as usize;
            let v = setup.target_values(&r);
            let whole = {
                let mut p = partial.lock().unwrap_or_else(|e| e.into_inner());
                p[k][r.job.replicate as usize] = Some(v);
                if p[k].iter().all(Option::is_some) {
                    Some(p[k].iter().flatten().cloned().collect::<Vec<_>>())
                } else {
                    None
                }
            };
            if let Some(rows) = whole {
                let i = todo[k];
                out_cal::write_candidate(
                    out,
                    &spec.calibrate_hash,
                    t,
                    first + i,
                    &proposed[i],
                    &spec.targets,
                    &rows,
                )
                .map_err(|e| e.to_string())?;
                finished.lock().unwrap_or_else(|e| e.into_inner())[k] = Some(rows);
            }
            Ok(())
        },
    )
    .and_then(|()| match experiment::interrupt::requested() {
        true => Err(RunError::Interrupted),
        false => Ok(()),
    });
    result?;
    let finished = finished.into_inner().unwrap_or_else(|e| e.into_inner());
    for (k, rows) in finished.into_iter().enumerate() {
        values[todo[k]] = rows;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_or_say_why() {
        let t = parse_target("loneliness_prevalence@10=0.3±0.05", 20, 1).unwrap();
        assert_eq!((t.week, t.value, t.sd), (Some(10), 0.3, 0.05));
        let t = parse_target("loneliness_prevalence=0.3+-0.05", 20, 1).unwrap();
        assert_eq!(t.week, None);
        for bad in [
            "nonsense=1±1",
            "loneliness_prevalence=0.3±0",
            "loneliness_prevalence=0.3±-1",
            "loneliness_prevalence@20=0.3±0.1",
            "loneliness_prevalence@x=0.3±0.1",
            "loneliness_prevalence=0.3",
            "loneliness_prevalence",
            "loneliness_prevalence=nan±1",
        ] {
            assert!(parse_target(bad, 20, 1).is_err(), "{bad}");
        }
        assert!(parse_target("loneliness_prevalence@3=0.3±0.1", 20, 2).is_err());
        assert!(parse_target("loneliness_prevalence@19=0.3±0.1", 20, 2).is_ok());
    }
}
