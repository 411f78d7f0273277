"""The loader: YAML with positions, core-schema scalars, limits, includes and environments."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.load import DEFAULT_MAX_BYTES, Loaded, SpecFileError, load_spec, load_text


def _load(text: str | bytes, **options) -> tuple[Loaded, list[tuple[str, str, str]]]:
    diagnostics = Diagnostics()
    loaded = load_text(text, diagnostics, **options)
    return loaded, [(d.code, str(d.span), d.message) for d in diagnostics]


def _codes(text: str | bytes, **options) -> list[tuple[str, str]]:
    return [(code, where) for code, where, _ in _load(text, **options)[1]]


def _where(loaded: Loaded, *path, key: bool = False) -> str:
    span = loaded.index.locate(path, key=key)
    return f"{span.line}:{span.column}-{span.end_line}:{span.end_column}"


# --- reading: size, encoding, empty, syntax, documents --------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    (b"a: 1\nb: \xff\n", [("E102", "mlops.yaml:2:4")]),
    (b"a: 1\nbe: \xc3\xa9\xe2\x82\n", [("E102", "mlops.yaml:2:6")]),
    (b"", [("E103", "mlops.yaml:1:1")]),
    (b"# only a comment\n\n   \n", [("E103", "mlops.yaml:1:1")]),
    (b"---\n", [("E103", "mlops.yaml:1:1")]),
    (b"a: 1\nb: [1, 2\n", [("E104", "mlops.yaml:3:1")]),
    (b"a: 1\n  b: 2\n", [("E104", "mlops.yaml:2:4")]),
    (b"a: 'x\n", [("E104", "mlops.yaml:2:1")]),
    (b"a: b\x00c\n", [("E104", "mlops.yaml:1:5")]),
    (b"a: 1\n---\nb: 2\n", [("E115", "mlops.yaml:2:1")]),
    (b"- a\n- b\n", [("E113", "mlops.yaml:1:1")]),
    (b"just text\n", [("E113", "mlops.yaml:1:1")]),
    (b"~\n", [("E113", "mlops.yaml:1:1")]),
    (b"a: *nothing\n", [("E104", "mlops.yaml:1:4")]),
])
def test_file_level_problems(text, expected):
    loaded, found = _load(text)
    assert [(c, w) for c, w, _ in found] == expected
    assert loaded.document is None


def test_utf8_bom_is_stripped_and_positions_ignore_it():
    loaded, found = _load(b"\xef\xbb\xbfa:\n  b: 1\n")
    assert found == []
    assert loaded.document == {"a": {"b": 1}}
    assert _where(loaded, "a", "b") == "2:6-2:7"


def test_columns_count_characters_not_bytes():
    loaded, _ = _load("é: {ü: x}\n")
    assert _where(loaded, "é", "ü") == "1:8-1:9"


def test_syntax_error_message_names_the_context():
    _, found = _load("a:\n  b: [1, 2\n")
    assert found[0][0] == "E104"
    assert "flow sequence" in found[0][2] and "2:6" in found[0][2]


def test_size_limit_from_memory():
    text = "".join(f"a{i:02}: 1\n" for i in range(100))
    _, found = _load(text, max_bytes=699)
    assert found == [("E101", "mlops.yaml:1:1", ("mlops.yaml is 700 bytes, over the limit of "
                      "699 bytes"))]
    assert _load(text, max_bytes=700)[1] == []


def test_size_limit_on_disk(tmp_path):
    spec = tmp_path / "big.yaml"
    spec.write_text("a: 1\n" * 100)
    diagnostics = Diagnostics()
    loaded = load_spec(spec, diagnostics, max_bytes=100)
    assert [d.code for d in diagnostics] == ["E101"]
    assert loaded.document is None


def test_default_limit_is_checked_before_reading(tmp_path):
    assert DEFAULT_MAX_BYTES == 64 * 1024 * 1024
    spec = tmp_path / "huge.yaml"
    with spec.open("wb") as stream:  # sparse: 64 MiB + 1 byte on paper, nothing on disk
        stream.truncate(DEFAULT_MAX_BYTES + 1)
    diagnostics = Diagnostics()
    start = time.perf_counter()
    load_spec(spec, diagnostics)
    assert time.perf_counter() - start < 0.5
    assert [(d.code, d.message) for d in diagnostics] == [
        ("E101", f"{spec} is 64.0 MiB, over the limit of 64.0 MiB")]


@pytest.mark.parametrize(("make", "message"), [
    (lambda tmp: tmp / "missing.yaml", "no such file"),
    (lambda tmp: tmp, "it is a directory"),
])
def test_unreadable_spec_raises_spec_file_error(tmp_path, make, message):
    with pytest.raises(SpecFileError) as error:
        load_spec(make(tmp_path), Diagnostics())
    assert str(error.value) == f"cannot read {make(tmp_path)}: {message}"


# --- scalars: the YAML 1.2 core schema ------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("", None),
    ("true", True), ("True", True), ("TRUE", True),
    ("false", False), ("False", False), ("FALSE", False),
    ("on", "on"), ("yes", "yes"), ("NO", "NO"), ("off", "off"), ("y", "y"), ("nULL", "nULL"),
    ("0", 0), ("-17", -17), ("+3", 3), ("012", 12), ("0o17", 15), ("0x1F", 31), ("0xff", 255),
    ("0b101", "0b101"), ("1_000", "1_000"), ("0o8", "0o8"), ("-0x1", "-0x1"),
    ("1.5", 1.5), ("-.5", -0.5), ("1.", 1.0), ("1e3", 1000.0), ("2.5E-2", 0.025),
    (".inf", math.inf), ("-.Inf", -math.inf), ("+.INF", math.inf),
    ("1.2.0", "1.2.0"), ("2024-01-31", "2024-01-31"), ("12:30", "12:30"), ("6h", "6h"),
    ("0 2 * * *", "0 2 * * *"), ("'1'", "1"), ('"true"', "true"), ("'~'", "~"), ("''", ""),
    ("|\n  x\n", "x\n"), ("!!str 1", "1"), ("!!str true", "true"), ("!!int '12'", 12),
    ("!!float 1", 1.0), ("!!float '2.5'", 2.5), ("!!bool 'false'", False), ("!!null ''", None),
    ("! 12", "12"), ("'١٢'", "١٢"), ("١٢", "١٢"),
])
def test_core_schema(text, value):
    loaded, found = _load(f"v: {text}\n")
    assert found == []
    assert loaded.document["v"] == value
    assert type(loaded.document["v"]) is type(value)


def test_nan():
    loaded, _ = _load("v: [.nan, .NaN, .NAN]\n")
    assert all(math.isnan(v) for v in loaded.document["v"])


@pytest.mark.parametrize(("text", "code", "where", "message"), [
    ("!!python/object/apply:os.system ['x']", "E109", "1:4",
     "unsupported YAML tag !!python/object/apply:os.system"),
    ("!!python/name:os.system", "E109", "1:4", "unsupported YAML tag !!python/name:os.system"),
    ("!custom x", "E109", "1:4", "unsupported YAML tag !custom"),
    ("!!binary aGk=", "E109", "1:4", "unsupported YAML tag !!binary"),
    ("!!timestamp 2024-01-01", "E109", "1:4", "unsupported YAML tag !!timestamp"),
    ("!!set {a}", "E109", "1:4", "unsupported YAML tag !!set"),
    ("!!int abc", "E109", "1:4", "tag !!int does not fit the value 'abc'"),
    ("!!bool yes", "E109", "1:4", "tag !!bool does not fit the value 'yes'"),
    ("!!map x", "E109", "1:4", "tag !!map cannot mark a scalar"),
    ("!!seq {a: 1}", "E109", "1:4", "tag !!seq cannot mark a mapping"),
])
def test_tags(text, code, where, message):
    loaded, found = _load(f"v: {text}\n")
    assert found == [(code, f"mlops.yaml:{where}", message)]
    assert loaded.document is not None


def test_standard_container_tags_are_accepted():
    loaded, found = _load("v: !!map {a: !!seq [1]}\n")
    assert found == []
    assert loaded.document == {"v": {"a": [1]}}


# --- keys -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "message"), [
    ("1", "mapping key 1 (a number) is not a string"),
    ("1.5", "mapping key 1.5 (a number) is not a string"),
    ("true", "mapping key true (a boolean) is not a string"),
    ("null", "mapping key null is not a string"),
    ("~", "mapping key null is not a string"),
    ("[a, b]", "mapping key a sequence is not a string"),
    ("{a: 1}", "mapping key a mapping is not a string"),
])
def test_non_string_keys(key, message):
    loaded, found = _load(f"m:\n  ok: 1\n  {key}: x\n")
    assert found == [("E107", "mlops.yaml:3:3", message)]
    assert loaded.document == {"m": {"ok": 1}}


@pytest.mark.parametrize("key", ["'1'", '"true"', "on", "yes", "NO", "!!str 1"])
def test_keys_that_are_strings(key):
    loaded, found = _load(f"{key}: x\n")
    assert found == []
    assert list(loaded.document.values()) == ["x"]


def test_duplicate_key_names_the_first_position():
    text = "models:\n  m:\n    owner: a\n    stage: dev\n    owner: b\n"
    loaded, found = _load(text)
    assert found == [("E105", "mlops.yaml:5:5",
                      "duplicate key 'owner' (first at mlops.yaml:3:5)")]
    assert loaded.document["models"]["m"]["owner"] == "a"
    assert _where(loaded, "models", "m", "owner") == "3:12-3:13"


def test_duplicate_key_in_a_flow_mapping_and_its_path():
    diagnostics = Diagnostics()
    load_text("a: [{x: 1, x: {y: 2}}]\n", diagnostics)
    (d,) = diagnostics
    assert (d.code, str(d.span), d.path) == ("E105", "mlops.yaml:1:12", "a[0].x")


# --- positions ------------------------------------------------------------------------------

SPEC = """\
apiVersion: mlopsc/v1
models:
  fraud:
    owner: team-a
    tags: [x, "y"]
    steps:
      - name: train
        args:
          - --lr
          - 0.1
    card: {use: scoring}
"""


@pytest.mark.parametrize(("path", "key", "where"), [
    ((), False, "1:1-12:1"),
    (("apiVersion",), False, "1:13-1:22"),
    (("apiVersion",), True, "1:1-1:11"),
    (("models", "fraud"), True, "3:3-3:8"),
    (("models", "fraud", "owner"), False, "4:12-4:18"),
    (("models", "fraud", "owner"), True, "4:5-4:10"),
    (("models", "fraud", "tags"), False, "5:11-5:19"),
    (("models", "fraud", "tags", 0), False, "5:12-5:13"),
    (("models", "fraud", "tags", 1), False, "5:15-5:18"),
    (("models", "fraud", "steps", 0), False, "7:9-11:5"),
    (("models", "fraud", "steps", 0, "name"), False, "7:15-7:20"),
    (("models", "fraud", "steps", 0, "args", 1), False, "10:13-10:16"),
    (("models", "fraud", "card", "use"), False, "11:17-11:24"),
    (("models", "fraud", "card", "use"), True, "11:12-11:15"),
    # unknown paths fall back to the nearest known ancestor
    (("models", "fraud", "card", "missing", 3), False, "11:11-11:25"),
    (("models", "fraud", "tags", 7), False, "5:11-5:19"),
    (("models", "nothing"), True, "2:1-2:7"),
])
def test_positions(path, key, where):
    loaded, found = _load(SPEC)
    assert found == []
    assert _where(loaded, *path, key=key) == where


def test_index_lists_every_path_and_source_lines():
    loaded, _ = _load(SPEC)
    paths = set(loaded.index.paths())
    assert ("models", "fraud", "steps", 0, "args", 1) in paths
    assert len(paths) == 16
    assert loaded.index.has(("models", "fraud", "tags", 1))
    assert not loaded.index.has(("models", "fraud", "tags", 2))
    assert loaded.index.source_line("mlops.yaml", 4) == "    owner: team-a"
    assert loaded.files == ("mlops.yaml",)


# --- anchors, aliases, merge keys -----------------------------------------------------------

def test_aliases_and_merge_keys():
    text = """\
base: &base {image: img, cpu: 1, mem: 2}
extra: &extra {cpu: 9, gpu: 1}
one:
  <<: *base
  cpu: 4
list:
  <<: [*extra, *base]
  mem: 8
inline:
  <<: {a: 1}
same: *base
quoted:
  '<<': x
"""
    loaded, found = _load(text)
    assert found == []
    doc = loaded.document
    assert doc["one"] == {"cpu": 4, "image": "img", "mem": 2}
    assert doc["list"] == {"mem": 8, "cpu": 9, "gpu": 1, "image": "img"}
    assert doc["inline"] == {"a": 1}
    assert doc["same"] == doc["base"]
    assert doc["quoted"] == {"<<": "x"}
    assert _where(loaded, "one", "image") == "4:7-4:12"
    assert _where(loaded, "one", "cpu") == "5:8-5:9"
    assert _where(loaded, "same", "cpu") == "11:7-11:12"


@pytest.mark.parametrize(("text", "expected"), [
    ("a: &a [1, *a]\n", [("E116", "mlops.yaml:1:11")]),
    ("a: &a {b: {c: *a}}\n", [("E116", "mlops.yaml:1:15")]),
    ("a: {<<: 1}\n", [("E104", "mlops.yaml:1:9")]),
    ("a: {<<: [{b: 1}, 2]}\n", [("E104", "mlops.yaml:1:9")]),
    ("x: &x {b: 1}\na: {<<: *x, <<: *x}\n", [("E105", "mlops.yaml:2:13")]),
])
def test_alias_problems(text, expected):
    assert _codes(text) == expected


def test_billion_laughs_stops_fast():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    start = time.perf_counter()
    loaded, found = _load("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1
    assert [c for c, _, _ in found] == ["E106"]
    # a1..a3 expand 12,330 nodes; each *a3 adds 11,111, so the 8th on line 5 goes over 100,000
    assert found[0][1] == "mlops.yaml:5:45"
    assert loaded.document is None


def test_alias_node_limit_is_configurable():
    text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
    assert _codes(text, max_alias_nodes=8) == []
    assert _codes(text, max_alias_nodes=7) == [("E106", "mlops.yaml:2:9")]


# --- depth ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "a: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "a: " + "[" * 100_000 + "\n",
    "a:\n" + "- " * 50_000 + "x\n",
])
def test_deep_nesting_is_refused_without_recursion(text):
    _, found = _load(text)
    assert [c for c, _, _ in found] == ["E108"]
    assert found[0][2] == "nesting deeper than 100 levels"


@pytest.mark.parametrize(("depth", "codes"), [(99, []), (100, ["E108"])])
def test_depth_limit_is_exact(depth, codes):
    text = "a: " + "[" * depth + "]" * depth + "\n"  # the root mapping is one level
    assert [c for c, _ in _codes(text)] == codes


def test_depth_counts_expanded_aliases():
    # 1 (root) + 30 + 80 (the aliased value) = 111 levels
    text = "a: &a " + "[" * 80 + "]" * 80 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    assert _codes(text) == [("E108", "mlops.yaml:2:34")]
    assert _codes(text, max_depth=200) == []


# --- includes -------------------------------------------------------------------------------

def _files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _load_files(tmp_path, monkeypatch, files, spec="proj/mlops.yaml", **options):
    _files(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    diagnostics = Diagnostics()
    loaded = load_spec(spec, diagnostics, **options)
    return loaded, [(d.code, str(d.span), d.message) for d in diagnostics]


ROOT = """\
apiVersion: mlopsc/v1
include:
  - data/datasets.yaml
  - models.yaml
datasets:
  local: {owner: a}
"""


def test_includes_join_sections_with_their_own_positions(tmp_path, monkeypatch):
    loaded, found = _load_files(tmp_path, monkeypatch, {
        "proj/mlops.yaml": ROOT,
        "proj/data/datasets.yaml":
            "datasets:\n  remote:\n    owner: b\ninclude: [../shared.yaml]\n",
        "proj/shared.yaml": "apiVersion: mlopsc/v1\nmetadata:\n  team: c\n",
        "proj/models.yaml": "models:\n  m: {owner: d}\n",
    })
    assert found == []
    doc = loaded.document
    assert doc["datasets"] == {"local": {"owner": "a"}, "remote": {"owner": "b"}}
    assert doc["metadata"] == {"team": "c"} and doc["models"] == {"m": {"owner": "d"}}
    assert loaded.files == ("proj/mlops.yaml", "proj/data/datasets.yaml", "proj/shared.yaml",
                            "proj/models.yaml")
    index = loaded.index
    assert str(index.locate(("datasets", "remote", "owner"))) == "proj/data/datasets.yaml:3:12"
    assert str(index.locate(("datasets", "local", "owner"))) == "proj/mlops.yaml:6:18"
    assert str(index.locate(("metadata", "team"), key=True)) == "proj/shared.yaml:3:3"
    assert str(index.locate(("models", "m"))) == "proj/models.yaml:2:6"
    assert index.source_line("proj/models.yaml", 2) == "  m: {owner: d}"


@pytest.mark.parametrize(("files", "expected"), [
    ({"proj/data/datasets.yaml": "datasets: {x: 1}\n"},
     [("E110", "proj/mlops.yaml:4:5", ("cannot include 'models.yaml' (proj/models.yaml): "
       "no such file"))]),
    ({"proj/data/datasets.yaml": "datasets: {local: {owner: z}}\n", "proj/models.yaml": "{}\n"},
     [("E112", "proj/data/datasets.yaml:1:12", ("'datasets.local' is already defined at "
       "proj/mlops.yaml:6:3"))]),
    ({"proj/data/datasets.yaml": "apiVersion: mlopsc/v2\n", "proj/models.yaml": "{}\n"},
     [("E201", "proj/data/datasets.yaml:1:13", ("included file proj/data/datasets.yaml "
       "declares apiVersion 'mlopsc/v2', but the root spec declares 'mlopsc/v1'"))]),
    ({"proj/data/datasets.yaml": "include: [../models.yaml]\n",
      "proj/models.yaml": "include: [data/datasets.yaml]\n"},
     [("E111", "proj/models.yaml:1:11", ("include cycle: proj/mlops.yaml -> "
       "proj/data/datasets.yaml -> proj/models.yaml -> proj/data/datasets.yaml"))]),
    ({"proj/data/datasets.yaml": "include: [../mlops.yaml]\n", "proj/models.yaml": "{}\n"},
     [("E111", "proj/data/datasets.yaml:1:11", ("include cycle: proj/mlops.yaml -> "
       "proj/data/datasets.yaml -> proj/mlops.yaml"))]),
    ({"proj/data/datasets.yaml": "datasets: [1]\n", "proj/models.yaml": "{}\n"},
     [("E112", "proj/data/datasets.yaml:1:1", ("'datasets' is already defined at "
       "proj/mlops.yaml:5:1"))]),
    ({"proj/data/datasets.yaml": "include: 3\n", "proj/models.yaml": "{}\n"},
     [("E207", "proj/data/datasets.yaml:1:10", "include must be a list of file paths")]),
])
def test_include_problems(tmp_path, monkeypatch, files, expected):
    _, found = _load_files(tmp_path, monkeypatch, {"proj/mlops.yaml": ROOT, **files})
    assert found == expected


@pytest.mark.parametrize(("included", "expected"), [
    ("a: [1\n", [("E104", "proj/data/datasets.yaml:2:1")]),
    ("- 1\n", [("E113", "proj/data/datasets.yaml:1:1")]),
    ("a: 1\na: 2\n", [("E105", "proj/data/datasets.yaml:2:1")]),
    (b"a: \xff\n", [("E102", "proj/data/datasets.yaml:1:4")]),
])
def test_problems_in_included_files_name_them(tmp_path, monkeypatch, included, expected):
    (tmp_path / "proj/data").mkdir(parents=True)
    path = tmp_path / "proj/data/datasets.yaml"
    path.write_bytes(included if isinstance(included, bytes) else included.encode())
    _, found = _load_files(tmp_path, monkeypatch, {"proj/mlops.yaml": ROOT,
                                                   "proj/models.yaml": "{}\n"})
    assert [(c, w) for c, w, _ in found] == expected


def test_broken_include_makes_the_document_unusable(tmp_path, monkeypatch):
    loaded, _ = _load_files(tmp_path, monkeypatch, {
        "proj/mlops.yaml": ROOT, "proj/data/datasets.yaml": "a: [\n", "proj/models.yaml": "{}\n"})
    assert loaded.document is None


def test_absolute_root_gives_absolute_names(tmp_path, monkeypatch):
    _files(tmp_path, {"proj/mlops.yaml": "include: [more.yaml]\n", "proj/more.yaml": "a: 1\n"})
    loaded = load_spec(tmp_path / "proj/mlops.yaml", Diagnostics())
    assert loaded.files == (f"{tmp_path}/proj/mlops.yaml", f"{tmp_path}/proj/more.yaml")


def test_load_text_resolves_includes_from_base_dir(tmp_path):
    _files(tmp_path, {"more.yaml": "models: {m: 1}\n"})
    diagnostics = Diagnostics()
    loaded = load_text("include: [more.yaml]\n", diagnostics, base_dir=tmp_path)
    assert loaded.document["models"] == {"m": 1}
    assert loaded.files == ("mlops.yaml", "more.yaml")


def test_a_file_included_twice_is_read_once(tmp_path, monkeypatch):
    loaded, found = _load_files(tmp_path, monkeypatch, {
        "proj/mlops.yaml": "include: [a.yaml, b.yaml]\n",
        "proj/a.yaml": "include: [c.yaml]\n", "proj/b.yaml": "include: [c.yaml]\n",
        "proj/c.yaml": "models: {m: 1}\n"})
    assert found == []
    assert loaded.files == ("proj/mlops.yaml", "proj/a.yaml", "proj/c.yaml", "proj/b.yaml")


# --- environments ---------------------------------------------------------------------------

ENVS = """\
apiVersion: mlopsc/v1
deployments: &deps
  api:
    replicas: 1
    image: app:1
    resources: {cpu: 1, memory: 2Gi}
    hosts: [a, b]
mirror: *deps
environments:
  prod:
    namespace: fraud-prod
    overrides:
      deployments:
        api:
          replicas: 5
          resources: {cpu: 4}
          hosts: [c]
          extra: {x: 1}
  dev: {namespace: d}
"""


def test_environment_overrides_merge_with_positions():
    loaded, found = _load(ENVS, environment="prod")
    assert found == []
    api = loaded.document["deployments"]["api"]
    assert api == {"replicas": 5, "image": "app:1", "resources": {"cpu": 4, "memory": "2Gi"},
                   "hosts": ["c"], "extra": {"x": 1}}
    assert loaded.document["mirror"]["api"]["replicas"] == 1  # the anchored original is intact
    where = {p: _where(loaded, "deployments", "api", *p) for p in [
        ("replicas",), ("image",), ("resources", "cpu"), ("resources", "memory"),
        ("hosts", 0), ("hosts", 1), ("extra", "x")]}
    assert where == {("replicas",): "15:21-15:22", ("image",): "5:12-5:17",
                     ("resources", "cpu"): "16:28-16:29", ("resources", "memory"): "6:33-6:36",
                     ("hosts", 0): "17:19-17:20", ("hosts", 1): "17:18-17:21",
                     ("extra", "x"): "18:22-18:23"}
    assert _where(loaded, "deployments", "api", "replicas", key=True) == "15:11-15:19"


def test_without_an_environment_overrides_are_not_applied():
    loaded, _ = _load(ENVS)
    assert loaded.document["deployments"]["api"]["replicas"] == 1
    assert _where(loaded, "deployments", "api", "replicas") == "4:15-4:16"


def test_environment_without_overrides():
    loaded, found = _load(ENVS, environment="dev")
    assert found == [] and loaded.document["deployments"]["api"]["replicas"] == 1


@pytest.mark.parametrize(("environment", "message", "hint"), [
    ("prood", "unknown environment 'prood'; did you mean 'prod'?",
     "declared environments: dev, prod"),
    ("qa", "unknown environment 'qa'", "declared environments: dev, prod"),
])
def test_unknown_environment(environment, message, hint):
    diagnostics = Diagnostics()
    load_text(ENVS, diagnostics, environment=environment)
    assert [(d.code, str(d.span), d.message, d.hint) for d in diagnostics] == [
        ("E114", "mlops.yaml:9:1", message, hint)]


def test_unknown_environment_when_none_is_declared():
    diagnostics = Diagnostics()
    load_text("a: 1\n", diagnostics, environment="prod")
    (d,) = diagnostics
    assert (d.code, d.span, d.message) == ("E114", None, "unknown environment 'prod'")


def test_overrides_may_not_change_api_version_include_or_environments():
    text = ("apiVersion: mlopsc/v1\nenvironments:\n  prod:\n    overrides:\n"
            "      apiVersion: x\n      include: [y]\n      environments: {}\n      a: 1\n")
    loaded, found = _load(text, environment="prod")
    assert found == [
        ("E207", "mlops.yaml:5:7", "an environment cannot override 'apiVersion'"),
        ("E207", "mlops.yaml:6:7", "an environment cannot override 'include'"),
        ("E207", "mlops.yaml:7:7", "an environment cannot override 'environments'"),
    ]
    assert loaded.document["apiVersion"] == "mlopsc/v1" and loaded.document["a"] == 1


def test_overrides_must_be_a_mapping():
    assert _codes("environments: {prod: {overrides: [1]}}\n", environment="prod") == [
        ("E207", "mlops.yaml:1:34")]


def test_environment_overrides_from_an_included_file(tmp_path, monkeypatch):
    loaded, found = _load_files(tmp_path, monkeypatch, {
        "proj/mlops.yaml": "include: [envs.yaml]\nmodels: {m: {stage: dev}}\n",
        "proj/envs.yaml": "environments:\n  prod:\n    overrides: {models: {m: {stage: prod}}}\n",
    }, environment="prod")
    assert found == []
    assert loaded.document["models"]["m"]["stage"] == "prod"
    assert str(loaded.index.locate(("models", "m", "stage"))) == "proj/envs.yaml:3:37"


# --- robustness -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a: \ud800\n", "\t- x\n", "a:\tb\n", "&a a: *a\n", "? \n", "*\n", "a: !<tag:x> 1\n",
    "%YAML 1.1\n%TAG !e! tag:example.com:\n---\na: !e!foo x\n", "a: |\n x\n  y\n",
    "{a: 1, b\n", "[]]\n", "a: 'b''\n", "a: \"\\q\"\n", "? - a\n  - b\n: c\n", "a: &a\n",
    "a: b: c\n", "- &a\n- *a\n", "%FOO\n---\na: 1\n", "\x85\u2028a: 1\n", "a: 😀\n",
    "a: !!float .5e\n", "a: !!int 0x\n", "a: !!null x\n", "a: !!str [1]\n",
])
def test_odd_inputs_give_diagnostics_not_tracebacks(text):
    loaded, found = _load(text)
    assert loaded.document is not None or found


# --- numbers out of range (E121) ------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("1" * 400, "the number 111111111111...111111 (400 characters) is out of range"),
    ("1" * 5000, "the number 111111111111...111111 (5000 characters) is out of range"),
    ("1e400", "the number 1e400 is out of range"),
    ("-1e400", "the number -1e400 is out of range"),
    ("18446744073709551616", "the number 18446744073709551616 is out of range"),
    ("-9223372036854775809", "the number -9223372036854775809 is out of range"),
    ("0x" + "f" * 100_000, "the number 0xffffffffff...ffffff (100002 characters) is out of range"),
    ("!!int " + "9" * 30, "the number 999999999999...999999 (30 characters) is out of range"),
    ("!!float 1e999", "the number 1e999 is out of range"),
])
def test_numbers_beyond_64_bits_are_e121_and_stay_text(text, message):
    loaded, found = _load(f"v: {text}\n")
    assert [(c, w) for c, w, _ in found] == [("E121", "mlops.yaml:1:4")]
    assert found[0][2] == message + " (64 bits at most)"
    assert isinstance(loaded.document["v"], str) and type(loaded.document["v"]) is str


@pytest.mark.parametrize(("text", "value"), [
    ("18446744073709551615", 2**64 - 1), ("-9223372036854775808", -(2**63)),
    ("1.7976931348623157e308", 1.7976931348623157e308), ("'1e400'", "1e400"),
])
def test_numbers_at_the_64_bit_edges_are_kept(text, value):
    loaded, found = _load(f"v: {text}\n")
    assert found == [] and loaded.document["v"] == value


# --- the spec root: includes are confined and non-spec files never quoted -------------------

def _refusal_tree(tmp_path: Path) -> Path:
    import os

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("models: {secret: {owner: s}}\n")
    proj = tmp_path / "proj"
    (proj / "dir").mkdir(parents=True)
    (proj / "out.yaml").symlink_to(outside / "x.yaml")
    (proj / "via").symlink_to(outside)
    os.mkfifo(proj / "pipe.yaml")
    (proj / "ok.yaml").write_text("models: {m: {owner: a}}\n")
    return proj


@pytest.mark.parametrize(("entry", "code", "reason"), [
    ("/etc/passwd", "E117", "is an absolute path"),
    ("../outside/x.yaml", "E118", "leaves the spec root"),
    ("dir/../../outside/x.yaml", "E118", "leaves the spec root"),
    ("out.yaml", "E119", ("is a symbolic link (or goes through one) to a path outside the spec "
                         "root")),
    ("via/x.yaml", "E119", ("is a symbolic link (or goes through one) to a path outside the spec "
                           "root")),
    ("pipe.yaml", "E120", "is not a regular file (it is a FIFO (named pipe))"),
    ("dir", "E120", "is not a regular file (it is a directory)"),
])
def test_includes_outside_the_root_or_not_regular_are_refused(tmp_path, entry, code, reason):
    proj = _refusal_tree(tmp_path)
    (proj / "mlops.yaml").write_text(f"include:\n  - ok.yaml\n  - {entry}\n")
    diagnostics = Diagnostics()
    loaded = load_spec(proj / "mlops.yaml", diagnostics)
    assert [(d.code, d.span.line, d.span.column, d.message) for d in diagnostics] == [
        (code, 3, 5, (f"include '{entry}' {reason}; a spec reads only regular files under "
                     "its root"))]
    assert loaded.document is None
    assert "secret" not in str(loaded.index.files())


def test_root_option_lets_an_include_leave_the_specs_folder(tmp_path):
    proj = _refusal_tree(tmp_path)
    (proj / "mlops.yaml").write_text("include: [../outside/x.yaml]\n")
    loaded = load_spec(proj / "mlops.yaml", Diagnostics(), root=tmp_path)
    assert loaded.document["models"] == {"secret": {"owner": "s"}}


@pytest.mark.parametrize(("text", "codes", "messages"), [
    ("password=hunter2 and more\n", ["E113"], ["the document is a string, not a mapping"]),
    ("[hunter2]\n", ["E113"], ["the document is a sequence, not a mapping"]),
    ("a: [\nhunter2: 'x\n", ["E104"], [("YAML syntax error in proj/notes.txt; its text is not "
                                       "shown, as it is not a spec file")]),
    ("!!int hunter2\n", ["E109", "E113"], [("unsupported YAML tag in proj/notes.txt; its text is "
                                           "not shown, as it is not a spec file"),
                                           "the document is a string, not a mapping"]),
])
def test_an_included_file_that_is_no_spec_is_never_quoted(tmp_path, monkeypatch, text, codes,
                                                           messages):
    loaded, found = _load_files(tmp_path, monkeypatch, {
        "proj/mlops.yaml": "include: [notes.txt]\n", "proj/notes.txt": text})
    assert [c for c, _, _ in found] == codes
    assert [m for _, _, m in found] == messages
    assert "hunter2" not in repr(found)
    assert loaded.index.source_line("proj/notes.txt", 1) is None  # no excerpt can show it
    assert loaded.index.source_line("proj/mlops.yaml", 1) == "include: [notes.txt]"


def test_the_byte_limit_holds_for_all_files_together(tmp_path, monkeypatch):
    _, found = _load_files(tmp_path, monkeypatch, {
        "proj/mlops.yaml": "include: [a.yaml]\n", "proj/a.yaml": "a: " + "x" * 100 + "\n"},
        max_bytes=110)
    assert found == [("E101", "proj/mlops.yaml:1:11", ("proj/a.yaml brings the spec files to "
                      "122 bytes, over the limit of 110 bytes for all of them together"))]


def test_alias_bytes_are_bounded_not_only_nodes():
    text = "a: &a '" + "x" * 1000 + "'\nb: [" + ", ".join(["*a"] * 20) + "]\n"
    from mlopsc.reading.yaml_events import build_tree

    diagnostics = Diagnostics()
    tree = build_tree(text, "mlops.yaml", diagnostics, max_alias_bytes=15_000)
    assert tree.document is None
    assert [(d.code, str(d.span), d.message) for d in diagnostics] == [
        ("E106", "mlops.yaml:2:65", "aliases expand to more than 15000 bytes of scalars")]
    assert build_tree(text, "mlops.yaml", Diagnostics(), max_alias_bytes=20_000).document


def test_nested_anchor_bytes_count_what_their_aliases_expand_to():
    from mlopsc.reading.yaml_events import build_tree

    text = ("a: &a ['" + "x" * 1000 + "']\nb: &b [" + ", ".join(["*a"] * 10) + "]\n"
            "c: [" + ", ".join(["*b"] * 10) + "]\n")
    diagnostics = Diagnostics()
    build_tree(text, "mlops.yaml", diagnostics, max_alias_bytes=100_000)
    assert [d.code for d in diagnostics] == ["E106"]  # 10 + 10 x 10 = 110 aliased kilobytes
