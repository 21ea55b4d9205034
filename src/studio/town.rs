//! The studio's one adapter to the engine: everything the studio reads from or does to a
//! simulated town goes through this file, so that a change of the engine's API is adapted
//! here alone.
//!
//! Engine API used (and nothing else of `model`, `dynamics`, `scenario`):
//! - `scenario::{resolve, Source, Override, Config, ScenarioError, builtin, load}`: the same
//!   loading and validation as `belonging run --set`;
//! - `rng::job_seed(seed, 0, 0)`: replicate 0's seed, as `belonging run` gives it;
//! - `dynamics::init::build(cfg, seed)`, `dynamics::step(&mut world, cfg, seed)`,
//!   `model::metrics::{observe, NAMES}`: the burn-in and the recorded weeks exactly as
//!   `experiment::job::run_job_until` runs them;
//! - `dynamics::events::strike(world, cfg, i, k, rng)`: a life event on one person;
//! - `World::dissolve(g)` and `World::waiting`: closing the support groups;
//! - `World` fields read: `t`, `agents.{loneliness, belonging, attachment, membership,
//!   collective, event_step, condition, condition_active, resigned, ties, memberships}`,
//!   `groups.{kind, focus, active, members}`, `support_log`, `is_support`, `is_programme`.

use crate::dynamics;
use crate::model::{self, metrics, World, NEVER, NONE};
use crate::rng;
use crate::scenario::{self, Config, Override, ScenarioError, Source};
use rand::SeedableRng;

/// How a studio names a scenario: a built-in by name, or the text of a RON file.
#[derive(Debug, Clone)]
pub enum ScenarioText {
    Builtin(String),
    Ron { label: String, text: String },
}

/// Loads, overrides and validates a scenario with exactly the checks of `belonging run`.
pub fn resolve(source: &ScenarioText, overrides: &[Override]) -> Result<Config, ScenarioError> {
    match source {
        ScenarioText::Builtin(name) => scenario::resolve(&Source::Builtin(name.clone()), overrides),
        ScenarioText::Ron { label, text } => {
            let parsed = scenario::load::parse_str(label, text)?;
            let s = scenario::overrides::apply(&parsed, overrides)?;
            Config::new(label, s)
        }
    }
}

/// The built-in scenarios: (name, description), in `belonging list`'s order.
pub fn builtins() -> Vec<(String, String)> {
    scenario::builtin::names()
        .into_iter()
        .map(|name| {
            let description = scenario::builtin::get(name)
                .and_then(|t| scenario::load::parse_str(name, t).ok())
                .map(|s| s.description)
                .unwrap_or_default();
            (name.to_string(), description)
        })
        .collect()
}

/// The metric names, in the column order of `timeseries.csv`.
pub fn metric_names() -> &'static [&'static str] {
    metrics::NAMES
}

/// A group as the studio shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupView {
    pub id: u32,
    /// The group kind's name (`family`, `work`, ...), or `support`.
    pub kind: String,
    pub support: bool,
    /// The condition a support group is about (event kind name), if any.
    pub focus: Option<String>,
}

/// One membership of a person.
#[derive(Debug, Clone, PartialEq)]
pub struct MembershipView {
    pub group: GroupView,
    pub identification: f32,
}

/// How a support-group membership ended (from the engine's support log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportExit {
    Dropout,
    Graduation,
    Dissolved,
    Other,
}

/// One simulated town: a scenario's replicate 0, as `belonging run` simulates it.
pub struct Town {
    cfg: Config,
    world: World,
    seed: u64,
    /// Recorded weeks simulated so far (the next week is this one).
    week: u32,
    /// The scenario's support section as given (to open support groups again).
    support_as_given: bool,
    /// Life events struck by hand so far (keys their random streams).
    strikes: u64,
}

impl Town {
    /// Builds replicate 0 of `cfg` (seed `job_seed(scenario.seed, 0, 0)`) and simulates its
    /// burn-in, unrecorded.
    pub fn new(cfg: Config) -> Town {
        let seed = rng::job_seed(cfg.scenario.seed, 0, 0);
        let mut world = dynamics::init::build(&cfg, seed);
        for _ in 0..cfg.scenario.burn_in {
            dynamics::step(&mut world, &cfg, seed);
        }
        let support_as_given = cfg.scenario.support.enabled;
        Town {
            cfg,
            world,
            seed,
            week: 0,
            support_as_given,
            strikes: 0,
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn n(&self) -> usize {
        self.world.n()
    }

    /// Recorded weeks simulated so far.
    pub fn week(&self) -> u32 {
        self.week
    }

    /// The scenario's recorded weeks (`steps`).
    pub fn steps(&self) -> u32 {
        self.cfg.scenario.steps
    }

    pub fn threshold(&self) -> f64 {
        self.cfg.scenario.belonging.threshold
    }

    /// Whether the belonging process runs (not in the classic models).
    pub fn has_belonging(&self) -> bool {
        self.cfg.scenario.belonging.enabled
    }

    /// Simulates one recorded week and returns its metrics, the row `timeseries.csv` gets.
    pub fn step(&mut self) -> Vec<f64> {
        dynamics::step(&mut self.world, &self.cfg, self.seed);
        self.week += 1;
        let s = &self.cfg.scenario;
        metrics::observe(
            &self.world,
            s.belonging.threshold,
            s.identity.cluster_tolerance,
        )
        .values
        .to_vec()
    }

    /// The names of the life events (event kinds), in the scenario's order.
    pub fn event_names(&self) -> Vec<String> {
        self.cfg
            .scenario
            .events
            .iter()
            .map(|e| e.name.clone())
            .collect()
    }

    /// Strikes person `i` with life event `k` now (before the next week), from a random
    /// stream of its own (keyed by the town's seed, the week and the count of strikes), so
    /// the week's own streams are untouched.
    pub fn strike(&mut self, i: usize, k: usize) -> Result<(), String> {
        if i >= self.n() {
            return Err(format!(
                "there is no person {i} (this town has {})",
                self.n()
            ));
        }
        if k >= self.cfg.scenario.events.len() {
            return Err(if self.cfg.scenario.events.is_empty() {
                "this scenario has no life events".into()
            } else {
                format!(
                    "there is no life event {k} (this scenario has {})",
                    self.cfg.scenario.events.len()
                )
            });
        }
        if self.world.agents.condition_active[i] {
            return Err(format!(
                "person {i} already lives with an active condition; a new event strikes only \
                 people without one"
            ));
        }
        self.strikes += 1;
        let key = rng::key(&[self.seed, u64::from(self.world.t), self.strikes, 0x5757]);
        let mut r = rng::Rng::seed_from_u64(key);
        dynamics::events::strike(&mut self.world, &self.cfg, i, k, &mut r);
        Ok(())
    }

    /// Whether support groups are open (new ones can be sought and founded).
    pub fn support_open(&self) -> bool {
        self.cfg.scenario.support.enabled
    }

    /// Whether the scenario has a life event with support groups at all.
    pub fn has_support_events(&self) -> bool {
        self.cfg.scenario.events.iter().any(|e| e.support)
    }

    /// Opens or closes the support groups now. Closing dissolves every support group (not
    /// the programme groups of interventions) and empties the waiting lists; opening lets
    /// people seek and found them again. Returns the number of groups dissolved.
    pub fn set_support(&mut self, open: bool) -> Result<usize, String> {
        if open == self.cfg.scenario.support.enabled {
            return Ok(0);
        }
        let mut s = self.cfg.scenario.clone();
        s.support.enabled = open;
        self.cfg = Config::new("studio", s).map_err(|e| e.to_string())?;
        let mut dissolved = 0;
        if !open {
            for g in 0..self.world.n_groups() {
                if self.world.groups.active[g]
                    && self.world.is_support(g)
                    && !self.world.is_programme(g)
                {
                    self.world.dissolve(g);
                    dissolved += 1;
                }
            }
            for list in &mut self.world.waiting {
                list.clear();
            }
        }
        Ok(dissolved)
    }

    /// Whether support groups were open in the scenario as given.
    pub fn support_as_given(&self) -> bool {
        self.support_as_given
    }

    pub fn loneliness(&self) -> &[f32] {
        &self.world.agents.loneliness
    }
    pub fn belonging(&self) -> &[f32] {
        &self.world.agents.belonging
    }
    pub fn attachment(&self) -> &[f32] {
        &self.world.agents.attachment
    }
    pub fn membership(&self) -> &[f32] {
        &self.world.agents.membership
    }
    pub fn collective(&self) -> &[f32] {
        &self.world.agents.collective
    }

    /// The recorded week of person i's most recent life event (None: never struck; an event
    /// struck by hand before the next week counts as that week's).
    pub fn event_week(&self, i: usize) -> Option<i64> {
        let e = self.world.agents.event_step[i];
        (e != NEVER).then(|| i64::from(e) - i64::from(self.world.burn_in))
    }

    /// The name of person i's most recent condition, and whether it is active.
    pub fn condition(&self, i: usize) -> Option<(String, bool)> {
        let c = self.world.agents.condition[i];
        if c == NONE {
            return None;
        }
        let name = self.cfg.scenario.events.get(c as usize)?.name.clone();
        Some((name, self.world.agents.condition_active[i]))
    }

    pub fn condition_active(&self, i: usize) -> bool {
        self.world.agents.condition_active[i]
    }

    pub fn affected(&self, i: usize) -> bool {
        self.world.agents.event_step[i] != NEVER
    }

    pub fn resigned(&self, i: usize) -> bool {
        self.world.agents.resigned[i]
    }

    pub fn in_support(&self, i: usize) -> bool {
        self.world.in_support(i)
    }

    /// Person i's ties: (other person, weight).
    pub fn ties_of(&self, i: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.world.agents.ties[i]
            .iter()
            .map(|t| (t.other, t.weight))
    }

    pub fn degree(&self, i: usize) -> usize {
        self.world.agents.ties[i].len()
    }

    /// Every tie once, from its lower end: (a, b, weight) with a < b.
    pub fn for_each_tie(&self, mut f: impl FnMut(u32, u32, f32)) {
        for i in 0..self.n() {
            for t in &self.world.agents.ties[i] {
                if (i as u32) < t.other {
                    f(i as u32, t.other, t.weight);
                }
            }
        }
    }

    /// Person i's group ids.
    pub fn group_ids_of(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        self.world.agents.memberships[i].iter().map(|m| m.group)
    }

    /// Person i's memberships with their groups.
    pub fn memberships_of(&self, i: usize) -> Vec<MembershipView> {
        self.world.agents.memberships[i]
            .iter()
            .map(|m| MembershipView {
                group: self.group(m.group as usize),
                identification: m.ident,
            })
            .collect()
    }

    pub fn n_groups(&self) -> usize {
        self.world.n_groups()
    }

    pub fn group(&self, g: usize) -> GroupView {
        let w = &self.world;
        let support = w.is_support(g);
        let kind = if support {
            "support".to_string()
        } else {
            self.cfg
                .scenario
                .groups
                .get(w.groups.kind[g] as usize)
                .map_or_else(|| "group".to_string(), |k| k.name.clone())
        };
        let focus = (w.groups.focus[g] != NONE)
            .then(|| self.cfg.scenario.events.get(w.groups.focus[g] as usize))
            .flatten()
            .map(|e| e.name.clone());
        GroupView {
            id: g as u32,
            kind,
            support,
            focus,
        }
    }

    pub fn group_is_support(&self, g: usize) -> bool {
        self.world.is_support(g) && !self.world.is_programme(g)
    }

    pub fn group_active(&self, g: usize) -> bool {
        self.world.groups.active[g]
    }

    pub fn group_members(&self, g: usize) -> &[u32] {
        &self.world.groups.members[g]
    }

    /// How person i's membership of support group g ended this past week, from the
    /// engine's support log (the newest spell of that person and group).
    pub fn support_exit(&self, i: usize, g: usize) -> SupportExit {
        use model::SpellEnd;
        let spell = self
            .world
            .support_log
            .iter()
            .rev()
            .find(|s| s.agent as usize == i && s.group as usize == g);
        match spell.map(|s| s.end) {
            Some(SpellEnd::Dropout) => SupportExit::Dropout,
            Some(SpellEnd::Graduation) => SupportExit::Graduation,
            Some(SpellEnd::Dissolved) => SupportExit::Dissolved,
            _ => SupportExit::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(extra: &[&str]) -> Config {
        let mut o: Vec<Override> = [
            "population.size=120",
            "burn_in=4",
            "steps=30",
            "events[0].hazard=0.01",
        ]
        .iter()
        .map(|s| Override::parse(s).unwrap())
        .collect();
        o.extend(extra.iter().map(|s| Override::parse(s).unwrap()));
        resolve(&ScenarioText::Builtin("default".into()), &o).unwrap()
    }

    #[test]
    fn a_strike_makes_the_person_affected_and_refuses_a_second() {
        let mut t = Town::new(tiny(&[]));
        let i = (0..t.n()).find(|&i| !t.affected(i)).unwrap();
        t.strike(i, 0).unwrap();
        assert!(t.affected(i) && t.condition_active(i));
        assert_eq!(t.event_week(i), Some(0));
        assert!(t.strike(i, 0).unwrap_err().contains("already"));
        assert!(t.strike(t.n(), 0).is_err());
        assert!(t.strike(0, 7).is_err());
        t.step();
        t.world.check_invariants().unwrap();
    }

    #[test]
    fn closing_support_groups_dissolves_them_and_no_new_ones_form() {
        let mut t = Town::new(tiny(&["events[0].hazard=0.05"]));
        for _ in 0..25 {
            t.step();
        }
        let open = |t: &Town| {
            (0..t.n_groups())
                .filter(|&g| t.group_is_support(g) && t.group_active(g))
                .count()
        };
        assert!(open(&t) > 0, "the test needs support groups to close");
        t.set_support(false).unwrap();
        assert_eq!(open(&t), 0);
        assert!((0..t.n()).all(|i| !t.in_support(i)));
        for _ in 0..5 {
            t.step();
            assert_eq!(open(&t), 0);
        }
        t.world.check_invariants().unwrap();
        t.set_support(true).unwrap();
        assert!(t.support_open());
    }
}
