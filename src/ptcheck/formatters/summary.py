"""The terminal summary of `ptcheck batch`: documents by score, with their categories."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from ptcheck.batch import BatchResult


def render_summary(result: BatchResult, color: bool, width: int) -> str:
    """A table of the documents sorted by score, then the counts by verdict."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, no_color=not color, force_terminal=color, width=width, highlight=False
    )
    documents = sorted(result.analysed, key=lambda d: -d["score"])
    table = Table(title="Documents by score")
    table.add_column("document")
    table.add_column("score", justify="right")
    table.add_column("verdict")
    categories = [c["id"] for c in documents[0]["categories"]] if documents else []
    for category in categories:
        table.add_column(category, justify="right")
    for document in documents:
        table.add_row(
            document["document"]["path"],
            f"{document['score']:.1f}",
            document["verdict"],
            *(f"{c['score']:.0f}" for c in document["categories"]),
        )
    if documents:
        console.print(table)
    summary = result.as_dict()["summary"]
    verdicts = ", ".join(f"{k} {v}" for k, v in sorted(summary["by_verdict"].items()))
    skipped = f" ({result.skipped} from an earlier run)" if result.skipped else ""
    console.print(
        f"{summary['analysed']} analysed{skipped}, {summary['failed']} failed"
        + (f"; {verdicts}" if verdicts else "")
    )
    return buffer.getvalue()
