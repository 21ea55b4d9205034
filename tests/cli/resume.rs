//! Resume from anything: a signal in the first milliseconds, a damaged or foreign part, a
//! damaged sweep job file, a signal while the tables are joined; limits checked before work;
//! one large replicate on every thread.
#![cfg(unix)]

use crate::common::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// Upper bound on a refusal or check that comes before the work: each takes a fraction of a
/// second, while the work it guards against takes a minute or more (200,000 agents with a
/// snapshot every week; setting up a million sweep points one by one took about 60 s and
/// 2.6 GB). Generous on purpose, so that a loaded machine cannot fail it: it tells "before
/// the work" from "after it", and is not a speed measurement (those are in benches/).
const BEFORE_WORK: Duration = Duration::from_secs(20);

fn s(p: &Path) -> String {
    p.to_str().expect("UTF-8").to_string()
}

fn tiny(cmd: &[&str], out: &Path) -> Vec<String> {
    let mut v: Vec<String> = cmd.iter().map(|x| x.to_string()).collect();
    v.extend(TINY.iter().map(|x| x.to_string()));
    v.extend(["--out".to_string(), s(out)]);
    v
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Sends SIGTERM `after` the start of `belonging ARGS` and returns its exit code.
fn terminated_after(args: &[String], after: Duration) -> Option<i32> {
    let mut child = bin()
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start belonging");
    std::thread::sleep(after);
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) on our own child, not yet waited for, with a valid signal.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    child.wait().expect("wait").code()
}

/// A signal at any moment of the start leaves no folder, or one that `--resume` completes;
/// never one that blocks a plain rerun without being resumable.
#[test]
fn a_signal_in_the_first_milliseconds_leaves_no_folder_or_a_resumable_one() {
    let tmp = tempdir();
    let mut seen = std::collections::BTreeSet::new();
    for (k, micros) in [
        0u64, 200, 500, 1000, 2000, 3000, 5000, 8000, 13000, 21000, 34000,
    ]
    .into_iter()
    .enumerate()
    {
        let out = tmp.path().join(format!("t{k}"));
        let args = tiny(&["run", "classroom"], &out);
        let code = terminated_after(&args, Duration::from_micros(micros));
        let holds = out.is_dir()
            && std::fs::read_dir(&out)
                .expect("read")
                .flatten()
                .any(|e| e.file_name() != ".belonging.lock");
        let outcome = if !holds {
            // No folder (or an empty one): a plain rerun works.
            belonging(&refs(&args)).success();
            "no results"
        } else if out.join("summary.csv").exists() && manifest(&out)["status"] == "complete" {
            "complete"
        } else {
            belonging(&["run", "--resume", &s(&out), "--quiet"]).success();
            "resumed"
        };
        assert_eq!(manifest(&out)["status"], "complete");
        eprintln!("SIGTERM after {micros} us: exit {code:?}, {outcome}");
        seen.insert(outcome);
    }
    eprintln!("outcomes: {seen:?}");
}

/// A killed run whose parts are damaged (truncated) or foreign (another run's, of another
/// seed) resumes by running those jobs again, to the bytes of an uninterrupted run.
#[test]
fn damaged_or_foreign_parts_are_rerun_never_trusted() {
    let tmp = tempdir();
    let (full, cut, other) = (
        tmp.path().join("full"),
        tmp.path().join("cut"),
        tmp.path().join("other"),
    );
    belonging(&refs(&tiny(
        &["run", "classroom", "--replicates", "4", "--seed", "2026"],
        &full,
    )))
    .success();
    // A run stopped after its replicates by a disk that fills up while plotting keeps its
    // parts.
    let keep_parts = |dir: &Path, seed: &str| {
        let args = tiny(
            &["run", "classroom", "--replicates", "4", "--seed", seed],
            dir,
        );
        let o = run_cmd(
            bin()
                .args(&args)
                .env("BELONGING_TEST_FAULT", "disk-full-after=600000"),
        );
        assert_eq!(o.code, Some(1), "{}", o.stderr);
        assert!(
            o.stderr.contains("drawing the plots") || o.stderr.contains("writing the tables"),
            "the disk should fill up after the replicates: {}",
            o.stderr
        );
    };
    keep_parts(&cut, "2026");
    keep_parts(&other, "99");
    let seed_of_full = manifest(&full)["seed"].clone();
    assert_eq!(manifest(&cut)["seed"], seed_of_full);
    let parts = cut.join("parts");
    // Job 1: its part cut short. Job 2: another run's part and seal. Job 3: one byte of its
    // part changed (the same size: only the checksum can tell).
    let part = parts.join("job.000001");
    let bytes = read(&part);
    std::fs::write(&part, &bytes[..bytes.len() / 2]).expect("truncate");
    for f in ["job.000002", "seal.000002"] {
        std::fs::copy(other.join("parts").join(f), parts.join(f)).expect("copy");
    }
    let part = parts.join("job.000003");
    let mut bytes = read(&part);
    let mid = bytes.len() / 2;
    bytes[mid] = if bytes[mid] == b'1' { b'2' } else { b'1' };
    std::fs::write(&part, &bytes).expect("flip a byte");
    let o = belonging(&["run", "--resume", &s(&cut)]);
    o.success().stderr_has(&["(resumed: 3 of them run now)"]);
    for t in [
        "timeseries.csv",
        "agents.csv",
        "summary.csv",
        "runs.csv",
        "ties.csv",
    ] {
        assert_same_file(&full.join(t), &cut.join(t));
    }
}

/// A run of one replicate writes its tables in place (no parts to join): stopped after the
/// replicate it resumes without simulating again, and a table damaged since is caught by
/// its seal and the replicate run again — both to the bytes of an uninterrupted run.
#[test]
fn a_one_replicate_run_keeps_its_tables_in_place_and_resumes_from_them() {
    let tmp = tempdir();
    let full = tmp.path().join("full");
    belonging(&refs(&tiny(
        &["run", "classroom", "--replicates", "1"],
        &full,
    )))
    .success();
    let stopped = |dir: &Path| {
        let args = tiny(&["run", "classroom", "--replicates", "1"], dir);
        let o = run_cmd(
            bin()
                .args(&args)
                .env("BELONGING_TEST_FAULT", "disk-full-after=300000"),
        );
        assert_eq!(o.code, Some(1), "{}", o.stderr);
        assert!(
            o.stderr.contains("drawing the plots") || o.stderr.contains("writing the tables"),
            "the disk should fill up after the replicate: {}",
            o.stderr
        );
        assert!(dir.join("parts").join("seal.000000").exists(), "sealed");
        assert!(
            !dir.join("parts").join("job.000000").exists(),
            "one replicate: no part file, the tables are in place"
        );
    };
    let (intact, damaged) = (tmp.path().join("intact"), tmp.path().join("damaged"));
    stopped(&intact);
    stopped(&damaged);
    let o = belonging(&["run", "--resume", &s(&intact)]);
    o.success().stderr_has(&["(resumed: 0 of them run now)"]);
    let table = damaged.join("agents.csv");
    let mut bytes = read(&table);
    let mid = bytes.len() / 2;
    bytes[mid] = if bytes[mid] == b'1' { b'2' } else { b'1' };
    std::fs::write(&table, &bytes).expect("flip a byte");
    let o = belonging(&["run", "--resume", &s(&damaged)]);
    o.success().stderr_has(&["(resumed: 1 of them run now)"]);
    for dir in [&intact, &damaged] {
        for t in [
            "timeseries.csv",
            "agents.csv",
            "summary.csv",
            "runs.csv",
            "ties.csv",
        ] {
            assert_same_file(&full.join(t), &dir.join(t));
        }
        assert_eq!(manifest(dir)["status"], "complete");
    }
}

/// A sweep's damaged job file runs again on resume, and merge refuses it.
#[test]
fn a_damaged_sweep_job_file_is_rerun_by_resume_and_refused_by_merge() {
    let tmp = tempdir();
    let (full, cut) = (tmp.path().join("full"), tmp.path().join("cut"));
    let sweep = |out: &Path, extra: &[&str]| {
        let mut a = tiny(
            &["sweep", "classroom", "--vary", "support.capacity=6,10"],
            out,
        );
        a.extend(extra.iter().map(|x| x.to_string()));
        belonging(&refs(&a))
    };
    sweep(&full, &[]).success();
    sweep(&cut, &["--shard", "0/1", "--job", "1"]).success();
    sweep(&cut, &["--shard", "0/1", "--job", "2", "--force"]).success();
    let job = cut.join("jobs").join("job-000001.csv");
    let text = read_string(&job);
    std::fs::write(&job, text.replace(",0.", ",1.")).expect("damage");
    let merged = tmp.path().join("merged");
    let o = belonging(&["merge", &s(&cut), "--out", &s(&merged)]);
    o.bad_input()
        .stderr_has(&["job-000001.csv", "seal does not match", "refusing to merge"]);
    // A temporary file of a killed sweep is cleared by the resume.
    std::fs::write(cut.join("jobs").join(".job-000003.csv.tmp-12345"), "x").expect("tmp");
    let o = belonging(&["sweep", "--resume", &s(&cut)]);
    o.success().stderr_has(&["job-000001.csv", "runs again"]);
    assert!(!cut.join("jobs").join(".job-000003.csv.tmp-12345").exists());
    for t in ["sweep.csv", "sweep_summary.csv"] {
        assert_same_file(&full.join(t), &cut.join(t));
    }
    // A resume that would change the sweep is refused (as run --resume does).
    for bad in [
        vec!["--seed", "3"],
        vec!["--replicates", "5"],
        vec!["--set", "steps=20"],
    ] {
        let mut a = vec!["sweep", "--resume"];
        let c = s(&cut);
        a.push(&c);
        a.extend(bad.iter().copied());
        belonging(&a).bad_input();
    }
}

/// A signal while the tables are joined stops with 130 and a resumable folder, which
/// `--resume` completes without running a replicate again.
#[test]
fn a_signal_while_the_tables_are_joined_gives_130_and_a_resumable_folder() {
    let tmp = tempdir();
    let out = tmp.path().join("join");
    // Two replicates with a snapshot every week: large parts, a join of about a second.
    let args: Vec<String> = [
        "run",
        "classroom",
        "--set",
        "population.size=600",
        "--set",
        "output.snapshot_every=Some(1)",
        "--replicates",
        "2",
        "--threads",
        "2",
        "--quiet",
        "--out",
    ]
    .iter()
    .map(|x| x.to_string())
    .chain([s(&out)])
    .collect();
    let parts = out.join("parts");
    let sig = signal_when(
        bin().args(&args),
        || files_starting(&parts, "seal.").len() == 2,
        libc::SIGINT,
    );
    let o = &sig.output;
    if o.code == Some(0) {
        // The join and plots beat the signal: nothing to resume (rare; the run is whole).
        assert_eq!(manifest(&out)["status"], "complete");
        return;
    }
    assert_eq!(o.code, Some(130), "{}", o.stderr);
    // Stopped after both replicates (between the last one and the join, or during the join
    // or the plots): every replicate is kept.
    assert!(
        o.stderr.contains("interrupted after its replicates") || o.stderr.contains("2 of 2"),
        "{}",
        o.stderr
    );
    o.stderr_has(&["belonging run --resume"]);
    assert_eq!(manifest(&out)["status"], "partial");
    let r = belonging(&["run", "--resume", &s(&out)]);
    r.success().stderr_has(&["(resumed: 0 of them run now)"]);
}

/// One large replicate splits its weeks over every thread through `run`, with the same
/// bytes on one thread and on two.
#[test]
fn one_large_replicate_uses_every_thread_with_the_same_bytes() {
    let tmp = tempdir();
    let run = |threads: &str| {
        let out = tmp.path().join(format!("t{threads}"));
        belonging(&[
            "run",
            "default",
            "--set",
            "population.size=12000",
            "--set",
            "burn_in=4",
            "--steps",
            "8",
            "--replicates",
            "1",
            "--threads",
            threads,
            "--quiet",
            "--out",
            &s(&out),
        ])
        .success();
        out
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(manifest(&two)["threads"], 2, "within-run parallelism is on");
    for t in [
        "timeseries.csv",
        "agents.csv",
        "ties.csv",
        "memberships.csv",
        "summary.csv",
    ] {
        assert_same_file(&one.join(t), &two.join(t));
    }
}

/// Limits are checked before any work: a run whose snapshots would not fit in memory is
/// refused at once, with the numbers; the estimate of a run is never below its measured peak.
#[test]
fn limits_are_checked_before_work_and_the_estimate_covers_the_peak() {
    let tmp = tempdir();
    let out = tmp.path().join("big");
    let started = Instant::now();
    let o = belonging(&[
        "run",
        "default",
        "--set",
        "population.size=200000",
        "--set",
        "output.snapshot_every=Some(1)",
        "--out",
        &s(&out),
    ]);
    o.bad_input()
        .stderr_has(&["MB would be needed", "MB are available", "snapshot"]);
    assert!(started.elapsed() < BEFORE_WORK, "{:?}", started.elapsed());
    assert!(!out.exists(), "nothing was written");
    for (k, extra) in [
        vec!["--set", "output.snapshot_every=Some(5)"],
        vec!["--set", "population.size=5000", "--replicates", "3"],
        vec![],
    ]
    .into_iter()
    .enumerate()
    {
        let out = tmp.path().join(format!("m{k}"));
        let mut a = tiny(&["run", "classroom"], &out);
        a.extend(extra.iter().map(|x| x.to_string()));
        belonging(&refs(&a)).success();
        let m = manifest(&out);
        let (est, peak) = (
            m["memory_estimate_bytes"].as_u64().expect("estimate"),
            m["peak_memory_bytes"].as_u64().expect("peak"),
        );
        assert!(
            est >= peak,
            "{extra:?}: estimate {est} below the peak {peak}"
        );
    }
    // A sweep of a hundred million points is refused (jobs) or checked in no time.
    let started = Instant::now();
    let o = belonging(&[
        "sweep",
        "default",
        "--vary",
        "support.capacity=6..10005:1",
        "--vary",
        "interaction.new_tie=0.0001..1:0.0001",
        "--out",
        &s(&tmp.path().join("huge")),
    ]);
    o.bad_input().stderr_has(&["jobs is more than"]);
    assert!(started.elapsed() < BEFORE_WORK, "{:?}", started.elapsed());
    // A million points: one job of it runs at once, the others untouched.
    let started = Instant::now();
    belonging(&[
        "sweep",
        "default",
        "--vary",
        "support.capacity=6..1005:1",
        "--vary",
        "interaction.new_tie=0.001..1:0.001",
        "--replicates",
        "1",
        "--set",
        "population.size=100",
        "--steps",
        "2",
        "--job",
        "3",
        "--quiet",
        "--out",
        &s(&tmp.path().join("million")),
    ])
    .success();
    assert!(started.elapsed() < BEFORE_WORK, "{:?}", started.elapsed());
}

/// `belonging plot` exits as documented: 2 for a folder it cannot write (read-only), a table
/// that is a folder, or a run that is not complete (naming --resume); a table the run wrote
/// that is gone is said, not silently skipped.
#[test]
fn plot_exit_codes_and_messages() {
    let tmp = tempdir();
    let out = tmp.path().join("r");
    belonging(&refs(&tiny(&["run", "classroom"], &out))).success();
    let d = s(&out);
    let o = run_cmd(
        bin()
            .args(["plot", &d])
            .env("BELONGING_TEST_FAULT", "read-only"),
    );
    o.bad_input().stderr_has(&["Read-only file system"]);
    let kept = read(&out.join("trajectories.csv"));
    std::fs::remove_file(out.join("trajectories.csv")).expect("remove");
    belonging(&["plot", &d])
        .success()
        .stderr_has(&["trajectories.csv, which is gone"]);
    std::fs::write(out.join("trajectories.csv"), kept).expect("put back");
    std::fs::remove_file(out.join("event_aligned.csv")).expect("remove");
    std::fs::create_dir(out.join("event_aligned.csv")).expect("a folder in its place");
    belonging(&["plot", &d])
        .bad_input()
        .stderr_has(&["event_aligned.csv", "Is a directory"]);
    // A run that is not complete: its plots are drawn by --resume, not by plot.
    let text = read_string(&out.join("manifest.json")).replace("\"complete\"", "\"running\"");
    std::fs::write(out.join("manifest.json"), text).expect("write");
    belonging(&["plot", &d])
        .bad_input()
        .stderr_has(&["not complete", "belonging run --resume"]);
}

/// An output path the run could not complete (too long for the system's limit on the paths
/// of its temporary files) is refused before anything runs; what a process stopped before its
/// manifest leaves (the lock, an empty parts/, scenario.ron alone) does not block a rerun.
#[test]
fn a_path_too_long_is_refused_before_running_and_debris_blocks_nothing() {
    let tmp = tempdir();
    let mut long = tmp.path().to_path_buf();
    while long.as_os_str().len() < 4030 {
        long.push("d".repeat(200));
    }
    let room = 4058usize.saturating_sub(long.as_os_str().len() + 1).max(1);
    long.push("e".repeat(room.min(255)));
    let o = belonging(&refs(&tiny(&["run", "classroom"], &long)));
    o.bad_input().stderr_has(&["choose a shorter --out"]);
    assert!(!long.join("manifest.json").exists() && !long.join("scenario.ron").exists());

    let out = tmp.path().join("debris");
    std::fs::create_dir_all(out.join("parts")).expect("mkdir");
    std::fs::write(out.join(".belonging.lock"), "1\n").expect("lock");
    std::fs::write(out.join("scenario.ron"), "(name: \"x\")").expect("scenario");
    std::fs::write(out.join(".summary.csv.tmp-999"), "half").expect("tmp");
    belonging(&refs(&tiny(&["run", "classroom"], &out))).success();
    assert_eq!(manifest(&out)["status"], "complete");
}
