//! `identity`: support groups over time — (a) members' mean identification and
//! prototype coherence, (b) number and mean size of groups — and, when
//! `prototypes.csv` has two or more identity dimensions, (c) the prototype
//! paths of the lowest replicate in the plane of the first two dimensions.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Prototypes, Summary};
use super::panel::{
    band_panel, nice_step, title, y_values, Axes, BandPanel, LegendEntry, Panel, Series, Stroke,
    Swatch,
};
use super::style::{self, BLUE, CYCLE, GREEN, INK, MUTED, ORANGE, VERMILLION};
use super::{DrawResult, Figure, TitleInfo};

pub(crate) struct Identity<'d> {
    title: String,
    classic: bool,
    scores: Vec<Series>,
    counts: Vec<Series>,
    prototypes: Option<&'d Prototypes>,
}

impl<'d> Identity<'d> {
    /// `None` when there is neither a support-group metric nor a prototype path.
    pub fn new(
        summary: &Summary,
        prototypes: Option<&'d Prototypes>,
        info: &TitleInfo,
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
        let classic = no_support && summary.series("identity_clusters").is_some();
        let (scores, counts) = if classic {
            (
                pick(&[
                    ("Identity diversity", BLUE, "identity_diversity"),
                    (
                        "Share in the largest cluster",
                        VERMILLION,
                        "largest_cluster_share",
                    ),
                ]),
                pick(&[(
                    "Identity clusters (cultural regions)",
                    GREEN,
                    "identity_clusters",
                )]),
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
        let prototypes = prototypes.filter(|p| p.dims >= 2 && !p.groups.is_empty());
        if scores.is_empty() && counts.is_empty() && prototypes.is_none() {
            return None;
        }
        Some(Identity {
            title: format!(
                "{} — {}",
                if classic {
                    "Identity structure"
                } else {
                    "Support groups and identity"
                },
                info.with_replicates(info.replicates)
            ),
            classic,
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
                // The prototype plane gets the wider half, to be nearly square.
                let (l, r) = body.split_horizontally(w * 46 / 100);
                (l, Some(r))
            }
            None => (body, None),
        };
        let (top, bottom) = left.split_vertically(h * 58 / 100);
        band_panel(
            &top,
            &BandPanel {
                caption: Some(if self.classic {
                    "(a) Diversity and the largest cluster"
                } else {
                    "(a) Support-group members"
                }),
                x_desc: None,
                y_desc: if self.classic {
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
        )?
        .finish()?;
        let count_max = y_values(self.counts.iter().map(|s| s.points.as_slice()))
            .into_iter()
            .fold(0.0, f64::max);
        band_panel(
            &bottom,
            &BandPanel {
                caption: Some(if self.classic {
                    "(b) Identity clusters"
                } else {
                    "(b) Support groups"
                }),
                x_desc: Some("Time (weeks)"),
                y_desc: "Count",
                y_cap: f64::INFINITY,
                y_step: nice_step(count_max / 4.0),
                legend_inside: true,
                extra_legend_rows: 0,
                x_integer: true,
                allow_negative: false,
            },
            &self.counts,
        )?
        .finish()?;
        if let (Some(area), Some(prototypes)) = (right, self.prototypes) {
            draw_prototypes(&area, prototypes)?;
        }
        Ok(())
    }
}

/// Panel (c): one path per group from its first (hollow) to its last
/// (filled) recorded prototype.
fn draw_prototypes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    prototypes: &Prototypes,
) -> DrawResult {
    let caption = format!("(c) Group prototypes, replicate {}", prototypes.replicate);
    let mut panel = Panel::new(
        area,
        &Axes {
            caption: Some(&caption),
            x_desc: Some("Identity dimension 1 (0–1)"),
            y_desc: "Identity dimension 2 (0–1)",
            x: (0.0, 1.0),
            y: (0.0, 1.0),
            x_integer: false,
        },
    )?;
    for (i, group) in prototypes.groups.iter().enumerate() {
        let color = CYCLE[i % CYCLE.len()];
        let path: Vec<(f64, f64)> = group.points.iter().map(|&(_, x, y)| (x, y)).collect();
        panel.path(Stroke::solid(color, style::THIN_W), &path)?;
        if let (Some(&first), Some(&last)) = (path.first(), path.last()) {
            panel.marker(first, color.to_rgba(), 10, false)?;
            panel.marker(last, color.to_rgba(), 10, true)?;
        }
    }
    if prototypes.groups.len() > CYCLE.len() {
        // Colours repeat; say so rather than pretend each colour is one group.
        let (x0, _) = panel.x_range();
        panel.text(
            &format!("{} groups; colours repeat", prototypes.groups.len()),
            (x0, 0.0),
            (10, -10),
            Pos::new(HPos::Left, VPos::Bottom),
            &MUTED,
        )?;
    }
    panel.legend_entry(LegendEntry::new(
        "prototype path",
        Swatch::Line(Stroke::solid(MUTED, style::THIN_W)),
    ));
    panel.legend_entry(LegendEntry::new(
        "first week",
        Swatch::Marker {
            color: INK,
            filled: false,
        },
    ));
    panel.legend_entry(LegendEntry::new(
        "last week",
        Swatch::Marker {
            color: INK,
            filled: true,
        },
    ));
    panel.finish()
}
