//! `identity`: support groups over time — (a) members' mean identification and
//! prototype coherence, (b) number and mean size of groups — and, when
//! `prototypes.csv` has two or more identity dimensions, (c) the support groups
//! of the lowest replicate at its last recorded week in the plane of the first
//! two identity dimensions: each group's prototype as a dot sized by its members
//! with the path of its last weeks. Without support groups (classic models, or
//! a town without them) (a) and (b) show the identity structure instead:
//! diversity, the share in the largest cluster and the number of clusters,
//! named as the rule has them (cultural regions, opinion clusters).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Prototypes, Summary};
use super::panel::{
    band_panel_with, draw_legend_flow, legend_flow_size, nice_step, plot_size, title, Axes,
    BandPanel, LegendEntry, Look, Panel, Series, Stroke, Swatch,
};
use super::style::{self, BEFORE, BLUE, CYCLE, GREEN, MUTED, ORANGE, VERMILLION};
use super::{DrawResult, Figure, OrDraw, RunInfo};

/// Weeks of each group's path drawn in panel (c).
const TAIL_WEEKS: f64 = 20.0;
/// Groups given a colour of their own in panel (c); the others are grey.
const COLOURED_GROUPS: usize = 6;

pub(crate) struct Identity<'d> {
    info: &'d RunInfo,
    title: String,
    structure: bool,
    cluster_label: String,
    scores: Vec<Series>,
    counts: Vec<Series>,
    prototypes: Option<&'d Prototypes>,
}

impl<'d> Identity<'d> {
    /// `None` when there is neither a support-group metric nor a prototype path.
    pub fn new(
        summary: &Summary,
        prototypes: Option<&'d Prototypes>,
        info: &'d RunInfo,
    ) -> Option<Self> {
        let pick = |specs: &[(&str, RGBColor, &str)]| -> Vec<Series> {
            specs
                .iter()
                .filter_map(|&(label, color, metric)| {
                    summary
                        .series(metric)
                        .map(|points| Series::band(label, color, points))
                })
                .collect()
        };
        // Without support groups (e.g. the classic Axelrod and bounded-confidence
        // scenarios) the panels show the identity structure instead.
        let no_support = summary
            .series("support_groups")
            .is_none_or(|p| p.iter().all(|b| b.y.unwrap_or(0.0) == 0.0));
        let structure = no_support && summary.series("identity_clusters").is_some();
        let cluster_label = info.context.cluster_noun().to_string();
        let (scores, counts) = if structure {
            (
                pick(&[
                    ("Identity diversity", BLUE, "identity_diversity"),
                    (
                        "Share in the largest cluster",
                        VERMILLION,
                        "largest_cluster_share",
                    ),
                ]),
                pick(&[(cluster_label.as_str(), GREEN, "identity_clusters")]),
            )
        } else {
            (
                pick(&[
                    ("Identification with group", BLUE, "support_identification"),
                    ("Prototype coherence", VERMILLION, "support_coherence"),
                ]),
                pick(&[
                    ("Number of groups", GREEN, "support_groups"),
                    ("Mean group size (members)", ORANGE, "support_mean_size"),
                ]),
            )
        };
        // Support-group prototypes only where there are support groups.
        let prototypes = prototypes
            .filter(|p| p.dims >= 2 && !p.groups.is_empty())
            .filter(|_| !structure);
        if scores.is_empty() && counts.is_empty() && prototypes.is_none() {
            return None;
        }
        Some(Identity {
            info,
            title: format!(
                "{} — {}",
                if structure {
                    "Identity structure"
                } else {
                    "Support groups and identity"
                },
                info.with_replicates(info.replicates)
            ),
            structure,
            cluster_label,
            scores,
            counts,
            prototypes,
        })
    }
}

impl Figure for Identity<'_> {
    fn name(&self) -> &'static str {
        "identity"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let (w, h) = body.dim_in_pixel();
        let (left, right) = match self.prototypes {
            Some(_) => {
                // Half each: the legends of (a) and (b) take strips above their plots,
                // the plane's a strip under it.
                let (l, r) = body.split_horizontally(w / 2);
                (l, Some(r))
            }
            None => (body, None),
        };
        let (top, bottom) = left.split_vertically(h / 2);
        let extras = self.info.extras();
        band_panel_with(
            &top,
            &BandPanel {
                caption: Some(if self.structure {
                    "(a) Diversity and the largest cluster (bands: 95% CI)"
                } else {
                    "(a) Support-group members (bands: 95% CI)"
                }),
                x_desc: None,
                y_desc: if self.structure {
                    "Value (0–1)"
                } else {
                    "Mean score (0–1)"
                },
                y_cap: 1.0,
                y_step: 0.1,
                legend_inside: true,
                extra_legend_rows: 0,
                x_integer: true,
                allow_negative: false,
            },
            &self.scores,
            // Small panels: the interval is named in the caption, not in the legend, and
            // the legend has a strip of its own above the plot (the data leave no room).
            &super::panel::Extras {
                ci_row: false,
                legend_above: true,
                ..extras
            },
        )?
        .finish()?;
        // The axis fits the lines and their bands up to 1.5 times the highest line value
        // (`fit_lines`): the step follows that, not a band of two or three groups.
        let count_max = self
            .counts
            .iter()
            .flat_map(|s| s.points.iter().filter_map(|p| p.y))
            .fold(0.0, f64::max)
            * 1.5;
        let caption = if self.structure {
            format!("(b) {} (bands: 95% CI)", self.cluster_label)
        } else {
            "(b) Support groups (bands: 95% CI)".to_string()
        };
        band_panel_with(
            &bottom,
            &BandPanel {
                caption: Some(&caption),
                x_desc: Some(self.info.time_desc()),
                y_desc: "Count",
                y_cap: f64::INFINITY,
                // Counts: whole-number ticks.
                y_step: nice_step(count_max / 4.0).max(1.0),
                legend_inside: true,
                extra_legend_rows: 0,
                x_integer: true,
                allow_negative: false,
            },
            &self.counts,
            // The marks' legend rows are in panel (a).
            &super::panel::Extras {
                fit_lines: true,
                mark_legend: false,
                ci_row: false,
                legend_above: true,
                ..self.info.extras()
            },
        )?
        .finish()?;
        if let (Some(area), Some(prototypes)) = (right, self.prototypes) {
            draw_prototypes(&area, prototypes, self.info.full_scale)?;
        }
        Ok(())
    }
}

/// One group in panel (c): its last weeks' path and its size at the end.
struct FinalGroup {
    id: String,
    size: f64,
    tail: Vec<(f64, f64)>,
}

/// The groups present in the last recorded week of `prototypes`, largest first, each
/// with its path over the last [`TAIL_WEEKS`] weeks; and how many groups had
/// dissolved before.
fn final_groups(prototypes: &Prototypes) -> (f64, Vec<FinalGroup>, usize) {
    let last = prototypes
        .groups
        .iter()
        .filter_map(|g| g.points.last().map(|p| p.step))
        .fold(f64::NEG_INFINITY, f64::max);
    let mut groups: Vec<FinalGroup> = prototypes
        .groups
        .iter()
        .filter(|g| g.points.last().is_some_and(|p| p.step == last))
        .map(|g| FinalGroup {
            id: g.id.clone(),
            size: g.points.last().map_or(f64::NAN, |p| p.size),
            tail: g
                .points
                .iter()
                .filter(|p| p.step >= last - TAIL_WEEKS)
                .map(|p| (p.x, p.y))
                .collect(),
        })
        .collect();
    groups.sort_by(|a, b| b.size.total_cmp(&a.size));
    let dissolved = prototypes.groups.len() - groups.len();
    (last, groups, dissolved)
}

/// An axis range that holds `values` with a margin, in steps of 0.1 inside [0, 1].
fn unit_zoom(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    let lo = ((lo - 0.05) * 10.0).floor() / 10.0;
    let hi = ((hi + 0.05) * 10.0).ceil() / 10.0;
    (lo.max(0.0), hi.min(1.0).max(lo.max(0.0) + 0.1))
}

/// Panel (c): the support groups at the last recorded week, each prototype a dot of area
/// proportional to its members, with its path over the last weeks; the largest groups in
/// colours of their own. The legend and a note go in a strip under the plot: inside it
/// they would hide groups.
fn draw_prototypes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    prototypes: &Prototypes,
    full_scale: bool,
) -> DrawResult {
    let (last, groups, dissolved) = final_groups(prototypes);
    let caption = format!(
        "(c) Support groups in week {last}, replicate {}",
        prototypes.replicate
    );
    let colour = |i: usize| {
        if i < COLOURED_GROUPS {
            CYCLE[i % CYCLE.len()]
        } else {
            BEFORE
        }
    };
    let entries = legend_entries(&groups, colour);
    let mut note = format!("dot area ∝ members; lines: last {TAIL_WEEKS:.0} weeks");
    match dissolved {
        0 => {}
        1 => note.push_str("; 1 group dissolved earlier"),
        k => note.push_str(&format!("; {k} dissolved earlier")),
    }

    let mut axes = Axes {
        caption: Some(&caption),
        x_desc: Some("Identity dimension 1 (0–1)"),
        y_desc: "Identity dimension 2 (0–1)",
        x: (0.0, 1.0),
        y: (0.0, 1.0),
        x_integer: false,
        y_integer: false,
        compact: false,
    };
    // The strip under the plot: the legend (several entries to a row), then the note.
    let (w, h) = area.dim_in_pixel();
    let strip_w = w as i32 - 2 * STRIP_INSET;
    let note_style = style::font(style::NOTE_PX).color(&MUTED);
    let (_, note_h) = area.estimate_text_size(&note, &note_style).or_draw()?;
    let (_, legend_h) = legend_flow_size(area, &entries, strip_w, Look::NORMAL)?;
    let strip_h = legend_h + note_h as i32 + 3 * STRIP_INSET;
    let (plane, strip) = area.split_vertically(h.saturating_sub(strip_h.max(0) as u32));

    if !full_scale {
        let xs = groups.iter().flat_map(|g| g.tail.iter().map(|p| p.0));
        let ys = groups.iter().flat_map(|g| g.tail.iter().map(|p| p.1));
        let (x, y) = (unit_zoom(xs), unit_zoom(ys));
        // The same scale on both axes (units per pixel): widen the range that is narrower
        // for its side of the plot.
        let (pw, ph) = plot_size(&plane, &axes, 0)?;
        let (pw, ph) = (f64::from(pw), f64::from(ph));
        let per_px = ((x.1 - x.0) / pw).max((y.1 - y.0) / ph);
        let widen = |(a, b): (f64, f64), span: f64| {
            let span = span.min(1.0);
            let extra = span - (b - a);
            let a = (a - extra / 2.0).max(0.0);
            let a = a.min(1.0 - span);
            (a, a + span)
        };
        axes.x = widen(x, per_px * pw);
        axes.y = widen(y, per_px * ph);
    }
    let mut panel = Panel::new(&plane, &axes)?;
    if groups.is_empty() {
        panel.note(&format!("no support group in week {last}"))?;
        return panel.finish();
    }
    let largest = groups
        .iter()
        .map(|g| g.size)
        .filter(|s| s.is_finite())
        .fold(1.0, f64::max);
    let radius = |size: f64| {
        let share = if size.is_finite() {
            (size / largest).max(0.0)
        } else {
            0.5
        };
        (5.0 + 19.0 * share.sqrt()).round() as u32
    };
    // Grey groups first (dots only), the coloured (largest) ones on top with their paths.
    for (i, g) in groups.iter().enumerate().rev() {
        let c = colour(i);
        if i < COLOURED_GROUPS {
            panel.path(Stroke::solid(c, style::THIN_W).alpha(0.8), &g.tail)?;
        }
        if let Some(&end) = g.tail.last() {
            panel.marker(end, c.mix(0.85), radius(g.size), true)?;
            panel.marker(end, WHITE.to_rgba(), radius(g.size), false)?;
        }
    }
    let (_, legend_h) = draw_legend_flow(
        &strip,
        &entries,
        (STRIP_INSET, STRIP_INSET),
        strip_w,
        Look::NORMAL,
    )?;
    strip
        .draw_text(
            &note,
            &note_style.pos(Pos::new(HPos::Left, VPos::Top)),
            (STRIP_INSET + 4, legend_h + 2 * STRIP_INSET),
        )
        .or_draw()
}

/// Margin of the strip under panel (c).
const STRIP_INSET: i32 = 12;

/// The legend rows of panel (c): the coloured groups, then the others together.
fn legend_entries(groups: &[FinalGroup], colour: impl Fn(usize) -> RGBColor) -> Vec<LegendEntry> {
    let members = |size: f64| {
        if size.is_finite() {
            format!("{size:.0} members")
        } else {
            "members unknown".to_string()
        }
    };
    let mut entries: Vec<LegendEntry> = groups
        .iter()
        .enumerate()
        .take(COLOURED_GROUPS)
        .map(|(i, g)| {
            LegendEntry::new(
                format!("group {}: {}", g.id, members(g.size)),
                Swatch::Marker {
                    color: colour(i),
                    filled: true,
                },
            )
        })
        .collect();
    if groups.len() > COLOURED_GROUPS {
        let rest = &groups[COLOURED_GROUPS..];
        let sizes = || rest.iter().map(|g| g.size).filter(|s| s.is_finite());
        let most = sizes().fold(f64::NEG_INFINITY, f64::max);
        let least = sizes().fold(f64::INFINITY, f64::min);
        let range = if !most.is_finite() {
            String::new()
        } else if least == most {
            format!(" ({most:.0} members each)")
        } else {
            format!(" ({least:.0}–{most:.0} members)")
        };
        entries.push(LegendEntry::new(
            format!("{} other groups{range}", rest.len()),
            Swatch::Marker {
                color: BEFORE,
                filled: true,
            },
        ));
    }
    entries
}
