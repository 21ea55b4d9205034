//! Legends drawn by hand: rows of swatches and labels, boxed or flowing, placed where they
//! hide the least data.

use super::*;

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

pub(super) const LEGEND_ROW: i32 = 36;
/// Distance between the legend and the plot frame.
pub(super) const LEGEND_INSET: i32 = 12;

/// Sizes of a legend: font, row height, padding, swatch width and the gaps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Look {
    px: f64,
    pub(super) row: i32,
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
    pub(super) fn height(&self, rows: usize) -> i32 {
        if rows == 0 {
            0
        } else {
            rows as i32 * self.row + 2 * self.pad
        }
    }

    /// Scales `v` pixels of the normal look to this one.
    pub(super) fn scale(&self, v: i32) -> i32 {
        (f64::from(v) * f64::from(self.row) / f64::from(LEGEND_ROW)).round() as i32
    }
}

/// Pixel height of a legend with `rows` entries.
pub(crate) fn legend_height(rows: usize) -> i32 {
    Look::NORMAL.height(rows)
}

/// Pixel width of each entry's label.
pub(super) fn label_widths<DB: DrawingBackend>(
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
pub(super) type FlowLayout = (Vec<(i32, usize)>, (i32, i32));

/// Layout of a flowing legend at most `max_w` pixels wide: entries left to right,
/// wrapping to a new row when the next does not fit. Returns each entry's (x of its
/// swatch, row) relative to the box and the box's size.
pub(super) fn flow_layout<DB: DrawingBackend>(
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
pub(super) fn legend_box<DB: DrawingBackend>(
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
pub(super) fn draw_entry<DB: DrawingBackend>(
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
