"""The organisation's terms for exceptions: what the spec under review cannot grant itself.

From organisation data (``--data``) and the organisation's ``--policy`` bundles (rules whose
annotation says ``custom.mandatory: true``): mandatory rules may not be switched off
(``governance.disabled_rules``, E410) or waived (E411); a waiver lasts at most
``waivers.max_days`` after the run's date (E412); waivers and disabled rules are approved by
someone on ``waivers.approvers`` when the organisation lists them (E413), and never by the
owner of what they excuse (E414). An exception refused for any of these excuses nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.ir import IR, DisabledRule, Waiver
from mlopsc.source import Path, parse_path


@dataclass(frozen=True)
class OrgTerms:
    """The terms read from organisation data (all empty: no term applies)."""

    mandatory: frozenset[str] = frozenset()
    mandatory_by: dict[str, str] = field(default_factory=dict)
    """Mandatory rule -> what made it so, for messages (absent: organisation data)."""
    max_days: int | None = None
    approvers: frozenset[str] = frozenset()
    owners: dict[str, str] = field(default_factory=dict)
    """Entity path (``models.m``) -> its owner, and ``metadata`` -> the platform owner."""

    @classmethod
    def of(cls, org: dict[str, Any], ir: IR) -> OrgTerms:
        found = org.get("waivers")
        waivers: dict[str, Any] = found if isinstance(found, dict) else {}
        mandatory = org.get("mandatory_rules")
        approvers = waivers.get("approvers")
        days = waivers.get("max_days")
        return cls(
            mandatory=frozenset(_upper(mandatory)),
            max_days=days if isinstance(days, int) and not isinstance(days, bool) else None,
            approvers=frozenset(_norm(a) for a in approvers if isinstance(a, str))
            if isinstance(approvers, list) else frozenset(),
            owners=_owners(ir))

    def with_bundle_rules(self, rules: Mapping[str, str]) -> OrgTerms:
        """These terms, with ``rules`` (code -> ``--policy`` bundle) mandatory too."""
        extra = {code.upper(): bundle for code, bundle in rules.items()
                 if code.upper() not in self.mandatory}
        by = {code: f"policy bundle {bundle}" for code, bundle in extra.items()}
        return dataclasses.replace(self, mandatory=self.mandatory | frozenset(extra),
                                   mandatory_by={**self.mandatory_by, **by})

    def why_mandatory(self, rule: str) -> str:
        """Where the rule was made mandatory: ``the organisation's data`` or its bundle."""
        return self.mandatory_by.get(rule.upper(), "the organisation's data")


def _upper(values: Any) -> list[str]:
    return [v.upper() for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _norm(person: str) -> str:
    """People compare without case or surrounding blanks."""
    return person.strip().casefold()


def _owners(ir: IR) -> dict[str, str]:
    owners = {node.path: _norm(owner) for node in ir.nodes()
              if isinstance(owner := getattr(node, "owner", None), str) and owner.strip()}
    if ir.owner and ir.owner.strip():
        owners["metadata"] = _norm(ir.owner)
    return owners


def refuse_disabled(entry: DisabledRule, terms: OrgTerms, diagnostics: Diagnostics) -> bool:
    """Report why the organisation refuses switching this rule off; True when it does."""
    where: Path = parse_path(entry.path) or ("governance", "disabled_rules")
    refused = False
    if entry.rule.upper() in terms.mandatory:
        diagnostics.add("E410", f"{entry.rule} is mandatory in {terms.why_mandatory(entry.rule)}; "
                                "governance.disabled_rules cannot switch it off",
                        path=(*where, "rule"))
        refused = True
    refused |= _bad_approver(entry.approver, set(terms.owners.values()),
                             "every entity of the spec", (*where, "approver"), terms,
                             diagnostics)
    return refused


def refuse_waiver(waiver: Waiver, subjects: set[str], terms: OrgTerms, today: datetime.date,
                  diagnostics: Diagnostics) -> bool:
    """Report why the organisation refuses this waiver; True when it does. ``subjects`` are
    the entity paths whose findings it would excuse."""
    where: Path = parse_path(waiver.path) or ("waivers", waiver.name)
    refused = False
    if waiver.rule.upper() in terms.mandatory:
        diagnostics.add("E411", f"waiver {waiver.name!r} waives {waiver.rule}, which is "
                                f"mandatory in {terms.why_mandatory(waiver.rule)}",
                        path=(*where, "rule"))
        refused = True
    refused |= _too_long(waiver, terms, today, (*where, "expires"), diagnostics)
    owners = {terms.owners[s] for s in subjects if s in terms.owners}
    refused |= _bad_approver(waiver.approver, owners, "what it excuses", (*where, "approver"),
                             terms, diagnostics)
    return refused


def _too_long(waiver: Waiver, terms: OrgTerms, today: datetime.date, path: Path,
              diagnostics: Diagnostics) -> bool:
    if terms.max_days is None:
        return False
    try:
        expires = datetime.date.fromisoformat(waiver.expires)
    except ValueError:
        return False  # a malformed date is E3xx already
    days = (expires - today).days
    if days <= terms.max_days:
        return False
    diagnostics.add("E412", f"waiver {waiver.name!r} runs {days} days (until {waiver.expires}); "
                            f"the organisation allows at most {terms.max_days}", path=path,
                    hint=f"set `expires` at most {terms.max_days} days after today "
                         f"({today + datetime.timedelta(days=terms.max_days)})")
    return True


def _bad_approver(approver: str, owners: set[str], what: str, path: Path, terms: OrgTerms,
                  diagnostics: Diagnostics) -> bool:
    who = _norm(approver)
    if terms.approvers and who not in terms.approvers:
        diagnostics.add("E413", f"{approver!r} is not on the organisation's list of approvers "
                                "(waivers.approvers)", path=path,
                        hint="have one of: " + ", ".join(sorted(terms.approvers)) + " approve it")
        return True
    if who in owners:
        diagnostics.add("E414", f"{approver!r} owns {what}, and cannot approve its own "
                                "exception", path=path,
                        hint="have someone independent of the owner approve it")
        return True
    return False
