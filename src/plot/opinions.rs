//! `opinions` (bounded confidence, Deffuant et al. 2000): (a) every sampled agent's
//! opinion (identity dimension 1) over time in replicate 0 — the classic picture of
//! opinions merging into a few clusters — each line coloured by the cluster it ends in;
//! (b) the number of major opinion clusters over time (mean of the replicates with its
//! 95% CI).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{IdentityColumns, Summary, Trajectories};
use super::panel::{
    band_panel_with, extent, nice_step, strip_width, time_mark_entry, title, y_values, Axes,
    BandPanel, Extras, LegendEntry, Panel, Series, Stroke, Swatch,
};
use super::style::{self, BEFORE, BLUE, CYCLE, GREEN, ORANGE};
use super::{DrawResult, Figure, RunInfo};

/// Least width of the legend strip right of the panels.
const LEGEND_STRIP_W: u32 = 400;
/// Opacity of the opinion lines.
const LINE_ALPHA: f64 = 0.45;

/// Clusters of `values` by single linkage at `tol` (values closer than `tol` are linked):
/// the cluster label of every value, clusters numbered from the lowest value up.
pub(crate) fn opinion_clusters(values: &[f64], tol: f64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut label = vec![0; values.len()];
    let mut current = 0;
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && values[i] - values[order[k - 1]] >= tol {
            current += 1;
        }
        label[i] = current;
    }
    label
}

/// One cluster of final opinions.
struct Cluster {
    mean: f64,
    size: usize,
    /// Colour, `None` for minor clusters.
    colour: Option<RGBColor>,
}

pub(crate) struct OpinionsFig<'d> {
    info: &'d RunInfo,
    title: String,
    data: Option<&'d Trajectories>,
    dims: usize,
    clusters: Vec<Cluster>,
    /// Cluster of every agent of `data` (by index), `None` for agents without values.
    cluster_of: Vec<Option<usize>>,
    series: Vec<Series>,
    /// Where the time axes end, when they are cut short of the run's end: (cut, last step).
    cut: Option<(f64, f64)>,
}

/// How close to its final opinion an agent must stay for the time axis to leave out the
/// rest of the run.
const SETTLED: f64 = 0.01;

/// The first step from which every agent stays within [`SETTLED`] of its final opinion.
fn settled_step(data: &Trajectories) -> Option<f64> {
    let mut settled = f64::NEG_INFINITY;
    for a in &data.agents {
        let values: Vec<(f64, f64)> = a
            .points
            .iter()
            .filter_map(|p| a.identity(p).first().map(|&x| (p.step, x)))
            .filter(|p| p.1.is_finite())
            .collect();
        let Some(&(_, last)) = values.last() else {
            continue;
        };
        let from = values
            .iter()
            .rev()
            .find(|p| (p.1 - last).abs() > SETTLED)
            .map_or(values[0].0, |p| p.0 + 1.0);
        settled = settled.max(from);
    }
    settled.is_finite().then_some(settled)
}

/// The time axes' end when most of the run shows nothing: a round step a quarter past
/// the settled step, if that is well before the last step and the cluster count
/// (every point of `series`) stays what it is there.
fn cut_step(data: &Trajectories, series: &[Series]) -> Option<(f64, f64)> {
    let last = data.steps().last().copied()?;
    let settled = settled_step(data)?;
    let raw = settled * 1.25 + 5.0;
    let step = nice_step(raw / 8.0);
    let cut = (raw / step).ceil() * step;
    if cut >= 0.7 * last {
        return None;
    }
    let constant = series.iter().all(|s| {
        let at = s.points.iter().rev().find(|p| p.x <= cut);
        s.points.iter().filter(|p| p.x > cut).all(|p| {
            at.is_some_and(|a| {
                let same = |u: Option<f64>, v: Option<f64>| match (u, v) {
                    (Some(u), Some(v)) => (u - v).abs() < 1e-9,
                    (None, None) => true,
                    _ => false,
                };
                same(a.y, p.y) && same(a.lo, p.lo) && same(a.hi, p.hi)
            })
        })
    });
    constant.then_some((cut, last))
}

impl<'d> OpinionsFig<'d> {
    /// `None` when there are neither opinions nor the `identity_clusters` metric.
    pub fn new(
        summary: &Summary,
        data: Option<&'d Trajectories>,
        info: &'d RunInfo,
    ) -> Option<Self> {
        let data = data.filter(|d| matches!(d.columns, IdentityColumns::Position(_)));
        let dims = match data.map(|d| d.columns) {
            Some(IdentityColumns::Position(d)) => d,
            _ => 0,
        };
        let mut series = Vec::new();
        if let Some(points) = summary.series("identity_clusters") {
            let label = match info.replicates {
                Some(n) => format!("mean of {n} replicates"),
                None => "mean of the replicates".to_string(),
            };
            series.push(Series::band(&label, GREEN, points));
        }
        let (clusters, cluster_of) = match data {
            Some(d) => final_clusters(d, info.context.cluster_tolerance),
            None => (Vec::new(), Vec::new()),
        };
        let cut = data
            .filter(|_| !clusters.is_empty())
            .and_then(|d| cut_step(d, &series));
        if let Some((cut, _)) = cut {
            for s in &mut series {
                s.points.retain(|p| p.x <= cut);
            }
        }
        if clusters.is_empty() && series.is_empty() {
            return None;
        }
        let curve = match info.replicates {
            Some(n) => format!("(b): n = {n} replicates"),
            None => "(b): all replicates".to_string(),
        };
        let title = match data {
            Some(d) if !clusters.is_empty() => format!(
                "Opinions — {} ((a): replicate {}; {curve})",
                info.scenario, d.replicate
            ),
            _ => format!("Opinions — {} ({curve})", info.scenario),
        };
        Some(OpinionsFig {
            info,
            title,
            data: data.filter(|_| !clusters.is_empty()),
            dims,
            clusters,
            cluster_of,
            series,
            cut,
        })
    }

    fn opinions<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        strip: &DrawingArea<DB, Shift>,
        data: &Trajectories,
    ) -> DrawResult {
        let caption = format!(
            "(a) Every agent's opinion, replicate {} ({} agents)",
            data.replicate,
            data.agents.len()
        );
        let y_desc = if self.dims > 1 {
            "Identity dimension 1 (0–1)"
        } else {
            "Opinion (0–1)"
        };
        let mut panel = Panel::new(
            area,
            &Axes {
                caption: Some(&caption),
                x_desc: Some(self.info.time_desc()),
                y_desc,
                x: match self.cut {
                    Some((cut, _)) => (0.0, cut),
                    None => extent(data.steps().into_iter()),
                },
                y: (0.0, 1.0),
                x_integer: true,
                y_integer: false,
                compact: false,
            },
        )?;
        panel.time_marks(self.info.marks())?;
        // Minor clusters first, so that the major ones lie on top.
        for major in [false, true] {
            for (a, c) in data.agents.iter().zip(&self.cluster_of) {
                let Some(c) = c.map(|c| &self.clusters[c]) else {
                    continue;
                };
                if c.colour.is_some() != major {
                    continue;
                }
                let path: Vec<(f64, f64)> = a
                    .points
                    .iter()
                    .filter_map(|p| a.identity(p).first().map(|&x| (p.step, x)))
                    .filter(|p| p.1.is_finite())
                    .collect();
                let colour = c.colour.unwrap_or(BEFORE);
                panel.path(Stroke::solid(colour, 1).alpha(LINE_ALPHA), &path)?;
            }
        }
        let majors: Vec<&Cluster> = self
            .clusters
            .iter()
            .filter(|c| c.colour.is_some())
            .collect();
        let alternate = majors.len() > CYCLE.len();
        if alternate {
            panel.legend_entry(LegendEntry::new(
                format!("{} major clusters (colours alternate)", majors.len()),
                Swatch::Line(Stroke::solid(BLUE, style::LINE_W)),
            ));
        } else {
            for c in &majors {
                panel.legend_entry(LegendEntry::new(
                    format!("ends near {:.2}: {} agents", c.mean, c.size),
                    Swatch::Line(Stroke::solid(c.colour.unwrap_or(BEFORE), style::LINE_W)),
                ));
            }
        }
        let minor: usize = self
            .clusters
            .iter()
            .filter(|c| c.colour.is_none())
            .map(|c| c.size)
            .sum();
        if minor > 0 {
            panel.legend_entry(LegendEntry::new(
                format!("in minor clusters: {minor} agents"),
                Swatch::Line(Stroke::solid(BEFORE, style::LINE_W)),
            ));
        }
        panel.time_mark_legend(self.info.marks());
        if let Some((cut, last)) = self.cut {
            let text = format!(
                "The axes end at step {cut:.0}: from step {:.0} on no opinion moves by more \
                 than {SETTLED} and the mean count of clusters stays the same (the run went on to \
                 step {last:.0}).",
                settled_step(data).unwrap_or(cut)
            );
            draw_note(strip, &text)?;
        }
        panel.finish_outside(strip)
    }

    fn counts<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        strip: &DrawingArea<DB, Shift>,
    ) -> DrawResult {
        let max = y_values(self.series.iter().map(|s| s.points.as_slice()))
            .into_iter()
            .fold(0.0, f64::max);
        let caption = format!(
            "({}) {} over time",
            if self.data.is_some() { 'b' } else { 'a' },
            self.info.context.cluster_noun()
        );
        band_panel_with(
            area,
            &BandPanel {
                caption: Some(&caption),
                x_desc: Some(self.info.time_desc()),
                y_desc: "Clusters (count)",
                y_cap: f64::INFINITY,
                y_step: nice_step(max / 4.0),
                legend_inside: false,
                extra_legend_rows: 0,
                x_integer: true,
                allow_negative: false,
            },
            &self.series,
            &Extras {
                fit_lines: true,
                ..self.info.extras()
            },
        )?
        .finish_outside(strip)
    }
}

/// Clusters of the agents' last opinions (identity dimension 1), by single linkage at
/// `tol`; clusters of at least max(2, 1% of the agents) are major (as the
/// `identity_clusters` metric counts them) and get a colour.
fn final_clusters(data: &Trajectories, tol: f64) -> (Vec<Cluster>, Vec<Option<usize>>) {
    let last: Vec<Option<f64>> = data
        .agents
        .iter()
        .map(|a| {
            a.points
                .iter()
                .rev()
                .find_map(|p| a.identity(p).first().copied().filter(|x| x.is_finite()))
        })
        .collect();
    let present: Vec<(usize, f64)> = last
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    if present.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let values: Vec<f64> = present.iter().map(|p| p.1).collect();
    let labels = opinion_clusters(&values, tol);
    let k = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut sums = vec![(0.0, 0usize); k];
    for (&l, &v) in labels.iter().zip(&values) {
        sums[l].0 += v;
        sums[l].1 += 1;
    }
    let major_size = ((values.len() as f64 * 0.01).ceil() as usize).max(2);
    let majors = sums.iter().filter(|s| s.1 >= major_size).count();
    let mut rank = 0;
    let clusters: Vec<Cluster> = sums
        .iter()
        .map(|&(sum, size)| {
            let colour = (size >= major_size).then(|| {
                let c = if majors > CYCLE.len() {
                    [BLUE, ORANGE][rank % 2]
                } else {
                    CYCLE[rank % CYCLE.len()]
                };
                rank += 1;
                c
            });
            Cluster {
                mean: sum / size as f64,
                size,
                colour,
            }
        })
        .collect();
    let mut cluster_of = vec![None; data.agents.len()];
    for (&(i, _), &l) in present.iter().zip(&labels) {
        cluster_of[i] = Some(l);
    }
    (clusters, cluster_of)
}

/// Wraps `text` into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A muted note at the bottom of the legend strip.
fn draw_note<DB: DrawingBackend>(strip: &DrawingArea<DB, Shift>, text: &str) -> DrawResult {
    let (_, h) = strip.dim_in_pixel();
    let lines = wrap(text, 30);
    let px = style::NOTE_PX * 0.85;
    let line_h = (px * 1.3) as i32;
    let style = style::font(px)
        .pos(Pos::new(HPos::Left, VPos::Top))
        .color(&style::MUTED);
    let top = h as i32 - line_h * lines.len() as i32 - 100;
    for (k, line) in lines.iter().enumerate() {
        strip
            .draw_text(line, &style, (16, top + k as i32 * line_h))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

impl Figure for OpinionsFig<'_> {
    fn name(&self) -> &'static str {
        "opinions"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let (w, h) = body.dim_in_pixel();
        let marks: Vec<LegendEntry> = self.info.marks().iter().map(time_mark_entry).collect();
        // Wide enough for the marks' rows and for the row naming the clusters' band.
        let mut rows = marks.clone();
        rows.push(LegendEntry::bands(&[GREEN]));
        let strip_w = strip_width(&body, &rows, LEGEND_STRIP_W)?;
        let (plots, strip) = body.split_horizontally(w.saturating_sub(strip_w));
        match self.data {
            Some(data) => {
                let split = h * 60 / 100;
                let (top, bottom) = plots.split_vertically(split);
                let (strip_top, strip_bottom) = strip.split_vertically(split);
                self.opinions(&top, &strip_top, data)?;
                if !self.series.is_empty() {
                    self.counts(&bottom, &strip_bottom)?;
                }
                Ok(())
            }
            None => self.counts(&plots, &strip),
        }
    }
}
