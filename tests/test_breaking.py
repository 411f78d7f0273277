"""Table-driven tests of breaking-change classification."""

from __future__ import annotations

import pytest

from mlopsc import ir
from mlopsc.breaking import classify, compare
from mlopsc.driver import Options, run

BASE = (ir.Field(name="id", type="string"),
        ir.Field(name="amount", type="integer", min=0, max=1000),
        ir.Field(name="country", type="category", allowed_values=("DE", "FR")),
        ir.Field(name="note", type="string", nullable=True))


def changed(**updates) -> tuple[ir.Field, ...]:
    out = []
    for field in BASE:
        if field.name in updates:
            new = updates[field.name]
            if new is None:
                continue
            out.append(ir.Field(**{**{s: getattr(field, s) for s in field.__slots__}, **new}))
        else:
            out.append(field)
    return tuple(out) + tuple(updates.get("_added", ()))


CASES = [
    ("removed", changed(note=None), "note", "removed", True, "field note removed"),
    ("renamed", changed(id={"name": "txn_id", "renamed_from": "id"}), "id", "renamed", True,
     "field id renamed to txn_id"),
    ("type narrowed", changed(amount={"type": "string"}), "amount", "type-narrowed", True,
     "field amount type integer → string"),
    ("type widened", changed(amount={"type": "float"}), "amount", "type-widened", False,
     "field amount type integer → float"),
    ("min raised", changed(amount={"min": 10}), "amount", "range-narrowed", True,
     "field amount min 0 → 10"),
    ("max raised", changed(amount={"max": 5000}), "amount", "range-widened", False,
     "field amount max 1000 → 5000"),
    ("values narrowed", changed(country={"allowed_values": ("DE",)}), "country",
     "values-narrowed", True, "field country values FR no longer allowed"),
    ("values widened", changed(country={"allowed_values": ("DE", "FR", "NL")}), "country",
     "values-widened", False, "field country allowed values changed"),
    ("nullable made required", changed(note={"nullable": False}), "note", "made-required", True,
     "field note nullable → required"),
    ("required made nullable", changed(id={"nullable": True}), "id", "made-nullable", False,
     "field id required → nullable"),
    ("added optional", changed(_added=[ir.Field(name="tip", type="float", nullable=True)]),
     "tip", "added-optional", False, "field tip added (optional)"),
    ("added required", changed(_added=[ir.Field(name="tip", type="float")]),
     "tip", "added-required", True, "field tip added (required)"),
]


@pytest.mark.parametrize("name,new,field,kind,breaking,text", CASES, ids=[c[0] for c in CASES])
def test_classification(name, new, field, kind, breaking, text):
    (change,) = classify("data contract t", "datasets.t", BASE, new)
    assert (change.field, change.kind, change.breaking, change.message) == \
        (field, kind, breaking, f"data contract t: {text}")


def test_no_change():
    assert classify("data contract t", "datasets.t", BASE, BASE) == []


def _ir(text: str, tmp_path, name: str) -> ir.IR:
    spec = tmp_path / f"{name}.yaml"
    spec.write_text(text)
    compilation = run(Options(spec=str(spec)), until="lower")
    assert compilation.ir is not None, compilation.diagnostics.sorted()
    return compilation.ir


SPEC = """\
apiVersion: mlopsc/v1
metadata: {name: t}
datasets:
  tx:
    version: "VERSION"
    fields:
      - {name: id, type: string}
      - {name: amount, type: float}
"""


@pytest.mark.parametrize("new_version,unbumped", [("1.1.0", True), ("2.0.0", False)])
def test_breaking_change_needs_a_major_bump(tmp_path, new_version, unbumped):
    old = _ir(SPEC.replace("VERSION", "1.0.0"), tmp_path, "old")
    new_text = SPEC.replace("VERSION", new_version).replace(
        "      - {name: amount, type: float}\n", "")
    (change,) = compare(old, _ir(new_text, tmp_path, "new"))
    assert (change.kind, change.breaking, change.unbumped, change.path) == \
        ("removed", True, unbumped, "datasets.tx")
