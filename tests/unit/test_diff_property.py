"""Property: any single change to a governance fact of a report gives a non-empty diff that
names the fact.

Every leaf of the examples' reports is walked (a deterministic, exhaustive walk: every
string, number, boolean, null and list of scalars, each changed in every way that applies);
the facts compared and those left out are the explicit tables of
``mlopsc.governance.diff_paths``. Hypothesis then tries arbitrary values of the same type.
"""

from __future__ import annotations

import copy
import datetime
import functools
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import example_id, example_specs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlopsc.driver import Options
from mlopsc.governance import diff_reports
from mlopsc.governance.diff_paths import COMPARED, NAME, NOT_COMPARED, VALUE
from mlopsc.governance.inputs import load_report

TODAY = datetime.date(2026, 11, 15)
Path = tuple[Any, ...]
NUMERIC = ("min", "max", "threshold", "value", "baseline", "_s", "_rows", "percent", "weight",
           "ratio", "required")
# Optional objects of a model: set to null, the diff says the section was removed.
SECTIONS = {"models[].fairness": "fairness review removed",
            "models[].explainability": "explainability removed",
            "models[].human_oversight": "human oversight removed"}
# A rule switched off: no example has one, so the walk adds it to the flagship's report.
DISABLED = {"rule": "GOV-012", "reason": "Shadow stage retired.", "approver": "cro@acme.example"}


@functools.cache
def reports() -> dict[str, dict[str, Any]]:
    found = {example_id(spec): load_report(str(spec), Options(today=TODAY))
             for spec in example_specs()}
    flagship = copy.deepcopy(found["flagship"])
    flagship["policies"]["disabled"] = [DISABLED]
    found["flagship"] = flagship
    return found


def pattern(path: Path) -> str:
    out = ""
    for part in path:
        out += "[]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every scalar and every list of scalars; lists of objects and objects are walked into."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from leaves(value[key], (*path, key))
    elif isinstance(value, list) and any(isinstance(x, dict) for x in value):
        for i, item in enumerate(value):
            yield from leaves(item, (*path, i))
    elif not (value is None and pattern(path) in SECTIONS) and not _empty_container(path, value):
        yield path, value


def _empty_container(path: Path, value: Any) -> bool:
    """An empty list that holds objects in some report is not a leaf."""
    return value == [] and pattern(path) in _object_lists()


@functools.cache
def _object_lists() -> frozenset[str]:
    found: set[str] = set()

    def walk(value: Any, path: Path) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list) and any(isinstance(x, dict) for x in value):
            found.add(pattern(path))
            for i, item in enumerate(value):
                walk(item, (*path, i))
    for report in reports().values():
        walk(report, ())
    return frozenset(found)


def mutations(path: Path, value: Any) -> list[Any]:
    """Every way a leaf is changed: a string edited, a number moved, a boolean flipped, a
    null given a value, a list grown, shrunk and emptied."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, (int, float)):
        return [value + 1]
    if isinstance(value, str):
        return [f"{value}-changed"]
    if value is None:
        name = str(path[-1])
        if name == "allowed_values":
            return [["new-value"]]
        return [7] if name.endswith(NUMERIC) else ["new-value"]
    assert isinstance(value, list), (path, value)
    out: list[Any] = [[*value, "new-item"]]
    if value:
        out += [value[:-1], []] if len(value) > 1 else [[]]
    return out


def put(report: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """``report`` with the leaf at ``path`` set to ``value``: the containers on the path are
    copied, the rest shared (the diff never writes to a report)."""
    if not path:
        return value  # type: ignore[no-any-return]
    head, rest = path[0], path[1:]
    changed = copy.copy(report)
    changed[head] = put(report[head], rest, value) if rest else value
    return changed


def expected_words(report: dict[str, Any], path: Path, new: Any) -> str:
    said = COMPARED[pattern(path)]
    if said == NAME:
        entity: Any = report
        for part in path[:-1]:
            entity = entity[part]
        return str(entity["name"])
    if said == VALUE:
        return str(new[-1] if isinstance(new, list) and new else new)
    return said


def all_leaves() -> list[tuple[str, Path, Any]]:
    return [(name, path, value) for name, report in reports().items()
            for path, value in leaves(report)]


def test_every_leaf_is_either_compared_or_left_out_with_a_reason():
    seen = {pattern(path) for _, path, _ in all_leaves()}
    assert not set(COMPARED) & set(NOT_COMPARED)
    assert seen - set(COMPARED) - set(NOT_COMPARED) == set(), "facts nobody decided on"
    # Every compared fact occurs in some example, so the walk below tries it.
    assert set(COMPARED) - seen == set()


def test_any_single_change_to_a_compared_fact_is_named():
    tried, failures = 0, []
    for name, path, value in all_leaves():
        if pattern(path) not in COMPARED:
            continue
        report = reports()[name]
        for new in mutations(path, value):
            tried += 1
            text = diff_reports(report, put(report, path, new)).render("text")
            words = expected_words(report, path, new)
            if text == "no governance changes\n" or words not in text:
                failures.append(f"{name} {pattern(path)} {value!r} -> {new!r}: {text!r}")
    assert tried > 1500
    assert failures == []


def test_a_left_out_fact_is_really_left_out():
    """The other table is honest too: changing a fact it lists alone changes nothing."""
    report = reports()["flagship"]
    for path, value in leaves(report):
        if pattern(path) in NOT_COMPARED and pattern(path) != "deployments[].rollback":
            for new in mutations(path, value):
                assert not diff_reports(report, put(report, path, new)), pattern(path)


def object_items(value: Any, path: Path = ()) -> Iterator[Path]:
    """The path of every object inside a list."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from object_items(value[key], (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield (*path, i)
                yield from object_items(item, (*path, i))


@pytest.mark.parametrize("name", ["flagship", "recommender", "churn-batch"])
def test_removing_any_item_of_any_list_is_a_change(name):
    report = reports()[name]
    for path in object_items(report):
        changed = copy.deepcopy(report)
        target: Any = changed
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]
        assert diff_reports(report, changed), pattern(path)


@pytest.mark.parametrize("section, words", SECTIONS.items())
def test_a_model_section_set_to_null_is_removed_in_words(section, words):
    report = reports()["flagship"]
    key = section.rsplit(".", 1)[1]
    assert report["models"][0][key] is not None
    text = diff_reports(report, put(report, ("models", 0, key), None)).render("text")
    assert f"model fraud-detector: {words}" in text


def _same_type(path: Path, value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int):
        return st.integers(-10**6, 10**6)
    if isinstance(value, float):
        return st.floats(-1e6, 1e6, allow_nan=False)
    if isinstance(value, str):
        return st.text(min_size=1, max_size=20)
    if isinstance(value, list):
        return st.lists(st.text(min_size=1, max_size=8), max_size=4)
    if path[-1] == "allowed_values":
        return st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4)
    if str(path[-1]).endswith(NUMERIC):  # a null number: a number is what it can become
        return st.integers(0, 100)
    return st.text(min_size=1, max_size=8)


COMPARED_LEAVES = [(path, value) for path, value in leaves(reports()["flagship"])
                   if pattern(path) in COMPARED]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_arbitrary_values_of_the_same_type_are_named(data):
    path, value = data.draw(st.sampled_from(COMPARED_LEAVES))
    new = data.draw(_same_type(path, value))
    if new == value or (isinstance(value, list) and sorted(map(str, new)) == sorted(
            map(str, value))):
        return
    report = reports()["flagship"]
    changes = diff_reports(report, put(report, path, new))
    assert changes, (pattern(path), value, new)
    if COMPARED[pattern(path)] not in (VALUE, NAME):
        assert COMPARED[pattern(path)] in changes.render("text"), (pattern(path), new)
