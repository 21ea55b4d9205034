//! Axelrod (1997) cultural dissemination written with krABMaga 0.6, as a krABMaga user would,
//! matching belonging's `axelrod` scenario (src/dynamics/identity/classic.rs): a whole-process
//! timing peer for benches/peers/end_to_end.sh.
//!
//! The model:
//! - a size x size lattice, von Neumann neighbourhood (4 neighbours), no wrap-around;
//! - each agent holds F features, each trait drawn uniformly from 0..q;
//! - each week every agent, in a fresh random order, picks one neighbour uniformly at random;
//!   with probability (features in common) / F they interact, and the agent copies the
//!   neighbour's trait on one uniformly chosen feature where they differ (nothing happens when
//!   they share all features or none). Updates are asynchronous, as in belonging: an agent
//!   sees the changes its neighbours made earlier in the same week;
//! - after every week the run stops at absorption (every pair of neighbours agrees on all
//!   features or on none), otherwise at the cap.
//!
//! krABMaga's machinery: a `State` (the lattice as a `DenseNumberGrid2D` field of cultures, one
//! per cell, double-buffered as every krABMaga field), one `Agent` per cell scheduled with
//! `schedule_repeating`, the `Schedule` stepping them, `State::update` publishing the field
//! (`lazy_update`) after each step, and `State::end_condition` testing absorption. The run
//! loop is the one `simulate!(state, cap, runs, false)` runs without its terminal UI, written
//! out here because the macro prints a banner on stdout and keeps nothing per run.
//!
//! Two adaptations, both with krABMaga's own API:
//! - Random activation: krABMaga's schedule runs the agents of one time step in the order of
//!   their `Priority::ordering` (it has no shuffling, unlike MASON's). `State::before_step`,
//!   which the schedule calls before taking the week's agents from its queue, gives the queued
//!   agents the ranks of a fresh uniform permutation as their orderings.
//! - Asynchronous updates on a double-buffered field: during a step `get_value` reads last
//!   week's field and `set_value_location` writes this week's. Every agent writes its culture
//!   every week (changed or not, as double buffering requires), so a neighbour's current
//!   culture is this week's value if it has already acted (`get_value_unbuffered`), otherwise
//!   last week's (`get_value`). An agent's own culture changes only in its own step, so the
//!   agent keeps it in itself.
//!
//! Usage: axelrod_krabmaga --size 10 --features 5 --traits 10 --runs 100 --cap 5000 --seed 1
//! Prints one line of JSON: runs, absorbed runs, mean weeks, mean final regions, seconds.

use std::any::Any;
use std::time::Instant;

use krabmaga::engine::agent::Agent;
use krabmaga::engine::fields::dense_number_grid_2d::DenseNumberGrid2D;
use krabmaga::engine::fields::field::Field;
use krabmaga::engine::location::Int2D;
use krabmaga::engine::schedule::Schedule;
use krabmaga::engine::state::State;
use krabmaga::rand::seq::SliceRandom;
use krabmaga::rand::{Rng, SeedableRng};
use krabmaga::rand_pcg::Pcg64;

/// Most features a culture can have (cultures are fixed-size values in the field).
const MAX_F: usize = 16;

/// One agent's culture: traits of features 0..F (the rest stay 0).
#[derive(Clone, Copy, PartialEq)]
struct Culture([u8; MAX_F]);

/// An agent: its cell, its culture and its lattice neighbours.
#[derive(Clone, Copy)]
struct Person {
    loc: Int2D,
    culture: Culture,
    neighbours: [Int2D; 4],
    n_neighbours: usize,
}

impl Agent for Person {
    fn step(&mut self, state: &mut dyn State) {
        let world = state.as_any_mut().downcast_mut::<Axelrod>().unwrap();
        let f = world.features;
        let at = self.neighbours[world.rng.random_range(0..self.n_neighbours)];
        // The neighbour's culture now: this week's if it has already acted, else last week's.
        let other = world
            .cultures
            .get_value_unbuffered(&at)
            .or_else(|| world.cultures.get_value(&at))
            .expect("every cell holds a culture");
        let (mine, theirs) = (&mut self.culture.0, &other.0);
        let same = (0..f).filter(|&k| mine[k] == theirs[k]).count();
        // Interact with probability same / F; copy one uniformly chosen differing trait.
        if same > 0 && same < f && world.rng.random_range(0..f) < same {
            let r = world.rng.random_range(0..f - same);
            let k = (0..f).filter(|&k| mine[k] != theirs[k]).nth(r).unwrap();
            mine[k] = theirs[k];
        }
        // Double buffering: write the culture every week, changed or not.
        world.cultures.set_value_location(self.culture, &self.loc);
    }
}

/// The simulation state: the lattice of cultures and the run's random stream.
struct Axelrod {
    size: i32,
    features: usize,
    traits: u16,
    seed: u64,
    run: u64,
    cultures: DenseNumberGrid2D<Culture>,
    rng: Pcg64,
    order: Vec<i32>,
}

impl Axelrod {
    fn new(size: i32, features: usize, traits: u16, seed: u64) -> Self {
        Axelrod {
            size,
            features,
            traits,
            seed,
            run: 0,
            cultures: DenseNumberGrid2D::new(size, size),
            rng: Pcg64::seed_from_u64(seed),
            order: Vec::new(),
        }
    }

    fn culture(&self, x: i32, y: i32) -> Culture {
        self.cultures.get_value(&Int2D { x, y }).unwrap()
    }

    /// On how many features two cultures agree.
    fn agree(&self, a: &Culture, b: &Culture) -> usize {
        (0..self.features).filter(|&k| a.0[k] == b.0[k]).count()
    }

    /// Connected regions of neighbours with identical cultures (singletons counted).
    fn regions(&self) -> usize {
        let n = self.size as usize;
        let mut seen = vec![false; n * n];
        let mut stack = Vec::new();
        let mut regions = 0;
        for start in 0..n * n {
            if seen[start] {
                continue;
            }
            regions += 1;
            seen[start] = true;
            stack.push(start);
            while let Some(c) = stack.pop() {
                let (x, y) = ((c / n) as i32, (c % n) as i32);
                let here = self.culture(x, y);
                for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx < 0 || ny < 0 || nx >= self.size || ny >= self.size {
                        continue;
                    }
                    let j = nx as usize * n + ny as usize;
                    if !seen[j] && self.culture(nx, ny) == here {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        regions
    }
}

impl State for Axelrod {
    fn init(&mut self, schedule: &mut Schedule) {
        self.reset();
        // Run r of base seed s: its own stream (seeds s * K + r never meet for r < K).
        self.rng = Pcg64::seed_from_u64(self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ self.run);
        let size = self.size;
        for x in 0..size {
            for y in 0..size {
                let mut culture = Culture([0; MAX_F]);
                for k in 0..self.features {
                    culture.0[k] = self.rng.random_range(0..self.traits) as u8;
                }
                let mut neighbours = [Int2D { x: 0, y: 0 }; 4];
                let mut n_neighbours = 0;
                for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx >= 0 && ny >= 0 && nx < size && ny < size {
                        neighbours[n_neighbours] = Int2D { x: nx, y: ny };
                        n_neighbours += 1;
                    }
                }
                let loc = Int2D { x, y };
                self.cultures.set_value_location(culture, &loc);
                let person = Person {
                    loc,
                    culture,
                    neighbours,
                    n_neighbours,
                };
                schedule.schedule_repeating(Box::new(person), 0.0, 0);
            }
        }
    }

    fn reset(&mut self) {
        self.cultures = DenseNumberGrid2D::new(self.size, self.size);
    }

    /// Publish the week's writes (called by the schedule after each step, and before the first).
    fn update(&mut self, _step: u64) {
        self.cultures.lazy_update();
    }

    /// A fresh random activation order for the week: the queued agents' orderings become the
    /// ranks of a uniform permutation.
    fn before_step(&mut self, schedule: &mut Schedule) {
        self.order.clear();
        self.order.extend(0..schedule.events.len() as i32);
        self.order.shuffle(&mut self.rng);
        for ((_, priority), &rank) in schedule.events.iter_mut().zip(&self.order) {
            priority.ordering = rank;
        }
    }

    /// Absorption: every pair of neighbours agrees on all features or on none.
    fn end_condition(&mut self, _schedule: &mut Schedule) -> bool {
        let (size, f) = (self.size, self.features);
        for x in 0..size {
            for y in 0..size {
                let here = self.culture(x, y);
                for (nx, ny) in [(x + 1, y), (x, y + 1)] {
                    if nx < size && ny < size {
                        let same = self.agree(&here, &self.culture(nx, ny));
                        if same != 0 && same != f {
                            return false;
                        }
                    }
                }
            }
        }
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn as_state_mut(&mut self) -> &mut dyn State {
        self
    }

    fn as_state(&self) -> &dyn State {
        self
    }
}

fn main() {
    let started = Instant::now();
    let (mut size, mut features, mut traits, mut runs, mut cap, mut seed) =
        (10, 5, 10, 100, 5000, 1);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        let number: u64 = value
            .parse()
            .unwrap_or_else(|_| panic!("{flag}: not a number: {value}"));
        match flag.as_str() {
            "--size" => size = number,
            "--features" => features = number,
            "--traits" => traits = number,
            "--runs" => runs = number,
            "--cap" => cap = number,
            "--seed" => seed = number,
            _ => panic!("unknown flag {flag} (--size --features --traits --runs --cap --seed)"),
        }
    }
    assert!(size >= 2, "--size must be at least 2");
    assert!(
        (1..=MAX_F as u64).contains(&features),
        "--features must be 1..={MAX_F}"
    );
    assert!((1..=256).contains(&traits), "--traits must be 1..=256");

    let mut state = Axelrod::new(size as i32, features as usize, traits as u16, seed);
    let (mut weeks, mut regions, mut absorbed) = (0u64, 0usize, 0u64);
    for run in 0..runs {
        state.run = run;
        let mut schedule = Schedule::new();
        state.init(&mut schedule);
        let mut done = false;
        for _ in 0..cap {
            schedule.step(&mut state);
            if state.end_condition(&mut schedule) {
                done = true;
                break;
            }
        }
        weeks += schedule.step;
        regions += state.regions();
        absorbed += u64::from(done);
    }
    println!(
        "{{\"runs\": {runs}, \"absorbed\": {absorbed}, \"mean_weeks\": {:.1}, \"mean_regions\": {:.2}, \"seconds\": {:.3}}}",
        weeks as f64 / runs as f64,
        regions as f64 / runs as f64,
        started.elapsed().as_secs_f64()
    );
}
