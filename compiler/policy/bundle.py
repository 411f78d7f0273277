"""Policy bundles: find the ``.rego`` files of each bundle, parse them, read rule annotations.

A bundle is a directory tree of Rego v1 files; ``x_test.rego`` files hold its unit tests.
The default bundle ships inside mlopsc (``mlopsc.policies``). Every file is parsed with
regorus, whichever engine evaluates later, so a syntax error is always found and located.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import regorus

from mlopsc.policy.errors import PolicyBundleError, RegoError, parse_engine_error
from mlopsc.policy.metadata import Annotation, AnnotationError, annotation_above
from mlopsc.policy.result import RuleInfo
from mlopsc.reading.safe_read import MAX_BYTES, read_regular

DEFAULT_BUNDLE = "default"
DECISIONS = ("deny", "warn")


@dataclass(frozen=True, slots=True)
class RuleDecl:
    """One rule definition of a module (a name may be defined by several bodies)."""

    name: str
    line: int
    end_line: int
    annotation: Annotation | None = None


@dataclass(frozen=True, slots=True)
class Module:
    file: str
    """Path shown to users: ``mlopsc/policies/...`` for the default bundle, else as given."""
    source: str
    package: str
    """e.g. ``mlopsc.governance.ownership`` (without ``data.``)."""
    rules: tuple[RuleDecl, ...]
    bundle: str
    domain: str
    is_test: bool


@dataclass
class Bundles:
    """Every loaded module, the errors found, and the rules their annotations declare."""

    modules: list[Module] = field(default_factory=list)
    errors: list[RegoError] = field(default_factory=list)
    """Syntax errors (E401)."""
    annotation_errors: list[RegoError] = field(default_factory=list)
    """Invalid annotations (E404)."""
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    rule_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Where each rule code is declared: (file, line)."""
    hints: dict[str, str] = field(default_factory=dict)
    mandatory: dict[str, str] = field(default_factory=dict)
    """Rule code -> bundle, for each rule an annotation marks ``custom.mandatory: true``."""
    engine: regorus.Engine | None = None
    """A regorus engine holding every parsed module (tests only when asked for)."""
    names: tuple[str, ...] = ()

    def loaded_engine(self) -> Any:  # a regorus.Engine (regorus is untyped)
        """:attr:`engine`, which :func:`load_bundles` always sets."""
        if self.engine is None:
            raise RuntimeError("the bundles were not loaded into an engine")
        return self.engine

    def decisions(self) -> list[tuple[str, Module]]:
        """``data.<package>.deny`` / ``.warn`` of every module that defines them, once each."""
        seen: dict[str, Module] = {}
        for module in self.modules:
            if module.is_test:
                continue
            for rule in module.rules:
                if rule.name in DECISIONS:
                    seen.setdefault(f"data.{module.package}.{rule.name}", module)
        return sorted(seen.items())


def default_bundle_dir() -> Path:
    return Path(str(files("mlopsc.policies")))


def rego_files(root: Path) -> list[Path]:
    """The ``.rego`` files under ``root`` in a stable order, skipping hidden directories."""
    found = [p for p in root.rglob("*.rego")
             if not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def load_bundles(dirs: list[tuple[str, Path]], *, tests: bool = False) -> Bundles:
    """Parse every bundle; ``dirs`` pairs a bundle's name with its directory.

    >>> b = load_bundles([(DEFAULT_BUNDLE, default_bundle_dir())])
    >>> "GOV-001" in b.rules, b.errors
    (True, [])
    """
    bundles = Bundles(engine=regorus.Engine(), names=tuple(name for name, _ in dirs))
    for name, root in dirs:
        paths = rego_files(root) if root.is_dir() else []
        if not paths:
            raise PolicyBundleError(f"policy bundle {name!r} not found or holds no .rego file")
        for path in paths:
            if path.name.endswith("_test.rego") and not tests:
                continue
            _add_file(bundles, name, root, path)
    _read_structure(bundles)
    return bundles


def display_path(bundle: str, root: Path, path: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return f"mlopsc/policies/{rel}" if bundle == DEFAULT_BUNDLE else f"{bundle.rstrip('/')}/{rel}"


def _add_file(bundles: Bundles, name: str, root: Path, path: Path) -> None:
    shown = display_path(name, root, path)
    try:  # bounded, and a FIFO or device is refused instead of blocking the gate
        source = read_regular(str(path), MAX_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyBundleError(f"cannot read policy {shown}: {error}") from None
    try:
        bundles.loaded_engine().add_policy(shown, source)
    except RuntimeError as error:
        bundles.errors.append(parse_engine_error(str(error))
                              or RegoError(shown, 1, 1, str(error).strip()))
        return
    parts = path.relative_to(root).parts
    domain = parts[0] if len(parts) > 1 else Path(name).name
    bundles.modules.append(Module(file=shown, source=source, package="", rules=(), bundle=name,
                                  domain=domain, is_test=path.name.endswith("_test.rego")))


def _read_structure(bundles: Bundles) -> None:
    """Fill in each module's package and rules from the engine's AST."""
    if not bundles.modules:
        return
    asts = {entry["source"]["file"]: entry["ast"]
            for entry in json.loads(bundles.loaded_engine().get_ast_as_json())}
    modules = []
    for module in bundles.modules:
        ast = asts[module.file]
        lines = module.source.splitlines()
        rules = tuple(_rule(bundles, module, lines, entry) for entry in ast["rules"])
        package = ".".join(_ref_parts(ast["package"]["refr"]))
        modules.append(Module(file=module.file, source=module.source, package=package,
                              rules=rules, bundle=module.bundle, domain=module.domain,
                              is_test=module.is_test))
    bundles.modules = modules
    for module in modules:
        for rule in module.rules:
            if rule.annotation is not None:
                _declare(bundles, module, rule.annotation)


def _rule(bundles: Bundles, module: Module, lines: list[str], entry: dict[str, Any]) -> RuleDecl:
    body = next(iter(entry.values()))
    head = body.get("head")
    refr = next(iter(head.values()))["refr"] if head else body["refr"]
    name = _ref_parts(refr)[0]
    span = body["span"]
    end_line = span["line"] + module.source[span["start"]:span["end"]].count("\n")
    annotation = None
    if name in DECISIONS and not module.is_test:
        try:
            annotation = annotation_above(lines, span["line"], name)
        except AnnotationError as error:
            bundles.annotation_errors.append(RegoError(module.file, error.line, 1, str(error)))
    return RuleDecl(name=name, line=span["line"], end_line=end_line, annotation=annotation)


def _ref_parts(refr: dict[str, Any]) -> list[str]:
    """``a.b.c`` of a reference node of the AST, outermost first."""
    kind, node = next(iter(refr.items()))
    if kind == "Var":
        return [node["value"]]
    if kind == "RefDot":
        return [*_ref_parts(node["refr"]), node["field"][1]]
    if kind == "RefBrack":
        return _ref_parts(node["refr"])
    return ["?"]


def _declare(bundles: Bundles, module: Module, note: Annotation) -> None:
    if note.mandatory:
        bundles.mandatory.setdefault(note.code, module.bundle)
    known = bundles.rules.get(note.code)
    if known is not None:
        # One rule may have several bodies (e.g. one per section); their subjects add up.
        applies = tuple(sorted(set(known.applies_to) | set(note.applies_to)))
        bundles.rules[note.code] = RuleInfo(
            code=known.code, title=known.title, description=known.description,
            severity=known.severity, domain=known.domain, applies_to=applies,
            bundle=known.bundle)
        return
    bundles.rules[note.code] = RuleInfo(
        code=note.code, title=note.title, description=note.description,
        severity=note.severity, domain=module.domain, applies_to=note.applies_to,
        bundle=module.bundle)
    bundles.rule_lines[note.code] = (module.file, note.line)
    if note.hint:
        bundles.hints[note.code] = note.hint
