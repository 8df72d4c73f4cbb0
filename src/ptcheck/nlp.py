"""The spaCy side: blank tokenizers and checklist phrases expanded to every inflection.

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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from ptcheck.cache import (
    ENGINE,
    cache_path,
    compiled_form,
    from_compiled_form,
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


_TOKENIZER_EXPRESSIONS = (
    "prefix_search",
    "suffix_search",
    "infix_finditer",
    "token_match",
    "url_match",
)


def tokenizer(language: str) -> Any:
    """The tokenizer of `language`'s blank pipeline, with all its special cases."""
    return tokenizer_for(language, None)


# Past this many characters, adding every special case (English's 1,347 take 48 ms) costs
# less than finding those the text holds (1 MB of a code, a new number in every line: 141 ms).
ALL_CASES_FROM = 250_000
_DEFERRED: dict[str, dict[str, Any]] = {}  # special cases not yet added, by language
_CASE_STRINGS: dict[str, tuple[frozenset[str], int, tuple[str, ...]]] = {}  # see _cases_in
_CASES_IN_CHUNK: dict[str, dict[str, tuple[str, ...]]] = {}  # by language: chunk -> cases
_CHUNKS_REMEMBERED = 100_000


def tokenizer_for(language: str, text: str | None) -> Any:
    """The tokenizer of `language`, with at least the special cases that occur in `text`
    (all of them when `text` is None or long).

    A special case ("don't" -> "do", "n't") changes the tokens only where its string
    occurs in the text, so leaving out the others splits the text as spaCy does; a short
    document no longer waits for English's 1,347 cases to be added.
    """
    built = _base_tokenizer(language)
    pending = _DEFERRED.get(language)
    if pending:
        if text is None or len(text) > ALL_CASES_FROM:
            needed = sorted(pending)
        else:
            needed = sorted(key for key in _cases_in(language, text) if key in pending)
        for key in needed:
            built.add_special_case(key, pending.pop(key))
    return built


def _cases_in(language: str, text: str) -> set[str]:
    """The strings of `language`'s special cases that occur in `text`.

    A string without white space can only occur inside a chunk (a run without it), and a
    batch meets the same chunks again and again: each chunk's substrings are looked up once
    and remembered. Asking `case in text` of each of English's 1,347 cases took 1.5 ms a
    document, 12 % of a batch of 500 short laws.
    """
    cases, longest, spaced = _CASE_STRINGS[language]
    remembered = _CASES_IN_CHUNK.setdefault(language, {})
    if len(remembered) > _CHUNKS_REMEMBERED:
        remembered.clear()
    found = {case for case in spaced if case in text}
    for chunk in set(text.split()):
        held = remembered.get(chunk)
        if held is None:
            size = len(chunk)
            pieces = {
                chunk[i:j] for i in range(size) for j in range(i + 1, min(size, i + longest) + 1)
            }
            held = remembered[chunk] = tuple(pieces & cases)
        found.update(held)
    return found


_CACHED_CHUNKS = 200_000  # the tokenizer's cache holds at most this many chunks
# id(tokenizer) -> (its rule count, the chunks warmed, the other chunks met once)
_WARMED: dict[int, tuple[int, set[str], set[str]]] = {}


def warm_cache(tokenizer: Any, texts: list[str]) -> None:
    """Put the tokens of the chunks (space-separated) of `texts` in spaCy's cache, from
    documents that hold nothing but chunks not seen before.

    spaCy stops caching a document's chunks after its first special case (the flag is per
    document): in a statute, where "—", "’s" or a double space comes in the first lines,
    nearly every chunk was split by the affix expressions again, 18 times slower than a
    cache hit. A chunk's tokens do not depend on what is around it, so filling the cache
    this way changes the time only. Plain words (no special case among them) go a thousand
    to a document; any other chunk goes on its own, and only when it occurs again, in these
    texts or in those of an earlier call (once, warming it would cost what it saves). Adding
    a special case empties the cache, so the chunks warmed are tracked per rule count.

    In a batch, documents share their words: of 500 short laws read a second time, 31,574
    chunks were split again without this, 400 with it (13 % of the analysis). A single
    document of 10 to 100 KB takes the same time either way.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text.split())
    rules = tokenizer.rules
    count, seen, met = _WARMED.get(id(tokenizer), (len(rules), set(), set()))
    if count != len(rules):
        seen = set()
    if len(met) > _CACHED_CHUNKS:
        met = set()
    tokenizer.max_cache_size = max(tokenizer.max_cache_size, _CACHED_CHUNKS)
    words: list[str] = []
    others: list[str] = []
    for chunk, times in counts.items():
        if chunk in seen:
            continue
        if chunk.isalnum() and chunk not in rules:
            words.append(chunk)
        elif times > 1 or chunk in met:
            others.append(chunk)
        else:
            met.add(chunk)
    room = max(0, _CACHED_CHUNKS - len(seen))
    words = words[:room]
    others = others[: max(0, room - len(words))]
    for at in range(0, len(words), 1000):
        tokenizer(" ".join(words[at : at + 1000]))
    for chunk in others:
        tokenizer(chunk)
    seen.update(words)
    seen.update(others)
    _WARMED[id(tokenizer)] = (len(rules), seen, met)


def forget_tokenizers() -> None:
    """Drop the tokenizers built so far (tests: the next one is built or restored again)."""
    _BUILT.clear()
    _RECIPES.clear()
    _DEFERRED.clear()
    _CASES_IN_CHUNK.clear()
    _WARMED.clear()


# A tokenizer keeps every word it has met in its vocabulary, about 500 bytes each: a batch
# worker reading thousands of laws, each with numbers and names of its own, grew without
# end, and a long code holds a new number in every line. Past this many words, the
# tokenizer is made anew before the next document or batch of sections (2 to 5 ms).
VOCABULARY_LIMIT = 50_000
_BUILT: dict[str, Any] = {}  # the tokenizer of each language
_RECIPES: dict[str, tuple[bytes, dict[str, Any]]] = {}  # what each was made from


def _base_tokenizer(language: str) -> Any:
    """`language`'s tokenizer on a vocabulary of its own (see `_detached`); its special
    cases are added when a text needs them (see `tokenizer_for`)."""
    built = _BUILT.get(language)
    if built is None:
        recipe = _RECIPES.get(language)
        built = _detached(language, *recipe) if recipe else _restored_or_built(language)
        _BUILT[language] = built
    return built


def renew_grown_tokenizer(language: str, limit: int | None = None) -> None:
    """Make `language`'s tokenizer anew, from what it was made of, when it has learned more
    than `limit` words (VOCABULARY_LIMIT by default). A word's tokens do not depend on the
    words learned before it, so this changes memory only."""
    built = _BUILT.get(language)
    if built is not None and len(built.vocab) > (VOCABULARY_LIMIT if limit is None else limit):
        _WARMED.pop(id(built), None)
        del _BUILT[language]


def release_freed_memory() -> None:
    """Give back to the system the memory C code freed but the C library kept.

    spaCy's documents and vocabularies are allocated by the C library, outside Python's
    allocator: after the tokenizer of a long document is dropped, glibc keeps the pages it
    freed, scattered among live ones, and Python's objects made later do not all reuse them
    (a 10 MB code peaked 9 to 16 MB higher without this). Elsewhere than glibc, nothing.
    """
    import ctypes  # only here: most runs read no long document

    with contextlib.suppress(OSError, AttributeError):  # not glibc: no malloc_trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _restored_or_built(language: str) -> Any:
    """`language`'s tokenizer, kept in the cache folder between runs.

    Building it compiles the language's regular expressions, and French's exceptions make
    one of 1.4 MB: 2.7 s at every start. The cache holds the tokenizer's settings and the
    compiled form of each expression, keyed by the versions of Python's regular expression
    engine and of spaCy; whatever cannot be restored is built again.
    """
    key = [language, version("spacy"), ENGINE]
    path = cache_path("tokenizer", language, key)
    if path is not None:
        stored = read_cached(path)
        if stored is not None:
            with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError, RuntimeError):
                searches = {}
                for name, form in stored["expressions"].items():
                    method = "finditer" if name == "infix_finditer" else name.split("_")[-1]
                    searches[name] = getattr(from_compiled_form(form), method)
                settings = bytes.fromhex(stored["settings"])
                restored = _detached(language, settings, searches)
                _RECIPES[language] = (settings, searches)
                return restored
    built = blank_pipeline(language).tokenizer
    settings = built.to_bytes(exclude=_TOKENIZER_EXPRESSIONS)
    searches = {name: getattr(built, name) for name in _TOKENIZER_EXPRESSIONS}
    if path is not None:
        # A Python whose `re` internals differ stores nothing: the tokenizer is built each time.
        with contextlib.suppress(TypeError, ValueError, AttributeError, ImportError):
            compiled = {
                name: compiled_form(search.__self__)
                for name, search in searches.items()
                if search is not None
            }
            store(path, {"settings": settings.hex(), "expressions": compiled})
    _RECIPES[language] = (settings, searches)
    return _detached(language, settings, searches)


def _detached(language: str, settings: bytes, searches: dict[str, Any]) -> Any:
    """A tokenizer with these settings and affix searches, on a vocabulary of its own whose
    words get only their lower-case form; its special cases wait in `_DEFERRED`.

    Matching reads nothing of a word but its lower-case form (and its offset and length,
    which every token has). A new word otherwise gets some twenty attributes, each from
    a Python function (shape, stop word, "like a number"...): a word not seen before took
    22-25 µs to tokenize, 13-17 µs with its lower-case form only, and a code has a new
    number in every line. The pipeline that expands phrases keeps its whole vocabulary.
    """
    import srsly  # type: ignore[import-untyped]
    from spacy.attrs import LOWER
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.vocab import create_vocab

    loaded = srsly.msgpack_loads(settings)
    vocab = create_vocab(language, Language.Defaults)
    vocab.from_bytes(loaded["vocab"])
    vocab.lex_attr_getters = {LOWER: vocab.lex_attr_getters[LOWER]}  # type: ignore[attr-defined]
    made = Tokenizer(vocab, faster_heuristics=loaded["faster_heuristics"], **searches)
    _DEFERRED[language] = dict(loaded["exceptions"])
    strings = list(_DEFERRED[language])
    solid = frozenset(case for case in strings if not any(c.isspace() for c in case))
    spaced = tuple(sorted(set(strings) - solid))
    _CASE_STRINGS[language] = (solid, max(map(len, solid), default=0), spaced)
    return made


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
