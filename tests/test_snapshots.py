"""Exact output of every format for two documents: a draft with a waived item and gaps, and a
document with no offence. The snapshots in tests/snapshots/ were read and checked by hand;
after a deliberate change, regenerate them with PTCHECK_UPDATE_SNAPSHOTS=1 and read the
diff before committing it."""

from __future__ import annotations

import hashlib
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ptcheck import __version__
from ptcheck.analysis import Analyzer
from ptcheck.documents import Document
from ptcheck.formatters import RenderOptions, renderer
from ptcheck.results import DocumentResult

from .conftest import SAMPLE_LAWS

SNAPSHOTS = Path(__file__).parent / "snapshots"
WAIVER = '<!-- ptcheck: waive crim.attempt "Penal Code s. 21" -->\n'
FORMATS = ["text-80", "text-120", "json", "markdown", "sarif", "junit", "github", "line", "html"]


def _result(analyzer: Analyzer, name: str) -> DocumentResult:
    if name == "draft":
        text = WAIVER + (SAMPLE_LAWS / "no_ancillary_offences.txt").read_text(encoding="utf-8")
        path = "draft.md"
    else:
        text = (SAMPLE_LAWS / "smuggling_decoy.txt").read_text(encoding="utf-8")
        path = "decoy.txt"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return analyzer.analyze(Document(path, text, "text", digest, "utf-8"))


def _rendered(result: DocumentResult, output: str) -> str:
    name, _, width = output.partition("-")
    text = renderer(name)([result], RenderOptions(width=int(width or 100)))
    text = text.replace(__version__, "VERSION").replace(result.checklist.sha256, "CHECKLIST-SHA256")
    if name == "html":
        return _outline(text)
    return text


def _outline(page: str) -> str:
    """The structure of an HTML page: headings, sections, gaps, items and highlights."""

    class Outline(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[str] = []
            self.keep = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {k: v or "" for k, v in attrs}
            if tag in ("h1", "h2", "details", "li", "mark", "table", "pre"):
                described = " ".join(f"{k}={values[k]}" for k in ("id", "class") if k in values)
                self.lines.append(f"<{tag} {described}>".replace(" >", ">"))
                self.keep = tag in ("h1", "h2")

        def handle_data(self, data: str) -> None:
            if self.keep and data.strip():
                self.lines.append(f"  {data.strip()}")
                self.keep = False

    outline = Outline()
    outline.feed(page)
    return "\n".join(outline.lines) + "\n"


@pytest.mark.parametrize("document", ["draft", "decoy"])
@pytest.mark.parametrize("output", FORMATS)
def test_format_snapshot(analyzer: Analyzer, document: str, output: str) -> None:
    got = _rendered(_result(analyzer, document), output)
    snapshot = SNAPSHOTS / f"{document}.{output}.txt"
    if os.environ.get("PTCHECK_UPDATE_SNAPSHOTS"):
        snapshot.write_text(got, encoding="utf-8")
    assert got == snapshot.read_text(encoding="utf-8")
