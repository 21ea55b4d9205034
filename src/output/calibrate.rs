//! The folder of an ABC-SMC calibration (`belonging calibrate`).
//!
//! ```text
//! DIR/calibrate.json                   the calibration: scenario hash, varied ranges, targets,
//!                                      particles, generations, seed, replicates, and its hash
//! DIR/scenario.ron                     the resolved base scenario
//! DIR/candidates/gen-TTT/c-NNNNNN.csv  one simulated candidate: each replicate's value of each
//!                                      target (written atomically when its replicates end)
//! DIR/generations/gen-TTT.csv          one completed generation: particles, weights, distances
//! DIR/generations.csv                  per completed generation: ε, acceptance, ESS, counts
//! DIR/posterior.csv                    the last generation's particles and weights
//! DIR/plots/posterior.png, .svg        weighted marginal histograms and pairwise scatter
//! DIR/manifest.json                    status (running, waiting, partial, complete), timing
//! DIR/shards/I/candidates/...          candidates simulated by `--shard I/N` (each shard
//!                                      folder locked by its one writer); gathered into
//!                                      DIR/candidates and removed when the calibration ends
//! ```
//!
//! Everything but the manifest is a function of calibrate.json, scenario.ron and the candidate
//! files, which hold every simulated number as the shortest text that reads back to the same
//! `f64`: a resumed calibration recomputes each generation from them and writes the same
//! bytes as an uninterrupted one.

use super::{atomic, io_err, tables, OutputError};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// calibrate.json's format.
pub const FORMAT: u32 = 1;
pub const SPEC: &str = "calibrate.json";
const CANDIDATES: &str = "candidates";
const GENERATIONS: &str = "generations";
const SHARDS: &str = "shards";
/// Files a calibration writes at the top of its folder (removed first under --force).
pub const FILES: &[&str] = &[
    SPEC,
    "scenario.ron",
    "posterior.csv",
    "generations.csv",
    "manifest.json",
];

/// calibrate.json: everything that defines the calibration's candidates and results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrateSpec {
    pub format: u32,
    pub version: String,
    pub scenario: String,
    pub scenario_source: String,
    /// FNV-1a of the resolved base scenario (scenario.ron).
    pub scenario_hash: String,
    pub seed: u64,
    pub replicates: u32,
    pub steps: u32,
    /// The varied fields as given: `PATH=LO..HI`.
    pub vary: Vec<String>,
    /// The targets as given: `METRIC[@WEEK]=VALUE±SD`.
    pub targets: Vec<String>,
    pub particles: u32,
    pub generations: u32,
    /// Candidates proposed per batch.
    pub batch: u32,
    /// The quantile of the previous generation's distances that is the next tolerance.
    pub alpha: f64,
    /// FNV-1a of all of the above but `scenario_source`: folders of different calibrations
    /// never mix.
    pub calibrate_hash: String,
}

impl CalibrateSpec {
    /// Fills in `calibrate_hash`.
    pub fn sealed(mut self) -> CalibrateSpec {
        let mut key = self.clone();
        key.calibrate_hash = String::new();
        key.scenario_source = String::new();
        let text = serde_json::to_string(&key).unwrap_or_default();
        self.calibrate_hash = super::manifest::fnv1a(text.as_bytes());
        self
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// Reads a folder's calibrate.json.
pub fn read_spec(dir: &Path) -> Result<CalibrateSpec, OutputError> {
    let path = dir.join(SPEC);
    let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
    let spec: CalibrateSpec = serde_json::from_str(&text).map_err(|e| OutputError::Io {
        path: path.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    if spec.format != FORMAT {
        return Err(OutputError::Io {
            path,
            source: std::io::Error::other(format!(
                "format {} (this belonging reads format {FORMAT})",
                spec.format
            )),
        });
    }
    Ok(spec)
}

/// Prepares a new calibration folder: locks it, refuses one that holds results unless
/// `force`, writes calibrate.json and scenario.ron. With `force`, a folder of the same
/// calibration keeps its simulated candidates.
pub fn create(
    dir: &Path,
    spec: &CalibrateSpec,
    scenario_ron: &str,
    force: bool,
) -> Result<super::lock::FolderLock, OutputError> {
    let json = spec.to_json();
    super::take_resumable(
        dir,
        force,
        || read_spec(dir).is_ok_and(|s| s.calibrate_hash == spec.calibrate_hash),
        &super::Resumable {
            files: FILES,
            derived: &["plots", GENERATIONS],
            work: &[CANDIDATES, SHARDS],
            made: &[CANDIDATES, GENERATIONS],
            first: &[
                ("scenario.ron", scenario_ron.as_bytes()),
                (SPEC, json.as_bytes()),
            ],
        },
    )
}

/// Removes the temporary files a killed calibration left.
pub fn remove_temporaries(dir: &Path) {
    super::remove_temporaries(dir);
    super::remove_temporaries(&dir.join(GENERATIONS));
    super::remove_temporaries(&dir.join("plots"));
    if let Ok(entries) = std::fs::read_dir(dir.join(CANDIDATES)) {
        for e in entries.flatten() {
            super::remove_temporaries(&e.path());
        }
    }
}

/// The folder shard `index` of a calibration in `dir` writes its candidates into.
pub fn shard_dir(dir: &Path, index: u32) -> PathBuf {
    dir.join(SHARDS).join(index.to_string())
}

/// The shard folders in `dir`, in the order of their numbers.
pub fn shard_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(dir.join(SHARDS))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_str()?.parse::<u32>().ok()?;
            e.path().is_dir().then(|| (n, e.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// Removes the shard folders once their candidates are in `dir`'s own: each only when its
/// lock can be taken (a shard still running keeps its folder). Returns the folders kept.
pub fn remove_shards(dir: &Path) -> Vec<PathBuf> {
    let mut kept = Vec::new();
    for s in shard_dirs(dir) {
        match super::lock::acquire(&s) {
            Ok(lock) => {
                let gone = std::fs::remove_dir_all(&s).is_ok();
                drop(lock);
                if !gone {
                    kept.push(s);
                }
            }
            Err(_) => kept.push(s),
        }
    }
    if kept.is_empty() {
        let _ = std::fs::remove_dir(dir.join(SHARDS));
    }
    kept
}

/// The file of candidate `index` (0-based, in proposal order over the generation's batches)
/// of generation `generation`.
pub fn candidate_path(dir: &Path, generation: u64, index: usize) -> PathBuf {
    dir.join(CANDIDATES)
        .join(format!("gen-{generation:03}"))
        .join(format!("c-{index:06}.csv"))
}

/// A number as the shortest text that reads back to the same `f64` (`NaN`, `inf` kept).
fn exact(out: &mut String, x: f64) {
    let _ = write!(out, "{x}");
}

fn seal(hash: &str, generation: u64, index: usize, theta: &[f64], body: &[u8]) -> String {
    let mut t = String::new();
    for (k, x) in theta.iter().enumerate() {
        if k > 0 {
            t.push(';');
        }
        exact(&mut t, *x);
    }
    format!(
        "# belonging candidate generation={generation} index={index} theta={t} \
         calibrate_hash={hash} fnv1a={}\n",
        super::manifest::fnv1a(body)
    )
}

/// Writes one simulated candidate: a header (`replicate` then each target), one row per
/// replicate, and a seal naming the candidate, its parameters, the calibration and the
/// checksum of the rest. `values[r][t]` is replicate r's value of target t.
pub fn write_candidate(
    dir: &Path,
    hash: &str,
    generation: u64,
    index: usize,
    theta: &[f64],
    targets: &[String],
    values: &[Vec<f64>],
) -> Result<(), OutputError> {
    let mut s = String::from("replicate");
    for t in targets {
        s.push(',');
        s.push_str(&tables::csv_field(t));
    }
    s.push('\n');
    for (r, row) in values.iter().enumerate() {
        let _ = write!(s, "{r}");
        for v in row {
            s.push(',');
            exact(&mut s, *v);
        }
        s.push('\n');
    }
    let line = seal(hash, generation, index, theta, s.as_bytes());
    s.push_str(&line);
    let path = candidate_path(dir, generation, index);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    // Not synced: the seal is checked before the file is used (a file lost in a crash of
    // the machine is simulated again).
    atomic::write_unsynced_with(&path, |out| std::io::Write::write_all(out, s.as_bytes()))
        .map_err(io_err(&path))
}

/// What a candidate file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CandidateFile {
    Missing,
    /// This candidate's replicates' target values, whole.
    Good(Vec<Vec<f64>>),
    /// Present but not to be trusted (truncated, damaged, another calibration's or another
    /// candidate's); the text says why.
    Bad(String),
}

/// Reads candidate `index` of generation `generation` and checks its seal against the
/// calibration `hash` and the parameters `theta`; `replicates` rows of `targets` values.
pub fn read_candidate(
    dir: &Path,
    hash: &str,
    generation: u64,
    index: usize,
    theta: &[f64],
    targets: usize,
    replicates: usize,
) -> CandidateFile {
    let path = candidate_path(dir, generation, index);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return CandidateFile::Missing,
        Err(e) => return CandidateFile::Bad(format!("cannot be read: {e}")),
    };
    let body_end = bytes[..bytes.len().saturating_sub(1)]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let (body, found) = bytes.split_at(body_end);
    let expected = seal(hash, generation, index, theta, body);
    if found != expected.as_bytes() {
        return CandidateFile::Bad(format!(
            "its seal does not match this calibration's candidate (`{}`)",
            String::from_utf8_lossy(found).trim_end()
        ));
    }
    let text = String::from_utf8_lossy(body);
    let mut rows = Vec::new();
    for line in text.lines().skip(1) {
        let row: Option<Vec<f64>> = line
            .split(',')
            .skip(1)
            .map(|f| f.parse::<f64>().ok())
            .collect();
        match row {
            Some(r) if r.len() == targets => rows.push(r),
            _ => return CandidateFile::Bad(format!("a malformed row: `{line}`")),
        }
    }
    if rows.len() != replicates {
        return CandidateFile::Bad(format!("{} replicates, {replicates} expected", rows.len()));
    }
    CandidateFile::Good(rows)
}

/// Writes generations/gen-TTT.csv: one row per particle (each varied path, weight, distance).
pub fn write_generation(
    dir: &Path,
    paths: &[String],
    g: &crate::stats::abc::Generation,
) -> Result<(), OutputError> {
    let path = dir
        .join(GENERATIONS)
        .join(format!("gen-{:03}.csv", g.index));
    let text = particles_csv(paths, g, true);
    atomic::write(&path, text.as_bytes()).map_err(io_err(&path))
}

fn particles_csv(paths: &[String], g: &crate::stats::abc::Generation, distance: bool) -> String {
    let mut s = String::new();
    for p in paths {
        s.push_str(&tables::csv_field(p));
        s.push(',');
    }
    s.push_str("weight");
    if distance {
        s.push_str(",distance");
    }
    s.push('\n');
    for (k, (p, w)) in g.particles.iter().zip(&g.weights).enumerate() {
        for x in p {
            tables::num(&mut s, *x);
            s.push(',');
        }
        tables::num(&mut s, *w);
        if distance {
            s.push(',');
            tables::num(&mut s, g.distances[k]);
        }
        s.push('\n');
    }
    s
}

/// Writes posterior.csv (the last generation: each varied path and `weight`).
pub fn write_posterior(
    dir: &Path,
    paths: &[String],
    g: &crate::stats::abc::Generation,
) -> Result<(), OutputError> {
    let path = dir.join("posterior.csv");
    atomic::write(&path, particles_csv(paths, g, false).as_bytes()).map_err(io_err(&path))
}

/// Writes generations.csv: generation, epsilon, acceptance_rate, ess, proposed, accepted.
pub fn write_generations(
    dir: &Path,
    gens: &[crate::stats::abc::Generation],
) -> Result<(), OutputError> {
    let mut s = String::from("generation,epsilon,acceptance_rate,ess,proposed,accepted\n");
    for g in gens {
        let _ = write!(s, "{},", g.index);
        tables::num(&mut s, g.epsilon);
        s.push(',');
        tables::num(&mut s, g.acceptance_rate);
        s.push(',');
        tables::num(&mut s, g.ess());
        let _ = writeln!(s, ",{},{}", g.proposed, g.particles.len());
    }
    let path = dir.join("generations.csv");
    atomic::write(&path, s.as_bytes()).map_err(io_err(&path))
}

/// Reads a complete calibration's last generation back (for `belonging plot DIR`): the
/// particles and weights of posterior.csv, whose header must be `paths` and `weight`, and
/// from generations.csv's last row the generation's index, ε, acceptance rate and proposals.
/// Numbers are written as the shortest text that reads back to the same `f64`, so the
/// generation read equals the one written, bit for bit — except `distances`, which
/// posterior.csv does not hold (left empty; generations/gen-TTT.csv has them).
pub fn read_posterior(
    dir: &Path,
    paths: &[String],
) -> Result<crate::stats::abc::Generation, OutputError> {
    let bad = |path: &Path, message: String| OutputError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(message),
    };
    let number = |path: &Path, line: usize, text: &str| -> Result<f64, OutputError> {
        text.trim()
            .parse::<f64>()
            .map_err(|_| bad(path, format!("line {line}: `{text}` is not a number")))
    };
    let path = dir.join("posterior.csv");
    let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let want: Vec<String> = paths
        .iter()
        .map(|p| tables::csv_field(p))
        .chain(["weight".to_string()])
        .collect();
    if header != want {
        return Err(bad(
            &path,
            format!(
                "its header is `{}`, expected `{}` (calibrate.json's fields and weight)",
                header.join(","),
                want.join(",")
            ),
        ));
    }
    let (mut particles, mut weights) = (Vec::new(), Vec::new());
    for (k, l) in lines.enumerate() {
        let fields: Vec<&str> = l.split(',').collect();
        if fields.len() != want.len() {
            return Err(bad(
                &path,
                format!(
                    "line {}: {} fields, {} expected",
                    k + 2,
                    fields.len(),
                    want.len()
                ),
            ));
        }
        let values = fields
            .iter()
            .map(|f| number(&path, k + 2, f))
            .collect::<Result<Vec<_>, _>>()?;
        weights.push(values[paths.len()]);
        particles.push(values[..paths.len()].to_vec());
    }
    if particles.is_empty() {
        return Err(bad(&path, "no particles".into()));
    }
    let gpath = dir.join("generations.csv");
    let text = std::fs::read_to_string(&gpath).map_err(io_err(&gpath))?;
    let n = text.lines().count();
    let last: Vec<&str> = text
        .lines()
        .last()
        .filter(|_| n >= 2)
        .unwrap_or_default()
        .split(',')
        .collect();
    if last.len() != 6 {
        return Err(bad(&gpath, "no complete generation".into()));
    }
    let whole = |text: &str| -> Result<u64, OutputError> {
        text.trim()
            .parse::<u64>()
            .map_err(|_| bad(&gpath, format!("line {n}: `{text}` is not a whole number")))
    };
    Ok(crate::stats::abc::Generation {
        index: whole(last[0])?,
        particles,
        weights,
        distances: Vec::new(),
        epsilon: number(&gpath, n, last[1])?,
        proposed: whole(last[4])? as usize,
        acceptance_rate: number(&gpath, n, last[2])?,
    })
}
