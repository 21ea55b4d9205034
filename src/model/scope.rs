//! The classic rules' scope: the pairs of agents that may interact (each tie, or every two
//! co-members of a group), walked whole or from a given owner on.

use super::*;
use crate::scenario::Scope;

impl World {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
