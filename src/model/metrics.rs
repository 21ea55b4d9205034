//! Per-step observables of a world: every output metric listed in docs/ODD.md.
//!
//! Means over an empty set (e.g. affected agents before any event) are NaN and are written
//! as empty CSV fields.

use super::World;
use crate::rules::belonging::is_lonely;
use crate::scenario::IdentityRule;

pub use crate::catalogue::{bounds, index_of, COUNT, M, NAMES};

/// One row of metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub values: [f64; COUNT],
}

impl Metrics {
    pub fn get(&self, m: M) -> f64 {
        self.values[m as usize]
    }
}

/// What an agent contributes to metric `m` (an index into [`NAMES`]), for effect sizes over
/// agents: whom the metric averages over, and the agent's own value. `None` for metrics that
/// are not a mean over agents (counts, group and network statistics).
pub fn agent_outcome(m: usize) -> Option<AgentOutcome> {
    use M::*;
    let all = [
        (loneliness_mean, Who::All, Value::Loneliness),
        (loneliness_prevalence, Who::All, Value::Lonely),
        (loneliness_mean_affected, Who::Affected, Value::Loneliness),
        (loneliness_prevalence_affected, Who::Affected, Value::Lonely),
        (
            loneliness_mean_unaffected,
            Who::Unaffected,
            Value::Loneliness,
        ),
        (
            loneliness_prevalence_unaffected,
            Who::Unaffected,
            Value::Lonely,
        ),
        (belonging_mean, Who::All, Value::Belonging),
        (attachment_mean, Who::All, Value::Attachment),
        (membership_mean, Who::All, Value::Membership),
        (collective_mean, Who::All, Value::Collective),
        (belonging_mean_affected, Who::Affected, Value::Belonging),
        (attachment_mean_affected, Who::Affected, Value::Attachment),
        (membership_mean_affected, Who::Affected, Value::Membership),
        (collective_mean_affected, Who::Affected, Value::Collective),
        (belonging_mean_unaffected, Who::Unaffected, Value::Belonging),
        (
            attachment_mean_unaffected,
            Who::Unaffected,
            Value::Attachment,
        ),
        (
            membership_mean_unaffected,
            Who::Unaffected,
            Value::Membership,
        ),
        (
            collective_mean_unaffected,
            Who::Unaffected,
            Value::Collective,
        ),
        (exclusion_mean, Who::All, Value::Exclusion),
        (groups_per_agent, Who::All, Value::Groups),
        (mean_degree, Who::All, Value::Degree),
        (approach_mean, Who::All, Value::Approach),
        (distress_mean, Who::All, Value::Distress),
        (regulation_mean, Who::All, Value::Regulation),
        (integration_mean_affected, Who::Affected, Value::Integration),
    ];
    all.iter()
        .find(|(metric, _, _)| *metric as usize == m)
        .map(|&(_, who, value)| AgentOutcome { who, value })
}

/// Whom a per-agent metric averages over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    All,
    /// Agents struck by a life event at some time.
    Affected,
    Unaffected,
}

/// The per-agent quantity a metric averages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Loneliness,
    /// 1 if lonely (loneliness above the threshold), else 0.
    Lonely,
    Belonging,
    Attachment,
    Membership,
    Collective,
    Exclusion,
    Groups,
    Degree,
    Approach,
    Distress,
    Regulation,
    Integration,
}

/// A metric's per-agent outcome ([`agent_outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentOutcome {
    pub who: Who,
    pub value: Value,
}

impl AgentOutcome {
    /// The outcomes of the agents the metric averages over, in agent order; their mean is
    /// the metric's value.
    pub fn of(&self, w: &World, threshold: f64) -> Vec<f64> {
        let a = &w.agents;
        (0..w.n())
            .filter(|&i| {
                let affected = a.event_step[i] != super::NEVER;
                match self.who {
                    Who::All => true,
                    Who::Affected => affected,
                    Who::Unaffected => !affected,
                }
            })
            .map(|i| match self.value {
                Value::Loneliness => a.loneliness[i] as f64,
                Value::Lonely => f64::from(u8::from(is_lonely(a.loneliness[i], threshold as f32))),
                Value::Belonging => a.belonging[i] as f64,
                Value::Attachment => a.attachment[i] as f64,
                Value::Membership => a.membership[i] as f64,
                Value::Collective => a.collective[i] as f64,
                Value::Exclusion => a.exclusion[i] as f64,
                Value::Groups => a.memberships[i].len() as f64,
                Value::Degree => a.ties[i].len() as f64,
                Value::Approach => a.approach[i] as f64,
                Value::Distress => a.distress[i] as f64,
                Value::Regulation => a.regulation[i] as f64,
                Value::Integration => a.integration[i] as f64,
            })
            .collect()
    }
}

#[derive(Default, Clone, Copy)]
struct Acc {
    n: f64,
    lonely_sum: f64,
    lonely_count: f64,
    b: f64,
    a: f64,
    m: f64,
    c: f64,
}

impl Acc {
    #[inline]
    fn add(&mut self, w: &World, i: usize, threshold: f32) {
        let ag = &w.agents;
        self.n += 1.0;
        self.lonely_sum += ag.loneliness[i] as f64;
        self.lonely_count += f64::from(u8::from(is_lonely(ag.loneliness[i], threshold)));
        self.b += ag.belonging[i] as f64;
        self.a += ag.attachment[i] as f64;
        self.m += ag.membership[i] as f64;
        self.c += ag.collective[i] as f64;
    }
    fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        self.lonely_sum += o.lonely_sum;
        self.lonely_count += o.lonely_count;
        self.b += o.b;
        self.a += o.a;
        self.m += o.m;
        self.c += o.c;
    }
    fn mean(&self, x: f64) -> f64 {
        if self.n > 0.0 {
            x / self.n
        } else {
            f64::NAN
        }
    }
}

/// The sums over agents behind the per-agent metrics, for one range of agents.
#[derive(Default, Clone, Copy)]
struct AgentSums {
    all: Acc,
    aff: Acc,
    un: Acc,
    active: f64,
    integration: f64,
    excl: f64,
    resigned: f64,
    degree: f64,
    wsum: f64,
    isolated: f64,
    memberships: f64,
    approach: f64,
    distress: f64,
    regulation: f64,
}

impl AgentSums {
    fn of(w: &World, range: std::ops::Range<usize>, th: f32) -> AgentSums {
        let ag = &w.agents;
        let mut s = AgentSums::default();
        for i in range {
            s.all.add(w, i, th);
            if ag.event_step[i] != super::NEVER {
                s.aff.add(w, i, th);
                s.integration += ag.integration[i] as f64;
            } else {
                s.un.add(w, i, th);
            }
            s.active += f64::from(u8::from(ag.condition_active[i]));
            s.excl += ag.exclusion[i] as f64;
            s.resigned += f64::from(u8::from(ag.resigned[i]));
            let d = ag.ties[i].len();
            s.degree += d as f64;
            s.isolated += f64::from(u8::from(d == 0));
            s.wsum += ag.ties[i].iter().map(|t| t.weight as f64).sum::<f64>();
            s.memberships += ag.memberships[i].len() as f64;
            s.approach += ag.approach[i] as f64;
            s.distress += ag.distress[i] as f64;
            s.regulation += ag.regulation[i] as f64;
        }
        s
    }

    fn merge(&mut self, o: &AgentSums) {
        self.all.merge(&o.all);
        self.aff.merge(&o.aff);
        self.un.merge(&o.un);
        for (x, y) in [
            (&mut self.active, o.active),
            (&mut self.integration, o.integration),
            (&mut self.excl, o.excl),
            (&mut self.resigned, o.resigned),
            (&mut self.degree, o.degree),
            (&mut self.wsum, o.wsum),
            (&mut self.isolated, o.isolated),
            (&mut self.memberships, o.memberships),
            (&mut self.approach, o.approach),
            (&mut self.distress, o.distress),
            (&mut self.regulation, o.regulation),
        ] {
            *x += y;
        }
    }

    /// Over every agent: in one pass in agent order up to [`SUM_CHUNK`] agents (so the sums
    /// of a population of that size or less are those of a plain loop); a larger population
    /// is summed in chunks of [`SUM_CHUNK`] agents on the threads of the current pool and
    /// the chunks' sums added in chunk order, the same bits for any thread count.
    fn over(w: &World, th: f32) -> AgentSums {
        use rayon::prelude::*;
        let n = w.n();
        if n <= SUM_CHUNK {
            return AgentSums::of(w, 0..n, th);
        }
        let parts: Vec<AgentSums> = (0..n.div_ceil(SUM_CHUNK))
            .into_par_iter()
            .map(|c| AgentSums::of(w, c * SUM_CHUNK..((c + 1) * SUM_CHUNK).min(n), th))
            .collect();
        let mut total = parts[0];
        for p in &parts[1..] {
            total.merge(p);
        }
        total
    }
}

/// Agents per chunk of the metrics' sums over agents ([`AgentSums::over`]).
pub const SUM_CHUNK: usize = 1 << 16;

/// Computes the metrics of the current step. Sums run in agent order, in chunks of
/// [`SUM_CHUNK`] agents added in order for larger populations (deterministic for any
/// thread count).
pub fn observe(w: &World, threshold: f64, cluster_tolerance: f64) -> Metrics {
    use M::*;
    let mut v = [f64::NAN; COUNT];
    let ag = &w.agents;
    let n = w.n();
    let th = threshold as f32;
    let AgentSums {
        all,
        aff,
        un,
        active,
        integration,
        excl,
        resigned: n_resigned,
        degree,
        wsum,
        isolated: n_isolated,
        memberships,
        approach,
        distress,
        regulation,
    } = AgentSums::over(w, th);
    for (acc, cols) in [
        (
            &all,
            [
                loneliness_mean,
                loneliness_prevalence,
                belonging_mean,
                attachment_mean,
                membership_mean,
                collective_mean,
            ],
        ),
        (
            &aff,
            [
                loneliness_mean_affected,
                loneliness_prevalence_affected,
                belonging_mean_affected,
                attachment_mean_affected,
                membership_mean_affected,
                collective_mean_affected,
            ],
        ),
        (
            &un,
            [
                loneliness_mean_unaffected,
                loneliness_prevalence_unaffected,
                belonging_mean_unaffected,
                attachment_mean_unaffected,
                membership_mean_unaffected,
                collective_mean_unaffected,
            ],
        ),
    ] {
        v[cols[0] as usize] = acc.mean(acc.lonely_sum);
        v[cols[1] as usize] = acc.mean(acc.lonely_count);
        v[cols[2] as usize] = acc.mean(acc.b);
        v[cols[3] as usize] = acc.mean(acc.a);
        v[cols[4] as usize] = acc.mean(acc.m);
        v[cols[5] as usize] = acc.mean(acc.c);
    }
    let nf = n as f64;
    v[affected as usize] = aff.n;
    v[active_conditions as usize] = active;
    v[integration_mean_affected as usize] = aff.mean(integration);
    v[exclusion_mean as usize] = excl / nf;
    v[resigned as usize] = n_resigned;
    v[ties as usize] = degree / 2.0;
    v[mean_degree as usize] = degree / nf;
    v[mean_tie_weight as usize] = if degree > 0.0 {
        wsum / degree
    } else {
        f64::NAN
    };
    v[isolated as usize] = n_isolated;
    v[groups_per_agent as usize] = memberships / nf;
    v[approach_mean as usize] = approach / nf;
    v[distress_mean as usize] = distress / nf;
    v[regulation_mean as usize] = regulation / nf;

    let c = &w.counts;
    v[new_events as usize] = c.new_events as f64;
    v[support_joins as usize] = c.support_joins as f64;
    v[support_dropouts as usize] = c.support_dropouts as f64;
    v[support_graduations as usize] = c.support_graduations as f64;
    v[support_founded as usize] = c.support_founded as f64;
    v[support_dissolved as usize] = c.support_dissolved as f64;
    v[exclusions as usize] = c.exclusions as f64;
    v[group_joins as usize] = c.group_joins as f64;
    v[group_leaves as usize] = c.group_leaves as f64;

    let (mut groups, mut members, mut ident, mut ident_n, mut coh) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for g in 0..w.n_groups() {
        // Standing groups with no members yet are not counted (they have no prototype
        // coherence and are left out of prototypes.csv too).
        if !(w.is_support(g) && w.groups.active[g])
            || w.groups.members[g].is_empty()
            || w.is_programme(g)
        {
            continue;
        }
        groups += 1.0;
        members += w.groups.members[g].len() as f64;
        coh += w.groups.coherence[g] as f64;
        for &i in &w.groups.members[g] {
            if let Some(k) = w.membership_index(i as usize, g) {
                ident += ag.memberships[i as usize][k].ident as f64;
                ident_n += 1.0;
            }
        }
    }
    v[support_groups as usize] = groups;
    v[support_members as usize] = members;
    v[support_mean_size as usize] = if groups > 0.0 {
        members / groups
    } else {
        f64::NAN
    };
    v[support_identification as usize] = if ident_n > 0.0 {
        ident / ident_n
    } else {
        f64::NAN
    };
    v[support_coherence as usize] = if groups > 0.0 { coh / groups } else { f64::NAN };
    v[support_waiting as usize] = w.waiting.iter().map(|l| l.len()).sum::<usize>() as f64;

    let (div, clusters, largest) = match w.rule {
        IdentityRule::Prototype => identity_structure(w, cluster_tolerance),
        IdentityRule::BoundedConfidence => opinion_clusters(w, cluster_tolerance),
        IdentityRule::Axelrod => cultural_regions(w),
    };
    v[identity_diversity as usize] = div;
    v[identity_clusters as usize] = clusters;
    v[largest_cluster_share as usize] = largest;
    Metrics { values: v }
}

/// Identity diversity (root mean squared distance to the mean position), the number of major
/// identity clusters and the share of agents in the largest.
///
/// Identity space is cut into cells of side `tol`; a cluster is a connected set of occupied
/// cells (face-adjacent). Clusters holding fewer than max(2, 1% of agents) agents are not
/// counted as major clusters.
pub fn identity_structure(w: &World, tol: f64) -> (f64, f64, f64) {
    let n = w.n();
    let d = w.dims;
    if n == 0 {
        return (f64::NAN, 0.0, f64::NAN);
    }
    let x = &w.agents.identity;
    let mut mean = vec![0.0f64; d];
    for i in 0..n {
        for k in 0..d {
            mean[k] += x[i * d + k] as f64;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    let mut ss = 0.0;
    for i in 0..n {
        for k in 0..d {
            let e = x[i * d + k] as f64 - mean[k];
            ss += e * e;
        }
    }
    let diversity = (ss / n as f64).sqrt();

    let cells_per_dim = (1.0 / tol).ceil().max(1.0) as u128;
    // Keys fit in u64 for the usual grids; u64 arithmetic and float conversion are native,
    // their u128 versions are library calls.
    let narrow = cells_per_dim
        .checked_pow(d as u32)
        .is_some_and(|g| g <= u64::MAX as u128);
    let key_of = |i: usize| -> u128 {
        if narrow {
            let per = cells_per_dim as u64;
            (0..d).fold(0u64, |acc, k| {
                acc * per + ((x[i * d + k] as f64 / tol) as u64).min(per - 1)
            }) as u128
        } else {
            (0..d).fold(0u128, |acc, k| {
                acc.saturating_mul(cells_per_dim)
                    .saturating_add(((x[i * d + k] as f64 / tol) as u128).min(cells_per_dim - 1))
            })
        }
    };
    // Occupied cells (sorted by key) with their agent counts: by a dense count when the grid
    // is small, else by sorting the agents' keys.
    let mut cells: Vec<(u128, usize)> = Vec::new();
    let grid = cells_per_dim
        .checked_pow(d as u32)
        .filter(|&g| g <= 4 * n as u128 + 4096);
    if let Some(g) = grid {
        let mut counts = vec![0usize; g as usize];
        for i in 0..n {
            counts[key_of(i) as usize] += 1;
        }
        cells.extend(
            counts
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(|(k, &c)| (k as u128, c)),
        );
    } else {
        let mut keys: Vec<u128> = (0..n).map(key_of).collect();
        keys.sort_unstable();
        for k in keys {
            match cells.last_mut() {
                Some((c, cnt)) if *c == k => *cnt += 1,
                _ => cells.push((k, 1)),
            }
        }
    }
    let mut parent: Vec<usize> = (0..cells.len()).collect();
    fn find(p: &mut [usize], mut a: usize) -> usize {
        while p[a] != a {
            p[a] = p[p[a]];
            a = p[a];
        }
        a
    }
    for (ci, &(key, _)) in cells.iter().enumerate() {
        // Face neighbours in the + direction of each dimension.
        let mut stride = 1u128;
        for _ in 0..d {
            let coord = if narrow {
                ((key as u64 / stride as u64) % cells_per_dim as u64) as u128
            } else {
                (key / stride) % cells_per_dim
            };
            if coord + 1 < cells_per_dim {
                let nk = key + stride;
                if let Ok(cj) = cells.binary_search_by(|(c, _)| c.cmp(&nk)) {
                    let (a, b) = (find(&mut parent, ci), find(&mut parent, cj));
                    if a != b {
                        parent[a] = b;
                    }
                }
            }
            stride = stride.saturating_mul(cells_per_dim);
        }
    }
    let mut sizes = vec![0usize; cells.len()];
    for ci in 0..cells.len() {
        let r = find(&mut parent, ci);
        sizes[r] += cells[ci].1;
    }
    let min_size = ((n as f64 * 0.01).ceil() as usize).max(2);
    let major = sizes.iter().filter(|&&s| s >= min_size).count();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    (diversity, major as f64, largest as f64 / n as f64)
}

/// Smallest cluster counted as a major cluster: max(2, 1% of the agents).
fn major_size(n: usize) -> usize {
    ((n as f64 * 0.01).ceil() as usize).max(2)
}

fn find(p: &mut [usize], mut a: usize) -> usize {
    while p[a] != a {
        p[a] = p[p[a]];
        a = p[a];
    }
    a
}

fn union(p: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(p, a), find(p, b));
    if a != b {
        p[a.max(b)] = a.min(b);
    }
}

/// Sizes of the union-find components (indexed by root; 0 elsewhere).
fn component_sizes(p: &mut [usize]) -> Vec<usize> {
    let mut sizes = vec![0usize; p.len()];
    for i in 0..p.len() {
        let r = find(p, i);
        sizes[r] += 1;
    }
    sizes
}

/// Bounded confidence: identity diversity as for the prototype rule; opinion clusters by
/// single linkage — agents closer than `tol` (Euclidean) are linked, a cluster is a connected
/// set — counting major clusters (at least max(2, 1% of the agents)); and the share of agents
/// in the largest cluster. Exact (no grid): agents are swept in order of their first
/// coordinate and compared only with those less than `tol` further along it.
pub fn opinion_clusters(w: &World, tol: f64) -> (f64, f64, f64) {
    let n = w.n();
    if n == 0 {
        return (f64::NAN, 0.0, f64::NAN);
    }
    let (diversity, _, _) = identity_structure(w, tol);
    let d = w.dims;
    let x = &w.agents.identity;
    let tol = tol as f32;
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by(|&a, &b| {
        x[a as usize * d]
            .total_cmp(&x[b as usize * d])
            .then(a.cmp(&b))
    });
    let mut parent: Vec<usize> = (0..n).collect();
    for (k, &a) in order.iter().enumerate() {
        let a = a as usize;
        for &b in &order[k + 1..] {
            let b = b as usize;
            if x[b * d] - x[a * d] >= tol {
                break;
            }
            if super::distance(w.identity_of(a), w.identity_of(b)) < tol {
                union(&mut parent, a, b);
            }
        }
    }
    let sizes = component_sizes(&mut parent);
    let major = sizes.iter().filter(|&&s| s >= major_size(n)).count();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    (diversity, major as f64, largest as f64 / n as f64)
}

/// Axelrod: cultural diversity = number of distinct cultures / N; stable cultural regions =
/// connected sets of agents (linked by pairs in scope: ties, or co-membership of a group)
/// with identical cultures, counting ALL regions, singletons included, as Axelrod (1997) did;
/// and the share of agents in the largest region.
pub fn cultural_regions(w: &World) -> (f64, f64, f64) {
    let n = w.n();
    let f = w.features;
    if n == 0 || f == 0 {
        return (f64::NAN, 0.0, f64::NAN);
    }
    let c = &w.agents.culture;
    // Up to 8 features, each culture as one number (the same culture, the same number), so
    // sorting and comparing them is sorting and comparing words.
    let keys: Vec<u64> = if f <= 8 {
        c.chunks_exact(f)
            .map(|x| x.iter().fold(0u64, |k, &t| k << 8 | u64::from(t)))
            .collect()
    } else {
        Vec::new()
    };
    let distinct = if f <= 8 {
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        sorted.len()
    } else {
        let mut cultures: Vec<&[u8]> = c.chunks_exact(f).collect();
        cultures.sort_unstable();
        cultures.dedup();
        cultures.len()
    };
    let diversity = distinct as f64 / n as f64;
    let mut parent: Vec<usize> = (0..n).collect();
    w.for_each_scope_pair(|i, j| {
        let same = if f <= 8 {
            keys[i] == keys[j]
        } else {
            c[i * f..(i + 1) * f] == c[j * f..(j + 1) * f]
        };
        if same {
            union(&mut parent, i, j);
        }
        true
    });
    let sizes = component_sizes(&mut parent);
    let regions = sizes.iter().filter(|&&s| s > 0).count();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    (diversity, regions as f64, largest as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cultures of up to 8 features are compared as numbers, longer ones byte by byte: both
    /// give the same regions. The same lattice with every culture written twice (10
    /// features) has the same distinct cultures and the same regions as with 5.
    #[test]
    fn cultural_regions_agree_for_short_and_long_cultures() {
        use crate::scenario::{resolve, Override, Source};
        let o = [Override::parse("population.size=100").unwrap()];
        let cfg = resolve(&Source::Builtin("axelrod".into()), &o).unwrap();
        let mut w = crate::dynamics::init::build(&cfg, 7);
        for _ in 0..300 {
            crate::dynamics::step(&mut w, &cfg, 7);
        }
        let short = cultural_regions(&w);
        assert!(
            short.1 > 1.0 && short.1 < 100.0,
            "some regions merged: {short:?}"
        );
        let f = w.features;
        let doubled: Vec<u8> = w
            .agents
            .culture
            .chunks_exact(f)
            .flat_map(|x| x.iter().chain(x).copied())
            .collect();
        w.agents.culture = doubled;
        w.features = 2 * f;
        assert_eq!(cultural_regions(&w), short);
    }

    /// Every per-agent outcome averages to its metric (the agent-level effect size of
    /// `compare` is about the same quantity as the metric), and every metric of a run stays
    /// inside its bounds (which keep the intervals of summary.csv in range).
    #[test]
    fn agent_outcomes_average_to_their_metrics_and_metrics_stay_in_bounds() {
        use crate::scenario::{resolve, Override, Source};
        let o = [
            Override::parse("population.size=400").unwrap(),
            Override::parse("events[0].hazard=0.01").unwrap(),
        ];
        let cfg = resolve(&Source::Builtin("classroom".into()), &o).unwrap();
        let th = cfg.scenario.belonging.threshold;
        let mut w = crate::dynamics::init::build(&cfg, 3);
        let mut checked = [0usize; COUNT];
        for step in 0..80 {
            crate::dynamics::step(&mut w, &cfg, 3);
            let m = observe(&w, th, cfg.scenario.identity.cluster_tolerance);
            for (k, name) in NAMES.iter().enumerate() {
                let v = m.values[k];
                let b = bounds(k);
                assert!(
                    v.is_nan() || (b.clamp(v) == v),
                    "step {step}: {name} = {v} outside {b:?}"
                );
                if let Some(out) = agent_outcome(k) {
                    let xs = out.of(&w, th);
                    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                    if xs.is_empty() {
                        assert!(v.is_nan(), "{name}: no agents but {v}");
                    } else {
                        // The metric sums in f64 from f32 values; so does the outcome.
                        assert!((mean - v).abs() < 1e-9, "{name}: {mean} vs {v}");
                        checked[k] += 1;
                    }
                }
            }
        }
        for (k, name) in NAMES.iter().enumerate() {
            if agent_outcome(k).is_some() {
                assert!(checked[k] >= 20, "{name} checked only {} times", checked[k]);
            }
        }
    }
}
