"""No spec string can add markup to a model card or the governance report.

A spec full of Markdown, HTML and bare links renders, through a real CommonMark + GFM
parser (markdown-it-py with tables, strikethrough and linkify), to exactly the same token
structure as the same spec with plain words in their place.
"""

from __future__ import annotations

import datetime
import json

import pytest
import yaml
from markdown_it import MarkdownIt

from mlopsc.diagnostics import Diagnostics
from mlopsc.governance import markdown as md
from mlopsc.governance.report import build_report
from mlopsc.governance.report_md import render_markdown
from mlopsc.passes.build_lineage import build_lineage
from mlopsc.passes.lower import lower
from mlopsc.policy.result import PolicyResult, RuleResult, WaiverUse
from mlopsc.spec import Spec
from mlopsc.target import EmitOptions
from mlopsc.targets.model_card import ModelCardTarget

EVIL = ("<script>alert(1)</script> <b>x</b> [click](http://evil.example) ![i](x.png) "
        "**bold** _em_ `code` ~~gone~~ $x^2$ &amp; &copy; [^1] https://evil.example "
        "www.evil.example mail@evil.example\n\n# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "- item\n\n1. one\n\n2) two\n\n> quote\n\n---\n\n===\n\n    indented code\n\n"
        "```\nfence\n```")
# The same paragraph breaks as EVIL, so both have the same number of paragraphs.
PLAIN = "\n\n".join("plain words" for _ in EVIL.split("\n\n"))

SPEC = """
apiVersion: mlopsc/v1
metadata: {name: demo, owner: VALUE}
datasets:
  d:
    version: "1.0.0"
    owner: VALUE
    description: VALUE
    location: VALUE
    fields: [{name: id, type: string, pii: true}]
models:
  m:
    version: "0.1.0"
    owner: VALUE
    description: VALUE
    stage: production
    risk_tier: high
    tags: [VALUE]
    card:
      intended_use: VALUE
      out_of_scope_use: VALUE
      limitations: VALUE
      ethical_considerations: VALUE
      fairness_assessment: VALUE
      maintenance: VALUE
      caveats: VALUE
    training:
      datasets: [{dataset: d, version: "1.0.0"}]
      code_version: VALUE
    fairness:
      protected_attributes: [VALUE]
      metrics: [{name: dpd, threshold: 0.1, value: 0.05}]
      assessment: VALUE
    human_oversight: {description: VALUE, reviewers: [VALUE]}
    approvals: [{by: VALUE, role: VALUE, date: "2026-01-01"}]
    risk_assessment: VALUE
waivers:
  w:
    rule: GOV-001
    subject: VALUE
    reason: VALUE
    approver: VALUE
    expires: "2027-01-01"
"""


def spec_with(value: str) -> str:
    return SPEC.replace("VALUE", json.dumps(value))


def waived_by(value: str) -> PolicyResult:
    """A gate result whose finding and waiver carry ``value``: the card's "Unmet
    requirements" and "Missing sections" render them."""
    return PolicyResult(
        engine="regorus", bundles=(), rules={}, disabled=(),
        results=(RuleResult(rule="GOV-001", subject="models.m", status="waived",
                            messages=(value,), waiver="w"),),
        waivers=(WaiverUse(name="w", rule="GOV-001", subject="models.m", approver=value,
                           reason=value, expires="2027-01-01", status="active",
                           matched=("models.m.metrics",)),))


def render_all(value: str) -> dict[str, str]:
    ir = lower(Spec.model_validate(yaml.safe_load(spec_with(value))))
    today = datetime.date(2026, 11, 15)
    options = EmitOptions(version="0.0.0", spec_name="mlops.yaml",
                          lineage=build_lineage(ir), policy=waived_by(value), today=today)
    files = {a.path: a.content.decode()
             for a in ModelCardTarget().emit(ir, options, Diagnostics())}
    files["report.md"] = render_markdown(build_report(ir, None, today), options.header())
    return files


def structure(markdown: str) -> list[tuple[str, str]]:
    """Token types, with the inline children of each block (text content left out)."""
    parser = MarkdownIt("commonmark", {"linkify": True}).enable(
        ["table", "strikethrough", "linkify"])
    return [(t.type, ",".join(c.type for c in t.children or [])) for t in parser.parse(markdown)]


@pytest.mark.parametrize("name", ["m.md", "report.md"])
def test_markup_in_spec_strings_stays_text(name):
    evil, plain = render_all(EVIL)[name], render_all(PLAIN)[name]
    if name == "m.md":  # the body, after the front matter
        evil, plain = evil.split("\n---\n", 1)[1], plain.split("\n---\n", 1)[1]
    assert structure(evil) == structure(plain)
    if name == "m.md":  # the waiver's approver and the finding reach the card
        assert "| GOV-001 | models.m | waived |" in evil and "quantitative\\_analysis" in evil
    assert "<script>" not in evil and "](" not in evil.replace("\\](", "")


def test_front_matter_survives_hostile_strings():
    text = render_all("a\n---\nlibrary_name: evil\n" + EVIL)["m.md"]
    front = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert "library_name" not in front  # the hostile tag did not add a key
    assert front["tags"] == sorted(["mlopsc", "a\n---\nlibrary_name: evil\n" + EVIL])
    assert text.count("\n---\n") >= 1 and text.startswith("---\n# generated by mlopsc")


def test_json_card_round_trips_hostile_strings():
    files = render_all(EVIL)
    card = json.loads(files["m.json"])
    assert card["considerations"]["use_cases"] == [{"description": EVIL}]
    assert card["model_details"]["owners"] == [{"name": EVIL}]
    extra = json.loads(files["m.mlopsc.json"])
    assert extra["waivers"][0]["approver"] == EVIL
    assert extra["unmet_requirements"][0]["findings"] == [EVIL]


@pytest.mark.parametrize("value, expected", [
    ("a|b", "a\\|b"),
    ("<img src=x>", "\\<img src=x\\>"),
    ("[x](y)", "\\[x\\](y)"),
    ("# h", "\\# h"),
    ("- item", "\\- item"),
    ("3. item", "3\\. item"),
    ("2026-11-15", "2026-11-15"),
    ("see https://x.example", "see https\\://x.example"),
    ("www.x.example", "www\\.x.example"),
    ("a@b.example", "a\\@b.example"),
    ("line\nbreak", "line break"),
    (None, "—"),
    (True, "yes"),
    (2.0, "2"),
])
def test_inline_escaping(value, expected):
    assert md.inline(value) == expected
