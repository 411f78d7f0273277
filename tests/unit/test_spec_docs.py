"""docs/spec.md and schema/mlopsc-v1.json are generated from the models; stale copies fail."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from mlopsc.spec import json_schema
from mlopsc.tools import docs_gen

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["docs/spec.md", "schema/mlopsc-v1.json"])
def test_generated_file_is_current(name):
    current = (ROOT / name).read_text(encoding="utf-8")
    assert current == docs_gen.DOCS[name](), (
        f"{name} is stale; regenerate it with: {docs_gen.REGENERATE}")


def test_every_spec_model_is_documented():
    text = (ROOT / "docs" / "spec.md").read_text()
    for heading in ("## Spec", "## Dataset", "## Pipeline", "## Step", "## Model",
                    "## Deployment", "## Rollout", "## Slo", "## Monitor", "## Governance",
                    "## Waiver", "## Environment"):
        assert f"\n{heading}\n" in text, heading


@pytest.mark.parametrize("spec", sorted([ROOT / "mlops.yaml",
                                         *ROOT.glob("examples/*/mlops.yaml")]),
                         ids=lambda p: p.parent.name)
def test_examples_validate_against_the_json_schema_and_carry_the_modeline(spec):
    text = spec.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    modeline = text.splitlines()[0].split("$schema=", 1)[1]
    assert (spec.parent / modeline).resolve() == (ROOT / "schema" / "mlopsc-v1.json")
    jsonschema.Draft202012Validator(json_schema()).validate(yaml.safe_load(text))


def test_schema_rejects_a_misspelled_field():
    document = yaml.safe_load((ROOT / "examples" / "minimal" / "mlops.yaml").read_text())
    document["models"]["iris-classifier"]["ownr"] = "x"
    with pytest.raises(jsonschema.ValidationError, match="ownr"):
        jsonschema.Draft202012Validator(json_schema()).validate(document)


def test_schema_is_sorted_json():
    raw = (ROOT / "schema" / "mlopsc-v1.json").read_text()
    assert raw == json.dumps(json.loads(raw), indent=2, sort_keys=True) + "\n"
