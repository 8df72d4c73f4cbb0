"""The terminal report: a header, the gaps (what a drafter must add), the items met, and a
one-line summary at the end (the header has scrolled away by then). Drawn with rich; no
box or table, so nothing is cut at 80 columns and item ids are never truncated."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from ptcheck.errors import printable
from ptcheck.formatters import STATUS_LOOK, RenderOptions
from ptcheck.results import DocumentResult, Evidence, ItemResult

VERDICT_STYLE = {"compliant": "bold green", "partial": "bold yellow"}
INDENT = "    "


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
    if options.color:
        return buffer.getvalue()
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def _document(console: Console, result: DocumentResult, options: RenderOptions) -> None:
    head = Text.assemble(
        (printable(result.document.path), "bold"),
        f"  ({result.document.language}, {result.document.lines} lines)\n",
        f"{result.checklist.title} — checklist {result.checklist.id} {result.checklist.version}\n",
        ("Score ", "bold"),
        (f"{result.score:.1f}/100", "bold"),
        "   verdict: ",
        _verdict(result),
        "\n",
        "  ·  ".join(f"{c.id} {c.score:.0f}" for c in result.categories),
    )
    console.print(Panel(head, expand=True))
    # A document with no offence says so once (in the summary line), not once per item.
    if options.verbosity > 0 and (result.offences or result.warnings):
        _gaps(console, result, options)
        _met(console, result, options)
    console.print(_summary_line(result))
    console.print()


def _verdict(result: DocumentResult) -> Text:
    return Text(result.verdict, style=VERDICT_STYLE.get(result.verdict, "bold red"))


def _gaps(console: Console, result: DocumentResult, options: RenderOptions) -> None:
    gaps = [i for i in result.items if i.status == "missing"]
    gaps += [i for i in result.items if i.status == "partial"]
    if not gaps:
        return
    console.print(Text(f"Gaps ({len(gaps)})", style="bold underline"))
    verbose = options.verbosity >= 2
    for item in gaps:
        console.print(_item_line(item))
        lines = [Text(item.message)]
        lines += [_quote(found, verbose) for found in item.evidence]
        if item.status == "missing" and item.nearest and "Nearest passage" not in item.message:
            lines.append(Text.assemble(("Nearest: ", "bold"), _quote(item.nearest[0], verbose)))
        label = f"{result.checklist.requirement_label}: "
        lines.append(Text.assemble((label, "bold"), item.requirement))
        lines.append(Text.assemble(("To close it: ", "bold"), item.guidance))
        for line in lines:
            console.print(_indented(line))
    console.print()


def _met(console: Console, result: DocumentResult, options: RenderOptions) -> None:
    met = [i for i in result.items if i.status in ("met", "waived")]
    if not met:
        return
    console.print(Text(f"Met ({len(met)})", style="bold underline"))
    verbose = options.verbosity >= 2
    for item in met:
        line = _item_line(item, title=False)
        line.append("  ")
        if item.status == "waived" or not _quoted_reason(item):
            line.append(item.message, style="dim")  # why, when no quote says it
        elif item.evidence:
            line.append_text(_quote(item.evidence[0], False))
        console.print(line)
        if verbose:
            for found in item.evidence:
                console.print(_indented(_quote(found, verbose)))
    console.print()


def _indented(text: Text) -> Padding:
    return Padding(text, (0, 0, 0, len(INDENT)), expand=False)


def _quoted_reason(item: ItemResult) -> bool:
    """True when the quote is the whole reason ("Found in 3(1) “recruits”"); a met item
    that is met for another reason (no means required, nothing narrows) shows its message."""
    return item.message.startswith("Found in")


def _item_line(item: ItemResult, title: bool = True) -> Text:
    look = STATUS_LOOK[item.status]
    return Text.assemble(
        (f"{look.symbol} {item.status:<8}", look.style),
        " ",
        (item.id, "bold"),
        f"  {item.title}" if title else "",
    )


def _quote(found: Evidence, verbose: bool) -> Text:
    text = Text.assemble(
        (f"{found.section}", "cyan"),
        f" line {found.line}:{found.column} ",
        (f"“{found.quote}”", "italic"),
    )
    if verbose and found.context:
        text.append(f"\n   {found.context}", style="dim")
    return text


def _summary_line(result: DocumentResult) -> Text:
    """One line: the document, its score and verdict, and the counts (or that no offence
    was found)."""
    counts = {s: sum(i.status == s for i in result.items) for s in STATUS_LOOK}
    if not result.offences and not result.warnings:
        tally = result.checklist.no_offence.lower()
    else:
        tally = ", ".join(f"{n} {s}" for s, n in counts.items() if n or s != "waived")
    return Text.assemble(
        (f"{printable(result.document.path)}: ", "bold"),
        (f"{result.score:.1f}/100 ", "bold"),
        _verdict(result),
        f" — {tally}",
    )
