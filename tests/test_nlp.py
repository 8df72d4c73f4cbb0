"""Offline inflection: phrases expand to their surface forms, spellings included."""

from __future__ import annotations

import pytest

from ptcheck.nlp import FormExpander, blank_pipeline, expand_phrase


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
