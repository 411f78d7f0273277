"""docs/diagnostics.md and `mlopsc explain` both come from the one code table."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlopsc.codes import UnknownCode, own_table, suggest, table
from mlopsc.tools import docs_gen
from mlopsc.tools.explain import explain

ROOT = Path(__file__).resolve().parents[2]


def test_diagnostics_md_is_up_to_date():
    path = ROOT / "docs/diagnostics.md"
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    assert current == docs_gen.render_diagnostics_md(), (
        f"docs/diagnostics.md is stale; regenerate it with: {docs_gen.REGENERATE}")


def test_every_code_has_a_section():
    text = docs_gen.render_diagnostics_md()
    for code, (_area, row) in own_table().items():
        assert f"### {code}: {row.title}\n\nSeverity: {row.severity.label}\n" in text


def test_every_code_is_used_somewhere():
    """A documented code that nothing emits promises a check that never runs."""
    roots = ["compiler", "targets", "policies", "examples/plugin-target"]
    text = "".join(path.read_text(encoding="utf-8") for root in roots
                   for path in sorted((ROOT / root).rglob("*"))
                   if path.suffix in (".py", ".rego", ".j2") and "codes" not in path.parts
                   and path.name != "codes.py")
    unused = [code for code in table() if f'"{code}"' not in text and f"'{code}'" not in text]
    assert unused == []


def test_sections_are_grouped_by_area():
    text = docs_gen.render_diagnostics_md()
    assert text.index("## load") < text.index("### E101") < text.index("## schema")
    assert text.index("## schema") < text.index("### E201") < text.index("## semantic")


def test_main_check_fails_when_stale_and_write_fixes_it(tmp_path, capsys):
    assert docs_gen.main(["--check", "--root", str(tmp_path)]) == 1
    stale = "docs/diagnostics.md is stale; run: python -m mlopsc.tools.docs_gen"
    assert stale in capsys.readouterr().err
    assert not (tmp_path / "docs/diagnostics.md").exists()
    assert docs_gen.main(["--root", str(tmp_path)]) == 0
    assert docs_gen.main(["--check", "--root", str(tmp_path)]) == 0
    assert docs_gen.stale(tmp_path) == []


def test_main_rewrites_an_edited_doc(tmp_path):
    docs_gen.main(["--root", str(tmp_path)])
    path = tmp_path / "docs/diagnostics.md"
    path.write_text("hand edit\n", encoding="utf-8")
    assert docs_gen.write_all(tmp_path) == ["docs/diagnostics.md"]
    assert path.read_text(encoding="utf-8") == docs_gen.render_diagnostics_md()


def test_docs_table_lists_diagnostics():
    assert docs_gen.DOCS["docs/diagnostics.md"] is docs_gen.render_diagnostics_md


@pytest.mark.parametrize("code", ["E306", "e306"])
def test_explain_shows_the_hint(code):
    row = table()["E306"][1]
    assert row.hint
    assert explain(code) == (
        f"# E306: {row.title}\n\nseverity: error\narea: semantic\n\n{row.explain}\n\n"
        f"hint: {row.hint}\n")


def test_every_code_has_a_default_hint():
    # A finding whose emitter passes no hint of its own still tells the author what to do.
    assert [code for code, (_, row) in table().items() if not (row.hint or "").strip()] == []


def test_explain_unknown_code_raises_and_suggest_helps():
    with pytest.raises(UnknownCode):
        explain("E3066")
    assert suggest("E3066") is not None
