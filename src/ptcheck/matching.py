"""Find checklist terms in a statute and evaluate boolean patterns over them.

Terms are found once per document, section by section, by a spaCy PhraseMatcher over
lower-cased tokens. Patterns (`term`, `any`, `all`, `not`, `near`) are then evaluated
over the hits of one section: the unit in which a statute's lead-in and its listed
paragraphs are read together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ptcheck.checklist import Checklist, Pattern
from ptcheck.nlp import FormExpander, blank_pipeline, expand_phrase
from ptcheck.structure import Structure

CHUNK_CHARS = 200_000  # spaCy refuses very long docs; long sections are read in pieces


@dataclass(frozen=True, order=True)
class Hit:
    """One occurrence of a term: character span in the document and token index in its section."""

    start: int
    end: int
    token: int
    term: str
    section: int


class SectionHits:
    """The hits of one section, grouped by term."""

    def __init__(self, section: int, hits: Iterable[Hit]) -> None:
        self.section = section
        self.by_term: dict[str, list[Hit]] = defaultdict(list)
        for hit in hits:
            self.by_term[hit.term].append(hit)

    def has(self, term: str) -> bool:
        """True when the term occurs in this section."""
        return bool(self.by_term.get(term))


class TermMatcher:
    """A PhraseMatcher over every term of a checklist, for one language."""

    def __init__(self, checklist: Checklist, language: str) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.language = language
        self.nlp = blank_pipeline(language)
        phrases = {
            name: by_language.get(language, ())
            for name, by_language in checklist.terms.items()
        }
        words = {w for plist in phrases.values() for p in plist for w in p.replace("=", " ").split()}
        expander = FormExpander(language, words)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.names: dict[int, str] = {}
        for name, plist in phrases.items():
            forms = {combo for phrase in plist for combo in expand_phrase(phrase, expander, self.nlp)}
            if not forms:
                continue
            docs = [Doc(self.nlp.vocab, words=list(combo)) for combo in sorted(forms)]
            key = self.nlp.vocab.strings.add(name)
            self.names[key] = name
            self.matcher.add(name, docs)

    def section_hits(self, structure: Structure) -> list[SectionHits]:
        """The hits of every section of the document, in order."""
        pieces = list(_pieces(structure))
        texts = (structure.text[start:end] for _, start, end, _ in pieces)
        by_section: dict[int, list[Hit]] = defaultdict(list)
        for (section, start, _, token_base), doc in zip(pieces, self.nlp.tokenizer.pipe(texts)):
            for key, first, last in self.matcher(doc):
                span = doc[first:last]
                by_section[section].append(
                    Hit(start + span.start_char, start + span.end_char, token_base + first,
                        self.names[key], section)
                )
        return [SectionHits(index, sorted(by_section[index])) for index in range(len(structure.sections))]


def _pieces(structure: Structure) -> Iterator[tuple[int, int, int, int]]:
    """(section, start, end, token offset) pieces of at most CHUNK_CHARS, cut at white space."""
    text = structure.text
    for index, section in enumerate(structure.sections):
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


def evaluate(pattern: Pattern, hits: SectionHits) -> Match | None:
    """The hits satisfying `pattern` in one section, or None when it does not match."""
    if pattern.term is not None:
        found = hits.by_term.get(pattern.term)
        return Match((found[0],), (found[0],)) if found else None
    if pattern.any is not None:
        for child in pattern.any:
            match = evaluate(child, hits)
            if match is not None:
                return match
        return None
    if pattern.all is not None:
        collected: list[Hit] = []
        quoted: list[Hit] = []
        for child in pattern.all:
            match = evaluate(child, hits)
            if match is None:
                return None
            collected.extend(match.hits)
            quoted.extend(match.evidence)
        return Match(tuple(sorted(set(collected))), tuple(sorted(set(quoted))))
    if pattern.not_ is not None:
        return None if evaluate(pattern.not_, hits) is not None else Match((), ())
    assert pattern.near is not None and pattern.within is not None
    return _near(pattern.near, pattern.within, pattern.ordered, hits)


def _near(children: list[Pattern], within: int, ordered: bool, hits: SectionHits) -> Match | None:
    """Every child within `within` tokens of a hit of the first (after it, when `ordered`)."""
    candidates = [sorted(_all_hits(child, hits)) for child in children]
    if any(not found for found in candidates):
        return None
    for anchor in candidates[0]:
        chosen = [anchor]
        previous = anchor.token
        for others in candidates[1:]:
            # Each child needs a hit of its own: "recruits" cannot stand for two children.
            taken = {(h.start, h.end) for h in chosen}
            close = [
                h for h in others
                if abs(h.token - anchor.token) <= within
                and (not ordered or h.token > previous)
                and not any(h.start < t_end and t_start < h.end for t_start, t_end in taken)
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


def _all_hits(pattern: Pattern, hits: SectionHits) -> list[Hit]:
    """Every hit a leaf-or-`any` pattern could use (for `near`); other patterns give their match."""
    if pattern.term is not None:
        return list(hits.by_term.get(pattern.term, ()))
    if pattern.any is not None:
        return [hit for child in pattern.any for hit in _all_hits(child, hits)]
    match = evaluate(pattern, hits)
    return list(match.hits) if match else []
