"""The test venv is pinned: constraints/test.txt (written by scripts/lock.sh, installed with -c
by scripts/test-venv.sh) names every package of pyproject's test extra and dependencies with
`==`, at a version their ranges allow. A requirement added to pyproject without a refreshed
lock fails here, rather than installing whatever version is newest on the day.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "constraints" / "test.txt"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)$")


def lock_lines() -> list[str]:
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def pins() -> dict[str, str]:
    """Canonical name -> pinned version."""
    found = {}
    for line in lock_lines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in
            [*project["dependencies"], *project["optional-dependencies"]["test"]]]


@pytest.mark.parametrize("requirement", requirements(), ids=lambda r: r.name)
def test_requirement_is_pinned_exactly(requirement: Requirement) -> None:
    version = pins().get(canonicalize_name(requirement.name))
    assert version is not None, (
        f"{requirement.name} is not in {LOCK.relative_to(ROOT)}: run bash scripts/lock.sh")
    assert requirement.specifier.contains(version, prereleases=True), (
        f"{requirement.name}=={version} is outside {requirement}: run bash scripts/lock.sh")


def test_every_line_is_one_exact_pin() -> None:
    lines = lock_lines()
    assert [line for line in lines if not PIN.match(line)] == []
    names = [canonicalize_name(PIN.match(line)[1]) for line in lines]  # type: ignore[index]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    # mlopsc and the example plugin are installed editable from the clone, never from a pin
    assert {"mlopsc", "mlopsc-inventory", "pip"}.isdisjoint(names)


def test_packages_installed_without_dependencies_are_pinned() -> None:
    script = (ROOT / "scripts" / "test-venv.sh").read_text(encoding="utf-8")
    listed = re.search(r"^NO_DEPS=\((.*)\)$", script, re.MULTILINE)
    assert listed, "scripts/test-venv.sh has no NO_DEPS=(...) line"
    wanted = dict(word.split("==") for word in listed[1].split())
    assert wanted, "NO_DEPS lists no package"
    for name, version in wanted.items():
        assert pins().get(canonicalize_name(name)) == version, name
