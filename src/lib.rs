//! # belonging
//!
//! An agent-based simulation of how people lose and regain belonging, and how collective
//! identity forms, through group participation — support groups above all.
//!
//! The data flows one way (see `docs/ARCHITECTURE.md`):
//! scenario (RON) -> [`scenario::Config`] -> [`experiment::Plan`] -> jobs in parallel
//! -> [`output`] (tables, manifest) -> [`plot`].

// Index loops are the idiom of struct-of-arrays code: several arrays share one index.
#![allow(clippy::needless_range_loop)]
// `unsafe` lives in `primitives` alone (which allows it, with its safety arguments).
#![deny(unsafe_code)]

pub mod catalogue;
pub mod dynamics;
pub mod experiment;
pub mod model;
pub mod output;
pub mod plot;
pub mod primitives;
pub mod reference;
pub mod rng;
pub mod rules;
pub mod scenario;
pub mod stats;
pub mod studio;
pub mod validation;

/// The layering of the crate, checked: each stage imports only the stages before it (test
/// code is exempt: a test of the model may drive it with the dynamics).
#[cfg(test)]
mod layering {
    use std::path::{Path, PathBuf};

    /// The stages in the order the data flows; each may import only those before it. A new
    /// top-level module must be placed here (the test below fails until it is).
    const ORDER: &[&str] = &[
        "rng",
        "stats",
        "primitives",
        "catalogue",
        "scenario",
        "rules",
        "model",
        "dynamics",
        "reference",
        "experiment",
        "output",
        "validation",
        "plot",
        "studio",
    ];

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The code of a file without its comments and its `#[cfg(test)]` items.
    fn code_of(text: &str) -> String {
        let mut code = String::new();
        for line in text.lines() {
            code.push_str(line.split("//").next().unwrap_or(""));
            code.push('\n');
        }
        while let Some(at) = code.find("#[cfg(test)]") {
            let rest = &code[at..];
            let semi = rest.find(';').unwrap_or(rest.len());
            let end = match rest.find('{') {
                Some(open) if open < semi => {
                    let mut depth = 0usize;
                    let mut end = rest.len();
                    for (k, c) in rest[open..].char_indices() {
                        match c {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = open + k + 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    end
                }
                _ => (semi + 1).min(rest.len()),
            };
            code.replace_range(at..at + end, "");
        }
        code
    }

    /// The top-level modules a piece of code names through `crate::` (also inside
    /// `crate::{a, b::c}` groups).
    fn imports(code: &str) -> Vec<String> {
        let ident = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let mut out = Vec::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 0usize;
                let mut start = true;
                for (k, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if c.is_whitespace() => {}
                        _ => {
                            if start && depth == 0 {
                                out.push(ident(&group[k..]));
                            }
                            start = false;
                        }
                    }
                }
            } else {
                out.push(ident(rest));
            }
        }
        out
    }

    /// Every import of a stage that names the same or a later stage.
    fn backward(stage: &str, code: &str) -> Vec<String> {
        let rank = |m: &str| ORDER.iter().position(|s| *s == m);
        let here = rank(stage).unwrap_or_else(|| panic!("stage {stage} is not in ORDER"));
        imports(code)
            .into_iter()
            .filter(|m| rank(m).is_some_and(|r| r > here))
            .collect()
    }

    #[test]
    fn no_stage_imports_a_later_one() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        files.sort();
        let mut problems = Vec::new();
        let mut checked = 0;
        for file in &files {
            let rel = file.strip_prefix(&src).unwrap();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let stage = first.trim_end_matches(".rs");
            if ["lib", "main", "cli"].contains(&stage) {
                continue; // the crate root and the binary come after every stage
            }
            let code = code_of(&std::fs::read_to_string(file).unwrap());
            for m in backward(stage, &code) {
                problems.push(format!(
                    "{} ({stage}) imports {m}, a later stage",
                    rel.display()
                ));
            }
            checked += 1;
        }
        assert!(checked > 50, "only {checked} files checked");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // Every stage the crate root declares has its place in ORDER.
        let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
        for line in lib.lines() {
            if let Some(m) = line.strip_prefix("pub mod ") {
                let m = m.trim_end_matches(';');
                assert!(
                    ORDER.contains(&m),
                    "pub mod {m}: place it in layering::ORDER"
                );
            }
        }
    }

    /// The check sees what it must: plain paths, groups, nested groups, and not comments or
    /// test modules.
    #[test]
    fn the_check_finds_backward_imports() {
        let code = code_of(
            "use crate::dynamics::step;\n\
             use crate::{rng, plot::{a, b}, experiment::Job};\n\
             // crate::studio in a comment\n\
             let x = crate::output::write(1);\n\
             #[cfg(test)]\nmod tests { use crate::cli::x; fn f() { if a { } } }\n\
             fn after() { crate::validation::go(); }\n",
        );
        assert_eq!(
            backward("model", &code),
            ["dynamics", "plot", "experiment", "output", "validation"]
        );
        assert!(backward("studio", &code).is_empty());
    }
}
