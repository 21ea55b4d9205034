//! One chart per validation target (`belonging validate`): the target's series as lines with
//! 95% CI ribbons, titled with the target and its verdict.

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

use super::data::BandPoint;
use super::panel::{band_panel, title, BandPanel, Series, Stroke};
use super::style;
use super::{render, DrawResult, Figure, PlotError};
use crate::validation::Report;

/// File stems, one per target number (plotters' figures are named by static strings).
const NAMES: [&str; 10] = [
    "target_0", "target_1", "target_2", "target_3", "target_4", "target_5", "target_6", "target_7",
    "target_8", "target_9",
];

/// Width of the legend strip right of the plot.
const LEGEND_STRIP_W: u32 = 520;

struct ValidationFig {
    name: &'static str,
    title: String,
    series: Vec<Series>,
    x_label: String,
    y_label: String,
    x_integer: bool,
}

impl Figure for ValidationFig {
    fn name(&self) -> &'static str {
        self.name
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
        let y_cap = if top > 0.0 { top * 1.15 } else { 1.0 };
        let panel = band_panel(
            &plot,
            &BandPanel {
                caption: None,
                x_desc: Some(&self.x_label),
                y_desc: &self.y_label,
                y_cap,
                y_step: super::panel::nice_step(y_cap / 6.0),
                legend_inside: false,
                extra_legend_rows: 0,
                x_integer: self.x_integer,
                allow_negative: true,
            },
            &self.series,
        )?;
        panel.finish_outside(&legend)
    }
}

/// Draws `report`'s chart into `out` as `target_N.png` and `.svg`; returns the paths.
pub fn plot_report(report: &Report, out: &Path) -> Result<Vec<PathBuf>, PlotError> {
    let name = NAMES
        .get(report.target as usize)
        .copied()
        .unwrap_or("target");
    let title = format!(
        "Target {}: {} — {}",
        report.target,
        report.title,
        if report.pass() { "holds" } else { "FAILS" }
    );
    plot_lines(
        out,
        name,
        title,
        &report.x_label,
        &report.y_label,
        &report.series,
    )
}

/// Lines with 95% CI ribbons (where a series has them) as `out/NAME.png` and `.svg`.
pub(crate) fn plot_lines(
    out: &Path,
    name: &'static str,
    title: String,
    x_label: &str,
    y_label: &str,
    lines: &[crate::validation::Series],
) -> Result<Vec<PathBuf>, PlotError> {
    super::fonts().clone().map_err(PlotError::Font)?;
    let series: Vec<Series> = lines
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let color = style::CYCLE[k % style::CYCLE.len()];
            let points: Vec<BandPoint> = s
                .points
                .iter()
                .map(|&(x, y, lo, hi)| BandPoint {
                    x,
                    y: y.is_finite().then_some(y),
                    lo: lo.is_finite().then_some(lo),
                    hi: hi.is_finite().then_some(hi),
                })
                .collect();
            let ribbon = points
                .iter()
                .any(|p| matches!((p.lo, p.hi), (Some(l), Some(h)) if h > l));
            Series {
                label: Some(s.name.clone()),
                stroke: Stroke::solid(color, style::LINE_W),
                points,
                ribbon,
            }
        })
        .collect();
    let x_integer = lines
        .iter()
        .flat_map(|s| s.points.iter())
        .all(|p| p.0.fract() == 0.0);
    let fig = ValidationFig {
        name,
        title,
        series,
        x_label: x_label.to_string(),
        y_label: y_label.to_string(),
        x_integer,
    };
    std::fs::create_dir_all(out).map_err(|source| PlotError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    render(out, &fig)
}

/// The comparison of `belonging compare`: both mean trajectories with their 95% CIs, as
/// `out/compare.png` and `.svg`.
pub fn plot_compare(
    out: &Path,
    title: &str,
    metric: &str,
    lines: &[crate::validation::Series],
) -> Result<Vec<PathBuf>, PlotError> {
    plot_lines(
        out,
        "compare",
        title.to_string(),
        "Time (weeks)",
        &format!("{metric} (mean over replicates)"),
        lines,
    )
}
