//! People's stories, week by week, in plain language: what happened to each person (a life
//! event and what it cost, joining and leaving groups, becoming lonely and finding belonging
//! again), each step with the mechanism of docs/ODD.md that made it and that mechanism's
//! source. The tracker compares every person's state after each week with the week before,
//! so a story is complete from the first recorded week, whoever is clicked later.

use super::town::{SupportExit, Town};
use crate::rules::belonging::is_lonely;

/// Weeks a change of loneliness must last before the story tells it (a person hovering at
/// the threshold does not become lonely and not lonely again every week).
pub const LONELY_WEEKS: u8 = 4;

/// Most story events kept per town (a town of 20,000 over 40 years stays far below; beyond
/// this, later events are not recorded and the page says so).
pub const MAX_EVENTS: usize = 2_000_000;

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// A life event struck; the group kinds lost, and ties before and after the week.
    Struck {
        event: String,
        lost: Vec<String>,
        ties_before: u32,
        ties_after: u32,
    },
    JoinedSupport {
        focus: Option<String>,
    },
    LeftSupport {
        how: SupportExit,
    },
    JoinedGroup {
        kind: String,
    },
    LeftGroup {
        kind: String,
    },
    BecameLonely {
        loneliness: f32,
        threshold: f32,
    },
    NoLongerLonely {
        loneliness: f32,
        threshold: f32,
    },
    Resigned,
    Recovered,
    ConditionResolved {
        event: String,
    },
}

/// One step of a story.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub agent: u32,
    /// Recorded week.
    pub week: u32,
    pub what: What,
}

/// A story line as the page shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Line {
    pub week: u32,
    pub text: String,
    /// The section of docs/ODD.md of the mechanism ("6.1").
    pub odd: &'static str,
    /// The mechanism's source in the literature.
    pub source: &'static str,
    /// A kind for the page's icon: event, support, group, lonely, belonging, exclusion.
    pub tag: &'static str,
}

fn list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        k => format!("{} and {}", items[..k - 1].join(", "), items[k - 1]),
    }
}

/// Plain words for a name from a scenario (`chronic_illness` -> `chronic illness`).
pub fn words(name: &str) -> String {
    name.replace('_', " ")
}

impl Event {
    /// The story line: the week, what happened in plain language, and why (ODD, source).
    pub fn line(&self) -> Line {
        let w = self.week;
        let (text, odd, source, tag) = match &self.what {
            What::Struck {
                event,
                lost,
                ties_before,
                ties_after,
            } => {
                let lost_ties = ties_before.saturating_sub(*ties_after);
                let mut parts: Vec<String> = lost.iter().map(|k| words(k)).collect();
                if lost_ties > 0 {
                    parts.push(format!("{lost_ties} of {ties_before} ties"));
                }
                let what = if parts.is_empty() {
                    "kept their groups and ties".to_string()
                } else {
                    format!("lost {}", list(&parts))
                };
                (
                    format!("{} — {what}: a loss of places of belonging", words(event)),
                    "6.1",
                    "Lehardy & Fowers 2018",
                    "event",
                )
            }
            What::JoinedSupport { focus } => (
                format!(
                    "joined a support group{} — shared fate and depersonalized trust",
                    focus
                        .as_ref()
                        .map(|f| format!(" on {}", words(f)))
                        .unwrap_or_default()
                ),
                "6.7",
                "Brewer 2008",
                "support",
            ),
            What::LeftSupport { how } => match how {
                SupportExit::Graduation => (
                    "graduated from the support group: adjusted to the condition and no longer \
                     lonely"
                        .to_string(),
                    "6.7",
                    "Lehardy & Fowers 2018",
                    "support",
                ),
                SupportExit::Dropout => (
                    "dropped out of the support group — the less one identifies with a group, \
                     the likelier one leaves"
                        .to_string(),
                    "6.7",
                    "Brewer 2008",
                    "support",
                ),
                SupportExit::Dissolved => (
                    "the support group dissolved (too few members, or closed)".to_string(),
                    "6.7",
                    "Lehardy & Fowers 2018",
                    "support",
                ),
                SupportExit::Other => (
                    "left the support group".to_string(),
                    "6.7",
                    "Lehardy & Fowers 2018",
                    "support",
                ),
            },
            What::JoinedGroup { kind } => (
                format!(
                    "joined a {} group — a new membership in place of lost ones",
                    words(kind)
                ),
                "6.7",
                "Jetten, Haslam et al. (SIMIC)",
                "group",
            ),
            What::LeftGroup { kind } => (
                format!(
                    "left a {} group — identified little with it, or moved on",
                    words(kind)
                ),
                "6.7",
                "Jetten, Haslam et al. (SIMIC)",
                "group",
            ),
            What::BecameLonely {
                loneliness,
                threshold,
            } => (
                format!(
                    "became lonely (loneliness {loneliness:.2}, above {threshold:.2}) — the felt \
                     gap between the need to belong and belonging"
                ),
                "6.8",
                "Baumeister & Leary 1995",
                "lonely",
            ),
            What::NoLongerLonely {
                loneliness,
                threshold,
            } => (
                format!(
                    "no longer lonely (loneliness {loneliness:.2}, at or below {threshold:.2}) — \
                     belonging regained"
                ),
                "6.8",
                "Baumeister & Leary 1995",
                "belonging",
            ),
            What::Resigned => (
                "resigned after weeks of exclusion: withdraws, seeks less contact".to_string(),
                "6.4",
                "Williams 2009",
                "exclusion",
            ),
            What::Recovered => (
                "no longer resigned: exclusion has faded".to_string(),
                "6.4",
                "Williams 2009",
                "exclusion",
            ),
            What::ConditionResolved { event } => (
                format!("the {} resolved", words(event)),
                "6.1",
                "Lehardy & Fowers 2018",
                "event",
            ),
        };
        Line {
            week: w,
            text,
            odd,
            source,
            tag,
        }
    }
}

/// Compares each person's state with the week before and records what changed.
pub struct Tracker {
    /// Each person's groups after the last week, flat (offsets into `groups`).
    offsets: Vec<u32>,
    groups: Vec<u32>,
    degree: Vec<u32>,
    event_week: Vec<Option<i64>>,
    active: Vec<bool>,
    resigned: Vec<bool>,
    /// The loneliness state the story last told, and weeks in a row in the other state.
    lonely: Vec<bool>,
    run: Vec<u8>,
    pub events: Vec<Event>,
    /// Events not recorded because [`MAX_EVENTS`] was reached.
    pub dropped: u64,
}

impl Tracker {
    /// Starts from the town's state now (after its burn-in).
    pub fn new(town: &Town) -> Tracker {
        let n = town.n();
        let th = town.threshold() as f32;
        let mut t = Tracker {
            offsets: Vec::with_capacity(n + 1),
            groups: Vec::new(),
            degree: vec![0; n],
            event_week: vec![None; n],
            active: vec![false; n],
            resigned: vec![false; n],
            lonely: town
                .loneliness()
                .iter()
                .map(|&l| is_lonely(l, th))
                .collect(),
            run: vec![0; n],
            events: Vec::new(),
            dropped: 0,
        };
        t.remember(town);
        t
    }

    fn remember(&mut self, town: &Town) {
        self.offsets.clear();
        self.groups.clear();
        self.offsets.push(0);
        for i in 0..town.n() {
            self.groups.extend(town.group_ids_of(i));
            self.offsets.push(self.groups.len() as u32);
            self.degree[i] = town.degree(i) as u32;
            self.event_week[i] = town.event_week(i);
            self.active[i] = town.condition_active(i);
            self.resigned[i] = town.resigned(i);
        }
    }

    fn push(&mut self, agent: usize, week: u32, what: What) {
        if self.events.len() >= MAX_EVENTS {
            self.dropped += 1;
            return;
        }
        self.events.push(Event {
            agent: agent as u32,
            week,
            what,
        });
    }

    /// Records what changed in the week just simulated (the town's recorded week − 1).
    pub fn observe(&mut self, town: &Town) {
        let Some(week) = town.week().checked_sub(1) else {
            return;
        };
        let th = town.threshold() as f32;
        let belonging = town.has_belonging();
        let mut now: Vec<u32> = Vec::new();
        for i in 0..town.n() {
            let before = &self.groups[self.offsets[i] as usize..self.offsets[i + 1] as usize];
            now.clear();
            now.extend(town.group_ids_of(i));
            let joined: Vec<u32> = now
                .iter()
                .filter(|g| !before.contains(g))
                .copied()
                .collect();
            let left: Vec<u32> = before
                .iter()
                .filter(|g| !now.contains(g))
                .copied()
                .collect();
            let event_week = town.event_week(i);
            let struck = event_week == Some(i64::from(week)) && self.event_week[i] != event_week
                || (event_week == Some(i64::from(week)) && !self.active[i]);
            if struck {
                let event = town.condition(i).map(|(e, _)| e).unwrap_or_default();
                let mut lost: Vec<String> = Vec::new();
                for &g in &left {
                    let v = town.group(g as usize);
                    if !v.support && !lost.contains(&v.kind) {
                        lost.push(v.kind);
                    }
                }
                let what = What::Struck {
                    event,
                    lost,
                    ties_before: self.degree[i],
                    ties_after: town.degree(i) as u32,
                };
                self.push(i, week, what);
            } else if self.active[i] && !town.condition_active(i) {
                let event = town.condition(i).map(|(e, _)| e).unwrap_or_default();
                self.push(i, week, What::ConditionResolved { event });
            }
            for &g in &left {
                let v = town.group(g as usize);
                if v.support {
                    let how = town.support_exit(i, g as usize);
                    self.push(i, week, What::LeftSupport { how });
                } else if !struck {
                    self.push(i, week, What::LeftGroup { kind: v.kind });
                }
            }
            for &g in &joined {
                let v = town.group(g as usize);
                if v.support {
                    self.push(i, week, What::JoinedSupport { focus: v.focus });
                } else {
                    self.push(i, week, What::JoinedGroup { kind: v.kind });
                }
            }
            let resigned = town.resigned(i);
            if resigned != self.resigned[i] {
                let what = if resigned {
                    What::Resigned
                } else {
                    What::Recovered
                };
                self.push(i, week, what);
            }
            if belonging {
                let l = town.loneliness()[i];
                if is_lonely(l, th) != self.lonely[i] {
                    self.run[i] += 1;
                    if self.run[i] >= LONELY_WEEKS {
                        self.lonely[i] = is_lonely(l, th);
                        self.run[i] = 0;
                        let start = week + 1 - u32::from(LONELY_WEEKS);
                        let what = if is_lonely(l, th) {
                            What::BecameLonely {
                                loneliness: l,
                                threshold: th,
                            }
                        } else {
                            What::NoLongerLonely {
                                loneliness: l,
                                threshold: th,
                            }
                        };
                        self.push(i, start, what);
                    }
                } else {
                    self.run[i] = 0;
                }
            }
        }
        self.remember(town);
    }

    /// Person i's story, in week order.
    pub fn story(&self, i: usize) -> Vec<Line> {
        let mut lines: Vec<Line> = self
            .events
            .iter()
            .filter(|e| e.agent as usize == i)
            .map(Event::line)
            .collect();
        lines.sort_by_key(|l| l.week);
        lines
    }

    /// Whether person i has been struck by a life event and later found belonging again
    /// (no longer lonely after being lonely after the event): a story of loss and regain.
    pub fn lost_and_regained(&self, i: usize) -> bool {
        let mut struck = false;
        let mut lonely_after = false;
        for e in self.events.iter().filter(|e| e.agent as usize == i) {
            match e.what {
                What::Struck { .. } => struck = true,
                What::BecameLonely { .. } if struck => lonely_after = true,
                What::NoLongerLonely { .. } if lonely_after => return true,
                _ => {}
            }
        }
        false
    }
}

/// Every person's loneliness, belonging and flags in every recorded week, a byte each
/// (loneliness and belonging quantized to 1/255).
pub struct History {
    n: usize,
    /// Per week: loneliness, then belonging, then flags, n bytes each.
    weeks: Vec<Vec<u8>>,
}

/// Flag bits of a person in a week (the page's markers).
pub const AFFECTED: u8 = 1;
pub const ACTIVE: u8 = 2;
pub const IN_SUPPORT: u8 = 4;
pub const STRUCK_NOW: u8 = 8;
pub const RESIGNED: u8 = 16;

/// A value in [0, 1] as a byte.
pub fn byte(v: f32) -> u8 {
    if v.is_finite() {
        (v.clamp(0.0, 1.0) * 255.0).round() as u8
    } else {
        0
    }
}

/// Person i's flags now (`STRUCK_NOW` when the event came in the week just simulated).
pub fn flags(town: &Town, i: usize) -> u8 {
    let mut f = 0;
    if town.affected(i) {
        f |= AFFECTED;
        if town.event_week(i) == Some(i64::from(town.week()) - 1)
            || town.event_week(i) == Some(i64::from(town.week()))
        {
            f |= STRUCK_NOW;
        }
    }
    if town.condition_active(i) {
        f |= ACTIVE;
    }
    if town.in_support(i) {
        f |= IN_SUPPORT;
    }
    if town.resigned(i) {
        f |= RESIGNED;
    }
    f
}

impl History {
    pub fn new(n: usize) -> History {
        History {
            n,
            weeks: Vec::new(),
        }
    }

    /// Bytes one week takes.
    pub fn bytes_per_week(n: usize) -> usize {
        3 * n
    }

    /// Records the town's state at the end of the week just simulated.
    pub fn record(&mut self, town: &Town) {
        let n = self.n;
        let mut row = Vec::with_capacity(3 * n);
        row.extend(town.loneliness().iter().map(|&v| byte(v)));
        row.extend(town.belonging().iter().map(|&v| byte(v)));
        row.extend((0..n).map(|i| flags(town, i)));
        self.weeks.push(row);
    }

    pub fn len(&self) -> usize {
        self.weeks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weeks.is_empty()
    }

    /// One week's loneliness bytes of every person.
    pub fn loneliness(&self, week: usize) -> Option<&[u8]> {
        self.weeks.get(week).map(|r| &r[..self.n])
    }

    /// One week's flags of every person.
    pub fn flags(&self, week: usize) -> Option<&[u8]> {
        self.weeks.get(week).map(|r| &r[2 * self.n..])
    }

    /// Person i over the weeks: (loneliness, belonging, flags).
    pub fn of(&self, i: usize) -> Vec<(u8, u8, u8)> {
        let n = self.n;
        self.weeks
            .iter()
            .map(|r| (r[i], r[n + i], r[2 * n + i]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_read_as_the_issue_asks() {
        let e = Event {
            agent: 3,
            week: 112,
            what: What::Struck {
                event: "chronic_illness".into(),
                lost: vec!["work".into()],
                ties_before: 9,
                ties_after: 6,
            },
        };
        let l = e.line();
        assert_eq!(
            l.text,
            "chronic illness — lost work and 3 of 9 ties: a loss of places of belonging"
        );
        assert_eq!(
            (l.odd, l.source, l.week),
            ("6.1", "Lehardy & Fowers 2018", 112)
        );
        let j = Event {
            agent: 3,
            week: 130,
            what: What::JoinedSupport {
                focus: Some("chronic_illness".into()),
            },
        }
        .line();
        assert_eq!(
            j.text,
            "joined a support group on chronic illness — shared fate and depersonalized trust"
        );
        assert_eq!(j.source, "Brewer 2008");
        let k = Event {
            agent: 3,
            week: 1,
            what: What::Struck {
                event: "job_loss".into(),
                lost: vec![],
                ties_before: 4,
                ties_after: 4,
            },
        }
        .line();
        assert!(k.text.contains("kept their groups and ties"), "{}", k.text);
    }

    #[test]
    fn bytes_cover_the_unit_interval() {
        assert_eq!(byte(0.0), 0);
        assert_eq!(byte(1.0), 255);
        assert_eq!(byte(2.0), 255);
        assert_eq!(byte(f32::NAN), 0);
        assert_eq!(byte(0.5), 128);
    }
}
