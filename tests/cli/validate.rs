//! `belonging validate`: three verdicts and their exit codes, validation.csv's `verdict` and
//! `replicates_to_decide` columns, and validation.json, from which the plots can be redrawn.

use super::common::*;

/// Target 6 with one replicate: a single replicate has no spread, so no check has an interval
/// and none can be confirmed or refuted, whatever the seed: inconclusive, exit code 3, and
/// each check says that at least 2 replicates are needed. (The estimate of how many would
/// decide, from two or more, is tested in `validation::verdict`.)
#[test]
fn too_few_replicates_are_inconclusive_with_exit_code_3() {
    let tmp = tempdir();
    let out = tmp.path().join("v");
    let out_s = out.to_str().expect("UTF-8 temp path");
    let o = belonging(&["validate", "6", "--replicates", "1", "--out", out_s]);
    o.no_panic();
    assert_eq!(
        o.code,
        Some(3),
        "expected exit 3 (inconclusive); stderr:\n{}",
        o.stderr
    );
    assert!(
        o.stdout.contains("[inconclusive"),
        "the target should be inconclusive:\n{}",
        o.stdout
    );
    assert!(!o.stdout.contains("REFUTED"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("at least 2 replicates per experiment are needed"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains("inconclusive"),
        "stderr should say why the exit code is 3:\n{}",
        o.stderr
    );

    // validation.csv: a verdict column, inconclusive rows, replicates_to_decide filled.
    let csv = read_string(&out.join("validation.csv"));
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let (verdict, decide_col) = (col("verdict"), col("replicates_to_decide"));
    assert!(!header.contains(&"pass"), "{header:?}");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("CSV row")).collect();
    assert_eq!(records.len(), 2, "{csv}");
    let share = records
        .iter()
        .find(|r| r[col("check")].starts_with("share of joiners who left"))
        .unwrap_or_else(|| panic!("no leaving-share row in {csv}"));
    assert_eq!(&share[verdict], "inconclusive", "{csv}");
    assert_eq!(&share[decide_col], "at least 2", "{csv}");
    for r in &records {
        assert!(
            ["holds", "inconclusive"].contains(&&r[verdict]),
            "no check may be refuted: {csv}"
        );
        let empty = r[decide_col].is_empty();
        assert_eq!(empty, &r[verdict] == "holds", "{csv}");
    }
    let md = read_string(&out.join("validation.md"));
    assert!(
        md.contains("| verdict |") && md.contains("inconclusive"),
        "{md}"
    );

    // validation.json round-trips, and redraws the plots from the folder alone.
    let json = read_string(&out.join("validation.json"));
    let results: belonging::validation::Results =
        serde_json::from_str(&json).expect("validation.json parses");
    assert_eq!(results.reports.len(), 1);
    let report = &results.reports[0];
    assert_eq!(report.target, 6);
    assert_eq!(
        report.verdict(),
        belonging::validation::Verdict::Inconclusive
    );
    // Written again, the parsed reports give the same text (floats read back exactly).
    let again = serde_json::to_string_pretty(&results).expect("encodes");
    if let Some((k, (a, b))) = again
        .lines()
        .zip(json.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "validation.json does not round-trip; line {}: {b} became {a}",
            k + 1
        );
    }
    assert_eq!(again.len(), json.len());
    let png = out.join("plots").join("target_6.png");
    std::fs::remove_file(&png).expect("the plot was drawn");
    let written = belonging::plot::plot_validation_dir(&out).expect("redraw");
    assert!(written.contains(&png), "{written:?}");
    let bytes = read(&png);
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 1000);
}

#[test]
fn redrawing_a_folder_without_validation_json_names_the_file() {
    let tmp = tempdir();
    let err = belonging::plot::plot_validation_dir(tmp.path()).expect_err("no file");
    assert!(err.to_string().contains("validation.json"), "{err}");
    std::fs::write(tmp.path().join("validation.json"), "{ not json").expect("write");
    let err = belonging::plot::plot_validation_dir(tmp.path()).expect_err("bad file");
    assert!(err.to_string().contains("validation.json"), "{err}");
}
