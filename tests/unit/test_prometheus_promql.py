"""The public PromQL builder, the rule-file YAML writer and the regex samples (no tool)."""

from __future__ import annotations

import doctest
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlopsc.render import promql, slo, yaml_out
from mlopsc.targets.prometheus import regex_sample


@pytest.mark.parametrize(("value", "literal"), [
    ("plain", '"plain"'),
    ('a"b', r'"a\"b"'),
    ("a\\b", r'"a\\b"'),
    ("a\nb\rc\td", r'"a\nb\rc\td"'),
    ("\x00\x7f", r'"\u0000\u007f"'),
    ("\u2028", r'"\u2028"'),
    ("ü🙂", '"ü🙂"'),
    ('"} or vector(1) or {a="', r'"\"} or vector(1) or {a=\""'),
])
def test_quote(value, literal):
    assert promql.quote(value) == literal


_UNESCAPE = re.compile(r'\\(u[0-9a-f]{4}|U[0-9a-f]{8}|[\\"nrt])')
_SIMPLE = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}


def _unquote(literal: str) -> str:
    """Reference decoder of the escapes quote() writes (Go's rules for them)."""
    assert literal[0] == literal[-1] == '"'
    body = literal[1:-1]
    # Outside escapes there is no bare quote or backslash left.
    assert not re.search(r'(?<!\\)(\\\\)*"', body.replace("\\\\", "")), body
    return _UNESCAPE.sub(lambda m: _SIMPLE.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), body)


@settings(max_examples=300)
@given(st.text())
def test_quote_round_trips_and_stays_one_line(value):
    literal = promql.quote(value)
    assert _unquote(literal) == value
    assert literal.isprintable()


@pytest.mark.parametrize(("name", "metric", "label"), [
    ("http_requests_total", True, True),
    ("job:rate:5m", True, False),
    ("_x", True, True),
    ("__name__", True, False),
    ("9lives", False, False),
    ("a-b", False, False),
    ("a b", False, False),
    ("", False, False),
    ("ü", False, False),
])
def test_name_grammar(name, metric, label):
    assert promql.is_metric_name(name) is metric
    assert promql.is_label_name(name) is label


@pytest.mark.parametrize(("call", "message"), [
    (lambda: promql.selector("a-b"), "'a-b' is not a valid Prometheus metric name"),
    (lambda: promql.selector("up", {"x y": "1"}), "'x y' is not a valid Prometheus label name"),
    (lambda: promql.matcher("job", "==", "x"), "unknown matcher operator '=='"),
    (lambda: promql.number(float("nan")), "nan is not a finite number"),
])
def test_builder_refuses_bad_input(call, message):
    with pytest.raises(promql.PromQLError) as error:
        call()
    assert str(error.value) == message


@pytest.mark.parametrize(("seconds", "text"), [
    (300, "5m"), (3600, "1h"), (5400, "1h30m"), (86400, "1d"), (2419200, "28d"),
    (90061, "1d1h1m1s"), (0.5, "500ms"), (0, "0s"),
])
def test_duration(seconds, text):
    assert promql.duration(seconds) == text


@pytest.mark.parametrize(("value", "pattern"), [
    ("v1.2", r"v1\.2"), ("a|b", r"a\|b"), ("(x)", r"\(x\)"), ("a+b*", r"a\+b\*"),
])
def test_regex_literal_matches_only_the_value(value, pattern):
    assert promql.regex_literal(value) == pattern
    assert re.fullmatch(pattern, value)
    assert not re.fullmatch(pattern, value + "x")


def test_template_literal():
    assert promql.template_literal("a {{ b }} {{c") == 'a {{ "{{" }} b }} {{ "{{" }}c'


_VALUES = st.recursive(
    st.text() | st.integers() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12)


@settings(max_examples=300)
@given(st.dictionaries(st.text(), _VALUES, min_size=1, max_size=4))
def test_yaml_writer_round_trips(document):
    assert yaml.safe_load(yaml_out.dump(document)) == document


def test_yaml_writer_sorts_keys_when_asked():
    document = {"b": [{"z": 1, "a": {"q": 2, "p": 3}}, "l"], "a": {}}
    assert yaml_out.dump(document, sort_keys=True) == (
        "a: {}\nb:\n- a:\n    p: 3\n    q: 2\n  z: 1\n- l\n")
    assert yaml_out.dump(document).startswith("b:\n- z: 1\n")


@pytest.mark.parametrize(("text", "written"), [
    ("plain", "plain"), ("5m", "5m"), ("yes", "'yes'"), ("null", "'null'"), ("1e3", "'1e3'"),
    ("123", "'123'"), ("", '""'), (" lead", '" lead"'), ("a: b", "'a: b'"),
    ("it's", "'it''s'"), ("a\nb", '"a\\nb"'), ("#x", "'#x'"), ("-", "'-'"),
])
def test_yaml_scalars(text, written):
    assert yaml_out.scalar(text) == written
    assert yaml.safe_load(f"k: {written}")["k"] == text


@pytest.mark.parametrize(("pattern", "bad", "good"), [
    ("5..", "500", "200"),
    ("5..|429", "500", "200"),
    ("[45]..", "400", "200"),
    ("(timeout|error)_[a-z]+", "timeout_a", "200"),
    (r"\d+", "0", "ok"),
    ("[^2]..", "a00", "200"),
])
def test_regex_samples(pattern, bad, good):
    assert regex_sample.matching(pattern) == bad
    assert regex_sample.not_matching(pattern) == good


def test_regex_sample_gives_up_on_match_all():
    with pytest.raises(regex_sample.NoSample):
        regex_sample.not_matching(".*")


@pytest.mark.parametrize("module", [promql, yaml_out, regex_sample, slo])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert (result.failed, result.attempted > 0) == (0, True)
