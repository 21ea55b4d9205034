//! Counts heap allocations of the step loop in a settled world.
use belonging::dynamics;
use belonging::model::init;
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
    for _ in 0..156 {
        dynamics::step(&mut w, &cfg, 1);
    }
    {
        use belonging::rng::{phase_key, stream, Phase};
        let mut per = [0u64; 8];
        for _ in 0..52 {
            let t = w.t as u64;
            let seed = 1;
            let mut c = |k: usize, f: &mut dyn FnMut(&mut belonging::model::World)| {
                let a0 = ALLOCS.load(Ordering::Relaxed);
                f(&mut w);
                per[k] += ALLOCS.load(Ordering::Relaxed) - a0;
            };
            c(0, &mut |w| {
                w.counts = Default::default();
                dynamics::events::run(w, &cfg, &mut stream(seed, t, Phase::Events))
            });
            c(1, &mut |w| {
                dynamics::meetings::run(w, &cfg, phase_key(seed, t, Phase::Meetings))
            });
            c(2, &mut |w| {
                dynamics::interaction::run(w, &cfg, phase_key(seed, t, Phase::Interaction))
            });
            c(3, &mut |w| {
                dynamics::exclusion::run(w, &cfg, &mut stream(seed, t, Phase::Exclusion))
            });
            c(4, &mut |w| {
                dynamics::identity::run(
                    w,
                    &cfg,
                    phase_key(seed, t, Phase::Identity),
                    &mut stream(seed, t, Phase::Identity),
                )
            });
            c(5, &mut |w| {
                dynamics::ties::run(w, &cfg, phase_key(seed, t, Phase::Ties))
            });
            c(6, &mut |w| {
                dynamics::membership::run(w, &cfg, &mut stream(seed, t, Phase::Membership))
            });
            c(7, &mut |w| {
                dynamics::belonging::run(w, &cfg);
                w.t += 1;
            });
        }
        println!("per phase (events meetings interaction exclusion identity ties membership belonging): {per:?}");
    }
    for block in 0..5 {
        let a0 = ALLOCS.load(Ordering::Relaxed);
        for _ in 0..52 {
            dynamics::step(&mut w, &cfg, 1);
        }
        let a = ALLOCS.load(Ordering::Relaxed) - a0;
        println!("year {block}: {a} allocations in 52 weeks x {n} agents");
    }
}
