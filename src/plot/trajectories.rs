//! `trajectories`: individual stories, for a class to follow — small multiples of a few
//! sampled people of the lowest replicate: several struck by a life event (preferring
//! those whose story shows loss and regain) and a couple never struck, for contrast.
//! Each line is grey before the person's event and coloured after it, the event is
//! marked on the person's own line, the lonely threshold is drawn, weeks in a support
//! group are shaded, and the first story is drawn large.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{AgentPath, Manifest, Trajectories};
use super::panel::{
    draw_legend, extent, legend_height, legend_size, time_mark_entry, title, Axes, Label,
    LegendEntry, Panel, Spot, Stroke, Swatch,
};
use super::style::{self, BEFORE, BLUE, GREEN, INK, VERMILLION};
use super::{DrawResult, Figure, RunInfo};

/// People shown: one large story and six small panels.
const PEOPLE: usize = 7;
/// Of whom, when the sample has them, never struck by an event.
const UNAFFECTED: usize = 2;
/// Height of the legend strip under the large panel.
const LEGEND_H: u32 = 170;

/// A path split at the person's life event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Split {
    /// Weeks before the event (the whole path for someone never struck).
    pub before: Vec<(f64, f64)>,
    /// From the last week before the event on, so that the two parts join: the step
    /// from that week to the event's week is the event's doing. Empty without an event.
    pub after: Vec<(f64, f64)>,
}

/// Splits `points` (step, value; sorted by step) at `event`: the state of the event's
/// week is already after it (values are the state at the end of each week).
pub(crate) fn split_at_event(points: &[(f64, f64)], event: Option<f64>) -> Split {
    let Some(e) = event else {
        return Split {
            before: points.to_vec(),
            after: Vec::new(),
        };
    };
    let cut = points.partition_point(|p| p.0 < e);
    let before = points[..cut].to_vec();
    let from = cut.saturating_sub(1);
    let after = if cut < points.len() {
        points[from..].to_vec()
    } else {
        Vec::new()
    };
    Split { before, after }
}

/// The shape of a struck person's loneliness around the event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Story {
    /// Mean over the 8 weeks before the event (the event week's value without them).
    pub before: f64,
    /// Highest value from the event until it is back at the level before (or to the end
    /// of the run): (week, value).
    pub peak: (f64, f64),
    /// Lowest value after the peak: (week, value).
    pub low: Option<(f64, f64)>,
    /// First week, after loneliness rose by more than [`RISE`], back at (or below) the
    /// level before the event.
    pub back: Option<(f64, f64)>,
    /// How well it shows loss and regain, for choosing whom to show.
    pub score: f64,
}

impl Story {
    pub fn loss(&self) -> f64 {
        self.peak.1 - self.before
    }

    pub fn regain(&self) -> f64 {
        self.low.map_or(0.0, |l| self.peak.1 - l.1)
    }
}

/// A rise in loneliness after an event that counts as one.
const RISE: f64 = 0.05;

/// The story of `points` around `event`, the run's last week being `last`.
pub(crate) fn story(points: &[(f64, f64)], event: f64, last: f64) -> Option<Story> {
    let pre: Vec<f64> = points
        .iter()
        .filter(|p| p.0 < event && p.0 >= event - 8.0)
        .map(|p| p.1)
        .collect();
    let after: Vec<(f64, f64)> = points.iter().copied().filter(|p| p.0 >= event).collect();
    let first_after = after.first()?;
    let before = if pre.is_empty() {
        first_after.1
    } else {
        pre.iter().sum::<f64>() / pre.len() as f64
    };
    // The episode: from the event until loneliness, having risen, is back at its level
    // before (or to the end of the run).
    let rose = after.iter().position(|p| p.1 > before + RISE);
    let back_at = rose.and_then(|r| after[r..].iter().position(|p| p.1 <= before).map(|k| r + k));
    let episode = &after[..back_at.unwrap_or(after.len())];
    let peak = episode
        .iter()
        .copied()
        .fold(*first_after, |m, p| if p.1 > m.1 { p } else { m });
    let low = after.iter().copied().filter(|p| p.0 > peak.0).fold(
        None,
        |m: Option<(f64, f64)>, p| match m {
            Some(m) if m.1 <= p.1 => Some(m),
            _ => Some(p),
        },
    );
    let back = back_at.map(|k| after[k]);
    let mut s = Story {
        before,
        peak,
        low,
        back,
        score: 0.0,
    };
    let mut score = s.loss().min(s.regain()).max(0.0) + 0.2 * s.loss().max(0.0);
    if last - event < 26.0 {
        score *= 0.3; // too little time after the event to tell a story
    }
    if pre.len() < 4 {
        score *= 0.5; // too little time before it
    }
    s.score = score;
    Some(s)
}

/// Indices into `agents` of the people to show, the highlighted story first: the best
/// stories of those struck (then in order of their event's week) and, for contrast, up to
/// [`UNAFFECTED`] never struck (the loneliest, then the least lonely, ...).
pub(crate) fn choose(agents: &[AgentPath], last: f64) -> Vec<usize> {
    let mut struck: Vec<(f64, usize)> = agents
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let e = a.event?;
            story(&a.loneliness(), e, last).map(|s| (s.score, i))
        })
        .collect();
    struck.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mean = |a: &AgentPath| {
        let v = a.loneliness();
        v.iter().map(|p| p.1).sum::<f64>() / v.len().max(1) as f64
    };
    let mut never: Vec<(f64, usize)> = agents
        .iter()
        .enumerate()
        .filter(|(_, a)| a.event.is_none() && !a.loneliness().is_empty())
        .map(|(i, a)| (mean(a), i))
        .collect();
    never.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let n_never = UNAFFECTED.min(never.len());
    let n_struck = (PEOPLE - n_never).min(struck.len());
    let n_never = (PEOPLE - n_struck).min(never.len());

    let mut chosen: Vec<usize> = struck.iter().take(n_struck).map(|s| s.1).collect();
    if let Some((_, rest)) = chosen.split_first_mut() {
        rest.sort_by(|&a, &b| {
            let e = |i: usize| agents[i].event.unwrap_or(f64::INFINITY);
            e(a).total_cmp(&e(b)).then(a.cmp(&b))
        });
    }
    // Never struck: alternately the loneliest and the least lonely left.
    let (mut lo, mut hi) = (0usize, never.len());
    for k in 0..n_never {
        if k % 2 == 0 {
            chosen.push(never[lo].1);
            lo += 1;
        } else {
            hi -= 1;
            chosen.push(never[hi].1);
        }
    }
    chosen
}

pub(crate) struct TrajectoryFig<'d> {
    info: &'d RunInfo,
    title: String,
    data: &'d Trajectories,
    chosen: Vec<usize>,
    threshold: Option<f64>,
    x: (f64, f64),
}

impl<'d> TrajectoryFig<'d> {
    /// `None` when no sampled agent has a loneliness value.
    pub fn new(data: &'d Trajectories, manifest: &Manifest, info: &'d RunInfo) -> Option<Self> {
        let steps = data.steps();
        let x = extent(steps.iter().copied());
        let chosen = choose(&data.agents, x.1);
        if chosen.is_empty() {
            return None;
        }
        Some(TrajectoryFig {
            info,
            title: format!(
                "Individual stories — {}, replicate {}: {} of {} sampled people",
                info.scenario,
                data.replicate,
                chosen.len(),
                data.agents.len()
            ),
            data,
            chosen,
            threshold: manifest.lonely_threshold,
            x,
        })
    }

    /// One person's panel.
    fn person<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        agent: &AgentPath,
        large: bool,
    ) -> DrawResult {
        let caption = match agent.event {
            Some(e) => format!("agent {} — event in week {e:.0}", agent.agent),
            None => format!("agent {} — never struck", agent.agent),
        };
        let mut panel = Panel::new(
            area,
            &Axes {
                caption: Some(&caption),
                x_desc: Some(self.info.time_desc()),
                y_desc: "Loneliness (0–1)",
                x: self.x,
                y: (0.0, 1.0),
                x_integer: true,
                y_integer: false,
                compact: !large,
            },
        )?;
        panel.time_marks(self.info.marks())?;
        for span in support_spans(agent) {
            panel.span(span, GREEN, style::SUPPORT_ALPHA, 2)?;
        }
        let thin = if large { style::THIN_W } else { 2 };
        if let Some(t) = self.threshold {
            panel.hline(t, Stroke::dashed(INK, thin))?;
        }
        let width = if large { style::LINE_W } else { 3 };
        let points = agent.loneliness();
        let split = split_at_event(&points, agent.event);
        match agent.event {
            Some(_) => {
                panel.path(Stroke::solid(BEFORE, width), &split.before)?;
                panel.path(Stroke::solid(VERMILLION, width), &split.after)?;
            }
            None => panel.path(Stroke::solid(BLUE, width), &split.before)?,
        }
        if let Some(e) = agent.event {
            if let Some(v) = agent.value_near(e) {
                let tick = 0.09;
                panel.path(
                    Stroke::solid(INK, if large { 3 } else { 2 }),
                    &[(e, v - tick), (e, v + tick)],
                )?;
                panel.marker((e, v), INK.to_rgba(), if large { 9 } else { 6 }, true)?;
                if large {
                    self.annotate(&mut panel, &points, e, v)?;
                }
            }
        }
        Ok(())
    }

    /// The large panel's words: the event, and the story's peak and recovery. Each label
    /// goes next to its marker, on whichever side keeps it off the other labels, the
    /// markers and the lines (see [`Panel::text_best`]).
    fn annotate<DB: DrawingBackend>(
        &self,
        panel: &mut Panel<DB>,
        points: &[(f64, f64)],
        e: f64,
        v: f64,
    ) -> DrawResult {
        let story = story(points, e, self.x.1).filter(|s| s.loss() >= RISE);
        let peak = story.map(|s| s.peak).filter(|p| p.0 > e);
        let back = story.and_then(|s| s.back);
        // Every marker first, so that no label is put on one drawn later.
        for &at in peak.iter().chain(back.iter()) {
            panel.marker(at, VERMILLION.to_rgba(), 9, false)?;
        }
        const GAP: i32 = 18;
        // Each label on one line, or failing room on two.
        let label = |first: String, second: String, at: (f64, f64), color| Label {
            variants: vec![format!("{first} {second}"), format!("{first}\n{second}")],
            spots: Spot::around(at, GAP),
            color,
            near: true,
        };
        let mut labels = vec![label(
            "life event".to_string(),
            format!("(week {e:.0})"),
            (e, v),
            &INK,
        )];
        if let Some(peak) = peak {
            labels.push(label(
                format!("loneliest: {:.2}", peak.1),
                format!("(week {:.0})", peak.0),
                peak,
                &VERMILLION,
            ));
        }
        if let Some(back) = back {
            labels.push(label(
                "back to the level before".to_string(),
                format!("by week {:.0}", back.0),
                back,
                &VERMILLION,
            ));
        }
        // Placed together, so that no label takes the only free place of another.
        panel.labels_best(&labels)?;
        Ok(())
    }

    fn legend(&self) -> Vec<LegendEntry> {
        let people: Vec<&AgentPath> = self.chosen.iter().map(|&i| &self.data.agents[i]).collect();
        let mut entries = Vec::new();
        if people.iter().any(|a| a.event.is_some()) {
            entries.push(LegendEntry::new(
                "before the person's life event",
                Swatch::Line(Stroke::solid(BEFORE, style::LINE_W)),
            ));
            entries.push(LegendEntry::new(
                "after the life event",
                Swatch::Line(Stroke::solid(VERMILLION, style::LINE_W)),
            ));
            entries.push(LegendEntry::new(
                "the life event",
                Swatch::Marker {
                    color: INK,
                    filled: true,
                },
            ));
        }
        if people.iter().any(|a| a.event.is_none()) {
            entries.push(LegendEntry::new(
                "never struck by a life event",
                Swatch::Line(Stroke::solid(BLUE, style::LINE_W)),
            ));
        }
        if let Some(t) = self.threshold {
            entries.push(LegendEntry::new(
                format!("lonely threshold ({t})"),
                Swatch::Line(Stroke::dashed(INK, style::THIN_W)),
            ));
        }
        if people.iter().any(|a| a.points.iter().any(|p| p.in_support)) {
            entries.push(LegendEntry::new(
                "weeks in a support group",
                Swatch::Shade(GREEN, style::SUPPORT_ALPHA),
            ));
        }
        entries.extend(self.info.marks().iter().map(time_mark_entry));
        entries
    }
}

/// The runs of weeks in which `agent` was in a support group, as (from, to) spans.
fn support_spans(agent: &AgentPath) -> Vec<(f64, f64)> {
    let mut spans: Vec<(f64, f64)> = Vec::new();
    let mut open: Option<(f64, f64)> = None;
    for p in &agent.points {
        match (p.in_support, open.as_mut()) {
            (true, Some(run)) if p.step - run.1 <= 1.0 => run.1 = p.step,
            (true, _) => {
                spans.extend(open.take());
                open = Some((p.step, p.step));
            }
            (false, _) => spans.extend(open.take()),
        }
    }
    spans.extend(open);
    spans.into_iter().map(|(a, b)| (a - 0.5, b + 0.5)).collect()
}

impl Figure for TrajectoryFig<'_> {
    fn name(&self) -> &'static str {
        "trajectories"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let (w, h) = body.dim_in_pixel();
        let (left, right) = body.split_horizontally(w / 2);
        let entries = self.legend();
        // Two legend columns under the large panel when they fit side by side, else one.
        let half_rows = entries.len().div_ceil(2);
        let (first, second) = entries.split_at(half_rows);
        let (w1, _) = legend_size(&body, first)?;
        let (w2, _) = legend_size(&body, second)?;
        let two = 12 + w1 + 16 + w2 <= (w / 2) as i32;
        let rows = if two { half_rows } else { entries.len() };
        let legend_h = (legend_height(rows) as u32 + 24).max(LEGEND_H).min(h / 2);
        let (big, legend_area) = left.split_vertically(h - legend_h);
        if let Some(&first) = self.chosen.first() {
            self.person(&big, &self.data.agents[first], true)?;
        }
        let small = right.split_evenly((3, 2));
        for (area, &i) in small.iter().zip(self.chosen.iter().skip(1)) {
            self.person(area, &self.data.agents[i], false)?;
        }
        if two {
            draw_legend(&legend_area, first, (12, 10))?;
            draw_legend(&legend_area, second, (12 + w1 + 16, 10))?;
        } else {
            draw_legend(&legend_area, &entries, (12, 10))?;
        }
        Ok(())
    }
}
