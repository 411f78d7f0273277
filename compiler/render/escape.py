"""One double-quoted string form that PromQL (Go string literals) and YAML both read back.

Backslash, quote and the three common controls get their short escapes; any other
character that is not printable gets ``\\uXXXX`` or ``\\UXXXXXXXX``, which both languages
decode to the same character.
"""

from __future__ import annotations

_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def double_quoted(text: str) -> str:
    r"""``text`` as a double-quoted literal.

    >>> print(double_quoted('a"b\n\x7f'))
    "a\"b\n\u007f"
    """
    out = []
    for char in text:
        if char in _SHORT:
            out.append(_SHORT[char])
        elif char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'
