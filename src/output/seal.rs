//! A job's seal: the file a run writes last for each finished job (`parts/seal.NNNNNN`),
//! saying which job it is (index and seed), of which scenario (the hash of `scenario.ron`),
//! and the size and CRC-32 checksum of each of its parts. A resume uses a job's parts only if
//! its seal matches them all; a part that is damaged, truncated or written by another run is
//! rerun, never trusted.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// The parsed seal of one job.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Seal {
    pub job: u32,
    pub seed: u64,
    pub scenario_hash: String,
    /// (file name of the table, bytes, CRC-32 (IEEE) as 8 hex digits), in table order.
    pub parts: Vec<(String, u64, String)>,
}

/// Version 3: CRC-32 checksums (computed at memory speed), the tables of a job of a run of
/// several in one part file. Versions 1 (FNV-1a, a byte at a time) and 2 (a part file per
/// table) are not read: such a job is run again.
const MAGIC: &str = "belonging job seal 3";

impl Seal {
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{MAGIC}\njob {}\nseed {}\nscenario_hash {}\n",
            self.job, self.seed, self.scenario_hash
        );
        for (name, bytes, hash) in &self.parts {
            s.push_str(&format!("part {name} {bytes} {hash}\n"));
        }
        s.push_str("end\n");
        s
    }

    /// The seal in `text`, or `None` if it is not a whole seal.
    pub fn parse(text: &str) -> Option<Seal> {
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let mut field = |key: &str| -> Option<String> {
            let line = lines.next()?;
            line.strip_prefix(key)?
                .strip_prefix(' ')
                .map(str::to_string)
        };
        let job = field("job")?.parse().ok()?;
        let seed = field("seed")?.parse().ok()?;
        let scenario_hash = field("scenario_hash")?;
        let mut parts = Vec::new();
        for line in lines {
            if line == "end" {
                return Some(Seal {
                    job,
                    seed,
                    scenario_hash,
                    parts,
                });
            }
            let mut f = line.strip_prefix("part ")?.split(' ');
            let (name, bytes, hash) = (f.next()?, f.next()?.parse().ok()?, f.next()?);
            parts.push((name.to_string(), bytes, hash.to_string()));
        }
        // No `end`: a truncated seal.
        None
    }
}

/// A running byte count and CRC-32 of what passes through a [`Tee`].
#[derive(Default)]
pub(crate) struct Summing {
    pub bytes: u64,
    state: crc32fast::Hasher,
}

impl Summing {
    pub fn update(&mut self, data: &[u8]) {
        self.bytes += data.len() as u64;
        self.state.update(data);
    }

    /// The checksum as written in seals: 8 hex digits.
    pub fn hash(&self) -> String {
        format!("{:08x}", self.state.clone().finalize())
    }
}

/// A writer that sums what it passes on.
pub(crate) struct Tee<'a, W: Write + ?Sized> {
    pub inner: &'a mut W,
    pub sum: &'a mut Summing,
}

impl<W: Write + ?Sized> Write for Tee<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The checksum of `len` bytes of a file from `offset`, as written in seals (an error if the
/// file ends before).
pub(crate) fn range_hash(path: &Path, offset: u64, len: u64) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut file = file.take(len);
    let mut sum = Summing::default();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sum.update(&buf[..n]);
    }
    if sum.bytes != len {
        return Err(std::io::Error::other("the file ends early"));
    }
    Ok(sum.hash())
}

/// `len` bytes of a file from `offset` (an error if the file ends before).
pub(crate) fn read_range(path: &Path, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut out = vec![0u8; len as usize];
    file.read_exact(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_round_trip_and_truncated_ones_are_not_seals() {
        let seal = Seal {
            job: 3,
            seed: 17,
            scenario_hash: "00ff".into(),
            parts: vec![
                ("a.csv".into(), 10, "0123".into()),
                ("b.csv".into(), 0, "4567".into()),
            ],
        };
        let text = seal.to_text();
        assert_eq!(Seal::parse(&text), Some(seal));
        for cut in 0..text.len() - 4 {
            assert_eq!(Seal::parse(&text[..cut]), None, "cut at {cut}");
        }
        // CRC-32 (IEEE) of the standard check string.
        let mut sum = Summing::default();
        sum.update(b"123456789");
        assert_eq!(sum.hash(), "cbf43926");
        assert_eq!(sum.bytes, 9);
    }
}
