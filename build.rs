//! Build script: records which commit the binary is built from, and whether the files it is
//! built from differ from that commit, so that `belonging --version` and every manifest.json
//! can name the code that made a results folder.
//!
//! It sets, for `env!` in the crate:
//! - `BELONGING_COMMIT`: the commit's first 12 hex digits, or `unknown`;
//! - `BELONGING_DIRTY`: `true` when a file the binary is built from ([`BUILD_INPUTS`]) has
//!   tracked changes against that commit (staged or not), `false` when none has, `unknown`
//!   with an unknown commit;
//! - `BELONGING_LONG_VERSION`: what `--version` prints after the name, e.g.
//!   `0.3.0 (commit 1a2b3c4d5e6f, dirty)`.
//!
//! Where it looks, in order:
//! 1. `.cargo_vcs_info.json` in the package folder: a crate package (`cargo package`,
//!    crates.io) records its commit and whether it was dirty there;
//! 2. git, when the package folder is in a git work tree that tracks this package (its
//!    `Cargo.toml`), so a package unpacked inside some other repository is not given that
//!    repository's commit;
//! 3. otherwise `unknown` (no git, no repository, a repository git refuses to read).
//!
//! Dirty counts tracked changes to [`BUILD_INPUTS`] only: untracked files (a scenario or
//! notes of one's own, results) and edits elsewhere (docs, tests) do not change the binary.
//! The script reruns when one of those inputs changes and when git's HEAD moves (its HEAD,
//! reflog and branch files are watched), so the values are those of the tree at build time.
//!
//! The functions are also compiled into the CLI tests (`tests/cli/meta.rs`), which check them
//! on repositories made for the purpose.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The files and folders the binary is built from, relative to the package folder.
pub const BUILD_INPUTS: &[&str] = &["src", "scenarios", "build.rs", "Cargo.toml", "Cargo.lock"];

/// What a build is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// The commit's first 12 hex digits, or `unknown`.
    pub commit: String,
    /// Tracked changes to [`BUILD_INPUTS`] against the commit; None when the commit is unknown.
    pub dirty: Option<bool>,
    /// Files whose change means the commit may have changed (git's HEAD and refs, a package's
    /// record): the script reruns then.
    pub watch: Vec<PathBuf>,
}

impl Described {
    pub fn unknown() -> Described {
        Described {
            commit: "unknown".into(),
            dirty: None,
            watch: Vec::new(),
        }
    }

    /// `BELONGING_DIRTY`: `true`, `false` or `unknown`.
    pub fn dirty_text(&self) -> &'static str {
        match self.dirty {
            Some(true) => "true",
            Some(false) => "false",
            None => "unknown",
        }
    }

    /// What `--version` prints after the name: `0.3.0 (commit 1a2b3c4d5e6f, dirty)`,
    /// `0.3.0 (commit 1a2b3c4d5e6f)` or `0.3.0 (commit unknown)`.
    pub fn long_version(&self, version: &str) -> String {
        let dirty = if self.dirty == Some(true) {
            ", dirty"
        } else {
            ""
        };
        format!("{version} (commit {}{dirty})", self.commit)
    }
}

/// Describes the package in `dir`, running `git` (a program name or path) where needed.
pub fn describe(dir: &Path, git: &str) -> Described {
    if let Some(d) = from_vcs_info(dir) {
        return d;
    }
    from_git(dir, git).unwrap_or_else(Described::unknown)
}

/// The commit a crate package records in `.cargo_vcs_info.json` (written by `cargo package`):
/// `{"git": {"sha1": "<40 hex>", "dirty": true}, ...}`, `dirty` present only when true.
fn from_vcs_info(dir: &Path) -> Option<Described> {
    let record = dir.join(".cargo_vcs_info.json");
    let text = std::fs::read_to_string(&record).ok()?;
    let after = text.split("\"sha1\"").nth(1)?;
    let sha: String = after
        .trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '"')
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let commit = short(&sha)?;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Some(Described {
        commit,
        dirty: Some(compact.contains("\"dirty\":true")),
        watch: vec![record],
    })
}

/// The first 12 hex digits of a full commit id (None if it is not one).
fn short(sha: &str) -> Option<String> {
    let sha = sha.trim();
    (sha.len() >= 40 && sha.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| sha[..12].to_ascii_lowercase())
}

/// `git -C dir ARGS`: its standard output when it succeeds. The checkout may belong to
/// another user (a build or a test run by an ordinary user on a tree root cloned): git's
/// `safe.directory` check would then refuse and the commit read `unknown`, so it is lifted
/// for these read-only commands — the build already runs this checkout's code — and
/// `core.fsmonitor` is off, so that no hook of the checkout's configuration runs.
fn git_out(dir: &Path, git: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(git)
        .args(["-c", "safe.directory=*", "-c", "core.fsmonitor=false"])
        .arg("-C")
        .arg(dir)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn from_git(dir: &Path, git: &str) -> Option<Described> {
    // This package must be tracked by the repository: one that only happens to contain the
    // folder (a crate unpacked in someone's home under git) says nothing about it.
    git_out(
        dir,
        git,
        &["ls-files", "--error-unmatch", "--", "Cargo.toml"],
    )?;
    let commit = short(&git_out(dir, git, &["rev-parse", "--verify", "HEAD"])?)?;
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend(BUILD_INPUTS);
    let dirty = !git_out(dir, git, &status)?.trim().is_empty();
    // HEAD, its reflog (written at every commit, checkout or reset), the branch it points to
    // and packed-refs: only those that exist, since a missing one would rerun every build.
    let mut names = vec!["HEAD".to_string(), "logs/HEAD".into(), "packed-refs".into()];
    if let Some(branch) = git_out(dir, git, &["symbolic-ref", "-q", "HEAD"]) {
        names.push(branch.trim().to_string());
    }
    let watch = names
        .iter()
        .filter_map(|n| git_out(dir, git, &["rev-parse", "--git-path", n]))
        .map(|p| dir.join(p.trim()))
        .filter(|p| p.exists())
        .collect();
    Some(Described {
        commit,
        dirty: Some(dirty),
        watch,
    })
}

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let d = describe(&dir, "git");
    println!("cargo:rustc-env=BELONGING_COMMIT={}", d.commit);
    println!("cargo:rustc-env=BELONGING_DIRTY={}", d.dirty_text());
    println!(
        "cargo:rustc-env=BELONGING_LONG_VERSION={}",
        d.long_version(&version)
    );
    for input in BUILD_INPUTS {
        println!("cargo:rerun-if-changed={input}");
    }
    for path in &d.watch {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
