//! manifest.json: what was run, by which tool, how long it took, and whether the folder is
//! complete. `status` is `complete` only after every file has been written.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Running,
    Complete,
    Partial,
    Failed,
}

/// The git commit this binary was built from (its first 12 hex digits), or `unknown` when it
/// was built without git (see build.rs).
pub const COMMIT: &str = env!("BELONGING_COMMIT");

/// What `belonging --version` prints after the name: the version, the commit and whether the
/// build was dirty, e.g. `0.3.0 (commit 1a2b3c4d5e6f, dirty)` or `0.3.0 (commit unknown)`.
pub const LONG_VERSION: &str = env!("BELONGING_LONG_VERSION");

/// Whether the files this binary was built from (src/, scenarios/, build.rs, Cargo.toml,
/// Cargo.lock) had uncommitted changes against [`COMMIT`]; None when the commit is unknown.
pub fn dirty() -> Option<bool> {
    match env!("BELONGING_DIRTY") {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The code a results folder was made by: a commit and whether the tree was dirty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    pub commit: String,
    pub dirty: Option<bool>,
}

impl Build {
    /// This binary's build.
    pub fn this() -> Build {
        Build {
            commit: COMMIT.into(),
            dirty: dirty(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    /// The git commit of the build that started the run ([`COMMIT`]: 12 hex digits, or
    /// `unknown`); empty in manifests written before 0.3.0 recorded it.
    #[serde(default)]
    pub commit: String,
    /// Whether that build was dirty ([`dirty`]); null when unknown.
    #[serde(default)]
    pub dirty: Option<bool>,
    /// Other builds (of the same version) that resumed the run after it stopped, in order;
    /// absent when none did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resumed_by: Vec<Build>,
    pub status: Status,
    pub scenario: String,
    pub scenario_source: String,
    /// FNV-1a 64 of the resolved scenario text (scenario.ron).
    pub scenario_hash: String,
    pub command: Vec<String>,
    pub seed: u64,
    pub replicates: u32,
    /// Replicates finished and kept (in `parts/` until the run is complete); `replicates`
    /// once complete. An interrupted run (`partial`) is completed by `run --resume`.
    #[serde(default)]
    pub jobs_done: u32,
    pub steps: u32,
    pub burn_in: u32,
    pub agents: u32,
    pub threads: usize,
    pub lonely_threshold: f64,
    pub started: String,
    pub finished: Option<String>,
    pub wall_seconds: Option<f64>,
    pub agent_steps: u64,
    pub agent_steps_per_second: Option<f64>,
    /// Peak resident memory of the process (bytes; Linux `VmHWM`), `null` where unknown.
    #[serde(default)]
    pub peak_memory_bytes: Option<u64>,
    /// The memory the run was estimated to need at its peak before it started (bytes;
    /// `experiment::runner::estimate_run_bytes`), checked against the memory available.
    #[serde(default)]
    pub memory_estimate_bytes: Option<u64>,
    /// The vector instructions the loops in lanes used (`primitives::lanes::Level::name`): speed
    /// only, never a number (every level gives the same bits). Empty in manifests written
    /// before 0.2.0 recorded it, and until the run ends.
    #[serde(default)]
    pub vector_instructions: String,
    /// Where this process's wall time went, phase by phase ([`PhaseSeconds`]); absent in
    /// manifests written before 0.4.0 recorded it, and until the run ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_seconds: Option<PhaseSeconds>,
    pub files: Vec<String>,
    /// Per replicate: its seed, the last recorded step it simulated and whether it stopped
    /// at absorption (the same as runs.csv).
    #[serde(default)]
    pub runs: Vec<RunInfo>,
}

/// Seconds of the process's wall time by phase; they add up to `wall_seconds`.
///
/// The jobs run side by side, so their phases are shares of the jobs' wall time: each phase's
/// thread-seconds summed over the jobs ([`crate::experiment::job::JobSeconds`] and the
/// writing of each job's parts), scaled so that the phases of the jobs add up to the time the
/// jobs took. Joining the tables, drawing the plots and the rest are timed directly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseSeconds {
    /// Reading the scenario, checks, preparing the folder, checking parts on a resume,
    /// removing the parts at the end.
    pub setup: f64,
    /// Building the worlds.
    pub build: f64,
    /// The weeks (burn-in and recorded).
    pub simulate: f64,
    /// Recording: weekly metrics, event-aligned curve, trajectories, prototypes, snapshots.
    pub metrics: f64,
    /// Writing the tables: each job's parts, joining them, summary.csv, the manifest.
    pub write: f64,
    /// Drawing the plots.
    pub plot: f64,
}

impl PhaseSeconds {
    /// Their sum (the wall time they account for).
    pub fn total(&self) -> f64 {
        self.setup + self.build + self.simulate + self.metrics + self.write + self.plot
    }

    /// One line for the terminal, e.g. `setup 0.01 s, build 1.02 s, simulate 14.9 s, ...`.
    pub fn line(&self) -> String {
        [
            ("setup", self.setup),
            ("build", self.build),
            ("simulate", self.simulate),
            ("metrics", self.metrics),
            ("write", self.write),
            ("plot", self.plot),
        ]
        .iter()
        .map(|(name, s)| format!("{name} {s:.2} s"))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Peak resident memory of this process so far, in bytes (Linux: `VmHWM` of
/// /proc/self/status); None where the system does not say.
pub fn peak_memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// How one replicate ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    pub replicate: u32,
    pub seed: u64,
    pub stop_step: u32,
    pub absorbed: bool,
}

impl Manifest {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }
}

/// FNV-1a 64-bit hash, as 16 hex digits (stable across platforms and versions).
pub fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Seconds since the Unix epoch as (UTC) `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Compact UTC stamp for folder names: `YYYYMMDD-HHMMSS`.
pub fn stamp(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}{mo:02}{d:02}-{h:02}{mi:02}{s:02}")
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Days-to-civil conversion (Howard Hinnant's algorithm).
fn civil(secs: u64) -> (i64, u32, u32, u64, u64, u64) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(stamp(951_782_400), "20000229-000000");
    }

    #[test]
    fn fnv_known() {
        assert_eq!(fnv1a(b""), "cbf29ce484222325");
        assert_eq!(fnv1a(b"a"), "af63dc4c8601ec8c");
    }
}
