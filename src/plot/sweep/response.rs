//! `plots/response`: the metric against the varied fields.
//!
//! [`plan`] decides what is drawn (a plain value, tested); [`Response::draw`] lays it out.
//! - One field, or a two-field grid (one series per value of the second), or a zip: the first
//!   field on x. Categorical values are slots in the order given, each with a point and its
//!   95% CI whisker, series side by side; numeric values are a number line with a line, a
//!   band and a dot per value.
//! - A Latin hypercube, or three or more fields: one panel per field (up to four), every
//!   point as a point with its whisker against that field, no lines: the other fields are
//!   not separated, and the note says so.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{self, AxisKind};
use super::categories::CategoryLabels;
use super::draw::{self, Area, Frame};
use super::{Field, Obs, SweepData};
use crate::plot::panel::{draw_legend, title, LegendEntry, Stroke, Swatch};
use crate::plot::style;
use crate::plot::{DrawResult, Figure};

/// Most panels of a Latin hypercube or a sweep of three or more fields.
const MAX_PANELS: usize = 4;
/// Most rows of the legend.
const MAX_LEGEND: usize = 15;
/// Most series on a number line drawn with whiskers.
const MAX_WHISKER_SERIES: usize = 8;
/// Most series drawn with interval bands (more would cover each other).
const MAX_BANDS: usize = 3;
/// Series on a number line drawn with whiskers are set apart by this share of a category's
/// dodge (a small shift: the x values stay readable).
const NUMERIC_DODGE: f64 = 0.3;
/// Widest slot (pixels) of points set side by side on a number line.
const NUMERIC_SLOT: i32 = 160;

/// An x axis of a panel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum XAxis {
    /// One slot per value, at 0, 1, ..., labelled with the values.
    Categories(Vec<String>),
    /// A number line over `lo..hi` (values, not logs), ticks at `ticks`.
    Numeric {
        lo: f64,
        hi: f64,
        log: bool,
        ticks: Vec<(f64, String)>,
    },
}

impl XAxis {
    /// `x` on the axis scale (log10 on a log axis).
    fn scale(&self, x: f64) -> f64 {
        match self {
            XAxis::Numeric { log: true, .. } => x.log10(),
            _ => x,
        }
    }

    /// The axis range on its scale.
    fn range(&self) -> (f64, f64) {
        match self {
            XAxis::Categories(labels) => (-0.5, labels.len().max(1) as f64 - 0.5),
            XAxis::Numeric { lo, hi, .. } => (self.scale(*lo), self.scale(*hi)),
        }
    }
}

/// One point to draw: `x` is the value (numeric axis) or the slot (categorical), `dodge` a
/// shift sideways as a fraction of a slot (series side by side, points sharing a value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RPoint {
    pub x: f64,
    pub dodge: f64,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

/// A series: its colour, its points (by x), whether they are joined by a line, and how the
/// intervals are drawn (a band, whiskers, or — for many series on a number line — not at
/// all, which the note says).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RSeries {
    pub color: RGBColor,
    pub points: Vec<RPoint>,
    pub connect: bool,
    pub band: bool,
    pub whiskers: bool,
}

/// One set of axes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RPanel {
    /// The field's path (for the key of keyed categories).
    pub path: String,
    pub x_label: String,
    pub axis: XAxis,
    pub series: Vec<RSeries>,
}

/// The legend of series by the second field's values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RLegend {
    /// The second field's path.
    pub heading: String,
    /// One entry per series: its label and colour.
    pub entries: Vec<(String, RGBColor)>,
    /// The series are drawn with bands (else with dots and whiskers).
    pub band: bool,
}

/// The response figure, decided.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Response {
    pub title: String,
    pub y_label: String,
    pub y: (f64, f64),
    pub y_ticks: Vec<(f64, String)>,
    pub panels: Vec<RPanel>,
    pub legend: Option<RLegend>,
    pub notes: Vec<String>,
}

/// Colours of `k` series: Okabe–Ito for up to six, else viridis (ordered, and still
/// colour-blind safe), stopping short of its palest yellow.
pub(crate) fn series_colors(k: usize) -> Vec<RGBColor> {
    if k <= style::CYCLE.len() {
        return style::CYCLE[..k].to_vec();
    }
    (0..k)
        .map(|s| {
            let (r, g, b) = axis::viridis(0.85 * s as f64 / (k - 1) as f64);
            RGBColor(r, g, b)
        })
        .collect()
}

/// Shift of the `s`-th of `k` things sharing one slot, as a fraction of the slot: spread
/// evenly over at most 70% of it, centred; 0 for a thing alone.
pub(crate) fn dodge(s: usize, k: usize) -> f64 {
    if k <= 1 {
        return 0.0;
    }
    let w = (0.2 * k as f64).min(0.7);
    -w / 2.0 + w * (s as f64 + 0.5) / k as f64
}

/// The x axis of `field`; `sampled` values (a Latin hypercube's) are never ticked themselves.
fn x_axis(field: &Field, sampled: bool) -> XAxis {
    match field.kind {
        AxisKind::Categorical => XAxis::Categories(field.values.clone()),
        AxisKind::Numeric { log } => {
            let mut xs = field.numbers();
            if let Some((a, b)) = field.range {
                xs.extend([a, b]);
            }
            let t = |x: f64| if log { x.log10() } else { x };
            let inv = |x: f64| if log { 10f64.powf(x) } else { x };
            let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let pad = 0.05 * (t(hi) - t(lo));
            let (lo, hi) = (inv(t(lo) - pad), inv(t(hi) + pad));
            let values = if sampled { Vec::new() } else { field.numbers() };
            let ticks = axis::numeric_ticks((lo, hi), &values, log);
            XAxis::Numeric { lo, hi, log, ticks }
        }
    }
}

/// The x label of `field`: its path, and the scale of a log axis.
fn x_label(field: &Field) -> String {
    match field.kind {
        AxisKind::Numeric { log: true } => format!("{} (log scale)", field.path),
        _ => field.path.clone(),
    }
}

fn point(field: &Field, d: usize, o: &Obs) -> Option<RPoint> {
    Some(RPoint {
        x: field.position(o.values.get(d)?)?,
        dodge: 0.0,
        mean: o.mean,
        lo: o.lo,
        hi: o.hi,
    })
}

/// Points sharing an x are set side by side, in their order (`points` sorted by x).
fn spread(points: &mut [RPoint]) {
    let mut start = 0;
    while start < points.len() {
        let x = points[start].x;
        let end = start + points[start..].iter().take_while(|p| p.x == x).count();
        let group = end - start;
        for (rank, p) in points[start..end].iter_mut().enumerate() {
            p.dodge = dodge(rank, group);
        }
        start = end;
    }
}

/// What the response figure of `data` shows.
pub(crate) fn plan(data: &SweepData) -> Response {
    let metric = &data.metric;
    let fields = &data.fields;
    // Designs that sample ranges: every point differs in every field.
    let lhs = ["lhs", "morris", "sobol"]
        .iter()
        .any(|d| data.design.starts_with(d));
    let zip = data.design == "zip";
    let scatter = lhs || fields.len() >= 3;
    let n_text = data.n_text("point");
    // Without replicates there are no intervals: say what the points are.
    let single = data.n_range().1 <= 1;
    let points_are = if single {
        "Points: the one replicate's value"
    } else {
        "Points: mean over the replicates; whiskers: 95% confidence interval"
    };
    let mut notes = Vec::new();
    let mut legend = None;
    let points_count = data.obs.len();
    let (panels, title) = if scatter {
        let shown = fields.len().min(MAX_PANELS);
        let panels: Vec<RPanel> = (0..shown)
            .map(|d| {
                let field = &fields[d];
                let mut points: Vec<RPoint> =
                    data.obs.iter().filter_map(|o| point(field, d, o)).collect();
                points.sort_by(|a, b| a.x.total_cmp(&b.x));
                spread(&mut points);
                RPanel {
                    path: field.path.clone(),
                    x_label: x_label(field),
                    axis: x_axis(field, lhs),
                    series: vec![RSeries {
                        color: style::BLUE,
                        points,
                        connect: false,
                        band: false,
                        whiskers: true,
                    }],
                }
            })
            .collect();
        let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        let what = if lhs {
            let name = match data.design.split(':').next() {
                Some("morris") => "Morris design",
                Some("sobol") => "Sobol' design (Saltelli's scheme)",
                _ => "Latin hypercube",
            };
            let (differ, more) = match name {
                "Latin hypercube" => ("every point differs in every varied field", ""),
                _ => (
                    "points differ in one or more varied fields",
                    "; the sensitivity indices: indices.csv and plots/sensitivity.png",
                ),
            };
            notes.push(format!(
                "{name} ({}): {differ}, so each panel shows all {points_count} points against \
                 one field, the other fields not separated (see sweep_summary.csv{more}).",
                data.design
            ));
            format!("the {points_count} points of a {name}")
        } else {
            notes.push(format!(
                "{} varied fields ({}): each panel shows all {points_count} points against one \
                 field, the other fields not separated (see sweep_summary.csv).",
                fields.len(),
                paths.join(", ")
            ));
            format!("the {points_count} points of a {}-field grid", fields.len())
        };
        if fields.len() > MAX_PANELS {
            notes.push(format!(
                "Panels for the first {MAX_PANELS} of the {} varied fields.",
                fields.len()
            ));
        }
        notes.push(format!(
            "{points_are}; points at the same value are set side by side."
        ));
        (
            panels,
            format!("{}: {} at {what} ({n_text})", data.scenario, metric.name),
        )
    } else {
        let f0 = &fields[0];
        let by_second = fields.len() == 2 && !zip;
        let groups: Vec<(String, Vec<&Obs>)> = if by_second {
            fields[1]
                .values
                .iter()
                .map(|v| {
                    let obs = data
                        .obs
                        .iter()
                        .filter(|o| o.values.get(1) == Some(v))
                        .collect();
                    (v.clone(), obs)
                })
                .collect()
        } else {
            vec![(String::new(), data.obs.iter().collect())]
        };
        let k = groups.len();
        let colors = series_colors(k);
        let mut legend_note = None;
        let categorical = f0.kind == AxisKind::Categorical;
        // Up to three bands stay readable; more series get whiskers, set slightly apart; with
        // more than eight lines on a number line the whiskers would hide them: none (the
        // heatmap and sweep_summary.csv have the intervals).
        let bands = k <= MAX_BANDS;
        let whiskers = categorical || k <= MAX_WHISKER_SERIES;
        let series: Vec<RSeries> = groups
            .iter()
            .enumerate()
            .map(|(s, (_, obs))| {
                let mut points: Vec<RPoint> = obs.iter().filter_map(|o| point(f0, 0, o)).collect();
                points.sort_by(|a, b| a.x.total_cmp(&b.x));
                let distinct = points.windows(2).all(|w| w[0].x != w[1].x);
                let connect = !categorical && distinct;
                if categorical || (connect && !bands && whiskers) {
                    let shift = if categorical { 1.0 } else { NUMERIC_DODGE };
                    for p in &mut points {
                        p.dodge = shift * dodge(s, k);
                    }
                }
                if !distinct {
                    spread(&mut points);
                }
                RSeries {
                    color: colors[s],
                    points,
                    connect,
                    band: connect && bands,
                    whiskers: !(connect && bands) && whiskers,
                }
            })
            .collect();
        if by_second {
            let all: Vec<(String, RGBColor)> = groups
                .iter()
                .zip(&colors)
                .map(|((v, obs), c)| {
                    let label = axis::shorten(v, 40);
                    if obs.iter().any(|o| o.mean.is_finite()) {
                        (label, *c)
                    } else {
                        (format!("{label} (no value)"), *c)
                    }
                })
                .collect();
            // A long legend would leave the figure: evenly spaced values of the ordered scale.
            let entries: Vec<(String, RGBColor)> = if all.len() > MAX_LEGEND {
                legend_note = Some(format!(
                    "The legend shows {MAX_LEGEND} of the {} values of {}, colours in their \
                     order.",
                    all.len(),
                    fields[1].path
                ));
                (0..MAX_LEGEND)
                    .map(|j| all[j * (all.len() - 1) / (MAX_LEGEND - 1)].clone())
                    .collect()
            } else {
                all
            };
            legend = Some(RLegend {
                heading: fields[1].path.clone(),
                entries,
                band: !categorical && bands,
            });
        }
        let side = if k > 1 { "; series side by side" } else { "" };
        if categorical && f0.values.len() == 1 {
            notes.push(format!(
                "{points_are}. A single value of {}{side}.",
                f0.path
            ));
        } else if categorical {
            notes.push(format!(
                "{points_are}. One category per value of {}, in the order given{side}.",
                f0.path
            ));
        } else if single {
            notes.push(
                "Dots: the one replicate's value at each swept value; lines join them.".into(),
            );
        } else if series.iter().all(|s| s.band) {
            notes.push(
                "Dots: mean over the replicates at each swept value; lines join them; band: \
                 95% confidence interval."
                    .into(),
            );
        } else if series.iter().all(|s| s.connect && !s.whiskers) {
            notes.push(format!(
                "Dots: mean over the replicates at each swept value, joined by lines. With {k} \
                 series the 95% confidence intervals are not drawn (they would hide the lines): \
                 see heatmap.png and sweep_summary.csv."
            ));
        } else if series.iter().all(|s| s.connect) {
            notes.push(
                "Dots: mean over the replicates at each swept value, joined by lines; whiskers: \
                 95% confidence interval (the series set slightly apart so that every whisker \
                 shows)."
                    .into(),
            );
        } else {
            notes.push(format!(
                "{points_are}; points at the same value are set side by side."
            ));
        }
        notes.extend(legend_note);
        let mut x_desc = x_label(f0);
        let title = if zip && fields.len() > 1 {
            let others: Vec<&str> = fields[1..].iter().map(|f| f.path.as_str()).collect();
            x_desc = format!("{x_desc} (with {} paired)", others.join(", "));
            let mut note = format!(
                "Design zip: {} change together with {} (the k-th values paired)",
                others.join(", "),
                f0.path
            );
            if data.obs.len() <= 6 {
                let pairs: Vec<String> = data
                    .obs
                    .iter()
                    .map(|o| axis::shorten(&o.values.join(" with "), 40))
                    .collect();
                note.push_str(&format!(": {}", pairs.join("; ")));
            }
            notes.push(format!("{note}."));
            format!(
                "{}: {} by {} (zip with {}) ({n_text})",
                data.scenario,
                metric.name,
                f0.path,
                others.join(", ")
            )
        } else if by_second {
            format!(
                "{}: {} by {} and {} ({n_text})",
                data.scenario, metric.name, f0.path, fields[1].path
            )
        } else {
            format!(
                "{}: {} by {} ({n_text})",
                data.scenario, metric.name, f0.path
            )
        };
        (
            vec![RPanel {
                path: f0.path.clone(),
                x_label: x_desc,
                axis: x_axis(f0, false),
                series,
            }],
            title,
        )
    };
    if single {
        notes.push(
            "One replicate per point: no confidence intervals, so the noise is unknown (the y \
             axis starts at the metric's lowest value); run more replicates to compare points."
                .into(),
        );
    }
    let missing = data.obs.iter().filter(|o| !o.mean.is_finite()).count();
    if missing > 0 {
        notes.push(format!(
            "{missing} of {points_count} points have no value of {} (no replicate recorded \
             one); they are not drawn.",
            metric.name
        ));
    }
    let values: Vec<f64> = data.obs.iter().flat_map(|o| [o.mean, o.lo, o.hi]).collect();
    let y = axis::y_range(&values, metric.bounds, single);
    let ys = axis::linear_ticks(y.0, y.1, 6);
    let texts = axis::step_texts(&ys);
    Response {
        title,
        y_label: metric.axis_label(),
        y,
        y_ticks: ys.into_iter().zip(texts).collect(),
        panels,
        legend,
        notes,
    }
}

// ---------------------------------------------------------------- drawing

/// Legend box width for entries `labels` (as `panel::draw_legend` lays it out).
fn legend_width<DB: DrawingBackend>(area: &Area<DB>, labels: &[String]) -> DrawResult<i32> {
    Ok(2 * 14 + 52 + 12 + draw::max_width(area, labels, style::LEGEND_PX)?)
}

/// Numeric tick labels: whether neighbours would touch on one row (then they alternate
/// between two rows).
fn staggered<DB: DrawingBackend>(
    area: &Area<DB>,
    frame: &Frame,
    axis: &XAxis,
    ticks: &[(f64, String)],
) -> DrawResult<bool> {
    let mut last_right = i32::MIN;
    for (x, t) in ticks {
        let w = draw::text_size(area, t, style::TICK_PX)?.0;
        let px = frame.px_x(axis.scale(*x));
        if px - w / 2 < last_right + 12 {
            return Ok(true);
        }
        last_right = px + w / 2;
    }
    Ok(false)
}

impl Response {
    /// The plot's left and right pixel columns in a panel `width` pixels wide.
    fn columns<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        width: i32,
        y_label: bool,
    ) -> DrawResult<(i32, i32)> {
        let tick_w = draw::max_width(area, self.y_ticks.iter().map(|t| &t.1), style::TICK_PX)?;
        Ok((tick_w + if y_label { 76 } else { 30 }, width - 34))
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        panel: &RPanel,
        y_label: bool,
        categories: Option<&CategoryLabels>,
    ) -> DrawResult<Frame> {
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let (left, right) = self.columns(area, w, y_label)?;
        let top = 24;
        let mut frame = Frame {
            left,
            top,
            right,
            bottom: h,
            x: panel.axis.range(),
            y: self.y,
        };
        widen_for_dodge(&mut frame, panel);
        let (labels_h, stagger) = match (&panel.axis, categories) {
            (XAxis::Categories(_), Some(chosen)) => (chosen.height(area)?, false),
            (XAxis::Categories(_), None) => (30, false),
            (XAxis::Numeric { ticks, .. }, _) => {
                let s = staggered(area, &frame, &panel.axis, ticks)?;
                (if s { 60 } else { 30 }, s)
            }
        };
        frame.bottom = h - (labels_h + 16 + 50);
        if frame.bottom - frame.top < 120 {
            frame.bottom = frame.top + 120;
        }
        draw::y_axis(
            area,
            &frame,
            &self.y_ticks,
            y_label.then_some(self.y_label.as_str()),
        )?;
        // x ticks and labels.
        let below = frame.bottom + 12;
        match (&panel.axis, categories) {
            (XAxis::Categories(_), Some(labels)) => {
                let slot = f64::from(frame.width()) / self.slots(panel) as f64;
                let centre = |k: usize| frame.left + ((k as f64 + 0.5) * slot).round() as i32;
                let centres: Vec<i32> = (0..self.slots(panel)).map(centre).collect();
                labels.draw(area, &centres, below, slot)?;
                for k in 0..self.slots(panel) {
                    draw::line(
                        area,
                        vec![(centre(k), frame.bottom), (centre(k), frame.bottom + 8)],
                        style::INK.to_rgba(),
                        2,
                    )?;
                }
            }
            (XAxis::Numeric { ticks, .. }, _) => {
                for (k, (x, t)) in ticks.iter().enumerate() {
                    let px = frame.px_x(panel.axis.scale(*x));
                    if px < frame.left - 2 || px > frame.right + 2 {
                        continue;
                    }
                    let row = if stagger && k % 2 == 1 { 30 } else { 0 };
                    draw::x_tick(area, &frame, px, t, below + row)?;
                }
            }
            _ => {}
        }
        draw::text(
            area,
            &panel.x_label,
            (
                (frame.left + frame.right) / 2,
                frame.bottom + 12 + labels_h + 12,
            ),
            style::AXIS_DESC_PX,
            (HPos::Center, VPos::Top),
            &style::INK,
        )?;
        self.draw_series(area, &frame, panel)?;
        Ok(frame)
    }

    fn slots(&self, panel: &RPanel) -> usize {
        match &panel.axis {
            XAxis::Categories(labels) => labels.len().max(1),
            XAxis::Numeric { .. } => 1,
        }
    }

    fn draw_series<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        frame: &Frame,
        panel: &RPanel,
    ) -> DrawResult {
        let slot = slot_px(frame, panel);
        let px = |p: &RPoint| frame.px_x(panel.axis.scale(p.x)) + (p.dodge * slot).round() as i32;
        // Bands first, then lines, then whiskers and dots on top.
        for s in panel.series.iter().filter(|s| s.band) {
            for run in runs(&s.points, |p| p.lo.is_finite() && p.hi.is_finite()) {
                if run.len() < 2 {
                    continue;
                }
                let upper = run.iter().map(|p| (px(p), frame.px_y(p.hi)));
                let lower = run.iter().rev().map(|p| (px(p), frame.px_y(p.lo)));
                let polygon: Vec<(i32, i32)> = upper.chain(lower).collect();
                area.draw(&Polygon::new(
                    polygon,
                    s.color.mix(style::RIBBON_ALPHA).filled(),
                ))
                .map_err(|e| e.to_string())?;
            }
        }
        for s in panel.series.iter().filter(|s| s.connect) {
            for run in runs(&s.points, |p| p.mean.is_finite()) {
                let line = run.iter().map(|p| (px(p), frame.px_y(p.mean))).collect();
                draw::line(area, line, s.color.to_rgba(), style::LINE_W)?;
            }
        }
        for s in &panel.series {
            for p in s.points.iter().filter(|p| p.mean.is_finite()) {
                let x = px(p);
                if s.whiskers && p.lo.is_finite() && p.hi.is_finite() {
                    let (y0, y1) = (frame.px_y(p.lo), frame.px_y(p.hi));
                    let ink = s.color.to_rgba();
                    let (w, cap) = if s.connect { (2, 6) } else { (3, 9) };
                    draw::line(area, vec![(x, y0), (x, y1)], ink, w)?;
                    draw::line(area, vec![(x - cap, y0), (x + cap, y0)], ink, w)?;
                    draw::line(area, vec![(x - cap, y1), (x + cap, y1)], ink, w)?;
                }
                let r = if s.connect { 7 } else { 9 };
                draw::dot(area, (x, frame.px_y(p.mean)), r, s.color)?;
            }
        }
        Ok(())
    }
}

/// Width of a slot in pixels: a category, or the gap between the closest two values on a
/// number line (at most [`NUMERIC_SLOT`]).
fn slot_px(frame: &Frame, panel: &RPanel) -> f64 {
    match &panel.axis {
        XAxis::Categories(labels) => f64::from(frame.width()) / labels.len().max(1) as f64,
        XAxis::Numeric { .. } => {
            let mut xs: Vec<i32> = panel
                .series
                .iter()
                .flat_map(|s| s.points.iter())
                .map(|p| frame.px_x(panel.axis.scale(p.x)))
                .collect();
            xs.sort_unstable();
            xs.dedup();
            let gap = xs
                .windows(2)
                .map(|w| w[1] - w[0])
                .min()
                .unwrap_or(NUMERIC_SLOT);
            f64::from(gap.min(NUMERIC_SLOT))
        }
    }
}

/// A number line widened so that points set side by side at its ends stay inside the frame.
fn widen_for_dodge(frame: &mut Frame, panel: &RPanel) {
    let XAxis::Numeric { .. } = panel.axis else {
        return;
    };
    let reach = panel
        .series
        .iter()
        .flat_map(|s| s.points.iter())
        .map(|p| p.dodge.abs())
        .fold(0.0, f64::max);
    if reach == 0.0 {
        return;
    }
    let xs: Vec<f64> = panel
        .series
        .iter()
        .flat_map(|s| s.points.iter())
        .map(|p| panel.axis.scale(p.x))
        .collect();
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let need = reach * slot_px(frame, panel) + 26.0;
    let width = f64::from(frame.width());
    let have = f64::from(frame.px_x(lo) - frame.left).min(f64::from(frame.right - frame.px_x(hi)));
    if need <= have || hi <= lo || width <= 2.0 * need {
        return;
    }
    let per_px = (hi - lo) / (width - 2.0 * need);
    frame.x = (lo - need * per_px, hi + need * per_px);
}

/// Maximal runs of consecutive points where `keep` holds.
fn runs(points: &[RPoint], keep: impl Fn(&RPoint) -> bool) -> Vec<Vec<RPoint>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for p in points {
        if keep(p) {
            current.push(*p);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl Figure for Response {
    fn name(&self) -> &'static str {
        "response"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let (bw, bh) = body.dim_in_pixel();
        let (bw, bh) = (bw as i32, bh as i32);
        let legend_w = match &self.legend {
            Some(RLegend {
                heading, entries, ..
            }) => {
                let labels: Vec<String> = entries.iter().map(|e| e.0.clone()).collect();
                let box_w = legend_width(&body, &labels)?;
                let head_w = draw::text_size(&body, heading, style::LEGEND_PX)?.0;
                box_w.max(head_w) + 30
            }
            None => 0,
        };
        // Category labels first: keys (when the values do not fit) need a note.
        let count = self.panels.len().max(1);
        let panel_w = (bw - legend_w) / count as i32;
        let mut notes = self.notes.clone();
        let mut choices = Vec::new();
        for (k, panel) in self.panels.iter().enumerate() {
            let choice = match &panel.axis {
                XAxis::Categories(labels) => {
                    let (left, right) = self.columns(&body, panel_w, k == 0)?;
                    let slot = f64::from(right - left) / labels.len().max(1) as f64;
                    let chosen = CategoryLabels::choose(&body, labels, slot)?;
                    notes.extend(chosen.key_note(&panel.path, labels));
                    Some(chosen)
                }
                XAxis::Numeric { .. } => None,
            };
            choices.push(choice);
        }
        let mut note_lines = Vec::new();
        for n in &notes {
            note_lines.extend(draw::fit_lines(&body, n, bw - 60)?);
        }
        let notes_h = draw::notes_height(note_lines.len());
        let plots = body.margin(0, notes_h, 0, legend_w as u32);
        let areas = plots.split_evenly((1, count));
        let mut first_frame = None;
        for (k, (area, panel)) in areas.iter().zip(&self.panels).enumerate() {
            let frame = self.draw_panel(area, panel, k == 0, choices[k].as_ref())?;
            first_frame.get_or_insert(frame);
        }
        if let Some(RLegend {
            heading,
            entries,
            band,
        }) = &self.legend
        {
            let x = bw - legend_w + 10;
            let top = first_frame.map_or(24, |f| f.top);
            draw::text(
                &body,
                heading,
                (x, top),
                style::LEGEND_PX,
                (HPos::Left, VPos::Top),
                &style::INK,
            )?;
            let rows: Vec<LegendEntry> = entries
                .iter()
                .map(|(label, color)| {
                    let swatch = if *band {
                        Swatch::Band(Stroke::solid(*color, style::LINE_W))
                    } else {
                        Swatch::Marker {
                            color: *color,
                            filled: true,
                        }
                    };
                    LegendEntry::new(label.as_str(), swatch)
                })
                .collect();
            draw_legend(&body, &rows, (x, top + 34))?;
        }
        draw::notes(&body, &note_lines, 30, bh - notes_h + 4)
    }
}
