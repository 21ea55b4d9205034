//! Faults of the disk, injected for tests beneath every write of a results folder, so that a
//! full disk and a read-only one can be tested by anyone (no mounting, no root), through the
//! real code path: `BELONGING_TEST_FAULT` in the environment of the `belonging` process.
//!
//! - `disk-full-after=BYTES`: once this process has written more than BYTES bytes through
//!   [`super::atomic`] (tables, parts, manifests, plots), every further write fails as a full
//!   disk does (`ENOSPC`, "No space left on device");
//! - `read-only`: creating any file or folder fails as on a read-only file system (`EROFS`,
//!   "Read-only file system").
//!
//! Without the variable nothing changes (one relaxed atomic load per write). The variable is
//! read once, at the first write.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The environment variable that injects a fault.
pub const VAR: &str = "BELONGING_TEST_FAULT";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    DiskFullAfter(u64),
    ReadOnly,
}

fn fault() -> Option<Fault> {
    static FAULT: OnceLock<Option<Fault>> = OnceLock::new();
    *FAULT.get_or_init(|| {
        let text = std::env::var(VAR).ok()?;
        let text = text.trim();
        if text == "read-only" {
            return Some(Fault::ReadOnly);
        }
        let bytes = text.strip_prefix("disk-full-after=")?.parse().ok()?;
        Some(Fault::DiskFullAfter(bytes))
    })
}

/// Bytes written so far through the atomic writes of this process.
static WRITTEN: AtomicU64 = AtomicU64::new(0);

fn disk_full() -> std::io::Error {
    std::io::Error::from_raw_os_error(28) // ENOSPC
}

fn read_only() -> std::io::Error {
    std::io::Error::from_raw_os_error(30) // EROFS
}

/// Fails as a read-only file system would before a file or folder is created.
pub fn check_create() -> std::io::Result<()> {
    match fault() {
        Some(Fault::ReadOnly) => Err(read_only()),
        _ => Ok(()),
    }
}

/// Counts `bytes` about to be written; fails as a full disk would once the budget is spent.
pub fn check_write(bytes: u64) -> std::io::Result<()> {
    match fault() {
        Some(Fault::DiskFullAfter(budget)) => {
            let before = WRITTEN.fetch_add(bytes, Ordering::Relaxed);
            if before.saturating_add(bytes) > budget {
                Err(disk_full())
            } else {
                Ok(())
            }
        }
        Some(Fault::ReadOnly) => Err(read_only()),
        None => Ok(()),
    }
}

/// A writer that counts what it writes against the disk's budget ([`check_write`]).
pub struct Faulty<W: Write>(pub W);

impl<W: Write> Write for Faulty<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        check_write(buf.len() as u64)?;
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
