#!/usr/bin/env bash
# mypy --strict over the package as it is installed (mlopsc = compiler/, mlopsc.targets =
# targets/, mlopsc.policies = policies/). The source folders do not carry the package names,
# so a throwaway tree of links gives mypy the installed layout. Extra arguments go to mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir "$tree/mlopsc"
for entry in compiler/*; do ln -s "$PWD/$entry" "$tree/mlopsc/$(basename "$entry")"; done
ln -s "$PWD/targets" "$tree/mlopsc/targets"
ln -s "$PWD/policies" "$tree/mlopsc/policies"
cd "$tree"
exec "$PYTHON" -m mypy --config-file "$OLDPWD/pyproject.toml" --strict --no-incremental \
  --cache-dir=/dev/null -p mlopsc "$@"
