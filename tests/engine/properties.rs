//! Property-based tests (proptest): random valid scenarios keep every invariant, and random
//! mutations of the built-in scenario files never panic the loader or the validator.
//!
//! Case counts are modest (64 scenarios, 1024 mutants) so the whole module runs in seconds;
//! raise `cases` locally for a longer search. A failure prints the shrunk input.

use belonging::dynamics;
use belonging::dynamics::init;
use belonging::scenario::{builtin, load, resolve, Config, Override, Source};
use proptest::prelude::*;

/// A group kind: (memberships, mean size, capacity slack, tie density, joinable).
type GroupKnobs = (f64, f64, u32, f64, bool);
/// An event kind: (hazard, pulse at step / fraction, duration, stigma, tie loss, support).
type EventKnobs = (f64, Option<(u32, f64)>, Option<f64>, f64, f64, bool);

/// The knobs of one random scenario, turned into `--set` overrides of the `default` built-in.
#[derive(Debug, Clone)]
struct Knobs {
    size: u32,
    steps: u32,
    burn_in: u32,
    /// 0 Prototype, 1 BoundedConfidence, 2 Axelrod.
    rule: u8,
    network_scope: bool,
    /// 0 Groups, 1 Lattice, 2 Complete, 3 ErdosRenyi, 4 WattsStrogatz, 5 BarabasiAlbert.
    generator: u8,
    lattice: (u32, u32),
    degree: f64,
    half_k: u32,
    m: u32,
    dims: u32,
    features: u32,
    traits: u32,
    groups: Vec<GroupKnobs>,
    events: Vec<EventKnobs>,
    support: bool,
    support_sizes: (u32, u32, u32),
    seek_rate: f64,
    dropout: f64,
    /// An intervention: (start, capacity, uptake, group size).
    programme: Option<(u32, u32, f64, u32)>,
    contagion: f64,
    cross_ties: f64,
    seed: u64,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    let shape = (
        20u32..=300,
        5u32..=20,
        0u32..=6,
        0u8..3,
        any::<bool>(),
        0u8..6,
        (4u32..=17, 5u32..=17),
        0.0f64..8.0,
        1u32..=4,
        1u32..=4,
    );
    let identity = (1u32..=4, 1u32..=6, 2u32..=10);
    let groups = prop::collection::vec(
        (
            0.0f64..1.5,
            2.0f64..20.0,
            0u32..20,
            0.0f64..=1.0,
            any::<bool>(),
        ),
        0..4,
    );
    let events = prop::collection::vec(
        (
            0.0f64..0.05,
            prop::option::of((0u32..20, 0.0f64..=1.0)),
            prop::option::of(1.0f64..60.0),
            0.0f64..=1.0,
            0.0f64..=1.0,
            any::<bool>(),
        ),
        0..3,
    );
    let support = (
        any::<bool>(),
        (2u32..=6, 0u32..=4, 0u32..=10),
        0.0f64..=1.0,
        0.0f64..=1.0,
        prop::option::of((0u32..20, 0u32..50, 0.0f64..=1.0, 2u32..=12)),
        0.0f64..=0.5,
        0.0f64..4.0,
        any::<u64>(),
    );
    (shape, identity, groups, events, support).prop_map(
        |(
            (size, steps, burn_in, rule, network_scope, generator, lattice, degree, half_k, m),
            (dims, features, traits),
            groups,
            events,
            (support, support_sizes, seek_rate, dropout, programme, contagion, cross_ties, seed),
        )| Knobs {
            size,
            steps,
            burn_in,
            rule,
            network_scope,
            generator,
            lattice,
            degree,
            half_k,
            m,
            dims,
            features,
            traits,
            groups,
            events,
            support,
            support_sizes,
            seek_rate,
            dropout,
            programme,
            contagion,
            cross_ties,
            seed,
        },
    )
}

impl Knobs {
    /// `--set` overrides of the `default` built-in describing these knobs.
    fn overrides(&self) -> Vec<String> {
        let mut size = self.size;
        let mut sets = vec![
            format!("steps={}", self.steps),
            format!("burn_in={}", self.burn_in),
            "replicates=1".to_string(),
            format!("seed={}", self.seed),
            format!("identity.dims={}", self.dims),
            format!("identity.features={}", self.features),
            format!("identity.traits={}", self.traits),
            format!("belonging.contagion={}", self.contagion),
            format!("network.cross_ties={}", self.cross_ties),
        ];
        let rule = ["Prototype", "BoundedConfidence", "Axelrod"][self.rule as usize];
        sets.push(format!("identity.rule={rule}"));
        let scope = if self.network_scope {
            "Network"
        } else {
            "Groups"
        };
        sets.push(format!("identity.scope={scope}"));
        let generator = [
            "Groups",
            "Lattice",
            "Complete",
            "ErdosRenyi",
            "WattsStrogatz",
            "BarabasiAlbert",
        ][self.generator as usize];
        sets.push(format!("network.generator={generator}"));
        match generator {
            "Lattice" => {
                size = self.lattice.0 * self.lattice.1;
                sets.push(format!("network.width={}", self.lattice.0));
                sets.push(format!("network.height={}", self.lattice.1));
            }
            "ErdosRenyi" => sets.push(format!("network.mean_degree={}", self.degree)),
            "WattsStrogatz" => sets.push(format!("network.k={}", 2 * self.half_k)),
            "BarabasiAlbert" => sets.push(format!("network.m={}", self.m)),
            _ => {}
        }
        sets.push(format!("population.size={size}"));
        if self.network_scope && generator == "Groups" {
            // Network scope needs ties to follow.
            sets.push(format!("network.cross_ties={}", self.cross_ties + 1.0));
        }

        let groups: Vec<String> = self
            .groups
            .iter()
            .enumerate()
            .map(|(i, &(memberships, mean, slack, density, joinable))| {
                format!(
                    "(name: \"g{i}\", memberships: {memberships}, size: {mean}, capacity: {}, \
                     tie_density: {density}, joinable: {joinable})",
                    mean.ceil() as u32 + slack
                )
            })
            .collect();
        sets.push(format!("groups=[{}]", groups.join(", ")));

        let events: Vec<String> = self
            .events
            .iter()
            .enumerate()
            .map(
                |(i, &(hazard, pulse, duration, stigma, tie_loss, support))| {
                    let pulse = match pulse {
                        Some((step, fraction)) => {
                            format!("Some((step: {}, fraction: {fraction}))", step % self.steps)
                        }
                        None => "None".into(),
                    };
                    let duration = match duration {
                        Some(d) => format!("Some({d})"),
                        None => "None".into(),
                    };
                    let lose = if self.groups.is_empty() {
                        String::new()
                    } else {
                        "(kind: \"g0\", probability: 0.5)".into()
                    };
                    format!(
                        "(name: \"e{i}\", hazard: {hazard}, pulse: {pulse}, duration: {duration}, \
                     stigma: {stigma}, tie_loss: {tie_loss}, support: {support}, lose: [{lose}])"
                    )
                },
            )
            .collect();
        sets.push(format!("events=[{}]", events.join(", ")));

        let (min_size, extra_found, extra_cap) = self.support_sizes;
        let found = min_size + extra_found;
        sets.push(format!("support.enabled={}", self.support));
        sets.push(format!("support.min_size={min_size}"));
        sets.push(format!("support.found_size={found}"));
        sets.push(format!("support.capacity={}", found + extra_cap));
        sets.push(format!("support.seek_rate={}", self.seek_rate));
        sets.push(format!("support.dropout={}", self.dropout));

        let programme = match self.programme {
            Some((start, capacity, uptake, group_size)) => format!(
                "[(name: \"p\", start: {}, sessions: [0, 1, 2], capacity: {capacity}, \
                 uptake: {uptake}, group_size: {group_size})]",
                start % self.steps
            ),
            None => "[]".into(),
        };
        sets.push(format!("interventions={programme}"));
        sets
    }

    fn config(&self) -> Result<Config, String> {
        let overrides = self
            .overrides()
            .iter()
            .map(|s| Override::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        resolve(&Source::Builtin("default".into()), &overrides).map_err(|e| e.to_string())
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random valid scenarios (population 20-300; every identity rule, scope and network
    /// generator; random group kinds, events with pulses and durations, support settings,
    /// interventions) run their burn-in and steps keeping every invariant after every step.
    #[test]
    fn random_valid_scenarios_keep_every_invariant(k in knobs()) {
        let cfg = match k.config() {
            Ok(cfg) => cfg,
            Err(e) => return Err(TestCaseError::fail(format!(
                "the strategy made an invalid scenario: {e}\n{:#?}", k.overrides()
            ))),
        };
        let s = &cfg.scenario;
        let mut w = init::build(&cfg, s.seed);
        if let Err(e) = w.check_invariants() {
            return Err(TestCaseError::fail(format!("at the start: {e}")));
        }
        for _ in 0..s.burn_in + s.steps {
            dynamics::step(&mut w, &cfg, s.seed);
            if let Err(e) = w.check_invariants() {
                return Err(TestCaseError::fail(format!("after step {}: {e}", w.t)));
            }
        }
    }
}

/// Replacements for a number or insertions anywhere: huge, negative, non-finite, malformed.
const TOKENS: &[&str] = &[
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "-1",
    "-0.0",
    "0",
    "4294967296",
    "99999999999999999999999",
    "1e-320",
    "0x10",
    "1_000",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "//",
    "/*",
    "Some(",
    "None",
    "true",
    "r#\"",
    "\\u{0}",
    "é",
    "\u{0}",
    "\u{feff}",
    "(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteBytes(usize, usize),
    InsertToken(usize, usize),
    ReplaceNumber(usize, usize),
    DuplicateLine(usize),
    DeleteLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
    InsertByte(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..16).prop_map(|(p, n)| Mutation::DeleteBytes(p, n)),
        (any::<usize>(), any::<usize>()).prop_map(|(p, t)| Mutation::InsertToken(p, t)),
        (any::<usize>(), any::<usize>()).prop_map(|(k, t)| Mutation::ReplaceNumber(k, t)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DeleteLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::InsertByte(p, b)),
    ]
}

fn apply(text: &mut Vec<u8>, m: &Mutation) {
    let len = text.len().max(1);
    let lines =
        |t: &[u8]| -> Vec<Vec<u8>> { t.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect() };
    match *m {
        Mutation::DeleteBytes(p, n) => {
            let p = p % len;
            let end = (p + n).min(text.len());
            if p < end {
                text.drain(p..end);
            }
        }
        Mutation::InsertToken(p, t) => {
            let p = p % (text.len() + 1);
            let tok = TOKENS[t % TOKENS.len()].as_bytes();
            text.splice(p..p, tok.iter().copied());
        }
        Mutation::ReplaceNumber(k, t) => {
            // The k-th run of digits (with its sign and decimals) becomes a token.
            let mut runs = Vec::new();
            let mut i = 0;
            while i < text.len() {
                if text[i].is_ascii_digit() {
                    let start = if i > 0 && text[i - 1] == b'-' {
                        i - 1
                    } else {
                        i
                    };
                    while i < text.len() && (text[i].is_ascii_digit() || text[i] == b'.') {
                        i += 1;
                    }
                    runs.push((start, i));
                } else {
                    i += 1;
                }
            }
            if !runs.is_empty() {
                let (a, b) = runs[k % runs.len()];
                let tok = TOKENS[t % 12].as_bytes();
                text.splice(a..b, tok.iter().copied());
            }
        }
        Mutation::DuplicateLine(k) => {
            let mut ls = lines(text);
            let k = k % ls.len();
            let l = ls[k].clone();
            ls.insert(k, l);
            *text = ls.join(&b'\n');
        }
        Mutation::DeleteLine(k) => {
            let mut ls = lines(text);
            let k = k % ls.len();
            ls.remove(k);
            *text = ls.join(&b'\n');
        }
        Mutation::SwapLines(a, b) => {
            let mut ls = lines(text);
            let n = ls.len();
            ls.swap(a % n, b % n);
            *text = ls.join(&b'\n');
        }
        Mutation::Truncate(p) => text.truncate(p % len),
        Mutation::InsertByte(p, b) => {
            let p = p % (text.len() + 1);
            text.insert(p, b);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random mutations of the built-in scenario files (bytes and tokens deleted, inserted or
    /// replaced, lines duplicated, dropped or swapped, numbers made huge, negative or NaN) make
    /// the loader and the validator return Ok or Err, never panic. An error names the file;
    /// a mutant that is still valid runs 8 weeks (at most 300 agents) keeping every invariant.
    #[test]
    fn mutated_builtin_scenarios_never_panic_the_loader(
        which in 0usize..builtin::BUILTIN.len(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let (name, text) = builtin::BUILTIN[which];
        let mut bytes = text.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let file = format!("mutant-of-{name}.ron");
        match load::parse_bytes(&file, &bytes) {
            Ok(s) => match Config::new(&file, s.clone()) {
                Err(e) => prop_assert!(e.to_string().starts_with(&file), "{e}"),
                Ok(_) => {
                    // A mutant that is still valid (often with values at the edge of their
                    // range) runs a few weeks keeping every invariant, at a small size.
                    let mut small = s;
                    small.population.size = small.population.size.min(300);
                    if let Ok(cfg) = Config::new(&file, small) {
                        let mut w = init::build(&cfg, 7);
                        for _ in 0..8 {
                            dynamics::step(&mut w, &cfg, 7);
                            if let Err(e) = w.check_invariants() {
                                return Err(TestCaseError::fail(format!(
                                    "valid mutant of {name}, week {}: {e}", w.t
                                )));
                            }
                        }
                    }
                }
            },
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with(&file), "{msg}");
                prop_assert!(msg.len() < 20_000, "a message of {} bytes", msg.len());
            }
        }
    }
}
