#!/bin/bash
# A belonging calibration (ABC-SMC) on a SLURM cluster, from a login node: rounds of a job
# array (examples/slurm/calibrate.sbatch; each task simulates its share of the next batch
# of candidates), each followed by a gather, until the calibration is complete. The folder
# must be on a file system every node sees. The results are byte-identical to the same
# calibration run on one machine.
#
#   belonging calibrate default --vary 'events[0].stigma=0.2..0.8' \
#       --target loneliness_prevalence=0.25±0.02 --out cal --gather   # the folder, no runs
#   TASKS=8 bash examples/slurm/calibrate.sh cal
#
# Environment: TASKS (array tasks per round, default 4), BELONGING (the binary),
# SBATCH_ARGS (more sbatch options, e.g. "--cpus-per-task=4 --partition=short"),
# MAX_ROUNDS (give up after this many rounds, default 1000). A stopped driver resumes where
# it was: run it again.
set -euo pipefail

DIR=${1:?usage: calibrate.sh DIR (a folder made by belonging calibrate ... --out DIR --gather)}
DIR=$(realpath "$DIR")
TASKS=${TASKS:-4}
BELONGING=${BELONGING:-belonging}
MAX_ROUNDS=${MAX_ROUNDS:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -f "$DIR/calibrate.json" ] || { echo "calibrate.sh: $DIR is not a calibration folder" >&2; exit 2; }

# Gather first: a folder whose last round ended is assembled before asking for more.
"$BELONGING" calibrate --resume "$DIR" --gather --quiet
round=0
until grep -q '"status": "complete"' "$DIR/manifest.json"; do
    round=$((round + 1))
    if [ "$round" -gt "$MAX_ROUNDS" ]; then
        echo "calibrate.sh: not complete after $MAX_ROUNDS rounds" >&2
        exit 1
    fi
    echo "calibrate.sh: round $round ($TASKS tasks)"
    # shellcheck disable=SC2086
    BELONGING="$BELONGING" DIR="$DIR" sbatch --wait --array=0-$((TASKS - 1)) --export=ALL \
        ${SBATCH_ARGS:-} "$HERE/calibrate.sbatch"
    "$BELONGING" calibrate --resume "$DIR" --gather --quiet
done
echo "calibrate.sh: complete after $round round(s): $DIR/posterior.csv"
