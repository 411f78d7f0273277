"""Table-driven tests of breaking-change classification."""

from __future__ import annotations

import pytest

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.tools.breaking import classify, compare, report_unbumped

BASE = (ir.Field(name="id", type="string"),
        ir.Field(name="amount", type="integer", min=0, max=1000),
        ir.Field(name="country", type="category", allowed_values=("DE", "FR")),
        ir.Field(name="note", type="string", nullable=True),
        ir.Field(name="untyped", type=None, nullable=True))


def _with(field: ir.Field, **values) -> ir.Field:
    return ir.Field(**{**{s: getattr(field, s) for s in field.__slots__}, **values})


def changed(_base=None, **updates) -> tuple[tuple[ir.Field, ...], tuple[ir.Field, ...]]:
    """(old fields, new fields): BASE (its changed field first given ``_base`` values) and
    BASE with ``updates``."""
    base = tuple(_with(f, **_base) if _base and f.name in updates else f for f in BASE)
    out = []
    for field in base:
        if field.name in updates:
            new = updates[field.name]
            if new is None:
                continue
            out.append(_with(field, **new))
        else:
            out.append(field)
    return base, tuple(out) + tuple(updates.get("_added", ()))


B, C, G = "breaking", "compatible", "governance"
# (case, new fields, field, kind, effect for a data contract, for a model input schema, text)
CASES = [
    ("removed", changed(note=None), "note", "field-removed", B, B, "field note removed"),
    ("renamed", changed(id={"name": "txn_id", "renamed_from": "id"}), "id", "field-renamed",
     B, B, "field id renamed to txn_id"),
    ("type changed", changed(amount={"type": "string"}), "amount", "type-changed", B, B,
     "field amount type integer → string"),
    ("integer to float", changed(amount={"type": "float"}), "amount", "type-widened", B, B,
     "field amount type integer → float"),
    ("category to string", changed(country={"type": "string"}), "country", "type-widened",
     B, B, "field country type category → string"),
    ("min raised", changed(amount={"min": 10}), "amount", "min-raised", C, B,
     "field amount min 0 → 10"),
    ("min lowered", changed(amount={"min": -10}), "amount", "min-lowered", B, B,
     "field amount min 0 → -10"),
    ("min removed", changed(amount={"min": None}), "amount", "min-removed", B, B,
     "field amount min 0 → none"),
    ("max raised", changed(amount={"max": 5000}), "amount", "max-raised", B, B,
     "field amount max 1000 → 5000"),
    ("max lowered", changed(amount={"max": 500}), "amount", "max-lowered", C, B,
     "field amount max 1000 → 500"),
    ("max removed", changed(amount={"max": None}), "amount", "max-removed", B, B,
     "field amount max 1000 → none"),
    ("bound added", changed(note={"max": 280}), "note", "max-added", C, B,
     "field note max none → 280"),
    ("values removed", changed(country={"allowed_values": ("DE",)}), "country",
     "values-removed", C, B, "field country values FR no longer allowed"),
    ("value added", changed(country={"allowed_values": ("DE", "FR", "NL")}), "country",
     "values-added", B, B, "field country values NL now allowed"),
    ("values restricted", changed(id={"allowed_values": ("a", "b")}), "id",
     "values-restricted", C, B, "field id allowed values now restricted to a, b"),
    ("values unrestricted", changed(country={"allowed_values": None}), "country",
     "values-unrestricted", B, B, "field country allowed values no longer restricted"),
    ("type added", changed(untyped={"type": "integer"}), "untyped", "type-added", C, B,
     "field untyped type none → integer"),
    ("type dropped", changed(amount={"type": None}), "amount", "type-dropped", B, B,
     "field amount type integer → none"),
    ("nullable made required", changed(note={"nullable": False}), "note", "made-required",
     C, B, "field note nullable → required"),
    ("required made nullable", changed(id={"nullable": True}), "id", "made-nullable", B, B,
     "field id required → nullable"),
    ("added optional", changed(_added=[ir.Field(name="tip", type="float", nullable=True)]),
     "tip", "field-added-optional", C, C, "field tip added (optional)"),
    ("added required", changed(_added=[ir.Field(name="tip", type="float")]),
     "tip", "field-added-required", C, B, "field tip added (required)"),
    ("PII flag dropped", changed(id={"pii": False}, _base={"pii": True}), "id", "pii-dropped",
     G, G, "field id no longer marked PII"),
    ("PII flag added", changed(id={"pii": True}), "id", "pii-added", G, G,
     "field id now marked PII"),
    ("classification lowered", changed(id={"classification": "internal"},
                                       _base={"classification": "confidential"}),
     "id", "classification-lowered", G, G, "field id classification confidential → internal"),
    ("classification raised", changed(id={"classification": "restricted"}), "id",
     "classification-raised", G, G, "field id classification none → restricted"),
]


@pytest.mark.parametrize("name,new,field,kind,data,model,text", CASES, ids=[c[0] for c in CASES])
def test_classification(name, new, field, kind, data, model, text):
    base, new = new
    for contract, effect in (("data contract", data), ("feature set", data),
                             ("model input schema", model)):
        (change,) = classify(contract, "t", "datasets.t", base, new)
        assert (change.field, change.kind, change.effect, change.breaking, change.message) == \
            (field, kind, effect, effect == "breaking", f"t: {text}"), contract


def test_a_swapped_value_is_one_removal_and_one_addition():
    _, new = changed(country={"allowed_values": ("DE", "NL")})
    assert [(c.kind, c.effect) for c in classify("data contract", "t", "d", BASE, new)] == [
        ("values-removed", "compatible"), ("values-added", "breaking")]


def test_float_to_integer_is_a_type_change():
    base = (ir.Field(name="x", type="float"),)
    new = (ir.Field(name="x", type="integer"),)
    (change,) = classify("model input schema", "t", "d", base, new)
    assert (change.kind, change.breaking) == ("type-changed", True)


def test_no_change():
    assert classify("data contract", "t", "datasets.t", BASE, BASE) == []


def test_a_rename_with_other_changes_is_reported_once_per_change():
    _, new = changed(amount={"name": "amount_cents", "renamed_from": "amount", "max": 5000})
    assert [(c.field, c.kind, c.breaking)
            for c in classify("data contract", "t", "datasets.t", BASE, new)] == [
        ("amount", "field-renamed", True), ("amount_cents", "max-raised", True)]


def test_a_stale_renamed_from_says_nothing():
    # Left on the field from an earlier release: the old name is already gone in BASE.
    _, later = changed(id={"renamed_from": "legacy_id"})
    assert classify("data contract", "t", "datasets.t", BASE, later) == []
    # Naming a field that still exists is no rename: the new field is an addition.
    both = BASE + (ir.Field(name="id2", type="string", renamed_from="id"),)
    assert [(c.field, c.kind)
            for c in classify("data contract", "t", "datasets.t", BASE, both)] == [
        ("id2", "field-added-required")]


def test_an_undeclared_rename_is_a_removal_and_an_addition():
    _, new = changed(id={"name": "txn_id"})
    assert [(c.field, c.kind, c.message)
            for c in classify("model input schema", "t", "datasets.t", BASE, new)] == [
        ("id", "field-removed", "t: field id removed"),
        ("txn_id", "field-added-required", "t: field txn_id added (required)")]


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


@pytest.mark.parametrize("new_version,unbumped", [
    ("1.1.0", True), ("1.0.0", True), ("2.0.0", False), ("0.9.0", True), ("10.0.0", False)])
def test_breaking_change_needs_a_major_bump(tmp_path, new_version, unbumped):
    old = _ir(SPEC.replace("VERSION", "1.0.0"), tmp_path, "old")
    new_text = SPEC.replace("VERSION", new_version).replace(
        "      - {name: amount, type: float}\n", "")
    (change,) = compare(old, _ir(new_text, tmp_path, "new"))
    assert (change.kind, change.breaking, change.unbumped, change.path, change.version_path) \
        == ("field-removed", True, unbumped, "datasets.tx", "datasets.tx.version")


def test_a_compatible_change_needs_no_bump(tmp_path):
    old = _ir(SPEC.replace("VERSION", "1.0.0"), tmp_path, "old")
    new = _ir(SPEC.replace("VERSION", "1.0.0") + "      - {name: tip, type: float, "
              "nullable: true}\n", tmp_path, "new")
    (change,) = compare(old, new)
    assert (change.kind, change.breaking, change.unbumped) == ("field-added-optional", False, False)


MODEL = """\
apiVersion: mlopsc/v1
metadata: {name: t}
models:
  m:
    version: "1.0.0"
SCHEMA_VERSION    input_schema:
      - {name: amount, type: float}
      - {name: country, type: category}
"""


@pytest.mark.parametrize("old_version, new_version, where, line", [
    ("1.0.0", "1.1.0", "models.m.schema_version", 6),
    (None, None, "models.m", 4),  # no schema version to bump: point at the model
])
def test_model_input_schema_e580_points_at_the_version(tmp_path, old_version, new_version,
                                                         where, line):
    def spec(version):
        text = MODEL.replace("SCHEMA_VERSION", f'    schema_version: "{version}"\n'
                             if version else "")
        return text

    old = _ir(spec(old_version), tmp_path, "old")
    new_path = tmp_path / "mlops.yaml"
    new_path.write_text(spec(new_version).replace("      - {name: country, type: category}\n",
                                                  ""))
    compilation = run(Options(spec=str(new_path)), until="lower")
    changes = compare(old, compilation.ir)
    bag = Diagnostics(compilation.diagnostics.index)
    report_unbumped(changes, bag)
    (d,) = bag.sorted()
    assert (d.code, d.severity.label, d.path, d.span.line, d.message) == (
        "E580", "error", where, line,
        ("model m input schema: field country removed, but the major version did not change "
         f"({old_version or 'none'} → {new_version or 'none'})"))
    assert d.hint.startswith("bump the major version")


FEATURES = SPEC + """\
      - {name: country, type: category}
features:
  tx-features:
    version: "VERSION"
    source: tx
    entity: ENTITY
    features: [FEATURES]
"""


def _features(version: str, features: str, entity: str = "id") -> str:
    return (FEATURES.replace("VERSION", "1.0.0", 1).replace("VERSION", version)
            .replace("ENTITY", entity).replace("FEATURES", features))


@pytest.mark.parametrize("old,new,kind,breaking,unbumped,text", [
    ("amount, country", _features("1.1.0", "amount"), "field-removed", True, True,
     "field country removed"),
    ("amount, country", _features("2.0.0", "amount"), "field-removed", True, False,
     "field country removed"),
    # A feature set's readers are not broken by a new feature, even one never null.
    ("amount", _features("1.1.0", "amount, country"), "field-added-required", False, False,
     "field country added (required)"),
    ("amount", _features("1.1.0", "amount", entity="country"), "field-removed", True, True,
     "field id removed"),
], ids=["feature removed", "feature removed, major bump", "feature added", "entity changed"])
def test_feature_set_changes(tmp_path, old, new, kind, breaking, unbumped, text):
    before = _ir(_features("1.0.0", old), tmp_path, "old")
    changes = [c for c in compare(before, _ir(new, tmp_path, "new"))
               if c.subject == "feature set tx-features"]
    assert (changes[0].kind, changes[0].breaking, changes[0].unbumped, changes[0].message,
            changes[0].version_path) == (
        kind, breaking, unbumped, f"feature set tx-features: {text}",
        "features.tx-features.version")


def test_a_removed_contract_is_in_the_plan_not_no_changes(tmp_path):
    """The plan's Breaking section lists a removed contract (its Governance section says
    `data contract x removed` too) rather than saying nothing changed."""
    from mlopsc.tools.plan import Plan
    from mlopsc.tools.plan_render import NO_SCHEMA_CHANGES, render_markdown

    extra = "  extra:\n    version: \"1.0.0\"\n    fields:\n      - {name: id, type: string}\n"
    old = _ir(SPEC.replace("VERSION", "1.0.0") + extra, tmp_path, "old")
    new = _ir(SPEC.replace("VERSION", "1.0.0"), tmp_path, "new")
    changes = compare(old, new)
    assert [(c.kind, c.breaking, c.unbumped, c.path) for c in changes] == [
        ("contract-removed", True, False, "datasets.extra")]
    text = render_markdown(Plan(base="HEAD", breaking=changes, governance=[]), "mlops.yaml")
    assert "- breaking: data contract extra removed\n" in text
    assert NO_SCHEMA_CHANGES not in text


def test_retention_and_a_feature_sets_source_bounds_are_classified(tmp_path):
    spec = FEATURES.replace("VERSION", "1.0.0").replace("ENTITY", "id").replace(
        "FEATURES", "amount")

    def version(max_: int, retention: str) -> str:
        return spec.replace("      - {name: amount, type: float}\n",
                            f"      - {{name: amount, type: float, max: {max_}}}\n"
                            ).replace("features:\n", retention + "features:\n", 1)

    old = _ir(version(100, ""), tmp_path, "old")
    new = _ir(version(500, "    retention: {period: 30d}\n"), tmp_path, "new")
    # The feature set exposes its source's promise, so its readers break with it.
    assert [(c.subject, c.kind, c.effect, c.unbumped) for c in compare(old, new)] == [
        ("data contract tx", "max-raised", "breaking", True),
        ("data contract tx", "retention-changed", "governance", False),
        ("feature set tx-features", "max-raised", "breaking", True)]
