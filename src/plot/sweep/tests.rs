//! Tests of the sweep plots: the decisions (axis kinds, ticks, scales, overlaps) as plain
//! functions, the plans of synthetic sweep folders, and the drawn files.

use std::fmt::Write as _;
use std::path::Path;

use super::axis::{self, AxisKind, HeatCell};
use super::categories::{key_names, CategoryLabels};
use super::{heatmap, plot_sweep, plot_sweep_metric, response, MetricView, Obs, SweepData};
use crate::experiment::sweep::{points, Design, Vary};
use crate::model::metrics;
use crate::output::sweep::{SweepSpec, VarySpec};
use crate::plot::PlotError;
use crate::stats::Bounds;

fn vary_spec(arg: &str) -> VarySpec {
    let v = Vary::parse(arg).expect("a valid --vary");
    VarySpec {
        path: v.path,
        spec: v.spec,
        values: v.values,
    }
}

/// A sealed sweep.json of `args` (as given to `--vary`) under `design`, 3 replicates.
fn spec(args: &[&str], design: Design) -> SweepSpec {
    let vary: Vec<Vary> = args.iter().map(|a| Vary::parse(a).unwrap()).collect();
    let pts = points(&vary, design, 7).unwrap();
    SweepSpec {
        format: crate::output::sweep::FORMAT,
        version: String::new(),
        scenario: "default".into(),
        scenario_source: "<built-in default>".into(),
        scenario_hash: "0".into(),
        seed: 7,
        replicates: 3,
        steps: 10,
        design: design.label(),
        vary: args.iter().map(|a| vary_spec(a)).collect(),
        ranges: Vec::new(),
        n_points: pts.len() as u64,
        jobs: 0,
        sweep_hash: String::new(),
        seeds: crate::scenario::Seeds::Common,
        metric: "loneliness_prevalence".into(),
    }
    .sealed()
}

/// Writes sweep.json and a sweep_summary.csv in which metric `metric` (statistic `mean`) of
/// point k has the mean, interval and n `rows(k)`; every other metric has plain rows too, so
/// the file looks like one `finish` writes.
fn write_folder(
    dir: &Path,
    spec: &SweepSpec,
    metric: &str,
    rows: impl Fn(usize) -> (f64, f64, f64, u64),
) {
    std::fs::write(dir.join("sweep.json"), spec.to_json()).unwrap();
    let mut csv = String::from("point");
    for v in &spec.vary {
        write!(csv, ",{}", v.path).unwrap();
    }
    csv.push_str(",metric,statistic,mean,sd,ci_low,ci_high,n\n");
    for (k, values) in spec.points().unwrap().iter().enumerate() {
        for name in metrics::NAMES {
            for stat in ["final", "mean"] {
                let (m, lo, hi, n) = if *name == metric && stat == "mean" {
                    rows(k)
                } else {
                    (0.5, 0.4, 0.6, 3)
                };
                let quoted: Vec<String> = values
                    .iter()
                    .map(|v| {
                        if v.contains([',', '"']) {
                            format!("\"{}\"", v.replace('"', "\"\""))
                        } else {
                            v.clone()
                        }
                    })
                    .collect();
                writeln!(
                    csv,
                    "{k},{},{name},{stat},{m},0.01,{lo},{hi},{n}",
                    quoted.join(",")
                )
                .unwrap();
            }
        }
    }
    std::fs::write(dir.join("sweep_summary.csv"), csv).unwrap();
}

fn data(spec: &SweepSpec, metric: &str, rows: impl Fn(usize) -> (f64, f64, f64, u64)) -> SweepData {
    let view = MetricView::new(metric).unwrap();
    let points = spec.points().unwrap();
    let obs = points
        .iter()
        .enumerate()
        .map(|(k, values)| {
            let (m, lo, hi, n) = rows(k);
            Obs {
                values: values.clone(),
                mean: m * view.scale,
                lo: lo * view.scale,
                hi: hi * view.scale,
                n,
            }
        })
        .collect();
    SweepData::new(spec, &points, obs, view)
}

fn values(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------- axis kinds

#[test]
fn booleans_names_and_structured_values_are_categories_numbers_are_numeric() {
    let kind = |arg: &str| {
        let v = vary_spec(arg);
        axis::axis_kind(&v.values, &v)
    };
    assert_eq!(kind("support.enabled=true,false"), AxisKind::Categorical);
    assert_eq!(
        kind("identity.rule=Prototype,BoundedConfidence"),
        AxisKind::Categorical
    );
    assert_eq!(
        kind("events[0].pulse=Some((step: 26, fraction: 0.1)),None"),
        AxisKind::Categorical
    );
    assert_eq!(
        kind("events[0].duration=None,Some(52.0)"),
        AxisKind::Categorical
    );
    // A list mixing numbers and names is not a number line.
    assert_eq!(kind("x=0.1,None"), AxisKind::Categorical);
    // nan and inf parse as floats but have no place on a number line.
    assert_eq!(kind("x=1,inf"), AxisKind::Categorical);
    // One value: nothing to lay out along a line.
    assert_eq!(kind("support.capacity=10"), AxisKind::Categorical);
    assert_eq!(
        kind("support.capacity=6,10,14"),
        AxisKind::Numeric { log: false }
    );
    assert_eq!(
        kind("events[0].hazard=0.001..0.003:0.001"),
        AxisKind::Numeric { log: false }
    );
    assert_eq!(
        kind("events[0].hazard=0.0001..0.01:log5"),
        AxisKind::Numeric { log: true }
    );
}

#[test]
fn a_latin_hypercube_of_a_log_range_keeps_its_log_axis() {
    let s = spec(
        &[
            "events[0].hazard=0.0001..0.01:log3",
            "support.capacity=4..16:1",
        ],
        Design::Lhs(8),
    );
    let d = data(&s, "loneliness_prevalence", |_| (0.1, 0.05, 0.15, 3));
    assert_eq!(d.fields[0].kind, AxisKind::Numeric { log: true });
    assert_eq!(d.fields[1].kind, AxisKind::Numeric { log: false });
    // The sampled values, not the range's three, are the field's values.
    assert_eq!(d.fields[0].values.len(), 8);
}

// ---------------------------------------------------------------- ticks

fn assert_distinct(ticks: &[(f64, String)]) {
    let mut texts: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
    let all = texts.clone();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), all.len(), "repeated tick labels: {all:?}");
}

#[test]
fn few_numeric_values_are_ticked_with_distinct_labels() {
    // The values of `events[0].hazard=0.0005,0.001,0.002` once gave ticks 0.001 0.001 ...
    let xs = [0.0005, 0.001, 0.002];
    let ticks = axis::numeric_ticks((0.000425, 0.002075), &xs, false);
    assert_distinct(&ticks);
    let texts: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(texts, ["0.0005", "0.001", "0.002"]);
    // Every label reads as its tick's position (within 0.1%).
    for (x, t) in &ticks {
        let v: f64 = t.parse().unwrap();
        assert!((v - x).abs() <= 1e-3 * x.abs(), "{t} for {x}");
    }
}

#[test]
fn dense_stepped_ranges_get_distinct_readable_ticks() {
    for arg in [
        "x=0.0005..0.02:0.0005",
        "x=0.001..0.03:0.001",
        "x=10.0..10.5:0.01",
        "x=1..400:1",
    ] {
        let v = Vary::parse(arg).unwrap();
        let xs: Vec<f64> = v.values.iter().map(|s| s.parse().unwrap()).collect();
        let (lo, hi) = (xs[0], xs[xs.len() - 1]);
        let pad = 0.05 * (hi - lo);
        let ticks = axis::numeric_ticks((lo - pad, hi + pad), &xs, false);
        assert_distinct(&ticks);
        assert!(
            (3..=10).contains(&ticks.len()),
            "{arg}: {} ticks {ticks:?}",
            ticks.len()
        );
        for (x, t) in &ticks {
            let v: f64 = t.parse().unwrap();
            assert!(
                (v - x).abs() <= 1e-3 * x.abs().max(1e-12),
                "{arg}: {t} for {x}"
            );
            assert!(t.len() <= 8, "{arg}: long tick label {t}");
        }
    }
}

#[test]
fn log_ticks_are_distinct_and_inside_the_axis() {
    let v = Vary::parse("x=0.0001..0.01:log5").unwrap();
    let xs: Vec<f64> = v.values.iter().map(|s| s.parse().unwrap()).collect();
    let ticks = axis::numeric_ticks((0.00008, 0.0125), &xs, true);
    assert_distinct(&ticks);
    // Five values two quarter-decades apart: the values themselves, shortened.
    let texts: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(texts, ["0.0001", "0.000316", "0.001", "0.00316", "0.01"]);
    // Many values over four decades: powers of ten.
    let v = Vary::parse("x=0.0001..1:log40").unwrap();
    let xs: Vec<f64> = v.values.iter().map(|s| s.parse().unwrap()).collect();
    let ticks = axis::numeric_ticks((0.00008, 1.2), &xs, true);
    assert_distinct(&ticks);
    let texts: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(texts, ["0.0001", "0.001", "0.01", "0.1", "1"]);
}

#[test]
fn evenly_spaced_ticks_share_their_decimals() {
    let texts = axis::step_texts(&axis::linear_ticks(0.058, 0.141, 6));
    assert_eq!(texts, ["0.06", "0.08", "0.10", "0.12", "0.14"]);
    let texts = axis::step_texts(&axis::linear_ticks(0.0, 12.0, 6));
    assert_eq!(texts, ["0", "2", "4", "6", "8", "10", "12"]);
    let texts = axis::step_texts(&axis::linear_ticks(-0.0001, 0.0021, 6));
    assert_eq!(texts, ["0", "0.0005", "0.0010", "0.0015", "0.0020"]);
}

#[test]
fn significant_digits_and_label_wrapping() {
    assert_eq!(axis::sig(0.000316227766, 3), "0.000316");
    assert_eq!(axis::sig(1500.0, 2), "1500");
    assert_eq!(axis::sig(-0.0, 2), "0");
    assert_eq!(axis::sig(2.5e-7, 2), "2.5e-7");
    assert_eq!(
        axis::wrap_label("Some((step: 26, fraction: 0.1))", 16, 3),
        ["Some((step: 26,", "fraction: 0.1))"]
    );
    let long = axis::wrap_label("a b c d e f g h i j k l m n o p", 4, 2);
    assert_eq!(long.len(), 2);
    assert!(long[1].ends_with('…'), "{long:?}");
    assert_eq!(axis::shorten("abcdef", 4), "abc…");
    // Whole or not at all.
    assert_eq!(
        axis::wrap_exact("Some((step: 26, fraction: 0.1))", 16, 2),
        Some(values(&["Some((step: 26,", "fraction: 0.1))"]))
    );
    assert_eq!(
        axis::wrap_exact("Some((step: 26, fraction: 0.1))", 16, 1),
        None
    );
    assert_eq!(
        axis::wrap_exact("Some((step:", 8, 3),
        None,
        "a word longer than a line"
    );
}

#[test]
fn category_labels_are_whole_values_or_keys_never_cut() {
    use plotters::prelude::IntoDrawingArea;
    crate::plot::register_fonts();
    let mut svg = String::new();
    let area =
        plotters::prelude::SVGBackend::with_string(&mut svg, (1600, 1000)).into_drawing_area();
    let pulses: Vec<String> = [5, 10, 20, 30]
        .iter()
        .flat_map(|s| [0.05, 0.1, 0.2].map(|f| format!("Some((step: {s}, fraction: {f}))")))
        .collect();
    // Three values in wide slots: across, whole.
    let few = CategoryLabels::choose(&area, &pulses[..3], 400.0).unwrap();
    let CategoryLabels::Across(lines) = &few else {
        panic!("{few:?}")
    };
    for (label, lines) in pulses.iter().zip(lines) {
        assert_eq!(lines.join(" "), *label);
    }
    assert_eq!(few.key_note("events[0].pulse", &pulses[..3]), None);
    // Twelve in narrow slots: keys, with the values in a note.
    let many = CategoryLabels::choose(&area, &pulses, 90.0).unwrap();
    assert_eq!(many, CategoryLabels::Keyed(key_names(12)));
    let note = many.key_note("events[0].pulse", &pulses).unwrap();
    assert!(
        note.starts_with("Key to events[0].pulse: A = Some((step: 5, fraction: 0.05)); B = "),
        "{note}"
    );
    assert!(
        note.ends_with("L = Some((step: 30, fraction: 0.2))."),
        "{note}"
    );
    // Short names in narrow slots: whole, turned upwards.
    let names = values(&["true", "false"]);
    assert_eq!(
        CategoryLabels::choose(&area, &names, 40.0).unwrap(),
        CategoryLabels::Up(names.clone())
    );
    assert_eq!(key_names(28)[25..], ["Z", "AA", "AB"]);
}

#[test]
fn y_range_stays_inside_the_metric_bounds() {
    let pct = Bounds::UNIT.scaled(100.0);
    // Prevalences near 7%: the axis reaches down to 0, its top is a round number.
    let (lo, hi) = axis::y_range(&[4.8, 7.0, 9.7, 6.5, 4.2, 9.2], pct, false);
    assert_eq!(lo, 0.0);
    assert!((9.7..=12.0).contains(&hi), "{hi}");
    // Near 100%: never above it.
    let (_, hi) = axis::y_range(&[97.0, 99.5, 99.9], pct, false);
    assert_eq!(hi, 100.0);
    // Far from 0 with a narrow spread: zoomed, not reaching 0.
    let (lo, hi) = axis::y_range(&[0.61, 0.62, 0.63], Bounds::UNIT, false);
    assert!(lo > 0.5 && hi < 0.7, "{lo}..{hi}");
    // ...unless there are no intervals to show the noise: then from 0.
    let (lo, _) = axis::y_range(&[0.61, 0.62, 0.63], Bounds::UNIT, true);
    assert_eq!(lo, 0.0);
}

// ---------------------------------------------------------------- response

#[test]
fn categories_are_drawn_in_the_order_given_and_never_interpolated() {
    for (arg, order) in [
        ("support.enabled=true,false", ["true", "false"]),
        ("support.enabled=false,true", ["false", "true"]),
    ] {
        let s = spec(&[arg], Design::Grid);
        // 7.0% with support groups, 9.7% without.
        let d = data(&s, "loneliness_prevalence", |k| {
            let enabled = s.points().unwrap()[k][0] == "true";
            if enabled {
                (0.070, 0.048, 0.097, 4)
            } else {
                (0.097, 0.071, 0.130, 4)
            }
        });
        let plan = response::plan(&d);
        assert_eq!(plan.panels.len(), 1);
        let panel = &plan.panels[0];
        assert_eq!(panel.axis, response::XAxis::Categories(values(&order)));
        let series = &panel.series[0];
        assert!(!series.connect, "no line between categories");
        let drawn: Vec<(f64, f64)> = series.points.iter().map(|p| (p.x, p.mean)).collect();
        let expect = |v: &str| if v == "true" { 7.0 } else { 9.7 };
        assert_eq!(drawn.len(), 2);
        for (k, v) in order.iter().enumerate() {
            assert_eq!(drawn[k].0, k as f64, "{v} sits in slot {k}");
            assert!((drawn[k].1 - expect(v)).abs() < 1e-9, "{v}: {}", drawn[k].1);
        }
        assert!(
            plan.title.contains("n = 4 replicates per point"),
            "{}",
            plan.title
        );
        assert_eq!(plan.y_label, "Loneliness prevalence, time-averaged (%)");
        assert_eq!(plan.y.0, 0.0);
    }
}

#[test]
fn numbers_get_a_line_and_band_one_series_per_value_of_the_second_field() {
    let s = spec(
        &[
            "support.capacity=6,10,14",
            "events[0].hazard=0.001..0.003:0.001",
        ],
        Design::Grid,
    );
    let d = data(&s, "loneliness_prevalence", |k| {
        let m = 0.05 + 0.01 * k as f64;
        (m, m - 0.01, m + 0.01, 3)
    });
    let plan = response::plan(&d);
    let panel = &plan.panels[0];
    assert!(matches!(
        panel.axis,
        response::XAxis::Numeric { log: false, .. }
    ));
    assert_eq!(panel.series.len(), 3, "one series per hazard");
    for (h, series) in panel.series.iter().enumerate() {
        assert!(series.connect);
        let xs: Vec<f64> = series.points.iter().map(|p| p.x).collect();
        assert_eq!(xs, [6.0, 10.0, 14.0]);
        // Point (capacity c, hazard h) is grid point 3c + h.
        for (c, p) in series.points.iter().enumerate() {
            let m = 100.0 * (0.05 + 0.01 * (3 * c + h) as f64);
            assert!((p.mean - m).abs() < 1e-9);
        }
    }
    let response::RLegend {
        heading,
        entries,
        band,
    } = plan.legend.clone().expect("a legend by hazard");
    assert_eq!(heading, "events[0].hazard");
    assert!(band);
    let labels: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(labels, ["0.001", "0.002", "0.003"]);
}

#[test]
fn categorical_series_are_set_side_by_side() {
    let s = spec(
        &[
            "support.enabled=true,false",
            "events[0].duration=None,Some(52.0)",
        ],
        Design::Grid,
    );
    let d = data(&s, "loneliness_prevalence", |_| (0.08, 0.06, 0.1, 3));
    let plan = response::plan(&d);
    let panel = &plan.panels[0];
    assert_eq!(panel.series.len(), 2);
    let (a, b) = (&panel.series[0], &panel.series[1]);
    for (p, q) in a.points.iter().zip(&b.points) {
        assert_eq!(p.x, q.x);
        assert!(p.dodge < 0.0 && q.dodge > 0.0, "{} {}", p.dodge, q.dodge);
        assert!(!a.connect && !b.connect);
    }
}

#[test]
fn latin_hypercubes_and_three_fields_are_points_per_field_without_lines() {
    let s = spec(
        &[
            "events[0].hazard=0.0005..0.003:0.0005",
            "support.capacity=4..16:2",
        ],
        Design::Lhs(8),
    );
    let d = data(&s, "loneliness_prevalence", |_| (0.08, 0.06, 0.1, 3));
    let plan = response::plan(&d);
    assert_eq!(plan.panels.len(), 2, "one panel per field");
    for panel in &plan.panels {
        assert_eq!(panel.series[0].points.len(), 8);
        assert!(panel.series.iter().all(|s| !s.connect));
    }
    assert!(plan.notes.iter().any(|n| n.contains("Latin hypercube")));

    let s = spec(
        &[
            "support.enabled=true,false",
            "support.capacity=6,10",
            "events[0].hazard=0.001,0.002",
        ],
        Design::Grid,
    );
    let d = data(&s, "loneliness_prevalence", |_| (0.08, 0.06, 0.1, 3));
    let plan = response::plan(&d);
    assert_eq!(plan.panels.len(), 3);
    assert!(plan
        .panels
        .iter()
        .all(|p| p.series.iter().all(|s| !s.connect)));
    // The four points of each category are spread, not stacked.
    let dodges: Vec<f64> = plan.panels[0].series[0]
        .points
        .iter()
        .filter(|p| p.x == 0.0)
        .map(|p| p.dodge)
        .collect();
    assert_eq!(dodges.len(), 4);
    assert!(dodges.windows(2).all(|w| w[0] < w[1]), "{dodges:?}");
    assert!(plan.notes.iter().any(|n| n.contains("not separated")));
}

#[test]
fn metric_views_scale_shares_and_keep_units() {
    let v = MetricView::new("loneliness_prevalence").unwrap();
    assert_eq!((v.scale, v.unit), (100.0, "%"));
    assert_eq!(v.bounds, Bounds::UNIT.scaled(100.0));
    let v = MetricView::new("largest_cluster_share").unwrap();
    assert_eq!(v.unit, "%");
    let v = MetricView::new("belonging_mean").unwrap();
    assert_eq!((v.scale, v.unit), (1.0, "0–1"));
    assert_eq!(v.axis_label(), "Belonging mean, time-averaged (0–1)");
    let v = MetricView::new("support_groups").unwrap();
    assert_eq!((v.scale, v.unit), (1.0, ""));
    assert_eq!(v.axis_label(), "Support groups, time-averaged");
    assert!(MetricView::new("loneliness").is_none());
}

// ---------------------------------------------------------------- heatmap

fn cell(x: usize, y: usize, mean: f64, lo: f64, hi: f64) -> HeatCell {
    HeatCell { x, y, mean, lo, hi }
}

#[test]
fn heatmap_colours_span_the_intervals_not_the_means() {
    let cells = [
        cell(0, 0, 5.0, 3.0, 7.5),
        cell(1, 0, 6.0, 4.5, 8.0),
        cell(0, 1, 9.0, 7.0, 12.5),
        cell(1, 1, f64::NAN, f64::NAN, f64::NAN),
    ];
    let pct = Bounds::UNIT.scaled(100.0);
    assert_eq!(axis::heat_scale(&cells, pct), Some((3.0, 12.5)));
    // One replicate (no intervals): the means.
    // One replicate (no intervals, the noise unknown): from the metric's lower bound.
    let bare = [
        cell(0, 0, 5.0, f64::NAN, f64::NAN),
        cell(1, 0, 6.0, f64::NAN, f64::NAN),
    ];
    assert_eq!(axis::heat_scale(&bare, pct), Some((0.0, 6.0)));
    // All alike: widened, still inside the bounds.
    let (lo, hi) = axis::heat_scale(&[cell(0, 0, 0.0, 0.0, 0.0)], pct).unwrap();
    assert!(lo >= 0.0 && hi > lo, "{lo}..{hi}");
    assert_eq!(axis::heat_scale(&bare[..0], pct), None);
}

#[test]
fn overlap_marks_go_exactly_between_neighbours_whose_intervals_overlap() {
    // 3 x 2 grid:
    //   row 1:  [10,12]  [11,13]  [20,22]
    //   row 0:  [ 0, 2]  [ 1, 3]  [ 2.5, 4]
    let cells = vec![
        cell(0, 0, 1.0, 0.0, 2.0),
        cell(1, 0, 2.0, 1.0, 3.0),
        cell(2, 0, 3.2, 2.5, 4.0),
        cell(0, 1, 11.0, 10.0, 12.0),
        cell(1, 1, 12.0, 11.0, 13.0),
        cell(2, 1, 21.0, 20.0, 22.0),
    ];
    let mut pairs = axis::overlapping_neighbours(&cells);
    pairs.sort_unstable();
    // (0,0)-(1,0) overlap; (1,0)-(2,0) overlap ([1,3] and [2.5,4]); (0,1)-(1,1) overlap;
    // (1,1)-(2,1) do not; no vertical pair overlaps; (0,0)-(2,0) are not neighbours.
    assert_eq!(pairs, vec![(0, 1), (1, 2), (3, 4)]);
    // Touching intervals count as overlapping; a cell without an interval is in no pair.
    let touching = vec![cell(0, 0, 1.0, 0.0, 2.0), cell(0, 1, 3.0, 2.0, 4.0)];
    assert_eq!(axis::overlapping_neighbours(&touching), vec![(0, 1)]);
    let bare = vec![
        cell(0, 0, 1.0, 0.0, 2.0),
        cell(1, 0, 1.0, f64::NAN, f64::NAN),
    ];
    assert!(axis::overlapping_neighbours(&bare).is_empty());
}

#[test]
fn heatmap_plan_of_a_grid() {
    let s = spec(
        &[
            "support.capacity=6,10,14",
            "events[0].hazard=0.001..0.003:0.001",
        ],
        Design::Grid,
    );
    // Means rise with capacity; intervals 1 point wide either side.
    let d = data(&s, "loneliness_prevalence", |k| {
        let m = 0.05 + 0.02 * (k / 3) as f64;
        (m, m - 0.01, m + 0.01, 5)
    });
    let h = heatmap::plan(&d).expect("a two-field grid has a heatmap");
    assert_eq!(h.xs, ["6", "10", "14"]);
    assert_eq!(h.ys, ["0.001", "0.002", "0.003"]);
    assert!((h.scale.0 - 4.0).abs() < 1e-9 && (h.scale.1 - 10.0).abs() < 1e-9);
    assert!(h.title.contains("n = 5 replicates per cell"), "{}", h.title);
    // Capacity neighbours differ by 2 points with intervals ±1: they touch (overlap);
    // hazard neighbours are equal: overlap. 6 + 6 pairs.
    assert_eq!(h.overlaps.len(), 12);
    assert!(heatmap::plan(&data(
        &spec(
            &["support.capacity=6,10", "support.enabled=true,false"],
            Design::Zip
        ),
        "loneliness_prevalence",
        |_| (0.1, 0.05, 0.15, 3)
    ))
    .is_none());
}

#[test]
fn viridis_ends_and_text_contrast() {
    assert_eq!(axis::viridis(0.0), (0x44, 0x01, 0x54));
    assert_eq!(axis::viridis(1.0), (0xFD, 0xE7, 0x25));
    assert_eq!(axis::viridis(0.5), (0x21, 0x90, 0x8C));
    assert!(axis::wants_white_text(axis::viridis(0.0)));
    assert!(!axis::wants_white_text(axis::viridis(1.0)));
}

// ---------------------------------------------------------------- files

#[test]
fn an_unknown_metric_is_an_error_naming_it_and_the_valid_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(&["support.enabled=true,false"], Design::Grid);
    write_folder(tmp.path(), &s, "loneliness_prevalence", |_| {
        (0.1, 0.05, 0.15, 3)
    });
    let err = plot_sweep_metric(tmp.path(), "lonelyness").unwrap_err();
    assert!(matches!(err, PlotError::UnknownMetric { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("`lonelyness`"), "{text}");
    assert!(
        text.contains("loneliness_prevalence") && text.contains("belonging_mean"),
        "{text}"
    );
    assert!(!tmp.path().join("plots").exists(), "nothing drawn");
}

#[test]
fn plots_of_a_boolean_sweep_are_written_with_category_ticks() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(&["support.enabled=true,false"], Design::Grid);
    write_folder(tmp.path(), &s, "loneliness_prevalence", |k| {
        if k == 0 {
            (0.070, 0.048, 0.097, 4)
        } else {
            (0.097, 0.071, 0.130, 4)
        }
    });
    let written = plot_sweep(tmp.path()).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["response.png", "response.svg"]);
    let svg = std::fs::read_to_string(tmp.path().join("plots/response.svg")).unwrap();
    // x tick labels are centred under their ticks (the y axis's are right-aligned).
    let centred: Vec<String> = svg_elements(&svg)
        .into_iter()
        .filter(|(attrs, _)| attrs.contains(r#"text-anchor="middle""#))
        .map(|(_, t)| t)
        .collect();
    for want in ["true", "false"] {
        assert!(
            centred.iter().any(|t| t == want),
            "no `{want}` tick in {centred:?}"
        );
    }
    assert!(
        !centred.iter().any(|t| t.parse::<f64>().is_ok()),
        "a number on the category axis: {centred:?}"
    );
    // Another metric in its own units.
    plot_sweep_metric(tmp.path(), "belonging_mean").unwrap();
    let svg = std::fs::read_to_string(tmp.path().join("plots/response.svg")).unwrap();
    assert!(svg.contains("Belonging mean, time-averaged (0–1)"));
}

#[test]
fn heatmap_files_of_a_grid_carry_the_colour_bar_and_marks() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(
        &[
            "support.capacity=6,10,14",
            "events[0].hazard=0.001..0.003:0.001",
        ],
        Design::Grid,
    );
    // Capacity 14 differs clearly from 10; the rest overlap.
    write_folder(tmp.path(), &s, "loneliness_prevalence", |k| {
        let m = if k / 3 == 2 { 0.15 } else { 0.05 };
        (m, m - 0.01, m + 0.01, 3)
    });
    plot_sweep(tmp.path()).unwrap();
    let svg = std::fs::read_to_string(tmp.path().join("plots/heatmap.svg")).unwrap();
    let texts = svg_texts(&svg);
    // Six vertical pairs and three of the six horizontal pairs (6|10 at each hazard).
    assert_eq!(texts.iter().filter(|t| *t == "≈").count(), 9, "{texts:?}");
    assert!(texts
        .iter()
        .any(|t| t.contains("Loneliness prevalence, time-averaged (%)")));
    assert!(texts
        .iter()
        .any(|t| t.contains("n = 3 replicates per cell")));
}

#[test]
fn points_without_a_value_are_left_out_and_said_so() {
    let tmp = tempfile::tempdir().unwrap();
    let s = spec(
        &["support.enabled=true,false", "events[0].hazard=0,0.001"],
        Design::Grid,
    );
    // No affected agent without events: the metric of the affected has no value there.
    write_folder(tmp.path(), &s, "loneliness_prevalence_affected", |k| {
        if s.points().unwrap()[k][1] == "0" {
            (f64::NAN, f64::NAN, f64::NAN, 0)
        } else {
            (0.2, 0.1, 0.3, 3)
        }
    });
    let written = plot_sweep_metric(tmp.path(), "loneliness_prevalence_affected").unwrap();
    assert_eq!(written.len(), 4, "{written:?}");
    let response = std::fs::read_to_string(tmp.path().join("plots/response.svg")).unwrap();
    assert!(
        svg_texts(&response)
            .iter()
            .any(|t| t.starts_with("2 of 4 points have no value")),
        "{response}"
    );
    let heatmap = std::fs::read_to_string(tmp.path().join("plots/heatmap.svg")).unwrap();
    let texts = svg_texts(&heatmap);
    assert!(
        texts.iter().any(|t| t.starts_with("Grey cells (2)")),
        "{texts:?}"
    );
    // The two cells with values are neighbours with overlapping intervals; no mark touches
    // a grey cell.
    assert_eq!(texts.iter().filter(|t| *t == "≈").count(), 1, "{texts:?}");
}

/// Every `<text>` element of an SVG: (its attributes, its text).
fn svg_elements(svg: &str) -> Vec<(String, String)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let (attrs, body) = t.split_once('>')?;
            Some((
                attrs.to_string(),
                body.split_once("</text>")?.0.trim().to_string(),
            ))
        })
        .collect()
}

/// The text of every `<text>` element of an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    svg_elements(svg).into_iter().map(|(_, t)| t).collect()
}

// ---------------------------------------------------------------- sensitivity

mod sensitivity_plot {
    use super::super::sensitivity::{self, Body, Est, MorrisPoint};
    use super::*;
    use std::collections::HashMap;

    const FIELDS: [&str; 3] = [
        "support.capacity=6..14",
        "interaction.new_tie=0.05..0.3",
        "output.sample_agents=10..50",
    ];

    /// indices.csv rows of one metric: (parameter, column → value) for `values[k]` given in
    /// the order of `columns` (each with its `_ci_low`, `_ci_high`).
    fn rows(columns: &[&str], values: &[[f64; 9]]) -> Vec<(String, HashMap<String, f64>)> {
        FIELDS
            .iter()
            .zip(values)
            .map(|(f, v)| {
                let mut map = HashMap::new();
                for (c, name) in columns.iter().enumerate() {
                    map.insert(name.to_string(), v[3 * c]);
                    map.insert(format!("{name}_ci_low"), v[3 * c + 1]);
                    map.insert(format!("{name}_ci_high"), v[3 * c + 2]);
                }
                (f.split('=').next().unwrap().to_string(), map)
            })
            .collect()
    }

    #[test]
    fn clip_unit_keeps_values_in_range_and_says_when_it_clipped() {
        assert_eq!(sensitivity::clip_unit(0.3), (0.3, false));
        assert_eq!(sensitivity::clip_unit(0.0), (0.0, false));
        assert_eq!(sensitivity::clip_unit(-0.02), (0.0, true));
        assert_eq!(sensitivity::clip_unit(1.2), (1.0, true));
        assert!(sensitivity::clip_unit(f64::NAN).0.is_nan());
        assert!(!sensitivity::clip_unit(f64::NAN).1);
    }

    #[test]
    fn estimates_under_the_bars_read_plainly() {
        assert_eq!(sensitivity::estimate_text(0.0), "0");
        assert_eq!(sensitivity::estimate_text(0.314), "0.31");
        assert_eq!(sensitivity::estimate_text(-1.6401), "−1.64");
    }

    #[test]
    fn morris_axes_start_at_zero_and_cover_every_interval() {
        let p = |m: f64, mh: f64, s: f64, sh: f64| MorrisPoint {
            label: "x".into(),
            mu_star: Est {
                value: m,
                lo: m / 2.0,
                hi: mh,
            },
            sigma: Est {
                value: s,
                lo: s / 2.0,
                hi: sh,
            },
        };
        // The largest σ is an interval end (7.3): its axis covers it with a margin; μ*'s
        // axis fits μ* (3.0) alone.
        let (x, y) = sensitivity::morris_max(&[p(2.0, 3.0, 4.0, 7.3), p(0.0, 0.0, 0.0, 0.0)]);
        assert!((7.3 * 1.05..=10.0).contains(&y), "{y}");
        assert!((3.0 * 1.05..=4.0).contains(&x), "{x}");
        // Nothing moved: unit axes rather than empty ones.
        assert_eq!(
            sensitivity::morris_max(&[p(0.0, 0.0, 0.0, 0.0)]),
            (1.0, 1.0)
        );
        assert_eq!(sensitivity::morris_max(&[]), (1.0, 1.0));
    }

    #[test]
    fn labels_never_overlap_and_stay_put_when_they_can() {
        let sizes = [(120, 24), (120, 24), (120, 24)];
        // Apart: each label above-right of its point.
        let apart = sensitivity::place_labels(&[(100, 500), (400, 300), (700, 100)], &sizes, 1500);
        assert_eq!(apart, vec![(112, 470), (412, 270), (712, 70)]);
        // Three points at the same spot (fields without effect at 0, 0): stacked, no overlap.
        let same = sensitivity::place_labels(&[(100, 800); 3], &sizes, 1500);
        for i in 0..3 {
            for j in 0..i {
                let (a, b) = (same[i], same[j]);
                let overlap =
                    a.0 < b.0 + 120 && b.0 < a.0 + 120 && a.1 < b.1 + 24 && b.1 < a.1 + 24;
                assert!(!overlap, "labels {i} and {j} overlap: {same:?}");
            }
        }
        // Near the right edge the label goes to the left of its point.
        let edge = sensitivity::place_labels(&[(1450, 300)], &sizes[..1], 1500);
        assert_eq!(edge, vec![(1450 - 12 - 120, 270)]);
    }

    #[test]
    fn morris_plan_draws_every_field_in_percentage_points_and_explains_the_line() {
        let spec = spec(&FIELDS, Design::parse("morris:4").unwrap());
        let view = MetricView::new("loneliness_prevalence").unwrap();
        let r = rows(
            &["mu", "mu_star", "sigma"],
            &[
                [0.05, 0.01, 0.08, 0.06, 0.04, 0.09, 0.02, 0.01, 0.03],
                [-0.1, -0.2, 0.0, 0.12, 0.1, 0.2, 0.05, 0.02, 0.07],
                [0.0; 9],
            ],
        );
        let fig = sensitivity::plan(&spec, &view, &r);
        let Body::Morris {
            x_max,
            points,
            x_label,
            ..
        } = &fig.body
        else {
            panic!("not a Morris figure");
        };
        assert_eq!(points.len(), 3);
        // Shares drawn in percent: 0.12 → 12 percentage points.
        assert!((points[1].mu_star.value - 12.0).abs() < 1e-9);
        assert!(x_label.contains("percentage points"));
        assert!(*x_max >= 20.0, "covers the 0.2 interval end: {x_max}");
        assert_eq!(points[2].mu_star.value, 0.0);
        assert!(fig.notes.iter().any(|n| n.contains("σ = μ*")));
        assert!(fig.notes.iter().any(|n| n.contains("not replicate noise")));
    }

    #[test]
    fn sobol_plan_clips_to_the_unit_interval_and_counts_what_it_clipped() {
        let spec = spec(&FIELDS, Design::parse("sobol:4").unwrap());
        let view = MetricView::new("loneliness_prevalence").unwrap();
        let pad = |v: [f64; 6]| [v[0], v[1], v[2], v[3], v[4], v[5], 0.0, 0.0, 0.0];
        let r = rows(
            &["S1", "ST"],
            &[
                pad([0.4, -0.1, 0.9, 0.6, 0.3, 1.3]),
                pad([-0.05, -0.3, 0.2, 0.1, 0.0, 0.4]),
                pad([0.0; 6]),
            ],
        );
        let fig = sensitivity::plan(&spec, &view, &r);
        let Body::Sobol { bars } = &fig.body else {
            panic!("not a Sobol' figure");
        };
        assert_eq!(bars[0].s1.lo, 0.0);
        assert_eq!(bars[0].st.hi, 1.0);
        assert_eq!(bars[1].s1.value, 0.0);
        for b in bars {
            for e in [b.s1, b.st] {
                for x in [e.value, e.lo, e.hi] {
                    assert!((0.0..=1.0).contains(&x), "{x} drawn outside [0, 1]");
                }
            }
        }
        // -0.1, 1.3, -0.05, -0.3: four values drawn at the bound.
        assert!(
            fig.notes
                .iter()
                .any(|n| n.contains("4 estimates or interval ends")),
            "{:?}",
            fig.notes
        );
    }

    #[test]
    fn a_sensitivity_folder_gets_its_plot_and_other_designs_none() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let spec = spec(&FIELDS, Design::parse("sobol:4").unwrap());
        write_folder(dir, &spec, "loneliness_prevalence", |_| (0.2, 0.1, 0.3, 3));
        // Without indices.csv (not finished): no sensitivity plot, the others still drawn.
        let written = plot_sweep(dir).unwrap();
        assert!(!written.iter().any(|p| p.ends_with("sensitivity.png")));
        let mut csv = String::from(
            "parameter,metric,statistic,S1,S1_ci_low,S1_ci_high,ST,ST_ci_low,ST_ci_high\n",
        );
        for f in FIELDS {
            let path = f.split('=').next().unwrap();
            for m in metrics::NAMES {
                for s in ["final", "mean"] {
                    writeln!(csv, "{path},{m},{s},0.2,0.1,0.3,0.4,0.3,0.5").unwrap();
                }
            }
        }
        std::fs::write(dir.join("indices.csv"), csv).unwrap();
        let written = plot_sweep(dir).unwrap();
        assert!(written.iter().any(|p| p.ends_with("sensitivity.png")));
        let svg = std::fs::read_to_string(dir.join("plots/sensitivity.svg")).unwrap();
        for label in [
            "support.capacity",
            "interaction.new_tie",
            "output.sample_agents",
            "S1 (first order)",
        ] {
            assert!(svg_texts(&svg).iter().any(|t| t.contains(label)), "{label}");
        }
    }
}
