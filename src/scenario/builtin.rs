//! Scenarios embedded in the binary, so `belonging run` works from anywhere.

/// (name, RON text) of every built-in scenario, in the order `belonging list` shows them.
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../scenarios/default.ron")),
    ("no-support", include_str!("../../scenarios/no-support.ron")),
    ("classroom", include_str!("../../scenarios/classroom.ron")),
    ("simic", include_str!("../../scenarios/simic.ron")),
    ("contagion", include_str!("../../scenarios/contagion.ron")),
    ("stigma", include_str!("../../scenarios/stigma.ron")),
    (
        "groups4health",
        include_str!("../../scenarios/groups4health.ron"),
    ),
    ("axelrod", include_str!("../../scenarios/axelrod.ron")),
    (
        "bounded-confidence",
        include_str!("../../scenarios/bounded-confidence.ron"),
    ),
];

pub fn get(name: &str) -> Option<&'static str> {
    let name = name.strip_suffix(".ron").unwrap_or(name);
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

pub fn names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}
