"""The terminal report: score, verdict, and a table per category, drawn with rich."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ptcheck.formatters import STATUS_LOOK, RenderOptions
from ptcheck.results import DocumentResult, Evidence, ItemResult

VERDICT_STYLE = {"compliant": "bold green", "partial": "bold yellow"}


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """The report for every document, as text (with ANSI colour when asked)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
    )
    for result in results:
        _document(console, result, options)
    return buffer.getvalue()


def _document(console: Console, result: DocumentResult, options: RenderOptions) -> None:
    verdict = Text(result.verdict, style=VERDICT_STYLE.get(result.verdict, "bold red"))
    head = Text.assemble(
        (f"{result.document.path}", "bold"),
        f"  ({result.document.language}, {result.document.lines} lines)\n",
        f"{result.checklist.title} — checklist {result.checklist.id} {result.checklist.version}\n",
        ("Score ", "bold"),
        (f"{result.score:.1f}/100", "bold"),
        "   verdict: ",
        verdict,
        f"\n{result.summary}",
    )
    console.print(Panel(head, expand=True))
    if options.verbosity == 0:
        return
    for category in result.categories:
        items = [i for i in result.items if i.category == category.id]
        console.print(_category_table(category.title, category.score, items, options))


def _category_table(
    title: str, score: float, items: list[ItemResult], options: RenderOptions
) -> Table:
    table = Table(title=f"{title}  {score:.1f}", title_justify="left", expand=True, show_lines=True)
    table.add_column("Status", no_wrap=True, width=10)
    table.add_column("Item", ratio=1)
    table.add_column("Evidence / what is missing", ratio=3)
    for item in items:
        table.add_row(
            Text(
                f"{STATUS_LOOK[item.status].symbol} {item.status}",
                style=STATUS_LOOK[item.status].style,
            ),
            Text.assemble((item.id, "bold"), "\n", item.title),
            _detail(item, options),
        )
    return table


def _quote(found: Evidence, verbose: bool) -> Text:
    text = Text.assemble(
        (f"{found.section}", "cyan"),
        f" line {found.line}:{found.column} ",
        (f"“{found.quote}”", "italic"),
    )
    if verbose and found.context:
        text.append(f"\n   {found.context}", style="dim")
    return text


def _detail(item: ItemResult, options: RenderOptions) -> Group:
    verbose = options.verbosity >= 2
    parts: list[Text] = []
    if item.status == "met":
        parts += [_quote(found, verbose) for found in item.evidence]
        if verbose:
            parts.append(Text(item.message, style="dim"))
        return Group(*parts)
    parts.append(Text(item.message))
    parts += [_quote(found, verbose) for found in item.evidence]
    parts.append(Text.assemble(("The Protocol requires: ", "bold"), item.requirement))
    parts.append(Text.assemble(("To close it: ", "bold"), item.guidance))
    return Group(*parts)
