//! Tests of the plotting stage on small synthetic results folders.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::data::{mean_ci, t975};
use super::{plot_dir, register_fonts, PlotError};

/// A fresh empty folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("belonging-plot-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.0.join(file), text).expect("write fixture");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const STEPS: usize = 20;
const REPLICATES: usize = 3;

const METRICS: [&str; 24] = [
    "loneliness_mean",
    "loneliness_prevalence",
    "loneliness_mean_affected",
    "loneliness_prevalence_affected",
    "loneliness_mean_unaffected",
    "loneliness_prevalence_unaffected",
    "belonging_mean",
    "attachment_mean",
    "membership_mean",
    "collective_mean",
    "belonging_mean_affected",
    "attachment_mean_affected",
    "membership_mean_affected",
    "collective_mean_affected",
    "belonging_mean_unaffected",
    "attachment_mean_unaffected",
    "membership_mean_unaffected",
    "collective_mean_unaffected",
    "support_groups",
    "support_mean_size",
    "support_identification",
    "support_coherence",
    "identity_diversity",
    "identity_clusters",
];

fn summary_csv() -> String {
    let mut s = String::from("step,metric,mean,sd,ci_low,ci_high,n\n");
    for step in 0..STEPS {
        for (i, metric) in METRICS.iter().enumerate() {
            let scale = if metric.starts_with("support_groups") || metric.ends_with("size") {
                5.0
            } else {
                1.0
            };
            let mean = scale * (0.2 + 0.02 * i as f64 + 0.01 * (step as f64).sin()).min(0.95);
            if step == 3 && *metric == "loneliness_mean_affected" {
                // No affected agent yet: n = 0, values missing.
                let _ = writeln!(s, "{step},{metric},,,,,0");
            } else {
                let _ = writeln!(
                    s,
                    "{step},{metric},{mean},0.05,{},{},{REPLICATES}",
                    mean - 0.03,
                    mean + 0.03
                );
            }
        }
        let _ = writeln!(s, "{step},some_future_metric,1,,,,1");
    }
    s
}

fn event_csv() -> String {
    let mut s = String::from(
        "replicate,weeks_since_event,loneliness_mean,loneliness_prevalence,belonging_mean,n\n",
    );
    for r in 0..REPLICATES {
        for w in -4i32..12 {
            if w == 11 && r == 0 {
                let _ = writeln!(s, "{r},{w},,,,0");
                continue;
            }
            let bump = if w >= 0 {
                0.3 * (-f64::from(w) / 4.0).exp()
            } else {
                0.0
            };
            let v = 0.25 + bump + 0.01 * r as f64;
            let _ = writeln!(s, "{r},{w},{v},{},{},{}", v * 0.8, 0.7 - bump, 5 + r);
        }
    }
    s
}

fn trajectories_csv() -> String {
    let mut s = String::from(
        "replicate,agent,step,affected,event_step,in_support,loneliness,belonging,attachment,membership,collective,approach,distress\n",
    );
    for r in [1, 0] {
        for agent in 0..6 {
            let affected = agent % 2;
            for step in 0..STEPS {
                let event = if affected == 1 && step >= 5 { "5" } else { "" };
                let v = 0.2 + 0.05 * agent as f64 + if event.is_empty() { 0.0 } else { 0.2 };
                let _ = writeln!(
                    s,
                    "{r},{agent},{step},{affected},{event},0,{v},0.5,0.5,0.5,0.5,0.1,0.2"
                );
            }
        }
    }
    s
}

fn prototypes_csv() -> String {
    let mut s = String::from("replicate,step,group,focus,size,identification,coherence,x0,x1,x2\n");
    for step in 0..STEPS {
        for group in 0..3 {
            let t = step as f64 / STEPS as f64;
            let x0 = 0.2 + 0.2 * group as f64 + 0.1 * t;
            let _ = writeln!(
                s,
                "0,{step},{group},{group},{},0.6,0.7,{x0},{},0.5",
                4 + group,
                0.5 - 0.2 * t
            );
        }
    }
    s
}

fn full_fixture(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write(
        "manifest.json",
        r#"{"scenario": "test-scenario", "replicates": 3, "lonely_threshold": 0.45}"#,
    );
    dir.write("summary.csv", &summary_csv());
    dir.write("event_aligned.csv", &event_csv());
    dir.write("trajectories.csv", &trajectories_csv());
    dir.write("prototypes.csv", &prototypes_csv());
    dir
}

const ALL_PLOTS: [&str; 5] = [
    "loneliness",
    "belonging",
    "identity",
    "event_aligned",
    "trajectories",
];

/// Names (file stems) of the plots written, checking each file is non-empty.
fn written_stems(dir: &Path, written: &[PathBuf]) -> Vec<String> {
    let mut stems = Vec::new();
    for path in written {
        assert_eq!(path.parent(), Some(dir.join("plots").as_path()));
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        assert!(
            len > 1000,
            "{} is empty or tiny ({len} bytes)",
            path.display()
        );
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("");
        assert!(
            ext == "png" || ext == "svg",
            "unexpected file {}",
            path.display()
        );
        if ext == "png" {
            let bytes = std::fs::read(path).unwrap_or_default();
            assert!(
                bytes.starts_with(b"\x89PNG"),
                "{} is not a PNG",
                path.display()
            );
            stems.push(stem.to_string());
        } else {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            assert!(text.contains("<svg"), "{} is not an SVG", path.display());
        }
    }
    stems
}

#[test]
fn writes_every_plot_as_png_and_svg() {
    let dir = full_fixture("full");
    let written = plot_dir(dir.path()).expect("plotting succeeds");
    assert_eq!(written.len(), 2 * ALL_PLOTS.len());
    let stems = written_stems(dir.path(), &written);
    assert_eq!(stems, ALL_PLOTS);
    for stem in ALL_PLOTS {
        assert!(dir
            .path()
            .join("plots")
            .join(format!("{stem}.svg"))
            .exists());
    }
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("plots"))
        .expect("plots dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // Titles carry the scenario name and replicate count.
    let svg = std::fs::read_to_string(dir.path().join("plots/loneliness.svg")).unwrap_or_default();
    assert!(svg.contains("test-scenario"));
    assert!(svg.contains("n = 3 replicates"));
}

#[test]
fn missing_optional_inputs_skip_only_their_plot() {
    for (file, plot) in [
        ("event_aligned.csv", "event_aligned"),
        ("trajectories.csv", "trajectories"),
    ] {
        let dir = full_fixture("missing");
        std::fs::remove_file(dir.path().join(file)).expect("remove input");
        let written = plot_dir(dir.path()).expect("plotting succeeds");
        let stems = written_stems(dir.path(), &written);
        let expected: Vec<&str> = ALL_PLOTS.iter().copied().filter(|p| *p != plot).collect();
        assert_eq!(stems, expected, "after removing {file}");
    }
}

#[test]
fn empty_optional_inputs_are_skipped() {
    let dir = full_fixture("empty");
    dir.write("event_aligned.csv", "");
    dir.write(
        "trajectories.csv",
        "replicate,agent,step,affected,event_step,in_support,loneliness\n",
    );
    std::fs::remove_file(dir.path().join("manifest.json")).expect("remove manifest");
    let written = plot_dir(dir.path()).expect("plotting succeeds");
    let stems = written_stems(dir.path(), &written);
    assert_eq!(stems, ["loneliness", "belonging", "identity"]);
}

#[test]
fn identity_without_prototypes_or_with_one_dimension() {
    for prototypes in [
        None,
        Some(
            "replicate,step,group,focus,size,identification,coherence,x0\n0,0,0,0,3,0.5,0.5,0.2\n",
        ),
    ] {
        let dir = full_fixture("proto");
        match prototypes {
            None => std::fs::remove_file(dir.path().join("prototypes.csv")).expect("remove"),
            Some(text) => dir.write("prototypes.csv", text),
        }
        let written = plot_dir(dir.path()).expect("plotting succeeds");
        assert_eq!(written_stems(dir.path(), &written), ALL_PLOTS);
    }
}

#[test]
fn summary_with_only_some_metrics_still_plots() {
    let dir = TempDir::new("partial");
    dir.write(
        "summary.csv",
        "step,metric,mean,sd,ci_low,ci_high,n\n0,loneliness_mean,0.3,,,,1\n1,loneliness_mean,0.35,,,,1\n",
    );
    let written = plot_dir(dir.path()).expect("plotting succeeds");
    assert_eq!(written_stems(dir.path(), &written), ["loneliness"]);
}

#[test]
fn malformed_summary_is_an_error_naming_file_and_line() {
    let dir = full_fixture("bad-number");
    let mut text = summary_csv();
    text.push_str("7,loneliness_mean,zero point three,,,,2\n");
    dir.write("summary.csv", &text);
    let err = plot_dir(dir.path()).expect_err("bad number must fail");
    let message = err.to_string();
    assert!(message.contains("summary.csv"), "{message}");
    let lines = text.lines().count() as u64;
    assert!(
        matches!(err, PlotError::Csv { line, .. } if line == lines),
        "{message}"
    );
    assert!(message.contains("zero point three"), "{message}");

    let dir = full_fixture("bad-fields");
    dir.write(
        "summary.csv",
        "step,metric,mean,sd,ci_low,ci_high,n\n0,loneliness_mean,0.3,0.1,0.2,0.4,3\n1,loneliness_mean,0.3\n",
    );
    let err = plot_dir(dir.path()).expect_err("short row must fail");
    assert!(err.to_string().contains("summary.csv"), "{err}");
    assert!(matches!(err, PlotError::Csv { line: 3, .. }), "{err}");

    let dir = full_fixture("bad-header");
    dir.write("summary.csv", "step,name,value\n0,loneliness_mean,0.3\n");
    let err = plot_dir(dir.path()).expect_err("bad header must fail");
    assert!(err.to_string().contains("summary.csv"), "{err}");
    assert!(err.to_string().contains("metric"), "{err}");
}

#[test]
fn malformed_optional_input_is_an_error() {
    let dir = full_fixture("bad-event");
    dir.write(
        "event_aligned.csv",
        "replicate,weeks_since_event,loneliness_mean,loneliness_prevalence,belonging_mean,n\n0,-1,0.2,0.1,0.5,3\n0,zero,0.2,0.1,0.5,3\n",
    );
    let err = plot_dir(dir.path()).expect_err("bad week must fail");
    assert!(err.to_string().contains("event_aligned.csv"), "{err}");
    assert!(matches!(err, PlotError::Csv { line: 3, .. }), "{err}");
}

#[test]
fn missing_summary_is_an_error() {
    let dir = TempDir::new("no-summary");
    let err = plot_dir(dir.path()).expect_err("summary is required");
    assert!(matches!(err, PlotError::MissingInput { .. }), "{err}");
    assert!(err.to_string().contains("summary.csv"), "{err}");
    assert!(!dir.path().join("plots").exists());
}

#[test]
fn invalid_manifest_is_an_error() {
    let dir = full_fixture("bad-manifest");
    dir.write("manifest.json", "{\"scenario\": ");
    let err = plot_dir(dir.path()).expect_err("bad JSON must fail");
    assert!(err.to_string().contains("manifest.json"), "{err}");
}

#[test]
fn register_fonts_is_idempotent() {
    register_fonts();
    register_fonts();
    assert!(super::fonts().is_ok());
}

#[test]
fn t_quantiles_and_intervals() {
    assert!((t975(1) - 12.706).abs() < 1e-9);
    assert!((t975(30) - 2.042).abs() < 1e-9);
    assert!((t975(60) - 2.000).abs() < 0.005);
    assert!((t975(100_000) - 1.96).abs() < 0.001);
    assert_eq!(mean_ci(&[]), (None, None));
    assert_eq!(mean_ci(&[0.5]), (Some(0.5), None));
    let (mean, ci) = mean_ci(&[1.0, 3.0]);
    assert_eq!(mean, Some(2.0));
    let (lo, hi) = ci.expect("two values give an interval");
    // sd = sqrt(2), se = 1, t(1) = 12.706.
    assert!((lo - (2.0 - 12.706)).abs() < 1e-9 && (hi - (2.0 + 12.706)).abs() < 1e-9);
}
