"""The one table of diagnostic codes.

Each core area keeps its rows in a module of this package; each target declares its own
(``TargetDeclaration.codes``, e.g. ``targets/kubeflow/codes.py``), and the registry hands
over those of every available target, built-in or plugin. This module joins them and checks
that every code is unique and that its letter matches its severity (``E`` error,
``W`` warning, ``N`` note). ``docs/diagnostics.md`` and ``mlopsc explain`` come from here.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from mlopsc.diagnostics import Severity

_CORE_AREAS = ("load", "schema", "semantic", "policy", "compile", "governance")
_LETTERS = {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTE}


@dataclass(frozen=True, slots=True)
class Code:
    """A row of the table: ``explain`` is shown by ``mlopsc explain``; ``hint`` is the default."""

    code: str
    title: str
    explain: str
    hint: str | None = None

    @property
    def severity(self) -> Severity:
        return _LETTERS[self.code[0]]


class UnknownCode(KeyError):
    pass


def _areas(plugins: bool) -> Iterator[tuple[str, tuple[Code, ...]]]:
    """(area, rows): the core areas, then each target's declared codes (built-ins, and
    with ``plugins`` the installed plugins too)."""
    for area in _CORE_AREAS:
        yield area, importlib.import_module(f"mlopsc.codes.{area}").CODES
    from mlopsc import registry  # the registry's declarations import this module

    found = registry.declarations() if plugins else registry.builtin_declarations()
    for name, declared in found.items():
        yield name, declared.codes


@cache
def _table(plugins: bool) -> dict[str, tuple[str, Code]]:
    rows: dict[str, tuple[str, Code]] = {}
    for area, codes in _areas(plugins):
        for row in codes:
            if row.code in rows:
                raise RuntimeError(f"diagnostic code {row.code} is defined twice")
            if row.code[:1] not in _LETTERS or not row.code[1:].isdigit():
                raise RuntimeError(f"diagnostic code {row.code!r} is malformed")
            rows[row.code] = (area, row)
    return dict(sorted(rows.items(), key=lambda item: (item[0][1:], item[0])))


def table() -> dict[str, tuple[str, Code]]:
    """Every code, mapped to (area, row), in code order; a target's area is its name.
    Installed plugins' codes are included: a run may emit them."""
    return _table(True)


def own_table() -> dict[str, tuple[str, Code]]:
    """mlopsc's own codes (the core areas and the built-in targets) whatever plugins are
    installed: what docs/diagnostics.md documents."""
    return _table(False)


def lookup(code: str) -> Code:
    try:
        return table()[code.upper()][1]
    except KeyError:
        raise UnknownCode(code) from None


def suggest(code: str, extra: Iterable[str] = ()) -> str | None:
    """The closest known code (``extra``: more candidates, e.g. policy rule codes)."""
    matches = difflib.get_close_matches(code.upper(), [*table(), *extra], n=1)
    return matches[0] if matches else None
