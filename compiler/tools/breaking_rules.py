"""The breaking-change rules as data: for every kind of change and every kind of contract,
whether it breaks the contract's consumer, is compatible, or is governance-significant.

``docs/plan.md`` shows this table row for row; ``tests/unit/test_breaking_table.py`` parses
the table there and fails when the two disagree, so the documentation is the rule.

Who the consumer is decides the direction:

- a **data contract** and a **feature set** promise their readers what every value is. A
  change that lets more values through (a bound raised or removed, an allowed value added,
  a required field made nullable, another type) breaks a reader that relied on the promise;
  a change that lets fewer through (narrowing) keeps every promise and is compatible.
- a **model input schema** states what the model accepts, and both directions break
  someone: accepting less (a bound raised, an allowed value removed, a field made required
  or removed) rejects inputs that callers send today; accepting more (a bound relaxed, a
  value added, another type) takes the model outside the domain it was validated on, which
  its metrics, fairness review and approvals cover, and a typed serving protocol (KServe's
  v2 datatypes) refuses a tensor of the old type. Only an optional input added is
  compatible.

Example::

    effect("data contract", "max-raised")        # 'breaking'
    effect("model input schema", "max-raised")   # 'breaking'
"""

from __future__ import annotations

DATA, FEATURES, INPUT = "data contract", "feature set", "model input schema"
CONTRACT_KINDS = (DATA, FEATURES, INPUT)
BREAKING, COMPATIBLE, GOVERNANCE = "breaking", "compatible", "governance"
_B, _C, _G = BREAKING, COMPATIBLE, GOVERNANCE

# kind of change -> (what it is, effect for a data contract, a feature set, a model input
# schema); None where the change cannot happen to that kind of contract.
RULES: dict[str, tuple[str, str | None, str | None, str | None]] = {
    "contract-removed": (("the whole contract removed (a dataset, a feature set, a model with "
                         "an input schema)"), _B, _B, _B),
    "field-removed": ("field removed", _B, _B, _B),
    "field-renamed": ("field renamed (`renamed_from: old-name` on the new field)", _B, _B, _B),
    "field-added-required": ("required (non-nullable) field added", _C, _C, _B),
    "field-added-optional": ("optional (nullable) field added", _C, _C, _C),
    "type-widened": (("type widened by value: integer → float or decimal, float → decimal, "
                     "category → string, date → timestamp"), _B, _B, _B),
    "type-changed": ("any other change from one type to another", _B, _B, _B),
    "type-dropped": ("type dropped (the field is untyped now)", _B, _B, _B),
    "type-added": ("type given to an untyped field", _C, _C, _B),
    "min-raised": ("`min` raised", _C, _C, _B),
    "min-added": ("`min` added", _C, _C, _B),
    "min-lowered": ("`min` lowered", _B, _B, _B),
    "min-removed": ("`min` removed", _B, _B, _B),
    "max-lowered": ("`max` lowered", _C, _C, _B),
    "max-added": ("`max` added", _C, _C, _B),
    "max-raised": ("`max` raised", _B, _B, _B),
    "max-removed": ("`max` removed", _B, _B, _B),
    "values-removed": ("allowed values removed", _C, _C, _B),
    "values-restricted": ("a list of allowed values introduced", _C, _C, _B),
    "values-added": ("allowed values added", _B, _B, _B),
    "values-unrestricted": ("the list of allowed values dropped", _B, _B, _B),
    "made-required": ("nullable field made required", _C, _C, _B),
    "made-nullable": ("required field made nullable", _B, _B, _B),
    "pii-dropped": ("PII flag dropped", _G, _G, _G),
    "pii-added": ("PII flag added", _G, _G, _G),
    "classification-lowered": (("classification lowered (restricted > confidential > "
                               "internal > public > none)"), _G, _G, _G),
    "classification-raised": ("classification raised", _G, _G, _G),
    "retention-changed": ("retention period changed, added or removed", _G, None, None),
    "erasure-changed": ("erasure on request switched on or off", _G, None, None),
}

# old type -> new types that hold every value of the old one
WIDENINGS: dict[str, frozenset[str]] = {
    "integer": frozenset({"float", "decimal"}), "float": frozenset({"decimal"}),
    "category": frozenset({"string"}), "date": frozenset({"timestamp"})}

CLASSIFICATION_RANK = {None: 0, "public": 1, "internal": 2, "confidential": 3,
                       "restricted": 4}


def effect(contract: str, kind: str) -> str:
    """``breaking``, ``compatible`` or ``governance``: what ``kind`` of change does to the
    consumer of a ``contract`` (one of :data:`CONTRACT_KINDS`)."""
    found = RULES[kind][1 + CONTRACT_KINDS.index(contract)]
    if found is None:
        raise ValueError(f"a {contract} has no {kind} change")
    return found
