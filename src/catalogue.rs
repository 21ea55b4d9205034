//! What the stages name in common: the output metrics (the columns of `timeseries.csv`, in
//! order) and the range each lies in. A leaf of the crate: the scenario stage checks a
//! sweep's metric by name here, the model computes the values (`model::metrics`), output,
//! plots and validation read them by the same names.

macro_rules! metrics {
    ($($name:ident),* $(,)?) => {
        /// Index of each metric in [`Metrics::values`].
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        pub enum M { $($name),* }
        /// Metric names, in column order.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

metrics!(
    loneliness_mean,
    loneliness_prevalence,
    loneliness_mean_affected,
    loneliness_prevalence_affected,
    loneliness_mean_unaffected,
    loneliness_prevalence_unaffected,
    belonging_mean,
    attachment_mean,
    membership_mean,
    collective_mean,
    belonging_mean_affected,
    attachment_mean_affected,
    membership_mean_affected,
    collective_mean_affected,
    belonging_mean_unaffected,
    attachment_mean_unaffected,
    membership_mean_unaffected,
    collective_mean_unaffected,
    affected,
    active_conditions,
    new_events,
    support_groups,
    support_members,
    support_mean_size,
    support_joins,
    support_dropouts,
    support_graduations,
    support_founded,
    support_dissolved,
    support_identification,
    support_coherence,
    support_waiting,
    exclusions,
    exclusion_mean,
    resigned,
    ties,
    mean_degree,
    mean_tie_weight,
    isolated,
    groups_per_agent,
    group_joins,
    group_leaves,
    approach_mean,
    distress_mean,
    regulation_mean,
    integration_mean_affected,
    identity_diversity,
    identity_clusters,
    largest_cluster_share,
);

pub const COUNT: usize = NAMES.len();

/// Index of a metric by name.
pub fn index_of(name: &str) -> Option<usize> {
    NAMES.iter().position(|n| *n == name)
}

/// The range of metric `m` (an index into [`NAMES`]): its confidence intervals stay inside
/// it. Shares and scores lie in [0, 1]; counts, sizes and degrees are at least 0.
pub fn bounds(m: usize) -> crate::stats::Bounds {
    use crate::stats::Bounds;
    use M::*;
    const UNIT: &[M] = &[
        loneliness_mean,
        loneliness_prevalence,
        loneliness_mean_affected,
        loneliness_prevalence_affected,
        loneliness_mean_unaffected,
        loneliness_prevalence_unaffected,
        belonging_mean,
        attachment_mean,
        membership_mean,
        collective_mean,
        belonging_mean_affected,
        attachment_mean_affected,
        membership_mean_affected,
        collective_mean_affected,
        belonging_mean_unaffected,
        attachment_mean_unaffected,
        membership_mean_unaffected,
        collective_mean_unaffected,
        support_identification,
        support_coherence,
        exclusion_mean,
        mean_tie_weight,
        approach_mean,
        distress_mean,
        regulation_mean,
        integration_mean_affected,
        largest_cluster_share,
    ];
    if UNIT.iter().any(|&u| u as usize == m) {
        Bounds::UNIT
    } else {
        // Every other metric is a count, a size, a degree or a diversity (a distance).
        Bounds::NON_NEGATIVE
    }
}
