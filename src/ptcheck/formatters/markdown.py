"""Markdown: a report fit for a pull-request comment or a drafting memo."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ptcheck.formatters import STATUS_LOOK, RenderOptions
from ptcheck.results import DocumentResult, Evidence


def escape(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, markup, HTML or line breaks."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*_\[\]<>|#~])", r"\\\1", text)
    return " ".join(text.split())


def _evidence(found: Sequence[Evidence]) -> str:
    return "<br>".join(
        f"{escape(e.section)} (line {e.line}): “{escape(e.quote)}”" for e in found[:3]
    )


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """Markdown for every document, one after another."""
    return "\n\n---\n\n".join(_document(result, options) for result in results) + "\n"


def _document(result: DocumentResult, options: RenderOptions) -> str:
    lines = [
        f"## ptcheck: {escape(result.document.path)}",
        "",
        f"**Score {result.score:.1f}/100** · verdict **{result.verdict}** · "
        f"{escape(result.checklist.title)} (checklist {escape(result.checklist.version)})",
        "",
        escape(result.summary),
        "",
        "| Category | Score | Met | Partial | Missing |",
        "|---|---:|---:|---:|---:|",
    ]
    for category in result.categories:
        lines.append(
            f"| {escape(category.title)} | {category.score:.1f} | {category.met} | "
            f"{category.partial} | {category.missing} |"
        )
    lines += ["", "| Item | Status | Evidence or gap |", "|---|---|---|"]
    for item in result.items:
        if item.status == "met" and options.verbosity < 1:
            continue
        if item.status == "met":
            detail = _evidence(item.evidence)
        else:
            detail = escape(item.message)
            if item.evidence:
                detail += "<br>" + _evidence(item.evidence)
            detail += f"<br>**Required:** {escape(item.requirement)}"
            detail += f"<br>**To close it:** {escape(item.guidance)}"
        status = f"{STATUS_LOOK[item.status].emoji} {item.status}"
        lines.append(f"| `{item.id}` {escape(item.title)} | {status} | {detail} |")
    return "\n".join(lines)
