"""`mlopsc report --format html` in a real browser: headless Chromium (Debian's chromium).

The flagship's page, with the changes since a modified copy, loads without a single
console message (no script error, no Content-Security-Policy violation, no blocked
load); its DOM holds one SVG group per lineage node and every change `report diff` names;
a screenshot shows each kind of node as boxes of its colour. A spec with hostile strings
renders them as text: nothing runs, nothing loads, the title stays. Each check is shown
to fail on a page made to break it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from headless_chromium import Load, dump_dom, read_png, screenshot

from mlopsc.lineage.svg import STYLE

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "mlops.yaml"
WIDTH, HEIGHT = 1700, 2000  # the flagship's graph lies inside this viewport
HOSTILE = {  # spec value -> what a page made of unescaped text would do
    "team-payments-data": "<img src=x onerror=\"document.title='pwned-img'\">]]>{{ 7*7 }}",
    "team-fraud": "</svg><script>document.title='pwned-script'</script>\"onload=\"x",
}


def mlopsc(*args: str, cwd: Path = ROOT, seed: str = "0") -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "mlopsc", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300, check=False,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1796083200",
                               "PYTHONHASHSEED": seed})
    assert done.returncode == 0, done.stderr
    return done


class Dom(HTMLParser):
    """Tags, the classes of SVG groups, the SVG boxes, the title and all text of a DOM."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.nodes: list[str] = []
        self.rects: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.attributes: set[str] = set()
        self._in_title = False
        self.title = ""
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.update(name for name, _ in attrs)
        found = dict(attrs)
        if tag == "g" and (found.get("class") or "").startswith("node "):
            self.nodes.append(found.get("data-id") or "")
        if tag == "rect" and self.nodes:
            self.rects.append(found)
        self._in_title = tag == "title" and not self.nodes and not self.title

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


@pytest.fixture(scope="module")
def flagship_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The flagship's page with a base: the flagship at risk tier medium, one approval less."""
    tmp = tmp_path_factory.mktemp("html")
    old = FLAGSHIP.read_text(encoding="utf-8")
    approval = ('      - {by: tom.okafor@acme.example, role: risk, date: "2026-11-07", '
                'stage: production, version: "2.3.0"}\n')
    assert "    risk_tier: high\n" in old and approval in old
    (tmp / "old.yaml").write_text(old.replace("    risk_tier: high\n", "    risk_tier: medium\n")
                                  .replace(approval, ""), encoding="utf-8")
    page = tmp / "report.html"
    mlopsc("report", str(FLAGSHIP), "--format", "html", "--base", str(tmp / "old.yaml"),
           "-o", str(page))
    return page, tmp / "old.yaml"


@pytest.fixture(scope="module")
def flagship_dom(flagship_page: tuple[Path, Path]) -> Load:
    """The flagship page loaded once: its DOM and console messages."""
    return dump_dom(flagship_page[0])


def test_page_bytes_are_deterministic(flagship_page: tuple[Path, Path], tmp_path: Path
                                      ) -> None:
    """Another hash seed, and the base as a report.json rather than a spec: the same bytes."""
    page, old = flagship_page
    mlopsc("report", str(old), "--format", "json", "-o", str(tmp_path / "old.json"))
    again = tmp_path / "again.html"
    mlopsc("report", str(FLAGSHIP), "--format", "html", "--base", str(tmp_path / "old.json"),
           "-o", str(again), seed="4242")
    assert again.read_bytes() == page.read_bytes()


def test_page_loads_without_console_messages(flagship_dom: Load) -> None:
    assert flagship_dom.console == []


def test_console_check_catches_errors_and_csp_violations(tmp_path: Path) -> None:
    """The check above can fail: a script error, and markup the page's CSP blocks."""
    csp = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
    broken = tmp_path / "broken.html"
    broken.write_text(f"<!DOCTYPE html><html><head>{csp}</head><body><p>x</p>"
                      "<img src=x onerror=\"document.title='pwned'\"></body></html>")
    assert any("Content Security Policy" in line for line in dump_dom(broken).console)
    erring = tmp_path / "erring.html"
    erring.write_text("<!DOCTYPE html><script>undefinedFunction()</script>")
    assert any("undefinedFunction" in line for line in dump_dom(erring).console)


def test_dom_holds_every_lineage_node_and_every_change(flagship_page: tuple[Path, Path],
                                                       flagship_dom: Load) -> None:
    _page, old = flagship_page
    dom = Dom(flagship_dom.stdout)
    graph = json.loads(mlopsc("lineage", str(FLAGSHIP), "--graph-format", "json").stdout)
    assert sorted(dom.nodes) == sorted(n["id"] for n in graph["nodes"])
    assert dom.tags.count("svg") == 1 and "script" not in dom.tags
    diff = json.loads(mlopsc("report", "diff", str(old), str(FLAGSHIP), "--format",
                             "json").stdout)
    text = " ".join(dom.text)
    assert diff["changes"], "the base was meant to differ"
    for change in diff["changes"]:
        assert change["message"] in text
    assert dom.title == "Governance report: fraud-platform"


def test_screenshot_shows_the_graph(flagship_page: tuple[Path, Path], flagship_dom: Load,
                                    tmp_path: Path) -> None:
    page, _old = flagship_page
    dom = Dom(flagship_dom.stdout)
    assert {n.partition(":")[0] for n in dom.nodes} == set(STYLE)
    assert _kinds_not_shown(page, dom, tmp_path / "shot.png") == []


def test_screenshot_check_fails_without_the_graph(flagship_page: tuple[Path, Path],
                                                  flagship_dom: Load, tmp_path: Path) -> None:
    page, _old = flagship_page
    dom = Dom(flagship_dom.stdout)
    stripped = tmp_path / "no-graph.html"
    markup = page.read_text(encoding="utf-8")
    stripped.write_text(re.sub(r"<svg .*?</svg>", "", markup, flags=re.S), encoding="utf-8")
    assert _kinds_not_shown(stripped, dom, tmp_path / "shot.png") == sorted(STYLE)


def test_hostile_strings_render_as_text(tmp_path: Path) -> None:
    spec = FLAGSHIP.read_text(encoding="utf-8")
    for value, hostile in HOSTILE.items():
        assert f"owner: {value}\n" in spec
        spec = spec.replace(f"owner: {value}\n", f"owner: {json.dumps(hostile)}\n")
    (tmp_path / "mlops.yaml").write_text(spec, encoding="utf-8")
    page = tmp_path / "report.html"
    mlopsc("report", "mlops.yaml", "--format", "html", "-o", str(page), cwd=tmp_path)
    loaded = dump_dom(page)
    dom = Dom(loaded.stdout)
    assert loaded.console == []  # an <img> or <script> would have broken the CSP
    assert dom.title == "Governance report: fraud-platform"
    assert not {"img", "script"} & set(dom.tags) and dom.tags.count("svg") == 1
    assert not {a for a in dom.attributes if a.startswith("on")}
    text = "".join(dom.text)
    for hostile in HOSTILE.values():
        assert hostile in text
    _assert_unescaped_would_run(page, tmp_path)


def _assert_unescaped_would_run(page: Path, tmp_path: Path) -> None:
    """The title check can fail: the hostile markup, unescaped and without the CSP, runs."""
    markup = page.read_text(encoding="utf-8")
    markup = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", markup)
    raw = tmp_path / "raw.html"
    raw.write_text(markup.replace("</main>", HOSTILE["team-fraud"] + "</main>"),
                   encoding="utf-8")
    assert Dom(dump_dom(raw).stdout).title == "pwned-script"


def _kinds_not_shown(page: Path, dom: Dom, shot: Path) -> list[str]:
    """Kinds of node whose boxes the screenshot of ``page`` does not show: fewer pixels of
    the kind's fill than 60 % of its boxes' area (text and border take the rest)."""
    loaded: Load = screenshot(page, shot, WIDTH, HEIGHT)
    assert loaded.console == []
    image = read_png(shot)
    box = int(dom.rects[0]["width"] or 0) * int(dom.rects[0]["height"] or 0)
    missing = []
    for kind, (fill, _stroke, _radius) in sorted(STYLE.items()):
        nodes = sum(n.startswith(kind + ":") for n in dom.nodes)
        if image.count(_rgb(fill)) < nodes * box * 0.6:
            missing.append(kind)
    return missing


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
