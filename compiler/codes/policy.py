"""Codes of the policy area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = ()
