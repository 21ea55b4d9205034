//! Model state: agents as a struct of arrays, groups, ties, identity space.
//!
//! Invariants (checked by [`World::check_invariants`] in tests, every step):
//! - every state variable is finite and in [0, 1];
//! - membership lists agree in both directions (agent lists group <=> group lists agent),
//!   no duplicates, and only active groups have members;
//! - ties are symmetric (same weight, same last-seen step on both sides), have no self-ties
//!   or duplicates, and weights lie in (0, 1].

pub mod lanes;
pub mod lists;
pub mod metrics;
pub mod network;
pub mod runs;

use crate::scenario::{IdentityRule, Scope};
pub use lists::{ListMut, Lists};

/// "No condition" / "no event kind".
pub const NONE: u16 = u16::MAX;
/// "Never" for step fields.
pub const NEVER: u32 = u32::MAX;

/// One side of an undirected tie (each tie is stored on both agents).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tie {
    pub other: u32,
    pub weight: f32,
    /// Step at which the tie was last reinforced.
    pub seen: u32,
}

/// One attendee of a group's meeting this step and its identification with the group.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Attendee {
    pub agent: u32,
    pub ident: f32,
}

/// One agent's membership of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Member {
    pub group: u32,
    /// Identification s_ig.
    pub ident: f32,
    /// Running record of attendance (exponentially weighted).
    pub attend: f32,
    /// Step of joining.
    pub joined: u32,
    /// Attended the group's meeting this step (set by the meetings phase).
    pub came: bool,
    /// Leaves the group this step (drawn by the membership phase, which then acts on it).
    pub leaving: bool,
}

/// Agent state, struct of arrays indexed by agent id (u32).
#[derive(Debug, Clone, Default)]
pub struct Agents {
    pub need: Vec<f32>,
    pub approach: Vec<f32>,
    pub approach_base: Vec<f32>,
    pub regulation: Vec<f32>,
    pub regulation_base: Vec<f32>,
    pub distress: Vec<f32>,
    /// Identity positions, `dims` values per agent.
    pub identity: Vec<f32>,
    /// Personal identity each agent returns to (anchoring), `dims` values per agent.
    pub identity_base: Vec<f32>,
    /// Event kind of the agent's (most recent) condition, or NONE.
    pub condition: Vec<u16>,
    pub condition_active: Vec<bool>,
    /// Step at which the condition resolves (NEVER = chronic).
    pub condition_end: Vec<u32>,
    pub stigma: Vec<f32>,
    pub integration: Vec<f32>,
    /// Step of the most recent life event (NEVER if none).
    pub event_step: Vec<u32>,
    pub exclusion: Vec<f32>,
    /// Consecutive weeks with `exclusion` above the threshold.
    pub excluded_weeks: Vec<u32>,
    pub resigned: Vec<bool>,
    /// Ordinary (non-support) group memberships just before the most recent life event.
    pub groups_before: Vec<u16>,
    /// Of those, the memberships the event left intact.
    pub groups_kept: Vec<u16>,
    /// Groups of any kind (support groups included) joined in the FOLLOW_UP weeks after the
    /// most recent life event.
    pub groups_joined: Vec<u16>,
    /// The ordinary group kinds (bit k: kind k, the first 32 kinds) whose membership the most
    /// recent life event took and that the agent has not regained yet (6.7: regaining roles).
    pub lost: Vec<u32>,
    /// Has left (graduated from or dropped out of) a support group on its current condition
    /// since its most recent life event (6.7: seeking again at `support.return_rate`).
    pub left_support: Vec<bool>,
    /// Loneliness just before the most recent life event.
    pub loneliness_before: Vec<f32>,
    /// Loneliness 52 weeks after the most recent life event (NaN until then).
    pub loneliness_year: Vec<f32>,
    pub loneliness: Vec<f32>,
    pub attachment: Vec<f32>,
    pub membership: Vec<f32>,
    pub collective: Vec<f32>,
    pub belonging: Vec<f32>,
    /// Each agent's memberships, in one pool (`memberships[i]` is agent i's slice).
    pub memberships: Lists<Member>,
    /// Each agent's ties, in one pool (`ties[i]` is agent i's slice).
    pub ties: Lists<Tie>,
    /// Axelrod culture: `World::features` traits (each in 0..traits) per agent; empty unless
    /// the identity rule is Axelrod.
    pub culture: Vec<u8>,
}

/// Group state, struct of arrays indexed by group id. Dissolved groups stay (inactive) so
/// ids are stable.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// Index into the scenario's group kinds; `support_kind` for support groups.
    pub kind: Vec<u16>,
    /// Event kind a support group is about (NONE for ordinary groups).
    pub focus: Vec<u16>,
    /// Each group's members, in one pool (`members[g]` is group g's slice).
    pub members: Lists<u32>,
    /// Prototype positions, `dims` values per group.
    pub prototype: Vec<f32>,
    pub active: Vec<bool>,
    /// A support group is established once it has reached the minimum size; only then can it
    /// dissolve by falling below it.
    pub established: Vec<bool>,
    pub capacity: Vec<u32>,
    pub meeting_rate: Vec<f32>,
    /// logit of baseline attendance.
    pub attendance_logit: Vec<f32>,
    pub acceptance: Vec<f32>,
    /// Coherence of the group around its prototype, in [0, 1].
    pub coherence: Vec<f32>,
    /// Met this step.
    pub met: Vec<bool>,
    /// Attendees this step, in agent order, each with its identification with the group
    /// (scratch, reused; set by the meetings phase, kept true by exclusion).
    pub attendees: Lists<Attendee>,
    /// Index of the intervention a programme group belongs to (NONE for other groups).
    pub programme: Vec<u16>,
}

/// Weeks after a life event at which `loneliness_year` is recorded.
pub const FOLLOW_UP: u32 = 52;

/// How a support-group membership ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpellEnd {
    /// Still a member.
    Open,
    /// Left by the dropout hazard.
    Dropout,
    /// Left after the condition resolved and loneliness fell (a success, not a dropout).
    Graduation,
    /// The group dissolved.
    Dissolved,
}

/// One membership of a support group, from joining to leaving (join-cohort bookkeeping).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SupportSpell {
    pub agent: u32,
    pub group: u32,
    /// Step of joining.
    pub joined: u32,
    /// Step of leaving (NEVER while open).
    pub left: u32,
    pub end: SpellEnd,
}

/// Things that happened during the current step (reset each step).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepCounts {
    pub new_events: u32,
    pub support_joins: u32,
    pub support_dropouts: u32,
    pub support_graduations: u32,
    pub support_founded: u32,
    pub support_dissolved: u32,
    pub exclusions: u32,
    pub group_joins: u32,
    pub group_leaves: u32,
}

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
    pub runs: runs::Runs,
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
    /// A tie was set with `World::set_tie` (possibly below the minimum weight) since the
    /// fixed-network tie maintenance last looked.
    pub ties_set: bool,
    /// Where the last absorption test found a pair that can still change (an agent or a
    /// group): the next test starts there.
    pub absorb_from: usize,
}

impl Carry {
    /// Records that `tie_sums` now hold the sums of `ties` in step `t`.
    pub fn stamp_tie_sums(&mut self, t: u32, ties: &Lists<Tie>) {
        self.tie_sums_at = Some((t, ties.edits()));
    }

    /// The tie sums, if they were summed in step `t` and `ties` have not changed since.
    pub fn fresh_tie_sums(&self, t: u32, ties: &Lists<Tie>) -> Option<&[[f32; 2]]> {
        (self.tie_sums_at == Some((t, ties.edits()))).then_some(&self.tie_sums[..])
    }

    /// Forgets the tie sums (they will be summed again where needed).
    pub fn forget_tie_sums(&mut self) {
        self.tie_sums_at = None;
    }
}

/// The whole state of one run.
#[derive(Debug, Clone)]
pub struct World {
    pub dims: usize,
    /// Axelrod features per agent (0 unless the identity rule is Axelrod).
    pub features: usize,
    /// Axelrod traits per feature (0 unless the identity rule is Axelrod).
    pub traits: u8,
    /// The identity rule and the partners' scope (for the classic rules and their metrics).
    pub rule: IdentityRule,
    pub scope: Scope,
    /// Current step (0 = first week of the burn-in).
    pub t: u32,
    /// Steps of burn-in: recorded step = t - burn_in.
    pub burn_in: u32,
    pub agents: Agents,
    pub groups: Groups,
    /// Kind index used for support groups (= number of ordinary kinds).
    pub support_kind: u16,
    /// Agents waiting for a support group, per event kind.
    pub waiting: Vec<Vec<u32>>,
    pub counts: StepCounts,
    /// Scratch: loneliness at the start of the belonging phase (for contagion).
    pub scratch_loneliness: Vec<f32>,
    /// Scratch buffers of the phases, kept between steps so the step loop does not allocate
    /// once they have grown to the run's size.
    pub scratch: Scratch,
    /// Values a phase leaves for a later one (see `Carry`).
    pub carry: Carry,
    /// Every support-group membership so far, in order of joining.
    pub support_log: Vec<SupportSpell>,
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

/// Asks the processor to bring `v[k]` into the cache ahead of a read at random (a hint: it
/// changes no result; nothing happens if `k` is out of bounds or off x86-64).
#[inline(always)]
pub fn prefetch<T>(v: &[T], k: usize) {
    #[cfg(target_arch = "x86_64")]
    if k < v.len() {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch neither reads nor writes memory the program can see, and
        // `v[k]` is in bounds.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(v.as_ptr().add(k).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (v, k);
}

/// Reorders `v`, read as records of `stride` values: new record `k` is old record `order[k]`.
fn by<T: Clone + PartialEq>(v: &mut Vec<T>, order: &[u32], stride: usize) {
    if v.is_empty() || stride == 0 {
        return;
    }
    // Every record the same (most arrays at build time): the order changes nothing.
    let first = &v[..stride];
    if v.chunks_exact(stride).all(|r| r == first) {
        return;
    }
    let old = std::mem::take(v);
    v.reserve_exact(old.len());
    for &o in order {
        let o = o as usize * stride;
        v.extend_from_slice(&old[o..o + stride]);
    }
}

impl Agents {
    /// Renumbers the agents: new agent `k` is old agent `order[k]` (a permutation). Only the
    /// agents' own arrays move; ids stored elsewhere (ties, group members) are the caller's.
    /// Names every field, so that a new one cannot be forgotten.
    pub fn permute(&mut self, order: &[u32], dims: usize, features: usize) {
        let Agents {
            need,
            approach,
            approach_base,
            regulation,
            regulation_base,
            distress,
            identity,
            identity_base,
            condition,
            condition_active,
            condition_end,
            stigma,
            integration,
            event_step,
            exclusion,
            excluded_weeks,
            resigned,
            groups_before,
            groups_kept,
            groups_joined,
            lost,
            left_support,
            loneliness_before,
            loneliness_year,
            loneliness,
            attachment,
            membership,
            collective,
            belonging,
            memberships,
            ties,
            culture,
        } = self;
        for v in [
            need,
            approach,
            approach_base,
            regulation,
            regulation_base,
            distress,
            stigma,
            integration,
            exclusion,
            loneliness_before,
            loneliness_year,
            loneliness,
            attachment,
            membership,
            collective,
            belonging,
        ] {
            by(v, order, 1);
        }
        by(identity, order, dims);
        by(identity_base, order, dims);
        by(condition, order, 1);
        by(condition_active, order, 1);
        by(resigned, order, 1);
        by(condition_end, order, 1);
        by(event_step, order, 1);
        by(excluded_weeks, order, 1);
        by(groups_before, order, 1);
        by(groups_kept, order, 1);
        by(groups_joined, order, 1);
        by(lost, order, 1);
        by(left_support, order, 1);
        by(culture, order, features);
        memberships.permute(order);
        ties.permute(order);
    }
}

impl World {
    pub fn n(&self) -> usize {
        self.agents.need.len()
    }

    pub fn n_groups(&self) -> usize {
        self.groups.kind.len()
    }

    pub fn is_support(&self, g: usize) -> bool {
        self.groups.kind[g] == self.support_kind
    }

    /// Group g is an intervention's programme group (support-like, no focus condition).
    pub fn is_programme(&self, g: usize) -> bool {
        self.groups.programme[g] != NONE
    }

    /// The recorded step, or None during the burn-in.
    pub fn recorded_step(&self) -> Option<u32> {
        self.t.checked_sub(self.burn_in)
    }

    pub fn identity_of(&self, i: usize) -> &[f32] {
        &self.agents.identity[i * self.dims..(i + 1) * self.dims]
    }

    /// Agent i's Axelrod culture (empty unless the rule is Axelrod).
    pub fn culture_of(&self, i: usize) -> &[u8] {
        &self.agents.culture[i * self.features..(i + 1) * self.features]
    }

    pub fn prototype_of(&self, g: usize) -> &[f32] {
        &self.groups.prototype[g * self.dims..(g + 1) * self.dims]
    }

    /// Calls `f(i, j)` for every pair in the classic rules' scope — each tie once (Network),
    /// or every two co-members of an active group (Groups; pairs in several groups more than
    /// once) — until `f` returns false. Returns whether every call returned true.
    pub fn for_each_scope_pair(&self, f: impl FnMut(usize, usize) -> bool) -> bool {
        self.find_scope_pair(0, f).is_none()
    }

    /// Like `for_each_scope_pair`, but starting at agent (Network) or group (Groups) `from`
    /// and wrapping round, so every pair is still visited once. Returns the agent or group
    /// at which `f` returned false (None if it never did). A search that starts where the
    /// last one stopped finds a pair that is still there at once (the absorption test).
    pub fn find_scope_pair(
        &self,
        from: usize,
        mut f: impl FnMut(usize, usize) -> bool,
    ) -> Option<usize> {
        let owners = match self.scope {
            Scope::Network => self.n(),
            Scope::Groups => self.n_groups(),
        };
        let from = if from < owners { from } else { 0 };
        let mut visit = |o: usize| -> bool {
            match self.scope {
                Scope::Network => self.agents.ties[o]
                    .iter()
                    .all(|t| t.other as usize <= o || f(o, t.other as usize)),
                Scope::Groups => {
                    if !self.groups.active[o] {
                        return true;
                    }
                    let m = &self.groups.members[o];
                    m.iter()
                        .enumerate()
                        .all(|(x, &i)| m[x + 1..].iter().all(|&j| f(i as usize, j as usize)))
                }
            }
        };
        (from..owners).chain(0..from).find(|&o| !visit(o))
    }

    /// Position of tie (i, j) in i's list.
    #[inline]
    pub fn tie_index(&self, i: usize, j: u32) -> Option<usize> {
        find_tie(&self.agents.ties[i], j)
    }

    /// Sets (creating if needed) tie (i, j) to `weight`, marked seen at `seen`, on both sides.
    pub fn set_tie(&mut self, i: usize, j: usize, weight: f32, seen: u32) {
        debug_assert!(i != j);
        self.carry.ties_set = true;
        for (a, b) in [(i, j), (j, i)] {
            let ties = &mut self.agents.ties;
            match find_tie(&ties[a], b as u32) {
                Some(k) => {
                    let t = &mut ties[a][k];
                    t.weight = weight;
                    t.seen = seen;
                }
                None => ties.push(
                    a,
                    Tie {
                        other: b as u32,
                        weight,
                        seen,
                    },
                ),
            }
        }
    }

    /// Makes tie (i, j) at least `weight` (creating it, marked seen at 0, if absent), on both
    /// sides: a build step, one look-up on i's side when the tie is new.
    pub fn raise_tie(&mut self, i: usize, j: usize, weight: f32) {
        match self.tie_index(i, j as u32) {
            Some(k) => {
                let w = self.agents.ties[i][k].weight.max(weight);
                self.set_tie(i, j, w, 0);
            }
            None => self.add_tie(i, j, weight, 0),
        }
    }

    /// Creates tie (i, j), known to be absent, on both sides.
    pub fn add_tie(&mut self, i: usize, j: usize, weight: f32, seen: u32) {
        debug_assert!(i != j && self.tie_index(i, j as u32).is_none());
        self.carry.ties_set = true;
        for (a, b) in [(i, j), (j, i)] {
            let other = b as u32;
            self.agents.ties.push(
                a,
                Tie {
                    other,
                    weight,
                    seen,
                },
            );
        }
    }

    /// Removes tie (i, j) from both sides (no-op if absent).
    pub fn remove_tie(&mut self, i: usize, j: usize) {
        for (a, b) in [(i, j), (j, i)] {
            let ties = &mut self.agents.ties;
            if let Some(k) = ties[a].iter().position(|t| t.other == b as u32) {
                ties.swap_remove(a, k);
            }
        }
    }

    /// Position of group g in agent i's memberships.
    #[inline]
    pub fn membership_index(&self, i: usize, g: usize) -> Option<usize> {
        scan(&self.agents.memberships[i], |m| m.group == g as u32)
    }

    /// Agent i's identification with group g (0 if not a member).
    #[inline]
    pub fn identification(&self, i: usize, g: usize) -> f32 {
        let list = &self.agents.memberships[i];
        scan(list, |m| m.group == g as u32).map_or(0.0, |k| list[k].ident)
    }

    /// Adds agent i to group g (both directions). Returns false if already a member or full.
    pub fn join(&mut self, i: usize, g: usize, ident: f32, attend: f32) -> bool {
        if !self.groups.active[g]
            || self.membership_index(i, g).is_some()
            || self.groups.members[g].len() >= self.groups.capacity[g] as usize
        {
            return false;
        }
        self.agents.memberships.push(
            i,
            Member {
                group: g as u32,
                ident,
                attend,
                joined: self.t,
                came: false,
                leaving: false,
            },
        );
        self.groups.members.push(g, i as u32);
        let e = self.agents.event_step[i];
        if e != NEVER && self.t < e.saturating_add(FOLLOW_UP) {
            self.agents.groups_joined[i] = self.agents.groups_joined[i].saturating_add(1);
        }
        if self.is_support(g) && !self.is_programme(g) {
            self.support_log.push(SupportSpell {
                agent: i as u32,
                group: g as u32,
                joined: self.t,
                left: NEVER,
                end: SpellEnd::Open,
            });
        }
        true
    }

    /// Closes agent i's open spell in support group g (no-op if none).
    pub fn close_spell(&mut self, i: usize, g: usize, end: SpellEnd) {
        let t = self.t;
        if let Some(s) = self
            .support_log
            .iter_mut()
            .rev()
            .find(|s| s.agent == i as u32 && s.group == g as u32 && s.end == SpellEnd::Open)
        {
            s.left = t;
            s.end = end;
        }
    }

    /// Removes agent i from group g (both directions).
    pub fn leave(&mut self, i: usize, g: usize) {
        if let Some(k) = self.membership_index(i, g) {
            self.agents.memberships.swap_remove(i, k);
        }
        let members = &mut self.groups.members;
        if let Some(k) = members[g].iter().position(|&m| m as usize == i) {
            members.swap_remove(g, k);
        }
    }

    /// Adds a new group and returns its id.
    #[allow(clippy::too_many_arguments)]
    pub fn add_group(
        &mut self,
        kind: u16,
        focus: u16,
        capacity: u32,
        meeting_rate: f64,
        attendance: f64,
        acceptance: f64,
        prototype: &[f32],
    ) -> usize {
        let g = self.n_groups();
        self.groups.kind.push(kind);
        self.groups.focus.push(focus);
        self.groups.members.add_owner();
        self.groups.prototype.extend_from_slice(prototype);
        self.groups.active.push(true);
        self.groups.established.push(false);
        self.groups.capacity.push(capacity);
        self.groups.meeting_rate.push(meeting_rate as f32);
        self.groups.attendance_logit.push(logit(attendance) as f32);
        self.groups.acceptance.push(acceptance as f32);
        self.groups.coherence.push(0.0);
        self.groups.met.push(false);
        self.groups.attendees.add_owner();
        self.groups.programme.push(NONE);
        g
    }

    /// Dissolves group g: every member leaves; the id stays, inactive.
    pub fn dissolve(&mut self, g: usize) {
        let spells = self.is_support(g) && !self.is_programme(g);
        for x in 0..self.groups.members[g].len() {
            let i = self.groups.members[g][x] as usize;
            if spells {
                self.close_spell(i, g, SpellEnd::Dissolved);
            }
            if let Some(k) = self.membership_index(i, g) {
                self.agents.memberships.swap_remove(i, k);
            }
        }
        self.groups.members.truncate(g, 0);
        self.groups.active[g] = false;
        self.groups.attendees.truncate(g, 0);
        self.groups.met[g] = false;
    }

    /// Renumbers the agents: new agent `k` is old agent `order[k]` (a permutation of
    /// `0..n`), with every stored agent id (group members, ties, waiting lists, the support
    /// log) translated. The world is the same world under other names.
    pub fn relabel(&mut self, order: &[u32]) {
        let n = self.n();
        assert_eq!(order.len(), n, "relabel needs a permutation of every agent");
        let mut new_id = vec![u32::MAX; n];
        for (k, &o) in order.iter().enumerate() {
            new_id[o as usize] = k as u32;
        }
        assert!(
            new_id.iter().all(|&k| k != u32::MAX),
            "relabel needs a permutation of every agent"
        );
        self.agents.permute(order, self.dims, self.features);
        let to = |i: &mut u32| *i = new_id[*i as usize];
        self.groups.members.for_each_mut(to);
        self.groups.attendees.for_each_mut(|a| to(&mut a.agent));
        self.waiting.iter_mut().flatten().for_each(to);
        self.agents.ties.for_each_mut(|t| to(&mut t.other));
        self.support_log.iter_mut().for_each(|s| to(&mut s.agent));
    }

    /// Agent i is in a support group focused on event kind k.
    pub fn in_support_for(&self, i: usize, k: u16) -> bool {
        self.agents.memberships[i]
            .iter()
            .any(|m| self.is_support(m.group as usize) && self.groups.focus[m.group as usize] == k)
    }

    /// Agent i is in any support group.
    pub fn in_support(&self, i: usize) -> bool {
        self.agents.memberships[i]
            .iter()
            .any(|m| self.is_support(m.group as usize))
    }

    /// Checks every invariant of the module docs; returns the first violation found.
    pub fn check_invariants(&self) -> Result<(), String> {
        let a = &self.agents;
        let n = self.n();
        let unit = |name: &str, v: &[f32]| -> Result<(), String> {
            match v
                .iter()
                .position(|x| !(x.is_finite() && (0.0..=1.0).contains(x)))
            {
                Some(i) => Err(format!("{name}[{i}] = {} is not in [0, 1]", v[i])),
                None => Ok(()),
            }
        };
        unit("need", &a.need)?;
        unit("approach", &a.approach)?;
        unit("approach_base", &a.approach_base)?;
        unit("regulation", &a.regulation)?;
        unit("regulation_base", &a.regulation_base)?;
        unit("distress", &a.distress)?;
        unit("identity", &a.identity)?;
        unit("identity_base", &a.identity_base)?;
        unit("stigma", &a.stigma)?;
        unit("integration", &a.integration)?;
        unit("exclusion", &a.exclusion)?;
        unit("loneliness", &a.loneliness)?;
        unit("attachment", &a.attachment)?;
        unit("membership", &a.membership)?;
        unit("collective", &a.collective)?;
        unit("belonging", &a.belonging)?;
        unit("prototype", &self.groups.prototype)?;
        unit("coherence", &self.groups.coherence)?;
        for (name, len) in [
            ("identity", a.identity.len() / self.dims.max(1)),
            ("memberships", a.memberships.owners()),
            ("ties", a.ties.owners()),
            ("condition", a.condition.len()),
            ("loneliness", a.loneliness.len()),
            ("culture", a.culture.len() / self.features.max(1)),
        ] {
            if name == "culture" && self.features == 0 {
                continue;
            }
            if len != n {
                return Err(format!("{name} has {len} entries for {n} agents"));
            }
        }
        for i in 0..n {
            let ms = &a.memberships[i];
            for (k, m) in ms.iter().enumerate() {
                let g = m.group as usize;
                if g >= self.n_groups() {
                    return Err(format!("agent {i} is in unknown group {g}"));
                }
                if !self.groups.active[g] {
                    return Err(format!("agent {i} is in dissolved group {g}"));
                }
                if !self.groups.members[g].contains(&(i as u32)) {
                    return Err(format!("agent {i} lists group {g}, which does not list it"));
                }
                if ms[..k].iter().any(|o| o.group == m.group) {
                    return Err(format!("agent {i} lists group {g} twice"));
                }
                for (name, v) in [("identification", m.ident), ("attendance", m.attend)] {
                    if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                        return Err(format!("agent {i} group {g}: {name} = {v}"));
                    }
                }
            }
            let ts = &a.ties[i];
            for (k, t) in ts.iter().enumerate() {
                let j = t.other as usize;
                if j == i || j >= n {
                    return Err(format!("agent {i} has a tie to {j}"));
                }
                if !(t.weight.is_finite() && t.weight > 0.0 && t.weight <= 1.0) {
                    return Err(format!("tie ({i}, {j}) has weight {}", t.weight));
                }
                if ts[..k].iter().any(|o| o.other == t.other) {
                    return Err(format!("tie ({i}, {j}) is listed twice"));
                }
                match a.ties[j].iter().find(|o| o.other as usize == i) {
                    Some(back) if back.weight == t.weight && back.seen == t.seen => {}
                    Some(back) => {
                        return Err(format!(
                            "tie ({i}, {j}) is asymmetric: {} vs {}",
                            t.weight, back.weight
                        ))
                    }
                    None => return Err(format!("tie ({i}, {j}) has no reverse ({j}, {i})")),
                }
            }
            if self.features > 0 {
                if let Some(x) = self.culture_of(i).iter().find(|&&x| x >= self.traits) {
                    return Err(format!("agent {i} has trait {x} of {}", self.traits));
                }
            }
            if a.condition_active[i] && a.condition[i] == NONE {
                return Err(format!("agent {i} has an active condition of no kind"));
            }
        }
        for g in 0..self.n_groups() {
            let members = &self.groups.members[g];
            if !self.groups.active[g] && !members.is_empty() {
                return Err(format!("dissolved group {g} still has members"));
            }
            if members.len() > self.groups.capacity[g] as usize {
                return Err(format!("group {g} is over capacity"));
            }
            for (k, &i) in members.iter().enumerate() {
                if members[..k].contains(&i) {
                    return Err(format!("group {g} lists agent {i} twice"));
                }
                if self.membership_index(i as usize, g).is_none() {
                    return Err(format!("group {g} lists agent {i}, which does not list it"));
                }
            }
        }
        Ok(())
    }
}

/// Position of the tie to `j` in a tie list (lists hold no duplicates: invariant). Four ties
/// are compared at a time without a branch between them, so a short list costs a branch or
/// two rather than one per tie.
#[inline]
pub fn find_tie(list: &[Tie], j: u32) -> Option<usize> {
    let mut quads = list.chunks_exact(4);
    for (q, c) in quads.by_ref().enumerate() {
        let hits = u32::from(c[0].other == j)
            | u32::from(c[1].other == j) << 1
            | u32::from(c[2].other == j) << 2
            | u32::from(c[3].other == j) << 3;
        if hits != 0 {
            return Some(4 * q + hits.trailing_zeros() as usize);
        }
    }
    let rest = quads.remainder();
    let hits = rest
        .iter()
        .enumerate()
        .fold(0u32, |h, (k, t)| h | u32::from(t.other == j) << k);
    (hits != 0).then(|| list.len() - rest.len() + hits.trailing_zeros() as usize)
}

/// Position of the (only) element matching `hit` in a short list (lists hold no duplicates:
/// invariant).
#[inline]
pub fn scan<T>(list: &[T], hit: impl Fn(&T) -> bool) -> Option<usize> {
    list.iter().position(hit)
}

#[inline]
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

#[inline]
pub fn logistic(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// e^x from basic IEEE operations only (no libm), so results are bit-identical on every
/// platform; relative error below 5e-7 for |x| <= 30 (tested).
///
/// Cody–Waite reduction x = k ln 2 + r with |r| <= ln 2 / 2 (ln 2 split in two parts so
/// k ln 2 is exact), then a degree-7 Taylor polynomial of e^r and a scaling by 2^k.
#[inline]
pub fn exp(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_145_75; // 0x3f317200: few mantissa bits, k * LN2_HI exact
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    // round(x log2 e) without a libm call (the baseline x86-64 target has no rounding
    // instruction).
    let t = x * std::f32::consts::LOG2_E;
    let k = (t + if t >= 0.0 { 0.5 } else { -0.5 }) as i32;
    let kf = k as f32;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    // 2^k as a float; k in [-126, 127] after the clamp (subnormals flushed to 0). Without a
    // branch, so that loops in lanes (`lanes`) take it into vector registers.
    let y = p * f32::from_bits(((k.max(-126) + 127) as u32) << 23);
    if k < -126 {
        0.0
    } else {
        y
    }
}

/// Euclidean distance between two identity positions.
#[inline]
pub fn distance(a: &[f32], b: &[f32]) -> f32 {
    distance_squared(a, b).sqrt()
}

/// The square of `distance`, summed in the same order (its square root is `distance`).
#[inline]
pub fn distance_squared(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The four-at-a-time tie search finds what a plain search finds: every position of every
    /// list length up to 13 (whole quads and each remainder), and nothing when absent, with
    /// weights and steps equal to the id sought (they must not be taken for it).
    #[test]
    fn find_tie_agrees_with_a_plain_search() {
        for len in 0..14u32 {
            let list: Vec<Tie> = (0..len)
                .map(|k| Tie {
                    other: 100 + k,
                    weight: f32::from_bits(100 + k),
                    seen: 100 + k,
                })
                .collect();
            for j in 99..115 {
                let plain = list.iter().position(|t| t.other == j);
                assert_eq!(find_tie(&list, j), plain, "length {len}, id {j}");
            }
        }
    }

    /// Tie sums left by tie maintenance are given to a later phase only while the ties are
    /// as they were: every way of changing a tie (the world's tie operations and the lists'
    /// own `&mut` access) makes them stale, so no process placed between ties and belonging
    /// can hand belonging sums of ties that no longer exist.
    #[test]
    fn any_change_to_the_ties_makes_their_sums_stale() {
        use crate::scenario::{resolve, Override, Source};
        let o = [Override::parse("population.size=200").unwrap()];
        let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
        let mut w = crate::dynamics::init::build(&cfg, 3);
        for _ in 0..3 {
            crate::dynamics::step(&mut w, &cfg, 3);
        }
        let (i, j) = (0usize, w.agents.ties[0][0].other as usize);
        let free = (1..w.n())
            .find(|&k| k != j && w.tie_index(0, k as u32).is_none())
            .unwrap();
        type Change = fn(&mut World, usize, usize, usize);
        let changes: Vec<(&str, Change)> = vec![
            ("set_tie", |w, i, j, _| w.set_tie(i, j, 0.5, 0)),
            ("raise_tie", |w, i, j, _| w.raise_tie(i, j, 0.99)),
            ("add_tie", |w, i, _, f| w.add_tie(i, f, 0.5, 0)),
            ("remove_tie", |w, i, j, _| w.remove_tie(i, j)),
            ("index_mut", |w, i, _, _| w.agents.ties[i][0].weight = 0.1),
            ("list_mut", |w, i, _, _| {
                w.agents.ties.list_mut(i).truncate(0)
            }),
            ("push", |w, i, _, f| {
                let seen = w.t;
                w.agents.ties.push(
                    i,
                    Tie {
                        other: f as u32,
                        weight: 0.3,
                        seen,
                    },
                )
            }),
            ("swap_remove", |w, i, _, _| {
                w.agents.ties.swap_remove(i, 0);
            }),
            ("par_ranges_mut", |w, _, _, _| {
                rayon::iter::ParallelIterator::for_each(w.agents.ties.par_ranges_mut(64), |_| {})
            }),
            ("for_each_mut", |w, _, _, _| {
                w.agents.ties.for_each_mut(|t| t.weight *= 0.5)
            }),
        ];
        for (name, change) in changes {
            let mut v = w.clone();
            let t = v.t;
            v.carry.tie_sums.resize(v.n(), [0.0; 2]);
            v.carry.stamp_tie_sums(t, &v.agents.ties);
            assert!(v.carry.fresh_tie_sums(t, &v.agents.ties).is_some());
            assert!(
                v.carry.fresh_tie_sums(t + 1, &v.agents.ties).is_none(),
                "another step"
            );
            v.agents.ties.reserve(i, 8); // making room changes no tie
            assert!(
                v.carry.fresh_tie_sums(t, &v.agents.ties).is_some(),
                "{name}: reserve"
            );
            change(&mut v, i, j, free);
            assert!(
                v.carry.fresh_tie_sums(t, &v.agents.ties).is_none(),
                "{name} left the sums fresh"
            );
        }
    }

    /// A pair search started anywhere visits every pair in scope exactly once (both scopes),
    /// and stops at the owner of the first pair that fails.
    #[test]
    fn pair_search_from_anywhere_visits_every_pair_once() {
        use crate::scenario::{resolve, Override, Source};
        let o = [Override::parse("population.size=200").unwrap()];
        let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
        let mut w = crate::dynamics::init::build(&cfg, 3);
        for _ in 0..30 {
            crate::dynamics::step(&mut w, &cfg, 3);
        }
        for scope in [Scope::Network, Scope::Groups] {
            w.scope = scope;
            let mut all = Vec::new();
            assert!(w.for_each_scope_pair(|i, j| {
                all.push((i, j));
                true
            }));
            all.sort_unstable();
            assert!(all.len() > 100, "{scope:?}: {} pairs", all.len());
            for from in [0, 1, 57, 199, 10_000] {
                let mut seen = Vec::new();
                let found = w.find_scope_pair(from, |i, j| {
                    seen.push((i, j));
                    true
                });
                assert_eq!(found, None);
                seen.sort_unstable();
                assert_eq!(seen, all, "{scope:?} from {from}");
            }
            // Failing on one pair: the search from anywhere finds its owner.
            let (a, b) = all[all.len() / 2];
            for from in [0, 1, 57, 199] {
                let found = w.find_scope_pair(from, |i, j| (i, j) != (a, b));
                let owner = found.expect("the failing pair is found");
                match scope {
                    Scope::Network => assert_eq!(owner, a),
                    Scope::Groups => assert!(w.groups.members[owner].contains(&(a as u32))),
                }
            }
        }
    }

    /// Relabelling renames agents and nothing else: agent k of the relabelled world is agent
    /// order[k] of the original, with its ties and groups translated, and relabelling back
    /// gives the original world exactly. Checked on a world 80 weeks into the default
    /// scenario (events, support groups and waiting lists in play).
    #[test]
    fn relabel_is_a_renaming() {
        use crate::scenario::{resolve, Override, Source};
        let o = [Override::parse("population.size=300").unwrap()];
        let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
        let mut w = crate::dynamics::init::build(&cfg, 5);
        for _ in 0..80 {
            crate::dynamics::step(&mut w, &cfg, 5);
        }
        let n = w.n() as u32;
        // A permutation with no fixed point: k -> (7k + 3) mod n (7 and 300 are coprime).
        let order: Vec<u32> = (0..n).map(|k| (7 * k + 3) % n).collect();
        let mut r = w.clone();
        r.relabel(&order);
        r.check_invariants().unwrap();
        let mut new_id = vec![0u32; n as usize];
        for (k, &o) in order.iter().enumerate() {
            new_id[o as usize] = k as u32;
        }
        for (k, &o) in order.iter().enumerate() {
            let o = o as usize;
            assert_eq!(r.agents.loneliness[k], w.agents.loneliness[o]);
            assert_eq!(r.agents.condition[k], w.agents.condition[o]);
            assert_eq!(r.identity_of(k), w.identity_of(o));
            assert_eq!(&r.agents.memberships[k], &w.agents.memberships[o]);
            let back: Vec<u32> = w.agents.ties[o]
                .iter()
                .map(|t| new_id[t.other as usize])
                .collect();
            let here: Vec<u32> = r.agents.ties[k].iter().map(|t| t.other).collect();
            assert_eq!(here, back);
        }
        assert_ne!(format!("{:?}", r.agents), format!("{:?}", w.agents));
        let mut inverse = vec![0u32; n as usize];
        for (k, &o) in order.iter().enumerate() {
            inverse[o as usize] = k as u32;
        }
        r.relabel(&inverse);
        assert_eq!(format!("{r:?}"), format!("{w:?}"));
    }

    #[test]
    fn exp_matches_libm() {
        let mut x = -30.0f32;
        while x < 10.0 {
            let (a, b) = (exp(x) as f64, (x as f64).exp());
            assert!(((a - b) / b).abs() < 5e-7, "exp({x}) = {a}, expected {b}");
            x += 0.00731;
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-200.0) >= 0.0 && exp(-200.0) < 1e-37);
    }
}
