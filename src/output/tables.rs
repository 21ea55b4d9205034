//! The CSV tables of a run: headers and the rows of one job. Each table's rows for one job
//! are produced by one function here, so the schema lives in one place (docs/OUTPUTS.md
//! documents it for readers).

use crate::experiment::job::{JobResult, Snapshot};
use crate::model::{metrics, NEVER, NONE};
use crate::rules::belonging::is_lonely;
use crate::scenario::{Config, IdentityRule};
use std::fmt::Write;

/// A CSV field, quoted when it holds a comma, quote or newline (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A number as CSV text: shortest round-trip form; missing (NaN) as an empty field.
#[inline]
pub fn num(out: &mut String, x: f64) {
    if x.is_finite() {
        let _ = write!(out, "{x}");
    } else if x.is_nan() {
    } else {
        let _ = write!(out, "{}", if x > 0.0 { "inf" } else { "-inf" });
    }
}

/// A single-precision value as CSV text: the shortest form that reads back to the same
/// `f32` (`0.35`, not the `0.3499999940395355` of its widening to `f64`); missing (NaN) as
/// an empty field.
#[inline]
fn num32(out: &mut String, x: f32) {
    if x.is_finite() {
        let _ = write!(out, "{x}");
    } else if x.is_nan() {
    } else {
        let _ = write!(out, "{}", if x > 0.0 { "inf" } else { "-inf" });
    }
}

/// The tables, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Timeseries,
    EventAligned,
    Trajectories,
    Prototypes,
    Agents,
    Ties,
    Memberships,
    Groups,
    Runs,
}

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Timeseries,
        Table::EventAligned,
        Table::Trajectories,
        Table::Prototypes,
        Table::Agents,
        Table::Ties,
        Table::Memberships,
        Table::Groups,
        Table::Runs,
    ];

    /// The tables a run of `cfg` writes, in [`Table::ALL`]'s order: every table but the
    /// snapshot tables `output.snapshots` leaves out, `prototypes.csv` when no support group
    /// or programme can exist, and `event_aligned.csv` when there are no life events (the
    /// classic models have neither).
    pub fn written(cfg: &Config) -> Vec<Table> {
        use crate::scenario::SnapshotTable as S;
        let s = &cfg.scenario;
        let snap = |t: S| s.output.snapshots.contains(&t);
        Table::ALL
            .into_iter()
            .filter(|t| match t {
                Table::Agents => snap(S::Agents),
                Table::Ties => snap(S::Ties),
                Table::Memberships => snap(S::Memberships),
                Table::Groups => snap(S::Groups),
                Table::Prototypes => s.support.enabled || !s.interventions.is_empty(),
                Table::EventAligned => !s.events.is_empty(),
                _ => true,
            })
            .collect()
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Table::Timeseries => "timeseries.csv",
            Table::EventAligned => "event_aligned.csv",
            Table::Trajectories => "trajectories.csv",
            Table::Prototypes => "prototypes.csv",
            Table::Agents => "agents.csv",
            Table::Ties => "ties.csv",
            Table::Memberships => "memberships.csv",
            Table::Groups => "groups.csv",
            Table::Runs => "runs.csv",
        }
    }

    /// The table's header line: identity columns as the scenario's identity has them.
    pub fn header(self, cfg: &Config) -> String {
        let id = &cfg.scenario.identity;
        let (rule, dims, features) = (id.rule, id.dims as usize, id.features as usize);
        let xs: String = (0..dims).map(|d| format!(",x{d}")).collect();
        match self {
            Table::Timeseries => format!("replicate,step,{}", metrics::NAMES.join(",")),
            Table::EventAligned => {
                "replicate,weeks_since_event,loneliness_mean,loneliness_prevalence,belonging_mean,n"
                    .into()
            }
            Table::Trajectories => {
                let (prefix, width) = match rule {
                    IdentityRule::Axelrod => ("c", features),
                    _ => ("x", dims),
                };
                let cols: String = (0..width).map(|d| format!(",{prefix}{d}")).collect();
                format!(
                    "replicate,agent,step,affected,event_step,in_support,loneliness,\
                     belonging,attachment,membership,collective,approach,distress{cols}"
                )
            }
            Table::Prototypes => {
                format!("replicate,step,group,focus,size,identification,coherence{xs}")
            }
            Table::Agents => format!(
                "replicate,step,agent,need,approach,regulation,distress,loneliness,lonely,\
                 belonging,attachment,membership,collective,affected,event_step,condition,\
                 condition_active,stigma,integration,exclusion,resigned,degree,strength,groups,\
                 support_groups,groups_before,groups_kept,groups_joined,loneliness_before,\
                 loneliness_year,neighbourhood{xs}"
            ),
            Table::Ties => "replicate,step,a,b,weight".into(),
            Table::Memberships => {
                "replicate,step,agent,group,kind,identification,attendance,joined".into()
            }
            Table::Groups => format!("replicate,step,group,kind,focus,active,size,coherence{xs}"),
            Table::Runs => "replicate,seed,stop_step,absorbed".into(),
        }
    }

    /// The rows of this table contributed by one job (no header).
    pub fn rows(self, cfg: &Config, r: &JobResult) -> String {
        let mut bytes = Vec::new();
        // Writing into memory cannot fail.
        let _ = self.write_rows(cfg, r, &mut bytes);
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Writes the rows of this table contributed by one job (no header) to `sink`, a
    /// megabyte at a time, so a large population's snapshot never sits in memory as text.
    pub fn write_rows<W: std::io::Write>(
        self,
        cfg: &Config,
        r: &JobResult,
        sink: &mut W,
    ) -> std::io::Result<()> {
        let mut out = String::with_capacity(SPILL + 4096);
        let mut spill = |out: &mut String| -> std::io::Result<()> {
            if out.len() >= SPILL {
                sink.write_all(out.as_bytes())?;
                out.clear();
            }
            Ok(())
        };
        let rep = r.job.replicate;
        match self {
            Table::Timeseries => {
                for (step, m) in r.recorded.iter().zip(&r.series) {
                    let _ = write!(out, "{rep},{step}");
                    for &v in &m.values {
                        out.push(',');
                        num(&mut out, v);
                    }
                    out.push('\n');
                    spill(&mut out)?;
                }
            }
            Table::EventAligned => {
                for (k, b) in r.aligned.iter().enumerate() {
                    let since = k as i64 - r.aligned_before as i64;
                    let _ = write!(out, "{rep},{since},");
                    let n = b.n as f64;
                    let mean = |x: f64| if b.n > 0 { x / n } else { f64::NAN };
                    num(&mut out, mean(b.loneliness_sum));
                    out.push(',');
                    num(&mut out, mean(b.lonely_count));
                    out.push(',');
                    // Belonging is recorded from the event on.
                    num(
                        &mut out,
                        if since < 0 {
                            f64::NAN
                        } else {
                            mean(b.belonging_sum)
                        },
                    );
                    let _ = writeln!(out, ",{}", b.n);
                    spill(&mut out)?;
                }
            }
            Table::Trajectories => {
                let width = crate::experiment::job::trajectory_identity_width(cfg);
                for (k, row) in r.trajectories.iter().enumerate() {
                    let Some(&(_, affected, event)) = r.sampled.iter().find(|s| s.0 == row.agent)
                    else {
                        continue;
                    };
                    let _ = write!(
                        out,
                        "{rep},{},{},{},",
                        row.agent,
                        row.step,
                        u8::from(affected)
                    );
                    if let Some(e) = event {
                        let _ = write!(out, "{e}");
                    }
                    let _ = write!(out, ",{}", u8::from(row.in_support));
                    for v in row.values {
                        out.push(',');
                        num32(&mut out, v);
                    }
                    for &x in &r.trajectory_identity[k * width..(k + 1) * width] {
                        out.push(',');
                        num32(&mut out, x);
                    }
                    out.push('\n');
                    spill(&mut out)?;
                }
            }
            Table::Prototypes => {
                for p in &r.prototypes {
                    let _ = write!(
                        out,
                        "{rep},{},{},{},{},",
                        p.step,
                        p.group,
                        event_name(cfg, p.focus),
                        p.size
                    );
                    num32(&mut out, p.identification);
                    out.push(',');
                    num32(&mut out, p.coherence);
                    for &x in &p.position {
                        out.push(',');
                        num32(&mut out, x);
                    }
                    out.push('\n');
                    spill(&mut out)?;
                }
            }
            Table::Agents | Table::Ties | Table::Memberships => {
                sink.write_all(out.as_bytes())?;
                out.clear();
                for snap in &r.snapshots {
                    let (n, a) = (snap.world.n(), &snap.world.agents);
                    let rows_of = |i: usize| match self {
                        Table::Agents => 1,
                        Table::Ties => a.ties[i].len() / 2 + 1,
                        _ => a.memberships[i].len() + 1,
                    };
                    write_items(sink, n, rows_of, |out, i| match self {
                        Table::Agents => agent_row(out, cfg, rep, snap, i),
                        Table::Ties => tie_rows(out, rep, snap, i),
                        _ => membership_rows(out, cfg, rep, snap, i),
                    })?;
                }
            }
            Table::Runs => {
                let _ = writeln!(
                    out,
                    "{rep},{},{},{}",
                    r.job.seed,
                    r.stop_step,
                    u8::from(r.absorbed)
                );
            }
            Table::Groups => {
                sink.write_all(out.as_bytes())?;
                out.clear();
                for snap in &r.snapshots {
                    write_items(
                        sink,
                        snap.world.n_groups(),
                        |_| 1,
                        |out, g| group_row(out, cfg, rep, snap, g),
                    )?;
                }
            }
        }
        sink.write_all(out.as_bytes())
    }
}

/// Text gathered before it is written out by [`Table::write_rows`].
const SPILL: usize = 1 << 20;

/// Rows per block formatted on one thread.
const BLOCK_ROWS: usize = 16_384;
/// Blocks formatted side by side before they are written out, in order, per thread.
const BATCH_BLOCKS_PER_THREAD: usize = 2;

/// Writes the rows of items `0..n` (each item's rows appended by `row`; `rows_of(i)` says
/// how many) to `sink` in item order. The items are cut into blocks of about
/// [`BLOCK_ROWS`] rows; a large table's blocks are formatted on the threads of the current
/// rayon pool and written block by block in order, so the bytes are those of a plain loop
/// whatever the thread count, and memory holds at most [`BATCH_BLOCKS_PER_THREAD`] blocks of
/// text per thread (one item's rows at least: an agent of a complete graph has thousands).
fn write_items<W: std::io::Write>(
    sink: &mut W,
    n: usize,
    rows_of: impl Fn(usize) -> usize,
    row: impl Fn(&mut String, usize) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut blocks: Vec<std::ops::Range<usize>> = Vec::new();
    let (mut start, mut rows) = (0, 0);
    for i in 0..n {
        rows += rows_of(i);
        if rows >= BLOCK_ROWS {
            blocks.push(start..i + 1);
            (start, rows) = (i + 1, 0);
        }
    }
    if start < n {
        blocks.push(start..n);
    }
    let format = |b: &std::ops::Range<usize>| {
        let mut out = String::new();
        for i in b.clone() {
            row(&mut out, i);
        }
        out
    };
    if blocks.len() <= 1 {
        return blocks
            .iter()
            .try_for_each(|b| sink.write_all(format(b).as_bytes()));
    }
    let batch_blocks = BATCH_BLOCKS_PER_THREAD * rayon::current_num_threads();
    for batch in blocks.chunks(batch_blocks) {
        let texts: Vec<String> = batch.par_iter().map(format).collect();
        for t in &texts {
            sink.write_all(t.as_bytes())?;
        }
    }
    Ok(())
}

/// Agent `i`'s ties of the snapshot (each tie once, from its lower end).
fn tie_rows(out: &mut String, rep: u32, s: &Snapshot, i: usize) {
    for t in s.world.agents.ties[i]
        .iter()
        .filter(|t| t.other as usize > i)
    {
        let _ = write!(out, "{rep},{},{i},{},", s.step, t.other);
        num32(out, t.weight);
        out.push('\n');
    }
}

/// Agent `i`'s memberships of the snapshot.
fn membership_rows(out: &mut String, cfg: &Config, rep: u32, s: &Snapshot, i: usize) {
    let w = &s.world;
    for m in &w.agents.memberships[i] {
        let g = m.group as usize;
        let _ = write!(
            out,
            "{rep},{},{i},{g},{},",
            s.step,
            kind_name(cfg, w.groups.kind[g])
        );
        num32(out, m.ident);
        out.push(',');
        num32(out, m.attend);
        let _ = writeln!(out, ",{}", m.joined as i64 - w.burn_in as i64);
    }
}

/// Group `g` of the snapshot.
fn group_row(out: &mut String, cfg: &Config, rep: u32, s: &Snapshot, g: usize) {
    let w = &s.world;
    let _ = write!(
        out,
        "{rep},{},{g},{},{},{},{},",
        s.step,
        kind_name(cfg, w.groups.kind[g]),
        event_name(cfg, w.groups.focus[g]),
        u8::from(w.groups.active[g]),
        w.groups.members[g].len()
    );
    num32(out, w.groups.coherence[g]);
    for &x in w.prototype_of(g) {
        out.push(',');
        num32(out, x);
    }
    out.push('\n');
}

fn kind_name(cfg: &Config, kind: u16) -> &str {
    cfg.scenario
        .groups
        .get(kind as usize)
        .map_or("support", |g| g.name.as_str())
}

fn event_name(cfg: &Config, k: u16) -> &str {
    if k == NONE {
        return "";
    }
    cfg.scenario
        .events
        .get(k as usize)
        .map_or("", |e| e.name.as_str())
}

fn agent_row(out: &mut String, cfg: &Config, rep: u32, s: &Snapshot, i: usize) {
    let w = &s.world;
    let a = &w.agents;
    let th = cfg.scenario.belonging.threshold as f32;
    {
        let _ = write!(out, "{rep},{},{i}", s.step);
        for v in [
            a.need[i],
            a.approach[i],
            a.regulation[i],
            a.distress[i],
            a.loneliness[i],
        ] {
            out.push(',');
            num32(out, v);
        }
        let _ = write!(out, ",{}", u8::from(is_lonely(a.loneliness[i], th)));
        for v in [
            a.belonging[i],
            a.attachment[i],
            a.membership[i],
            a.collective[i],
        ] {
            out.push(',');
            num32(out, v);
        }
        let affected = a.event_step[i] != NEVER;
        let _ = write!(out, ",{},", u8::from(affected));
        if affected {
            let _ = write!(out, "{}", a.event_step[i] as i64 - w.burn_in as i64);
        }
        let _ = write!(
            out,
            ",{},{}",
            event_name(cfg, a.condition[i]),
            u8::from(a.condition_active[i])
        );
        for v in [a.stigma[i], a.integration[i], a.exclusion[i]] {
            out.push(',');
            num32(out, v);
        }
        let strength: f32 = a.ties[i].iter().map(|t| t.weight).sum();
        let _ = write!(out, ",{},{},", u8::from(a.resigned[i]), a.ties[i].len());
        num32(out, strength);
        let support = a.memberships[i]
            .iter()
            .filter(|m| w.is_support(m.group as usize))
            .count();
        let _ = write!(out, ",{},{}", a.memberships[i].len(), support);
        // SIMIC bookkeeping of the most recent event (empty for agents never affected).
        if affected {
            let _ = write!(
                out,
                ",{},{},{},",
                a.groups_before[i], a.groups_kept[i], a.groups_joined[i]
            );
            num32(out, a.loneliness_before[i]);
            out.push(',');
            num32(out, a.loneliness_year[i]);
        } else {
            out.push_str(",,,,,");
        }
        let _ = write!(out, ",{}", a.neighbourhood.get(i).copied().unwrap_or(0));
        for &x in w.identity_of(i) {
            out.push(',');
            num32(out, x);
        }
        out.push('\n');
    }
}
