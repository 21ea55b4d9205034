//! Replays: a recorded run as one self-contained HTML file (data and player inline, nothing
//! fetched) or as an animated GIF for slides. A replay comes from a results folder with
//! snapshots over time (`belonging run ... --set 'output.snapshot_every=Some(K)'`,
//! replicate 0) or from the studio's current run.
//!
//! The HTML's data: one binary blob, zlib-compressed and base64-encoded, with per frame the
//! loneliness of every person as a byte (a difference from the previous frame, modulo 256),
//! its flags, the positions as 16-bit differences from the previous frame, and the ties
//! added and removed since the previous frame. The player inflates it with the browser's
//! own `DecompressionStream`.

use super::layout::{Graph, Layout};
use super::story;
use crate::scenario::load;
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

/// A replay needs at least this many frames.
pub const MIN_FRAMES: usize = 2;

/// One frame: the town at one recorded week.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub week: u32,
    /// Loneliness of each person as a byte (255 = 1).
    pub loneliness: Vec<u8>,
    /// Flags of each person (`story::AFFECTED`, ...).
    pub flags: Vec<u8>,
    /// x, y per person, 16 bits each.
    pub pos: Vec<u16>,
    /// Every tie (a < b).
    pub ties: Vec<(u32, u32)>,
}

/// A recorded run to play back.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub title: String,
    pub threshold: f32,
    pub n: usize,
    pub frames: Vec<Frame>,
    /// Per frame: mean loneliness and the share lonely (NaN when unknown).
    pub series: Vec<(f64, f64)>,
}

/// Most frames a replay keeps (older frames are thinned, every other one dropped, beyond).
pub const MAX_FRAMES: usize = 400;

impl Replay {
    pub fn new(title: String, threshold: f32, n: usize) -> Replay {
        Replay {
            title,
            threshold,
            n,
            frames: Vec::new(),
            series: Vec::new(),
        }
    }

    /// Adds a frame and its metrics row (`timeseries.csv`'s), thinning to [`MAX_FRAMES`].
    pub fn push(&mut self, frame: Frame, metrics: Option<&Vec<f64>>) {
        let m = metrics.map_or((f64::NAN, f64::NAN), |r| {
            (
                r.first().copied().unwrap_or(f64::NAN),
                r.get(1).copied().unwrap_or(f64::NAN),
            )
        });
        self.frames.push(frame);
        self.series.push(m);
        if self.frames.len() > MAX_FRAMES {
            let keep = |k: usize, len: usize| k.is_multiple_of(2) || k + 1 == len;
            let len = self.frames.len();
            let mut k = 0;
            self.frames.retain(|_| {
                k += 1;
                keep(k - 1, len)
            });
            let mut k = 0;
            self.series.retain(|_| {
                k += 1;
                keep(k - 1, len)
            });
        }
    }

    /// The binary blob of the HTML player (before compression); see the module docs.
    fn blob(&self) -> Vec<u8> {
        let n = self.n;
        let mut out = Vec::new();
        let mut prev_l = vec![0u8; n];
        let mut prev_p = vec![0u16; 2 * n];
        let mut prev_t: BTreeSet<(u32, u32)> = BTreeSet::new();
        for f in &self.frames {
            for i in 0..n {
                out.push(f.loneliness[i].wrapping_sub(prev_l[i]));
            }
            out.extend_from_slice(&f.flags);
            let mut bytes = Vec::with_capacity(4 * n);
            for k in 0..2 * n {
                bytes.extend_from_slice(&f.pos[k].wrapping_sub(prev_p[k]).to_le_bytes());
            }
            out.extend_from_slice(&bytes);
            let now: BTreeSet<(u32, u32)> = f.ties.iter().copied().collect();
            let added: Vec<&(u32, u32)> = now.difference(&prev_t).collect();
            let removed: Vec<&(u32, u32)> = prev_t.difference(&now).collect();
            out.extend_from_slice(&(added.len() as u32).to_le_bytes());
            out.extend_from_slice(&(removed.len() as u32).to_le_bytes());
            for (a, b) in added.iter().chain(removed.iter()) {
                out.extend_from_slice(&a.to_le_bytes());
                out.extend_from_slice(&b.to_le_bytes());
            }
            prev_l.copy_from_slice(&f.loneliness);
            prev_p.copy_from_slice(&f.pos);
            prev_t = now;
        }
        out
    }

    /// The replay as one self-contained HTML page.
    pub fn to_html(&self) -> String {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let packed = z
            .write_all(&self.blob())
            .and_then(|_| z.finish())
            .unwrap_or_default();
        let num = |x: f64| {
            if x.is_finite() {
                serde_json::json!(x)
            } else {
                serde_json::Value::Null
            }
        };
        let meta = serde_json::json!({
            "title": self.title,
            "threshold": self.threshold,
            "n": self.n,
            "weeks": self.frames.iter().map(|f| f.week).collect::<Vec<_>>(),
            "mean": self.series.iter().map(|s| num(s.0)).collect::<Vec<_>>(),
            "prevalence": self.series.iter().map(|s| num(s.1)).collect::<Vec<_>>(),
        });
        let meta = meta.to_string().replace("</", "<\\/");
        let title = html_escape(&self.title);
        super::assets::REPLAY_HTML
            .replace("{{TITLE}}", &title)
            .replace("{{CSS}}", super::assets::STUDIO_CSS)
            .replace("{{DRAW_JS}}", super::assets::DRAW_JS)
            .replace("{{REPLAY_JS}}", super::assets::REPLAY_JS)
            .replace("{{META}}", &meta)
            .replace("{{DATA}}", &base64(&packed))
    }

    /// The replay as an animated GIF (640 × 520 pixels, about 8 frames a second).
    pub fn to_gif(&self) -> Result<Vec<u8>, String> {
        super::gif::render(self)
    }
}

/// Escapes text for HTML.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(v >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Reads the columns `want` of a CSV file's replicate-0 rows, grouped by `step`.
fn read_table(
    path: &Path,
    want: &[&str],
) -> Result<std::collections::BTreeMap<i64, Vec<Vec<String>>>, String> {
    let name = path.display();
    let mut r = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| format!("{name}: cannot read: {e}"))?;
    let header = r
        .headers()
        .map_err(|e| format!("{name}: cannot read its header: {e}"))?
        .clone();
    let col = |c: &str| {
        header
            .iter()
            .position(|h| h == c)
            .ok_or_else(|| format!("{name}: has no column `{c}`; is it a belonging results table?"))
    };
    let rep = col("replicate")?;
    let step = col("step")?;
    let cols: Vec<usize> = want.iter().map(|c| col(c)).collect::<Result<_, _>>()?;
    let mut out: std::collections::BTreeMap<i64, Vec<Vec<String>>> = Default::default();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| format!("{name}: line {}: {e}", line + 2))?;
        if rec.get(rep) != Some("0") {
            continue;
        }
        let s: i64 = rec
            .get(step)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("{name}: line {}: `step` is not a number", line + 2))?;
        out.entry(s).or_default().push(
            cols.iter()
                .map(|&c| rec.get(c).unwrap_or("").to_string())
                .collect(),
        );
    }
    Ok(out)
}

fn parse<T: std::str::FromStr>(v: &str, what: &str, file: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{file}: `{v}` is not a valid {what}"))
}

/// Builds a replay from a results folder with snapshots over time (replicate 0).
pub fn from_run_dir(dir: &Path) -> Result<Replay, String> {
    let how = "record one with `belonging run SCENARIO --replicates 1 --set \
               'output.snapshot_every=Some(10)' --out DIR` (a snapshot every 10 weeks)";
    let agents_path = dir.join("agents.csv");
    if !agents_path.is_file() {
        return Err(format!(
            "{}: no agents.csv here: not a results folder of `belonging run`, or one whose scenario left agents.csv out (`output.snapshots`); {how}",
            dir.display()
        ));
    }
    let agents = read_table(
        &agents_path,
        &[
            "agent",
            "loneliness",
            "affected",
            "event_step",
            "condition_active",
            "resigned",
            "support_groups",
        ],
    )?;
    if agents.len() < MIN_FRAMES {
        return Err(format!(
            "{}: holds {} snapshot(s) of the town; a replay needs at least {MIN_FRAMES} over \
             time: {how}",
            dir.display(),
            agents.len()
        ));
    }
    let ties = read_table(&dir.join("ties.csv"), &["a", "b", "weight"])?;
    let members = read_table(&dir.join("memberships.csv"), &["agent", "group", "kind"])?;
    let scenario = std::fs::read_to_string(dir.join("scenario.ron"))
        .ok()
        .and_then(|t| load::parse_str("scenario.ron", &t).ok());
    let threshold = scenario
        .as_ref()
        .map_or(0.4, |s| s.belonging.threshold as f32);
    let name = scenario
        .as_ref()
        .map_or_else(|| "belonging".to_string(), |s| s.name.clone());
    let series = read_series(&dir.join("timeseries.csv"));
    let n = agents.values().next().map_or(0, |v| v.len());
    let af = agents_path.display().to_string();
    let mut replay = Replay::new(format!("{name} — recorded run"), threshold, n);
    let mut layout: Option<Layout> = None;
    let mut prev_step: Option<i64> = None;
    for (&step, rows) in &agents {
        if rows.len() != n {
            return Err(format!(
                "{af}: week {step} has {} people and the first snapshot {n}",
                rows.len()
            ));
        }
        let mut loneliness = vec![0u8; n];
        let mut flags = vec![0u8; n];
        for r in rows {
            let i: usize = parse(&r[0], "person id", &af)?;
            if i >= n {
                return Err(format!("{af}: person {i} is beyond the {n} people"));
            }
            let l: f32 = parse(&r[1], "loneliness", &af)?;
            loneliness[i] = story::byte(l);
            let mut f = 0;
            if r[2] == "1" {
                f |= story::AFFECTED;
            }
            if let Ok(e) = r[3].parse::<i64>() {
                if prev_step.is_none_or(|p| e > p) && e <= step {
                    f |= story::STRUCK_NOW;
                }
            }
            if r[4] == "1" {
                f |= story::ACTIVE;
            }
            if r[5] == "1" {
                f |= story::RESIGNED;
            }
            if r[6] != "0" && !r[6].is_empty() {
                f |= story::IN_SUPPORT;
            }
            flags[i] = f;
        }
        let tf = dir.join("ties.csv").display().to_string();
        let mut graph = Graph::default();
        let mut tie_list = Vec::new();
        for r in ties.get(&step).map_or(&[][..], |v| v.as_slice()) {
            let a: u32 = parse(&r[0], "person id", &tf)?;
            let b: u32 = parse(&r[1], "person id", &tf)?;
            let w: f32 = parse(&r[2], "tie weight", &tf)?;
            if a as usize >= n || b as usize >= n {
                return Err(format!(
                    "{tf}: a tie of person {a} or {b}, beyond the {n} people"
                ));
            }
            graph.ties.push((a, b, w));
            tie_list.push((a.min(b), a.max(b)));
        }
        let mut groups: HashMap<u32, (bool, Vec<u32>)> = HashMap::new();
        let mf = dir.join("memberships.csv").display().to_string();
        for r in members.get(&step).map_or(&[][..], |v| v.as_slice()) {
            let i: u32 = parse(&r[0], "person id", &mf)?;
            let g: u32 = parse(&r[1], "group id", &mf)?;
            if i as usize >= n {
                return Err(format!("{mf}: person {i} is beyond the {n} people"));
            }
            let e = groups.entry(g).or_insert((r[2] == "support", Vec::new()));
            e.1.push(i);
        }
        let mut ids: Vec<_> = groups.into_iter().collect();
        ids.sort_by_key(|(g, _)| *g);
        for (_, (support, m)) in ids {
            let pull = if support {
                4.0
            } else {
                (4.0 / m.len().max(1) as f32).min(1.0)
            };
            graph.groups.push((pull, m));
        }
        let l = match layout.as_mut() {
            None => layout.insert(Layout::new(n, &graph, if n <= 5_000 { 300 } else { 150 })),
            Some(l) => {
                let weeks = prev_step.map_or(1, |p| (step - p).clamp(1, 26)) as usize;
                l.ease(&graph, 2 * weeks);
                l
            }
        };
        let frame = Frame {
            week: step.max(0) as u32,
            loneliness,
            flags,
            pos: l.quantized(),
            ties: tie_list,
        };
        let row = series.get(&step).cloned();
        replay.push(frame, row.as_ref());
        prev_step = Some(step);
    }
    Ok(replay)
}

/// Replicate 0's loneliness mean and prevalence by week from timeseries.csv (empty when
/// the file is missing: the player then shows no chart).
fn read_series(path: &Path) -> HashMap<i64, Vec<f64>> {
    let Ok(t) = read_table(path, &["loneliness_mean", "loneliness_prevalence"]) else {
        return HashMap::new();
    };
    t.into_iter()
        .filter_map(|(s, rows)| {
            let r = rows.first()?;
            let v = |x: &str| x.parse::<f64>().unwrap_or(f64::NAN);
            Some((s, vec![v(&r[0]), v(&r[1])]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn frames_are_thinned_beyond_the_limit() {
        let mut r = Replay::new("t".into(), 0.4, 1);
        for w in 0..(MAX_FRAMES as u32 + 1) {
            r.push(
                Frame {
                    week: w,
                    loneliness: vec![0],
                    flags: vec![0],
                    pos: vec![0, 0],
                    ties: vec![],
                },
                None,
            );
        }
        assert!(r.frames.len() <= MAX_FRAMES);
        assert_eq!(r.frames.len(), r.series.len());
        assert_eq!(r.frames[0].week, 0);
        assert_eq!(r.frames.last().unwrap().week, MAX_FRAMES as u32);
    }

    #[test]
    fn the_html_is_self_contained() {
        let mut r = Replay::new("a <b> & c".into(), 0.4, 2);
        for w in 0..3 {
            r.push(
                Frame {
                    week: w,
                    loneliness: vec![10, 200],
                    flags: vec![0, 1],
                    pos: vec![1, 2, 3, 4],
                    ties: vec![(0, 1)],
                },
                Some(&vec![0.2, 0.1]),
            );
        }
        let h = r.to_html();
        assert!(h.contains("a &lt;b&gt; &amp; c"));
        assert!(!h.contains("{{"), "a placeholder is left");
        for far in ["http://", "https://", "src=\"/", "href=\"/"] {
            assert!(!h.contains(far), "the page refers to `{far}`");
        }
    }
}
