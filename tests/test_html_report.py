"""The HTML report a drafter opens for one draft, and the links of every HTML report."""

from __future__ import annotations

import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.formatters import RenderOptions
from ptcheck.formatters.html import render

from .conftest import CHROMIUM, SAMPLE_LAWS, chromium


class _Page(HTMLParser):
    """Ids, local links, marks and open gaps of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.marks: list[str] = []
        self.gaps: list[str] = []
        self.tables: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and values.get("href", "").startswith("#"):
            self.links.append(values["href"][1:])
        if tag == "mark":
            self.marks.append(values.get("class", ""))
        if tag == "details" and "open" in values:
            self.gaps.append(values.get("id", ""))
        if tag == "table":
            self.tables.append(values.get("class", ""))


def _page(analyzer: Analyzer, *names: str) -> tuple[str, _Page]:
    results = [analyzer.analyze_path(SAMPLE_LAWS / name) for name in names]
    page = render(results, RenderOptions(several=len(names) > 1))
    parsed = _Page()
    parsed.feed(page)
    return page, parsed


def test_one_draft_gets_the_drafters_report(analyzer: Analyzer) -> None:
    page, parsed = _page(analyzer, "force_threats_only.txt")
    assert "heatmap" not in " ".join(parsed.tables)
    assert "Score <b>84.1</b>/100 · verdict <b>partial</b>" in page
    # the seven gaps are open, each with requirement and guidance
    assert parsed.gaps == [
        f"item-means-{slug}"
        for slug in (
            "coercion",
            "abduction",
            "fraud",
            "deception",
            "abuse-of-power",
            "abuse-of-vulnerability",
            "payments",
        )
    ]
    assert page.count("The Protocol requires:") == 7 and page.count("To close it:") == 7
    # quotes are highlighted in their status colour
    assert parsed.marks and all(m.split()[:2] == ["ev", "met"] for m in parsed.marks)


@pytest.mark.parametrize(
    "names", [("force_threats_only.txt",), ("model_complete.txt", "internal_children.txt")]
)
def test_every_local_link_lands(analyzer: Analyzer, names: tuple[str, ...]) -> None:
    _, parsed = _page(analyzer, *names)
    assert parsed.links
    assert [link for link in parsed.links if link not in parsed.ids] == []


def test_overlapping_quotes_keep_an_anchor_each(analyzer: Analyzer) -> None:
    # "recruits" is the evidence of several items (the act, no means required ...)
    _, parsed = _page(analyzer, "whoever_no_means.txt")
    assert "d0-means-fraud-0" in parsed.ids and "d0-act-recruitment-0" in parsed.ids


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("width", [1400, 900])
def test_the_drafters_report_in_a_browser(analyzer: Analyzer, tmp_path: Path, width: int) -> None:
    page, _ = _page(analyzer, "force_threats_only.txt")
    html_file = tmp_path / "draft.html"
    html_file.write_text(page, encoding="utf-8")
    flags = chromium(tmp_path / "profile", width, 1600)
    dom = subprocess.run(
        [*flags, "--dump-dom", html_file.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    parsed = _Page()
    parsed.feed(dom)
    assert len(parsed.gaps) == 7 and parsed.marks
    shots = Path(os.environ.get("PTCHECK_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / f"draft-{width}.png"
    subprocess.run(
        [*flags, f"--screenshot={shot}", html_file.as_uri()], capture_output=True, timeout=120
    )
    assert shot.exists() and shot.stat().st_size > 10_000
