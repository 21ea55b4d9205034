//! Counts heap allocations of the step loop after the world is built, year by year.
//! `cargo run --release --example alloc_count -- 2000` (per-phase times: the `scale` example).
use belonging::dynamics;
use belonging::dynamics::init;
use belonging::scenario::{resolve, Override, Source};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}
#[global_allocator]
static A: Counting = Counting;

fn main() {
    let n: usize = std::env::args().nth(1).map_or(2000, |s| s.parse().unwrap());
    let o = [Override::parse(&format!("population.size={n}")).unwrap()];
    let cfg = resolve(&Source::Builtin("default".into()), &o).unwrap();
    let mut w = init::build(&cfg, 1);
    // On a worker of the pool, as `belonging run` runs a job (a step called from outside the
    // pool hands its week to a worker, and that handoff allocates).
    rayon::scope(|s| {
        s.spawn(|_| {
            // From the first week: years 0-2 are the default burn-in.
            for block in 0..8 {
                let a0 = ALLOCS.load(Ordering::Relaxed);
                for _ in 0..52 {
                    dynamics::step(&mut w, &cfg, 1);
                }
                let a = ALLOCS.load(Ordering::Relaxed) - a0;
                println!("year {block}: {a} allocations in 52 weeks x {n} agents");
            }
        })
    });
}
