"""Quotes of the statute: the words that satisfy an item, where they stand, and their context."""

from __future__ import annotations

from collections.abc import Iterable

from ptcheck.hits import Hit
from ptcheck.results import Evidence
from ptcheck.structure import Structure

MAX_EVIDENCE = 3
CONTEXT_CHARS = 90
MERGE_CHARS = 60  # hits this close in one provision are quoted as one passage


class Quoter:
    """Turns spans and hits of one document into `Evidence`."""

    def __init__(self, structure: Structure) -> None:
        self.structure = structure

    def hits(self, hits: Iterable[Hit]) -> list[Evidence]:
        """One quote per run of hits that stand close together in one provision."""
        provision_index = self.structure.provision_index
        spans: list[tuple[int, int]] = []
        for hit in sorted(hits):
            if (
                spans
                and hit.start - spans[-1][1] <= MERGE_CHARS
                and provision_index(hit.start) == provision_index(spans[-1][0])
            ):
                spans[-1] = (spans[-1][0], max(spans[-1][1], hit.end))
            else:
                spans.append((hit.start, hit.end))
        return [self.span(start, end) for start, end in spans]

    def span(self, start: int, end: int) -> Evidence:
        """The quote, label, line, column and offsets of a span of the text."""
        text = self.structure.text
        provision = self.structure.provision_at(start)
        section = self.structure.sections[provision.section]
        label = provision.label or section.label or "(preamble)"
        line, column = self.structure.position(start)
        lo = max(provision.start, start - CONTEXT_CHARS)
        hi = min(max(provision.end, end), end + CONTEXT_CHARS)
        context = " ".join(text[lo:hi].split())  # single spaces: the only white space left
        if lo > provision.start:  # the first word may be cut: it goes, with its space
            context = "…" + (context.partition(" ")[2] if " " in context else context)
        if hi < provision.end:  # and so may the last
            context = (context.rpartition(" ")[0] if " " in context else context) + "…"
        quote = " ".join(text[start:end].split())
        return Evidence(line, column, quote, label, context, start, end)


def cite(evidence: Iterable[Evidence]) -> str:
    """The evidence as a drafter reads it: `3(2) “recruits a child”; 5 “…”`."""
    parts: list[str] = []
    for found in list(evidence)[:MAX_EVIDENCE]:
        part = f"{found.section} “{found.quote}”"
        if part not in parts:
            parts.append(part)
    return "; ".join(parts)
