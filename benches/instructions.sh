#!/usr/bin/env bash
# Instructions per agent-week of each process, counted by valgrind's callgrind on one thread:
# a measure of the engine's work that, unlike a timing, does not move with the host's load
# (this machine's speed moves by up to 1.5x from one minute to the next). Use it to compare
# two builds of a hot loop; confirm a gain with interleaved timings (benches/README.md).
#
#   bash benches/instructions.sh [AGENTS] [WEEKS]     (default 10000 agents, 10 weeks)
#
# Build and start-up are listed apart (`build`, per agent of the population, once). Needs
# valgrind (Debian: apt-get install valgrind). Takes about 30 s at the defaults.
set -euo pipefail
agents=${1:-10000}
weeks=${2:-10}
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || {
    echo "instructions.sh: valgrind is needed (Debian: apt-get install valgrind)" >&2
    exit 1
}
cargo build --release --example scale -q
out=$(mktemp)
trap 'rm -f "$out"' EXIT
RAYON_NUM_THREADS=1 valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file="$out" \
    target/release/examples/scale "$agents" "$weeks" >/dev/null 2>&1
# Inclusive counts of each process's entry point (and of the build): instructions (Ir) and
# mispredicted conditional branches (Bcm, callgrind's simple predictor), per agent-week.
printf "%-12s %10s %12s\n" process instructions mispredicted
# (From outside the repository: inside it, callgrind_annotate splits a function's counts by
# how it finds the source files, and the totals below come out in pieces.)
(cd /tmp && callgrind_annotate --inclusive=yes "$out" 2>/dev/null) |
    grep -E 'belonging::dynamics::[a-z_]+::(run|step) \[|belonging::model::init::build \[' |
    awk -v n="$agents" -v w="$weeks" '
        { gsub(/\( *[0-9.]+%\)/, ""); $0 = $0                  # drop the percentages
          ir = $1; bcm = $3; gsub(",", "", ir); gsub(",", "", bcm)
          name = $NF; sub(/^.*::/, "", name)                   # run, step or build
          proc = $(NF - 1); sub(/ \[.*/, "", proc)
          split(proc, parts, "::"); phase = parts[length(parts) - 1]
          if (phase == "sim") phase = "week"
          if (phase == "init") { phase = "build"; d = n } else d = n * w
          printf "%-12s %10.0f %12.1f\n", phase, ir / d, bcm / d }' |
    sort -k2 -nr
echo "(per agent-week; build: per agent, once; $agents agents, $weeks weeks, 1 thread)"
