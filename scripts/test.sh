#!/usr/bin/env bash
# Installs everything the tests use, then runs them. The README's second quick-start command.
#   - Debian packages: prometheus (promtool), graphviz (dot), kubernetes-client (kubectl),
#     and nodejs + npm when no Node.js is on PATH                 [when run as root]
#   - Mermaid's parser from npm, pinned in tests/node (package-lock.json)
#   - .venv-test: mlopsc (editable) with its test extra, the example plugin target and the
#     real OPA bindings, pinned by constraints/test.txt (scripts/test-venv.sh)
#   - .venv-airflow: Apache Airflow 3 (its pins clash with kfp's; scripts/airflow-venv.sh)
#   - .venv-checkov: checkov, which scans the flagship's manifests (its pins clash with the
#     test venv's; scripts/checkov-venv.sh)
# The interpreter or venv that runs this script is left as it was: nothing is installed into
# it, and the tests run in .venv-test. A second run reuses the venvs and node_modules while
# their pins are unchanged. docs/testing.md says what they take on disk and how to remove them.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
START=$SECONDS

# step TITLE COMMAND...: a line before and after, with the seconds the step took.
step() {
  local title=$1 t0=$SECONDS
  shift
  echo "== $title ..."
  "$@"
  echo "== $title: done in $((SECONDS - t0))s (setup so far $((SECONDS - START))s)"
}

apt_install() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# npm ci empties node_modules first; a stamp of the lock file skips it when nothing changed.
npm_install() {
  local stamp=tests/node/node_modules/.mlopsc-lock want
  want=$(sha256sum tests/node/package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "   tests/node/node_modules is up to date"
    return
  fi
  npm ci --prefix tests/node --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" >"$stamp"
}

need_apt=()
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "apt-get install ${need_apt[*]}" apt_install "${need_apt[@]}"
  else
    echo "missing ${need_apt[*]}: install them (Debian: apt-get install ${need_apt[*]})" >&2
    exit 2
  fi
fi

step "npm ci (Mermaid's parser, tests/node)" npm_install

TEST_PYTHON=
test_venv() { TEST_PYTHON=$(PYTHON="$PYTHON" bash scripts/test-venv.sh); }
step "test venv (.venv-test: mlopsc[test], the example plugin, OPA)" test_venv

export MLOPSC_AIRFLOW_PYTHON=
airflow_venv() {
  # Built from the base interpreter of .venv-test, never from an activated venv.
  local base
  base=$("$TEST_PYTHON" -c 'import sys; print(sys._base_executable)')
  MLOPSC_AIRFLOW_PYTHON=$(PYTHON=$base bash scripts/airflow-venv.sh)
}
step "Airflow venv (.venv-airflow)" airflow_venv

export MLOPSC_CHECKOV=
checkov_venv() {
  local base
  base=$("$TEST_PYTHON" -c 'import sys; print(sys._base_executable)')
  MLOPSC_CHECKOV=$(PYTHON=$base bash scripts/checkov-venv.sh)
}
step "checkov venv (.venv-checkov)" checkov_venv

# As `activate` would: a tool run by name (mlopsc, ruff, mypy, python) is the test venv's.
VENV=$(dirname "$(dirname "$TEST_PYTHON")")
export VIRTUAL_ENV=$VENV PATH="$VENV/bin:$PATH"
unset PYTHONHOME PYTHONPATH
echo "== pytest -n auto in $VENV (setup took $((SECONDS - START))s; pytest reports its own time)"
# loadgroup: a module whose tests share an expensive fixture (a venv, a compile) marks its
# tests with one xdist_group, so that fixture is built on one worker only.
exec "$TEST_PYTHON" -m pytest -n auto --dist loadgroup "$@"
