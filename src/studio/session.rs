//! A browser session: one town, or two side by side (the same people and seed, one setting
//! apart), their shared layout, every person's history and story, and the weekly metrics.
//! The table of sessions enforces the limits (docs/STUDIO.md).

use super::layout::{Graph, Layout};
use super::protocol::{FieldProblem, Limits, SetField, SetupRequest};
use super::replay::{Frame, Replay};
use super::story::{self, History, Tracker};
use super::town::{self, ScenarioText, Town};
use crate::scenario::{Config, Override, ScenarioError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An error for the page: a status code, a message, and the problems by field path.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
    pub problems: Vec<FieldProblem>,
}

impl Refusal {
    pub fn bad(message: impl Into<String>) -> Refusal {
        Refusal {
            status: 400,
            message: message.into(),
            problems: Vec::new(),
        }
    }
    pub fn status(status: u16, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
            problems: Vec::new(),
        }
    }
}

/// A scenario error as the page shows it: the message, and each problem by field path
/// (an override's problem under the override's path).
pub fn refusal_of(e: &ScenarioError) -> Refusal {
    let problems = match e {
        ScenarioError::Invalid { problems, .. } => problems
            .iter()
            .map(|p| FieldProblem {
                path: p.path.clone(),
                message: p.message.clone(),
            })
            .collect(),
        ScenarioError::Override { arg, message } => vec![FieldProblem {
            path: arg
                .split_once('=')
                .map_or(arg.as_str(), |(k, _)| k)
                .to_string(),
            message: message.clone(),
        }],
        ScenarioError::Parse {
            field: Some(f),
            message,
            ..
        } => vec![FieldProblem {
            path: f.clone(),
            message: message.clone(),
        }],
        _ => Vec::new(),
    };
    Refusal {
        status: 400,
        message: e.to_string(),
        problems,
    }
}

fn overrides(set: &[SetField]) -> Result<Vec<Override>, Refusal> {
    set.iter()
        .map(|f| Override::parse(&format!("{}={}", f.path, f.value)).map_err(|e| refusal_of(&e)))
        .collect()
}

fn source(req: &SetupRequest) -> Result<ScenarioText, Refusal> {
    match (&req.scenario.builtin, &req.scenario.ron) {
        (Some(_), Some(_)) => Err(Refusal::bad(
            "give a built-in scenario or a RON file, not both",
        )),
        (_, Some(text)) => Ok(ScenarioText::Ron {
            label: req
                .scenario
                .file
                .clone()
                .filter(|f| !f.trim().is_empty())
                .map_or_else(
                    || "uploaded scenario".to_string(),
                    |f| f.replace(['\n', '\r'], " "),
                ),
            text: text.clone(),
        }),
        (Some(name), None) => Ok(ScenarioText::Builtin(name.clone())),
        (None, None) => Ok(ScenarioText::Builtin("default".into())),
    }
}

/// Resolves the towns a setup asks for (one, or two with the comparison's overrides) and
/// checks them against the limits, without building anything.
pub fn resolve(req: &SetupRequest, limits: &Limits) -> Result<Vec<Config>, Refusal> {
    let src = source(req)?;
    let base = overrides(&req.set)?;
    let mut configs = vec![town::resolve(&src, &base).map_err(|e| refusal_of(&e))?];
    if let Some(c) = &req.compare {
        let mut both = base.clone();
        both.extend(overrides(&c.set)?);
        let second = town::resolve(&src, &both).map_err(|e| {
            let mut r = refusal_of(&e);
            r.message = format!("the second town: {}", r.message);
            r
        })?;
        let (a, b) = (&configs[0].scenario, &second.scenario);
        if a.population.size != b.population.size || a.seed != b.seed {
            return Err(Refusal::bad(
                "two towns side by side must have the same people: the comparison may not \
                 change population.size or seed",
            ));
        }
        configs.push(second);
    }
    for (k, c) in configs.iter().enumerate() {
        let s = &c.scenario;
        let mut problems = Vec::new();
        if s.population.size > limits.population {
            problems.push(FieldProblem {
                path: "population.size".into(),
                message: format!(
                    "the studio shows at most {} people per town (this is {}); run larger \
                     towns with `belonging run`",
                    limits.population, s.population.size
                ),
            });
        }
        let pw = u64::from(s.population.size) * u64::from(s.steps);
        if pw > limits.person_weeks {
            problems.push(FieldProblem {
                path: "steps".into(),
                message: format!(
                    "{} people × {} weeks is more than the studio keeps ({} person-weeks); \
                     shorten steps or the population",
                    s.population.size, s.steps, limits.person_weeks
                ),
            });
        }
        if !problems.is_empty() {
            let which = if k == 0 { "" } else { "the second town: " };
            return Err(Refusal {
                status: 400,
                message: format!(
                    "{which}{}",
                    problems
                        .iter()
                        .map(|p| format!("{}: {}", p.path, p.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                problems,
            });
        }
    }
    Ok(configs)
}

/// One town of a session with what the studio keeps of it.
pub struct TownState {
    pub label: String,
    pub town: Town,
    pub tracker: Tracker,
    pub history: History,
    /// The metrics of every recorded week, as `timeseries.csv`'s row.
    pub metrics: Vec<Vec<f64>>,
}

/// Weeks between the frames a session keeps for its replay.
pub const REPLAY_EVERY: u32 = 4;

pub struct Session {
    pub towns: Vec<TownState>,
    pub layout: Layout,
    pub scenario_name: String,
    /// Frames kept for a replay of this session (the first town), every [`REPLAY_EVERY`]
    /// weeks.
    pub replay: Replay,
    pub last_used: Instant,
}

/// The graph the layout follows: the town's ties and active groups (support groups pull
/// hardest, the large work and community groups least).
pub fn graph_of(t: &Town) -> Graph {
    let mut g = Graph::default();
    t.for_each_tie(|a, b, w| g.ties.push((a, b, w)));
    for k in 0..t.n_groups() {
        if !t.group_active(k) {
            continue;
        }
        let m = t.group_members(k);
        if m.len() < 2 {
            continue;
        }
        let pull = if t.group_is_support(k) {
            4.0
        } else {
            (4.0 / m.len() as f32).min(1.0)
        };
        g.groups.push((pull, m.to_vec()));
    }
    g
}

impl Session {
    /// Builds the towns (each runs its burn-in) and the layout.
    pub fn new(configs: Vec<Config>, labels: Option<(String, String)>) -> Session {
        let name = configs
            .first()
            .map(|c| c.scenario.name.clone())
            .unwrap_or_default();
        let two = configs.len() == 2;
        let mut towns: Vec<TownState> = configs
            .into_iter()
            .enumerate()
            .map(|(k, cfg)| {
                let town = Town::new(cfg);
                let label = match (&labels, k) {
                    (Some((a, _)), 0) => a.clone(),
                    (Some((_, b)), _) => b.clone(),
                    (None, 0) if two => "town A".into(),
                    (None, _) if two => "town B".into(),
                    _ => name.clone(),
                };
                TownState {
                    label,
                    tracker: Tracker::new(&town),
                    history: History::new(town.n()),
                    metrics: Vec::new(),
                    town,
                }
            })
            .collect();
        let first = &towns[0].town;
        let n = first.n();
        let iterations = if n <= 5_000 { 300 } else { 150 };
        let layout = Layout::new(n, &graph_of(first), iterations);
        let replay = Replay::new(
            format!("{} — studio run", name),
            first.threshold() as f32,
            n,
        );
        towns.shrink_to_fit();
        let mut s = Session {
            towns,
            layout,
            scenario_name: name,
            replay,
            last_used: Instant::now(),
        };
        s.keep_frame();
        s
    }

    pub fn week(&self) -> u32 {
        self.towns[0].town.week()
    }

    pub fn steps(&self) -> u32 {
        self.towns[0].town.steps()
    }

    /// Simulates up to `weeks` weeks (not past the scenario's `steps`); returns how many.
    pub fn advance(&mut self, weeks: u32) -> u32 {
        let mut done = 0;
        while done < weeks && self.week() < self.steps() {
            if self.towns.len() == 2 {
                let (a, b) = self.towns.split_at_mut(1);
                rayon::join(|| step_town(&mut a[0]), || step_town(&mut b[0]));
            } else {
                step_town(&mut self.towns[0]);
            }
            let g = graph_of(&self.towns[0].town);
            self.layout.ease(&g, 2);
            done += 1;
            if self.week().is_multiple_of(REPLAY_EVERY) || self.week() == self.steps() {
                self.keep_frame();
            }
        }
        done
    }

    fn keep_frame(&mut self) {
        let t = &self.towns[0].town;
        let mut ties = Vec::new();
        t.for_each_tie(|a, b, _| ties.push((a, b)));
        let frame = Frame {
            week: t.week(),
            loneliness: t.loneliness().iter().map(|&v| story::byte(v)).collect(),
            flags: (0..t.n()).map(|i| story::flags(t, i)).collect(),
            pos: self.layout.quantized(),
            ties,
        };
        self.replay.push(frame, self.towns[0].metrics.last());
    }

    /// A life event on person `i` in every town (the same draws in each).
    pub fn strike(&mut self, i: usize, k: usize) -> Result<(), Refusal> {
        if self.week() >= self.steps() {
            return Err(Refusal::bad(
                "the run has ended; press Setup to start again",
            ));
        }
        // Check every town first, so both or none are struck.
        for t in &self.towns {
            let n = t.town.n();
            if i >= n {
                return Err(Refusal::bad(format!(
                    "there is no person {i} (this town has {n})"
                )));
            }
            if t.town.condition_active(i) {
                return Err(Refusal::bad(format!(
                    "person {i} already lives with an active condition in {}; a life event \
                     strikes only people without one",
                    t.label
                )));
            }
        }
        for t in &mut self.towns {
            t.town.strike(i, k).map_err(Refusal::bad)?;
        }
        Ok(())
    }

    /// Opens or closes support groups in one town or all; returns the groups dissolved.
    pub fn support(&mut self, open: bool, town: Option<usize>) -> Result<usize, Refusal> {
        if let Some(k) = town {
            if k >= self.towns.len() {
                return Err(Refusal::bad(format!(
                    "there is no town {k} (this session has {})",
                    self.towns.len()
                )));
            }
        }
        if open && !self.towns.iter().any(|t| t.town.has_support_events()) {
            return Err(Refusal::bad(
                "no life event of this scenario has support groups (events[k].support)",
            ));
        }
        let mut dissolved = 0;
        for (k, t) in self.towns.iter_mut().enumerate() {
            if town.is_none_or(|x| x == k) {
                dissolved += t.town.set_support(open).map_err(Refusal::bad)?;
            }
        }
        Ok(dissolved)
    }
}

fn step_town(t: &mut TownState) {
    let row = t.town.step();
    t.metrics.push(row);
    t.tracker.observe(&t.town);
    t.history.record(&t.town);
}

/// The sessions of a server, with its limits.
pub struct Sessions {
    pub limits: Limits,
    table: Mutex<HashMap<String, Arc<Mutex<Session>>>>,
    counter: Mutex<u64>,
}

impl Sessions {
    pub fn new(limits: Limits) -> Sessions {
        Sessions {
            limits,
            table: Mutex::new(HashMap::new()),
            counter: Mutex::new(0),
        }
    }

    fn fresh_id(&self) -> String {
        use rand::RngExt;
        let mut c = self.counter.lock().unwrap_or_else(|e| e.into_inner());
        *c += 1;
        let r: u64 = rand::rng().random();
        format!("{:016x}{:08x}", r, *c)
    }

    pub fn len(&self) -> usize {
        self.table.lock().map_or(0, |t| t.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, id: &str) -> Option<Arc<Mutex<Session>>> {
        self.table.lock().ok()?.get(id).cloned()
    }

    pub fn remove(&self, id: &str) -> bool {
        self.table
            .lock()
            .map(|mut t| t.remove(id).is_some())
            .unwrap_or(false)
    }

    /// Reserves a slot (refused when the table is full), after freeing `replaces`.
    pub fn reserve(&self, replaces: Option<&str>) -> Result<String, Refusal> {
        let mut t = self
            .table
            .lock()
            .map_err(|_| Refusal::status(500, "sessions"))?;
        if let Some(r) = replaces {
            t.remove(r);
        }
        if t.len() >= self.limits.sessions {
            return Err(Refusal::status(
                503,
                format!(
                    "the studio already has {} sessions open (its limit); close another tab \
                     or wait {} minutes for an idle one to be dropped",
                    t.len(),
                    self.limits.idle_secs / 60
                ),
            ));
        }
        let id = self.fresh_id();
        // A placeholder until the towns are built: holds the slot.
        t.insert(id.clone(), Arc::new(Mutex::new(Session::placeholder())));
        Ok(id)
    }

    pub fn put(&self, id: &str, s: Session) {
        if let Ok(mut t) = self.table.lock() {
            t.insert(id.to_string(), Arc::new(Mutex::new(s)));
        }
    }

    /// Drops the sessions idle longer than the limit; returns how many.
    pub fn reap(&self) -> usize {
        let idle = Duration::from_secs(self.limits.idle_secs);
        let Ok(mut t) = self.table.lock() else {
            return 0;
        };
        let before = t.len();
        t.retain(|_, s| match s.try_lock() {
            Ok(s) => s.last_used.elapsed() < idle,
            Err(_) => true, // busy: in use
        });
        before - t.len()
    }
}

impl Session {
    /// A slot holder: no town yet.
    fn placeholder() -> Session {
        Session {
            towns: Vec::new(),
            layout: Layout {
                x: Vec::new(),
                y: Vec::new(),
            },
            scenario_name: String::new(),
            replay: Replay::new(String::new(), 0.4, 0),
            last_used: Instant::now(),
        }
    }

    pub fn is_ready(&self) -> bool {
        !self.towns.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::studio::protocol::ScenarioSpec;

    fn req(set: &[(&str, &str)]) -> SetupRequest {
        SetupRequest {
            scenario: ScenarioSpec {
                builtin: Some("classroom".into()),
                ron: None,
                file: None,
            },
            set: set
                .iter()
                .map(|(p, v)| SetField {
                    path: p.to_string(),
                    value: v.to_string(),
                })
                .collect(),
            compare: None,
            replaces: None,
        }
    }

    #[test]
    fn an_invalid_field_is_named_by_its_path() {
        let e = resolve(&req(&[("events[0].hazard", "2")]), &Limits::default()).unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(e.problems[0].path, "events[0].hazard", "{e:?}");
        let e = resolve(&req(&[("population.size", "lots")]), &Limits::default()).unwrap_err();
        assert!(
            e.problems
                .iter()
                .any(|p| p.path.contains("population.size")),
            "{e:?}"
        );
    }

    #[test]
    fn limits_are_enforced_before_anything_is_built() {
        let l = Limits {
            population: 100,
            ..Limits::default()
        };
        let e = resolve(&req(&[("population.size", "101")]), &l).unwrap_err();
        assert_eq!(e.problems[0].path, "population.size");
        assert!(e.message.contains("at most 100"), "{}", e.message);
        let s = Sessions::new(Limits {
            sessions: 2,
            ..Limits::default()
        });
        let a = s.reserve(None).unwrap();
        s.reserve(None).unwrap();
        assert_eq!(s.reserve(None).unwrap_err().status, 503);
        // Replacing one's own session frees its slot.
        s.reserve(Some(&a)).unwrap();
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn two_towns_must_have_the_same_people() {
        let mut r = req(&[]);
        r.compare = Some(crate::studio::protocol::CompareSpec {
            labels: None,
            set: vec![SetField {
                path: "population.size".into(),
                value: "100".into(),
            }],
        });
        assert!(resolve(&r, &Limits::default())
            .unwrap_err()
            .message
            .contains("same people"));
    }
}
