//! The folder of a parameter sweep.
//!
//! ```text
//! DIR/sweep.json          the sweep: scenario hash, seed, replicates, design, varied fields,
//!                         every point, the job count and the sweep hash (written first)
//! DIR/scenario.ron        the resolved base scenario
//! DIR/jobs/job-NNNNNN.csv one finished job's time series (written atomically as it ends)
//! DIR/sweep.csv           one row per job: parameters, final and time-averaged metrics
//! DIR/sweep_summary.csv   per point, metric and statistic: mean, sd, 95% CI, n
//! DIR/manifest.json       status (running, partial, complete), timing, machine
//! DIR/plots/              response curves and a heatmap for two-parameter grids
//! ```
//!
//! Everything but the manifest is a function of `sweep.json` and the job files alone, so a
//! resumed, sharded-and-merged or single-machine sweep writes byte-identical results. The
//! final tables are built by streaming the job files point by point: memory holds one job's
//! series and one point's replicates (see docs/ARCHITECTURE.md, "Memory bound").

use super::tables::csv_field;
use super::{atomic, io_err, tables, OutputError};
use crate::experiment::{Job, JobResult};
use crate::model::metrics::{self, NAMES};
use crate::stats::{summarize_in, TTable};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One varied field as stored in sweep.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VarySpec {
    pub path: String,
    pub spec: String,
    pub values: Vec<String>,
}

/// sweep.json: everything that defines the sweep's jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    pub format: u32,
    /// The belonging version that wrote the sweep: the same seed gives the same results only
    /// within one version (empty: a sweep written before the field existed, 0.1.0).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    pub scenario: String,
    pub scenario_source: String,
    /// FNV-1a of the resolved base scenario (scenario.ron).
    pub scenario_hash: String,
    pub seed: u64,
    pub replicates: u32,
    pub steps: u32,
    pub design: String,
    /// How replicates are seeded across points (format 2 on; format 1 seeded each point's
    /// replicates by the point's position).
    pub seeds: crate::scenario::Seeds,
    pub vary: Vec<VarySpec>,
    /// A Morris or Sobol' design made elsewhere (`sensitivity --design FILE.csv`): each
    /// varied field's range `LO..HI` as given with `--vary`, in the order of `vary`, whose
    /// lists are then the file's columns (point k = row k) laid out as `design` says. Empty
    /// for every other sweep (and then left out of sweep.json, so their hashes are unchanged).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<String>,
    /// The number of points; each is produced from its index ([`SweepSpec::point_set`]).
    pub n_points: u64,
    pub jobs: u32,
    /// FNV-1a of all of the above: folders of different sweeps never mix.
    pub sweep_hash: String,
    /// The metric the plots draw (not part of the hash: it changes no job).
    #[serde(default = "default_metric")]
    pub metric: String,
}

fn default_metric() -> String {
    "loneliness_prevalence".into()
}

/// The sweep.json format this version writes and reads: 2 (seeds by [`SweepSpec::seeds`]).
pub const FORMAT: u32 = 2;

impl SweepSpec {
    /// The sweep's points, one at a time from their index (the design of the varied fields).
    pub fn point_set(&self) -> Result<crate::experiment::sweep::PointSet, OutputError> {
        use crate::experiment::sweep::{Design, PointSet, Vary};
        let bad = |e: crate::experiment::sweep::SweepError| OutputError::Io {
            path: PathBuf::from(SPEC),
            source: std::io::Error::other(e.to_string()),
        };
        let vary = self
            .vary
            .iter()
            .map(|v| Vary::parse(&format!("{}={}", v.path, v.spec)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        let design = Design::parse(&self.design).map_err(bad)?;
        if !self.ranges.is_empty() {
            let ranges = self
                .vary
                .iter()
                .zip(&self.ranges)
                .map(|(v, r)| Vary::parse(&format!("{}={r}", v.path)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            return PointSet::given(&vary, &ranges, design, self.seed).map_err(bad);
        }
        PointSet::new(&vary, design, self.seed).map_err(bad)
    }

    /// Every point's values (for plots and small sweeps).
    pub fn points(&self) -> Result<Vec<Vec<String>>, OutputError> {
        Ok(self.point_set()?.all())
    }

    /// Fills in `sweep_hash` from the fields that define the jobs (not from
    /// `scenario_source`, which only says where the scenario came from: a resumed sweep reads
    /// it from the folder's own scenario.ron).
    pub fn sealed(mut self) -> SweepSpec {
        let mut key = self.clone();
        key.sweep_hash = String::new();
        key.scenario_source = String::new();
        key.metric = String::new();
        let text = serde_json::to_string(&key).unwrap_or_default();
        self.sweep_hash = super::manifest::fnv1a(text.as_bytes());
        self
    }

    pub fn is_sealed(&self) -> bool {
        self.clone().sealed().sweep_hash == self.sweep_hash
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

pub const SPEC: &str = "sweep.json";
const JOBS: &str = "jobs";
/// Files a sweep writes at the top of its folder (removed first under --force).
pub const FILES: &[&str] = &[
    "sweep.json",
    "scenario.ron",
    "sweep.csv",
    "sweep_summary.csv",
    "design.csv",
    "indices.csv",
    "manifest.json",
];

pub fn job_path(dir: &Path, job: u32) -> PathBuf {
    dir.join(JOBS).join(format!("job-{job:06}.csv"))
}

/// Reads a folder's sweep.json.
pub fn read_spec(dir: &Path) -> Result<SweepSpec, OutputError> {
    let path = dir.join(SPEC);
    let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("format").and_then(|f| f.as_u64()));
    if let Some(f) = format.filter(|&f| f != u64::from(FORMAT)) {
        return Err(OutputError::Io {
            path,
            source: std::io::Error::other(format!(
                "sweep format {f}, and this build of belonging reads format {FORMAT} (format \
                 1 seeded each point by its position in the list; format 2 uses common random \
                 numbers): finish it with the build that started it, or start anew"
            )),
        });
    }
    let spec: SweepSpec = serde_json::from_str(&text).map_err(|e| OutputError::Io {
        path: path.clone(),
        source: std::io::Error::other(format!("not a sweep description: {e}")),
    })?;
    if !spec.is_sealed() {
        return Err(OutputError::Io {
            path,
            source: std::io::Error::other(
                "its sweep_hash does not match its contents (edited by hand?)",
            ),
        });
    }
    Ok(spec)
}

/// Jobs whose file is present (files appear only by atomic rename), from the names alone:
/// what this process has just written. A folder another process wrote is judged by
/// [`verified_jobs`].
pub fn finished_jobs(dir: &Path, jobs: u32) -> Result<Vec<bool>, OutputError> {
    let mut done = vec![false; jobs as usize];
    let folder = dir.join(JOBS);
    let entries = match std::fs::read_dir(&folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(io_err(&folder)(e)),
    };
    for entry in entries {
        let name = entry.map_err(io_err(&folder))?.file_name();
        let name = name.to_string_lossy();
        if let Some(k) = name
            .strip_prefix("job-")
            .and_then(|n| n.strip_suffix(".csv"))
            .and_then(|n| n.parse::<usize>().ok())
        {
            if let Some(slot) = done.get_mut(k) {
                *slot = true;
            }
        }
    }
    Ok(done)
}

/// Removes the temporary files a killed sweep left (in the folder and in jobs/).
pub fn remove_temporaries(dir: &Path) {
    super::remove_temporaries(dir);
    super::remove_temporaries(&dir.join(JOBS));
    super::remove_temporaries(&dir.join("plots"));
}

/// What a job file holds, judged by its last line (its seal).
#[derive(Debug, Clone, PartialEq)]
pub enum JobFile {
    Missing,
    /// The job of this sweep, whole.
    Good,
    /// Present but not to be trusted: truncated, damaged, or another sweep's or job's; the
    /// text says which.
    Bad(String),
}

/// The seal line a job file ends with: the job, its seed, the sweep's hash and the FNV-1a
/// checksum of every byte before the line.
fn job_seal(job: &Job, sweep_hash: &str, body: &[u8]) -> String {
    format!(
        "# belonging job={} seed={} sweep_hash={sweep_hash} fnv1a={}\n",
        job.index,
        job.seed,
        super::manifest::fnv1a(body)
    )
}

/// Judges job `job`'s file in `dir` against the sweep `sweep_hash`.
pub fn check_job(dir: &Path, job: &Job, sweep_hash: &str) -> JobFile {
    let path = job_path(dir, job.index);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return JobFile::Missing,
        Err(e) => return JobFile::Bad(format!("cannot be read: {e}")),
    };
    let body_end = bytes[..bytes.len().saturating_sub(1)]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let (body, seal) = bytes.split_at(body_end);
    let expected = job_seal(job, sweep_hash, body);
    if seal == expected.as_bytes() {
        return JobFile::Good;
    }
    let seal = String::from_utf8_lossy(seal);
    if !seal.starts_with("# belonging job=") {
        return JobFile::Bad("no seal at its end (truncated, or written by hand)".into());
    }
    JobFile::Bad(format!(
        "its seal does not match: it says `{}`, this sweep expects `{}`",
        seal.trim_end(),
        expected.trim_end()
    ))
}

/// Per job of `plan`, whether its file is there and whole ([`check_job`]); the files that
/// are there but not to be trusted, with why.
pub fn verified_jobs(
    dir: &Path,
    plan: &crate::experiment::Plan,
    sweep_hash: &str,
) -> (Vec<bool>, Vec<(u32, String)>) {
    let mut done = vec![false; plan.jobs.len()];
    let mut bad = Vec::new();
    for (k, job) in plan.jobs.iter().enumerate() {
        match check_job(dir, job, sweep_hash) {
            JobFile::Good => done[k] = true,
            JobFile::Missing => {}
            JobFile::Bad(why) => bad.push((job.index, why)),
        }
    }
    (done, bad)
}

/// Prepares a new sweep folder: locks it (one writer per folder), refuses one that holds
/// results unless `force`, writes sweep.json and scenario.ron. With `force`, a folder of the
/// same sweep keeps its finished jobs. The lock is held as long as the returned value lives.
pub fn create(
    dir: &Path,
    spec: &SweepSpec,
    scenario_ron: &str,
    force: bool,
) -> Result<super::lock::FolderLock, OutputError> {
    let json = spec.to_json();
    super::take_resumable(
        dir,
        force,
        || read_spec(dir).is_ok_and(|s| s.sweep_hash == spec.sweep_hash),
        &super::Resumable {
            files: FILES,
            derived: &["plots"],
            work: &[JOBS],
            made: &[JOBS],
            first: &[
                ("scenario.ron", scenario_ron.as_bytes()),
                (SPEC, json.as_bytes()),
            ],
        },
    )
}

/// Writes one finished job's time series (`step` then every metric), atomically, sealed by a
/// last line naming the job, its seed, the sweep and the checksum of the rest
/// ([`check_job`]).
pub fn write_job(dir: &Path, sweep_hash: &str, r: &JobResult) -> Result<(), OutputError> {
    let mut s = String::from("step");
    for name in NAMES {
        s.push(',');
        s.push_str(name);
    }
    s.push('\n');
    for (t, row) in r.recorded.iter().zip(&r.series) {
        s.push_str(&t.to_string());
        for &v in &row.values {
            s.push(',');
            tables::num(&mut s, v);
        }
        s.push('\n');
    }
    let seal = job_seal(&r.job, sweep_hash, s.as_bytes());
    s.push_str(&seal);
    let path = job_path(dir, r.job.index);
    // Not synced: the seal is checked before the file is used (a file lost in a crash of
    // the machine is made again by `sweep --resume`).
    atomic::write_unsynced_with(&path, |out| out.write_all(s.as_bytes())).map_err(io_err(&path))
}

/// The sweep's jobs, with their seeds, from sweep.json alone.
pub fn spec_plan(spec: &SweepSpec) -> Result<crate::experiment::Plan, OutputError> {
    let points = spec.point_set()?;
    crate::experiment::sweep::plan(&points, spec.replicates, spec.seed, spec.seeds).map_err(|e| {
        OutputError::Io {
            path: PathBuf::from(SPEC),
            source: std::io::Error::other(e.to_string()),
        }
    })
}

/// A job file read back: one row of metric values per step.
fn read_job(dir: &Path, job: u32) -> Result<Vec<Vec<f64>>, OutputError> {
    let path = job_path(dir, job);
    let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
    let bad = |line: usize, what: &str| OutputError::Io {
        path: path.clone(),
        source: std::io::Error::other(format!("line {line}: {what}")),
    };
    let mut rows = Vec::new();
    for (k, line) in text.lines().enumerate().skip(1) {
        if line.starts_with('#') {
            continue;
        }
        let mut values = Vec::with_capacity(metrics::COUNT);
        for (c, field) in line.split(',').enumerate().skip(1) {
            let v = super::number(field)
                .ok_or_else(|| bad(k + 1, &format!("column {} is not a number", c + 1)))?;
            values.push(v);
        }
        if values.len() != metrics::COUNT {
            return Err(bad(k + 1, "wrong number of columns"));
        }
        rows.push(values);
    }
    Ok(rows)
}

/// The final value and the time average of every metric of one job (NaN-skipping mean).
fn outcomes(rows: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let last = rows
        .last()
        .cloned()
        .unwrap_or_else(|| vec![f64::NAN; metrics::COUNT]);
    let mut mean = vec![f64::NAN; metrics::COUNT];
    for (m, slot) in mean.iter_mut().enumerate() {
        let (mut s, mut n) = (0.0, 0u32);
        for r in rows {
            if r[m].is_finite() {
                s += r[m];
                n += 1;
            }
        }
        if n > 0 {
            *slot = s / n as f64;
        }
    }
    (last, mean)
}

/// Writes sweep.csv and sweep_summary.csv from sweep.json and every job file (all must be
/// present). Streams point by point.
pub fn finish(dir: &Path, spec: &SweepSpec) -> Result<Vec<String>, OutputError> {
    let params: Vec<String> = spec.vary.iter().map(|v| csv_field(&v.path)).collect();
    let reps = spec.replicates;
    let plan = spec_plan(spec)?;
    let points = spec.point_set()?;
    let per_job = dir.join("sweep.csv");
    let per_point = dir.join("sweep_summary.csv");
    let mut t = TTable::default();
    // Both tables stream: sweep_summary.csv is renamed into place after sweep.csv.
    atomic::write_with(&per_point, |sum_out| {
        write!(sum_out, "point")?;
        for p in &params {
            write!(sum_out, ",{p}")?;
        }
        writeln!(sum_out, ",metric,statistic,mean,sd,ci_low,ci_high,n")?;
        atomic::write_with(&per_job, |out| {
            write!(out, "job,point,replicate,seed")?;
            for p in &params {
                write!(out, ",{p}")?;
            }
            for stat in ["final", "mean"] {
                for name in NAMES {
                    write!(out, ",{stat}_{name}")?;
                }
            }
            writeln!(out)?;
            let mut point_rows: Vec<(Vec<f64>, Vec<f64>)> = Vec::with_capacity(reps as usize);
            for job in &plan.jobs {
                let rows = read_job(dir, job.index).map_err(std::io::Error::other)?;
                let (last, mean) = outcomes(&rows);
                let values = &points.point(u64::from(job.point));
                let mut line =
                    format!("{},{},{},{}", job.index, job.point, job.replicate, job.seed);
                for v in values {
                    line.push(',');
                    line.push_str(&csv_field(v));
                }
                for v in last.iter().chain(&mean) {
                    line.push(',');
                    tables::num(&mut line, *v);
                }
                writeln!(out, "{line}")?;
                point_rows.push((last, mean));
                if job.replicate + 1 == reps {
                    for (m, name) in NAMES.iter().enumerate() {
                        for (k, stat) in ["final", "mean"].into_iter().enumerate() {
                            let xs: Vec<f64> = point_rows
                                .iter()
                                .map(|(l, a)| if k == 0 { l[m] } else { a[m] })
                                .collect();
                            let s = summarize_in(&xs, metrics::bounds(m), &mut t);
                            let mut summary = job.point.to_string();
                            for v in values {
                                summary.push(',');
                                summary.push_str(&csv_field(v));
                            }
                            summary.push_str(&format!(",{name},{stat}"));
                            for v in [s.mean, s.sd, s.ci_low, s.ci_high] {
                                summary.push(',');
                                tables::num(&mut summary, v);
                            }
                            summary.push_str(&format!(",{}\n", s.n));
                            sum_out.write_all(summary.as_bytes())?;
                        }
                    }
                    point_rows.clear();
                }
            }
            Ok(())
        })
    })
    .map_err(io_err(&per_point))?;
    Ok(vec!["sweep.csv".into(), "sweep_summary.csv".into()])
}
