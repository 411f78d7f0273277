"""One escaping function for every spec-given string that human-readable output prints.

A spec comes from a pull request, and its strings reach findings: keys in spec paths,
include names, Rego messages and hints of spec-given policies. Printed raw, a line break
starts a new line, and CI runners read some lines as commands (GitHub Actions runs any
line whose trimmed start is ``::``: ``::error``, ``::add-mask::``, ``::stop-commands::``);
an ESC byte rewrites the terminal; a bidi control reorders what a reviewer sees. So every
such character is replaced with a visible escape, and the text stays on one line.
"""

from __future__ import annotations

import re

# C0 controls (line feed, carriage return and tab included), DEL, C1 controls (NEL U+0085
# included), the Unicode line and paragraph separators, and the bidi embedding, override
# and isolate controls.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_char(char: str) -> str:
    r"""The visible escape of one unsafe character.

    >>> escape_char("\n"), escape_char("\x1b"), escape_char("\u202e")
    ('\\n', '\\x1b', '\\u202e')
    """
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, keep: str = "") -> str:
    r"""``text`` with control, line-separator and bidi characters written as escapes.

    ``keep`` names characters to let through (the source excerpt keeps tabs so that its
    carets line up).

    >>> printable("evil\n::error::x \x1b[2J \u202egnp.exe")
    'evil\\n::error::x \\x1b[2J \\u202egnp.exe'
    >>> printable("a\tb", keep="\t")
    'a\tb'
    """
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else escape_char(m.group()),
                       text)


def is_printable(text: str) -> bool:
    """True when :func:`printable` leaves ``text`` as it is."""
    return _UNSAFE.search(text) is None
