"""Hypothesis properties of analyze: it terminates, is complete, bounded and deterministic."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptcheck.analysis import Analyzer
from ptcheck.language import UnsupportedLanguage

from .conftest import SAMPLE_LAWS

LEGAL = [
    "Section",
    "3.",
    "(1)",
    "(a)",
    "A",
    "person",
    "who",
    "recruits",
    "transports",
    "harbours",
    "another",
    "for",
    "the",
    "purpose",
    "of",
    "exploitation",
    "commits",
    "an",
    "offence",
    "by",
    "force",
    "threats",
    "deception",
    "child",
    "under",
    "eighteen",
    "consent",
    "irrelevant",
    "attempts",
    "aids",
    "organizes",
    "woman",
    "into",
    "or",
    "out",
    "country",
    "“",
    "”",
    "—",
    "\n",
]
NON_LEGAL = [
    "The",
    "garden",
    "was",
    "quiet",
    "and",
    "green",
    "birds",
    "sang",
    "near",
    "river",
    "today.",
]
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def words(vocabulary: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(vocabulary), min_size=1, max_size=120).map(" ".join)


texts = st.one_of(st.text(min_size=1, max_size=400), words(LEGAL))


@SETTINGS
@given(texts)
def test_any_text_gives_every_item_once_and_a_bounded_score(english: Analyzer, text: str) -> None:
    result = english.analyze_text(text)
    assert [i.id for i in result.items] == [i.id for i in english.checklist.items]
    assert 0.0 <= result.score <= 100.0
    for item in result.items:
        assert item.status in {"met", "partial", "missing"}
        if item.status == "met":
            assert item.evidence


@SETTINGS
@given(texts)
def test_the_same_input_gives_byte_identical_json(english: Analyzer, text: str) -> None:
    first = json.dumps(english.analyze_text(text).as_dict(), sort_keys=True)
    second = json.dumps(english.analyze_text(text).as_dict(), sort_keys=True)
    assert first == second


@SETTINGS
@given(texts)
def test_any_text_is_read_in_a_supported_language_or_refused_with_a_reason(
    analyzer: Analyzer, text: str
) -> None:
    try:
        result = analyzer.analyze_text(text)
    except UnsupportedLanguage as error:
        assert "language not supported" in error.message
        assert "use --language to force one" in error.message
    else:
        assert result.document.language in analyzer.checklist.languages


LAWS = [path.read_text(encoding="utf-8") for path in sorted(SAMPLE_LAWS.glob("*.txt"))]


@SETTINGS
@given(st.sampled_from(LAWS), words(NON_LEGAL))
def test_an_unrelated_paragraph_never_turns_met_into_missing(
    analyzer: Analyzer, law: str, paragraph: str
) -> None:
    before = analyzer.analyze_text(law)
    after = analyzer.analyze_text(law.rstrip("\n") + "\n\n" + paragraph + "\n")
    for old, new in zip(before.items, after.items, strict=True):
        if old.status == "met":
            assert new.status == "met", old.id


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3))
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_fast_json_output_is_what_the_standard_library_writes(data: object) -> None:
    """json_text (orjson) writes the bytes json.dumps(indent=2, ensure_ascii=False) writes,
    for every value a result holds: text (escapes included), integers, rounded numbers."""
    from ptcheck.formatters.json import json_text

    assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="ab9_ é-.,;()\n—’", max_size=60),
    st.integers(0, 60),
    st.integers(0, 60),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_tokens_between_limbs_are_counted_as_a_scan_of_the_gap_counts_them(
    text: str, first: int, second: int, third: int, fourth: int
) -> None:
    """A limb's token positions leave out the words of the limbs between its spans; they
    are counted from one scan of the section, as a scan of the gap alone would count them
    (a gap may start or end inside a word)."""
    from ptcheck.regions import _TOKEN, tokens_in

    low, start, end, high = sorted(min(n, len(text)) for n in (first, second, third, fourth))
    starts = [match.start() for match in _TOKEN.finditer(text, low, high)]
    assert tokens_in(text, starts, start, end) == len(_TOKEN.findall(text, start, end))


_ANY_CHARACTER = st.text(st.characters(codec=None, exclude_categories=["Cs"]), max_size=80)


@given(_ANY_CHARACTER)
def test_punctuation_is_read_as_a_space_character_by_character(text: str) -> None:
    """Where words are looked up, each punctuation mark below U+2070 (neither a letter, a
    digit nor a space) stands as one space, and nothing else changes."""
    from ptcheck.matching import _PUNCTUATION, _flat

    expected = "".join(
        " " if ord(c) < 0x2070 and not (c.isalnum() or c.isspace()) else c for c in text
    )
    assert _PUNCTUATION.sub(" ", text) == expected
    assert _flat(text) == "".join(" " if c in "\n\t\r\f\v" else c for c in text)


@given(_ANY_CHARACTER)
def test_line_ends_and_control_characters_are_normalised_character_by_character(
    text: str,
) -> None:
    """CRLF and CR end a line as LF does; a byte-order mark goes; any other control
    character but tab and line feed becomes a space."""
    from ptcheck.documents import normalise_newlines

    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(
        "" if c == "\ufeff" else " " if (ord(c) < 32 or c == "\x7f") and c not in "\n\t" else c
        for c in lines
    )
    assert normalise_newlines(text) == expected


def _patterns() -> st.SearchStrategy[dict[str, object]]:
    """Patterns (as checklist data) over the terms a, b, c, d."""
    leaf = st.builds(lambda t: {"term": t}, st.sampled_from("abcd"))
    return st.recursive(
        leaf,
        lambda child: st.one_of(
            st.builds(lambda c: {"any": c}, st.lists(child, min_size=1, max_size=3)),
            st.builds(lambda c: {"all": c}, st.lists(child, min_size=1, max_size=3)),
            st.builds(lambda c: {"not": c}, child),
            st.builds(
                lambda c, w, o: {"near": c, "within": w, "ordered": o},
                st.lists(child, min_size=2, max_size=3),
                st.integers(1, 6),
                st.booleans(),
            ),
        ),
        max_leaves=8,
    )


@settings(max_examples=400, deadline=None)
@given(
    _patterns(),
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from("abcd")), max_size=12
    ),
)
def test_a_pattern_whose_required_terms_are_absent_never_matches(
    data: dict[str, object], raw: list[tuple[int, int, str]]
) -> None:
    """Every set of `required_terms()` meets the terms of any hits a pattern matches, so
    `evaluate`, which answers "no" at once where one is absent, answers as the full
    evaluation does."""
    from ptcheck.checklist import Pattern
    from ptcheck.hits import Hit, SectionHits
    from ptcheck.matching import _evaluate, evaluate

    pattern = Pattern.model_validate(data)
    hits = SectionHits.from_hits(
        0, [Hit(start, start + size, start, term, 0) for start, size, term in raw]
    )
    full = (
        _evaluate(pattern, hits, pattern.term_set()) if hits or not pattern.needs_hits() else None
    )
    assert evaluate(pattern, hits) == full
    if full is not None:
        present = {term for _, _, term in raw}
        assert all(needed & present for needed in pattern.required_terms())
