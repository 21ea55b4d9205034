//! `plots/sensitivity`: the indices of a sensitivity analysis (a sweep with a Morris or
//! Sobol' design), from its `indices.csv`, for one metric and the statistic the sweep plots
//! use (`mean`).
//!
//! - Morris: the μ*–σ plane. One labelled point per varied field, a whisker along each axis
//!   for the bootstrap interval of μ* (across) and σ (up), both axes from 0 on one scale, and
//!   a dashed σ = μ* line (explained in a note).
//! - Sobol': S1 and ST bars per field with their interval whiskers on [0, 1], the indices'
//!   range: estimates and interval ends outside it are drawn at the bound and the note says
//!   how many (indices.csv keeps the raw estimates).
//!
//! [`plan`] decides what is drawn (plain values, tested); the `Figure` impl lays it out.

use std::collections::HashMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis;
use super::categories::CategoryLabels;
use super::draw::{self, Area, Frame};
use super::MetricView;
use crate::output::sweep::SweepSpec;
use crate::plot::panel::title;
use crate::plot::style;
use crate::plot::{DrawResult, Figure, PlotError};

/// The statistic of indices.csv drawn (as the other sweep plots: each run's time average).
const STATISTIC: &str = "mean";
/// Colours of the S1 and ST bars.
const S1_COLOR: RGBColor = style::BLUE;
const ST_COLOR: RGBColor = style::VERMILLION;

/// indices.csv's rows of one metric: each parameter with its columns by name.
pub(crate) type IndexRows = Vec<(String, HashMap<String, f64>)>;
/// Tick positions and labels of an axis.
type Ticks = [(f64, String)];

/// An estimate and its interval, in drawn units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Est {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Est {
    fn finite(&self) -> bool {
        self.value.is_finite() && self.lo.is_finite() && self.hi.is_finite()
    }
}

/// One field of the μ*–σ plane.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MorrisPoint {
    pub label: String,
    pub mu_star: Est,
    pub sigma: Est,
}

/// One field's Sobol' bars: each estimate and interval clipped to [0, 1] (drawn), and as
/// indices.csv has them (written under the bars; an interval end beyond the bound is drawn
/// as an arrowhead).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SobolBars {
    pub label: String,
    pub s1: Est,
    pub st: Est,
    pub s1_raw: Est,
    pub st_raw: Est,
}

/// What the figure shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    Morris {
        /// μ* on x over `[0, x_max]`, σ on y over `[0, y_max]` (drawn units).
        x_max: f64,
        y_max: f64,
        x_ticks: Vec<(f64, String)>,
        y_ticks: Vec<(f64, String)>,
        x_label: String,
        y_label: String,
        points: Vec<MorrisPoint>,
    },
    Sobol {
        bars: Vec<SobolBars>,
    },
}

/// The sensitivity figure, decided.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sensitivity {
    pub title: String,
    pub body: Body,
    pub notes: Vec<String>,
}

/// `x` clipped to [0, 1], and whether it had to be (NaN stays NaN, unclipped).
pub(crate) fn clip_unit(x: f64) -> (f64, bool) {
    if x.is_nan() {
        (x, false)
    } else {
        let c = x.clamp(0.0, 1.0);
        (c, c != x)
    }
}

/// The upper ends (μ*, σ) of the axes of the μ*–σ plane, each from 0: the largest drawn value
/// of the index (estimates and interval ends) with a 5% margin, up to the next 1-2-5 tick;
/// 1 when every value is 0. Each axis fits its own index, so that points with a small σ are
/// not crowded at the bottom; the dashed σ = μ* line shows how they compare.
pub(crate) fn morris_max(points: &[MorrisPoint]) -> (f64, f64) {
    let top = |f: fn(&MorrisPoint) -> Est| {
        axis_top(
            points
                .iter()
                .map(f)
                .filter(Est::finite)
                .flat_map(|e| [e.value, e.hi])
                .fold(0.0, f64::max),
        )
    };
    (top(|p| p.mu_star), top(|p| p.sigma))
}

/// `top` with a 5% margin, up to the next 1-2-5 tick; 1 for 0.
fn axis_top(top: f64) -> f64 {
    if top <= 0.0 {
        return 1.0;
    }
    let ticks = axis::linear_ticks(0.0, top * 1.05, 5);
    let step = match ticks.as_slice() {
        [a, b, ..] => b - a,
        _ => top,
    };
    (top * 1.05 / step).ceil() * step
}

/// Positions (top-left pixels) of labels of `sizes` (width, height) next to points at
/// `anchors`: each label starts above-right of its point (its bottom-left corner at
/// (x + 12, y - 6)), flips to the left of the point when it would cross `right`, and moves
/// down, then up, by whole label heights until it overlaps neither a point (a dot of radius
/// 11) nor a label placed before it (labels placed in the order of their points from the
/// top). Deterministic.
pub(crate) fn place_labels(
    anchors: &[(i32, i32)],
    sizes: &[(i32, i32)],
    right: i32,
) -> Vec<(i32, i32)> {
    let mut order: Vec<usize> = (0..anchors.len()).collect();
    order.sort_by_key(|&k| (anchors[k].1, anchors[k].0, k));
    // The dots are in the way from the start (a label may not cover another field's point).
    let mut placed: Vec<(i32, i32, i32, i32)> = anchors
        .iter()
        .map(|&(x, y)| (x - 11, y - 11, x + 11, y + 11))
        .collect();
    let mut out = vec![(0, 0); anchors.len()];
    let overlaps = |r: (i32, i32, i32, i32), placed: &[(i32, i32, i32, i32)]| {
        placed
            .iter()
            .any(|q| r.0 < q.2 && q.0 < r.2 && r.1 < q.3 && q.1 < r.3)
    };
    for k in order {
        let (x, y) = anchors[k];
        let (w, h) = sizes[k];
        let left = if x + 12 + w > right {
            x - 12 - w
        } else {
            x + 12
        };
        let top0 = y - 6 - h;
        let mut top = top0;
        for j in 0..2 * anchors.len() as i32 + 2 {
            let shift = (h + 2) * if j % 2 == 0 { j / 2 } else { -(j + 1) / 2 };
            top = top0 + shift;
            if !overlaps((left, top, left + w, top + h), &placed) {
                break;
            }
        }
        placed.push((left, top, left + w, top + h));
        out[k] = (left, top);
    }
    out
}

/// The rows of indices.csv for `metric` and statistic `mean`: for each parameter (in file
/// order), its columns by name.
fn read_indices(path: &Path, metric: &str) -> Result<IndexRows, PlotError> {
    let csv_err = |line: u64, message: String| PlotError::Csv {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_err(1, e.to_string()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_err(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| csv_err(1, format!("no `{name}` column")))
    };
    let (c_param, c_metric, c_stat) = (col("parameter")?, col("metric")?, col("statistic")?);
    let mut out = Vec::new();
    for (k, rec) in reader.records().enumerate() {
        let line = k as u64 + 2;
        let rec = rec.map_err(|e| csv_err(line, e.to_string()))?;
        if rec.get(c_metric) != Some(metric) || rec.get(c_stat) != Some(STATISTIC) {
            continue;
        }
        let mut values = HashMap::new();
        for (c, name) in header.iter().enumerate() {
            if [c_param, c_metric, c_stat].contains(&c) {
                continue;
            }
            let t = rec.get(c).unwrap_or("").trim();
            let v = match t {
                "" | "NaN" | "NA" | "nan" => f64::NAN,
                t => t
                    .parse::<f64>()
                    .map_err(|_| csv_err(line, format!("`{t}` is not a number")))?,
            };
            values.insert(name.clone(), v);
        }
        out.push((rec.get(c_param).unwrap_or("").to_string(), values));
    }
    Ok(out)
}

/// The figure of the sweep in `dir`, or `None` when its design is not a sensitivity design or
/// it has no indices.csv (yet).
pub(crate) fn from_dir(
    dir: &Path,
    spec: &SweepSpec,
    view: &MetricView,
) -> Result<Option<Sensitivity>, PlotError> {
    let morris = spec.design.starts_with("morris");
    if !(morris || spec.design.starts_with("sobol")) {
        return Ok(None);
    }
    let path = dir.join("indices.csv");
    if !path.is_file() {
        return Ok(None);
    }
    let rows = read_indices(&path, &view.name)?;
    if rows.is_empty() {
        return Err(PlotError::Csv {
            path,
            line: 1,
            message: format!(
                "no rows of metric `{}` with statistic `{STATISTIC}`",
                view.name
            ),
        });
    }
    Ok(Some(plan(spec, view, &rows)))
}

/// What the sensitivity figure of `rows` (indices.csv's rows of one metric) shows.
pub(crate) fn plan(
    spec: &SweepSpec,
    view: &MetricView,
    rows: &[(String, HashMap<String, f64>)],
) -> Sensitivity {
    let get = |values: &HashMap<String, f64>, name: &str| Est {
        value: values.get(name).copied().unwrap_or(f64::NAN),
        lo: values
            .get(&format!("{name}_ci_low"))
            .copied()
            .unwrap_or(f64::NAN),
        hi: values
            .get(&format!("{name}_ci_high"))
            .copied()
            .unwrap_or(f64::NAN),
    };
    let replicates = match spec.replicates {
        1 => "1 replicate per point".to_string(),
        r => format!("{r} replicates per point"),
    };
    let undefined: Vec<&str> = rows
        .iter()
        .filter(|(_, v)| v.values().any(|x| !x.is_finite()))
        .map(|(p, _)| p.as_str())
        .collect();
    let mut notes = Vec::new();
    let per_field = "bootstrap 95% intervals, resampling";
    let sampling = "they show how much the indices hang on the design's sample of points (given \
                    the replicates' means), not replicate noise";
    let (body, what) = if spec.design.starts_with("morris") {
        let scale = |e: Est| Est {
            value: e.value * view.scale,
            lo: e.lo * view.scale,
            hi: e.hi * view.scale,
        };
        let points: Vec<MorrisPoint> = rows
            .iter()
            .map(|(p, v)| MorrisPoint {
                label: p.clone(),
                mu_star: scale(get(v, "mu_star")),
                sigma: scale(get(v, "sigma")),
            })
            .filter(|p| p.mu_star.finite() && p.sigma.finite())
            .collect();
        let (x_max, y_max) = morris_max(&points);
        let ticks = |max: f64| {
            let xs = axis::linear_ticks(0.0, max, 5);
            let texts = axis::step_texts(&xs);
            xs.into_iter().zip(texts).collect()
        };
        let unit = if view.unit == "%" {
            " (percentage points)"
        } else {
            ""
        };
        let metric = view.name.replace('_', " ");
        notes.push(format!(
            "Elementary effect: the change of {metric} (time-averaged) when one field moves \
             over its whole range (from its low to its high value), the others held; μ* is \
             their mean absolute value (the field's influence), σ their standard deviation \
             (interactions with other fields, or a non-linear effect)."
        ));
        notes.push(
            "Dashed line: σ = μ* (each axis has its own scale). Fields above it act mostly \
             through interactions or non-linearity; below it, mostly alone and evenly. A field \
             with no effect sits at 0, 0."
                .into(),
        );
        notes.push(format!(
            "Whiskers: {per_field} whole trajectories ({} of them); {sampling}.",
            trajectories(&spec.design)
        ));
        (
            Body::Morris {
                x_max,
                y_max,
                x_ticks: ticks(x_max),
                y_ticks: ticks(y_max),
                x_label: format!("μ*: mean |elementary effect|{unit}"),
                y_label: format!("σ: SD of elementary effects{unit}"),
                points,
            },
            "Morris μ*–σ",
        )
    } else {
        let mut clipped = 0;
        let mut clip = |e: Est| {
            let (value, a) = clip_unit(e.value);
            let (lo, b) = clip_unit(e.lo);
            let (hi, c) = clip_unit(e.hi);
            clipped += usize::from(a) + usize::from(b) + usize::from(c);
            Est { value, lo, hi }
        };
        let bars: Vec<SobolBars> = rows
            .iter()
            .map(|(p, v)| SobolBars {
                label: p.clone(),
                s1: clip(get(v, "S1")),
                st: clip(get(v, "ST")),
                s1_raw: get(v, "S1"),
                st_raw: get(v, "ST"),
            })
            .collect();
        let metric = view.name.replace('_', " ");
        notes.push(format!(
            "S1: share of the variance of {metric} (time-averaged) over the ranges due to the \
             field alone; ST: including its interactions with the others (ST - S1: the \
             interactions' share)."
        ));
        notes.push(format!(
            "Whiskers: {per_field} the base rows ({} of them); {sampling}.",
            spec.design.split(':').nth(1).unwrap_or("?")
        ));
        if clipped > 0 {
            notes.push(format!(
                "The indices lie in [0, 1]: {clipped} estimates or interval ends outside it \
                 (sampling error: too few base rows) are drawn at the bound, interval ends as \
                 arrowheads; the numbers under the bars and indices.csv are the raw estimates."
            ));
        } else {
            notes.push(
                "The numbers under the bars are the estimates (S1, ST). The indices lie in \
                 [0, 1], the axis; estimates outside it would be drawn at the bound."
                    .into(),
            );
        }
        (Body::Sobol { bars }, "Sobol' S1 and ST")
    };
    if !undefined.is_empty() {
        notes.push(format!(
            "No indices (the metric is undefined at some point): {}; not drawn.",
            undefined.join(", ")
        ));
    }
    Sensitivity {
        title: format!(
            "{}: {what} of {} ({}, {replicates})",
            spec.scenario, view.name, spec.design
        ),
        body,
        notes,
    }
}

/// The number of trajectories of a `morris:R:P` label.
fn trajectories(design: &str) -> &str {
    design.split(':').nth(1).unwrap_or("?")
}

/// An estimate as written under a Sobol' bar: two decimals, `0` for exactly 0, and a true
/// minus sign (`−0.05`).
pub(crate) fn estimate_text(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let t = format!("{x:.2}");
    match t.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => t,
    }
}

// ---------------------------------------------------------------- drawing

/// A straight dashed line between two pixels.
fn dashed<DB: DrawingBackend>(
    area: &Area<DB>,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBColor,
) -> DrawResult {
    let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
    let len = dx.hypot(dy);
    let (dash, gap) = (14.0, 9.0);
    let mut s = 0.0;
    while s < len {
        let e = (s + dash).min(len);
        let at = |t: f64| {
            (
                a.0 + (dx * t / len).round() as i32,
                a.1 + (dy * t / len).round() as i32,
            )
        };
        draw::line(area, vec![at(s), at(e)], color.to_rgba(), 2)?;
        s += dash + gap;
    }
    Ok(())
}

/// An arrowhead at `tip` of a vertical whisker pointing up (`up`) or down: an interval end
/// beyond the axis.
fn arrowhead<DB: DrawingBackend>(
    area: &Area<DB>,
    tip: (i32, i32),
    up: bool,
    color: RGBColor,
) -> DrawResult {
    let d = if up { 14 } else { -14 };
    area.draw(&Polygon::new(
        vec![tip, (tip.0 - 9, tip.1 + d), (tip.0 + 9, tip.1 + d)],
        color.filled(),
    ))
    .map_err(|e| e.to_string())
}

/// A whisker from `a` to `b` with caps across it.
fn whisker<DB: DrawingBackend>(
    area: &Area<DB>,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBColor,
) -> DrawResult {
    let ink = color.to_rgba();
    draw::line(area, vec![a, b], ink, 3)?;
    let cap = 8;
    if a.0 == b.0 {
        draw::line(area, vec![(a.0 - cap, a.1), (a.0 + cap, a.1)], ink, 3)?;
        draw::line(area, vec![(b.0 - cap, b.1), (b.0 + cap, b.1)], ink, 3)
    } else {
        draw::line(area, vec![(a.0, a.1 - cap), (a.0, a.1 + cap)], ink, 3)?;
        draw::line(area, vec![(b.0, b.1 - cap), (b.0, b.1 + cap)], ink, 3)
    }
}

impl Sensitivity {
    fn draw_morris<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        max: (f64, f64),
        ticks: (&Ticks, &Ticks),
        labels: (&str, &str),
        points: &[MorrisPoint],
    ) -> DrawResult {
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let tick_w = draw::max_width(area, ticks.1.iter().map(|t| &t.1), style::TICK_PX)?;
        let frame = Frame {
            left: tick_w + 76,
            top: 24,
            right: w - 40,
            bottom: h - (30 + 16 + 50),
            x: (0.0, max.0),
            y: (0.0, max.1),
        };
        draw::y_axis(area, &frame, ticks.1, Some(labels.1))?;
        for (x, t) in ticks.0 {
            draw::x_tick(area, &frame, frame.px_x(*x), t, frame.bottom + 12)?;
        }
        draw::text(
            area,
            labels.0,
            ((frame.left + frame.right) / 2, frame.bottom + 12 + 30 + 12),
            style::AXIS_DESC_PX,
            (HPos::Center, VPos::Top),
            &style::INK,
        )?;
        let end = max.0.min(max.1);
        dashed(
            area,
            (frame.px_x(0.0), frame.px_y(0.0)),
            (frame.px_x(end), frame.px_y(end)),
            style::MUTED,
        )?;
        let at = |p: &MorrisPoint| (frame.px_x(p.mu_star.value), frame.px_y(p.sigma.value));
        for p in points {
            let (x, y) = at(p);
            let (x0, x1) = (frame.px_x(p.mu_star.lo), frame.px_x(p.mu_star.hi));
            let (y0, y1) = (frame.px_y(p.sigma.lo), frame.px_y(p.sigma.hi));
            if x1 > x0 {
                whisker(area, (x0, y), (x1, y), style::BLUE)?;
            }
            if y0 > y1 {
                whisker(area, (x, y0), (x, y1), style::BLUE)?;
            }
        }
        let anchors: Vec<(i32, i32)> = points.iter().map(at).collect();
        let mut sizes = Vec::new();
        for p in points {
            sizes.push(draw::text_size(area, &p.label, style::LEGEND_PX)?);
        }
        let spots = place_labels(&anchors, &sizes, frame.right);
        for ((p, &(x, y)), &(lx, ly)) in points.iter().zip(&anchors).zip(&spots) {
            draw::dot(area, (x, y), 9, style::BLUE)?;
            let (lw, lh) = draw::text_size(area, &p.label, style::LEGEND_PX)?;
            // A leader line when the label had to move away from its point.
            if ly + lh < y - 20 || ly > y + 6 {
                let end_x = if lx > x { lx } else { lx + lw };
                draw::line(
                    area,
                    vec![(x, y), (end_x, ly + lh / 2)],
                    style::MUTED.to_rgba(),
                    1,
                )?;
            }
            draw::fill(area, (lx - 2, ly), (lx + lw + 2, ly + lh), WHITE.mix(0.8))?;
            draw::text(
                area,
                &p.label,
                (lx, ly),
                style::LEGEND_PX,
                (HPos::Left, VPos::Top),
                &style::INK,
            )?;
        }
        Ok(())
    }

    fn draw_sobol<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        bars: &[SobolBars],
        categories: &CategoryLabels,
    ) -> DrawResult {
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let ys = axis::linear_ticks(0.0, 1.0, 5);
        let ticks: Vec<(f64, String)> = ys.iter().copied().zip(axis::step_texts(&ys)).collect();
        let tick_w = draw::max_width(area, ticks.iter().map(|t| &t.1), style::TICK_PX)?;
        // A row of the estimates under the axis, then the fields' names.
        let values_h = 32;
        let labels_h = categories.height(area)? + values_h;
        let frame = Frame {
            left: tick_w + 76,
            top: 60,
            right: w - 40,
            bottom: h - (labels_h + 16 + 50),
            x: (0.0, bars.len().max(1) as f64),
            y: (0.0, 1.0),
        };
        draw::y_axis(
            area,
            &frame,
            &ticks,
            Some("Sobol' index (share of variance)"),
        )?;
        let slot = f64::from(frame.width()) / bars.len().max(1) as f64;
        let centre = |k: usize| frame.left + ((k as f64 + 0.5) * slot).round() as i32;
        let centres: Vec<i32> = (0..bars.len()).map(centre).collect();
        categories.draw(area, &centres, frame.bottom + 12 + values_h, slot)?;
        draw::text(
            area,
            "Varied field",
            (
                (frame.left + frame.right) / 2,
                frame.bottom + 12 + labels_h + 12,
            ),
            style::AXIS_DESC_PX,
            (HPos::Center, VPos::Top),
            &style::INK,
        )?;
        let bar_w = ((slot * 0.3) as i32).clamp(6, 120);
        for (k, b) in bars.iter().enumerate() {
            let both = [(b.s1, b.s1_raw, S1_COLOR), (b.st, b.st_raw, ST_COLOR)];
            for (j, (e, raw, color)) in both.iter().enumerate() {
                let cx = centre(k)
                    + if j == 0 {
                        -bar_w / 2 - 3
                    } else {
                        bar_w / 2 + 3
                    };
                let text = if raw.value.is_finite() {
                    estimate_text(raw.value)
                } else {
                    "n/a".into()
                };
                draw::text(
                    area,
                    &text,
                    (cx, frame.bottom + 10),
                    style::TICK_PX,
                    (HPos::Center, VPos::Top),
                    color,
                )?;
                if !e.value.is_finite() {
                    continue;
                }
                let top = frame.px_y(e.value);
                if top < frame.bottom {
                    draw::fill(
                        area,
                        (cx - bar_w / 2, top),
                        (cx + bar_w / 2, frame.bottom),
                        color.to_rgba(),
                    )?;
                }
                if e.lo.is_finite() && e.hi.is_finite() && e.hi > e.lo {
                    let (y0, y1) = (frame.px_y(e.lo), frame.px_y(e.hi));
                    whisker(area, (cx, y0), (cx, y1), style::INK)?;
                    if raw.hi > 1.0 {
                        arrowhead(area, (cx, y1 - 4), true, style::INK)?;
                    }
                    if raw.lo < 0.0 {
                        arrowhead(area, (cx, y0 + 4), false, style::INK)?;
                    }
                }
            }
        }
        // The legend, above the plot on the right.
        let mut x = frame.right;
        for (name, color) in [("ST (total)", ST_COLOR), ("S1 (first order)", S1_COLOR)] {
            let tw = draw::text_size(area, name, style::LEGEND_PX)?.0;
            x -= tw;
            draw::text(
                area,
                name,
                (x, 14),
                style::LEGEND_PX,
                (HPos::Left, VPos::Center),
                &style::INK,
            )?;
            draw::fill(area, (x - 34, 4), (x - 10, 24), color.to_rgba())?;
            x -= 34 + 30;
        }
        Ok(())
    }
}

impl Figure for Sensitivity {
    fn name(&self) -> &'static str {
        "sensitivity"
    }

    fn bounded_axes(&self) -> bool {
        false
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let (bw, bh) = body.dim_in_pixel();
        let (bw, bh) = (bw as i32, bh as i32);
        let mut notes = self.notes.clone();
        let categories = match &self.body {
            Body::Sobol { bars } => {
                let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
                let slot = f64::from(bw - 160) / labels.len().max(1) as f64;
                let chosen = CategoryLabels::choose(&body, &labels, slot)?;
                notes.extend(chosen.key_note("the fields", &labels));
                Some(chosen)
            }
            Body::Morris { .. } => None,
        };
        let mut note_lines = Vec::new();
        for n in &notes {
            note_lines.extend(draw::fit_lines(&body, n, bw - 60)?);
        }
        let notes_h = draw::notes_height(note_lines.len());
        let plot = body.margin(0, notes_h, 0, 0);
        match (&self.body, &categories) {
            (
                Body::Morris {
                    x_max,
                    y_max,
                    x_ticks,
                    y_ticks,
                    x_label,
                    y_label,
                    points,
                },
                _,
            ) => self.draw_morris(
                &plot,
                (*x_max, *y_max),
                (x_ticks, y_ticks),
                (x_label, y_label),
                points,
            )?,
            (Body::Sobol { bars }, Some(chosen)) => self.draw_sobol(&plot, bars, chosen)?,
            (Body::Sobol { .. }, None) => {}
        }
        draw::notes(&body, &note_lines, 30, bh - notes_h + 4)
    }
}
