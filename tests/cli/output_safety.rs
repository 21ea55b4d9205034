//! Output safety on real filesystems that refuse writes: a full disk (a 64 KiB tmpfs) and a
//! read-only one. Both apply to root too (CI runs as root, where `chmod 0o555` stops
//! nothing), so these tests mount them; they need root and fail, saying so, without it.
#![cfg(target_os = "linux")]

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted for one test, unmounted when dropped (also when the test fails).
struct Mount(PathBuf);

impl Mount {
    /// Mounts a tmpfs of `size` (e.g. `64k`) with extra `options` (e.g. `ro`) at `dir`.
    #[track_caller]
    fn tmpfs(dir: &Path, size: &str, options: &str) -> Mount {
        std::fs::create_dir_all(dir).expect("mount point");
        let mut opts = format!("size={size}");
        if !options.is_empty() {
            opts = format!("{opts},{options}");
        }
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &opts, "tmpfs"])
            .arg(dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run `mount` ({e}); this test needs it"));
        assert!(
            o.status.success(),
            "this test mounts a small tmpfs at {} to make a full or read-only disk, which \
             needs root (CI runs as root); `mount` said: {}",
            dir.display(),
            String::from_utf8_lossy(&o.stderr).trim()
        );
        Mount(dir.to_path_buf())
    }

    /// Remounts with other options (e.g. a larger `size=`).
    #[track_caller]
    fn remount(&self, options: &str) {
        let o = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .output()
            .expect("run mount");
        assert!(
            o.status.success(),
            "remount {}: {}",
            self.0.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
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
    let disk = Mount::tmpfs(&tmp.path().join("disk"), "64k", "");
    let out = disk.0.join("out");
    let o = tiny_run(&out, &["--threads", "1"]);
    assert_eq!(o.code, Some(1), "exit code 1; stderr:\n{}", o.stderr);
    o.no_panic().stderr_has(&[
        "error: ",
        out.to_str().expect("UTF-8"),
        "No space left on device",
        "belonging run --resume",
    ]);
    // The error names the file that could not be written, inside the output folder.
    let named = o
        .stderr
        .split(": ")
        .any(|part| part.starts_with(out.to_str().expect("UTF-8")) && part.contains(".csv"));
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
    disk.remount("size=16m");
    belonging(&["run", "--resume", out.to_str().expect("UTF-8"), "--quiet"]).success();
    assert_eq!(status_of(&out), "complete");
    for t in ["summary.csv", "timeseries.csv", "agents.csv", "runs.csv"] {
        assert_same_file(&full.join(t), &out.join(t));
    }
}

#[test]
fn a_full_disk_stops_a_sweep_with_a_clear_error_and_a_partial_manifest() {
    let tmp = tempdir();
    let disk = Mount::tmpfs(&tmp.path().join("disk"), "64k", "");
    let out = disk.0.join("sweep");
    let o = belonging(&[
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
    ]);
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
    // A read-only filesystem stops root too (unlike chmod 0o555): the output folder cannot
    // be created, which is bad input (exit 2), and nothing runs.
    let tmp = tempdir();
    let disk = Mount::tmpfs(&tmp.path().join("ro"), "64k", "ro");
    let out = disk.0.join("out");
    let o = tiny_run(&out, &[]);
    o.bad_input().stderr_has(&[
        out.to_str().expect("UTF-8"),
        "cannot write the output folder",
        "Read-only file system",
    ]);
    assert!(!out.exists());
    let o = belonging(&[
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
    let disk = Mount::tmpfs(&tmp.path().join("disk"), "64k", "");
    let mut outcomes = Vec::new();
    for kb in [
        64, 96, 128, 160, 192, 256, 320, 480, 640, 800, 960, 1100, 4000,
    ] {
        disk.remount(&format!("size={kb}k"));
        let out = disk.0.join(format!("out-{kb}"));
        let o = tiny_run(&out, &["--threads", "1"]);
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
        let _ = std::fs::remove_dir_all(&out);
    }
    eprintln!("{}", outcomes.join("\n"));
}
