"""Codes of the governance area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = ()
