"""Codes of the airflow area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = ()
