"""Runs belonging's and Mesa's Axelrod models side by side on this machine and prints the
timing table and the agreement check. Run through compare.sh (it sets up Mesa and builds
belonging's example first).

Each lattice size is one line of CASES: seeded runs to absorption or to a cap of weeks, the
same on both sides. The same seeds are used on both sides, but the two random number
generators differ, so runs agree in distribution, not run by run.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUST = os.path.join(ROOT, "target", "release", "examples", "peer_axelrod")
MESA = [sys.executable, os.path.join(HERE, "axelrod_mesa.py")]

# (lattice side, weeks cap, runs): 10 x 10 is Axelrod's own setting, run to absorption (a few
# hundred to a few thousand weeks); 50 x 50 takes far longer to absorb than Mesa can be
# waited for, so both sides run exactly 200 weeks (none absorbs that early).
CASES = [(10, 5000, 100), (50, 200, 10)]


def run(cmd):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def mean_se(v):
    m = statistics.fmean(v)
    se = statistics.stdev(v) / math.sqrt(len(v)) if len(v) > 1 else float("nan")
    return m, se


def welch_t(a, b):
    (ma, sa), (mb, sb) = mean_se(a), mean_se(b)
    d = math.hypot(sa, sb)
    return (ma - mb) / d if d > 0 else 0.0


def cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def per_week(r):
    return statistics.median(s / w for s, w in zip(r["seconds"], r["weeks"]))


def main():
    p = argparse.ArgumentParser(description="belonging vs Mesa, Axelrod model")
    p.add_argument("--runs-scale", type=float, default=1.0, help="multiply every case's runs")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    load_before = os.getloadavg()[0]
    rows, checks = [], []
    for size, cap, runs in CASES:
        runs = max(2, round(runs * a.runs_scale))
        args = ["--size", str(size), "--runs", str(runs), "--cap", str(cap), "--seed", str(a.seed)]
        b = run([RUST, *args])
        m = run([*MESA, *args])
        rows.append((size, cap, runs, b, m))
        fixed = all(w == cap for w in b["weeks"] + m["weeks"])
        for name in ("regions",) if fixed else ("weeks", "regions"):
            (mb, sb), (mm, sm) = mean_se(b[name]), mean_se(m[name])
            checks.append(
                f"| {size}x{size} | {name} | {mb:.1f} ± {sb:.1f} | {mm:.1f} ± {sm:.1f} "
                f"| {welch_t(b[name], m[name]):+.2f} |"
            )
        checks.append(
            f"| {size}x{size} | absorbed | {sum(b['absorbed'])}/{runs} | {sum(m['absorbed'])}/{runs} | |"
        )

    print(f"Axelrod (F = 5, q = 15, von Neumann, no torus): belonging {b['version']} vs Mesa "
          f"{m['version']} (Python {m['python']}); median of seeded runs, construction and "
          f"start-up excluded")
    print(f"Machine: {cpu()}, {os.cpu_count()} CPUs; 1-minute load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after\n")
    print("| model | lattice | weeks per run | runs | belonging median s | Mesa median s | ratio "
          "| ratio per week | belonging rule only s | ratio rule only | belonging run_job s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for size, cap, runs, b, m in rows:
        weeks = f"{cap}" if all(w == cap for w in b["weeks"] + m["weeks"]) else f"to absorption (cap {cap})"
        print(
            f"| axelrod | {size}x{size} | {weeks} | {runs} | {b['median_s']:.5f} | {m['median_s']:.3f} "
            f"| {m['median_s'] / b['median_s']:.0f}x | {per_week(m) / per_week(b):.0f}x "
            f"| {b['median_rule_s']:.5f} | {m['median_s'] / b['median_rule_s']:.0f}x "
            f"| {b['median_job_s']:.5f} |"
        )
    print("\nAgreement (mean ± standard error over the seeded runs; Welch t, |t| < 2 expected):\n")
    print("| lattice | measure | belonging | Mesa | t |")
    print("|---|---|---|---|---|")
    print("\n".join(checks))


if __name__ == "__main__":
    main()
