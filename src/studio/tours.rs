//! The guided tours (one per built-in scenario: what to look for, and a question for the
//! class) and the controls a teacher touches, each bound to its scenario path.
//! docs/STUDIO.md quotes these texts; a test keeps them in step.

use serde::Serialize;

/// A guided tour of a built-in scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tour {
    pub scenario: &'static str,
    /// What to do and what to look for, step by step.
    pub steps: &'static [&'static str],
    /// A question to ask the class.
    pub question: &'static str,
}

pub const TOURS: &[Tour] = &[
    Tour {
        scenario: "default",
        steps: &[
            "Press Setup, then Run. Each dot is a person; yellow is not lonely, dark purple is very lonely. Lines are ties.",
            "Watch for a vermillion ring: a chronic illness has just struck that person. Click them to follow their story.",
            "Over the following weeks their colour darkens: they lost work, groups and ties — places of belonging.",
            "Blue rings are support-group members; each support group is a blue meeting place with a spoke to each member. Watch the person drift towards their group over the weeks and their colour lighten.",
            "In the charts, compare the affected (vermillion) with the unaffected (blue): the gap opens, then narrows.",
        ],
        question: "Which of the three sources of belonging — ties, groups, a shared identity — comes back first after the illness, and why?",
    },
    Tour {
        scenario: "no-support",
        steps: &[
            "This is the same town without support groups. Press Setup and Run.",
            "Follow someone struck by the illness: what replaces the groups they lost?",
            "Tick 'Two towns side by side' in the default scenario to see both towns with the same people and the same events.",
        ],
        question: "Without support groups, where could a person who lost work and friends find belonging again?",
    },
    Tour {
        scenario: "classroom",
        steps: &[
            "A small town of 300: press Setup and Run. In week 26 one person in ten falls ill at once.",
            "Watch the vermillion rings appear together, then the colours darken around them.",
            "Click one of them and read their story week by week.",
            "Set 'Support groups' off and press Setup again: does the town recover as fast?",
        ],
        question: "Why does loneliness spread a little to the friends of those who fell ill, even though they are not ill themselves?",
    },
    Tour {
        scenario: "simic",
        steps: &[
            "Relocation breaks groups. Press Setup and Run.",
            "Follow people struck by a move: those who kept more of their groups stay lighter.",
        ],
        question: "Why do people who belonged to many groups before a change cope better with it (social identity model of identity change)?",
    },
    Tour {
        scenario: "contagion",
        steps: &[
            "Press Setup and Run, then look for dark clusters: loneliness clusters on the network.",
            "The lonely drift to the edges of the town: they lose ties faster.",
        ],
        question: "If loneliness can spread along ties, can belonging spread too? What would you change to test it?",
    },
    Tour {
        scenario: "stigma",
        steps: &[
            "A visible, stigmatized condition and no support groups. Press Setup and Run.",
            "Follow someone struck: exclusion in their groups comes first, then — after weeks of it — resignation.",
            "Move the stigma slider down and press Setup again.",
        ],
        question: "Why does one episode of exclusion not make a person resign, but weeks of it do?",
    },
    Tour {
        scenario: "groups4health",
        steps: &[
            "A group programme for the lonely starts in week 52 (five weekly sessions and a booster). Press Setup and Run.",
            "Watch the lonely join programme groups and their colour lighten while the groups meet.",
            "Then watch what happens after the programme ends.",
        ],
        question: "What would make the benefit of a group programme last after its last session?",
    },
    Tour {
        scenario: "axelrod",
        steps: &[
            "Axelrod's model of culture: no loneliness here, so every dot keeps one colour. Use it to show how the studio draws a classic model's network.",
        ],
        question: "Why do neighbours who share nothing never influence each other in Axelrod's model?",
    },
    Tour {
        scenario: "bounded-confidence",
        steps: &[
            "Deffuant's bounded confidence: no loneliness here. The network is complete, so the view shows many lines.",
        ],
        question: "What does it take for two opinion clusters to merge?",
    },
];

/// The tour of a built-in scenario, if it has one.
pub fn tour(scenario: &str) -> Option<&'static Tour> {
    TOURS.iter().find(|t| t.scenario == scenario)
}

/// A control of the page, bound to a scenario path (checked by the server exactly as
/// `--set PATH=VALUE`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Control {
    pub path: &'static str,
    pub label: &'static str,
    /// `range` (a slider with a number box), `number`, or `switch`.
    pub kind: &'static str,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub help: &'static str,
}

pub const CONTROLS: &[Control] = &[
    Control {
        path: "events[0].hazard",
        label: "Life events (chance per person per week)",
        kind: "range",
        min: 0.0,
        max: 0.005,
        step: 0.0001,
        help: "How often the first life event strikes someone who is well (0.0005 ≈ 1 in 2,000 a week).",
    },
    Control {
        path: "events[0].stigma",
        label: "Stigma of the condition",
        kind: "range",
        min: 0.0,
        max: 1.0,
        step: 0.05,
        help: "0 = none; higher = more exclusion in ordinary groups.",
    },
    Control {
        path: "support.enabled",
        label: "Support groups",
        kind: "switch",
        min: 0.0,
        max: 1.0,
        step: 1.0,
        help: "Peer groups on the condition exist.",
    },
    Control {
        path: "support.meeting_rate",
        label: "Support groups meet (share of weeks)",
        kind: "range",
        min: 0.0,
        max: 1.0,
        step: 0.05,
        help: "1 = every week.",
    },
    Control {
        path: "support.capacity",
        label: "Support group capacity (people)",
        kind: "range",
        min: 2.0,
        max: 40.0,
        step: 1.0,
        help: "Most members a support group accepts.",
    },
    Control {
        path: "population.size",
        label: "Population (people)",
        kind: "number",
        min: 10.0,
        max: 20000.0,
        step: 10.0,
        help: "People in the town (the studio shows at most 20,000).",
    },
    Control {
        path: "seed",
        label: "Seed",
        kind: "number",
        min: 0.0,
        max: 1e15,
        step: 1.0,
        help: "Same seed, same town and same events.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_scenario_has_a_tour_and_docs_quote_it() {
        let doc = include_str!("../../docs/STUDIO.md");
        for name in crate::scenario::builtin::names() {
            let t = tour(name).unwrap_or_else(|| panic!("no tour for `{name}`"));
            assert!(
                doc.contains(t.question),
                "docs/STUDIO.md does not quote the question of `{name}`"
            );
        }
    }
}
