"""The compiler as a pipeline of passes, listed as data.

    load -> parse -> check_* -> lower -> lineage -> policy -> emit

Every pass reads and extends one :class:`Compilation`; passes add diagnostics rather than
raising, and a pass whose input is missing (an earlier pass failed) is skipped, so a user
sees every problem that can be found at once. Lowering runs after semantic errors too: it
lowers what it can of the entities with errors, so the policy gate judges the whole spec in
the same run; such a *partial* IR is never emitted. ``run(options, until="lower")`` runs a
prefix.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlopsc import __version__
from mlopsc.diagnostics import Diagnostics
from mlopsc.target import Artifact

if TYPE_CHECKING:  # the passes are imported when they run: `validate` never loads some
    from mlopsc.ir import IR
    from mlopsc.passes.build_lineage import Edge, LineageGraph
    from mlopsc.passes.load import Loaded
    from mlopsc.policy.result import PolicyResult
    from mlopsc.spec import Spec


@dataclass(frozen=True)
class Options:
    """What a run of the compiler is asked to do (the CLI fills this from its flags)."""

    spec: str = "mlops.yaml"
    environment: str | None = None
    targets: tuple[str, ...] | None = None
    """Targets to emit; ``None`` means every available one."""
    policy_dirs: tuple[str, ...] = ()
    data_files: tuple[str, ...] = ()
    opa_url: str | None = None
    policy_timeout: float = 30.0
    """Wall-clock seconds for the policy evaluation (``--policy-timeout``); past it, E406."""
    policy_memory: int = 2048
    """MiB the policy evaluation may use (``--policy-memory``); past it, E406."""
    max_bytes: int | None = None
    root: str | None = None
    """The spec root: only regular files under it may be read on the spec's behalf
    (includes, ``governance.policies``). ``None``: the git work tree holding the spec, else
    the spec's folder (see :mod:`mlopsc.reading.spec_root`)."""
    today: datetime.date | None = None
    """The date waivers are judged against; defaults to SOURCE_DATE_EPOCH or today."""
    settings: dict[str, str] = field(default_factory=dict)

    def effective_today(self) -> datetime.date:
        if self.today is not None:
            return self.today
        from mlopsc.source_date import source_date_epoch

        moment = source_date_epoch()
        return moment.date() if moment is not None else datetime.date.today()


@dataclass
class Compilation:
    options: Options
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    loaded: Loaded | None = None
    spec: Spec | None = None
    ir: IR | None = None
    lineage_edges: list[Edge] | None = None
    """The lineage pass's edges; :attr:`lineage` is the networkx graph made from them."""
    policy: PolicyResult | None = None
    artifacts: list[Artifact] = field(default_factory=list)
    version: str = __version__
    partial: bool = False
    """Lowering ran on a spec with errors: the IR is fit for the policy gate, not for outputs."""
    broken: frozenset[tuple[str, str]] = frozenset()
    """(section, name) of the entities that had errors when lowering ran."""
    _lineage_graph: LineageGraph | None = field(default=None, repr=False)

    @property
    def lineage(self) -> LineageGraph | None:
        """The lineage graph (networkx), built on first use: validate needs only the edges."""
        if self._lineage_graph is None and self.ir is not None and self.lineage_edges is not None:
            from mlopsc.passes.build_lineage import build_lineage

            self._lineage_graph = build_lineage(self.ir, self.lineage_edges)
        return self._lineage_graph

    @property
    def left_out(self) -> list[str]:
        """Spec paths of the entities with errors that lowering could not lower."""
        if self.ir is None:
            return []
        lowered = {node.path for node in self.ir.nodes()}
        return sorted(f"{s}.{n}" for s, n in self.broken if f"{s}.{n}" not in lowered)


@dataclass(frozen=True)
class Pass:
    name: str
    run: Callable[[Compilation], None]
    needs: str | None
    """The attribute of :class:`Compilation` this pass needs; it is skipped when that is None."""
    needs_clean: bool = False
    """Skip the pass when errors were found so far (emitting outputs needs a clean spec)."""


def _load(c: Compilation) -> None:
    from mlopsc.passes.load import DEFAULT_MAX_BYTES, load_spec

    c.loaded = load_spec(c.options.spec, c.diagnostics, environment=c.options.environment,
                         max_bytes=c.options.max_bytes or DEFAULT_MAX_BYTES,
                         root=c.options.root)
    c.diagnostics.index = c.loaded.index


def _parse(c: Compilation) -> None:
    from mlopsc.passes.parse_spec import parse_spec

    if c.loaded is not None and c.loaded.document is not None:
        c.spec = parse_spec(c.loaded.document, c.diagnostics)


def _check(name: str) -> Callable[[Compilation], None]:
    def run(c: Compilation) -> None:
        import importlib

        check = getattr(importlib.import_module(f"mlopsc.passes.{name}"), name)
        check(c.spec, c.diagnostics)

    run.__name__ = name
    return run


def _lower(c: Compilation) -> None:
    from mlopsc.passes.lower import broken_entities, document_hash, lower

    assert c.spec is not None  # PASSES runs a pass only when what it `needs` is set
def _orchestrators(c: Compilation) -> None:
    from mlopsc.passes.check_orchestrators import check_orchestrators

    if c.spec is not None:  # the run's targets decide W334, so this pass reads the options
        check_orchestrators(c.spec, c.options.targets, c.diagnostics)


    document = c.loaded.document if c.loaded else None
    c.partial = c.diagnostics.has_errors
    c.broken = broken_entities(c.diagnostics)
    c.ir = lower(c.spec, c.options.environment, broken=c.broken,
                 source_hash=document_hash(document) if document is not None else None)


def _lineage(c: Compilation) -> None:
    from mlopsc.passes.build_lineage import lineage_edges, lineage_warnings
    from mlopsc.passes.lower import entity_of

    assert c.ir is not None  # PASSES runs a pass only when what it `needs` is set
    edges = c.lineage_edges = lineage_edges(c.ir)
    if c.left_out:  # an entity left out would make its neighbours look unconnected
        return
    found = Diagnostics(c.diagnostics.index)
    lineage_warnings(c.ir, edges, found)
    # A broken entity's links may be what is broken (a misspelt pipeline): its errors say so.
    c.diagnostics.extend(d for d in found if entity_of(d.path) not in c.broken)


def _policy(c: Compilation) -> None:
    from mlopsc.passes.evaluate_policies import evaluate_policies

    evaluate_policies(c)


def _emit(c: Compilation) -> None:
    from mlopsc.passes.emit import emit

    emit(c)


PASSES: tuple[Pass, ...] = (
    Pass("load", _load, needs=None),
    Pass("parse", _parse, needs="loaded"),
    Pass("check_names", _check("check_names"), needs="spec"),
    Pass("resolve_refs", _check("resolve_refs"), needs="spec"),
    Pass("check_values", _check("check_values"), needs="spec"),
    Pass("check_pipelines", _check("check_pipelines"), needs="spec"),
    Pass("check_rollouts", _check("check_rollouts"), needs="spec"),
    Pass("check_consistency", _check("check_consistency"), needs="spec"),
    Pass("lower", _lower, needs="spec"),
    Pass("lineage", _lineage, needs="ir"),
    Pass("check_orchestrators", _orchestrators, needs="spec"),
    Pass("policy", _policy, needs="ir"),
    Pass("emit", _emit, needs="ir", needs_clean=True),
)
PASS_NAMES = tuple(p.name for p in PASSES)


def run(options: Options, *, until: str = "emit") -> Compilation:
    """Run the passes up to and including ``until``."""
    if until not in PASS_NAMES:
        raise ValueError(f"unknown pass {until!r}; passes: {', '.join(PASS_NAMES)}")
    compilation = Compilation(options=options)
    # A compile allocates many small objects and frees few; collecting them while they are
    # alive only costs time (half of lowering's on large specs), so collect once at the end.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for step in PASSES:
            ready = step.needs is None or getattr(compilation, step.needs) is not None
            if ready and not (step.needs_clean and compilation.diagnostics.has_errors):
                step.run(compilation)
            if step.name == until:
                break
    finally:
        if was_enabled:
            gc.enable()
    return compilation
