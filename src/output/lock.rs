//! One writer per folder: every command that writes into a folder (`run`, `run --resume`,
//! `sweep`, `sweep --resume`, `merge`, `compare`, `validate`, `plot`) first takes an
//! exclusive advisory lock (`flock`) on `DIR/.belonging.lock` and holds it until the process
//! ends. The kernel releases it when the process ends however it ends (a kill, a crash, a
//! power cut), so a stopped run never leaves a stale lock, and a second process is refused at
//! once, told the holder's process id. The lock file is never removed (removing a lock file
//! while another process has it open would let two writers in); it holds the PID of the last
//! holder and nothing else, and counts as no result when a folder's emptiness is judged.

use super::OutputError;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside a locked folder.
pub const LOCK_FILE: &str = ".belonging.lock";

/// An exclusive lock on a folder, held until dropped (or the process ends).
#[derive(Debug)]
pub struct FolderLock {
    file: File,
    pub dir: PathBuf,
}

impl FolderLock {
    /// Writes this process's id into the lock file, for the message of a process refused
    /// while this one holds it. Called once the holder starts writing: a process that takes
    /// the lock only to refuse (bad arguments, a folder of another run) leaves the folder as
    /// it found it. Best effort: the lock, not this text, is what excludes.
    pub fn claim(&mut self) {
        let file = &mut self.file;
        let _ = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| writeln!(file, "{}", std::process::id()))
            .and_then(|()| file.flush());
    }
}

/// Locks `dir` (which must exist) for this process: refuses with [`OutputError::InUse`]
/// (with the holder's PID once it has [`FolderLock::claim`]ed it) when another process holds
/// it, [`OutputError::NotWritable`] when the lock file cannot be created (a read-only
/// folder). Taking the lock writes nothing but, the first time, the empty lock file.
pub fn acquire(dir: &Path) -> Result<FolderLock, OutputError> {
    let path = dir.join(LOCK_FILE);
    let not_writable = |source| OutputError::NotWritable {
        path: dir.to_path_buf(),
        source,
    };
    // The lock file is created the first time (a read-only folder refuses it).
    if !path.exists() {
        super::fault::check_create().map_err(not_writable)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(not_writable)?;
    match file.try_lock() {
        Ok(()) => Ok(FolderLock {
            file,
            dir: dir.to_path_buf(),
        }),
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            Err(OutputError::InUse {
                path: dir.to_path_buf(),
                pid: text.trim().parse().ok(),
            })
        }
        Err(TryLockError::Error(e)) => Err(not_writable(e)),
    }
}

/// Takes a folder to write new results into: refuses one that holds results unless `force`
/// (judged first without touching it, then again under the lock), creates it if needed and
/// locks it. Returns the lock and whether the folder holds results (which `force` lets the
/// caller remove).
pub fn take_for_results(dir: &Path, force: bool) -> Result<(FolderLock, bool), OutputError> {
    let not_writable = |source| OutputError::NotWritable {
        path: dir.to_path_buf(),
        source,
    };
    let full = |dir: &Path| -> Result<bool, OutputError> {
        if dir.is_dir() {
            holds_results(dir).map_err(not_writable)
        } else {
            Ok(false)
        }
    };
    // A folder another process is writing is refused as in use (trying its existing lock
    // file changes nothing in the folder).
    let held = if dir.join(LOCK_FILE).is_file() {
        Some(acquire(dir)?)
    } else {
        None
    };
    if !force && full(dir)? {
        return Err(OutputError::Exists(dir.to_path_buf()));
    }
    let lock = match held {
        Some(lock) => lock,
        None => create_and_acquire(dir)?,
    };
    let has = full(dir)?;
    if has && !force {
        return Err(OutputError::Exists(dir.to_path_buf()));
    }
    Ok((lock, has))
}

/// Creates `dir` if needed and locks it.
pub fn create_and_acquire(dir: &Path) -> Result<FolderLock, OutputError> {
    if dir.exists() && !dir.is_dir() {
        return Err(OutputError::NotWritable {
            path: dir.to_path_buf(),
            source: std::io::Error::other("exists and is not a folder"),
        });
    }
    let not_writable = |source| OutputError::NotWritable {
        path: dir.to_path_buf(),
        source,
    };
    if !dir.is_dir() {
        super::fault::check_create().map_err(not_writable)?;
    }
    std::fs::create_dir_all(dir).map_err(not_writable)?;
    acquire(dir)
}

/// Whether `name` (an entry of a results folder's top level) is what a process that stopped
/// before writing any result may leave: the lock file, a temporary file of an atomic write
/// (`.NAME.tmp-PID`, `.NAME.tmp.png`) or the writability probe. Such a folder counts as
/// empty, so a plain rerun may use it.
pub fn is_debris(name: &str) -> bool {
    name == LOCK_FILE
        || name == ".write-test"
        || (name.starts_with('.')
            && (name.rsplit_once(".tmp-").is_some_and(|(_, pid)| {
                !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
            }) || name.ends_with(".tmp.png")))
}

/// Whether `dir` holds anything but debris ([`is_debris`]) and empty folders of it. A
/// `scenario.ron` with neither `manifest.json` nor `sweep.json` beside it is debris too: it is
/// written first, and a process stopped before its manifest leaves nothing to resume.
pub fn holds_results(dir: &Path) -> std::io::Result<bool> {
    let described = dir.join("manifest.json").exists() || dir.join("sweep.json").exists();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if is_debris(&name) || (name == "scenario.ron" && !described) {
            continue;
        }
        if entry.file_type()?.is_dir() && !holds_results(&entry.path())? {
            continue;
        }
        return Ok(true);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_of_the_same_folder_is_refused_with_the_holders_pid() {
        let dir = std::env::temp_dir().join(format!("belonging-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut first = create_and_acquire(&dir).expect("first lock");
        match acquire(&dir) {
            Err(OutputError::InUse { pid, .. }) => assert_eq!(pid, None, "not claimed yet"),
            other => panic!("expected InUse, got {other:?}"),
        }
        first.claim();
        // flock locks belong to the open file: a second open in this process conflicts too.
        match acquire(&dir) {
            Err(OutputError::InUse { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected InUse, got {other:?}"),
        }
        drop(first);
        let again = acquire(&dir).expect("free once the holder is gone");
        drop(again);
        assert!(!holds_results(&dir).unwrap(), "only the lock file is there");
        std::fs::create_dir_all(dir.join("parts")).unwrap();
        std::fs::write(dir.join(".summary.csv.tmp-123"), "x").unwrap();
        assert!(
            !holds_results(&dir).unwrap(),
            "debris and empty folders only"
        );
        std::fs::write(dir.join("parts").join("runs.csv.000000"), "x").unwrap();
        assert!(holds_results(&dir).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
