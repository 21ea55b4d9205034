//! Reading the results folder: `manifest.json` and the CSV outputs.
//!
//! All CSV files have a header row; an empty field (or `NA`/`NaN`) is a
//! missing value.  Malformed content is reported as [`PlotError::Csv`] with
//! the file and line; nothing here panics on file contents.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

use super::PlotError;
use crate::stats::{Bounds, TTable};

/// One point of a line with an optional confidence band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BandPoint {
    pub x: f64,
    pub y: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

impl BandPoint {
    /// The point with all y values multiplied by `k` (e.g. 100 for percent).
    pub fn scaled(self, k: f64) -> Self {
        BandPoint {
            x: self.x,
            y: self.y.map(|v| v * k),
            lo: self.lo.map(|v| v * k),
            hi: self.hi.map(|v| v * k),
        }
    }
}

/// Multiplies every y value of a series by `k`.
pub(crate) fn scale(points: &[BandPoint], k: f64) -> Vec<BandPoint> {
    points.iter().map(|p| p.scaled(k)).collect()
}

// ---------------------------------------------------------------- manifest

/// The fields of `manifest.json` the plots use; all optional.
#[derive(Debug, Clone, Default)]
pub(crate) struct Manifest {
    pub scenario: Option<String>,
    pub replicates: Option<u64>,
    pub lonely_threshold: Option<f64>,
}

impl Manifest {
    /// Reads `path`; a missing file gives the empty manifest.
    pub fn load(path: &Path) -> Result<Self, PlotError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(PlotError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| PlotError::Json {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Manifest {
            scenario: value
                .get("scenario")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string),
            replicates: value.get("replicates").and_then(serde_json::Value::as_u64),
            lonely_threshold: value
                .get("lonely_threshold")
                .and_then(serde_json::Value::as_f64)
                .filter(|v| v.is_finite()),
        })
    }
}

// ---------------------------------------------------------------- CSV helper

/// An open CSV file with its header.
struct Table {
    path: PathBuf,
    reader: csv::Reader<File>,
    headers: csv::StringRecord,
}

/// Converts a csv error into a [`PlotError`] naming `path` and the line.
fn csv_error(path: &Path, e: csv::Error) -> PlotError {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("found {len} fields, expected {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        _ => e.to_string(),
    };
    match e.into_kind() {
        csv::ErrorKind::Io(source) => PlotError::Io {
            path: path.to_path_buf(),
            source,
        },
        _ => PlotError::Csv {
            path: path.to_path_buf(),
            line,
            message,
        },
    }
}

impl Table {
    /// Opens `path`; `None` when it does not exist or has zero bytes.
    fn open(path: &Path) -> Result<Option<Table>, PlotError> {
        let io = |source| PlotError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        if file.metadata().map_err(io)?.len() == 0 {
            return Ok(None);
        }
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(file);
        let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
        Ok(Some(Table {
            path: path.to_path_buf(),
            reader,
            headers,
        }))
    }

    /// Index of the column named `name`, or an error naming the header line.
    fn column(&self, name: &str) -> Result<usize, PlotError> {
        self.optional_column(name).ok_or_else(|| PlotError::Csv {
            path: self.path.clone(),
            line: 1,
            message: format!("missing column `{name}` in the header"),
        })
    }

    fn optional_column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Calls `f` on every data row, in file order.
    fn for_each_row(
        mut self,
        mut f: impl FnMut(&Row) -> Result<(), PlotError>,
    ) -> Result<(), PlotError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => return Err(csv_error(&self.path, e)),
            }
            let row = Row {
                path: &self.path,
                line: record.position().map_or(0, csv::Position::line),
                record: &record,
                headers: &self.headers,
            };
            f(&row)?;
        }
    }
}

/// One data row, with typed accessors whose errors name file, line and column.
struct Row<'a> {
    path: &'a Path,
    line: u64,
    record: &'a csv::StringRecord,
    headers: &'a csv::StringRecord,
}

impl Row<'_> {
    fn error(&self, col: usize, message: impl std::fmt::Display) -> PlotError {
        PlotError::Csv {
            path: self.path.to_path_buf(),
            line: self.line,
            message: format!(
                "column `{}`: {message}",
                self.headers.get(col).unwrap_or("?")
            ),
        }
    }

    fn text(&self, col: usize) -> &str {
        self.record.get(col).unwrap_or("")
    }

    /// A float; `None` for an empty, `NA` or non-finite field.
    fn number(&self, col: usize) -> Result<Option<f64>, PlotError> {
        let text = self.text(col);
        if text.is_empty() || text.eq_ignore_ascii_case("na") {
            return Ok(None);
        }
        let value: f64 = text
            .parse()
            .map_err(|_| self.error(col, format!("`{text}` is not a number")))?;
        Ok(Some(value).filter(|v| v.is_finite()))
    }

    /// A float that must be present.
    fn required_number(&self, col: usize) -> Result<f64, PlotError> {
        self.number(col)?
            .ok_or_else(|| self.error(col, "value is missing"))
    }

    /// An integer; `None` for an empty field.
    fn integer(&self, col: usize) -> Result<Option<i64>, PlotError> {
        let text = self.text(col);
        if text.is_empty() || text.eq_ignore_ascii_case("na") {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| self.error(col, format!("`{text}` is not an integer")))
    }

    fn required_integer(&self, col: usize) -> Result<i64, PlotError> {
        self.integer(col)?
            .ok_or_else(|| self.error(col, "value is missing"))
    }

    /// A 0/1 (or true/false) flag; any non-zero number is true.
    fn flag(&self, col: usize) -> Result<bool, PlotError> {
        let text = self.text(col);
        if text.eq_ignore_ascii_case("true") {
            return Ok(true);
        }
        if text.eq_ignore_ascii_case("false") {
            return Ok(false);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v != 0.0),
            _ => Err(self.error(col, format!("`{text}` is not 0 or 1"))),
        }
    }
}

// ---------------------------------------------------------------- summary.csv

/// `summary.csv`: per metric, the mean and 95% CI across replicates by step.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    metrics: HashMap<String, Vec<BandPoint>>,
    /// Largest `n` seen (number of replicates contributing to a row).
    pub max_n: Option<u64>,
}

impl Summary {
    /// Reads the required `summary.csv`.
    pub fn load(path: &Path) -> Result<Self, PlotError> {
        let Some(table) = Table::open(path)? else {
            return Err(if path.exists() {
                PlotError::Csv {
                    path: path.to_path_buf(),
                    line: 1,
                    message: "file is empty".to_string(),
                }
            } else {
                PlotError::MissingInput {
                    path: path.to_path_buf(),
                }
            });
        };
        let step = table.column("step")?;
        let metric = table.column("metric")?;
        let mean = table.column("mean")?;
        let ci_low = table.column("ci_low")?;
        let ci_high = table.column("ci_high")?;
        let n = table.optional_column("n");

        let mut summary = Summary::default();
        let mut rows = 0usize;
        table.for_each_row(|row| {
            rows += 1;
            let name = row.text(metric);
            if name.is_empty() {
                return Err(row.error(metric, "metric name is empty"));
            }
            let point = BandPoint {
                x: row.required_number(step)?,
                y: row.number(mean)?,
                lo: row.number(ci_low)?,
                hi: row.number(ci_high)?,
            };
            if let Some(col) = n {
                if let Some(value) = row.integer(col)? {
                    let value = u64::try_from(value)
                        .map_err(|_| row.error(col, format!("`{value}` is negative")))?;
                    summary.max_n = summary.max_n.max(Some(value));
                }
            }
            summary
                .metrics
                .entry(name.to_string())
                .or_default()
                .push(point);
            Ok(())
        })?;
        if rows == 0 {
            return Err(PlotError::Csv {
                path: path.to_path_buf(),
                line: 1,
                message: "no data rows after the header".to_string(),
            });
        }
        for points in summary.metrics.values_mut() {
            points.sort_by(|a, b| a.x.total_cmp(&b.x));
        }
        Ok(summary)
    }

    /// The series of `metric`, if present with at least one value.
    pub fn series(&self, metric: &str) -> Option<&[BandPoint]> {
        self.metrics
            .get(metric)
            .map(Vec::as_slice)
            .filter(|s| s.iter().any(|p| p.y.is_some()))
    }

    /// The steps (sorted) at which, on average over replicates, fewer than `min` agents had
    /// been struck by a life event (the `affected` count): there the `_affected` metrics
    /// rest on a handful of agents, and their intervals span most of the scale. Empty
    /// without an `affected` count.
    pub fn few_affected(&self, min: f64) -> Vec<f64> {
        self.series("affected").map_or_else(Vec::new, |points| {
            points
                .iter()
                .filter(|p| p.y.is_some_and(|n| n < min))
                .map(|p| p.x)
                .collect()
        })
    }
}

/// Mean number of agents per replicate struck by a life event below which the bands of the
/// `_affected` metrics do not set a plot's y axis (they are still drawn; see
/// `panel::range_values`).
pub(crate) const FEW_AFFECTED: f64 = 10.0;

// ---------------------------------------------------------------- event_aligned.csv

/// `event_aligned.csv` aggregated across replicates by weeks since the event.
#[derive(Debug, Clone)]
pub(crate) struct EventAligned {
    /// Number of distinct replicates in the file.
    pub replicates: usize,
    pub loneliness: Vec<BandPoint>,
    /// Share of affected agents lonely, as a fraction (0–1).
    pub prevalence: Vec<BandPoint>,
}

/// Mean over replicates with its 95% interval, kept inside `bounds`
/// ([`crate::stats::summarize_in`]); no interval from fewer than two values.
pub(crate) fn band_point(x: f64, values: &[f64], bounds: Bounds, t: &mut TTable) -> BandPoint {
    let s = crate::stats::summarize_in(values, bounds, t);
    let finite = |v: f64| Some(v).filter(|v| v.is_finite());
    BandPoint {
        x,
        y: finite(s.mean),
        lo: finite(s.ci_low),
        hi: finite(s.ci_high),
    }
}

impl EventAligned {
    /// Reads and aggregates the file; `None` when it is missing or has no values.
    ///
    /// Both curves are means over replicates with a 95% interval inside [0, 1]
    /// (loneliness is a score, prevalence a share).
    pub fn load(path: &Path) -> Result<Option<Self>, PlotError> {
        let Some(table) = Table::open(path)? else {
            return Ok(None);
        };
        let replicate = table.column("replicate")?;
        let week = table.column("weeks_since_event")?;
        let columns = [
            Some(table.column("loneliness_mean")?),
            table.optional_column("loneliness_prevalence"),
        ];
        let mut by_week: BTreeMap<i64, [Vec<f64>; 2]> = BTreeMap::new();
        let mut replicates = std::collections::BTreeSet::new();
        table.for_each_row(|row| {
            replicates.insert(row.required_integer(replicate)?);
            let slot = by_week.entry(row.required_integer(week)?).or_default();
            for (values, col) in slot.iter_mut().zip(columns) {
                if let Some(v) = col.map(|c| row.number(c)).transpose()?.flatten() {
                    values.push(v);
                }
            }
            Ok(())
        })?;
        let mut t = TTable::default();
        let mut curve = |i: usize| -> Vec<BandPoint> {
            by_week
                .iter()
                .map(|(&w, values)| band_point(w as f64, &values[i], Bounds::UNIT, &mut t))
                .collect()
        };
        let loneliness = curve(0);
        let prevalence = curve(1);
        let result = EventAligned {
            replicates: replicates.len(),
            loneliness,
            prevalence,
        };
        Ok(result
            .loneliness
            .iter()
            .any(|p| p.y.is_some())
            .then_some(result))
    }
}

// ---------------------------------------------------------------- trajectories.csv

/// One recorded week of a sampled agent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PathPoint {
    pub step: f64,
    pub loneliness: Option<f64>,
    /// Member of a support group at the end of this week.
    pub in_support: bool,
    /// Offset of this week's identity values in the agent's identity array.
    identity_at: usize,
}

/// One sampled agent over time.
#[derive(Debug, Clone)]
pub(crate) struct AgentPath {
    /// Agent id (stable within the replicate).
    pub agent: i64,
    pub affected: bool,
    /// Recorded week of the agent's most recent life event (as of the end of the run).
    pub event: Option<f64>,
    /// Sorted by step.
    pub points: Vec<PathPoint>,
    /// Identity columns of every point, `width` values each, in the order read.
    identity: Vec<f64>,
    width: usize,
}

impl AgentPath {
    /// Loneliness at the step closest to `step`.
    pub fn value_near(&self, step: f64) -> Option<f64> {
        self.points
            .iter()
            .filter_map(|p| p.loneliness.map(|v| ((p.step - step).abs(), v)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, v)| v)
    }

    /// (step, loneliness) of every week with a value.
    pub fn loneliness(&self) -> Vec<(f64, f64)> {
        self.points
            .iter()
            .filter_map(|p| p.loneliness.map(|v| (p.step, v)))
            .collect()
    }

    /// The identity values (`x0..` or Axelrod's `c0..`) of point `p`.
    pub fn identity(&self, p: &PathPoint) -> &[f64] {
        self.identity
            .get(p.identity_at..p.identity_at + self.width)
            .unwrap_or(&[])
    }
}

/// Which identity columns `trajectories.csv` has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdentityColumns {
    /// None (files written before the columns existed).
    None,
    /// `x0..x{d-1}`: a position in identity space.
    Position(usize),
    /// `c0..c{F-1}`: Axelrod's trait index of each feature.
    Culture(usize),
}

impl IdentityColumns {
    fn width(self) -> usize {
        match self {
            IdentityColumns::None => 0,
            IdentityColumns::Position(d) | IdentityColumns::Culture(d) => d,
        }
    }
}

/// Number of consecutive columns `{prefix}0`, `{prefix}1`, ... in `headers`.
fn numbered_columns(headers: &csv::StringRecord, prefix: char) -> usize {
    (0..)
        .take_while(|k| {
            let name = format!("{prefix}{k}");
            headers.iter().any(|h| h == name)
        })
        .count()
}

/// `trajectories.csv`, restricted to the lowest replicate present.
#[derive(Debug, Clone)]
pub(crate) struct Trajectories {
    pub replicate: i64,
    pub columns: IdentityColumns,
    /// Sorted by agent id.
    pub agents: Vec<AgentPath>,
}

impl Trajectories {
    /// Reads the file; `None` when it is missing or has no rows.
    pub fn load(path: &Path) -> Result<Option<Self>, PlotError> {
        let Some(table) = Table::open(path)? else {
            return Ok(None);
        };
        let replicate = table.column("replicate")?;
        let agent = table.column("agent")?;
        let step = table.column("step")?;
        let affected = table.column("affected")?;
        let event_step = table.optional_column("event_step");
        let in_support = table.optional_column("in_support");
        let loneliness = table.column("loneliness")?;
        let columns = match (
            numbered_columns(&table.headers, 'c'),
            numbered_columns(&table.headers, 'x'),
        ) {
            (f, _) if f > 0 => IdentityColumns::Culture(f),
            (_, d) if d > 0 => IdentityColumns::Position(d),
            _ => IdentityColumns::None,
        };
        let prefix = if matches!(columns, IdentityColumns::Culture(_)) {
            'c'
        } else {
            'x'
        };
        let width = columns.width();
        let identity_cols: Vec<usize> = (0..width)
            .map(|k| table.column(&format!("{prefix}{k}")))
            .collect::<Result<_, _>>()?;

        let mut best: Option<i64> = None;
        let mut index: HashMap<i64, usize> = HashMap::new();
        let mut agents: Vec<AgentPath> = Vec::new();
        table.for_each_row(|row| {
            let rep = row.required_integer(replicate)?;
            match best {
                Some(b) if rep > b => return Ok(()),
                Some(b) if rep == b => {}
                _ => {
                    best = Some(rep);
                    index.clear();
                    agents.clear();
                }
            }
            let id = row.required_integer(agent)?;
            let slot = *index.entry(id).or_insert_with(|| {
                agents.push(AgentPath {
                    agent: id,
                    affected: false,
                    event: None,
                    points: Vec::new(),
                    identity: Vec::new(),
                    width,
                });
                agents.len() - 1
            });
            let path = &mut agents[slot];
            path.affected |= row.flag(affected)?;
            if let Some(e) = event_step.map(|c| row.number(c)).transpose()?.flatten() {
                path.event = Some(path.event.map_or(e, |p: f64| p.max(e)));
            }
            let identity_at = path.identity.len();
            for &c in &identity_cols {
                path.identity.push(row.number(c)?.unwrap_or(f64::NAN));
            }
            path.points.push(PathPoint {
                step: row.required_number(step)?,
                loneliness: row.number(loneliness)?,
                in_support: in_support
                    .map(|c| row.flag(c))
                    .transpose()?
                    .unwrap_or(false),
                identity_at,
            });
            Ok(())
        })?;
        let Some(replicate) = best else {
            return Ok(None);
        };
        for a in &mut agents {
            a.points.sort_by(|p, q| p.step.total_cmp(&q.step));
        }
        agents.sort_by_key(|a| a.agent);
        Ok(Some(Trajectories {
            replicate,
            columns,
            agents,
        }))
    }

    /// Every recorded step of any agent, sorted, without duplicates.
    pub fn steps(&self) -> Vec<f64> {
        let mut steps: Vec<f64> = self
            .agents
            .iter()
            .flat_map(|a| a.points.iter().map(|p| p.step))
            .collect();
        steps.sort_by(f64::total_cmp);
        steps.dedup();
        steps
    }
}

// ---------------------------------------------------------------- prototypes.csv

/// One recorded week of a support group's prototype.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ProtoPoint {
    pub step: f64,
    /// First two identity dimensions.
    pub x: f64,
    pub y: f64,
    /// Members (NaN when the file has no `size` column).
    pub size: f64,
}

/// One support group's prototype path in the first two identity dimensions.
#[derive(Debug, Clone)]
pub(crate) struct GroupPath {
    /// Group id as written.
    pub id: String,
    /// Sorted by step.
    pub points: Vec<ProtoPoint>,
}

/// Group id: numeric ids (when they parse) first, then the text.
type GroupKey = (Option<i64>, String);

/// `prototypes.csv`, restricted to the lowest replicate present.
#[derive(Debug, Clone)]
pub(crate) struct Prototypes {
    pub replicate: i64,
    /// Number of identity dimensions (x0, x1, ...) in the file.
    pub dims: usize,
    pub groups: Vec<GroupPath>,
}

impl Prototypes {
    /// Reads the file; `None` when it is missing, empty, or has fewer than two
    /// identity dimensions (nothing to draw in a plane).
    pub fn load(path: &Path) -> Result<Option<Self>, PlotError> {
        let Some(table) = Table::open(path)? else {
            return Ok(None);
        };
        let dims = numbered_columns(&table.headers, 'x');
        if dims < 2 {
            return Ok(None);
        }
        let replicate = table.column("replicate")?;
        let step = table.column("step")?;
        let group = table.column("group")?;
        let size = table.optional_column("size");
        let x0 = table.column("x0")?;
        let x1 = table.column("x1")?;

        let mut best: Option<i64> = None;
        // Keyed so that numeric group ids sort numerically.
        let mut groups: BTreeMap<GroupKey, Vec<ProtoPoint>> = BTreeMap::new();
        table.for_each_row(|row| {
            let rep = row.required_integer(replicate)?;
            match best {
                Some(b) if rep > b => return Ok(()),
                Some(b) if rep == b => {}
                _ => {
                    best = Some(rep);
                    groups.clear();
                }
            }
            let point = ProtoPoint {
                step: row.required_number(step)?,
                x: row.required_number(x0)?,
                y: row.required_number(x1)?,
                size: size
                    .map(|c| row.number(c))
                    .transpose()?
                    .flatten()
                    .unwrap_or(f64::NAN),
            };
            let id = row.text(group);
            groups
                .entry((id.parse().ok(), id.to_string()))
                .or_default()
                .push(point);
            Ok(())
        })?;
        let Some(replicate) = best else {
            return Ok(None);
        };
        let groups = groups
            .into_iter()
            .map(|((_, id), mut points)| {
                points.sort_by(|p, q| p.step.total_cmp(&q.step));
                GroupPath { id, points }
            })
            .collect();
        Ok(Some(Prototypes {
            replicate,
            dims,
            groups,
        }))
    }
}
