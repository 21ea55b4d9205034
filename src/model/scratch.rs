//! What the processes keep between calls: `Scratch`, their reusable buffers (meaningless
//! between phases), and `Carry`, what one phase leaves for a later one.

use super::*;

/// One encounter of a week: `a` met `b` in a group (drawn by the group's stream).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Encounter {
    pub a: u32,
    pub b: u32,
    /// Mean identification of the two with the group.
    pub trust: f32,
    /// The uniform number that decides whether strangers bond (shared by both sides).
    pub u: f32,
}

/// One side of an encounter, filed with the block of agents it belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Side {
    /// The agent whose side this is.
    pub me: u32,
    /// The other agent; the top bit marks an encounter in a support group.
    pub other: u32,
    pub trust: f32,
    pub u: f32,
}

/// Reusable buffers of the step's phases.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Each group's encounters this week, in the order its stream drew them.
    pub encounters: Lists<Encounter>,
    /// This week's sides of encounters, block of agents by block (`offsets[b]..offsets[b +
    /// 1]`), each block's in the canonical order (group, then draw).
    pub sides: Vec<Side>,
    pub offsets: Vec<u32>,
    /// Interaction: the side at which each agent stopped for room for a new tie.
    pub cursor: Vec<u32>,
    /// Interaction: where each range of groups files each block's sides.
    pub runs: crate::primitives::runs::Runs,
    /// Two per-agent values that a phase reads for other agents at random, side by side (one
    /// cache line instead of two): (loneliness, regulation) in interaction, (loneliness,
    /// approach) in tie maintenance.
    pub pair: Vec<[f32; 2]>,
    /// Room each group's lists need this week (meetings: attendees; interaction: encounters).
    pub rooms: Vec<u32>,
    /// Belonging phase: each group's climate this week (mean loneliness of those who came).
    pub climate: Vec<f32>,
    /// Room interaction makes for new ties: every agent's upper bound (small worlds) or
    /// that of the agents that stopped for room (filed encounters).
    pub bonds: Vec<u32>,
    /// A list of groups (membership phase: open support groups, joinable groups).
    pub groups: Vec<usize>,
    /// Memberships or ties a life event breaks.
    pub lost: Vec<usize>,
    /// Membership phase: whether each agent is on a waiting list (marked anew each week
    /// before the seeking).
    pub waits: Vec<bool>,
    /// Membership phase: what each agent's own draws decided this week (`membership::LEAVES`,
    /// `membership::JOINS`).
    pub decided: Vec<u8>,
    /// The classic rules' activation order.
    pub order: Vec<u32>,
    /// The classic rules' groups each agent attended (scope Groups).
    pub attended: Vec<Vec<u32>>,
    /// The founders of a new support group and their mean identity.
    pub founders: Vec<u32>,
    pub proto: Vec<f32>,
}

/// What a phase leaves for a later one (unlike `Scratch`, its values mean something after the
/// phase that wrote them; none is an input of the model).
#[derive(Debug, Clone, Default)]
pub struct Carry {
    /// Each agent's tie strength (sum of weights) and sum of weight x partner's loneliness,
    /// summed in list order by tie maintenance as it leaves each tie: the belonging phase
    /// needs them. Read them through `fresh_tie_sums`, which gives them only in the step they
    /// were summed and while the ties are as they were (any change to the ties, through any
    /// `&mut` method of their lists, makes them stale).
    pub tie_sums: Vec<[f32; 2]>,
    /// When `tie_sums` were summed: the step, and the ties' edit count (`Lists::edits`).
    tie_sums_at: Option<(u32, u64)>,
    /// The ties' edit count (`Lists::edits`) when the fixed-network tie maintenance last
    /// looked: while it is unchanged no tie can have fallen below the minimum weight.
    pub ties_looked_at: u64,
    /// Where the last absorption test found a pair that can still change (an agent or a
    /// group): the next test starts there.
    pub absorb_from: usize,
}

impl Carry {
    /// Records that `tie_sums` now hold the sums of `ties` in step `t`.
    pub fn stamp_tie_sums(&mut self, t: u32, ties: &Lists<Tie, true>) {
        self.tie_sums_at = Some((t, ties.edits()));
    }

    /// The tie sums, if they were summed in step `t` and `ties` have not changed since.
    pub fn fresh_tie_sums(&self, t: u32, ties: &Lists<Tie, true>) -> Option<&[[f32; 2]]> {
        (self.tie_sums_at == Some((t, ties.edits()))).then_some(&self.tie_sums[..])
    }

    /// Forgets the tie sums (they will be summed again where needed).
    pub fn forget_tie_sums(&mut self) {
        self.tie_sums_at = None;
    }
}

/// Fills `pair` with (a[i], b[i]) for every agent i, in parallel: two values a phase reads
/// for other agents at random, side by side (`Scratch::pair`).
pub fn pair_up(pair: &mut Vec<[f32; 2]>, a: &[f32], b: &[f32]) {
    use rayon::prelude::*;
    pair.resize(a.len(), [0.0; 2]);
    pair.par_iter_mut()
        .zip(a.par_iter().zip(b))
        .with_min_len(crate::rng::PAR_MIN)
        .for_each(|(p, (&x, &y))| *p = [x, y]);
}
