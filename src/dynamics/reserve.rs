//! Room for the run, sized once at start-up (called by `init::build`): the processes'
//! working lists and the state that grows as a run settles, so that a settled run allocates
//! nothing (measured: `examples/alloc_count.rs`).

use crate::model::World;

/// Sizes, at start-up, what the step loop would otherwise grow: room for groups founded
/// during the run, for every group meeting in full with `encounters` draws per attendee,
/// and for the logs and waiting lists; so that a settled run allocates nothing (measured:
/// `examples/alloc_count.rs`). Past this headroom the structures still grow as needed.
pub fn reserve_for_run(world: &mut World, encounters: usize) {
    let n = world.n();
    let ng = world.n_groups();
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

    // Every group meeting in full: the largest attendee and encounter lists.
    let full: Vec<u32> = (0..ng).map(|k| g.members.len_of(k) as u32).collect();
    g.attendees.reserve_each(&full);
    // Memberships grow as the run settles (substitution, support groups).
    let grow = g.members.total() / 4 + 64;
    g.attendees.reserve_room(grow);
    g.members.reserve_room(grow);
    // Networks and memberships change size as the run settles.
    let a = &mut world.agents;
    a.ties.reserve_room(a.ties.total() / 4 + 64);
    a.memberships.reserve_room(a.memberships.total() / 4 + 64);
    let sc = &mut world.scratch;
    let draws: Vec<u32> = full.iter().map(|&m| m * encounters as u32).collect();
    if super::interaction::direct(n) {
        // Small worlds keep each group's encounters; larger ones file each side with its
        // block of agents as it is drawn.
        while sc.encounters.owners() < ng {
            sc.encounters.add_owner();
        }
        sc.encounters.reserve_owners(more);
        sc.encounters.reserve_each(&draws);
        sc.encounters.reserve_room(grow * encounters);
    } else {
        // (Interaction counts each block's sides per range of groups; meetings, on
        // several threads, each group's attendees per range of agents.)
        let blocks = n.div_ceil(super::interaction::BLOCK);
        sc.runs.reserve(super::interaction::MAX_RANGES, blocks);
        sc.runs.reserve(super::meetings::MAX_RANGES, ng + more);
        sc.offsets.reserve(ng + more + 1);
    }
    let sides: usize = draws.iter().map(|&d| 2 * d as usize).sum::<usize>() + 2 * grow * encounters;
    sc.sides.reserve(sides);
    sc.offsets.reserve(n + 1);
    sc.cursor.reserve(n);
    sc.bonds.reserve(n);
    sc.pair.reserve(n);
    world.carry.tie_sums.reserve(n);
    sc.waits.reserve(n);
    sc.decided.reserve(n);
    sc.rooms.reserve(ng + more);
    // From here on the pools keep their moved lists few (see `Lists::settle`).
    world.agents.memberships.settle();
    world.agents.ties.settle();
    world.groups.members.settle();
    world.groups.attendees.settle();
    sc.encounters.settle();
    sc.groups.reserve(ng + more);
    sc.climate.reserve(ng + more);
    sc.lost.reserve(64);
    sc.founders.reserve(64);
    sc.proto.reserve(64);
    world.support_log.reserve(n / 2 + 64);
    for list in &mut world.waiting {
        list.reserve(n / 8 + 16);
    }
}
