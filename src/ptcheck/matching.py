"""Find checklist terms in a statute and evaluate boolean patterns over them.

Terms are found once per document, section by section, by a phrase index over the
lower-cased tokens the scanner makes (spaCy's tokenizer rules, see `scanner`), and kept
as columns of numbers (see `hits`). Patterns (`term`, `any`, `all`, `not`, `near`) are
then evaluated over the hits of one section, the unit in which a statute's lead-in and
its listed paragraphs are read together, by reading those columns: a `Hit` is made only
for what a match quotes. Most evaluations end on the terms a section holds (its term
bits), without reading a hit.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ptcheck.cache import cached_tables
from ptcheck.checklist import Checklist, Pattern
from ptcheck.hits import (
    END,
    START,
    TERM_NUMBERS,
    WIDE,
    Hit,
    SectionHits,
    forget_shared_bits,
    term_bit,
)
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
# Punctuation, read as a space where words are looked up. A substitution over this class
# of characters is 4 times faster than str.translate on a text that is not all ASCII.
_PUNCTUATION = re.compile(
    "["
    + re.escape("".join(c for c in map(chr, range(0x2070)) if not (c.isalnum() or c.isspace())))
    + "]"
)


_MATCH_ORDER = operator.itemgetter(1, 2, 0)  # a match's first token, end token and term


def _flat(text: str, clitics: re.Pattern[str] | None = None) -> str:
    """`text` with a space for each line break, tab and form feed, and for each hyphen
    before a clitic pronoun (see `clitic_hyphen`); offsets unchanged.

    A line break inside a run of text would make it a run the scanner has not met.
    """
    for mark in "\n\t\r\f\v":
        text = text.replace(mark, " ")
    return text if clitics is None else clitics.sub(" ", text)


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
        self.term_names = sorted(phrases)
        self.term_numbers = {name: TERM_NUMBERS[name] for name in self.term_names}
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
        forget_shared_bits()
        pieces = list(_pieces(structure, self._relevant_sections(structure)))
        text = structure.text
        clitics = clitic_hyphen(self.language)
        scan = scanner(self.language)
        number_of = self.term_numbers
        # Four columns of machine integers as the hits are found (a list would hold an int
        # object of 32 bytes for each number), then one array (see `SectionHits`).
        code = "q" if len(text) >= WIDE else "i"
        starts, ends, tokens, terms = (array(code) for _ in range(4))
        # Each section's first and past-last row (-1: none), a section's pieces coming
        # together: machine integers, not a list per section.
        bounds = array("q", [-1]) * (2 * len(structure.sections))
        for batch in _batches(pieces):
            # Made flat batch by batch: no copy of all of a long text is kept.
            low = batch[0][1]
            flat = _flat(text[low : batch[-1][2]], clitics)
            for section, start, end, base in batch:
                found = scan.tokens(flat[start - low : end - low])
                matches = self.index.matches(found.lowers)
                if not matches:
                    continue
                # In the order of their `Hit`s (start, end, term): every view of a section
                # holds its hits in order.
                matches.sort(key=_MATCH_ORDER)
                begins, lengths = found.starts, found.lengths
                starts.extend([start + begins[first] for _, first, _ in matches])
                ends.extend([start + begins[e - 1] + lengths[e - 1] for _, _, e in matches])
                tokens.extend([base + first for _, first, _ in matches])
                terms.extend([number_of[name] for name, _, _ in matches])
                if bounds[2 * section] < 0:
                    bounds[2 * section] = len(terms) - len(matches)
                bounds[2 * section + 1] = len(terms)
        stride = len(terms)
        data = starts
        for column in (ends, tokens, terms):
            data.extend(column)
        del ends, tokens, terms
        return [
            SectionHits(i, data, stride, max(bounds[2 * i], 0), max(bounds[2 * i + 1], 0))
            for i in range(len(structure.sections))
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


class Match(NamedTuple):
    """The hits that satisfied a pattern (none for `not`), by position in `view` (a tuple:
    made three times as fast as a frozen dataclass, and one is made per match).

    `quoted` are the hits worth quoting: for `near`, its first child's hit (the others
    only place it) or, when `ordered`, all of them; for `all`, those of every child.
    """

    view: SectionHits
    positions: tuple[int, ...]
    quoted: tuple[int, ...]

    @property
    def evidence(self) -> tuple[Hit, ...]:
        """The hits worth quoting, made."""
        return tuple(map(self.view.hit, self.quoted))


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
    return tuple(sum(map(term_bit, terms)) for terms in required)


def _evaluate(pattern: Pattern, hits: SectionHits, family: frozenset[str]) -> Match | None:
    if pattern.term is not None:
        found: Sequence[int] = hits.positions(TERM_NUMBERS[pattern.term])
        if found and len(family) > 1:
            covered = hits.covered_positions(family)
            if covered is not None:
                found = [at for at in found if not covered[at]]
        return Match(hits, (found[0],), (found[0],)) if found else None
    if pattern.any is not None:
        for child in pattern.any:
            match = _evaluate(child, hits, family)
            if match is not None:
                return match
        return None
    if pattern.all is not None:
        collected: list[int] = []
        quoted: list[int] = []
        for child in pattern.all:
            match = _evaluate(child, hits, family)
            if match is None:
                return None
            collected.extend(match.positions)
            quoted.extend(match.quoted)
        return Match(hits, _distinct_in_order(hits, collected), _distinct_in_order(hits, quoted))
    if pattern.not_ is not None:
        return None if _evaluate(pattern.not_, hits, family) is not None else Match(hits, (), ())
    assert pattern.near is not None and pattern.within is not None
    return _near(pattern.near, pattern.within, pattern.ordered, hits, family)


def _in_order(hits: SectionHits, positions: list[int]) -> list[int]:
    """Positions sorted in the `Hit` order of their hits (stably)."""
    return sorted(positions) if hits.ordered else sorted(positions, key=hits.sort_key)


def _distinct_in_order(hits: SectionHits, positions: list[int]) -> tuple[int, ...]:
    """One position for each distinct hit, in `Hit` order (a view given out of order may
    hold a hit twice: a limb's lead-in, and the same words beyond the limb)."""
    if hits.ordered:
        return tuple(sorted(set(positions)))
    first = {hits.sort_key(at): at for at in reversed(positions)}
    return tuple(first[key] for key in sorted(first))


def _near(
    children: list[Pattern], within: int, ordered: bool, hits: SectionHits, family: frozenset[str]
) -> Match | None:
    """Every child within `within` tokens of a hit of the first (after it, when `ordered`)."""
    every = []
    for child in children:
        child_hits = _all_positions(child, hits, family)
        if not child_hits:
            return None  # before the covered hits are worked out, which costs a sort
        every.append(child_hits)
    covered = hits.covered_positions(family)
    candidates = [
        _in_order(hits, [at for at in found if not covered[at]] if covered else found)
        for found in every
    ]
    if not all(candidates):
        return None
    get = hits.data.__getitem__
    start_of, end_of = hits.base(START), hits.base(END)  # where a position's start, end are
    positions = [list(map(hits.token, found)) for found in candidates]
    for anchor, token in zip(candidates[0], positions[0], strict=True):
        chosen = [anchor]
        previous = token
        for others, near in zip(candidates[1:], positions[1:], strict=True):
            # Each child needs a hit of its own: "recruits" cannot stand for two children.
            lowest = max(token - within, previous + 1) if ordered else token - within
            first = bisect.bisect_left(near, lowest)
            last = bisect.bisect_right(near, token + within)
            close = [
                (abs(near[index] - token), index)
                for index in range(first, last)
                if not any(
                    get(start_of + others[index]) < get(end_of + at)
                    and get(start_of + at) < get(end_of + others[index])
                    for at in chosen
                )
            ]
            if not close:
                break
            index = min(close)[1]  # the closest; of two as close, the first
            chosen.append(others[index])
            previous = near[index]
        else:
            found = _distinct_in_order(hits, chosen)
            # An ordered near reads as a phrase ("recruits ... a woman"): quote all of it.
            return Match(hits, found, found if ordered else (anchor,))
    return None


def _all_positions(pattern: Pattern, hits: SectionHits, family: frozenset[str]) -> list[int]:
    """Every hit a leaf-or-`any` pattern could use (for `near`); other patterns give their match."""
    if pattern.term is not None:
        return list(hits.positions(TERM_NUMBERS[pattern.term]))
    if pattern.any is not None:
        return [at for child in pattern.any for at in _all_positions(child, hits, family)]
    match = _evaluate(pattern, hits, family)
    return list(match.positions) if match else []
