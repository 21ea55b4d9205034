//! Chart-level panels: bands over time (mean and interval ribbons, lines, markers), the
//! time marks of events and sessions, and the figure helpers (titles, extents, ranges).

use super::*;

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
    pub(super) fn color(&self) -> RGBColor {
        RGBColor(
            self.stroke.color.0,
            self.stroke.color.1,
            self.stroke.color.2,
        )
    }

    /// The band at `x` rests on too few agents.
    pub(super) fn sparse(&self, x: f64) -> bool {
        self.sparse_x.binary_search_by(|v| v.total_cmp(&x)).is_ok()
    }

    /// The series has a band to draw.
    pub(super) fn has_band(&self) -> bool {
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
pub(super) fn range_values(series: &[&Series], fit_lines: bool) -> Vec<f64> {
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
