//! What users expect around the model: `--version` and every manifest.json name the commit
//! (from build.rs, which says `unknown` without git), shell completions, the manual page
//! (docs/belonging.1 must be the one `belonging man` prints), `show` and `new`.

use super::common::*;
use std::path::Path;
use std::process::Command;

/// The build script itself, to check what it finds in repositories made for the purpose.
#[allow(dead_code)] // Its `main` is the build's, not called here.
#[path = "../../build.rs"]
mod build_script;

use build_script::{describe, Described};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What build.rs finds in this repository now: the tests are built from this tree, so the
/// binary must say the same.
fn this_build() -> Described {
    describe(Path::new(env!("CARGO_MANIFEST_DIR")), "git")
}

/// A commit as the binary records it: 12 lower-case hex digits, or `unknown`.
fn is_commit(s: &str) -> bool {
    s == "unknown" || (s.len() == 12 && s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')))
}

#[test]
fn version_names_the_commit_and_whether_the_tree_was_dirty() {
    let o = belonging(&["--version"]);
    o.success();
    let line = o.stdout.trim_end();
    // `belonging 0.3.0 (commit 1a2b3c4d5e6f)`, `(commit 1a2b3c4d5e6f, dirty)` or
    // `(commit unknown)`.
    let inner = line
        .strip_prefix(&format!("belonging {VERSION} (commit "))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("unexpected --version: {line:?}"));
    let commit = inner.strip_suffix(", dirty").unwrap_or(inner);
    assert!(is_commit(commit), "not a commit: {commit:?} in {line:?}");
    if commit == "unknown" {
        assert_eq!(
            inner, "unknown",
            "an unknown commit has no dirty flag: {line:?}"
        );
    }
    // And it is this tree's (the build script reruns when HEAD moves or the sources change).
    let expected = this_build();
    assert_eq!(
        line,
        format!("belonging {}", expected.long_version(VERSION)),
        "--version is not this tree's build"
    );
    assert_eq!(
        belonging(&["-V"]).stdout,
        o.stdout,
        "-V and --version differ"
    );
}

/// `git ARGS` in `dir`, which must succeed; its output.
#[track_caller]
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git must be installed to test the build script");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[track_caller]
fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create a folder");
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

#[test]
fn the_build_script_reads_the_commit_and_tracked_changes_to_the_sources() {
    let tmp = tempdir();
    let pkg = tmp.path();
    write(&pkg.join("Cargo.toml"), "[package]\nname = \"p\"\n");
    write(&pkg.join("src/lib.rs"), "// one\n");
    write(&pkg.join("docs/notes.md"), "notes\n");
    git(pkg, &["init", "-q"]);
    git(pkg, &["add", "."]);
    git(pkg, &["commit", "-q", "-m", "first"]);
    let head = || git(pkg, &["rev-parse", "HEAD"]).trim()[..12].to_string();
    let d = describe(pkg, "git");
    assert_eq!(d.commit, head());
    assert_eq!(d.dirty, Some(false));
    assert_eq!(
        d.long_version("9.9.9"),
        format!("9.9.9 (commit {})", head())
    );
    // HEAD is watched (so a commit or checkout reruns the script), and nothing that does
    // not exist (which would rerun it at every build).
    assert!(d.watch.iter().any(|p| p.ends_with("HEAD")), "{:?}", d.watch);
    assert!(d.watch.iter().all(|p| p.exists()), "{:?}", d.watch);

    // Untracked files and changes outside the sources do not make a build dirty.
    write(&pkg.join("src/scratch.rs"), "// not tracked\n");
    write(&pkg.join("my-town.ron"), "(name: \"mine\")\n");
    write(&pkg.join("docs/notes.md"), "edited notes\n");
    assert_eq!(describe(pkg, "git").dirty, Some(false));
    // A tracked source changed, staged or not, does.
    write(&pkg.join("src/lib.rs"), "// two\n");
    let d = describe(pkg, "git");
    assert_eq!((d.commit.as_str(), d.dirty), (head().as_str(), Some(true)));
    assert_eq!(
        d.long_version("9.9.9"),
        format!("9.9.9 (commit {}, dirty)", head())
    );
    git(pkg, &["add", "src/lib.rs"]);
    assert_eq!(describe(pkg, "git").dirty, Some(true));
    // Committed: a new commit, clean again.
    let before = head();
    git(pkg, &["commit", "-q", "-m", "second"]);
    let d = describe(pkg, "git");
    assert_ne!(d.commit, before);
    assert_eq!((d.commit.as_str(), d.dirty), (head().as_str(), Some(false)));
}

#[test]
fn the_build_script_says_unknown_without_git_or_outside_the_package_repository() {
    // Without git at all.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = describe(repo, "/nonexistent/git");
    assert_eq!((d.commit.as_str(), d.dirty), ("unknown", None));
    assert_eq!(d.long_version("9.9.9"), "9.9.9 (commit unknown)");
    assert!(d.watch.is_empty());
    // A package unpacked inside some other repository: that repository's commit is not its.
    let tmp = tempdir();
    write(&tmp.path().join("README"), "another project\n");
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "README"]);
    git(tmp.path(), &["commit", "-q", "-m", "other"]);
    let pkg = tmp.path().join("belonging-0.3.0");
    write(&pkg.join("Cargo.toml"), "[package]\nname = \"p\"\n");
    write(&pkg.join("src/lib.rs"), "\n");
    let d = describe(&pkg, "git");
    assert_eq!((d.commit.as_str(), d.dirty), ("unknown", None));
}

#[test]
fn the_build_script_reads_a_crate_packages_record() {
    let tmp = tempdir();
    let pkg = tmp.path();
    // As `cargo package --allow-dirty` writes it, and without `dirty` (a clean tree).
    write(
        &pkg.join(".cargo_vcs_info.json"),
        "{\n  \"git\": {\n    \"sha1\": \"0123456789abcdef0123456789abcdef01234567\",\n    \
         \"dirty\": true\n  },\n  \"path_in_vcs\": \"\"\n}",
    );
    let d = describe(pkg, "git");
    assert_eq!((d.commit.as_str(), d.dirty), ("0123456789ab", Some(true)));
    // The record is watched: a build reruns the script when it changes.
    assert_eq!(d.watch, vec![pkg.join(".cargo_vcs_info.json")]);
    write(
        &pkg.join(".cargo_vcs_info.json"),
        "{\"git\":{\"sha1\":\"FEDCBA9876543210FEDCBA9876543210FEDCBA98\"},\"path_in_vcs\":\"\"}",
    );
    let d = describe(pkg, "git");
    assert_eq!((d.commit.as_str(), d.dirty), ("fedcba987654", Some(false)));
    // A damaged record is no commit.
    write(
        &pkg.join(".cargo_vcs_info.json"),
        "{\"git\":{\"sha1\":\"12ab\"}}",
    );
    assert_eq!(describe(pkg, "/nonexistent/git").commit, "unknown");
}

/// The commit and dirty flag of a manifest.json against this build's.
#[track_caller]
fn assert_this_build(m: &serde_json::Value, what: &str) {
    let expected = this_build();
    assert_eq!(m["commit"], expected.commit.as_str(), "{what}: commit");
    assert_eq!(
        m["dirty"],
        match expected.dirty {
            Some(d) => serde_json::Value::Bool(d),
            None => serde_json::Value::Null,
        },
        "{what}: dirty"
    );
    assert_eq!(m["version"], VERSION, "{what}: version");
}

#[test]
fn every_manifest_names_the_commit() {
    let tmp = tempdir();
    let s = |p: &Path| p.to_str().expect("UTF-8 temp path").to_string();
    let small = [
        "--set",
        "population.size=60",
        "--set",
        "burn_in=2",
        "--set",
        "events[0].pulse.step=3",
        "--steps",
        "8",
        "--replicates",
        "2",
        "--quiet",
    ];
    // run
    let run = tmp.path().join("run");
    tiny_run(&run, &[]).success();
    let m = manifest(&run);
    assert_this_build(&m, "run");
    assert!(m.get("resumed_by").is_none(), "never resumed: {m}");
    // sweep (one shard of one) and merge
    let shard = tmp.path().join("shard");
    let mut args = vec!["sweep", "classroom", "--vary", "support.capacity=6,10"];
    args.extend(small);
    let shard_s = s(&shard);
    args.extend(["--shard", "0/1", "--out", &shard_s]);
    belonging(&args).success();
    assert_this_build(&manifest(&shard), "sweep");
    let merged = tmp.path().join("merged");
    belonging(&["merge", &shard_s, "--out", &s(&merged)]).success();
    let m = manifest(&merged);
    assert_this_build(&m, "merge");
    assert_eq!(m["status"], "complete");
    // compare
    let cmp = tmp.path().join("cmp");
    let mut args = vec!["compare", "classroom", "classroom"];
    args.extend(small);
    let cmp_s = s(&cmp);
    args.extend(["--out", &cmp_s]);
    belonging(&args).success();
    assert_this_build(&manifest(&cmp), "compare");
    // validate (target 6 with 1 replicate: inconclusive, exit 3, but a complete folder)
    let val = tmp.path().join("val");
    let o = belonging(&["validate", "6", "--replicates", "1", "--out", &s(&val)]);
    assert_eq!(o.code, Some(3), "{}", o.stderr);
    let m = manifest(&val);
    assert_this_build(&m, "validate");
    assert_eq!(m["kind"], "validation");
    assert_eq!(m["status"], "complete");
    assert_eq!(m["targets"], serde_json::json!([6]));
    // The validation folder is still redrawn as one.
    belonging(&["plot", &s(&val)]).success();
}

/// A run started by another build and resumed by this one keeps the first build's commit and
/// names this one in `resumed_by`.
#[test]
fn a_run_resumed_by_another_build_names_both() {
    let tmp = tempdir();
    let out = tmp.path().join("r");
    tiny_run(&out, &[]).success();
    // As another build would have left it: stopped, with its own commit.
    let path = out.join("manifest.json");
    let mut m = manifest(&out);
    m["status"] = "partial".into();
    m["commit"] = "0123456789ab".into();
    m["dirty"] = false.into();
    write(
        &path,
        &(serde_json::to_string_pretty(&m).expect("JSON") + "\n"),
    );
    let out_s = out.to_str().expect("UTF-8 temp path");
    belonging(&["run", "--resume", out_s, "--quiet"]).success();
    let m = manifest(&out);
    assert_eq!(m["status"], "complete");
    assert_eq!(m["commit"], "0123456789ab", "the build that started it");
    let this = this_build();
    assert_eq!(
        m["resumed_by"],
        serde_json::json!([{ "commit": this.commit, "dirty": this.dirty }]),
        "{m}"
    );
}

#[test]
fn the_manual_page_in_docs_is_the_one_the_binary_prints() {
    let o = belonging(&["man"]);
    o.success();
    assert!(
        o.stdout.starts_with(".ie "),
        "not roff: {}",
        &o.stdout[..80.min(o.stdout.len())]
    );
    assert!(o
        .stdout
        .contains(&format!(".TH belonging 1  \"belonging {VERSION}\"")));
    // Every command has its part of the page.
    for sub in [
        "run",
        "check",
        "plot",
        "list",
        "sweep",
        "compare",
        "merge",
        "validate",
        "show",
        "new",
        "completions",
        "man",
    ] {
        assert!(
            o.stdout.contains(&format!(".SS \"belonging {sub}\"")),
            "no section for {sub}"
        );
    }
    // Nothing in it changes from commit to commit: the version without the commit.
    let v = belonging(&["--version"]).stdout;
    let long = v.trim_end().strip_prefix("belonging ").unwrap_or_default();
    assert!(long.contains("(commit "), "{v}");
    assert!(
        !o.stdout.contains(long),
        "the page names the commit: {long}"
    );
    assert!(
        o.stdout.contains(&format!("v{VERSION}")),
        "the page's VERSION section"
    );
    let committed = read_string(&repo_path("docs/belonging.1"));
    assert!(
        committed == o.stdout,
        "docs/belonging.1 is not the page `belonging man` prints (help texts changed?): \
         regenerate it with `cargo run --release -- man > docs/belonging.1` and commit it"
    );
}

#[test]
fn completions_for_every_shell_cover_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = belonging(&["completions", shell]);
        o.success();
        for word in ["run", "sweep", "validate", "completions", "replicates"] {
            assert!(o.stdout.contains(word), "{shell}: no {word:?}");
        }
    }
    // The bash script is valid bash, and completes the built-in names after `show`.
    let tmp = tempdir();
    let script = tmp.path().join("belonging.bash");
    write(&script, &belonging(&["completions", "bash"]).stdout);
    let check = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let probe = format!(
        "source {}; COMP_WORDS=(belonging show cl); COMP_CWORD=2; COMP_LINE='belonging show cl'; \
         COMP_POINT=${{#COMP_LINE}}; _belonging belonging cl show; echo \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = Command::new("bash")
        .args(["-c", &probe])
        .output()
        .expect("bash runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "classroom",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    belonging(&["completions", "tcsh"]).bad_input();
}

#[test]
fn show_prints_each_built_in_file_byte_for_byte() {
    let names: Vec<String> = belonging(&["list"])
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert_eq!(names.len(), 9, "{names:?}");
    for name in &names {
        let o = belonging(&["show", name]);
        o.success();
        let file = repo_path(&format!("scenarios/{name}.ron"));
        assert!(
            o.stdout.as_bytes() == read(&file).as_slice(),
            "show {name} is not {}",
            file.display()
        );
        assert!(o.stdout.starts_with("//"), "{name}: its comments are kept");
    }
    let o = belonging(&["show", "nope"]);
    o.bad_input().stderr_has(&["nope"]);
    for name in &names {
        o.stderr_has(&[name]);
    }
}

#[test]
fn new_writes_a_starting_file_that_check_accepts_and_never_overwrites() {
    let tmp = tempdir();
    let dir = tmp.path();
    // From the default: the built-in's text, under the file's name.
    let o = belonging_in(dir, &["new", "my-town.ron"]);
    o.success();
    assert!(
        o.stdout.contains("belonging check my-town.ron"),
        "{}",
        o.stdout
    );
    let written = read_string(&dir.join("my-town.ron"));
    let default = read_string(&repo_path("scenarios/default.ron"));
    assert_eq!(
        written,
        default.replacen(
            "\n    name: \"default\",\n",
            "\n    name: \"my-town\",\n",
            1
        )
    );
    assert_ne!(written, default, "the name line is there to change");
    let o = belonging_in(dir, &["check", "my-town.ron"]);
    o.success();
    assert!(
        o.stdout.contains("ok: my-town.ron (my-town:"),
        "{}",
        o.stdout
    );

    // --from another built-in; a file name that is no scenario name keeps the built-in's.
    belonging_in(dir, &["new", "cls.ron", "--from", "classroom"]).success();
    let classroom = read_string(&repo_path("scenarios/classroom.ron"));
    assert_eq!(
        read_string(&dir.join("cls.ron")),
        classroom.replacen("\n    name: \"classroom\",\n", "\n    name: \"cls\",\n", 1)
    );
    belonging_in(dir, &["new", "my study.ron", "--from", "classroom"]).success();
    assert_eq!(read_string(&dir.join("my study.ron")), classroom);
    belonging_in(dir, &["check", "cls.ron", "my study.ron"]).success();

    // Never overwrites: an existing file is left as it is, exit 2.
    write(&dir.join("mine.ron"), "my own work\n");
    let o = belonging_in(dir, &["new", "mine.ron"]);
    o.bad_input().stderr_has(&["mine.ron", "already exists"]);
    assert_eq!(read_string(&dir.join("mine.ron")), "my own work\n");
    belonging_in(dir, &["new", "my-town.ron", "--from", "axelrod"]).bad_input();
    assert_eq!(read_string(&dir.join("my-town.ron")), written);
    // An unknown built-in, or a folder that does not exist: exit 2, no file.
    belonging_in(dir, &["new", "x.ron", "--from", "nope"])
        .bad_input()
        .stderr_has(&["nope", "classroom"]);
    assert!(!dir.join("x.ron").exists());
    belonging_in(dir, &["new", "no/such/folder/x.ron"])
        .bad_input()
        .stderr_has(&["no/such/folder/x.ron"]);
}
