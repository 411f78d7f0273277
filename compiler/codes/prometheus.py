"""Codes of the prometheus area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = ()
