//! One writer per folder, with real processes: while one `belonging` process writes a
//! folder, every other command that would write into it (run, run --force, run --resume,
//! sweep, sweep --resume, merge, compare, validate, plot) is refused with exit 2, naming the
//! holder's PID, and leaves the holder's results alone; when the holder is killed, the kernel
//! releases its lock and the folder can be resumed at once.
#![cfg(unix)]

use crate::common::*;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A `belonging` process holding a folder's lock, killed (SIGKILL) when dropped.
struct Holder {
    child: Child,
}

impl Holder {
    /// Starts `belonging ARGS` and waits until it holds `dir`'s lock, has written its
    /// process id into it and its description of the folder (manifest.json of a run,
    /// sweep.json of a sweep): it is then writing the folder.
    fn start(args: &[&str], dir: &Path) -> Holder {
        let child = bin()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start belonging");
        let mut h = Holder { child };
        let lock = dir.join(".belonging.lock");
        let started = Instant::now();
        loop {
            let pid = std::fs::read_to_string(&lock).unwrap_or_default();
            let described = dir.join("manifest.json").is_file() || dir.join("sweep.json").is_file();
            if pid.trim() == h.pid().to_string() && described {
                return h;
            }
            if let Ok(Some(status)) = h.child.try_wait() {
                panic!("{args:?} ended ({status}) before it held {}", dir.display());
            }
            assert!(
                started.elapsed() < TIMEOUT,
                "{args:?} never locked {}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no handler runs, as with a power cut or the kernel's OOM killer.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A run long enough to be holding its folder for the whole test (about a minute on one
/// thread; it is killed at the end).
fn long_run(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "run",
        "default",
        "--set",
        "population.size=1500",
        "--replicates",
        "200",
        "--threads",
        "1",
        "--quiet",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(s(out));
    v.extend(extra.iter().map(|x| x.to_string()));
    v
}

fn s(p: &Path) -> String {
    p.to_str().expect("UTF-8").to_string()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Asserts a refusal because `holder` has the folder.
#[track_caller]
fn refused_in_use(o: &Output, holder: &Holder) {
    o.bad_input().no_panic().stderr_has(&[
        "in use by another belonging process",
        &holder.pid().to_string(),
    ]);
}

#[test]
fn a_folder_being_written_refuses_every_other_writer() {
    let tmp = tempdir();
    let dir = tmp.path().join("held");
    let mut holder = Holder::start(&refs(&long_run(&dir, &[])), &dir);
    let seed_before = read_string(&dir.join("scenario.ron"));
    let d = s(&dir);
    let tiny = |cmd: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = cmd.iter().map(|x| x.to_string()).collect();
        v.extend(TINY.iter().map(|x| x.to_string()));
        v
    };
    // Each of these would write into the folder.
    let attempts: Vec<Vec<String>> = vec![
        tiny(&["run", "classroom", "--out", &d]),
        tiny(&["run", "classroom", "--force", "--seed", "7", "--out", &d]),
        vec!["run".into(), "--resume".into(), d.clone()],
        tiny(&[
            "sweep",
            "classroom",
            "--vary",
            "support.capacity=6,10",
            "--out",
            &d,
        ]),
        tiny(&[
            "sweep",
            "classroom",
            "--vary",
            "support.capacity=6,10",
            "--force",
            "--out",
            &d,
        ]),
        vec!["plot".into(), d.clone()],
        tiny(&["compare", "classroom", "classroom", "--force", "--out", &d]),
        vec![
            "validate".into(),
            "8".into(),
            "--replicates".into(),
            "2".into(),
            "--force".into(),
            "--out".into(),
            d.clone(),
        ],
    ];
    for args in &attempts {
        let o = belonging(&refs(args));
        refused_in_use(&o, &holder);
        assert!(holder.running(), "{args:?} stopped the holder");
    }
    // A merge into the folder is refused the same way (its shards are whole sweeps).
    let shard = tmp.path().join("shard");
    belonging(&refs(&tiny(&[
        "sweep",
        "classroom",
        "--vary",
        "support.capacity=6,10",
        "--out",
        &s(&shard),
    ])))
    .success();
    refused_in_use(
        &belonging(&["merge", &s(&shard), "--out", &d, "--force"]),
        &holder,
    );
    // The holder's folder is as it wrote it: its own scenario, no foreign table.
    assert_eq!(read_string(&dir.join("scenario.ron")), seed_before);
    assert!(!dir.join("sweep.json").exists() && !dir.join("compare.csv").exists());
    assert!(holder.running());

    // Killed (SIGKILL: no handler runs), the holder's lock goes with it: the next command
    // is refused for what the folder holds (an unfinished run), not for a stale lock.
    holder.kill();
    assert_eq!(
        manifest(&dir)["status"],
        "running",
        "a killed run says running"
    );
    let o = belonging(&["plot", &d]);
    o.bad_input()
        .stderr_has(&["not complete", "belonging run --resume"]);
    assert!(!o.stderr.contains("in use"), "{}", o.stderr);
}

/// Two runs started together into one new folder: exactly one writes it; the folder holds
/// one run, whose manifest, scenario and every replicate's seed agree.
#[test]
fn two_runs_started_together_never_both_write() {
    let tmp = tempdir();
    for round in 0..4 {
        let dir = tmp.path().join(format!("new-{round}"));
        let args = |seed: &str| -> Vec<String> {
            let mut v: Vec<String> = ["run", "classroom", "--seed", seed, "--out"]
                .iter()
                .map(|x| x.to_string())
                .collect();
            v.push(s(&dir));
            v.extend(TINY.iter().map(|x| x.to_string()));
            v
        };
        let spawn = |a: Vec<String>| {
            std::thread::spawn(move || belonging(&a.iter().map(String::as_str).collect::<Vec<_>>()))
        };
        let (a, b) = (spawn(args("1")), spawn(args("2")));
        let (a, b) = (a.join().expect("thread"), b.join().expect("thread"));
        let winners: Vec<&Output> = [&a, &b].into_iter().filter(|o| o.code == Some(0)).collect();
        assert_eq!(
            winners.len(),
            1,
            "round {round}: {} / {}",
            a.stderr,
            b.stderr
        );
        let loser = if a.code == Some(0) { &b } else { &a };
        loser.bad_input().no_panic();
        assert!(
            loser.stderr.contains("in use by another belonging process")
                || loser.stderr.contains("exists and is not empty"),
            "{}",
            loser.stderr
        );
        let m = manifest(&dir);
        assert_eq!(m["status"], "complete");
        let seed = m["seed"].as_u64().expect("seed");
        assert!(read_string(&dir.join("scenario.ron")).contains(&format!("seed: {seed},")));
        for run in m["runs"].as_array().expect("runs") {
            let r = run["replicate"].as_u64().expect("replicate");
            assert_eq!(
                run["seed"].as_u64(),
                Some(belonging::rng::job_seed(seed, 0, r)),
                "round {round}: replicate {r} ran with another seed"
            );
        }
    }
}

/// Two resumes of one killed run started together: one completes it, the other is refused
/// (in use), and the folder ends complete, never `failed`.
#[test]
fn two_resumes_of_one_folder_never_both_write() {
    let tmp = tempdir();
    let dir = tmp.path().join("killed");
    let mut args = long_run(&dir, &[]);
    // Shorter: 24 replicates of 300 agents, killed once some are kept.
    args[3] = "population.size=300".into();
    args[5] = "24".into();
    let mut holder = Holder::start(&refs(&args), &dir);
    let parts = dir.join("parts");
    let started = Instant::now();
    while files_starting(&parts, "seal.").len() < 2 {
        assert!(started.elapsed() < TIMEOUT, "no replicate finished");
        std::thread::sleep(Duration::from_millis(5));
    }
    holder.kill();
    let d = s(&dir);
    let resume =
        |d: String| std::thread::spawn(move || belonging(&["run", "--resume", &d, "--quiet"]));
    let (a, b) = (resume(d.clone()), resume(d.clone()));
    let (a, b) = (a.join().expect("thread"), b.join().expect("thread"));
    let ok = [&a, &b].iter().filter(|o| o.code == Some(0)).count();
    assert_eq!(ok, 1, "{} / {}", a.stderr, b.stderr);
    let loser = if a.code == Some(0) { &b } else { &a };
    loser.bad_input().no_panic();
    assert!(
        loser.stderr.contains("in use by another belonging process")
            || loser.stderr.contains("already complete"),
        "{}",
        loser.stderr
    );
    assert_eq!(manifest(&dir)["status"], "complete");
}

/// Sweeps: a second sweep (or its resume) into a sweep folder being written is refused.
#[test]
fn a_sweep_being_written_refuses_another_sweep_and_a_resume() {
    let tmp = tempdir();
    let dir = tmp.path().join("sweep");
    let d = s(&dir);
    let holder_args: Vec<String> = [
        "sweep",
        "default",
        "--vary",
        "support.capacity=6,8,10,12,14,16,18,20",
        "--set",
        "population.size=1500",
        "--replicates",
        "20",
        "--threads",
        "1",
        "--quiet",
        "--out",
        &d,
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    let holder = Holder::start(&refs(&holder_args), &dir);
    let mut other = holder_args.clone();
    other.extend(["--force".into(), "--seed".into(), "7".into()]);
    refused_in_use(&belonging(&refs(&other)), &holder);
    refused_in_use(&belonging(&["sweep", "--resume", &d, "--quiet"]), &holder);
    let spec = belonging::output::sweep::read_spec(&dir).expect("sweep.json");
    assert_ne!(spec.seed, 7, "the holder's sweep is untouched");
    drop(holder);
}
