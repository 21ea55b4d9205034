//! `trajectories`: loneliness of the sampled agents of the lowest replicate,
//! affected agents in vermillion, unaffected in blue, with a marker at each
//! life event and the lonely threshold when the manifest gives it.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Manifest, Trajectories};
use super::panel::{extent, title, Axes, LegendEntry, Panel, Stroke, Swatch};
use super::style::{self, BLUE, INK, VERMILLION};
use super::{DrawResult, Figure, TitleInfo};

/// Width of the legend strip right of the plot.
const LEGEND_STRIP_W: u32 = 420;
/// Opacity of individual paths.
const PATH_ALPHA: f64 = 0.45;

pub(crate) struct TrajectoryFig<'d> {
    title: String,
    data: &'d Trajectories,
    threshold: Option<f64>,
}

impl<'d> TrajectoryFig<'d> {
    /// `None` when no sampled agent has a loneliness value.
    pub fn new(data: &'d Trajectories, manifest: &Manifest, info: &TitleInfo) -> Option<Self> {
        let any = data
            .agents
            .iter()
            .any(|a| a.points.iter().any(|p| p.1.is_some()));
        any.then(|| TrajectoryFig {
            title: format!(
                "Individual loneliness — {}, replicate {} ({} agents)",
                info.scenario,
                data.replicate,
                data.agents.len()
            ),
            data,
            threshold: manifest.lonely_threshold,
        })
    }
}

impl Figure for TrajectoryFig<'_> {
    fn name(&self) -> &'static str {
        "trajectories"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let width = body.dim_in_pixel().0;
        let (plot, legend) = body.split_horizontally(width.saturating_sub(LEGEND_STRIP_W));

        let steps = self
            .data
            .agents
            .iter()
            .flat_map(|a| a.points.iter().map(|p| p.0));
        let mut panel = Panel::new(
            &plot,
            &Axes {
                caption: None,
                x_desc: Some("Time (weeks)"),
                y_desc: "Loneliness (0–1)",
                x: extent(steps),
                y: (0.0, 1.0),
                x_integer: true,
            },
        )?;

        let affected = Stroke::solid(VERMILLION, 2).alpha(PATH_ALPHA);
        let unaffected = Stroke::solid(BLUE, 2).alpha(PATH_ALPHA);
        // Unaffected first so that affected paths stay visible on top.
        for want_affected in [false, true] {
            let stroke = if want_affected { affected } else { unaffected };
            for agent in self
                .data
                .agents
                .iter()
                .filter(|a| a.affected == want_affected)
            {
                for run in agent.points.split(|p| p.1.is_none()) {
                    let path: Vec<(f64, f64)> =
                        run.iter().filter_map(|&(s, v)| v.map(|v| (s, v))).collect();
                    panel.path(stroke, &path)?;
                }
            }
        }
        let mut any_event = false;
        for agent in &self.data.agents {
            for &step in &agent.events {
                if let Some(v) = agent.value_near(step) {
                    panel.marker((step, v), INK.to_rgba(), 6, true)?;
                    any_event = true;
                }
            }
        }
        if let Some(t) = self.threshold {
            panel.hline(t, Stroke::dashed(INK, style::THIN_W))?;
        }

        let has = |flag: bool| self.data.agents.iter().any(|a| a.affected == flag);
        if has(true) {
            panel.legend_entry(LegendEntry::new(
                "affected by a life event",
                Swatch::Line(Stroke::solid(VERMILLION, style::LINE_W)),
            ));
        }
        if has(false) {
            panel.legend_entry(LegendEntry::new(
                "not affected",
                Swatch::Line(Stroke::solid(BLUE, style::LINE_W)),
            ));
        }
        if any_event {
            panel.legend_entry(LegendEntry::new(
                "life event",
                Swatch::Marker {
                    color: INK,
                    filled: true,
                },
            ));
        }
        if let Some(t) = self.threshold {
            panel.legend_entry(LegendEntry::new(
                format!("lonely threshold ({t})"),
                Swatch::Line(Stroke::dashed(INK, style::THIN_W)),
            ));
        }
        panel.finish_outside(&legend)
    }
}
