"""Find checklist terms in a statute and evaluate boolean patterns over them.

Terms are found once per document, section by section, by a phrase index over the
lower-cased tokens the scanner makes (spaCy's tokenizer rules, see `scanner`), and kept
as numbers (`PackedHits`) until a question needs them as `Hit` objects. Patterns (`term`,
`any`, `all`, `not`, `near`) are then evaluated over the hits of one section: the unit in
which a statute's lead-in and its listed paragraphs are read together. Most evaluations
end on the terms a section holds (its term bits), without reading a hit.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import operator
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeAlias

from ptcheck.cache import cached_tables
from ptcheck.checklist import Checklist, Pattern
from ptcheck.language import load_pack
from ptcheck.nlp import (
    MAX_FORMS_PER_PHRASE,
    FormExpander,
    blank_pipeline,
    cached_forms,
    clitic_hyphen,
    expand_phrase,
    form_count,
    forms_key,
    with_numbers,
)
from ptcheck.scanner import scanner
from ptcheck.structure import Structure

# Long sections are read in pieces of at most this many characters (once spaCy's limit;
# kept, for `near` never reaches from one piece into the next, see `_pieces`).
CHUNK_CHARS = 200_000
LONG_SECTION = 10_000  # characters: a section this long holds some hundreds of hits
# Punctuation, read as a space where words are looked up. A substitution over this class
# of characters is 4 times faster than str.translate on a text that is not all ASCII.
_PUNCTUATION = re.compile(
    "["
    + re.escape("".join(c for c in map(chr, range(0x2070)) if not (c.isalnum() or c.isspace())))
    + "]"
)


def _flat(text: str, clitics: re.Pattern[str] | None = None) -> str:
    """`text` with a space for each line break, tab and form feed, and for each hyphen
    before a clitic pronoun (see `clitic_hyphen`); offsets unchanged.

    A line break inside a run of text would make it a run the scanner has not met.
    """
    for mark in "\n\t\r\f\v":
        text = text.replace(mark, " ")
    return text if clitics is None else clitics.sub(" ", text)


class Hit(NamedTuple):
    """One occurrence of a term: character span in the document and token index in its section."""

    start: int
    end: int
    token: int
    term: str
    section: int


# A Hit from the tuple of its fields, without the Python frame of NamedTuple's __new__:
# 0.23 µs against 0.40 µs, for the 760,000 hits of 10 MB of statutes.
hit_of = functools.partial(tuple.__new__, Hit)


class _TermBits(dict[str, int]):
    """A bit of its own for each term, given on first use (a view's terms are an int)."""

    def __missing__(self, term: str) -> int:
        bit = self[term] = 1 << len(self)
        return bit


_TERM_BITS = _TermBits()
# Term bits are ints of up to some hundreds of bits (64 bytes and more), and the sections of
# a code hold the same few sets of terms again and again: one int for each set, shared
# within a document (emptied when the next one is matched: a batch worker keeps none).
_SHARED_BITS: dict[int, int] = {}


def _shared(bits: int) -> int:
    """`bits`, as the one int kept for that value (see `_SHARED_BITS`)."""
    return _SHARED_BITS.setdefault(bits, bits)


_START = operator.itemgetter(0)  # a hit's start
_TERM = operator.itemgetter(3)  # a hit's term
_MATCH_ORDER = operator.itemgetter(1, 2, 0)  # a match's first token, end token and term
GROUPED_FROM = 256  # hits: a larger view is grouped by term at once (see SectionHits.of)
COVERED_ON_ARRAYS = 2_000  # hits: in a larger view `covered` is worked out on arrays


# Starts, ends, tokens and term numbers of hits (a string: arrays take no subscript before 3.12).
Columns: TypeAlias = "tuple[array[int], array[int], array[int], array[int]]"


def new_columns() -> Columns:
    """Empty columns of hits: starts, ends and tokens (8 bytes each), term numbers (2)."""
    return array("q"), array("q"), array("q"), array("H")


class PackedHits:
    """Hits kept as numbers: the rows low..high of columns shared by a whole document
    (26 bytes a hit, where a `Hit` with its numbers takes about 160), in the order of
    their `Hit`s (term numbers follow the order of the term names).
    """

    __slots__ = ("columns", "high", "low", "names", "numbers")

    def __init__(
        self, names: list[str], numbers: dict[str, int], columns: Columns, low: int, high: int
    ) -> None:
        self.names = names  # term number -> term name (shared by every section)
        self.numbers = numbers  # term name -> term number (shared)
        self.columns = columns
        self.low = low
        self.high = high

    def __len__(self) -> int:
        return self.high - self.low

    def _column(self, number: int) -> memoryview:
        """One column's rows low..high, read in place (a slice of the array would copy it)."""
        return memoryview(self.columns[number])[self.low : self.high]

    def term_bits(self) -> int:
        """The terms that occur, as the sum of their bits (see `_TERM_BITS`)."""
        names = self.names
        return _shared(sum(_TERM_BITS[names[number]] for number in set(self._column(3))))

    def unpack(self, section: int, made: dict[str, list[Hit]]) -> list[Hit]:
        """The hits, in order; those of the terms in `made` (their hits made already, in
        order) are taken from there, not made twice."""
        starts, ends, tokens, terms = map(self._column, range(4))
        names = map(self.names.__getitem__, terms)
        fields = zip(starts, ends, tokens, names, itertools.repeat(section))
        unpacked = list(map(hit_of, fields))
        for term, hits in made.items():
            for at, hit in zip(self._rows_of(self.numbers[term]), hits, strict=True):
                unpacked[at - self.low] = hit
        return unpacked

    def _rows_of(self, number: int) -> Iterator[int]:
        """The rows holding a hit of term `number` (a scan in C from each to the next)."""
        terms, at, high = self.columns[3], self.low, self.high
        with contextlib.suppress(ValueError):  # no row further on
            while True:
                at = terms.index(number, at, high)
                yield at
                at += 1

    def of(self, term: str, section: int) -> list[Hit]:
        """The hits of one term, in order."""
        starts, ends, tokens, _ = self.columns
        return [
            hit_of((starts[at], ends[at], tokens[at], term, section))
            for at in self._rows_of(self.numbers[term])
        ]

    def between(self, start: int, end: int) -> PackedHits:
        """The hits that start in start..end (a bisect)."""
        starts = self.columns[0]
        low = bisect.bisect_left(starts, start, self.low, self.high)
        high = bisect.bisect_left(starts, end, low, self.high)
        return PackedHits(self.names, self.numbers, self.columns, low, high)


_NONE_COVERED: frozenset[Hit] = frozenset()


class SectionHits:
    """The hits of one section, and each term's hits among them.

    `ordered`: the hits are given as a list already in document order (a slice of another
    section's ordered hits), so they need no sort.
    """

    __slots__ = (
        "_arrays",
        "_covered",
        "_given",
        "_of",
        "_ordered",
        "_outside",
        "_packed",
        "_terms",
        "section",
    )

    def __init__(self, section: int, hits: Iterable[Hit], ordered: bool = False) -> None:
        self.section = section
        self._given: list[Hit] | None = hits if isinstance(hits, list) else list(hits)
        self._packed: PackedHits | None = None
        self._ordered: list[Hit] | None = self._given if ordered else None
        self._terms: int | None = None
        self._of: dict[str, list[Hit]] | None = None
        self._covered: dict[frozenset[str], AbstractSet[Hit]] | None = None
        self._outside: dict[tuple[int, int], SectionHits] | None = None
        self._arrays: _HitArrays | None = None

    @classmethod
    def packed(cls, section: int, packed: PackedHits) -> SectionHits:
        """The hits of a section kept as numbers until a question needs them as Hits.

        A section whose terms cannot match a pattern (most of a long code) is answered
        from its term bits alone and never unpacked.
        """
        if not packed:
            return cls(section, [], ordered=True)
        view = cls(section, [])
        view._given = view._ordered = None
        view._packed = packed
        view._terms = packed.term_bits()
        return view

    @property
    def _hits(self) -> list[Hit]:
        """The hits as given (unpacked on first use)."""
        if self._given is None:
            assert self._packed is not None
            self._given = self._packed.unpack(self.section, self._of or {})
            self._packed = None  # slices are taken from the hits from now on
            self._ordered = self._given
        return self._given

    def keeping(self, kept: list[Hit]) -> SectionHits:
        """A view of `kept`, some of these hits in order: this view itself when they are all
        of them and it holds them in order (its questions are then answered once; a statute
        on one line was read by eight views of the same 540,000 hits)."""
        if len(kept) == self._size() and self._given is not None and self._ordered is self._given:
            return self
        return SectionHits(self.section, kept, ordered=True)

    def slice(self, start: int, end: int) -> SectionHits:
        """The hits that start in start..end, as a view of their own (kept packed when these
        are: a definition read only for its terms is never unpacked)."""
        if self._given is None:
            assert self._packed is not None
            return SectionHits.packed(self.section, self._packed.between(start, end))
        return self.keeping(self.between(start, end))

    @property
    def term_bits(self) -> int:
        """The terms that occur, as the sum of their bits (see `_TERM_BITS`)."""
        if self._terms is None:
            self._terms = _shared(sum(map(_TERM_BITS.__getitem__, set(map(_TERM, self._hits)))))
        return self._terms

    def of(self, term: str | None) -> list[Hit] | tuple[()]:
        """The hits of `term`, in the order given.

        In a view of up to GROUPED_FROM hits, a term's are found when first asked, by a
        scan, and kept: such a view is asked for a third of its terms, and a list for each
        term it holds took 40 % of the memory of judging. A larger view (a long section) is
        grouped by term at the first question: a scan per term would read it again and again.
        """
        if term is None:
            return ()
        of = self._of
        if of is not None:
            found = of.get(term)
            if found is not None:
                return found
        if not self.term_bits & _TERM_BITS[term]:
            return ()
        if of is None:
            if self._size() > GROUPED_FROM:
                grouped: dict[str, list[Hit]] = defaultdict(list)
                for hit in self._hits:
                    grouped[hit.term].append(hit)
                self._of = dict(grouped)
                return self._of[term]
            of = self._of = {}
        if self._given is None and not of:
            # The first term asked of a packed view: its hits alone are made (a code's
            # sections are mostly asked one term, whether they create an offence). A second
            # term means the section is being read: it is unpacked.
            assert self._packed is not None
            found = of[term] = self._packed.of(term, self.section)
        else:
            found = of[term] = [hit for hit in self._hits if hit.term == term]
        return found

    def _size(self) -> int:
        """How many hits the section holds."""
        return len(self._given) if self._given is not None else len(self._packed or ())

    def __len__(self) -> int:
        """How many hits the view holds."""
        return self._size()

    def __bool__(self) -> bool:
        """True when the section holds any hit."""
        return self._packed is not None or bool(self._given)

    def has(self, term: str) -> bool:
        """True when the term occurs in this section."""
        return bool(self.term_bits & _TERM_BITS[term])

    def by_term_hits(self) -> list[Hit]:
        """Every hit, in document order (computed once: the hits do not change)."""
        if self._ordered is None:
            hits = self._hits  # a packed view, once unpacked, holds them in order
            if self._ordered is None:
                self._ordered = sorted(hits)
        return self._ordered

    def _bounds(self, start: int, end: int) -> tuple[int, int]:
        """Positions in `by_term_hits()` of the first hit starting at `start` or later and of
        the first starting at `end` or later (a bisect: no scan of the rest)."""
        ordered = self.by_term_hits()
        low = bisect.bisect_left(ordered, start, key=_START)
        return low, bisect.bisect_left(ordered, end, low, key=_START)

    def between(self, start: int, end: int) -> list[Hit]:
        """The hits that start in start..end, in order."""
        low, high = self._bounds(start, end)
        return self.by_term_hits()[low:high]

    def outside(self, start: int, end: int) -> SectionHits:
        """The hits that do not start in start..end (kept: limbs of a paragraph share them)."""
        if self._outside is None:
            self._outside = {}
        key = (start, end)
        if key not in self._outside:
            low, high = self._bounds(start, end)
            ordered = self.by_term_hits()
            self._outside[key] = SectionHits(self.section, ordered[:low] + ordered[high:], True)
        return self._outside[key]

    def covered(self, family: frozenset[str]) -> AbstractSet[Hit]:
        """Hits inside a longer hit of another `family` term ("a person" in "a person under 18")."""
        if self._covered is None:
            self._covered = {}
        if family not in self._covered:
            covered: set[Hit] = set()
            # In start order, the hit reaching furthest, and the one reaching furthest among
            # the other terms: a hit is covered by the first of them whose term is not its own.
            widest: Hit | None = None
            widest_other: Hit | None = None
            bits = self.term_bits
            present = [t for t in family if bits & _TERM_BITS[t]]
            if len(present) > 1 and self._size() > COVERED_ON_ARRAYS:
                if self._arrays is None:
                    self._arrays = _HitArrays(self.by_term_hits())
                self._covered[family] = self._arrays.covered(present) or _NONE_COVERED
                return self._covered[family]
            # Only a hit of another term covers a hit. The family's hits in document order:
            # picked in one pass, or in a large view where they are few, sorted.
            members: list[Hit] = []
            if len(present) > 1:
                wanted = set(present)
                size = self._size()
                if size > GROUPED_FROM:
                    total = sum(len(self.of(t)) for t in present)
                    if 8 * total < size:
                        members = sorted(h for t in present for h in self.of(t))
                    else:
                        members = [h for h in self.by_term_hits() if h.term in wanted]
                elif self._ordered is not None:
                    members = [h for h in self._ordered if h.term in wanted]
                else:
                    members = sorted(h for h in self._hits if h.term in wanted)
            for hit in _longest_first(members):
                cover = widest if widest is None or widest.term != hit.term else widest_other
                if (
                    cover is not None
                    and cover.end >= hit.end
                    and cover.end - cover.start > hit.end - hit.start
                ):
                    covered.add(hit)
                if widest is None or hit.end > widest.end:
                    if widest is not None and widest.term != hit.term:
                        widest_other = widest
                    widest = hit
                elif hit.term != widest.term and (
                    widest_other is None or hit.end > widest_other.end
                ):
                    widest_other = hit
            # Half the sets are empty: one shared empty set, not 216 bytes each.
            self._covered[family] = covered or _NONE_COVERED
        return self._covered[family]


class _HitArrays:
    """The starts, ends and terms of a large view's hits (in order), as numpy arrays: what
    `covered` reads, without a Python step per hit (a statute on one line holds 540,000)."""

    def __init__(self, ordered: list[Hit]) -> None:
        import numpy as np  # only for the rare large view: 60 ms to import

        self.ordered = ordered
        numbers = {term: bit.bit_length() - 1 for term, bit in _TERM_BITS.items()}
        size = len(ordered)
        self.starts = np.fromiter(map(_START, ordered), np.int64, size)
        self.ends = np.fromiter(map(operator.itemgetter(1), ordered), np.int64, size)
        self.terms = np.fromiter(map(numbers.__getitem__, map(_TERM, ordered)), np.int64, size)
        self.numbers = numbers

    def covered(self, present: list[str]) -> set[Hit]:
        """What `SectionHits.covered` finds, for the family terms `present` here: a hit is
        covered by a hit of another of them that starts before it and ends no earlier, or
        starts with it and ends later."""
        import numpy as np

        wanted = np.array([self.numbers[term] for term in present])
        rows = np.flatnonzero(np.isin(self.terms, wanted))
        starts, ends, terms = self.starts[rows], self.ends[rows], self.terms[rows]
        opens = np.empty(len(rows), dtype=bool)  # where a run of hits starting together opens
        opens[0] = True
        np.not_equal(starts[1:], starts[:-1], out=opens[1:])
        firsts = np.flatnonzero(opens)
        run = np.cumsum(opens) - 1  # each hit's run
        found = np.zeros(len(rows), dtype=bool)
        for number in wanted:
            own = terms == number
            others = np.where(own, -1, ends)  # the ends of the other terms' hits
            # The furthest end reached by another term's hit starting before each run.
            before = np.concatenate(([-1], np.maximum.accumulate(others)))[firsts][run]
            # ... and by one starting with it.
            along = np.maximum.reduceat(others, firsts)[run]
            found |= own & ((before >= ends) | (along > ends))
        ordered = self.ordered
        return {ordered[row] for row in rows[found].tolist()}


def _longest_first(ordered: list[Hit]) -> list[Hit]:
    """Sorted hits, but those starting together in reverse order (the longest first): the
    list reversed, then sorted stably by start, in C over nearly ordered input (twice as
    fast as a generator reversing each run of hits that start together)."""
    flipped = ordered[::-1]
    flipped.sort(key=_START)
    return flipped


class PhraseIndex:
    """Every form of every term, as tuples of lower-case words looked up by their first.

    It finds what spaCy's PhraseMatcher finds on the LOWER attribute (every occurrence of
    every form, overlaps included) without building a Doc per form: a Spanish checklist
    has 30,000 forms, and their Docs took most of the start-up.
    """

    def __init__(self, by_first: dict[str, dict[int, dict[tuple[str, ...], list[str]]]]) -> None:
        self.by_first = by_first  # first word -> form length -> form -> its terms

    @staticmethod
    def tables(forms: dict[str, set[tuple[str, ...]]]) -> dict[str, Any]:
        """The index's table of `forms` (builtins only, so it can be cached)."""
        by_first: dict[str, dict[int, dict[tuple[str, ...], list[str]]]] = {}
        for name in sorted(forms):
            for form in sorted(forms[name]):
                table = by_first.setdefault(form[0], {}).setdefault(len(form), {})
                table.setdefault(form, []).append(name)
        return by_first

    def matches(self, lowers: list[str]) -> list[tuple[str, int, int]]:
        """(term, first token, end token) of every form in a token sequence, in order."""
        found = []
        total = len(lowers)
        by_first = self.by_first
        for position, first in enumerate(lowers):
            lengths = by_first.get(first)
            if lengths is None:
                continue
            for length, table in lengths.items():
                end = position + length
                if end <= total:
                    for name in table.get(tuple(lowers[position:end]), ()):
                        found.append((name, position, end))
        return found


TABLES_FORMAT = 2  # of the matcher's cached tables: 2, forms as words (1: as spaCy's hashes)


class TermMatcher:
    """Every term of a checklist, found in the tokens of one language."""

    def __init__(self, checklist: Checklist, language: str) -> None:
        self.language = language
        self.checklist = checklist
        pack = load_pack(language)
        phrases = {
            name: [
                spelled
                for phrase in checklist.phrases(name, language)
                for spelled in with_numbers(phrase, pack)
            ]
            for name in sorted(checklist.term_names())
        }
        # Term numbers, for hits kept as numbers (`PackedHits`): in the order of the names.
        self.term_names = sorted(phrases)
        self.term_numbers = {name: number for number, name in enumerate(self.term_names)}
        self._source: dict[str, Any] = {
            "language": language,
            "pack": pack.model_dump(mode="json"),
            "phrases": phrases,
        }
        key = [forms_key(self._source), TABLES_FORMAT]
        tables = cached_tables("matcher", language, key, self._tables)
        self.index = PhraseIndex(tables["by_first"])
        self.key_terms: dict[str, set[str]] = tables["key_terms"]  # one-word forms by word
        self.key_forms: dict[str, list[tuple[str, frozenset[str]]]] = tables["key_forms"]
        self.relevance = self._relevance(checklist)

    def _expand(self, phrases: dict[str, list[str]]) -> dict[str, set[tuple[str, ...]]]:
        """Every form of every phrase, by term (the lemma tables are read here)."""
        words = {
            w for plist in phrases.values() for p in plist for w in p.replace("=", " ").split()
        }
        expander = FormExpander(self.language, words)
        nlp = blank_pipeline(self.language)
        return {
            name: {combo for phrase in plist for combo in expand_phrase(phrase, expander, nlp)}
            for name, plist in phrases.items()
        }

    @functools.cached_property
    def forms(self) -> dict[str, set[tuple[str, ...]]]:
        """Every form of every phrase, by term, as tuples of words."""
        return cached_forms(self._source, lambda: self._expand(self._source["phrases"]))

    def _tables(self) -> dict[str, Any]:
        """What matching reads: the phrase index, and each form filed under one of its
        words, the one fewest forms share (see `_relevant_sections`).

        A section where a form matches holds all its words; looking up the least shared
        one first ("trafficking" rather than "this" or "under") keeps the check cheap.
        """
        key_terms: dict[str, set[str]] = defaultdict(set)
        key_forms: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        split = {
            (name, combo): _PUNCTUATION.sub(" ", " ".join(combo)).split()
            for name, forms in self.forms.items()
            for combo in forms
        }
        shared: dict[str, int] = defaultdict(int)
        for pieces in split.values():
            for piece in set(pieces):
                shared[piece] += 1
        for (name, _), pieces in split.items():
            if len(pieces) == 1:
                key_terms[pieces[0]].add(name)
            elif pieces:
                key = min(pieces, key=lambda piece: (shared[piece], -len(piece)))
                key_forms[key].append((name, frozenset(pieces)))
        return {
            "by_first": PhraseIndex.tables(self.forms),
            "key_terms": dict(key_terms),
            "key_forms": dict(key_forms),
        }

    def _relevance(self, checklist: Checklist) -> list[Pattern]:
        """The patterns that decide whether a section matters.

        A section that can match neither the offence locator nor an item looked for outside
        the offence adds nothing to the verdicts, so it is not tokenized: that is most of
        the time spent on a long code. Definition sections are always read, and so are
        sections that could state the offence's conduct (a penalty section may cite them).
        """
        locate = checklist.locate
        self.marker = locate.marker
        patterns = [p for p in (locate.offence, locate.defined_offence) if p is not None]
        for item in checklist.items:
            if item.where != "offence":  # read beyond the offence, narrowing included
                patterns += [p for p in (item.met, item.partial, item.narrowing) if p is not None]
        return patterns

    def section_hits(self, structure: Structure) -> list[SectionHits]:
        """The hits of every section that matters (see `_relevant_sections`), in order."""
        _SHARED_BITS.clear()  # the last document's sets of terms
        pieces = list(_pieces(structure, self._relevant_sections(structure)))
        text = structure.text
        clitics = clitic_hyphen(self.language)
        scan = scanner(self.language)
        names, numbers = self.term_names, self.term_numbers
        columns = new_columns()
        starts, ends, tokens, terms = columns
        # Each section's first and past-last row (-1: none), a section's pieces coming
        # together: machine integers, not a list per section made among the batch's
        # passing objects.
        bounds = array("q", [-1]) * (2 * len(structure.sections))
        # A long section is read whole: its hits are made as found, in one run (they are
        # read faster than hits made later among the judge's objects, and no columns are
        # kept beside them: a statute on one line, 5 MB, 5.0 s and 304 MB against 5.4 s and
        # 331 MB packed).
        sections = structure.sections
        long = {i for i, _, _, _ in pieces if sections[i].end - sections[i].start > LONG_SECTION}
        made: dict[int, list[Hit]] = {}
        for batch in _batches(pieces):
            # Made flat batch by batch: no copy of all of a long text is kept.
            low = batch[0][1]
            flat = _flat(text[low : batch[-1][2]], clitics)
            for section, start, end, base in batch:
                found = scan.tokens(flat[start - low : end - low])
                matches = self.index.matches(found.lowers)
                if not matches:
                    continue
                # In the order of their `Hit`s (start, end, term), so that every view of a
                # section holds its hits in order, whether made now or kept as numbers.
                matches.sort(key=_MATCH_ORDER)
                begins, lengths = found.starts, found.lengths
                if section in long:
                    hits = made.setdefault(section, [])
                    for name, first, last in matches:
                        stop = start + begins[last - 1] + lengths[last - 1]
                        hits.append(
                            hit_of((start + begins[first], stop, base + first, name, section))
                        )
                    continue
                starts.extend([start + begins[first] for _, first, _ in matches])
                ends.extend([start + begins[e - 1] + lengths[e - 1] for _, _, e in matches])
                tokens.extend([base + first for _, first, _ in matches])
                terms.extend([numbers[name] for name, _, _ in matches])
                if bounds[2 * section] < 0:
                    bounds[2 * section] = len(terms) - len(matches)
                bounds[2 * section + 1] = len(terms)
        return [
            SectionHits(index, made[index], ordered=True)
            if index in made
            else SectionHits.packed(
                index, PackedHits(names, numbers, columns, bounds[2 * index], bounds[2 * index + 1])
            )
            if bounds[2 * index] >= 0
            else SectionHits(index, ())
            for index in range(len(structure.sections))
        ]

    def _relevant_sections(self, structure: Structure) -> list[int]:
        sections = structure.sections
        key_terms, key_forms = self.key_terms, self.key_forms
        one_words, many_words = set(key_terms), set(key_forms)
        decided: dict[frozenset[str], bool] = {}
        relevant = []
        # A section creating an offence in the words of a defined term ("trafficks") is read.
        stems = sorted({term[:5] for term in structure.definitions() if len(term) >= 5})
        defined = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + ")") if stems else None
        marker = self.marker
        for index, section in enumerate(sections):
            if section.is_definition:
                relevant.append(index)
                continue
            words_of = _PUNCTUATION.sub(" ", structure.lower(section.start, section.end))
            split = words_of.split()
            present: set[str] = set()
            for word in one_words.intersection(split):
                present |= key_terms[word]
            keys = many_words.intersection(split)
            if keys:
                words = set(split)
                for word in keys:
                    for term, needed in key_forms[word]:
                        if term not in present and needed <= words:
                            present.add(term)
            key = frozenset(present)
            if key not in decided:
                decided[key] = any(possible(pattern, present) for pattern in self.relevance)
            if decided[key] or (
                defined is not None
                and marker is not None
                and possible(marker, present)
                and defined.search(words_of)
            ):
                relevant.append(index)
        return relevant


@dataclass(frozen=True)
class CappedPhrase:
    """A checklist phrase with more forms than MAX_FORMS_PER_PHRASE: the rest are not matched."""

    term: str
    language: str
    phrase: str
    forms: int
    dropped: tuple[str, ...]  # a few of the forms left out


def capped_phrases(checklist: Checklist) -> list[CappedPhrase]:
    """Every phrase of every checklist language whose forms reach the cap."""
    from ptcheck.language import pack_codes

    found = []
    for language in (code for code in checklist.languages if code in pack_codes()):
        nlp = blank_pipeline(language)
        pack = load_pack(language)
        names = sorted(checklist.term_names())
        phrases = {
            name: [s for p in checklist.phrases(name, language) for s in with_numbers(p, pack)]
            for name in names
        }
        words = {w for ps in phrases.values() for p in ps for w in p.replace("=", " ").split()}
        expander = FormExpander(language, words)
        for name in names:
            for phrase in phrases[name]:
                total = form_count(phrase, expander, nlp)
                if total > MAX_FORMS_PER_PHRASE:
                    every = expand_phrase(phrase, expander, nlp, limit=MAX_FORMS_PER_PHRASE + 3)
                    dropped = tuple(" ".join(f) for f in every[MAX_FORMS_PER_PHRASE:])
                    found.append(CappedPhrase(name, language, phrase, total, dropped))
    return found


def possible(pattern: Pattern, present: set[str] | frozenset[str]) -> bool:
    """False when `pattern` cannot match a section whose possibly present terms are `present`."""
    if pattern.term is not None:
        return pattern.term in present
    if pattern.any is not None:
        return any(possible(child, present) for child in pattern.any)
    if pattern.not_ is not None:
        return True
    return all(possible(child, present) for child in pattern.all or pattern.near or [])


BATCH_CHARS = 1_000_000  # text made flat at a time (see `_flat`)


def _batches(
    pieces: list[tuple[int, int, int, int]],
) -> Iterator[list[tuple[int, int, int, int]]]:
    """The pieces in runs of about BATCH_CHARS characters, in order."""
    batch: list[tuple[int, int, int, int]] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += piece[2] - piece[1]
        if size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _pieces(structure: Structure, sections: list[int]) -> Iterator[tuple[int, int, int, int]]:
    """(section, start, end, token offset) pieces of at most CHUNK_CHARS, cut at white space."""
    text = structure.text
    for index in sections:
        section = structure.sections[index]
        start = section.start
        base = 0
        while start < section.end:
            end = min(section.end, start + CHUNK_CHARS)
            if end < section.end:
                cut = text.rfind(" ", start, end)
                end = cut if cut > start else end
            yield index, start, end, base
            base += 100_000  # tokens of different pieces are never "near" each other
            start = end


@dataclass(frozen=True)
class Match:
    """The hits that satisfied a pattern (none for `not`).

    `evidence` are the hits worth quoting: for `near`, its first child's hit (the others
    only place it) or, when `ordered`, all of them; for `all`, those of every child.
    """

    hits: tuple[Hit, ...]
    evidence: tuple[Hit, ...]


def evaluate(
    pattern: Pattern, hits: SectionHits, family: frozenset[str] | None = None
) -> Match | None:
    """The hits satisfying `pattern` in one section, or None when it does not match.

    A hit lying inside a longer hit of another term of `family` (by default the pattern's
    own terms) is read as part of that phrase: "a person" in "a person under the age of
    18" is a child, "forced marriage" in "concludes a forced marriage" is an act.
    """
    if not hits:
        return None if pattern.needs_hits() else _evaluate(pattern, hits, frozenset())
    bits = hits.term_bits  # `could_match`, inline: it is asked of every section
    for mask in _required_bits(pattern.required_terms()):
        if not bits & mask:
            return None  # a term it needs is absent: most evaluations end here, in a step
    return _evaluate(pattern, hits, family if family is not None else pattern.term_set())


def could_match(pattern: Pattern, hits: SectionHits) -> bool:
    """False when a term `pattern` needs is absent from `hits`, and so from any part of them
    (answered from the terms present: the hits themselves are not read)."""
    bits = hits.term_bits
    return all(bits & mask for mask in _required_bits(pattern.required_terms()))


@functools.lru_cache(maxsize=4096)
def _required_bits(required: tuple[frozenset[str], ...]) -> tuple[int, ...]:
    """Each set of `Pattern.required_terms()` as the bits of its terms."""
    return tuple(sum(map(_TERM_BITS.__getitem__, terms)) for terms in required)


def _evaluate(pattern: Pattern, hits: SectionHits, family: frozenset[str]) -> Match | None:
    if pattern.term is not None:
        found = hits.of(pattern.term)
        if found and len(family) > 1:
            covered = hits.covered(family)
            found = [hit for hit in found if hit not in covered]
        return Match((found[0],), (found[0],)) if found else None
    if pattern.any is not None:
        for child in pattern.any:
            match = _evaluate(child, hits, family)
            if match is not None:
                return match
        return None
    if pattern.all is not None:
        collected: list[Hit] = []
        quoted: list[Hit] = []
        for child in pattern.all:
            match = _evaluate(child, hits, family)
            if match is None:
                return None
            collected.extend(match.hits)
            quoted.extend(match.evidence)
        return Match(tuple(sorted(set(collected))), tuple(sorted(set(quoted))))
    if pattern.not_ is not None:
        return None if _evaluate(pattern.not_, hits, family) is not None else Match((), ())
    assert pattern.near is not None and pattern.within is not None
    return _near(pattern.near, pattern.within, pattern.ordered, hits, family)


def _near(
    children: list[Pattern], within: int, ordered: bool, hits: SectionHits, family: frozenset[str]
) -> Match | None:
    """Every child within `within` tokens of a hit of the first (after it, when `ordered`)."""
    every = []
    for child in children:
        child_hits = _all_hits(child, hits, family)
        if not child_hits:
            return None  # before the covered hits are worked out, which costs a sort
        every.append(child_hits)
    covered = hits.covered(family)
    candidates = [
        sorted(h for h in child_hits if h not in covered) if covered else sorted(child_hits)
        for child_hits in every
    ]
    if not all(candidates):
        return None
    positions = [[h.token for h in found] for found in candidates]
    for anchor in candidates[0]:
        chosen = [anchor]
        previous = anchor.token
        for others, tokens in zip(candidates[1:], positions[1:], strict=True):
            # Each child needs a hit of its own: "recruits" cannot stand for two children.
            low = max(anchor.token - within, previous + 1 if ordered else anchor.token - within)
            first = bisect.bisect_left(tokens, low)
            last = bisect.bisect_right(tokens, anchor.token + within)
            close = [
                h
                for h in others[first:last]
                if not any(h.start < c.end and c.start < h.end for c in chosen)
            ]
            if not close:
                break
            chosen.append(min(close, key=lambda h: abs(h.token - anchor.token)))
            previous = chosen[-1].token
        else:
            found = tuple(sorted(set(chosen)))
            # An ordered near reads as a phrase ("recruits ... a woman"): quote all of it.
            return Match(found, found if ordered else (anchor,))
    return None


def _all_hits(pattern: Pattern, hits: SectionHits, family: frozenset[str]) -> list[Hit]:
    """Every hit a leaf-or-`any` pattern could use (for `near`); other patterns give their match."""
    if pattern.term is not None:
        return list(hits.of(pattern.term))
    if pattern.any is not None:
        return [hit for child in pattern.any for hit in _all_hits(child, hits, family)]
    match = _evaluate(pattern, hits, family)
    return list(match.hits) if match else []
