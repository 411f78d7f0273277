"""Pass: run the selected targets and the always-on outputs over the IR."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlopsc import registry
from mlopsc.diagnostics import Diagnostics
from mlopsc.target import Artifact, EmitOptions, Target

if TYPE_CHECKING:
    from mlopsc.driver import Compilation

# Outputs written on every compile, whatever targets are selected.
ALWAYS = {
    "lineage": "mlopsc.lineage.output:LineageOutput",
    "governance": "mlopsc.governance.output:GovernanceOutput",
}


def emit(c: Compilation) -> None:
    # An IR lowered despite errors judges policies, never makes outputs.
    if c.partial or c.ir is None:
        return
    registry.check_settings(c.options.settings)  # a mistyped --set must not pass silently
    options = EmitOptions(
        version=c.version,
        spec_name=c.options.spec.replace("\\", "/").rsplit("/", 1)[-1],
        settings=dict(c.options.settings),
        lineage=c.lineage,
        policy=c.policy,
        today=c.options.effective_today(),
    )
    names = list(c.options.targets) if c.options.targets is not None else registry.default_targets()
    artifacts: list[Artifact] = []
    always = list(_always())
    for name, target in [*((n, registry.load(n)) for n in names), *always]:
        # Fail closed: whatever a target (a plugin too) raises becomes E501 and blocks the compile.
        try:
            produced = list(target.emit(c.ir, options, c.diagnostics))
        except Exception as error:  # noqa: BLE001 - deliberate, see above
            c.diagnostics.add("E501", f"target '{name}' failed: {type(error).__name__}: {error}")
            continue
        for artifact in produced:
            artifacts.append(Artifact(f"{name}/{artifact.path}", artifact.content))
    _reject_duplicates(artifacts, c.diagnostics)
    artifacts += _index(artifacts, names, always, options.header())
    c.artifacts = sorted(artifacts, key=lambda a: a.path)


def _index(artifacts: list[Artifact], names: list[str], always: list[tuple[str, Target]],
           header: str) -> list[Artifact]:
    """README.md and index.json: what each folder written is and how it is applied."""
    from mlopsc.output.index import ALWAYS_APPLY, Folder, build

    folders = []
    for name in names:
        declared = registry.declaration(name)
        folders.append(Folder(name, declared.description, declared.docs, declared.apply))
    for name, target in always:
        folders.append(Folder(name, getattr(target, "description", ""), "",
                              ALWAYS_APPLY.get(name), kind="always"))
    return build(artifacts, folders, header)


def _always() -> Iterator[tuple[str, Target]]:
    import importlib

    for name, reference in ALWAYS.items():
        module, _, attribute = reference.partition(":")
        yield name, getattr(importlib.import_module(module), attribute)()


def _reject_duplicates(artifacts: list[Artifact], bag: Diagnostics) -> None:
    seen: set[str] = set()
    for artifact in artifacts:
        if artifact.path in seen:
            bag.add("E502", f"two outputs would be written to {artifact.path!r}")
        seen.add(artifact.path)
