"""Offline inflection: phrases expand to their surface forms, spellings included."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.nlp import FormExpander, blank_pipeline, expand_phrase

from .conftest import SAMPLE_LAWS, statutes


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


def test_the_phrase_index_finds_what_spacys_phrase_matcher_finds() -> None:
    """The same (term, start, end) matches as a PhraseMatcher on LOWER built from the same
    forms, on every sample law and, where it is beside the project, the labelled corpus."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import bundled_checklists, load_checklist
    from ptcheck.language import choose_language

    compared = 0
    references: dict[tuple[Path, str], PhraseMatcher] = {}
    for path in bundled_checklists().values():
        analyzer = Analyzer(load_checklist(path))
        for law in statutes():
            text = law.read_text(encoding="utf-8")
            language = choose_language(text, str(law), analyzer.checklist.languages, None)
            matcher = analyzer.matcher(language)
            if (path, language) not in references:
                reference = PhraseMatcher(matcher.tokenizer.vocab, attr="LOWER")
                for name, forms in matcher.forms.items():
                    if forms:
                        docs = [Doc(matcher.tokenizer.vocab, words=list(f)) for f in forms]
                        reference.add(name, docs)
                references[(path, language)] = reference
            reference = references[(path, language)]
            doc = matcher.tokenizer(text[:150_000])
            expected = {
                (matcher.tokenizer.vocab.strings[key], start, end)
                for key, start, end in reference(doc)
            }
            got = matcher.index.matches(doc.to_array("LOWER").tolist())
            assert len(got) == len(set(got)) and set(got) == expected, law
            compared += len(expected)
    assert compared > 10_000


def test_a_tokenizer_restored_from_the_cache_splits_every_statute_as_spacy_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cached tokenizer (settings and compiled expressions, no regex compiled again)
    gives the same tokens, lower forms and offsets as the blank pipeline's, in every language
    of the packs, on every sample law and the corpus: restored afresh for each text with
    only the special cases that text holds, and kept across texts as a batch keeps it. A
    damaged cache is built again."""
    from ptcheck.language import choose_language, pack_codes
    from ptcheck.nlp import forget_tokenizers, tokenizer, tokenizer_for

    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    built = {}
    for language in pack_codes():
        forget_tokenizers()
        built[language] = tokenizer(language)  # builds and stores
        assert built[language] is not blank_pipeline(language).tokenizer  # a vocabulary apart
    assert len(list(tmp_path.glob("tokenizer-*.json.gz"))) == len(pack_codes())
    fields = ["ORTH", "LOWER", "IDX", "LENGTH"]
    texts = [law.read_text(encoding="utf-8") for law in statutes()]
    texts.append(_CONTRACTIONS)
    compared = 0
    for fresh in (True, False):
        forget_tokenizers()
        for text in texts:
            language = choose_language(text, "law.txt", list(pack_codes()), None)
            expected = blank_pipeline(language).tokenizer(text).to_array(fields).tolist()
            assert built[language](text).to_array(fields).tolist() == expected, text[:60]
            if fresh:
                forget_tokenizers()
            restored = tokenizer_for(language, text)
            assert restored is not built[language]  # read from the cache
            assert restored(text).to_array(fields).tolist() == expected, text[:60]
            compared += len(expected)
    assert compared > 40_000  # tokens
    for stored in tmp_path.glob("tokenizer-*.json.gz"):
        stored.write_bytes(b"not gzip")
    forget_tokenizers()
    again = tokenizer("fr")  # damaged: built again, and stored again
    assert again(_ELISIONS).to_array(fields).tolist() == (
        blank_pipeline("fr").tokenizer(_ELISIONS).to_array(fields).tolist()
    )
    forget_tokenizers()
    assert tokenizer_for("fr", _ELISIONS) is not again  # restored from what was stored again
    assert tokenizer_for("fr", _ELISIONS)(_ELISIONS).to_array(fields).tolist() == (
        blank_pipeline("fr").tokenizer(_ELISIONS).to_array(fields).tolist()
    )
    forget_tokenizers()


_ELISIONS = "L'exploitation d'autrui, qu'elle soit aujourd'hui sexuelle — ou non."


def test_matching_words_leaves_the_expanding_pipeline_every_word_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The matching tokenizer gives its new words only their lower-case form; the pipeline
    that expands phrases, which asks whether a token is a space, keeps its own words whole,
    even for a word the matching tokenizer met first."""
    from ptcheck.nlp import forget_tokenizers, tokenizer

    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    forget_tokenizers()
    words = tokenizer("en")("Zqxwv   Qzvxw 1234567")
    assert [t.lower_ for t in words] == ["zqxwv", "  ", "qzvxw", "1234567"]
    assert not words[1].is_space and not words[3].like_num  # never asked of these words
    expanded = blank_pipeline("en")("Zqxwv   Qzvxw 1234567")
    assert expanded[1].is_space and expanded[3].like_num and expanded[0].shape_ == "Xxxxx"
    forget_tokenizers()


_CONTRACTIONS = (
    "1. A person who (don't) recruits, e.g. by threats, can't say he won't— i.e. he's not "
    "acting alone :) at 9 o'clock; Mr. Smith's gov't, \"ain't\" and y'all, (Dec.) etc.\n"
)


def test_a_warmed_tokenizer_cache_changes_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filling the tokenizer's cache chunk by chunk gives the tokens, lower forms and
    offsets spaCy gives without it, on the statutes of each language, special cases
    included; every word, every chunk met twice in a text, and every chunk met in an earlier
    text is then warmed."""
    from collections import Counter

    import spacy

    from ptcheck.language import choose_language, pack_codes
    from ptcheck.nlp import _WARMED, forget_tokenizers, tokenizer_for, warm_cache

    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    codes = list(pack_codes())
    by_language: dict[str, list[str]] = {}
    for law in statutes():
        text = law.read_text(encoding="utf-8")
        by_language.setdefault(choose_language(text, "law.txt", codes, None), []).append(text)
    by_language["en"].append(_CONTRACTIONS)
    fields = ["ORTH", "LOWER", "IDX", "LENGTH"]
    forget_tokenizers()
    for language in ("en", "es", "fr", "de"):
        long_text = "\n".join(by_language[language])
        reference = spacy.blank(language).tokenizer
        warmed = tokenizer_for(language, long_text)
        third = len(long_text) // 3  # the second text cuts some chunks in two
        met: set[str] = set()
        for text in (long_text, f"{long_text[third:]} {long_text[:third]}"):
            warm_cache(warmed, [text])
            got = warmed(text).to_array(fields).tolist()
            assert got == reference(text).to_array(fields).tolist(), language
            counts = Counter(text.split())
            repeated = {
                chunk
                for chunk, times in counts.items()
                if times > 1 or chunk.isalnum() or chunk in met
            }
            assert _WARMED[id(warmed)][1] >= repeated, language
            met = set(counts)
    forget_tokenizers()


def test_the_special_cases_a_text_holds_are_found_chunk_by_chunk_as_a_search_finds_them() -> None:
    """`_cases_in` gives exactly the special-case strings that occur in a text (those
    spanning white space, "EE. UU.", included), the first time and from what it remembers."""
    from ptcheck.language import choose_language, pack_codes
    from ptcheck.nlp import _CASE_STRINGS, _cases_in, forget_tokenizers, tokenizer_for

    texts = [law.read_text(encoding="utf-8") for law in statutes()]
    texts.append(_CONTRACTIONS)
    found = 0
    for again in (False, True):
        if not again:
            forget_tokenizers()
        for text in texts:
            language = choose_language(text, "law.txt", list(pack_codes()), None)
            tokenizer_for(language, "")  # made, with every case still waiting
            solid, _, spaced = _CASE_STRINGS[language]
            expected = {case for case in (*solid, *spaced) if case in text}
            assert _cases_in(language, text) == expected, text[:60]
            found += len(expected)
    assert found > 100
    tokenizer_for("es", "")
    assert {"EE. UU.", "Sra."} <= _cases_in("es", "Los EE. UU. y (Sra. Díaz)")
    forget_tokenizers()


def test_the_contractions_sample_needs_special_cases() -> None:
    """The sample the tokenizer test adds is one its special cases change: without them
    spaCy splits it otherwise (so leaving a needed case out would be seen)."""
    from spacy.tokenizer import Tokenizer

    full = blank_pipeline("en").tokenizer
    bare = Tokenizer(
        full.vocab,
        prefix_search=full.prefix_search,
        suffix_search=full.suffix_search,
        infix_finditer=full.infix_finditer,
        token_match=full.token_match,
        url_match=full.url_match,
    )
    with_cases = [t.text for t in full(_CONTRACTIONS)]
    assert {"do", "n't", "ca", "e.g.", "Mr."} <= set(with_cases)
    assert [t.text for t in bare(_CONTRACTIONS)] != with_cases


def test_a_tokenizer_that_has_learned_many_words_is_made_anew_between_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: Analyzer
) -> None:
    """Law after law, each with numbers and names of its own (a batch worker's life), the
    matching tokenizer's vocabulary stays under VOCABULARY_LIMIT plus one document's words:
    it is made anew between documents. It then splits text as spaCy does, and every result
    is the one a tokenizer that never renewed gives."""
    from ptcheck import nlp

    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(nlp, "VOCABULARY_LIMIT", 3_000)
    made: list[object] = []
    detached = nlp._detached
    monkeypatch.setattr(nlp, "_detached", lambda *a: made.append(detached(*a)) or made[-1])
    model = (SAMPLE_LAWS / "model_complete.txt").read_text(encoding="utf-8")
    texts = []
    for law in range(6):  # 2,000 words not seen before in each
        register = " ".join(f"R{law}n{k} {law * 10_000 + k}" for k in range(1_000))
        texts.append(f'{model}\n\n99. In this Act, "register" means the list of {register}.\n')
    nlp.forget_tokenizers()
    renewed, largest = [], 0
    for text in texts:
        renewed.append(english.analyze_text(text))
        largest = max(largest, len(nlp.tokenizer("en").vocab))
    assert len(made) >= 3  # made anew every other document
    assert largest <= 3_000 + 2_000 + 1_000  # the limit, one document, the language's own
    fields = ["ORTH", "LOWER", "IDX", "LENGTH"]
    expected = blank_pipeline("en").tokenizer(texts[-1]).to_array(fields).tolist()
    assert nlp.tokenizer("en")(texts[-1]).to_array(fields).tolist() == expected
    monkeypatch.setattr(nlp, "VOCABULARY_LIMIT", 10**9)
    nlp.forget_tokenizers()
    assert [english.analyze_text(text) for text in texts] == renewed
    assert len(nlp.tokenizer("en").vocab) > 6 * 2_000  # without the limit, it keeps them all
    nlp.forget_tokenizers()


def test_a_long_code_is_tokenized_in_batches_by_a_tokenizer_made_anew_when_it_has_grown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: Analyzer
) -> None:
    """Within one document, the tokenizer is renewed between batches of sections once it
    has learned more than LONG_DOCUMENT_WORDS words, however many a batch run of documents
    may keep (VOCABULARY_LIMIT): it ends holding fewer than one batch's words beyond the
    limit, and every hit is the one a tokenizer that never renewed finds."""
    from ptcheck import matching, nlp
    from ptcheck.structure import parse_structure

    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(nlp, "VOCABULARY_LIMIT", 10**9)
    monkeypatch.setattr(matching, "LONG_DOCUMENT_WORDS", 3_000)
    monkeypatch.setattr(matching, "BATCH_CHARS", 6_000)
    made: list[object] = []
    detached = nlp._detached
    monkeypatch.setattr(nlp, "_detached", lambda *a: made.append(detached(*a)) or made[-1])
    model = (SAMPLE_LAWS / "model_complete.txt").read_text(encoding="utf-8")
    registers = [  # 1,000 words not seen before in each section, about 6,600 characters
        f'{100 + n}. In this Act, "register {n}" means the list of persons trafficked '
        + " ".join(f"R{n}n{k} {n * 10_000 + k}" for k in range(500))
        + "."
        for n in range(12)
    ]
    text = model + "\n\n" + "\n\n".join(registers) + "\n"
    structure = parse_structure(text, "en")
    matcher = english.matcher("en")
    nlp.forget_tokenizers()
    renewed = [hits.by_term_hits() for hits in matcher.section_hits(structure)]
    assert len(made) >= 4  # made anew every third batch or so, within the one document
    # and once more at its end: none of the registers' words is kept while it is judged
    assert len(nlp.tokenizer("en").vocab) < 1_000  # a batch alone brings 1,000 new words
    monkeypatch.setattr(matching, "BATCH_CHARS", 10**9)  # one batch: a short document
    nlp.forget_tokenizers()
    whole = [hits.by_term_hits() for hits in matcher.section_hits(structure)]
    assert whole == renewed
    assert sum(map(len, whole)) > 12  # every register names trafficked persons
    assert len(nlp.tokenizer("en").vocab) > 12 * 1_000  # never made anew, it kept them all
    nlp.forget_tokenizers()


def test_freed_memory_is_given_back_where_the_c_library_can_and_ignored_where_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ctypes

    from ptcheck.nlp import release_freed_memory

    trimmed: list[int] = []

    class Glibc:
        def malloc_trim(self, pad: int) -> int:
            trimmed.append(pad)
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Glibc())
    release_freed_memory()
    assert trimmed == [0]

    def missing(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    release_freed_memory()  # musl, macOS, Windows: nothing to give back, and no error

    class Musl:
        pass

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Musl())
    release_freed_memory()
