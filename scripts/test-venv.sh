#!/usr/bin/env bash
# Creates (once) the venv the tests run in, and prints ONLY its python path on stdout
# (progress goes to stderr). It holds mlopsc (editable) with its test extra, the example
# plugin target (editable) and the real OPA bindings, at the versions of constraints/test.txt.
#
# Nothing is installed into the interpreter that runs this script, nor into an activated venv:
# the venv is made from the base interpreter (sys._base_executable of $PYTHON), without
# system site-packages, so it sees none of the caller's packages.
# Idempotent: a stamp records what the venv was built from (interpreter, place) and a hash of
# what the install depends on (pyproject files, constraints, this script). A matching stamp
# reuses the venv as is; changed pins re-run pip in it; another interpreter or place rebuilds.
#   MLOPSC_TEST_VENV         where to put it (default: .venv-test in the repository root)
#   MLOPSC_TEST_CONSTRAINTS  the constraints file (default: constraints/test.txt); empty for
#                            none (scripts/lock.sh resolves afresh that way)
#   PYTHON                   an interpreter whose base builds the venv (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${MLOPSC_TEST_VENV:-$PWD/.venv-test}
CONSTRAINTS=${MLOPSC_TEST_CONSTRAINTS-constraints/test.txt}
# Installed without their dependencies, past their Python requirement:
# - a real OPA for the engine-parity tests: OPA's Go engine (v1.20.2) behind ctypes. The wheel
#   declares Python >=3.14, but its pure-ctypes wrapper runs on 3.11 (the tests prove it);
#   it has no dependencies.
# - the Model Card Toolkit, whose card classes the model-card tests load: its dependencies are
#   TensorFlow's pipeline glue, which tests/integration/mct_load.py keeps out.
NO_DEPS=(opa-golib-python-bindings==0.4.4 model-card-toolkit==2.0.0)

say() { echo "$*" >&2; }

# The interpreter a venv was made from, not the venv: a venv made from a venv's python would
# otherwise depend on that venv staying where it is.
BASE=$("$PYTHON" -c 'import os, sys
print(os.path.realpath(getattr(sys, "_base_executable", "") or sys.executable))')
IDENTITY="$BASE $("$BASE" -c 'import sys; print(sys.version.split()[0])') $VENV"
PIN_FILES=(pyproject.toml examples/plugin-target/pyproject.toml scripts/test-venv.sh)
[ -n "$CONSTRAINTS" ] && PIN_FILES+=("$CONSTRAINTS")
PINS="$(cat "${PIN_FILES[@]}" | sha256sum | cut -d' ' -f1) ${CONSTRAINTS:-unpinned}"
STAMP="$VENV/.mlopsc-stamp"

# pip_progress PYTHON ARGS...: pip install with one line of progress every 25 packages instead
# of pip's hundreds (or -q's minutes of silence); the whole log stays in $VENV/pip.log.
pip_progress() {
  local python=$1 t0=$SECONDS n=0 line words status
  shift
  set +e  # pip's status is read from PIPESTATUS below
  PYTHONUNBUFFERED=1 "$python" -m pip install --disable-pip-version-check --progress-bar off \
    "$@" 2>&1 | tee -a "$VENV/pip.log" | while IFS= read -r line; do
    case $line in
      Collecting*)
        n=$((n + 1))
        [ $((n % 25)) = 0 ] && say "   pip: $n packages collected ($((SECONDS - t0))s)" ;;
      "Successfully installed"*)
        read -r -a words <<<"$line"
        say "   pip: $((${#words[@]} - 2)) installed or updated ($((SECONDS - t0))s)" ;;
    esac
  done
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" != 0 ]; then
    say "pip install failed (exit $status) after $((SECONDS - t0))s; the end of $VENV/pip.log:"
    tail -n 40 "$VENV/pip.log" >&2
    return "$status"
  fi
}

venv_ok() {
  [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(sed -n 1p "$STAMP")" = "$IDENTITY" ] &&
    "$VENV/bin/python" -c '' 2>/dev/null
}

if venv_ok && [ "$(sed -n 2p "$STAMP")" = "$PINS" ]; then
  say "   $VENV is up to date (its stamp matches the pins)"
  echo "$VENV/bin/python"
  exit 0
fi

if ! venv_ok; then
  say "   creating $VENV from $BASE"
  rm -rf "$VENV"
  "$BASE" -m venv "$VENV" >&2 || {
    say "could not create a venv with $BASE (Debian: apt-get install python3-venv)"
    exit 2
  }
fi
rm -f "$STAMP"  # a failed install below leaves no stamp, so the next run installs again
: >"$VENV/pip.log"
pin=()
[ -n "$CONSTRAINTS" ] && pin=(-c "$CONSTRAINTS")
say "   pip install -e .[test] -e examples/plugin-target ${pin[*]:-(unpinned)}"
pip_progress "$VENV/bin/python" ${pin[@]+"${pin[@]}"} -e '.[test]' -e examples/plugin-target
pip_progress "$VENV/bin/python" ${pin[@]+"${pin[@]}"} --no-deps --ignore-requires-python \
  "${NO_DEPS[@]}"
# Fails here, not in the tests, when the install is unusable or mlopsc is another clone's.
"$VENV/bin/python" - "$PWD" >&2 <<'EOF'
import pathlib, sys
import mlopsc, mlopsc_inventory, opa_bindings  # noqa: F401
here = pathlib.Path(mlopsc.__file__).resolve().parent
if here != pathlib.Path(sys.argv[1], "compiler"):
    sys.exit(f"the test venv imports mlopsc from {here}, not from this clone")
EOF
printf '%s\n%s\n' "$IDENTITY" "$PINS" >"$STAMP"
echo "$VENV/bin/python"
