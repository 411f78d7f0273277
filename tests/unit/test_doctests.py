"""The examples in docstrings of the public API run, so they cannot go stale."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import mlopsc
import mlopsc.targets


def _modules() -> list[str]:
    # The core and the built-in targets are separate source folders under one package, so
    # each is walked on its own (walking mlopsc's path alone would miss the targets).
    found = [m.name for package in (mlopsc, mlopsc.targets)
             for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
    return sorted(name for name in found if not name.endswith("__main__"))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS,
                             report=True)
    assert result.failed == 0


def test_the_examples_are_found():
    attempted = sum(doctest.testmod(importlib.import_module(n), report=False).attempted
                    for n in ("mlopsc.target", "mlopsc.diagnostics", "mlopsc.tools.explain"))
    assert attempted >= 3
    in_targets = sum(doctest.testmod(importlib.import_module(n), report=False).attempted
                     for n in _modules() if n.startswith("mlopsc.targets."))
    assert in_targets >= 10
