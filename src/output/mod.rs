//! Output stage: the results folder, its tables (CSV), the manifest and atomic writes.
//!
//! Jobs stream their rows into `parts/` as each ends (one atomic file per job and table);
//! `finish` joins the parts in job order into the final tables, writes `summary.csv`, and
//! only then may the manifest say `complete`.

pub mod atomic;
pub mod manifest;
pub mod sweep;
pub mod tables;

pub use manifest::{Manifest, RunInfo, Status};
pub use tables::Table;

use crate::experiment::{JobResult, Plan};
use crate::model::metrics;
use crate::scenario::Config;
use crate::stats::{summarize, TTable};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
pub struct ResultsDir {
    pub path: PathBuf,
    /// Per job (by plan index): its time series, kept for the summary (small: steps x metrics).
    series: Mutex<Vec<Option<Vec<metrics::Metrics>>>>,
    /// Per job (by plan index): how it ended, and its agent-steps.
    runs: Mutex<Vec<Option<(RunInfo, u64)>>>,
}

impl ResultsDir {
    /// Prepares `path`: refuses an existing non-empty folder unless `force`, and proves the
    /// folder writable before any simulation starts.
    pub fn create(path: &Path, force: bool, jobs: usize) -> Result<ResultsDir, OutputError> {
        let not_writable = |source| OutputError::NotWritable {
            path: path.to_path_buf(),
            source,
        };
        if path.exists() {
            if !path.is_dir() {
                return Err(not_writable(std::io::Error::other(
                    "exists and is not a folder",
                )));
            }
            let non_empty = std::fs::read_dir(path)
                .map_err(not_writable)?
                .next()
                .is_some();
            if non_empty && !force {
                return Err(OutputError::Exists(path.to_path_buf()));
            }
            if force {
                for name in RESULT_FILES {
                    let p = path.join(name);
                    if p.exists() {
                        std::fs::remove_file(&p).map_err(not_writable)?;
                    }
                }
                for sub in ["parts", "plots"] {
                    let p = path.join(sub);
                    if p.exists() {
                        std::fs::remove_dir_all(&p).map_err(not_writable)?;
                    }
                }
            }
        }
        std::fs::create_dir_all(path.join("parts")).map_err(not_writable)?;
        let probe = path.join(".write-test");
        atomic::write(&probe, b"ok").map_err(not_writable)?;
        let _ = std::fs::remove_file(&probe);
        Ok(ResultsDir {
            path: path.to_path_buf(),
            series: Mutex::new(vec![None; jobs]),
            runs: Mutex::new(vec![None; jobs]),
        })
    }

    fn part_path(&self, table: Table, index: u32) -> PathBuf {
        self.path
            .join("parts")
            .join(format!("{}.{index:06}", table.file_name()))
    }

    /// Writes one finished job's rows (called from worker threads, in any order).
    pub fn write_job(&self, cfg: &Config, r: &JobResult) -> Result<(), OutputError> {
        for table in Table::ALL {
            let path = self.part_path(table, r.job.index);
            atomic::write(&path, table.rows(cfg, r).as_bytes()).map_err(io_err(&path))?;
        }
        if let Ok(mut s) = self.series.lock() {
            if let Some(slot) = s.get_mut(r.job.index as usize) {
                *slot = Some(r.series.clone());
            }
        }
        if let Ok(mut s) = self.runs.lock() {
            if let Some(slot) = s.get_mut(r.job.index as usize) {
                let info = RunInfo {
                    replicate: r.job.replicate,
                    seed: r.job.seed,
                    stop_step: r.stop_step,
                    absorbed: r.absorbed,
                };
                *slot = Some((info, r.agent_steps));
            }
        }
        Ok(())
    }

    /// How each finished job ended (plan order), and the agent-steps simulated in all.
    pub fn runs(&self) -> (Vec<RunInfo>, u64) {
        let runs = self.runs.lock().map(|r| r.clone()).unwrap_or_default();
        let flat: Vec<(RunInfo, u64)> = runs.into_iter().flatten().collect();
        let total = flat.iter().map(|r| r.1).sum();
        (flat.into_iter().map(|r| r.0).collect(), total)
    }

    /// Joins the parts into the final tables (job order) and writes summary.csv.
    pub fn finish(&self, cfg: &Config, plan: &Plan) -> Result<Vec<String>, OutputError> {
        let dims = cfg.scenario.identity.dims as usize;
        let mut files = Vec::new();
        for table in Table::ALL {
            let path = self.path.join(table.file_name());
            atomic::write_with(&path, |out| {
                writeln!(out, "{}", table.header(dims))?;
                for job in &plan.jobs {
                    let part = std::fs::read(self.part_path(table, job.index))?;
                    out.write_all(&part)?;
                }
                Ok(())
            })
            .map_err(io_err(&path))?;
            files.push(table.file_name().to_string());
        }
        let path = self.path.join("summary.csv");
        let series = self
            .series
            .lock()
            .map_err(|_| io_err(&path)(std::io::Error::other("a worker thread panicked")))?;
        let all: Vec<&Vec<metrics::Metrics>> = series.iter().flatten().collect();
        atomic::write(
            &path,
            summary_csv(&all, cfg.scenario.steps as usize).as_bytes(),
        )
        .map_err(io_err(&path))?;
        files.push("summary.csv".into());
        std::fs::remove_dir_all(self.path.join("parts")).map_err(io_err(&self.path))?;
        Ok(files)
    }

    pub fn write_text(&self, name: &str, text: &str) -> Result<(), OutputError> {
        let path = self.path.join(name);
        atomic::write(&path, text.as_bytes()).map_err(io_err(&path))
    }

    pub fn write_manifest(&self, m: &Manifest) -> Result<(), OutputError> {
        self.write_text("manifest.json", &m.to_json())
    }
}

/// summary.csv: per step and metric, mean, sd and 95% CI over replicates (tidy, long).
///
/// A replicate that stopped early (at absorption) has fewer rows; its final (absorbed) row
/// is carried forward to the last step, so every step summarises all replicates (n is the
/// number of replicates throughout) — up to the last step any replicate simulated (`steps`
/// when none stopped early).
pub fn summary_csv(series: &[&Vec<metrics::Metrics>], steps: usize) -> String {
    let steps = steps.min(series.iter().map(|s| s.len()).max().unwrap_or(0));
    let mut t = TTable::default();
    let mut out = String::from("step,metric,mean,sd,ci_low,ci_high,n\n");
    let mut column = Vec::with_capacity(series.len());
    for step in 0..steps {
        for (m, name) in metrics::NAMES.iter().enumerate() {
            column.clear();
            column.extend(
                series
                    .iter()
                    .filter_map(|s| s.get(step).or(s.last()))
                    .map(|r| r.values[m]),
            );
            let s = summarize(&column, &mut t);
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
        let csv = summary_csv(&[&a, &b], 10);
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
