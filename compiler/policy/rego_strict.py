"""The checks of OPA's strict mode that OPA v1 does not make on its own, over OPA's parse tree.

OPA v1 already rejects, in its default mode, what strict mode used to add: duplicate or
shadowing imports, ``input``/``data`` as variable names, deprecated built-ins and unused
``some`` declarations. ``opa check --strict`` adds three more, and the embedded OPA
(:mod:`mlopsc.policy.opa_embedded`) exposes no switch for them, so they are checked here on
the tree OPA's own parser builds (``rego.parse_module``):

- an import nobody uses (``rego.v1`` and ``future.*`` aside);
- a local variable assigned with ``:=`` (or unpacked from a pattern) and never used;
- a function argument never used (write ``_`` instead).

A variable counts as used when its name occurs again anywhere in the same rule (head, body,
``else`` branches, comprehensions): coarser than OPA's per-scope check, so it may miss an
unused variable that shares its name with a used one, but it never reports a used one.

>>> tree = {"imports": [], "rules": [{"head": {"name": "f", "args": [_var("x")]},
...                                   "body": [{"terms": _var("y")}]}]}
>>> check(tree)
['rule f: unused argument x (use _ instead)']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

_EXEMPT_IMPORTS = ("rego", "future")
"""Roots of imports that switch language features on rather than name a document."""


def _var(name: str) -> dict[str, str]:
    return {"type": "var", "value": name}


def _vars(node: Any) -> Iterator[str]:
    """Every variable name in ``node`` (a term, expression or rule), once per occurrence."""
    if isinstance(node, dict):
        if node.get("type") == "var" and isinstance(node.get("value"), str):
            yield node["value"]
            return
        for value in node.values():
            yield from _vars(value)
    elif isinstance(node, list):
        for item in node:
            yield from _vars(item)


def _exprs(node: Any) -> Iterator[dict[str, Any]]:
    """Every expression (an object with ``terms``) in ``node``, comprehensions included."""
    if isinstance(node, dict):
        if "terms" in node:
            yield node
        for value in node.values():
            yield from _exprs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _exprs(item)


def _assigned(expr: dict[str, Any]) -> list[str]:
    """The variables an ``x := value`` (or ``[a, b] := value``) expression declares."""
    terms = expr.get("terms")
    if not isinstance(terms, list) or len(terms) != 3:
        return []
    operator = terms[0]
    if operator.get("type") != "ref" or operator.get("value") != [_var("assign")]:
        return []
    return list(_vars(terms[1]))


def _local(name: str) -> bool:
    return not name.startswith("$") and name != "_"


def _rule_problems(rule: dict[str, Any]) -> list[str]:
    head = rule.get("head", {})
    name = head.get("name") or ".".join(str(t.get("value")) for t in head.get("ref", []))
    used = Counter(_vars(rule))
    problems = [f"rule {name}: unused argument {arg} (use _ instead)"
                for arg in _vars(head.get("args", [])) if _local(arg) and used[arg] < 2]
    for expr in _exprs(rule):
        problems += [f"rule {name}: assigned var {var} unused"
                     for var in _assigned(expr) if _local(var) and used[var] < 2]
    return problems


def _import_name(entry: dict[str, Any]) -> tuple[str, str] | None:
    """(root, name bound) of an import; ``None`` for a path OPA would not accept."""
    path = entry.get("path", {}).get("value", [])
    if not path:
        return None
    root = str(path[0].get("value"))
    return root, str(entry.get("alias") or path[-1].get("value"))


def check(tree: dict[str, Any]) -> list[str]:
    """The strict-mode problems of one module's parse tree (empty when there are none)."""
    used = Counter(_vars(tree.get("rules", [])))
    problems = []
    for entry in tree.get("imports", []):
        found = _import_name(entry)
        if found and found[0] not in _EXEMPT_IMPORTS and not used[found[1]]:
            problems.append(f"import {found[1]} unused")
    for rule in tree.get("rules", []):
        problems += _rule_problems(rule)
    return sorted(set(problems))
