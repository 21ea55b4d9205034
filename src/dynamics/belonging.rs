//! Process 8: belonging and loneliness. Attachment, membership and collective identity each
//! saturate; belonging is their weighted sum; loneliness moves towards the relative gap
//! between need and belonging and towards tie-weighted neighbours' loneliness (contagion).
//! The agents' slower states (approach, distress, regulation) follow.
//!
//! The formulas are the rules of `crate::rules::belonging` (ODD §6.8); this module applies
//! them to every group and agent, in parallel, in lanes or one agent at a time, and every
//! path calls the same rules. Agents are taken in lanes (`primitives::lanes`), eight at a time,
//! with the same bits as one at a time.

use crate::model::{distance, Groups, Lists, Member, Tie, World, FOLLOW_UP, NEVER};
use crate::primitives::lanes::{by_level, Level, LANES};
use crate::rng::PAR_MIN;
use crate::rules::belonging::{self as rule, BelongingRates, Components};
use crate::scenario::Config;
use rayon::prelude::*;

/// Coherence of each group (`rules::belonging::coherence`: exp(−mean distance of members to
/// the prototype / scale)). Members perceive it when they meet, so it is updated for groups
/// that met this step (`all` updates every group, as at the start).
pub fn update_coherence(w: &mut World, cfg: &Config, all: bool) {
    let scale = cfg.scenario.identity.similarity_scale as f32;
    let d = w.dims;
    let Groups {
        met,
        members,
        prototype,
        coherence,
        ..
    } = &mut w.groups;
    let identity = &w.agents.identity;
    coherence
        .par_iter_mut()
        .enumerate()
        .with_min_len(PAR_MIN / 8)
        .for_each(|(g, coherence)| {
            if !(all || met[g]) {
                return;
            }
            let members = &members[g];
            let p = &prototype[g * d..(g + 1) * d];
            let total: f32 = members
                .iter()
                .map(|&i| distance(&identity[i as usize * d..(i as usize + 1) * d], p))
                .sum();
            *coherence = rule::coherence(scale, total, members.len());
        });
}

/// The sums over an agent's memberships, in list order, that feed membership and collective
/// identity (`rules::belonging::membership_sums`).
#[inline(always)]
fn membership_sums(list: &[Member], coherence: &[f32]) -> [f32; 2] {
    rule::membership_sums(
        list.iter()
            .map(|m| (m.ident, m.attend, coherence[m.group as usize])),
    )
}

/// Attachment, membership, collective identity and belonging of every agent.
pub fn update_components(w: &mut World, cfg: &Config) {
    let k = Components::new(&cfg.scenario);
    let coherence = &w.groups.coherence;
    let ag = &mut w.agents;
    (
        ag.attachment.par_iter_mut(),
        ag.membership.par_iter_mut(),
        ag.collective.par_iter_mut(),
        ag.belonging.par_iter_mut(),
        ag.ties.par_iter(),
        ag.memberships.par_iter(),
    )
        .into_par_iter()
        .with_min_len(PAR_MIN)
        .for_each(
            |(attachment, membership, collective, belonging, ties, list)| {
                let strength: f32 = ties.iter().map(|t| t.weight).sum();
                let [sm, sc] = membership_sums(list, coherence);
                [*attachment, *membership, *collective, *belonging] =
                    rule::components(&k, strength, sm, sc);
            },
        );
}

/// What the belonging pass reads: its rates and the state at the start of the phase.
struct Rates<'a> {
    k: Components,
    r: BelongingRates,
    t: u32,
    /// The tie sums tie maintenance left, if it ran this step.
    sums: Option<&'a [[f32; 2]]>,
    /// Everyone's loneliness at the start of the phase (when there are no sums).
    before: &'a [f32],
    coherence: &'a [f32],
    need: &'a [f32],
    ties: &'a Lists<Tie, true>,
    memberships: &'a Lists<Member>,
    event_step: &'a [u32],
    approach_base: &'a [f32],
    regulation_base: &'a [f32],
}

/// What the belonging pass writes for a run of consecutive agents.
struct Out<'a> {
    /// Attachment, membership, collective identity and belonging.
    parts: [&'a mut [f32]; 4],
    lonely: &'a mut [f32],
    year: &'a mut [f32],
    approach: &'a mut [f32],
    distress: &'a mut [f32],
    regulation: &'a mut [f32],
}

impl Out<'_> {
    /// The same for its agent x alone.
    fn one(&mut self, x: usize) -> Out<'_> {
        let [a, m, c, b] = &mut self.parts;
        Out {
            parts: [&mut a[x..=x], &mut m[x..=x], &mut c[x..=x], &mut b[x..=x]],
            lonely: &mut self.lonely[x..=x],
            year: &mut self.year[x..=x],
            approach: &mut self.approach[x..=x],
            distress: &mut self.distress[x..=x],
            regulation: &mut self.regulation[x..=x],
        }
    }
}

by_level! {
    /// The agents of `out` from agent `first` on, with `level`'s instructions.
    fn update_at(first: usize, out: &mut Out<'_>, q: &Rates<'_>) => update_chunk
}

/// A chunk of up to `LANES` agents from `first`: in lanes if it is whole, else one by one.
#[inline(always)]
fn update_chunk(first: usize, out: &mut Out<'_>, q: &Rates<'_>) {
    if out.lonely.len() == LANES {
        update::<LANES>(first, out, q);
    } else {
        for x in 0..out.lonely.len() {
            update::<1>(first + x, &mut out.one(x), q);
        }
    }
}

/// `N` consecutive agents from `first`: each one's sums over its ties and memberships in
/// list order, then the rest in lanes, without a branch (both sides of each choice computed,
/// one kept: the same operations, in the same order, as for one agent alone).
#[inline(always)]
fn update<const N: usize>(first: usize, out: &mut Out<'_>, q: &Rates<'_>) {
    let (k, r) = (&q.k, &q.r);
    let (mut den, mut num) = ([0.0f32; N], [0.0f32; N]);
    let (mut sm, mut sc) = ([0.0f32; N], [0.0f32; N]);
    for l in 0..N {
        let i = first + l;
        [den[l], num[l]] = match q.sums {
            Some(sums) => sums[i],
            None => {
                let (mut num, mut den) = (0.0f32, 0.0f32);
                for t in &q.ties[i] {
                    num += t.weight * q.before[t.other as usize];
                    den += t.weight;
                }
                [den, num]
            }
        };
        [sm[l], sc[l]] = membership_sums(&q.memberships[i], q.coherence);
    }
    // Every value in a local array of lanes (no two of them can overlap, so the loop below
    // takes them into vector registers), written back after.
    fn lanes<const M: usize, T: Copy>(v: &[T]) -> [T; M] {
        v.try_into().expect("a whole chunk")
    }
    let at = first..first + N;
    let (need, event) = (
        lanes::<N, _>(&q.need[at.clone()]),
        lanes::<N, _>(&q.event_step[at.clone()]),
    );
    let approach_base = lanes::<N, _>(&q.approach_base[at.clone()]);
    let regulation_base = lanes::<N, _>(&q.regulation_base[at]);
    let (mut lonely, mut year) = (lanes::<N, _>(out.lonely), lanes::<N, _>(out.year));
    let (mut approach, mut distress) = (lanes::<N, _>(out.approach), lanes::<N, _>(out.distress));
    let mut regulation = lanes::<N, _>(out.regulation);
    let mut parts = [[0.0f32; N]; 4];
    for l in 0..N {
        // Tie strength: the sum of the weights in list order (= den).
        let c = rule::components(k, den[l], sm[l], sc[l]);
        for (part, c) in parts.iter_mut().zip(c) {
            part[l] = c;
        }
        let gap = rule::gap(need[l], c[3]);
        // From the agent's own loneliness at the start of the phase (only it writes it).
        let lo = rule::loneliness_step(r, lonely[l], gap, num[l], den[l]);
        lonely[l] = lo;
        // Follow-up a year after the event (SIMIC and support-effect bookkeeping).
        let e = event[l];
        let follow_up = e != NEVER && q.t == e.saturating_add(FOLLOW_UP);
        year[l] = if follow_up { lo } else { year[l] };
        // Slow states: approach returns to its baseline and is pushed down by loneliness
        // (hypervigilance); distress is relieved by regulation and fed by loneliness;
        // regulation returns to its baseline.
        approach[l] = rule::approach_step(r, approach[l], approach_base[l], lo);
        distress[l] = rule::distress_step(r, distress[l], regulation[l], lo);
        regulation[l] = rule::regulation_step(r, regulation[l], regulation_base[l]);
    }
    for (dst, part) in out.parts.iter_mut().zip(&parts) {
        dst.copy_from_slice(part);
    }
    out.lonely.copy_from_slice(&lonely);
    out.year.copy_from_slice(&year);
    out.approach.copy_from_slice(&approach);
    out.distress.copy_from_slice(&distress);
    out.regulation.copy_from_slice(&regulation);
}

/// Room for the run (`reserve::reserve_for_run`): each group's climate.
pub fn reserve(world: &mut World, room: &super::reserve::Room) {
    world
        .scratch
        .climate
        .reserve(room.groups + room.more_groups);
}

/// Coherence of the groups that met, then every agent's components of belonging and its
/// loneliness and slow states, in one pass over the agents (in parallel: an agent reads its
/// own components and the loneliness of its ties' partners at the start of the pass).
pub fn run(w: &mut World, cfg: &Config) {
    run_at(w, cfg, Some(Level::detect()));
}

/// The process with `level`'s instructions, or (`None`) every agent alone, one at a time: the
/// reference the levels are tested against.
pub fn run_at(w: &mut World, cfg: &Config, level: Option<Level>) {
    update_coherence(w, cfg, false);
    let (k, r) = (
        Components::new(&cfg.scenario),
        BelongingRates::new(&cfg.scenario),
    );
    let coherence = &w.groups.coherence;
    let t = w.t;
    // The tie sums of this step's tie maintenance, if it left them and the ties have not
    // changed since (no process between changes anyone's loneliness: the same sums in the
    // same order as below).
    let sums = w.carry.fresh_tie_sums(t, &w.agents.ties);
    // Without them, the partners' loneliness at the start of the phase is needed: a copy.
    let mut before = std::mem::take(&mut w.scratch_loneliness);
    if sums.is_none() {
        before.copy_from_slice(&w.agents.loneliness);
    }
    let ag = &mut w.agents;
    let q = Rates {
        k,
        r,
        t,
        sums,
        before: &before,
        coherence,
        need: &ag.need,
        ties: &ag.ties,
        memberships: &ag.memberships,
        event_step: &ag.event_step,
        approach_base: &ag.approach_base,
        regulation_base: &ag.regulation_base,
    };
    (
        (
            ag.attachment.par_chunks_mut(LANES),
            ag.membership.par_chunks_mut(LANES),
            ag.collective.par_chunks_mut(LANES),
            ag.belonging.par_chunks_mut(LANES),
        ),
        ag.loneliness.par_chunks_mut(LANES),
        ag.loneliness_year.par_chunks_mut(LANES),
        ag.approach.par_chunks_mut(LANES),
        ag.distress.par_chunks_mut(LANES),
        ag.regulation.par_chunks_mut(LANES),
    )
        .into_par_iter()
        .enumerate()
        .with_min_len(PAR_MIN / LANES)
        .for_each(
            |(
                c,
                (
                    (attachment, membership, collective, belonging),
                    lonely,
                    year,
                    approach,
                    distress,
                    regulation,
                ),
            )| {
                let mut out = Out {
                    parts: [attachment, membership, collective, belonging],
                    lonely,
                    year,
                    approach,
                    distress,
                    regulation,
                };
                match level {
                    Some(level) => update_at(level, c * LANES, &mut out, &q),
                    None => {
                        for x in 0..out.lonely.len() {
                            update::<1>(c * LANES + x, &mut out.one(x), &q);
                        }
                    }
                }
            },
        );
    w.scratch_loneliness = before;
    if cfg.scenario.belonging.group_contagion > 0.0 {
        group_climate(w, &r);
    }
}

/// The pull of each group's climate (`rules::belonging::climate_step`): every agent that came
/// to meetings this week moves `group_contagion` of the way from its loneliness towards the
/// mean, over the meetings it came to, of each meeting's mean loneliness (all read before
/// anyone moves; groups and agents in order, so the same bits for any number of threads).
fn group_climate(w: &mut World, r: &BelongingRates) {
    let mut climate = std::mem::take(&mut w.scratch.climate);
    let lonely = &w.agents.loneliness;
    let attendees = &w.groups.attendees;
    let met = &w.groups.met;
    climate.clear();
    climate.resize(met.len(), f32::NAN);
    climate
        .par_iter_mut()
        .enumerate()
        .with_min_len(PAR_MIN / 8)
        .for_each(|(g, c)| {
            let room = &attendees[g];
            if met[g] && room.len() > 1 {
                let total: f32 = room.iter().map(|a| lonely[a.agent as usize]).sum();
                *c = total / room.len() as f32;
            }
        });
    let ag = &mut w.agents;
    (ag.loneliness.par_iter_mut(), ag.memberships.par_iter())
        .into_par_iter()
        .with_min_len(PAR_MIN)
        .for_each(|(l, list)| {
            let (mut sum, mut n) = (0.0f32, 0u32);
            for m in list.iter().filter(|m| m.came) {
                let c = climate[m.group as usize];
                if !c.is_nan() {
                    sum += c;
                    n += 1;
                }
            }
            if n > 0 {
                *l = rule::climate_step(r, *l, sum / n as f32);
            }
        });
    w.scratch.climate = climate;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::init;
    use crate::scenario::{resolve, Override, Source};

    /// Every level of instructions gives, bit for bit, what every agent alone gives: each
    /// component, loneliness (with its follow-up a year after an event) and slow state. With
    /// and without the tie sums tie maintenance leaves, over a year in which events strike.
    #[test]
    fn every_level_gives_each_agent_alone_bits() {
        // A population that is not a whole number of chunks of lanes.
        let o = [
            Override::parse("population.size=3003").unwrap(),
            Override::parse("events[0].hazard=0.01").unwrap(),
        ];
        let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
        let mut w = init::build(&cfg, 4);
        let mut follow_ups = 0;
        for week in 0..60 {
            crate::dynamics::step(&mut w, &cfg, 4);
            // The week's sums, as if tie maintenance had just left them for this step; every
            // other week none (the partners' loneliness read instead). (After the step the
            // world is a week on, so the sums it keeps would not count as this step's.)
            match week % 2 {
                0 => w.carry.stamp_tie_sums(w.t, &w.agents.ties),
                _ => w.carry.forget_tie_sums(),
            }
            let mut want = w.clone();
            run_at(&mut want, &cfg, None);
            follow_ups += (0..w.n())
                .filter(|&i| want.agents.loneliness_year[i] != w.agents.loneliness_year[i])
                .count();
            for level in Level::available() {
                let mut got = w.clone();
                run_at(&mut got, &cfg, Some(level));
                let (a, b) = (&got.agents, &want.agents);
                for (name, x, y) in [
                    ("attachment", &a.attachment, &b.attachment),
                    ("membership", &a.membership, &b.membership),
                    ("collective", &a.collective, &b.collective),
                    ("belonging", &a.belonging, &b.belonging),
                    ("loneliness", &a.loneliness, &b.loneliness),
                    ("loneliness_year", &a.loneliness_year, &b.loneliness_year),
                    ("approach", &a.approach, &b.approach),
                    ("distress", &a.distress, &b.distress),
                    ("regulation", &a.regulation, &b.regulation),
                ] {
                    for i in 0..w.n() {
                        assert_eq!(
                            x[i].to_bits(),
                            y[i].to_bits(),
                            "{name} of {i}, week {week}, {level:?}"
                        );
                    }
                }
            }
        }
        // The follow-up branch was taken.
        assert!(follow_ups > 0, "no follow-up recorded");
    }
}
