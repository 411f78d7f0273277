"""The policy input's JSON Schema: current with the IR, and every example's input follows it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import example_id, example_specs

from mlopsc import api
from mlopsc.policy.input_doc import input_document
from mlopsc.policy.input_schema import SCHEMA_PATH, render

SCHEMA = json.loads(SCHEMA_PATH.read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_committed_schema_is_current():
    assert SCHEMA_PATH.read_text() == render(), "run python -m mlopsc.policy.input_schema"


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("spec", example_specs(), ids=example_id)
def test_every_example_input_follows_the_schema(spec: Path):
    document = input_document(api.validate(api.Options(spec=str(spec))).ir)
    assert sorted(VALIDATOR.iter_errors(document), key=str) == []


@pytest.mark.parametrize("patch", [
    lambda d: d["models"]["fraud-detector"].pop("stage"),
    lambda d: d["models"]["fraud-detector"].update(stage=3),
    lambda d: d["deployments"]["fraud-scorer"].update(surprise=True),
    lambda d: d.update(schema_version=2),
])
def test_schema_rejects_a_changed_document(patch, repo_root):
    document = input_document(api.validate(api.Options(spec=str(repo_root / "mlops.yaml"))).ir)
    broken = copy.deepcopy(document)
    patch(broken)
    assert not VALIDATOR.is_valid(broken)


def test_rules_table_in_docs_is_current(repo_root):
    from mlopsc.policy.docs import DOC, with_table

    text = (repo_root / DOC).read_text()
    assert text == with_table(text), "run python -m mlopsc.policy.docs"
    assert text.count("\n| ") >= 32
