"""Judge each checklist item: where the offence is, and what it covers, with evidence.

The offence provisions are the sections that create an offence (an offence marker) about
trafficking in persons (or the acts of trafficking for an exploitative purpose), leaving
out sections about drugs, firearms, wildlife or unlawful entry. Items are looked for in
those sections and in the definition sections; `where: document` items anywhere that is
not left out. Scope items (`kind: absence`) are met unless every offence is narrowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ptcheck.checklist import Checklist, Item, Pattern
from ptcheck.matching import Hit, SectionHits, evaluate
from ptcheck.results import Evidence, ItemResult
from ptcheck.structure import Structure, section_name

MAX_EVIDENCE = 3
CONTEXT_CHARS = 90
MERGE_CHARS = 60  # hits this close in one provision are quoted as one passage
NO_OFFENCE = "No trafficking-in-persons offence found"


@dataclass(frozen=True)
class Regions:
    """Which sections count for what."""

    offences: tuple[int, ...]
    definitions: tuple[int, ...]
    document: tuple[int, ...]

    @property
    def offence_region(self) -> tuple[int, ...]:
        """Offence sections and the definitions they may rely on, in document order."""
        return tuple(sorted(set(self.offences) | set(self.definitions)))


def locate(checklist: Checklist, hits: list[SectionHits]) -> Regions:
    """Find the offence sections, the definition sections and what is left out."""
    exclude = checklist.locate.exclude
    kept = tuple(i for i, h in enumerate(hits) if exclude is None or evaluate(exclude, h) is None)
    offences = tuple(i for i in kept if evaluate(checklist.locate.offence, hits[i]) is not None)
    return Regions(offences, (), kept)


class Judge:
    """Turns hits into item results for one document."""

    def __init__(self, checklist: Checklist, structure: Structure, hits: list[SectionHits]) -> None:
        self.checklist = checklist
        self.structure = structure
        self.hits = hits
        regions = locate(checklist, hits)
        definitions = tuple(
            i for i in regions.document if structure.sections[i].is_definition and regions.offences
        )
        self.regions = Regions(regions.offences, definitions, regions.document)

    @property
    def offence_names(self) -> list[str]:
        """How the offence sections are cited: "s. 3", "art. 177 bis"."""
        return [section_name(self.structure.sections[i]) for i in self.regions.offences]

    def results(self) -> list[ItemResult]:
        """One result per item, in checklist order."""
        return [self.judge(item) for item in self.checklist.items]

    def judge(self, item: Item) -> ItemResult:
        """The status of one item, with evidence and a message."""
        if not self.regions.offences:
            return self._result(
                item,
                "missing",
                f"{NO_OFFENCE}: nothing here for this item to attach to.",
                nearest=self._nearest(item),
            )
        if item.kind == "absence":
            return self._judge_absence(item)
        sections = (
            self.regions.document if item.where == "document" else self.regions.offence_region
        )
        found = self._find(item.met, sections)
        if found:
            return self._result(item, "met", f"Found in {self._cite(found)}.", evidence=found)
        partial = self._find(item.partial, sections) if item.partial else []
        if partial:
            return self._result(
                item, "partial", f"Only partly covered: {self._cite(partial)}.", evidence=partial
            )
        where = "the document" if item.where == "document" else "the offence provisions"
        nearest = self._nearest(item)
        message = f"Not found in {where} ({', '.join(self.offence_names)})."
        if nearest:
            message += f" Nearest passage: {self._cite(nearest[:1])}."
        return self._result(item, "missing", message, nearest=nearest)

    def _judge_absence(self, item: Item) -> ItemResult:
        assert item.narrowing is not None
        narrowed: list[Evidence] = []
        open_sections: list[int] = []
        for index in self.regions.offences:
            match = evaluate(item.narrowing, self.hits[index])
            if match is None:
                open_sections.append(index)
            else:
                narrowed += self._evidence(match.evidence)
        if open_sections:
            evidence = self._offence_evidence(open_sections)
            message = f"Nothing narrows the offence in {self._cite(evidence)}."
            if narrowed:
                message += f" ({self._cite(narrowed)} is narrower, but another offence is not.)"
            return self._result(item, "met", message, evidence=evidence)
        return self._result(
            item,
            "missing",
            f"The offence is narrowed by {self._cite(narrowed)}.",
            evidence=narrowed,
        )

    def _find(self, pattern: Pattern | None, sections: Iterable[int]) -> list[Evidence]:
        """Evidence from the first few sections where `pattern` matches."""
        if pattern is None:
            return []
        evidence: list[Evidence] = []
        for index in sections:
            match = evaluate(pattern, self.hits[index])
            if match is not None and match.evidence:
                evidence += self._evidence(match.evidence)
            if len(evidence) >= MAX_EVIDENCE:
                break
        return evidence[:MAX_EVIDENCE]

    def _offence_evidence(self, sections: list[int]) -> list[Evidence]:
        match = evaluate(self.checklist.locate.offence, self.hits[sections[0]])
        return self._evidence(match.evidence[:2]) if match else []

    def _nearest(self, item: Item) -> list[Evidence]:
        """The first passages anywhere that hold one of the item's terms."""
        pattern = item.met or item.narrowing
        subject = next(pattern.terms(), None) if pattern else None
        for index in self.regions.document or range(len(self.hits)):
            found = self.hits[index].by_term.get(subject or "")
            if found:
                return self._evidence(found[:1])
        return []

    def _evidence(self, hits: Iterable[Hit]) -> list[Evidence]:
        """One quote per run of hits that stand close together in one provision."""
        spans: list[tuple[int, int]] = []
        for hit in sorted(hits):
            if (
                spans
                and hit.start - spans[-1][1] <= MERGE_CHARS
                and (
                    self.structure.provision_at(hit.start)
                    is self.structure.provision_at(spans[-1][0])
                )
            ):
                spans[-1] = (spans[-1][0], max(spans[-1][1], hit.end))
            else:
                spans.append((hit.start, hit.end))
        return [self.evidence(start, end) for start, end in spans]

    def evidence(self, start: int, end: int) -> Evidence:
        """The quote, label, line and column of a span of the text."""
        text = self.structure.text
        provision = self.structure.provision_at(start)
        section = self.structure.sections[provision.section]
        label = provision.label or section.label or "(preamble)"
        line, column = self.structure.position(start)
        lo = max(provision.start, start - CONTEXT_CHARS)
        hi = min(max(provision.end, end), end + CONTEXT_CHARS)
        context = " ".join(text[lo:hi].split())
        if lo > provision.start:
            context = "…" + re.sub(r"^\S*\s", "", context, count=1)
        if hi < provision.end:
            context = re.sub(r"\s\S*$", "", context) + "…"
        return Evidence(line, column, " ".join(text[start:end].split()), label, context)

    def _cite(self, evidence: list[Evidence]) -> str:
        parts = []
        for found in evidence[:MAX_EVIDENCE]:
            part = f"{found.section} “{found.quote}”"
            if part not in parts:
                parts.append(part)
        return "; ".join(parts)

    def _result(
        self,
        item: Item,
        status: str,
        message: str,
        evidence: list[Evidence] | None = None,
        nearest: list[Evidence] | None = None,
    ) -> ItemResult:
        return ItemResult(
            id=item.id,
            category=item.category,
            title=item.title,
            status=status,  # type: ignore[arg-type]
            weight=item.weight,
            severity=item.severity,
            message=message,
            evidence=tuple(evidence or ()),
            nearest=tuple(nearest or ()),
            requirement=" ".join(item.requirement.split()),
            guidance=" ".join(item.guidance.split()),
        )
