//! `network`: the ties outside groups, from the town's acquaintances or a classic generator
//! (SCENARIOS.md §9; ODD §5 step 3). What must agree with `population.size` and
//! `ties.min_weight` is checked in `validate.rs`.

use super::super::validate::Checker;
use serde::{Deserialize, Serialize};

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
    /// Neighbourhoods the town is divided into, of equal size (`Groups` generator only; 1: one
    /// town without locality, the default).
    pub neighbourhoods: u32,
    /// With more than one neighbourhood: the chance that each of an agent's starting group
    /// places and acquaintance ties is in its own neighbourhood (else anywhere in the town).
    pub locality: f64,
    /// With more than one neighbourhood: the spread (sd) of the neighbourhoods' place
    /// belonging, each neighbourhood's drawn from N(0, sd) and taken off its residents' need
    /// to belong (kept within [0.01, 1]; negative: a neighbourhood that withholds belonging
    /// adds to the need). 0: every neighbourhood alike, the default.
    pub place_belonging: f64,
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

impl Default for Network {
    fn default() -> Self {
        Network {
            generator: Generator::Groups,
            cross_ties: 1.0,
            cross_weight: 0.3,
            neighbourhoods: 1,
            locality: 0.9,
            place_belonging: 0.0,
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

impl Network {
    /// Every range of the section, each problem with its field path.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.range("network.cross_ties", self.cross_ties, 0.0, 100.0);
        c.unit("network.cross_weight", self.cross_weight);
        c.unit("network.locality", self.locality);
        c.range("network.place_belonging", self.place_belonging, 0.0, 1.0);
        c.count("network.neighbourhoods", self.neighbourhoods, 1, 1 << 20);
        if self.generator == Generator::Groups {
            return;
        }
        c.range("network.tie_weight", self.tie_weight, 0.001, 1.0);
        if self.generator == Generator::WattsStrogatz {
            c.unit("network.rewire", self.rewire);
        }
    }
}
