"""mlopsc: a compiler for MLOps configuration.

The library API lives in :mod:`mlopsc.api`; the command line in :mod:`mlopsc.cli`.
"""

__version__ = "0.1.0"
