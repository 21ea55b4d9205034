//! Room for the run, sized once at start-up (called by `init::build`): the state that grows
//! as a run settles (here), and each process's working buffers (by the process itself, its
//! `reserve`), so that a settled run allocates nothing (measured: `examples/alloc_count.rs`
//! and `tests/no_alloc.rs`). Past this headroom the structures still grow as needed.

use crate::model::World;

/// What the processes size their buffers by: the world's size at the start and the headroom
/// the run is given.
#[derive(Debug, Clone)]
pub struct Room {
    /// Agents.
    pub agents: usize,
    /// Groups at the start.
    pub groups: usize,
    /// Groups that may be founded during the run (headroom).
    pub more_groups: usize,
    /// Each group's members at the start: the largest attendee list of a meeting in full.
    pub full: Vec<u32>,
    /// Memberships the run may add (headroom).
    pub more_memberships: usize,
    /// Encounters per attendee and meeting.
    pub encounters: usize,
}

/// Sizes, at start-up, what the step loop would otherwise grow: room for groups founded
/// during the run and for memberships and ties as the run settles, then each process's own
/// buffers (each process knows its own).
pub fn reserve_for_run(world: &mut World, encounters: usize) {
    let (n, ng) = (world.n(), world.n_groups());
    let more = ng / 4 + 64;
    let g = &mut world.groups;
    g.kind.reserve(more);
    g.focus.reserve(more);
    g.prototype.reserve(more * world.dims);
    g.active.reserve(more);
    g.established.reserve(more);
    g.capacity.reserve(more);
    g.meeting_rate.reserve(more);
    g.attendance_logit.reserve(more);
    g.acceptance.reserve(more);
    g.coherence.reserve(more);
    g.met.reserve(more);
    g.programme.reserve(more);
    g.members.reserve_owners(more);
    g.attendees.reserve_owners(more);
    let room = Room {
        agents: n,
        groups: ng,
        more_groups: more,
        full: (0..ng).map(|k| g.members.len_of(k) as u32).collect(),
        more_memberships: g.members.total() / 4 + 64,
        encounters,
    };
    // Every group meeting in full: the largest attendee lists.
    g.attendees.reserve_each(&room.full);
    g.attendees.reserve_room(room.more_memberships);
    g.members.reserve_room(room.more_memberships);
    // Networks and memberships change size as the run settles.
    let a = &mut world.agents;
    a.ties.reserve_room(a.ties.total() / 4 + 64);
    a.memberships.reserve_room(a.memberships.total() / 4 + 64);
    // Each process's buffers.
    super::events::reserve(world, &room);
    super::meetings::reserve(world, &room);
    super::interaction::reserve(world, &room);
    super::ties::reserve(world, &room);
    super::membership::reserve(world, &room);
    super::belonging::reserve(world, &room);
    // From here on the pools keep their moved lists few (see `Lists::settle`).
    world.agents.memberships.settle();
    world.agents.ties.settle();
    world.groups.members.settle();
    world.groups.attendees.settle();
    world.scratch.encounters.settle();
}
