"""The parts of a statute an assessor reads for the offence, found once per document.

1. Sections about something else (drugs, firearms, unlawful entry) are left out; offences
   near trafficking that are not it (procuring, organ trade, agency licensing) are never
   taken for the offence.
2. Offences: sections creating an offence (a marker) about trafficking, about the acts done
   to a person for an exploitative purpose, about dealing in persons, or in the words of a
   definition of the offence ("a person who trafficks ..." where "traffic" is defined).
3. Principal offences state the conduct (or are the conduct a penalty section cites);
   attempt, accessory, organiser and penalty-only sections are ancillary.
4. Limbs: each alternative of a principal offence, with the lead-ins it hangs from.
5. Definitions the offence uses, followed transitively and typed (of the offence or not);
   and the sections that refer to the offence.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import weakref
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from ptcheck.cache import compiled_expressions
from ptcheck.checklist import Checklist, Pattern
from ptcheck.evidence import Quoter
from ptcheck.hits import SectionHits
from ptcheck.language import alternation, load_pack
from ptcheck.matching import could_match, evaluate
from ptcheck.results import Evidence
from ptcheck.roles import Roles
from ptcheck.structure import UPPER, Structure

MAX_LIMBS_PER_SECTION = 64  # past this many alternatives a section is judged whole


@dataclass(frozen=True)
class Wording:
    """How one language cites provisions, refers to the whole law and ends sentences."""

    citation: re.Pattern[str]
    whole_act: re.Pattern[str]
    sentence_break: re.Pattern[str]
    disjunction_end: re.Pattern[str]  # "...; or" closing an item of a list
    disjunction_start: re.Pattern[str]  # "or ..." opening one


@functools.lru_cache(maxsize=16)
def wording(language: str) -> Wording:
    """The citation, self-reference and sentence expressions of a language pack (compiled
    once and kept in the cache: their accent-insensitive letters are slow to compile)."""
    pack = load_pack(language)
    words = alternation(pack.citation_words)
    # The stop is matched first and the abbreviations looked behind it: look-behinds tried
    # at every character cost 40 times more.
    abbreviations = "".join(
        rf"(?<!\b{re.escape(a)}[.;])" for a in pack.abbreviations if "." not in a
    )
    disjunctions = alternation(pack.disjunctions or ["(?!)"])
    sources = {
        "citation": (
            rf"(?<!\w){words}\s*((?:\d[\w.\-º°]*(?:\s?(?:bis|ter|quater))?(?:\([\w]+\))*"
            r"\s*(?:,|;|&|\w{1,3}\b)?\s*)+)",
            re.IGNORECASE,
        ),
        "whole_act": (rf"\b{alternation(pack.self_references)}\b", re.IGNORECASE),
        "sentence_break": (rf"[.;]{abbreviations}\s+(?=[{UPPER}])", 0),
        # "...; or" before the next item, and its label ("(c) ", "2. ") if any
        "disjunction_end": (
            rf"(?<!\w){disjunctions}[\s,;:—–-]*(?:\(?\w{{1,5}}[.)º°]*\s*)?$",
            re.IGNORECASE,
        ),
        "disjunction_start": (rf"\s*{disjunctions}\b", re.IGNORECASE),
    }
    return Wording(**compiled_expressions("wording", language, sources))


Alternative = tuple[tuple[tuple[int, int], ...], int]  # (spans, leaf provision)


class _TooManyLimbs(Exception):
    """More alternatives than MAX_LIMBS_PER_SECTION: the section is judged whole."""


@dataclass(frozen=True, slots=True)
class Unit:
    """Where an item may be looked for: a section, or one definition in it."""

    hits: SectionHits
    definition: str = ""  # the defined term, when this unit is a followed definition
    use: Evidence | None = None  # where the offence uses that term
    start: int = 0  # where the definition starts
    of_offence: bool = False  # it defines the offence itself ("trafficking" means ...)


class Limb:
    """One alternative of an offence: its own words and those of the lead-ins above it.

    Its hits are sliced from its section's on first use, with token positions as if the
    limb were written out on its own: the words of the sibling limbs between its spans are
    not counted ("no defence ... (b) consented").
    """

    def __init__(
        self,
        finder: RegionFinder,
        section: int,
        start: int,
        end: int,
        spans: tuple[tuple[int, int], ...],
        paragraph: tuple[int, int],
    ) -> None:
        self.section = section
        self.start = start  # where its own words start
        self.end = end
        self.spans = spans
        self.paragraph = paragraph  # the numbered paragraph it stands in (or the section)
        # A proxy, not the finder: the finder keeps its limbs, and a limb holding the finder
        # would make a cycle that keeps every hit of the document until a full collection.
        self._finder = weakref.proxy(finder)

    @functools.cached_property
    def hits(self) -> SectionHits:
        """Its elements: penalty words left out (its `words` when none lie in its spans)."""
        return self._within(self._finder.roles.elements(self.section), self.words)

    @functools.cached_property
    def means(self) -> SectionHits:
        """Its elements outside the purpose: where a means can be stated (its `hits` when
        no purpose lies in its spans)."""
        return self._within(self._finder.roles.means_hits(self.section), self.hits)

    @functools.cached_property
    def words(self) -> SectionHits:
        """Every hit in its spans."""
        return self._within(self._finder.hits[self.section])

    @functools.cached_property
    def _shifts(self) -> list[int]:
        shifts = [0]
        text = self._finder.structure.text
        section = self._finder.structure.sections[self.section]
        starts = self._finder.token_starts(self.section)
        for (_, end_before), (start_next, _) in itertools.pairwise(self.spans):
            if section.start <= end_before and start_next <= section.end:
                between = tokens_in(text, starts, end_before, start_next)
            else:
                between = len(_TOKEN.findall(text, end_before, start_next))
            shifts.append(shifts[-1] + between)
        return shifts

    def _within(self, hits: SectionHits, wider: SectionHits | None = None) -> SectionHits:
        """The hits of `hits` in its spans, moved to its token positions: `wider` itself when
        they are all of its hits (a subset of them; its questions are then answered once).
        In order when the spans are (in order, apart); otherwise a term's hits come in the
        order of the spans, as its evidence always has."""
        pieces = [(a, b, shift) for (a, b), shift in zip(self.spans, self._shifts, strict=True)]
        return hits.moved(pieces, wider)


@dataclass
class Regions:
    """What the judgement of items reads, computed once per document."""

    kept: list[int]
    offences: list[int]
    principal: list[int]
    related: list[int] = field(default_factory=list)
    definitions: list[Unit] = field(default_factory=list)
    limbs: list[Limb] = field(default_factory=list)  # limbs of the principal offences
    definition_only: bool = False  # no offence: judged on a definition of trafficking

    def units(self, hits: list[SectionHits], where: str, read: list[int]) -> list[Unit]:
        """The units an item reads: the offence (and related sections) with its definitions."""
        if where == "document":
            return [Unit(hits[i]) for i in read]
        sections = sorted(self.offences + (self.related if where == "related" else []))
        return [Unit(hits[i]) for i in sections] + self.definitions


class RegionFinder:
    """Finds the regions of one document."""

    def __init__(
        self, checklist: Checklist, structure: Structure, hits: list[SectionHits], roles: Roles
    ) -> None:
        self.locate = checklist.locate
        self.structure = structure
        self.hits = hits
        self.roles = roles
        self.wording = wording(structure.language)
        self.quoter = Quoter(structure)
        self.defined_terms: list[str] = []  # terms defining the offence or its conduct
        self._limbs: dict[int, list[Limb]] = {}
        self._by_label: dict[str, list[int]] | None = None
        self._token_starts: dict[int, array[int]] = {}

    def token_starts(self, index: int) -> array[int]:
        """Where each word or mark of a section starts (found once per section)."""
        if index not in self._token_starts:
            section = self.structure.sections[index]
            text = self.structure.text
            found = _TOKEN.finditer(text, section.start, section.end)
            # An array of C ints: 4 bytes a word (offsets of a text under 2 GB), not the 36
            # of a list of ints.
            self._token_starts[index] = array("i", [match.start() for match in found])
        return self._token_starts[index]

    def find(self) -> Regions:
        """Every region, in dependency order."""
        locate, hits = self.locate, self.hits
        kept = [i for i, h in enumerate(hits) if not matches(locate.exclude, h)]
        offences = [
            i
            for i in kept
            if evaluate(locate.offence, hits[i]) is not None and not matches(locate.decoy, hits[i])
        ]
        offence_terms = self._definitions_matching(kept, locate.defined_offence)
        conduct_terms = {
            term: number
            for term, number in self._definitions_matching(
                kept, locate.defined_conduct, locate.purpose
            ).items()
            if term not in offence_terms
        }
        offences = sorted(set(offences) | set(self._using_defined_offence(kept, offence_terms)))
        offences = sorted(set(offences) | self._cited_by_penalty(kept, offences))
        regions = Regions(kept, offences, [])
        if not offences:
            if offence_terms:  # only a definition of trafficking: judge the items on it
                regions.definition_only = True
                regions.definitions = self._followed_definitions(
                    kept, [], " ".join(offence_terms), offence_terms
                )
            return regions
        sections = self.structure.sections
        offence_text = " ".join(
            self.structure.lower(sections[i].start, sections[i].end) for i in offences
        )
        regions.definitions = self._followed_definitions(
            kept, offences, offence_text, offence_terms | conduct_terms
        )
        defined = any(unit.of_offence for unit in regions.definitions)
        self.defined_terms = [*offence_terms, *conduct_terms]
        regions.principal = [
            i for i in offences if self._states_conduct(self.roles.elements(i), defined)
        ]
        regions.related = self._related(kept, offences)
        regions.limbs = [
            limb for i in regions.principal for limb in self._principal_limbs(i, defined)
        ]
        return regions

    # ------------------------------------------------------------------ offences

    def _definitions_matching(
        self, kept: list[int], pattern: Pattern | None, not_of: Pattern | None = None
    ) -> dict[str, int]:
        """Defined terms whose definition matches `pattern`: term -> provision index.

        With the offence's pattern: definitions of the offence ("trafficking" means ...);
        with the limb's: definitions of its conduct ("relevant action" means the
        recruitment of another person ...), unless the term is one of `not_of` (a
        definition of exploitation that speaks of holding a person is not the conduct).
        """
        found: dict[str, int] = {}
        if pattern is None:
            return found
        kept_set = set(kept)
        provisions = self.structure.provisions
        for index, terms in provisions.defining():
            section, start = provisions.sections[index], provisions.starts[index]
            if section not in kept_set or not could_match(pattern, self.hits[section]):
                continue  # no slice of the section can match
            inside = self._slice(section, start, self.structure.subtree_end(index))
            if evaluate(pattern, inside) is None:
                continue
            if not_of is not None:
                opening = self._slice(section, start, start + len(terms[0]) + 12)
                if matches(not_of, opening):
                    continue
            for term in terms:
                found.setdefault(term.lower(), index)
        return found

    def _using_defined_offence(self, kept: list[int], terms: dict[str, int]) -> list[int]:
        """Sections that create an offence in the words of a definition of it ("trafficks")."""
        marker = self.locate.marker
        if marker is None or not terms:
            return []
        defining = {self.structure.provisions.sections[i] for i in terms.values()}
        found = []
        for index in kept:
            if index in defining or not matches(marker, self.hits[index]):
                continue
            if matches(self.locate.decoy, self.hits[index]):
                continue
            section = self.structure.sections[index]
            text = self.structure.lower(section.start, section.end)
            if any(_used(term, text) for term in terms):
                found.append(index)
        return found

    def _cited_by_penalty(self, kept: list[int], offences: list[int]) -> set[int]:
        """Sections stating the conduct that an offence section without conduct cites."""
        conduct = self.locate.conduct
        if conduct is None:
            return set()
        without = [i for i in offences if evaluate(conduct, self.roles.elements(i)) is None]
        found: set[int] = set()
        offence_set, kept_set = set(offences), set(kept)
        for index in without:
            for target in self._cited_sections(index, kept_set):
                if target not in offence_set and matches(
                    self.locate.defined_offence, self.hits[target]
                ):
                    found.add(target)
        return found

    # ------------------------------------------------------------------ limbs

    def limbs(self, index: int) -> list[Limb]:
        """The alternatives of a section, each with the lead-ins it hangs from.

        The section's paragraphs are alternatives; deeper items ("(a)", "(i)", "1.") are
        alternatives when a disjunction joins them ("(b) ...; or (c) ..."), and otherwise
        cumulative elements read together ("(a) recruits ...; (b) by force ...; and (c)
        for exploitation"). A clause opened by a further conduct opener ("..., or whoever
        ...") is an alternative of its own. A section with more than MAX_LIMBS_PER_SECTION
        alternatives is one limb, judged whole, so that no section costs more than a
        bounded multiple of its length.
        """
        if index not in self._limbs:
            try:
                self._limbs[index] = self._find_limbs(index)
            except _TooManyLimbs:
                section = self.structure.sections[index]
                whole = ((section.start, section.end),)
                self._limbs[index] = [
                    self._limb(index, whole, section.start, section.end, whole[0])
                ]
        return self._limbs[index]

    def _find_limbs(self, index: int) -> list[Limb]:
        provisions = self.structure.provisions
        children: dict[int, list[int]] = {}
        roots: list[int] = []
        stack: list[int] = []
        levels = provisions.levels
        for number in self.structure.provisions_of(index):
            while stack and levels[stack[-1]] >= levels[number]:
                stack.pop()
            (children[stack[-1]] if stack else roots).append(number)
            children[number] = []
            stack.append(number)
        openers = self._opener_starts(index)

        # The section's own provision is the root; its numbered paragraphs are alternatives.
        found = [alt for root in roots for alt in self._alternatives(root, True, children, openers)]
        section = self.structure.sections[index]
        paragraphs = [
            (provisions[kid].start, self.structure.subtree_end(kid))
            for root in roots
            for kid in children[root]
            if _numbered(provisions[kid].label)
        ]
        starts = [start for start, _ in paragraphs]
        limbs = []
        for spans, leaf in found:
            at = bisect.bisect_right(starts, provisions[leaf].start) - 1
            paragraph = paragraphs[at] if at >= 0 else (section.start, section.end)
            limbs.append(
                self._limb(index, spans, provisions[leaf].start, provisions[leaf].end, paragraph)
            )
        return limbs

    def _alternatives(
        self, number: int, top: bool, children: dict[int, list[int]], openers: list[int]
    ) -> list[Alternative]:
        """(spans, leaf) of each alternative under a provision (a method, not a nested
        function: one that calls itself is a reference cycle, and would keep the finder and
        every hit of the document alive until the next full collection)."""
        provisions = self.structure.provisions
        provision = provisions[number]
        if provision.is_definition or provision.defines:
            return []
        own = _cut(
            max(provision.body, provision.start), provision.end, openers, self.structure.text
        )
        below = [
            alts
            for kid in children[number]
            if (alts := self._alternatives(kid, False, children, openers))
        ]
        found: list[Alternative]
        if not below:
            found = [((span,), number) for span in own]
        else:
            kids = children[number]
            if (top and _numbered(provisions[kids[0]].label)) or self._disjoined(kids):
                combos = [alt for alts in below for alt in alts]
            else:
                combos = [
                    (tuple(s for spans, _ in combo for s in spans), combo[0][1])
                    for combo in itertools.islice(
                        itertools.product(*below), MAX_LIMBS_PER_SECTION + 1
                    )
                ]
            found = [((span, *spans), leaf) for span in own for spans, leaf in combos]
        if len(found) > MAX_LIMBS_PER_SECTION:
            raise _TooManyLimbs
        return found

    def _disjoined(self, siblings: list[int]) -> bool:
        """True when a disjunction ("or", "o", "oder") joins the items of a list."""
        provisions = self.structure.provisions
        text = self.structure.text
        for number in siblings[1:]:
            start = provisions[number].start
            before = text[max(0, start - 40) : start]
            after = text[provisions[number].body : provisions[number].body + 20]
            if self.wording.disjunction_end.search(before) or (
                self.wording.disjunction_start.match(after)
            ):
                return True
        return False

    def _opener_starts(self, index: int) -> list[int]:
        opener = self.locate.opener
        if opener is None or opener.term is None:
            return []
        return sorted(h.start for h in self.hits[index].of(opener.term))

    def _limb(
        self,
        index: int,
        spans: tuple[tuple[int, int], ...],
        start: int,
        end: int,
        paragraph: tuple[int, int],
    ) -> Limb:
        return Limb(self, index, start, end, spans, paragraph)

    def _principal_limbs(self, index: int, defined: bool) -> list[Limb]:
        """The limbs creating an offence: stating the conduct, not attempt or accessory
        limbs, and, where some paragraph of the section carries an offence marker, only
        those in such a paragraph ("(2) A person who recruits a child ... commits an
        offence"; not "(4) It is immaterial whether the person transported consented").
        Where none does, the penalty is elsewhere ("L'infraction prévue au paragraphe 1er
        est punie ...") and every limb stating the conduct counts."""
        locate = self.locate
        candidates = [
            limb
            for limb in self.limbs(index)
            if not matches(locate.ancillary, limb.hits)
            and self._states_conduct(limb.hits, defined, limb.spans)
        ]
        paragraphs = {limb.paragraph: self._slice(index, *limb.paragraph) for limb in candidates}
        if locate.limb_purpose is not None:
            candidates = [
                limb
                for limb in candidates
                if matches(locate.limb_purpose, paragraphs[limb.paragraph])
                or not matches(locate.limb, limb.hits)  # a defined offence's own words
            ]
        marked = [limb for limb in candidates if matches(locate.marker, paragraphs[limb.paragraph])]
        return marked or candidates

    def _slice(self, index: int, start: int, end: int) -> SectionHits:
        """The hits of a section between two offsets."""
        return self.hits[index].slice(start, end)

    def _states_conduct(
        self, hits: SectionHits, defined: bool, spans: tuple[tuple[int, int], ...] = ()
    ) -> bool:
        """True for a principal offence (or limb): it states acts done to a person, or, not
        being an attempt, accessory or organiser provision ("aids ... an offence under
        section 3"), it names an offence this text defines ("trafficks", "trafficking").

        Sections that only set a penalty state neither, and are ancillary too.
        """
        locate = self.locate
        if locate.limb is None or evaluate(locate.limb, hits) is not None:
            return True
        if matches(locate.ancillary, hits):
            return False
        if not spans:
            section = self.structure.sections[hits.section]
            spans = ((section.start, section.end),)
        text = " ".join(self.structure.lower(a, b) for a, b in spans)
        if any(_used(term, text) for term in self.defined_terms):
            return True
        return defined and matches(self.locate.subject, hits)

    # ------------------------------------------------------------------ definitions

    def _followed_definitions(
        self, kept: list[int], offences: list[int], offence_text: str, offence_terms: dict[str, int]
    ) -> list[Unit]:
        # `offence_terms`: terms defining the offence or its conduct; their units supply
        # the offence's acts and means.
        """Definitions of terms the offence uses (and those they use), and interpretation
        sections that cite the offence."""
        provisions = self.structure.provisions
        kept_set = set(kept)
        defining_offence = set(offence_terms.values())
        # An index from each defined term's stem to its definitions, and a worklist of
        # texts reached (the offence's first). A word that starts with a stem uses every
        # term of that stem (see `_used`), so each stem is looked up once and dropped: each
        # text is read once and each definition followed once, whatever their number.
        by_stem: dict[str, list[tuple[int, str]]] = {}
        for index, terms in provisions.defining():
            if provisions.sections[index] in kept_set:
                for term in terms:
                    by_stem.setdefault(_stem(term), []).append((index, term))
        lengths = sorted({len(stem) for stem in by_stem})
        followed: dict[int, str] = {}  # provision -> the term by which it was reached
        worklist = [offence_text]
        while worklist and by_stem:
            text = worklist.pop()
            for word in set(_WORD.findall(text)):
                for length in lengths:
                    if length > len(word):
                        break
                    for index, term in by_stem.pop(word[:length], ()):
                        if index not in followed:
                            followed[index] = term
                            end = self.structure.subtree_end(index)
                            worklist.append(self.structure.lower(provisions[index].start, end))
        units: list[Unit] = []
        uses = _Uses(self, offences, offence_text)
        for index in sorted(followed):
            provision, term = provisions[index], followed[index]
            end = self.structure.subtree_end(index)
            inside = self._slice(provision.section, provision.start, end)
            of_offence = index in defining_offence or self._defines_subject(
                inside, provision.start, term
            )
            use = uses.of(term)
            units.append(Unit(inside, term, use, provision.start, of_offence))
        labels = self._labels(offences)
        offence_set = set(offences)
        for index in kept:
            section = self.structure.sections[index]
            if index in offence_set or not section.is_definition or not self.hits[index]:
                continue
            if any(provisions.defines[i] for i in self.structure.provisions_of(index)):
                continue  # a list of definitions: only those the offence uses count
            heading = section.heading.split()
            heading_used = bool(heading) and _used(heading[-1], offence_text)
            if self._cites(index, labels) or heading_used:
                units.append(Unit(self.hits[index], section.heading or section.label))
        return units

    def _defines_subject(self, hits: SectionHits, start: int, term: str) -> bool:
        """True when a definition defines the subject itself ("trafficking" means ...)."""
        if self.locate.subject is None or not could_match(self.locate.subject, hits):
            return False
        end = start + len(term) + 12  # the label, quotes and the term itself
        return matches(self.locate.subject, hits.slice(0, end))

    # ------------------------------------------------------------------ related

    def _labels(self, sections: list[int]) -> set[str]:
        return {
            label_key(self.structure.sections[i].label)
            for i in sections
            if self.structure.sections[i].label
        }

    def _cited_sections(self, index: int, candidates: set[int]) -> list[int]:
        """Sections among `candidates` that section `index` cites, in order, looked up by
        label: the cost is that of the citations, not of the document. Where several
        sections bear the cited label (Acts gathered in one file), the citation is to the
        nearest of them."""
        if self._by_label is None:
            self._by_label = {}
            for number, section in enumerate(self.structure.sections):
                self._by_label.setdefault(label_key(section.label), []).append(number)
        cited: set[int] = set()
        for key in self._citations(index):
            bearing = [i for i in self._nearest(self._by_label.get(key, []), index) if i != index]
            cited.update(i for i in bearing[:1] if i in candidates)
        return sorted(cited)

    @staticmethod
    def _nearest(numbers: list[int], index: int) -> list[int]:
        """The one or two of `numbers` (in order) nearest to `index`, nearest first."""
        at = bisect.bisect_left(numbers, index)
        around = [n for n in numbers[max(0, at - 1) : at + 2] if n != index]
        return sorted(around, key=lambda n: abs(n - index))

    def _citations(self, index: int) -> set[str]:
        section = self.structure.sections[index]
        text = self.structure.text[section.start : section.end]
        return {
            label_key(number)
            for match in self.wording.citation.finditer(text)
            for number in _CITED_NUMBER.findall(match[1])
        }

    def _cites(self, index: int, labels: set[str]) -> bool:
        return bool(self._citations(index) & labels)

    def _related(self, kept: list[int], offences: list[int]) -> list[int]:
        """Sections, other than the offence, that refer to it."""
        labels = self._labels(offences)
        trafficking_act = self._is_trafficking_act(offences)
        related = []
        offence_set = set(offences)
        for index in kept:
            if index in offence_set or not self.hits[index]:
                continue  # a section without any term cannot bear on an item
            section = self.structure.sections[index]
            text = self.structure.text[section.start : section.end]
            if (
                matches(self.locate.subject, self.hits[index])
                or self._cites(index, labels)
                or (trafficking_act and self.wording.whole_act.search(text))
            ):
                related.append(index)
        return related

    def _is_trafficking_act(self, offences: list[int]) -> bool:
        """True when the document is about trafficking: its title says so, or every offence is."""
        first = self.structure.sections[0]
        if matches(self.locate.subject, self.hits[0].slice(0, first.start + 300)):
            return True
        marker = self.locate.marker
        if marker is None:
            return False
        # Every section creating an offence is one of them: the first that is not ends the
        # scan (a code's other offences come early, and their words need not be made).
        offence_set = set(offences)
        creating = False
        for index, hits in enumerate(self.hits):
            if hits and evaluate(marker, hits) is not None:
                if index not in offence_set:
                    return False
                creating = True
        return creating


class _Uses:
    """Where the offence first uses each defined term (for the evidence): the first offence
    section holding the term's stem, found in the offences' lowered text joined by spaces
    (a stem holds no space, so no match runs from one section into the next)."""

    def __init__(self, finder: RegionFinder, offences: list[int], offence_text: str) -> None:
        self.finder = finder
        self.offences = offences
        self.offence_text = offence_text if offences else ""
        sections = finder.structure.sections
        self.piece_starts = list(
            itertools.accumulate(
                (sections[i].end - sections[i].start + 1 for i in offences[:-1]), initial=0
            )
        )
        self._found: dict[str, Evidence | None] = {}

    def of(self, term: str) -> Evidence | None:
        """Where the offence uses `term`, or None."""
        stem = _stem(term)
        if stem not in self._found:
            self._found[stem] = self._find(stem)
        return self._found[stem]

    def _find(self, stem: str) -> Evidence | None:
        structure = self.finder.structure
        if stem.split() == [stem]:
            at = self.offence_text.find(stem)
            if at < 0:
                return None
            piece = bisect.bisect_right(self.piece_starts, at) - 1
            section = structure.sections[self.offences[piece]]
            start = section.start + at - self.piece_starts[piece]
        else:  # a stem of digits and spaces ("18 3"): section by section
            for index in self.offences:
                section = structure.sections[index]
                at = structure.lower(section.start, section.end).find(stem)
                if at >= 0:
                    start = section.start + at
                    break
            else:
                return None
        end = start + len(stem)
        while end < section.end and structure.text[end].isalpha():
            end += 1
        return self.finder.quoter.span(start, end)


def _cut(start: int, end: int, openers: list[int], text: str) -> list[tuple[int, int]]:
    """The words start..end cut at each conduct opener after the first ("..., or whoever")."""
    low, high = bisect.bisect_right(openers, start), bisect.bisect_left(openers, end)
    cuts = openers[low:high]
    if cuts and _LEAD_MARKS.fullmatch(text, start, cuts[0]):
        cuts = cuts[1:]  # the limb's own opener ("Whoever ...") opens no alternative
    bounds = [start, *cuts, end]
    return list(itertools.pairwise(bounds))


# What may stand before a limb's own opener. A match stops at the first word: copying the
# text up to the opener, which may be a page further, took 0.17 s of 2 s of judging.
_LEAD_MARKS = re.compile(r"[ \n,;:—–\-(]*")
_PARAGRAPH_TAG = re.compile(r"\((\w+)\)$|§\s*(\w+)$")  # "(2)" or "§ 1º" ending a label


def _numbered(label: str) -> bool:
    """True for a numbered paragraph ("3(1)", "12(2)", "149-A § 1º"), not a lettered item."""
    tag = _PARAGRAPH_TAG.search(label)
    return tag is not None and (tag[1] or tag[2] or "")[:1].isdigit()


def matches(pattern: Pattern | None, hits: SectionHits) -> bool:
    """True when the (optional) pattern matches."""
    return pattern is not None and evaluate(pattern, hits) is not None


_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD_CHARACTER = re.compile(r"\w")


def tokens_in(text: str, starts: Sequence[int], start: int, end: int) -> int:
    """`len(_TOKEN.findall(text, start, end))`, from where a scan of a stretch holding
    start..end found its tokens to start: those starting in start..end, and the tail of a
    word that `start` cuts (counting with bisects, not scanning the limbs between)."""
    if start >= end:
        return 0
    low = bisect.bisect_left(starts, start)
    count = bisect.bisect_left(starts, end) - low
    cuts_a_word = (
        start > 0
        and (low == len(starts) or starts[low] != start)
        and _WORD_CHARACTER.match(text, start) is not None
        and _WORD_CHARACTER.match(text, start - 1) is not None
    )
    return count + cuts_a_word


_WORD = re.compile(r"[^\W\d_]+")
_CITED_NUMBER = re.compile(
    r"\d[\w.\-()º°]*(?:\s+(?:bis|ter|quater|quinquies|sexies|septies|octies)\b)?", re.IGNORECASE
)


_LABEL_TAIL = re.compile(r"\(.*")
_LABEL_MARKS = re.compile(r"[\s.º°]+")


def label_key(label: str) -> str:
    """A provision number as cited and as labelled alike: "145 bis" = "145bis", "2.º" = "2"."""
    return _LABEL_MARKS.sub("", _LABEL_TAIL.sub("", label.lower()))


def _stem(term: str) -> str:
    """The longest word of a defined term, cut to a stem ("exploitation" -> "exploit")."""
    words: list[str] = _WORD.findall(term.lower()) or [term.lower()]
    word = max(words, key=len)
    return word[: min(len(word), max(5, len(word) - 5))]


def _used(term: str, text: str) -> bool:
    """True when the text uses the defined term (or a word of its family: "trafficks")."""
    lowered = term.lower().strip()
    return lowered in text or _stem(lowered) in text
