"""The breaking-change rules in docs/plan.md are the rules the code applies: the table is
parsed and compared, row for row and cell for cell, with breaking_rules.RULES, and every
row is exercised through classify() (or compare() for contract-level kinds)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from mlopsc import ir
from mlopsc.tools.breaking import classify, compare_contracts
from mlopsc.tools.breaking_rules import CONTRACT_KINDS, RULES
from mlopsc.tools.contracts import Contract

HEADER = "| change | data contract | feature set | model input schema |"


def doc_table() -> dict[str, tuple[str, str | None, str | None, str | None]]:
    text = (ROOT / "docs" / "plan.md").read_text()
    assert text.count(HEADER) == 1, "docs/plan.md must hold the breaking-change table once"
    rows: dict[str, tuple[str, str | None, str | None, str | None]] = {}
    for line in text.split(HEADER, 1)[1].splitlines()[2:]:
        if not line.startswith("| "):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        match = re.fullmatch(r"`([a-z-]+)`: (.+)", cells[0])
        assert match, line
        assert match[1] not in rows, f"{match[1]} twice in the table"
        effects = tuple(None if c == "—" else c for c in cells[1:])
        rows[match[1]] = (match[2], *effects)  # type: ignore[assignment]
    return rows


def test_the_documented_table_is_the_rule_table():
    assert doc_table() == RULES


def test_the_table_names_the_consumer_of_each_kind_of_contract():
    text = (ROOT / "docs" / "plan.md").read_text()
    for words in ("the consumer is every reader of the dataset",
                  "the consumer is every model and service that reads the features",
                  "callers that feed", "domain it was validated on",
                  "model output schemas"):
        assert words in text


# One example per field-level kind: (old field, new field)
F = ir.Field
EXAMPLES = {
    "field-renamed": (F(name="a", type="integer"), F(name="b", type="integer", renamed_from="a")),
    "type-widened": (F(name="a", type="date"), F(name="a", type="timestamp")),
    "type-changed": (F(name="a", type="float"), F(name="a", type="integer")),
    "type-dropped": (F(name="a", type="integer"), F(name="a", type=None)),
    "type-added": (F(name="a", type=None), F(name="a", type="integer")),
    "min-raised": (F(name="a", type="integer", min=0), F(name="a", type="integer", min=1)),
    "min-added": (F(name="a", type="integer"), F(name="a", type="integer", min=1)),
    "min-lowered": (F(name="a", type="integer", min=1), F(name="a", type="integer", min=0)),
    "min-removed": (F(name="a", type="integer", min=1), F(name="a", type="integer")),
    "max-lowered": (F(name="a", type="integer", max=9), F(name="a", type="integer", max=8)),
    "max-added": (F(name="a", type="integer"), F(name="a", type="integer", max=8)),
    "max-raised": (F(name="a", type="integer", max=8), F(name="a", type="integer", max=9)),
    "max-removed": (F(name="a", type="integer", max=8), F(name="a", type="integer")),
    "values-removed": (F(name="a", type="string", allowed_values=("x", "y")),
                       F(name="a", type="string", allowed_values=("x",))),
    "values-restricted": (F(name="a", type="string"),
                          F(name="a", type="string", allowed_values=("x",))),
    "values-added": (F(name="a", type="string", allowed_values=("x",)),
                     F(name="a", type="string", allowed_values=("x", "y"))),
    "values-unrestricted": (F(name="a", type="string", allowed_values=("x",)),
                            F(name="a", type="string")),
    "made-required": (F(name="a", type="string", nullable=True), F(name="a", type="string")),
    "made-nullable": (F(name="a", type="string"), F(name="a", type="string", nullable=True)),
    "pii-dropped": (F(name="a", type="string", pii=True), F(name="a", type="string")),
    "pii-added": (F(name="a", type="string"), F(name="a", type="string", pii=True)),
    "classification-lowered": (F(name="a", type="string", classification="restricted"),
                               F(name="a", type="string", classification="public")),
    "classification-raised": (F(name="a", type="string", classification="internal"),
                              F(name="a", type="string", classification="confidential")),
}
GONE, BOTH = F(name="z", type="string"), F(name="a", type="string")


def fields_for(kind: str) -> tuple[tuple[ir.Field, ...], tuple[ir.Field, ...]]:
    if kind == "field-removed":
        return (BOTH, GONE), (BOTH,)
    if kind == "field-added-required":
        return (BOTH,), (BOTH, GONE)
    if kind == "field-added-optional":
        return (BOTH,), (BOTH, F(name="z", type="string", nullable=True))
    old, new = EXAMPLES[kind]
    return (old,), (new,)


FIELD_KINDS = [k for k in RULES if k not in ("contract-removed", "retention-changed",
                                              "erasure-changed")]


@pytest.mark.parametrize("kind", FIELD_KINDS)
@pytest.mark.parametrize("contract", CONTRACT_KINDS)
def test_every_row_is_what_classify_does(kind, contract):
    old, new = fields_for(kind)
    (change,) = classify(contract, "c", "p", old, new)
    expected = RULES[kind][1 + CONTRACT_KINDS.index(contract)]
    assert (change.kind, change.effect, change.breaking) == (kind, expected,
                                                             expected == "breaking")


def _contract(kind: str, retention: float | None = None, erasure: bool = False) -> Contract:
    return Contract(kind, "c", f"{kind} c", "datasets.c", "datasets.c.version", "1.0.0",
                    (BOTH,), retention, erasure)


@pytest.mark.parametrize("contract", CONTRACT_KINDS)
def test_a_removed_contract_is_breaking_without_e580(contract):
    (change,) = compare_contracts({(0, "c"): _contract(contract)}, {})
    assert (change.kind, change.breaking, change.unbumped, change.label(), change.message) == (
        "contract-removed", True, False, "breaking", f"{contract} c removed")


@pytest.mark.parametrize("kind, old, new, text", [
    ("retention-changed", (730 * 86400, True), (365 * 86400, True),
     "retention 730 d → 365 d"),
    ("retention-changed", (730 * 86400, True), (None, True), "retention 730 d → none"),
    ("erasure-changed", (None, True), (None, False), "erasure on request yes → no"),
])
def test_contract_level_governance_changes(kind, old, new, text):
    (change,) = compare_contracts({(0, "c"): _contract("data contract", *old)},
                                  {(0, "c"): _contract("data contract", *new)})
    assert (change.kind, change.effect, change.breaking, change.unbumped, change.message) == (
        kind, "governance", False, False, f"data contract c: {text}")
    assert change.label() == "governance-significant"
