"""Model cards load in the tools that read them.

- ``<model>.json`` validates against the Model Card Toolkit's own schema (v0.0.2, read from
  the installed model-card-toolkit 2.0.0 wheel, with its date and URI formats) and loads with its
  ``ModelCard().from_json`` without losing a field (through its protobuf and back).
- ``<model>.md`` loads with ``huggingface_hub.ModelCard`` (offline, from text); its
  ``library_name`` and ``pipeline_tag`` are ids of the Hub's own lists (npm
  ``@huggingface/tasks``, vendored in tests/fixtures/huggingface), and ``datasets`` holds no
  contract name.

How the toolkit is installed and loaded (without TensorFlow) is in ``mct_load.py``.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from conftest import ROOT, compilable_specs, example_id
from huggingface_hub import ModelCard as HubModelCard

from mlopsc import api
from mlopsc.spec.models import Framework
from mlopsc.targets.model_card import ModelCardTarget, hub

TODAY = datetime.date(2026, 11, 15)
HF = ROOT / "tests/fixtures/huggingface"
HUB_LIBRARIES = frozenset(json.loads((HF / "model-libraries.json").read_text()))
HUB_PIPELINE_TAGS = frozenset(json.loads((HF / "pipeline-tags.json").read_text()))
LOADER = Path(__file__).parent / "mct_load.py"


def toolkit_schema() -> dict[str, Any]:
    """The schema the toolkit validates with, from the installed package (not a copy)."""
    spec = importlib.util.find_spec("model_card_toolkit")
    assert spec is not None and spec.submodule_search_locations, (
        "model-card-toolkit is missing: pip install --no-deps model-card-toolkit==2.0.0")
    folder = Path(next(iter(spec.submodule_search_locations)))
    schema: dict[str, Any] = json.loads(
        (folder / "schema/v0.0.2/model_card.schema.json").read_text())
    return schema


def load_with_toolkit(cards: dict[str, dict[str, Any]], tmp_path: Path) -> dict[str, Any]:
    """What the toolkit's ``from_json`` makes of each card (or the error it raises)."""
    paths = []
    for name, card in cards.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(card))
        paths.append(str(path))
    env = {**os.environ, "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION": "python"}
    done = subprocess.run([sys.executable, str(LOADER), *paths], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    loaded: dict[str, Any] = json.loads(done.stdout)
    return {Path(path).stem: result for path, result in loaded.items()}


def card_files(spec: Path) -> dict[str, bytes]:
    result = api.compile(api.Options(spec=str(spec), targets=("model-card",), today=TODAY))
    assert not result.blocked()
    return {a.path.removeprefix("model-card/"): a.content for a in result.artifacts
            if a.path.startswith("model-card/")}


def blocked_card_files() -> dict[str, bytes]:
    """The noncompliant example's cards (the gate blocks it; the target still writes them)."""
    from test_model_card import NONCOMPLIANT, blocked_outputs
    return blocked_outputs(NONCOMPLIANT, ModelCardTarget())


def every_card_set() -> list[pytest.param]:
    return [*(pytest.param(spec, id=example_id(spec)) for spec in compilable_specs()),
            pytest.param(None, id="noncompliant")]


def files_of(spec: Path | None) -> dict[str, bytes]:
    return blocked_card_files() if spec is None else card_files(spec)


def toolkit_cards(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    cards = {p.removesuffix(".json"): json.loads(c) for p, c in files.items()
             if p.endswith(".json") and not p.endswith((".mlopsc.json", ".schema.json"))}
    assert cards, "every example has a model"
    return cards


def test_the_toolkit_is_the_pinned_release():
    assert importlib.metadata.version("model-card-toolkit") == "2.0.0"
    assert toolkit_schema()["additionalProperties"] is False


def absolute_uri(text: str) -> bool:
    """The schema's ``format: uri`` (RFC 3986 absolute URI), as far as the standard library
    tells: a scheme, and nothing a URI cannot hold."""
    parts = urlsplit(text)
    return bool(parts.scheme) and parts.scheme.isascii() and not any(
        c.isspace() or c in '<>"{}|\\^`' for c in text)


@pytest.mark.parametrize("spec", every_card_set())
def test_toolkit_cards_follow_the_toolkits_schema(spec):
    # Format checks too: `date` (version date) by jsonschema; `uri` (links, references) here,
    # since jsonschema checks it only with rfc3986-validator installed, which would also
    # start checking every other schema's URIs in the suite.
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    assert "date" in checker.checkers
    validator = jsonschema.Draft7Validator(toolkit_schema(), format_checker=checker)
    for name, card in toolkit_cards(files_of(spec)).items():
        errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(card)]
        assert errors == [], name
        uris = [d["link"] for d in card["model_parameters"]["data"] if "link" in d]
        uris += [r["reference"] for r in card["model_details"].get("references", [])]
        assert [u for u in uris if not absolute_uri(u)] == [], name


def test_the_uri_check_can_fail():
    assert absolute_uri("s3://payments-lake/curated/transactions/")
    assert absolute_uri("https://wiki.acme.example/risk/fraud-detector-2.3")
    assert not absolute_uri("warehouse.analytics.customer_activity")
    assert not absolute_uri("the risk file in the wiki")


@pytest.mark.parametrize("spec", every_card_set())
def test_toolkit_loads_every_card_without_loss(spec, tmp_path):
    cards = toolkit_cards(files_of(spec))
    loaded = load_with_toolkit(cards, tmp_path)
    # from_json -> protobuf -> JSON gives the card back: no field refused, none dropped.
    assert loaded == cards


def test_toolkit_refuses_what_mlopsc_keeps_in_its_own_file(tmp_path):
    card = toolkit_cards(card_files(ROOT / "mlops.yaml"))["fraud-detector"]
    metrics = card["quantitative_analysis"]["performance_metrics"]
    bad = {
        "top-level": {**card, "mlopsc": {"risk_tier": "high"}},
        "threshold": {**card, "quantitative_analysis": {"performance_metrics": [
            {**metrics[0], "threshold": "0.78"}]}},
        "stage": {**card, "model_details": {**card["model_details"], "stage": "production"}},
        "null": {**card, "model_details": {**card["model_details"], "overview": None}},
    }
    loaded = load_with_toolkit(bad, tmp_path)
    assert {name: result.get("error", "loaded").split(":")[0]
            for name, result in loaded.items()} == {
        "top-level": "ValidationError", "threshold": "ValueError", "stage": "ValueError",
        "null": "ValidationError"}


@pytest.mark.parametrize("spec", every_card_set())
def test_the_mlopsc_file_completes_the_toolkit_card(spec):
    files = files_of(spec)
    for name, card in toolkit_cards(files).items():
        extra = json.loads(files[f"{name}.mlopsc.json"])
        assert extra["toolkit_card"] == f"{name}.json"
        assert [x["type"] for x in extra["metrics"]] == [
            x["type"] for x in card.get("quantitative_analysis", {}).get(
                "performance_metrics", [])]
        assert [d["name"] for d in extra["training_data"]] == [
            d["name"] for d in card["model_parameters"]["data"]]


def hub_metadata_problems(data: dict[str, Any]) -> list[str]:
    """What the Hub would not recognise in a card's metadata (the vendored lists, offline)."""
    problems = []
    if data.get("library_name") is not None and data["library_name"] not in HUB_LIBRARIES:
        problems.append(f"library_name {data['library_name']!r} is no Hub library id")
    if data.get("pipeline_tag") is not None and data["pipeline_tag"] not in HUB_PIPELINE_TAGS:
        problems.append(f"pipeline_tag {data['pipeline_tag']!r} is no Hub task id")
    if "datasets" in data:
        problems.append("datasets names Hub datasets; mlopsc knows only data contracts")
    return problems


@pytest.mark.parametrize("spec", every_card_set())
def test_every_card_loads_with_huggingface_hub(spec):
    files = files_of(spec)
    for name in toolkit_cards(files):
        card = HubModelCard(files[f"{name}.md"].decode())  # parses; no network
        data = card.data.to_dict()
        assert hub_metadata_problems(data) == [], name
        assert data["mlopsc"]["model"] == name
        assert "mlopsc" in data["tags"]
        assert card.text.lstrip().startswith(f"# Model card: {name}")


@pytest.mark.parametrize("example, model, library, tag", [
    ("mlops.yaml", "fraud-detector", None, "tabular-classification"),          # xgboost
    ("examples/minimal/mlops.yaml", "iris-classifier", "sklearn", None),
    ("examples/churn-batch/mlops.yaml", "churn-model", None, "tabular-classification"),
    ("examples/recommender/mlops.yaml", "recs-ranker", None, None),            # ranking
])
def test_hub_ids_of_the_examples(example, model, library, tag):
    data = HubModelCard(card_files(ROOT / example)[f"{model}.md"].decode()).data.to_dict()
    assert (data.get("library_name"), data.get("pipeline_tag")) == (library, tag)
    assert data["mlopsc"]["training_data"], "contracts are named under mlopsc, not datasets"


def test_the_check_catches_what_the_hub_would_not_recognise():
    assert hub_metadata_problems({"library_name": "huggingface", "pipeline_tag": "ranking",
                                  "datasets": ["transactions"]}) == [
        "library_name 'huggingface' is no Hub library id",
        "pipeline_tag 'ranking' is no Hub task id",
        "datasets names Hub datasets; mlopsc knows only data contracts"]


def test_hub_tables_map_to_hub_ids_only():
    assert set(hub.LIBRARIES.values()) <= HUB_LIBRARIES
    assert set(hub.PIPELINE_TAGS.values()) <= HUB_PIPELINE_TAGS
    # A framework left without a library id has none on the Hub: if the Hub adds one, map it.
    unmapped = {f.value for f in Framework} - set(hub.LIBRARIES)
    assert unmapped == {"xgboost", "lightgbm", "pytorch", "tensorflow", "onnx", "custom"}
    assert not unmapped & HUB_LIBRARIES
    assert "huggingface" not in HUB_LIBRARIES and hub.library_name("huggingface") in HUB_LIBRARIES
