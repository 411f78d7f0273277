#!/usr/bin/env bash
# Creates (once) a separate venv with Apache Airflow 3 and the cncf-kubernetes provider, for
# the DagBag tests, and prints ONLY that venv's python path on stdout.
#
# Why a separate venv: kfp and Airflow pin conflicting libraries. Why direct pins instead of
# Airflow's constraint files: those are fetched from GitHub, which CI cannot reach.
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
WANT="${PINS[*]}"

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "$VENV/bin/python"
  exit 0
fi

{
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
  # Fails here (not in the tests) when the install is unusable.
  AIRFLOW_HOME="$VENV/airflow-home" \
    "$VENV/bin/python" -c "import airflow.sdk, airflow.providers.cncf.kubernetes.operators.pod"
} >&2
echo "$WANT" >"$STAMP"
echo "$VENV/bin/python"
