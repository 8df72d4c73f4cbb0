"""Output formats: each module renders results to a string; no I/O here.

The registry maps a `--format` name to its renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ptcheck.results import DocumentResult, Status


@dataclass(frozen=True)
class StatusLook:
    """How every human-facing format shows one status."""

    symbol: str  # terminal
    emoji: str  # Markdown
    style: str  # rich style
    colour: str  # HTML


# One table for every formatter; a test checks it has every status of results.STATUSES.
STATUS_LOOK: dict[Status, StatusLook] = {
    "met": StatusLook("✔", "✅", "green", "#2e7d32"),
    "partial": StatusLook("◐", "🟡", "yellow", "#f9a825"),
    "missing": StatusLook("✘", "❌", "red", "#c62828"),
    "waived": StatusLook("○", "⚪", "cyan", "#546e7a"),
}


@dataclass(frozen=True)
class RenderOptions:
    """How a human-facing report should look."""

    color: bool = False
    width: int = 100
    verbosity: int = 1  # 0 quiet, 1 normal, 2 verbose
    several: bool = False  # several files were asked for: machine formats give a list
    failures: tuple[tuple[str, str], ...] = ()  # (path, error) of files that could not be read


Renderer = Callable[[Sequence[DocumentResult], RenderOptions], str]


def renderer(name: str) -> Renderer:
    """The renderer for a format name (one of FORMATS)."""
    if name == "json":
        from ptcheck.formatters.json import render
    elif name == "markdown":
        from ptcheck.formatters.markdown import render
    elif name == "html":
        from ptcheck.formatters.html import render
    elif name == "sarif":
        from ptcheck.formatters.sarif import render
    elif name == "junit":
        from ptcheck.formatters.junit import render
    elif name == "github":
        from ptcheck.formatters.github import render
    elif name == "line":
        from ptcheck.formatters.line import render
    else:
        from ptcheck.formatters.text import render
    return render


FORMATS = ("text", "json", "markdown", "html", "sarif", "junit", "github", "line")
