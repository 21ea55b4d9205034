//! `event_aligned`: the "loss and regain" curve — affected agents' loneliness
//! against weeks since their life event, averaged over replicates with a 95%
//! CI ribbon; (b) the share of them lonely, when the file has it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{scale, BandPoint, EventAligned};
use super::panel::{
    band_panel_with, title, BandPanel, Extras, LegendEntry, Series, Spot, Stroke, Swatch,
};
use super::style::{self, INK, MUTED, VERMILLION};
use super::{DrawResult, Figure, RunInfo};

pub(crate) struct EventFig {
    title: String,
    full_scale: bool,
    series_label: String,
    loneliness: Vec<BandPoint>,
    prevalence: Option<Vec<BandPoint>>,
}

impl EventFig {
    pub fn new(event: &EventAligned, info: &RunInfo) -> Self {
        let replicates = u64::try_from(event.replicates).ok();
        let prevalence = event
            .prevalence
            .iter()
            .any(|p| p.y.is_some())
            .then(|| scale(&event.prevalence, 100.0));
        EventFig {
            full_scale: info.full_scale,
            title: format!(
                "Loneliness around a life event — {}",
                info.with_replicates(replicates)
            ),
            series_label: "affected agents (mean)".to_string(),
            loneliness: event.loneliness.clone(),
            prevalence,
        }
    }

    /// One panel: curve, ribbon, event line, pre-event baseline, legend.
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        spec: &BandPanel,
        points: &[BandPoint],
    ) -> DrawResult {
        let series = [Series::band(&self.series_label, VERMILLION, points)];
        let extras = Extras {
            marks: &[],
            mark_legend: false,
            full_scale: self.full_scale,
            fit_lines: false,
            ci_row: true,
            legend_above: false,
        };
        let mut panel = band_panel_with(area, spec, &series, &extras)?;
        let (_, y_max) = panel.y_range();
        let (x_min, x_max) = panel.x_range();

        if x_min <= 0.0 && 0.0 <= x_max {
            panel.vline(0.0, Stroke::dashed(INK, style::THIN_W))?;
            panel.text_best(
                "event",
                &[
                    Spot::new((0.0, y_max), (10, 8), Pos::new(HPos::Left, VPos::Top)),
                    Spot::new((0.0, y_max), (-10, 8), Pos::new(HPos::Right, VPos::Top)),
                ],
                &INK,
            )?;
        }
        let before: Vec<f64> = points
            .iter()
            .filter(|p| p.x < 0.0)
            .filter_map(|p| p.y)
            .collect();
        if !before.is_empty() {
            let baseline = before.iter().sum::<f64>() / before.len() as f64;
            panel.hline(baseline, Stroke::dotted(MUTED, style::THIN_W))?;
            // Just above or below the line, at the right end, right after the
            // event, at the left end or in the middle: whichever hides least.
            let (left_above, left_below) = (
                Pos::new(HPos::Left, VPos::Bottom),
                Pos::new(HPos::Left, VPos::Top),
            );
            let (right_above, right_below) = (
                Pos::new(HPos::Right, VPos::Bottom),
                Pos::new(HPos::Right, VPos::Top),
            );
            let mid = 0.5 * (x_min + x_max);
            let mut candidates = vec![
                Spot::new((x_max, baseline), (-10, -8), right_above),
                Spot::new((x_max, baseline), (-10, 8), right_below),
                Spot::new((0.0, baseline), (10, 8), left_below),
                Spot::new((0.0, baseline), (10, -8), left_above),
                Spot::new((x_min, baseline), (10, 8), left_below),
                Spot::new((mid, baseline), (0, 8), left_below),
                Spot::new((mid, baseline), (0, -8), left_above),
            ];
            // Failing those, a little further from the line.
            let further: Vec<_> = candidates
                .iter()
                .map(|s| Spot::new(s.at, (s.offset.0, s.offset.1 * 4), s.pos))
                .collect();
            candidates.extend(further);
            panel.text_best("before the event", &candidates, &MUTED)?;
            panel.legend_entry(LegendEntry::new(
                "mean before the event",
                Swatch::Line(Stroke::dotted(MUTED, style::THIN_W)),
            ));
        }
        panel.finish()
    }
}

impl Figure for EventFig {
    fn name(&self) -> &'static str {
        "event_aligned"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let loneliness = BandPanel {
            caption: Some("(a) Mean loneliness"),
            x_desc: Some("Weeks since life event"),
            y_desc: "Loneliness (0–1)",
            y_cap: 1.0,
            y_step: 0.1,
            legend_inside: true,
            extra_legend_rows: 1,
            x_integer: true,
            allow_negative: false,
        };
        match &self.prevalence {
            None => self.panel(
                &body,
                &BandPanel {
                    caption: None,
                    ..loneliness
                },
                &self.loneliness,
            ),
            Some(prevalence) => {
                let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
                self.panel(&left, &loneliness, &self.loneliness)?;
                self.panel(
                    &right,
                    &BandPanel {
                        caption: Some("(b) Prevalence of loneliness"),
                        y_desc: "Affected agents lonely (%)",
                        y_cap: 100.0,
                        y_step: 10.0,
                        ..loneliness
                    },
                    prevalence,
                )
            }
        }
    }
}
