//! Bad input gets a clear error, exit code 2, no output folder and never a panic.

use crate::common::*;
use std::path::Path;
use std::time::Duration;

/// One bad scenario file in tests/fixtures/bad/ and what its message must say.
struct Case {
    file: &'static str,
    /// `line:col` of a syntax or type error (after the file name).
    at: Option<&'static str>,
    /// The offending line, shown under the message (syntax and type errors).
    line: Option<&'static str>,
    /// Other fragments: field paths, expected names, what was wrong.
    says: &'static [&'static str],
    /// Extra arguments of `run`.
    extra: &'static [&'static str],
}

const fn case(file: &'static str, says: &'static [&'static str]) -> Case {
    Case {
        file,
        at: None,
        line: None,
        says,
        extra: &[],
    }
}

const fn syntax(
    file: &'static str,
    at: &'static str,
    line: &'static str,
    says: &'static [&'static str],
) -> Case {
    Case {
        file,
        at: Some(at),
        line: Some(line),
        says,
        extra: &[],
    }
}

const CASES: &[Case] = &[
    Case {
        at: Some("1:1"),
        ..case("empty.ron", &["the file is empty", "expected a scenario"])
    },
    Case {
        at: Some("1:1"),
        ..case(
            "only_comments.ron",
            &["only comments", "expected a scenario"],
        )
    },
    syntax(
        "missing_comma.ron",
        "4:5",
        "steps: 10,",
        &["comma", "previous line"],
    ),
    syntax(
        "unclosed_paren.ron",
        "4:27",
        "population: (size: 10,",
        &["end of the file", "closing `)`"],
    ),
    syntax(
        "trailing_characters.ron",
        "3:1",
        "extra",
        &["after the end of the scenario"],
    ),
    syntax(
        "unknown_top_field.ron",
        "4:5",
        "colour: \"red\",",
        &[
            "colour",
            "expected one of",
            "`name`",
            "`population`",
            "`events`",
        ],
    ),
    syntax(
        "misspelled_nested_field.ron",
        "3:18",
        "population: (sise: 10),",
        &["population.sise", "expected one of", "`size`", "`need`"],
    ),
    syntax(
        "wrong_type.ron",
        "3:23",
        "population: (size: \"many\"),",
        &["population.size", "expected a whole number"],
    ),
    syntax(
        "list_expected.ron",
        "3:12",
        "events: (name: \"illness\", hazard: 0.01),",
        &["events", "`[`"],
    ),
    syntax(
        "decimal_count.ron",
        "3:14",
        "steps: 10.5,",
        &["whole number", "not a decimal"],
    ),
    syntax(
        "unknown_enum_variant.ron",
        "3:22",
        "identity: (rule: Prototyp),",
        &["identity.rule", "Prototyp", "`Prototype`"],
    ),
    syntax(
        "negative_count.ron",
        "3:25",
        "population: (size: -5),",
        &["population.size", "whole number >= 0", "negative"],
    ),
    syntax(
        "integer_too_large.ron",
        "3:24",
        "population: (size: 5000000000),",
        &["population.size", "too large"],
    ),
    syntax(
        "non_utf8.ron",
        "3:16",
        "name: \"demo",
        &["not UTF-8", "0xff"],
    ),
    case(
        "hazard_out_of_range.ron",
        &["events[0].hazard", "must be in [0, 1]", "1.5"],
    ),
    case(
        "hazard_nan.ron",
        &["events[0].hazard", "must be a finite number", "NaN"],
    ),
    case(
        "hazard_inf.ron",
        &["events[0].hazard", "must be a finite number", "inf"],
    ),
    case(
        "support_capacity_below_min_size.ron",
        &["support.capacity", "at least support.min_size (5)", "got 3"],
    ),
    case(
        "unknown_group_kind.ron",
        &[
            "events[0].lose[0].kind",
            "\"gym\"",
            "expected one of",
            "\"work\"",
            "\"community\"",
        ],
    ),
    case(
        "pulse_after_end.ron",
        &["events[0].pulse.step", "before the end of the run", "20"],
    ),
    case(
        "intervention_after_end.ron",
        &[
            "interventions[0].start",
            "below steps (10), got 20",
            "interventions[0].sessions",
            "at least one session week",
        ],
    ),
    case(
        "population_above_max.ron",
        &["population.size", "100000000", "200000000"],
    ),
    case(
        "name_with_path.ron",
        &["name:", "../evil", "letters, digits"],
    ),
    case(
        "three_problems.ron",
        &["3 problems", "steps:", "replicates:", "belonging.threshold"],
    ),
    // 100 million agents pass the schema; 1024 of them at once cannot fit in any memory.
    Case {
        extra: &["--threads", "1024"],
        ..case("absurd_population.ron", &["memory", "MB", "--threads"])
    },
    // Syntax errors in other places.
    syntax(
        "unterminated_string.ron",
        "4:18",
        "description: \"a town,",
        &["description", "never closed", "closing `\"`"],
    ),
    syntax(
        "unterminated_block_comment.ron",
        "4:7",
        "/* steps: 10,",
        &["block comment", "never closed", "`*/`"],
    ),
    syntax(
        "equals_instead_of_colon.ron",
        "4:10",
        "steps = 10,",
        &["expected `:`", "field name"],
    ),
    syntax(
        "unquoted_string.ron",
        "3:10",
        "name: demo,",
        &["name", "expected a quoted string"],
    ),
    syntax(
        "mismatched_bracket.ron",
        "5:40",
        "(name: \"illness\", hazard: 0.01)),",
        &["events", "expected a comma", "wrong kind of bracket"],
    ),
    syntax(
        "braces_instead_of_parens.ron",
        "4:17",
        "population: { size: 10 },",
        &["population", "`(`", "Population"],
    ),
    syntax(
        "duplicate_field.ron",
        "5:5",
        "steps: 20,",
        &["duplicate field", "`steps`"],
    ),
    // Wrong types, misspelled fields inside lists.
    syntax(
        "bool_for_number.ron",
        "4:11",
        "steps: true,",
        &["steps", "expected a whole number"],
    ),
    syntax(
        "string_for_bool.ron",
        "4:23",
        "support: (enabled: \"yes\"),",
        &["support.enabled", "expected `true` or `false`"],
    ),
    syntax(
        "misspelled_in_list.ron",
        "6:50",
        "(name: \"work\", size: 15.0, capacity: 60, tie_densty: 0.2),",
        &["groups[1].tie_densty", "expected one of", "`tie_density`"],
    ),
    // NaN and infinities.
    case(
        "negative_infinity.ron",
        &[
            "belonging.kappa_attachment",
            "must be a finite number",
            "-inf",
        ],
    ),
    case(
        "float_overflow.ron",
        &["events[0].hazard", "must be a finite number", "inf"],
    ),
    case(
        "nan_trait_mean.ron",
        &["population.need.mean", "must be a finite number", "NaN"],
    ),
    // Absurd sizes: refused while parsing or validating, before anything is allocated.
    syntax(
        "absurd_population_1e12.ron",
        "4:24",
        "population: (size: 1000000000000),",
        &["population.size", "too large"],
    ),
    syntax(
        "absurd_steps_1e10.ron",
        "4:12",
        "steps: 10000000000,",
        &["steps", "too large"],
    ),
    case(
        "steps_above_max.ron",
        &["steps", "must be an integer in [1, 100000]", "1000000"],
    ),
    // Contradictory settings.
    case(
        "lattice_size_mismatch.ron",
        &[
            "network.width",
            "must equal population.size (150)",
            "10 x 10 = 100",
        ],
    ),
    case(
        "neighbourhoods_on_a_lattice.ron",
        &[
            "network.neighbourhoods",
            "a Lattice network has none",
            "got 4",
        ],
    ),
    case(
        "more_neighbourhoods_than_agents.ron",
        &[
            "network.neighbourhoods",
            "at most population.size (50)",
            "got 51",
        ],
    ),
    case(
        "absorption_with_prototype.ron",
        &["stop.rule", "Absorption", "BoundedConfidence and Axelrod"],
    ),
    // Empty lists where something is needed.
    case(
        "empty_sessions.ron",
        &["interventions[0].sessions", "at least one session week"],
    ),
    case(
        "empty_groups_with_losses.ron",
        &["events[0].lose[0].kind", "\"work\"", "`groups` is empty"],
    ),
    case(
        "many_problems.ron",
        &[
            "7 problems",
            "  - name: must not be empty",
            "  - steps: must be an integer in [1, 100000], got 0",
            "  - population.size: must be an integer in [2, 100000000], got 1",
            "  - events[0].hazard: must be in [0, 1], got 2",
            "  - events[0].distress: must be in [0, 1], got -0.5",
            "  - identity.dims: must be an integer in [1, 16], got 0",
            "  - belonging.threshold: must be in [0, 1], got 1.5",
        ],
    ),
    // Binary garbage: a PNG header (not UTF-8), and control characters (UTF-8, not RON).
    Case {
        at: Some("1:1"),
        ..case(
            "binary_garbage.ron",
            &["not UTF-8", "0x89", "expected a RON scenario"],
        )
    },
    Case {
        at: Some("1:1"),
        ..case("control_characters.ron", &["`(`", "Scenario"])
    },
];

/// Bad inputs too big or too odd to commit, written to a temporary folder by the test:
/// (file name, contents, `line:col` or None, fragments of the message).
/// A generated bad input: (file name, contents, `line:col` or None, fragments of the message).
type Generated = (
    &'static str,
    Vec<u8>,
    Option<&'static str>,
    Vec<&'static str>,
);

fn generated_cases() -> Vec<Generated> {
    let deep = |open: &str, close: &str| {
        format!(
            "(\n    name: \"deep\",\n    population: {}{},\n)\n",
            open.repeat(10_000),
            close.repeat(10_000)
        )
        .into_bytes()
    };
    let huge = {
        // More than 10 MB of valid RON (comments): refused by size before it is read.
        let mut t = String::from("(\n    name: \"huge\",\n");
        let filler = format!("    // {}\n", "x".repeat(1000));
        while t.len() <= 11 * 1024 * 1024 {
            t.push_str(&filler);
        }
        t.push_str(")\n");
        t.into_bytes()
    };
    let long_line = format!(
        "(name: \"x\", steps: 10, {}oops: 1)\n",
        " ".repeat(3_000_000)
    );
    let long_name = format!("(\n    name: \"{}\",\n)\n", "a/".repeat(1_500_000));
    let many = format!(
        "(\n    name: \"many\",\n    events: [{}],\n)\n",
        (0..20_000)
            .map(|i| format!("(name: \"e{i}\", hazard: 2.0),"))
            .collect::<String>()
    );
    let mut garbage = Vec::with_capacity(64 * 1024);
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..64 * 1024 {
        // xorshift: reproducible bytes of every value.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage.push(x as u8);
    }
    vec![
        (
            "deep_parens.ron",
            deep("(", ")"),
            Some("3:18"),
            vec!["population", "expected a field name"],
        ),
        (
            "deep_lists.ron",
            deep("[", "]"),
            Some("3:17"),
            vec!["population", "Population"],
        ),
        (
            "deep_unclosed.ron",
            "(".repeat(10_000).into_bytes(),
            Some("1:2"),
            vec!["expected a field name"],
        ),
        (
            "huge.ron",
            huge,
            None,
            vec!["bytes", "at most 4194304 bytes"],
        ),
        (
            "long_line.ron",
            long_line.into_bytes(),
            Some("1:3000024"),
            vec!["`oops`", "expected one of", "…"],
        ),
        (
            "long_name.ron",
            long_name.into_bytes(),
            None,
            vec!["name:", "letters, digits", "(3000000 characters)"],
        ),
        (
            "many_problems_20000.ron",
            many.into_bytes(),
            None,
            vec![
                "20000 problems",
                "events[0].hazard: must be in [0, 1], got 2",
                "... and 19900 more problems",
            ],
        ),
        ("random_bytes.ron", garbage, None, vec!["not UTF-8"]),
    ]
}

/// Everything a refused input must satisfy, for `run FILE --out DIR` (a fresh DIR, and an
/// existing results folder with `--force`) and for `check FILE`. Returns what went wrong.
fn refused(
    path: &Path,
    tmp: &Path,
    tag: &str,
    at: Option<&str>,
    says: &[&str],
    extra: &[&str],
) -> Vec<String> {
    let mut problems = Vec::new();
    let file = path.to_str().unwrap();
    let mut wanted: Vec<String> = vec![file.to_string()];
    if let Some(at) = at {
        wanted.push(format!("{file}:{at}: "));
    }
    wanted.extend(says.iter().map(|s| s.to_string()));
    let judge = |what: &str, o: &Output| {
        let mut p = Vec::new();
        if o.code != Some(2) {
            p.push(format!("{what}: exit code {:?}, expected 2", o.code));
        }
        if o.stderr.contains("panicked") || o.stderr.contains("RUST_BACKTRACE") {
            p.push(format!("{what}: panicked"));
        }
        if !o.stderr.starts_with("error: ") {
            p.push(format!("{what}: message does not start with `error: `"));
        }
        for w in &wanted {
            if !o.stderr.contains(w.as_str()) {
                p.push(format!("{what}: message lacks {w:?}"));
            }
        }
        if o.stderr.len() > 20_000 {
            p.push(format!("{what}: message of {} bytes", o.stderr.len()));
        }
        if o.elapsed > Duration::from_secs(5) {
            p.push(format!(
                "{what}: took {:?}: refusing must be immediate",
                o.elapsed
            ));
        }
        if !p.is_empty() {
            p.push(format!("--- {what} stderr:\n{}", o.stderr));
        }
        p
    };

    // A fresh folder is not created.
    let out = tmp.join(format!("{tag}-out"));
    let mut args = vec!["run", file, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    problems.extend(judge("run", &belonging(&args)));
    if out.exists() {
        problems.push("run: created the output folder".into());
    }

    // An existing results folder is left byte-identical, even with --force.
    let kept = tmp.join(format!("{tag}-kept"));
    std::fs::create_dir_all(&kept).unwrap();
    let sentinel = kept.join("summary.csv");
    std::fs::write(&sentinel, "sentinel, not to be touched\n").unwrap();
    let mut args = vec!["run", file, "--out", kept.to_str().unwrap(), "--force"];
    args.extend_from_slice(extra);
    problems.extend(judge(
        "run --force into an existing folder",
        &belonging(&args),
    ));
    let left: Vec<_> = std::fs::read_dir(&kept)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    if left.len() != 1
        || std::fs::read(&sentinel).ok().as_deref() != Some(&b"sentinel, not to be touched\n"[..])
    {
        problems.push(format!("the existing results folder was changed: {left:?}"));
    }
    std::fs::remove_dir_all(&kept).unwrap();

    // `check` reports the same problem (run-only arguments such as --threads aside).
    if extra.is_empty() {
        problems.extend(judge("check", &belonging(&["check", file])));
    }
    problems
}

#[test]
fn every_bad_fixture_is_refused_with_a_clear_message_and_no_output() {
    let dir = repo_path("tests/fixtures/bad");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/bad exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    files.sort();
    let listed: Vec<&str> = CASES.iter().map(|c| c.file).collect();
    for f in &files {
        assert!(
            listed.contains(&f.as_str()),
            "fixture {f} has no case in CASES"
        );
    }

    let tmp = tempdir();
    let mut failures = Vec::new();
    for c in CASES {
        if c.file == "absurd_population.ron" && !Path::new("/proc/meminfo").exists() {
            // The memory estimate needs to know the machine's memory (Linux only for now).
            continue;
        }
        let path = dir.join(c.file);
        assert!(
            path.is_file(),
            "CASES names {}, which does not exist",
            c.file
        );
        let tag = c.file.trim_end_matches(".ron");
        let mut problems = refused(&path, tmp.path(), tag, c.at, c.says, c.extra);
        if let Some(line) = c.line {
            let o = belonging(&["check", path.to_str().unwrap()]);
            // `N |     text`: the offending line under the message, with its number.
            let shown = o.stderr.lines().any(|l| {
                l.split_once(" | ").is_some_and(|(n, text)| {
                    n.trim().parse::<usize>().is_ok() && text.trim() == line
                })
            });
            if !shown {
                problems.push(format!("the offending line {line:?} is not shown"));
            }
            // A caret under the column, on the line after the offending one.
            let caret = o.stderr.lines().skip_while(|l| !l.contains(line)).nth(1);
            if !caret.is_some_and(|l| l.trim_end().ends_with('^')) {
                problems.push("no caret under the offending line".into());
            }
            if !problems.is_empty() {
                problems.push(format!("--- check stderr:\n{}", o.stderr));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", c.file, problems.join("\n")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "no output folder was created"
    );
}

#[test]
fn generated_bad_inputs_are_refused_without_panic_or_output() {
    // Deep nesting, a file over 10 MB, a 3 MB line, a 3 MB name, 20000 problems, random bytes.
    let tmp = tempdir();
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let mut failures = Vec::new();
    let cases = generated_cases();
    assert!(
        CASES.len() + cases.len() >= 35,
        "the corpus holds at least 35 cases"
    );
    for (name, bytes, at, says) in &cases {
        let path = inputs.join(name);
        std::fs::write(&path, bytes).unwrap();
        let tag = name.trim_end_matches(".ron");
        let problems = refused(&path, tmp.path(), tag, *at, says, &[]);
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("\n")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "no output folder was created beside the inputs"
    );
}

#[test]
fn a_missing_scenario_file_is_named_and_the_builtins_suggested() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let missing = tmp.path().join("no-such-scenario.ron");
    belonging(&[
        "run",
        missing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .bad_input()
    .stderr_has(&[missing.to_str().unwrap(), "no such file", "classroom"]);
    assert!(!out.exists());

    // A misspelled built-in name is a missing file too, with the built-ins named.
    let o = belonging(&["run", "clasroom", "--out", out.to_str().unwrap()]);
    o.bad_input()
        .stderr_has(&["clasroom", "default, no-support, classroom"]);
    assert!(!out.exists());

    // Every cause is said once (the OS error is not repeated).
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
}

#[test]
fn a_folder_given_as_the_scenario_is_refused() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let o = belonging(&[
        "run",
        tmp.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    o.bad_input().stderr_has(&["is a directory"]);
    assert_eq!(
        o.stderr.matches("is a directory").count(),
        1,
        "{}",
        o.stderr
    );
    assert!(!out.exists());
}

#[test]
fn an_absurd_population_is_refused_by_the_memory_estimate_before_allocating() {
    if !Path::new("/proc/meminfo").exists() {
        return;
    }
    let tmp = tempdir();
    let out = tmp.path().join("out");
    // Through --set as well as in a file: 100 million agents on 1024 threads at once.
    let o = belonging(&[
        "run",
        "classroom",
        "--set",
        "population.size=100000000",
        "--replicates",
        "1024",
        "--threads",
        "1024",
        "--out",
        out.to_str().unwrap(),
    ]);
    o.bad_input()
        .stderr_has(&["<built-in classroom>", "memory", "100000000 agents"]);
    assert!(o.elapsed < Duration::from_secs(5), "took {:?}", o.elapsed);
    assert!(!out.exists());
}

#[test]
fn an_unwritable_output_folder_is_refused_before_running() {
    let tmp = tempdir();
    let afile = tmp.path().join("afile");
    std::fs::write(&afile, "not a folder").unwrap();

    // A parent that is a regular file stops everyone, root included.
    let under_file = afile.join("out");
    let o = tiny_run(&under_file, &[]);
    o.bad_input().stderr_has(&[
        under_file.to_str().unwrap(),
        "cannot write the output folder",
    ]);
    assert_eq!(
        o.stderr.lines().count(),
        1,
        "one line, each cause once:\n{}",
        o.stderr
    );

    // --out naming an existing file.
    tiny_run(&afile, &[])
        .bad_input()
        .stderr_has(&["afile", "not a folder"]);
    assert_eq!(
        read_string(&afile),
        "not a folder",
        "the file is left alone"
    );

    // A read-only folder (only meaningful when permissions apply, i.e. not as root; a
    // read-only filesystem, which stops root too, is tested in output_safety.rs).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = tmp.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        let enforced = std::fs::write(ro.join("probe"), "x").is_err();
        if enforced {
            let out = ro.join("out");
            tiny_run(&out, &[])
                .bad_input()
                .stderr_has(&[out.to_str().unwrap(), "cannot write the output folder"]);
            assert!(!out.exists());
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn check_reports_every_problem_of_a_file_at_once() {
    let file = fixture("three_problems.ron");
    let o = belonging(&["check", file.to_str().unwrap()]);
    o.bad_input().stderr_has(&[
        file.to_str().unwrap(),
        "3 problems",
        "  - steps: must be an integer in [1, 100000], got 0",
        "  - replicates: must be an integer in [1, 100000], got 0",
        "  - belonging.threshold: must be in [0, 1], got 2",
    ]);
    assert!(o.stdout.is_empty(), "{}", o.stdout);

    // Seven problems in four sections: every one is listed, once, in file order.
    let file = fixture("many_problems.ron");
    let o = belonging(&["check", file.to_str().unwrap()]);
    let listed: Vec<&str> = o
        .bad_input()
        .stderr
        .lines()
        .filter(|l| l.starts_with("  - "))
        .collect();
    assert_eq!(
        listed,
        [
            "  - name: must not be empty",
            "  - steps: must be an integer in [1, 100000], got 0",
            "  - population.size: must be an integer in [2, 100000000], got 1",
            "  - events[0].hazard: must be in [0, 1], got 2",
            "  - events[0].distress: must be in [0, 1], got -0.5",
            "  - identity.dims: must be an integer in [1, 16], got 0",
            "  - belonging.threshold: must be in [0, 1], got 1.5",
        ],
        "{}",
        o.stderr
    );
    o.stderr_has(&["(7 problems)"]);

    // Several bad files: each is reported, with a count at the end.
    let names = ["hazard_nan.ron", "missing_comma.ron", "three_problems.ron"];
    let paths: Vec<String> = names
        .iter()
        .map(|n| fixture(n).to_str().unwrap().to_string())
        .collect();
    let mut args = vec!["check"];
    args.extend(paths.iter().map(String::as_str));
    let o = belonging(&args);
    o.bad_input();
    for p in &paths {
        assert!(
            o.stderr.contains(p.as_str()),
            "{p} is reported:\n{}",
            o.stderr
        );
    }
    o.stderr_has(&["3 of 3 scenario files are invalid"]);
}

/// Bad command-line arguments: (extra arguments of a tiny run, fragments of the message).
const BAD_ARGS: &[(&[&str], &[&str])] = &[
    (&["--set", "foo"], &["--set foo", "KEY=VALUE"]),
    (&["--set", "=5"], &["KEY=VALUE"]),
    (
        &["--set", "population.size=lots"],
        &["--set population.size=lots:", "population.size", "\"lots\""],
    ),
    (
        &["--set", "population.size=7.5"],
        &["--set population.size=7.5:", "population.size", "7.5"],
    ),
    (
        &["--set", "events[0].hazard=NaN"],
        &[
            "--set events[0].hazard=NaN:",
            "must be a finite number, got NaN",
        ],
    ),
    (
        &["--set", "events[0].hazard=inf"],
        &["events[0].hazard", "must be a finite number, got inf"],
    ),
    (
        &["--set", "events[0].hazard=2"],
        &["events[0].hazard", "must be in [0, 1], got 2"],
    ),
    (
        &["--set", "events[5].hazard=0.1"],
        &["events[5]", "does not exist", "1 entries"],
    ),
    (
        &["--set", "events.hazard=0.1"],
        &["`events` is a list, it has no field `hazard`"],
    ),
    (
        &["--set", "events[x].hazard=0.1"],
        &["`x` is not a list index"],
    ),
    (
        &["--set", "support.capacity=3", "--set", "support.min_size=5"],
        &["support.capacity", "support.min_size (5)"],
    ),
    (
        &["--set", "population.need.mean=1"],
        &["population.need.sd", "must be 0 for mean 1"],
    ),
    (
        &[
            "--set",
            "population.need.mean=0.99",
            "--set",
            "population.need.sd=0.2",
        ],
        &["population.need.sd", "too large for mean 0.99", "got 0.2"],
    ),
    (
        &["--steps", "0"],
        &["steps: must be an integer in [1, 100000], got 0"],
    ),
    (&["--replicates", "0"], &["replicates: must be an integer"]),
    (
        &["--set", "population.size=1000000000000"],
        &[
            "population.size",
            "1000000000000",
            "whole number in [0, 4294967295]",
        ],
    ),
    (
        &["--set", "steps=10000000000"],
        &["steps", "whole number in [0, 4294967295]"],
    ),
    (
        &["--set", "events[0].hazard=1e400"],
        &["events[0].hazard", "must be a finite number, got inf"],
    ),
    (
        &["--set", "groups=[]"],
        &["events[0].lose[0].kind", "`groups` is empty"],
    ),
    (&["--threads", "0"], &["--threads must be at least 1"]),
    (&["--threads", "100000"], &["--threads 100000", "1024"]),
    (&["--replicates", "-1"], &["-1"]),
    (&["--seed", "abc"], &["--seed", "abc"]),
    (&["--bogus"], &["--bogus"]),
];

#[test]
fn bad_arguments_are_refused_with_exit_2_and_no_output() {
    let tmp = tempdir();
    let mut failures = Vec::new();
    for (i, (extra, says)) in BAD_ARGS.iter().enumerate() {
        let out = tmp.path().join(format!("out{i}"));
        let o = tiny_run(&out, extra);
        let mut problems = Vec::new();
        if o.code != Some(2) {
            problems.push(format!("exit code {:?}", o.code));
        }
        if o.stderr.contains("panicked") {
            problems.push("panicked".into());
        }
        if out.exists() {
            problems.push("created the output folder".into());
        }
        for s in *says {
            if !o.stderr.contains(s) {
                problems.push(format!("message lacks {s:?}"));
            }
        }
        if o.elapsed > Duration::from_secs(5) {
            problems.push(format!("took {:?}", o.elapsed));
        }
        if !problems.is_empty() {
            failures.push(format!("{extra:?}: {}\n{}", problems.join("; "), o.stderr));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn usage_errors_exit_2() {
    belonging(&[]).no_panic();
    assert_eq!(belonging(&[]).code, Some(2), "no subcommand");
    assert_eq!(belonging(&["frobnicate"]).code, Some(2));
    assert_eq!(belonging(&["check"]).code, Some(2), "check needs a file");
    assert_eq!(belonging(&["plot"]).code, Some(2), "plot needs a folder");
}

#[test]
fn bad_input_without_out_creates_no_default_output_folder() {
    let tmp = tempdir();
    let bad = fixture("hazard_out_of_range.ron");
    belonging_in(tmp.path(), &["run", bad.to_str().unwrap()]).bad_input();
    belonging_in(
        tmp.path(),
        &["run", "classroom", "--set", "population.sise=5"],
    )
    .bad_input();
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "no output/ folder on bad input"
    );
}

#[test]
fn an_oversized_scenario_file_is_refused_without_reading_it() {
    let tmp = tempdir();
    let big = tmp.path().join("big.ron");
    let mut text = String::from("(\n    name: \"big\",\n");
    let filler = format!("// {}\n", "x".repeat(1000));
    while text.len() <= 5 * 1024 * 1024 {
        text.push_str(&filler);
    }
    text.push_str(")\n");
    std::fs::write(&big, text).unwrap();
    let out = tmp.path().join("out");
    belonging(&["run", big.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .bad_input()
        .stderr_has(&["big.ron", "at most 4194304 bytes"]);
    assert!(!out.exists());
}
