"""The library API. The CLI is a thin layer over these functions.

Example::

    from mlopsc import api
    result = api.compile(api.Options(spec="mlops.yaml"))
    if not result.blocked():
        api.write(result, "out/")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.driver import Compilation, Options, run
from mlopsc.output.write import TreeDiff, Written, diff_tree, manifest, write_tree
from mlopsc.target import Artifact

if TYPE_CHECKING:
    from mlopsc.ir import IR
    from mlopsc.source import SourceIndex

__all__ = ["Options", "Result", "Severity", "check", "compile", "schema", "validate", "write"]


@dataclass
class Result:
    """What a run produced: diagnostics, the IR and lineage, and (for compile) the files."""

    compilation: Compilation

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.compilation.diagnostics.sorted()

    @property
    def ir(self) -> IR | None:
        """The IR; ``None`` when the spec has errors that left it partial (see
        :attr:`mlopsc.driver.Compilation.partial`): only the policy gate judges such an IR."""
        c = self.compilation
        return None if c.partial else c.ir

    @property
    def index(self) -> SourceIndex:
        return self.compilation.diagnostics.index

    def blocked(self, fail_on: Severity = Severity.ERROR) -> bool:
        """True when the gate blocks: an unwaived finding at or above ``fail_on``."""
        return self.compilation.diagnostics.blocks(fail_on)

    @property
    def artifacts(self) -> list[Artifact]:
        """Every output file including ``manifest.json``; empty when errors were found."""
        c = self.compilation
        if c.ir is None or c.diagnostics.has_errors or not c.artifacts:
            return []
        return [*c.artifacts, manifest(c.artifacts, version=c.version, spec_hash=c.ir.spec_hash,
                                       environment=c.ir.environment)]


def validate(options: Options, *, targets: bool = True) -> Result:
    """Load, check, evaluate policies and run the selected targets' checks; write nothing.

    What a target cannot express only the target knows, so the targets run in memory and
    their files are dropped: ``validate`` and ``compile`` give the same findings and the
    same verdict for the same options. ``targets=False`` stops at the policy gate (no target
    library is imported; the governance report needs no more).

    Example::

        result = api.validate(api.Options(spec="mlops.yaml", targets=("kubernetes",)))
        gate_passes = not result.blocked()  # what compile with the same options says
    """
    compilation = run(options, until="emit" if targets else "policy")
    compilation.artifacts = []
    return Result(compilation)


def compile(options: Options) -> Result:
    """Validate, then emit every selected target (nothing is written yet)."""
    return Result(run(options, until="emit"))


def write(result: Result, out_dir: str, *, prune: bool = False) -> Written:
    """Write a compile result to ``out_dir`` atomically (raises OutputError).

    ``out_dir`` is replaced only when empty or provably written by mlopsc; files there
    that mlopsc did not write stop the write unless ``prune`` (see :mod:`mlopsc.output.write`).
    An ``out_dir`` inside the spec root (``Options.root``, or the one found from the spec)
    must not lead out of it through a symlink (see :mod:`mlopsc.output.confine`).
    """
    from mlopsc.reading.spec_root import SpecRoot

    options = result.compilation.options
    return write_tree(out_dir, result.artifacts, prune=prune,
                      root=SpecRoot.of(options.spec, options.root))


def check(result: Result, out_dir: str) -> TreeDiff:
    """How ``out_dir`` differs from the fresh compile ``result``."""
    return diff_tree(out_dir, result.artifacts)


def schema() -> dict[str, Any]:
    """The JSON Schema of the spec."""
    from mlopsc.spec import json_schema

    return json_schema()
