"""Judge each checklist item the way an assessor reads a statute.

1. Find the offence: sections that create an offence (an offence marker) about trafficking
   in persons, or about the trafficking acts for an exploitative purpose, leaving out
   sections about drugs, firearms, wildlife or unlawful entry.
2. Follow its definitions: a defined term the offence uses ("exploitation", "child") brings
   its definition in, and the evidence names both places; so do interpretation sections
   that cite the offence ("For the purposes of section 2 ...").
3. Find what refers to it: sections citing the offence's section, or trafficking, or "this
   Act" in an Act about trafficking (consent rules, attempt, accomplices, organizers).
4. See what broadens it (no means required) and what narrows it (scope items).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ptcheck.checklist import Checklist, Item, Pattern
from ptcheck.language import alternation, load_pack
from ptcheck.matching import Hit, SectionHits, evaluate
from ptcheck.results import Evidence, ItemResult, Offence, Status
from ptcheck.structure import UPPER, Structure, section_name

MAX_EVIDENCE = 3
CONTEXT_CHARS = 90
MERGE_CHARS = 60  # hits this close in one provision are quoted as one passage
NO_OFFENCE = "No trafficking-in-persons offence found"
GENERAL_PART = (
    " Many legal systems place this in the general part of the criminal code:"
    " check there, and cite it (or waive the item) if it applies to this offence."
)


@dataclass(frozen=True)
class Wording:
    """How one language cites provisions, refers to the whole law and ends sentences."""

    citation: re.Pattern[str]
    whole_act: re.Pattern[str]
    sentence_break: re.Pattern[str]


@functools.lru_cache(maxsize=16)
def wording(language: str) -> Wording:
    """The citation, self-reference and sentence expressions of a language pack."""
    pack = load_pack(language)
    words = alternation(pack.citation_words)
    citation = re.compile(
        rf"(?<!\w){words}\s*((?:\d[\w.\-º°]*(?:\s?(?:bis|ter|quater))?(?:\([\w]+\))*"
        r"\s*(?:,|;|&|\w{1,3}\b)?\s*)+)",
        re.IGNORECASE,
    )
    abbreviations = "".join(rf"(?<!\b{re.escape(a)})" for a in pack.abbreviations if "." not in a)
    return Wording(
        citation=citation,
        whole_act=re.compile(rf"\b{alternation(pack.self_references)}\b", re.IGNORECASE),
        sentence_break=re.compile(rf"{abbreviations}[.;]\s+(?=[{UPPER}])"),
    )


@dataclass(frozen=True)
class Unit:
    """Where an item may be looked for: a section, or one definition in it."""

    hits: SectionHits
    definition: str = ""  # the defined term, when this unit is a followed definition
    use: Evidence | None = None  # where the offence uses that term
    start: int = 0  # where the definition starts


class Judge:
    """Turns hits into item results for one document."""

    def __init__(self, checklist: Checklist, structure: Structure, hits: list[SectionHits]) -> None:
        self.checklist = checklist
        self.structure = structure
        self.hits = hits
        self.wording = wording(structure.language)
        self._breaks: dict[int, list[int]] = {}  # sentence ends per provision start
        self._elements: dict[int, SectionHits] = {}  # see `elements`
        locate = checklist.locate
        self.kept = [
            i
            for i, h in enumerate(hits)
            if locate.exclude is None or evaluate(locate.exclude, h) is None
        ]
        self.offences = [i for i in self.kept if evaluate(locate.offence, hits[i]) is not None]
        self.read = [i for i in self.kept if hits[i].by_term]  # sections with any term in them
        self.related = self._related() if self.offences else []
        self.definitions = self._followed_definitions() if self.offences else []
        self.no_means, self.no_means_children = self._means_free()

    # ------------------------------------------------------------------ regions

    def offence_places(self) -> list[Offence]:
        """Each offence section's citation and where its text starts."""
        places = []
        for index in self.offences:
            section = self.structure.sections[index]
            line, column = self.structure.position(section.label_start)
            places.append(Offence(section_name(section), line, column))
        return places

    @property
    def offence_names(self) -> list[str]:
        """How the offence sections are cited: "s. 3", "art. 177 bis"."""
        return [section_name(self.structure.sections[i]) for i in self.offences]

    def _units(self, where: str) -> list[Unit]:
        if where == "document":
            return [Unit(self.hits[i]) for i in self.read]
        sections = sorted(self.offences + (self.related if where == "related" else []))
        return [Unit(self.hits[i]) for i in sections] + self.definitions

    def _offence_labels(self) -> set[str]:
        return {
            _label_key(self.structure.sections[i].label)
            for i in self.offences
            if self.structure.sections[i].label
        }

    def _cites(self, index: int, labels: set[str]) -> bool:
        section = self.structure.sections[index]
        text = self.structure.text[section.start : section.end]
        for match in self.wording.citation.finditer(text):
            cited = {_label_key(n) for n in _CITED_NUMBER.findall(match[1])}
            if cited & labels:
                return True
        return False

    def _related(self) -> list[int]:
        """Sections, other than the offence, that refer to it."""
        labels = self._offence_labels()
        trafficking_act = self._is_trafficking_act()
        related = []
        for index in self.kept:
            if index in self.offences or not self.hits[index].by_term:
                continue  # a section without any term cannot bear on an item
            section = self.structure.sections[index]
            text = self.structure.text[section.start : section.end]
            if (
                self._names_subject(self.hits[index])
                or self._cites(index, labels)
                or (trafficking_act and self.wording.whole_act.search(text))
            ):
                related.append(index)
        return related

    def _names_subject(self, hits: SectionHits) -> bool:
        subject = self.checklist.locate.subject
        return subject is not None and evaluate(subject, hits) is not None

    def _is_trafficking_act(self) -> bool:
        """True when the document is about trafficking: its title says so, or every offence is."""
        first = self.structure.sections[0]
        title = [h for h in self.hits[0].by_term_hits() if h.start < first.start + 300]
        if self._names_subject(SectionHits(0, title)):
            return True
        marker = self.checklist.locate.marker
        if marker is None:
            return False
        creating = [i for i in self.read if evaluate(marker, self.hits[i]) is not None]
        return bool(creating) and set(creating) <= set(self.offences)

    def _followed_definitions(self) -> list[Unit]:
        """Definitions of terms the offence uses, and interpretation sections that cite it."""
        text = self.structure.text
        lowered = text.lower()
        offence_text = " ".join(
            lowered[self.structure.sections[i].start : self.structure.sections[i].end]
            for i in self.offences
        )
        labels = self._offence_labels()
        units: list[Unit] = []
        provisions = self.structure.provisions
        kept = set(self.kept)
        followed: set[int] = set()
        reached = offence_text
        while True:  # a definition used by a followed definition is followed too
            added = False
            for index, provision in enumerate(provisions):
                if index in followed or not provision.defines or provision.section not in kept:
                    continue
                term = next((t for t in provision.defines if _used(t, reached)), None)
                if term is None:
                    continue
                end = next(
                    (
                        p.start
                        for p in provisions[index + 1 :]
                        if p.level <= provision.level or p.section != provision.section
                    ),
                    self.structure.sections[provision.section].end,
                )
                inside = [
                    h
                    for h in self.hits[provision.section].by_term_hits()
                    if provision.start <= h.start < end
                ]
                use = self._use_of(term, offence_text)
                units.append(
                    Unit(SectionHits(provision.section, inside), term, use, provision.start)
                )
                followed.add(index)
                reached += " " + lowered[provision.start : end]
                added = True
            if not added:
                break
        for index in self.kept:
            section = self.structure.sections[index]
            if index in self.offences or not section.is_definition or not self.hits[index].by_term:
                continue
            if any(provisions[i].defines for i in section.provisions):
                continue  # a list of definitions: only those the offence uses count
            heading_used = bool(section.heading) and _used(
                section.heading.split()[-1], offence_text
            )
            if self._cites(index, labels) or heading_used:
                units.append(Unit(self.hits[index], section.heading or section_name(section)))
        return units

    def _use_of(self, term: str, offence_text: str) -> Evidence | None:
        """Where the offence uses a defined term (for the evidence)."""
        stem = _stem(term)
        for index in self.offences:
            section = self.structure.sections[index]
            at = self.structure.text.lower().find(stem, section.start, section.end)
            if at >= 0:
                end = at + len(stem)
                while end < section.end and self.structure.text[end].isalpha():
                    end += 1
                return self.evidence(at, end)
        return None

    # ------------------------------------------------------------------ broadening

    def _means_free(self) -> tuple[list[Evidence], list[Evidence]]:
        """Evidence of an offence that needs no means: (for everyone, for children)."""
        locate = self.checklist.locate
        if locate.means is None:
            return [], []
        general: list[Evidence] = []
        children: list[Evidence] = []
        for index in self.offences:
            hits = self.hits[index]
            if self._needs_means(index):
                continue
            match = evaluate(locate.offence, hits)
            evidence = self._evidence(match.evidence[:2]) if match else []
            child_only = (
                locate.child_offence is not None
                and evaluate(locate.child_offence, hits) is not None
            )
            (children if child_only else general).extend(evidence)
        return general, general + children

    def _needs_means(self, index: int) -> bool:
        """True when the offence, or the definition of trafficking it relies on, names a means.

        Means named only in a penalty provision ("imprisonment for life if they kidnap")
        do not count; nor do those in the definition of exploitation, which describe how
        exploitation is done, not how the person is trafficked.
        """
        locate = self.checklist.locate
        assert locate.means is not None
        hits = self.elements(index)
        if evaluate(locate.means, hits) is not None:
            return True
        if locate.conduct is not None and evaluate(locate.conduct, self.hits[index]) is not None:
            return False  # the offence states its own acts: its own words govern
        return any(
            self._defines_subject(unit) and evaluate(locate.means, unit.hits) is not None
            for unit in self.definitions
        )

    def elements(self, index: int) -> SectionHits:
        """The hits of an offence section that state its elements, computed once.

        Hits in a sentence that only sets a penalty, or in a provision whose lead-in only
        sets a penalty ("The penalty is increased if: (a) ... (b) ...") and in everything
        under it, are aggravations, not elements: they neither require a means nor narrow
        the offence.
        """
        if index in self._elements:
            return self._elements[index]
        hits = self.hits[index]
        penalty = self.checklist.locate.penalty
        if penalty is not None and hits.by_term:
            ordered = hits.by_term_hits()
            by_sentence: dict[tuple[int, int], list[Hit]] = {}
            for hit in ordered:
                by_sentence.setdefault(self._sentence_of(hit.start), []).append(hit)
            dropped = {
                hit
                for group in by_sentence.values()
                if evaluate(penalty, SectionHits(index, group)) is not None
                for hit in group
            }
            for start, end in self._penalty_subtrees(index, ordered, penalty):
                dropped.update(h for h in ordered if start <= h.start < end)
            hits = SectionHits(index, [h for h in ordered if h not in dropped])
        self._elements[index] = hits
        return hits

    def _penalty_subtrees(
        self, index: int, ordered: list[Hit], penalty: Pattern
    ) -> list[tuple[int, int]]:
        """Spans of the provisions (with their sub-provisions) that only set a penalty."""
        provisions = self.structure.provisions
        own = self.structure.sections[index].provisions
        starts = [h.start for h in ordered]
        spans: list[tuple[int, int]] = []
        for position, number in enumerate(own):
            provision = provisions[number]
            end = next(
                (
                    provisions[n].start
                    for n in own[position + 1 :]
                    if provisions[n].level <= provision.level
                ),
                self.structure.sections[index].end,
            )
            if spans and provision.start < spans[-1][1]:
                continue  # inside a span already dropped
            low = bisect.bisect_left(starts, provision.start)
            own_end = bisect.bisect_left(starts, provision.end)
            high = bisect.bisect_left(starts, end)
            if low == own_end:
                continue
            # The lead-in sets a penalty, and nothing under it states an act.
            if evaluate(penalty, SectionHits(index, ordered[low:high])) is not None:
                spans.append((provision.start, end))
        return spans

    def _defines_subject(self, unit: Unit) -> bool:
        """True when a followed definition defines the subject itself ("trafficking" means...)."""
        if not unit.definition or not unit.hits.by_term:
            return False
        end = unit.start + len(unit.definition) + 12  # the label, quotes and the term itself
        opening = [h for h in unit.hits.by_term_hits() if h.start < end]
        return self._names_subject(SectionHits(unit.hits.section, opening))

    def _sentence_of(self, offset: int) -> tuple[int, int]:
        """(provision start, sentence number in it) of a character offset."""
        provision = self.structure.provision_at(offset)
        breaks = self._breaks.get(provision.start)
        if breaks is None:
            text = self.structure.text
            breaks = [
                m.end()
                for m in self.wording.sentence_break.finditer(text, provision.start, provision.end)
            ]
            self._breaks[provision.start] = breaks
        return provision.start, bisect.bisect_right(breaks, offset)

    # ------------------------------------------------------------------ items

    def results(self) -> list[ItemResult]:
        """One result per item, in checklist order."""
        return [self.judge(item) for item in self.checklist.items]

    def judge(self, item: Item) -> ItemResult:
        """The status of one item, with evidence and a message."""
        if not self.offences:
            return self._result(
                item,
                "missing",
                f"{NO_OFFENCE}: nothing here for this item to attach to.",
                nearest=self._nearest(item),
            )
        if item.kind == "absence":
            return self._judge_absence(item)
        found, via = self._find(item.met, self._units(item.where), item.family())
        if found:
            return self._result(item, "met", self._found_message(found, via), evidence=found)
        broader = (
            self.no_means
            if item.broader_if == "no_means"
            else (self.no_means_children if item.broader_if == "no_means_for_children" else [])
        )
        if broader:
            message = (
                f"No means required ({self._cite(broader[:1])}): broader than Article 3(a),"
                " so this means is covered."
                if item.broader_if == "no_means"
                else f"The offence needs no means ({self._cite(broader[:1])}),"
                " so a child is protected without any."
            )
            return self._result(item, "met", message, evidence=broader[:2])
        partial, via = self._find(item.partial, self._units(item.where), item.family())
        if partial:
            lacking = f" {' '.join(item.lacking.split())}" if item.lacking else ""
            message = f"Only partly covered ({self._cite(partial)}).{lacking}"
            return self._result(item, "partial", message, evidence=partial)
        where = {
            "document": "the document",
            "offence": "the offence provisions and their definitions",
            "related": "the offence provisions and the provisions that refer to them",
        }[item.where]
        nearest = self._nearest(item)
        message = f"Not found in {where} ({', '.join(self.offence_names)})."
        if nearest:
            message += f" Nearest passage: {self._cite(nearest[:1])}."
        if item.category == "criminalization" and item.where != "offence":
            message += GENERAL_PART
        return self._result(item, "missing", message, nearest=nearest)

    def _found_message(self, found: list[Evidence], via: Unit | None) -> str:
        if via is not None and via.definition:
            used = f", which the offence uses in {via.use.section}" if via.use else ""
            return f"Found in the definition of “{via.definition}” ({self._cite(found)}){used}."
        return f"Found in {self._cite(found)}."

    def _judge_absence(self, item: Item) -> ItemResult:
        assert item.narrowing is not None
        narrowed: list[Evidence] = []
        open_sections: list[int] = []
        for index in self.offences:
            match = evaluate(item.narrowing, self.elements(index), item.family())
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

    def _find(
        self, pattern: Pattern | None, units: Iterable[Unit], family: frozenset[str]
    ) -> tuple[list[Evidence], Unit | None]:
        """Evidence from the first few units where `pattern` matches, and the first such unit."""
        if pattern is None:
            return [], None
        evidence: list[Evidence] = []
        first: Unit | None = None
        for unit in units:
            match = evaluate(pattern, unit.hits, family)
            if match is not None and match.evidence:
                first = first or unit
                evidence += self._evidence(match.evidence)
                if unit.use is not None and unit is first:
                    evidence.append(unit.use)
            if len(evidence) >= MAX_EVIDENCE:
                break
        return evidence[:MAX_EVIDENCE], first

    def _offence_evidence(self, sections: list[int]) -> list[Evidence]:
        match = evaluate(self.checklist.locate.offence, self.hits[sections[0]])
        return self._evidence(match.evidence[:2]) if match else []

    def _nearest(self, item: Item) -> list[Evidence]:
        """The first passage that holds the item's main term."""
        pattern = item.met or item.narrowing
        subject = next(pattern.terms(), None) if pattern else None
        for index in self.read:
            found = self.hits[index].by_term.get(subject or "")
            if found:
                return self._evidence(found[:1])
        return []

    # ------------------------------------------------------------------ evidence

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
        parts: list[str] = []
        for found in evidence[:MAX_EVIDENCE]:
            part = f"{found.section} “{found.quote}”"
            if part not in parts:
                parts.append(part)
        return "; ".join(parts)

    def _result(
        self,
        item: Item,
        status: Status,
        message: str,
        evidence: list[Evidence] | None = None,
        nearest: list[Evidence] | None = None,
    ) -> ItemResult:
        return ItemResult(
            id=item.id,
            category=item.category,
            title=item.title,
            status=status,
            weight=item.weight,
            severity=item.severity,
            message=message,
            evidence=tuple(evidence or ()),
            nearest=tuple(nearest or ()),
            requirement=" ".join(item.requirement.split()),
            guidance=" ".join(item.guidance.split()),
        )


_CITED_NUMBER = re.compile(
    r"\d[\w.\-()º°]*(?:\s+(?:bis|ter|quater|quinquies|sexies|septies|octies)\b)?", re.IGNORECASE
)


def _label_key(label: str) -> str:
    """A provision number as cited and as labelled alike: "145 bis" = "145bis", "2.º" = "2"."""
    key = re.sub(r"\(.*", "", label.lower())
    return re.sub(r"[\s.º°]+", "", key)


def _stem(term: str) -> str:
    """The longest word of a defined term, cut to a stem ("exploitation" -> "exploit")."""
    words: list[str] = re.findall(r"[^\W\d_]+", term.lower()) or [term.lower()]
    word = max(words, key=len)
    return word[: min(len(word), max(5, len(word) - 5))]


def _used(term: str, offence_text: str) -> bool:
    """True when the offence text uses the defined term (or a word of its family)."""
    lowered = term.lower().strip()
    return lowered in offence_text or _stem(lowered) in offence_text
