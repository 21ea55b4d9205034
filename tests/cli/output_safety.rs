//! Output safety when the disk refuses writes: a full disk and a read-only one, injected
//! beneath every write of the binary (`BELONGING_TEST_FAULT`, src/output/fault.rs), so these
//! tests run for any user, root or not, with nothing mounted, through the real code path:
//! the same atomic writes, error messages and exit codes as a real full or read-only disk.

use crate::common::*;
use std::path::Path;

/// `belonging ARGS` on a disk that is full once `bytes` have been written.
fn on_full_disk(bytes: u64, args: &[&str]) -> Output {
    run_cmd(
        bin()
            .args(args)
            .env("BELONGING_TEST_FAULT", format!("disk-full-after={bytes}")),
    )
}

/// `belonging ARGS` on a read-only disk.
fn on_read_only_disk(args: &[&str]) -> Output {
    run_cmd(bin().args(args).env("BELONGING_TEST_FAULT", "read-only"))
}

/// The tiny run's arguments into `out`.
fn tiny_args(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["run", "classroom"].iter().map(|s| s.to_string()).collect();
    v.extend(TINY.iter().map(|s| s.to_string()));
    v.extend(extra.iter().map(|s| s.to_string()));
    v.push("--out".into());
    v.push(out.to_str().expect("UTF-8").into());
    v
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[track_caller]
fn status_of(dir: &Path) -> String {
    let path = dir.join("manifest.json");
    if !path.exists() {
        return "absent".into();
    }
    manifest(dir)["status"].as_str().unwrap_or("?").to_string()
}

#[test]
fn a_full_disk_is_a_clear_error_never_a_complete_manifest_and_resume_completes_the_run() {
    let tmp = tempdir();
    let full = tmp.path().join("reference");
    tiny_run(&full, &[]).success();

    // The tiny run writes about 100 KB of parts and tables: 64 KiB cannot hold them.
    let out = tmp.path().join("out");
    let o = on_full_disk(64 << 10, &refs(&tiny_args(&out, &["--threads", "1"])));
    assert_eq!(o.code, Some(1), "exit code 1; stderr:\n{}", o.stderr);
    o.no_panic().stderr_has(&[
        "error: ",
        out.to_str().expect("UTF-8"),
        "No space left on device",
        "belonging run --resume",
    ]);
    // The error names the file that could not be written, inside the output folder.
    let named = o.stderr.split(": ").any(|part| {
        part.starts_with(out.to_str().expect("UTF-8"))
            && (part.contains(".csv") || part.contains("parts/job."))
    });
    assert!(named, "the message names the file:\n{}", o.stderr);
    let status = status_of(&out);
    assert_ne!(status, "complete", "a full disk never gives a complete run");
    assert!(
        !out.join("summary.csv").exists() || status != "complete",
        "no complete manifest over missing tables"
    );
    // No temporary file is left behind.
    let leftovers: Vec<_> = snapshot(&out)
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // With room again, --resume completes it to the bytes of an uninterrupted run.
    belonging(&["run", "--resume", out.to_str().expect("UTF-8"), "--quiet"]).success();
    assert_eq!(status_of(&out), "complete");
    for t in ["summary.csv", "timeseries.csv", "agents.csv", "runs.csv"] {
        assert_same_file(&full.join(t), &out.join(t));
    }
}

#[test]
fn a_full_disk_stops_a_sweep_with_a_clear_error_and_a_partial_manifest() {
    let tmp = tempdir();
    let out = tmp.path().join("sweep");
    let o = on_full_disk(
        64 << 10,
        &[
            "sweep",
            "classroom",
            "--vary",
            "support.capacity=6,10,14,18",
            "--replicates",
            "4",
            "--set",
            "population.size=60",
            "--steps",
            "40",
            "--threads",
            "1",
            "--quiet",
            "--out",
            out.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(o.code, Some(1), "exit code 1; stderr:\n{}", o.stderr);
    o.no_panic().stderr_has(&[
        out.to_str().expect("UTF-8"),
        "No space left on device",
        "belonging sweep --resume",
    ]);
    assert_ne!(status_of(&out), "complete");
    assert!(!out.join("sweep_summary.csv").exists());
}

#[test]
fn a_read_only_disk_is_refused_before_running() {
    // A read-only file system stops root too (unlike chmod 0o555): the output folder cannot
    // be created, which is bad input (exit 2), and nothing runs.
    let tmp = tempdir();
    let out = tmp.path().join("ro").join("out");
    let o = on_read_only_disk(&refs(&tiny_args(&out, &[])));
    o.bad_input().stderr_has(&[
        out.to_str().expect("UTF-8"),
        "cannot write the output folder",
        "Read-only file system",
    ]);
    assert!(!out.exists());
    let o = on_read_only_disk(&[
        "sweep",
        "classroom",
        "--vary",
        "support.capacity=6,10",
        "--quiet",
        "--out",
        out.to_str().expect("UTF-8"),
    ]);
    o.bad_input()
        .stderr_has(&[out.to_str().expect("UTF-8"), "Read-only file system"]);
}

#[test]
fn whatever_the_disk_fills_up_on_a_run_is_complete_only_with_every_file() {
    // Disks that fill up at different points: while writing the parts, joining the tables,
    // writing summary.csv, drawing the plots or writing the manifest.
    let tmp = tempdir();
    let mut outcomes = Vec::new();
    let mut resumed = Vec::new();
    for kb in [
        64, 96, 128, 160, 192, 256, 320, 480, 640, 800, 960, 1100, 4000,
    ] {
        let out = tmp.path().join(format!("out-{kb}"));
        let o = on_full_disk(kb << 10, &refs(&tiny_args(&out, &["--threads", "1"])));
        o.no_panic();
        let status = status_of(&out);
        if o.code == Some(0) {
            assert_eq!(status, "complete");
            let m = manifest(&out);
            for f in m["files"].as_array().expect("files") {
                let f = f.as_str().expect("a name");
                assert!(out.join(f).is_file(), "{kb} KiB: {f} is listed but missing");
            }
        } else {
            assert_eq!(o.code, Some(1), "{kb} KiB: stderr:\n{}", o.stderr);
            assert_ne!(status, "complete", "{kb} KiB: {}", o.stderr);
            assert!(
                o.stderr.contains("No space left on device"),
                "{kb} KiB: {}",
                o.stderr
            );
        }
        outcomes.push(format!(
            "{kb}k: exit {:?}, {status}: {}",
            o.code,
            o.stderr.trim()
        ));
        // With room again, every stopped run resumes, and one stopped after its replicates
        // (while joining the tables or drawing the plots) runs none of them again.
        if o.code != Some(0) {
            let after_jobs =
                o.stderr.contains("writing the tables") || o.stderr.contains("drawing the plots");
            let r = belonging(&["run", "--resume", out.to_str().expect("UTF-8")]);
            r.success();
            assert_eq!(status_of(&out), "complete", "{kb} KiB");
            if after_jobs {
                r.stderr_has(&["(resumed: 0 of them run now)"]);
            }
            resumed.push(kb);
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    eprintln!("{}", outcomes.join("\n"));
    assert!(
        resumed.len() >= 6,
        "too few stopped runs to prove anything: {resumed:?}"
    );
}
