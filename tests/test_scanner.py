"""The scanner splits text into the tokens spaCy's tokenizer makes, without spaCy."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from ptcheck import scanner as scanning
from ptcheck.language import pack_codes
from ptcheck.matching import _flat
from ptcheck.nlp import blank_pipeline
from ptcheck.scanner import Scanner, scanner

from .conftest import statutes

# Special cases in English ("do", "n't"; "e.g."; "Mr."), and a smile that is one.
CONTRACTIONS = (
    "1. A person who (don't) recruits, e.g. by threats, can't say he won't— i.e. he's not "
    "acting alone :) at 9 o'clock; Mr. Smith's gov't, \"ain't\" and y'all, (Dec.) etc.\n"
)
# Texts whose tokens depend on more than one run at a time: a Spanish special case holding
# a space, and "]=" (a special case within the run "]=b") that spaCy leaves split because
# ": ]" (another, across the space) is found first.
ACROSS_RUNS = {
    "es": "Los EE. UU. y EE.UU. firmaron.  Dos espacios\xa0y otro.",
    "fr": "a: ]=b, l'exploitation d'autrui, aujourd'hui.",
    "en": "a: ]=b and :) or :-) — \t done",
}


def spacy_tokens(language: str, text: str) -> list[tuple[int, int, str]]:
    """(offset, length, lower-case form) of each token spaCy's tokenizer makes."""
    return [(t.idx, len(t.text), t.lower_) for t in blank_pipeline(language).tokenizer(text)]


def scanned(found: Scanner, text: str) -> list[tuple[int, int, str]]:
    tokens = found.tokens(text)
    return list(zip(tokens.starts, tokens.lengths, tokens.lowers, strict=True))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An empty cache folder, and no scanner made before."""
    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    scanner.cache_clear()
    yield tmp_path
    scanner.cache_clear()


def test_the_scanner_splits_every_statute_as_spacy_does_in_every_language(cache: Path) -> None:
    """Every sample law and corpus statute, as read and as matching makes it flat, tokenized
    by every pack's rules: built from spaCy the first time, then read from the cache."""
    texts = [law.read_text(encoding="utf-8") for law in statutes()]
    texts += [CONTRACTIONS, *ACROSS_RUNS.values()]
    texts += [_flat(text) for text in texts]
    compared = 0
    for language in pack_codes():
        built = scanner(language)
        scanner.cache_clear()
        restored = scanner(language)
        assert restored is not built
        for text in texts:
            expected = spacy_tokens(language, text)
            assert scanned(built, text) == expected, (language, text[:60])
            assert scanned(restored, text) == expected, (language, text[:60])
            compared += len(expected)
    assert len(list(cache.glob("scanner-*.marshal"))) == len(pack_codes())
    assert compared > 100_000


def test_special_cases_across_runs_are_found_as_spacy_finds_them(cache: Path) -> None:
    """The texts that need more than one run at a time do get the tokens that prove it."""
    lowers = {
        language: scanner(language).tokens(text).lowers for language, text in ACROSS_RUNS.items()
    }
    assert "ee. uu." in lowers["es"]
    assert {"]", "="} <= set(lowers["fr"]) and "]=" not in lowers["fr"]
    assert ":)" in lowers["en"] and "]=" not in lowers["en"]
    alone = "]=b"  # the run alone: the special case within it is put in
    assert scanner("en").tokens(alone).lowers == ["]=", "b"]
    assert scanned(scanner("en"), alone) == spacy_tokens("en", alone)


def test_strings_of_special_cases_punctuation_and_spaces_split_as_spacy_splits_them(
    cache: Path,
) -> None:
    """Strings made at random of special cases, punctuation, digits, letters and spaces
    (the same strings every run), in each language."""
    pieces = list("aAé.,;:()[]{}'\"-–—/%$€§º°&*=?!¿¡«»“”’…0123456789  \xa0\t")
    pieces += ["http://x.org", "n't", "'s", "art.", "núm.", "3.º", "10km", "l'", "-ce", "z.B."]
    generator = random.Random(12)
    for language in pack_codes():
        found = scanner(language)
        cases = sorted(found.specials)
        for _ in range(400):
            text = ""
            for _ in range(generator.randint(1, 12)):
                text += generator.choice(cases if generator.random() < 0.3 else pieces)
                text += " " if generator.random() < 0.3 else ""
            assert scanned(found, text) == spacy_tokens(language, text), (language, text)


def test_the_contractions_sample_needs_special_cases(cache: Path) -> None:
    """Without its special cases, English splits the sample otherwise (so leaving a case
    out, or putting one in wrongly, would be seen)."""
    rules = scanning._rules_of("en")
    bare = Scanner({**rules, "specials": {}, "patterns": []})
    with_cases = scanner("en").tokens(CONTRACTIONS).lowers
    assert {"do", "n't", "ca", "e.g.", "mr.", ":)"} <= set(with_cases)
    assert bare.tokens(CONTRACTIONS).lowers != with_cases


def test_the_runs_remembered_are_bounded_and_forgetting_changes_no_token(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A code brings a new number in every line: the scanner keeps at most
    CHUNKS_REMEMBERED runs and one text's more, and forgetting them changes no token."""
    monkeypatch.setattr(scanning, "CHUNKS_REMEMBERED", 500)
    found = scanner("en")
    text = " ".join(f"{n}. Item {n};" for n in range(3_000))
    pieces = [text[at : at + 2_000] for at in range(0, len(text), 2_000)]
    for piece in pieces:
        assert scanned(found, piece) == spacy_tokens("en", piece)
        assert len(found._remembered) <= 500 + 2_000  # the limit, and one piece's runs


def test_a_damaged_cache_is_built_again(cache: Path) -> None:
    scanner("de")
    (stored,) = cache.glob("scanner-de-*.marshal")
    stored.write_bytes(stored.read_bytes()[:50])
    scanner.cache_clear()
    text = "Wer z.B. eine Person (§ 232 Abs. 1) anwirbt, wird bestraft."
    assert scanned(scanner("de"), text) == spacy_tokens("de", text)
    assert len(stored.read_bytes()) > 50  # written again


def test_a_run_longer_than_longest_run_is_split_piece_by_piece(cache: Path) -> None:
    """spaCy's rules take quadratic time on a long run of punctuation; past LONGEST_RUN
    characters a run is split in pieces of that length, each as spaCy splits it alone. Up
    to that length (a long web address), the tokens are spaCy's."""
    found = scanner("en")
    size = scanning.LONGEST_RUN
    address = "https://example.org/" + "a" * (size - 20)
    assert scanned(found, address) == spacy_tokens("en", address) == [(0, size, address)]
    pieces = ["(" * size, "(" * size, "(" * (size // 2) + "x)"]
    tokens = found.tokens("".join(pieces))
    expected = [lower for piece in pieces for lower in found.tokens(piece).lowers]
    assert tokens.lowers == expected
    assert tokens.starts == list(range(len(tokens.starts)))  # one character each
    assert spacy_tokens("en", "".join(pieces))[-2:] == scanned(found, "".join(pieces))[-2:]


# Runs holding digits, where a special case holds digits ("10am", "0.0", "8)", "2к15"), a
# web address holds numbers (which that expression tells apart: "127.0.0.1") or a number
# sits against letters, signs and punctuation. `#` is a number of one to four digits.
DIGIT_RUNS = [
    "#", "#.", "(#)", "#;", "#,", "#am", "#pm", "#a.m.", "#p.m.", "x#", "#km", "#%", "§#",
    "art.#", "#º", "#.º", "#-#", "#/#", "#:#", "#.#", "#,#", "#.#.#.#", "10.0.0.#", "127.0.#.1",
    "192.168.#.#", "http://x.org:#/a", "www.x#.org", "#.org", "2к#", "#er", "#e", "#h#",
    "(#-#)", "#)", "#-)", ":#", "<#", "#_#", "#.o", "o.#", "$#", "#€", "«#»", "#'s", "'#",
]  # fmt: skip


def test_runs_that_differ_in_their_digits_only_split_as_spacy_splits_each(cache: Path) -> None:
    """A run of a digit shape met before is read from it (one split per shape), and gives
    spaCy's tokens in every language, special cases and web addresses included."""
    generator = random.Random(7)

    def number() -> str:
        return "".join(generator.choice("0123456789") for _ in range(generator.randint(1, 4)))

    for language in pack_codes():
        found = scanner(language)
        assert found._shapes_work  # no expression but the web address one tells digits apart
        for _ in range(300):
            runs = [generator.choice(DIGIT_RUNS) for _ in range(generator.randint(1, 6))]
            text = " ".join(run.replace("#", number()) for run in runs)
            assert scanned(found, text) == spacy_tokens(language, text), (language, text)
        assert 0 < len(found._shapes) < len(found._remembered)


def test_one_run_of_each_digit_shape_is_split(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A code's numbers: 2,000 section numbers of one shape are split once, not 2,000
    times; a run with a special case holding a digit ("10am") is split on its own."""
    found = scanner("en")
    made: list[str] = []
    original = found._made

    def noted(run: str, probes: list[scanning.Probe] | None = None) -> scanning.Entry:
        made.append(run)
        return original(run, probes)

    monkeypatch.setattr(found, "_made", noted)
    text = " ".join(f"s.{n:04d};" for n in range(1_000, 3_000))
    assert scanned(found, text) == spacy_tokens("en", text)
    assert sorted(made) == ["s.0000;", "s.0000; "]  # the last run has no space after it
    made.clear()
    text = "10am 11am 12am"
    assert scanned(found, text) == spacy_tokens("en", text)
    assert sorted(made) == ["10am ", "11am ", "12am"]


def test_a_run_the_web_address_expression_answers_otherwise_is_split_on_its_own(
    cache: Path,
) -> None:
    """That expression tells digits apart: "1.2.3.4/x" is a web address (one token), its
    shape "0.0.0.0/x" is none ("/" splits it). Without special cases (which keep every
    address of four numbers from the shapes), runs are split as with no shapes at all."""
    rules = scanning._rules_of("en")
    shaped = Scanner({**rules, "specials": {}, "patterns": []})
    unshaped = Scanner({**rules, "specials": {}, "patterns": [], "digit_blind": []})
    assert shaped._shapes_work and not unshaped._shapes_work
    text = "0.0.0.0/x 1.2.3.4/x 5.6.7.8/x 10.1.1.1/x 9.9.9.9 0.0.0.0"
    assert scanned(shaped, text) == scanned(unshaped, text)
    assert shaped.tokens(text).lowers[:6] == [
        "0.0.0.0",
        "/",
        "x",
        "1.2.3.4/x",
        "5.6.7.8/x",
        "10.1.1.1",
    ]


@pytest.mark.parametrize(
    ("expression", "blind"),
    [
        (r"\d+", True), (r"[0-9a-z]", True), (r"(?<=[0-9])(?:km|m)", True), (r"[^\d]", True),
        (r"\b\w+\b", True), (r"[1-9]", False), (r"[^5]", False), (r"[\s5]", False),
        (r"(?:10|127)\.", False), (r"(a)\1", False), (r"(?i)x[0-8]", False),
    ],
)  # fmt: skip
def test_an_expression_that_names_some_digits_only_tells_them_apart(
    expression: str, blind: bool
) -> None:
    assert scanning.tells_no_digit_apart(re.compile(expression)) is blind
