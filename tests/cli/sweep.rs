//! `belonging sweep` and `belonging merge` end to end: designs, streaming, resume after a
//! kill, `--job`, shards (by hand and as a SLURM array would set them), merge, and refusals.

use crate::common::*;
use std::path::Path;

/// A small sweep of the classroom scenario: 3 x 2 points, 3 replicates = 18 jobs.
fn sweep_args(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "sweep",
        "classroom",
        "--vary",
        "support.capacity=6,10,14",
        "--vary",
        "interaction.new_tie=0.1..0.2:0.1",
        "--replicates",
        "3",
        "--set",
        "population.size=80",
        "--set",
        "burn_in=4",
        "--set",
        "events[0].pulse.step=3",
        "--steps",
        "20",
        "--quiet",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(out.to_str().expect("UTF-8 temp path").to_string());
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn sweep(out: &Path, extra: &[&str]) -> Output {
    let args = sweep_args(out, extra);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    belonging(&refs)
}

/// The result files that must be identical however the sweep was run.
const RESULTS: &[&str] = &[
    "sweep.csv",
    "sweep_summary.csv",
    "sweep.json",
    "scenario.ron",
];

#[track_caller]
fn assert_same_results(a: &Path, b: &Path) {
    for f in RESULTS {
        assert_same_file(&a.join(f), &b.join(f));
    }
    for k in 0..18 {
        let name = format!("jobs/job-{k:06}.csv");
        assert_same_file(&a.join(&name), &b.join(&name));
    }
}

#[test]
fn sweep_writes_tidy_tables_and_plots_identically_for_any_thread_count() {
    let tmp = tempdir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    sweep(&a, &["--threads", "1"]).success();
    sweep(&b, &["--threads", "2"]).success();
    assert_same_results(&a, &b);
    // One row per job, with its parameters; per point, metric and statistic in the summary.
    let csv = read_string(&a.join("sweep.csv"));
    let header = csv.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("job,point,replicate,seed,support.capacity,interaction.new_tie,final_"),
        "{header}"
    );
    assert_eq!(data_rows(&a.join("sweep.csv")), 18);
    assert!(csv.contains("\n5,1,2,"), "job 5 = point 1, replicate 2");
    let n_metrics = belonging::model::metrics::NAMES.len();
    assert_eq!(data_rows(&a.join("sweep_summary.csv")), 6 * n_metrics * 2);
    assert_eq!(manifest(&a)["status"], "complete");
    // Where the time went: the phases are parts of the wall time (they are timed one after
    // the other inside it; 1 ms of slack for the rounding of separate clock readings).
    let m = manifest(&a);
    let phase = |k: &str| m["phase_seconds"][k].as_f64().unwrap_or(f64::NAN);
    let sum: f64 = ["runs", "tables", "indices", "plots"]
        .map(phase)
        .iter()
        .sum();
    let wall = m["wall_seconds"].as_f64().expect("wall_seconds");
    assert!(
        sum <= wall + 1e-3 && sum >= 0.5 * wall,
        "phases {sum} of wall {wall}"
    );
    for plot in ["response", "heatmap"] {
        let png = read(&a.join("plots").join(format!("{plot}.png")));
        assert!(png.len() > 1000, "plots/{plot}.png");
    }
}

#[cfg(unix)]
#[test]
fn a_killed_sweep_resumes_to_the_same_bytes() {
    let tmp = tempdir();
    let (full, killed) = (tmp.path().join("full"), tmp.path().join("killed"));
    sweep(&full, &["--threads", "2"]).success();

    let args = sweep_args(&killed, &["--threads", "1"]);
    // Kill it (SIGKILL: no chance to clean up) as soon as its first job is on disk.
    let jobs = killed.join("jobs");
    let s = signal_when(bin().args(&args), || csv_files(&jobs) > 0, libc::SIGKILL);
    assert_eq!(s.output.code, None, "killed by the signal");
    assert_ne!(manifest(&killed)["status"], "complete");
    assert!(
        !killed.join("sweep.csv").exists(),
        "no final table from a killed sweep"
    );

    let resumed = belonging(&[
        "sweep",
        "--resume",
        killed.to_str().expect("UTF-8"),
        "--quiet",
    ]);
    resumed.success();
    assert_eq!(manifest(&killed)["status"], "complete");
    assert_same_results(&full, &killed);
}

#[test]
fn one_job_rerun_alone_gives_the_same_bytes() {
    let tmp = tempdir();
    let (full, one) = (tmp.path().join("full"), tmp.path().join("one"));
    sweep(&full, &[]).success();
    sweep(&one, &["--job", "7"]).success();
    assert_same_file(
        &full.join("jobs/job-000007.csv"),
        &one.join("jobs/job-000007.csv"),
    );
    assert_eq!(manifest(&one)["status"], "partial");
    let bad = sweep(&tmp.path().join("bad"), &["--job", "18"]);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
}

#[test]
fn shards_merge_to_the_one_machine_result_and_bad_merges_are_refused() {
    let tmp = tempdir();
    let full = tmp.path().join("full");
    sweep(&full, &[]).success();
    // Shards 0/3 and 1/3 by hand, shard 2/3 as a SLURM array task would see it.
    let shards: Vec<_> = (0..3).map(|i| tmp.path().join(format!("s{i}"))).collect();
    sweep(&shards[0], &["--shard", "0/3"]).success();
    sweep(&shards[1], &["--shard", "1/3"]).success();
    let args = sweep_args(&shards[2], &["--shard", "slurm"]);
    run_cmd(
        bin()
            .args(&args)
            .env("SLURM_ARRAY_TASK_ID", "12")
            .env("SLURM_ARRAY_TASK_MIN", "10")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_CPUS_PER_TASK", "1"),
    )
    .success();
    assert_eq!(
        manifest(&shards[2])["threads"],
        1,
        "threads follow SLURM_CPUS_PER_TASK"
    );
    let s = |p: &Path| p.to_str().expect("UTF-8").to_string();

    // Missing a shard: the merge lists the missing jobs and is not complete.
    let part = tmp.path().join("part");
    let o = belonging(&["merge", &s(&shards[0]), &s(&shards[1]), "--out", &s(&part)]);
    assert_eq!(o.code, Some(1), "{}", o.stderr);
    assert!(o.stderr.contains("missing jobs: 2, 5, 8"), "{}", o.stderr);
    assert_eq!(manifest(&part)["status"], "partial");

    let merged = tmp.path().join("merged");
    belonging(&[
        "merge",
        &s(&shards[0]),
        &s(&shards[1]),
        &s(&shards[2]),
        "--out",
        &s(&merged),
    ])
    .success();
    assert_same_results(&full, &merged);

    // Overlapping shards.
    let o = belonging(&[
        "merge",
        &s(&shards[0]),
        &s(&full),
        "--out",
        &s(&tmp.path().join("x")),
    ]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(o.stderr.contains("overlap"), "{}", o.stderr);
    // A different sweep.
    let other = tmp.path().join("other");
    sweep(&other, &["--shard", "2/3", "--seed", "99"]).success();
    let o = belonging(&[
        "merge",
        &s(&shards[0]),
        &s(&other),
        "--out",
        &s(&tmp.path().join("y")),
    ]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(o.stderr.contains("different sweep"), "{}", o.stderr);
}

#[test]
fn resume_refuses_a_folder_of_another_sweep() {
    let tmp = tempdir();
    let dir = tmp.path().join("d");
    sweep(&dir, &["--shard", "0/2"]).success();
    let before = snapshot(&dir);
    let o = belonging(&[
        "sweep",
        "classroom",
        "--vary",
        "support.capacity=6,10",
        "--resume",
        dir.to_str().expect("UTF-8"),
    ]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(o.stderr.contains("different sweep"), "{}", o.stderr);
    assert_eq!(before, snapshot(&dir), "nothing written");
    let not_a_sweep = belonging(&["sweep", "--resume", tmp.path().to_str().expect("UTF-8")]);
    assert_eq!(not_a_sweep.code, Some(2), "{}", not_a_sweep.stderr);
}

#[test]
fn designs_and_bad_sweep_specifications() {
    let tmp = tempdir();
    let lhs = tmp.path().join("lhs");
    let o = belonging(&[
        "sweep",
        "classroom",
        "--vary",
        "support.capacity=6..18:1",
        "--vary",
        "belonging.contagion=0.01..0.3:log4",
        "--design",
        "lhs:5",
        "--replicates",
        "1",
        "--set",
        "population.size=60",
        "--steps",
        "4",
        "--set",
        "burn_in=2",
        "--set",
        "events[0].pulse.step=1",
        "--quiet",
        "--out",
        lhs.to_str().expect("UTF-8"),
    ]);
    o.success();
    assert_eq!(data_rows(&lhs.join("sweep.csv")), 5);
    for (args, needle) in [
        (
            vec!["--vary", "support.capacity=1..2"],
            "a range without a step",
        ),
        (
            vec!["--vary", "support.capacity=6,10", "--design", "cube"],
            "grid, zip, lhs:N, morris:R[:P], sobol:N or a design file",
        ),
        (
            vec![
                "--vary",
                "support.capacity=6,10",
                "--vary",
                "steps=4,5,6",
                "--design",
                "zip",
            ],
            "equal length",
        ),
        (vec!["--vary", "no.such=1,2"], "no field `no`"),
        (
            vec!["--vary", "support.capacity=6,10", "--shard", "2/2"],
            "0 <= I < N",
        ),
        (
            vec!["--vary", "support.capacity=6,10", "--shard", "slurm"],
            "SLURM_ARRAY_TASK_ID",
        ),
    ] {
        let out = tmp.path().join("bad");
        let mut all = vec!["sweep", "classroom"];
        all.extend(args);
        let o_s = out.to_str().expect("UTF-8").to_string();
        all.extend(["--out", o_s.as_str()]);
        let o = run_cmd(bin().args(&all).env_remove("SLURM_ARRAY_TASK_ID"));
        assert_eq!(o.code, Some(2), "{all:?}: {}", o.stderr);
        assert!(o.stderr.contains(needle), "{all:?}: {}", o.stderr);
        assert!(!out.exists(), "{all:?} created its output folder");
    }
}

/// The classroom at its smallest, for compare and the seeding tests.
const SMALL: &[&str] = &[
    "--set",
    "population.size=80",
    "--set",
    "burn_in=4",
    "--set",
    "events[0].pulse.step=3",
    "--steps",
    "20",
];

/// compare.csv's one row as (column, value) pairs.
fn compare_row(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let csv = read_string(&dir.join("compare.csv"));
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    assert_eq!(header.len(), row.len(), "{csv}");
    header
        .iter()
        .zip(&row)
        .map(|(h, v)| (h.to_string(), v.to_string()))
        .collect()
}

#[test]
fn compare_reports_difference_and_effect_size_with_cis_and_a_plot() {
    let tmp = tempdir();
    let out = tmp.path().join("cmp");
    let o_s = out.to_str().expect("UTF-8");
    let mut args = vec!["compare", "classroom", "classroom"];
    args.extend(SMALL);
    args.extend([
        "--replicates",
        "4",
        "--metric",
        "loneliness_mean",
        "--out",
        o_s,
    ]);
    let o = belonging(&args);
    o.success();
    assert!(o.stdout.contains("Cohen's d over agents"), "{}", o.stdout);
    // The same scenario against itself with the same seeds: exactly 0, a zero-width paired
    // interval, and an agent-level d of exactly 0.
    let row = compare_row(&out);
    assert_eq!(row["metric"], "loneliness_mean");
    assert_eq!(row["at"], "19", "the last week by default");
    assert_eq!(row["seeds"], "common");
    for k in [
        "difference",
        "difference_ci_low",
        "difference_ci_high",
        "cohens_d",
    ] {
        assert_eq!(row[k], "0", "{k}: {row:?}");
    }
    assert_eq!(row["difference_interval"], "paired t over replicate pairs");
    assert_eq!(
        row["agents_treatment"], "80",
        "every agent enters loneliness_mean"
    );
    assert_eq!(data_rows(&out.join("compare_series.csv")), 40);
    assert!(read(&out.join("plots/compare.png")).len() > 1000);
    // The folder says what was compared and that it is complete.
    let manifest = read_string(&out.join("manifest.json"));
    assert!(manifest.contains("\"status\": \"complete\""), "{manifest}");
    assert!(manifest.contains("\"kind\": \"compare\""), "{manifest}");
    for f in ["treatment.ron", "control.ron"] {
        assert!(
            read_string(&out.join(f)).contains("name: \"classroom\""),
            "{f}"
        );
    }
    // `belonging plot` redraws it from the folder alone.
    std::fs::remove_file(out.join("plots/compare.png")).expect("remove");
    belonging(&["plot", o_s]).success();
    assert!(read(&out.join("plots/compare.png")).len() > 1000);
    let bad = belonging(&["compare", "classroom", "no-support", "--metric", "nope"]);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(bad.stderr.contains("no such metric"), "{}", bad.stderr);
}

/// --set-treatment and --set-control change one arm only: the treatment of `compare
/// classroom classroom --set-control support.enabled=false` is `run classroom` and its
/// control is `run classroom --set support.enabled=false`, number for number, at the week
/// compared (same replicates and seeds).
#[test]
fn per_arm_overrides_change_one_arm_only() {
    let tmp = tempdir();
    let s = |p: &Path| p.to_str().expect("UTF-8").to_string();
    let cmp = tmp.path().join("cmp");
    let mut args = vec!["compare", "classroom", "classroom"];
    args.extend(SMALL);
    let (cmp_s, at) = (s(&cmp), "15");
    args.extend([
        "--set-control",
        "support.enabled=false",
        "--replicates",
        "3",
        "--at",
        at,
        "--metric",
        "loneliness_mean",
        "--quiet",
        "--out",
        &cmp_s,
    ]);
    belonging(&args).success();
    let row = compare_row(&cmp);
    assert_eq!(row["control"], "classroom (support.enabled=false)");
    assert!(read_string(&cmp.join("control.ron")).contains("enabled: false"));
    let mean_at = |dir: &Path| -> String {
        let summary = read_string(&dir.join("summary.csv"));
        let line = summary
            .lines()
            .find(|l| l.starts_with(&format!("{at},loneliness_mean,")))
            .expect("the week in summary.csv")
            .to_string();
        line.split(',').nth(2).expect("mean").to_string()
    };
    for (arm, extra) in [
        ("treatment", None),
        ("control", Some("support.enabled=false")),
    ] {
        let dir = tmp.path().join(arm);
        let dir_s = s(&dir);
        let mut run = vec!["run", "classroom"];
        run.extend(SMALL);
        if let Some(e) = extra {
            run.extend(["--set", e]);
        }
        run.extend(["--replicates", "3", "--quiet", "--out", &dir_s]);
        belonging(&run).success();
        assert_eq!(row[&format!("mean_{arm}")], mean_at(&dir), "{arm}: {row:?}");
    }
    // Without support groups the arms differ: a real, non-zero difference (mean loneliness,
    // a continuous metric: in 80 agents over 20 weeks the prevalence can tie by chance).
    assert_ne!(row["difference"], "0");
}

/// The seeds column of sweep.csv: (point, replicate) -> seed, and the metric columns.
fn jobs_by_value(dir: &Path) -> Vec<(String, String, String, String)> {
    let csv = read_string(&dir.join("sweep.csv"));
    csv.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            // job, point, replicate, seed, value, final_..., mean_...
            (
                f[4].to_string(),
                f[2].to_string(),
                f[3].to_string(),
                f[5..].join(","),
            )
        })
        .collect()
}

/// Common random numbers: replicate r of every point runs with the seed of replicate r of a
/// plain run, and listing the values in another order changes no job's numbers; with
/// --independent-seeds every job has a seed of its own, still independent of the order.
#[test]
fn sweep_points_share_seeds_and_their_order_changes_no_number() {
    let tmp = tempdir();
    let s = |p: &Path| p.to_str().expect("UTF-8").to_string();
    let run = |name: &str, values: &str, extra: &[&str]| -> Vec<(String, String, String, String)> {
        let dir = tmp.path().join(name);
        let dir_s = s(&dir);
        let vary = format!("support.enabled={values}");
        let mut args = vec!["sweep", "classroom", "--vary", &vary];
        args.extend(SMALL);
        args.extend(["--replicates", "2", "--quiet", "--out", &dir_s]);
        args.extend(extra);
        belonging(&args).success();
        let mut rows = jobs_by_value(&dir);
        rows.sort();
        rows
    };
    let fwd = run("fwd", "true,false", &[]);
    let rev = run("rev", "false,true", &[]);
    assert_eq!(fwd, rev, "the order of the values changed a job's numbers");
    assert_eq!(fwd.len(), 4);
    // Replicate r of both points: one seed, that of replicate r of `run`.
    for r in ["0", "1"] {
        let seeds: Vec<&String> = fwd.iter().filter(|j| j.1 == r).map(|j| &j.2).collect();
        assert_eq!(seeds.len(), 2);
        assert_eq!(seeds[0], seeds[1], "replicate {r}: {fwd:?}");
    }
    let plain = tmp.path().join("plain");
    let plain_s = s(&plain);
    let mut args = vec!["run", "classroom"];
    args.extend(SMALL);
    args.extend(["--replicates", "2", "--quiet", "--out", &plain_s]);
    belonging(&args).success();
    let runs = read_string(&plain.join("runs.csv"));
    let seed0 = runs
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(1))
        .unwrap_or_default();
    assert_eq!(
        &fwd.iter().find(|j| j.1 == "0").expect("replicate 0").2,
        seed0
    );
    // The points differ only by support groups, and with shared seeds they differ in numbers.
    assert_ne!(fwd[0].3, fwd[2].3, "support groups changed nothing?");
    // Independent seeds: four distinct seeds, still the same numbers in either order.
    let ind_fwd = run("ind-fwd", "true,false", &["--independent-seeds"]);
    let ind_rev = run("ind-rev", "false,true", &["--independent-seeds"]);
    assert_eq!(ind_fwd, ind_rev);
    let mut seeds: Vec<&String> = ind_fwd.iter().map(|j| &j.2).collect();
    seeds.sort();
    seeds.dedup();
    assert_eq!(seeds.len(), 4, "{ind_fwd:?}");
}

/// Rewrites a sweep folder's sweep.json as another version of belonging would have written
/// it (sealed again, so only the version differs).
fn as_written_by(dir: &Path, version: &str) {
    let mut spec = belonging::output::sweep::read_spec(dir).expect("sweep.json");
    spec.version = version.into();
    let spec = spec.sealed();
    std::fs::write(dir.join("sweep.json"), spec.to_json()).expect("write sweep.json");
}

#[test]
fn folders_of_another_version_are_neither_resumed_nor_merged() {
    let tmp = tempdir();
    let s = |p: &Path| p.to_str().expect("UTF-8").to_string();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    sweep(&a, &["--shard", "0/2"]).success();
    sweep(&b, &["--shard", "1/2"]).success();
    assert_eq!(
        belonging::output::sweep::read_spec(&a)
            .expect("sweep.json")
            .version,
        env!("CARGO_PKG_VERSION"),
        "a sweep records the version that wrote it"
    );
    as_written_by(&b, "0.0.1");
    belonging(&["sweep", "--resume", &s(&b), "--quiet"])
        .bad_input()
        .stderr_has(&["0.0.1", env!("CARGO_PKG_VERSION"), "refusing"]);
    let o = belonging(&["merge", &s(&a), &s(&b), "--out", &s(&tmp.path().join("m"))]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr.contains("0.0.1")
            && o.stderr
                .contains("whose results for the same seed differ; refusing to merge"),
        "{}",
        o.stderr
    );
    // A sweep folder from before sweeps recorded their version counts as 0.1.0.
    as_written_by(&b, "");
    belonging(&["sweep", "--resume", &s(&b), "--quiet"])
        .bad_input()
        .stderr_has(&["0.1.0", "refusing"]);
    // A sweep.json of format 1 (each point seeded by its position) is refused by name.
    let text = read_string(&a.join("sweep.json")).replace("\"format\": 2", "\"format\": 1");
    std::fs::write(a.join("sweep.json"), text).expect("write sweep.json");
    belonging(&["sweep", "--resume", &s(&a), "--quiet"])
        .bad_input()
        .stderr_has(&["sweep format 1", "common random numbers"]);
}

/// `--design FILE.csv` (a design made elsewhere, e.g. by SALib): its header names the varied
/// fields, each row is a point; the sweep is the one its columns as zipped `--vary` lists
/// give, byte for byte. Bad files and a `--vary` beside one are refused with exit 2 before
/// anything is written.
#[test]
fn a_design_file_runs_its_rows_as_points() {
    let tmp = tempdir();
    let design = tmp.path().join("design.csv");
    std::fs::write(
        &design,
        "support.capacity,interaction.new_tie\n6,0.1\n14,0.2\n10,0.15\n",
    )
    .expect("write the design");
    let common = |out: &Path| -> Vec<String> {
        [
            "sweep",
            "classroom",
            "--replicates",
            "2",
            "--set",
            "population.size=80",
            "--set",
            "events[0].pulse.step=3",
            "--steps",
            "6",
            "--quiet",
            "--out",
            out.to_str().expect("UTF-8"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |out: &Path, extra: &[&str]| {
        let mut args = common(out);
        args.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        belonging(&refs)
    };
    let (from_file, zipped) = (tmp.path().join("file"), tmp.path().join("zip"));
    run(&from_file, &["--design", design.to_str().expect("UTF-8")]).success();
    run(
        &zipped,
        &[
            "--vary",
            "support.capacity=6,14,10",
            "--vary",
            "interaction.new_tie=0.1,0.2,0.15",
            "--design",
            "zip",
        ],
    )
    .success();
    for f in RESULTS {
        assert_same_file(&from_file.join(f), &zipped.join(f));
    }
    assert_eq!(data_rows(&from_file.join("sweep.csv")), 3 * 2);
    let csv = read_string(&from_file.join("sweep.csv"));
    assert!(
        csv.contains("\n4,2,0,"),
        "job 4 = row 3 (point 2), replicate 0"
    );

    // Refusals: each exits 2, names the problem, and writes no folder.
    for (name, text, says) in [
        (
            "ragged.csv",
            "support.capacity,interaction.new_tie\n6,0.1\n14\n",
            "line 3",
        ),
        (
            "twice.csv",
            "support.capacity,support.capacity\n6,8\n",
            "named twice",
        ),
        ("empty.csv", "support.capacity\n", "no points"),
        (
            "blank.csv",
            "support.capacity,interaction.new_tie\n6,\n",
            "no value",
        ),
        ("unknown.csv", "support.nonsense\n6\n", "support.nonsense"),
        (
            "comma.csv",
            "support.capacity\n\"6,7\"\n",
            "cannot be one value",
        ),
    ] {
        let file = tmp.path().join(name);
        std::fs::write(&file, text).expect("write");
        let out = tmp.path().join(format!("out-{name}"));
        let r = run(&out, &["--design", file.to_str().expect("UTF-8")]);
        assert_eq!(r.code, Some(2), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{name}: {}", r.stderr);
        assert!(!out.exists(), "{name}: a folder was written");
    }
    let both = run(
        &tmp.path().join("both"),
        &[
            "--design",
            design.to_str().expect("UTF-8"),
            "--vary",
            "support.capacity=6,8",
        ],
    );
    assert_eq!(both.code, Some(2), "{}", both.stderr);
    assert!(both.stderr.contains("drop --vary"), "{}", both.stderr);
    let missing = run(&tmp.path().join("missing"), &["--design", "no-such.csv"]);
    assert_eq!(missing.code, Some(2), "{}", missing.stderr);
    assert!(missing.stderr.contains("no-such.csv"), "{}", missing.stderr);
}
