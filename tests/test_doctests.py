"""The examples in docstrings of the public API run, so they cannot go stale."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import mlopsc
import pytest


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(mlopsc.__path__, "mlopsc.")
                  if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS,
                             report=True)
    assert result.failed == 0


def test_the_examples_are_found():
    attempted = sum(doctest.testmod(importlib.import_module(n), report=False).attempted
                    for n in ("mlopsc.target", "mlopsc.diagnostics", "mlopsc.explain"))
    assert attempted >= 3
