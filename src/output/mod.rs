//! Output stage: the results folder, its tables (CSV), the manifest and atomic writes.
//!
//! Jobs stream their rows into `parts/` as each ends (one atomic file per job and table);
//! `finish` joins the parts in job order into the final tables, writes `summary.csv`, and
//! only then may the manifest say `complete`.

pub mod atomic;
pub mod manifest;
pub mod sweep;
pub mod tables;

pub use manifest::{Manifest, Status};
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
];

/// A results folder being written.
pub struct ResultsDir {
    pub path: PathBuf,
    /// Per job (by plan index): its time series, kept for the summary (small: steps x metrics).
    series: Mutex<Vec<Option<Vec<metrics::Metrics>>>>,
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
        Ok(())
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
pub fn summary_csv(series: &[&Vec<metrics::Metrics>], steps: usize) -> String {
    let mut t = TTable::default();
    let mut out = String::from("step,metric,mean,sd,ci_low,ci_high,n\n");
    let mut column = Vec::with_capacity(series.len());
    for step in 0..steps {
        for (m, name) in metrics::NAMES.iter().enumerate() {
            column.clear();
            column.extend(
                series
                    .iter()
                    .filter_map(|s| s.get(step))
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
