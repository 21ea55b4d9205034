//! The interruption flag: set once when the user asks the program to stop (SIGINT, SIGTERM,
//! Ctrl-C), read by the runner before each job and by each job once per step.
//!
//! The engine installs no signal handler (it knows nothing of terminals): the binary does,
//! and the handler only calls [`request`]. A library user may call [`request`] to stop a
//! run from another thread. The flag is process-wide and never cleared.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks every running plan to stop: no new job starts, running jobs end at their next step
/// without a result. Returns whether a stop had already been requested.
pub fn request() -> bool {
    REQUESTED.swap(true, Ordering::SeqCst)
}

/// Whether a stop has been requested (a cheap relaxed load: checked once per step).
#[inline]
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
