"""Judge each checklist item the way an assessor reads a statute.

The regions (regions.py: offences, principal limbs, definitions, related sections) and the
roles of words (roles.py) are found first; each item then reads the units of its `where`
with the words of its `role`. What broadens the offence (no means required) and what
narrows it (scope items) is decided limb by limb, on principal limbs only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ptcheck.checklist import Broadening, Checklist, Item, Pattern
from ptcheck.evidence import MAX_EVIDENCE, Quoter, cite
from ptcheck.hits import SectionHits
from ptcheck.matching import evaluate
from ptcheck.regions import Limb, RegionFinder, Unit, matches, wording
from ptcheck.results import Evidence, ItemResult, Offence, Status
from ptcheck.roles import Roles
from ptcheck.structure import Structure, section_name


class Judge:
    """Turns hits into item results for one document."""

    def __init__(self, checklist: Checklist, structure: Structure, hits: list[SectionHits]) -> None:
        self.checklist = checklist
        self.structure = structure
        self.hits = hits
        self.quoter = Quoter(structure)
        self.roles = Roles(checklist, structure, hits, wording(structure.language).sentence_break)
        self.finder = RegionFinder(checklist, structure, hits, self.roles)
        self.regions = self.finder.find()
        self.read = [i for i in self.regions.kept if hits[i]]  # sections with any term
        self._narrowable_units: list[tuple[SectionHits, list[Evidence]]] | None = None
        self._element_words: dict[int, SectionHits] | None = None
        self._lacking_limbs: dict[str, tuple[list[Limb], bool]] = {}
        self.broader = {
            name: self._lacking(broadening) for name, broadening in checklist.broadenings.items()
        }

    # ------------------------------------------------------------------ regions

    @property
    def offences(self) -> list[int]:
        """Sections creating the offence, principal and ancillary."""
        return self.regions.offences

    @property
    def judged(self) -> bool:
        """True when there is something to judge: an offence, or a definition of it."""
        return bool(self.regions.offences) or self.regions.definition_only

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

    def warnings(self) -> list[str]:
        """What a reader must know about how the document was judged."""
        if not self.regions.definition_only:
            return []
        where = cite(self._definition_place(u) for u in self._offence_definitions())
        return [
            "no offence provision was found: the items are judged on the definition of the"
            f" offence ({where}); nothing makes it a crime"
        ]

    def _offence_definitions(self) -> list[Unit]:
        return [unit for unit in self.regions.definitions if unit.of_offence]

    # ------------------------------------------------------------------ broadening

    def _lacking(self, broadening: Broadening) -> list[Evidence]:
        """Evidence of principal limbs that lack the element a broadening names (for
        instance, no means at all): the offence is broader than the instrument there."""
        locate = self.checklist.locate
        left_out = locate.named(broadening.except_limbs) if broadening.except_limbs else None
        limbs, defined = self._limbs_lacking(broadening.lacks)
        evidence: list[Evidence] = []
        for limb in limbs:
            if left_out is None or not matches(left_out, limb.words):
                evidence.extend(self._limb_evidence(limb))
        definitions = self._offence_definitions()
        if self.regions.definition_only and definitions and not defined:
            evidence.append(self._definition_place(definitions[0]))
        return evidence

    def _limbs_lacking(self, name: str) -> tuple[list[Limb], bool]:
        """The principal limbs that lack the element `name`, and whether the definition of
        the offence has it (once per element: broadenings share them)."""
        if name in self._lacking_limbs:
            return self._lacking_limbs[name]
        locate = self.checklist.locate
        element = locate.named(name)
        assert element is not None  # checked when the checklist is loaded
        defined = any(
            matches(element, self.roles.outside_purpose(u.hits))
            for u in self._offence_definitions()
        )
        if self._element_words is None:  # the same for every element
            self._element_words = self._shared(lambda index: self.roles.means_hits(index))
        shared = self._element_words
        lacking = []
        for limb in self.regions.limbs:
            # The element in the limb, or in a part of its section that is no limb of its
            # own ("(2) The means are threats, force ..."), is required of it.
            if matches(element, limb.means) or matches(
                element, _beyond(shared[limb.section], limb)
            ):
                continue
            own_conduct = locate.conduct is None or matches(locate.conduct, limb.hits)
            if not own_conduct and defined:
                continue  # its elements are those of the definition it uses
            lacking.append(limb)
        self._lacking_limbs[name] = (lacking, defined)
        return lacking, defined

    def _limb_evidence(self, limb: Limb) -> list[Evidence]:
        locate = self.checklist.locate
        for pattern in (locate.conduct, locate.subject):
            match = evaluate(pattern, limb.hits) if pattern is not None else None
            if match is not None and match.evidence:
                return self.quoter.hits(match.evidence[:2])
        return [self.quoter.span(limb.start, min(limb.end, limb.start + 60))]

    # ------------------------------------------------------------------ items

    def results(self) -> list[ItemResult]:
        """One result per item, in checklist order."""
        return [self.judge(item) for item in self.checklist.items]

    def judge(self, item: Item) -> ItemResult:
        """The status of one item, with evidence and a message."""
        if not self.judged:
            return self._result(
                item,
                "missing",
                f"{self.checklist.messages.no_offence}: nothing here for this item to attach to.",
                nearest=self._nearest(item),
            )
        if item.kind == "absence":
            return self._judge_absence(item)
        units = self._units(item)
        family = item.family()
        first_read = self._for_adults(units, item.met) if item.adults_too else units
        found, via = self._find(item.met, first_read, family)
        if not found and item.adults_too:
            found, via = self._find(item.met, units, family)
            if found:
                lacking = f" {' '.join(item.lacking.split())}" if item.lacking else ""
                message = f"{self.checklist.messages.victim_class_only} ({cite(found)}).{lacking}"
                return self._result(item, "partial", message, evidence=found)
        if found:
            return self._result(item, "met", self._found_message(found, via), evidence=found)
        broader = self.broader.get(item.broader_if or "")
        if broader:
            template = self.checklist.broadenings[item.broader_if or ""].message
            message = " ".join(template.split()).replace("{where}", cite(broader[:1]))
            return self._result(item, "met", message, evidence=broader[:2])
        partial, via = self._find(item.partial, units, item.family())
        if partial:
            lacking = f" {' '.join(item.lacking.split())}" if item.lacking else ""
            message = f"Only partly covered ({cite(partial)}).{lacking}"
            return self._result(item, "partial", message, evidence=partial)
        return self._missing(item)

    def _missing(self, item: Item) -> ItemResult:
        where = {
            "document": "the document",
            "offence": "the offence provisions and their definitions",
            "related": "the offence provisions and the provisions that refer to them",
        }[item.where]
        names = ", ".join(self.offence_names) or "the definition of the offence only"
        nearest = self._nearest(item)
        message = f"Not found in {where} ({names})."
        if nearest:
            message += f" Nearest passage: {cite(nearest[:1])}."
        if item.hint:
            message += f" {' '.join(item.hint.split())}"
        return self._result(item, "missing", message, nearest=nearest)

    def _units(self, item: Item) -> list[Unit]:
        """What an item reads: the units of its `where`, with the words of its `role`."""
        units = self.regions.units(self.hits, item.where, self.read)
        if item.role is None:
            return units
        offences = set(self.offences)
        shaped = []
        for unit in units:
            if unit.definition:
                if item.role == "means" and not unit.of_offence:
                    continue  # "forced" in the definition of exploitation is no means
                shaped.append(unit)
            elif unit.hits.section in offences:
                index = unit.hits.section
                shaped.append(
                    Unit(
                        self.roles.means_hits(index)
                        if item.role == "means"
                        else self.roles.act_hits(unit.hits)
                    )
                )
            else:
                shaped.append(unit)
        return shaped

    def _for_adults(self, units: list[Unit], wanted: Pattern | None) -> list[Unit]:
        """The units cut into limbs, leaving out the limbs about children only (a unit the
        item's pattern does not match is kept whole: no limb of it can match)."""
        pattern = self.checklist.locate.victim_class_limb
        kept: list[Unit] = []
        for unit in units:
            whole = (
                unit.definition
                or pattern is None
                or wanted is None
                or not matches(wanted, unit.hits)
            )
            limbs = [] if whole else self.finder.limbs(unit.hits.section)
            if not limbs:
                kept.append(unit)
                continue
            kept += [Unit(limb.words) for limb in limbs if not matches(pattern, limb.words)]
        return kept

    def _found_message(self, found: list[Evidence], via: Unit | None) -> str:
        if via is not None and via.definition:
            used = f", which the offence uses in {via.use.section}" if via.use else ""
            return f"Found in the definition of “{via.definition}” ({cite(found)}){used}."
        return f"Found in {cite(found)}."

    def _judge_absence(self, item: Item) -> ItemResult:
        """Met unless every principal limb of the offence is narrowed (`where: offence`), or
        unless any provision the item reads matches (`related`, `document`: "the migrant
        who enters illegally commits an offence" anywhere is the gap)."""
        assert item.narrowing is not None
        if item.where != "offence":
            return self._judge_absence_anywhere(item)
        narrowed: list[Evidence] = []
        open_places: list[Evidence] = []
        if self._narrowable_units is None:
            self._narrowable_units = self._narrowable()
        for hits, place in self._narrowable_units:
            match = evaluate(item.narrowing, hits, item.family())
            if match is not None and item.cleared_by is not None:
                cleared = self.roles.outside_clearing(hits, item.cleared_by)
                match = evaluate(item.narrowing, cleared, item.family())
            if match is None:
                open_places += place
            else:
                narrowed += self.quoter.hits(match.evidence)
        if open_places:
            message = f"Nothing narrows the offence in {cite(open_places[:1])}."
            if narrowed:
                message += f" ({cite(narrowed)} is narrower, but another limb is not.)"
            return self._result(item, "met", message, evidence=open_places[:2])
        return self._result(
            item, "missing", f"The offence is narrowed by {cite(narrowed)}.", evidence=narrowed
        )

    def _judge_absence_anywhere(self, item: Item) -> ItemResult:
        assert item.narrowing is not None
        family = item.family()
        found: list[Evidence] = []
        for unit in self.regions.units(self.hits, item.where, self.read):
            match = evaluate(item.narrowing, unit.hits, family)
            if match is not None:
                found += self.quoter.hits(match.evidence)
        if found:
            message = f"What this item rules out is in {cite(found)}."
            return self._result(item, "missing", message, evidence=found)
        where = [e for i in self.offences[:2] for e in self._section_evidence(i)] or [
            self._definition_place(u) for u in self._offence_definitions()[:1]
        ]
        names = ", ".join(self.offence_names) or "the definition of the offence"
        message = f"Nothing in the provisions read ({names}) does what this item rules out."
        return self._result(item, "met", message, evidence=where[:2])

    def _narrowable(self) -> list[tuple[SectionHits, list[Evidence]]]:
        """What may narrow the offence: each principal limb, with the words of its section
        that belong to no principal limb (a clarifying paragraph speaks for every limb).

        A limb for children only does not open the scope for everyone (an adult limb that
        needs a border crossing is not widened by a child limb that does not).
        """
        child = self.checklist.locate.victim_class_offence
        limbs = [lb for lb in self.regions.limbs if not matches(child, lb.words)]
        limbs = limbs or self.regions.limbs
        if not limbs:
            sections = self.regions.principal or self.offences
            if sections:
                return [(self.roles.elements(i), self._section_evidence(i)) for i in sections]
            return [(u.hits, [self._definition_place(u)]) for u in self._offence_definitions()]
        shared = self._shared(lambda index: self.roles.elements(index))
        return [
            (limb.hits.followed_by(_beyond(shared[limb.section], limb)), self._limb_evidence(limb))
            for limb in limbs
        ]

    def _shared(self, hits_of: Callable[[int], SectionHits]) -> dict[int, SectionHits]:
        """Per section with principal limbs, its hits (as `hits_of` gives them) that lie in
        no principal limb: the words that speak for every limb (see `_beyond`)."""
        by_section: dict[int, list[Limb]] = {}
        for limb in self.regions.limbs:
            by_section.setdefault(limb.section, []).append(limb)
        return {
            index: hits_of(index).outside_spans([sp for lb in mine for sp in lb.spans])
            for index, mine in by_section.items()
        }

    def _section_evidence(self, index: int) -> list[Evidence]:
        match = evaluate(self.checklist.locate.offence, self.hits[index])
        return self.quoter.hits(match.evidence[:2]) if match else []

    def _definition_place(self, unit: Unit) -> Evidence:
        """The defined term, quoted where its definition starts."""
        return self.quoter.span(unit.start, unit.start + len(unit.definition) + 2)

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
                evidence += self.quoter.hits(match.evidence)
                if unit.use is not None and unit is first:
                    evidence.append(unit.use)
            if len(evidence) >= MAX_EVIDENCE:
                break
        return evidence[:MAX_EVIDENCE], first

    def _nearest(self, item: Item) -> list[Evidence]:
        """The first passage that holds the item's main term."""
        pattern = item.met or item.narrowing
        subject = next(pattern.terms(), None) if pattern else None
        for index in self.read:
            found = self.hits[index].of(subject)
            if found:
                return self.quoter.hits(found[:1])
        return []

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


def _beyond(shared: SectionHits, limb: Limb) -> SectionHits:
    """The shared hits outside the limb's own paragraph: another paragraph ("(2) The means
    are ...") speaks for it; another clause of its own sentence ("wer ... durch Gewalt oder
    wer eine Person unter achtzehn Jahren ...") does not."""
    return shared.outside(*limb.paragraph)
