//! `regions` (Axelrod's model): the map of cultural regions on the lattice at four times
//! of replicate 0 — its first recorded step, two intermediate ones and its last — as in
//! Axelrod (1997)'s figures, and the number of regions over time (mean of the replicates
//! with its 95% CI, and replicate 0 itself).
//!
//! A region is a connected set of lattice neighbours with identical cultures. Each map
//! colours its largest regions (colours tell regions apart within a map; they rank them
//! by size) and leaves the rest light grey; the border between two neighbouring cells is
//! drawn darker the fewer features they share (none when they share all).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::context::Lattice;
use super::data::{BandPoint, Summary, Trajectories};
use super::panel::{
    band_panel_with, nice_step, title, y_values, BandPanel, Extras, Series, Spot, Stroke,
};
use super::style::{
    self, font, tint, BLUE, GREEN, INK, MUTED, NEUTRAL, ORANGE, PURPLE, SKY, VERMILLION, YELLOW,
};
use super::{DrawResult, Figure, OrDraw, RunInfo};

/// Colours of the largest regions, largest first (Okabe–Ito, lightened so that the
/// borders stand out).
const REGION_COLOURS: [RGBColor; 7] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, YELLOW];
/// How much the region colours are lightened.
const REGION_TINT: f64 = 0.35;
/// Width of the legend column right of the maps.
const LEGEND_W: u32 = 330;
/// Height of the row of maps.
const MAPS_H: u32 = 440;

/// Region label of every cell (0, 1, ... in order of each region's first cell): cells
/// joined by an edge of `edges` and with identical `cultures` are in one region.
pub(crate) fn regions(cultures: &[Vec<i64>], edges: &[(u32, u32)]) -> Vec<usize> {
    let n = cultures.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for &(a, b) in edges {
        let (a, b) = (a as usize, b as usize);
        if a < n && b < n && cultures[a] == cultures[b] {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut label = vec![usize::MAX; n];
    let mut next = 0;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let r = root(&mut parent, i);
        if label[r] == usize::MAX {
            label[r] = next;
            next += 1;
        }
        out.push(label[r]);
    }
    out
}

/// One map: the cultures of every cell at one step, and its regions.
struct RegionMap {
    step: f64,
    cultures: Vec<Vec<i64>>,
    region: Vec<usize>,
    /// Colour rank (0 = largest) of each region, `None` for the uncoloured.
    rank: Vec<Option<usize>>,
    regions: usize,
    singletons: usize,
}

impl RegionMap {
    fn new(step: f64, cultures: Vec<Vec<i64>>, edges: &[(u32, u32)]) -> Self {
        let region = regions(&cultures, edges);
        let regions = region.iter().copied().max().map_or(0, |m| m + 1);
        let mut sizes = vec![0usize; regions];
        for &r in &region {
            sizes[r] += 1;
        }
        let mut order: Vec<usize> = (0..regions).filter(|&r| sizes[r] >= 2).collect();
        order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
        let mut rank = vec![None; regions];
        for (k, &r) in order.iter().take(REGION_COLOURS.len()).enumerate() {
            rank[r] = Some(k);
        }
        RegionMap {
            step,
            cultures,
            region,
            rank,
            regions,
            singletons: sizes.iter().filter(|&&s| s == 1).count(),
        }
    }

    fn coloured(&self) -> usize {
        self.rank.iter().filter(|r| r.is_some()).count()
    }

    /// "17 regions: the 7 largest coloured, 10 more in grey".
    fn summary(&self) -> String {
        let n = self.regions;
        let noun = if n == 1 { "region" } else { "regions" };
        let coloured = self.coloured();
        if coloured == 0 {
            if self.singletons == n {
                format!("{n} {noun}, all single cells")
            } else {
                format!("{n} {noun}")
            }
        } else if coloured == n {
            format!("{n} {noun}, all coloured")
        } else {
            format!("{n} {noun}: {coloured} coloured, {} in grey", n - coloured)
        }
    }
}

/// Cultures of every agent 0..n at `step` (`None` when an agent or a value is missing).
fn cultures_at(data: &Trajectories, n: usize, step: f64) -> Option<Vec<Vec<i64>>> {
    if data.agents.len() < n {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    for (i, a) in data.agents.iter().take(n).enumerate() {
        if a.agent != i as i64 {
            return None;
        }
        let k = a
            .points
            .binary_search_by(|p| p.step.total_cmp(&step))
            .ok()?;
        let values = a.identity(&a.points[k]);
        if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        out.push(values.iter().map(|v| v.round() as i64).collect());
    }
    Some(out)
}

/// The steps to map: the first, the last, and the first steps by which the number of
/// regions has made half and nine tenths of its whole fall (evenly spaced steps when it
/// does not fall).
fn map_steps(counts: &[(f64, f64)]) -> Vec<f64> {
    let (Some(&(s0, c0)), Some(&(s1, c1))) = (counts.first(), counts.last()) else {
        return Vec::new();
    };
    let mut steps = vec![s0];
    let fall = c0 - c1;
    for share in [0.5, 0.9] {
        let at = if fall > 0.0 {
            counts
                .iter()
                .find(|p| p.1 <= c0 - share * fall)
                .map_or(s1, |p| p.0)
        } else {
            (s0 + share * (s1 - s0)).round()
        };
        steps.push(at);
    }
    steps.push(s1);
    steps.dedup();
    steps
}

pub(crate) struct RegionsFig<'d> {
    info: &'d RunInfo,
    title: String,
    features: usize,
    lattice: Option<Lattice>,
    maps: Vec<RegionMap>,
    /// Why there is no map, when there is none.
    no_map: Option<&'static str>,
    series: Vec<Series>,
    replicate: Option<i64>,
}

impl<'d> RegionsFig<'d> {
    /// `None` when there is neither a map nor the `identity_clusters` metric.
    pub fn new(
        summary: &Summary,
        data: Option<&'d Trajectories>,
        info: &'d RunInfo,
    ) -> Option<Self> {
        let lattice = info.context.lattice;
        let mut maps = Vec::new();
        let mut series = Vec::new();
        if let Some(points) = summary.series("identity_clusters") {
            let label = match info.replicates {
                Some(n) => format!("mean of {n} replicates"),
                None => "mean of the replicates".to_string(),
            };
            series.push(Series::band(&label, GREEN, points));
        }
        let mut no_map = None;
        let mut replicate = None;
        let mut features = 0;
        match (lattice, data) {
            (None, _) => no_map = Some("no map: the network is not a lattice"),
            (Some(_), None) => no_map = Some("no map: trajectories.csv is missing or empty"),
            (Some(l), Some(data)) => {
                let n = l.width * l.height;
                let edges =
                    crate::model::network::lattice(l.width, l.height, l.neighbourhood, l.torus);
                let steps = data.steps();
                let all: Option<Vec<(f64, Vec<Vec<i64>>)>> = match data.columns {
                    super::data::IdentityColumns::Culture(f) => {
                        features = f;
                        steps
                            .iter()
                            .map(|&s| cultures_at(data, n, s).map(|c| (s, c)))
                            .collect()
                    }
                    _ => None,
                };
                match all {
                    Some(all) if !all.is_empty() => {
                        let counts: Vec<(f64, f64)> = all
                            .iter()
                            .map(|(s, c)| {
                                let r = regions(c, &edges);
                                (*s, r.iter().copied().max().map_or(0.0, |m| m as f64 + 1.0))
                            })
                            .collect();
                        for step in map_steps(&counts) {
                            if let Some((_, c)) = all.iter().find(|(s, _)| *s == step) {
                                maps.push(RegionMap::new(step, c.clone(), &edges));
                            }
                        }
                        replicate = Some(data.replicate);
                        series.push(Series {
                            label: Some(format!("replicate {} (the maps)", data.replicate)),
                            stroke: Stroke::solid(INK, 2),
                            points: counts
                                .iter()
                                .map(|&(x, y)| BandPoint {
                                    x,
                                    y: Some(y),
                                    lo: None,
                                    hi: None,
                                })
                                .collect(),
                            ribbon: false,
                            sparse_x: Vec::new(),
                        });
                    }
                    _ => {
                        no_map = Some(
                            "no map: trajectories.csv does not hold every agent's culture \
                             (output.sample_agents below the population?)",
                        )
                    }
                }
            }
        }
        if maps.is_empty() && series.is_empty() {
            return None;
        }
        let curve = match info.replicates {
            Some(n) => format!("curve: n = {n} replicates"),
            None => "curve: all replicates".to_string(),
        };
        let title = match replicate {
            Some(r) => format!(
                "Cultural regions — {} (maps: replicate {r}; {curve})",
                info.scenario
            ),
            None => format!("Cultural regions — {} ({curve})", info.scenario),
        };
        Some(RegionsFig {
            info,
            title,
            features,
            lattice,
            maps,
            no_map,
            series,
            replicate,
        })
    }

    /// One map with its caption and summary line.
    fn map<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        map: &RegionMap,
        letter: char,
        last: bool,
    ) -> DrawResult {
        let Some(l) = self.lattice else {
            return Ok(());
        };
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let caption_h = 44;
        let note_h = 40;
        let side = (w - 24).min(h - caption_h - note_h).max(10);
        let cell = (side / l.width.max(l.height) as i32).max(1);
        let (mw, mh) = (cell * l.width as i32, cell * l.height as i32);
        let x0 = (w - mw) / 2;
        let y0 = caption_h;
        let caption = if last {
            format!("({letter}) step {:.0}, the end", map.step)
        } else {
            format!("({letter}) step {:.0}", map.step)
        };
        area.draw_text(
            &caption,
            &style::bold(style::CAPTION_PX * 0.8).pos(Pos::new(HPos::Center, VPos::Top)),
            (w / 2, 6),
        )
        .or_draw()?;
        for (i, r) in map.region.iter().enumerate() {
            let (cx, cy) = ((i % l.width) as i32, (i / l.width) as i32);
            let colour = match map.rank[*r] {
                Some(k) => tint(REGION_COLOURS[k], REGION_TINT),
                None => NEUTRAL,
            };
            let (px, py) = (x0 + cx * cell, y0 + cy * cell);
            area.draw(&Rectangle::new(
                [(px, py), (px + cell, py + cell)],
                colour.filled(),
            ))
            .or_draw()?;
        }
        // Borders between orthogonal neighbours, darker the less they share.
        let f = self.features.max(1);
        let shared = |a: usize, b: usize| {
            map.cultures[a]
                .iter()
                .zip(&map.cultures[b])
                .filter(|(x, y)| x == y)
                .count()
        };
        for i in 0..map.cultures.len() {
            let (cx, cy) = ((i % l.width) as i32, (i / l.width) as i32);
            let (px, py) = (x0 + cx * cell, y0 + cy * cell);
            let mut borders = Vec::new();
            if (cx as usize) + 1 < l.width {
                borders.push((i + 1, [(px + cell, py), (px + cell, py + cell)]));
            }
            if (cy as usize) + 1 < l.height {
                borders.push((i + l.width, [(px, py + cell), (px + cell, py + cell)]));
            }
            for (j, line) in borders {
                let k = shared(i, j);
                if k >= f {
                    continue;
                }
                let stroke = border_stroke(k, f);
                area.draw(&PathElement::new(line.to_vec(), stroke))
                    .or_draw()?;
            }
        }
        area.draw(&Rectangle::new(
            [(x0, y0), (x0 + mw, y0 + mh)],
            INK.stroke_width(2),
        ))
        .or_draw()?;
        area.draw_text(
            &map.summary(),
            &font(style::NOTE_PX * 0.85).pos(Pos::new(HPos::Center, VPos::Top)),
            (w / 2, y0 + mh + 8),
        )
        .or_draw()?;
        Ok(())
    }

    /// The key to the maps' colours and borders.
    fn key<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let text = font(style::LEGEND_PX * 0.9).pos(Pos::new(HPos::Left, VPos::Center));
        let head = style::bold(style::LEGEND_PX * 0.9).pos(Pos::new(HPos::Left, VPos::Center));
        let (x, mut y) = (16, 64);
        area.draw_text("Regions, largest first", &head, (x, y))
            .or_draw()?;
        y += 32;
        for (k, c) in REGION_COLOURS.iter().enumerate() {
            let cx = x + k as i32 * 38;
            area.draw(&Rectangle::new(
                [(cx, y - 14), (cx + 30, y + 14)],
                tint(*c, REGION_TINT).filled(),
            ))
            .or_draw()?;
            area.draw_text(
                &(k + 1).to_string(),
                &font(style::LEGEND_PX * 0.75).pos(Pos::new(HPos::Center, VPos::Center)),
                (cx + 15, y),
            )
            .or_draw()?;
        }
        y += 36;
        area.draw(&Rectangle::new(
            [(x, y - 14), (x + 30, y + 14)],
            NEUTRAL.filled(),
        ))
        .or_draw()?;
        area.draw_text("smaller regions, single cells", &text, (x + 42, y))
            .or_draw()?;
        y += 50;
        area.draw_text("Border: features shared", &head, (x, y))
            .or_draw()?;
        y += 30;
        let f = self.features.max(1);
        let levels: Vec<usize> = if f <= 6 {
            (0..f).collect()
        } else {
            vec![0, f / 2, f - 1]
        };
        for k in levels {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 48, y)],
                border_stroke(k, f),
            ))
            .or_draw()?;
            area.draw_text(&format!("{k} of {f}"), &text, (x + 60, y))
                .or_draw()?;
            y += 30;
        }
        area.draw_text(&format!("no border: all {f} shared"), &text, (x, y))
            .or_draw()?;
        Ok(())
    }

    /// The number of regions over time, with the maps' steps marked.
    fn curve<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let max = y_values(self.series.iter().map(|s| s.points.as_slice()))
            .into_iter()
            .fold(0.0, f64::max);
        let caption = format!(
            "({}) {} over time{}",
            (b'a' + self.maps.len() as u8) as char,
            self.info.context.cluster_noun(),
            if self.replicate.is_some() {
                " (a replicate that stopped keeps its last count)"
            } else {
                ""
            }
        );
        let mut panel = band_panel_with(
            area,
            &BandPanel {
                caption: Some(&caption),
                x_desc: Some(self.info.time_desc()),
                y_desc: "Regions (count)",
                y_cap: f64::INFINITY,
                y_step: nice_step(max / 8.0),
                // No room kept above the data: the count falls, and the legend goes
                // where it hides the least.
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
        )?;
        let (_, top) = panel.y_range();
        for (k, map) in self.maps.iter().enumerate() {
            panel.vline(map.step, Stroke::dotted(MUTED, 2))?;
            let letter = format!("({})", (b'a' + k as u8) as char);
            panel.text_best(
                &letter,
                &[
                    Spot::new((map.step, top), (6, 6), Pos::new(HPos::Left, VPos::Top)),
                    Spot::new((map.step, top), (-6, 6), Pos::new(HPos::Right, VPos::Top)),
                ],
                &MUTED,
            )?;
        }
        panel.finish()
    }
}

/// Border between cells sharing `k` of `f` features: black and thick for none, lighter
/// and thinner the more they share.
fn border_stroke(k: usize, f: usize) -> ShapeStyle {
    let s = k as f64 / f as f64;
    let g = (s * 215.0).round() as u8;
    RGBColor(g, g, g).stroke_width((2.0 + 3.0 * (1.0 - s)).round() as u32)
}

impl Figure for RegionsFig<'_> {
    fn name(&self) -> &'static str {
        "regions"
    }

    fn bounded_axes(&self) -> bool {
        false
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = title(root, &self.title)?;
        let (w, _) = body.dim_in_pixel();
        if self.maps.is_empty() {
            let (note, rest) = body.split_vertically(40);
            if let Some(why) = self.no_map {
                note.draw_text(
                    why,
                    &font(style::NOTE_PX)
                        .pos(Pos::new(HPos::Center, VPos::Center))
                        .color(&MUTED),
                    (w as i32 / 2, 20),
                )
                .or_draw()?;
            }
            return self.curve(&rest);
        }
        let (top, bottom) = body.split_vertically(MAPS_H);
        let (maps, key) = top.split_horizontally(w.saturating_sub(LEGEND_W));
        let cells = maps.split_evenly((1, self.maps.len()));
        for (k, (area, map)) in cells.iter().zip(&self.maps).enumerate() {
            self.map(
                area,
                map,
                (b'a' + k as u8) as char,
                k + 1 == self.maps.len(),
            )?;
        }
        self.key(&key)?;
        self.curve(&bottom)
    }
}
