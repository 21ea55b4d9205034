//! Interruption: a real SIGINT or SIGTERM sent to `belonging run` and `belonging sweep`
//! mid-run stops them promptly with exit code 130, keeps every finished job, marks the
//! manifest `partial`, and `--resume` completes the folder byte-identically to an
//! uninterrupted run.
#![cfg(unix)]

use crate::common::*;
use std::path::Path;
use std::time::Duration;

/// Longest a signalled run may take to exit: it stops at the next step of its running job.
const PROMPT: Duration = Duration::from_secs(5);

/// Replicates of the interrupted run: enough that a signal sent when the first has finished
/// lands mid-run on one thread.
const REPLICATES: usize = 16;

/// `run classroom` with 300 agents, 60 weeks and 16 replicates (about 50 ms a replicate).
fn run_args(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "run",
        "classroom",
        "--set",
        "population.size=300",
        "--set",
        "steps=60",
        "--set",
        "burn_in=2",
        "--set",
        "events[0].pulse.step=3",
        "--replicates",
        "16",
        "--quiet",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(out.to_str().expect("UTF-8 temp path").into());
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

/// The tables a run writes (all must be byte-identical after a resume): every result file
/// but the manifest, whose timings differ.
fn tables() -> impl Iterator<Item = &'static str> {
    belonging::output::RESULT_FILES
        .iter()
        .copied()
        .filter(|&f| f != "manifest.json")
}

fn interrupted_run_resumes_to_the_same_bytes(signal: i32) {
    let tmp = tempdir();
    let (full, cut) = (tmp.path().join("full"), tmp.path().join("cut"));
    let args = run_args(&full, &["--threads", "2"]);
    belonging(&args.iter().map(String::as_str).collect::<Vec<_>>()).success();

    let parts = cut.join("parts");
    let finished = || files_starting(&parts, "seal.");
    let args = run_args(&cut, &["--threads", "1"]);
    let s = signal_when(bin().args(&args), || !finished().is_empty(), signal);
    let o = &s.output;
    eprintln!(
        "signal {signal}: exited {:?} after {:?}",
        o.code, s.exit_after_signal
    );
    assert_eq!(o.code, Some(130), "exit code 130; stderr:\n{}", o.stderr);
    o.no_panic()
        .stderr_has(&["interrupted", "are kept", "belonging run --resume"]);
    assert!(
        s.exit_after_signal < PROMPT,
        "took {:?} to stop",
        s.exit_after_signal
    );

    // Every finished replicate is kept, the manifest says how many, no final table exists.
    let kept = finished();
    eprintln!("run, signal {signal}: {} of {REPLICATES} kept", kept.len());
    let m = manifest(&cut);
    assert_eq!(m["status"], "partial");
    assert_eq!(m["jobs_done"], kept.len(), "{m}");
    assert!(
        !kept.is_empty() && kept.len() < REPLICATES,
        "the signal should land mid-run: {} of {REPLICATES} finished",
        kept.len()
    );
    for table in ["timeseries.csv", "summary.csv", "runs.csv"] {
        assert!(
            !cut.join(table).exists(),
            "no {table} from an interrupted run"
        );
    }
    let before = snapshot(&parts);

    // --resume runs only the missing replicates (on another thread count) and writes
    // exactly the tables of the uninterrupted run.
    let resumed = belonging(&[
        "run",
        "--resume",
        cut.to_str().expect("UTF-8"),
        "--threads",
        "2",
        "--quiet",
    ]);
    resumed.success();
    let m = manifest(&cut);
    assert_eq!(m["status"], "complete");
    assert_eq!(m["jobs_done"], REPLICATES);
    assert_eq!(m["runs"], manifest(&full)["runs"]);
    for t in tables() {
        assert_same_file(&full.join(t), &cut.join(t));
    }
    assert!(
        !parts.exists(),
        "parts/ is removed once the tables are joined"
    );
    assert!(
        before.len() >= 2 * kept.len(),
        "a part and a seal of every kept job: {:?}",
        before.keys()
    );

    // A complete folder has nothing to resume.
    belonging(&["run", "--resume", cut.to_str().expect("UTF-8")])
        .bad_input()
        .stderr_has(&["already complete"]);
}

#[test]
fn sigint_stops_a_run_which_resume_completes_to_the_same_bytes() {
    interrupted_run_resumes_to_the_same_bytes(libc::SIGINT);
}

#[test]
fn sigterm_stops_a_run_which_resume_completes_to_the_same_bytes() {
    interrupted_run_resumes_to_the_same_bytes(libc::SIGTERM);
}

#[test]
fn resume_refuses_a_folder_that_is_not_an_interrupted_run() {
    let tmp = tempdir();
    let s = |p: &Path| p.to_str().expect("UTF-8").to_string();
    // No manifest at all.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    belonging(&["run", "--resume", &s(&empty)])
        .bad_input()
        .stderr_has(&["manifest.json", "belonging run"]);
    // A run whose scenario.ron was edited after it started.
    let out = tmp.path().join("edited");
    let args = run_args(&out, &["--threads", "1"]);
    let parts = out.join("parts");
    let o = signal_when(
        bin().args(&args),
        || !files_starting(&parts, "seal.").is_empty(),
        libc::SIGINT,
    )
    .output;
    assert_eq!(o.code, Some(130), "{}", o.stderr);
    let ron = out.join("scenario.ron");
    let text = read_string(&ron).replacen("steps: 60", "steps: 61", 1);
    std::fs::write(&ron, text).expect("edit scenario.ron");
    belonging(&["run", "--resume", &s(&out)])
        .bad_input()
        .stderr_has(&["scenario.ron", "changed", "refusing"]);
    // --resume takes the settings from the folder: none may be given again.
    belonging(&["run", "--resume", &s(&out), "--seed", "3"]).bad_input();
    belonging(&["run", "classroom", "--resume", &s(&out)]).bad_input();
    // A run another version of belonging started (its streams may differ from this one's).
    let text = read_string(&ron).replacen("steps: 61", "steps: 60", 1);
    std::fs::write(&ron, text).expect("restore scenario.ron");
    let m = out.join("manifest.json");
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    let text = read_string(&m);
    assert!(text.contains(&version), "{text}");
    std::fs::write(&m, text.replacen(&version, "\"version\": \"0.0.1\"", 1)).expect("edit");
    belonging(&["run", "--resume", &s(&out)])
        .bad_input()
        .stderr_has(&[
            "0.0.1",
            env!("CARGO_PKG_VERSION"),
            "the same seed gives other results in another version, so refusing",
        ]);
}

/// A sweep of 3 x 2 points x 3 replicates = 18 jobs of 200 agents over 40 weeks.
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
        "population.size=200",
        "--set",
        "burn_in=2",
        "--set",
        "events[0].pulse.step=3",
        "--steps",
        "40",
        "--quiet",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(out.to_str().expect("UTF-8 temp path").into());
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn interrupted_sweep_resumes_to_the_same_bytes(signal: i32) {
    let tmp = tempdir();
    let (full, cut) = (tmp.path().join("full"), tmp.path().join("cut"));
    let args = sweep_args(&full, &["--threads", "2"]);
    belonging(&args.iter().map(String::as_str).collect::<Vec<_>>()).success();

    let jobs = cut.join("jobs");
    let finished = || files_starting(&jobs, "job-");
    let args = sweep_args(&cut, &["--threads", "1"]);
    let s = signal_when(bin().args(&args), || !finished().is_empty(), signal);
    let o = &s.output;
    eprintln!(
        "sweep, signal {signal}: exited {:?} after {:?}",
        o.code, s.exit_after_signal
    );
    assert_eq!(o.code, Some(130), "exit code 130; stderr:\n{}", o.stderr);
    o.no_panic()
        .stderr_has(&["interrupted", "are kept", "belonging sweep --resume"]);
    assert!(
        s.exit_after_signal < PROMPT,
        "took {:?} to stop",
        s.exit_after_signal
    );
    let kept = finished();
    eprintln!("sweep, signal {signal}: {} of 18 kept", kept.len());
    let m = manifest(&cut);
    assert_eq!(m["status"], "partial");
    assert_eq!(m["jobs_done"], kept.len(), "{m}");
    assert!(
        !kept.is_empty() && kept.len() < 18,
        "the signal should land mid-sweep: {} of 18 finished",
        kept.len()
    );
    assert!(!cut.join("sweep.csv").exists(), "no final table");
    let before = snapshot(&jobs);

    belonging(&["sweep", "--resume", cut.to_str().expect("UTF-8"), "--quiet"]).success();
    assert_eq!(manifest(&cut)["status"], "complete");
    for (name, bytes) in &before {
        assert_eq!(
            &read(&jobs.join(name)),
            bytes,
            "kept job {} is unchanged",
            name.display()
        );
    }
    for f in [
        "sweep.csv",
        "sweep_summary.csv",
        "sweep.json",
        "scenario.ron",
    ] {
        assert_same_file(&full.join(f), &cut.join(f));
    }
    for k in 0..18 {
        let name = format!("jobs/job-{k:06}.csv");
        assert_same_file(&full.join(&name), &cut.join(&name));
    }
}

#[test]
fn sigint_stops_a_sweep_which_resume_completes_to_the_same_bytes() {
    interrupted_sweep_resumes_to_the_same_bytes(libc::SIGINT);
}

#[test]
fn sigterm_stops_a_sweep_which_resume_completes_to_the_same_bytes() {
    interrupted_sweep_resumes_to_the_same_bytes(libc::SIGTERM);
}

#[test]
fn a_second_signal_quits_at_once_with_130_and_resume_still_completes_the_run() {
    let tmp = tempdir();
    let (full, out) = (tmp.path().join("full"), tmp.path().join("twice"));
    let args = run_args(&full, &["--threads", "2"]);
    belonging(&args.iter().map(String::as_str).collect::<Vec<_>>()).success();
    let args = run_args(&out, &["--threads", "1"]);
    let parts = out.join("parts");
    let s = signals_when(
        bin().args(&args),
        || !files_starting(&parts, "seal.").is_empty(),
        &[libc::SIGINT, libc::SIGINT],
    );
    eprintln!(
        "two signals: exited {:?} after {:?}",
        s.output.code, s.exit_after_signal
    );
    assert_eq!(s.output.code, Some(130), "{}", s.output.stderr);
    s.output.no_panic();
    assert_ne!(manifest(&out)["status"], "complete");
    // A stale temporary file such as a hard stop may leave: --resume removes it.
    let stale = out.join(".timeseries.csv.tmp-1");
    std::fs::write(&stale, "half").expect("write");
    belonging(&["run", "--resume", out.to_str().expect("UTF-8"), "--quiet"]).success();
    assert_eq!(manifest(&out)["status"], "complete");
    assert!(!stale.exists(), "--resume removes stale temporary files");
    for t in tables() {
        assert_same_file(&full.join(t), &out.join(t));
    }
}
