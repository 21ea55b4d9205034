//! Output stage: the results folder, its tables (CSV), the manifest and atomic writes.
//!
//! Jobs write their tables as each ends (one part file per job in `parts/`, or a run of one
//! job its tables in place), sealed; `finish` joins the parts in job order into the final
//! tables, writes `summary.csv`, and only then may the manifest say `complete`.

pub mod atomic;
pub mod calibrate;
pub mod fault;
pub mod lock;
pub mod manifest;
mod seal;
pub mod sensitivity;
pub mod sweep;
pub mod tables;

pub use manifest::{Manifest, RunInfo, Status};
use seal::Seal;
pub use tables::Table;

use crate::experiment::{JobResult, Plan};
use crate::model::metrics;
use crate::scenario::Config;
use crate::stats::{summarize_in, TTable};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{0}: the output folder exists and is not empty; choose another with --out, or pass \
         --force to overwrite its results"
    )]
    Exists(PathBuf),
    #[error("{path}: cannot write the output folder: {source}")]
    NotWritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{}: in use by another belonging process{}: one folder has one writer; wait for it \
         to end (or stop it), or choose another folder",
        path.display(),
        match pid { Some(p) => format!(" (PID {p})"), None => String::new() }
    )]
    InUse { path: PathBuf, pid: Option<u32> },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A number as the tables write it: empty for NaN, `inf` and `-inf` for the infinities.
pub(crate) fn number(field: &str) -> Option<f64> {
    match field {
        "" => Some(f64::NAN),
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        f => f.parse().ok(),
    }
}

/// Names of everything a run writes at the top of its folder (removed first under --force).
pub const RESULT_FILES: &[&str] = &[
    "manifest.json",
    "scenario.ron",
    "summary.csv",
    "timeseries.csv",
    "event_aligned.csv",
    "trajectories.csv",
    "prototypes.csv",
    "agents.csv",
    "ties.csv",
    "memberships.csv",
    "groups.csv",
    "runs.csv",
];

/// A results folder being written.
///
/// Each finished job's tables are written at once ([`ResultsDir::write_job`]: one part file
/// per job, or the tables themselves in a run of one job), then its seal
/// (`parts/seal.NNNNNN`), whose presence says that job NNNNNN finished (what an interrupted
/// run keeps and `belonging run --resume` counts). The final tables and `summary.csv` are
/// built from the sealed parts alone, so a resumed run writes the same bytes as an
/// uninterrupted one.
pub struct ResultsDir {
    pub path: PathBuf,
    /// This process's lock on the folder, held as long as the value lives.
    _lock: lock::FolderLock,
}

impl ResultsDir {
    /// Prepares `path`: locks it (one writer per folder), refuses a folder that holds
    /// results unless `force` (a folder holding only what a process that stopped before
    /// writing any result leaves — the lock file, temporary files — counts as empty), and
    /// proves the folder writable before any simulation starts.
    pub fn create(path: &Path, force: bool) -> Result<ResultsDir, OutputError> {
        let not_writable = |source| OutputError::NotWritable {
            path: path.to_path_buf(),
            source,
        };
        let (lock, full) = lock::take_for_results(path, force)?;
        if full {
            for name in RESULT_FILES {
                let p = path.join(name);
                if p.exists() {
                    std::fs::remove_file(&p).map_err(not_writable)?;
                }
            }
            for sub in [PARTS, "plots"] {
                let p = path.join(sub);
                if p.exists() {
                    std::fs::remove_dir_all(&p).map_err(not_writable)?;
                }
            }
        }
        Self::prepare(path, lock)
    }

    /// Opens an existing results folder to complete it (`run --resume`): locks it, keeps its
    /// parts, removes the temporary files a killed run left, proves it writable.
    pub fn open(path: &Path) -> Result<ResultsDir, OutputError> {
        Self::open_locked(path, lock::acquire(path)?)
    }

    /// [`ResultsDir::open`] with the folder's lock already held (taken before its manifest
    /// was read, so that what was read stays true).
    pub fn open_locked(path: &Path, lock: lock::FolderLock) -> Result<ResultsDir, OutputError> {
        Self::prepare(path, lock)
    }

    fn prepare(path: &Path, mut lock: lock::FolderLock) -> Result<ResultsDir, OutputError> {
        lock.claim();
        let not_writable = |source| OutputError::NotWritable {
            path: path.to_path_buf(),
            source,
        };
        for sub in [path.to_path_buf(), path.join(PARTS), path.join("plots")] {
            remove_temporaries(&sub);
        }
        fault::check_create().map_err(not_writable)?;
        std::fs::create_dir_all(path.join(PARTS)).map_err(not_writable)?;
        let probe = path.join(".write-test");
        atomic::write(&probe, b"ok").map_err(not_writable)?;
        let _ = std::fs::remove_file(&probe);
        // The longest paths the run will write (a part's and a plot's temporary names) must
        // be possible too: a folder whose path is near the system's limit is refused now,
        // not after the simulation.
        let longest = Table::ALL
            .iter()
            .map(|t| t.file_name())
            .max_by_key(|n| n.len())
            .unwrap_or("trajectories.csv");
        for probe in [
            path.join(PARTS).join(format!("{longest}.999999")),
            path.join("plots").join("event_aligned.png"),
        ] {
            let too_long = |e: std::io::Error| OutputError::NotWritable {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    e.kind(),
                    format!(
                        "cannot write {} ({e}): choose a shorter --out",
                        probe.display()
                    ),
                ),
            };
            if let Some(dir) = probe.parent() {
                std::fs::create_dir_all(dir).map_err(too_long)?;
            }
            atomic::write(&probe, b"ok").map_err(too_long)?;
            let _ = std::fs::remove_file(&probe);
        }
        Ok(ResultsDir {
            path: path.to_path_buf(),
            _lock: lock,
        })
    }

    fn job_path(&self, index: u32) -> PathBuf {
        self.path.join(PARTS).join(format!("job.{index:06}"))
    }

    fn seal_path(&self, index: u32) -> PathBuf {
        self.path.join(PARTS).join(format!("seal.{index:06}"))
    }

    /// Writes one finished job's tables (called from worker threads, in any order) where
    /// [`ResultsDir::layout`] puts them, each a whole CSV (header and the job's rows), then
    /// the job's seal, which marks it finished and records its seed, the scenario's hash and
    /// each table's size and CRC-32 checksum, so that a resume never trusts a damaged or
    /// foreign part. Nothing is synced: the seal is checked before any use (a part lost in a
    /// crash of the machine is made again), and [`ResultsDir::finish`] syncs the tables.
    pub fn write_job(&self, cfg: &Config, parts: &Parts, r: &JobResult) -> Result<(), OutputError> {
        let mut seal = Seal {
            job: r.job.index,
            seed: r.job.seed,
            scenario_hash: manifest::fnv1a(crate::scenario::to_ron(&cfg.scenario).as_bytes()),
            parts: Vec::new(),
        };
        let mut table_into = |table: Table, out: &mut dyn Write| -> std::io::Result<()> {
            let mut sum = seal::Summing::default();
            let mut out = seal::Tee {
                inner: out,
                sum: &mut sum,
            };
            writeln!(out, "{}", table.header(cfg))?;
            table.write_rows(cfg, r, &mut out)?;
            seal.parts
                .push((table.file_name().to_string(), sum.bytes, sum.hash()));
            Ok(())
        };
        if parts.in_place {
            for &table in parts.tables() {
                let path = self.path.join(table.file_name());
                atomic::write_unsynced_with(&path, |out| table_into(table, out))
                    .map_err(io_err(&path))?;
            }
        } else {
            let path = self.job_path(r.job.index);
            atomic::write_unsynced_with(&path, |out| {
                parts.tables().iter().try_for_each(|&t| table_into(t, out))
            })
            .map_err(io_err(&path))?;
        }
        let path = self.seal_path(r.job.index);
        atomic::write_unsynced_with(&path, |out| out.write_all(seal.to_text().as_bytes()))
            .map_err(io_err(&path))
    }

    /// Job `index`'s seal, if it is a whole one for this job, listing the tables of `parts`.
    fn seal(&self, parts: &Parts, index: u32) -> Option<Seal> {
        let text = std::fs::read_to_string(self.seal_path(index)).ok()?;
        Seal::parse(&text).filter(|s| {
            s.job == index
                && s.parts.len() == parts.tables().len()
                && s.parts
                    .iter()
                    .zip(parts.tables())
                    .all(|((name, _, _), t)| name == t.file_name())
        })
    }

    /// Where table `t` of a job with `seal` lives: its file, offset and length.
    fn section(&self, parts: &Parts, seal: &Seal, t: Table) -> (PathBuf, u64, u64) {
        let k = parts.tables().iter().position(|&x| x == t).unwrap_or(0);
        let len = seal.parts[k].1;
        if parts.in_place {
            (self.path.join(t.file_name()), 0, len)
        } else {
            let offset = seal.parts[..k].iter().map(|p| p.1).sum();
            (self.job_path(seal.job), offset, len)
        }
    }

    /// Per job of the plan (by position), whether it finished and its parts can be used: its
    /// seal names this job, its seed and `scenario_hash`, and the parts it lists are there at
    /// their sizes. With `verify`, each table's checksum is checked too (reading every part:
    /// a resume does it once before trusting a folder).
    pub fn finished_jobs(
        &self,
        plan: &Plan,
        parts: &Parts,
        scenario_hash: &str,
        verify: bool,
    ) -> Vec<bool> {
        plan.jobs
            .iter()
            .map(|j| {
                let Some(seal) = self.seal(parts, j.index) else {
                    return false;
                };
                if seal.seed != j.seed || seal.scenario_hash != scenario_hash {
                    return false;
                }
                let total: u64 = seal.parts.iter().map(|p| p.1).sum();
                let sizes_fit = if parts.in_place {
                    seal.parts.iter().zip(parts.tables()).all(|(p, t)| {
                        std::fs::metadata(self.path.join(t.file_name()))
                            .is_ok_and(|m| m.len() == p.1)
                    })
                } else {
                    std::fs::metadata(self.job_path(j.index)).is_ok_and(|m| m.len() == total)
                };
                sizes_fit
                    && (!verify
                        || parts
                            .tables()
                            .iter()
                            .zip(&seal.parts)
                            .all(|(&t, (_, _, hash))| {
                                let (path, offset, len) = self.section(parts, &seal, t);
                                seal::range_hash(&path, offset, len).is_ok_and(|h| h == *hash)
                            }))
            })
            .collect()
    }

    /// Removes what a job that is not finished left (a damaged or foreign part is rerun,
    /// never used).
    pub fn discard_job(&self, parts: &Parts, index: u32) {
        let _ = std::fs::remove_file(self.seal_path(index));
        if parts.in_place {
            for t in Table::ALL {
                let _ = std::fs::remove_file(self.path.join(t.file_name()));
            }
        } else {
            let _ = std::fs::remove_file(self.job_path(index));
        }
    }

    /// The bytes of table `t` of finished job `index` (its header included).
    fn read_section(&self, parts: &Parts, t: Table, index: u32) -> Result<Vec<u8>, OutputError> {
        let seal_path = self.seal_path(index);
        let seal = self.seal(parts, index).ok_or_else(|| OutputError::Io {
            path: seal_path.clone(),
            source: std::io::Error::other("not the seal of a finished job"),
        })?;
        let (path, offset, len) = self.section(parts, &seal, t);
        seal::read_range(&path, offset, len).map_err(io_err(&path))
    }

    /// How each finished job ended (plan order), read back from its runs table.
    pub fn runs(&self, plan: &Plan, parts: &Parts) -> Result<Vec<RunInfo>, OutputError> {
        let mut out = Vec::new();
        for job in &plan.jobs {
            if self.seal(parts, job.index).is_none() {
                continue;
            }
            let bytes = self.read_section(parts, Table::Runs, job.index)?;
            let text = String::from_utf8_lossy(&bytes);
            let row = text.lines().nth(1).unwrap_or_default();
            let path = self.seal_path(job.index);
            let bad = || OutputError::Io {
                path: path.clone(),
                source: std::io::Error::other(format!(
                    "not a runs table (expected `replicate,seed,stop_step,absorbed`): {row:?}"
                )),
            };
            let f: Vec<&str> = row.split(',').collect();
            let [rep, seed, stop, absorbed] = f[..] else {
                return Err(bad());
            };
            out.push(RunInfo {
                replicate: rep.parse().map_err(|_| bad())?,
                seed: seed.parse().map_err(|_| bad())?,
                stop_step: stop.parse().map_err(|_| bad())?,
                absorbed: absorbed == "1",
            });
        }
        Ok(out)
    }

    /// One job's time series, read back from its timeseries table (numbers are written in
    /// their shortest round-trip form, so they read back bit for bit): the recorded steps and
    /// their rows.
    fn series(
        &self,
        parts: &Parts,
        index: u32,
    ) -> Result<(Vec<u32>, Vec<metrics::Metrics>), OutputError> {
        let bytes = self.read_section(parts, Table::Timeseries, index)?;
        let path = self.seal_path(index);
        let text = String::from_utf8(bytes).map_err(|e| OutputError::Io {
            path: path.clone(),
            source: std::io::Error::other(format!("the time series is not text: {e}")),
        })?;
        let (mut steps, mut rows) = (Vec::new(), Vec::new());
        // Line 1 is the header.
        for (k, line) in text.lines().enumerate().skip(1) {
            let bad = |what: String| OutputError::Io {
                path: path.clone(),
                source: std::io::Error::other(format!("time series line {}: {what}", k + 1)),
            };
            let mut row = metrics::Metrics {
                values: [f64::NAN; metrics::COUNT],
            };
            let step = line
                .split(',')
                .nth(1)
                .and_then(|f| f.parse::<u32>().ok())
                .ok_or_else(|| bad("column 2 (step) is not a step".into()))?;
            let mut n = 0;
            for (c, field) in line.split(',').enumerate().skip(2) {
                let v = number(field)
                    .ok_or_else(|| bad(format!("column {} is not a number", c + 1)))?;
                let slot = row
                    .values
                    .get_mut(c - 2)
                    .ok_or_else(|| bad("too many columns".into()))?;
                *slot = v;
                n += 1;
            }
            if n != metrics::COUNT {
                return Err(bad("too few columns".into()));
            }
            steps.push(step);
            rows.push(row);
        }
        Ok((steps, rows))
    }

    /// Makes the tables from the finished jobs (every job of the plan must have finished)
    /// and writes summary.csv. A run of one job has its tables in place already: they are
    /// synced. Otherwise each table is joined from the jobs' parts in job order (the first
    /// with its header, the others without). The parts stay until
    /// [`ResultsDir::remove_parts`], called once the manifest says `complete`, so a process
    /// killed before that can still be resumed from them.
    pub fn finish(&self, plan: &Plan, parts: &Parts) -> Result<Vec<String>, OutputError> {
        let mut files = Vec::new();
        for &table in parts.tables() {
            let path = self.path.join(table.file_name());
            match parts.in_place {
                true => {
                    std::fs::File::open(&path)
                        .and_then(|f| f.sync_all())
                        .map_err(io_err(&path))?;
                }
                false => {
                    atomic::write_with(&path, |out| {
                        for (k, job) in plan.jobs.iter().enumerate() {
                            let part = self
                                .read_section(parts, table, job.index)
                                .map_err(std::io::Error::other)?;
                            let rows = if k == 0 {
                                &part[..]
                            } else {
                                let start =
                                    part.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
                                &part[start..]
                            };
                            out.write_all(rows)?;
                        }
                        Ok(())
                    })
                    .map_err(io_err(&path))?;
                }
            }
            files.push(table.file_name().to_string());
        }
        if parts.in_place {
            atomic::sync_dir(&self.path).map_err(io_err(&self.path))?;
        }
        let path = self.path.join("summary.csv");
        let mut all = Vec::with_capacity(plan.jobs.len());
        for job in &plan.jobs {
            all.push(self.series(parts, job.index)?);
        }
        let all: Vec<(&[u32], &[metrics::Metrics])> =
            all.iter().map(|(s, r)| (&s[..], &r[..])).collect();
        atomic::write(&path, summary_csv(&all).as_bytes()).map_err(io_err(&path))?;
        files.push("summary.csv".into());
        Ok(files)
    }

    /// Removes parts/ (after the manifest says `complete`: the tables hold everything).
    pub fn remove_parts(&self) -> Result<(), OutputError> {
        let parts = self.path.join(PARTS);
        std::fs::remove_dir_all(&parts).map_err(io_err(&parts))
    }

    pub fn write_text(&self, name: &str, text: &str) -> Result<(), OutputError> {
        let path = self.path.join(name);
        atomic::write(&path, text.as_bytes()).map_err(io_err(&path))
    }

    pub fn write_manifest(&self, m: &Manifest) -> Result<(), OutputError> {
        self.write_text("manifest.json", &m.to_json())
    }

    /// Reads the folder's manifest.json (for `run --resume`).
    pub fn read_manifest(path: &Path) -> Result<Manifest, OutputError> {
        let file = path.join("manifest.json");
        let text = std::fs::read_to_string(&file).map_err(io_err(&file))?;
        serde_json::from_str(&text).map_err(|e| OutputError::Io {
            path: file,
            source: std::io::Error::other(format!("not the manifest of a run: {e}")),
        })
    }
}

/// What a resumable command's folder holds (a sweep's, a calibration's), for
/// [`take_resumable`].
pub(crate) struct Resumable<'a> {
    /// Files at the top, removed under `--force`.
    pub files: &'a [&'a str],
    /// Folders always removed under `--force` (plots, derived tables).
    pub derived: &'a [&'a str],
    /// Folders of finished work: kept under `--force` when the folder holds the same
    /// command (its simulated jobs or candidates are still good), else removed.
    pub work: &'a [&'a str],
    /// Folders created (empty) for the work to come.
    pub made: &'a [&'a str],
    /// Written first, atomically, in this order (the scenario, then the spec).
    pub first: &'a [(&'a str, &'a [u8])],
}

/// Takes a new folder for a resumable command: locks it, refuses one that holds results
/// unless `force` (then removes what `layout` names, keeping the finished work when `same`
/// says the folder holds this very command), creates the work folders and writes `first`.
pub(crate) fn take_resumable(
    dir: &Path,
    force: bool,
    same: impl FnOnce() -> bool,
    layout: &Resumable,
) -> Result<lock::FolderLock, OutputError> {
    let not_writable = |source| OutputError::NotWritable {
        path: dir.to_path_buf(),
        source,
    };
    let (mut lock, full) = lock::take_for_results(dir, force)?;
    lock.claim();
    if full {
        let same = same();
        for name in layout.files {
            let p = dir.join(name);
            if p.exists() {
                std::fs::remove_file(&p).map_err(not_writable)?;
            }
        }
        let work = layout.work.iter().filter(|_| !same);
        for sub in layout.derived.iter().chain(work) {
            let p = dir.join(sub);
            if p.exists() {
                std::fs::remove_dir_all(&p).map_err(not_writable)?;
            }
        }
    }
    for sub in layout.made {
        std::fs::create_dir_all(dir.join(sub)).map_err(not_writable)?;
    }
    for (name, bytes) in layout.first {
        atomic::write(&dir.join(name), bytes).map_err(not_writable)?;
    }
    Ok(lock)
}

/// Removes the temporary files of atomic writes (`.NAME.tmp-PID`, `.NAME.tmp.png`) that a
/// killed process left in `dir`. Best effort: a folder that cannot be read or written is
/// reported by the writability probe that follows.
pub(crate) fn remove_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = lock::is_debris(&name) && name != lock::LOCK_FILE;
        if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The folder of the per-job parts of a run in progress (removed once the tables are joined).
pub const PARTS: &str = "parts";

/// Which tables a run's jobs write, and where, until the run is complete: in a run of one
/// job, its tables themselves under their final names (nothing to join at the end, nothing
/// copied); otherwise one file per job, `parts/job.NNNNNN`, holding its tables one after
/// another (one file to create per job, not one per table: creating files is what costs
/// when the jobs are many and small). The tables are those the scenario writes
/// ([`Table::written`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    in_place: bool,
    tables: Vec<Table>,
}

impl Parts {
    pub fn of(cfg: &Config, plan: &Plan) -> Parts {
        Parts {
            in_place: plan.jobs.len() == 1,
            tables: Table::written(cfg),
        }
    }

    /// The tables written, in order.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }
}

/// summary.csv: per recorded step and metric, mean, sd and 95% CI over replicates (tidy,
/// long); the interval stays inside the metric's range ([`metrics::bounds`],
/// [`crate::stats::Bounds`]). Each replicate is given as its recorded steps and their rows.
///
/// A replicate that stopped early (at absorption) has fewer rows; its final (absorbed) row
/// is carried forward, so every step summarises all replicates (n is the number of
/// replicates throughout) — up to the last step any replicate simulated. The steps
/// summarised are those recorded by some replicate at which every replicate either has a
/// row or had already stopped: with `output.record_every` K, the weeks 0, K, 2K, ... and
/// the last (a replicate's own last week off that grid, at absorption, is summarised only
/// where no replicate still running lacks a row, so no value is ever carried stale).
pub fn summary_csv(series: &[(&[u32], &[metrics::Metrics])]) -> String {
    let mut steps: Vec<u32> = series.iter().flat_map(|(s, _)| s.iter().copied()).collect();
    steps.sort_unstable();
    steps.dedup();
    let mut t = TTable::default();
    let mut out = String::from("step,metric,mean,sd,ci_low,ci_high,n\n");
    let mut column = Vec::with_capacity(series.len());
    let mut rows: Vec<&metrics::Metrics> = Vec::with_capacity(series.len());
    for step in steps {
        // Each replicate's row at this step, or its last if it stopped before.
        rows.clear();
        let mut whole = true;
        for (s, r) in series {
            match s.binary_search(&step) {
                Ok(k) => rows.push(&r[k]),
                Err(_) if s.last().is_some_and(|&l| l < step) => {
                    rows.extend(r.last());
                }
                Err(_) if s.is_empty() => {}
                Err(_) => whole = false,
            }
        }
        if !whole {
            continue;
        }
        for (m, name) in metrics::NAMES.iter().enumerate() {
            column.clear();
            column.extend(rows.iter().map(|r| r.values[m]));
            let s = summarize_in(&column, metrics::bounds(m), &mut t);
            out.push_str(&format!("{step},{name},"));
            for (k, v) in [s.mean, s.sd, s.ci_low, s.ci_high].into_iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                tables::num(&mut out, v);
            }
            out.push_str(&format!(",{}\n", s.n));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(x: f64) -> metrics::Metrics {
        metrics::Metrics {
            values: [x; metrics::COUNT],
        }
    }

    #[test]
    fn summary_carries_stopped_replicates_forward() {
        // Replicate a stopped (absorbed) after 2 steps, b ran 4 of a cap of 10.
        let a = vec![row(1.0), row(3.0)];
        let b = vec![row(1.0), row(1.0), row(5.0), row(7.0)];
        let csv = summary_csv(&[(&[0, 1], &a), (&[0, 1, 2, 3], &b)]);
        let lines: Vec<&str> = csv.lines().collect();
        // Up to the longest replicate only: 4 steps × every metric, plus the header.
        assert_eq!(lines.len(), 1 + 4 * metrics::COUNT);
        let first = metrics::NAMES[0];
        let at = |step: usize| {
            lines
                .iter()
                .find(|l| l.starts_with(&format!("{step},{first},")))
                .copied()
                .unwrap()
        };
        // Step 3: a's final 3.0 carried forward with b's 7.0; n stays 2.
        assert!(at(3).starts_with(&format!("3,{first},5,")), "{}", at(3));
        assert!(at(3).ends_with(",2"), "{}", at(3));
        assert!(at(1).starts_with(&format!("1,{first},2,")), "{}", at(1));
    }
}
