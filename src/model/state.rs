//! The state of a world: agents (a struct of arrays), groups, ties, memberships and the
//! support-group log, with the accessors that read them.

use super::*;
use crate::scenario::{IdentityRule, Scope};

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
    /// Each agent's neighbourhood (`network.neighbourhoods`, ODD §5); empty in a town of one
    /// neighbourhood, where every agent's is 0.
    pub neighbourhood: Vec<u32>,
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
    /// Each agent's ties, in one pool (`ties[i]` is agent i's slice); tracked: every change
    /// counts in `ties.edits()`, which keeps the tie sums of `Carry` honest.
    pub ties: Lists<Tie, true>,
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
    /// Invitations accepted (volunteering, ODD §6.12); their joins count in `group_joins` too.
    pub invitations: u32,
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

/// Reorders `v`, read as records of `stride` values: new record `k` is old record `order[k]`.
pub(super) fn by<T: Clone + PartialEq>(v: &mut Vec<T>, order: &[u32], stride: usize) {
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
            neighbourhood,
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
        by(neighbourhood, order, 1);
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
}
