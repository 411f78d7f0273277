"""The policy gate: bundles + data + engine + IR -> diagnostics and a :class:`PolicyResult`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlopsc.diagnostics import Diagnostic, Diagnostics
from mlopsc.ir import IR
from mlopsc.policy.bounded import PolicyLimitError
from mlopsc.policy.bundle import DEFAULT_BUNDLE, Bundles, default_bundle_dir, load_bundles
from mlopsc.policy.confine import spec_bundle_allowed
from mlopsc.policy.data import load_checked
from mlopsc.policy.engine import PolicyEngine, make_engine
from mlopsc.policy.errors import RegoError
from mlopsc.policy.findings import read_findings, results, rule_span
from mlopsc.policy.input_doc import PolicyInput
from mlopsc.policy.limits import DEFAULT_LIMITS, PolicyLimits
from mlopsc.policy.org_data import check_spec_data
from mlopsc.policy.org_terms import OrgTerms, refuse_disabled
from mlopsc.policy.result import DisabledRuleUse, PolicyResult
from mlopsc.policy.waivers import apply_waivers
from mlopsc.reading.spec_root import SpecRoot
from mlopsc.source import Span, parse_path


@dataclass(frozen=True)
class GateOptions:
    spec_dir: Path = Path(".")
    policy_dirs: tuple[str, ...] = ()
    data_files: tuple[str, ...] = ()
    opa_url: str | None = None
    today: datetime.date | None = None
    root: SpecRoot | None = None
    """The spec root that ``governance.policies`` must stay under (None: not checked)."""
    limits: PolicyLimits = DEFAULT_LIMITS
    """Time and memory for the evaluation; past them the gate fails closed with E406."""


def bundle_dirs(ir: IR, options: GateOptions, diagnostics: Diagnostics) -> list[tuple[str, Path]]:
    """The default bundle, ``--policy`` dirs, then ``governance.policies`` (spec-relative)."""
    dirs = [(DEFAULT_BUNDLE, default_bundle_dir())]
    dirs += [(d, Path(d)) for d in options.policy_dirs]
    for i, entry in enumerate(ir.governance.policies):
        if not spec_bundle_allowed(entry, options.spec_dir, options.root, diagnostics,
                                   ("governance", "policies", i)):
            continue
        path = options.spec_dir / entry
        if not path.is_dir() or not any(path.rglob("*.rego")):
            diagnostics.add("E405", f"policy bundle {entry!r} not found at {path.as_posix()}",
                            path=("governance", "policies", i))
            continue
        dirs.append((path.as_posix(), path))
    return dirs


RESERVED_PACKAGES = ("org", "mlopsc")
"""Roots of ``data`` a spec-given bundle may not declare: the organisation's data
(``data.org``, read by ``mlopsc.lib.config``) and the default bundle."""


def refuse_reserved_packages(bundles: Bundles, spec_bundles: set[str],
                             diagnostics: Diagnostics) -> None:
    """E415 for each module of a spec-given bundle declared under a reserved package.

    Such a module is loaded beside the organisation's data, so it could define a key the
    organisation left at its default; an error blocks the gate whatever it changed.
    """
    for module in bundles.modules:
        root = module.package.split(".", 1)[0]
        if module.bundle not in spec_bundles or root not in RESERVED_PACKAGES:
            continue
        line = next((n for n, text in enumerate(module.source.splitlines(), 1)
                     if text.lstrip().startswith("package")), 1)
        diagnostics.index.add_source(module.file, module.source)
        diagnostics.add("E415", f"spec policy {module.file} declares package "
                        f"{module.package!r}, under the reserved {root!r}",
                        span=Span(module.file, line, 1, line, 1))


def report_rego_errors(bundles: Bundles, diagnostics: Diagnostics) -> None:
    for code, errors in (("E401", bundles.errors), ("E404", bundles.annotation_errors)):
        for error in errors:
            _rego_diagnostic(code, error, bundles, diagnostics)


def _rego_diagnostic(code: str, error: RegoError, bundles: Bundles,
                     diagnostics: Diagnostics) -> None:
    source = next((m.source for m in bundles.modules if m.file == error.file), None)
    if source is not None:
        diagnostics.index.add_source(error.file, source)  # text output shows the line
    span = Span(error.file, error.line, error.column, error.line, error.column)
    diagnostics.add(code, error.message, span=span)


def switched_off(ir: IR, bundles: Bundles, diagnostics: Diagnostics,
                 terms: OrgTerms | None = None) -> list[DisabledRuleUse]:
    uses = []
    for entry in ir.governance.disabled_rules:
        where = parse_path(entry.path) or ("governance", "disabled_rules")
        if entry.rule not in bundles.rules:
            diagnostics.add("W405", f"governance.disabled_rules names {entry.rule}, which no "
                                    "loaded bundle declares", path=(*where, "rule"))
            continue
        if terms is not None and refuse_disabled(entry, terms, diagnostics):
            continue  # refused by the organisation: the rule stays on
        diagnostics.add("W403", f"policy rule {entry.rule} is switched off for every subject "
                                f"(approved by {entry.approver}: {entry.reason})", path=where)
        uses.append(DisabledRuleUse(rule=entry.rule, reason=entry.reason,
                                    approver=entry.approver))
    return sorted(uses, key=lambda u: u.rule)


TIERS = "data.mlopsc.lib.config.tiers"
"""The default bundle's effective requirements per risk tier (its defaults, then the spec's
``governance.risk_tiers``, then organisation data): what the governance report and model
cards show as required, so they say what the gate enforced."""


def evaluate(engine: PolicyEngine, bundles: Bundles, policy_input: PolicyInput,
             diagnostics: Diagnostics) -> tuple[list[Diagnostic], dict[str, Any] | None]:
    """Ask the engine every decision; turn values into findings, policy errors into E402.

    Also returns the value of :data:`TIERS` (``None`` when it is not an object)."""
    decisions = bundles.decisions()
    values = engine.evaluate(policy_input, [*(name for name, _ in decisions), TIERS])
    raw_tiers = values[TIERS]
    tiers = raw_tiers if isinstance(raw_tiers, dict) else None
    findings: list[Diagnostic] = []
    for name, module in decisions:
        value = values[name]
        if isinstance(value, RegoError):
            _rego_diagnostic("E402", value, bundles, diagnostics)
        else:
            found = read_findings(value, name, module, bundles, diagnostics)
            for code in sorted({f.code for f in found} - set(bundles.rules)):
                diagnostics.add("W404", f"{name} reports findings with code {code}, which no "
                                        "rule annotation declares",
                                span=rule_span(module, name.rsplit(".", 1)[1]))
            findings += found
    return findings, tiers


def report_limit(error: PolicyLimitError, bundles: Bundles, diagnostics: Diagnostics) -> None:
    """E406 at the rule that was running when the evaluation was stopped (fail closed)."""
    module = next((m for name, m in bundles.decisions() if name == error.step), None)
    span = (rule_span(module, error.step.rsplit(".", 1)[1])
            if module is not None and error.step is not None else None)
    if module is not None and span is not None:
        diagnostics.index.add_source(module.file, module.source)
    diagnostics.add("E406", f"{error}; no policy finding is known, so the gate blocks",
                    span=span)


def run_gate(ir: IR, diagnostics: Diagnostics, options: GateOptions) -> PolicyResult:
    """Evaluate every bundle over ``ir``; add findings to ``diagnostics``.

    Raises :class:`~mlopsc.policy.errors.PolicyEngineError` (or ``PolicyBundleError``) when
    the gate cannot run at all.
    """
    dirs = bundle_dirs(ir, options, diagnostics)
    bundles = load_bundles(dirs)
    report_rego_errors(bundles, diagnostics)
    refuse_reserved_packages(bundles, {name for name, _ in dirs[1 + len(options.policy_dirs):]},
                             diagnostics)
    org = load_checked(options.data_files, diagnostics)
    check_spec_data(ir.governance.data, org, diagnostics)
    engine = make_engine(bundles, org, options.opa_url, options.limits)
    org_bundles = {name for name, _ in dirs[1:1 + len(options.policy_dirs)]}
    terms = OrgTerms.of(org, ir).with_bundle_rules(
        {code: bundle for code, bundle in bundles.mandatory.items() if bundle in org_bundles})
    today = options.today or datetime.date.today()
    disabled = switched_off(ir, bundles, diagnostics, terms)
    off = {d.rule for d in disabled}
    try:
        found, tiers = evaluate(engine, bundles, PolicyInput(ir, today.isoformat()), diagnostics)
    except PolicyLimitError as error:
        report_limit(error, bundles, diagnostics)
        # No rule is known to pass and no waiver to be used: report neither.
        return PolicyResult(engine=engine.name, bundles=bundles.names,
                            rules=_active(bundles, off), results=(), waivers=(),
                            disabled=tuple(disabled), tiers=None)
    found = [f for f in found if f.code not in off]
    found, waivers = apply_waivers(found, ir.waivers, today, diagnostics, terms)
    diagnostics.extend(found)
    return PolicyResult(engine=engine.name, bundles=bundles.names, rules=_active(bundles, off),
                        results=results(bundles.rules, found, ir, off),
                        waivers=tuple(waivers), disabled=tuple(disabled), tiers=tiers)


def _active(bundles: Bundles, off: set[str]) -> dict[str, Any]:
    return {c: bundles.rules[c] for c in sorted(bundles.rules) if c not in off}
