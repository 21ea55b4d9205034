//! `sweep`: a parameter sweep in the file, for `belonging sweep` (SCENARIOS.md §4, `sweep`;
//! no ODD section: it runs the model, it is not part of it). Its language is `scenario::sweep`.

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

/// The `sweep` section: varied fields in the syntax of `--vary` and the design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SweepSection {
    /// `PATH=VALUES` items: `"support.capacity=6,10,14"`, `"events[0].hazard=0.001..0.004:0.001"`,
    /// `"belonging.contagion=0.01..1:log5"`.
    pub vary: Vec<String>,
    /// `"grid"`, `"zip"` or `"lhs:N"`.
    pub design: String,
    /// The metric the sweep's plots draw (a column of timeseries.csv; `--metric`).
    pub metric: String,
    /// `Common`: replicate r of every point runs with the same seed (common random numbers,
    /// so differences between points carry no replicate noise); `Independent`: each point's
    /// replicates get seeds of their own (`--independent-seeds`).
    pub seeds: Seeds,
}

/// How the replicates of different sweep points (or compare arms) are seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Seeds {
    /// Replicate r of every point uses seed `job_seed(seed, 0, r)`, as replicate r of a run.
    #[default]
    Common,
    /// Replicate r of a point uses a seed derived from the point's values (never from its
    /// position in the list), so reordering `--vary` values changes no job's numbers.
    Independent,
}

impl Default for SweepSection {
    fn default() -> Self {
        SweepSection {
            vary: Vec::new(),
            design: "grid".into(),
            metric: "loneliness_prevalence".into(),
            seeds: Seeds::Common,
        }
    }
}

impl SweepSection {
    /// Every item, the design and the metric parse, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        let sweep = self;
        use crate::scenario::sweep::{Design, Vary};
        for (k, v) in sweep.vary.iter().enumerate() {
            if let Err(e) = Vary::parse(v) {
                c.push(format!("sweep.vary[{k}]"), e.to_string());
            }
        }
        if let Err(e) = Design::parse(&sweep.design) {
            c.push("sweep.design", e.to_string());
        }
        if crate::catalogue::index_of(&sweep.metric).is_none() {
            c.push(
                "sweep.metric",
                format!(
                    "`{}` is not a metric; the metrics are the columns of timeseries.csv \
                     (docs/OUTPUTS.md), e.g. loneliness_prevalence",
                    sweep.metric
                ),
            );
        }
    }
}
