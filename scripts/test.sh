#!/usr/bin/env bash
# Installs everything the tests use, then runs them. The README's second quick-start command.
#   - Debian packages: prometheus (promtool), graphviz (dot), and nodejs + npm when no
#     Node.js is on PATH                                          [when run as root]
#   - Mermaid's parser from npm, pinned in tests/node (package-lock.json)
#   - mlopsc with its test extra, and the example plugin target
#   - a separate venv with Apache Airflow 3 (its pins clash with kfp's)
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

need_apt=()
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "missing ${need_apt[*]}: install them (Debian: apt-get install ${need_apt[*]})" >&2
    exit 2
  fi
fi

echo "== pip install mlopsc[test]"
"$PYTHON" -m pip install --quiet --disable-pip-version-check -e '.[test]'
"$PYTHON" -m pip install --quiet --disable-pip-version-check -e examples/plugin-target
# A real OPA for the engine-parity tests: OPA's Go engine (v1.20.2) behind ctypes. The wheel
# declares Python >=3.14, but its pure-ctypes wrapper runs on 3.11 (the tests prove it), so it
# is installed here, pinned, past that check and without dependencies (it has none).
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps \
  --ignore-requires-python opa-golib-python-bindings==0.4.4

echo "== npm ci (Mermaid's parser)"
npm ci --prefix tests/node --no-audit --no-fund --loglevel=error >/dev/null

echo "== Airflow venv"
export MLOPSC_AIRFLOW_PYTHON
MLOPSC_AIRFLOW_PYTHON=$(bash scripts/airflow-venv.sh)

echo "== pytest (one worker per core)"
exec "$PYTHON" -m pytest -n auto "$@"
