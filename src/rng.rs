//! Deterministic, portable random streams.
//!
//! Every random number in a run comes from a Xoshiro256++ stream whose seed is a stable mix
//! of (base seed, point, replicate) for a job and of (job seed, step, phase) inside a job, so
//! results never depend on thread count or scheduling.

use rand::SeedableRng;
/// The small generator of one agent's (or one group's) draws within one phase of one step.
/// SplitMix64: one multiply-xorshift per draw and a one-word seed, so a stream per agent costs
/// nothing to open; what makes streams independent is the hash of their keys.
pub use rand_xoshiro::SplitMix64 as AgentRng;
pub use rand_xoshiro::Xoshiro256PlusPlus as Rng;

/// SplitMix64 finaliser: a bijective, well-mixing hash of a u64.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Combines a sequence of keys into one seed (order matters).
#[inline]
pub fn key(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x6A09_E667_F3BC_C908, |h, &p| mix64(h ^ mix64(p)))
}

/// Seed of one job: (base seed, sweep point, replicate).
pub fn job_seed(base: u64, point: u64, replicate: u64) -> u64 {
    key(&[base, point, replicate])
}

/// The phases of a step; each draws from its own stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Phase {
    Init = 0,
    Events = 1,
    Meetings = 2,
    Interaction = 3,
    Exclusion = 4,
    Identity = 5,
    Ties = 6,
    Membership = 7,
    Belonging = 8,
    Output = 9,
    Interventions = 10,
    Volunteering = 11,
}

/// A uniform index in `0..n` (1 <= n < 2^32) from one 32-bit draw by a multiply and a shift
/// (Lemire's method without the rejection step). Its bias is below n / 2^32 (under 1e-6 for
/// any group of people), and it is much cheaper than `random_range` on the hottest path.
#[inline]
pub fn below<R: rand::Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    debug_assert!(n >= 1 && n as u64 <= u32::MAX as u64);
    scale(rand::Rng::next_u32(rng), n)
}

/// The index in `0..n` that `below` makes of the 32-bit draw `x` (0 when n = 0).
#[inline(always)]
pub fn scale(x: u32, n: usize) -> usize {
    ((x as u64 * n as u64) >> 32) as usize
}

/// `Rng` (Xoshiro256++) as a plain value, for the hottest sequential loops: the same draws,
/// converted to and from `Rng` without loss, with a state the loop keeps in registers and a
/// draw it can take or not without a branch (`peek`, then `take_if`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Xoshiro([u64; 4]);

impl Xoshiro {
    /// The generator `rng` is, at its current place in its stream.
    pub fn of(rng: &Rng) -> Xoshiro {
        let b = rng.state();
        Xoshiro(std::array::from_fn(|k| {
            u64::from_le_bytes(b[8 * k..8 * k + 8].try_into().expect("8 bytes"))
        }))
    }

    /// Back to an `Rng` at the same place in the stream.
    pub fn to_rng(self) -> Rng {
        let mut b = [0u8; 32];
        for (k, s) in self.0.iter().enumerate() {
            b[8 * k..8 * k + 8].copy_from_slice(&s.to_le_bytes());
        }
        Rng::from_seed(b)
    }

    /// The next 32-bit draw (the upper half of the next 64-bit output, as `Rng::next_u32`)
    /// and the state after it; `self` does not move.
    #[inline(always)]
    pub fn peek(self) -> (u32, Xoshiro) {
        let [s0, s1, s2, s3] = self.0;
        let out = s0.wrapping_add(s3).rotate_left(23).wrapping_add(s0);
        let t = s1 << 17;
        let s2 = s2 ^ s0;
        let s3 = s3 ^ s1;
        let s1 = s1 ^ s2;
        let s0 = s0 ^ s3;
        (
            (out >> 32) as u32,
            Xoshiro([s0, s1, s2 ^ t, s3.rotate_left(45)]),
        )
    }

    #[inline(always)]
    pub fn next_u32(&mut self) -> u32 {
        let (x, next) = self.peek();
        *self = next;
        x
    }

    /// Moves to `next` (the state `peek` gave) if `take`, else stays, without a branch.
    #[inline(always)]
    pub fn take_if(&mut self, take: bool, next: Xoshiro) {
        let m = u64::from(take).wrapping_neg();
        for (s, n) in self.0.iter_mut().zip(next.0) {
            *s = (n & m) | (*s & !m);
        }
    }
}

/// The stream of one phase of one step of one job.
pub fn stream(job_seed: u64, step: u64, phase: Phase) -> Rng {
    Rng::seed_from_u64(phase_key(job_seed, step, phase))
}

/// The key of one phase of one step of one job, from which its per-agent streams derive.
pub fn phase_key(job_seed: u64, step: u64, phase: Phase) -> u64 {
    key(&[job_seed, step, phase as u64])
}

/// The stream of agent `i` in a phase: keyed by (job, step, phase, agent), so agents can be
/// processed in any order, on any number of threads, with the same draws.
#[inline]
pub fn agent_stream(phase_key: u64, i: usize) -> AgentRng {
    AgentRng::from_seed(agent_seed(phase_key, i).to_le_bytes())
}

/// The state `agent_stream` starts from.
#[inline]
pub fn agent_seed(phase_key: u64, i: usize) -> u64 {
    mix64(phase_key ^ mix64(i as u64))
}

/// SplitMix64's increment: its k-th draw is made from its starting state plus k of these.
pub const SPLITMIX_STEP: u64 = 0x9e37_79b9_7f4a_7c15;

/// The `f32` in [0, 1) that `AgentRng` draws (`random::<f32>()`) when its state, after the
/// draw's increment, is `x`: a function of `x` alone, so the draws of a stream can be made
/// in any order, or side by side in lanes (tested against the generator).
#[inline(always)]
pub fn splitmix_f32(x: u64) -> f32 {
    // SplitMix64's 32-bit output, then rand's conversion: the upper 24 bits, scaled.
    let mut z = x;
    z = (z ^ (z >> 33)).wrapping_mul(0x62A9_D9ED_7997_05F5);
    z = (z ^ (z >> 28)).wrapping_mul(0xCB24_D0A5_C88C_35B3);
    let v = (z >> 32) as u32;
    // (v >> 8 < 2^24: the same value through i32, which vector registers convert)
    (1.0 / (1u32 << 24) as f32) * ((v >> 8) as i32) as f32
}

/// The stream of group `g` in a phase (a key space apart from the agents').
#[inline]
pub fn group_stream(phase_key: u64, g: usize) -> AgentRng {
    agent_stream(phase_key, (1 << 40) | g)
}

/// A uniform number in [0, 1) from a hash of (seed, pair) (the ties' private contact draw, ODD §6.6), the same for (i, j) and (j, i).
#[inline]
pub fn pair_uniform(seed: u64, i: u32, j: u32) -> f32 {
    let (a, b) = if i < j { (i, j) } else { (j, i) };
    let h = mix64(seed ^ mix64(((a as u64) << 32) | b as u64));
    // (h >> 40 < 2^24: the same value through i32, which vector registers convert)
    ((h >> 40) as i32) as f32 * (1.0 / (1u64 << 24) as f32)
}

/// Smallest number of agents (or groups) one thread takes in a parallel phase: below it a
/// phase runs on the calling thread alone, so small runs pay nothing for within-run
/// parallelism and parallelism over jobs does the work.
pub const PAR_MIN: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_stable_and_distinct() {
        let a: u64 = stream(1, 2, Phase::Events).random();
        let b: u64 = stream(1, 2, Phase::Events).random();
        let c: u64 = stream(1, 3, Phase::Events).random();
        let d: u64 = stream(1, 2, Phase::Meetings).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_ne!(job_seed(1, 0, 0), job_seed(1, 0, 1));
        assert_ne!(job_seed(1, 0, 1), job_seed(1, 1, 0));
    }

    /// Xoshiro gives Rng's draws exactly, taken or skipped, and converts back without loss.
    #[test]
    fn xoshiro_is_rng_as_a_value() {
        let mut rng = stream(3, 1, Phase::Identity);
        let mut x = Xoshiro::of(&rng);
        for k in 0..10_000u32 {
            if k % 3 == 0 {
                // A draw peeked at and not taken leaves the stream where it was.
                let (_, next) = x.peek();
                x.take_if(false, next);
            }
            let (a, next) = x.peek();
            x.take_if(true, next);
            assert_eq!(a, rand::Rng::next_u32(&mut rng), "draw {k}");
        }
        assert_eq!(x.to_rng(), rng);
        assert_eq!(Xoshiro::of(&x.to_rng()), x);
        assert_eq!(x.next_u32(), rand::Rng::next_u32(&mut rng));
        assert_eq!((scale(u32::MAX, 7), scale(0, 7), scale(123, 0)), (6, 0, 0));
    }

    /// `splitmix_f32` of a stream's states gives the stream's own draws.
    #[test]
    fn splitmix_f32_is_the_agent_streams_draw() {
        use rand::RngExt;
        for i in 0..100 {
            let mut rng = agent_stream(77, i);
            let mut x = agent_seed(77, i);
            for k in 0..20 {
                x = x.wrapping_add(SPLITMIX_STEP);
                let want: f32 = rng.random();
                assert_eq!(
                    splitmix_f32(x).to_bits(),
                    want.to_bits(),
                    "agent {i}, draw {k}"
                );
            }
        }
    }

    #[test]
    fn below_is_in_range_and_uniform() {
        let mut rng = stream(9, 0, Phase::Interaction);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[below(&mut rng, 7)] += 1;
        }
        // Each count is Binomial(70000, 1/7): mean 10000, sd 92.6; 5 sd tolerance.
        for c in counts {
            assert!((c as f64 - 10_000.0).abs() < 463.0, "{counts:?}");
        }
        assert_eq!(below(&mut rng, 1), 0);
    }

    #[test]
    fn pair_uniform_is_symmetric_and_spread() {
        let mut sum = 0.0;
        for i in 0..1000u32 {
            let (a, b) = (pair_uniform(7, i, i + 1), pair_uniform(7, i + 1, i));
            assert_eq!(a, b);
            assert!((0.0..1.0).contains(&a));
            sum += a as f64;
        }
        // Mean of 1000 uniforms: sd 0.289/sqrt(1000) = 0.009; 5 sd tolerance.
        assert!((sum / 1000.0 - 0.5).abs() < 0.046, "{sum}");
    }
}
