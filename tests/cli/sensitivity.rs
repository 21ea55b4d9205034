//! `belonging sensitivity` end to end: Morris and Sobol' analyses of a tiny classroom run
//! (design.csv, indices.csv, plots/sensitivity), the field without effect, resume after a
//! kill, shards merged, and refusals.
//!
//! Tolerances: none. Every comparison is exact (bytes of files, or indices equal to 0.0):
//! the runs are deterministic for a seed and thread count-independent, and under common
//! random numbers a field without effect gives identical outputs at every point, so its
//! differences (Morris) and products of differences (Sobol') are exactly 0.

use crate::common::*;
use std::collections::HashMap;
use std::path::Path;

/// The varied fields: two that act on the model and one that does not (output.sample_agents
/// only chooses whom trajectories.csv follows, and a sweep writes no trajectories).
const VARY: &[&str] = &[
    "--vary",
    "support.capacity=6..14",
    "--vary",
    "interaction.new_tie=0.05..0.3",
    "--vary",
    "output.sample_agents=10..50",
];
const NULL_FIELD: &str = "output.sample_agents";

/// A sensitivity analysis of the tiny classroom (60 agents, 12 weeks, 2 replicates) into
/// `out` by `method`, with `extra` arguments.
fn args(out: &Path, method: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["sensitivity", "classroom", "--method", method]
        .iter()
        .chain(VARY)
        .chain([
            &"--replicates",
            &"2",
            &"--steps",
            &"12",
            &"--set",
            &"population.size=60",
            &"--set",
            &"burn_in=2",
            &"--set",
            &"events[0].pulse.step=3",
            &"--quiet",
            &"--out",
        ])
        .map(|s| s.to_string())
        .collect();
    v.push(out.to_str().expect("UTF-8 temp path").to_string());
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn analyse(out: &Path, method: &str, extra: &[&str]) -> Output {
    let a = args(out, method, extra);
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    belonging(&refs)
}

/// indices.csv as its header and rows of (column → text).
fn indices(dir: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let text = read_string(&dir.join("indices.csv"));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

/// Checks indices.csv of an analysis of [`VARY`] with index columns `columns`: its header,
/// one row per field × metric × statistic, every index and interval of the null field exactly
/// 0 for every metric, and some effect of the other fields on loneliness prevalence.
#[track_caller]
fn check_indices(dir: &Path, columns: &[&str]) {
    let (header, rows) = indices(dir);
    let mut want = vec!["parameter".to_string(), "metric".into(), "statistic".into()];
    for c in columns {
        want.extend([c.to_string(), format!("{c}_ci_low"), format!("{c}_ci_high")]);
    }
    assert_eq!(header, want);
    let metrics = belonging::model::metrics::NAMES;
    assert_eq!(rows.len(), 3 * metrics.len() * 2);
    let value_columns = &want[3..];
    for m in metrics {
        for stat in ["final", "mean"] {
            let row = rows
                .iter()
                .find(|r| {
                    r["parameter"] == NULL_FIELD && r["metric"] == *m && r["statistic"] == stat
                })
                .unwrap_or_else(|| panic!("no row of {NULL_FIELD}, {m}, {stat}"));
            for c in value_columns {
                let v: f64 = row[c].parse().unwrap_or_else(|_| {
                    panic!("{NULL_FIELD} {m} {stat} {c}: `{}` is not a number", row[c])
                });
                assert_eq!(v, 0.0, "{NULL_FIELD} {m} {stat} {c} must be exactly 0");
            }
        }
    }
    let moved = rows.iter().any(|r| {
        r["parameter"] != NULL_FIELD
            && r["metric"] == "loneliness_prevalence"
            && r[columns[1]].parse::<f64>().is_ok_and(|v| v != 0.0)
    });
    assert!(
        moved,
        "the fields that act on the model show no effect at all"
    );
}

/// The files of an analysis that must be byte-identical however it was run.
const RESULTS: &[&str] = &[
    "design.csv",
    "indices.csv",
    "sweep.csv",
    "sweep_summary.csv",
    "sweep.json",
];

#[track_caller]
fn assert_same_results(a: &Path, b: &Path) {
    for f in RESULTS {
        assert_same_file(&a.join(f), &b.join(f));
    }
}

#[test]
fn morris_writes_design_indices_and_plot_the_same_for_any_thread_count() {
    let tmp = tempdir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    analyse(&a, "morris:4", &["--threads", "1"]).success();
    analyse(&b, "morris:4", &["--threads", "2"]).success();
    assert_same_results(&a, &b);
    // 4 trajectories of k + 1 = 4 points, 2 replicates each.
    assert_eq!(data_rows(&a.join("design.csv")), 16);
    assert_eq!(data_rows(&a.join("sweep.csv")), 32);
    let design = read_string(&a.join("design.csv"));
    assert!(design.starts_with(
        "point,group,role,support.capacity,interaction.new_tie,output.sample_agents,\
         unit:support.capacity,unit:interaction.new_tie,unit:output.sample_agents\n0,0,start,"
    ));
    check_indices(&a, &["mu", "mu_star", "sigma"]);
    for f in ["sensitivity.png", "sensitivity.svg", "response.png"] {
        assert!(read(&a.join("plots").join(f)).len() > 1000, "plots/{f}");
    }
    let svg = read_string(&a.join("plots/sensitivity.svg"));
    assert!(
        svg.contains("σ = μ*"),
        "the note explains the reference line"
    );
}

#[test]
fn sobol_writes_design_indices_and_plot() {
    let tmp = tempdir();
    let dir = tmp.path().join("s");
    analyse(&dir, "sobol:4", &[]).success();
    // N = 4 base rows of k + 2 = 5 points (A, AB_i, B), 2 replicates each.
    assert_eq!(data_rows(&dir.join("design.csv")), 20);
    assert_eq!(data_rows(&dir.join("sweep.csv")), 40);
    let design = read_string(&dir.join("design.csv"));
    let roles: Vec<&str> = design
        .lines()
        .skip(1)
        .take(5)
        .map(|l| l.split(',').nth(2).unwrap_or_default())
        .collect();
    assert_eq!(
        roles,
        [
            "A",
            "AB:support.capacity",
            "AB:interaction.new_tie",
            "AB:output.sample_agents",
            "B"
        ]
    );
    check_indices(&dir, &["S1", "ST"]);
    for f in ["sensitivity.png", "sensitivity.svg"] {
        assert!(read(&dir.join("plots").join(f)).len() > 1000, "plots/{f}");
    }
    // `belonging plot DIR` redraws it from the folder alone, the same bytes (SVG).
    let before = read(&dir.join("plots/sensitivity.svg"));
    std::fs::remove_file(dir.join("plots/sensitivity.svg")).expect("remove");
    belonging(&["plot", dir.to_str().expect("UTF-8")]).success();
    assert_eq!(read(&dir.join("plots/sensitivity.svg")), before);
}

#[cfg(unix)]
#[test]
fn a_killed_analysis_resumes_to_the_same_bytes() {
    let tmp = tempdir();
    let (full, killed) = (tmp.path().join("full"), tmp.path().join("killed"));
    analyse(&full, "morris:4", &["--threads", "2"]).success();

    let a = args(&killed, "morris:4", &["--threads", "1"]);
    // Kill it (SIGKILL) as soon as its first job is on disk.
    let jobs = killed.join("jobs");
    let s = signal_when(bin().args(&a), || csv_files(&jobs) > 0, libc::SIGKILL);
    assert_eq!(s.output.code, None, "killed by the signal");
    assert_ne!(manifest(&killed)["status"], "complete");
    assert!(
        !killed.join("indices.csv").exists(),
        "no indices from a killed run"
    );

    belonging(&[
        "sensitivity",
        "--resume",
        killed.to_str().expect("UTF-8"),
        "--quiet",
    ])
    .success();
    assert_eq!(manifest(&killed)["status"], "complete");
    assert_same_results(&full, &killed);
}

/// Runs `shard(dir, "I/2")` into two shard folders (each must write no indices) and merges
/// them into `merged`.
fn two_shards_merged(tmp: &Path, merged: &Path, shard: impl Fn(&Path, &str) -> Output) {
    let shards: Vec<_> = (0..2).map(|i| tmp.join(format!("s{i}"))).collect();
    for (i, dir) in shards.iter().enumerate() {
        shard(dir, &format!("{i}/2")).success();
        assert!(
            !dir.join("indices.csv").exists(),
            "a shard writes no indices"
        );
    }
    let s = |p: &Path| p.to_str().expect("UTF-8").to_string();
    belonging(&["merge", &s(&shards[0]), &s(&shards[1]), "--out", &s(merged)]).success();
}

#[test]
fn two_shards_merged_give_the_one_machine_indices() {
    let tmp = tempdir();
    let full = tmp.path().join("full");
    analyse(&full, "sobol:4", &[]).success();
    let merged = tmp.path().join("merged");
    two_shards_merged(tmp.path(), &merged, |dir, i| {
        analyse(dir, "sobol:4", &["--shard", i])
    });
    assert_same_results(&full, &merged);
    assert!(read(&merged.join("plots/sensitivity.png")).len() > 1000);
}

#[test]
fn bad_methods_and_misused_options_are_refused() {
    let tmp = tempdir();
    let out = tmp.path().join("bad");
    let o_s = out.to_str().expect("UTF-8").to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["sensitivity", "classroom", "--method", "morris:1"],
            "--method morris:1: expected morris:R[:P]",
        ),
        (
            vec!["sensitivity", "classroom", "--method", "morris"],
            "--method morris: expected",
        ),
        (
            vec!["sensitivity", "classroom", "--method", "sobol:3"],
            "--method sobol:3: expected",
        ),
        (
            vec!["sensitivity", "classroom", "--method", "lhs:4"],
            "--method lhs:4: expected",
        ),
        (
            vec!["sensitivity", "classroom", "--method", "cube"],
            "--method cube: expected",
        ),
        (
            vec![
                "sensitivity",
                "classroom",
                "--method",
                "morris:4",
                "--design",
                "grid",
            ],
            "`sensitivity` takes its design from --method",
        ),
        (
            vec!["sensitivity", "--resume", &o_s, "--method", "morris:4"],
            "--method with --resume",
        ),
        // A range without a step is for sensitivity designs; a grid needs values or a step.
        (
            vec!["sweep", "classroom", "--vary", "support.capacity=6..14"],
            "a range without a step is sampled, which `grid` does not do",
        ),
    ];
    for (mut all, needle) in cases {
        if all[0] == "sensitivity" && !all.contains(&"--resume") {
            all.extend(["--vary", "support.capacity=6..14"]);
        }
        if !all.contains(&"--resume") {
            all.extend(["--out", o_s.as_str()]);
        }
        let o = belonging(&all);
        o.bad_input();
        assert!(o.stderr.contains(needle), "{all:?}: {}", o.stderr);
        assert!(!out.exists(), "{all:?} created its output folder");
    }
}

// ---- A design made elsewhere: `sensitivity --method M --design FILE.csv --vary ...` ----

/// Continuous fields for the design-file tests: a file's values are read back as numbers, so
/// these avoid whole-number fields (whose values a design rounds, changing Morris's steps).
const FILE_VARY: &[&str] = &[
    "--vary",
    "interaction.new_tie=0.05..0.3",
    "--vary",
    "ties.decay=0.15..0.35",
    "--vary",
    "support.dropout=0.01..0.1",
];

/// A sensitivity analysis of the tiny classroom over [`FILE_VARY`] by `method`, into `out`,
/// with `extra` arguments (a `--design FILE.csv`, a shard, ...).
fn file_analysis(out: &Path, method: &str, extra: &[&str]) -> Output {
    let mut a: Vec<&str> = vec!["sensitivity", "classroom", "--method", method];
    a.extend(FILE_VARY);
    a.extend(TINY);
    a.extend(["--out", out.to_str().expect("UTF-8 temp path")]);
    a.extend(extra);
    belonging(&a)
}

/// A design file from a finished analysis's design.csv: the columns `columns` (scenario paths)
/// in that order, the rows in design.csv's order — SALib's order (Morris: each trajectory's
/// k + 1 rows in a row; Sobol': each base row's A, AB_1 .. AB_k, B).
fn design_file_from(dir: &Path, columns: &[&str]) -> String {
    let text = read_string(&dir.join("design.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let at: Vec<usize> = columns
        .iter()
        .map(|c| {
            header
                .iter()
                .position(|h| h == c)
                .unwrap_or_else(|| panic!("design.csv has no column {c}"))
        })
        .collect();
    let mut out = columns.join(",") + "\n";
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        let row: Vec<&str> = at.iter().map(|&k| f[k]).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// The header in another order than `--vary`'s: a file's columns are matched by name.
const FILE_COLUMNS: &[&str] = &["support.dropout", "interaction.new_tie", "ties.decay"];

/// Asserts that a Morris design written in SALib's order from the points of our own
/// `--method morris:4` run gives byte-identical indices.csv (and sweep_summary.csv: the same
/// points ran), stores its ranges in sweep.json, and resumes to the same bytes.
#[test]
fn a_morris_design_file_in_salib_order_gives_the_methods_own_indices() {
    let tmp = tempdir();
    let own = tmp.path().join("own");
    file_analysis(&own, "morris:4", &[]).success();
    let file = tmp.path().join("morris.csv");
    std::fs::write(&file, design_file_from(&own, FILE_COLUMNS)).expect("write design");
    let f = file.to_str().expect("UTF-8");

    let given = tmp.path().join("given");
    file_analysis(&given, "morris:4", &["--design", f]).success();
    assert_same_file(&own.join("indices.csv"), &given.join("indices.csv"));
    assert_same_file(
        &own.join("sweep_summary.csv"),
        &given.join("sweep_summary.csv"),
    );
    let spec: serde_json::Value =
        serde_json::from_str(&read_string(&given.join("sweep.json"))).expect("sweep.json");
    assert_eq!(spec["design"], "morris:4:4");
    assert_eq!(
        spec["ranges"],
        serde_json::json!(["0.05..0.3", "0.15..0.35", "0.01..0.1"])
    );

    // One job now, the rest on resume (the folder's sweep.json alone): the same bytes.
    let resumed = tmp.path().join("resumed");
    file_analysis(&resumed, "morris:4", &["--design", f, "--job", "0"]).success();
    assert!(!resumed.join("indices.csv").exists());
    belonging(&[
        "sensitivity",
        "--resume",
        resumed.to_str().expect("UTF-8"),
        "--quiet",
    ])
    .success();
    assert_same_results(&given, &resumed);
}

/// Asserts that a Sobol' design (A, AB_1 .. AB_k, B per base row, as SALib's
/// `sobol.sample(..., calc_second_order=False)`) written from our own `--method sobol:4` run
/// gives byte-identical indices.csv, also when run as two shards and merged.
#[test]
fn a_sobol_design_file_in_salib_order_gives_the_methods_own_indices_sharded_and_merged() {
    let tmp = tempdir();
    let own = tmp.path().join("own");
    file_analysis(&own, "sobol:4", &[]).success();
    let file = tmp.path().join("sobol.csv");
    std::fs::write(&file, design_file_from(&own, FILE_COLUMNS)).expect("write design");
    let f = file.to_str().expect("UTF-8");
    let merged = tmp.path().join("merged");
    two_shards_merged(tmp.path(), &merged, |dir, i| {
        file_analysis(dir, "sobol:4", &["--design", f, "--shard", i])
    });
    assert_same_file(&own.join("indices.csv"), &merged.join("indices.csv"));
    assert_same_file(
        &own.join("sweep_summary.csv"),
        &merged.join("sweep_summary.csv"),
    );
    assert!(read(&merged.join("plots/sensitivity.png")).len() > 1000);
}

/// A valid Morris design of morris:2 over interaction.new_tie=0.05..0.3 and
/// ties.decay=0.1..0.35: two trajectories of three rows, each row moving one field.
const MORRIS_FILE: &str = "interaction.new_tie,ties.decay\n\
    0.1,0.2\n0.3,0.2\n0.3,0.3\n\
    0.2,0.3\n0.2,0.1\n0.1,0.1\n";

/// A valid Sobol' design of sobol:2 over the same fields: two blocks A, AB_1, AB_2, B.
const SOBOL_FILE: &str = "interaction.new_tie,ties.decay\n\
    0.1,0.2\n0.25,0.2\n0.1,0.3\n0.25,0.3\n\
    0.2,0.15\n0.06,0.15\n0.2,0.33\n0.06,0.33\n";

/// Asserts that each malformed design file, or a file whose columns and --vary fields
/// disagree, is refused (exit 2) with a message naming the problem and its first offending
/// line, and that no output folder is created.
#[test]
fn malformed_design_files_are_refused_before_any_folder_exists() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let o = out.to_str().expect("UTF-8").to_string();
    let vary = [
        "--vary",
        "interaction.new_tie=0.05..0.3",
        "--vary",
        "ties.decay=0.1..0.35",
    ];
    let with = |text: &str, line: usize, value: &str| -> String {
        // `text` with line `line` (1-based, the header is line 1) replaced by `value`.
        text.lines()
            .enumerate()
            .map(|(k, l)| if k + 1 == line { value } else { l })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    };
    let cases: Vec<(&str, String, &str, Vec<&str>)> = vec![
        (
            "morris:2",
            MORRIS_FILE.lines().take(6).collect::<Vec<_>>().join("\n") + "\n",
            "morris:2:4 with 2 fields needs 2 trajectories x 3 rows = 6 rows; the design file \
             has 5",
            vary.to_vec(),
        ),
        (
            "morris:2",
            with(MORRIS_FILE, 3, "0.3,0.25"),
            "line 3 (row 1, trajectory 0): changes interaction.new_tie, ties.decay from the \
             row before",
            vary.to_vec(),
        ),
        (
            "morris:2",
            with(MORRIS_FILE, 4, "0.2,0.2"),
            "line 4 (row 2, trajectory 0): changes interaction.new_tie a second time",
            vary.to_vec(),
        ),
        (
            "sobol:2",
            SOBOL_FILE.lines().take(8).collect::<Vec<_>>().join("\n") + "\n",
            "sobol:2 with 2 fields needs 2 blocks x 4 rows",
            vary.to_vec(),
        ),
        (
            "sobol:2",
            with(SOBOL_FILE, 4, "0.25,0.3"),
            "line 4 (row 2, block 0's AB for ties.decay): must equal A (line 2) except \
             ties.decay, which must equal B's (line 5); it differs in interaction.new_tie",
            vary.to_vec(),
        ),
        (
            "morris:2",
            with(MORRIS_FILE, 6, "0.2,0.4"),
            "line 6: the value 0.4 of ties.decay is outside its range 0.1..0.35",
            vary.to_vec(),
        ),
        (
            "morris:2",
            MORRIS_FILE.into(),
            "its column ties.decay has no range: give --vary ties.decay=LO..HI for every column",
            vary[..2].to_vec(),
        ),
        (
            "morris:2",
            MORRIS_FILE.into(),
            "--vary support.dropout=0.01..0.1: the file has no column support.dropout",
            [&vary[..], &["--vary", "support.dropout=0.01..0.1"]].concat(),
        ),
    ];
    for (k, (method, text, needle, vary)) in cases.into_iter().enumerate() {
        let file = tmp.path().join(format!("design-{k}.csv"));
        std::fs::write(&file, &text).expect("write design");
        let mut all = vec![
            "sensitivity",
            "classroom",
            "--method",
            method,
            "--design",
            file.to_str().expect("UTF-8"),
            "--out",
            o.as_str(),
        ];
        all.extend(vary);
        let r = belonging(&all);
        r.bad_input();
        assert!(
            r.stderr.contains(needle),
            "case {k} ({method}):\n{text}\nexpected `{needle}` in: {}",
            r.stderr
        );
        assert!(!out.exists(), "case {k} created its output folder");
    }
}
