//! One job: build a world, run the burn-in and the recorded steps, and record what the
//! output stage needs (time series, event-aligned curve, trajectories, prototypes, snapshots).

use super::plan::Job;
use crate::dynamics;
use crate::dynamics::init;
use crate::model::{metrics, World, NEVER};
use crate::rng::{self, Phase};
use crate::rules::belonging::is_lonely;
use crate::scenario::{Config, StopRule};
use rand::seq::SliceRandom;

/// Accumulated event-aligned statistics for one offset (weeks since the event).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AlignedBucket {
    pub loneliness_sum: f64,
    pub lonely_count: f64,
    pub belonging_sum: f64,
    pub n: u64,
}

/// One sampled agent at one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrajectoryRow {
    pub agent: u32,
    pub step: u32,
    pub in_support: bool,
    pub values: [f32; 7], // loneliness, belonging, attachment, membership, collective, approach, distress
}

/// One support group's prototype at one step.
#[derive(Debug, Clone, PartialEq)]
pub struct PrototypeRow {
    pub step: u32,
    pub group: u32,
    pub focus: u16,
    pub size: u32,
    pub identification: f32,
    pub coherence: f32,
    pub position: Vec<f32>,
}

/// The state of the world at one step, for agents.csv, ties.csv and memberships.csv.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub step: u32,
    pub world: World,
}

/// What `belonging compare` asks of each job: every agent's outcome of one metric at one
/// recorded step, for effect sizes over agents ([`metrics::agent_outcome`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    /// Recorded step (0-based); a run that stops earlier (absorption) is probed at its end,
    /// the state its metrics are carried forward from.
    pub step: u32,
    pub outcome: metrics::AgentOutcome,
}

/// Everything one job produced.
#[derive(Debug, Clone)]
pub struct JobResult {
    pub job: Job,
    /// One row of metrics per recorded step (`output.record_every`).
    pub series: Vec<metrics::Metrics>,
    /// The step (0-based, after the burn-in) of each row of `series`: every
    /// `output.record_every`-th from 0, and the last step simulated.
    pub recorded: Vec<u32>,
    /// Buckets for weeks since event = -before ..= after.
    pub aligned: Vec<AlignedBucket>,
    pub aligned_before: u32,
    /// Sampled agents' trajectories (first replicate of a point only), with for each sampled
    /// agent whether it was ever affected and its event step (recorded steps).
    pub trajectories: Vec<TrajectoryRow>,
    /// Each trajectory row's identity, [`trajectory_identity_width`] values per row in row
    /// order: the position in identity space, or the Axelrod culture (trait of each feature).
    pub trajectory_identity: Vec<f32>,
    pub sampled: Vec<(u32, bool, Option<u32>)>,
    pub prototypes: Vec<PrototypeRow>,
    pub snapshots: Vec<Snapshot>,
    pub agent_steps: u64,
    /// Last recorded step simulated (steps - 1 unless the run stopped at absorption).
    pub stop_step: u32,
    /// The run stopped because it reached absorption (`stop.rule: Absorption`).
    pub absorbed: bool,
    /// The agents' outcomes asked for by a [`Probe`] (empty without one), in agent order.
    pub probe: Vec<f64>,
    /// Where the job's time went (timing only: no number of the run depends on it).
    pub seconds: JobSeconds,
}

/// Seconds one job spent in each phase, measured on the thread that ran it (the weeks of a
/// large population also use the other threads: that time counts here once, as wall time).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct JobSeconds {
    /// Building the world ([`init::build`]).
    pub build: f64,
    /// The weeks: burn-in and recorded ([`dynamics::step`]).
    pub simulate: f64,
    /// Recording: the weekly metrics, the event-aligned curve, trajectories, prototypes,
    /// snapshots and absorption checks.
    pub metrics: f64,
}

/// Runs one job to the end. Deterministic in (cfg, job.seed).
pub fn run_job(cfg: &Config, job: Job) -> JobResult {
    match run_job_until(cfg, job, || false) {
        Some(r) => r,
        None => unreachable!("a job that is never asked to stop always ends"),
    }
}

/// [`run_job`] that checks `stop` before every step (burn-in included) and gives up, without
/// a result, as soon as it returns true. A job that ends gives the same result as
/// [`run_job`]: `stop` only decides whether it ends.
pub fn run_job_until(cfg: &Config, job: Job, stop: impl Fn() -> bool) -> Option<JobResult> {
    run_job_probed(cfg, job, stop, None)
}

/// [`run_job_until`] that also records the agents' outcomes a [`Probe`] asks for (watching
/// changes no number of the run).
pub fn run_job_probed(
    cfg: &Config,
    job: Job,
    stop: impl Fn() -> bool,
    probe: Option<&Probe>,
) -> Option<JobResult> {
    let s = &cfg.scenario;
    let clock = std::time::Instant::now();
    let mut w = init::build(cfg, job.seed);
    let mut seconds = JobSeconds {
        build: clock.elapsed().as_secs_f64(),
        ..JobSeconds::default()
    };
    let mut lap = std::time::Instant::now();
    let mut time = |into: &mut f64| {
        let now = std::time::Instant::now();
        *into += (now - lap).as_secs_f64();
        lap = now;
    };
    let n = w.n();
    let events = !s.events.is_empty();
    let before = s.output.event_window_before as usize;
    let after = s.output.event_window_after as usize;
    let threshold = s.belonging.threshold as f32;

    // Trajectory candidates: oversample, then keep half affected, half not, at the end.
    let want = s.output.sample_agents as usize;
    let candidates: Vec<u32> = if job.replicate == 0 && want > 0 {
        let mut all: Vec<u32> = (0..n as u32).collect();
        all.shuffle(&mut rng::stream(job.seed, u64::MAX, Phase::Output));
        all.truncate((want * 8).min(n));
        all.sort_unstable();
        all
    } else {
        Vec::new()
    };

    let every = s.output.record_every.max(1);
    let mut result = JobResult {
        job,
        series: Vec::with_capacity(s.steps.div_ceil(every) as usize + 1),
        recorded: Vec::with_capacity(s.steps.div_ceil(every) as usize + 1),
        aligned: vec![AlignedBucket::default(); before + after + 1],
        aligned_before: before as u32,
        trajectories: Vec::new(),
        trajectory_identity: Vec::new(),
        sampled: Vec::new(),
        prototypes: Vec::new(),
        snapshots: Vec::new(),
        agent_steps: 0,
        stop_step: s.steps.saturating_sub(1),
        absorbed: false,
        probe: Vec::new(),
        seconds: JobSeconds::default(),
    };
    let mut probed = false;
    let check_absorption = s.stop.rule == StopRule::Absorption;
    // Ring buffer of every agent's loneliness over the last `before` steps: one row of `n`
    // agents per slot (a week's row is one contiguous copy).
    let mut history = vec![0.0f32; if events { n * before } else { 0 }];
    time(&mut seconds.metrics);

    for _ in 0..s.burn_in {
        if stop() {
            return None;
        }
        dynamics::step(&mut w, cfg, job.seed);
        time(&mut seconds.simulate);
        if events {
            push_history(&mut history, &w, before);
        }
        time(&mut seconds.metrics);
    }
    for step in 0..s.steps {
        if stop() {
            return None;
        }
        dynamics::step(&mut w, cfg, job.seed);
        time(&mut seconds.simulate);
        let t = w.t - 1; // the step just simulated
        let absorbed = check_absorption
            && (step + 1) % s.stop.check_every.max(1) == 0
            && dynamics::identity::classic::absorbed(&mut w, cfg);
        let last = step + 1 == s.steps || absorbed;
        // Recorded weeks: every `record_every`-th from the first, and the last.
        let record = step % every == 0 || last;
        if record {
            result.series.push(metrics::observe(
                &w,
                s.belonging.threshold,
                s.identity.cluster_tolerance,
            ));
            result.recorded.push(step);
        }
        // Event-aligned curve (every week, recorded or not: each week adds the agents
        // struck that many weeks before).
        let a = &w.agents;
        // Without life events no agent is ever struck: nothing to gather.
        for i in 0..if events { n } else { 0 } {
            let e = a.event_step[i];
            if e == NEVER {
                continue;
            }
            let since = (t - e) as usize;
            if since <= after {
                let b = &mut result.aligned[before + since];
                b.loneliness_sum += a.loneliness[i] as f64;
                b.lonely_count += f64::from(u8::from(is_lonely(a.loneliness[i], threshold)));
                b.belonging_sum += a.belonging[i] as f64;
                b.n += 1;
            }
            if e == t && before > 0 {
                // Just struck: the ring holds the weeks before (slot of step t-k is (t-k) % before).
                for k in 1..=before.min(t as usize) {
                    let l = history[(t as usize - k) % before * n + i];
                    let b = &mut result.aligned[before - k];
                    b.loneliness_sum += l as f64;
                    b.lonely_count += f64::from(u8::from(is_lonely(l, threshold)));
                    b.n += 1;
                    // Belonging history is not kept; the before-event belonging is left out.
                }
            }
        }
        if events {
            push_history(&mut history, &w, before);
        }
        let sampled: &[u32] = if record { &candidates } else { &[] };
        for &i in sampled {
            let i = i as usize;
            result.trajectories.push(TrajectoryRow {
                agent: i as u32,
                step,
                in_support: w.in_support(i),
                values: [
                    a.loneliness[i],
                    a.belonging[i],
                    a.attachment[i],
                    a.membership[i],
                    a.collective[i],
                    a.approach[i],
                    a.distress[i],
                ],
            });
            if w.features > 0 {
                let culture = w.culture_of(i);
                result
                    .trajectory_identity
                    .extend(culture.iter().map(|&c| f32::from(c)));
            } else {
                result
                    .trajectory_identity
                    .extend_from_slice(w.identity_of(i));
            }
        }
        if record {
            record_prototypes(&w, step, &mut result.prototypes);
        }
        if let Some(p) = probe.filter(|p| p.step == step) {
            result.probe = p.outcome.of(&w, s.belonging.threshold);
            probed = true;
        }
        let snap = s.output.snapshot_every.is_some_and(|k| (step + 1) % k == 0);
        // The last week's snapshot is the world itself, moved in at the end (no copy).
        if snap && !last {
            result.snapshots.push(Snapshot {
                step,
                world: w.clone(),
            });
        }
        time(&mut seconds.metrics);
        if absorbed {
            result.stop_step = step;
            result.absorbed = true;
            break;
        }
    }
    result.agent_steps = n as u64 * (s.burn_in as u64 + result.stop_step as u64 + 1);
    if let Some(p) = probe.filter(|_| !probed) {
        result.probe = p.outcome.of(&w, s.belonging.threshold);
    }

    // Keep the sample: affected first up to half, then fill with the others.
    if !candidates.is_empty() {
        let burn = s.burn_in;
        let info = |i: u32| {
            let e = w.agents.event_step[i as usize];
            (i, e != NEVER, (e != NEVER).then(|| e - burn))
        };
        let affected: Vec<_> = candidates
            .iter()
            .map(|&i| info(i))
            .filter(|x| x.1)
            .collect();
        let others: Vec<_> = candidates
            .iter()
            .map(|&i| info(i))
            .filter(|x| !x.1)
            .collect();
        let take_aff = affected
            .len()
            .min(want / 2)
            .max(want.saturating_sub(others.len()));
        let mut keep: Vec<_> = affected.into_iter().take(take_aff).collect();
        let rest = want.saturating_sub(keep.len());
        keep.extend(others.into_iter().take(rest));
        keep.sort_unstable_by_key(|x| x.0);
        let width = trajectory_identity_width(cfg);
        let kept = |r: &TrajectoryRow| keep.binary_search_by_key(&r.agent, |x| x.0).is_ok();
        let identity = std::mem::take(&mut result.trajectory_identity);
        for (k, r) in result.trajectories.iter().enumerate() {
            if kept(r) {
                let row = &identity[k * width..(k + 1) * width];
                result.trajectory_identity.extend_from_slice(row);
            }
        }
        result.trajectories.retain(kept);
        result.sampled = keep;
    }
    if s.steps > 0 {
        result.snapshots.push(Snapshot {
            step: result.stop_step,
            world: w,
        });
    }
    time(&mut seconds.metrics);
    result.seconds = seconds;
    Some(result)
}

/// Identity values per trajectory row: Axelrod's features, else the identity dimensions.
pub fn trajectory_identity_width(cfg: &Config) -> usize {
    let id = &cfg.scenario.identity;
    match id.rule {
        crate::scenario::IdentityRule::Axelrod => id.features as usize,
        _ => id.dims as usize,
    }
}

fn push_history(history: &mut [f32], w: &World, before: usize) {
    if before == 0 {
        return;
    }
    let n = w.n();
    let slot = (w.t as usize - 1) % before;
    history[slot * n..(slot + 1) * n].copy_from_slice(&w.agents.loneliness);
}

fn record_prototypes(w: &World, step: u32, out: &mut Vec<PrototypeRow>) {
    for g in 0..w.n_groups() {
        if !(w.is_support(g) && w.groups.active[g])
            || w.groups.members[g].is_empty()
            || w.is_programme(g)
        {
            continue;
        }
        let members = &w.groups.members[g];
        let ident: f32 = members
            .iter()
            .filter_map(|&i| {
                w.membership_index(i as usize, g)
                    .map(|k| w.agents.memberships[i as usize][k].ident)
            })
            .sum::<f32>()
            / members.len() as f32;
        out.push(PrototypeRow {
            step,
            group: g as u32,
            focus: w.groups.focus[g],
            size: members.len() as u32,
            identification: ident,
            coherence: w.groups.coherence[g],
            position: w.prototype_of(g).to_vec(),
        });
    }
}
