"""Axelrod (1997) cultural dissemination in Mesa, matching belonging's built-in `axelrod`
scenario, timed for the side-by-side comparison (benches/peers/compare.sh).

The model, as in belonging (src/dynamics/identity/classic.rs, scenarios/axelrod.ron):
- a width x height lattice, von Neumann neighbourhood (4 neighbours), no wrap-around;
- each agent holds F features, each trait drawn uniformly from 0..q (F = 5, q = 15);
- each week every agent, in a fresh random order, picks one neighbour uniformly at random;
  with probability (features in common) / F it copies the neighbour's trait on one
  uniformly chosen feature where they differ (never when they share all or none);
- after every week the run stops at absorption: every pair of neighbours agrees on all
  features or on none; otherwise it stops at the cap.

Timing follows JuliaDynamics' ABMFrameworksComparison: each run gets its own model built
from its own seed, model construction is excluded from the timed part (as their `setup`),
the interpreter start-up and imports are excluded, and the median over the seeded runs is
reported. Prints one JSON object (per-run seconds, weeks, absorption, regions).

Usage: axelrod_mesa.py --size 10 --runs 100 --cap 5000 [--seed 1]
"""

import argparse
import gc
import json
import statistics
import sys
import time
from operator import eq

import mesa
from mesa.discrete_space import FixedAgent, OrthogonalVonNeumannGrid


class CultureAgent(FixedAgent):
    """An agent on one lattice cell with a culture: a list of F traits."""

    def __init__(self, model, cell, culture):
        super().__init__(model)
        self.cell = cell
        self.culture = culture

    def step(self):
        # A uniform neighbour: every cell holds one agent. (About 10% faster than
        # `self.cell.neighborhood.select_random_agent()`, which builds a list each call.)
        other = self.random.choice(self.cell.neighborhood.cells).agents[0]
        mine, theirs = self.culture, other.culture
        f = len(mine)
        same = sum(map(eq, mine, theirs))
        if same == 0 or same == f:
            return
        # Interact with probability similarity = same / F.
        if self.random.random() >= same / f:
            return
        k = self.random.choice([k for k in range(f) if mine[k] != theirs[k]])
        mine[k] = theirs[k]


class AxelrodModel(mesa.Model):
    def __init__(self, width=10, height=10, features=5, traits=15, rng=None):
        super().__init__(rng=rng)
        self.features = features
        self.grid = OrthogonalVonNeumannGrid(
            (width, height), torus=False, capacity=1, random=self.random
        )
        for cell in self.grid.all_cells:
            culture = [self.random.randrange(traits) for _ in range(features)]
            CultureAgent(self, cell, culture)

    def step(self):
        self.agents.shuffle_do("step")
        if self.absorbed():
            self.running = False

    def absorbed(self):
        """Every pair of neighbours agrees on all features or on none."""
        f = self.features
        for agent in self.agents:
            mine = agent.culture
            for other in agent.cell.neighborhood.agents:
                same = sum(map(eq, mine, other.culture))
                if 0 < same < f:
                    return False
        return True

    def regions(self):
        """Stable cultural regions: connected sets of neighbours with identical cultures,
        singletons included (Axelrod 1997)."""
        seen = set()
        count = 0
        for agent in self.agents:
            if agent in seen:
                continue
            count += 1
            seen.add(agent)
            stack = [agent]
            while stack:
                a = stack.pop()
                for b in a.cell.neighborhood.agents:
                    if b not in seen and b.culture == a.culture:
                        seen.add(b)
                        stack.append(b)
        return count


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=10, help="lattice side (size x size agents)")
    p.add_argument("--runs", type=int, default=10, help="seeded runs")
    p.add_argument("--cap", type=int, default=5000, help="most weeks per run")
    p.add_argument("--seed", type=int, default=1, help="first seed (runs use seed, seed+1, ...)")
    a = p.parse_args()

    gc.enable()
    times, weeks, absorbed, regions = [], [], [], []
    for r in range(a.runs):
        model = AxelrodModel(a.size, a.size, rng=a.seed + r)  # construction: not timed
        t0 = time.perf_counter()
        while model.running and model.steps < a.cap:
            model.step()
        times.append(time.perf_counter() - t0)
        weeks.append(model.steps)
        absorbed.append(not model.running)
        regions.append(model.regions())
        print(
            f"mesa size {a.size} run {r + 1}/{a.runs}: {times[-1]:.3f} s, {weeks[-1]} weeks",
            file=sys.stderr,
        )
    json.dump(
        {
            "impl": "mesa",
            "version": mesa.__version__,
            "python": sys.version.split()[0],
            "size": a.size,
            "runs": a.runs,
            "cap": a.cap,
            "median_s": statistics.median(times),
            "seconds": times,
            "weeks": weeks,
            "absorbed": absorbed,
            "regions": regions,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
