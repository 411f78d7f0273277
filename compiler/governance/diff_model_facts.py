"""Report diff of what a model's paperwork states: human oversight, explainability, the risk
assessment, the card's promises, the stage history, the artifact, the training provenance
and the input schema. Each compares one part of two model entries of a report."""

from __future__ import annotations

from collections.abc import Iterator

from mlopsc.governance.diff_fields import contract_fields
from mlopsc.governance.diff_sections import (
    Item,
    Row,
    added_removed,
    fields,
    nested,
    quoted,
    words,
)

CARD = {"intended_use": "intended use", "out_of_scope_use": "out-of-scope use",
        "limitations": "limitations", "ethical_considerations": "ethical considerations",
        "fairness_assessment": "card fairness assessment", "maintenance": "maintenance",
        "caveats": "caveats"}
TRAINING = {"code_version": "training code version", "pipeline": "training pipeline",
            "image": "training image", "continuous": "continuous training"}


def recorded(key: str, old: Item, new: Item) -> bool:
    """Both sides record ``key``: a report of an older mlopsc lacks the facts it did not
    record, and absent is not the same as empty."""
    return key in old and key in new


def _section(subject: str, prefix: str, key: str, name: str, old: Item,
             new: Item) -> Iterator[Row]:
    """A whole optional section added or removed."""
    if not recorded(key, old, new):
        return
    a, b = old.get(key), new.get(key)
    if a is None and b is not None:
        yield subject, "added", key, None, b, f"{prefix}: {name} added"
    elif b is None and a is not None:
        yield subject, "removed", key, a, None, f"{prefix}: {name} removed"


def human_oversight(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from _section(subject, prefix, "human_oversight", "human oversight", old, new)
    a, b = old.get("human_oversight"), new.get("human_oversight")
    if a is None or b is None:
        return
    yield from nested(subject, prefix, "human_oversight", a, b,
                       {"description": "human oversight description"}, quoted)
    before, after = a.get("reviewers") or [], b.get("reviewers") or []
    yield from added_removed(subject, prefix, "human oversight reviewer", before, after)
    if before and not after:
        yield (subject, "changed", "human_oversight.reviewers", before, after,
               f"{prefix}: human oversight reviewers emptied: nobody reviews the decisions")


def explainability(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from _section(subject, prefix, "explainability", "explainability", old, new)
    a, b = old.get("explainability"), new.get("explainability")
    if a is None or b is None:
        return
    if bool(a.get("per_decision")) != bool(b.get("per_decision")):
        now = "now explained per decision" if b.get("per_decision") else \
            "no longer explained per decision (per-decision explanations off)"
        yield (subject, "changed", "explainability.per_decision", a.get("per_decision"),
               b.get("per_decision"), f"{prefix}: {now}")
    yield from nested(subject, prefix, "explainability", a, b,
                       {"method": "explainability method"})


def risk_assessment(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    a, b = old.get("risk_assessment"), new.get("risk_assessment")
    if a == b or not recorded("risk_assessment", old, new):
        return
    kind, text = (("removed", f"risk assessment removed (was {a})") if not b else
                  ("added", f"risk assessment added: {b}") if not a else
                  ("changed", f"risk assessment {a} → {b}"))
    yield subject, kind, "risk_assessment", a, b, f"{prefix}: {text}"


def card(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    if recorded("card", old, new):
        yield from nested(subject, prefix, "card", old.get("card"), new.get("card"), CARD,
                           quoted)


def _entry(r: Item) -> str:
    return f"{r.get('stage')} {r.get('version')} on {r.get('date')}"


def history(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    """Entries appended are news; any other change rewrites the record and says so."""
    a, b = old.get("history") or [], new.get("history") or []
    if a == b or not recorded("history", old, new):
        return
    if b[:len(a)] == a:
        for r in b[len(a):]:
            yield (subject, "added", "history", None, r,
                   f"{prefix}: stage history: {_entry(r)} added")
        return
    yield (subject, "changed", "history", a, b,
           (f"{prefix}: stage history rewritten: {words([_entry(r) for r in a])} → "
           f"{words([_entry(r) for r in b])}"))


def artifact(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    if not recorded("artifact", old, new):
        return
    a, b = old.get("artifact") or {}, new.get("artifact") or {}
    if a.get("uri") != b.get("uri"):
        same = (f" while the version stays {new.get('version')}"
                if old.get("version") == new.get("version") else "")
        yield (subject, "changed", "artifact.uri", a.get("uri"), b.get("uri"),
               f"{prefix}: artifact URI {words(a.get('uri'))} → {words(b.get('uri'))}{same}")
    yield from nested(subject, prefix, "artifact", a, b, {"encrypted": "artifact encrypted"})


def training(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    if recorded("training", old, new):
        yield from nested(subject, prefix, "training", old.get("training"), new.get("training"),
                       TRAINING)


def input_schema(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from fields(subject, prefix, old, new, {"schema_version": "input schema version"})
    if recorded("input_schema", old, new):
        yield from contract_fields(subject, prefix, "input field", old["input_schema"] or [],
                                   new["input_schema"] or [])
