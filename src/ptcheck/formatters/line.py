"""One line per item, `file:line:col: status item message`, for editors and grep."""

from __future__ import annotations

from collections.abc import Sequence

from ptcheck.errors import printable
from ptcheck.formatters import RenderOptions
from ptcheck.formatters.sarif import location
from ptcheck.results import DocumentResult


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """Every item (only the gaps with --quiet), at its evidence, nearest passage or offence."""
    lines = []
    for result in results:
        for item in result.items:
            if options.verbosity == 0 and item.status in ("met", "waived"):
                continue
            line, column = location(result, item)
            message = " ".join(item.message.split())
            path = printable(result.document.path)
            lines.append(f"{path}:{line}:{column}: {item.status} {item.id} {message}")
    return "".join(f"{line}\n" for line in lines)
