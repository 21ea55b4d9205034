//! The tables of a sensitivity analysis (a sweep with a Morris or Sobol' design), written when
//! its sweep is complete, from `sweep.json` and `sweep_summary.csv` alone (so a resumed,
//! sharded-and-merged or single-machine analysis writes the same bytes):
//!
//! ```text
//! DIR/design.csv   every point: its group (trajectory or base row), its role in the design
//!                  and the value of every varied field (the unit-cube coordinates as well)
//! DIR/indices.csv  one row per varied field, metric and statistic: Morris mu, mu_star,
//!                  sigma or Sobol' S1, ST, each with a bootstrap 95% interval
//! ```
//!
//! The output of a point is its replicates' mean of the statistic (`final`: the metric at
//! the last recorded week; `mean`: its mean over the recorded weeks), as `sweep_summary.csv`
//! gives it. With common random numbers (the default) replicate r of every point shares its
//! seed, so a field without effect gets indices of exactly 0. The intervals resample the
//! design (trajectories, base rows) over those means: they say how much the indices hang on
//! the design's sample, not on replicate noise (which more replicates shrink).

use super::sweep::SweepSpec;
use super::tables::{csv_field, num};
use super::{atomic, io_err, OutputError};
use crate::catalogue::NAMES;
use crate::experiment::sweep::SensitivityDesign;
use crate::stats::sensitivity::{self, Bootstrap};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The files a sensitivity analysis adds to its sweep's folder.
pub const FILES: &[&str] = &["design.csv", "indices.csv"];

/// Bootstrap resamples behind each interval.
pub const RESAMPLES: usize = 1000;

/// The statistics of a point's series a sweep summarises (columns `final_*` and `mean_*`).
pub const STATISTICS: [&str; 2] = ["final", "mean"];

/// Writes design.csv and indices.csv if the sweep's design is a sensitivity design; returns
/// the files written (none for other designs).
pub fn finish(dir: &Path, spec: &SweepSpec) -> Result<Vec<String>, OutputError> {
    let points = spec.point_set()?;
    let Some(design) = points.sensitivity() else {
        return Ok(Vec::new());
    };
    let paths: Vec<&str> = spec.vary.iter().map(|v| v.path.as_str()).collect();
    write_design(dir, design, &paths, |k| points.point(k))?;
    let outputs = read_outputs(dir, spec.n_points as usize)?;
    let boot = Bootstrap {
        resamples: RESAMPLES,
        level: 0.95,
        seed: spec.seed,
    };
    let path = dir.join("indices.csv");
    atomic::write_with(&path, |out| {
        let columns: &[&str] = match design {
            SensitivityDesign::Morris(_) => &["mu", "mu_star", "sigma"],
            SensitivityDesign::Sobol(_) => &["S1", "ST"],
        };
        write!(out, "parameter,metric,statistic")?;
        for c in columns {
            write!(out, ",{c},{c}_ci_low,{c}_ci_high")?;
        }
        writeln!(out)?;
        for name in NAMES {
            for stat in STATISTICS {
                let y = outputs.get(&(name.to_string(), stat.to_string()));
                let rows = indices(design, paths.len(), y.map(Vec::as_slice), &boot);
                for (p, values) in paths.iter().zip(rows) {
                    let mut line = format!("{},{name},{stat}", csv_field(p));
                    for v in values {
                        line.push(',');
                        num(&mut line, v);
                    }
                    writeln!(out, "{line}")?;
                }
            }
        }
        Ok(())
    })
    .map_err(io_err(&path))?;
    Ok(FILES.iter().map(|f| f.to_string()).collect())
}

/// Each field's indices and their intervals, in the columns' order; missing (NaN) where the
/// outputs are missing or not all finite (a metric undefined at some point).
fn indices(
    design: &SensitivityDesign,
    k: usize,
    y: Option<&[f64]>,
    boot: &Bootstrap,
) -> Vec<Vec<f64>> {
    let missing = |n: usize| vec![vec![f64::NAN; n]; k];
    match design {
        SensitivityDesign::Morris(d) => match y.map(|y| sensitivity::morris_indices(d, y, boot)) {
            Some(Ok(all)) => all
                .iter()
                .map(|m| {
                    vec![
                        m.mu,
                        m.mu_ci_low,
                        m.mu_ci_high,
                        m.mu_star,
                        m.mu_star_ci_low,
                        m.mu_star_ci_high,
                        m.sigma,
                        m.sigma_ci_low,
                        m.sigma_ci_high,
                    ]
                })
                .collect(),
            _ => missing(9),
        },
        SensitivityDesign::Sobol(_) => match y.map(|y| sensitivity::sobol_indices(k, y, boot)) {
            Some(Ok(all)) => all
                .factors
                .iter()
                .map(|s| {
                    vec![
                        s.s1,
                        s.s1_ci_low,
                        s.s1_ci_high,
                        s.st,
                        s.st_ci_low,
                        s.st_ci_high,
                    ]
                })
                .collect(),
            _ => missing(6),
        },
    }
}

/// design.csv: every point with its group and role in the design, its values and its
/// unit-cube coordinates.
fn write_design(
    dir: &Path,
    design: &SensitivityDesign,
    paths: &[&str],
    values: impl Fn(u64) -> Vec<String>,
) -> Result<(), OutputError> {
    let path = dir.join("design.csv");
    let k = paths.len();
    atomic::write_with(&path, |out| {
        write!(out, "point,group,role")?;
        for p in paths {
            write!(out, ",{}", csv_field(p))?;
        }
        for p in paths {
            write!(out, ",{}", csv_field(&format!("unit:{p}")))?;
        }
        writeln!(out)?;
        for (row, unit) in design.points().iter().enumerate() {
            let (group, role) = match design {
                SensitivityDesign::Morris(d) => {
                    let (t, s) = (row / (k + 1), row % (k + 1));
                    let role = match s {
                        0 => "start".to_string(),
                        _ => {
                            let step = d.steps[t * k + s - 1];
                            let sign = if step.up { "+" } else { "-" };
                            format!("{}{sign}", paths[step.factor])
                        }
                    };
                    (t, role)
                }
                SensitivityDesign::Sobol(_) => {
                    let (j, s) = (row / (k + 2), row % (k + 2));
                    let role = match s {
                        0 => "A".to_string(),
                        s if s == k + 1 => "B".to_string(),
                        s => format!("AB:{}", paths[s - 1]),
                    };
                    (j, role)
                }
            };
            let mut line = format!("{row},{group},{}", csv_field(&role));
            for v in values(row as u64) {
                line.push(',');
                line.push_str(&csv_field(&v));
            }
            for &u in unit {
                line.push(',');
                num(&mut line, u);
            }
            writeln!(out, "{line}")?;
        }
        Ok(())
    })
    .map_err(io_err(&path))
}

/// Every point's output, keyed by (metric, statistic): the `mean` column of
/// sweep_summary.csv (missing values as NaN).
fn read_outputs(
    dir: &Path,
    points: usize,
) -> Result<HashMap<(String, String), Vec<f64>>, OutputError> {
    let path = dir.join("sweep_summary.csv");
    let bad = |message: String| OutputError::Io {
        path: path.clone(),
        source: std::io::Error::other(message),
    };
    let mut reader = csv::Reader::from_path(&path).map_err(|e| bad(e.to_string()))?;
    let header = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("no column {name}")))
    };
    let (c_point, c_metric, c_stat, c_mean) = (
        col("point")?,
        col("metric")?,
        col("statistic")?,
        col("mean")?,
    );
    let mut out: HashMap<(String, String), Vec<f64>> = HashMap::new();
    for record in reader.records() {
        let r = record.map_err(|e| bad(e.to_string()))?;
        let field = |c: usize| r.get(c).unwrap_or("");
        let point: usize = field(c_point)
            .parse()
            .ok()
            .filter(|&p| p < points)
            .ok_or_else(|| bad(format!("bad point `{}`", field(c_point))))?;
        let mean = field(c_mean).parse::<f64>().unwrap_or(f64::NAN);
        let ys = out
            .entry((field(c_metric).to_string(), field(c_stat).to_string()))
            .or_insert_with(|| vec![f64::NAN; points]);
        ys[point] = mean;
    }
    Ok(out)
}
