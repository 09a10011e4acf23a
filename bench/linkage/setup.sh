#!/usr/bin/env bash
# Creates (or reuses) the virtualenv for the Splink side of the linkage benchmark and
# installs the pinned requirements into it. Idempotent: a venv whose recorded
# requirements hash matches requirements.txt is left alone.
#
#   bench/linkage/setup.sh            # prints the venv's python path as the last stdout line
#
# Environment: RIGHTSDOC_SPLINK_VENV (default /var/tmp/rightsdoc-splink-venv),
#              PYTHON (default python3; CPython >= 3.10).
# Everything but the final path goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
req="$here/requirements.txt"
venv="${RIGHTSDOC_SPLINK_VENV:-/var/tmp/rightsdoc-splink-venv}"
python="${PYTHON:-python3}"
stamp="$venv/.rightsdoc-requirements.sha256"
vpy="$venv/bin/python"

want="$(sha256sum "$req" | cut -d' ' -f1)"

if [[ -x "$vpy" ]] && "$vpy" -c 'import sys' 2>/dev/null \
    && [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$want" ]]; then
    echo "setup.sh: $venv already has the pinned requirements" >&2
    echo "$vpy"
    exit 0
fi

if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
    echo "setup.sh: $python is older than 3.10; Splink 5 needs CPython >= 3.10" >&2
    exit 1
fi

# A directory that is there but is not a working venv (interrupted run, other Python):
# recreate it, but only if it looks like a venv, never an arbitrary directory.
if [[ -e "$venv" ]] && ! { [[ -x "$vpy" ]] && "$vpy" -c 'import sys' 2>/dev/null; }; then
    if [[ -f "$venv/pyvenv.cfg" ]]; then
        echo "setup.sh: $venv is a broken venv, recreating it" >&2
        rm -rf -- "$venv"
    elif [[ -d "$venv" ]] && [[ -z "$(ls -A -- "$venv")" ]]; then
        :  # an empty directory: venv fills it in
    else
        echo "setup.sh: $venv exists and is not a virtualenv; set RIGHTSDOC_SPLINK_VENV elsewhere" >&2
        exit 1
    fi
fi

if [[ ! -x "$vpy" ]]; then
    echo "setup.sh: creating virtualenv $venv" >&2
    if ! "$python" -m venv "$venv" >&2; then
        echo "setup.sh: '$python -m venv' failed (on Debian: apt-get install python3-venv)" >&2
        exit 1
    fi
fi

echo "setup.sh: installing $req" >&2
"$vpy" -m pip install --disable-pip-version-check --no-input -q -r "$req" >&2
"$vpy" -c 'import splink, duckdb; print("setup.sh: splink", splink.__version__, "duckdb", duckdb.__version__)' >&2
echo "$want" > "$stamp"
echo "$vpy"
