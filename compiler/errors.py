"""Exceptions that end a run with exit 2 and one clear line (never a traceback)."""

from __future__ import annotations


class MlopscError(Exception):
    """Base of the errors a command reports as one line with exit 2."""


def EXPECTED_ERRORS() -> tuple[type[BaseException], ...]:
    """Every exception type that means 'could not run' (imported lazily: CLI start-up)."""
    from mlopsc.output.write import OutputError
    from mlopsc.passes.load import SpecFileError
    from mlopsc.registry import SettingError, TargetLoadError, UnknownTarget

    return (MlopscError, SpecFileError, OutputError, UnknownTarget, TargetLoadError,
            SettingError)
