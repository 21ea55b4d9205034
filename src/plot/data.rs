//! Reading the results folder: `manifest.json` and the CSV outputs.
//!
//! All CSV files have a header row; an empty field (or `NA`/`NaN`) is a
//! missing value.  Malformed content is reported as [`PlotError::Csv`] with
//! the file and line; nothing here panics on file contents.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

use super::PlotError;

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
}

// ---------------------------------------------------------------- t quantile

/// Two-sided 95% quantile of Student's t with `df` degrees of freedom.
pub(crate) fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        // Cornish–Fisher first-order correction of the normal quantile.
        _ => {
            let z = 1.959_964;
            z + (z * z * z + z) / (4.0 * df as f64)
        }
    }
}

/// Mean and 95% t-interval of `values` (interval only when there are two or more).
pub(crate) fn mean_ci(values: &[f64]) -> (Option<f64>, Option<(f64, f64)>) {
    let k = values.len();
    if k == 0 {
        return (None, None);
    }
    let mean = values.iter().sum::<f64>() / k as f64;
    if k < 2 {
        return (Some(mean), None);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
    let half = t975(k - 1) * (var / k as f64).sqrt();
    (Some(mean), Some((mean - half, mean + half)))
}

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

impl EventAligned {
    /// Reads and aggregates the file; `None` when it is missing or has no values.
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
        let curve = |i: usize| -> Vec<BandPoint> {
            by_week
                .iter()
                .map(|(&w, values)| {
                    let (y, ci) = mean_ci(&values[i]);
                    BandPoint {
                        x: w as f64,
                        y,
                        lo: ci.map(|c| c.0),
                        hi: ci.map(|c| c.1),
                    }
                })
                .collect()
        };
        let result = EventAligned {
            replicates: replicates.len(),
            loneliness: curve(0),
            prevalence: curve(1),
        };
        Ok(result
            .loneliness
            .iter()
            .any(|p| p.y.is_some())
            .then_some(result))
    }
}

// ---------------------------------------------------------------- trajectories.csv

/// One sampled agent's loneliness over time.
#[derive(Debug, Clone)]
pub(crate) struct AgentPath {
    pub affected: bool,
    /// Distinct steps at which a life event struck (from `event_step`).
    pub events: Vec<f64>,
    /// (step, loneliness), sorted by step.
    pub points: Vec<(f64, Option<f64>)>,
}

impl AgentPath {
    /// Loneliness at the step closest to `step`.
    pub fn value_near(&self, step: f64) -> Option<f64> {
        self.points
            .iter()
            .filter_map(|&(s, v)| v.map(|v| ((s - step).abs(), v)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, v)| v)
    }
}

/// `trajectories.csv`, restricted to the lowest replicate present.
#[derive(Debug, Clone)]
pub(crate) struct Trajectories {
    pub replicate: i64,
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
        let loneliness = table.column("loneliness")?;

        let mut best: Option<i64> = None;
        let mut index: HashMap<String, usize> = HashMap::new();
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
            let slot = *index.entry(row.text(agent).to_string()).or_insert_with(|| {
                agents.push(AgentPath {
                    affected: false,
                    events: Vec::new(),
                    points: Vec::new(),
                });
                agents.len() - 1
            });
            let path = &mut agents[slot];
            path.affected |= row.flag(affected)?;
            if let Some(e) = event_step.map(|c| row.number(c)).transpose()?.flatten() {
                if !path.events.contains(&e) {
                    path.events.push(e);
                }
            }
            path.points
                .push((row.required_number(step)?, row.number(loneliness)?));
            Ok(())
        })?;
        let Some(replicate) = best else {
            return Ok(None);
        };
        for a in &mut agents {
            a.points.sort_by(|p, q| p.0.total_cmp(&q.0));
        }
        Ok(Some(Trajectories { replicate, agents }))
    }
}

// ---------------------------------------------------------------- prototypes.csv

/// One support group's prototype path in the first two identity dimensions.
#[derive(Debug, Clone)]
pub(crate) struct GroupPath {
    /// (step, x0, x1), sorted by step.
    pub points: Vec<(f64, f64, f64)>,
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
        let dims = table
            .headers
            .iter()
            .filter(|h| {
                h.strip_prefix('x')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            })
            .count();
        if dims < 2 {
            return Ok(None);
        }
        let replicate = table.column("replicate")?;
        let step = table.column("step")?;
        let group = table.column("group")?;
        let x0 = table.column("x0")?;
        let x1 = table.column("x1")?;

        let mut best: Option<i64> = None;
        // Keyed so that numeric group ids sort numerically.
        let mut groups: BTreeMap<GroupKey, Vec<(f64, f64, f64)>> = BTreeMap::new();
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
            let point = (
                row.required_number(step)?,
                row.required_number(x0)?,
                row.required_number(x1)?,
            );
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
            .into_values()
            .map(|mut points| {
                points.sort_by(|p, q| p.0.total_cmp(&q.0));
                GroupPath { points }
            })
            .collect();
        Ok(Some(Prototypes {
            replicate,
            dims,
            groups,
        }))
    }
}
