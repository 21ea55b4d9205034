//! `loneliness`: (a) mean loneliness and (b) prevalence of loneliness over
//! time, for affected, unaffected and all agents, with 95% CI ribbons.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{scale, Summary, FEW_AFFECTED};
use super::panel::{band_panel_with, title, BandPanel, Extras, Series};
use super::style::{BLUE, INK, VERMILLION};
use super::{DrawResult, Figure, RunInfo};

/// (legend label, colour, metric-name suffix).
const GROUPS: [(&str, RGBColor, &str); 3] = [
    ("affected by a life event", VERMILLION, "_affected"),
    ("not affected", BLUE, "_unaffected"),
    ("all agents", INK, ""),
];

pub(crate) struct Loneliness<'i> {
    info: &'i RunInfo,
    title: String,
    mean: Vec<Series>,
    prevalence: Vec<Series>,
}

impl<'i> Loneliness<'i> {
    /// `None` when summary.csv has none of the loneliness metrics.
    pub fn new(summary: &Summary, info: &'i RunInfo) -> Option<Self> {
        let mut mean = Vec::new();
        let mut prevalence = Vec::new();
        // In the first weeks a handful of agents have been struck: the affected agents'
        // bands then span most of the scale, and do not set the y axis (they are drawn,
        // cut at the top edge and marked there if need be).
        let few = summary.few_affected(FEW_AFFECTED);
        let sparse = |suffix: &str| {
            if suffix == "_affected" {
                few.clone()
            } else {
                Vec::new()
            }
        };
        for (label, color, suffix) in GROUPS {
            if let Some(points) = summary.series(&format!("loneliness_mean{suffix}")) {
                mean.push(Series::band(label, color, points).sparse_at(sparse(suffix)));
            }
            if let Some(points) = summary.series(&format!("loneliness_prevalence{suffix}")) {
                prevalence.push(
                    Series::band(label, color, &scale(points, 100.0)).sparse_at(sparse(suffix)),
                );
            }
        }
        if mean.is_empty() && prevalence.is_empty() {
            return None;
        }
        Some(Loneliness {
            info,
            title: format!(
                "Loneliness over time — {}",
                info.with_replicates(info.replicates)
            ),
            mean,
            prevalence,
        })
    }
}

impl Figure for Loneliness<'_> {
    fn name(&self) -> &'static str {
        "loneliness"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
        let extras = self.info.extras();
        band_panel_with(
            &left,
            &BandPanel {
                caption: Some("(a) Mean loneliness"),
                x_desc: Some(self.info.time_desc()),
                y_desc: "Loneliness (0–1)",
                y_cap: 1.0,
                y_step: 0.1,
                legend_inside: true,
                extra_legend_rows: 0,
                x_integer: true,
                allow_negative: false,
            },
            &self.mean,
            &extras,
        )?
        .finish()?;
        band_panel_with(
            &right,
            &BandPanel {
                caption: Some("(b) Prevalence of loneliness"),
                x_desc: Some(self.info.time_desc()),
                y_desc: "Share of agents lonely (%)",
                y_cap: 100.0,
                y_step: 10.0,
                legend_inside: true,
                extra_legend_rows: 0,
                x_integer: true,
                allow_negative: false,
            },
            &self.prevalence,
            // The marks' legend rows are in panel (a).
            &Extras {
                mark_legend: false,
                ..self.info.extras()
            },
        )?
        .finish()?;
        Ok(())
    }
}
