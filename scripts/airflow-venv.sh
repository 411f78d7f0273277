#!/usr/bin/env bash
# Creates (once) a separate venv with Apache Airflow 3 and the cncf-kubernetes provider, for
# the DagBag tests, and prints ONLY that venv's python path on stdout.
#
# Why a separate venv: kfp and Airflow pin conflicting libraries. Why our own lock instead of
# Airflow's constraint files: those are fetched from GitHub, which CI cannot reach. The lock,
# scripts/airflow-constraints-<python version>.txt, pins every package of the venv the tests
# were run with; for a Python without one, only Airflow and the provider are pinned (a note
# says so on stderr).
# Idempotent: a stamp file records the pins; a venv whose stamp matches is reused as is.
#   MLOPSC_AIRFLOW_VENV  where to put it (default: .venv-airflow in the repository root)
#   PYTHON               the interpreter to build it from (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${MLOPSC_AIRFLOW_VENV:-$PWD/.venv-airflow}
PINS=(
  "apache-airflow==3.1.8"
  "apache-airflow-providers-cncf-kubernetes==10.12.4"
)
STAMP="$VENV/.mlopsc-pins"
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
LOCK="scripts/airflow-constraints-$PYVER.txt"
CONSTRAINTS=()
if [ -f "$LOCK" ]; then
  CONSTRAINTS=(-c "$LOCK")
  WANT="${PINS[*]} $(sha256sum "$LOCK" | cut -d' ' -f1)"
else
  echo "note: no $LOCK for Python $PYVER; Airflow's dependencies are not pinned" >&2
  WANT="${PINS[*]}"
fi

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "$VENV/bin/python"
  exit 0
fi

{
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ${CONSTRAINTS[@]+"${CONSTRAINTS[@]}"} \
    "${PINS[@]}"
  # Fails here (not in the tests) when the install is unusable.
  AIRFLOW_HOME="$VENV/airflow-home" \
    "$VENV/bin/python" -c "import airflow.sdk, airflow.providers.cncf.kubernetes.operators.pod"
} >&2
echo "$WANT" >"$STAMP"
echo "$VENV/bin/python"
