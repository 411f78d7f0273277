"""What the policy pass hands to later passes and outputs (governance report, SARIF rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["pass", "fail", "waived"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleInfo:
    """A policy rule of a bundle, from its METADATA annotation."""

    code: str
    """e.g. ``GOV-001``."""
    title: str
    description: str
    severity: Literal["error", "warning"]
    domain: str
    """The bundle folder, e.g. ``governance``, ``security``."""
    applies_to: tuple[str, ...]
    """IR sections the rule judges, e.g. ``("models",)``; every entity there is a subject."""
    bundle: str
    """``default`` or the directory of a user bundle."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleResult:
    """One rule judged on one subject (an entity's spec path, e.g. ``models.fraud-detector``)."""

    rule: str
    subject: str
    status: Status
    messages: tuple[str, ...] = ()
    waiver: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WaiverUse:
    name: str
    rule: str
    subject: str
    approver: str
    reason: str
    expires: str
    status: Literal["active", "expired", "unused", "refused"]
    matched: tuple[str, ...] = ()
    """Paths of the findings it excused."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DisabledRuleUse:
    rule: str
    reason: str
    approver: str


@dataclass(frozen=True, kw_only=True)
class PolicyResult:
    engine: str
    """``regorus`` or ``opa``."""
    bundles: tuple[str, ...]
    rules: dict[str, RuleInfo]
    results: tuple[RuleResult, ...]
    """Every rule x subject, sorted by (rule, subject)."""
    waivers: tuple[WaiverUse, ...]
    disabled: tuple[DisabledRuleUse, ...]
    tiers: dict[str, dict[str, Any]] | None = None
    """The requirements of each risk tier the bundle enforced (``data.mlopsc.lib.config.tiers``),
    or ``None`` when the bundle did not say."""

    @property
    def rule_docs(self) -> dict[str, tuple[str, str]]:
        """(title, description) per rule code, for SARIF rule metadata."""
        return {code: (info.title, info.description) for code, info in self.rules.items()}
