"""Codes of the kubeflow area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = ()
