from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# tests/golden_tree.py, and test modules whose helpers other folders reuse (test_fuzz's
# seeds, test_prometheus_helpers' promtool runner): importable by name from every folder.
for _folder in ("", "unit", "integration"):
    sys.path.insert(0, str(Path(__file__).parent / _folder))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files from the current outputs (review the diff!)")


def example_specs() -> list[Path]:
    """The flagship and every example spec (each is a golden case)."""
    return [ROOT / "mlops.yaml", *sorted((ROOT / "examples").glob("*/mlops.yaml"))]


def compilable_specs() -> list[Path]:
    """Specs that must compile cleanly (all but the noncompliant example)."""
    return [p for p in example_specs() if p.parent.name != "noncompliant"]


def example_id(path: Path) -> str:
    return "flagship" if path.parent == ROOT else path.parent.name


@pytest.fixture
def repo_root() -> Path:
    return ROOT
