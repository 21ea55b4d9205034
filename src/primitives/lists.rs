//! Per-owner lists (an agent's ties and memberships; a group's members, attendees and
//! encounters) kept in one pooled array per kind.
//!
//! Each owner has a slot `start..start + cap` of the pool and uses its first `len` entries.
//! After a compaction the slots lie in owner order, each with a little room to grow
//! (`slack`), so a pass over the owners in order streams through memory, and a list grows in
//! place without touching the allocator. A list that outgrows its slot moves to the free room
//! at the end of the pool; once that room is used up, or (once `settle`d, and for the step
//! loop's bulk reservations) once the moved lists pass 1 / MOVED of the pool, the pool is
//! compacted again, in place, back into owner order (the moved lists pass through a small
//! buffer kept for the purpose). The pool is sized with headroom at every compaction, so a
//! run allocates again only if its lists, all together, grow past that headroom (the pool
//! then grows by a quarter).
//!
//! The order of the entries within a list is exactly that of a `Vec` given the same pushes,
//! swap-removes and truncations: where a list lies in the pool never changes a result.

use rayon::prelude::*;
use std::fmt;
use std::ops::{Index, IndexMut};

/// Room left in a slot at compaction beyond its entries: 1 + len / 8.
#[inline]
fn slack(len: u32) -> u32 {
    1 + len / 8
}

/// Free room kept at the end of the pool at compaction, for lists that outgrow their slots:
/// 1 / HEADROOM of the slots' total.
const HEADROOM: usize = 8;

/// At most 1 / MOVED of the pool lies out of owner order (in moved lists) between compactions.
const MOVED: usize = 16;

/// The slot of a list that outgrows its own: half as large again as it needs.
#[inline]
fn grown(need: usize) -> usize {
    need + need / 2 + 2
}

/// Lists of `T`, one per owner (`0..owners()`), in one pool. See the module docs.
#[derive(Default)]
pub struct Lists<T, const TRACKED: bool = false> {
    /// Slots; entries past an owner's `len` (and outside every slot) hold stale values.
    pool: Vec<T>,
    /// Compaction buffer for the lists that moved since the last compaction (`spare_needed`).
    spare: Vec<T>,
    /// Each owner's slot start and length, side by side (one look-up for a random owner).
    meta: Vec<Meta>,
    cap: Vec<u32>,
    /// First entry of the free room at the end of the pool.
    end: usize,
    /// End of the slots laid out by the last compaction (the front region, in owner order);
    /// slots at or past it are lists that moved since.
    front_end: usize,
    /// Settled (`settle`): every reservation keeps the moved lists under 1 / MOVED of the
    /// front region, so the compaction buffer needs no more than that.
    tidy: bool,
    /// How many times the lists were lent out for change (`edits`; tracked lists only).
    edits: u64,
}

/// A copy holds the lists and their layout; its compaction buffer is made when first needed.
impl<T: Clone, const E: bool> Clone for Lists<T, E> {
    fn clone(&self) -> Self {
        Lists {
            pool: self.pool.clone(),
            spare: Vec::new(),
            meta: self.meta.clone(),
            cap: self.cap.clone(),
            end: self.end,
            front_end: self.front_end,
            tidy: self.tidy,
            edits: self.edits,
        }
    }
}

/// One owner's list, borrowed mutably with its room to grow (from `Lists::par_lists_mut`).
pub struct ListMut<'a, T> {
    slot: &'a mut [T],
    len: &'a mut u32,
}

impl<'a, T: Copy> ListMut<'a, T> {
    /// The list itself, for as long as the slot is lent.
    #[inline]
    pub fn into_slice(self) -> &'a mut [T] {
        &mut self.slot[..*self.len as usize]
    }
}

impl<T: Copy> ListMut<'_, T> {
    #[inline]
    pub fn len(&self) -> usize {
        *self.len as usize
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        *self.len == 0
    }

    /// No room left in the slot: a push would be a bug.
    #[inline]
    pub fn is_full(&self) -> bool {
        *self.len as usize == self.slot.len()
    }

    #[inline]
    pub fn as_slice(&self) -> &[T] {
        &self.slot[..*self.len as usize]
    }

    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.slot[..*self.len as usize]
    }

    /// Appends `x`. The caller has made room (`Lists::reserve`); a full slot is a bug.
    #[inline]
    pub fn push(&mut self, x: T) {
        let k = *self.len as usize;
        assert!(k < self.slot.len(), "ListMut::push past the room reserved");
        self.slot[k] = x;
        *self.len += 1;
    }

    /// Keeps the first `n` entries.
    #[inline]
    pub fn truncate(&mut self, n: usize) {
        if n < *self.len as usize {
            *self.len = n as u32;
        }
    }

    /// Keeps the entries for which `keep` holds, in order (as `Vec::retain`).
    #[inline]
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let n = *self.len as usize;
        let mut kept = 0;
        for k in 0..n {
            let x = self.slot[k];
            self.slot[kept] = x;
            kept += usize::from(keep(&x));
        }
        *self.len = kept as u32;
    }
}

/// The lists of a range of consecutive owners, borrowed mutably with their room to grow
/// (from `Lists::par_ranges_mut`): one thread fills them, pushing to any owner in the range.
pub struct RangeMut<'a, T> {
    pool: Raw<T>,
    meta: &'a mut [Meta],
    cap: &'a [u32],
    first: usize,
    _pool: std::marker::PhantomData<&'a mut [T]>,
}

impl<T: Copy> RangeMut<'_, T> {
    /// The owners of this range.
    #[inline]
    pub fn owners(&self) -> std::ops::Range<usize> {
        self.first..self.first + self.meta.len()
    }

    /// Appends `x` to owner i's list (i in `owners()`). The caller has made room
    /// (`Lists::reserve_each`); a full slot is a bug.
    #[inline]
    pub fn push(&mut self, i: usize, x: T) {
        let k = i - self.first;
        let m = &mut self.meta[k];
        assert!(m.len < self.cap[k], "RangeMut::push past the room reserved");
        // SAFETY: entry `len` of owner i's slot lies inside the slot (checked above); the
        // slots of distinct owners are disjoint, this range's owners are lent to this value
        // alone, and the pool is borrowed mutably for its lifetime.
        unsafe { *self.pool.get().add((m.start + m.len) as usize) = x };
        m.len += 1;
    }

    /// Fetches the start of owner i's list (i in `owners()`) into the cache: its first two
    /// cache lines (a tie list of the default town averages 90 bytes, so it often spans two:
    /// the second line measured 5% off interaction at 100k agents).
    #[inline]
    pub fn prefetch(&self, i: usize) {
        let m = self.meta[i - self.first];
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // SAFETY: a prefetch neither reads nor writes memory the program can see (the
            // addresses, from the start of owner i's slot on, are only computed).
            unsafe {
                let at = self.pool.get().wrapping_add(m.start as usize).cast::<i8>();
                _mm_prefetch::<_MM_HINT_T0>(at);
                _mm_prefetch::<_MM_HINT_T0>(at.wrapping_add(64));
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = m;
    }

    /// Owner i's list (i in `owners()`) with its room to grow.
    #[inline]
    pub fn list_mut(&mut self, i: usize) -> ListMut<'_, T> {
        let k = i - self.first;
        let m = &mut self.meta[k];
        // SAFETY: owner i's slot lies inside the pool, the slots of distinct owners are
        // disjoint, this range's owners are lent to this value alone, and the slot is lent
        // on for as long as this value is borrowed mutably.
        let slot = unsafe {
            std::slice::from_raw_parts_mut(
                self.pool.get().add(m.start as usize),
                self.cap[k] as usize,
            )
        };
        ListMut {
            slot,
            len: &mut m.len,
        }
    }
}

/// Where an owner's list lies: its slot's first entry and the list's length.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Meta {
    start: u32,
    len: u32,
}

/// A pointer that may cross threads, to hand disjoint parts of what it points to to several
/// threads at once: the slots of distinct owners (here), or the runs of distinct producers
/// (`runs::Runs`).
pub(crate) struct Raw<T>(pub(crate) *mut T);
impl<T> Clone for Raw<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Raw<T> {}
// SAFETY: only used to hand out disjoint parts of what it points to, while that is mutably
// borrowed (so it cannot move or be resized): the slots of distinct owners, one to each
// closure call, here; each producer's own runs in `runs::Runs`.
unsafe impl<T: Send> Send for Raw<T> {}
unsafe impl<T: Send> Sync for Raw<T> {}
impl<T> Raw<T> {
    #[inline]
    pub(crate) fn get(self) -> *mut T {
        self.0
    }
}

impl<T: Copy + Default + Send + Sync, const E: bool> Lists<T, E> {
    /// `owners` empty lists.
    pub fn new(owners: usize) -> Self {
        Lists {
            pool: Vec::new(),
            spare: Vec::new(),
            meta: vec![Meta::default(); owners],
            cap: vec![0; owners],
            end: 0,
            front_end: 0,
            tidy: false,
            edits: 0,
        }
    }

    /// Number of owners.
    #[inline]
    pub fn owners(&self) -> usize {
        self.meta.len()
    }

    /// Length of owner i's list.
    #[inline]
    pub fn len_of(&self, i: usize) -> usize {
        self.meta[i].len as usize
    }

    /// Room left in owner i's slot.
    #[inline]
    pub fn room(&self, i: usize) -> usize {
        (self.cap[i] - self.meta[i].len) as usize
    }

    /// Entries over all lists.
    pub fn total(&self) -> usize {
        self.meta.iter().map(|m| m.len as usize).sum()
    }

    /// Room for `extra` more owners without allocating.
    pub fn reserve_owners(&mut self, extra: usize) {
        self.meta.reserve(extra);
        self.cap.reserve(extra);
    }

    /// Free room for `extra` more entries at the end of the pool (and in the compaction
    /// buffer), so that lists can outgrow their slots that much before the pool must grow.
    pub fn reserve_room(&mut self, extra: usize) {
        let size = self.pool.len() + extra;
        self.pool.resize(size, T::default());
        self.ensure_spare();
    }

    /// Adds an owner with an empty list; returns its index.
    pub fn add_owner(&mut self) -> usize {
        self.meta.push(Meta {
            start: self.end as u32,
            len: 0,
        });
        self.cap.push(0);
        self.owners() - 1
    }

    /// Each list in owner order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[T]> + '_ {
        (0..self.owners()).map(move |i| &self[i])
    }

    /// For tracked lists (`Lists<T, true>`, the ties), a count that changes whenever the lists
    /// are lent out for change (every `&mut` method that can alter an entry or a length bumps
    /// it; making room does not): a value derived from the lists is current only while this
    /// count is the one it was derived at. Always 0 for untracked lists, whose hot loops
    /// (meetings' attendees, memberships) pay nothing for it.
    #[inline]
    pub fn edits(&self) -> u64 {
        self.edits
    }

    #[inline(always)]
    fn edited(&mut self) {
        if E {
            self.edits = self.edits.wrapping_add(1);
        }
    }

    /// Each list in owner order, in parallel.
    pub fn par_iter(&self) -> impl IndexedParallelIterator<Item = &[T]> + '_ {
        (0..self.owners()).into_par_iter().map(move |i| &self[i])
    }

    /// Each owner's list as a mutable slice (no growing), in parallel.
    pub fn par_slices_mut(&mut self) -> impl IndexedParallelIterator<Item = &mut [T]> + '_ {
        self.par_lists_mut().map(|l| {
            let n = *l.len as usize;
            &mut l.slot[..n]
        })
    }

    /// Each owner's list with its room to grow, in parallel (see `reserve`).
    pub fn par_lists_mut(&mut self) -> impl IndexedParallelIterator<Item = ListMut<'_, T>> + '_ {
        self.edited();
        let raw = Raw(self.pool.as_mut_ptr());
        let cap = &self.cap;
        self.meta.par_iter_mut().enumerate().map(move |(i, m)| {
            // SAFETY: slots of distinct owners are disjoint ranges inside the pool (invariant
            // of `relocate` and `compact`), each owner is visited once, and the pool is
            // borrowed mutably for the iterator's lifetime.
            let slot = unsafe {
                std::slice::from_raw_parts_mut(raw.get().add(m.start as usize), cap[i] as usize)
            };
            ListMut {
                slot,
                len: &mut m.len,
            }
        })
    }

    /// The lists of consecutive ranges of `chunk` owners (the last may be shorter), in
    /// parallel, each range's lists lent to one closure call (see `RangeMut`).
    pub fn par_ranges_mut(
        &mut self,
        chunk: usize,
    ) -> impl IndexedParallelIterator<Item = RangeMut<'_, T>> + '_ {
        self.edited();
        let pool = Raw(self.pool.as_mut_ptr());
        let chunk = chunk.max(1);
        self.meta
            .par_chunks_mut(chunk)
            .zip(self.cap.par_chunks(chunk))
            .enumerate()
            .map(move |(r, (meta, cap))| RangeMut {
                pool,
                meta,
                cap,
                first: r * chunk,
                _pool: std::marker::PhantomData,
            })
    }

    /// Owner i's list with its room to grow.
    #[inline]
    pub fn list_mut(&mut self, i: usize) -> ListMut<'_, T> {
        self.edited();
        let (s, c) = (self.meta[i].start as usize, self.cap[i] as usize);
        ListMut {
            slot: &mut self.pool[s..s + c],
            len: &mut self.meta[i].len,
        }
    }

    /// Calls `f` on every entry of every list, owner by owner.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&mut T)) {
        self.edited();
        for i in 0..self.owners() {
            self[i].iter_mut().for_each(&mut f);
        }
    }

    /// Appends `x` to owner i's list (moving the list if its slot is full).
    #[inline]
    pub fn push(&mut self, i: usize, x: T) {
        self.edited();
        if self.meta[i].len == self.cap[i] {
            self.reserve(i, 1);
        }
        let k = self.meta[i].start as usize + self.meta[i].len as usize;
        self.pool[k] = x;
        self.meta[i].len += 1;
    }

    /// Removes entry k of owner i's list, replacing it with the last (as `Vec::swap_remove`).
    #[inline]
    pub fn swap_remove(&mut self, i: usize, k: usize) -> T {
        self.edited();
        let s = self.meta[i].start as usize;
        let last = self.meta[i].len as usize - 1;
        assert!(
            k <= last,
            "swap_remove index {k} out of a list of {}",
            last + 1
        );
        let x = self.pool[s + k];
        self.pool[s + k] = self.pool[s + last];
        self.meta[i].len -= 1;
        x
    }

    /// Keeps the first `n` entries of owner i's list.
    #[inline]
    pub fn truncate(&mut self, i: usize, n: usize) {
        self.edited();
        if n < self.meta[i].len as usize {
            self.meta[i].len = n as u32;
        }
    }

    /// Lays the lists out anew, packed in owner order with no room to grow: owner i's list is
    /// `offsets[i]..offsets[i + 1]` of the pool (`owners() + 1` non-decreasing offsets).
    /// Returns those entries, which hold stale values until the caller fills them all (as
    /// `Runs::par_fill` does): for lists refilled whole every week, whose sizes are counted
    /// first. The pool grows only if the lists' total outgrows it.
    pub fn lay_out_packed(&mut self, offsets: &[u32]) -> &mut [T] {
        self.edited();
        let n = self.owners();
        assert_eq!(offsets.len(), n + 1, "one offset per owner and the end");
        let total = offsets[n] as usize;
        if self.pool.len() < total {
            self.pool
                .resize(total + total / HEADROOM + 64, T::default());
            if self.tidy {
                self.ensure_spare();
            }
        }
        for (i, w) in offsets.windows(2).enumerate() {
            assert!(w[0] <= w[1], "offsets out of order");
            self.meta[i] = Meta {
                start: w[0],
                len: w[1] - w[0],
            };
            self.cap[i] = w[1] - w[0];
        }
        self.end = total;
        self.front_end = total;
        &mut self.pool[..total]
    }

    /// Empties every list (their slots stay).
    pub fn clear_all(&mut self) {
        self.edited();
        self.meta.iter_mut().for_each(|m| m.len = 0);
    }

    /// Makes room for `extra` more entries in owner i's list. (It may compact the pool, which
    /// leaves other owners only their slack: to reserve for many at once, `reserve_each`.)
    pub fn reserve(&mut self, i: usize, extra: usize) {
        let need = self.meta[i].len as usize + extra;
        self.reserve_slot(i, need, grown(need));
    }

    /// Makes room for exactly `extra` more entries in owner i's list (no room to grow beyond:
    /// for lists whose size is known, as while a world is built).
    pub fn reserve_exact(&mut self, i: usize, extra: usize) {
        let need = self.meta[i].len as usize + extra;
        self.reserve_slot(i, need, need);
    }

    /// Gives owner i a slot of `cap` entries unless its own holds `need` already (moving the
    /// list, or compacting with that room for it).
    fn reserve_slot(&mut self, i: usize, need: usize, cap: usize) {
        if need <= self.cap[i] as usize {
            return;
        }
        if self.must_compact(cap, false) {
            let room = (cap - self.meta[i].len as usize) as u32;
            self.compact_with(|k| if k == i { room } else { 0 });
            return;
        }
        self.relocate(i, cap);
    }

    /// Makes room for `extra[i]` more entries in every owner i's list at once (a compaction
    /// on the way keeps every owner's room).
    pub fn reserve_each(&mut self, extra: &[u32]) {
        debug_assert_eq!(extra.len(), self.owners());
        let mut moved = 0usize;
        for (i, &x) in extra.iter().enumerate() {
            let need = (self.meta[i].len + x) as usize;
            if need > self.cap[i] as usize {
                moved += grown(need);
            }
        }
        if moved == 0 {
            return;
        }
        if self.must_compact(moved, true) {
            self.compact_with(|k| extra[k]);
            return;
        }
        for (i, &x) in extra.iter().enumerate() {
            let need = (self.meta[i].len + x) as usize;
            if need > self.cap[i] as usize {
                self.relocate(i, grown(need));
            }
        }
    }

    /// Whether moving `more` entries to the back calls for a compaction first: the free room
    /// is used up, or (`tidy`: the step loop's bulk reservations) the lists moved since the
    /// last compaction, which lie out of owner order, would pass 1 / MOVED of the front
    /// region, so passes over the owners keep streaming. (Single reservations, as while a
    /// world is built, compact only when the room is used up.)
    #[inline]
    fn must_compact(&self, more: usize, bulk: bool) -> bool {
        let moved = self.end - self.front_end + more;
        self.end + more > self.pool.len() || ((bulk || self.tidy) && moved * MOVED > self.front_end)
    }

    /// Makes the compaction buffer as large as `spare_needed`.
    fn ensure_spare(&mut self) {
        let need = self.spare_needed();
        if self.spare.len() < need {
            self.spare.resize(need, T::default());
        }
    }

    /// The compaction buffer's size: the most that can have moved between two compactions.
    fn spare_needed(&self) -> usize {
        if self.tidy {
            self.pool.len() / MOVED + 64
        } else {
            self.pool.len() - self.front_end
        }
    }

    /// Ends the start-up: from now on every reservation, not only the bulk ones, keeps the
    /// moved lists under 1 / MOVED of the pool, and the compaction buffer is sized for that,
    /// so the step loop's compactions need no allocation.
    pub fn settle(&mut self) {
        self.tidy = true;
        self.ensure_spare();
    }

    /// Moves owner i's list to a slot of `cap` entries in the free room at the end.
    fn relocate(&mut self, i: usize, cap: usize) {
        let (s, l) = (self.meta[i].start as usize, self.meta[i].len as usize);
        self.pool.copy_within(s..s + l, self.end);
        self.meta[i].start = self.end as u32;
        self.cap[i] = cap as u32;
        self.end += cap;
    }

    /// Lays every list out in owner order with its slack (see the module docs).
    pub fn compact(&mut self) {
        self.compact_with(|_| 0);
    }

    /// Compacts, leaving each owner k room for at least `room(k)` more entries.
    ///
    /// In place: the lists in the front region (laid out at the last compaction, still in
    /// owner order) slide down packed, the lists that moved to the back since are copied out
    /// to `spare` (at most the headroom), then every list is placed at its final slot from the
    /// last owner down, so no copy overwrites a list not yet placed.
    fn compact_with(&mut self, room: impl Fn(usize) -> u32) {
        let n = self.owners();
        // The new slot of owner k: its entries and its slack or the room asked for. An empty
        // list asking for room (one refilled every week: attendees, encounters) gets slack on
        // that room, or it would move as soon as it needed one entry more. A list that moved
        // since the last compaction keeps the slot it moved to (it will need the room again:
        // otherwise lists that vary week to week move, and the pool compacts, every week).
        let cap_of = |k: usize, len: u32, moved: bool, cap: u32| {
            let r = room(k);
            let c = if len == 0 {
                r + slack(r)
            } else {
                len + slack(len).max(r)
            };
            if moved {
                c.max(cap)
            } else {
                c
            }
        };
        let mut total = 0usize;
        let mut back = 0usize;
        for k in 0..n {
            let moved = self.meta[k].start as usize >= self.front_end;
            total += cap_of(k, self.meta[k].len, moved, self.cap[k]) as usize;
            if moved {
                back += self.meta[k].len as usize;
            }
        }
        assert!(
            total <= u32::MAX as usize / 2,
            "more than 2^31 list entries in one pool"
        );
        // Headroom for lists that outgrow their slots before the next compaction.
        let want = total + total / HEADROOM + 64;
        if want > self.pool.len() {
            let size = want.max(self.pool.len() + self.pool.len() / 4);
            self.pool.resize(size, T::default());
        }
        if self.spare.len() < back {
            self.spare.resize(back, T::default());
        }
        // 1. The back lists out to the spare buffer, in owner order.
        let mut at = 0usize;
        for k in 0..n {
            let (s, l) = (self.meta[k].start as usize, self.meta[k].len as usize);
            if s >= self.front_end {
                self.spare[at..at + l].copy_from_slice(&self.pool[s..s + l]);
                at += l;
            }
        }
        // 2. The front lists slide down, packed, in owner order (= their order in the pool).
        let mut packed = 0usize;
        for k in 0..n {
            let (s, l) = (self.meta[k].start as usize, self.meta[k].len as usize);
            if s < self.front_end {
                self.pool.copy_within(s..s + l, packed);
                self.meta[k].start = packed as u32;
                packed += l;
            } else {
                self.meta[k].start = u32::MAX; // in the spare buffer
            }
        }
        // 3. Every list to its final slot, last owner first: a front list only moves up, past
        // the packed lists of lower owners, and below the slots already placed.
        let mut slot_end = total;
        for k in (0..n).rev() {
            let l = self.meta[k].len as usize;
            let moved = self.meta[k].start == u32::MAX;
            let c = cap_of(k, l as u32, moved, self.cap[k]) as usize;
            let dst = slot_end - c;
            if moved {
                at -= l;
                self.pool[dst..dst + l].copy_from_slice(&self.spare[at..at + l]);
            } else {
                packed -= l;
                self.pool.copy_within(packed..packed + l, dst);
            }
            self.meta[k].start = dst as u32;
            self.cap[k] = c as u32;
            slot_end = dst;
        }
        debug_assert_eq!((slot_end, at, packed), (0, 0, 0));
        self.end = total;
        self.front_end = total;
        // Room now for the lists that can move before the next compaction.
        self.ensure_spare();
    }

    /// Renumbers the owners: new owner k has old owner order[k]'s list, and the lists are laid
    /// out in the new order (through a copy: at start-up only).
    pub fn permute(&mut self, order: &[u32]) {
        let old = std::mem::take(self);
        let n = old.owners();
        let caps: Vec<u32> = order
            .iter()
            .map(|&o| old.meta[o as usize].len + slack(old.meta[o as usize].len))
            .collect();
        let total: usize = caps.iter().map(|&c| c as usize).sum();
        let mut pool = Vec::with_capacity(total + total / HEADROOM + 64);
        let mut meta = Vec::with_capacity(n);
        for (&o, &c) in order.iter().zip(&caps) {
            let list = &old[o as usize];
            meta.push(Meta {
                start: pool.len() as u32,
                len: list.len() as u32,
            });
            pool.extend_from_slice(list);
            pool.resize(pool.len() + (c as usize - list.len()), T::default());
        }
        pool.resize(pool.capacity(), T::default());
        let spare = vec![T::default(); pool.len() - total];
        *self = Lists {
            pool,
            spare,
            meta,
            cap: caps,
            end: total,
            front_end: total,
            tidy: old.tidy,
            edits: old.edits.wrapping_add(u64::from(E)),
        };
    }

    /// Lays the lists out in owner order with their slack (as `compact`), then gives back
    /// the pool's room beyond the usual headroom (at start-up: the room a build reserved and
    /// did not use).
    pub fn repack(&mut self) {
        self.compact();
        let want = self.end + self.end / HEADROOM + 64;
        if self.pool.len() > want {
            self.pool.truncate(want);
            self.pool.shrink_to_fit();
            // (The buffer cut in place too: freeing it would leave its room with the
            // allocator, measured 9 MB more at the peak of a 100k-agent build.)
            let keep = self.spare_needed();
            self.spare.truncate(keep);
            self.spare.shrink_to_fit();
            self.ensure_spare();
        }
    }
}

impl<T, const E: bool> Index<usize> for Lists<T, E> {
    type Output = [T];
    #[inline]
    fn index(&self, i: usize) -> &[T] {
        let s = self.meta[i].start as usize;
        &self.pool[s..s + self.meta[i].len as usize]
    }
}

impl<T, const E: bool> IndexMut<usize> for Lists<T, E> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut [T] {
        if E {
            self.edits = self.edits.wrapping_add(1);
        }
        let s = self.meta[i].start as usize;
        &mut self.pool[s..s + self.meta[i].len as usize]
    }
}

/// Prints the lists only (as a `Vec<Vec<T>>` would), not where they lie.
impl<T: fmt::Debug, const E: bool> fmt::Debug for Lists<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries((0..self.meta.len()).map(|i| &self[i]))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{below, stream, Phase};
    use rand::RngExt;

    /// Random pushes, swap-removes, truncations, reserves and compactions give exactly the
    /// lists that `Vec`s given the same operations hold, and slots never overlap.
    #[test]
    fn behaves_as_vecs() {
        let mut rng = stream(3, 0, Phase::Init);
        let n = 50;
        let mut l: Lists<u32> = Lists::new(n);
        let mut v: Vec<Vec<u32>> = vec![Vec::new(); n];
        for step in 0..20_000u32 {
            let i = below(&mut rng, n);
            match below(&mut rng, 10) {
                0..=5 => {
                    l.push(i, step);
                    v[i].push(step);
                }
                6 | 7 if !v[i].is_empty() => {
                    let k = below(&mut rng, v[i].len());
                    assert_eq!(l.swap_remove(i, k), v[i].swap_remove(k));
                }
                8 => {
                    let k = rng.random_range(0..=v[i].len());
                    l.truncate(i, k);
                    v[i].truncate(k);
                }
                _ => {
                    if step % 97 == 0 {
                        l.compact();
                    } else if step % 7 == 0 {
                        let extra: Vec<u32> = (0..n).map(|_| below(&mut rng, 3) as u32).collect();
                        l.reserve_each(&extra);
                        for (k, &x) in extra.iter().enumerate() {
                            assert!(l.room(k) >= x as usize);
                        }
                    } else {
                        l.reserve(i, below(&mut rng, 5));
                    }
                }
            }
            if step % 1000 == 0 {
                check_disjoint(&l);
            }
            if step == 10_000 {
                // The second half as a settled pool (moved lists kept few).
                l.settle();
            }
        }
        for i in 0..n {
            assert_eq!(&l[i], &v[i][..], "list {i}");
        }
        assert_eq!(format!("{l:?}"), format!("{v:?}"));
        check_disjoint(&l);
    }

    fn check_disjoint<T: Copy + Default + Send + Sync>(l: &Lists<T>) {
        let mut slots: Vec<(u32, u32)> = (0..l.owners())
            .filter(|&i| l.cap[i] > 0)
            .map(|i| (l.meta[i].start, l.meta[i].start + l.cap[i]))
            .collect();
        slots.sort_unstable();
        for w in slots.windows(2) {
            assert!(w[0].1 <= w[1].0, "slots {:?} and {:?} overlap", w[0], w[1]);
        }
        assert!(slots.last().is_none_or(|s| s.1 as usize <= l.pool.len()));
        for i in 0..l.owners() {
            assert!(l.meta[i].len <= l.cap[i]);
        }
    }

    /// A packed layout gives each owner its offsets' entries; the lists then behave as any:
    /// one pushed past its (empty) room moves, another emptied and refilled, and a compaction
    /// keeps every list.
    #[test]
    fn packed_lists_take_their_offsets_and_go_on() {
        let mut l: Lists<u32> = Lists::new(4);
        for i in 0..4 {
            l.push(i, 100 + i as u32);
        }
        let entries = l.lay_out_packed(&[0, 2, 2, 5, 6]);
        entries.copy_from_slice(&[1, 2, 3, 4, 5, 6]);
        assert_eq!(
            l.iter().collect::<Vec<_>>(),
            [&[1, 2][..], &[], &[3, 4, 5], &[6]]
        );
        check_disjoint(&l);
        l.push(0, 7);
        l.truncate(2, 0);
        l.push(2, 8);
        l.push(1, 9);
        assert_eq!(
            l.iter().collect::<Vec<_>>(),
            [&[1, 2, 7][..], &[9], &[8], &[6]]
        );
        check_disjoint(&l);
        l.compact();
        assert_eq!(
            l.iter().collect::<Vec<_>>(),
            [&[1, 2, 7][..], &[9], &[8], &[6]]
        );
        check_disjoint(&l);
    }

    #[test]
    fn parallel_lists_grow_in_their_room() {
        let mut l: Lists<u32> = Lists::new(10_000);
        for i in 0..10_000 {
            l.push(i, i as u32);
        }
        // One reserve may compact and so take back another owner's room: reserve_each
        // keeps every owner's.
        let extra: Vec<u32> = (0..10_000).map(|i| (i % 4) as u32).collect();
        l.reserve_each(&extra);
        l.par_lists_mut().enumerate().for_each(|(i, mut list)| {
            for x in 0..i % 4 {
                list.push(x as u32);
            }
        });
        for i in 0..10_000 {
            let want: Vec<u32> = std::iter::once(i as u32).chain(0..(i % 4) as u32).collect();
            assert_eq!(&l[i], &want[..]);
        }
        let mut p = l.clone();
        let order: Vec<u32> = (0..10_000u32).rev().collect();
        p.permute(&order);
        assert_eq!(&p[0], &l[9999]);
        assert_eq!(&p[9999], &l[0]);
        check_disjoint(&p);
    }

    /// Ranges of owners filled in parallel hold what the same pushes, owner by owner, give;
    /// a repacked pool holds the same lists in less room.
    #[test]
    fn ranges_fill_in_parallel_and_repack_frees_room() {
        let n = 10_000;
        // 50,000 items addressed to owners at random, as Vecs would hold them.
        let item = |k: u32| ((k.wrapping_mul(2_654_435_761) >> 7) as usize % n, k);
        let mut v: Vec<Vec<u32>> = vec![Vec::new(); n];
        for k in 0..50_000u32 {
            let (i, x) = item(k);
            v[i].push(x);
        }
        // Room for each owner's items and 8 more, which repacking gives back.
        let mut l: Lists<u32> = Lists::new(n);
        let room: Vec<u32> = v.iter().map(|x| x.len() as u32 + 8).collect();
        l.reserve_each(&room);
        // Every range walks all the items and keeps those addressed to its owners.
        let ranges: usize = l
            .par_ranges_mut(n.div_ceil(3))
            .map(|mut r| {
                for k in 0..50_000u32 {
                    let (i, x) = item(k);
                    if r.owners().contains(&i) {
                        r.push(i, x);
                    }
                }
                1
            })
            .sum();
        assert_eq!(ranges, 3);
        for i in 0..n {
            assert_eq!(&l[i], &v[i][..], "list {i}");
        }
        let before = l.pool.len();
        l.repack();
        check_disjoint(&l);
        for i in 0..n {
            assert_eq!(&l[i], &v[i][..], "list {i} after repacking");
        }
        assert!(l.pool.len() < before, "{} >= {before}", l.pool.len());
    }

    #[test]
    #[should_panic(expected = "past the room reserved")]
    fn a_range_cannot_push_past_its_room() {
        let mut l: Lists<u32> = Lists::new(4);
        l.reserve_each(&[1, 1, 1, 1]);
        l.par_ranges_mut(2).for_each(|mut r| {
            let i = r.owners().start;
            for x in 0..10 {
                r.push(i, x);
            }
        });
    }
}
