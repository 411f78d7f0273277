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


class PolicyEngineError(MlopscError):
    """The policy engine failed or is unreachable: the gate cannot judge the spec (exit 2)."""


class PolicyBundleError(MlopscError):
    """A bundle given on the command line is missing or empty, or a data file is unreadable."""


@dataclass(frozen=True)
class RegoError(Exception):
    """A located error in a policy file (syntax or evaluation)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


def parse_engine_error(text: str) -> RegoError | None:
    """Read regorus' error text; ``None`` when it names no position in a policy file.

    >>> parse_engine_error("\\n--> a.rego:3:9\\n  |\\nerror: `if` keyword is required")
    RegoError(file='a.rego', line=3, column=9, message='`if` keyword is required')
    """
    located = _LOCATED.search(text)
    if located is None:
        return None
    found = _MESSAGE.search(text)
    message = found.group("msg").strip() if found else text.strip().splitlines()[-1]
    return RegoError(located.group("file").strip(), int(located.group("line")),
                     int(located.group("col")), message)
