//! Documentation that must stay true: the ODD appendix lists every default value.

use crate::common::*;

/// The text of `docs/FILE` after its heading `heading` (to the end of the file).
fn after_heading(file: &str, heading: &str) -> String {
    let path = format!("{}/docs/{file}", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    doc.split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("docs/{file} has no heading '{heading}'"))
        .to_string()
}

#[test]
fn odd_appendix_holds_the_resolved_default_scenario() {
    let appendix = after_heading("ODD.md", "## Appendix: every default value");
    let block = appendix
        .split("```ron\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("appendix has a ron block");
    let resolved = belonging::scenario::to_ron(&config("default", &[]).scenario);
    assert_eq!(
        block.trim(),
        resolved.trim(),
        "docs/ODD.md's appendix is out of date: paste the `scenario.ron` of a default run"
    );
}

/// docs/VALIDATION.md names every known limitation, with its target, in its section "Known
/// limitations", so that a reader of the page is not told more than the model does.
#[test]
fn known_limitations_are_documented() {
    let section = after_heading("VALIDATION.md", "## Known limitations");
    // Lines are wrapped: compare with runs of white space made single spaces.
    let section = section
        .split("\n## ")
        .next()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for k in belonging::validation::KNOWN_LIMITATIONS {
        assert!(
            section.contains(&format!("Target {}", k.target)) && section.contains(k.check),
            "docs/VALIDATION.md's known limitations do not name target {}'s check '{}'",
            k.target,
            k.check
        );
    }
}
