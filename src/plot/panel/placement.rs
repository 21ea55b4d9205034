//! Where text goes: how much of the data a box would hide, and the best combination of
//! places for several labels that must not overlap.

use super::*;

/// Number of sample points (about every 6 px along each path) inside `rect`
/// (x0, y0, x1, y1).
pub(super) fn coverage(paths: &[Vec<(i32, i32)>], rect: (i32, i32, i32, i32)) -> usize {
    let inside = |x: f64, y: f64| {
        x >= f64::from(rect.0)
            && x <= f64::from(rect.2)
            && y >= f64::from(rect.1)
            && y <= f64::from(rect.3)
    };
    let mut hits = 0;
    for path in paths {
        if let [only] = path.as_slice() {
            // A marker: its centre, or its rim (up to 9 px out).
            let (x, y) = (only.0, only.1);
            let near = x >= rect.0 - 9 && x <= rect.2 + 9 && y >= rect.1 - 9 && y <= rect.3 + 9;
            hits += 4 * usize::from(near);
        }
        for pair in path.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
            let samples = (dx.hypot(dy) / 6.0).ceil().clamp(1.0, 2000.0) as usize;
            for s in 0..=samples {
                let t = s as f64 / samples as f64;
                hits += usize::from(inside(f64::from(a.0) + t * dx, f64::from(a.1) + t * dy));
            }
        }
    }
    hits
}

/// Two label boxes overlap, or come closer than a few pixels (which reads as one label).
pub(super) fn overlap(a: TextBox, b: TextBox) -> bool {
    a.0 - 12 < b.2 && b.0 < a.2 + 12 && a.1 - 10 < b.3 && b.1 < a.3 + 10
}

/// The choice of one option per label (box, own cost) with the least total cost, a pair
/// of overlapping boxes costing `clash`: a branch-and-bound search over the combinations,
/// from the choice label by label, within a budget of steps (the best found then).
pub(super) fn best_combination(options: &[Vec<(TextBox, u64)>], clash: u64) -> Vec<usize> {
    let clashes = |chosen: &[usize], bx: TextBox| {
        chosen
            .iter()
            .enumerate()
            .filter(|&(j, &c)| overlap(bx, options[j][c].0))
            .count() as u64
    };
    // Label by label: the first guess.
    let mut greedy: Vec<usize> = Vec::with_capacity(options.len());
    let mut greedy_cost = 0u64;
    for opts in options {
        let cost = |i: usize| {
            opts[i]
                .1
                .saturating_add(clash * clashes(&greedy, opts[i].0))
        };
        let best = (0..opts.len()).min_by_key(|&i| (cost(i), i)).unwrap_or(0);
        greedy_cost = greedy_cost.saturating_add(cost(best));
        greedy.push(best);
    }
    // Each label's options, cheapest first, and the least the labels after `k` can cost.
    let order: Vec<Vec<usize>> = options
        .iter()
        .map(|opts| {
            let mut idx: Vec<usize> = (0..opts.len()).collect();
            idx.sort_by_key(|&i| (opts[i].1, i));
            idx
        })
        .collect();
    let mut rest_min = vec![0u64; options.len() + 1];
    for k in (0..options.len()).rev() {
        let least = options[k].iter().map(|o| o.1).min().unwrap_or(0);
        rest_min[k] = rest_min[k + 1].saturating_add(least);
    }
    struct Search<'o> {
        options: &'o [Vec<(TextBox, u64)>],
        order: Vec<Vec<usize>>,
        rest_min: Vec<u64>,
        clash: u64,
        budget: usize,
        best: (u64, Vec<usize>),
    }
    impl Search<'_> {
        fn go(&mut self, chosen: &mut Vec<usize>, cost: u64) {
            let k = chosen.len();
            if k == self.options.len() {
                if cost < self.best.0 {
                    self.best = (cost, chosen.clone());
                }
                return;
            }
            for n in 0..self.order[k].len() {
                if self.budget == 0 {
                    return;
                }
                self.budget -= 1;
                let i = self.order[k][n];
                let (bx, own) = self.options[k][i];
                let clashes = chosen
                    .iter()
                    .enumerate()
                    .filter(|&(j, &c)| overlap(bx, self.options[j][c].0))
                    .count() as u64;
                let next = cost
                    .saturating_add(own)
                    .saturating_add(self.clash * clashes);
                if next.saturating_add(self.rest_min[k + 1]) >= self.best.0 {
                    // The options are sorted by own cost: the following ones are no better
                    // unless this one clashed.
                    if clashes == 0 {
                        break;
                    }
                    continue;
                }
                chosen.push(i);
                self.go(chosen, next);
                chosen.pop();
            }
        }
    }
    let mut search = Search {
        options,
        order,
        rest_min,
        clash,
        budget: 2_000_000,
        best: (greedy_cost, greedy),
    };
    search.go(&mut Vec::new(), 0);
    search.best.1
}
