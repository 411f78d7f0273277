#!/usr/bin/env bash
# Creates (once) a separate venv with checkov, for tests/integration/test_checkov.py, and
# prints ONLY the path of its checkov executable on stdout.
#
# Why a separate venv: checkov pins about 90 libraries (boto3, networkx, pydantic...) that
# would clash with constraints/test.txt. The lock, scripts/checkov-constraints-<python
# version>.txt, pins every package of the venv the tests were run with; for a Python without
# one, only checkov is pinned (a note says so on stderr). checkov never needs the network to
# scan: the test runs it with --skip-download and no API key.
# Idempotent: a stamp file records the pins; a venv whose stamp matches is reused as is.
#   MLOPSC_CHECKOV_VENV  where to put it (default: .venv-checkov in the repository root)
#   PYTHON               the interpreter to build it from (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${MLOPSC_CHECKOV_VENV:-$PWD/.venv-checkov}
PINS=("checkov==3.3.30")
STAMP="$VENV/.mlopsc-pins"
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
LOCK="scripts/checkov-constraints-$PYVER.txt"
CONSTRAINTS=()
if [ -f "$LOCK" ]; then
  CONSTRAINTS=(-c "$LOCK")
  WANT="${PINS[*]} $(sha256sum "$LOCK" | cut -d' ' -f1)"
else
  echo "note: no $LOCK for Python $PYVER; checkov's dependencies are not pinned" >&2
  WANT="${PINS[*]}"
fi

if [ -x "$VENV/bin/checkov" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "$VENV/bin/checkov"
  exit 0
fi

{
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ${CONSTRAINTS[@]+"${CONSTRAINTS[@]}"} \
    "${PINS[@]}"
  # Fails here (not in the tests) when the install is unusable; no update check on PyPI.
  CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$VENV/bin/checkov" --version
} >&2
echo "$WANT" >"$STAMP"
echo "$VENV/bin/checkov"
