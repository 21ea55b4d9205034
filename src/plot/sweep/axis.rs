//! The plain decisions behind the sweep plots, kept apart from the drawing so they can be
//! tested: which axis a varied field gets, where its ticks go and how they are labelled, how
//! a long category label is shortened, the y range inside a metric's bounds, the heatmap's
//! colour scale and which neighbouring cells' intervals overlap.

use crate::experiment::sweep::Vary;
use crate::output::sweep::VarySpec;
use crate::plot::panel::nice_step;
pub(crate) use crate::plot::style::viridis;
use crate::stats::Bounds;

/// How a varied field is laid out along an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AxisKind {
    /// One slot per value, in the order given, labelled with the values themselves; nothing
    /// is drawn between two slots.
    Categorical,
    /// A number line (log scale when the field was given as a log range `START..END:logN`).
    Numeric { log: bool },
}

/// `text` as a finite number (`true`, `None`, `nan` or `inf` are not).
pub(crate) fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The axis of a varied field that took `values` (the values at the sweep's points): numeric
/// when every value is a finite number and there are at least two distinct ones, else
/// categorical (booleans, names, structured values, a mixed list, a single value). Log when
/// the field's spec in sweep.json is a log range and every value is above 0.
pub(crate) fn axis_kind(values: &[String], vary: &VarySpec) -> AxisKind {
    let Some(mut xs) = values
        .iter()
        .map(|v| number(v))
        .collect::<Option<Vec<f64>>>()
    else {
        return AxisKind::Categorical;
    };
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    if xs.len() < 2 {
        return AxisKind::Categorical;
    }
    let log = Vary::parse(&format!("{}={}", vary.path, vary.spec))
        .ok()
        .and_then(|v| v.range)
        .is_some_and(|r| r.log);
    AxisKind::Numeric {
        log: log && xs[0] > 0.0,
    }
}

/// The numeric range a field's spec covers (`START..END:STEP` or `:logN`), if it is a range.
pub(crate) fn spec_range(vary: &VarySpec) -> Option<(f64, f64)> {
    Vary::parse(&format!("{}={}", vary.path, vary.spec))
        .ok()
        .and_then(|v| v.range)
        .map(|r| (r.lo, r.hi))
}

/// `x` with `digits` significant digits, trailing zeros dropped (`0.0005`, `12`, `1.5e-7`).
pub(crate) fn sig(x: f64, digits: u32) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x == 0.0 { "0".into() } else { format!("{x}") };
    }
    let digits = digits.max(1) as i32;
    let magnitude = x.abs().log10().floor() as i32;
    if !(-5..9).contains(&magnitude) {
        let text = format!("{:.*e}", (digits - 1) as usize, x);
        return match text.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trim_zeros(m)),
            None => text,
        };
    }
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    trim_zeros(&format!("{x:.decimals$}"))
}

fn trim_zeros(text: &str) -> String {
    let t = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    };
    match t {
        "-0" | "" => "0".into(),
        t => t.to_string(),
    }
}

/// Labels for the numbers `xs`: the fewest significant digits such that every label is within
/// 0.1% of its number and distinct numbers never share a label (so no two ticks read alike).
pub(crate) fn tick_texts(xs: &[f64]) -> Vec<String> {
    let mut distinct: Vec<f64> = xs.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    for digits in 1..=15 {
        let texts: Vec<String> = xs.iter().map(|&x| sig(x, digits)).collect();
        let close = xs.iter().zip(&texts).all(|(&x, t)| {
            t.parse::<f64>()
                .is_ok_and(|v| (v - x).abs() <= 1e-3 * x.abs())
        });
        let mut unique = texts.clone();
        unique.sort();
        unique.dedup();
        if close && unique.len() == distinct.len() {
            return texts;
        }
    }
    xs.iter().map(|x| format!("{x}")).collect()
}

/// Labels of evenly spaced ticks `xs` (as [`linear_ticks`] gives): all with the decimals
/// their step needs (`0.06 0.08 0.10`), or [`tick_texts`] when that would repeat a label.
pub(crate) fn step_texts(xs: &[f64]) -> Vec<String> {
    let step = match xs {
        [a, b, ..] => (b - a).abs(),
        _ => return tick_texts(xs),
    };
    if !(step > 0.0 && step.is_finite()) {
        return tick_texts(xs);
    }
    let decimals = (-step.log10() - 1e-9).ceil().clamp(0.0, 12.0) as usize;
    let texts: Vec<String> = xs
        .iter()
        .map(|x| match format!("{x:.decimals$}") {
            t if t.trim_start_matches(['-', '0', '.']).is_empty() => "0".to_string(),
            t => t,
        })
        .collect();
    let mut unique = texts.clone();
    unique.sort();
    unique.dedup();
    if unique.len() == texts.len() {
        texts
    } else {
        tick_texts(xs)
    }
}

/// Multiples of a 1-2-5 step inside `[lo, hi]`, about `count` of them.
pub(crate) fn linear_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return if lo.is_finite() { vec![lo] } else { Vec::new() };
    }
    // (A hair under the quotient, so that 0.12 / 6 gives 0.02, not 0.05.)
    let step = nice_step((hi - lo) / count.max(1) as f64 * (1.0 - 1e-9));
    let (k0, k1) = (
        (lo / step - 1e-9).ceil() as i64,
        (hi / step + 1e-9).floor() as i64,
    );
    (k0..=k1).map(|k| k as f64 * step).collect()
}

/// Where the ticks of a numeric x axis spanning `range` go and what they say. `values` are
/// the field's values: when there are few of them and they are far enough apart (a twelfth
/// of the axis), the ticks are the values themselves; else 1-2-5 steps (decades, or 1-2-5 per
/// decade over a short log axis). Labels never repeat ([`tick_texts`]).
pub(crate) fn numeric_ticks(range: (f64, f64), values: &[f64], log: bool) -> Vec<(f64, String)> {
    let t = |x: f64| if log { x.log10() } else { x };
    let (lo, hi) = range;
    let span = (t(hi) - t(lo)).abs().max(f64::MIN_POSITIVE);
    let mut vs: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    vs.sort_by(f64::total_cmp);
    vs.dedup();
    let well_spaced = vs.windows(2).all(|w| t(w[1]) - t(w[0]) >= span / 12.0);
    let (xs, texts) = if !vs.is_empty() && vs.len() <= 8 && well_spaced {
        let texts = tick_texts(&vs);
        (vs, texts)
    } else if log && lo > 0.0 {
        let xs = log_ticks(lo, hi);
        let texts = tick_texts(&xs);
        (xs, texts)
    } else {
        let xs = linear_ticks(lo, hi, 6);
        let texts = step_texts(&xs);
        (xs, texts)
    };
    xs.into_iter().zip(texts).collect()
}

/// Ticks of a log axis over `[lo, hi]` (both above 0): powers of ten, thinned to at most
/// seven, or 1, 2 and 5 per decade when that gives at least three; linear steps when the
/// axis spans too little of a decade for either.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (e0, e1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let inside = |x: f64| x >= lo * (1.0 - 1e-9) && x <= hi * (1.0 + 1e-9);
    let pow = |e: i32| 10f64.powi(e);
    let fine: Vec<f64> = (e0..=e1)
        .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * pow(e)))
        .filter(|&x| inside(x))
        .collect();
    let decades = (e1 - e0).max(1);
    let every = ((decades + 6) / 7).max(1);
    let coarse: Vec<f64> = (e0..=e1)
        .filter(|e| (e - e0) % every == 0)
        .map(pow)
        .filter(|&x| inside(x))
        .collect();
    if coarse.len() >= 3 {
        coarse
    } else if fine.len() >= 3 && fine.len() <= 10 {
        fine
    } else if coarse.len() >= 2 {
        coarse
    } else {
        linear_ticks(lo, hi, 5)
    }
}

/// A label broken into at most `max_lines` lines of at most `width` characters, at spaces
/// and after commas; a word longer than a line is cut, and text that does not fit ends in
/// "…".
pub(crate) fn wrap_label(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(2);
    let max_lines = max_lines.max(1);
    // Pieces that end at a break opportunity (a space or a comma, kept with the piece).
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if c == ' ' || c == ',' {
            pieces.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let mut piece = piece;
        loop {
            let room = width.saturating_sub(line.chars().count());
            let need = piece.trim_end().chars().count();
            if need <= room {
                line.push_str(&piece);
                break;
            }
            if !line.trim().is_empty() {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                continue;
            }
            // A piece longer than a whole line: cut it.
            let head: String = piece.chars().take(width).collect();
            piece = piece.chars().skip(width).collect();
            lines.push(head);
            if piece.is_empty() {
                break;
            }
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = &mut lines[max_lines - 1];
        let kept: String = last.chars().take(width - 1).collect();
        *last = format!("{}…", kept.trim_end());
    }
    lines
}

/// `text` on at most `max_lines` lines of at most `width` characters, broken only at spaces
/// and after commas; `None` when it does not fit whole (a word longer than a line, or more
/// lines).
pub(crate) fn wrap_exact(text: &str, width: usize, max_lines: usize) -> Option<Vec<String>> {
    let longest = text
        .split_inclusive([' ', ','])
        .map(|w| w.trim_end().chars().count())
        .max()
        .unwrap_or(0);
    if longest > width {
        return None;
    }
    let lines = wrap_label(text, width, usize::MAX);
    (lines.len() <= max_lines).then_some(lines)
}

/// `text` cut to at most `width` characters, ending in "…" when cut.
pub(crate) fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width.max(2) - 1).collect();
    format!("{}…", kept.trim_end())
}

/// The y range of a plot of `values` (means and interval ends) of a metric in `bounds`: the
/// data with a margin, reaching down to the lower bound (0) when the data come within one
/// data span of it or when `anchor` (no intervals: nothing shows the noise, so differences
/// are not magnified), on 1-2-5 steps, never outside the bounds.
pub(crate) fn y_range(values: &[f64], bounds: Bounds, anchor: bool) -> (f64, f64) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if finite.is_empty() {
        let a = bounds.lo.unwrap_or(0.0);
        return (a, bounds.hi.unwrap_or(a + 1.0));
    }
    let mut span = hi - lo;
    if span <= 1e-12 * hi.abs().max(1e-12) {
        span = if hi.abs() > 0.0 { hi.abs() * 0.2 } else { 1.0 };
    }
    let (mut y0, mut y1) = (lo - 0.1 * span, hi + 0.1 * span);
    if let Some(b) = bounds.lo {
        if anchor || lo - b <= span {
            y0 = b;
        }
    }
    let step = nice_step((y1 - y0) / 6.0 * (1.0 - 1e-9));
    y0 = (y0 / step + 1e-9).floor() * step;
    y1 = (y1 / step - 1e-9).ceil() * step;
    if let Some(b) = bounds.lo {
        y0 = y0.max(b);
    }
    if let Some(b) = bounds.hi {
        y1 = y1.min(b);
    }
    if y1 <= y0 {
        y1 = y0 + step;
    }
    (y0, y1)
}

/// One cell of a heatmap: its column and row in the grid, the mean and its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HeatCell {
    pub x: usize,
    pub y: usize,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The colour scale of a heatmap: from the lowest interval low to the highest interval high
/// of the cells (a cell without an interval counts with its mean), widened around a single
/// value, kept inside `bounds`. Without any interval (one replicate: the noise is unknown)
/// the scale starts at the metric's lower bound, so that small differences are not
/// magnified. `None` when no cell has a mean.
pub(crate) fn heat_scale(cells: &[HeatCell], bounds: Bounds) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for c in cells.iter().filter(|c| c.mean.is_finite()) {
        let l = if c.lo.is_finite() { c.lo } else { c.mean };
        let h = if c.hi.is_finite() { c.hi } else { c.mean };
        lo = lo.min(l.min(c.mean));
        hi = hi.max(h.max(c.mean));
    }
    if !(lo.is_finite() && hi.is_finite()) {
        return None;
    }
    let intervals = cells
        .iter()
        .any(|c| c.mean.is_finite() && c.lo.is_finite() && c.hi.is_finite());
    if !intervals {
        lo = bounds.lo.map_or(lo, |b| b.min(lo));
    }
    if hi - lo <= 1e-12 * hi.abs().max(1e-12) {
        let half = if hi.abs() > 0.0 { hi.abs() * 0.05 } else { 0.5 };
        lo = bounds.clamp(lo - half);
        hi = bounds.clamp(hi + half);
        if hi <= lo {
            hi = lo + 1.0;
        }
    }
    Some((lo, hi))
}

/// Pairs of side-by-side cells (indices into `cells`: the second is right of or above the
/// first) whose 95% intervals overlap. Cells without an interval (one replicate, or no data)
/// are in no pair: nothing can be said of them.
pub(crate) fn overlapping_neighbours(cells: &[HeatCell]) -> Vec<(usize, usize)> {
    let has = |c: &HeatCell| c.mean.is_finite() && c.lo.is_finite() && c.hi.is_finite();
    let at: std::collections::HashMap<(usize, usize), usize> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.x, c.y), i))
        .collect();
    let mut out = Vec::new();
    for (i, a) in cells.iter().enumerate() {
        for key in [(a.x + 1, a.y), (a.x, a.y + 1)] {
            if let Some(&j) = at.get(&key) {
                let b = &cells[j];
                if has(a) && has(b) && a.lo <= b.hi && b.lo <= a.hi {
                    out.push((i, j));
                }
            }
        }
    }
    out
}

/// Whether text on a background of colour `rgb` should be white (dark backgrounds) rather
/// than black: the relative luminance (WCAG) below 0.18, where white and black give about the
/// same contrast.
pub(crate) fn wants_white_text(rgb: (u8, u8, u8)) -> bool {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(rgb.0) + 0.7152 * lin(rgb.1) + 0.0722 * lin(rgb.2);
    l < 0.18
}
