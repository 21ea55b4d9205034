//! Plotting stage: turns a results folder into projector-ready charts.
//!
//! [`plot_dir`] reads the CSV/JSON files a run writes and draws
//! every chart it has inputs for into `dir/plots/`, each as PNG and SVG:
//!
//! | file stem       | input                         | content                                        |
//! |-----------------|-------------------------------|------------------------------------------------|
//! | `loneliness`    | `summary.csv`                 | mean loneliness and prevalence by group         |
//! | `belonging`     | `summary.csv`                 | attachment, membership, collective identity     |
//! | `identity`      | `summary.csv`, `prototypes.csv` | support groups (or identity structure) and prototypes |
//! | `event_aligned` | `event_aligned.csv`           | loneliness around a life event ("loss and regain") |
//! | `trajectories`  | `trajectories.csv`            | individual stories: a few sampled people, before and after their event |
//! | `regions`       | `trajectories.csv`, `summary.csv` | Axelrod: maps of cultural regions on the lattice, regions over time |
//! | `opinions`      | `trajectories.csv`, `summary.csv` | bounded confidence: every opinion over time, opinion clusters |
//!
//! The folder's `scenario.ron` says what applies ([`context::RunContext`]): a classic
//! model (the belonging process off) gets no loneliness, belonging, event-aligned or
//! trajectory plot, and its time axes count steps; `regions` and `opinions` belong to the
//! Axelrod and bounded-confidence rules; interventions and pulses are shaded on every time
//! axis. Without a readable `scenario.ron` the first five plots are drawn as before.
//!
//! `summary.csv` is required; every other input is optional and a chart whose
//! input is missing or empty is skipped.  Files are written atomically (drawn
//! to a hidden temporary name in `plots/`, then renamed).

mod belonging;
mod calibrate;
mod compare;
mod context;
mod data;
mod event_aligned;
mod identity;
mod loneliness;
mod opinions;
mod panel;
mod regions;
mod style;
mod sweep;
mod trajectories;
mod validation;

pub use calibrate::plot_posterior;
pub use compare::plot_compare_dir;
/// The viridis scale, shared with the studio's replays.
pub(crate) use style::viridis;
pub use sweep::{plot_sweep, plot_sweep_metric};
pub use validation::{plot_report, plot_validation_dir};

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use context::{RunContext, TimeMark};
use data::{Manifest, Summary};

/// How [`plot_dir_with`] draws.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlotOptions {
    /// Every axis of a bounded metric spans its whole range (loneliness and scores 0–1,
    /// prevalence 0–100%) instead of fitting the data, so that the plots of two runs can
    /// be put side by side; the figures say so in a note.
    pub full_scale: bool,
}

/// Errors of the plotting stage.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A required input file does not exist.
    #[error("{}: required input file is missing", path.display())]
    MissingInput {
        /// The missing file.
        path: PathBuf,
    },
    /// A CSV file is malformed (bad header, bad number, wrong field count...).
    #[error("{}, line {line}: {message}", path.display())]
    Csv {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line number in the file (1 is the header).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A metric name that is not one of `crate::model::metrics::NAMES`.
    #[error("unknown metric `{metric}`; the metrics are: {valid}")]
    UnknownMetric {
        /// The name given.
        metric: String,
        /// Every valid name, comma-separated.
        valid: String,
    },
    /// `manifest.json` is not valid JSON.
    #[error("{}: invalid JSON: {source}", path.display())]
    Json {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// The embedded font could not be registered with plotters.
    #[error("cannot register the embedded DejaVu Sans font: {0}")]
    Font(String),
    /// Drawing a chart failed.
    #[error("drawing plot `{plot}` failed: {message}")]
    Draw {
        /// The chart's file stem, e.g. `loneliness`.
        plot: String,
        /// The backend's error message.
        message: String,
    },
}

/// Result of the font registration, computed once.
static FONTS: OnceLock<Result<(), String>> = OnceLock::new();

fn fonts() -> &'static Result<(), String> {
    FONTS.get_or_init(|| {
        use plotters::style::{register_font, FontStyle};
        register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .map_err(|_| "DejaVu Sans regular is not a valid font".to_string())?;
        register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
            .map_err(|_| "DejaVu Sans bold is not a valid font".to_string())?;
        Ok(())
    })
}

/// Registers the embedded `DejaVu Sans` font with plotters (idempotent; call
/// once at start; safe to call many times). [`plot_dir`] calls it itself.
pub fn register_fonts() {
    let _ = fonts();
}

/// Reads the results folder `dir` and writes every plot into `dir/plots/` as
/// both PNG and SVG.
///
/// Returns the list of written file paths. Missing optional inputs skip that
/// plot (not an error); a missing `summary.csv` is an error.
///
/// Inputs, all optional except `summary.csv`: `manifest.json` (`scenario`,
/// `replicates`, `lonely_threshold`), `summary.csv`, `event_aligned.csv`,
/// `trajectories.csv`, `prototypes.csv`. An empty optional file (no bytes or
/// header only) counts as missing.
///
/// # Errors
///
/// [`PlotError::MissingInput`] when `summary.csv` is absent;
/// [`PlotError::Csv`] / [`PlotError::Json`] for malformed inputs (with file and
/// line); [`PlotError::Io`] when a file cannot be read or written;
/// [`PlotError::Draw`] / [`PlotError::Font`] when rendering fails.
pub fn plot_dir(dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    plot_dir_with(dir, &PlotOptions::default())
}

/// [`plot_dir`] with options (e.g. full-scale axes, for putting two runs side by side).
///
/// Besides the inputs [`plot_dir`] names, reads the folder's `scenario.ron` (optional) to
/// know which plots apply and which weeks to mark.
///
/// # Errors
///
/// As [`plot_dir`].
pub fn plot_dir_with(dir: &Path, opts: &PlotOptions) -> Result<Vec<PathBuf>, PlotError> {
    fonts().clone().map_err(PlotError::Font)?;

    let manifest = Manifest::load(&dir.join("manifest.json"))?;
    let summary = Summary::load(&dir.join("summary.csv"))?;
    let context = RunContext::load(&dir.join("scenario.ron"));
    let event = if context.belonging {
        data::EventAligned::load(&dir.join("event_aligned.csv"))?
    } else {
        None
    };
    let trajectories = data::Trajectories::load(&dir.join("trajectories.csv"))?;
    let prototypes = data::Prototypes::load(&dir.join("prototypes.csv"))?;

    let out = dir.join("plots");
    std::fs::create_dir_all(&out).map_err(|source| PlotError::Io {
        path: out.clone(),
        source,
    })?;

    let info = RunInfo::new(&manifest, &summary, &context, opts);
    let mut written = Vec::new();
    let mut draw = |fig: &dyn DynFigure| -> Result<(), PlotError> {
        written.extend(fig.render_to(&out, opts.full_scale)?);
        Ok(())
    };
    if context.belonging {
        if let Some(fig) = loneliness::Loneliness::new(&summary, &info) {
            draw(&fig)?;
        }
        if let Some(fig) = belonging::Belonging::new(&summary, &info) {
            draw(&fig)?;
        }
    }
    if let Some(fig) = identity::Identity::new(&summary, prototypes.as_ref(), &info) {
        draw(&fig)?;
    }
    if let Some(event) = &event {
        draw(&event_aligned::EventFig::new(event, &info))?;
    }
    if context.belonging {
        if let Some(fig) = trajectories
            .as_ref()
            .and_then(|t| trajectories::TrajectoryFig::new(t, &manifest, &info))
        {
            draw(&fig)?;
        }
    }
    if context.rule == Some(crate::scenario::IdentityRule::Axelrod) {
        if let Some(fig) = regions::RegionsFig::new(&summary, trajectories.as_ref(), &info) {
            draw(&fig)?;
        }
    }
    if context.rule == Some(crate::scenario::IdentityRule::BoundedConfidence) {
        if let Some(fig) = opinions::OpinionsFig::new(&summary, trajectories.as_ref(), &info) {
            draw(&fig)?;
        }
    }
    Ok(written)
}

/// What the charts know about the run: titles, time axis, marks, options.
pub(crate) struct RunInfo {
    /// Scenario name, or "simulation" when the manifest does not give one.
    pub scenario: String,
    /// Number of replicates (manifest, else the largest `n` in summary.csv).
    pub replicates: Option<u64>,
    /// What `scenario.ron` says.
    pub context: RunContext,
    /// Axes of bounded metrics span their whole range.
    pub full_scale: bool,
}

impl RunInfo {
    fn new(
        manifest: &Manifest,
        summary: &Summary,
        context: &RunContext,
        opts: &PlotOptions,
    ) -> Self {
        RunInfo {
            scenario: manifest
                .scenario
                .clone()
                .unwrap_or_else(|| "simulation".to_string()),
            replicates: manifest.replicates.or(summary.max_n),
            context: context.clone(),
            full_scale: opts.full_scale,
        }
    }

    /// Description of every time axis: "Time (weeks)", or "Time (steps)" for classic models.
    pub fn time_desc(&self) -> &'static str {
        self.context.time_desc()
    }

    /// The interventions and pulses to mark on time axes.
    pub fn marks(&self) -> &[TimeMark] {
        &self.context.marks
    }

    /// Time marks (with their legend rows) and full-scale setting of a band panel.
    pub fn extras(&self) -> panel::Extras<'_> {
        panel::Extras {
            marks: self.marks(),
            mark_legend: true,
            full_scale: self.full_scale,
            fit_lines: false,
            ci_row: true,
            legend_above: false,
        }
    }

    /// "scenario (n = R replicates)".
    pub fn with_replicates(&self, n: Option<u64>) -> String {
        match n {
            Some(1) => format!("{} (n = 1 replicate)", self.scenario),
            Some(n) => format!("{} (n = {n} replicates)", self.scenario),
            None => self.scenario.clone(),
        }
    }
}

/// Error type of the drawing code: the backend's message.
pub(crate) type DrawResult<T = ()> = Result<T, String>;

/// Converts any displayable drawing error to the message of a [`DrawResult`].
pub(crate) trait OrDraw<T> {
    fn or_draw(self) -> DrawResult<T>;
}

impl<T, E: std::fmt::Display> OrDraw<T> for Result<T, E> {
    fn or_draw(self) -> DrawResult<T> {
        self.map_err(|e| e.to_string())
    }
}

/// One chart, drawable on any plotters backend.
pub(crate) trait Figure {
    /// File stem in `plots/`.
    fn name(&self) -> &'static str;
    /// Draws the whole figure on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
    /// The figure has an axis of a bounded metric (which `full_scale` stretches).
    fn bounded_axes(&self) -> bool {
        true
    }
    /// Canvas size in pixels.
    fn size(&self) -> (u32, u32) {
        style::SIZE
    }
}

/// Note drawn on full-scale figures.
pub(crate) const FULL_SCALE_NOTE: &str =
    "Full-scale axes (scores 0–1, shares 0–100%): comparable with other runs' plots";

/// A [`Figure`] with the full-scale note, when asked for.
struct Noted<'f, F> {
    fig: &'f F,
    note: bool,
}

impl<F: Figure> Figure for Noted<'_, F> {
    fn name(&self) -> &'static str {
        self.fig.name()
    }

    fn size(&self) -> (u32, u32) {
        self.fig.size()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        if !self.note {
            return self.fig.draw(root);
        }
        // The note gets a strip of its own under the figure.
        let (w, h) = root.dim_in_pixel();
        let (fig, strip) = root.split_vertically(h.saturating_sub(30));
        self.fig.draw(&fig)?;
        let style = style::font(style::NOTE_PX * 0.8)
            .pos(Pos::new(HPos::Right, VPos::Center))
            .color(&style::MUTED);
        strip
            .draw_text(FULL_SCALE_NOTE, &style, (w as i32 - 16, 14))
            .or_draw()
    }
}

/// A run's figure, rendered without knowing its type.
trait DynFigure {
    fn render_to(&self, out: &Path, full_scale: bool) -> Result<Vec<PathBuf>, PlotError>;
}

impl<F: Figure> DynFigure for F {
    fn render_to(&self, out: &Path, full_scale: bool) -> Result<Vec<PathBuf>, PlotError> {
        render(
            out,
            &Noted {
                fig: self,
                note: full_scale && self.bounded_axes(),
            },
        )
    }
}

/// Draws `fig` as PNG and SVG into `out`, atomically; returns the final paths.
fn render<F: Figure>(out: &Path, fig: &F) -> Result<Vec<PathBuf>, PlotError> {
    let name = fig.name();
    let draw_err = |message: String| PlotError::Draw {
        plot: name.to_string(),
        message,
    };

    // PNG: the bitmap backend picks the encoder from the extension, so the
    // temporary name must end in `.png`.
    let png = out.join(format!("{name}.png"));
    let png_tmp = out.join(format!(".{name}.tmp.png"));
    let result = (|| {
        let root = BitMapBackend::new(&png_tmp, fig.size()).into_drawing_area();
        root.fill(&WHITE).or_draw()?;
        fig.draw(&root)?;
        root.present().or_draw()
    })();
    if let Err(message) = result {
        let _ = std::fs::remove_file(&png_tmp);
        // The bitmap backend writes the file itself: name it (a full disk shows here).
        return Err(draw_err(format!("{}: {message}", png.display())));
    }
    crate::output::atomic::commit(&png_tmp, &png).map_err(|source| PlotError::Io {
        path: png.clone(),
        source,
    })?;

    let svg = out.join(format!("{name}.svg"));
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, fig.size()).into_drawing_area();
        root.fill(&WHITE).or_draw().map_err(draw_err)?;
        fig.draw(&root).map_err(draw_err)?;
        root.present().or_draw().map_err(draw_err)?;
    }
    crate::output::atomic::write(&svg, text.as_bytes()).map_err(|source| PlotError::Io {
        path: svg.clone(),
        source,
    })?;
    Ok(vec![png, svg])
}
