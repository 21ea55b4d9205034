//! Tests of the plotting stage on small synthetic results folders.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::context::{time_marks, MarkKind, RunContext};
use super::data::{EventAligned, Trajectories};
use super::panel::{band_y_range, BandPanel};
use super::{plot_dir, plot_dir_with, register_fonts, PlotError, PlotOptions};

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

/// Names (file stems) of the PNG plots in `dir/plots` after plotting.
fn plot_stems(dir: &TempDir, opts: &PlotOptions) -> Vec<String> {
    let written = plot_dir_with(dir.path(), opts).expect("plotting succeeds");
    written_stems(dir.path(), &written)
}

fn svg(dir: &TempDir, stem: &str) -> String {
    std::fs::read_to_string(dir.path().join("plots").join(format!("{stem}.svg")))
        .unwrap_or_default()
}

// ---------------------------------------------------------------- classic models

/// A classic-model scenario: belonging off, the given identity rule and network.
fn classic_scenario(rule: &str, network: &str) -> String {
    format!(
        r#"(
    name: "classic-test",
    steps: {STEPS},
    burn_in: 0,
    replicates: {REPLICATES},
    population: (size: 6),
    groups: [],
    events: [],
    support: (enabled: false, initial_groups: 0),
    network: {network},
    identity: (rule: {rule}, features: 2, traits: 3, dims: 1),
    belonging: (enabled: false),
)"#
    )
}

/// summary.csv of a classic model: flat loneliness (the process is off) and identity
/// structure metrics.
fn classic_summary() -> String {
    let mut s = String::from("step,metric,mean,sd,ci_low,ci_high,n\n");
    for step in 0..STEPS {
        let clusters = 6.0 - 4.0 * step as f64 / STEPS as f64;
        for (metric, mean) in [
            ("loneliness_mean", 0.8),
            ("loneliness_prevalence", 0.99),
            ("belonging_mean", 0.2),
            ("support_groups", 0.0),
            ("identity_diversity", clusters / 6.0),
            ("largest_cluster_share", 1.0 / clusters),
            ("identity_clusters", clusters),
        ] {
            let _ = writeln!(
                s,
                "{step},{metric},{mean},0.1,{},{},{REPLICATES}",
                mean * 0.9,
                mean * 1.1
            );
        }
    }
    s
}

/// trajectories.csv of replicate 0 with every agent of a 3 x 2 lattice: identity columns
/// `{prefix}0..` from `identity(agent, step)`.
fn classic_trajectories(
    prefix: char,
    width: usize,
    identity: impl Fn(usize, usize) -> Vec<f64>,
) -> String {
    let cols: String = (0..width).map(|k| format!(",{prefix}{k}")).collect();
    let mut s = format!(
        "replicate,agent,step,affected,event_step,in_support,loneliness,belonging,attachment,membership,collective,approach,distress{cols}\n"
    );
    for step in 0..STEPS {
        for agent in 0..6 {
            let values: String = identity(agent, step)
                .iter()
                .map(|v| format!(",{v}"))
                .collect();
            let _ = writeln!(s, "0,{agent},{step},0,,0,0.8,0.2,0.3,0,0,0.5,0{values}");
        }
    }
    s
}

fn classic_fixture(name: &str, rule: &str, network: &str, trajectories: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write(
        "manifest.json",
        r#"{"scenario": "classic-test", "replicates": 3, "lonely_threshold": 0.4}"#,
    );
    dir.write("scenario.ron", &classic_scenario(rule, network));
    dir.write("summary.csv", &classic_summary());
    dir.write("event_aligned.csv", &event_csv());
    dir.write("trajectories.csv", trajectories);
    dir.write("prototypes.csv", &prototypes_csv());
    dir
}

#[test]
fn axelrod_folder_gets_regions_and_no_loneliness_plots() {
    // Two cultures, each agent (features c0, c1) keeps its column's culture.
    let trajectories = classic_trajectories('c', 2, |agent, step| {
        if step < 5 {
            vec![agent as f64 % 3.0, 0.0]
        } else {
            vec![(agent % 3 == 0) as u8 as f64, 1.0]
        }
    });
    let dir = classic_fixture(
        "axelrod",
        "Axelrod",
        "(generator: Lattice, width: 3, height: 2)",
        &trajectories,
    );
    let stems = plot_stems(&dir, &PlotOptions::default());
    // Loneliness, belonging, event-aligned and trajectory plots of a process that is off
    // are not drawn, even though their inputs exist.
    assert_eq!(stems, ["identity", "regions"]);
    let regions = svg(&dir, "regions");
    assert!(regions.contains("Time (steps)"), "classic time axis");
    assert!(!regions.contains("weeks"), "no weeks in a classic model");
    assert!(regions.contains("Cultural regions"));
    assert!(regions.contains("n = 3 replicates"));
    // The last map: column 0 (agents 0 and 3) one culture, columns 1-2 the other: 2 regions.
    assert!(regions.contains("2 regions"), "final map's region count");
    let identity = svg(&dir, "identity");
    assert!(identity.contains("Cultural regions"));
    assert!(
        !identity.contains("Support-group"),
        "no support-group panels"
    );
}

#[test]
fn bounded_confidence_folder_gets_opinions_labelled_as_opinion_clusters() {
    let trajectories = classic_trajectories('x', 1, |agent, step| {
        let start = agent as f64 / 5.0;
        let end = if agent < 3 { 0.2 } else { 0.8 };
        let t = (step as f64 / 5.0).min(1.0);
        vec![start + t * (end - start)]
    });
    let dir = classic_fixture(
        "bc",
        "BoundedConfidence",
        "(generator: Complete)",
        &trajectories,
    );
    let stems = plot_stems(&dir, &PlotOptions::default());
    assert_eq!(stems, ["identity", "opinions"]);
    for stem in ["identity", "opinions"] {
        let text = svg(&dir, stem);
        assert!(text.contains("opinion clusters"), "{stem}: clusters named");
        assert!(
            !text.contains("ultural regions"),
            "{stem}: not cultural regions"
        );
        assert!(text.contains("Time (steps)"), "{stem}: classic time axis");
    }
    // Both final clusters (3 agents each, at 0.2 and 0.8) are in the legend.
    let opinions = svg(&dir, "opinions");
    assert!(
        opinions.contains("ends near 0.20: 3 agents"),
        "lower cluster"
    );
    assert!(
        opinions.contains("ends near 0.80: 3 agents"),
        "upper cluster"
    );
}

#[test]
fn unreadable_scenario_falls_back_to_the_plots_of_old_folders() {
    let dir = full_fixture("old-scenario");
    // Written by an older version: a field this one does not know.
    dir.write("scenario.ron", "(name: \"old\", no_such_field: 3)");
    assert_eq!(plot_stems(&dir, &PlotOptions::default()), ALL_PLOTS);
    assert!(svg(&dir, "loneliness").contains("Time (weeks)"));
}

#[test]
fn lattice_regions_join_equal_neighbours_only() {
    // 3 x 2 grid: cells 0 1 2 / 3 4 5; cultures a a b / a b a.
    let a = vec![1, 1];
    let b = vec![2, 2];
    let cultures = vec![
        a.clone(),
        a.clone(),
        b.clone(),
        a.clone(),
        b.clone(),
        a.clone(),
    ];
    let edges =
        crate::model::network::lattice(3, 2, crate::scenario::Neighbourhood::VonNeumann, false);
    let r = super::regions::regions(&cultures, &edges);
    // {0, 1, 3}, {2}, {4}, {5}: 5 shares culture a but its neighbours are 2 and 4.
    assert_eq!(r, [0, 0, 1, 0, 2, 3]);
    // With the diagonals (Moore), 5 joins 1 and 4 joins 2.
    let edges = crate::model::network::lattice(3, 2, crate::scenario::Neighbourhood::Moore, false);
    let r = super::regions::regions(&cultures, &edges);
    assert_eq!(r, [0, 0, 1, 0, 1, 0]);
}

#[test]
fn opinion_clusters_link_values_closer_than_the_tolerance() {
    let values = [0.10, 0.74, 0.12, 0.14, 0.80, 0.50];
    // 0.10-0.12-0.14 chain (gaps 0.02 < 0.05); 0.50 alone; 0.74 and 0.80 are 0.06 apart.
    let labels = super::opinions::opinion_clusters(&values, 0.05);
    assert_eq!(labels, [0, 2, 0, 0, 3, 1]);
}

// ---------------------------------------------------------------- trajectories

#[test]
fn a_path_is_grey_before_its_event_and_coloured_from_the_week_before_on() {
    use super::trajectories::split_at_event;
    let path: Vec<(f64, f64)> = (0..6).map(|w| (f64::from(w), 0.1 * f64::from(w))).collect();
    let split = split_at_event(&path, Some(3.0));
    // Weeks 0-2 before; the coloured part starts at week 2 so the lines join, and holds
    // week 3 (the event's week: the state at its end is already after the event).
    assert_eq!(split.before, path[..3]);
    assert_eq!(split.after, path[2..]);
    // An event in the first recorded week: nothing before, all coloured.
    let split = split_at_event(&path, Some(0.0));
    assert!(split.before.is_empty());
    assert_eq!(split.after, path);
    // Never struck: all of it "before" (drawn in the never-struck colour), nothing after.
    let split = split_at_event(&path, None);
    assert_eq!(split.before, path);
    assert!(split.after.is_empty());
}

/// trajectories.csv rows of one agent: `values[w]` is its loneliness in week w.
fn agent_rows(s: &mut String, agent: u32, event: Option<u32>, values: &[f64]) {
    let (affected, e) = match event {
        Some(e) => (1, e.to_string()),
        None => (0, String::new()),
    };
    for (w, v) in values.iter().enumerate() {
        let _ = writeln!(
            s,
            "0,{agent},{w},{affected},{e},0,{v},0.5,0.5,0.5,0.5,0.1,0.2"
        );
    }
}

#[test]
fn the_chosen_stories_prefer_loss_and_regain_and_include_people_never_struck() {
    let weeks = 120;
    let flat = |v: f64| vec![v; weeks];
    // Agent 1: struck in week 20, lonelier, back by week 60: the story to highlight.
    let story: Vec<f64> = (0..weeks)
        .map(|w| match w {
            0..20 => 0.1,
            20..40 => 0.1 + 0.03 * (w - 19) as f64,
            40..60 => 0.7 - 0.03 * (w - 39) as f64,
            _ => 0.1,
        })
        .collect();
    // Agent 2: struck in the last weeks (too late for a story); agent 3: struck, no change.
    let late: Vec<f64> = (0..weeks)
        .map(|w| if w >= 115 { 0.6 } else { 0.75 })
        .collect();
    let mut s = String::from(
        "replicate,agent,step,affected,event_step,in_support,loneliness,belonging,attachment,membership,collective,approach,distress\n",
    );
    agent_rows(&mut s, 2, Some(115), &late);
    agent_rows(&mut s, 1, Some(20), &story);
    agent_rows(&mut s, 3, Some(50), &flat(0.2));
    for (agent, v) in [(4, 0.05), (5, 0.5), (6, 0.2)] {
        agent_rows(&mut s, agent, None, &flat(v));
    }
    let dir = TempDir::new("choose");
    dir.write("trajectories.csv", &s);
    let data = Trajectories::load(&dir.path().join("trajectories.csv"))
        .expect("reads")
        .expect("has rows");
    let chosen: Vec<i64> = super::trajectories::choose(&data.agents, (weeks - 1) as f64)
        .iter()
        .map(|&i| data.agents[i].agent)
        .collect();
    // The loss-and-regain story first, the other struck by their event's week, then the
    // never struck — two by default, here all three, as only three were struck and there
    // are seven panels to fill: the loneliest, the least lonely, then the loneliest left.
    assert_eq!(chosen, [1, 3, 2, 5, 4, 6]);
    assert_eq!(data.agents[0].event, Some(20.0));
}

// ---------------------------------------------------------------- time marks

#[test]
fn intervention_and_pulse_weeks_are_recorded_weeks_whatever_the_burn_in() {
    let text = r#"(
    name: "marks",
    steps: 100,
    burn_in: 52,
    events: [(name: "chronic_illness", hazard: 0.0, pulse: Some((step: 26, fraction: 0.1)))],
    interventions: [(name: "g4h", start: 10, sessions: [0, 1, 2, 8, 200])],
)"#;
    let scenario = crate::scenario::load::parse_str("marks.ron", text).expect("parses");
    let marks = time_marks(&scenario);
    assert_eq!(marks.len(), 2);
    // Sessions in recorded weeks 10, 11, 12 and 18 (the `step` axis; the burn-in of 52
    // weeks is not added); week 210 is past the recorded 100 weeks and left out. Each
    // week W is shaded from W - 0.5 to W + 0.5, consecutive weeks merged.
    assert_eq!(marks[0].kind, MarkKind::Sessions);
    assert_eq!(marks[0].spans, [(9.5, 12.5), (17.5, 18.5)]);
    assert_eq!(marks[0].label, "g4h sessions (weeks 10–12, 18)");
    // The pulse strikes in recorded week 26.
    assert_eq!(marks[1].kind, MarkKind::Pulse);
    assert_eq!(marks[1].spans, [(26.0, 26.0)]);
    assert!(marks[1].label.starts_with("chronic illness pulse (week 26"));

    // The built-in groups4health scenario: weeks 52-56 and 60.
    let cfg = crate::scenario::resolve(
        &crate::scenario::Source::Builtin("groups4health".into()),
        &[],
    )
    .expect("built-in");
    let g4h = RunContext::from_scenario(&cfg.scenario);
    assert_eq!(g4h.marks[0].spans, [(51.5, 56.5), (59.5, 60.5)]);
    assert!(g4h.belonging && g4h.time_desc() == "Time (weeks)");
}

#[test]
fn marks_are_drawn_with_a_legend_on_the_run_plots() {
    let dir = full_fixture("marks");
    dir.write(
        "scenario.ron",
        r#"(name: "marks", steps: 20, interventions: [(name: "g4h", start: 4, sessions: [0, 1])],
            events: [(name: "illness", pulse: Some((step: 9, fraction: 0.2)))])"#,
    );
    assert_eq!(plot_stems(&dir, &PlotOptions::default()), ALL_PLOTS);
    for stem in ["loneliness", "belonging", "identity", "trajectories"] {
        let text = svg(&dir, stem);
        assert!(text.contains("g4h sessions (weeks 4–5)"), "{stem}");
        assert!(text.contains("illness pulse (week 9"), "{stem}");
    }
    // Not on the event-aligned plot, whose axis is weeks since each person's event.
    assert!(!svg(&dir, "event_aligned").contains("g4h sessions"));
}

// ---------------------------------------------------------------- intervals and scales

#[test]
fn event_aligned_intervals_stay_inside_zero_one() {
    // Three replicates near 0 and near 1: a plain t interval would leave [0, 1].
    let mut s = String::from(
        "replicate,weeks_since_event,loneliness_mean,loneliness_prevalence,belonging_mean,n\n",
    );
    let low = [0.0, 0.0, 0.06];
    let high = [1.0, 1.0, 0.94];
    for r in 0..3 {
        let _ = writeln!(s, "{r},-1,{},{},,5", low[r], low[r]);
        let _ = writeln!(s, "{r},0,{},{},0.5,5", high[r], high[r]);
    }
    let dir = TempDir::new("ci");
    dir.write("event_aligned.csv", &s);
    let event = EventAligned::load(&dir.path().join("event_aligned.csv"))
        .expect("reads")
        .expect("has values");
    // The plain Student t interval of the low week reaches below 0 (mean 0.02, sd 0.0346,
    // t(2) = 4.30: 0.02 - 0.086 < 0): the test would catch a plain interval.
    let t = crate::stats::t975(2);
    assert!(0.02 - t * (0.0012f64).sqrt() / 3f64.sqrt() < 0.0);
    for curve in [&event.loneliness, &event.prevalence] {
        assert_eq!(curve.len(), 2);
        for p in curve.iter() {
            let (lo, hi) = (p.lo.expect("interval"), p.hi.expect("interval"));
            let y = p.y.expect("mean");
            assert!(
                (0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi),
                "{p:?}"
            );
            assert!(lo <= y && y <= hi, "{p:?}");
            // Not collapsed: the values differ, so the interval has width.
            assert!(hi - lo > 0.01, "{p:?}");
        }
    }
    assert!((event.loneliness[0].y.unwrap_or(0.0) - 0.02).abs() < 1e-12);
}

fn spec(y_cap: f64, y_step: f64) -> BandPanel<'static> {
    BandPanel {
        caption: None,
        x_desc: None,
        y_desc: "",
        y_cap,
        y_step,
        legend_inside: true,
        extra_legend_rows: 0,
        x_integer: true,
        allow_negative: false,
    }
}

#[test]
fn full_scale_spans_the_whole_range_of_bounded_metrics() {
    let values = [0.05, 0.12, 0.2];
    // Fitted: the top follows the data (a multiple of 0.1 well below 1).
    let fitted = band_y_range(&spec(1.0, 0.1), &values, 3, 900, false);
    assert_eq!(fitted.0, 0.0);
    assert!(fitted.1 < 0.6 && fitted.1 >= 0.2, "{fitted:?}");
    // Full scale: the whole range, for scores and for percentages.
    assert_eq!(
        band_y_range(&spec(1.0, 0.1), &values, 3, 900, true),
        (0.0, 1.0)
    );
    let percent = [5.0, 12.0, 20.0];
    assert_eq!(
        band_y_range(&spec(100.0, 10.0), &percent, 3, 900, true),
        (0.0, 100.0)
    );
    // Counts have no top: full scale leaves them fitted.
    let counts = band_y_range(&spec(f64::INFINITY, 5.0), &percent, 3, 900, true);
    assert!(counts.1.is_finite() && counts.1 < 100.0, "{counts:?}");

    // End to end: the figures say so, and only when asked.
    let dir = full_fixture("full-scale");
    assert_eq!(
        plot_stems(&dir, &PlotOptions { full_scale: true }),
        ALL_PLOTS
    );
    for stem in ALL_PLOTS {
        assert!(svg(&dir, stem).contains("Full-scale axes"), "{stem}");
    }
    assert_eq!(plot_stems(&dir, &PlotOptions::default()), ALL_PLOTS);
    assert!(!svg(&dir, "loneliness").contains("Full-scale axes"));
}

#[test]
fn a_story_peaks_within_its_episode_and_says_when_it_is_back() {
    use super::trajectories::story;
    // Level 0.1 before the event in week 10; up to 0.5 in week 15; back to 0.1 in week 20;
    // a later, higher rise (0.9 in week 40) is another episode.
    let path: Vec<(f64, f64)> = (0..50)
        .map(|w| {
            let v = match w {
                0..10 => 0.1,
                10..=15 => 0.1 + 0.08 * f64::from(w - 10),
                16..=20 => 0.5 - 0.08 * f64::from(w - 15),
                21..35 => 0.1,
                _ => 0.9,
            };
            (f64::from(w), v)
        })
        .collect();
    let s = story(&path, 10.0, 49.0).expect("weeks after the event");
    assert!((s.before - 0.1).abs() < 1e-12);
    assert_eq!(s.peak.0, 15.0);
    assert!((s.peak.1 - 0.5).abs() < 1e-12);
    assert_eq!(s.back.map(|b| b.0), Some(20.0));
    // Without the return, the peak is the highest value after the event.
    let rising: Vec<(f64, f64)> = path
        .iter()
        .map(|&(w, v)| (w, if w >= 16.0 { v.max(0.5) } else { v }))
        .collect();
    let s = story(&rising, 10.0, 49.0).expect("weeks after the event");
    assert_eq!(s.back, None);
    assert!((s.peak.1 - 0.9).abs() < 1e-12);
}

#[test]
fn axelrod_without_every_agent_sampled_draws_the_curve_and_says_why_no_map() {
    let full = classic_trajectories('c', 2, |agent, _| vec![agent as f64, 0.0]);
    // Agent 5 was not sampled (output.sample_agents below the population).
    let partial: String = full
        .lines()
        .filter(|l| l.split(',').nth(1) != Some("5"))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = classic_fixture(
        "axelrod-partial",
        "Axelrod",
        "(generator: Lattice, width: 3, height: 2)",
        &partial,
    );
    assert_eq!(
        plot_stems(&dir, &PlotOptions::default()),
        ["identity", "regions"]
    );
    let regions = svg(&dir, "regions");
    assert!(regions.contains("no map: trajectories.csv does not hold every agent"));
    assert!(regions.contains("mean of 3 replicates"));
}
