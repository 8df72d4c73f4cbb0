"""The role words play in an offence provision, read from the frame of its sentences.

- penalty: a sentence that only sets a penalty, or a provision whose lead-in does ("The
  penalty is increased if: (a) ..."), with everything under it: aggravations, not elements;
- purpose: from a purpose frame ("for the purpose of", "con fines de") to the end of its
  sentence, or to a means frame ("by means of") that reopens the means: words there
  describe the exploitation ("forced", "coerced"), not how the person was trafficked;
- clearing (for the items that name it): a sentence that says what is not required ("It
  is irrelevant whether P acted ... as part of an organised criminal group") and states
  no act: its words narrow nothing.

Elements are the hits in no such role; means are read from elements outside purposes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from ptcheck.checklist import Checklist, Pattern
from ptcheck.hits import TERM_NUMBERS, Hit, SectionHits, runs_between
from ptcheck.matching import evaluate, possible
from ptcheck.structure import Structure

ACT_AFTER_FRAME = 2  # "for the purpose of [the] transporting": the act the purpose names
_TOKEN = re.compile(r"\w+|[^\w\s]")
_PUNCTUATION = re.compile(r"[,;:.()—–]")


class Roles:
    """Role spans of each section, computed on demand and kept."""

    def __init__(
        self,
        checklist: Checklist,
        structure: Structure,
        hits: list[SectionHits],
        sentence_break: re.Pattern[str],
    ) -> None:
        self.locate = checklist.locate
        self.structure = structure
        self.hits = hits
        self.sentence_break = sentence_break
        self._breaks: dict[int, list[int]] = {}  # sentence ends per provision start
        self._elements: dict[int, SectionHits] = {}
        self._means: dict[int, SectionHits] = {}
        self._purposes: dict[int, list[tuple[int, int]]] = {}
        self._acts: dict[int, tuple[Sequence[int], list[int]]] = {}

    def elements(self, index: int) -> SectionHits:
        """The hits of a section that state elements of the offence (no penalty role)."""
        if index not in self._elements:
            hits = self.hits[index]
            penalty = self.locate.penalty
            if penalty is not None and hits:
                starts, terms = hits.starts(), hits.terms()
                dropped = [  # runs of positions, in the order of the hits
                    (first, last)
                    for first, last in self.by_sentence(starts)
                    if possible(penalty, set(terms[first:last]))  # no view for most
                    and evaluate(penalty, hits.part(first, last)) is not None
                ]
                for start, end in self._penalty_subtrees(index, hits, starts, penalty):
                    dropped.append(hits.bounds(start, end))
                if dropped:
                    hits = hits.taking(runs_between(dropped, len(starts)))
            self._elements[index] = hits
        return self._elements[index]

    def means_hits(self, index: int) -> SectionHits:
        """Elements outside purpose spans: the words that can state a means."""
        if index not in self._means:
            self._means[index] = self.outside_purpose(self.elements(index))
        return self._means[index]

    def outside_purpose(self, hits: SectionHits) -> SectionHits:
        """The hits of a section (or part of one) that lie outside its purpose spans."""
        spans = self.purpose_spans(hits.section)
        if not spans:
            return hits
        return hits.outside_spans(spans)

    def outside_clearing(self, hits: SectionHits, clearing: Pattern) -> SectionHits:
        """The hits less those of sentences that say what is not required: a sentence
        matching `clearing` ("it is irrelevant whether") that states no act. A sentence
        creating the offence ("Whether or not the victim consents, a member of a group who
        recruits ...") keeps its words. Only the sentences holding a word of `clearing` are
        read."""
        conduct = self.locate.conduct
        cleared: list[tuple[int, int]] = []
        for start, end in sorted(
            {self.sentence_span(h.start) for t in clearing.terms() for h in hits.of(t)}
        ):
            sentence = hits.slice(start, end)
            if evaluate(clearing, sentence) is not None and (
                conduct is None or evaluate(conduct, sentence) is None
            ):
                cleared.append((start, end))
        if not cleared:
            return hits
        return hits.outside_spans(cleared)

    def purpose_spans(self, index: int) -> list[tuple[int, int]]:
        """From each purpose frame to the end of its sentence, or to what reopens the
        conduct first: a means frame ("by means of") or an act ("A person who, with intent
        to exploit, recruits ... using threats")."""
        if index not in self._purposes:
            self._purposes[index] = self._purpose_spans(index)
        return self._purposes[index]

    def _purpose_spans(self, index: int) -> list[tuple[int, int]]:
        frame = self.locate.purpose_frame
        hits = self.hits[index]
        if frame is None or frame.term is None or not hits.has(frame.term):
            return []
        reopeners = sorted(
            h.start
            for term in (self._single(self.locate.means_frame), self._single(self.locate.conduct))
            for h in hits.of(term)
        )
        spans = []
        for hit in hits.of(frame.term):
            provision = self.structure.provision_at(hit.start)
            breaks = self._sentence_breaks(provision.start, provision.end)
            after = bisect.bisect_right(breaks, hit.start)
            end = breaks[after] if after < len(breaks) else provision.end
            named = self.purpose_acts(index, hit)
            position = bisect.bisect_left(reopeners, max(hit.end, named.end if named else 0))
            if position < len(reopeners) and reopeners[position] < end:
                end = reopeners[position]
            spans.append((hit.start, end))
        return spans

    def purpose_acts(self, index: int, frame: Hit) -> Hit | None:
        """An act the purpose names, right after its frame ("for the purpose of transporting")."""
        hits = self.hits[index]
        acts = self._acts.get(index)
        if acts is None:  # the positions of the section's acts, and their tokens (in order)
            conduct = self._single(self.locate.conduct)
            found = hits.positions(TERM_NUMBERS[conduct]) if conduct else ()
            acts = self._acts[index] = (found, list(map(hits.token, found)))
        positions, tokens = acts
        length = len(_TOKEN.findall(self.structure.text, frame.start, frame.end))
        at = bisect.bisect_left(tokens, frame.token + length)
        if at < len(tokens) and tokens[at] < frame.token + length + ACT_AFTER_FRAME:
            act = hits.hit(positions[at])
            if not _PUNCTUATION.search(self.structure.text, frame.end, act.start):
                return act  # not "with intent to exploit, recruits"
        return None

    def act_hits(self, hits: SectionHits) -> SectionHits:
        """The hits of a section less the acts its purposes name, when it states acts of its
        own elsewhere: "recruits ... for the purpose of transporting" is no transportation."""
        frame = self._single(self.locate.purpose_frame)
        named = {
            act
            for hit in self.hits[hits.section].of(frame)
            if (act := self.purpose_acts(hits.section, hit)) is not None
        }
        if not named:
            return hits
        conduct = self._single(self.locate.conduct)
        if not any(h not in named for h in hits.of(conduct)):
            return hits  # the acts are only named in the purpose frame ("zum Zweck ... anwirbt")
        named_spans = sorted((h.start, h.end) for h in named)
        return hits.outside_spans(named_spans)

    @staticmethod
    def _single(pattern: Pattern | None) -> str:
        return pattern.term if pattern is not None and pattern.term else ""

    def _penalty_subtrees(
        self, index: int, hits: SectionHits, starts: list[int], penalty: Pattern
    ) -> list[tuple[int, int]]:
        """Spans of the provisions (with their sub-provisions) that only set a penalty
        (`starts`: where each of the section's `hits` starts, in order)."""
        provisions = self.structure.provisions
        own = self.structure.provisions_of(index)
        spans: list[tuple[int, int]] = []
        for number in own:
            provision = provisions[number]
            end = self.structure.subtree_end(number)
            if spans and provision.start < spans[-1][1]:
                continue  # inside a span already dropped
            low = bisect.bisect_left(starts, provision.start)
            own_end = bisect.bisect_left(starts, provision.end)
            high = bisect.bisect_left(starts, end)
            if low == own_end:
                continue
            # The lead-in sets a penalty, and nothing under it states an act.
            if evaluate(penalty, hits.part(low, high)) is not None:
                spans.append((provision.start, end))
        return spans

    def sentence_span(self, offset: int) -> tuple[int, int]:
        """Where the sentence holding a character offset starts and ends."""
        return self._sentence_and_limit(offset)[0]

    def by_sentence(self, starts: list[int]) -> list[tuple[int, int]]:
        """Hits (given by their starts, in order) grouped by the sentence holding their
        start: each group's first and past-last position (one lookup per sentence)."""
        groups: list[tuple[int, int]] = []
        limit = -1
        first = 0
        for position, start in enumerate(starts):
            if start >= limit:
                if position:
                    groups.append((first, position))
                _, limit = self._sentence_and_limit(start)
                first = position
        if starts:
            groups.append((first, len(starts)))
        return groups

    def _sentence_and_limit(self, offset: int) -> tuple[tuple[int, int], int]:
        """The sentence span of `offset`, and the first offset past it whose span may differ
        (the next sentence break or provision)."""
        structure = self.structure
        provision = structure.provision_at(offset)
        breaks = self._sentence_breaks(provision.start, provision.end)
        at = bisect.bisect_right(breaks, offset)
        start = breaks[at - 1] if at > 0 else provision.start
        end = breaks[at] if at < len(breaks) else provision.end
        following = structure.next_provision_start(offset)
        return (start, end), min(following, breaks[at]) if at < len(breaks) else following

    def _sentence_breaks(self, start: int, end: int) -> list[int]:
        breaks = self._breaks.get(start)
        if breaks is None:
            text = self.structure.text
            breaks = [m.end() for m in self.sentence_break.finditer(text, start, end)]
            self._breaks[start] = breaks
        return breaks
