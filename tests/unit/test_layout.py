"""The layout is the architecture (docs/architecture.md): a target imports the core and
mlopsc.render, never another target, and the core never imports a target's internals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGETS = sorted(p.name for p in (ROOT / "targets").iterdir() if (p / "__init__.py").is_file())


def imported(source: str, package: str = "") -> set[str]:
    """Every module a source imports, absolute (``from . import x`` resolved in ``package``).

    >>> sorted(imported("from mlopsc.targets import kubeflow, airflow\\nimport mlopsc.ir"))
    ['mlopsc.ir', 'mlopsc.targets', 'mlopsc.targets.airflow', 'mlopsc.targets.kubeflow']
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def foreign_targets(modules: set[str], own: str | None) -> list[str]:
    """The modules of targets other than ``own`` among ``modules``.

    >>> foreign_targets({"mlopsc.targets.airflow.literals", "mlopsc.render.promql"}, "kubeflow")
    ['mlopsc.targets.airflow.literals']
    >>> foreign_targets({"mlopsc.targets.kubeflow.build"}, "kubeflow")
    []
    """
    out = []
    for module in sorted(modules):
        parts = module.split(".")
        if parts[:2] == ["mlopsc", "targets"] and len(parts) > 2 and parts[2] != own:
            out.append(module)
    return out


def _package(path: Path, root: str, name: str) -> str:
    rel = path.relative_to(ROOT / root).with_suffix("")
    parts = [*name.split("."), *rel.parts]
    return ".".join(parts[:-1])  # a module's package; an __init__'s is its own


@pytest.mark.parametrize("target", TARGETS)
def test_a_target_never_imports_another(target):
    bad = {}
    for path in sorted((ROOT / "targets" / target).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found = foreign_targets(imported(source, _package(path, "targets", "mlopsc.targets")),
                                target)
        if found:
            bad[path.relative_to(ROOT).as_posix()] = found
    assert bad == {}


def test_the_core_reaches_targets_only_through_the_registry():
    # The registry table names declarations by string; no core module imports a target.
    bad = {}
    for path in sorted((ROOT / "compiler").rglob("*.py")):
        found = foreign_targets(imported(path.read_text(encoding="utf-8"),
                                         _package(path, "compiler", "mlopsc")), None)
        if found:
            bad[path.relative_to(ROOT).as_posix()] = found
    assert bad == {}


def test_the_check_sees_a_violation():
    source = "from mlopsc.targets.prometheus import slo_rules\nfrom . import meta\n"
    modules = imported(source, "mlopsc.targets.kubernetes")
    assert foreign_targets(modules, "kubernetes") == [
        "mlopsc.targets.prometheus", "mlopsc.targets.prometheus.slo_rules"]
    assert "mlopsc.targets.kubernetes.meta" in modules
