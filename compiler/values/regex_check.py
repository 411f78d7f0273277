"""Regular expressions of the spec, judged by a real RE2 (what Prometheus runs them with).

Prometheus compiles label regexes with Go's ``regexp``, RE2 syntax: no look-around, no
back-references, no possessive repetition, and at most 1000 repetitions counted as the
product of nested counts. Python's ``re`` accepts all of those, so it cannot be the judge.
RE2 itself (``google-re2``) is; two constructs RE2 accepts and Go refuses are refused here
too: ``\\C`` (any byte) and the ``(?<name>...)`` group spelling.

>>> regex_problem("5.."), regex_problem("(?=5)")[0], regex_problem("(5{10000}){10000}")[0]
(None, 'E322', 'E331')
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_PROGRAM_SIZE = 10_000
"""RE2 program instructions allowed; RE2 itself stops near 8 MB of memory (its max_mem)."""
_BOUNDS = re.compile(r"\{(?P<low>[0-9]{1,9}),(?P<high>[0-9]{1,9})\}")
_TOO_LARGE = ("repetition size", "pattern too large", "repeat count")


@lru_cache(maxsize=1024)
def regex_problem(pattern: str) -> tuple[str, str] | None:
    """``(code, reason)`` if RE2 or Go would refuse ``pattern``, else ``None``."""
    import re2  # google-re2: imported here, only specs with regexes pay for it

    options = re2.Options()
    options.log_errors = False  # RE2 would otherwise write to stderr
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as error:
        reason = _text(error)
        return ("E331" if _too_large(reason) else "E322"), reason
    if compiled.programsize > MAX_PROGRAM_SIZE:
        return "E331", (f"compiles to {compiled.programsize} RE2 instructions, more than "
                        f"{MAX_PROGRAM_SIZE}")
    go_refuses = _go_refuses(pattern)
    return ("E322", go_refuses) if go_refuses else None


def _too_large(reason: str) -> bool:
    """RE2 says "invalid repetition size" both for `{2,1}` (syntax) and for too many."""
    bounds = _BOUNDS.search(reason)
    if bounds and bounds["high"] and int(bounds["low"]) > int(bounds["high"]):
        return False
    return any(word in reason for word in _TOO_LARGE)


def _text(error: Exception) -> str:
    detail = error.args[0] if error.args else str(error)
    if isinstance(detail, bytes):
        return detail.decode("utf-8", "backslashreplace")
    return str(detail)


def _go_refuses(pattern: str) -> str | None:
    """Constructs RE2 (C++) accepts but Go's regexp, and so Prometheus, refuses."""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and pattern[i + 1:i + 2] == "C":
            return "invalid escape sequence: \\C (Go's regexp has no any-byte escape)"
        if pattern.startswith("(?<", i) and pattern[i + 3:i + 4] not in ("=", "!"):
            return "named group (?<name>...): write (?P<name>...), which every RE2 reads"
        i += 2 if char == "\\" else 1
    return None
