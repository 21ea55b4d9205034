//! The posterior of a `belonging calibrate` folder: per parameter a weighted histogram of the
//! last generation's particles over its prior range (the diagonal), and for two or more
//! parameters the particles of each pair (below the diagonal), each axis the prior's range.

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

use super::style::{self, BLUE, INK, MUTED};
use super::{render, DrawResult, Figure, OrDraw, PlotError};
use crate::stats::abc::Generation;

/// Bins of each marginal histogram.
const BINS: usize = 24;

struct PosteriorFig<'g> {
    paths: &'g [String],
    lo: &'g [f64],
    hi: &'g [f64],
    g: &'g Generation,
}

impl PosteriorFig<'_> {
    fn dims(&self) -> usize {
        self.paths.len()
    }

    /// Weighted share of the particles in each bin of parameter `d`.
    fn histogram(&self, d: usize) -> Vec<f64> {
        let (lo, hi) = (self.lo[d], self.hi[d]);
        let mut bins = vec![0.0; BINS];
        for (p, w) in self.g.particles.iter().zip(&self.g.weights) {
            let u = ((p[d] - lo) / (hi - lo) * BINS as f64).floor();
            let k = (u.max(0.0) as usize).min(BINS - 1);
            bins[k] += w;
        }
        bins
    }

    fn hist_cell<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        d: usize,
        x_label: bool,
    ) -> DrawResult {
        let bins = self.histogram(d);
        let top = bins.iter().copied().fold(0.0f64, f64::max).max(1e-9) * 1.1;
        let (lo, hi) = (self.lo[d], self.hi[d]);
        let (a, b) = (self.g.quantile(d, 0.05), self.g.quantile(d, 0.95));
        let mut chart = ChartBuilder::on(area)
            .margin(14)
            .caption(
                format!("{}: 90% interval [{}, {}]", self.paths[d], tick(a), tick(b)),
                style::font(style::LEGEND_PX),
            )
            .x_label_area_size(if x_label { 70 } else { 40 })
            .y_label_area_size(90)
            .build_cartesian_2d(lo..hi, 0.0..top)
            .or_draw()?;
        let mut mesh = chart.configure_mesh();
        mesh.light_line_style(style::GRID_MINOR)
            .bold_line_style(style::GRID_MAJOR)
            .x_labels(5)
            .y_labels(5)
            .label_style(style::font(style::TICK_PX))
            .axis_desc_style(style::font(style::AXIS_DESC_PX))
            .y_desc("weight")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| format!("{y:.2}"));
        if x_label {
            mesh.x_desc(self.paths[d].as_str());
        }
        mesh.draw().or_draw()?;
        let width = (hi - lo) / BINS as f64;
        chart
            .draw_series(bins.iter().enumerate().map(|(k, &h)| {
                let x0 = lo + k as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, h)], BLUE.mix(0.55).filled())
            }))
            .or_draw()?;
        // The weighted 90% interval.
        for x in [a, b] {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, 0.0), (x, top)],
                    ShapeStyle::from(&INK).stroke_width(style::THIN_W),
                )))
                .or_draw()?;
        }
        Ok(())
    }

    fn scatter_cell<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        dx: usize,
        dy: usize,
        x_label: bool,
    ) -> DrawResult {
        let mut chart = ChartBuilder::on(area)
            .margin(14)
            .x_label_area_size(if x_label { 70 } else { 40 })
            .y_label_area_size(90)
            .build_cartesian_2d(self.lo[dx]..self.hi[dx], self.lo[dy]..self.hi[dy])
            .or_draw()?;
        let mut mesh = chart.configure_mesh();
        mesh.light_line_style(style::GRID_MINOR)
            .bold_line_style(style::GRID_MAJOR)
            .x_labels(5)
            .y_labels(5)
            .label_style(style::font(style::TICK_PX))
            .axis_desc_style(style::font(style::AXIS_DESC_PX))
            .y_desc(self.paths[dy].as_str())
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y));
        if x_label {
            mesh.x_desc(self.paths[dx].as_str());
        }
        mesh.draw().or_draw()?;
        let n = self.g.weights.len() as f64;
        chart
            .draw_series(self.g.particles.iter().zip(&self.g.weights).map(|(p, w)| {
                // Area proportional to the weight (radius 5 at the mean weight 1/N).
                let r = (5.0 * (w * n).sqrt()).clamp(2.0, 14.0) as i32;
                Circle::new((p[dx], p[dy]), r, BLUE.mix(0.45).filled())
            }))
            .or_draw()?;
        Ok(())
    }
}

/// Tick text: 3 significant digits, no float noise.
fn tick(x: f64) -> String {
    let t = crate::scenario::sweep::tidy_number(x);
    match t.parse::<f64>() {
        Ok(v) if v != 0.0 && (v.abs() >= 1e4 || v.abs() < 1e-3) => format!("{v:.2e}"),
        Ok(v) => {
            let s = format!("{:.3}", v);
            let s = s.trim_end_matches('0').trim_end_matches('.');
            s.to_string()
        }
        Err(_) => t,
    }
}

impl Figure for PosteriorFig<'_> {
    fn name(&self) -> &'static str {
        "posterior"
    }

    fn bounded_axes(&self) -> bool {
        false
    }

    fn size(&self) -> (u32, u32) {
        match self.dims() {
            1 => style::SIZE,
            2 => (1500, 1300),
            d => (600 * d as u32, 520 * d as u32 + 100),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let title = format!(
            "Posterior, generation {}: {} particles, ESS {:.0}, ε = {}",
            self.g.index,
            self.g.particles.len(),
            self.g.ess(),
            tick(self.g.epsilon)
        );
        let body = super::panel::title(root, &title)?;
        let d = self.dims();
        if d == 1 {
            return self.hist_cell(&body, 0, true);
        }
        let cells = body.split_evenly((d, d));
        // The key, in the empty upper-right cell.
        let key = [
            "Diagonal: weighted share of the particles per bin,",
            "the lines the weighted 90% interval.",
            "Below: the particles of each pair,",
            "dot area proportional to weight.",
            "Axes: the prior ranges.",
        ];
        let (w, _) = cells[d - 1].dim_in_pixel();
        for (k, line) in key.iter().enumerate() {
            cells[d - 1]
                .draw_text(
                    line,
                    &style::font(style::NOTE_PX).color(&MUTED),
                    (w as i32 / 8, 40 + 34 * k as i32),
                )
                .or_draw()?;
        }
        for (k, cell) in cells.iter().enumerate() {
            let (i, j) = (k / d, k % d);
            let bottom = i == d - 1;
            if i == j {
                self.hist_cell(cell, i, bottom)?;
            } else if i > j {
                self.scatter_cell(cell, j, i, bottom)?;
            }
        }
        Ok(())
    }
}

/// Draws `dir/plots/posterior.png` and `.svg` from the last generation `g` (the prior ranges
/// `lo`..`hi` of the parameters `paths` as axes); returns the paths.
pub fn plot_posterior(
    dir: &Path,
    paths: &[String],
    lo: &[f64],
    hi: &[f64],
    g: &Generation,
) -> Result<Vec<PathBuf>, PlotError> {
    super::fonts().clone().map_err(PlotError::Font)?;
    let out = dir.join("plots");
    std::fs::create_dir_all(&out).map_err(|source| PlotError::Io {
        path: out.clone(),
        source,
    })?;
    render(&out, &PosteriorFig { paths, lo, hi, g })
}
