"""Each rule has one home: no diagnostic code is emitted from two modules, no policy code
from two bundle files, and no Rego rule repeats a Python check (docs/policies.md, "Which
rules live where")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from mlopsc.codes import table
from mlopsc.policy.bundle import DEFAULT_BUNDLE, default_bundle_dir, load_bundles

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"[EWN]\d{3}\Z")
POLICY_CODE = re.compile(r'"([A-Z]{2,5}-\d{3})"')

# Codes that two modules emit on purpose, each module judging what the other never sees.
# The sets must match exactly, so that a third module, or a stale entry, fails the test.
SHARED = {
    # parse judges the root document; the loader judges each included file's apiVersion and
    # the `include:` and `overrides:` keys, which it consumes before parse runs.
    "E201": {"compiler/passes/load.py", "compiler/passes/parse_spec.py"},
    "E207": {"compiler/passes/load.py", "compiler/passes/parse_spec.py"},
    # The spec root's confinement, for each kind of path a spec names: spec_root confines a
    # path before it is opened and the loader checks the opened descriptor again (a symlink
    # swapped in between); policy/confine walks a `governance.policies` folder file by file.
    "E119": {"compiler/passes/load.py", "compiler/policy/confine.py",
             "compiler/reading/spec_root.py"},
    "E120": {"compiler/passes/load.py", "compiler/policy/confine.py"},
}

# Rules that once existed twice, as (Python code, Rego code, the home that was kept). Both
# must never exist again, and the kept one must still exist.
DECIDED = [
    ("E306", "DEP-004", "python"),   # canary weights rise: the rollout targets rely on it
    ("E312", "DEP-007", "python"),   # a shadow never serves: a strategy's settings must fit
    ("E205", "MDL-003", "python"),   # the registry stage is a known one: the schema's enum
    ("W309", "PIPE-001", "rego"),    # images are pinned: organisational policy
    ("W310", "PIPE-001", "rego"),
    ("W323", "SEC-005", "rego"),     # secrets by reference: markers are data
]


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def emitted_codes(source: str) -> set[str]:
    """Code literals that a module can emit: not docstrings (doctests), comparisons
    (``d.code == "E580"`` reads a finding), collections of nothing but codes or mappings
    keyed by codes (lookups).

    >>> sorted(emitted_codes('bag.add("E301", "x")\\nif d.code == "E580": pass\\n'
    ...                      'QUIET = frozenset(("E101", "E102"))\\nfor c in (("E401", 1),): pass'))
    ['E301', 'E401']
    """
    tree = ast.parse(source)
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            skip.update(id(n) for n in ast.walk(node))
        elif isinstance(node, (ast.Set, ast.List, ast.Tuple)) and node.elts and all(
                isinstance(n, ast.Constant) and CODE.match(str(n.value)) for n in node.elts):
            skip.update(id(n) for n in node.elts)
        elif isinstance(node, ast.Dict) and node.keys and all(
                isinstance(n, ast.Constant) and CODE.match(str(n.value)) for n in node.keys):
            skip.update(id(n) for n in node.keys)  # a table keyed by code (SARIF severities)
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skip and CODE.match(node.value)}


def emitters() -> dict[str, set[str]]:
    """Code -> the modules of compiler/ and targets/ that emit it (the table excluded)."""
    out: dict[str, set[str]] = {}
    for root in ("compiler", "targets"):
        for path in sorted((ROOT / root).rglob("*.py")):
            # The table's rows: compiler/codes/ and each target's declared codes.py.
            if "codes" in path.relative_to(ROOT).parts or path.name == "codes.py":
                continue
            for code in emitted_codes(path.read_text(encoding="utf-8")):
                out.setdefault(code, set()).add(path.relative_to(ROOT).as_posix())
    return out


def rego_codes() -> dict[str, set[str]]:
    """Policy code -> the bundle files (tests excluded) whose findings carry it."""
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / "policies").rglob("*.rego")):
        if path.name.endswith("_test.rego"):
            continue
        for code in POLICY_CODE.findall(path.read_text(encoding="utf-8")):
            out.setdefault(code, set()).add(path.relative_to(ROOT).as_posix())
    return out


def bundle_rules() -> set[str]:
    return set(load_bundles([(DEFAULT_BUNDLE, default_bundle_dir())]).rules)


def test_each_code_is_emitted_from_one_module():
    found = emitters()
    shared = {code: modules for code, modules in found.items() if len(modules) > 1}
    assert {code: shared[code] for code in shared if code not in SHARED} == {}
    assert {code: found.get(code) for code in SHARED} == SHARED


def test_every_documented_code_can_be_emitted():
    # The plugin example emits its own code; everything else comes from compiler/ or targets/.
    plugin = [p for p in (ROOT / "examples/plugin-target").rglob("*.py") if p.name != "codes.py"]
    from_plugin = set().union(*(emitted_codes(p.read_text(encoding="utf-8")) for p in plugin))
    assert sorted(set(table()) - set(emitters()) - from_plugin) == []


def test_every_emitted_code_is_documented():
    assert sorted(set(emitters()) - set(table())) == []


def test_each_policy_code_lives_in_one_bundle_file():
    assert {code: files for code, files in rego_codes().items() if len(files) > 1} == {}
    assert set(rego_codes()) == bundle_rules()


def test_rego_and_python_codes_never_meet():
    assert not set(rego_codes()) & set(table())
    assert not {c for c in re.findall(r'"([EWN]\d{3})"', _bundle_text())}


@pytest.mark.parametrize("python,rego,kept", DECIDED, ids=[f"{p}-{r}" for p, r, _ in DECIDED])
def test_a_rule_that_existed_twice_has_one_home(python, rego, kept):
    in_python = python in table() and python in emitters()
    in_rego = rego in bundle_rules()
    assert not (in_python and in_rego)
    assert in_python if kept == "python" else in_rego


def _bundle_text() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (ROOT / "policies").rglob("*.rego")
                   if not p.name.endswith("_test.rego"))
