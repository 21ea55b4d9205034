//! Plots of a sweep folder, from its `sweep.json` and `sweep_summary.csv` alone, of one metric
//! averaged over each run (`statistic` `mean`), with the 95% intervals the summary holds:
//! - `response`: the metric against the first varied field. Categorical values (booleans,
//!   names, structured values) are drawn as categories — a point with its interval whisker
//!   per value, in the order given, nothing drawn between them; numbers on a number line
//!   (log when given as a log range) with lines and interval bands between the values. One
//!   series per value of a second field. Latin hypercubes and sweeps of three or more fields
//!   show every point against each field in turn, as points (no lines).
//! - `heatmap`: for two-field grids, the mean per cell on a viridis scale spanning the
//!   cells' intervals, with a colour bar, and a mark between neighbours whose intervals
//!   overlap.
//! - `sensitivity`: for a Morris or Sobol' design with its indices.csv, the μ*–σ plane or the
//!   S1 and ST bars of the metric, with their bootstrap intervals.
//!
//! The decisions (axis kinds, ticks, scales, overlaps) are plain functions in `axis.rs`.

mod axis;
mod categories;
mod draw;
mod heatmap;
mod response;
mod sensitivity;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use super::PlotError;
use crate::model::metrics;
use crate::output::sweep::{read_spec, SweepSpec};
use crate::stats::Bounds;
use axis::AxisKind;

/// The metric the sweep plots show unless told otherwise.
pub const METRIC: &str = "loneliness_prevalence";
/// The statistic of sweep_summary.csv drawn: each run's average over its recorded weeks.
const STATISTIC: &str = "mean";

/// Draws the sweep's plots of [`METRIC`] into `dir/plots/`; returns the written paths. A
/// sweep without varied fields has nothing to plot.
pub fn plot_sweep(dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    plot_sweep_metric(dir, METRIC)
}

/// Draws the sweep's plots of `metric` (a name of [`crate::model::metrics::NAMES`], averaged
/// over each run) into `dir/plots/` (`response.png`/`.svg`, and `heatmap.png`/`.svg` for a
/// two-field grid); returns the written paths. A sweep without varied fields has nothing to
/// plot.
///
/// # Errors
///
/// [`PlotError::UnknownMetric`] for a name that is not a metric; [`PlotError::Csv`] when
/// sweep.json or sweep_summary.csv is malformed or holds no row of the metric;
/// [`PlotError::MissingInput`] without sweep_summary.csv; [`PlotError::Io`],
/// [`PlotError::Draw`], [`PlotError::Font`] when writing or drawing fails.
pub fn plot_sweep_metric(dir: &Path, metric: &str) -> Result<Vec<PathBuf>, PlotError> {
    let view = MetricView::new(metric).ok_or_else(|| PlotError::UnknownMetric {
        metric: metric.to_string(),
        valid: metrics::NAMES.join(", "),
    })?;
    super::fonts().clone().map_err(PlotError::Font)?;
    let spec = read_spec(dir).map_err(|e| PlotError::Csv {
        path: dir.join("sweep.json"),
        line: 1,
        message: e.to_string(),
    })?;
    if spec.vary.is_empty() {
        return Ok(Vec::new());
    }
    let points = spec.points().map_err(|e| PlotError::Csv {
        path: dir.join("sweep.json"),
        line: 1,
        message: e.to_string(),
    })?;
    let obs = read_summary(dir, &points, &view)?;
    let data = SweepData::new(&spec, &points, obs, view);
    let out = dir.join("plots");
    std::fs::create_dir_all(&out).map_err(|source| PlotError::Io {
        path: out.clone(),
        source,
    })?;
    let mut written = super::render(&out, &response::plan(&data))?;
    if let Some(fig) = heatmap::plan(&data) {
        written.extend(super::render(&out, &fig)?);
    }
    if let Some(fig) = sensitivity::from_dir(dir, &spec, &data.metric)? {
        written.extend(super::render(&out, &fig)?);
    }
    Ok(written)
}

/// How a metric is shown: its scale (100 for shares, drawn in percent), unit and range.
#[derive(Debug, Clone)]
pub(crate) struct MetricView {
    pub name: String,
    /// Values are multiplied by this before drawing.
    pub scale: f64,
    /// The unit as written in labels: `%`, `0–1` or empty (counts, sizes).
    pub unit: &'static str,
    /// The metric's range, in drawn units.
    pub bounds: Bounds,
}

impl MetricView {
    /// The view of metric `name`; `None` when it is not a metric.
    pub fn new(name: &str) -> Option<MetricView> {
        let index = metrics::index_of(name)?;
        let bounds = metrics::bounds(index);
        let share = name.contains("prevalence") || name.contains("share");
        let unit_range = bounds == Bounds::UNIT;
        let (scale, unit) = if share && unit_range {
            (100.0, "%")
        } else if unit_range {
            (1.0, "0–1")
        } else {
            (1.0, "")
        };
        Some(MetricView {
            name: name.to_string(),
            scale,
            unit,
            bounds: bounds.scaled(scale),
        })
    }

    /// "Loneliness prevalence" for `loneliness_prevalence`.
    pub fn pretty(&self) -> String {
        let text = self.name.replace('_', " ");
        let mut chars = text.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => text,
        }
    }

    /// The axis label: "Loneliness prevalence, time-averaged (%)".
    pub fn axis_label(&self) -> String {
        match self.unit {
            "" => format!("{}, time-averaged", self.pretty()),
            unit => format!("{}, time-averaged ({unit})", self.pretty()),
        }
    }

    /// `x` with as many decimals as a resolution of `span / 30` needs, and the unit sign for
    /// percentages (`7.0%`).
    pub fn value_text(&self, x: f64, span: f64) -> String {
        if !x.is_finite() {
            return "n/a".into();
        }
        let decimals = if span > 0.0 && span.is_finite() {
            (-(span / 30.0).log10().floor()).clamp(0.0, 6.0) as usize
        } else {
            2
        };
        let text = format!("{x:.decimals$}");
        if self.unit == "%" {
            format!("{text}%")
        } else {
            text
        }
    }
}

/// One point of the sweep: its values (one per varied field), the metric's mean over its
/// replicates and 95% interval (drawn units), and the number of replicates behind them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Obs {
    pub values: Vec<String>,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    pub n: u64,
}

/// A varied field as the plots see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub path: String,
    pub kind: AxisKind,
    /// Its values: for a categorical field in the order given (values of the points not in
    /// the list, as a Latin hypercube's, follow in the order met); for a numeric one sorted.
    pub values: Vec<String>,
    /// The range its spec covers, for a numeric field given as a range.
    pub range: Option<(f64, f64)>,
}

impl Field {
    /// Position of `value` on this field's axis: the value for a numeric field, its slot
    /// (0, 1, ...) for a categorical one.
    pub fn position(&self, value: &str) -> Option<f64> {
        match self.kind {
            AxisKind::Numeric { .. } => axis::number(value),
            AxisKind::Categorical => self
                .values
                .iter()
                .position(|v| v == value)
                .map(|k| k as f64),
        }
    }

    /// The numeric values, sorted (empty for a categorical field).
    pub fn numbers(&self) -> Vec<f64> {
        self.values.iter().filter_map(|v| axis::number(v)).collect()
    }
}

/// A sweep read back for plotting.
#[derive(Debug, Clone)]
pub(crate) struct SweepData {
    pub scenario: String,
    pub design: String,
    pub fields: Vec<Field>,
    pub obs: Vec<Obs>,
    pub metric: MetricView,
}

impl SweepData {
    pub fn new(
        spec: &SweepSpec,
        points: &[Vec<String>],
        obs: Vec<Obs>,
        metric: MetricView,
    ) -> SweepData {
        let fields = spec
            .vary
            .iter()
            .enumerate()
            .map(|(d, v)| {
                let mut met: Vec<String> = Vec::new();
                for p in points {
                    if let Some(x) = p.get(d) {
                        if !met.contains(x) {
                            met.push(x.clone());
                        }
                    }
                }
                let kind = axis::axis_kind(&met, v);
                let values = match kind {
                    AxisKind::Categorical => {
                        let mut ordered: Vec<String> = v
                            .values
                            .iter()
                            .filter(|x| met.contains(x))
                            .cloned()
                            .collect();
                        ordered.extend(met.iter().filter(|x| !v.values.contains(x)).cloned());
                        ordered.dedup();
                        ordered
                    }
                    AxisKind::Numeric { .. } => {
                        let mut sorted = met.clone();
                        sorted.sort_by(|a, b| {
                            let (x, y) = (axis::number(a), axis::number(b));
                            x.unwrap_or(f64::NAN).total_cmp(&y.unwrap_or(f64::NAN))
                        });
                        sorted
                    }
                };
                Field {
                    path: v.path.clone(),
                    kind,
                    values,
                    range: axis::spec_range(v),
                }
            })
            .collect();
        SweepData {
            scenario: spec.scenario.clone(),
            design: spec.design.clone(),
            fields,
            obs,
            metric,
        }
    }

    /// Smallest and largest number of replicates behind a drawn point (one with a value;
    /// a replicate without a value of the metric does not count).
    pub fn n_range(&self) -> (u64, u64) {
        let drawn = || self.obs.iter().filter(|o| o.n > 0).map(|o| o.n);
        (drawn().min().unwrap_or(0), drawn().max().unwrap_or(0))
    }

    /// "n = 4 replicates per point" (`per` = "point", "cell").
    pub fn n_text(&self, per: &str) -> String {
        match self.n_range() {
            (1, 1) => format!("n = 1 replicate per {per}"),
            (a, b) if a == b => format!("n = {a} replicates per {per}"),
            (a, b) => format!("n = {a}–{b} replicates per {per}"),
        }
    }
}

/// The rows of `view`'s metric (statistic `mean`) in sweep_summary.csv, in drawn units, with
/// each point's values from sweep.json.
fn read_summary(
    dir: &Path,
    points: &[Vec<String>],
    view: &MetricView,
) -> Result<Vec<Obs>, PlotError> {
    let path = dir.join("sweep_summary.csv");
    if !path.is_file() {
        return Err(PlotError::MissingInput { path });
    }
    let csv_err = |line: u64, message: String| PlotError::Csv {
        path: path.clone(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(&path)
        .map_err(|e| csv_err(1, e.to_string()))?;
    let header = reader
        .headers()
        .map_err(|e| csv_err(1, e.to_string()))?
        .clone();
    // The fixed columns come after the varied fields: take the last of each name.
    let column = |name: &str| {
        let names: Vec<&str> = header.iter().collect();
        names
            .iter()
            .rposition(|h| *h == name)
            .ok_or_else(|| csv_err(1, format!("no `{name}` column")))
    };
    let (c_metric, c_stat) = (column("metric")?, column("statistic")?);
    let (c_mean, c_lo, c_hi, c_n) = (
        column("mean")?,
        column("ci_low")?,
        column("ci_high")?,
        column("n")?,
    );
    let mut out = Vec::new();
    for (k, rec) in reader.records().enumerate() {
        let line = k as u64 + 2;
        let rec = rec.map_err(|e| csv_err(line, e.to_string()))?;
        let field = |i: usize| rec.get(i).unwrap_or("").trim();
        if field(c_metric) != view.name || field(c_stat) != STATISTIC {
            continue;
        }
        let num = |i: usize| -> Result<f64, PlotError> {
            match field(i) {
                "" | "NaN" | "NA" | "nan" => Ok(f64::NAN),
                t => t
                    .parse::<f64>()
                    .map(|x| x * view.scale)
                    .map_err(|_| csv_err(line, format!("`{t}` is not a number"))),
            }
        };
        let point: usize = field(0)
            .parse()
            .map_err(|_| csv_err(line, format!("point `{}` is not a number", field(0))))?;
        let values = points.get(point).cloned().ok_or_else(|| {
            csv_err(
                line,
                format!(
                    "point {point} is not in sweep.json ({} points)",
                    points.len()
                ),
            )
        })?;
        let n = field(c_n)
            .parse::<u64>()
            .map_err(|_| csv_err(line, format!("n `{}` is not a whole number", field(c_n))))?;
        out.push(Obs {
            values,
            mean: num(c_mean)?,
            lo: num(c_lo)?,
            hi: num(c_hi)?,
            n,
        });
    }
    if out.is_empty() {
        return Err(csv_err(
            1,
            format!(
                "no rows of metric `{}` with statistic `{STATISTIC}`",
                view.name
            ),
        ));
    }
    Ok(out)
}
