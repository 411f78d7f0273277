"""Property-based test: mutated specs never make mlopsc raise; they get exit 0 or 1."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlopsc import api
from mlopsc.cli import main
from mlopsc.codes import table

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [ROOT / "mlops.yaml", ROOT / "examples" / "minimal" / "mlops.yaml",
         ROOT / "examples" / "recommender" / "mlops.yaml"]
TEXTS = [p.read_text() for p in SEEDS]
DOCS = [yaml.safe_load(t) for t in TEXTS]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True), st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


@st.composite
def mutated_docs(draw):
    doc = copy.deepcopy(draw(st.sampled_from(DOCS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["swap", "delete", "add_key", "nest"]))
        if action == "swap":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif action == "add_key" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(values)
        elif action == "nest":
            deep = parent[path[-1]]
            for _ in range(draw(st.integers(1, 150))):
                deep = {"x": deep} if draw(st.booleans()) else [deep]
            parent[path[-1]] = deep
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@st.composite
def mangled_texts(draw):
    text = draw(st.sampled_from(TEXTS))
    cut = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(["truncate", "insert", "delete-span"]))
    if kind == "truncate":
        return text[:cut]
    if kind == "insert":
        return text[:cut] + draw(st.text(max_size=20)) + text[cut:]
    end = draw(st.integers(cut, min(len(text), cut + 200)))
    return text[:cut] + text[end:]


def _check(text: str, tmp_path: Path) -> None:
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = api.validate(api.Options(spec=str(spec)))
    codes = set(table())
    for diagnostic in result.diagnostics:
        assert diagnostic.code in codes or "-" in diagnostic.code, diagnostic
        assert diagnostic.message
    status = main(["validate", str(spec), "--format", "json", "--output-file",
                   str(tmp_path / "findings.json")])
    assert status == (1 if result.blocked() else 0)


FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(text=mutated_docs())
def test_mutated_documents_never_raise(text, tmp_path):
    _check(text, tmp_path)


@FUZZ
@given(text=mangled_texts())
def test_mangled_text_never_raises(text, tmp_path):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    _check(text, tmp_path)
