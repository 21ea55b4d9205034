//! The RON schema of a scenario: serde types with documented defaults.
//!
//! Every struct denies unknown fields (a misspelled key is an error) and fills
//! every missing field from its `Default`, so a minimal scenario is a few lines.
//! `docs/SCENARIOS.md` is the reference of every field; keep the two in step.

pub use super::sections::volunteering::Volunteering;
use serde::{Deserialize, Serialize};

/// A whole scenario: who lives in the town, which groups and life events exist,
/// and every parameter of the dynamics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Short name, used in output folder names and plot titles.
    pub name: String,
    /// One line for `belonging list` and plot subtitles.
    pub description: String,
    /// Base seed; replicate r runs with a seed derived from (seed, r).
    pub seed: u64,
    /// Simulated weeks recorded (after the burn-in).
    pub steps: u32,
    /// Weeks simulated before recording starts, without life events, so the
    /// network settles from its initial condition.
    pub burn_in: u32,
    /// Independent replicates (each with its own seed).
    pub replicates: u32,
    pub population: Population,
    /// Kinds of ordinary groups (families, workplaces, friend circles, community groups, ...).
    pub groups: Vec<GroupKind>,
    pub support: Support,
    /// Kinds of life events.
    pub events: Vec<EventKind>,
    pub network: Network,
    pub identity: Identity,
    pub attendance: Attendance,
    pub interaction: Interaction,
    pub exclusion: Exclusion,
    pub ties: Ties,
    pub membership: Membership,
    pub volunteering: Volunteering,
    pub belonging: Belonging,
    pub traits: Traits,
    /// Facilitated group programmes offered to lonely agents (none by default).
    pub interventions: Vec<Intervention>,
    /// When a replicate stops: after `steps` recorded steps, or earlier at absorption.
    pub stop: Stop,
    pub output: Output,
    /// A parameter sweep for `belonging sweep` (`--vary` and `--design` replace it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSection>,
}

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

/// A trait distribution in [0, 1]: a Beta distribution with this mean and standard deviation
/// (sd = 0 gives the constant `mean`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dist {
    pub mean: f64,
    pub sd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Population {
    /// Number of agents.
    pub size: u32,
    /// Need to belong (Baumeister & Leary 1995), a fixed trait.
    pub need: Dist,
    /// Baseline willingness to seek contact and support.
    pub approach: Dist,
    /// Baseline emotional-regulation capacity.
    pub regulation: Dist,
}

/// One kind of ordinary group. Agents are placed into groups of this kind at the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GroupKind {
    /// Name of the kind, referred to by events (`lose`) and outputs.
    pub name: String,
    /// Expected number of groups of this kind per agent at the start (e.g. 0.6 = 60% are in one;
    /// 1.4 = everyone in one, 40% in a second).
    pub memberships: f64,
    /// Mean group size at the start.
    pub size: f64,
    /// Most members a group of this kind accepts.
    pub capacity: u32,
    /// Probability that two members start with a tie.
    pub tie_density: f64,
    /// Initial weight of those ties.
    pub tie_weight: f64,
    /// Probability that the group meets in a given week.
    pub meeting_rate: f64,
    /// Baseline attendance (probability that an average member attends a meeting).
    pub attendance: f64,
    /// Acceptance norm towards stigmatized members (1 = never excludes).
    pub acceptance: f64,
    /// Mean initial identification of members with the group.
    pub identification: f64,
    /// Agents looking for new groups may join groups of this kind.
    pub joinable: bool,
    /// Members may leave when they no longer identify with the group.
    pub voluntary_exit: bool,
}

/// Support groups: peer groups focused on one life event (condition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Support {
    /// Support groups exist at all (false gives the control condition).
    pub enabled: bool,
    /// Support groups that exist at the start for each event kind with `support: true`.
    pub initial_groups: u32,
    /// Most members a support group accepts.
    pub capacity: u32,
    /// A group that has reached this size dissolves when it falls below it again (standing
    /// groups that never reached it stay open).
    pub min_size: u32,
    /// A new group is founded once this many agents wait for one.
    pub found_size: u32,
    /// Most support groups per event kind at once (0 = no limit).
    pub max_groups: u32,
    /// Probability that a support group meets in a given week.
    pub meeting_rate: f64,
    /// Baseline attendance of a support-group member.
    pub attendance: f64,
    /// Facilitation quality: scales informational support and practice.
    pub facilitation: f64,
    /// Weekly probability scale of seeking a group (× loneliness × approach).
    pub seek_rate: f64,
    /// Weekly dropout hazard of a member with zero identification.
    pub dropout: f64,
    /// How fast the dropout hazard falls with identification (hazard × (1 - s)^dropout_shape).
    pub dropout_shape: f64,
    /// Weekly probability of leaving once the condition has resolved (or is integrated, see
    /// `graduation_integration`) and the agent is not lonely.
    pub graduation: f64,
    /// Integration of the condition into identity from which a member of a group on a chronic
    /// condition may graduate as if it had resolved (it has adjusted: Stanton, Revenson &
    /// Tennen 2007); None = only a resolved condition graduates.
    pub graduation_integration: Option<f64>,
    /// Weekly probability that a member leaves for reasons that have nothing to do with the
    /// group (moving, work, competing demands), whatever its identification.
    pub attrition: f64,
    /// Seeking again after leaving: an agent who has graduated from or dropped out of a
    /// support group on its current condition seeks one with `return_rate` × the probability of
    /// a first seeking (1 = no difference; a dissolved group does not count as leaving).
    pub return_rate: f64,
    /// Gain in regulation per meeting attended (× facilitation).
    pub informational: f64,
    /// Gain in approach per meeting attended (× facilitation): practice in seeking support.
    pub practice: f64,
    /// Weekly growth of integration of the condition into identity (× identification).
    pub integration_rate: f64,
    /// Weight of shared fate (a shared condition) in the identification target.
    pub shared_fate: f64,
    /// Initial identification of a new member.
    pub identification: f64,
}

/// A group loss caused by a life event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Loss {
    /// Group kind name.
    pub kind: String,
    /// Probability of losing each membership of that kind.
    pub probability: f64,
}

/// A pulse of events: at `step`, each agent without an active condition is struck with
/// probability `fraction`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pulse {
    pub step: u32,
    pub fraction: f64,
}

/// One kind of life event (chronic illness, job loss, relocation, bereavement, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventKind {
    pub name: String,
    /// Weekly probability that an agent without an active condition is struck.
    pub hazard: f64,
    /// Optional one-off pulse in addition to the hazard.
    pub pulse: Option<Pulse>,
    /// Memberships lost, by group kind.
    pub lose: Vec<Loss>,
    /// Fraction of the agent's ties lost.
    pub tie_loss: f64,
    /// Distress shock (added, capped at 1).
    pub distress: f64,
    /// Stigma and visibility of the condition (0 = none).
    pub stigma: f64,
    /// Size of the random displacement in identity space.
    pub identity_shift: f64,
    /// Weekly adjustment to the condition without a support group: integration grows by
    /// this share of what remains (adaptation, response shift: de Ridder et al. 2008;
    /// Sprangers & Schwartz 1999); support groups add `support.integration_rate`.
    pub adaptation: f64,
    /// Weekly probability of regaining each kind of membership this event took (returning to
    /// work, new friends, a new club: a new group of the same kind with room), × approach.
    pub regain: f64,
    /// How much the condition limits participation while it is active: subtracted from the
    /// logit of attending every group (fatigue, pain, activity limitation), halved as the
    /// condition is integrated: burden × (1 − ½ integration) (ONS 2020: the disabled limited
    /// a lot are lonely six times as often).
    pub burden: f64,
    /// Mean duration in weeks after which the condition resolves (exponential, rounded up to
    /// whole weeks); None = chronic.
    pub duration: Option<f64>,
    /// Support groups focused on this condition exist (when `support.enabled`).
    pub support: bool,
}

/// A facilitated group programme offered to lonely agents (e.g. Groups 4 Health: five weekly
/// sessions, then a booster a month later).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Intervention {
    pub name: String,
    /// Recorded week at which the programme starts; agents lonely then are eligible.
    pub start: u32,
    /// Weeks after `start` at which the programme groups meet.
    pub sessions: Vec<u32>,
    /// Most participants (0 = every eligible agent who accepts).
    pub capacity: u32,
    /// Probability that an eligible agent accepts the offer.
    pub uptake: f64,
    /// Participants per programme group.
    pub group_size: u32,
    /// Baseline attendance of a participant at a session.
    pub attendance: f64,
    /// Probability that a participant joins a joinable (community) group when the programme
    /// ends (G4H's "scaffolding": planning and taking up new group memberships).
    pub scaffolding: f64,
}

impl Default for Intervention {
    fn default() -> Self {
        Intervention {
            name: "programme".into(),
            start: 52,
            sessions: vec![0, 1, 2, 3, 4, 8],
            capacity: 0,
            uptake: 0.7,
            group_size: 10,
            attendance: 0.85,
            scaffolding: 0.5,
        }
    }
}

/// How the social network is built beyond the ties inside groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    /// Generator of the ties outside groups (ties inside groups always come from the groups).
    pub generator: Generator,
    /// Mean number of extra ties per agent to random others (acquaintances outside groups;
    /// `Groups` generator only).
    pub cross_ties: f64,
    /// Initial weight of those ties (`Groups` generator only).
    pub cross_weight: f64,
    /// Weight of every tie made by a classic generator (all but `Groups`).
    pub tie_weight: f64,
    /// Lattice: columns; width × height must equal population.size.
    pub width: u32,
    /// Lattice: rows.
    pub height: u32,
    /// Lattice: 4 (VonNeumann) or 8 (Moore) neighbours.
    pub neighbourhood: Neighbourhood,
    /// Lattice: wrap around the edges (a torus).
    pub torus: bool,
    /// ErdosRenyi: expected degree; each pair is tied with p = mean_degree / (N - 1).
    pub mean_degree: f64,
    /// WattsStrogatz: each agent is first tied to its k nearest ring neighbours (k even).
    pub k: u32,
    /// WattsStrogatz: probability of rewiring each ring tie (beta).
    pub rewire: f64,
    /// BarabasiAlbert: ties of each new agent (preferential attachment).
    pub m: u32,
}

/// Network generators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Generator {
    /// Ties inside groups plus `cross_ties` random acquaintances (the town).
    Groups,
    /// A width × height grid.
    Lattice,
    /// Everyone tied to everyone.
    Complete,
    /// G(N, p) random graph.
    ErdosRenyi,
    /// Ring lattice with rewiring (small world).
    WattsStrogatz,
    /// Preferential attachment (scale-free).
    BarabasiAlbert,
}

/// Lattice neighbourhoods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Neighbourhood {
    /// The 4 orthogonal neighbours.
    VonNeumann,
    /// The 8 orthogonal and diagonal neighbours.
    Moore,
}

/// The identity-dynamics rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityRule {
    /// Group prototypes drift towards their attendees; members move towards the prototype.
    Prototype,
    /// Deffuant et al. (2000): partners closer than epsilon move towards each other by mu.
    BoundedConfidence,
    /// Axelrod (1997): partners interact with probability equal to their cultural similarity;
    /// the active agent copies one trait in which they differ.
    Axelrod,
}

/// Who the partners of the bounded-confidence and Axelrod rules are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Co-attendees of a group that met this week.
    Groups,
    /// Network ties.
    Network,
}

/// When a replicate stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopRule {
    /// After `steps` recorded steps.
    Steps,
    /// At absorption (no interaction can change anything), at the latest after `steps`.
    Absorption,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Stop {
    pub rule: StopRule,
    /// Absorption is checked after every `check_every`-th recorded step.
    pub check_every: u32,
    /// Bounded confidence: partners closer than this count as agreeing (absorbed).
    pub tolerance: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Identity {
    pub rule: IdentityRule,
    /// Dimensions of the continuous identity space [0,1]^d.
    pub dims: u32,
    /// Prototype drift per meeting towards the identification-weighted mean of the attendees.
    pub drift: f64,
    /// Standard deviation of the prototype's random step per meeting (fluidity).
    pub noise: f64,
    /// Movement of an attendee towards the prototype per meeting (× identification).
    pub conformity: f64,
    /// Weekly return of each agent's identity towards its personal identity.
    pub anchoring: f64,
    /// Rate at which identification approaches its target each week the group meets.
    pub identification_rate: f64,
    /// Weight of similarity to the prototype in the identification target.
    pub similarity_weight: f64,
    /// Weight of recent attendance in the identification target.
    pub attendance_weight: f64,
    /// Distance (Euclidean, in identity space) at which similarity falls to 1/e.
    pub similarity_scale: f64,
    /// Side of the grid cells used to count identity clusters (metric only): face-adjacent
    /// occupied cells form one cluster. With bounded confidence: agents closer than this
    /// are linked (single linkage).
    pub cluster_tolerance: f64,
    /// Partners of the BoundedConfidence and Axelrod rules: Groups or Network.
    pub scope: Scope,
    /// BoundedConfidence: partners interact only when closer than epsilon (Euclidean).
    pub epsilon: f64,
    /// BoundedConfidence: each partner moves this share of the way towards the other.
    pub mu: f64,
    /// Axelrod: features F per agent.
    pub features: u32,
    /// Axelrod: traits q per feature (values 0..q).
    pub traits: u32,
}

/// Attendance model: logit p = logit(base) + approach·(a-0.5) + identification·(s-0.5)
/// - loneliness·L - distress·δ - resigned·[resigned] - self_stigma·σ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Attendance {
    pub approach: f64,
    pub identification: f64,
    pub loneliness: f64,
    pub distress: f64,
    pub resigned: f64,
    pub self_stigma: f64,
    /// Weight of the newest meeting in the running attendance record.
    pub memory: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Interaction {
    /// Co-attendees each attendee meets per meeting.
    pub encounters: u32,
    /// Reinforcement of an existing tie per encounter (× warmth, towards 1).
    pub tie_gain: f64,
    /// Probability scale that strangers form a tie (× trust × similarity).
    pub new_tie: f64,
    /// Initial weight of a new tie (× (0.5 + 0.5 warmth), at least 1.5 × ties.min_weight).
    pub new_tie_weight: f64,
    /// How much loneliness cools an encounter: warmth = (1 - w·L_i)(1 - w·L_j).
    pub warmth_loneliness: f64,
    /// Share of current distress relieved per encounter (× warmth × the partner's regulation;
    /// × (1 + facilitation) in support groups).
    pub emotional_support: f64,
    /// Weekly probability scale of private contact along a tie (× mean approach of the pair).
    pub contact: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Exclusion {
    /// Probability scale per meeting of being excluded: × stigma × (1 - integration/2)
    /// × (1 - acceptance) × (0.5 + distance to prototype / √d).
    pub rate: f64,
    /// Identification lost per exclusion.
    pub identification_loss: f64,
    /// Fraction of the tie to the excluder lost.
    pub tie_loss: f64,
    /// Rise of `exclusion` per episode (towards 1).
    pub hit: f64,
    /// Distress added per episode.
    pub distress: f64,
    /// Weekly decay of `exclusion`.
    pub decay: f64,
    /// Level of `exclusion` that counts as being excluded this week.
    pub threshold: f64,
    /// Consecutive weeks above the threshold before resignation (sustained, not acute).
    pub resign_weeks: u32,
    /// Weekly probability of leaving resignation once exclusion is below half the threshold.
    pub recovery: f64,
    /// Weekly loss of approach while resigned (× approach).
    pub resigned_withdrawal: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ties {
    /// Weekly relative decay of a tie not reinforced that week.
    pub decay: f64,
    /// Extra decay for lonely pairs: rate × (1 + lonely_decay × mean loneliness of the pair).
    pub lonely_decay: f64,
    /// Close ties decay more slowly: rate × (1 − closeness × weight) (Burt 2000, Social
    /// Networks 22:1–28: strong and old relations decay slower; Roberts & Dunbar 2015).
    pub closeness: f64,
    /// Ties weaker than this vanish.
    pub min_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Membership {
    /// Weekly probability scale of joining a joinable group (× approach × unmet membership).
    pub join_rate: f64,
    /// Identification of a new member.
    pub new_identification: f64,
    /// Identification below which members of voluntary groups consider leaving.
    pub leave_threshold: f64,
    /// Weekly probability of leaving a group below the threshold.
    pub leave_rate: f64,
    /// Weekly probability of leaving a joinable voluntary group for reasons outside the model
    /// (moving on); balances joining so memberships stay stationary.
    pub turnover: f64,
}

/// Belonging and loneliness (process 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Belonging {
    /// The process runs at all. False (for classic models that have no loneliness, such as
    /// Axelrod's): loneliness, belonging, its components and the slow traits keep the values
    /// they start with, and the week skips the process.
    pub enabled: bool,
    /// Saturation scale of attachment: A = 1 - exp(-Σ w / kappa_attachment).
    pub kappa_attachment: f64,
    /// Saturation scale of membership: M = 1 - exp(-Σ s·attendance / kappa_membership).
    pub kappa_membership: f64,
    /// Saturation scale of collective identity: C = 1 - exp(-Σ s·coherence / kappa_collective).
    pub kappa_collective: f64,
    /// Weights of A, M and C in B (normalised to sum 1).
    pub weight_attachment: f64,
    pub weight_membership: f64,
    pub weight_collective: f64,
    /// How A, M and C make belonging: `Mean` — their weighted mean; `Pooled` — one
    /// saturation of the weighted sum of what feeds them, B = 1 − Π (1 − X)^w, so that one
    /// strong source (close ties) can carry belonging when another (groups) is lacking.
    pub aggregation: Aggregation,
    /// Weekly rate at which loneliness approaches the relative gap between need and belonging.
    pub rate: f64,
    /// Pull of loneliness towards tie-weighted neighbours' loneliness.
    pub contagion: f64,
    /// Pull of loneliness towards the mean loneliness of those who came to the same meetings
    /// this week (a group's climate: mood is shared in the room, not only along ties —
    /// Hatfield et al. 1993; Cacioppo et al. 2009 found loneliness spreads beyond friends).
    pub group_contagion: f64,
    /// Loneliness above which an agent counts as lonely.
    pub threshold: f64,
}

/// How the components of belonging are combined (`belonging.aggregation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Aggregation {
    /// B = w_A A + w_M M + w_C C.
    #[default]
    Mean,
    /// B = 1 − (1 − A)^w_A (1 − M)^w_M (1 − C)^w_C: sources of belonging substitute for each
    /// other (a close tie buffers the lack of groups: Weiss 1973; partner PR 0.37 for
    /// loneliness, ELSI-Brazil 2024).
    Pooled,
}

/// Slow dynamics of the agents' own states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Traits {
    /// Weekly return of approach towards its baseline.
    pub approach_recovery: f64,
    /// Weekly loss of approach per unit loneliness (hypervigilance).
    pub hypervigilance: f64,
    /// Weekly relief of distress per unit regulation.
    pub distress_recovery: f64,
    /// Weekly distress added per unit loneliness.
    pub distress_from_loneliness: f64,
    /// Weekly return of regulation towards its baseline.
    pub regulation_recovery: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Output {
    /// Individual agents followed in `trajectories.csv` (half affected, half not, where possible).
    pub sample_agents: u32,
    /// Also write agent and tie snapshots every K steps (None = only at the end).
    pub snapshot_every: Option<u32>,
    /// The snapshot tables written (agents.csv, ties.csv, memberships.csv, groups.csv): all
    /// four by default; a large population's can be left out (ties.csv of a million agents
    /// is about 95 MB a snapshot).
    pub snapshots: Vec<SnapshotTable>,
    /// Record the metrics (timeseries.csv, summary.csv), the sampled trajectories and the
    /// support groups' prototypes every K-th week (0, K, 2K, ...) and on the last week
    /// simulated; 1 = every week. The recorded weeks' numbers do not depend on K (the model
    /// runs every week either way); the event-aligned curve still gathers every week.
    pub record_every: u32,
    /// Weeks before the event shown in the event-aligned curve.
    pub event_window_before: u32,
    /// Weeks after the event shown in the event-aligned curve.
    pub event_window_after: u32,
}

/// A snapshot table (`output.snapshots`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SnapshotTable {
    /// agents.csv: one row per agent.
    Agents,
    /// ties.csv: one row per tie.
    Ties,
    /// memberships.csv: one row per membership.
    Memberships,
    /// groups.csv: one row per group.
    Groups,
}

impl SnapshotTable {
    pub const ALL: [SnapshotTable; 4] = [
        SnapshotTable::Agents,
        SnapshotTable::Ties,
        SnapshotTable::Memberships,
        SnapshotTable::Groups,
    ];
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "scenario".into(),
            description: String::new(),
            seed: 1,
            steps: 520,
            burn_in: 156,
            replicates: 20,
            population: Population::default(),
            groups: default_groups(),
            support: Support::default(),
            events: Vec::new(),
            network: Network::default(),
            identity: Identity::default(),
            attendance: Attendance::default(),
            interaction: Interaction::default(),
            exclusion: Exclusion::default(),
            ties: Ties::default(),
            membership: Membership::default(),
            volunteering: Volunteering::default(),
            belonging: Belonging::default(),
            traits: Traits::default(),
            interventions: Vec::new(),
            stop: Stop::default(),
            output: Output::default(),
            sweep: None,
        }
    }
}

impl Default for Population {
    fn default() -> Self {
        Population {
            size: 2000,
            need: Dist {
                mean: 0.74,
                sd: 0.15,
            },
            approach: Dist {
                mean: 0.55,
                sd: 0.15,
            },
            regulation: Dist {
                mean: 0.5,
                sd: 0.15,
            },
        }
    }
}

impl Default for GroupKind {
    fn default() -> Self {
        GroupKind {
            name: "group".into(),
            memberships: 1.0,
            size: 10.0,
            capacity: 40,
            tie_density: 0.3,
            tie_weight: 0.4,
            meeting_rate: 0.5,
            attendance: 0.7,
            acceptance: 0.7,
            identification: 0.5,
            joinable: false,
            voluntary_exit: true,
        }
    }
}

/// The ordinary groups of a town: families, workplaces, friend circles and community groups.
pub fn default_groups() -> Vec<GroupKind> {
    vec![
        GroupKind {
            name: "family".into(),
            memberships: 0.85,
            size: 3.0,
            capacity: 8,
            tie_density: 1.0,
            tie_weight: 0.7,
            meeting_rate: 1.0,
            attendance: 0.9,
            acceptance: 0.85,
            identification: 0.7,
            joinable: false,
            voluntary_exit: false,
        },
        GroupKind {
            name: "work".into(),
            memberships: 0.6,
            size: 15.0,
            capacity: 60,
            tie_density: 0.15,
            tie_weight: 0.35,
            meeting_rate: 1.0,
            attendance: 0.85,
            acceptance: 0.5,
            identification: 0.4,
            joinable: false,
            voluntary_exit: false,
        },
        GroupKind {
            name: "friends".into(),
            memberships: 0.9,
            size: 5.0,
            capacity: 12,
            tie_density: 0.8,
            tie_weight: 0.5,
            meeting_rate: 0.6,
            attendance: 0.75,
            acceptance: 0.7,
            identification: 0.55,
            joinable: false,
            voluntary_exit: true,
        },
        GroupKind {
            name: "community".into(),
            memberships: 0.5,
            size: 20.0,
            capacity: 40,
            tie_density: 0.08,
            tie_weight: 0.3,
            meeting_rate: 0.5,
            attendance: 0.6,
            acceptance: 0.6,
            identification: 0.4,
            joinable: true,
            voluntary_exit: true,
        },
    ]
}

impl Default for Support {
    fn default() -> Self {
        Support {
            enabled: true,
            initial_groups: 2,
            capacity: 14,
            min_size: 4,
            found_size: 6,
            max_groups: 0,
            meeting_rate: 0.9,
            attendance: 0.75,
            facilitation: 0.7,
            seek_rate: 0.3,
            dropout: 0.05,
            dropout_shape: 2.5,
            graduation: 0.002,
            graduation_integration: Some(0.9),
            attrition: 0.001,
            return_rate: 0.1,
            informational: 0.02,
            practice: 0.02,
            integration_rate: 0.03,
            shared_fate: 0.3,
            identification: 0.35,
        }
    }
}

impl Default for EventKind {
    fn default() -> Self {
        EventKind {
            name: "event".into(),
            hazard: 0.0,
            pulse: None,
            lose: Vec::new(),
            tie_loss: 0.2,
            distress: 0.4,
            stigma: 0.0,
            identity_shift: 0.1,
            adaptation: 0.03,
            regain: 0.03,
            burden: 0.0,
            duration: None,
            support: true,
        }
    }
}

impl Default for Network {
    fn default() -> Self {
        Network {
            generator: Generator::Groups,
            cross_ties: 1.0,
            cross_weight: 0.3,
            tie_weight: 0.5,
            width: 0,
            height: 0,
            neighbourhood: Neighbourhood::VonNeumann,
            torus: false,
            mean_degree: 4.0,
            k: 4,
            rewire: 0.1,
            m: 2,
        }
    }
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            rule: IdentityRule::Prototype,
            dims: 2,
            drift: 0.1,
            noise: 0.02,
            conformity: 0.02,
            anchoring: 0.02,
            identification_rate: 0.05,
            similarity_weight: 0.4,
            attendance_weight: 0.3,
            similarity_scale: 0.4,
            cluster_tolerance: 0.05,
            scope: Scope::Groups,
            epsilon: 0.2,
            mu: 0.5,
            features: 5,
            traits: 10,
        }
    }
}

impl Default for Attendance {
    fn default() -> Self {
        Attendance {
            approach: 2.0,
            identification: 1.5,
            loneliness: 0.75,
            distress: 1.0,
            resigned: 1.5,
            self_stigma: 2.0,
            memory: 0.1,
        }
    }
}

impl Default for Interaction {
    fn default() -> Self {
        Interaction {
            encounters: 2,
            tie_gain: 0.15,
            new_tie: 0.15,
            new_tie_weight: 0.25,
            warmth_loneliness: 0.4,
            emotional_support: 0.05,
            contact: 0.4,
        }
    }
}

impl Default for Exclusion {
    fn default() -> Self {
        Exclusion {
            rate: 0.25,
            identification_loss: 0.1,
            tie_loss: 0.3,
            hit: 0.3,
            distress: 0.05,
            decay: 0.1,
            threshold: 0.3,
            resign_weeks: 8,
            recovery: 0.02,
            resigned_withdrawal: 0.05,
        }
    }
}

impl Default for Ties {
    fn default() -> Self {
        Ties {
            decay: 0.25,
            lonely_decay: 0.5,
            closeness: 0.0,
            min_weight: 0.05,
        }
    }
}

impl Default for Membership {
    fn default() -> Self {
        Membership {
            join_rate: 0.05,
            new_identification: 0.3,
            leave_threshold: 0.15,
            leave_rate: 0.05,
            turnover: 0.002,
        }
    }
}

impl Default for Belonging {
    fn default() -> Self {
        Belonging {
            enabled: true,
            kappa_attachment: 3.0,
            kappa_membership: 1.0,
            kappa_collective: 0.6,
            weight_attachment: 0.4,
            weight_membership: 0.3,
            weight_collective: 0.3,
            aggregation: Aggregation::Mean,
            rate: 0.2,
            contagion: 0.1,
            group_contagion: 0.0,
            threshold: 0.4,
        }
    }
}

impl Default for Traits {
    fn default() -> Self {
        Traits {
            approach_recovery: 0.02,
            hypervigilance: 0.004,
            distress_recovery: 0.1,
            distress_from_loneliness: 0.02,
            regulation_recovery: 0.01,
        }
    }
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            rule: StopRule::Steps,
            check_every: 1,
            tolerance: 1e-4,
        }
    }
}

impl Default for Output {
    fn default() -> Self {
        Output {
            sample_agents: 30,
            snapshot_every: None,
            snapshots: SnapshotTable::ALL.to_vec(),
            record_every: 1,
            event_window_before: 8,
            event_window_after: 156,
        }
    }
}
