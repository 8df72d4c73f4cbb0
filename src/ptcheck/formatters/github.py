"""GitHub Actions workflow commands: an annotation per missing or partial item."""

from __future__ import annotations

from collections.abc import Sequence

from ptcheck.errors import printable
from ptcheck.formatters import RenderOptions
from ptcheck.formatters.sarif import location
from ptcheck.results import DocumentResult


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """`::error file=…,line=…,col=…,title=…::message` lines, and a notice with the score."""
    lines = []
    for result in results:
        path = _property(printable(result.document.path))
        for item in result.items:
            if item.status not in ("missing", "partial"):
                continue
            line, column = location(result, item)
            level = (
                "error" if item.severity == "required" and item.status == "missing" else "warning"
            )
            title = _property(f"{item.id} {item.status}")
            message = _data(f"{item.title}: {item.message} To close it: {item.guidance}")
            lines.append(f"::{level} file={path},line={line},col={column},title={title}::{message}")
        lines.append(
            f"::notice file={path},title={_property('ptcheck score')}::"
            + _data(f"{result.score:.1f}/100, {result.verdict}: {result.summary}")
        )
    return "\n".join(lines) + "\n"
