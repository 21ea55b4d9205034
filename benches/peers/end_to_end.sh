#!/usr/bin/env bash
# belonging against a krABMaga peer on Axelrod's model, timed as whole processes (wall clock,
# from process start to exit). Both run the same experiment: a 10 x 10 lattice, von Neumann,
# no wrap-around, F = 5, q = 10, 100 seeded runs to absorption (cap 5000 weeks), one thread:
#   (a) belonging: `belonging run axelrod --set identity.traits=10 --replicates 100 --threads 1`,
#       which also writes (and fsyncs) its tables, plots and manifest into a fresh folder under
#       target/end_to_end/ (on disk, not tmpfs), removed after each run;
#   (b) krABMaga 0.6 (benches/peers/krabmaga, no visualization, sequential schedule), which
#       prints one line of JSON and writes nothing.
# PAIRS pairs (default 7), interleaved, the order alternating a/b, b/a. Prints each pair's wall
# times, their ratio krABMaga / belonging (below 1: krABMaga faster) and each side's CPU time
# (user + sys), then the medians and the median of the paired ratios.
#
# Run from anywhere, by hand (not in CI; it builds both in release, a few minutes from cold):
#   PAIRS=5 bash benches/peers/end_to_end.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cargo build --release --manifest-path benches/peers/krabmaga/Cargo.toml
cargo build --release
PAIRS="${PAIRS:-7}" exec python3 - <<'EOF'
import csv, os, resource, shutil, statistics, subprocess, time

pairs = int(os.environ["PAIRS"])
scratch = "target/end_to_end"
os.makedirs(scratch, exist_ok=True)
krabmaga = ["benches/peers/krabmaga/target/release/axelrod_krabmaga", "--size", "10",
            "--features", "5", "--traits", "10", "--runs", "100", "--cap", "5000", "--seed", "1"]

def belonging(out):
    return ["target/release/belonging", "run", "axelrod", "--set", "identity.traits=10",
            "--replicates", "100", "--threads", "1", "--out", out, "--force", "--quiet"]

def timed(cmd):
    """Wall seconds, CPU seconds (user + sys) and stdout of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out

def run_belonging(i):
    out = os.path.join(scratch, f"belonging_{i}")
    shutil.rmtree(out, ignore_errors=True)
    os.sync()  # no earlier run's writes left to flush during this one
    wall, cpu, _ = timed(belonging(out))
    if i == 0:
        with open(os.path.join(out, "runs.csv")) as f:
            weeks = [int(r["stop_step"]) for r in csv.DictReader(f)]
        print(f"belonging: {len(weeks)} runs, mean weeks {statistics.mean(weeks):.1f}")
    shutil.rmtree(out)
    return wall, cpu

def run_krabmaga(i):
    os.sync()
    wall, cpu, out = timed(krabmaga)
    if i == 0:
        print("krABMaga: ", out.strip())
    return wall, cpu

rows = []
for i in range(pairs):
    if i % 2 == 0:
        b = run_belonging(i); k = run_krabmaga(i); order = "a/b"
    else:
        k = run_krabmaga(i); b = run_belonging(i); order = "b/a"
    rows.append((order, k, b))

print(f"\n{'pair':>4} {'order':>5} {'krABMaga s':>11} {'belonging s':>12} {'ratio':>6}"
      f" {'krABMaga cpu':>13} {'belonging cpu':>14}")
for i, (order, k, b) in enumerate(rows):
    print(f"{i + 1:>4} {order:>5} {k[0]:>11.3f} {b[0]:>12.3f} {k[0] / b[0]:>6.2f}"
          f" {k[1]:>13.3f} {b[1]:>14.3f}")
med = statistics.median
print(f"{'median':>10} {med(k[0] for _, k, _ in rows):>11.3f}"
      f" {med(b[0] for _, _, b in rows):>12.3f} {med(k[0] / b[0] for _, k, b in rows):>6.2f}"
      f" {med(k[1] for _, k, _ in rows):>13.3f} {med(b[1] for _, _, b in rows):>14.3f}")
print("ratio = krABMaga / belonging wall time, per pair; its median is over the pairs")
shutil.rmtree(scratch, ignore_errors=True)
EOF
