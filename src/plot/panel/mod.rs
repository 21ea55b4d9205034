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

mod band;
mod legend;
mod placement;
mod stroke;

pub(crate) use band::*;
pub(crate) use legend::*;
use placement::*;
pub(crate) use stroke::*;

/// A band reaching above a panel by less than this share of its height is not said to be
/// cut (it would not show: a pixel or two).
const CUT_TOLERANCE: f64 = 0.004;

/// Coordinates of every panel: f64 on both axes.
pub(crate) type Coord = Cartesian2d<RangedCoordf64, RangedCoordf64>;

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
    /// y is a whole number (counts): no fractional tick marks.
    pub y_integer: bool,
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

    /// Places for a label next to a marker at `at`, `gap` pixels from its centre: right,
    /// left, above, below and the four diagonals; then the same rows above and below
    /// moved further out (up to about 200 pixels), for when the near ones are taken.
    /// Nearest first.
    pub fn around(at: (f64, f64), gap: i32) -> Vec<Spot> {
        let p = Pos::new;
        let mut spots = vec![
            Spot::new(at, (gap, 0), p(HPos::Left, VPos::Center)),
            Spot::new(at, (-gap, 0), p(HPos::Right, VPos::Center)),
        ];
        for k in 0..7 {
            let dy = gap + 30 * k;
            for (dx, h) in [(0, HPos::Center), (gap, HPos::Left), (-gap, HPos::Right)] {
                spots.push(Spot::new(at, (dx, -dy), p(h, VPos::Bottom)));
                spots.push(Spot::new(at, (dx, dy), p(h, VPos::Top)));
            }
        }
        spots
    }
}

/// Pixels around the plot of a panel (margins, caption, tick labels), from [`frame`].
struct Frame {
    /// Margin above the caption.
    outer_top: i32,
    /// Between the caption (or a legend above the plot) and the plot: room for the
    /// upper half of the top tick label.
    gap: i32,
    /// Caption, gap and outer margin.
    top: i32,
    /// Margin and y tick labels.
    left: i32,
    right: i32,
    /// x tick labels (and description) and margin.
    bottom: i32,
}

/// The layout [`Panel::new_with`] gives a panel of `axes` on `area`, with a legend strip
/// `above_h` pixels high above the plot.
fn frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &Axes,
    above_h: i32,
) -> DrawResult<Frame> {
    let k = if axes.compact { 0.72 } else { 1.0 };
    let px = |v: f64| (v * k).round() as i32;
    let caption_h = match axes.caption {
        Some(caption) => {
            // As `DrawingArea::titled` lays it out: the text with a padding above and below.
            let (_, h) = area
                .estimate_text_size(caption, &style::bold(style::CAPTION_PX * k))
                .or_draw()?;
            h as i32 + 2 * (h as i32 / 2).min(5)
        }
        None => 0,
    };
    let outer_top = px(14.0);
    // Half a tick label, and some air: the top tick label must not touch the caption
    // (or the legend above the plot).
    let gap = if axes.caption.is_some() || above_h > 0 {
        px(style::TICK_PX * 0.5 + 10.0)
    } else {
        0
    };
    Ok(Frame {
        outer_top,
        gap,
        top: outer_top + caption_h + gap,
        left: px(14.0) + px(104.0),
        right: px(34.0),
        bottom: px(14.0) + px(if axes.x_desc.is_some() { 84.0 } else { 44.0 }),
    })
}

/// Pixel size (width, height) of the plot of a panel of `axes` on `area` with a legend
/// strip `above_h` pixels high between the caption and the plot.
pub(crate) fn plot_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &Axes,
    above_h: i32,
) -> DrawResult<(i32, i32)> {
    let f = frame(area, axes, above_h)?;
    let (w, h) = area.dim_in_pixel();
    Ok((
        (w as i32 - f.left - f.right).max(1),
        (h as i32 - f.top - above_h - f.bottom).max(1),
    ))
}

/// A text label to place with [`Panel::labels_best`].
pub(crate) struct Label {
    /// The text, in order of preference (e.g. on one line, then on two: `\n` breaks a line).
    pub variants: Vec<String>,
    /// Where it may go.
    pub spots: Vec<Spot>,
    pub color: &'static RGBColor,
    /// The label names a marker: it keeps a wider berth from lines, slides back into the
    /// plot when a place leaves it, goes as near to its marker as it can, and a thin line
    /// joins them when it had to go further. Else (a note on a line, e.g. a baseline) it
    /// may sit close to lines, and the first free place of its list is taken.
    pub near: bool,
}

/// A label's candidate in [`Panel::labels_best`]: variant, place, pixel offset.
type Pick = (usize, usize, (i32, i32));

/// Pixel box of a text label: left, top, right, bottom.
type TextBox = (i32, i32, i32, i32);

/// One set of axes with drawing helpers. Everything drawn is remembered so
/// that the legend can be put where it hides the least data.
pub(crate) struct Panel<'a, DB: DrawingBackend> {
    chart: ChartContext<'a, DB, Coord>,
    y: (f64, f64),
    /// Polylines (data coordinates) already drawn.
    occupied: Vec<Vec<(f64, f64)>>,
    /// Boxes of the text labels drawn (absolute pixels), which no other label may cover.
    labels: Vec<TextBox>,
    legend: Vec<LegendEntry>,
    /// A strip between the caption and the plot for the legend, when asked for.
    above: Option<DrawingArea<DB, Shift>>,
}

impl<'a, DB: DrawingBackend> Panel<'a, DB> {
    /// Draws the axes, grid, tick labels and captions on `area`.
    pub fn new(area: &'a DrawingArea<DB, Shift>, axes: &Axes) -> DrawResult<Self> {
        Self::new_with(area, axes, 0)
    }

    /// [`Panel::new`] with a strip `above_h` pixels high between the caption and the plot,
    /// in which [`Panel::finish`] draws the legend (none when 0).
    pub fn new_with(
        area: &'a DrawingArea<DB, Shift>,
        axes: &Axes,
        above_h: i32,
    ) -> DrawResult<Self> {
        let (x0, x1) = axes.x;
        let (y0, y1) = axes.y;
        let k = if axes.compact { 0.72 } else { 1.0 };
        let px = |v: f64| (v * k).round() as u32;
        let f = frame(area, axes, above_h)?;
        // The caption is drawn here rather than by the chart builder, to leave a gap
        // between it and the plot (the top tick label reaches above the plot).
        let mut rest = area.margin(f.outer_top, 0, 0, 0);
        if let Some(caption) = axes.caption {
            rest = rest
                .titled(caption, style::bold(style::CAPTION_PX * k))
                .or_draw()?;
        }
        let above = if above_h > 0 {
            let (strip, below) = rest.split_vertically(above_h);
            rest = below;
            Some(strip)
        } else {
            None
        };
        let mut builder = ChartBuilder::on(&rest);
        builder
            .margin(px(14.0))
            .margin_top(u32::try_from(f.gap).unwrap_or(0))
            .margin_right(px(34.0))
            .x_label_area_size(px(if axes.x_desc.is_some() { 84.0 } else { 44.0 }))
            .y_label_area_size(px(104.0));
        let mut chart = builder.build_cartesian_2d(x0..x1, y0..y1).or_draw()?;
        let mut mesh = chart.configure_mesh();
        let span = x1 - x0;
        let x_labels = if axes.x_integer && span < 8.0 {
            // At most one tick per week.
            (span.floor() as usize + 1).max(2)
        } else {
            8
        };
        let y_labels = if axes.compact { 5 } else { 6 };
        let y_span = y1 - y0;
        let y_labels = if axes.y_integer && y_span < 8.0 {
            // At most one tick per unit: whole numbers only.
            (y_span.floor() as usize + 1).clamp(2, y_labels)
        } else {
            y_labels
        };
        mesh.x_labels(if axes.compact {
            x_labels.min(6)
        } else {
            x_labels
        })
        .y_labels(y_labels)
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
            labels: Vec::new(),
            legend: Vec::new(),
            above,
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
    /// A band reaching above the panel is drawn up to its top edge; returns the x ranges
    /// (first, last point) where it is cut there (by more than [`CUT_TOLERANCE`]).
    pub fn ribbon(&mut self, color: RGBColor, points: &[BandPoint]) -> DrawResult<Vec<(f64, f64)>> {
        let fill = color.mix(style::RIBBON_ALPHA).filled();
        let top = self.y.1 + CUT_TOLERANCE * (self.y.1 - self.y.0);
        let cut = runs(points, |p| p.hi.filter(|&hi| hi > top).map(|_| p.x))
            .into_iter()
            .filter_map(|xs| Some((*xs.first()?, *xs.last()?)))
            .collect();
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
        Ok(cut)
    }

    /// Marks where a band of `color` is cut at the top edge of the panel: a small
    /// triangle pointing up over each of the x ranges `cut` (kept clear of the y axis).
    pub fn cut_marks(&mut self, color: RGBColor, cut: &[(f64, f64)]) -> DrawResult {
        let (xr, yr) = self.chart.plotting_area().get_pixel_range();
        let area = self.chart.plotting_area().strip_coord_spec();
        let base = area.get_base_pixel();
        for &(a, b) in cut {
            let (x, _) = self.chart.backend_coord(&(0.5 * (a + b), self.y.1));
            let x = x.clamp(xr.start + 10, xr.end - 10);
            let y = yr.start + 3;
            let triangle = [(x - 8, y + 13), (x + 8, y + 13), (x, y)];
            let pixels: Vec<(i32, i32)> = triangle
                .iter()
                .map(|&(px, py)| (px - base.0, py - base.1))
                .collect();
            area.draw(&Polygon::new(pixels, color.filled())).or_draw()?;
            let corners = [(x - 8, y + 13), (x + 8, y + 13), (x, y), (x - 8, y + 13)];
            let coords = corners.iter().map(|&c| self.to_data(c)).collect();
            self.occupied.push(coords);
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

    /// Width of each line of `text` (lines split at `\n`) and the height of a line.
    fn text_lines(&self, text: &str) -> DrawResult<(Vec<i32>, i32)> {
        let style = font(style::NOTE_PX);
        let area = self.chart.plotting_area();
        let mut widths = Vec::new();
        let mut line_h = 0;
        for line in text.split('\n') {
            let (w, h) = area.estimate_text_size(line, &style).or_draw()?;
            widths.push(w as i32);
            line_h = line_h.max(h as i32);
        }
        // Some leading between lines.
        let line_h = if widths.len() > 1 { line_h + 4 } else { line_h };
        Ok((widths, line_h))
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
        let (widths, line_h) = self.text_lines(text)?;
        let w = widths.iter().copied().max().unwrap_or(0);
        let h = line_h * widths.len() as i32;
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

    /// Text at `at` (data coordinates) shifted by `offset` pixels, anchored by `pos`;
    /// several lines when it has `\n`s, aligned as the anchor says.
    pub fn text(
        &mut self,
        text: &str,
        at: (f64, f64),
        offset: (i32, i32),
        pos: Pos,
        color: &'static RGBColor,
    ) -> DrawResult {
        let (left, top, w, h) = self.text_box(text, at, offset, pos)?;
        let (widths, line_h) = self.text_lines(text)?;
        let area = self.chart.plotting_area().strip_coord_spec();
        let base = area.get_base_pixel();
        let style = font(style::NOTE_PX)
            .pos(Pos::new(HPos::Left, VPos::Top))
            .color(color);
        for (i, (line, lw)) in text.split('\n').zip(widths).enumerate() {
            let x = match pos.h_pos {
                HPos::Left => left,
                HPos::Center => left + (w - lw) / 2,
                HPos::Right => left + w - lw,
            };
            let y = top + line_h * i as i32;
            area.draw_text(line, &style, (x - base.0, y - base.1))
                .or_draw()?;
        }
        // Remember the text's box so that the legend and later labels avoid it.
        let corners = [
            (left, top),
            (left + w, top),
            (left + w, top + h),
            (left, top + h),
            (left, top),
        ];
        let coords = corners.iter().map(|&c| self.to_data(c)).collect();
        self.occupied.push(coords);
        self.labels.push((left, top, left + w, top + h));
        Ok(())
    }

    /// Like [`Panel::text`], at the best of `candidates` (at, offset, anchor); see
    /// [`Panel::labels_best`].
    pub fn text_best(
        &mut self,
        text: &str,
        candidates: &[Spot],
        color: &'static RGBColor,
    ) -> DrawResult {
        self.labels_best(&[Label {
            variants: vec![text.to_string()],
            spots: candidates.to_vec(),
            color,
            near: false,
        }])
    }

    /// Draws several labels, each as one of its variants at one of its places, choosing
    /// them together: no label on another label (drawn before or now) or outside the plot
    /// when the candidates allow it; then as little as possible of what has been drawn
    /// (lines, markers) covered; then (labels `near` a marker) each as near as possible to
    /// its point; then in its first variant, at the earlier place of its list.
    pub fn labels_best(&mut self, labels: &[Label]) -> DrawResult {
        const ON_LABEL: u64 = 1_000_000;
        let paths = self.pixel_paths((0, 0));
        let (xr, yr) = self.chart.plotting_area().get_pixel_range();
        // Each candidate (variant, place): its box and its cost on its own.
        let mut options: Vec<Vec<(TextBox, u64)>> = Vec::with_capacity(labels.len());
        // Each candidate's (variant, place, offset once slid into the plot).
        let mut picks: Vec<Vec<Pick>> = Vec::with_capacity(labels.len());
        for label in labels {
            let mut opts = Vec::new();
            let mut pick = Vec::new();
            for (v, text) in label.variants.iter().enumerate() {
                for (k, &Spot { at, offset, pos }) in label.spots.iter().enumerate() {
                    let (l, t, w, h) = self.text_box(text, at, offset, pos)?;
                    // A box leaving the plot slides back in (when it fits).
                    let slide = |lo: i32, hi: i32, start: i32, end: i32| {
                        if hi - lo > end - start {
                            0
                        } else if lo < start {
                            start - lo
                        } else if hi > end {
                            end - hi
                        } else {
                            0
                        }
                    };
                    let (sx, sy) = if label.near {
                        (
                            slide(l, l + w, xr.start + 2, xr.end - 2),
                            slide(t, t + h, yr.start + 2, yr.end - 2),
                        )
                    } else {
                        (0, 0)
                    };
                    let (l, t) = (l + sx, t + sy);
                    let (r, b) = (l + w, t + h);
                    let bx = (l, t, r, b);
                    let outside =
                        u64::from(l < xr.start || t < yr.start || r > xr.end || b > yr.end);
                    let on_label = self.labels.iter().filter(|o| overlap(bx, **o)).count() as u64;
                    let (mx, my) = if label.near { (6, 10) } else { (4, 4) };
                    let hits = coverage(&paths, (l - mx, t - my, r + mx, b + my)) as u64;
                    // Distance (pixels) from the labelled point to the nearest point of the box.
                    let (px, py) = self.chart.backend_coord(&at);
                    let dx = (l - px).max(px - r).max(0);
                    let dy = (t - py).max(py - b).max(0);
                    let distance = if label.near {
                        f64::from(dx).hypot(f64::from(dy)).round() as u64
                    } else {
                        0
                    };
                    let cost = ON_LABEL * on_label
                        + 100_000 * outside
                        + 100 * hits
                        + distance
                        + 20 * v as u64;
                    opts.push((bx, cost));
                    pick.push((v, k, (offset.0 + sx, offset.1 + sy)));
                }
            }
            if opts.is_empty() {
                return Ok(());
            }
            options.push(opts);
            picks.push(pick);
        }
        let choice = best_combination(&options, ON_LABEL);
        for ((label, pick), i) in labels.iter().zip(&picks).zip(choice) {
            let (v, k, offset) = pick[i];
            let Spot { at, pos, .. } = label.spots[k];
            self.text(&label.variants[v], at, offset, pos, label.color)?;
            if label.near {
                let (l, t, w, h) = self.text_box(&label.variants[v], at, offset, pos)?;
                self.leader(at, (l, t, l + w, t + h), label.color)?;
            }
        }
        Ok(())
    }

    /// A thin line from the point `at` to its label's box `bx` when the label had to go
    /// further than a marker's width from it, so that it is clear what it labels.
    fn leader(&mut self, at: (f64, f64), bx: TextBox, color: &RGBColor) -> DrawResult {
        let (px, py) = self.chart.backend_coord(&at);
        let (qx, qy) = (px.clamp(bx.0, bx.2), py.clamp(bx.1, bx.3));
        let (dx, dy) = (f64::from(qx - px), f64::from(qy - py));
        let d = dx.hypot(dy);
        if d <= 30.0 {
            return Ok(());
        }
        // From the marker's rim to just short of the box.
        let from = (
            px + (12.0 * dx / d).round() as i32,
            py + (12.0 * dy / d).round() as i32,
        );
        let to = (
            qx - (4.0 * dx / d).round() as i32,
            qy - (4.0 * dy / d).round() as i32,
        );
        let stroke = Stroke::solid(*color, 2).alpha(0.8);
        stroke.draw_pixels(
            &self.chart.plotting_area().use_screen_coord(),
            vec![from, to],
        )?;
        let path = vec![self.to_data(from), self.to_data(to)];
        self.occupied.push(path);
        Ok(())
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

    /// Draws the legend: in the strip above the plot when the panel has one (see
    /// [`Panel::new_with`]), else inside the plot, in the corner where it covers the
    /// least of what has been drawn.
    pub fn finish(self) -> DrawResult {
        if self.legend.is_empty() {
            return Ok(());
        }
        if let Some(strip) = &self.above {
            return self.finish_flow(strip).map(|_| ());
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
        let base = area.get_base_pixel();
        for &(x, y) in &candidates {
            let rect = (x - 6, y - 6, x + lw + 6, y + lh + 6);
            // Never on a text label when another corner avoids it.
            let on_label = self
                .labels
                .iter()
                .filter(|o| {
                    let o = (o.0 - base.0, o.1 - base.1, o.2 - base.0, o.3 - base.1);
                    o.0 < rect.2 && rect.0 < o.2 && o.1 < rect.3 && rect.1 < o.3
                })
                .count();
            let hits = coverage(&pixel_paths, rect) + 10_000 * on_label;
            if hits < best.0 {
                best = (hits, (x, y));
            }
        }
        draw_legend(&area, &self.legend, best.1)
    }

    /// Left edge and width of the plot, in pixels relative to `area`.
    fn plot_columns(&self, area: &DrawingArea<DB, Shift>) -> (i32, i32) {
        let (xr, _) = self.chart.plotting_area().get_pixel_range();
        (xr.start - area.get_base_pixel().0, xr.end - xr.start)
    }

    /// Draws the legend as a compact flowing legend (several entries to a row) at the
    /// top of `area` (a strip above or below the plot): aligned with the plot's left edge
    /// when it fits there, else with the area's; returns its size.
    pub fn finish_flow(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<(i32, i32)> {
        let look = Look::COMPACT;
        let width = area.dim_in_pixel().0 as i32;
        let max_w = width - 2 * LEGEND_INSET;
        let (w, _) = legend_flow_size(area, &self.legend, max_w, look)?;
        let (left, _) = self.plot_columns(area);
        let x = if left + w <= width - LEGEND_INSET {
            left
        } else {
            LEGEND_INSET
        };
        draw_legend_flow(area, &self.legend, (x, 0), max_w, look)
    }

    /// Draws the legend at the top-left of `area` (e.g. a strip beside the plot),
    /// aligned with the top of the plot.
    pub fn finish_outside(self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let plot_top = self.chart.plotting_area().get_base_pixel().1 - area.get_base_pixel().1;
        draw_legend(area, &self.legend, (LEGEND_INSET, plot_top.max(0)))
    }
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
    fn sparse_bands_do_not_set_the_axis_but_lines_do() {
        let point = |x: f64, y: f64, lo: f64, hi: f64| BandPoint {
            x,
            y: Some(y),
            lo: Some(lo),
            hi: Some(hi),
        };
        let points = vec![point(0.0, 0.1, 0.0, 0.9), point(1.0, 0.3, 0.25, 0.35)];
        let series = Series::band("affected", style::VERMILLION, &points);
        let all = range_values(&[&series], false);
        assert!(all.contains(&0.9));
        let sparse = Series::band("affected", style::VERMILLION, &points).sparse_at(vec![0.0]);
        let values = range_values(&[&sparse], false);
        assert!(
            !values.contains(&0.9) && !values.contains(&0.0),
            "{values:?}"
        );
        // The means always count; the band where there are enough agents too.
        for v in [0.1, 0.3, 0.25, 0.35] {
            assert!(values.contains(&v), "{v}");
        }
        // Counts: bands above 1.5 times the highest line are left out.
        let counts = range_values(&[&series], true);
        assert!(!counts.contains(&0.9) && counts.contains(&0.35));
    }

    #[test]
    fn labels_are_placed_together_without_overlapping() {
        // Two labels, each cheapest at the same place: the second takes its next best.
        let a = (0, 0, 100, 20);
        let b = (0, 100, 100, 120);
        let options = vec![vec![(a, 0), (b, 50)], vec![(a, 0), (b, 10)]];
        assert_eq!(best_combination(&options, 1_000_000), vec![0, 1]);
        // Nothing clashes: each its cheapest.
        let options = vec![vec![(a, 0), (b, 5)], vec![(b, 0), (a, 5)]];
        assert_eq!(best_combination(&options, 1_000_000), vec![0, 0]);
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
