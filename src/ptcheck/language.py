"""Language packs: what ptcheck knows about how each language writes its statutes.

A pack is a YAML file in `languages/` (one per language, e.g. `fr.yaml`; shipped inside the
installed package as `ptcheck/languages/`): the words
that label articles and divisions, how provisions are cited and how a law refers to
itself, how definitions are worded, the offence and penalty formulas, the function words
used to recognise the language, the words never inflected, sentence rules and number
words. The code reads packs; adding a language is adding a pack (and its checklist terms).

`detection.yaml` holds the function words of languages without a pack, so that a text in
one of them is reported as unsupported instead of being read as the nearest supported one.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ptcheck.cache import cached_tables
from ptcheck.errors import PtcheckError

MIN_FUNCTION_WORD_SHARE = 0.08  # below this share of function words, the language is unknown
DETECTION_CHARS = 20_000
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

Words = list[Annotated[str, Field(min_length=1)]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SuffixRule(_Strict):
    """Forms guessed for a word the lemma table lacks: `{stem}` is the word less `ending`."""

    ending: str = ""
    not_after: str = ""  # the rule does not apply when the letter before `ending` is one of these
    forms: Words
    always: Literal["true", "false"] = "false"  # also for words the table knows (gaps in it)


class Labels(_Strict):
    """Words that open provisions and divisions, matched case- and accent-insensitively."""

    article: Words  # "Article", "Art.", "Artículo", "§": a top-level provision
    section: Words = []  # "Section", "Sec.", "s.": the same, common-law style
    paragraph: Words = []  # "§" inside an article (Brazil), "Parágrafo"
    division: Words  # "Part", "Chapitre", "Abschnitt": attach to what follows
    number_suffixes: Words = []  # ordinals and Latin suffixes: "bis", "º", "er"
    reference_followers: Words = []  # "Section 4 applies ...": a line citing, not opening


class Definitions(_Strict):
    """How definitions are worded; `{term}` stands for the defined term."""

    formulas: Words  # "{term} means", "se entiende por {term}", "{term} im Sinne dieses"
    leads: Words  # "for the purposes of", "aux fins de": an interpretation provision
    headings: Words  # "Definitions", "Définitions": a definitions section


class LanguagePack(_Strict):
    """Everything language-specific that ptcheck's mechanisms read."""

    code: str = Field(pattern=r"^[a-z]{2,3}$")
    name: str = Field(min_length=1)
    function_words: Words = Field(min_length=10)
    uninflected: Words = []
    guessed_suffixes: list[SuffixRule] = []
    labels: Labels
    citation_words: Words  # words that cite a provision: "section", "article", "§"
    self_references: Words  # "this Act", "la présente loi", "dieses Gesetzes"
    definitions: Definitions
    abbreviations: Words = []  # a full stop after these does not end a sentence
    clitics: Words = []  # pronouns joined by a hyphen ("remover-lhe"): split off the verb
    numbers: dict[str, Words] = {}  # "18": [eighteen]; `{18}` in a phrase takes each
    terms: dict[str, Words] = {}  # vocabulary a checklist can take (`language_terms`)
    # The word that joins the last items of a list of alternatives ("(b) ...; or (c) ..."):
    # lettered items joined by it are limbs of their own; otherwise they are read together.
    disjunctions: Words = []


class DetectionProfile(_Strict):
    """Function words of a language ptcheck has no pack for."""

    code: str
    name: str
    function_words: Words = Field(min_length=10)


class UnsupportedLanguage(PtcheckError):
    """A document in a language without a pack (or not in the checklist)."""


def packs_folder() -> Path:
    """The bundled packs: inside the installed package, or the source tree's `languages/`."""
    packaged = resources.files("ptcheck") / "languages"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "languages"


def _strings(name: str) -> Any:
    """A pack file with every scalar read as a string ("no" and "on" are words, not booleans).

    Read back from the cache when the same bytes were read before: importing PyYAML and
    parsing the packs cost a one-page analysis about 25 ms at every start.
    """
    raw = (packs_folder() / name).read_bytes()

    def parsed() -> dict[str, Any]:
        import yaml

        loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # libyaml's: 10x faster
        return {"data": yaml.load(raw.decode("utf-8"), Loader=loader)}

    stored = cached_tables("pack", Path(name).stem, hashlib.sha256(raw).hexdigest(), parsed)
    return stored["data"] if "data" in stored else parsed()["data"]


@functools.lru_cache(maxsize=1)
def pack_codes() -> tuple[str, ...]:
    """The codes of every bundled pack, sorted."""
    names = (entry.name for entry in packs_folder().iterdir())
    return tuple(sorted(n[:-5] for n in names if n.endswith(".yaml") and n != "detection.yaml"))


@functools.lru_cache(maxsize=16)
def load_pack(code: str) -> LanguagePack:
    """The bundled pack for `code` (a PtcheckError when there is none)."""
    if code not in pack_codes():
        raise UnsupportedLanguage(
            f"no language pack for {code!r}; supported: {', '.join(pack_codes())}"
        )
    return LanguagePack.model_validate(_strings(f"{code}.yaml"))


@functools.lru_cache(maxsize=1)
def _profiles() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(code, name, function words) of every language detection knows, packs first."""
    profiles = [(p.code, p.name, frozenset(p.function_words)) for p in map(load_pack, pack_codes())]
    others = _strings("detection.yaml")
    for entry in others:
        profile = DetectionProfile.model_validate(entry)
        profiles.append((profile.code, profile.name, frozenset(profile.function_words)))
    return tuple(profiles)


@functools.lru_cache(maxsize=1)
def _listed_by() -> dict[str, tuple[tuple[int, int], ...]]:
    """Each function word -> (position of a profile listing it, its weight there): 2 when
    that profile alone lists it, 1 when others do too."""
    profiles = _profiles()
    counts = Counter(w for _, _, words in profiles for w in words)
    listed: dict[str, list[tuple[int, int]]] = {}
    for position, (_, _, words) in enumerate(profiles):
        for word in words:
            listed.setdefault(word, []).append((position, 2 if counts[word] == 1 else 1))
    return {word: tuple(places) for word, places in listed.items()}


@functools.lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """Code -> English name of every language detection knows."""
    return {code: name for code, name, _ in _profiles()}


def detect(text: str) -> tuple[str, float]:
    """(code, share) of the language whose function words are most frequent.

    Every token of the first 20,000 characters counts once for each profile listing it
    (a word of its own counts double, so that Catalan is not read as Spanish nor
    Portuguese as Galician); the share is the winner's function words over all words.
    """
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text[:DETECTION_CHARS])]
    if not words:
        return "", 0.0
    profiles = _profiles()
    hits = [0] * len(profiles)
    scores = [0] * len(profiles)
    listed_by = _listed_by()
    for word, times in Counter(words).items():
        for position, weight in listed_by.get(word, ()):
            hits[position] += times
            scores[position] += times * weight
    best, best_score, best_share = "", -1, 0.0
    for (code, _, _), score, found in zip(profiles, scores, hits, strict=True):
        if score > best_score:  # the first of equals, in the profiles' order
            best, best_score, best_share = code, score, found / len(words)
    return best, best_share


def choose_language(text: str, path: str, available: list[str], forced: str | None) -> str:
    """The language to read `text` in: `forced`, or the detected one if ptcheck supports it.

    Raises UnsupportedLanguage (exit 2) when the text is in a language without a pack, or
    one the checklist has no terms for.
    """
    supported = [code for code in pack_codes() if code in available]
    if forced:
        if forced not in supported:
            raise UnsupportedLanguage(
                f"{path}: language {forced!r} not supported; supported: {', '.join(supported)}"
            )
        return forced
    code, share = detect(text)
    if code in supported and share >= MIN_FUNCTION_WORD_SHARE:
        return code
    if not code:
        looks = "no words to tell it by"
    elif share >= MIN_FUNCTION_WORD_SHARE:
        looks = f"looks like {language_names()[code]}"
    else:
        looks = "not recognised"
    raise UnsupportedLanguage(
        f"{path}: language not supported ({looks}); supported: {', '.join(supported)};"
        " use --language to force one"
    )


# --------------------------------------------------------------------------- regexes

_ACCENTED: dict[str, str] = {}
for _char in map(chr, range(0xC0, 0x17F)):
    _base = unicodedata.normalize("NFD", _char)[0].lower()
    if _base.isascii() and _base.isalpha():
        _ACCENTED[_base] = _ACCENTED.get(_base, _base) + _char.lower()


def loose(word: str) -> str:
    """A regex for `word`, accent-insensitive, spaces as any white space, "." optional at the end.

    Use with re.IGNORECASE.
    """
    parts: list[str] = []
    for char in word.strip():
        base = unicodedata.normalize("NFD", char)[0].lower()
        if char.isspace():
            parts.append(r"\s+")
        elif base in _ACCENTED:
            parts.append(f"[{_ACCENTED[base]}]")
        elif char in "'’":
            parts.append("['’]")
        else:
            parts.append(re.escape(char))
    pattern = "".join(parts)
    if pattern.endswith(r"\."):
        pattern = pattern[:-2] + r"\.?"
    return pattern


def alternation(words: list[str]) -> str:
    """A non-capturing alternation of `loose` words, longest first (then in alphabetical
    order, so that the same words always give the same expression)."""
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "(?:" + "|".join(loose(w) for w in ordered) + ")"
