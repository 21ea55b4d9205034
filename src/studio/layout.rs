//! Where each person is drawn: a force layout over ties and groups, computed once when a
//! town is set up and then eased a little each week, so that people keep their places and
//! drift only as their ties and groups change (a person who joins a support group moves,
//! over weeks, towards its other members).
//!
//! Forces (Fruchterman–Reingold style, on the unit square): springs along ties (stronger
//! for stronger ties), a pull of each member towards the centre of each of its groups (support
//! groups pull hardest: a new place of belonging), a short-range push between people closer
//! than the ideal spacing (found through a grid, so a week costs O(people)), and a weak pull
//! to the middle. Deterministic: plain sequential loops, no randomness after the start.

/// The graph a layout follows: ties (a, b, weight) and groups (pull, members).
#[derive(Debug, Default, Clone)]
pub struct Graph {
    pub ties: Vec<(u32, u32, f32)>,
    pub groups: Vec<(f32, Vec<u32>)>,
}

/// Positions of n people in [0, 1]².
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub x: Vec<f32>,
    pub y: Vec<f32>,
}

/// Margin kept free at the edges of the square.
const MARGIN: f32 = 0.02;

impl Layout {
    /// A start on a sunflower spiral (evenly spread, no randomness), then `iterations` of
    /// cooling moves.
    pub fn new(n: usize, graph: &Graph, iterations: usize) -> Layout {
        let golden = std::f32::consts::PI * (3.0 - 5f32.sqrt());
        let mut x = Vec::with_capacity(n);
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let r = 0.46 * ((i as f32 + 0.5) / n.max(1) as f32).sqrt();
            let a = i as f32 * golden;
            x.push(0.5 + r * a.cos());
            y.push(0.5 + r * a.sin());
        }
        let mut l = Layout { x, y };
        let k = l.spacing();
        for it in 0..iterations {
            // Cooling: large moves first, small at the end.
            let temp = k * 3.0 * (1.0 - it as f32 / iterations as f32) + k * 0.05;
            l.iterate(graph, temp);
        }
        l
    }

    pub fn n(&self) -> usize {
        self.x.len()
    }

    /// The ideal spacing of n people on the unit square.
    fn spacing(&self) -> f32 {
        (0.8 / self.n().max(1) as f32).sqrt()
    }

    /// Eases the layout towards the graph's current shape: a few small moves.
    pub fn ease(&mut self, graph: &Graph, iterations: usize) {
        let k = self.spacing();
        for _ in 0..iterations {
            self.iterate(graph, k * 0.08);
        }
    }

    /// One move of every person, each by at most `temp`.
    fn iterate(&mut self, graph: &Graph, temp: f32) {
        let n = self.n();
        if n == 0 {
            return;
        }
        let k = self.spacing();
        let mut dx = vec![0.0f32; n];
        let mut dy = vec![0.0f32; n];
        // Springs along ties, rest length k.
        for &(a, b, w) in &graph.ties {
            let (a, b) = (a as usize, b as usize);
            if a >= n || b >= n {
                continue;
            }
            let ex = self.x[b] - self.x[a];
            let ey = self.y[b] - self.y[a];
            let d = (ex * ex + ey * ey).sqrt().max(1e-6);
            let f = 0.1 * w * (d - k) / d;
            dx[a] += f * ex;
            dy[a] += f * ey;
            dx[b] -= f * ex;
            dy[b] -= f * ey;
        }
        // Each member towards its group's centre.
        for (pull, members) in &graph.groups {
            if members.len() < 2 {
                continue;
            }
            let (mut cx, mut cy) = (0.0f32, 0.0f32);
            for &m in members {
                cx += self.x[m as usize];
                cy += self.y[m as usize];
            }
            cx /= members.len() as f32;
            cy /= members.len() as f32;
            for &m in members {
                let m = m as usize;
                dx[m] += pull * 0.05 * (cx - self.x[m]);
                dy[m] += pull * 0.05 * (cy - self.y[m]);
            }
        }
        // Short-range push between people closer than 2.5 k, through a grid of cells of that side.
        let r = 2.5 * k;
        let side = ((1.0 / r).floor() as usize).clamp(1, 4096);
        let cell = |v: f32| ((v * side as f32) as usize).min(side - 1);
        let mut count = vec![0u32; side * side + 1];
        for i in 0..n {
            count[cell(self.y[i]) * side + cell(self.x[i]) + 1] += 1;
        }
        for c in 1..count.len() {
            count[c] += count[c - 1];
        }
        let mut order = vec![0u32; n];
        let mut fill = count.clone();
        for i in 0..n {
            let c = cell(self.y[i]) * side + cell(self.x[i]);
            order[fill[c] as usize] = i as u32;
            fill[c] += 1;
        }
        for i in 0..n {
            let (cx, cy) = (cell(self.x[i]), cell(self.y[i]));
            for yy in cy.saturating_sub(1)..=(cy + 1).min(side - 1) {
                for xx in cx.saturating_sub(1)..=(cx + 1).min(side - 1) {
                    let c = yy * side + xx;
                    for &j in &order[count[c] as usize..count[c + 1] as usize] {
                        let j = j as usize;
                        if j == i {
                            continue;
                        }
                        let ex = self.x[i] - self.x[j];
                        let ey = self.y[i] - self.y[j];
                        let d2 = ex * ex + ey * ey;
                        if d2 >= r * r {
                            continue;
                        }
                        let d = d2.sqrt();
                        if d < 1e-6 {
                            // Two people on one spot: part them along a fixed direction.
                            let s = if i < j { 1.0 } else { -1.0 };
                            dx[i] += s * 0.1 * k;
                            continue;
                        }
                        let f = 0.5 * (r - d) / d;
                        dx[i] += f * ex;
                        dy[i] += f * ey;
                    }
                }
            }
        }
        // A weak pull to the middle, then moves of at most `temp`.
        for i in 0..n {
            let mut mx = dx[i] + 0.004 * (0.5 - self.x[i]);
            let mut my = dy[i] + 0.004 * (0.5 - self.y[i]);
            let len = (mx * mx + my * my).sqrt();
            if len > temp {
                mx *= temp / len;
                my *= temp / len;
            }
            if mx.is_finite() && my.is_finite() {
                self.x[i] = (self.x[i] + mx).clamp(MARGIN, 1.0 - MARGIN);
                self.y[i] = (self.y[i] + my).clamp(MARGIN, 1.0 - MARGIN);
            }
        }
    }

    /// Positions quantized to 16 bits each, x then y per person (what the page receives).
    pub fn quantized(&self) -> Vec<u16> {
        let q = |v: f32| (v.clamp(0.0, 1.0) * 65535.0).round() as u16;
        let mut out = Vec::with_capacity(2 * self.n());
        for i in 0..self.n() {
            out.push(q(self.x[i]));
            out.push(q(self.y[i]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_cliques() -> Graph {
        // Two tight groups of 10, no tie between them.
        let mut g = Graph::default();
        for base in [0u32, 10] {
            for a in base..base + 10 {
                for b in a + 1..base + 10 {
                    g.ties.push((a, b, 0.8));
                }
            }
            g.groups.push((1.0, (base..base + 10).collect()));
        }
        g
    }

    fn centre(l: &Layout, r: std::ops::Range<usize>) -> (f32, f32) {
        let n = r.len() as f32;
        let x = r.clone().map(|i| l.x[i]).sum::<f32>() / n;
        let y = r.map(|i| l.y[i]).sum::<f32>() / n;
        (x, y)
    }

    #[test]
    fn groups_sit_together_and_apart_from_each_other() {
        let g = two_cliques();
        let l = Layout::new(20, &g, 300);
        let spread = |r: std::ops::Range<usize>| {
            let (cx, cy) = centre(&l, r.clone());
            r.map(|i| ((l.x[i] - cx).powi(2) + (l.y[i] - cy).powi(2)).sqrt())
                .fold(0.0f32, f32::max)
        };
        let (ax, ay) = centre(&l, 0..10);
        let (bx, by) = centre(&l, 10..20);
        let between = ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt();
        // Each clique's members are closer to their own centre than the cliques are apart.
        assert!(spread(0..10) < between, "{} vs {between}", spread(0..10));
        assert!(spread(10..20) < between);
        for i in 0..20 {
            assert!(l.x[i] >= MARGIN && l.x[i] <= 1.0 - MARGIN);
            assert!(l.y[i].is_finite());
        }
    }

    #[test]
    fn easing_moves_little_and_is_deterministic() {
        let g = two_cliques();
        let a = Layout::new(20, &g, 200);
        let mut b = a.clone();
        b.ease(&g, 2);
        let k = a.spacing();
        for i in 0..20 {
            let d = ((a.x[i] - b.x[i]).powi(2) + (a.y[i] - b.y[i]).powi(2)).sqrt();
            // Two easing moves of at most 0.08 k each (plus rounding).
            assert!(d <= 0.17 * k, "person {i} jumped {d} (spacing {k})");
        }
        assert_eq!(Layout::new(20, &g, 200), a);
    }

    #[test]
    fn an_empty_town_and_people_on_one_spot_stay_finite() {
        let l = Layout::new(0, &Graph::default(), 10);
        assert_eq!(l.n(), 0);
        let mut l = Layout {
            x: vec![0.5; 5],
            y: vec![0.5; 5],
        };
        l.ease(&Graph::default(), 20);
        assert!(l.x.iter().chain(&l.y).all(|v| v.is_finite()));
        assert_eq!(l.quantized().len(), 10);
    }
}
