//! Parameter sweeps: the fields varied and their values (parsed in `scenario::sweep`: lists, stepped ranges, log
//! ranges), the design that turns them into points (full factorial, zipped lists, Latin
//! hypercube), and the flat list of jobs (point × replicate) with their seeds and shards.
//!
//! Job k of a sweep with R replicates is point k / R, replicate k % R. With common random
//! numbers (the default, [`Seeds::Common`]) it runs with the seed `job_seed(base seed, 0,
//! replicate)` — replicate r of every point, and of a plain run, shares its seed, so
//! differences between points carry no replicate noise; with [`Seeds::Independent`] the seed
//! is derived from the point's values ([`point_key`]), never from its position. Either way
//! any job rerun alone gives the same bytes, and listing the values in another order changes
//! no job's numbers.

use super::plan::{Job, Plan};
use crate::rng::{self, Phase};
pub use crate::scenario::Seeds;
use crate::stats::sensitivity;
use rand::seq::SliceRandom;

pub use crate::scenario::sweep::{tidy_number, Design, Range, SweepError, Vary, MAX_VALUES};

/// One point of a sweep: one value per varied field (in `--vary` order).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub index: u32,
    pub values: Vec<String>,
}

/// Most points (or jobs) a sweep may have.
pub const MAX_JOBS: u64 = 100_000_000;

/// The points of a sweep, produced one at a time from their index: a grid of a hundred
/// million points costs no more than its varied values until its points are asked for.
/// Grid: every combination, the last field changing fastest; zip: the k-th values of every
/// list; Latin hypercube (`seed` makes it reproducible): each field's range cut into N
/// strata, a random permutation of the strata per field (4 bytes a point), and point k
/// samples its stratum at a uniform drawn from a hash of (seed, k, field).
#[derive(Debug, Clone, PartialEq)]
pub struct PointSet {
    vary: Vec<Vary>,
    design: Design,
    seed: u64,
    len: u64,
    /// Latin hypercube: each field's permutation of the strata.
    strata: Vec<Vec<u32>>,
    /// Morris and Sobol' designs: every point in the unit cube, one coordinate per field, in
    /// the estimator's layout (`stats::sensitivity`).
    sensitivity: Option<SensitivityDesign>,
    /// The points are the varied lists' values, row k of each (a design made elsewhere, laid
    /// out for `design`'s estimator: [`PointSet::given`]).
    given: bool,
}

/// A design laid out for a sensitivity estimator.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitivityDesign {
    Morris(sensitivity::MorrisDesign),
    Sobol(sensitivity::SaltelliDesign),
}

impl SensitivityDesign {
    /// Every point in the unit cube, in the design's order.
    pub fn points(&self) -> &[Vec<f64>] {
        match self {
            SensitivityDesign::Morris(d) => &d.points,
            SensitivityDesign::Sobol(d) => &d.points,
        }
    }
}

/// Candidate trajectories per trajectory kept in a Morris design (Campolongo et al. 2007
/// choose the r of many random trajectories with the largest spread).
pub const MORRIS_CANDIDATES: usize = 10;

impl PointSet {
    /// The points of `vary` under `design`; refuses a field varied twice, zip lists of
    /// different lengths and more than [`MAX_JOBS`] points, before anything is allocated.
    pub fn new(vary: &[Vary], design: Design, seed: u64) -> Result<PointSet, SweepError> {
        for (k, v) in vary.iter().enumerate() {
            if vary[..k].iter().any(|o| o.path == v.path) {
                return Err(SweepError::Spec(format!(
                    "{} is varied twice; give each field one --vary",
                    v.path
                )));
            }
        }
        if let Some(v) = vary.iter().find(|v| v.range.is_some_and(|r| r.stepless)) {
            if matches!(design, Design::Grid | Design::Zip) {
                return Err(SweepError::Spec(format!(
                    "{}={}: a range without a step is sampled, which `{}` does not do; give \
                     a step (START..END:STEP) or use lhs:N, morris:R or sobol:N",
                    v.path,
                    v.spec,
                    design.label()
                )));
            }
        }
        let sens = match design {
            Design::Morris { .. } | Design::Sobol(_) if vary.is_empty() => {
                return Err(SweepError::Spec(format!(
                    "{} needs at least one varied field (--vary PATH=LO..HI)",
                    design.label()
                )))
            }
            Design::Morris {
                trajectories,
                levels,
            } => {
                let r = trajectories as usize;
                if (r as u64).saturating_mul(vary.len() as u64 + 1) > MAX_JOBS {
                    return Err(SweepError::Spec(format!(
                        "{} is more than {MAX_JOBS} points",
                        design.label()
                    )));
                }
                let key = rng::key(&[seed, 0x4d6f_7272_6973]);
                sensitivity::morris_design(
                    vary.len(),
                    r,
                    levels as usize,
                    MORRIS_CANDIDATES * r,
                    key,
                )
                .map(SensitivityDesign::Morris)
                .map_err(|e| SweepError::Spec(format!("{}: {e}", design.label())))?
                .into()
            }
            Design::Sobol(n) => {
                if u64::from(n).saturating_mul(vary.len() as u64 + 2) > MAX_JOBS {
                    return Err(SweepError::Spec(format!(
                        "{} is more than {MAX_JOBS} points",
                        design.label()
                    )));
                }
                sensitivity::saltelli_design(vary.len(), n as usize, None)
                    .map(SensitivityDesign::Sobol)
                    .map_err(|e| SweepError::Spec(format!("{}: {e}", design.label())))?
                    .into()
            }
            _ => None,
        };
        let len = if vary.is_empty() {
            1
        } else {
            match design {
                Design::Morris { .. } | Design::Sobol(_) => {
                    sens.as_ref().map_or(0, |d| d.points().len() as u64)
                }
                Design::Grid => vary
                    .iter()
                    .try_fold(1u64, |acc, v| acc.checked_mul(v.values.len() as u64))
                    .filter(|&n| n <= MAX_JOBS)
                    .ok_or_else(|| {
                        SweepError::Spec(format!("the grid has more than {MAX_JOBS} points"))
                    })?,
                Design::Zip => {
                    let n = vary[0].values.len();
                    if let Some(v) = vary.iter().find(|v| v.values.len() != n) {
                        return Err(SweepError::Spec(format!(
                            "--design zip needs lists of equal length: {} has {} values, {} \
                             has {}",
                            vary[0].path,
                            n,
                            v.path,
                            v.values.len()
                        )));
                    }
                    n as u64
                }
                Design::Lhs(n) => {
                    if u64::from(n) > MAX_JOBS {
                        return Err(SweepError::Spec(format!(
                            "lhs:{n} is more than {MAX_JOBS} points"
                        )));
                    }
                    u64::from(n)
                }
            }
        };
        let strata = match design {
            Design::Lhs(n) if !vary.is_empty() => {
                let mut rng = rng::stream(seed, u64::MAX - 1, Phase::Init);
                vary.iter()
                    .map(|_| {
                        let mut s: Vec<u32> = (0..n).collect();
                        s.shuffle(&mut rng);
                        s
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        Ok(PointSet {
            vary: vary.to_vec(),
            design,
            seed,
            len,
            strata,
            sensitivity: sens,
            given: false,
        })
    }

    /// A Morris or Sobol' design made elsewhere (SALib's `morris.sample`, `sobol.sample` with
    /// `calc_second_order=False`): `columns` holds each field's values, one list per field in
    /// the order of `ranges` (`PATH=LO..HI`, the same paths), row k of every list being point
    /// k; `design` (`morris:R[:P]` or `sobol:N`) says how the rows are laid out. Point k's
    /// values are the lists' own text, so a row runs exactly as written.
    ///
    /// Checked here, each refusal naming the first offending row (line = row + 2, after the
    /// header): every value a number within its range (up to a rounding of 1e-9 of the range,
    /// as LO + u (HI - LO) may give); Morris: R (k + 1) rows, R trajectories of k + 1 rows in
    /// which consecutive rows differ in exactly one field and every field moves exactly once;
    /// Sobol': N (k + 2) rows, N blocks A, AB_1 .. AB_k, B in which AB_i equals A except field
    /// i, which equals B's. Rows are compared as the parsed numbers (`f64`), exactly, with no
    /// tolerance: a sampler writes a value it did not change as the same text, so an unchanged
    /// value reads back as the same number.
    ///
    /// The unit-cube coordinate of a value is its place in its range (on a log scale for a log
    /// range). A Morris step's size Δ is the change in the moved field divided by its range's
    /// width; a step within 1e-6 (relative) of the grid's Δ = P / (2(P - 1)) is taken as
    /// exactly that Δ (the values' text is rounded: SALib's estimator, and this program's own
    /// designs, divide by that Δ), any other as measured.
    pub fn given(
        columns: &[Vary],
        ranges: &[Vary],
        design: Design,
        seed: u64,
    ) -> Result<PointSet, SweepError> {
        let k = ranges.len();
        let spec = |m: String| SweepError::Spec(m);
        if k == 0 || columns.len() != k {
            return Err(spec(format!(
                "a design file needs one column per varied field: {} columns, {k} fields",
                columns.len()
            )));
        }
        for (c, r) in columns.iter().zip(ranges) {
            if c.path != r.path {
                return Err(spec(format!(
                    "the design's column {} is not the varied field {}",
                    c.path, r.path
                )));
            }
        }
        let rows = columns[0].values.len();
        if let Some(c) = columns.iter().find(|c| c.values.len() != rows) {
            return Err(spec(format!(
                "the design's column {} has {} values, {} has {rows}",
                c.path,
                c.values.len(),
                columns[0].path
            )));
        }
        let line = |row: usize| row + 2;
        // Every value as a number, within its range, and its place on the unit cube, row by
        // row (the first offending row is named).
        let mut bounds = Vec::with_capacity(k);
        for v in ranges {
            let Some(r) = v.range else {
                return Err(spec(format!(
                    "--vary {}={}: a field of a design file needs a range LO..HI (it checks the \
                     values and scales the design)",
                    v.path, v.spec
                )));
            };
            bounds.push(r);
        }
        let mut x = vec![vec![0.0; k]; rows];
        let mut unit = vec![vec![0.0; k]; rows];
        for row in 0..rows {
            for (d, (c, r)) in columns.iter().zip(&bounds).enumerate() {
                let text = &c.values[row];
                let value = text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| {
                        spec(format!(
                            "line {}: the value `{text}` of {} is not a number",
                            line(row),
                            c.path
                        ))
                    })?;
                let slack = 1e-9 * (r.hi - r.lo);
                if value < r.lo - slack || value > r.hi + slack {
                    return Err(spec(format!(
                        "line {}: the value {text} of {} is outside its range {} (--vary)",
                        line(row),
                        c.path,
                        ranges[d].spec
                    )));
                }
                x[row][d] = value;
                unit[row][d] = unit_of(r, value);
            }
        }
        let names = |ds: &[usize]| -> String {
            ds.iter()
                .map(|&d| ranges[d].path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sens = match design {
            Design::Morris {
                trajectories,
                levels,
            } => {
                let r = trajectories as usize;
                if rows != r * (k + 1) {
                    return Err(spec(format!(
                        "{} with {k} fields needs {r} trajectories x {} rows = {} rows; the \
                         design file has {rows}",
                        design.label(),
                        k + 1,
                        r * (k + 1)
                    )));
                }
                let p = levels as f64;
                let delta = p / (2.0 * (p - 1.0));
                let mut steps = Vec::with_capacity(r * k);
                let mut sizes = Vec::with_capacity(r * k);
                for t in 0..r {
                    let mut moved = vec![false; k];
                    for m in 1..=k {
                        let (a, b) = (t * (k + 1) + m - 1, t * (k + 1) + m);
                        let changed: Vec<usize> = (0..k).filter(|&d| x[b][d] != x[a][d]).collect();
                        let [d] = changed[..] else {
                            return Err(spec(format!(
                                "line {} (row {b}, trajectory {t}): {} from the row before; in a \
                                 Morris trajectory (k + 1 = {} rows) each row changes exactly one field",
                                line(b),
                                if changed.is_empty() {
                                    "changes no field".to_string()
                                } else {
                                    format!("changes {}", names(&changed))
                                },
                                k + 1
                            )));
                        };
                        if moved[d] {
                            return Err(spec(format!(
                                "line {} (row {b}, trajectory {t}): changes {} a second time; in \
                                 a Morris trajectory every field moves exactly once",
                                line(b),
                                ranges[d].path
                            )));
                        }
                        moved[d] = true;
                        let size = (unit[b][d] - unit[a][d]).abs();
                        if size == 0.0 {
                            return Err(spec(format!(
                                "line {} (row {b}, trajectory {t}): {} moves by nothing on its \
                                 range",
                                line(b),
                                ranges[d].path
                            )));
                        }
                        steps.push(sensitivity::Step {
                            factor: d,
                            up: unit[b][d] > unit[a][d],
                        });
                        sizes.push(if (size - delta).abs() <= 1e-6 * delta {
                            delta
                        } else {
                            size
                        });
                    }
                }
                SensitivityDesign::Morris(sensitivity::MorrisDesign {
                    factors: k,
                    trajectories: r,
                    levels: levels as usize,
                    delta,
                    points: unit,
                    steps,
                    step_sizes: Some(sizes),
                })
            }
            Design::Sobol(n) => {
                let n = n as usize;
                if rows != n * (k + 2) {
                    return Err(spec(format!(
                        "{} with {k} fields needs {n} blocks x {} rows (A, AB_1 .. AB_{k}, B) = \
                         {} rows; the design file has {rows}",
                        design.label(),
                        k + 2,
                        n * (k + 2)
                    )));
                }
                for j in 0..n {
                    let (a, b) = (j * (k + 2), j * (k + 2) + k + 1);
                    for i in 0..k {
                        let ab = a + 1 + i;
                        let wrong: Vec<usize> = (0..k)
                            .filter(|&d| x[ab][d] != if d == i { x[b][d] } else { x[a][d] })
                            .collect();
                        if !wrong.is_empty() {
                            return Err(spec(format!(
                                "line {} (row {ab}, block {j}'s AB for {}): must equal A (line \
                                 {}) except {}, which must equal B's (line {}); it differs in {}",
                                line(ab),
                                ranges[i].path,
                                line(a),
                                ranges[i].path,
                                line(b),
                                names(&wrong)
                            )));
                        }
                    }
                }
                SensitivityDesign::Sobol(sensitivity::SaltelliDesign {
                    factors: k,
                    base: n,
                    points: unit,
                })
            }
            other => {
                return Err(spec(format!(
                    "{}: a design file is read as morris:R[:P] or sobol:N",
                    other.label()
                )))
            }
        };
        Ok(PointSet {
            vary: columns.to_vec(),
            design,
            seed,
            len: rows as u64,
            strata: Vec::new(),
            sensitivity: Some(sens),
            given: true,
        })
    }

    /// Whether the points are a design made elsewhere ([`PointSet::given`]).
    pub fn is_given(&self) -> bool {
        self.given
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes these points hold besides their varied values (the hypercube's permutations,
    /// a sensitivity design's unit-cube points).
    pub fn bytes(&self) -> u64 {
        let strata: u64 = self.strata.iter().map(|s| 4 * s.len() as u64).sum();
        let unit: u64 = self.sensitivity.as_ref().map_or(0, |d| {
            d.points().iter().map(|p| 8 * p.len() as u64 + 24).sum()
        });
        strata + unit
    }

    /// The Morris or Sobol' design, laid out for its estimator (`None` for other designs).
    pub fn sensitivity(&self) -> Option<&SensitivityDesign> {
        self.sensitivity.as_ref()
    }

    /// The design.
    pub fn design(&self) -> Design {
        self.design
    }

    /// The varied fields.
    pub fn vary(&self) -> &[Vary] {
        &self.vary
    }

    /// Point `k`'s values, one per varied field (in `--vary` order); `k < len()`.
    pub fn point(&self, k: u64) -> Vec<String> {
        let vary = &self.vary;
        if self.given {
            return vary.iter().map(|v| v.values[k as usize].clone()).collect();
        }
        match self.design {
            Design::Grid => {
                let mut row = vec![String::new(); vary.len()];
                let mut rest = k;
                for (d, v) in vary.iter().enumerate().rev() {
                    let n = v.values.len() as u64;
                    row[d] = v.values[(rest % n) as usize].clone();
                    rest /= n;
                }
                row
            }
            Design::Zip => vary.iter().map(|v| v.values[k as usize].clone()).collect(),
            Design::Lhs(n) => vary
                .iter()
                .enumerate()
                .map(|(d, v)| {
                    let draw = rng::key(&[self.seed, k, d as u64]);
                    let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
                    at_unit(
                        v,
                        (f64::from(self.strata[d][k as usize]) + unit) / f64::from(n),
                    )
                })
                .collect(),
            Design::Morris { .. } | Design::Sobol(_) => {
                let unit = self.sensitivity.as_ref().map(|d| &d.points()[k as usize]);
                vary.iter()
                    .zip(unit.into_iter().flatten())
                    .map(|(v, &u)| at_unit(v, u))
                    .collect()
            }
        }
    }

    /// Every point (for small sweeps, tests and plots).
    pub fn all(&self) -> Vec<Vec<String>> {
        (0..self.len).map(|k| self.point(k)).collect()
    }
}

/// The value of a varied field at `u` in [0, 1]: a range's point that far along (on a log
/// scale for a log range, rounded for a whole-number range), or a list's value whose share
/// of the unit interval holds `u`.
fn at_unit(v: &Vary, u: f64) -> String {
    match v.range {
        Some(r) => {
            let x = if r.log {
                (r.lo.ln() + u * (r.hi.ln() - r.lo.ln())).exp()
            } else {
                r.lo + u * (r.hi - r.lo)
            };
            if r.integer {
                format!("{}", x.round() as i64)
            } else {
                tidy_number(x)
            }
        }
        None => {
            let i = ((u * v.values.len() as f64) as usize).min(v.values.len() - 1);
            v.values[i].clone()
        }
    }
}

/// The place of `x` in the range `r` (0 at LO, 1 at HI; on a log scale for a log range), kept
/// in [0, 1]: the inverse of [`at_unit`] for ranges.
fn unit_of(r: &Range, x: f64) -> f64 {
    let u = if r.log {
        (x.ln() - r.lo.ln()) / (r.hi.ln() - r.lo.ln())
    } else {
        (x - r.lo) / (r.hi - r.lo)
    };
    u.clamp(0.0, 1.0)
}

/// The points of a sweep, all at once (small sweeps and tests; see [`PointSet`]).
pub fn points(vary: &[Vary], design: Design, seed: u64) -> Result<Vec<Point>, SweepError> {
    let set = PointSet::new(vary, design, seed)?;
    Ok((0..set.len())
        .map(|k| Point {
            index: k as u32,
            values: set.point(k),
        })
        .collect())
}

/// The key of a point for [`Seeds::Independent`]: a hash of its `path=value` pairs, sorted
/// by path, so the same values give the same key wherever the point sits in the design and
/// whatever the order of the `--vary` flags.
pub fn point_key(paths: &[String], values: &[String]) -> u64 {
    let mut pairs: Vec<(&str, &str)> = paths
        .iter()
        .map(String::as_str)
        .zip(values.iter().map(String::as_str))
        .collect();
    pairs.sort_unstable();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (path, value) in pairs {
        for b in path.bytes().chain([b'=']).chain(value.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    // Never 0, the key of common random numbers.
    h | 1
}

/// The flat job list: point-major, `replicates` jobs per point; `seeds` says how replicates
/// are seeded (independent seeds ask each point for its values).
pub fn plan(
    points: &PointSet,
    replicates: u32,
    base_seed: u64,
    seeds: Seeds,
) -> Result<Plan, SweepError> {
    let paths: Vec<String> = points.vary.iter().map(|v| v.path.clone()).collect();
    let total = points.len().saturating_mul(replicates as u64);
    if total > MAX_JOBS || total > u32::MAX as u64 {
        return Err(SweepError::Spec(format!(
            "{total} jobs is more than {MAX_JOBS}"
        )));
    }
    let mut jobs = Vec::with_capacity(total as usize);
    for p in 0..points.len() {
        let key = match seeds {
            Seeds::Common => 0,
            Seeds::Independent => point_key(&paths, &points.point(p)),
        };
        for r in 0..replicates {
            jobs.push(Job {
                index: jobs.len() as u32,
                point: p as u32,
                replicate: r,
                seed: rng::job_seed(base_seed, key, r as u64),
            });
        }
    }
    Ok(Plan { base_seed, jobs })
}

/// A deterministic slice of the job list: jobs whose index is `index` modulo `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` (0 <= I < N), or `slurm` (I from `SLURM_ARRAY_TASK_ID` minus
    /// `SLURM_ARRAY_TASK_MIN`, N from `SLURM_ARRAY_TASK_COUNT`), reading the environment
    /// through `env`.
    pub fn parse(arg: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, SweepError> {
        let err = |message: String| SweepError::Shard {
            arg: arg.to_string(),
            message,
        };
        let (i, n) = if arg.trim() == "slurm" {
            let get = |name: &str| -> Result<u32, SweepError> {
                let v = env(name).ok_or_else(|| {
                    err(format!(
                        "{name} is not set: --shard slurm is for jobs of a SLURM job array \
                         (sbatch --array)"
                    ))
                })?;
                v.trim()
                    .parse::<u32>()
                    .map_err(|_| err(format!("{name}={v} is not a whole number")))
            };
            let id = get("SLURM_ARRAY_TASK_ID")?;
            let min = match env("SLURM_ARRAY_TASK_MIN") {
                Some(_) => get("SLURM_ARRAY_TASK_MIN")?,
                None => 0,
            };
            let count = get("SLURM_ARRAY_TASK_COUNT")?;
            (
                id.checked_sub(min).ok_or_else(|| {
                    err(format!(
                        "SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                    ))
                })?,
                count,
            )
        } else {
            let (i, n) = arg
                .split_once('/')
                .ok_or_else(|| err("expected I/N (e.g. 0/4) or slurm".into()))?;
            let parse = |s: &str| {
                s.trim()
                    .parse::<u32>()
                    .map_err(|_| err(format!("`{s}` is not a whole number")))
            };
            (parse(i)?, parse(n)?)
        };
        if n == 0 || i >= n {
            return Err(err(format!(
                "shard {i} of {n}: need 0 <= I < N (shards are numbered from 0)"
            )));
        }
        Ok(Shard { index: i, count: n })
    }

    pub fn contains(&self, job: u32) -> bool {
        job % self.count == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(arg: &str) -> Vary {
        Vary::parse(arg).unwrap()
    }

    /// A design file's Morris steps: a step within 1e-6 of the grid's Δ (text rounded to 9
    /// digits) is exactly Δ, another is its measured share of the range; the points are the
    /// file's text; a Sobol' block is read as A, AB_i, B.
    #[test]
    fn a_given_design_takes_its_steps_from_the_values_and_ranges() {
        let ranges = [vary("a=0..1"), vary("b=10..20")];
        let cols = |a: &str, b: &str| [vary(&format!("a={a}")), vary(&format!("b={b}"))];
        // Trajectory 0 moves a by 2/3 (to 9 digits) then b by 5 (0.5 of 10..20).
        let c = cols(
            "0,0.666666667,0.666666667,0.333333333,1,1",
            "10,10,15,20,20,10",
        );
        let morris = Design::Morris {
            trajectories: 2,
            levels: 4,
        };
        let set = PointSet::given(&c, &ranges, morris, 1).unwrap();
        assert!(set.is_given());
        assert_eq!(set.point(1), vec!["0.666666667".to_string(), "10".into()]);
        let Some(SensitivityDesign::Morris(d)) = set.sensitivity() else {
            panic!("a Morris design")
        };
        assert_eq!(d.step_sizes, Some(vec![2.0 / 3.0, 0.5, 2.0 / 3.0, 1.0]));
        assert_eq!(
            d.steps.iter().map(|s| (s.factor, s.up)).collect::<Vec<_>>(),
            [(0, true), (1, true), (0, true), (1, false)]
        );
        // One field moved twice in a trajectory: refused, naming the line.
        let twice = cols("0,0.6,0.3,0.3,1,1", "10,10,10,20,20,10");
        let e = PointSet::given(&twice, &ranges, morris, 1).unwrap_err();
        assert!(
            e.to_string().contains("line 4 (row 2, trajectory 0)"),
            "{e}"
        );
        // Sobol': blocks A, AB_a, AB_b, B.
        let set = PointSet::given(
            &cols("0.1,0.2,0.1,0.2,0,1,0,1", "11,11,19,19,10,10,20,20"),
            &ranges,
            Design::Sobol(2),
            1,
        )
        .unwrap();
        assert_eq!(set.len(), 8);
    }

    #[test]
    fn values_lists_and_ranges() {
        assert_eq!(vary("support.capacity=6,10,14").values, ["6", "10", "14"]);
        assert_eq!(
            vary("events[0].hazard=0.001..0.004:0.001").values,
            ["0.001", "0.002", "0.003", "0.004"]
        );
        let v = vary("population.size=1000..3000:1000");
        assert_eq!(v.values, ["1000", "2000", "3000"]);
        assert!(v.range.unwrap().integer);
        assert_eq!(
            vary("x=0.0001..0.1:log4").values,
            ["0.0001", "0.001", "0.01", "0.1"]
        );
        assert_eq!(vary("x=0.1..0.3:0.1").values, ["0.1", "0.2", "0.3"]);
        assert_eq!(
            vary("e=Some((step: 26, fraction: 0.1)),None").values,
            ["Some((step: 26, fraction: 0.1))", "None"]
        );
        for bad in [
            "x",
            "=1",
            "x=",
            "x=1..",
            "x=2..1",
            "x=1..1",
            "x=2..1:1",
            "x=1..2:0",
            "x=0..1:log1",
            "x=0..1:log3",
            "x=a..b:1",
            "x=1,,2",
            "x=0..1:1e-9",
        ] {
            assert!(Vary::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn designs() {
        let a = vary("a=1,2");
        let b = vary("b=x,y,z");
        let g = points(&[a.clone(), b.clone()], Design::Grid, 1).unwrap();
        assert_eq!(g.len(), 6);
        assert_eq!(g[1].values, ["1", "y"]);
        assert_eq!(g[5].values, ["2", "z"]);
        assert!(points(&[a.clone(), b.clone()], Design::Zip, 1).is_err());
        let z = points(&[vary("a=1,2,3"), b.clone()], Design::Zip, 1).unwrap();
        assert_eq!(z[2].values, ["3", "z"]);
        assert!(points(&[a.clone(), a.clone()], Design::Grid, 1).is_err());
        assert_eq!(Design::parse("lhs:5").unwrap(), Design::Lhs(5));
        assert!(Design::parse("lhs:0").is_err());
        assert!(Design::parse("cube").is_err());
    }

    #[test]
    fn a_huge_grid_is_produced_point_by_point() {
        // 10^4 x 10^4 = 10^8 points: counted, and any point given by its index, at once.
        let big = [vary("a=1..10000:1"), vary("b=1..10000:1")];
        let set = PointSet::new(&big, Design::Grid, 1).unwrap();
        assert_eq!(set.len(), 100_000_000);
        assert_eq!(set.bytes(), 0);
        assert_eq!(set.point(0), ["1", "1"]);
        assert_eq!(set.point(10_001), ["2", "2"]);
        assert_eq!(set.point(99_999_999), ["10000", "10000"]);
        let more = [vary("a=1..10000:1"), vary("b=1..10000:1"), vary("c=1,2")];
        assert!(PointSet::new(&more, Design::Grid, 1).is_err());
    }

    #[test]
    fn latin_hypercube_uses_every_stratum_once_and_is_reproducible() {
        let v = vary("x=0..1:0.5");
        let n = 10;
        let p = points(std::slice::from_ref(&v), Design::Lhs(n), 7).unwrap();
        let mut strata: Vec<usize> = p
            .iter()
            .map(|pt| (pt.values[0].parse::<f64>().unwrap() * n as f64) as usize)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..n as usize).collect::<Vec<_>>());
        assert_eq!(
            p,
            points(std::slice::from_ref(&v), Design::Lhs(n), 7).unwrap()
        );
        assert_ne!(p, points(&[v], Design::Lhs(n), 8).unwrap());
    }

    /// Morris and Sobol' designs over continuous ranges: as many points as the estimator's
    /// layout needs, every value inside its range (rounded for whole-number ranges), the same
    /// points from the same seed; grid and zip refuse a range without a step.
    #[test]
    fn sensitivity_designs_sample_the_ranges_in_the_estimators_layout() {
        let v = [vary("a=0.1..0.3"), vary("b=2..8"), vary("c=x,y")];
        assert_eq!(v[0].values, ["0.1", "0.3"]);
        assert!(v[1].range.is_some_and(|r| r.integer && r.stepless));
        let m = Design::parse("morris:5").unwrap();
        assert_eq!(
            m,
            Design::Morris {
                trajectories: 5,
                levels: 4
            }
        );
        let set = PointSet::new(&v, m, 3).unwrap();
        assert_eq!(set.len(), 5 * (3 + 1));
        let s = PointSet::new(&v, Design::Sobol(8), 3).unwrap();
        assert_eq!(s.len(), 8 * (3 + 2));
        for set in [&set, &s] {
            assert!(set.sensitivity().is_some());
            for k in 0..set.len() {
                let p = set.point(k);
                let a: f64 = p[0].parse().unwrap();
                let b: i64 = p[1].parse().expect("a whole number");
                assert!((0.1..=0.3).contains(&a), "{p:?}");
                assert!((2..=8).contains(&b), "{p:?}");
                assert!(p[2] == "x" || p[2] == "y", "{p:?}");
            }
        }
        assert_eq!(set, PointSet::new(&v, m, 3).unwrap());
        // Morris: consecutive points of a trajectory differ in one field.
        for k in 1..4 {
            let (x, y) = (set.point(k - 1), set.point(k));
            assert_eq!(
                x.iter().zip(&y).filter(|(a, b)| a != b).count(),
                1,
                "{x:?} {y:?}"
            );
        }
        for d in [Design::Grid, Design::Zip] {
            let e = PointSet::new(&v[..1], d, 1).unwrap_err().to_string();
            assert!(e.contains("without a step"), "{e}");
        }
        for bad in ["morris:1", "morris:4:3", "sobol:6", "sobol:0"] {
            assert!(Design::parse(bad).is_err(), "{bad}");
        }
        assert!(PointSet::new(&[], m, 1).is_err());
        assert!(Vary::parse("a=0.3..0.1").is_err());
    }

    fn values(v: &[&str]) -> PointSet {
        PointSet::new(&[vary(&format!("a={}", v.join(",")))], Design::Grid, 1).unwrap()
    }

    #[test]
    fn jobs_are_point_major_and_share_seeds_across_points() {
        let plan = plan(&values(&["1", "2", "3"]), 2, 5, Seeds::Common).unwrap();
        assert_eq!(plan.jobs.len(), 6);
        assert_eq!((plan.jobs[3].point, plan.jobs[3].replicate), (1, 1));
        // Common random numbers: replicate r of every point has replicate r's seed of a run.
        for j in &plan.jobs {
            assert_eq!(j.seed, rng::job_seed(5, 0, j.replicate as u64));
            assert_eq!(
                j.seed,
                super::super::Plan::replicates(5, 2).jobs[j.replicate as usize].seed
            );
        }
    }

    #[test]
    fn independent_seeds_follow_the_values_not_their_order() {
        let fwd = plan(&values(&["1", "2", "3"]), 2, 5, Seeds::Independent).unwrap();
        let rev = plan(&values(&["3", "2", "1"]), 2, 5, Seeds::Independent).unwrap();
        // Point "1" is point 0 forwards and point 2 backwards: same seeds.
        for r in 0..2 {
            assert_eq!(fwd.jobs[r].seed, rev.jobs[4 + r].seed);
        }
        // Every job its own seed.
        let mut seeds: Vec<u64> = fwd.jobs.iter().map(|j| j.seed).collect();
        seeds.sort_unstable();
        seeds.dedup();
        assert_eq!(seeds.len(), 6);
        // Two fields given in the other order: the same key.
        let ab = point_key(&["a".into(), "b".into()], &["1".into(), "x".into()]);
        let ba = point_key(&["b".into(), "a".into()], &["x".into(), "1".into()]);
        assert_eq!(ab, ba);
        assert_ne!(
            ab,
            point_key(&["a".into(), "b".into()], &["x".into(), "1".into()])
        );
    }

    #[test]
    fn shards_partition_the_jobs() {
        let none = |_: &str| None;
        let shards: Vec<Shard> = (0..3)
            .map(|i| Shard::parse(&format!("{i}/3"), none).unwrap())
            .collect();
        for job in 0..20 {
            assert_eq!(shards.iter().filter(|s| s.contains(job)).count(), 1);
        }
        assert!(Shard::parse("3/3", none).is_err());
        assert!(Shard::parse("slurm", none).is_err());
        let env = |k: &str| match k {
            "SLURM_ARRAY_TASK_ID" => Some("5".to_string()),
            "SLURM_ARRAY_TASK_MIN" => Some("4".to_string()),
            "SLURM_ARRAY_TASK_COUNT" => Some("2".to_string()),
            _ => None,
        };
        assert_eq!(
            Shard::parse("slurm", env).unwrap(),
            Shard { index: 1, count: 2 }
        );
    }
}
