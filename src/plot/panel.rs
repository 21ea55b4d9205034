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

/// A band reaching above a panel by less than this share of its height is not said to be
/// cut (it would not show: a pixel or two).
const CUT_TOLERANCE: f64 = 0.004;

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

/// Most colours a [`Swatch::Bands`] shows.
pub(crate) const BAND_COLOURS: usize = 6;

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
    /// Side by side, the translucent bands of the first `n` of `colors` (the row that
    /// says what the bands around the lines are, each in its line's colour).
    Bands {
        colors: [RGBColor; BAND_COLOURS],
        n: usize,
    },

    /// A circle marker, hollow or filled.
    Marker { color: RGBColor, filled: bool },
    /// The triangle that marks where a band of `color` is cut at the top of a panel.
    Cut(RGBColor),
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

    /// The row naming the 95% confidence bands drawn around lines of `colors` (each band
    /// in its line's colour, as the swatch shows).
    pub fn bands(colors: &[RGBColor]) -> Self {
        let mut distinct: Vec<RGBColor> = Vec::new();
        for &c in colors {
            if !distinct.contains(&c) {
                distinct.push(c);
            }
        }
        let n = distinct.len().min(BAND_COLOURS);
        let mut all = [style::MUTED; BAND_COLOURS];
        all[..n].copy_from_slice(&distinct[..n]);
        let label = if n > 1 {
            "shaded: 95% CI of each line"
        } else {
            "shaded: 95% confidence interval"
        };
        LegendEntry::new(label, Swatch::Bands { colors: all, n })
    }
}

const LEGEND_ROW: i32 = 36;
/// Distance between the legend and the plot frame.
const LEGEND_INSET: i32 = 12;

/// Sizes of a legend: font, row height, padding, swatch width and the gaps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Look {
    px: f64,
    row: i32,
    pad: i32,
    swatch: i32,
    /// Between a swatch and its label.
    gap: i32,
    /// Between two entries on one row of a flowing legend.
    flow_gap: i32,
}

impl Look {
    /// The legends of the full-size plots.
    pub const NORMAL: Look = Look {
        px: style::LEGEND_PX,
        row: LEGEND_ROW,
        pad: 14,
        swatch: 52,
        gap: 12,
        flow_gap: 30,
    };
    /// Smaller, for a legend on a strip above a small panel.
    pub const COMPACT: Look = Look {
        px: style::LEGEND_PX * 0.84,
        row: 30,
        pad: 9,
        swatch: 42,
        gap: 10,
        flow_gap: 24,
    };

    /// Pixel height of a legend with `rows` rows.
    fn height(&self, rows: usize) -> i32 {
        if rows == 0 {
            0
        } else {
            rows as i32 * self.row + 2 * self.pad
        }
    }

    /// Scales `v` pixels of the normal look to this one.
    fn scale(&self, v: i32) -> i32 {
        (f64::from(v) * f64::from(self.row) / f64::from(LEGEND_ROW)).round() as i32
    }
}

/// Pixel height of a legend with `rows` entries.
pub(crate) fn legend_height(rows: usize) -> i32 {
    Look::NORMAL.height(rows)
}

/// Pixel width of each entry's label.
fn label_widths<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    look: Look,
) -> DrawResult<Vec<i32>> {
    let style = font(look.px);
    entries
        .iter()
        .map(|e| {
            area.estimate_text_size(&e.label, &style)
                .map(|(w, _)| w as i32)
                .or_draw()
        })
        .collect()
}

/// Pixel size of the legend box for `entries`.
pub(crate) fn legend_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
) -> DrawResult<(i32, i32)> {
    let look = Look::NORMAL;
    let text_w = label_widths(area, entries, look)?
        .into_iter()
        .max()
        .unwrap_or(0);
    Ok((
        2 * look.pad + look.swatch + look.gap + text_w,
        look.height(entries.len()),
    ))
}

/// Where a flowing legend puts each entry, (x of its swatch relative to the box, row), and
/// the box's size.
type FlowLayout = (Vec<(i32, usize)>, (i32, i32));

/// Layout of a flowing legend at most `max_w` pixels wide: entries left to right,
/// wrapping to a new row when the next does not fit. Returns each entry's (x of its
/// swatch, row) relative to the box and the box's size.
fn flow_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    max_w: i32,
    look: Look,
) -> DrawResult<FlowLayout> {
    let mut places = Vec::with_capacity(entries.len());
    let (mut x, mut row, mut widest) = (look.pad, 0usize, 0);
    for w in label_widths(area, entries, look)? {
        let entry_w = look.swatch + look.gap + w;
        if x > look.pad && x + entry_w + look.pad > max_w {
            x = look.pad;
            row += 1;
        }
        places.push((x, row));
        widest = widest.max(x + entry_w + look.pad);
        x += entry_w + look.flow_gap;
    }
    let rows = if entries.is_empty() { 0 } else { row + 1 };
    Ok((places, (widest, look.height(rows))))
}

/// Pixel size of `entries` as a flowing legend at most `max_w` wide (see
/// [`draw_legend_flow`]).
pub(crate) fn legend_flow_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    max_w: i32,
    look: Look,
) -> DrawResult<(i32, i32)> {
    Ok(flow_layout(area, entries, max_w, look)?.1)
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

/// The legend's box: white, translucent, framed.
fn legend_box<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (w, h): (i32, i32),
) -> DrawResult {
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        WHITE.mix(0.85).filled(),
    ))
    .or_draw()?;
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        style::GRID_MAJOR.stroke_width(2),
    ))
    .or_draw()
}

/// One legend entry: its swatch from `sx0` on, its label after it, centred on `yc`.
fn draw_entry<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    e: &LegendEntry,
    (sx0, yc): (i32, i32),
    look: Look,
) -> DrawResult {
    let sx1 = sx0 + look.swatch;
    let half = look.scale(11);
    let fill_box = |x0: i32, x1: i32, fill: ShapeStyle| {
        area.draw(&Rectangle::new([(x0, yc - half), (x1, yc + half)], fill))
            .or_draw()
    };
    match e.swatch {
        Swatch::Line(stroke) => stroke.draw_pixels(area, vec![(sx0, yc), (sx1, yc)])?,
        Swatch::Band(stroke) => {
            fill_box(sx0, sx1, stroke.color.mix(style::RIBBON_ALPHA).filled())?;
            stroke.draw_pixels(area, vec![(sx0, yc), (sx1, yc)])?;
        }
        Swatch::Fill(color) => fill_box(sx0, sx1, color.mix(style::FILL_ALPHA).filled())?,
        Swatch::Shade(color, alpha) => fill_box(sx0, sx1, color.mix(alpha).filled())?,
        Swatch::Bands { colors, n } => {
            let n = n.clamp(1, BAND_COLOURS) as i32;
            for (i, color) in (0..n).zip(colors.iter()) {
                let a = sx0 + look.swatch * i / n;
                let b = sx0 + look.swatch * (i + 1) / n;
                fill_box(a, b, color.mix(style::RIBBON_ALPHA).filled())?;
            }
        }
        Swatch::Cut(color) => {
            let (x, w, h) = ((sx0 + sx1) / 2, look.scale(8), look.scale(7));
            let triangle = vec![(x - w, yc + h), (x + w, yc + h), (x, yc - h)];
            area.draw(&Polygon::new(triangle, color.filled()))
                .or_draw()?;
        }
        Swatch::Marker { color, filled } => {
            let shape = if filled {
                color.filled()
            } else {
                color.stroke_width(3)
            };
            let radius = u32::try_from(look.scale(9)).unwrap_or(9);
            area.draw(&Circle::new(((sx0 + sx1) / 2, yc), radius, shape))
                .or_draw()?;
        }
    }
    let text = font(look.px).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw_text(&e.label, &text, (sx1 + look.gap, yc))
        .or_draw()
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
    let look = Look::NORMAL;
    let size = legend_size(area, entries)?;
    legend_box(area, at, size)?;
    let (x0, y0) = at;
    for (i, e) in entries.iter().enumerate() {
        let yc = y0 + look.pad + look.row * i as i32 + look.row / 2;
        draw_entry(area, e, (x0 + look.pad, yc), look)?;
    }
    Ok(())
}

/// Draws `entries` as a flowing legend (several to a row, at most `max_w` pixels wide)
/// whose top-left corner is `at`; returns its size.
pub(crate) fn draw_legend_flow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    at: (i32, i32),
    max_w: i32,
    look: Look,
) -> DrawResult<(i32, i32)> {
    if entries.is_empty() {
        return Ok((0, 0));
    }
    let (places, size) = flow_layout(area, entries, max_w, look)?;
    legend_box(area, at, size)?;
    for (e, &(x, row)) in entries.iter().zip(&places) {
        let yc = at.1 + look.pad + look.row * row as i32 + look.row / 2;
        draw_entry(area, e, (at.0 + x, yc), look)?;
    }
    Ok(size)
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
            // A marker: its centre, or its rim (up to 9 px out).
            let (x, y) = (only.0, only.1);
            let near = x >= rect.0 - 9 && x <= rect.2 + 9 && y >= rect.1 - 9 && y <= rect.3 + 9;
            hits += 4 * usize::from(near);
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

/// Two label boxes overlap, or come closer than a few pixels (which reads as one label).
fn overlap(a: TextBox, b: TextBox) -> bool {
    a.0 - 12 < b.2 && b.0 < a.2 + 12 && a.1 - 10 < b.3 && b.1 < a.3 + 10
}

/// The choice of one option per label (box, own cost) with the least total cost, a pair
/// of overlapping boxes costing `clash`: a branch-and-bound search over the combinations,
/// from the choice label by label, within a budget of steps (the best found then).
fn best_combination(options: &[Vec<(TextBox, u64)>], clash: u64) -> Vec<usize> {
    let clashes = |chosen: &[usize], bx: TextBox| {
        chosen
            .iter()
            .enumerate()
            .filter(|&(j, &c)| overlap(bx, options[j][c].0))
            .count() as u64
    };
    // Label by label: the first guess.
    let mut greedy: Vec<usize> = Vec::with_capacity(options.len());
    let mut greedy_cost = 0u64;
    for opts in options {
        let cost = |i: usize| {
            opts[i]
                .1
                .saturating_add(clash * clashes(&greedy, opts[i].0))
        };
        let best = (0..opts.len()).min_by_key(|&i| (cost(i), i)).unwrap_or(0);
        greedy_cost = greedy_cost.saturating_add(cost(best));
        greedy.push(best);
    }
    // Each label's options, cheapest first, and the least the labels after `k` can cost.
    let order: Vec<Vec<usize>> = options
        .iter()
        .map(|opts| {
            let mut idx: Vec<usize> = (0..opts.len()).collect();
            idx.sort_by_key(|&i| (opts[i].1, i));
            idx
        })
        .collect();
    let mut rest_min = vec![0u64; options.len() + 1];
    for k in (0..options.len()).rev() {
        let least = options[k].iter().map(|o| o.1).min().unwrap_or(0);
        rest_min[k] = rest_min[k + 1].saturating_add(least);
    }
    struct Search<'o> {
        options: &'o [Vec<(TextBox, u64)>],
        order: Vec<Vec<usize>>,
        rest_min: Vec<u64>,
        clash: u64,
        budget: usize,
        best: (u64, Vec<usize>),
    }
    impl Search<'_> {
        fn go(&mut self, chosen: &mut Vec<usize>, cost: u64) {
            let k = chosen.len();
            if k == self.options.len() {
                if cost < self.best.0 {
                    self.best = (cost, chosen.clone());
                }
                return;
            }
            for n in 0..self.order[k].len() {
                if self.budget == 0 {
                    return;
                }
                self.budget -= 1;
                let i = self.order[k][n];
                let (bx, own) = self.options[k][i];
                let clashes = chosen
                    .iter()
                    .enumerate()
                    .filter(|&(j, &c)| overlap(bx, self.options[j][c].0))
                    .count() as u64;
                let next = cost
                    .saturating_add(own)
                    .saturating_add(self.clash * clashes);
                if next.saturating_add(self.rest_min[k + 1]) >= self.best.0 {
                    // The options are sorted by own cost: the following ones are no better
                    // unless this one clashed.
                    if clashes == 0 {
                        break;
                    }
                    continue;
                }
                chosen.push(i);
                self.go(chosen, next);
                chosen.pop();
            }
        }
    }
    let mut search = Search {
        options,
        order,
        rest_min,
        clash,
        budget: 2_000_000,
        best: (greedy_cost, greedy),
    };
    search.go(&mut Vec::new(), 0);
    search.best.1
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

/// Top of a y axis that starts at 0 in a plot `plot_h` pixels high: fits
/// `values`, leaves room above them for a legend of `legend_rows` rows, is a
/// multiple of `step` and at most `cap`.
pub(crate) fn y_top_px(
    plot_h: i32,
    values: &[f64],
    cap: f64,
    step: f64,
    legend_rows: usize,
) -> f64 {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() || max <= 0.0 {
        return if cap.is_finite() { cap } else { step };
    }
    let plot_h = plot_h.max(100);
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
    /// x values (sorted) at which the band rests on too few agents to say much (the
    /// weeks in which few agents have been struck by a life event, for the affected
    /// agents' series): it is drawn, but does not set the y axis (see [`range_values`]).
    pub sparse_x: Vec<f64>,
}

impl Series {
    /// A solid line of `color` with its ribbon.
    pub fn band(label: &str, color: RGBColor, points: &[BandPoint]) -> Self {
        Series {
            label: Some(label.to_string()),
            stroke: Stroke::solid(color, style::LINE_W),
            points: points.to_vec(),
            ribbon: true,
            sparse_x: Vec::new(),
        }
    }

    /// The same series whose band at the x values `sparse_x` (sorted) does not set the
    /// y axis.
    pub fn sparse_at(self, sparse_x: Vec<f64>) -> Self {
        Series { sparse_x, ..self }
    }

    /// The colour of the line (and of its band).
    fn color(&self) -> RGBColor {
        RGBColor(
            self.stroke.color.0,
            self.stroke.color.1,
            self.stroke.color.2,
        )
    }

    /// The band at `x` rests on too few agents.
    fn sparse(&self, x: f64) -> bool {
        self.sparse_x.binary_search_by(|v| v.total_cmp(&x)).is_ok()
    }

    /// The series has a band to draw.
    fn has_band(&self) -> bool {
        self.ribbon && self.points.iter().any(|p| p.lo.is_some() && p.hi.is_some())
    }
}

/// Axis and legend set-up of a [`band_panel`].
pub(crate) struct BandPanel<'s> {
    pub caption: Option<&'s str>,
    pub x_desc: Option<&'s str>,
    pub y_desc: &'s str,
    /// Largest value the y axis may reach (1 for 0–1 scores, 100 for %).
    pub y_cap: f64,
    /// The y axis top is a multiple of this. A whole number (counts, percentages) gives
    /// whole-number ticks.
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
    /// A legend row naming the bands ("shaded: 95% ...") when a ribbon is drawn (else
    /// the caller names the interval elsewhere, e.g. in the caption).
    pub ci_row: bool,
    /// The legend goes in a strip of its own between the caption and the plot (rows of
    /// several entries) instead of inside the plot: for small panels whose data leave
    /// no room for it. Overrides `legend_inside`.
    pub legend_above: bool,
}

impl Default for Extras<'_> {
    fn default() -> Self {
        Extras {
            marks: &[],
            mark_legend: false,
            full_scale: false,
            fit_lines: false,
            ci_row: true,
            legend_above: false,
        }
    }
}

/// The y range of a band panel whose plot is `plot_h` pixels high showing `values` with
/// `legend_rows` legend rows inside: from 0 (or below, for `allow_negative` data)
/// to a top that fits the data — or, with `full_scale` and a finite cap, the
/// whole range 0 to `y_cap`.
pub(crate) fn band_y_range(
    spec: &BandPanel,
    values: &[f64],
    legend_rows: usize,
    plot_h: i32,
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
        y_top_px(plot_h, values, spec.y_cap, spec.y_step, legend_rows),
    )
}

/// The values that set the y axis of a band panel showing `series`.
///
/// Rule: every line value (the means) counts, and so does every band, except
/// - a band at an x its series marks as sparse (`Series::sparse_x`: too few agents behind
///   it, e.g. the agents struck by a life event in the first weeks, when there are a
///   handful: their interval spans most of the scale and says little), and
/// - with `fit_lines`, band values above 1.5 times the highest line value (counts).
///
/// A band left out this way is still drawn: where it reaches above the axis it is drawn
/// up to the top edge and marked there (a triangle and a note), never hidden. The axis
/// itself stays within the metric's range (`BandPanel::y_cap`).
fn range_values(series: &[&Series], fit_lines: bool) -> Vec<f64> {
    let line_top = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.y))
        .fold(f64::NEG_INFINITY, f64::max);
    let mut values = Vec::new();
    for s in series {
        for p in &s.points {
            values.extend(p.y);
            if s.ribbon && !s.sparse(p.x) {
                values.extend(
                    [p.lo, p.hi]
                        .into_iter()
                        .flatten()
                        .filter(|&v| !(fit_lines && line_top > 0.0 && v > 1.5 * line_top)),
                );
            }
        }
    }
    values
}

/// Draws a panel of lines with 95% CI ribbons (all ribbons first, then all
/// lines) and their legend rows, plus a row naming the bands when a
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
/// full-scale axes. The y axis is set by [`range_values`].
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
    let any_ribbon = present.iter().any(|s| s.has_band());

    // The legend, known before drawing: a strip above the plot needs its height.
    let mut entries: Vec<LegendEntry> = Vec::new();
    for s in &present {
        if let Some(label) = &s.label {
            let swatch = if s.has_band() {
                Swatch::Band(s.stroke)
            } else {
                Swatch::Line(s.stroke)
            };
            entries.push(LegendEntry::new(label.as_str(), swatch));
        }
    }
    if any_ribbon && extras.ci_row {
        let colors: Vec<RGBColor> = present
            .iter()
            .filter(|s| s.has_band())
            .map(|s| s.color())
            .collect();
        entries.push(LegendEntry::bands(&colors));
    }
    if extras.mark_legend {
        entries.extend(extras.marks.iter().map(time_mark_entry));
    }

    let point_sets = present.iter().map(|s| s.points.as_slice());
    // A little room left of the first point, so that nothing drawn there (e.g. a band
    // of the first week) hides under the y axis.
    let (x0, x1) = x_extent(point_sets);
    let mut axes = Axes {
        caption: spec.caption,
        x_desc: spec.x_desc,
        y_desc: spec.y_desc,
        x: (x0 - 0.012 * (x1 - x0), x1),
        y: (0.0, 1.0),
        x_integer: spec.x_integer,
        y_integer: spec.y_step >= 1.0 && spec.y_step.fract() == 0.0,
        compact: false,
    };
    // Legend strip height (legend above the plot) and rows to keep free over the data
    // (legend inside) for `entries`, and the y range that leaves.
    let values = range_values(&present, extras.fit_lines);
    let layout = |entries: &[LegendEntry]| -> DrawResult<(i32, (f64, f64))> {
        let (above_h, rows) = if extras.legend_above && !entries.is_empty() {
            // As `Panel::finish_flow` lays it out.
            let max_w = area.dim_in_pixel().0 as i32 - 2 * LEGEND_INSET;
            let look = Look::COMPACT;
            let (_, h) = legend_flow_size(area, entries, max_w, look)?;
            (h + spec.extra_legend_rows as i32 * look.row, 0)
        } else if spec.legend_inside {
            (0, entries.len() + spec.extra_legend_rows)
        } else {
            (0, 0)
        };
        let (_, plot_h) = plot_size(area, &axes, above_h)?;
        Ok((
            above_h,
            band_y_range(spec, &values, rows, plot_h, extras.full_scale),
        ))
    };
    // The first series whose band reaches above `top` (by more than a pixel or two), and
    // whether only where it is sparse.
    let cut_above = |(bottom, top): (f64, f64)| {
        let limit = top + CUT_TOLERANCE * (top - bottom);
        present.iter().filter(|s| s.has_band()).find_map(|s| {
            let above: Vec<f64> = s
                .points
                .iter()
                .filter(|p| p.hi.is_some_and(|hi| hi > limit))
                .map(|p| p.x)
                .collect();
            (!above.is_empty()).then(|| (s.color(), above.iter().all(|&x| s.sparse(x))))
        })
    };
    let (mut above_h, mut y) = layout(&entries)?;
    if let Some((color, sparse)) = cut_above(y) {
        // A band is cut at the top: a legend row says what the marks there mean (its
        // room may lift the top so that nothing is cut after all: then no row).
        let label = if sparse {
            "band cut at the top (few agents)"
        } else {
            "band cut at the top"
        };
        entries.push(LegendEntry::new(label, Swatch::Cut(color)));
        (above_h, y) = layout(&entries)?;
        if cut_above(y).is_none() {
            entries.pop();
        }
    }
    axes.y = y;
    let mut panel = Panel::new_with(area, &axes, above_h)?;
    if present.is_empty() {
        panel.note("no data")?;
        return Ok(panel);
    }
    panel.time_marks(extras.marks)?;
    let mut cuts = Vec::new();
    for s in present.iter().filter(|s| s.ribbon) {
        let cut = panel.ribbon(s.color(), &s.points)?;
        if !cut.is_empty() {
            cuts.push((s.color(), cut));
        }
    }
    for s in &present {
        panel.line(s.stroke, &s.points, None)?;
    }
    // Where a band is cut at the top, a mark says so (and the legend what it means).
    for (color, cut) in &cuts {
        panel.cut_marks(*color, cut)?;
    }
    for entry in entries {
        panel.legend_entry(entry);
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
