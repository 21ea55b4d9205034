//! `belonging`: attachment, group membership, collective identity and overall
//! belonging over time; all agents solid, affected agents dashed in the same
//! colour, every line with its 95% CI ribbon.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Summary, FEW_AFFECTED};
use super::panel::{
    band_panel_with, strip_width, time_mark_entry, title, BandPanel, LegendEntry, Series, Stroke,
    Swatch,
};
use super::style::{self, BLUE, GREEN, INK, PURPLE};
use super::{DrawResult, Figure, RunInfo};

/// (legend label, colour, metric stem).
const METRICS: [(&str, RGBColor, &str); 4] = [
    ("Belonging (overall)", INK, "belonging_mean"),
    ("Attachment", BLUE, "attachment_mean"),
    ("Group membership", GREEN, "membership_mean"),
    ("Collective identity", PURPLE, "collective_mean"),
];

/// Least width of the legend strip right of the plot.
const LEGEND_STRIP_W: u32 = 400;

pub(crate) struct Belonging<'i> {
    info: &'i RunInfo,
    title: String,
    series: Vec<Series>,
    has_affected: bool,
}

impl<'i> Belonging<'i> {
    /// `None` when summary.csv has none of the belonging metrics.
    pub fn new(summary: &Summary, info: &'i RunInfo) -> Option<Self> {
        let mut series = Vec::new();
        let mut has_affected = false;
        for (label, color, stem) in METRICS {
            if let Some(points) = summary.series(stem) {
                series.push(Series::band(label, color, points));
            }
        }
        // The affected agents' bands of the first weeks, from a handful of agents, do not
        // set the y axis (see `panel::range_values`).
        let few = summary.few_affected(FEW_AFFECTED);
        for (label, color, stem) in METRICS {
            if let Some(points) = summary.series(&format!("{stem}_affected")) {
                has_affected = true;
                let label = (!series.iter().any(|s| s.label.as_deref() == Some(label)))
                    .then(|| format!("{label} (affected)"));
                series.push(Series {
                    label,
                    stroke: Stroke::dashed(color, style::THIN_W),
                    points: points.to_vec(),
                    ribbon: true,
                    sparse_x: few.clone(),
                });
            }
        }
        if series.is_empty() {
            return None;
        }
        Some(Belonging {
            info,
            title: format!(
                "Belonging over time — {}",
                info.with_replicates(info.replicates)
            ),
            series,
            has_affected,
        })
    }
}

impl Figure for Belonging<'_> {
    fn name(&self) -> &'static str {
        "belonging"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let width = body.dim_in_pixel().0;
        let marks: Vec<LegendEntry> = self.info.marks().iter().map(time_mark_entry).collect();
        let strip = strip_width(&body, &marks, LEGEND_STRIP_W)?;
        let (plot, legend) = body.split_horizontally(width.saturating_sub(strip));
        let mut panel = band_panel_with(
            &plot,
            &BandPanel {
                caption: None,
                x_desc: Some(self.info.time_desc()),
                y_desc: "Mean score (0–1)",
                y_cap: 1.0,
                y_step: 0.1,
                legend_inside: false,
                extra_legend_rows: 0,
                x_integer: true,
                allow_negative: false,
            },
            &self.series,
            &self.info.extras(),
        )?;
        if self.has_affected {
            // After the metrics' rows, before the interval's.
            let at = self.series.iter().filter(|s| s.label.is_some()).count();
            panel.legend_entry_at(
                at,
                LegendEntry::new(
                    "all agents",
                    Swatch::Line(Stroke::solid(INK, style::LINE_W)),
                ),
            );
            panel.legend_entry_at(
                at + 1,
                LegendEntry::new(
                    "affected by a life event",
                    Swatch::Line(Stroke::dashed(INK, style::THIN_W)),
                ),
            );
        }
        panel.finish_outside(&legend)
    }
}
