"""Codes of the kubernetes area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = ()
