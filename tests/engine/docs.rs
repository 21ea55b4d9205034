//! Documentation that must stay true: the ODD appendix lists every default value.

use crate::common::*;

#[test]
fn odd_appendix_holds_the_resolved_default_scenario() {
    let odd = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ODD.md"))
        .expect("docs/ODD.md");
    let appendix = odd
        .split("## Appendix: every default value")
        .nth(1)
        .expect("ODD has the appendix");
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
