//! The chart of a `belonging compare` folder, from its `compare.csv` and
//! `compare_series.csv` alone (so `belonging plot DIR` redraws it): both arms' mean
//! trajectories of the metric with their 95% CI bands, the y axis inside the metric's range,
//! and the compared week marked with the difference and the agent-level effect size.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

use super::data::BandPoint;
use super::panel::{band_panel, nice_step, title, BandPanel, Series, Spot, Stroke};
use super::style::{self, BLUE, INK, VERMILLION};
use super::{render, DrawResult, Figure, PlotError};
use crate::model::metrics;

/// What compare.csv says (one row).
#[derive(Debug, Clone, PartialEq)]
struct Row {
    metric: String,
    at: f64,
    treatment: String,
    control: String,
    replicates: String,
    difference: f64,
    low: f64,
    high: f64,
    d: f64,
    d_low: f64,
    d_high: f64,
}

fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), PlotError> {
    let csv_err = |line: u64, message: String| PlotError::Csv {
        path: path.to_path_buf(),
        line,
        message,
    };
    if !path.is_file() {
        return Err(PlotError::MissingInput {
            path: path.to_path_buf(),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| csv_err(1, e.to_string()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_err(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for (k, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| csv_err(k as u64 + 2, e.to_string()))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}

fn column(header: &[String], name: &str, path: &Path) -> Result<usize, PlotError> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| PlotError::Csv {
            path: path.to_path_buf(),
            line: 1,
            message: format!("no column `{name}`"),
        })
}

fn number(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

fn read_row(path: &Path) -> Result<Row, PlotError> {
    let (header, rows) = read_csv(path)?;
    let row = rows.first().ok_or_else(|| PlotError::Csv {
        path: path.to_path_buf(),
        line: 2,
        message: "no comparison row".into(),
    })?;
    let get = |name: &str| -> Result<String, PlotError> {
        Ok(row
            .get(column(&header, name, path)?)
            .cloned()
            .unwrap_or_default())
    };
    Ok(Row {
        metric: get("metric")?,
        at: number(&get("at")?),
        treatment: get("treatment")?,
        control: get("control")?,
        replicates: get("replicates")?,
        difference: number(&get("difference")?),
        low: number(&get("difference_ci_low")?),
        high: number(&get("difference_ci_high")?),
        d: number(&get("cohens_d")?),
        d_low: number(&get("cohens_d_ci_low")?),
        d_high: number(&get("cohens_d_ci_high")?),
    })
}

/// (treatment, control) points of compare_series.csv.
fn read_series(path: &Path) -> Result<[Vec<BandPoint>; 2], PlotError> {
    let (header, rows) = read_csv(path)?;
    let [role, step, mean, lo, hi] =
        ["role", "step", "mean", "ci_low", "ci_high"].map(|c| column(&header, c, path));
    let (role, step, mean, lo, hi) = (role?, step?, mean?, lo?, hi?);
    let mut out = [Vec::new(), Vec::new()];
    for (k, r) in rows.iter().enumerate() {
        let arm = match r.get(role).map(String::as_str) {
            Some("treatment") => 0,
            Some("control") => 1,
            other => {
                return Err(PlotError::Csv {
                    path: path.to_path_buf(),
                    line: k as u64 + 2,
                    message: format!(
                        "role `{}`: expected treatment or control",
                        other.unwrap_or("")
                    ),
                })
            }
        };
        let x = number(r.get(step).map_or("", String::as_str));
        let finite = |i: usize| {
            let v = number(r.get(i).map_or("", String::as_str));
            v.is_finite().then_some(v)
        };
        if x.is_finite() {
            out[arm].push(BandPoint {
                x,
                y: finite(mean),
                lo: finite(lo),
                hi: finite(hi),
            });
        }
    }
    Ok(out)
}

/// Width of the legend strip right of the plot.
const LEGEND_STRIP_W: u32 = 470;

struct CompareFig {
    title: String,
    metric: String,
    /// Share metrics are drawn in percent.
    scale: f64,
    at: f64,
    note: String,
    series: Vec<Series>,
    y_cap: f64,
    x_desc: &'static str,
}

impl Figure for CompareFig {
    fn name(&self) -> &'static str {
        "compare"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let width = body.dim_in_pixel().0;
        let (plot, legend) = body.split_horizontally(width.saturating_sub(LEGEND_STRIP_W));
        let top = self
            .series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter_map(|p| p.hi.or(p.y))
            .fold(0.0f64, f64::max);
        let unit = if self.scale == 100.0 {
            " (%)"
        } else if self.y_cap == 1.0 {
            " (0–1)"
        } else {
            ""
        };
        let y_desc = format!("{}{unit}, mean over replicates", self.metric);
        let mut panel = band_panel(
            &plot,
            &BandPanel {
                caption: None,
                x_desc: Some(self.x_desc),
                y_desc: &y_desc,
                y_cap: self.y_cap,
                y_step: nice_step(top.min(self.y_cap) / 6.0),
                legend_inside: false,
                extra_legend_rows: 1,
                x_integer: true,
                allow_negative: false,
            },
            &self.series,
        )?;
        let (y0, y1) = panel.y_range();
        panel.vline(self.at, Stroke::dashed(INK, style::THIN_W))?;
        panel.legend_entry(super::panel::LegendEntry::new(
            format!("compared week ({})", self.at),
            super::panel::Swatch::Line(Stroke::dashed(INK, style::THIN_W)),
        ));
        panel.text_best(
            &self.note,
            &[
                Spot::new((self.at, y1), (-10, 10), Pos::new(HPos::Right, VPos::Top)),
                Spot::new((self.at, y1), (10, 10), Pos::new(HPos::Left, VPos::Top)),
                Spot::new(
                    (self.at, y0),
                    (-10, -10),
                    Pos::new(HPos::Right, VPos::Bottom),
                ),
                Spot::new((self.at, y0), (10, -10), Pos::new(HPos::Left, VPos::Bottom)),
            ],
            &INK,
        )?;
        panel.finish_outside(&legend)
    }
}

/// Draws `dir/plots/compare.png` and `.svg` from the comparison's tables; returns the paths.
pub fn plot_compare_dir(dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    super::fonts().clone().map_err(PlotError::Font)?;
    let row = read_row(&dir.join("compare.csv"))?;
    let [treatment, control] = read_series(&dir.join("compare_series.csv"))?;
    let bounds =
        metrics::index_of(&row.metric).map_or(crate::stats::Bounds::NON_NEGATIVE, metrics::bounds);
    let share = row.metric.contains("prevalence") || row.metric.contains("share");
    let scale = if share { 100.0 } else { 1.0 };
    let y_cap = bounds.hi.map_or(f64::INFINITY, |h| h * scale);
    let scaled = |p: &[BandPoint]| super::data::scale(p, scale);
    let classic = std::fs::read_to_string(dir.join("treatment.ron"))
        .ok()
        .and_then(|t| crate::scenario::load::parse_str("treatment.ron", &t).ok())
        .is_some_and(|s| !s.belonging.enabled);
    let fmt = |x: f64| {
        if !x.is_finite() {
            "–".into()
        } else if share {
            format!("{:.1}", x * scale)
        } else {
            format!("{:.3}", x)
        }
    };
    let mut note = format!(
        "difference {} [{}, {}]{}",
        fmt(row.difference),
        fmt(row.low),
        fmt(row.high),
        if share { " points" } else { "" }
    );
    if row.d.is_finite() {
        note.push_str(&format!(
            "; d over agents {:.2} [{:.2}, {:.2}]",
            row.d, row.d_low, row.d_high
        ));
    }
    let fig = CompareFig {
        title: format!(
            "Treatment {} vs control {} — n = {} replicate pairs",
            row.treatment, row.control, row.replicates
        ),
        metric: row.metric.clone(),
        scale,
        at: row.at,
        note,
        series: vec![
            Series::band("treatment", VERMILLION, &scaled(&treatment)),
            Series::band("control", BLUE, &scaled(&control)),
        ],
        y_cap,
        x_desc: if classic {
            "Time (steps)"
        } else {
            "Time (weeks)"
        },
    };
    let out = dir.join("plots");
    std::fs::create_dir_all(&out).map_err(|source| PlotError::Io {
        path: out.clone(),
        source,
    })?;
    render(&out, &fig)
}
