"""The spaCy side: blank pipelines, and checklist phrases expanded to every inflection.

No statistical model is used (none can be downloaded). Instead each phrase of a checklist
is expanded once to all its surface forms with the lemma tables of spacy-lookups-data
(inverse lookup), the spelling variants of `lexeme_norm` (harbour/harbor) and the suffixes
the language pack guesses for words the table lacks; the forms are then matched
case-insensitively on the `LOWER` attribute (matching.PhraseIndex). That gives the matches of
lemma matching without lemmatising the document, which is the slow part of a spaCy pipeline.

A word written `=word` in a checklist is matched as written (and its spelling variants)
but not inflected: `=force` finds "force" and not "forced". A number in braces, `{18}`,
stands for the digits and the pack's words for it ("18", "eighteen", "dieciocho").
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from ptcheck.cache import (
    cache_path,
    read_cached,
    store,
    version,
)
from ptcheck.language import LanguagePack, load_pack

MAX_FORMS_PER_PHRASE = 256
_NUMBER_SLOT = re.compile(r"\{(\d+)\}")


@functools.lru_cache(maxsize=8)
def blank_pipeline(language: str) -> Any:
    """A blank spaCy pipeline (tokenizer only) for `language`."""
    import spacy

    nlp = spacy.blank(language)
    nlp.max_length = 2_000_000
    return nlp


@functools.lru_cache(maxsize=8)
def clitic_hyphen(language: str) -> re.Pattern[str] | None:
    """The hyphen joining a verb and a clitic pronoun ("remover-lhe"), where the pack has any.

    The matcher reads it as a space, so the verb is a word of its own, as in "remover os".
    """
    clitics = load_pack(language).clitics
    if not clitics:
        return None
    alternatives = "|".join(sorted(map(re.escape, clitics), key=len, reverse=True))
    return re.compile(rf"-(?<=[^\W\d_]-)(?=(?:{alternatives})\b)", re.IGNORECASE)


@functools.lru_cache(maxsize=8)
def _tables(language: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(lemma lookup, spelling norm) tables of spacy-lookups-data; empty when none ship."""
    return _table(f"{language}_lemma_lookup"), _table(f"{language}_lexeme_norm")


def _table(name: str) -> dict[str, list[str]]:
    """A lookup table, form -> its lemmas (the French table lists several for some forms)."""
    try:
        data = resources.files("spacy_lookups_data") / "data" / f"{name}.json.gz"
        with data.open("rb") as raw, gzip.open(raw) as unzipped:
            table = json.load(unzipped)
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return {}
    if not isinstance(table, dict):
        return {}
    found: dict[str, list[str]] = {}
    for key, value in table.items():
        values = value if isinstance(value, list) else [value]
        lemmas = [v for v in values if isinstance(v, str)]
        if lemmas:
            found[str(key)] = lemmas
    return found


class FormExpander:
    """Expands words to the surface forms that share their lemma, for one language."""

    def __init__(self, language: str, words: Iterable[str]) -> None:
        self.language = language
        self.pack: LanguagePack = load_pack(language)
        self.uninflected = frozenset(self.pack.uninflected)
        lemmas, norms = _tables(language)
        self.lemmas = lemmas
        wanted = {self.lemma(word) for word in words}
        self.by_lemma: dict[str, set[str]] = defaultdict(set)
        for form, of_form in lemmas.items():
            for lemma in of_form:
                lemma = lemma.lower()
                if lemma in wanted:
                    self.by_lemma[lemma].add(form.lower())
        self.variants: dict[str, set[str]] = defaultdict(set)
        for form, of_form in norms.items():
            for norm in of_form:
                self.variants[form.lower()].add(norm.lower())
                self.variants[norm.lower()].add(form.lower())

    def lemma(self, word: str) -> str:
        """The lemma of `word`, lower case (the word itself when the table lacks it)."""
        lower = word.lower()
        return (self.lemmas.get(lower) or self.lemmas.get(word) or [lower])[0].lower()

    def forms(self, word: str, guess: bool = True) -> set[str]:
        """Every surface form of `word` (lower case).

        For a word the lemma table does not know, the pack's suffixes are guessed when
        `guess` is true.
        """
        exact = word.startswith("=") and len(word) > 1
        word = word.lstrip("=").lower() if exact else word.lower()
        if exact or not any(c.isalpha() for c in word) or word in self.uninflected:
            found = {word}
        else:
            lemma = self.lemma(word)
            found = {word, lemma} | self.by_lemma.get(lemma, set())
            found |= self.guessed(word, unknown=guess and len(found) == 1)
        for form in list(found):
            found |= self.variants.get(form, set())
        return found

    def guessed(self, word: str, unknown: bool) -> set[str]:
        """Forms from the first of the pack's suffix rules that fits `word`.

        Rules marked `always` apply to every word (they fill gaps in the lemma table);
        the others only to a word the table does not know (`unknown`).
        """
        if len(word) < 3 or not word.isalpha():
            return set()
        for rule in self.pack.guessed_suffixes:
            if rule.always == "false" and not unknown:
                continue
            before = word[-len(rule.ending) - 1] if len(word) > len(rule.ending) else ""
            if word.endswith(rule.ending) and before not in rule.not_after:
                stem = word[: len(word) - len(rule.ending)]
                return {form.format(stem=stem, word=word) for form in rule.forms}
        return set()


def with_numbers(phrase: str, pack: LanguagePack) -> list[str]:
    """The phrase with each `{18}` replaced by the digits and by each of the pack's words."""
    match = _NUMBER_SLOT.search(phrase)
    if match is None:
        return [phrase]
    number = match[1]
    spelled = [number, *pack.numbers.get(number, ())]
    head, tail = phrase[: match.start()], phrase[match.end() :]
    return [expanded for word in spelled for expanded in with_numbers(head + word + tail, pack)]


def expand_phrase(
    phrase: str, expander: FormExpander, nlp: Any, limit: int = MAX_FORMS_PER_PHRASE
) -> list[tuple[str, ...]]:
    """All token sequences (lower case) a phrase can take, at most MAX_FORMS_PER_PHRASE.

    Short words are not inflected. `ptcheck checklist validate` reports the phrases that
    reach the cap (see `form_count`).
    """
    combos = itertools.islice(itertools.product(*_options(phrase, expander, nlp)), limit)
    return [tuple(combo) for combo in combos]


def form_count(phrase: str, expander: FormExpander, nlp: Any) -> int:
    """How many token sequences the phrase has before the cap."""
    total = 1
    for options in _options(phrase, expander, nlp):
        total *= len(options)
    return total


def _options(phrase: str, expander: FormExpander, nlp: Any) -> list[list[str]]:
    """The forms of each word of a phrase, the word as written first."""
    words = [token.text for token in nlp.make_doc(phrase.strip()) if not token.is_space]
    words = _rejoin_markers(words)
    options = []
    for position, word in enumerate(words):
        written = word.lstrip("=").lower()
        # Suffixes are guessed for the head (last) word only: the others of a phrase are
        # mostly adjectives and particles ("similar", "under"), whose guesses are noise.
        guess = position == len(words) - 1
        others = sorted(expander.forms(word, guess) - {written}) if len(written) > 2 else []
        options.append([written, *others])
    return options


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


Forms = dict[str, set[tuple[str, ...]]]


def forms_key(source: dict[str, Any]) -> list[Any]:
    """What decides the forms of `source`: itself, the cap, and the versions of ptcheck,
    spaCy and spacy-lookups-data."""
    versions = [version(name) for name in ("ptcheck", "spacy", "spacy-lookups-data")]
    return [source, versions, MAX_FORMS_PER_PHRASE]


def cached_forms(source: dict[str, Any], build: Callable[[], Forms]) -> Forms:
    """The forms `build` computes from `source` (the phrases of one checklist in one language
    and its pack), read from the cache when the same source was expanded before.

    The key is a digest of the source and of the versions of ptcheck, spaCy and
    spacy-lookups-data, so any change builds them again. A cache that cannot be read or
    written is skipped: it only saves time (reading a lemma table takes up to 2 s).
    """
    path = cache_path("forms", source.get("language", ""), forms_key(source))
    if path is None:
        return build()
    stored = read_cached(path)
    with contextlib.suppress(AttributeError, TypeError):  # damaged: build it
        if stored is not None:
            return {name: {tuple(form) for form in forms} for name, forms in stored.items()}
    forms = build()
    store(path, {name: sorted(found) for name, found in forms.items()})
    return forms
