//! Atomic file writes: a temporary file in the same folder, flushed and synced, renamed over
//! the target, then the folder synced, so a reader never sees a half-written file under its
//! final name and a file that was renamed survives a crash. Every file of a results folder
//! is written through here (the plots through [`commit`]); the faults of a full or read-only
//! disk can be injected beneath it for tests ([`super::fault`]).

use super::fault::{self, Faulty};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Temporary name beside `path`.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Bytes gathered before they go to the file system: large writes, few system calls.
const BUFFER: usize = 1 << 20;

/// Writes `path` atomically with the bytes `fill` writes. On error (a full disk, a folder
/// that is not writable) the temporary file is removed and `path` is left as it was.
pub fn write_with<F>(path: &Path, fill: F) -> std::io::Result<()>
where
    F: FnOnce(&mut BufWriter<Faulty<File>>) -> std::io::Result<()>,
{
    write_inner(path, fill, true)
}

/// [`write_with`] without forcing the bytes to the disk: the rename still makes the file
/// appear whole or not at all to every process (a killed one included), but after a crash
/// of the machine it may hold fewer bytes. Only for files whose size and checksum are
/// recorded elsewhere and checked before they are used (a run's parts, under their seal), so
/// that such a file is detected and made again, never trusted; a run's tables and manifest
/// are always written with [`write_with`], synced once, at the end.
pub fn write_unsynced_with<F>(path: &Path, fill: F) -> std::io::Result<()>
where
    F: FnOnce(&mut BufWriter<Faulty<File>>) -> std::io::Result<()>,
{
    write_inner(path, fill, false)
}

fn write_inner<F>(path: &Path, fill: F, sync: bool) -> std::io::Result<()>
where
    F: FnOnce(&mut BufWriter<Faulty<File>>) -> std::io::Result<()>,
{
    let tmp = temp_path(path);
    let result = (|| {
        fault::check_create()?;
        let mut out = BufWriter::with_capacity(BUFFER, Faulty(File::create(&tmp)?));
        fill(&mut out)?;
        out.flush()?;
        let file = out.into_inner().map_err(|e| e.into_error())?.0;
        if sync {
            file.sync_all()?;
            drop(file);
            rename_and_sync(&tmp, path)
        } else {
            drop(file);
            std::fs::rename(&tmp, path)
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with(path, |w| w.write_all(bytes))
}

/// Moves a complete temporary file `tmp` (written by someone else, e.g. a plotting backend,
/// in the same folder) to `path`: syncs it, renames it, syncs the folder. On error `tmp` is
/// removed.
pub fn commit(tmp: &Path, path: &Path) -> std::io::Result<()> {
    let result = std::fs::metadata(tmp)
        .and_then(|m| fault::check_write(m.len()))
        .and_then(|()| File::open(tmp))
        .and_then(|f| f.sync_all())
        .and_then(|()| rename_and_sync(tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// Gives the complete file `from` a second name `path` (a hard link, atomically: the file
/// synced, linked under a temporary name, renamed, the folder synced); the bytes are not
/// copied. Fails where the file system has no hard links (the caller then copies).
pub fn link(from: &Path, path: &Path) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let _ = std::fs::remove_file(&tmp);
    fault::check_create()?;
    File::open(from)?.sync_all()?;
    std::fs::hard_link(from, &tmp)?;
    let result = rename_and_sync(&tmp, path);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn rename_and_sync(tmp: &Path, path: &Path) -> std::io::Result<()> {
    std::fs::rename(tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Syncs a folder, so that a rename in it is on disk (Unix; elsewhere a no-op).
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_leave_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("belonging-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.csv");
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        // A failing writer leaves the old file and no temporary.
        let err = write_with(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert!(!temp_path(&path).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
