//! Filling one array from several threads at once, each owner's entries in a fixed order.
//!
//! Entries for owners `0..n` come from `chunks` producers (threads), each producing in its
//! own order. Every owner's entries are to lie together, those of producer 0 first, then
//! producer 1's, and so on, each producer's in the order it made them: the order a single
//! thread would give, producing them all in turn. [`Runs`] does this in two rounds:
//! 1. each producer counts its entries per owner ([`Runs::par_counters`]);
//! 2. [`Runs::lay_out`] gives every (producer, owner) its run of the array (owners in
//!    order, and each owner's runs in producer order), and each producer writes its
//!    entries into its own runs ([`Runs::par_fill`]).
//!
//! The runs partition the array, so the producers write disjoint places and need no lock;
//! a producer that writes more entries for an owner than it counted panics instead of
//! reaching another's run. (Interaction files the sides of encounters with their agents'
//! blocks this way, each producer drawing a range of groups twice, counting then writing, so
//! that no list of encounters is kept; and meetings, on several threads, each group's
//! attendees, each producer a range of agents.)

use super::lists::Raw;
use rayon::prelude::*;
use std::marker::PhantomData;

/// Every (producer, owner)'s run: while counting `[0, count]`; once laid out `[next, end]`.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    owners: usize,
    chunks: usize,
    /// Producer-major: producer c's owner i at `c * owners + i`.
    runs: Vec<[u32; 2]>,
    /// The runs partition `0..total` (set by `lay_out`, cleared by counting).
    laid_out: bool,
    total: usize,
}

/// One producer's counts (from `Runs::par_counters`).
pub struct Counter<'a> {
    runs: &'a mut [[u32; 2]],
}

impl Counter<'_> {
    /// One more entry for owner i.
    #[inline]
    pub fn count(&mut self, i: usize) {
        self.runs[i][1] += 1;
    }
}

/// One producer's writer into its own runs (from `Runs::par_fill`).
pub struct Filler<'a, T> {
    runs: &'a mut [[u32; 2]],
    data: *mut T,
    _data: PhantomData<&'a mut [T]>,
}

// SAFETY: a Filler writes only inside its own producer's runs, which no other Filler
// reaches (the runs partition the data), while the data is borrowed mutably.
unsafe impl<T: Send> Send for Filler<'_, T> {}

impl<T> Filler<'_, T> {
    /// Owner i's next entry from this producer. Panics past the entries counted.
    #[inline]
    pub fn push(&mut self, i: usize, x: T) {
        let run = &mut self.runs[i];
        assert!(run[0] < run[1], "Runs: more entries than counted");
        // SAFETY: `run[0]` lies inside this producer's run for owner i, inside the data
        // (`par_fill` checked the runs' total against its length) and reached by no
        // other producer, since the laid-out runs partition the data.
        unsafe { self.data.add(run[0] as usize).write(x) };
        run[0] += 1;
    }
}

impl Runs {
    /// Room for `chunks` producers over `owners` owners, so that later rounds allocate
    /// nothing.
    pub fn reserve(&mut self, chunks: usize, owners: usize) {
        self.runs
            .reserve((chunks * owners).saturating_sub(self.runs.len()));
    }

    /// Starts a round: `chunks` producers over `owners` owners, each with no entry, one
    /// counter per producer, in producer order (in parallel).
    pub fn par_counters(
        &mut self,
        chunks: usize,
        owners: usize,
    ) -> impl IndexedParallelIterator<Item = Counter<'_>> + '_ {
        let chunks = chunks.max(1);
        self.laid_out = false;
        self.owners = owners;
        self.chunks = chunks;
        self.runs.clear();
        self.runs.resize(chunks * owners, [0, 0]);
        self.runs
            .par_chunks_mut(owners.max(1))
            .map(|runs| Counter { runs })
    }

    /// Lays the runs out, owner by owner, each owner's in producer order; sets `offsets`
    /// (`owners + 1` entries) to where each owner's entries start and returns their total.
    pub fn lay_out(&mut self, offsets: &mut Vec<u32>) -> usize {
        let (n, chunks) = (self.owners, self.chunks);
        offsets.clear();
        offsets.reserve(n + 1);
        offsets.push(0);
        let mut at = 0u32;
        for i in 0..n {
            for c in 0..chunks {
                let run = &mut self.runs[c * n + i];
                let count = run[1];
                *run = [at, at + count];
                at += count;
            }
            offsets.push(at);
        }
        self.laid_out = true;
        self.total = at as usize;
        self.total
    }

    /// One writer per producer, in producer order (in parallel), into `data`, which must
    /// hold the total that `lay_out` returned.
    pub fn par_fill<'a, T: Send>(
        &'a mut self,
        data: &'a mut [T],
    ) -> impl IndexedParallelIterator<Item = Filler<'a, T>> + 'a {
        assert!(self.laid_out, "Runs::par_fill before lay_out");
        assert!(self.total <= data.len(), "Runs::par_fill: data too short");
        let data = Raw(data.as_mut_ptr());
        self.runs
            .par_chunks_mut(self.owners.max(1))
            .map(move |runs| Filler {
                runs,
                data: data.get(),
                _data: PhantomData,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three producers, each making entries for owners in its own order: the filled array
    /// holds each owner's entries together, producer by producer, each in making order.
    #[test]
    fn runs_give_each_owner_its_entries_in_producer_order() {
        let n = 5;
        // Producer c makes, in order, (owner, c * 100 + k) for its k-th entry.
        let made: Vec<Vec<usize>> = vec![vec![3, 0, 3, 4], vec![], vec![1, 3, 0, 0, 2]];
        let mut runs = Runs::default();
        runs.par_counters(made.len(), n)
            .enumerate()
            .for_each(|(c, mut counter)| made[c].iter().for_each(|&i| counter.count(i)));
        let mut offsets = Vec::new();
        let total = runs.lay_out(&mut offsets);
        assert_eq!(total, 9);
        assert_eq!(offsets, [0, 3, 4, 5, 8, 9]);
        let mut data = vec![0u32; total];
        runs.par_fill(&mut data)
            .enumerate()
            .for_each(|(c, mut fill)| {
                for (k, &i) in made[c].iter().enumerate() {
                    fill.push(i, (c * 100 + k) as u32);
                }
            });
        // Owner 0: producer 0's entry 1, then producer 2's entries 2 and 3; and so on.
        assert_eq!(data, [1, 202, 203, 200, 204, 0, 2, 201, 3]);
    }

    #[test]
    #[should_panic(expected = "more entries than counted")]
    fn writing_past_the_count_panics() {
        let mut runs = Runs::default();
        runs.par_counters(2, 2)
            .enumerate()
            .for_each(|(c, mut counter)| counter.count(c));
        let mut offsets = Vec::new();
        let mut data = vec![0u8; runs.lay_out(&mut offsets)];
        runs.par_fill(&mut data).for_each(|mut fill| {
            fill.push(0, 1);
            fill.push(0, 1); // producer 0 counted one entry for owner 0; producer 1 none
        });
    }
}
