//! One chart per validation target (`belonging validate`): the model's lines with 95% CI
//! ribbons and its points, the published figures and the tolerance bands, titled with the
//! target, its verdict and the number of replicates; [`plot_validation_dir`] redraws them from
//! a folder's `validation.json`.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

use super::data::BandPoint;
use super::panel::{extent, nice_step, title, Axes, LegendEntry, Panel, Stroke, Swatch};
use super::style;
use super::{render, DrawResult, Figure, OrDraw, PlotError};
use crate::validation::{Chart, RefKind, Report, Results};

/// File stems, one per target number (plotters' figures are named by static strings).
const NAMES: [&str; 15] = [
    "target_0",
    "target_1",
    "target_2",
    "target_3",
    "target_4",
    "target_5",
    "target_6",
    "target_7",
    "target_8",
    "target_9",
    "target_10",
    "target_11",
    "target_12",
    "target_13",
    "target_14",
];

/// Width of the legend strip right of the plot.
const LEGEND_STRIP_W: u32 = 520;

/// Draws `report`'s chart into `out` as `target_N.png` and `.svg`; returns the paths.
///
/// Every panel ([`Chart`]) shows the model's lines (with 95% CI ribbons) and points, the
/// published figures (hollow black circles, dashed lines) and the tolerance bands or boxes
/// (green), with axes that include them all; the title gives the verdict and the number of
/// replicates.
pub fn plot_report(report: &Report, out: &Path) -> Result<Vec<PathBuf>, PlotError> {
    super::fonts().clone().map_err(PlotError::Font)?;
    let name = NAMES
        .get(report.target as usize)
        .copied()
        .unwrap_or("target");
    let fig = ReportFig {
        name,
        title: format!(
            "Target {}: {} — {} (n = {} replicates)",
            report.target,
            report.title,
            report.verdict().shout(),
            report.replicates
        ),
        charts: &report.charts,
    };
    std::fs::create_dir_all(out).map_err(|source| PlotError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    render(out, &fig)
}

/// Redraws the plots of a `belonging validate` folder from its `validation.json` alone, into
/// `dir/plots/` (`target_N.png` and `.svg` per report); returns the paths written.
///
/// # Errors
///
/// [`PlotError::MissingInput`] when `validation.json` is absent, [`PlotError::Json`] when it
/// is not a validation file, [`PlotError::Io`] / [`PlotError::Draw`] when reading or drawing
/// fails.
pub fn plot_validation_dir(dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    let path = dir.join("validation.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(PlotError::MissingInput { path })
        }
        Err(source) => return Err(PlotError::Io { path, source }),
    };
    let results: Results =
        serde_json::from_str(&text).map_err(|source| PlotError::Json { path, source })?;
    let out = dir.join("plots");
    let mut written = Vec::new();
    for report in &results.reports {
        written.extend(plot_report(report, &out)?);
    }
    Ok(written)
}

/// Colours of a report chart's lines and point sets: the Okabe–Ito palette without its
/// bluish green, which marks tolerances (green last, for a sixth line).
const REPORT_CYCLE: [RGBColor; 6] = [
    style::BLUE,
    style::VERMILLION,
    style::PURPLE,
    style::ORANGE,
    style::SKY,
    style::GREEN,
];
/// Tolerance bands and boxes.
const TOLERANCE: RGBColor = style::GREEN;
/// Windows of x a check measures.
const WINDOW: RGBColor = style::ORANGE;

/// Canvas height added for each panel beyond two.
const EXTRA_PANEL_H: u32 = 420;

/// Share of the body height given to the first of two stacked panels.
const FIRST_PANEL_SHARE: f64 = 0.55;

struct ReportFig<'r> {
    name: &'static str,
    title: String,
    charts: &'r [Chart],
}

impl Figure for ReportFig<'_> {
    fn name(&self) -> &'static str {
        self.name
    }

    /// The standard canvas for one or two panels, taller by [`EXTRA_PANEL_H`] per panel
    /// beyond two.
    fn size(&self) -> (u32, u32) {
        let (w, h) = style::SIZE;
        let extra = self.charts.len().saturating_sub(2) as u32;
        (w, h + extra * EXTRA_PANEL_H)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        // Two panels: the first (the claim's main figure) gets more height; three or more
        // share it equally.
        let h = body.dim_in_pixel().1 as f64;
        let n = self.charts.len();
        let heights: Vec<u32> = match n {
            0 => return Ok(()),
            1 => vec![h as u32],
            2 => vec![(h * FIRST_PANEL_SHARE) as u32],
            _ => vec![(h / n as f64) as u32; n - 1],
        };
        let mut rest = body;
        for (k, chart) in self.charts.iter().enumerate() {
            if k + 1 == n {
                draw_chart(&rest, chart)?;
            } else {
                let (this, next) = rest.split_vertically(heights[k]);
                draw_chart(&this, chart)?;
                rest = next;
            }
        }
        Ok(())
    }
}

/// The x and y ranges of a chart: everything drawn, and 0 where the metric allows it, on a
/// y axis padded and rounded to a tick step, kept inside the metric's range.
fn chart_ranges(chart: &Chart) -> ((f64, f64), (f64, f64)) {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for s in chart.series.iter().chain(&chart.points) {
        for &(x, y, lo, hi) in &s.points {
            if y.is_finite() {
                xs.push(x);
            }
            ys.extend([y, lo, hi]);
        }
    }
    for r in &chart.references {
        match r.kind {
            RefKind::Band { lo, hi } => ys.extend(lo.into_iter().chain(hi)),
            RefKind::Interval { x, width, lo, hi } => {
                xs.extend([x - width / 2.0, x + width / 2.0]);
                ys.extend([lo, hi]);
            }
            RefKind::Line { y } => ys.push(y),
            RefKind::Point { x, y } => {
                xs.push(x);
                ys.push(y);
            }
            RefKind::Window { from, to } => xs.extend([from, to]),
        }
    }
    let bounds = chart.bounds();
    if bounds.clamp(0.0) == 0.0 {
        ys.push(0.0);
    }
    let x = extent(xs.into_iter().filter(|v| v.is_finite()));
    let (lo, hi) = extent(ys.into_iter().filter(|v| v.is_finite()));
    let pad = 0.06 * (hi - lo);
    let step = nice_step((hi - lo + 2.0 * pad) / 6.0);
    let mut y0 = ((lo - pad) / step).floor() * step;
    let mut y1 = ((hi + pad) / step).ceil() * step;
    // Stay inside the metric's range, and do not pad below 0 when the data start there.
    if lo >= 0.0 && y0 < 0.0 {
        y0 = 0.0;
    }
    y0 = bounds.clamp(y0);
    y1 = bounds.clamp(y1);
    if y1 - y0 < 1e-12 {
        y1 = y0 + step;
    }
    (x, (y0, y1))
}

fn band_points(x: (f64, f64), lo: f64, hi: f64) -> Vec<BandPoint> {
    [x.0, x.1]
        .iter()
        .map(|&x| BandPoint {
            x,
            y: None,
            lo: Some(lo),
            hi: Some(hi),
        })
        .collect()
}

fn band_point((x, y, lo, hi): (f64, f64, f64, f64)) -> BandPoint {
    BandPoint {
        x,
        y: y.is_finite().then_some(y),
        lo: lo.is_finite().then_some(lo),
        hi: hi.is_finite().then_some(hi),
    }
}

/// Height of the caption strip above a chart.
const CAPTION_H: u32 = 48;
/// Pixels of a panel above and below its plotting area (`panel::Panel::new`'s margins and
/// x label area).
const PLOT_TOP: i32 = 14;
const PLOT_BOTTOM: i32 = 14 + 84;
/// Smallest font a caption or an axis description is shrunk to.
const MIN_TEXT_PX: f64 = 20.0;

/// The largest size from `px` down to [`MIN_TEXT_PX`] at which `text` is at most `room`
/// pixels long.
fn fitting<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    px: f64,
    room: i32,
    bold: bool,
) -> DrawResult<f64> {
    let mut px = px;
    loop {
        let style = if bold {
            style::bold(px)
        } else {
            style::font(px)
        };
        let (w, _) = area.estimate_text_size(text, &style).or_draw()?;
        if w as i32 <= room || px <= MIN_TEXT_PX {
            return Ok(px);
        }
        px -= 2.0;
    }
}

/// Draws one chart: its caption above, the plot on the left of `area`, its legend in a strip
/// on the right. The caption and the y axis description shrink to fit the panel.
fn draw_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &Chart) -> DrawResult {
    let width = area.dim_in_pixel().0;
    let (column, legend) = area.split_horizontally(width.saturating_sub(LEGEND_STRIP_W));
    let plot = if chart.caption.is_empty() {
        column
    } else {
        let (strip, plot) = column.split_vertically(CAPTION_H);
        let (w, h) = strip.dim_in_pixel();
        let px = fitting(
            &strip,
            &chart.caption,
            style::CAPTION_PX,
            w as i32 - 20,
            true,
        )?;
        let text = style::bold(px).pos(Pos::new(HPos::Center, VPos::Center));
        strip
            .draw_text(&chart.caption, &text, (w as i32 / 2, h as i32 / 2 + 6))
            .or_draw()?;
        plot
    };
    let plot_h = plot.dim_in_pixel().1 as i32;
    let room = plot_h - PLOT_TOP - PLOT_BOTTOM;
    let px = fitting(&plot, &chart.y_label, style::AXIS_DESC_PX, room, false)?;
    let desc = style::font(px)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Center));
    plot.draw_text(
        &chart.y_label,
        &desc,
        (px as i32 / 2 + 8, PLOT_TOP + room / 2),
    )
    .or_draw()?;
    let ((x0, x1), (y0, y1)) = chart_ranges(chart);
    let scatter: Vec<&crate::validation::Series> = chart
        .points
        .iter()
        .filter(|s| !s.points.is_empty())
        .collect();
    let integral = |sets: &[&crate::validation::Series]| {
        sets.iter()
            .flat_map(|s| s.points.iter())
            .all(|p| p.0.fract() == 0.0)
    };
    let x_integer = if scatter.is_empty() {
        integral(&chart.series.iter().collect::<Vec<_>>())
    } else {
        integral(&scatter)
    };
    let mut panel = Panel::new(
        &plot,
        &Axes {
            caption: None,
            x_desc: Some(&chart.x_label),
            y_desc: "",
            x: (x0, x1),
            y: (y0, y1),
            x_integer,
            y_integer: false,
            compact: false,
        },
    )?;
    let mut entries: Vec<LegendEntry> = Vec::new();
    let mut ref_entries: Vec<LegendEntry> = Vec::new();
    let mut add_ref = |label: &str, swatch: Swatch| {
        if !label.is_empty() && !ref_entries.iter().any(|e| e.label == label) {
            ref_entries.push(LegendEntry::new(label, swatch));
        }
    };
    // Backgrounds: windows, then tolerance bands and boxes.
    for r in &chart.references {
        if let RefKind::Window { from, to } = r.kind {
            if to > from {
                panel.ribbon(WINDOW, &band_points((from, to), y0, y1))?;
                add_ref(&r.label, Swatch::Fill(WINDOW));
            } else {
                let stroke = Stroke::dotted(style::INK, style::THIN_W);
                panel.vline(from, stroke)?;
                add_ref(&r.label, Swatch::Line(stroke));
            }
        }
    }
    for r in &chart.references {
        match r.kind {
            RefKind::Band { lo, hi } => {
                let (lo, hi) = (lo.unwrap_or(y0).max(y0), hi.unwrap_or(y1).min(y1));
                if hi > lo {
                    panel.ribbon(TOLERANCE, &band_points((x0, x1), lo, hi))?;
                }
                add_ref(&r.label, Swatch::Fill(TOLERANCE));
            }
            RefKind::Interval { x, width, lo, hi } => {
                let (a, b) = (x - width / 2.0, x + width / 2.0);
                panel.ribbon(TOLERANCE, &band_points((a, b), lo, hi))?;
                let edge = Stroke::solid(TOLERANCE, 2).alpha(0.8);
                panel.path(edge, &[(a, lo), (b, lo), (b, hi), (a, hi), (a, lo)])?;
                add_ref(&r.label, Swatch::Fill(TOLERANCE));
            }
            _ => {}
        }
    }
    // The model: ribbons, lines, then points.
    let color = |k: usize| REPORT_CYCLE[k % REPORT_CYCLE.len()];
    let lines: Vec<Vec<BandPoint>> = chart
        .series
        .iter()
        .map(|s| s.points.iter().copied().map(band_point).collect())
        .collect();
    let mut ribbons = Vec::new();
    for (k, points) in lines.iter().enumerate() {
        if points
            .iter()
            .any(|p| matches!((p.lo, p.hi), (Some(l), Some(h)) if h > l))
        {
            panel.ribbon(color(k), points)?;
            ribbons.push(color(k));
        }
    }
    for (k, (s, points)) in chart.series.iter().zip(&lines).enumerate() {
        let stroke = Stroke::solid(color(k), style::LINE_W);
        panel.line(stroke, points, None)?;
        let has_band = points.iter().any(|p| p.lo.is_some() && p.hi.is_some());
        if !s.name.is_empty() && points.iter().any(|p| p.y.is_some()) {
            let swatch = if has_band {
                Swatch::Band(stroke)
            } else {
                Swatch::Line(stroke)
            };
            entries.push(LegendEntry::new(s.name.as_str(), swatch));
        }
    }
    for (k, s) in chart.points.iter().enumerate() {
        for &(x, y, lo, hi) in &s.points {
            if lo.is_finite() && hi.is_finite() {
                panel.path(Stroke::solid(color(k), style::THIN_W), &[(x, lo), (x, hi)])?;
            }
            if y.is_finite() {
                panel.marker((x, y), color(k).to_rgba(), 7, false)?;
            }
        }
        if !s.name.is_empty() && !s.points.is_empty() {
            entries.push(LegendEntry::new(
                s.name.as_str(),
                Swatch::Marker {
                    color: color(k),
                    filled: false,
                },
            ));
        }
    }
    if !ribbons.is_empty() {
        // Each band in its line's colour, as the swatch shows.
        entries.push(LegendEntry::bands(&ribbons));
    }
    // Published figures on top.
    for r in &chart.references {
        match r.kind {
            RefKind::Line { y } => {
                let stroke = Stroke::dashed(style::INK, style::THIN_W);
                panel.hline(y, stroke)?;
                add_ref(&r.label, Swatch::Line(stroke));
            }
            RefKind::Point { x, y } => {
                panel.marker((x, y), style::INK.to_rgba(), 10, false)?;
                add_ref(
                    &r.label,
                    Swatch::Marker {
                        color: style::INK,
                        filled: false,
                    },
                );
            }
            _ => {}
        }
    }
    entries.extend(ref_entries);
    for e in entries {
        panel.legend_entry(e);
    }
    if chart
        .series
        .iter()
        .chain(&chart.points)
        .all(|s| s.points.is_empty())
    {
        panel.note("no data")?;
    }
    panel.finish_outside(&legend)
}

#[cfg(test)]
mod names {
    /// Every target has its own file stem `target_N`, so that no plot overwrites another's.
    #[test]
    fn every_target_has_its_own_file_name() {
        for &(t, _, _) in crate::validation::TARGETS {
            assert_eq!(
                super::NAMES.get(t as usize).copied(),
                Some(format!("target_{t}").as_str()),
                "target {t} has no file stem in plot::validation::NAMES"
            );
        }
    }
}
