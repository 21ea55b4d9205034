//! Pixel-level lines: a `Stroke` (colour, width, dash) drawn as tidy polylines, dashes
//! and dots laid along the path.

use super::*;

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

    pub(super) fn shape(&self) -> ShapeStyle {
        ShapeStyle {
            color: self.color,
            filled: false,
            stroke_width: self.width,
        }
    }

    /// (dash length, gap) in pixels.
    pub(super) fn pattern(&self) -> (u32, u32) {
        match self.dash {
            Dash::Solid | Dash::Dashed => (5 * self.width + 4, 3 * self.width + 2),
            Dash::Dotted => (self.width, 2 * self.width + 2),
        }
    }

    /// Draws the polyline `points` (pixels in `area`'s coordinates) on `area`.
    pub(super) fn draw_pixels<DB: DrawingBackend>(
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
pub(super) fn tidy_polyline(points: &[(i32, i32)], min_px: i32) -> Vec<Vec<(i32, i32)>> {
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
pub(super) fn dashes(points: &[(i32, i32)], dash: f64, gap: f64) -> Vec<Vec<(i32, i32)>> {
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
