//! The step loop allocates nothing once the world is built (issue 5): a counting global
//! allocator (this test binary's own, so no other test's allocations count) over the first
//! two years of the default scenario, on a worker of a rayon pool as `belonging run` runs a
//! job, at a size below and one above the within-run parallel threshold. Only the pool's
//! threads are counted — the step runs on them alone — so the test harness's own threads
//! (its timers and output, allocating at moments of their own) cannot count.

use belonging::dynamics;
use belonging::dynamics::init;
use belonging::scenario::{resolve, Override, Source};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

struct Counting;
static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Whether this thread is a worker of the pool being counted (a constant initialiser and
    /// no destructor: reading it never allocates).
    static IN_POOL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn counted() -> bool {
    COUNTING.load(Ordering::Relaxed) && IN_POOL.with(|p| p.get())
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if counted() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        if counted() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Allocations during `weeks` steps of the default scenario at `n` agents on `threads`.
fn allocations(n: usize, threads: usize, weeks: u32) -> u64 {
    let o = [Override::parse(&format!("population.size={n}")).unwrap()];
    let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(|_| IN_POOL.with(|p| p.set(true)))
        .build()
        .unwrap();
    let mut w = init::build(&cfg, 7);
    let counted = pool.install(|| {
        let a0 = ALLOCS.load(Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        for _ in 0..weeks {
            dynamics::step(&mut w, &cfg, 7);
        }
        COUNTING.store(false, Ordering::Relaxed);
        ALLOCS.load(Ordering::Relaxed) - a0
    });
    w.check_invariants().unwrap();
    counted
}

/// Exactly zero: no tolerance, the claim is "none". (Both sizes in one test, so nothing else
/// in this binary runs, and allocates, while it counts.)
#[test]
fn the_step_loop_allocates_nothing_after_start_up() {
    // Two years from the first week: the burn-in settles the network and memberships.
    assert_eq!(allocations(2_000, 1, 104), 0, "2,000 agents, one thread");
    // Above 2 x PAR_MIN agents the parallel interaction path runs; two threads.
    assert_eq!(allocations(12_000, 2, 40), 0, "12,000 agents, two threads");
}
