"""``mlopsc explain CODE``: the long description of one diagnostic code."""

from __future__ import annotations

from mlopsc.codes import UnknownCode, table


def explain(code: str) -> str:
    """A Markdown-ish text of one code: title, severity, area, explanation and hint.

    Raises :class:`mlopsc.codes.UnknownCode` for a code that is not in the table; the CLI
    then offers ``mlopsc.codes.suggest(code)``.

    >>> print(explain("e105"), end="")
    # E105: duplicate key
    <BLANKLINE>
    severity: error
    area: load
    <BLANKLINE>
    A mapping holds the same key twice. Many YAML readers silently keep the last value; ...
    <BLANKLINE>
    hint: remove or rename one of the two keys
    """
    try:
        area, row = table()[code.upper()]
    except KeyError:
        raise UnknownCode(code) from None
    parts = [
        f"# {row.code}: {row.title}",
        f"severity: {row.severity.label}\narea: {area}",
        row.explain,
    ]
    if row.hint:
        parts.append(f"hint: {row.hint}")
    return "\n\n".join(parts) + "\n"


__all__ = ["explain"]
