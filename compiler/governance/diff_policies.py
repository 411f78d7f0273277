"""Report diff of the rule side: policy results, switched-off rules, waivers, regulations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlopsc.governance.diff_sections import Item, Row, entities, fields, keyed, words

_NOW = {"fail": "now failing", "pass": "now passing", "waived": "now waived"}


def policies(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    before, after = old.get("policies", {}), new.get("policies", {})
    was, now = bool(before.get("evaluated")), bool(after.get("evaluated"))
    if was != now:
        yield ("policies", "changed", "evaluated", was, now,
               "policies are now evaluated" if now else "policies are no longer evaluated")
    yield from _disabled(before.get("disabled", []), after.get("disabled", []))
    if was and now:
        yield from fields("policies", "policies", before, after,
                           {"engine": "engine", "bundles": "bundles"})
        # A rule switched off (or back on) leaves (or rejoins) the rule table: that is said
        # once, by _disabled, not again as "policy X removed".
        off = {d.get("rule") for d in before.get("disabled", [])}
        now_off = {d.get("rule") for d in after.get("disabled", [])}
        yield from _results(before.get("results", []), after.get("results", []),
                            now_off - off)
        yield from _rules(before.get("rules", []), after.get("rules", []), now_off - off,
                          off - now_off)


RULE_FIELDS = {"severity": "severity", "title": "title", "domain": "domain",
               "bundle": "bundle"}


def _rules(old: list[Any], new: list[Any], switched_off: set[Any],
           switched_on: set[Any]) -> Iterator[Row]:
    before, after = keyed(old, lambda r: r["code"]), keyed(new, lambda r: r["code"])
    for code in sorted(after.keys() - before.keys() - switched_on):
        yield (f"rule:{code}", "added", None, None, after[code],
               f"policy {code} added: {after[code].get('title')}")
    for code in sorted(before.keys() - after.keys() - switched_off):
        yield f"rule:{code}", "removed", None, before[code], None, f"policy {code} removed"
    for code in sorted(before.keys() & after.keys()):
        yield from fields(f"rule:{code}", f"policy {code}", before[code], after[code],
                           RULE_FIELDS)


def _status(result: Item) -> str:
    words_ = _NOW.get(result["status"], f"now {result['status']}")
    waiver = f" (waiver {result['waiver']})" if result.get("waiver") else ""
    return f"policy {result['rule']} {words_} on {result['subject']}{waiver}"


def _results(old: list[Any], new: list[Any], switched_off: set[Any]) -> Iterator[Row]:
    """Results by rule and subject; a rule switched off is said once (by ``_disabled``),
    not again for each subject it is no longer evaluated on."""
    # Keyed by what the id is made of, so that a result's rule or subject is compared.
    before = keyed(old, lambda r: f"{r['rule']}@{r['subject']}")
    after = keyed(new, lambda r: f"{r['rule']}@{r['subject']}")
    for key in sorted(before.keys() | after.keys()):
        subject = f"result:{key}"
        if key not in before:
            yield subject, "added", "status", None, after[key]["status"], _status(after[key])
        elif key not in after:
            r = before[key]
            if r["rule"] in switched_off:
                continue
            yield (subject, "removed", "status", r["status"], None,
                   f"policy {r['rule']} no longer evaluated on {r['subject']}")
        elif (before[key]["status"], before[key].get("waiver")) != \
                (after[key]["status"], after[key].get("waiver")):
            yield (subject, "changed", "status", before[key]["status"], after[key]["status"],
                   _status(after[key]) + f", was {before[key]['status']}")


def _disabled(old: list[Any], new: list[Any]) -> Iterator[Row]:
    before, after = keyed(old, lambda r: r["rule"]), keyed(new, lambda r: r["rule"])
    for rule in sorted(after.keys() - before.keys()):
        d = after[rule]
        yield (f"disabled:{rule}", "added", "disabled", None, d,
               (f"policy {rule} switched off for every subject, approved by {d['approver']}: "
                f"{d['reason']}"))
    for rule in sorted(before.keys() - after.keys()):
        yield (f"disabled:{rule}", "removed", "disabled", before[rule], None,
               f"policy {rule} switched back on")
    for rule in sorted(before.keys() & after.keys()):
        yield from fields(f"disabled:{rule}", f"policy {rule} switched off",
                           before[rule], after[rule], {"approver": "approver",
                                                       "reason": "reason"})


# An added waiver that excuses nothing deserves the auditor's attention at once.
_WAIVER_CAVEAT: dict[Any, str] = {"unused": ", but it matches no finding",
                                  "expired": ", already expired"}

WAIVER_FIELDS = {"rule": "rule", "subject": "subject", "approver": "approver",
                 "expires": "expiry", "status": "status", "reason": "reason"}


def waivers(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(w: Item) -> str:
        return (f"waiver {w.get('name')} added: {w.get('rule')} on {w.get('subject')}, "
                f"approved by {w.get('approver')}, expires {w.get('expires')}"
                f"{_WAIVER_CAVEAT.get(w.get('status'), '')}")

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from fields(subject, prefix, a, b, WAIVER_FIELDS)

    yield from entities(old, new, "waivers", added, "waiver", compare)


def regulations(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(r: Item) -> str:
        scope = " for every model" if r.get("in_force_for_all") else \
            f" for {words(sorted(_short(m) for m in r.get('models', [])))}"
        return f"regulation {r.get('name')} now in force{scope}"

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        if bool(a.get("in_force_for_all")) != bool(b.get("in_force_for_all")):
            now = b.get("in_force_for_all")
            yield (subject, "changed", "in_force_for_all", a.get("in_force_for_all"), now,
                   f"{prefix} {'now' if now else 'no longer'} in force for every model")

    for row in entities(old, new, "regulations", added, "regulation", compare):
        if row[1] == "removed":
            yield (*row[:5], f"regulation {row[3].get('name')} no longer in force")
        else:
            yield row


def _short(node_id: str) -> str:
    return node_id.partition(":")[2] or node_id
