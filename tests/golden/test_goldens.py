"""The golden harness: every example compiled through `mlopsc.api`, the whole tree compared.

Each spec (the flagship `mlops.yaml` and `examples/*/mlops.yaml`) is compiled the way
`mlopsc compile SPEC -o DIR` does it, with every default target, a pinned generator version
(`Options.version`) and a pinned `SOURCE_DATE_EPOCH`, and written to a temporary directory by
`api.write`. `tests/golden/<example>/` must then hold exactly the files written there,
`manifest.json` included, byte for byte.

A spec the gate blocks (`examples/noncompliant`) writes no tree: its golden is the findings
that block it, `tests/golden/<example>.findings.txt`, as `mlopsc compile` prints them.

Regenerate with `python3 -m pytest tests/golden --update-goldens`, then review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, example_id, example_specs
from golden_tree import GOLDEN_ROOT, assert_tree, read_tree, write_tree

from mlopsc import api

PINNED_VERSION = "0.1.0"
"""The version stamped into golden outputs, so a release does not rewrite every golden."""
SOURCE_DATE_EPOCH = "1794700800"
"""2026-11-15T00:00:00Z: the day waivers are judged as of, and the OpenLineage eventTime."""
BLOCKED = frozenset({"noncompliant"})
"""Examples the policy gate blocks on purpose: their golden is their findings, not a tree."""


def _options(spec: Path) -> api.Options:
    # A spec path relative to the repository, as a user types it: findings name the file
    # the same way on every machine.
    return api.Options(spec=spec.relative_to(ROOT).as_posix(), version=PINNED_VERSION)


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.chdir(ROOT)


def _findings(result: api.Result) -> str:
    from mlopsc.formatters import render

    return render("text", result.diagnostics, index=result.index,
                  tool_version=PINNED_VERSION, color=False)


def compiled_tree(spec: Path, out: Path) -> dict[str, bytes]:
    """What `mlopsc compile SPEC -o OUT` writes, read back as relative path -> bytes."""
    result = api.compile(_options(spec))
    assert not result.blocked(), f"{spec} is blocked:\n{_findings(result)}"
    api.write(result, str(out))
    return read_tree(out)


@pytest.mark.parametrize("spec", [s for s in example_specs() if example_id(s) not in BLOCKED],
                         ids=example_id)
def test_compiled_tree_matches_golden(spec: Path, tmp_path: Path, pinned: None,
                                      request: pytest.FixtureRequest) -> None:
    tree = compiled_tree(spec, tmp_path / "out")
    assert "manifest.json" in tree
    assert_tree(tree, GOLDEN_ROOT / example_id(spec), request)


@pytest.mark.parametrize("spec", [s for s in example_specs() if example_id(s) in BLOCKED],
                         ids=example_id)
def test_blocked_example_writes_nothing_and_its_findings_match_golden(
        spec: Path, pinned: None, request: pytest.FixtureRequest) -> None:
    result = api.compile(_options(spec))
    assert result.blocked() and result.artifacts == []
    golden = GOLDEN_ROOT / f"{example_id(spec)}.findings.txt"
    text = _findings(result)
    if request.config.getoption("--update-goldens"):
        write_tree({}, GOLDEN_ROOT / example_id(spec))  # no tree: an old one is stale
        golden.write_text(text, encoding="utf-8")
        return
    assert not (GOLDEN_ROOT / example_id(spec)).exists(), "a blocked spec has no output tree"
    assert golden.is_file(), f"run `python3 -m pytest tests/golden --update-goldens` for {golden}"
    assert text == golden.read_text(encoding="utf-8")


def test_every_golden_tree_is_an_example(request: pytest.FixtureRequest) -> None:
    # A renamed or deleted example must not leave its old golden tree behind.
    expected = {example_id(s) for s in example_specs()} - BLOCKED
    stale = sorted(p for p in GOLDEN_ROOT.iterdir()
                   if p.is_dir() and p.name not in expected and (p / "manifest.json").is_file())
    if request.config.getoption("--update-goldens"):
        for tree in stale:
            write_tree({}, tree)
        return
    assert [p.name for p in stale] == []
