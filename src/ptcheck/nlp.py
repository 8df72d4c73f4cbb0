"""The spaCy side: blank tokenizers and checklist phrases expanded to every inflection.

No statistical model is used (none can be downloaded). Instead each phrase of a checklist
is expanded once to all its surface forms with the lemma tables of spacy-lookups-data
(inverse lookup), the spelling variants of `lexeme_norm` (harbour/harbor) and, for
English, regular suffixes; the forms are then matched case-insensitively on the
`LOWER` attribute by a PhraseMatcher. That gives the matches of lemma matching without
lemmatising the document, which is the slow part of a spaCy pipeline.

A word written `=word` in a checklist is matched as written (and its spelling variants)
but not inflected: `=force` finds "force" and not "forced".
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources
from typing import Any

MAX_FORMS_PER_PHRASE = 256


@functools.lru_cache(maxsize=8)
def blank_pipeline(language: str) -> Any:
    """A blank spaCy pipeline (tokenizer only) for `language`."""
    import spacy

    nlp = spacy.blank(language)
    nlp.max_length = 2_000_000
    return nlp


@functools.lru_cache(maxsize=8)
def _tables(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """(lemma lookup, spelling norm) tables of spacy-lookups-data; empty when none ship."""
    return _table(f"{language}_lemma_lookup"), _table(f"{language}_lexeme_norm")


def _table(name: str) -> dict[str, str]:
    try:
        data = resources.files("spacy_lookups_data") / "data" / f"{name}.json.gz"
        with data.open("rb") as raw, gzip.open(raw) as unzipped:
            table = json.load(unzipped)
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}


class FormExpander:
    """Expands words to the surface forms that share their lemma, for one language."""

    def __init__(self, language: str, words: Iterable[str]) -> None:
        self.language = language
        lemmas, norms = _tables(language)
        self.lemmas = lemmas
        wanted = {self.lemma(word) for word in words}
        self.by_lemma: dict[str, set[str]] = defaultdict(set)
        for form, lemma in lemmas.items():
            lemma = lemma.lower()
            if lemma in wanted:
                self.by_lemma[lemma].add(form.lower())
        self.variants: dict[str, set[str]] = defaultdict(set)
        for form, norm in norms.items():
            self.variants[form.lower()].add(norm.lower())
            self.variants[norm.lower()].add(form.lower())

    def lemma(self, word: str) -> str:
        """The lemma of `word`, lower case (the word itself when the table lacks it)."""
        lower = word.lower()
        return str(self.lemmas.get(lower) or self.lemmas.get(word) or lower).lower()

    def forms(self, word: str, guess: bool = True) -> set[str]:
        """Every surface form of `word` (lower case).

        For a word the lemma table does not know, regular English suffixes are guessed
        when `guess` is true.
        """
        exact = word.startswith("=") and len(word) > 1
        word = word.lstrip("=").lower() if exact else word.lower()
        if (
            exact
            or not any(c.isalpha() for c in word)
            or word in _UNINFLECTED.get(self.language, ())
        ):
            found = {word}
        else:
            lemma = self.lemma(word)
            found = {word, lemma} | self.by_lemma.get(lemma, set())
            if guess and self.language == "en" and len(found) == 1:
                # A word the table does not know: regular suffixes.
                found |= _english_inflections(word)
        for form in list(found):
            found |= self.variants.get(form, set())
        return found


_UNINFLECTED = {
    "en": frozenset(
        (
            "the of and or to a an in on by for with under below less than any another from into"
            " out is be not no as at if that this who which whether its their his her other others"
            " such one over upon within without across between"
        ).split()
    ),
    "es": frozenset("el la los las de del y o a en por con que un una se al su sus".split()),
}


def _english_inflections(word: str) -> set[str]:
    """Regular English suffixes, for words the lemma table does not list."""
    if len(word) < 3 or not word.isalpha():
        return set()
    if word.endswith("y") and word[-2] not in "aeiou":
        return {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    if word.endswith("e"):
        return {word + "s", word + "d", word[:-1] + "ing"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return {word + "es", word + "ed", word + "ing"}
    return {word + "s", word + "ed", word + "ing"}


def expand_phrase(phrase: str, expander: FormExpander, nlp: Any) -> list[tuple[str, ...]]:
    """All token sequences (lower case) a phrase can take; short words are not inflected."""
    words = [token.text for token in nlp.make_doc(phrase.strip()) if not token.is_space]
    words = _rejoin_markers(words)
    options = []
    for position, word in enumerate(words):
        written = word.lstrip("=").lower()
        # Suffixes are guessed for the head (last) word only: the others of a phrase are
        # mostly adjectives and particles ("similar", "under"), whose guesses are noise.
        guess = position == len(words) - 1
        others = sorted(expander.forms(word, guess) - {written}) if len(written) > 2 else []
        options.append([written, *others])  # the phrase as written always comes first
    combos = itertools.islice(itertools.product(*options), MAX_FORMS_PER_PHRASE)
    return [tuple(combo) for combo in combos]


def _rejoin_markers(words: list[str]) -> list[str]:
    """The tokenizer splits "=force" into "=" and "force"; put them back together."""
    joined: list[str] = []
    marker = False
    for word in words:
        if word == "=":
            marker = True
            continue
        joined.append(f"={word}" if marker else word)
        marker = False
    return joined
