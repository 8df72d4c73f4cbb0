"""Offline inflection: phrases expand to their surface forms, spellings included."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.nlp import FormExpander, blank_pipeline, expand_phrase

from .conftest import statutes


@pytest.mark.parametrize(
    "word,forms",
    [
        ("recruit", {"recruit", "recruits", "recruited", "recruiting"}),
        ("harbour", {"harbour", "harbours", "harboured", "harbor", "harbors", "harbored"}),
        ("offence", {"offence", "offences", "offense", "offenses"}),
        ("organise", {"organise", "organised", "organize", "organized"}),
        ("=force", {"force"}),
    ],
)
def test_forms(word: str, forms: set[str]) -> None:
    expander = FormExpander("en", [word.lstrip("=")])
    found = expander.forms(word)
    assert forms <= found
    if word.startswith("="):
        assert "forced" not in found


def test_phrases_inflect_content_words_only() -> None:
    nlp = blank_pipeline("en")
    expander = FormExpander("en", ["abuse", "power"])
    combos = expand_phrase("abuse of power", expander, nlp)
    assert ("abused", "of", "power") in combos
    assert all(combo[1] == "of" for combo in combos)


def test_spanish_forms_come_from_the_spanish_table() -> None:
    expander = FormExpander("es", ["captar"])
    assert {"captar", "capta"} <= expander.forms("captar")


def test_expanded_forms_are_cached_and_a_damaged_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptcheck.checklist import load_checklist
    from ptcheck.matching import TermMatcher

    monkeypatch.setenv("PTCHECK_CACHE_DIR", "")
    checklist = load_checklist().checklist
    uncached = TermMatcher(checklist, "es").forms
    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    assert TermMatcher(checklist, "es").forms == uncached  # builds and stores
    (stored,) = tmp_path.glob("forms-es-*.json.gz")
    calls: list[int] = []
    monkeypatch.setattr(TermMatcher, "_expand", lambda self, phrases: calls.append(1) or {})
    assert TermMatcher(checklist, "es").forms == uncached  # read: no lemma table
    assert calls == []
    stored.write_bytes(b"not gzip")
    assert TermMatcher(checklist, "es").forms == {}  # damaged: built again (by the stub)
    assert calls == [1]


def test_the_scanner_and_phrase_index_find_what_spacys_tokenizer_and_phrase_matcher_find() -> None:
    """The same (term, first token, end token) matches as spaCy's tokenizer and a
    PhraseMatcher on LOWER built from the same forms, on every sample law and, where it is
    beside the project, the labelled corpus."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    from ptcheck.checklist import bundled_checklists, load_checklist
    from ptcheck.language import choose_language
    from ptcheck.scanner import scanner

    compared = 0
    references: dict[tuple[Path, str], PhraseMatcher] = {}
    for path in bundled_checklists().values():
        analyzer = Analyzer(load_checklist(path))
        for law in statutes():
            text = law.read_text(encoding="utf-8")
            language = choose_language(text, str(law), analyzer.checklist.languages, None)
            matcher = analyzer.matcher(language)
            vocab = blank_pipeline(language).vocab
            if (path, language) not in references:
                reference = PhraseMatcher(vocab, attr="LOWER")
                for name, forms in matcher.forms.items():
                    if forms:
                        reference.add(name, [Doc(vocab, words=list(f)) for f in forms])
                references[(path, language)] = reference
            reference = references[(path, language)]
            doc = blank_pipeline(language).tokenizer(text[:150_000])
            expected = {(vocab.strings[key], start, end) for key, start, end in reference(doc)}
            got = matcher.index.matches(scanner(language).tokens(text[:150_000]).lowers)
            assert len(got) == len(set(got)) and set(got) == expected, law
            compared += len(expected)
    assert compared > 10_000
