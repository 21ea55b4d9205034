//! Pixel-level drawing shared by the sweep plots: text, lines, a plot frame that maps data to
//! pixels, the y axis with its grid, and notes under a figure.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use crate::plot::style::{self, font};
use crate::plot::{DrawResult, OrDraw};

pub(crate) type Area<DB> = DrawingArea<DB, Shift>;

/// Pixel size (width, height) of `text` at `px`.
pub(crate) fn text_size<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    px: f64,
) -> DrawResult<(i32, i32)> {
    let (w, h) = area.estimate_text_size(text, &font(px)).or_draw()?;
    Ok((w as i32, h as i32))
}

/// Widest of `texts` at `px`, in pixels.
pub(crate) fn max_width<DB: DrawingBackend>(
    area: &Area<DB>,
    texts: impl IntoIterator<Item = impl AsRef<str>>,
    px: f64,
) -> DrawResult<i32> {
    let mut w = 0;
    for t in texts {
        w = w.max(text_size(area, t.as_ref(), px)?.0);
    }
    Ok(w)
}

/// `text` at pixel `at` of `area`, anchored by (`h`, `v`).
pub(crate) fn text<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    at: (i32, i32),
    px: f64,
    anchor: (HPos, VPos),
    color: &RGBColor,
) -> DrawResult {
    let style = font(px).pos(Pos::new(anchor.0, anchor.1)).color(color);
    area.draw_text(text, &style, at).or_draw()
}

/// `text` turned a quarter left (reading upwards), centred at `at`.
pub(crate) fn text_up<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    at: (i32, i32),
    px: f64,
    color: &RGBColor,
) -> DrawResult {
    let style = font(px)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Center))
        .color(color);
    area.draw_text(text, &style, at).or_draw()
}

/// `text` turned a quarter left (reading upwards), its end at `at` (for labels hanging
/// below an axis).
pub(crate) fn text_up_from<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    at: (i32, i32),
    px: f64,
    color: &RGBColor,
) -> DrawResult {
    let style = font(px)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Right, VPos::Center))
        .color(color);
    area.draw_text(text, &style, at).or_draw()
}

/// A polyline of `width` pixels.
pub(crate) fn line<DB: DrawingBackend>(
    area: &Area<DB>,
    points: Vec<(i32, i32)>,
    color: RGBAColor,
    width: u32,
) -> DrawResult {
    if points.len() < 2 {
        return Ok(());
    }
    let shape = ShapeStyle {
        color,
        filled: false,
        stroke_width: width,
    };
    area.draw(&PathElement::new(points, shape)).or_draw()
}

/// A filled rectangle between two pixel corners.
pub(crate) fn fill<DB: DrawingBackend>(
    area: &Area<DB>,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBAColor,
) -> DrawResult {
    area.draw(&Rectangle::new([a, b], ShapeStyle::from(color).filled()))
        .or_draw()
}

/// The outline of a rectangle between two pixel corners.
pub(crate) fn outline<DB: DrawingBackend>(
    area: &Area<DB>,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBAColor,
    width: u32,
) -> DrawResult {
    area.draw(&Rectangle::new(
        [a, b],
        ShapeStyle::from(color).stroke_width(width),
    ))
    .or_draw()
}

/// A filled circle with a white rim (so that neighbours stay apart).
pub(crate) fn dot<DB: DrawingBackend>(
    area: &Area<DB>,
    at: (i32, i32),
    radius: u32,
    color: RGBColor,
) -> DrawResult {
    area.draw(&Circle::new(at, radius + 2, WHITE.filled()))
        .or_draw()?;
    area.draw(&Circle::new(at, radius, color.filled()))
        .or_draw()
}

/// The plot rectangle of a panel (pixels of its area) and the data ranges it shows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    /// x range, on the axis scale (log10 of the values for a log axis).
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Frame {
    /// Pixel column of `x` (axis scale).
    pub fn px_x(&self, x: f64) -> i32 {
        let f = (x - self.x.0) / (self.x.1 - self.x.0);
        self.left + (f * f64::from(self.right - self.left)).round() as i32
    }

    /// Pixel row of `y`, kept inside the frame.
    pub fn px_y(&self, y: f64) -> i32 {
        let f = ((y - self.y.0) / (self.y.1 - self.y.0)).clamp(0.0, 1.0);
        self.bottom - (f * f64::from(self.bottom - self.top)).round() as i32
    }

    pub fn width(&self) -> i32 {
        self.right - self.left
    }
}

/// Draws the y grid lines, tick labels and the axis label (turned, left of the labels), and
/// the axis lines on the left and at the bottom of `frame`.
pub(crate) fn y_axis<DB: DrawingBackend>(
    area: &Area<DB>,
    frame: &Frame,
    ticks: &[(f64, String)],
    label: Option<&str>,
) -> DrawResult {
    let mut widest = 0;
    for (y, t) in ticks {
        let py = frame.px_y(*y);
        line(
            area,
            vec![(frame.left, py), (frame.right, py)],
            style::GRID_MAJOR.to_rgba(),
            1,
        )?;
        line(
            area,
            vec![(frame.left - 8, py), (frame.left, py)],
            style::INK.to_rgba(),
            2,
        )?;
        text(
            area,
            t,
            (frame.left - 12, py),
            style::TICK_PX,
            (HPos::Right, VPos::Center),
            &style::INK,
        )?;
        widest = widest.max(text_size(area, t, style::TICK_PX)?.0);
    }
    if let Some(label) = label {
        let x = frame.left - 12 - widest - 26;
        text_up(
            area,
            label,
            (x, (frame.top + frame.bottom) / 2),
            style::AXIS_DESC_PX,
            &style::INK,
        )?;
    }
    line(
        area,
        vec![
            (frame.left, frame.top),
            (frame.left, frame.bottom),
            (frame.right, frame.bottom),
        ],
        style::INK.to_rgba(),
        2,
    )
}

/// One numeric x tick at pixel column `px` of `frame`: a minor grid line, the tick mark below
/// the axis and its label centred under it, its top at `label_top`.
pub(crate) fn x_tick<DB: DrawingBackend>(
    area: &Area<DB>,
    frame: &Frame,
    px: i32,
    label: &str,
    label_top: i32,
) -> DrawResult {
    line(
        area,
        vec![(px, frame.top), (px, frame.bottom)],
        style::GRID_MINOR.to_rgba(),
        1,
    )?;
    line(
        area,
        vec![(px, frame.bottom), (px, frame.bottom + 8)],
        style::INK.to_rgba(),
        2,
    )?;
    text(
        area,
        label,
        (px, label_top),
        style::TICK_PX,
        (HPos::Center, VPos::Top),
        &style::INK,
    )
}

/// Height in pixels of `count` note lines.
pub(crate) fn notes_height(count: usize) -> i32 {
    count as i32 * 32 + if count > 0 { 10 } else { 0 }
}

/// Note lines in muted grey, left-aligned at `x`, from `top` down.
pub(crate) fn notes<DB: DrawingBackend>(
    area: &Area<DB>,
    lines: &[String],
    x: i32,
    top: i32,
) -> DrawResult {
    for (k, l) in lines.iter().enumerate() {
        text(
            area,
            l,
            (x, top + 32 * k as i32),
            style::NOTE_PX,
            (HPos::Left, VPos::Top),
            &style::MUTED,
        )?;
    }
    Ok(())
}

/// Breaks `note` into lines that fit `width` pixels at the note size.
pub(crate) fn fit_lines<DB: DrawingBackend>(
    area: &Area<DB>,
    note: &str,
    width: i32,
) -> DrawResult<Vec<String>> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in note.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || text_size(area, &candidate, style::NOTE_PX)?.0 <= width {
            current = candidate;
        } else {
            out.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    Ok(out)
}
