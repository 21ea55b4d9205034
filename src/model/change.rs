//! Changing a world: ties and memberships kept consistent in both directions, groups
//! founded and dissolved, agents renumbered. Every change of a tie goes through the ties'
//! lists, whose edit count makes derived sums stale (`Carry::fresh_tie_sums`).

use super::*;

impl World {
    /// Position of tie (i, j) in i's list.
    #[inline]
    pub fn tie_index(&self, i: usize, j: u32) -> Option<usize> {
        find_tie(&self.agents.ties[i], j)
    }

    /// Sets (creating if needed) tie (i, j) to `weight`, marked seen at `seen`, on both sides.
    pub fn set_tie(&mut self, i: usize, j: usize, weight: f32, seen: u32) {
        debug_assert!(i != j);
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
