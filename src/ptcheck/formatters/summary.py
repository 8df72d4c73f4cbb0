"""The terminal summary of `ptcheck batch`: documents by score, with their categories."""

from __future__ import annotations

import io
import os
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ptcheck.batch import BatchResult
from ptcheck.errors import printable

WIDE = 110  # from this width on, the category scores are shown too


def render_summary(result: BatchResult, color: bool, width: int) -> str:
    """A table of the documents sorted by score, then the counts by verdict."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, no_color=not color, force_terminal=color, width=width, highlight=False
    )
    documents = sorted(result.analysed, key=lambda d: -d["score"])
    names = _short_names([d["document"]["path"] for d in documents])
    table = Table(title="Documents by score")
    table.add_column("document", overflow="fold", min_width=12)
    table.add_column("score", justify="right")
    table.add_column("verdict", no_wrap=True)
    # Category columns only where they fit: at 80 columns the names matter more.
    categories = [c["id"] for c in documents[0]["categories"]] if documents else []
    categories = categories if width >= WIDE else []
    for category in categories:
        table.add_column(category, justify="right")
    for document in documents:
        table.add_row(
            printable(names[document["document"]["path"]]),
            f"{document['score']:.1f}",
            document["verdict"],
            *(f"{c['score']:.0f}" for c in document["categories"][: len(categories)]),
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


def _short_names(paths: list[str]) -> dict[str, str]:
    """Each path relative to the folder the documents share ("es/ley.txt", not a long
    absolute prefix cut to nothing)."""
    if len(paths) < 2:
        return {path: Path(path).name or path for path in paths}
    common = os.path.commonpath([str(Path(p).parent) for p in paths])
    return {path: os.path.relpath(path, common) for path in paths}
