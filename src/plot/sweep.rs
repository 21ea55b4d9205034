//! Plots of a sweep folder, from its `sweep.json` and `sweep_summary.csv` alone:
//! - `response`: a metric (time-averaged over the run) against the first varied field, with
//!   95% CI ribbons, one line per value of the second varied field;
//! - `heatmap`: for two-field grids, the metric's mean over the grid of both fields.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::panel::title;
use super::style;
use super::{render, DrawResult, Figure, OrDraw, PlotError};
use crate::output::sweep::{read_spec, SweepSpec};
use crate::validation::Series;

/// The metric the sweep plots show, and how they name it.
pub const METRIC: &str = "loneliness_prevalence";
const STATISTIC: &str = "mean";
const LABEL: &str = "Lonely agents, time-averaged (%)";

/// (point, mean, ci_low, ci_high) of `METRIC`/`STATISTIC` per point.
fn read_summary(dir: &Path, params: usize) -> Result<Vec<(usize, f64, f64, f64)>, PlotError> {
    let path = dir.join("sweep_summary.csv");
    let csv_err = |line: u64, message: String| PlotError::Csv {
        path: path.clone(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(&path)
        .map_err(|e| csv_err(1, e.to_string()))?;
    let mut out = Vec::new();
    for (k, rec) in reader.records().enumerate() {
        let line = k as u64 + 2;
        let rec = rec.map_err(|e| csv_err(line, e.to_string()))?;
        let field = |i: usize| rec.get(i).unwrap_or("");
        if field(params + 1) != METRIC || field(params + 2) != STATISTIC {
            continue;
        }
        let num = |i: usize| -> f64 { field(i).parse().unwrap_or(f64::NAN) };
        let point: usize = field(0)
            .parse()
            .map_err(|_| csv_err(line, format!("point `{}` is not a number", field(0))))?;
        out.push((
            point,
            100.0 * num(params + 3),
            100.0 * num(params + 5),
            100.0 * num(params + 6),
        ));
    }
    Ok(out)
}

/// A value as a number for an axis, or its position among `values` when it is not one.
fn as_x(value: &str, values: &[String]) -> f64 {
    value
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .unwrap_or_else(|| values.iter().position(|v| v == value).unwrap_or(0) as f64)
}

/// Draws the sweep's plots into `dir/plots/`; returns the written paths. A sweep without
/// varied fields has nothing to plot.
pub fn plot_sweep(dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    let spec = read_spec(dir).map_err(|e| PlotError::Csv {
        path: dir.join("sweep.json"),
        line: 1,
        message: e.to_string(),
    })?;
    if spec.vary.is_empty() {
        return Ok(Vec::new());
    }
    let rows = read_summary(dir, spec.vary.len())?;
    let out = dir.join("plots");
    let mut written = Vec::new();
    written.extend(response(&spec, &rows, &out)?);
    if spec.vary.len() == 2 && spec.design == "grid" {
        written.extend(heatmap(&spec, &rows, &out)?);
    }
    Ok(written)
}

fn response(
    spec: &SweepSpec,
    rows: &[(usize, f64, f64, f64)],
    out: &Path,
) -> Result<Vec<PathBuf>, PlotError> {
    let first = &spec.vary[0];
    let mut lines: BTreeMap<String, Vec<(f64, f64, f64, f64)>> = BTreeMap::new();
    for &(p, m, lo, hi) in rows {
        let Some(values) = spec.points.get(p) else {
            continue;
        };
        let key = match spec.vary.get(1) {
            Some(v) => format!("{} = {}", v.path, values[1]),
            None => "mean over replicates".to_string(),
        };
        lines
            .entry(key)
            .or_default()
            .push((as_x(&values[0], &first.values), m, lo, hi));
    }
    let series: Vec<Series> = lines
        .into_iter()
        .map(|(name, mut points)| {
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            Series { name, points }
        })
        .collect();
    super::validation::plot_lines(
        out,
        "response",
        format!("{} — response to {}", spec.scenario, first.path),
        &first.path,
        LABEL,
        &series,
    )
}

struct Heatmap {
    title: String,
    x_path: String,
    y_path: String,
    xs: Vec<String>,
    ys: Vec<String>,
    /// Mean per (x index, y index).
    cells: Vec<(usize, usize, f64)>,
}

fn heatmap(
    spec: &SweepSpec,
    rows: &[(usize, f64, f64, f64)],
    out: &Path,
) -> Result<Vec<PathBuf>, PlotError> {
    let (vx, vy) = (&spec.vary[0], &spec.vary[1]);
    let cells = rows
        .iter()
        .filter_map(|&(p, m, _, _)| {
            let values = spec.points.get(p)?;
            let x = vx.values.iter().position(|v| *v == values[0])?;
            let y = vy.values.iter().position(|v| *v == values[1])?;
            Some((x, y, m))
        })
        .collect();
    let fig = Heatmap {
        title: format!("{} — {LABEL}", spec.scenario),
        x_path: vx.path.clone(),
        y_path: vy.path.clone(),
        xs: vx.values.clone(),
        ys: vy.values.clone(),
        cells,
    };
    std::fs::create_dir_all(out).map_err(|source| PlotError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    render(out, &fig)
}

/// A sequential colour from light yellow (0) to dark blue (1).
fn ramp(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let (a, b) = ((255.0, 247.0, 188.0), (8.0, 48.0, 107.0));
    let mix = |u: f64, v: f64| (u + (v - u) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Figure for Heatmap {
    fn name(&self) -> &'static str {
        "heatmap"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (lo, hi) = self
            .cells
            .iter()
            .map(|c| c.2)
            .filter(|m| m.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), m| {
                (a.min(m), b.max(m))
            });
        let span = if hi > lo { hi - lo } else { 1.0 };
        let body = title(
            root,
            &format!("{} — light {lo:.1}, dark {hi:.1}", self.title),
        )?;
        let (nx, ny) = (self.xs.len(), self.ys.len());
        let font = (style::FAMILY, style::TICK_PX);
        let mut chart = ChartBuilder::on(&body)
            .margin(30)
            .x_label_area_size(90)
            .y_label_area_size(230)
            .build_cartesian_2d(
                (0..nx as i32 - 1).into_segmented(),
                (0..ny as i32 - 1).into_segmented(),
            )
            .or_draw()?;
        let (xs, ys) = (self.xs.clone(), self.ys.clone());
        let label = |values: &[String], v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(k) => values.get(*k as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx.min(25))
            .y_labels(ny.min(25))
            .x_label_formatter(&|v| label(&xs, v))
            .y_label_formatter(&|v| label(&ys, v))
            .x_desc(self.x_path.as_str())
            .y_desc(self.y_path.as_str())
            .label_style(font)
            .axis_desc_style((style::FAMILY, style::AXIS_DESC_PX))
            .draw()
            .or_draw()?;
        for &(x, y, m) in &self.cells {
            let color = if m.is_finite() {
                ramp((m - lo) / span)
            } else {
                style::GRID_MAJOR
            };
            let (x0, y0) = (x as i32, y as i32);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        (SegmentValue::Exact(x0), SegmentValue::Exact(y0)),
                        (SegmentValue::Exact(x0 + 1), SegmentValue::Exact(y0 + 1)),
                    ],
                    color.filled(),
                )))
                .or_draw()?;
            if nx * ny <= 100 && m.is_finite() {
                let ink = if (m - lo) / span > 0.55 {
                    WHITE
                } else {
                    style::INK
                };
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{m:.1}"),
                        (SegmentValue::CenterOf(x0), SegmentValue::CenterOf(y0)),
                        (style::FAMILY, style::LEGEND_PX)
                            .into_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    )))
                    .or_draw()?;
            }
        }
        Ok(())
    }
}
