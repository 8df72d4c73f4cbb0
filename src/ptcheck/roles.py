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
import operator
import re

from ptcheck.checklist import Checklist, Pattern
from ptcheck.matching import Hit, SectionHits, evaluate, possible
from ptcheck.structure import Structure

_START = operator.itemgetter(0)  # a hit's start

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
        self._act_tokens: dict[int, list[int]] = {}

    def elements(self, index: int) -> SectionHits:
        """The hits of a section that state elements of the offence (no penalty role)."""
        if index not in self._elements:
            hits = self.hits[index]
            penalty = self.locate.penalty
            if penalty is not None and hits:
                ordered = hits.by_term_hits()
                dropped = {
                    hit
                    for group in self.by_sentence(ordered)
                    if possible(penalty, {h.term for h in group})  # no object for most
                    and evaluate(penalty, SectionHits(index, group, ordered=True)) is not None
                    for hit in group
                }
                for start, end in self._penalty_subtrees(index, ordered, penalty):
                    dropped.update(hits.between(start, end))
                hits = hits.keeping([h for h in ordered if h not in dropped])
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
        return hits.keeping(outside_spans(hits.by_term_hits(), spans))

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
            sentence = SectionHits(hits.section, hits.between(start, end), ordered=True)
            if evaluate(clearing, sentence) is not None and (
                conduct is None or evaluate(conduct, sentence) is None
            ):
                cleared.append((start, end))
        if not cleared:
            return hits
        return hits.keeping(outside_spans(hits.by_term_hits(), cleared))

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
        acts = self.hits[index].of(self._single(self.locate.conduct))
        length = len(_TOKEN.findall(self.structure.text, frame.start, frame.end))
        tokens = self._act_tokens.get(index)
        if tokens is None:
            tokens = self._act_tokens[index] = [h.token for h in acts]  # in document order
        at = bisect.bisect_left(tokens, frame.token + length)
        if at < len(acts) and acts[at].token < frame.token + length + ACT_AFTER_FRAME:
            between = self.structure.text[frame.end : acts[at].start]
            if not _PUNCTUATION.search(between):  # "with intent to exploit, recruits": no
                return acts[at]
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
        return SectionHits(
            hits.section, outside_spans(hits.by_term_hits(), named_spans), ordered=True
        )

    @staticmethod
    def _single(pattern: Pattern | None) -> str:
        return pattern.term if pattern is not None and pattern.term else ""

    def _penalty_subtrees(
        self, index: int, ordered: list[Hit], penalty: Pattern
    ) -> list[tuple[int, int]]:
        """Spans of the provisions (with their sub-provisions) that only set a penalty."""
        provisions = self.structure.provisions
        own = self.structure.provisions_of(index)
        starts = [h.start for h in ordered]
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
            if evaluate(penalty, self.hits[index].keeping(ordered[low:high])) is not None:
                spans.append((provision.start, end))
        return spans

    def sentence_span(self, offset: int) -> tuple[int, int]:
        """Where the sentence holding a character offset starts and ends."""
        return self._sentence_and_limit(offset)[0]

    def by_sentence(self, ordered: list[Hit]) -> list[list[Hit]]:
        """Hits in document order, grouped by the sentence holding their start (one lookup
        per sentence, not per hit)."""
        groups: list[list[Hit]] = []
        limit = -1
        for hit in ordered:
            if hit.start >= limit:
                _, limit = self._sentence_and_limit(hit.start)
                groups.append([])
            groups[-1].append(hit)
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


def outside_spans(hits: list[Hit], spans: list[tuple[int, int]]) -> list[Hit]:
    """The hits (in order) whose start lies in none of the spans: the spans merged, each
    found by a bisect, and the hits between them kept by the slice (no step per hit)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    kept: list[Hit] = []
    at = 0
    for start, end in merged:
        low = bisect.bisect_left(hits, start, at, key=_START)
        kept += hits[at:low]
        at = bisect.bisect_left(hits, end, low, key=_START)
    kept += hits[at:]
    return kept
