//! `plots/heatmap`: a two-field grid as cells coloured by the metric's mean.
//!
//! The viridis scale spans the cells' 95% intervals (lowest low to highest high), so cells
//! that differ by less than the noise get similar colours; a colour bar gives the scale and
//! unit; "≈" on the edge between two neighbours says their intervals overlap.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{self, AxisKind, HeatCell};
use super::categories::{key_names, label_stride, CategoryLabels};
use super::draw::{self, Area, Frame};
use super::{Field, MetricView, SweepData};
use crate::plot::panel::title;
use crate::plot::style;
use crate::plot::{DrawResult, Figure};

/// The heatmap, decided.
#[derive(Debug, Clone)]
pub(crate) struct Heatmap {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Column and row labels (left to right, bottom to top).
    pub xs: Vec<String>,
    pub ys: Vec<String>,
    pub cells: Vec<HeatCell>,
    /// The colour scale (drawn units): viridis from `scale.0` to `scale.1`.
    pub scale: (f64, f64),
    pub bar_ticks: Vec<(f64, String)>,
    /// Neighbours (indices into `cells`) whose intervals overlap.
    pub overlaps: Vec<(usize, usize)>,
    pub metric: MetricView,
    /// Notes under the figure; with more than one replicate the last one explains the marks.
    pub notes: Vec<String>,
    /// Replicates per cell, for the note on marks.
    pub n: (u64, u64),
}

/// The labels of a field's values along a heatmap axis: numbers as distinct short numbers,
/// other values as given.
fn labels(field: &Field) -> Vec<String> {
    match field.kind {
        AxisKind::Numeric { .. } => axis::tick_texts(&field.numbers()),
        AxisKind::Categorical => field.values.clone(),
    }
}

/// The heatmap of `data`, for a grid of two fields; `None` otherwise (or without data).
pub(crate) fn plan(data: &SweepData) -> Option<Heatmap> {
    if data.fields.len() != 2 || data.design != "grid" {
        return None;
    }
    let (fx, fy) = (&data.fields[0], &data.fields[1]);
    let cells: Vec<HeatCell> = data
        .obs
        .iter()
        .filter_map(|o| {
            let x = fx.values.iter().position(|v| Some(v) == o.values.first())?;
            let y = fy.values.iter().position(|v| Some(v) == o.values.get(1))?;
            Some(HeatCell {
                x,
                y,
                mean: o.mean,
                lo: o.lo,
                hi: o.hi,
            })
        })
        .collect();
    let scale = axis::heat_scale(&cells, data.metric.bounds)?;
    let ticks = axis::linear_ticks(scale.0, scale.1, 6);
    let texts = axis::step_texts(&ticks);
    let overlaps = axis::overlapping_neighbours(&cells);
    let metric = data.metric.clone();
    let span = scale.1 - scale.0;
    let n = data.n_range();
    let (from, to) = (
        metric.value_text(scale.0, span),
        metric.value_text(scale.1, span),
    );
    let mut notes = Vec::new();
    if n.1 <= 1 {
        notes.push(format!(
            "Cell: the one replicate's value. One replicate per cell: no confidence intervals, \
             so the noise is unknown; the colour scale runs from the metric's lowest value to \
             the highest cell ({from} to {to}), and there are no ≈ marks."
        ));
    } else {
        notes.push(format!(
            "Cell: mean over the replicates, and its 95% confidence interval where there is \
             room. The colour scale runs from the lowest interval low to the highest interval \
             high of the cells ({from} to {to}), so cells that differ by less than the noise \
             look alike."
        ));
        notes.push(format!(
            "≈ on the edge between two cells: their 95% confidence intervals overlap, so this \
             sweep shows no clear difference between them ({}).",
            data.n_text("cell")
        ));
    }
    let missing = cells.iter().filter(|c| !c.mean.is_finite()).count();
    if missing > 0 {
        // Before the note on the marks, which stays last.
        notes.insert(
            notes.len() - 1,
            format!(
                "Grey cells ({missing}): no value of {} (no replicate recorded one).",
                metric.name
            ),
        );
    }
    Some(Heatmap {
        title: format!(
            "{}: {} by {} and {} ({})",
            data.scenario,
            metric.name,
            fx.path,
            fy.path,
            data.n_text("cell")
        ),
        x_label: fx.path.clone(),
        y_label: fy.path.clone(),
        xs: labels(fx),
        ys: labels(fy),
        cells,
        scale,
        bar_ticks: ticks.into_iter().zip(texts).collect(),
        overlaps,
        metric,
        notes,
        n,
    })
}

impl Heatmap {
    fn color(&self, v: f64) -> RGBColor {
        let (r, g, b) = axis::viridis((v - self.scale.0) / (self.scale.1 - self.scale.0));
        RGBColor(r, g, b)
    }

    /// The colour bar in `area` right of the cells, between pixel rows `top` and `bottom`.
    fn colour_bar<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        x: i32,
        top: i32,
        bottom: i32,
    ) -> DrawResult {
        let bar_w = 36;
        let frame = Frame {
            left: x,
            top,
            right: x + bar_w,
            bottom,
            x: (0.0, 1.0),
            y: self.scale,
        };
        let rows = (bottom - top).max(1);
        for k in 0..rows {
            let v = self.scale.0
                + (self.scale.1 - self.scale.0) * (f64::from(k) + 0.5) / f64::from(rows);
            let py = bottom - k;
            draw::fill(area, (x, py - 1), (x + bar_w, py), self.color(v).to_rgba())?;
        }
        draw::outline(area, (x, top), (x + bar_w, bottom), style::INK.to_rgba(), 1)?;
        let mut widest = 0;
        for (v, t) in &self.bar_ticks {
            let py = frame.px_y(*v);
            draw::line(
                area,
                vec![(x + bar_w, py), (x + bar_w + 8, py)],
                style::INK.to_rgba(),
                2,
            )?;
            draw::text(
                area,
                t,
                (x + bar_w + 12, py),
                style::TICK_PX,
                (HPos::Left, VPos::Center),
                &style::INK,
            )?;
            widest = widest.max(draw::text_size(area, t, style::TICK_PX)?.0);
        }
        draw::text_up(
            area,
            &self.metric.axis_label(),
            (x + bar_w + 12 + widest + 26, (top + bottom) / 2),
            style::AXIS_DESC_PX,
            &style::INK,
        )
    }
}

impl Figure for Heatmap {
    fn name(&self) -> &'static str {
        "heatmap"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let (bw, bh) = body.dim_in_pixel();
        let (bw, bh) = (bw as i32, bh as i32);
        let bar_tick_w =
            draw::max_width(&body, self.bar_ticks.iter().map(|t| &t.1), style::TICK_PX)?;
        // Colour bar strip: gap, bar, ticks, turned label.
        let bar_strip = 40 + 36 + 12 + bar_tick_w + 26 + 40;
        let (nx, ny) = (self.xs.len().max(1) as i32, self.ys.len().max(1) as i32);
        // Row labels: whole, on up to two lines of 18 characters (one line in rows too low
        // for two, judged before the notes are laid out), else keys explained in a note.
        let mut notes = self.notes.clone();
        let rows_h = (bh - 300) / ny;
        let y_max_lines = if rows_h >= 64 { 2 } else { 1 };
        let y_lines: Vec<Vec<String>> = match self
            .ys
            .iter()
            .map(|l| axis::wrap_exact(l, 18, y_max_lines))
            .collect::<Option<Vec<_>>>()
        {
            Some(lines) => lines,
            None => {
                let keyed = CategoryLabels::Keyed(key_names(self.ys.len()));
                notes.extend(keyed.key_note(&self.y_label, &self.ys));
                key_names(self.ys.len())
                    .into_iter()
                    .map(|k| vec![k])
                    .collect()
            }
        };
        let y_w = draw::max_width(&body, y_lines.iter().flatten(), style::TICK_PX)?;
        let left = y_w + 12 + 70;
        let right = bw - bar_strip;
        let slot = f64::from(right - left) / f64::from(nx);
        let x_labels = CategoryLabels::choose(&body, &self.xs, slot)?;
        notes.extend(x_labels.key_note(&self.x_label, &self.xs));
        let x_h = x_labels.height(&body)?;
        let top = 20;
        let mark_r = 15;
        // Notes, and the cells' height left by them (the note on the marks becomes one on
        // their absence when the cells turn out too small for them).
        let layout = |notes: &[String]| -> DrawResult<(Vec<String>, i32, i32)> {
            let mut lines = Vec::new();
            for n in notes {
                lines.extend(draw::fit_lines(&body, n, bw - 60)?);
            }
            let notes_h = draw::notes_height(lines.len());
            let bottom = (bh - notes_h - (x_h + 16 + 50)).max(top + 100);
            Ok((lines, notes_h, bottom))
        };
        let fits = |bottom: i32| {
            let (cw, ch) = (
                f64::from(right - left) / f64::from(nx),
                f64::from(bottom - top) / f64::from(ny),
            );
            cw >= 3.0 * f64::from(mark_r) && ch >= 2.0 * f64::from(mark_r) + 6.0
        };
        let (mut note_lines, mut notes_h, mut bottom) = layout(&notes)?;
        let marks = fits(bottom);
        if !marks && self.n.1 > 1 {
            let last = self.notes.len() - 1;
            notes[last] = "The cells are too small for ≈ marks (shown between neighbours whose \
                           95% confidence intervals overlap): compare the intervals in \
                           sweep_summary.csv."
                .into();
            (note_lines, notes_h, bottom) = layout(&notes)?;
        }
        let (cw, ch) = (
            f64::from(right - left) / f64::from(nx),
            f64::from(bottom - top) / f64::from(ny),
        );
        let cx = |x: usize| left + (x as f64 * cw).round() as i32;
        let cy = |y: usize| bottom - (y as f64 * ch).round() as i32;
        // Cells.
        let span = self.scale.1 - self.scale.0;
        for c in &self.cells {
            let (x0, x1, y1, y0) = (cx(c.x), cx(c.x + 1), cy(c.y), cy(c.y + 1));
            let fill = if c.mean.is_finite() {
                self.color(c.mean)
            } else {
                style::GRID_MAJOR
            };
            draw::fill(&body, (x0, y0), (x1, y1), fill.to_rgba())?;
            let white = c.mean.is_finite() && axis::wants_white_text((fill.0, fill.1, fill.2));
            let ink = if white { WHITE } else { style::INK };
            let mid = ((x0 + x1) / 2, (y0 + y1) / 2);
            // Room for text: the cell less the overlap marks on its edges.
            let margin = if marks {
                2.0 * f64::from(mark_r) + 12.0
            } else {
                8.0
            };
            let room = (cw - margin) as i32;
            let vroom = (ch - margin) as i32;
            let main = self.metric.value_text(c.mean, span);
            let main_px = if cw >= 90.0 && ch >= 40.0 {
                style::LEGEND_PX
            } else {
                18.0
            };
            let (mw, mh) = draw::text_size(&body, &main, main_px)?;
            if mw > room || mh > vroom {
                continue;
            }
            let interval = (c.lo.is_finite() && c.hi.is_finite()).then(|| {
                format!(
                    "[{}, {}]",
                    self.metric.value_text(c.lo, span).trim_end_matches('%'),
                    self.metric.value_text(c.hi, span)
                )
            });
            let sub_px = 20.0;
            let sub = match &interval {
                Some(t) => {
                    let (sw, sh) = draw::text_size(&body, t, sub_px)?;
                    (sw <= room && mh + sh + 8 <= vroom).then_some(t.as_str())
                }
                None => None,
            };
            match sub {
                Some(sub) => {
                    draw::text(
                        &body,
                        &main,
                        (mid.0, mid.1 - 4),
                        main_px,
                        (HPos::Center, VPos::Bottom),
                        &ink,
                    )?;
                    draw::text(
                        &body,
                        sub,
                        (mid.0, mid.1 + 4),
                        sub_px,
                        (HPos::Center, VPos::Top),
                        &ink,
                    )?;
                }
                None => {
                    draw::text(
                        &body,
                        &main,
                        mid,
                        main_px,
                        (HPos::Center, VPos::Center),
                        &ink,
                    )?;
                }
            }
        }
        // Grid lines between cells (unless the cells are too small), then the overlap marks
        // on them.
        let lines = if cw >= 8.0 && ch >= 8.0 {
            nx as usize
        } else {
            0
        };
        for x in (0..=lines).filter(|_| lines > 0) {
            draw::line(
                &body,
                vec![(cx(x), top), (cx(x), bottom)],
                WHITE.to_rgba(),
                2,
            )?;
        }
        let lines = if cw >= 8.0 && ch >= 8.0 {
            ny as usize
        } else {
            0
        };
        for y in (0..=lines).filter(|_| lines > 0) {
            draw::line(
                &body,
                vec![(left, cy(y)), (right, cy(y))],
                WHITE.to_rgba(),
                2,
            )?;
        }
        if marks {
            for &(a, b) in &self.overlaps {
                let (a, b) = (&self.cells[a], &self.cells[b]);
                let at = if b.x > a.x {
                    (cx(b.x), (cy(a.y) + cy(a.y + 1)) / 2)
                } else {
                    ((cx(a.x) + cx(a.x + 1)) / 2, cy(b.y))
                };
                body.draw(&Circle::new(at, mark_r, WHITE.filled()))
                    .map_err(|e| e.to_string())?;
                body.draw(&Circle::new(at, mark_r, style::INK.stroke_width(1)))
                    .map_err(|e| e.to_string())?;
                draw::text(
                    &body,
                    "≈",
                    (at.0, at.1 + 1),
                    28.0,
                    (HPos::Center, VPos::Center),
                    &style::INK,
                )?;
            }
        }
        // Axes: row labels left (one line in low rows, every n-th in very low ones), column
        // labels below.
        let every = label_stride(ch, 1);
        for (k, lines) in y_lines.iter().enumerate().filter(|(k, _)| k % every == 0) {
            let yc = (cy(k) + cy(k + 1)) / 2;
            let n = lines.len() as i32;
            for (j, l) in lines.iter().enumerate() {
                draw::text(
                    &body,
                    l,
                    (left - 12, yc - 15 * (n - 1) + 30 * j as i32),
                    style::TICK_PX,
                    (HPos::Right, VPos::Center),
                    &style::INK,
                )?;
            }
        }
        let below = bottom + 12;
        let centres: Vec<i32> = (0..nx as usize).map(|k| (cx(k) + cx(k + 1)) / 2).collect();
        x_labels.draw(&body, &centres, below, cw)?;
        draw::text(
            &body,
            &self.x_label,
            ((left + right) / 2, below + x_h + 12),
            style::AXIS_DESC_PX,
            (HPos::Center, VPos::Top),
            &style::INK,
        )?;
        draw::text_up(
            &body,
            &self.y_label,
            (left - 12 - y_w - 30, (top + bottom) / 2),
            style::AXIS_DESC_PX,
            &style::INK,
        )?;
        self.colour_bar(&body, right + 40, top, bottom)?;
        draw::notes(&body, &note_lines, 30, bh - notes_h + 4)
    }
}
