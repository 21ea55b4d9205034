#!/usr/bin/env bash
# Creates benches/peers/.venv with a pinned Mesa from PyPI, for the side-by-side comparison
# (benches/peers/compare.sh). Idempotent: does nothing when the pinned version is already
# installed.
#
# Mesa 3.5.1 (the newest release) needs Python >= 3.12; the script takes the first Python
# >= 3.12 it finds ($PYTHON, python3.13, python3.12, pyenv's versions, python3). With only
# Python 3.11 it falls back to Mesa 3.3.1, the newest release for 3.11, and says so.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for p in python3.13 python3.12; do command -v "$p" >/dev/null && candidates+=("$(command -v "$p")"); done
if command -v pyenv >/dev/null; then
    for p in $(ls -d "$(pyenv root)"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
        [ -x "$p/bin/python3" ] && candidates+=("$p/bin/python3")
    done
fi
command -v python3 >/dev/null && candidates+=("$(command -v python3)")

py="" mesa=""
for c in "${candidates[@]}"; do
    v="$(version_of "$c")" || continue
    if at_least "$v" 3.12; then py="$c" mesa=3.5.1; break; fi
    if [ -z "$py" ] && at_least "$v" 3.11; then py="$c" mesa=3.3.1; fi
done
[ -n "$py" ] || { echo "setup.sh: no Python >= 3.11 found (set PYTHON=...)" >&2; exit 1; }
[ "$mesa" = 3.5.1 ] || echo "setup.sh: no Python >= 3.12 found: Mesa $mesa on Python $(version_of "$py")" >&2

if [ -x "$venv/bin/python" ] &&
    "$venv/bin/python" -c "import mesa, sys; sys.exit(mesa.__version__ != '$mesa')" 2>/dev/null; then
    exit 0
fi

rm -rf "$venv"
if ! "$py" -m venv "$venv" 2>/dev/null; then
    # Debian/Ubuntu ship venv separately (python3.X-venv); without root, use virtualenv.
    rm -rf "$venv"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        apt-get install -y -qq "python$(version_of "$py")-venv" || apt-get install -y -qq python3-venv
        "$py" -m venv "$venv"
    else
        "$py" -m pip install --user --quiet virtualenv
        "$py" -m virtualenv --quiet "$venv"
    fi
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
# The `network` extra (networkx): Mesa 3.5.1's `import mesa` fails without it.
"$venv/bin/python" -m pip install --quiet "mesa[network]==$mesa"
"$venv/bin/python" -c "import mesa, sys; print('Mesa', mesa.__version__, 'on Python', sys.version.split()[0], 'in $venv')"
