//! Classic network generators (`network.generator`): lattice, complete graph, Erdős–Rényi,
//! Watts–Strogatz and Barabási–Albert. Each returns an undirected edge list (i < j, no
//! duplicates, no self-ties, sorted), deterministic in the random stream it is given; `apply`
//! turns it into ties of one weight. The `Groups` generator (ties inside groups plus random
//! acquaintances) lives in `dynamics/init.rs`.

use super::World;
use crate::rng::{below, Rng};
use crate::scenario::{Generator, Neighbourhood, Network};
use rand::RngExt;

/// An undirected edge (i < j).
pub type Edge = (u32, u32);

/// The edges of the classic generator `nw.generator` over `n` agents (empty for `Groups`).
pub fn generate(nw: &Network, n: usize, rng: &mut Rng) -> Vec<Edge> {
    match nw.generator {
        Generator::Groups => Vec::new(),
        Generator::Lattice => lattice(
            nw.width as usize,
            nw.height as usize,
            nw.neighbourhood,
            nw.torus,
        ),
        Generator::Complete => complete(n),
        Generator::ErdosRenyi => erdos_renyi(n, nw.mean_degree, rng),
        Generator::WattsStrogatz => watts_strogatz(n, nw.k as usize, nw.rewire, rng),
        Generator::BarabasiAlbert => barabasi_albert(n, nw.m as usize, rng),
    }
}

/// Sorts and removes duplicates (and self-ties), normalising each edge to i < j.
fn normalise(mut edges: Vec<Edge>) -> Vec<Edge> {
    for e in edges.iter_mut() {
        if e.0 > e.1 {
            *e = (e.1, e.0);
        }
    }
    edges.retain(|e| e.0 != e.1);
    edges.sort_unstable();
    edges.dedup();
    edges
}

/// A width × height grid; agent (x, y) is index y·width + x. Von Neumann: the 4 orthogonal
/// neighbours; Moore: also the 4 diagonal ones. Without a torus, agents at edges and corners
/// have fewer neighbours; with a torus, coordinates wrap (on grids narrower than 3 a wrapped
/// neighbour may coincide with another and is counted once).
pub fn lattice(width: usize, height: usize, hood: Neighbourhood, torus: bool) -> Vec<Edge> {
    let offsets: &[(i64, i64)] = match hood {
        Neighbourhood::VonNeumann => &[(1, 0), (0, 1)],
        Neighbourhood::Moore => &[(1, 0), (0, 1), (1, 1), (1, -1)],
    };
    let (w, h) = (width as i64, height as i64);
    let mut edges = Vec::with_capacity(width * height * offsets.len());
    for y in 0..h {
        for x in 0..w {
            for &(dx, dy) in offsets {
                let (mut nx, mut ny) = (x + dx, y + dy);
                if torus {
                    nx = nx.rem_euclid(w);
                    ny = ny.rem_euclid(h);
                } else if nx < 0 || nx >= w || ny < 0 || ny >= h {
                    continue;
                }
                edges.push(((y * w + x) as u32, (ny * w + nx) as u32));
            }
        }
    }
    normalise(edges)
}

/// Everyone tied to everyone: N(N-1)/2 ties.
pub fn complete(n: usize) -> Vec<Edge> {
    let mut edges = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for i in 0..n as u32 {
        for j in i + 1..n as u32 {
            edges.push((i, j));
        }
    }
    edges
}

/// G(N, p) with p = mean_degree / (N - 1): each pair independently. Pairs are enumerated by
/// geometric skips (Batagelj & Brandes 2005), so the cost is O(N + ties).
pub fn erdos_renyi(n: usize, mean_degree: f64, rng: &mut Rng) -> Vec<Edge> {
    if n < 2 {
        return Vec::new();
    }
    let p = (mean_degree / (n - 1) as f64).clamp(0.0, 1.0);
    if p <= 0.0 {
        return Vec::new();
    }
    if p >= 1.0 {
        return complete(n);
    }
    let lq = (1.0 - p).ln();
    let mut edges = Vec::new();
    // Pairs (v, w) with w < v in lexicographic order; skip a geometric number of pairs.
    let (mut v, mut w): (usize, i64) = (1, -1);
    while v < n {
        let r: f64 = rng.random();
        w += 1 + ((1.0 - r).ln() / lq).floor() as i64;
        while w >= v as i64 && v < n {
            w -= v as i64;
            v += 1;
        }
        if v < n {
            edges.push((w as u32, v as u32));
        }
    }
    edges.sort_unstable();
    edges
}

/// Watts & Strogatz (1998): a ring where each agent is tied to its k/2 nearest neighbours on
/// each side; then each tie (i, i + s) is rewired with probability beta to (i, random agent),
/// avoiding self-ties and duplicates (a tie that cannot be rewired stays). N·k/2 ties.
pub fn watts_strogatz(n: usize, k: usize, beta: f64, rng: &mut Rng) -> Vec<Edge> {
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    let link = |adj: &mut Vec<Vec<u32>>, a: usize, b: usize| {
        adj[a].push(b as u32);
        adj[b].push(a as u32);
    };
    for i in 0..n {
        for s in 1..=k / 2 {
            link(&mut adj, i, (i + s) % n);
        }
    }
    if beta > 0.0 {
        for s in 1..=k / 2 {
            for i in 0..n {
                if !rng.random_bool(beta) {
                    continue;
                }
                let old = (i + s) % n;
                if !adj[i].contains(&(old as u32)) {
                    continue; // already rewired away by the other end
                }
                if adj[i].len() >= n - 1 {
                    continue; // tied to everyone: nowhere to go
                }
                let new = loop {
                    let c = below(rng, n);
                    if c != i && !adj[i].contains(&(c as u32)) {
                        break c;
                    }
                };
                adj[i].retain(|&x| x != old as u32);
                adj[old].retain(|&x| x != i as u32);
                link(&mut adj, i, new);
            }
        }
    }
    let mut edges = Vec::with_capacity(n * k / 2);
    for (i, list) in adj.iter().enumerate() {
        edges.extend(
            list.iter()
                .filter(|&&j| j as usize > i)
                .map(|&j| (i as u32, j)),
        );
    }
    edges.sort_unstable();
    edges
}

/// Barabási & Albert (1999): a complete graph of m + 1 agents, then each further agent ties
/// to m distinct earlier agents chosen with probability proportional to their degree. Ties:
/// m(m+1)/2 + m(N - m - 1).
pub fn barabasi_albert(n: usize, m: usize, rng: &mut Rng) -> Vec<Edge> {
    let seed = (m + 1).min(n);
    let mut edges = complete(seed);
    // Each tie's two ends: a uniform draw from this list is degree-proportional.
    let mut ends: Vec<u32> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut chosen: Vec<u32> = Vec::with_capacity(m);
    for v in seed..n {
        chosen.clear();
        while chosen.len() < m {
            let c = ends[below(rng, ends.len())];
            if !chosen.contains(&c) {
                chosen.push(c);
            }
        }
        for &c in &chosen {
            edges.push((c, v as u32));
            ends.push(c);
            ends.push(v as u32);
        }
    }
    normalise(edges)
}

/// Adds the edges to the world as ties of `weight` (keeping the larger weight where a tie
/// already exists).
pub fn apply(world: &mut World, edges: &[Edge], weight: f32) {
    let empty = world.agents.ties.iter().all(<[_]>::is_empty);
    for &(i, j) in edges {
        let (i, j) = (i as usize, j as usize);
        if empty {
            // Edges are unique: push both sides directly (no list scans).
            for (a, b) in [(i, j), (j, i)] {
                world.agents.ties.push(
                    a,
                    super::Tie {
                        other: b as u32,
                        weight,
                        seen: 0,
                    },
                );
            }
        } else {
            let prev = world
                .tie_index(i, j as u32)
                .map_or(0.0, |k| world.agents.ties[i][k].weight);
            world.set_tie(i, j, prev.max(weight), 0);
        }
    }
}

/// Degree of every agent.
pub fn degrees(n: usize, edges: &[Edge]) -> Vec<usize> {
    let mut d = vec![0; n];
    for &(a, b) in edges {
        d[a as usize] += 1;
        d[b as usize] += 1;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Phase};

    fn well_formed(n: usize, edges: &[Edge]) {
        for w in edges.windows(2) {
            assert!(w[0] < w[1], "sorted and unique: {w:?}");
        }
        for &(a, b) in edges {
            assert!(a < b && (b as usize) < n, "edge ({a}, {b})");
        }
    }

    #[test]
    fn lattice_von_neumann_without_torus() {
        let e = lattice(10, 10, Neighbourhood::VonNeumann, false);
        well_formed(100, &e);
        assert_eq!(e.len(), 2 * 10 * 9);
        let d = degrees(100, &e);
        assert_eq!(d[0], 2, "corner");
        assert_eq!(d[99], 2, "corner");
        assert_eq!(d[5], 3, "edge");
        assert_eq!(d[10], 3, "edge");
        assert_eq!(d[55], 4, "interior");
        assert_eq!(d.iter().filter(|&&x| x == 2).count(), 4);
        assert_eq!(d.iter().filter(|&&x| x == 3).count(), 32);
        assert!(e.contains(&(0, 1)) && e.contains(&(0, 10)) && !e.contains(&(0, 11)));
    }

    #[test]
    fn lattice_moore_and_torus() {
        let e = lattice(5, 4, Neighbourhood::Moore, false);
        well_formed(20, &e);
        let d = degrees(20, &e);
        assert_eq!(d[0], 3, "corner");
        assert_eq!(d[2], 5, "edge");
        assert_eq!(d[6], 8, "interior");
        let t = lattice(5, 4, Neighbourhood::Moore, true);
        assert!(degrees(20, &t).iter().all(|&x| x == 8));
        assert_eq!(t.len(), 20 * 4);
        let t = lattice(6, 7, Neighbourhood::VonNeumann, true);
        assert!(degrees(42, &t).iter().all(|&x| x == 4));
        assert!(t.contains(&(0, 5)) && t.contains(&(0, 36)), "wraps around");
    }

    #[test]
    fn complete_graph() {
        let e = complete(30);
        well_formed(30, &e);
        assert_eq!(e.len(), 30 * 29 / 2);
        assert!(degrees(30, &e).iter().all(|&x| x == 29));
    }

    #[test]
    fn erdos_renyi_mean_degree() {
        let n = 2000;
        let e = erdos_renyi(n, 6.0, &mut stream(3, 0, Phase::Init));
        well_formed(n, &e);
        // Ties ~ Binomial(N(N-1)/2, p): mean N·k/2 = 6000, sd = sqrt(6000 (1 - p)) = 77.4;
        // the mean degree 2·ties/N has sd 0.077; tolerance 4 sd.
        let mean = 2.0 * e.len() as f64 / n as f64;
        let p = 6.0 / (n - 1) as f64;
        let sd = 2.0 * ((n * (n - 1) / 2) as f64 * p * (1.0 - p)).sqrt() / n as f64;
        assert!((mean - 6.0).abs() < 4.0 * sd, "mean degree {mean}, sd {sd}");
        // Deterministic in the stream.
        assert_eq!(e, erdos_renyi(n, 6.0, &mut stream(3, 0, Phase::Init)));
        assert_eq!(
            erdos_renyi(50, 49.0, &mut stream(3, 0, Phase::Init)).len(),
            1225
        );
        assert!(erdos_renyi(50, 0.0, &mut stream(3, 0, Phase::Init)).is_empty());
    }

    #[test]
    fn watts_strogatz_ring_and_rewiring() {
        let n = 200;
        let ring = watts_strogatz(n, 6, 0.0, &mut stream(4, 0, Phase::Init));
        well_formed(n, &ring);
        assert_eq!(ring.len(), n * 3);
        assert!(degrees(n, &ring).iter().all(|&x| x == 6));
        for i in 0..n as u32 {
            for s in 1..=3u32 {
                let j = (i + s) % n as u32;
                assert!(ring.contains(&(i.min(j), i.max(j))));
            }
        }
        let rewired = watts_strogatz(n, 6, 0.3, &mut stream(4, 0, Phase::Init));
        well_formed(n, &rewired);
        assert_eq!(rewired.len(), n * 3, "rewiring keeps the number of ties");
        let moved = rewired.iter().filter(|e| !ring.contains(e)).count() as f64;
        // About beta of the ties move: 180 expected; binomial sd 11.2, wide margin.
        assert!((moved - 180.0).abs() < 60.0, "{moved} ties rewired");
    }

    #[test]
    fn barabasi_albert_counts_and_hubs() {
        let (n, m) = (1000, 3);
        let e = barabasi_albert(n, m, &mut stream(5, 0, Phase::Init));
        well_formed(n, &e);
        assert_eq!(e.len(), m * (m + 1) / 2 + m * (n - m - 1));
        let d = degrees(n, &e);
        assert!(d.iter().all(|&x| x >= m), "every agent has at least m ties");
        // Preferential attachment grows hubs far above the mean degree (about 2m).
        assert!(*d.iter().max().unwrap() > 8 * m, "{:?}", d.iter().max());
    }
}
