"""The report of `ptcheck diff`: text, JSON or Markdown."""

from __future__ import annotations

from typing import Any

from ptcheck.drafts import Comparison
from ptcheck.formatters.json import json_text
from ptcheck.formatters.markdown import escape
from ptcheck.results import Evidence


def render_diff(comparison: Comparison, output_format: str) -> str:
    """text, json or markdown."""
    if output_format == "json":
        return json_text(comparison.as_dict())
    data = comparison.as_dict()
    delta = f"{data['score_change']:+.1f}"
    if output_format == "markdown":
        lines = [
            f"## ptcheck diff: {escape(data['old']['path'])} → {escape(data['new']['path'])}",
            "",
            f"Score {data['old']['score']:.1f} → **{data['new']['score']:.1f}** ({delta}) · "
            f"verdict {data['old']['verdict']} → **{data['new']['verdict']}**",
            "",
        ]
        if comparison.changes:
            lines += ["| Item | Change | Before | After |", "|---|---|---|---|"]
            for change in comparison.changes:
                before = change.before + _where(change.evidence_before, escape)
                after = change.after + _where(change.evidence_after, escape)
                lines.append(
                    f"| `{change.id}` {escape(change.title)} | {change.kind} | {before} | {after} |"
                )
        else:
            lines.append("No item changed.")
        return "\n".join(lines) + "\n"
    lines = [
        f"{data['old']['path']} -> {data['new']['path']}",
        f"score {data['old']['score']:.1f} -> {data['new']['score']:.1f} ({delta}); "
        f"verdict {data['old']['verdict']} -> {data['new']['verdict']}",
    ]
    for change in comparison.changes:
        lines.append(
            f"  {change.kind:7} {change.id}: {change.before}{_where(change.evidence_before, str)}"
            f" -> {change.after}{_where(change.evidence_after, str)}"
        )
    if not comparison.changes:
        lines.append("  no item changed")
    return "\n".join(lines) + "\n"


def _where(evidence: tuple[Evidence, ...], clean: Any) -> str:
    if not evidence:
        return ""
    first = evidence[0]
    return f" ({clean(first.section)}, line {first.line}: “{clean(first.quote)}”)"
