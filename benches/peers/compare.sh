#!/usr/bin/env bash
# belonging vs Mesa on Axelrod's model, timed in one run on this machine. By hand only (not in
# CI): takes a few minutes, most of it Mesa's. Extra arguments go to compare.py
# (e.g. --runs-scale 0.2 for a quick look).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup.sh"
(cd "$here/../.." && cargo build --release --example peer_axelrod --quiet)
exec "$here/.venv/bin/python" "$here/compare.py" "$@"
