//! Helpers: run the `belonging` binary, tiny scenarios, temporary folders, file checks.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// No command of these tests may take longer than this; a hang fails the test instead of
/// hanging the suite.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A tiny run of the `classroom` built-in: 60 agents, 12 weeks, 2 replicates, quiet. The
/// pulse moves to week 3 so it falls inside the short run. Steps and replicates are given
/// with `--set`, so a test may still add `--steps` or `--replicates` (which win).
pub const TINY: &[&str] = &[
    "--set",
    "population.size=60",
    "--set",
    "steps=12",
    "--set",
    "replicates=2",
    "--set",
    "burn_in=2",
    "--set",
    "events[0].pulse.step=3",
    "--quiet",
];

/// What a finished command left behind.
#[derive(Debug)]
pub struct Output {
    /// Exit code (None: killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Output {
    /// Asserts exit code 0, showing stderr otherwise.
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "expected success; stderr:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts the exit code of bad input (2) and that nothing panicked.
    #[track_caller]
    pub fn bad_input(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(2),
            "expected exit code 2 (bad input); stderr:\n{}",
            self.stderr
        );
        self.no_panic();
        let first = self.stderr.lines().next().unwrap_or_default();
        let causes: Vec<&str> = first.split(": ").collect();
        assert!(
            causes.windows(2).all(|w| w[0] != w[1]),
            "a cause is repeated: {first}"
        );
        assert!(
            self.stderr.starts_with("error: "),
            "the message should start with `error: `:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "the binary panicked:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts stderr contains every fragment.
    #[track_caller]
    pub fn stderr_has(&self, fragments: &[&str]) -> &Self {
        for f in fragments {
            assert!(
                self.stderr.contains(f),
                "stderr should contain {f:?}; it is:\n{}",
                self.stderr
            );
        }
        self
    }
}

/// The binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_belonging"))
}

/// Runs `belonging ARGS` in the current folder.
pub fn belonging(args: &[&str]) -> Output {
    run_cmd(bin().args(args))
}

/// Runs `belonging ARGS` in `dir`.
pub fn belonging_in(dir: &Path, args: &[&str]) -> Output {
    run_cmd(bin().current_dir(dir).args(args))
}

/// Runs a command to its end (killing it after [`TIMEOUT`]), collecting its output.
pub fn run_cmd(cmd: &mut Command) -> Output {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the belonging binary");
    let mut out = child.stdout.take().expect("stdout piped");
    let mut err = child.stderr.take().expect("stderr piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Output {
        code: status.code(),
        stdout,
        stderr,
        elapsed,
    }
}

/// `run classroom TINY... EXTRA... --out OUT`.
pub fn tiny_run(out: &Path, extra: &[&str]) -> Output {
    let out_s = out.to_str().expect("UTF-8 temp path");
    let mut args = vec!["run", "classroom"];
    args.extend_from_slice(TINY);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out_s]);
    belonging(&args)
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("belonging-cli-")
        .tempdir()
        .expect("cannot create a temporary folder")
}

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub fn fixture(name: &str) -> PathBuf {
    repo_path("tests/fixtures/bad").join(name)
}

#[track_caller]
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[track_caller]
pub fn read_string(path: &Path) -> String {
    String::from_utf8(read(path)).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()))
}

#[track_caller]
pub fn manifest(dir: &Path) -> serde_json::Value {
    let text = read_string(&dir.join("manifest.json"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("manifest.json is not JSON: {e}\n{text}"))
}

/// Every file under `dir` (relative path -> bytes), to prove a folder was left untouched.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("readable folder")
            .map(|e| e.expect("folder entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("inside root").to_path_buf();
                out.insert(rel, read(&p));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two files are byte-identical, naming the first differing line otherwise.
#[track_caller]
pub fn assert_same_file(a: &Path, b: &Path) {
    let (x, y) = (read(a), read(b));
    if x != y {
        let (xs, ys) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
        let diff = xs
            .lines()
            .zip(ys.lines())
            .enumerate()
            .find(|(_, (l, r))| l != r)
            .map(|(i, (l, r))| format!("first difference at line {}:\n  {l}\n  {r}", i + 1))
            .unwrap_or_else(|| format!("lengths differ: {} vs {} bytes", x.len(), y.len()));
        panic!("{} and {} differ; {diff}", a.display(), b.display());
    }
}

/// Number of data rows (lines after the header) of a CSV file.
pub fn data_rows(path: &Path) -> usize {
    read_string(path).lines().count().saturating_sub(1)
}

/// A command stopped by a signal: what it left behind, and how long it took to exit after
/// the signal.
#[cfg(unix)]
pub struct Signalled {
    pub output: Output,
    pub exit_after_signal: Duration,
}

/// How many `.csv` files `dir` holds (0 when it does not exist yet): a sweep's finished jobs.
pub fn csv_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| {
        d.filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".csv"))
            .count()
    })
}

/// Starts `cmd`, waits until `ready()` holds (polled every 2 ms), sends it `signal`
/// (`libc::SIGINT`, `libc::SIGTERM`) and collects its output. Fails if the command ends
/// before it is ready (the signal would test nothing) or does not end within [`TIMEOUT`].
#[cfg(unix)]
pub fn signal_when(cmd: &mut Command, ready: impl Fn() -> bool, signal: i32) -> Signalled {
    signals_when(cmd, ready, &[signal])
}

/// [`signal_when`] sending several signals back to back (1 ms apart); the time to exit is
/// counted from the first.
#[cfg(unix)]
pub fn signals_when(cmd: &mut Command, ready: impl Fn() -> bool, signals: &[i32]) -> Signalled {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the belonging binary");
    let mut out = child.stdout.take().expect("stdout piped");
    let mut err = child.stderr.take().expect("stderr piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let stderr = |r: std::thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&r.join().unwrap_or_default()).into_owned()
    };
    while !ready() {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            panic!(
                "{cmd:?} ended ({status}) before it could be interrupted; make the test's \
                 run longer. stderr:\n{}",
                stderr(err_reader)
            );
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} was not ready to be interrupted within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    let signalled = Instant::now();
    for (k, &signal) in signals.iter().enumerate() {
        if k > 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        // SAFETY: kill(2) with the pid of our own child, which has not been waited for yet
        // (so the pid cannot have been reused), and a valid signal number.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0, "kill({pid}, {signal}) failed");
    }
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            break status;
        }
        if signalled.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not stop within {TIMEOUT:?} of signals {signals:?}");
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let exit_after_signal = signalled.elapsed();
    Signalled {
        output: Output {
            code: status.code(),
            stdout: stderr(out_reader),
            stderr: stderr(err_reader),
            elapsed: started.elapsed(),
        },
        exit_after_signal,
    }
}

/// Names of the files directly in `dir` whose name starts with `prefix` (sorted).
pub fn files_starting(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
