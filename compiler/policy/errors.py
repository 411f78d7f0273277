"""Errors of the policy gate.

Two kinds, because they mean different things to CI: :class:`RegoError` is a problem *in a
policy* (the user's bundle) and becomes a coded diagnostic at the ``.rego`` file's line
(exit 1); :class:`PolicyEngineError` means the gate could not run at all (exit 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlopsc.errors import MlopscError

# regorus reports a located error as "--> file:line:col" followed by a caret excerpt and
# "error: message".
_LOCATED = re.compile(r"-->\s*(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)")
_MESSAGE = re.compile(r"^error:\s*(?P<msg>.+)$", re.MULTILINE)
# With RUST_BACKTRACE set (common on CI runners), regorus appends a Rust stack trace with
# the build machine's paths to every error; nothing from there on is about the policy.
_BACKTRACE = re.compile(r"^\s*Stack backtrace:", re.MULTILINE)
MAX_ENGINE_MESSAGE = 300
"""Characters of an engine error kept in a finding or an exit-2 line."""


def engine_message(text: str, limit: int = MAX_ENGINE_MESSAGE) -> str:
    r"""The meaningful part of a policy engine's error: no stack trace, one line, bounded.

    Everything from ``Stack backtrace:`` on is dropped; the remaining non-blank lines are
    joined with ``; `` and cut at ``limit`` characters with an ellipsis.

    >>> engine_message("a.rego exceeds maximum size\n\nStack backtrace:\n   0: <unknown>")
    'a.rego exceeds maximum size'
    >>> len(engine_message("x" * 1000))
    300
    """
    found = _BACKTRACE.search(text)
    head = text[:found.start()] if found else text
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    message = "; ".join(lines) or "the engine gave no message"
    return message if len(message) <= limit else message[:limit - 1] + "…"


class PolicyEngineError(MlopscError):
    """The policy engine failed or is unreachable: the gate cannot judge the spec (exit 2).

    The message is cleaned by :func:`engine_message` (no stack trace, one bounded line).
    """

    def __init__(self, message: str = "") -> None:
        super().__init__(engine_message(str(message)))


class PolicyBundleError(MlopscError):
    """A bundle given on the command line is missing or empty, or a data file is unreadable."""


@dataclass(frozen=True)
class RegoError(Exception):
    """A located error in a policy file (syntax or evaluation)."""

    file: str
    line: int
    column: int
    message: str

    def __post_init__(self) -> None:
        # Every RegoError becomes a finding (E401, E402, E404): whoever builds one from an
        # engine's text, the finding gets no stack trace and a bounded message.
        object.__setattr__(self, "message", engine_message(self.message))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


def parse_engine_error(text: str) -> RegoError | None:
    """Read regorus' error text; ``None`` when it names no position in a policy file.

    >>> parse_engine_error("\\n--> a.rego:3:9\\n  |\\nerror: `if` keyword is required")
    RegoError(file='a.rego', line=3, column=9, message='`if` keyword is required')
    """
    trace = _BACKTRACE.search(text)
    text = text[:trace.start()] if trace else text
    located = _LOCATED.search(text)
    if located is None:
        return None
    found = _MESSAGE.search(text)
    message = found.group("msg").strip() if found else text.strip().splitlines()[-1]
    return RegoError(located.group("file").strip(), int(located.group("line")),
                     int(located.group("col")), message)
