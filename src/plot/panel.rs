//! Shared building blocks: a [`Panel`] (one set of axes) with ribbons, lines,
//! markers and reference lines, a hand-drawn legend that avoids the data, and
//! helpers for titles and axis ranges.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::context::{MarkKind, TimeMark};
use super::data::BandPoint;
use super::style::{self, font};
use super::{DrawResult, OrDraw};

/// Coordinates of every panel: f64 on both axes.
pub(crate) type Coord = Cartesian2d<RangedCoordf64, RangedCoordf64>;

// ---------------------------------------------------------------- strokes

/// Line pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stroke {
    pub color: RGBAColor,
    pub width: u32,
    pub dash: Dash,
}

impl Stroke {
    pub fn solid(color: RGBColor, width: u32) -> Self {
        Stroke {
            color: color.to_rgba(),
            width,
            dash: Dash::Solid,
        }
    }

    pub fn dashed(color: RGBColor, width: u32) -> Self {
        Stroke {
            dash: Dash::Dashed,
            ..Self::solid(color, width)
        }
    }

    pub fn dotted(color: RGBColor, width: u32) -> Self {
        Stroke {
            dash: Dash::Dotted,
            ..Self::solid(color, width)
        }
    }

    /// The same stroke with opacity `alpha`.
    pub fn alpha(self, alpha: f64) -> Self {
        Stroke {
            color: self.color.mix(alpha),
            ..self
        }
    }

    fn shape(&self) -> ShapeStyle {
        ShapeStyle {
            color: self.color,
            filled: false,
            stroke_width: self.width,
        }
    }

    /// (dash length, gap) in pixels.
    fn pattern(&self) -> (u32, u32) {
        match self.dash {
            Dash::Solid | Dash::Dashed => (5 * self.width + 4, 3 * self.width + 2),
            Dash::Dotted => (self.width, 2 * self.width + 2),
        }
    }

    /// Draws the polyline `points` (pixels in `area`'s coordinates) on `area`.
    fn draw_pixels<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        points: Vec<(i32, i32)>,
    ) -> DrawResult {
        let min_px = self.width.max(2) as i32;
        let pieces: Vec<Vec<(i32, i32)>> = match self.dash {
            Dash::Solid => tidy_polyline(&points, min_px),
            Dash::Dashed | Dash::Dotted => {
                let (dash, gap) = self.pattern();
                dashes(&points, f64::from(dash), f64::from(gap))
                    .iter()
                    .flat_map(|d| tidy_polyline(d, 2))
                    .collect()
            }
        };
        for piece in pieces.iter().filter(|p| p.len() > 1) {
            area.draw(&PathElement::new(piece.clone(), self.shape()))
                .or_draw()?;
        }
        // Round joins where a solid thick line was split at a sharp turn.
        if self.dash == Dash::Solid && self.width > 2 {
            let join = ShapeStyle::from(self.color).filled();
            for piece in pieces.iter().skip(1) {
                if let Some(&at) = piece.first() {
                    area.draw(&Circle::new(at, self.width / 2, join))
                        .or_draw()?;
                }
            }
        }
        Ok(())
    }
}

/// Prepares a pixel polyline for plotters' thick-line rasteriser, whose joins
/// spike far out at sharp turns: drops points closer than `min_px` to the last
/// kept one (keeping the end point) and splits the line where it turns by more
/// than 90°.
fn tidy_polyline(points: &[(i32, i32)], min_px: i32) -> Vec<Vec<(i32, i32)>> {
    let dist2 = |a: (i32, i32), b: (i32, i32)| {
        let (dx, dy) = (i64::from(a.0 - b.0), i64::from(a.1 - b.1));
        dx * dx + dy * dy
    };
    let mut kept: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    for (i, &p) in points.iter().enumerate() {
        let is_last = i + 1 == points.len();
        let several = kept.len() > 1;
        match kept.last_mut() {
            None => kept.push(p),
            Some(q) if dist2(p, *q) >= i64::from(min_px) * i64::from(min_px) => kept.push(p),
            Some(q) if is_last && several => *q = p,
            Some(q) if is_last && *q != p => kept.push(p),
            Some(_) => {}
        }
    }
    if kept.len() < 2 {
        return vec![kept];
    }
    let mut pieces = Vec::new();
    let mut current = vec![kept[0]];
    for w in kept.windows(3) {
        let (a, b, c) = (w[0], w[1], w[2]);
        current.push(b);
        let dot = i64::from(b.0 - a.0) * i64::from(c.0 - b.0)
            + i64::from(b.1 - a.1) * i64::from(c.1 - b.1);
        if dot < 0 {
            pieces.push(std::mem::replace(&mut current, vec![b]));
        }
    }
    current.push(kept[kept.len() - 1]);
    pieces.push(current);
    pieces
}

/// Cuts a pixel polyline into dashes `dash` px long separated by `gap` px,
/// the pattern running on across vertices.
fn dashes(points: &[(i32, i32)], dash: f64, gap: f64) -> Vec<Vec<(i32, i32)>> {
    let to_f = |p: (i32, i32)| (f64::from(p.0), f64::from(p.1));
    let round = |ps: &[(f64, f64)]| -> Vec<(i32, i32)> {
        ps.iter()
            .map(|p| (p.0.round() as i32, p.1.round() as i32))
            .collect()
    };
    let (dash, gap) = (dash.max(1.0), gap.max(1.0));
    let mut out = Vec::new();
    let mut current: Vec<(f64, f64)> = points.first().map(|&p| to_f(p)).into_iter().collect();
    let mut on = true;
    let mut left = dash;
    for w in points.windows(2) {
        let (mut a, b) = (to_f(w[0]), to_f(w[1]));
        loop {
            let seg = (b.0 - a.0).hypot(b.1 - a.1);
            if seg <= left {
                left -= seg;
                if on {
                    current.push(b);
                }
                break;
            }
            let t = left / seg;
            let m = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            if on {
                current.push(m);
                out.push(round(&current));
                current.clear();
            } else {
                current = vec![m];
            }
            on = !on;
            left = if on { dash } else { gap };
            a = m;
        }
    }
    if on && current.len() > 1 {
        out.push(round(&current));
    }
    out
}

// ---------------------------------------------------------------- legend

/// The symbol in front of a legend label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A line sample.
    Line(Stroke),
    /// A line over a translucent confidence band.
    Band(Stroke),
    /// A translucent filled box (for "95% CI" entries).
    Fill(RGBColor),
    /// A box of `color` at opacity `alpha` (shaded weeks).
    Shade(RGBColor, f64),

    /// A circle marker, hollow or filled.
    Marker { color: RGBColor, filled: bool },
}

/// One legend row.
#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendEntry {
    pub fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendEntry {
            label: label.into(),
            swatch,
        }
    }
}

const LEGEND_ROW: i32 = 36;
const LEGEND_PAD: i32 = 14;
const SWATCH_W: i32 = 52;
const LEGEND_GAP: i32 = 12;
/// Distance between the legend and the plot frame.
const LEGEND_INSET: i32 = 12;

/// Pixel height of a legend with `rows` entries.
pub(crate) fn legend_height(rows: usize) -> i32 {
    if rows == 0 {
        0
    } else {
        rows as i32 * LEGEND_ROW + 2 * LEGEND_PAD
    }
}

/// Pixel size of the legend box for `entries`.
pub(crate) fn legend_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
) -> DrawResult<(i32, i32)> {
    let style = font(style::LEGEND_PX);
    let mut text_w = 0;
    for e in entries {
        let (w, _) = area.estimate_text_size(&e.label, &style).or_draw()?;
        text_w = text_w.max(w as i32);
    }
    Ok((
        2 * LEGEND_PAD + SWATCH_W + LEGEND_GAP + text_w,
        legend_height(entries.len()),
    ))
}

/// Width of a legend strip beside a plot: at least `min` pixels, wider when one of
/// `entries` needs it (at most half of `area`).
pub(crate) fn strip_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    min: u32,
) -> DrawResult<u32> {
    let (w, _) = legend_size(area, entries)?;
    let need = u32::try_from(w + 2 * LEGEND_INSET).unwrap_or(0);
    Ok(need.max(min).min(area.dim_in_pixel().0 / 2))
}

/// Draws `entries` in a white translucent box whose top-left corner is `at`
/// (pixels relative to `area`).
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    at: (i32, i32),
) -> DrawResult {
    if entries.is_empty() {
        return Ok(());
    }
    let (w, h) = legend_size(area, entries)?;
    let (x0, y0) = at;
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        WHITE.mix(0.85).filled(),
    ))
    .or_draw()?;
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        style::GRID_MAJOR.stroke_width(2),
    ))
    .or_draw()?;
    let text = font(style::LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, e) in entries.iter().enumerate() {
        let yc = y0 + LEGEND_PAD + LEGEND_ROW * i as i32 + LEGEND_ROW / 2;
        let (sx0, sx1) = (x0 + LEGEND_PAD, x0 + LEGEND_PAD + SWATCH_W);
        match e.swatch {
            Swatch::Line(stroke) => stroke.draw_pixels(area, vec![(sx0, yc), (sx1, yc)])?,
            Swatch::Band(stroke) => {
                let fill = stroke.color.mix(style::RIBBON_ALPHA).filled();
                area.draw(&Rectangle::new([(sx0, yc - 11), (sx1, yc + 11)], fill))
                    .or_draw()?;
                stroke.draw_pixels(area, vec![(sx0, yc), (sx1, yc)])?;
            }
            Swatch::Fill(color) => {
                let fill = color.mix(style::FILL_ALPHA).filled();
                area.draw(&Rectangle::new([(sx0, yc - 11), (sx1, yc + 11)], fill))
                    .or_draw()?;
            }
            Swatch::Shade(color, alpha) => {
                let fill = color.mix(alpha).filled();
                area.draw(&Rectangle::new([(sx0, yc - 11), (sx1, yc + 11)], fill))
                    .or_draw()?;
            }
            Swatch::Marker { color, filled } => {
                let shape = if filled {
                    color.filled()
                } else {
                    color.stroke_width(3)
                };
                area.draw(&Circle::new(((sx0 + sx1) / 2, yc), 9, shape))
                    .or_draw()?;
            }
        }
        area.draw_text(&e.label, &text, (sx1 + LEGEND_GAP, yc))
            .or_draw()?;
    }
    Ok(())
}

// ---------------------------------------------------------------- panel

/// Axis set-up of one panel.
pub(crate) struct Axes<'s> {
    /// Panel caption above the plot, e.g. "(a) Mean loneliness".
    pub caption: Option<&'s str>,
    /// x-axis description; `None` leaves the tick labels only.
    pub x_desc: Option<&'s str>,
    pub y_desc: &'s str,
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// x is a whole number (weeks): no fractional tick marks.
    pub x_integer: bool,
    /// Small fonts and label areas, for small multiples.
    pub compact: bool,
}

/// A place for a text label: data point, pixel offset, anchor.
#[derive(Clone, Copy)]
pub(crate) struct Spot {
    pub at: (f64, f64),
    pub offset: (i32, i32),
    pub pos: Pos,
}

impl Spot {
    pub fn new(at: (f64, f64), offset: (i32, i32), pos: Pos) -> Self {
        Spot { at, offset, pos }
    }
}

/// Pixels taken by everything but the plot in a panel (caption, x labels, margins).
const PANEL_CHROME_H: i32 = 160;

/// One set of axes with drawing helpers. Everything drawn is remembered so
/// that the legend can be put where it hides the least data.
pub(crate) struct Panel<'a, DB: DrawingBackend> {
    chart: ChartContext<'a, DB, Coord>,
    y: (f64, f64),
    /// Polylines (data coordinates) already drawn.
    occupied: Vec<Vec<(f64, f64)>>,
    legend: Vec<LegendEntry>,
}

impl<'a, DB: DrawingBackend> Panel<'a, DB> {
    /// Draws the axes, grid, tick labels and captions on `area`.
    pub fn new(area: &'a DrawingArea<DB, Shift>, axes: &Axes) -> DrawResult<Self> {
        let (x0, x1) = axes.x;
        let (y0, y1) = axes.y;
        let k = if axes.compact { 0.72 } else { 1.0 };
        let px = |v: f64| (v * k).round() as u32;
        let mut builder = ChartBuilder::on(area);
        builder
            .margin(px(14.0))
            .margin_right(px(34.0))
            .x_label_area_size(px(if axes.x_desc.is_some() { 84.0 } else { 44.0 }))
            .y_label_area_size(px(104.0));
        if let Some(caption) = axes.caption {
            builder.caption(caption, style::bold(style::CAPTION_PX * k));
        }
        let mut chart = builder.build_cartesian_2d(x0..x1, y0..y1).or_draw()?;
        let mut mesh = chart.configure_mesh();
        let span = x1 - x0;
        let x_labels = if axes.x_integer && span < 8.0 {
            // At most one tick per week.
            (span.floor() as usize + 1).max(2)
        } else {
            8
        };
        mesh.x_labels(if axes.compact {
            x_labels.min(6)
        } else {
            x_labels
        })
        .y_labels(if axes.compact { 5 } else { 6 })
        .max_light_lines(1)
        .label_style(font(style::TICK_PX * k))
        .axis_desc_style(font(style::AXIS_DESC_PX * k))
        .axis_style(style::INK.stroke_width(2))
        .bold_line_style(style::GRID_MAJOR.stroke_width(1))
        .light_line_style(style::GRID_MINOR.stroke_width(1))
        .x_label_formatter(&tick_label)
        .y_label_formatter(&tick_label)
        .y_desc(axes.y_desc);
        if let Some(desc) = axes.x_desc {
            mesh.x_desc(desc);
        }
        mesh.draw().or_draw()?;
        Ok(Panel {
            chart,
            y: axes.y,
            occupied: Vec::new(),
            legend: Vec::new(),
        })
    }

    fn clamp_y(&self, y: f64) -> f64 {
        y.max(self.y.0).min(self.y.1)
    }

    /// `p` moved onto the panel's area if it lies outside.
    fn clamp(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let (x0, x1) = self.x_range();
        (x.max(x0).min(x1), self.clamp_y(y))
    }

    /// Draws a polyline in data coordinates (no legend entry).
    pub fn path(&mut self, stroke: Stroke, points: &[(f64, f64)]) -> DrawResult {
        let points: Vec<(f64, f64)> = points.iter().map(|&p| self.clamp(p)).collect();
        match points.as_slice() {
            [] => return Ok(()),
            [single] => {
                let shape = ShapeStyle::from(stroke.color).filled();
                self.chart
                    .draw_series(std::iter::once(Circle::new(
                        *single,
                        stroke.width + 2,
                        shape,
                    )))
                    .or_draw()?;
            }
            _ => {
                let pixels = points.iter().map(|p| self.chart.backend_coord(p)).collect();
                stroke.draw_pixels(&self.chart.plotting_area().use_screen_coord(), pixels)?;
            }
        }
        self.occupied.push(points);
        Ok(())
    }

    /// Draws the `y` values of `points` as a line broken at missing values;
    /// adds a legend entry when `label` is given and something was drawn.
    pub fn line(
        &mut self,
        stroke: Stroke,
        points: &[BandPoint],
        label: Option<&str>,
    ) -> DrawResult {
        let runs = runs(points, |p| p.y.map(|y| (p.x, y)));
        for run in &runs {
            self.path(stroke, run)?;
        }
        if let (Some(label), false) = (label, runs.is_empty()) {
            self.legend
                .push(LegendEntry::new(label, Swatch::Line(stroke)));
        }
        Ok(())
    }

    /// Fills the band between `lo` and `hi` of `points` with `color` at ribbon opacity.
    pub fn ribbon(&mut self, color: RGBColor, points: &[BandPoint]) -> DrawResult {
        let fill = color.mix(style::RIBBON_ALPHA).filled();
        for run in runs(points, |p| Some((p.x, p.lo?, p.hi?))) {
            if run.len() < 2 {
                continue;
            }
            let upper: Vec<(f64, f64)> = run
                .iter()
                .map(|&(x, _, hi)| (x, self.clamp_y(hi)))
                .collect();
            let lower: Vec<(f64, f64)> = run
                .iter()
                .map(|&(x, lo, _)| (x, self.clamp_y(lo)))
                .collect();
            let polygon: Vec<(f64, f64)> =
                upper.iter().chain(lower.iter().rev()).copied().collect();
            self.chart
                .draw_series(std::iter::once(Polygon::new(polygon, fill)))
                .or_draw()?;
            // The band's inside counts as drawn too (for legend and label placement).
            for f in [0.25, 0.5, 0.75] {
                let inner = upper
                    .iter()
                    .zip(&lower)
                    .map(|(u, l)| (u.0, l.1 + f * (u.1 - l.1)));
                self.occupied.push(inner.collect());
            }
            self.occupied.push(upper);
            self.occupied.push(lower);
        }
        Ok(())
    }

    /// Shades x from `x0` to `x1` over the panel's height (not counted as drawn: data
    /// and legends may lie on it). At least `min_px` pixels wide.
    pub fn span(
        &mut self,
        (x0, x1): (f64, f64),
        color: RGBColor,
        alpha: f64,
        min_px: i32,
    ) -> DrawResult {
        let (lo, hi) = self.x_range();
        let (x0, x1) = (x0.max(lo), x1.min(hi));
        if x0 > x1 {
            return Ok(());
        }
        let (y0, y1) = self.y;
        let (mut left, top) = self.chart.backend_coord(&(x0, y1));
        let (mut right, bottom) = self.chart.backend_coord(&(x1, y0));
        if right - left < min_px {
            let mid = (left + right) / 2;
            left = mid - min_px / 2;
            right = left + min_px;
        }
        let area = self.chart.plotting_area().strip_coord_spec();
        let base = area.get_base_pixel();
        area.draw(&Rectangle::new(
            [
                (left - base.0, top - base.1),
                (right - base.0, bottom - base.1),
            ],
            color.mix(alpha).filled(),
        ))
        .or_draw()
    }

    /// Draws the interventions' session weeks (shaded) and pulses (dotted lines); call
    /// before the data so that the data lie on top.
    pub fn time_marks(&mut self, marks: &[TimeMark]) -> DrawResult {
        for mark in marks {
            for &(a, b) in &mark.spans {
                match mark.kind {
                    MarkKind::Sessions => {
                        self.span((a, b), style::YELLOW, style::SESSION_ALPHA, 4)?
                    }
                    MarkKind::Pulse => {
                        let (lo, hi) = self.x_range();
                        if (lo..=hi).contains(&a) {
                            let (y0, y1) = self.y;
                            self.path(pulse_stroke(), &[(a, y0), (a, y1)])?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Legend rows of [`Panel::time_marks`].
    pub fn time_mark_legend(&mut self, marks: &[TimeMark]) {
        for mark in marks {
            self.legend_entry(time_mark_entry(mark));
        }
    }

    /// A circle marker at `at`.
    pub fn marker(
        &mut self,
        at: (f64, f64),
        color: RGBAColor,
        radius: u32,
        filled: bool,
    ) -> DrawResult {
        let at = self.clamp(at);
        let shape = if filled {
            ShapeStyle::from(color).filled()
        } else {
            ShapeStyle::from(color).stroke_width(3)
        };
        self.chart
            .draw_series(std::iter::once(Circle::new(at, radius, shape)))
            .or_draw()?;
        self.occupied.push(vec![at]);
        Ok(())
    }

    /// A vertical line across the panel at `x`.
    pub fn vline(&mut self, x: f64, stroke: Stroke) -> DrawResult {
        self.path(stroke, &[(x, self.y.0), (x, self.y.1)])
    }

    /// A horizontal line across the panel at `y`.
    pub fn hline(&mut self, y: f64, stroke: Stroke) -> DrawResult {
        let (x0, x1) = self.x_range();
        self.path(stroke, &[(x0, y), (x1, y)])
    }

    /// The x range of the panel.
    pub fn x_range(&self) -> (f64, f64) {
        let r = self.chart.x_range();
        (r.start, r.end)
    }

    /// The y range of the panel.
    pub fn y_range(&self) -> (f64, f64) {
        self.y
    }

    /// Box (absolute pixels: left, top, width, height) of `text` placed at `at`
    /// shifted by `offset` pixels and anchored by `pos`.
    fn text_box(
        &self,
        text: &str,
        at: (f64, f64),
        offset: (i32, i32),
        pos: Pos,
    ) -> DrawResult<(i32, i32, i32, i32)> {
        let style = font(style::NOTE_PX);
        let (w, h) = self
            .chart
            .plotting_area()
            .estimate_text_size(text, &style)
            .or_draw()?;
        let (w, h) = (w as i32, h as i32);
        let (px, py) = self.chart.backend_coord(&at);
        let (x, y) = (px + offset.0, py + offset.1);
        let left = match pos.h_pos {
            HPos::Left => x,
            HPos::Center => x - w / 2,
            HPos::Right => x - w,
        };
        let top = match pos.v_pos {
            VPos::Top => y,
            VPos::Center => y - h / 2,
            VPos::Bottom => y - h,
        };
        Ok((left, top, w, h))
    }

    /// Text at `at` (data coordinates) shifted by `offset` pixels, anchored by `pos`.
    pub fn text(
        &mut self,
        text: &str,
        at: (f64, f64),
        offset: (i32, i32),
        pos: Pos,
        color: &'static RGBColor,
    ) -> DrawResult {
        let (left, top, w, h) = self.text_box(text, at, offset, pos)?;
        let area = self.chart.plotting_area().strip_coord_spec();
        let base = area.get_base_pixel();
        let style = font(style::NOTE_PX)
            .pos(Pos::new(HPos::Left, VPos::Top))
            .color(color);
        area.draw_text(text, &style, (left - base.0, top - base.1))
            .or_draw()?;
        // Remember the text's box so that the legend avoids it.
        let corners = [
            (left, top),
            (left + w, top),
            (left + w, top + h),
            (left, top + h),
            (left, top),
        ];
        let coords = corners.iter().map(|&c| self.to_data(c)).collect();
        self.occupied.push(coords);
        Ok(())
    }

    /// Like [`Panel::text`], at whichever of `candidates` (at, offset, anchor)
    /// covers the least of what has been drawn (the first one on ties).
    pub fn text_best(
        &mut self,
        text: &str,
        candidates: &[Spot],
        color: &'static RGBColor,
    ) -> DrawResult {
        let paths = self.pixel_paths((0, 0));
        let (xr, yr) = self.chart.plotting_area().get_pixel_range();
        let mut best: Option<(usize, usize)> = None;
        for (i, &Spot { at, offset, pos }) in candidates.iter().enumerate() {
            let (l, t, w, h) = self.text_box(text, at, offset, pos)?;
            // Text leaving the plot counts as badly placed.
            let outside =
                usize::from(l < xr.start || t < yr.start || l + w > xr.end || t + h > yr.end);
            let hits = coverage(&paths, (l - 4, t - 4, l + w + 4, t + h + 4)) + 1000 * outside;
            if best.is_none_or(|(b, _)| hits < b) {
                best = Some((hits, i));
            }
        }
        match best {
            Some((_, i)) => {
                let Spot { at, offset, pos } = candidates[i];
                self.text(text, at, offset, pos, color)
            }
            None => Ok(()),
        }
    }

    /// Everything drawn so far as pixel polylines, relative to `origin`.
    fn pixel_paths(&self, origin: (i32, i32)) -> Vec<Vec<(i32, i32)>> {
        self.occupied
            .iter()
            .map(|path| {
                path.iter()
                    .map(|p| {
                        let (x, y) = self.chart.backend_coord(p);
                        (x - origin.0, y - origin.1)
                    })
                    .collect()
            })
            .collect()
    }

    /// Backend pixel to data coordinates.
    fn to_data(&self, (px, py): (i32, i32)) -> (f64, f64) {
        let (xr, yr) = self.chart.plotting_area().get_pixel_range();
        let (x0, x1) = self.x_range();
        let (y0, y1) = self.y;
        let fx = f64::from(px - xr.start) / f64::from((xr.end - xr.start).max(1));
        let fy = f64::from(yr.end - py) / f64::from((yr.end - yr.start).max(1));
        (x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
    }

    /// Adds a legend row that is not tied to a drawn line (e.g. "95% CI").
    pub fn legend_entry(&mut self, entry: LegendEntry) {
        self.legend.push(entry);
    }

    /// Adds a legend row at position `index` (or last).
    pub fn legend_entry_at(&mut self, index: usize, entry: LegendEntry) {
        self.legend.insert(index.min(self.legend.len()), entry);
    }

    /// A centred note in the panel, e.g. when there is no data.
    pub fn note(&mut self, text: &str) -> DrawResult {
        let area = self.chart.plotting_area().strip_coord_spec();
        let (w, h) = area.dim_in_pixel();
        let style = font(style::CAPTION_PX)
            .pos(Pos::new(HPos::Center, VPos::Center))
            .color(&style::MUTED);
        area.draw_text(text, &style, (w as i32 / 2, h as i32 / 2))
            .or_draw()
    }

    /// Draws the legend inside the plot, in the corner where it covers the
    /// least of what has been drawn.
    pub fn finish(self) -> DrawResult {
        if self.legend.is_empty() {
            return Ok(());
        }
        let area = self.chart.plotting_area().strip_coord_spec();
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let (lw, lh) = legend_size(&area, &self.legend)?;
        let left = LEGEND_INSET;
        let right = w - lw - LEGEND_INSET;
        let centre = (w - lw) / 2;
        let top = LEGEND_INSET;
        let bottom = h - lh - LEGEND_INSET;
        // In order of preference when equally good.
        let candidates = [
            (right, top),
            (left, top),
            (centre, top),
            (right, bottom),
            (left, bottom),
            (centre, bottom),
        ];
        let pixel_paths = self.pixel_paths(area.get_base_pixel());
        let mut best = (usize::MAX, candidates[0]);
        for &(x, y) in &candidates {
            let hits = coverage(&pixel_paths, (x - 6, y - 6, x + lw + 6, y + lh + 6));
            if hits < best.0 {
                best = (hits, (x, y));
            }
        }
        draw_legend(&area, &self.legend, best.1)
    }

    /// Draws the legend at the top-left of `area` (e.g. a strip beside the plot),
    /// aligned with the top of the plot.
    pub fn finish_outside(self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let plot_top = self.chart.plotting_area().get_base_pixel().1 - area.get_base_pixel().1;
        draw_legend(area, &self.legend, (LEGEND_INSET, plot_top.max(0)))
    }
}

/// Number of sample points (about every 6 px along each path) inside `rect`
/// (x0, y0, x1, y1).
fn coverage(paths: &[Vec<(i32, i32)>], rect: (i32, i32, i32, i32)) -> usize {
    let inside = |x: f64, y: f64| {
        x >= f64::from(rect.0)
            && x <= f64::from(rect.2)
            && y >= f64::from(rect.1)
            && y <= f64::from(rect.3)
    };
    let mut hits = 0;
    for path in paths {
        if let [only] = path.as_slice() {
            hits += usize::from(inside(f64::from(only.0), f64::from(only.1)));
        }
        for pair in path.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
            let samples = (dx.hypot(dy) / 6.0).ceil().clamp(1.0, 2000.0) as usize;
            for s in 0..=samples {
                let t = s as f64 / samples as f64;
                hits += usize::from(inside(f64::from(a.0) + t * dx, f64::from(a.1) + t * dy));
            }
        }
    }
    hits
}

/// Splits `points` into maximal runs where `f` gives a value.
fn runs<T>(points: &[BandPoint], f: impl Fn(&BandPoint) -> Option<T>) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for p in points {
        match f(p) {
            Some(v) => current.push(v),
            None if current.is_empty() => {}
            None => out.push(std::mem::take(&mut current)),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Tick label: up to three decimals, trailing zeros dropped.
fn tick_label(v: &f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => "0".to_string(),
        t => t.to_string(),
    }
}

// ---------------------------------------------------------------- time marks

/// Stroke of a pulse line.
pub(crate) fn pulse_stroke() -> Stroke {
    Stroke::dotted(style::INK, style::THIN_W)
}

/// The legend row of a time mark.
pub(crate) fn time_mark_entry(mark: &TimeMark) -> LegendEntry {
    let swatch = match mark.kind {
        MarkKind::Sessions => Swatch::Shade(style::YELLOW, style::SESSION_ALPHA),
        MarkKind::Pulse => Swatch::Line(pulse_stroke()),
    };
    LegendEntry::new(mark.label.as_str(), swatch)
}

// ---------------------------------------------------------------- figure helpers

/// Draws the figure title (shrunk to fit the width) and returns the area below it.
pub(crate) fn title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
) -> DrawResult<DrawingArea<DB, Shift>> {
    let (w, _) = root.dim_in_pixel();
    let mut px = style::TITLE_PX;
    loop {
        let (tw, _) = root.estimate_text_size(text, &style::bold(px)).or_draw()?;
        if f64::from(tw) <= f64::from(w) - 60.0 || px <= 24.0 {
            break;
        }
        px -= 2.0;
    }
    let area = root.margin(14, 0, 0, 0);
    area.titled(text, style::bold(px)).or_draw()
}

/// x range covering all `series`, widened when degenerate.
pub(crate) fn x_extent<'p>(series: impl IntoIterator<Item = &'p [BandPoint]>) -> (f64, f64) {
    extent(series.into_iter().flatten().map(|p| p.x))
}

/// Smallest range holding all `values`; (0, 1) when empty, widened by 1 on
/// each side when all values are equal.
pub(crate) fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !(lo.is_finite() && hi.is_finite()) {
        (0.0, 1.0)
    } else if hi - lo < 1e-9 {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    }
}

/// All y values (line and band) of `series`.
pub(crate) fn y_values<'p>(series: impl IntoIterator<Item = &'p [BandPoint]>) -> Vec<f64> {
    series
        .into_iter()
        .flatten()
        .flat_map(|p| [p.y, p.lo, p.hi])
        .flatten()
        .collect()
}

/// Top of a y axis that starts at 0 in a panel `area_h` pixels high: fits
/// `values`, leaves room above them for a legend of `legend_rows` rows, is a
/// multiple of `step` and at most `cap`.
pub(crate) fn y_top_px(
    area_h: i32,
    values: &[f64],
    cap: f64,
    step: f64,
    legend_rows: usize,
) -> f64 {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() || max <= 0.0 {
        return if cap.is_finite() { cap } else { step };
    }
    let plot_h = (area_h - PANEL_CHROME_H).max(100);
    let reserve = if legend_rows == 0 {
        0.05
    } else {
        (f64::from(legend_height(legend_rows) + 2 * LEGEND_INSET) / f64::from(plot_h)).min(0.5)
    };
    let top = max / (1.0 - reserve);
    ((top / step).ceil() * step).max(step).min(cap)
}

/// Smallest of 1, 2, 5 × 10^k that is at least `x` (for axis steps).
pub(crate) fn nice_step(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= x)
        .unwrap_or(10.0 * magnitude)
}

// ---------------------------------------------------------------- band panels

/// A line, optionally with its 95% CI ribbon, for [`band_panel`].
pub(crate) struct Series {
    /// Legend label; `None` for no legend row.
    pub label: Option<String>,
    pub stroke: Stroke,
    pub points: Vec<BandPoint>,
    pub ribbon: bool,
}

impl Series {
    /// A solid line of `color` with its ribbon.
    pub fn band(label: &str, color: RGBColor, points: &[BandPoint]) -> Self {
        Series {
            label: Some(label.to_string()),
            stroke: Stroke::solid(color, style::LINE_W),
            points: points.to_vec(),
            ribbon: true,
        }
    }
}

/// Axis and legend set-up of a [`band_panel`].
pub(crate) struct BandPanel<'s> {
    pub caption: Option<&'s str>,
    pub x_desc: Option<&'s str>,
    pub y_desc: &'s str,
    /// Largest value the y axis may reach (1 for 0–1 scores, 100 for %).
    pub y_cap: f64,
    /// The y axis top is a multiple of this.
    pub y_step: f64,
    /// Reserve room above the data for the legend (false when it is drawn outside).
    pub legend_inside: bool,
    /// Extra legend rows the caller will add.
    pub extra_legend_rows: usize,
    /// x is a count (weeks, traits): integer ticks only.
    pub x_integer: bool,
    /// Let the y axis go below 0 when the data do (differences, excess risks).
    pub allow_negative: bool,
}

/// What a run's band panels add to a [`BandPanel`]: the interventions and pulses to
/// mark, and full-scale axes.
pub(crate) struct Extras<'m> {
    /// Drawn under the data.
    pub marks: &'m [TimeMark],
    /// The marks get legend rows (in one panel of a figure is enough).
    pub mark_legend: bool,
    /// The y axis spans the metric's whole range (0 to `y_cap`) when the cap is finite.
    pub full_scale: bool,
    /// The y axis fits the lines, and their ribbons only up to 1.5 times the highest
    /// line value (a ribbon reaching higher is cut at the top): for counts, whose
    /// intervals from two or three replicates can be very wide.
    pub fit_lines: bool,
    /// A "95% confidence interval" legend row when a ribbon is drawn (else the caller
    /// names the interval elsewhere, e.g. in the caption).
    pub ci_row: bool,
}

impl Default for Extras<'_> {
    fn default() -> Self {
        Extras {
            marks: &[],
            mark_legend: false,
            full_scale: false,
            fit_lines: false,
            ci_row: true,
        }
    }
}

/// The y range of a band panel `area_h` pixels high showing `values` with
/// `legend_rows` legend rows inside: from 0 (or below, for `allow_negative` data)
/// to a top that fits the data — or, with `full_scale` and a finite cap, the
/// whole range 0 to `y_cap`.
pub(crate) fn band_y_range(
    spec: &BandPanel,
    values: &[f64],
    legend_rows: usize,
    area_h: i32,
    full_scale: bool,
) -> (f64, f64) {
    let low = if spec.allow_negative {
        let low = values.iter().copied().fold(0.0f64, f64::min);
        if low < 0.0 {
            -(nice_step(-low / 4.0) * ((-low / nice_step(-low / 4.0)).ceil()))
        } else {
            0.0
        }
    } else {
        0.0
    };
    if full_scale && spec.y_cap.is_finite() && low == 0.0 {
        return (0.0, spec.y_cap);
    }
    (
        low,
        y_top_px(area_h, values, spec.y_cap, spec.y_step, legend_rows),
    )
}

/// Draws a panel of lines with 95% CI ribbons (all ribbons first, then all
/// lines) and their legend rows, plus a "95% confidence interval" row when a
/// ribbon was drawn. Returns the panel for further marks; call
/// [`Panel::finish`] (or `finish_outside`) to draw the legend.
pub(crate) fn band_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    spec: &BandPanel,
    series: &[Series],
) -> DrawResult<Panel<'a, DB>> {
    band_panel_with(area, spec, series, &Extras::default())
}

/// [`band_panel`] with a run's time marks (drawn first, legend rows last) and
/// full-scale axes.
pub(crate) fn band_panel_with<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    spec: &BandPanel,
    series: &[Series],
    extras: &Extras,
) -> DrawResult<Panel<'a, DB>> {
    let present: Vec<&Series> = series
        .iter()
        .filter(|s| s.points.iter().any(|p| p.y.is_some()))
        .collect();
    let has_band =
        |s: &Series| s.ribbon && s.points.iter().any(|p| p.lo.is_some() && p.hi.is_some());
    let any_ribbon = present.iter().any(|s| has_band(s));
    let rows = if spec.legend_inside {
        present.iter().filter(|s| s.label.is_some()).count()
            + usize::from(any_ribbon && extras.ci_row)
            + spec.extra_legend_rows
            + if extras.mark_legend {
                extras.marks.len()
            } else {
                0
            }
    } else {
        0
    };
    let point_sets = present.iter().map(|s| s.points.as_slice());
    let mut values = y_values(point_sets.clone());
    if extras.fit_lines {
        let top = point_sets
            .clone()
            .flatten()
            .filter_map(|p| p.y)
            .fold(f64::NEG_INFINITY, f64::max);
        if top > 0.0 {
            values.retain(|v| *v <= 1.5 * top);
        }
    }
    let axes = Axes {
        caption: spec.caption,
        x_desc: spec.x_desc,
        y_desc: spec.y_desc,
        x: x_extent(point_sets),
        y: band_y_range(
            spec,
            &values,
            rows,
            area.dim_in_pixel().1 as i32,
            extras.full_scale,
        ),
        x_integer: spec.x_integer,
        compact: false,
    };
    let mut panel = Panel::new(area, &axes)?;
    if present.is_empty() {
        panel.note("no data")?;
        return Ok(panel);
    }
    panel.time_marks(extras.marks)?;
    for s in present.iter().filter(|s| s.ribbon) {
        let color = RGBColor(s.stroke.color.0, s.stroke.color.1, s.stroke.color.2);
        panel.ribbon(color, &s.points)?;
    }
    for s in &present {
        panel.line(s.stroke, &s.points, None)?;
        if let Some(label) = &s.label {
            let swatch = if has_band(s) {
                Swatch::Band(s.stroke)
            } else {
                Swatch::Line(s.stroke)
            };
            panel.legend_entry(LegendEntry::new(label.as_str(), swatch));
        }
    }
    if any_ribbon && extras.ci_row {
        panel.legend_entry(LegendEntry::new(
            "95% confidence interval",
            Swatch::Fill(style::MUTED),
        ));
    }
    if extras.mark_legend {
        panel.time_mark_legend(extras.marks);
    }
    Ok(panel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polylines_are_split_at_sharp_turns_and_thinned() {
        // Out 10 px, back 10 px: one sharp reversal.
        let pieces = tidy_polyline(&[(0, 0), (10, 0), (1, 0)], 2);
        assert_eq!(pieces, vec![vec![(0, 0), (10, 0)], vec![(10, 0), (1, 0)]]);
        // Points closer than 3 px are dropped but the end point is kept.
        let pieces = tidy_polyline(&[(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)], 3);
        assert_eq!(pieces, vec![vec![(0, 0), (4, 0)]]);
        assert_eq!(tidy_polyline(&[(5, 5)], 2), vec![vec![(5, 5)]]);
    }

    #[test]
    fn dashes_follow_the_pattern_across_vertices() {
        // 30 px with a 5 px on / 5 px off pattern; the vertex at 7 px does not
        // restart it.
        let d = dashes(&[(0, 0), (7, 0), (30, 0)], 5.0, 5.0);
        assert_eq!(
            d,
            vec![
                vec![(0, 0), (5, 0)],
                vec![(10, 0), (15, 0)],
                vec![(20, 0), (25, 0)],
            ]
        );
    }

    #[test]
    fn tick_labels_drop_trailing_zeros() {
        assert_eq!(tick_label(&0.2), "0.2");
        assert_eq!(tick_label(&20.0), "20");
        assert_eq!(tick_label(&-0.0), "0");
        assert_eq!(tick_label(&0.125), "0.125");
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(1.5), 2.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(0.03), 0.05);
    }
}
