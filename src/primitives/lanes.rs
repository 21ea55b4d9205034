//! Work in lanes: a hot loop written over fixed-size arrays of lanes (each lane one tie, one
//! membership or one agent, computed without a branch) that the compiler turns into vector
//! instructions. The same body is compiled for the build's baseline and for wider vector
//! instructions, and the widest the machine has is chosen at run time ([`Level::detect`]).
//! Each lane does the same IEEE operations in the same order as the scalar rule, and no
//! level reorders a sum, so every level gives the same bits (each user tests it against
//! its rule written one item at a time).

/// Items computed at once, each in a lane of its own: eight f32 fill an AVX2 register, eight
/// u64 an AVX-512 one.
pub const LANES: usize = 8;

/// Agents whose items are prepared together before their lanes are computed (meetings'
/// draws, identification updates).
pub const CHUNK: usize = 16;

/// Most prepared items waiting for their lanes (a whole number of lanes).
pub const WAITING: usize = 8 * LANES;

/// The instructions a loop in lanes is built with. A level other than the baseline can be
/// had only from [`Level::detect`] or [`Level::available`], which found its instructions on
/// this machine (the field is private): that is what makes calling a loop built for them
/// sound (`by_level!`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level(Width);

/// The width of a [`Level`], to choose between code paths (`level.width()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// The build's baseline (x86-64: SSE2, where a 64-bit multiply takes one lane).
    Base,
    /// x86-64 with AVX2 (eight f32 lanes in one instruction).
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// x86-64 with AVX-512 F, DQ and VL (also eight 64-bit multiplies in one instruction).
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Level {
    /// The build's baseline, which every machine the binary runs on has.
    pub const BASE: Level = Level(Width::Base);

    /// The widest level this machine runs.
    pub fn detect() -> Level {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512dq")
                && std::is_x86_feature_detected!("avx512vl")
                && std::is_x86_feature_detected!("avx2")
            {
                return Level(Width::Avx512);
            }
            if std::is_x86_feature_detected!("avx2") {
                return Level(Width::Avx2);
            }
        }
        Level::BASE
    }

    /// Every level this machine runs, the baseline first (for tests that compare them).
    pub fn available() -> Vec<Level> {
        let mut all = vec![Level::BASE];
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") {
                all.push(Level(Width::Avx2));
            }
            if Level::detect() == Level(Width::Avx512) {
                all.push(Level(Width::Avx512));
            }
        }
        all
    }

    /// Which instructions.
    #[inline]
    pub fn width(self) -> Width {
        self.0
    }

    /// The level's name, as `manifest.json` records it.
    pub fn name(self) -> &'static str {
        match self.0 {
            Width::Base => "baseline",
            #[cfg(target_arch = "x86_64")]
            Width::Avx2 => "AVX2",
            #[cfg(target_arch = "x86_64")]
            Width::Avx512 => "AVX-512",
        }
    }
}

/// Defines `fn $name(level: Level, args) -> R`, which runs `$body(args)` (an
/// `#[inline(always)]` function) compiled for `level`'s instructions: the body is inlined into
/// one function per level, each built for its instructions. (A closure handed to such a
/// function is not reliably compiled for them: measured 3x slower.)
macro_rules! by_level {
    ($(#[$m:meta])* $vis:vis fn $name:ident($($a:ident: $t:ty),* $(,)?) $(-> $r:ty)? => $body:ident) => {
        $(#[$m])*
        // The one `unsafe` of a loop in lanes, written here (in `primitives`) once.
        #[allow(unsafe_code)]
        $vis fn $name(level: $crate::primitives::lanes::Level, $($a: $t),*) $(-> $r)? {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn avx2($($a: $t),*) $(-> $r)? {
                $body($($a),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,avx512f,avx512dq,avx512vl")]
            fn avx512($($a: $t),*) $(-> $r)? {
                $body($($a),*)
            }
            match level.width() {
                $crate::primitives::lanes::Width::Base => $body($($a),*),
                // SAFETY: a level other than the baseline can be had only from
                // `Level::detect` or `Level::available` (its field is private), which found its
                // instructions on this machine.
                #[cfg(target_arch = "x86_64")]
                $crate::primitives::lanes::Width::Avx2 => unsafe { avx2($($a),*) },
                #[cfg(target_arch = "x86_64")]
                $crate::primitives::lanes::Width::Avx512 => unsafe { avx512($($a),*) },
            }
        }
    };
}
pub(crate) use by_level;

/// Asks the processor to bring `v[k]` into the cache ahead of a read at random (a hint: it
/// changes no result; nothing happens if `k` is out of bounds or off x86-64).
#[inline(always)]
pub fn prefetch<T>(v: &[T], k: usize) {
    #[cfg(target_arch = "x86_64")]
    if k < v.len() {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch neither reads nor writes memory the program can see, and
        // `v[k]` is in bounds.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(v.as_ptr().add(k).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (v, k);
}
