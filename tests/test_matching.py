"""Hits and the phrases that cover them; the same results whatever Python's hash seed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptcheck.hits import Hit, SectionHits

from .conftest import SAMPLE_LAWS


def _hit(start: int, end: int, term: str) -> Hit:
    return Hit(start, end, start, term, 0)


def test_a_longer_hit_of_another_term_covers_a_shorter_one_whatever_the_order() -> None:
    # "aids or abets" is a hit of two terms, and "aids" is a hit of the same two: each
    # "aids" lies inside the longer hit of the other term, so both are covered.
    hits = [
        _hit(10, 23, "aid_abet"),
        _hit(10, 23, "accomplice"),
        _hit(10, 14, "aid_abet"),
        _hit(10, 14, "accomplice"),
    ]
    for ordering in (hits, hits[::-1], hits[1::2] + hits[::2]):
        section = SectionHits.from_hits(0, ordering)
        covered = section.covered(frozenset({"aid_abet", "accomplice"}))
        assert covered == {hits[2], hits[3]}


def test_a_hit_is_not_covered_by_its_own_term_or_by_an_equal_span() -> None:
    section = SectionHits.from_hits(
        0, [_hit(0, 20, "child"), _hit(0, 8, "child"), _hit(30, 38, "person")]
    )
    section_two = SectionHits.from_hits(0, [_hit(0, 8, "child"), _hit(0, 8, "person")])
    assert section.covered(frozenset({"child", "person"})) == set()
    assert section_two.covered(frozenset({"child", "person"})) == set()


def test_a_hit_of_another_term_covers_when_the_widest_is_of_the_same_term() -> None:
    # child 0..30 covers person 1..20, which in turn covers child 5..12: the widest hit so
    # far is a child, but the person hit around 5..12 is what covers it.
    hits = [_hit(0, 30, "child"), _hit(1, 20, "person"), _hit(5, 12, "child")]
    assert SectionHits.from_hits(0, hits).covered(frozenset({"child", "person"})) == {
        hits[1],
        hits[2],
    }


def _covered_by_definition(hits: list[Hit], family: frozenset[str]) -> set[Hit]:
    """The hits of `family` lying inside a strictly longer hit of another of its terms."""
    members = [h for h in hits if h.term in family]
    return {
        h
        for h in members
        if any(
            g.term != h.term
            and g.start <= h.start
            and g.end >= h.end
            and g.end - g.start > h.end - h.start
            for g in members
        )
    }


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from("abcd")), max_size=80
    )
)
def test_covered_hits_are_those_of_the_definition_hit_by_hit_and_on_arrays(
    spans: list[tuple[int, int, str]],
) -> None:
    """A large view works `covered` out on arrays, a small one hit by hit: both find the
    hits inside a longer hit of another family term, nested, sharing starts or ends."""
    from ptcheck import hits as module

    hits = sorted({_hit(start, start + length, term) for start, length, term in spans})
    family = frozenset("abc")  # "d" is another term, in no family
    expected = _covered_by_definition(hits, family)
    assert SectionHits.from_hits(0, hits[::-1]).covered(family) == expected
    assert SectionHits.from_hits(0, hits, ordered=True).covered(family) == expected
    with patch.object(module, "COVERED_ON_ARRAYS", 0):
        assert SectionHits.from_hits(0, hits, ordered=True).covered(family) == expected
        assert SectionHits.from_hits(0, hits[::-1]).covered(family) == expected


def test_a_large_view_works_covered_out_on_arrays() -> None:
    """Past COVERED_ON_ARRAYS hits numpy works it out (and gives what the definition says)."""
    from ptcheck import hits as module

    size = module.COVERED_ON_ARRAYS
    hits = [_hit(10 * k, 10 * k + 8, "person") for k in range(size)]
    hits += [_hit(10 * k + 2, 10 * k + 6, "child") for k in range(0, size, 7)]
    hits.sort()
    view = SectionHits.from_hits(0, hits, ordered=True)
    family = frozenset({"person", "child"})
    with patch.object(module, "_covered_on_arrays", wraps=module._covered_on_arrays) as spy:
        assert view.covered(family) == _covered_by_definition(hits, family) != set()
    assert spy.call_count == 1


def test_a_term_s_hits_come_in_the_order_given_and_an_absent_term_has_none() -> None:
    from ptcheck.hits import TERM_NUMBERS

    hits = [_hit(30, 38, "person"), _hit(0, 8, "child"), _hit(10, 16, "person")]
    section = SectionHits.from_hits(0, hits)
    assert section.of("person") == [hits[0], hits[2]]
    person = TERM_NUMBERS["person"]
    assert list(section.positions(person)) == [0, 2]
    assert section.positions(person) is section.positions(person)  # found once
    assert section.of("child") == [hits[1]]
    assert section.of("force") == [] and section.of(None) == []
    assert section.has("child") and not section.has("force")
    assert SectionHits.from_hits(0, []).of("child") == [] and not SectionHits.from_hits(0, [])
    # A view of the section knows only its own hits' terms.
    view = section.slice(0, 20)
    assert view.of("child") == [hits[1]] and view.of("person") == [hits[2]]
    assert not section.slice(20, 40).has("child") and len(section.slice(20, 40)) == 1


_DIGEST = """
import hashlib, json, sys
from pathlib import Path
from ptcheck.analysis import Analyzer
from ptcheck.checklist import checklist_path, load_checklist
digest = hashlib.sha256()
for name in ("tip-protocol", "som-protocol"):
    analyzer = Analyzer(load_checklist(checklist_path(name)))
    for path in sorted(Path(sys.argv[1]).rglob("*.txt")):
        result = analyzer.analyze_path(path).as_dict()
        digest.update(json.dumps(result, sort_keys=True).encode())
print(digest.hexdigest())
"""


def test_every_sample_law_gives_the_same_json_whatever_the_hash_seed() -> None:
    """Sets of term names are iterated in an order that depends on PYTHONHASHSEED; no
    result may depend on it (it made one quote differ between runs)."""
    digests = set()
    for seed in ("0", "1", "2", "3"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _DIGEST, str(SAMPLE_LAWS)],
            capture_output=True,
            text=True,
            env=environment,
            check=True,
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1
    assert len(next(iter(digests))) == len(hashlib.sha256().hexdigest())


def test_a_citation_goes_to_the_nearest_section_bearing_its_label() -> None:
    """Acts gathered in one file each have a section 3: "section 3" is the nearest one."""
    from ptcheck.regions import RegionFinder

    assert RegionFinder._nearest([2, 10, 30], 12)[0] == 10
    assert RegionFinder._nearest([2, 10, 30], 28)[0] == 30
    assert RegionFinder._nearest([2, 10, 30], 10) == [2, 30]  # never the citing section
    assert RegionFinder._nearest([], 5) == []


def test_a_limb_s_hits_are_moved_to_its_own_token_positions() -> None:
    from ptcheck.hits import TERM_NUMBERS

    """Each piece's hits come with their tokens less its shift, one piece after the other:
    in `Hit` order when the pieces are, else in the order of the pieces."""
    hits = [_hit(10, 14, "act"), _hit(20, 25, "means"), _hit(30, 36, "purpose")]
    section = SectionHits.from_hits(0, hits, ordered=True)
    moved = section.moved([(0, 15, 0), (28, 40, 7)])
    assert moved.hits_in_order() == [hits[0], hits[2]._replace(token=23)] and moved.ordered
    assert moved.of("purpose") == [hits[2]._replace(token=23)]
    backwards = section.moved([(28, 40, 0), (0, 25, 4)])
    assert not backwards.ordered
    assert backwards.of("act") == [hits[0]._replace(token=6)]
    assert [h.term for h in backwards.hits_in_order()] == ["act", "means", "purpose"]
    assert list(backwards.positions(TERM_NUMBERS["purpose"])) == [0]  # given first


_LIMBED = """Section 1. Interpretation
In this Act, "exploitation" includes forced labour.

Section 4. Trafficking in persons
(1) A person who recruits, transports or harbours another person by means of
(a) the threat or use of force; or
(b) fraud or deception,
for the purpose of exploitation{ending}
"""


@pytest.mark.parametrize(
    ("ending", "hits_are_words", "means_are_hits"),
    [
        # The penalty in a subsection of its own: no limb holds penalty words; the purpose
        # lies in the second limb's spans.
        (
            ", commits an offence.\n(2) A person who commits an offence under subsection (1)"
            " is liable to imprisonment for 20 years.",
            [True, True],
            [True, False],
        ),
        # The penalty in the sentence of the second limb: its elements leave it out.
        (" commits an offence and is liable to imprisonment for 20 years.", [True, False], None),
    ],
)
def test_a_limb_s_views_of_the_same_hits_are_one_view(
    ending: str, hits_are_words: list[bool], means_are_hits: list[bool] | None
) -> None:
    """A limb's elements (its hits) are its words when none of these were left out, and so
    are its means when no purpose lies in its spans: one view, its questions answered once."""
    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import load_checklist
    from ptcheck.judgement import Judge
    from ptcheck.structure import parse_structure

    analyzer = Analyzer(load_checklist(), "en")
    structure = parse_structure(_LIMBED.format(ending=ending), "en")
    judge = Judge(analyzer.checklist, structure, analyzer.matcher("en").section_hits(structure))
    limbs = judge.regions.limbs
    assert [limb.hits is limb.words for limb in limbs] == hits_are_words
    for limb in limbs:
        words, hits = limb.words.hits_in_order(), limb.hits.hits_in_order()
        assert set(hits) <= set(words) and (len(hits) == len(words)) == (limb.hits is limb.words)
        assert set(limb.means.hits_in_order()) <= set(hits)
    if means_are_hits is not None:
        assert [limb.means is limb.hits for limb in limbs] == means_are_hits


def test_a_long_section_gives_each_term_s_hits_and_covered_hits_as_a_short_one_does() -> None:
    """A view of more than GROUPED_FROM hits is grouped by term at once; what it answers is
    what a short view of the same hits answers."""
    import random

    from ptcheck.hits import GROUPED_FROM

    chooser = random.Random(7)
    nested = []
    for at in range(0, 4000, 100):  # phrases inside phrases, of three terms, some shared spans
        for term in ("child", "person", "victim"):
            start = at + chooser.randrange(0, 10)
            nested.append(_hit(start, start + chooser.randrange(1, 30), term))
    filler = [_hit(10_000 + 10 * k, 10_005 + 10 * k, "penalty") for k in range(GROUPED_FROM)]
    mixed = nested + filler
    chooser.shuffle(mixed)
    family = frozenset({"child", "person", "victim"})
    long_view, short_view = SectionHits.from_hits(0, mixed), SectionHits.from_hits(0, list(nested))
    assert len(mixed) > GROUPED_FROM >= len(nested)
    for term in (*family, "penalty", "force"):
        assert list(long_view.of(term)) == [h for h in mixed if h.term == term]
    assert long_view.covered(family) == short_view.covered(family) != set()
    ordered = SectionHits.from_hits(0, sorted(mixed), ordered=True)
    assert ordered.covered(family) == short_view.covered(family)


def test_a_quote_s_context_leaves_out_the_words_its_edges_may_cut() -> None:
    """A context that starts or ends inside its provision drops its first or last word
    (perhaps cut in two) and says so with an ellipsis; one within the provision is whole."""
    from ptcheck.evidence import CONTEXT_CHARS, Quoter
    from ptcheck.structure import parse_structure

    filler = "alpha beta gamma delta " * 10
    text = f"1. Offence\n{filler}A person who recruits\n  another  person {filler}is liable.\n"
    quoter = Quoter(parse_structure(text))
    start = text.index("recruits")
    evidence = quoter.span(start, start + len("recruits"))
    assert evidence.quote == "recruits"
    assert evidence.context.startswith("…") and evidence.context.endswith("…")
    inner = evidence.context.strip("…")
    assert "  " not in inner and "\n" not in inner and "recruits another person" in inner
    lo, hi = start - CONTEXT_CHARS, start + len("recruits") + CONTEXT_CHARS
    words = " ".join(text[lo:hi].split()).split(" ")
    assert inner == " ".join(words[1:-1])  # the two edge words go
    short = Quoter(parse_structure("1. A person who recruits commits an offence.\n"))
    assert short.span(16, 24).context == "1. A person who recruits commits an offence."


def test_close_hits_in_one_provision_make_one_quote_and_never_across_two() -> None:
    from ptcheck.evidence import Quoter
    from ptcheck.structure import parse_structure

    text = "1. Offence\n(1) A person who recruits or transports\n(2) harbours another person.\n"
    quoter = Quoter(parse_structure(text))

    def hit(words: str) -> Hit:
        start = text.index(words)
        return Hit(start, start + len(words), 0, "act", 0)

    quotes = quoter.hits([hit("recruits"), hit("transports"), hit("harbours")])
    # "recruits" and "transports" stand in 1(1); "harbours", as close, stands in 1(2).
    assert [(e.quote, e.section) for e in quotes] == [
        ("recruits or transports", "1(1)"),
        ("harbours", "1(2)"),
    ]


def test_views_holding_the_same_terms_share_one_int_of_term_bits() -> None:
    from ptcheck.hits import term_bit

    for number in range(300):  # bits past the small ints Python keeps one of each
        term_bit(f"shared-bits-filler-{number}")
    act, means = "shared-bits-act", "shared-bits-means"
    first = SectionHits.from_hits(0, [Hit(0, 4, 0, act, 0), Hit(9, 14, 2, means, 0)])
    second = SectionHits.from_hits(1, [Hit(20, 25, 0, means, 1), Hit(30, 34, 1, act, 1)])
    other = SectionHits.from_hits(2, [Hit(40, 44, 0, act, 2)])
    assert first.term_bits == second.term_bits != other.term_bits
    assert first.term_bits is second.term_bits  # one int for the set, not one per view


def test_a_hit_made_from_its_fields_is_the_hit_the_named_tuple_makes() -> None:
    from ptcheck.hits import hit_of

    made = hit_of((10, 14, 3, "act", 2))
    assert type(made) is Hit and made == Hit(10, 14, 3, "act", 2) and made.term == "act"


def test_a_pattern_s_required_terms_are_one_set_per_term_it_cannot_do_without() -> None:
    """`all` and `near` need what each child needs, `any` one term of each child's
    smallest set, `not` nothing (nor an `any` with such a child)."""
    from ptcheck.checklist import Pattern

    def required(data: dict[str, object]) -> set[frozenset[str]]:
        return set(Pattern.model_validate(data).required_terms())

    a, b, c = {"term": "a"}, {"term": "b"}, {"term": "c"}
    assert required(a) == {frozenset("a")}
    assert required({"all": [a, {"any": [b, c]}]}) == {frozenset("a"), frozenset("bc")}
    assert required({"near": [a, b], "within": 3}) == {frozenset("a"), frozenset("b")}
    assert required({"any": [{"all": [a, b]}, c]}) in (
        {frozenset("ac")},
        {frozenset("bc")},
    )
    assert required({"not": a}) == set()
    assert required({"any": [a, {"not": b}]}) == set()
    assert required({"all": [a, {"not": b}]}) == {frozenset("a")}


def _rows(section: int, hits: list[Hit], before: int = 0) -> SectionHits:
    """A section's view as `section_hits` makes it: rows of the document's columns, in
    order (`before` rows of another section come first)."""
    from array import array

    from ptcheck.hits import TERM_NUMBERS

    rows = [Hit(k, k + 1, k, "act", section - 1) for k in range(before)] + sorted(hits)
    numbers = [hit[k] for k in range(3) for hit in rows]  # a column after the other
    numbers += [TERM_NUMBERS[hit.term] for hit in rows]
    return SectionHits(section, array("i", numbers), len(rows), before, before + len(hits))


def test_a_section_s_rows_answer_every_question_as_a_view_of_its_hits_does() -> None:
    """A view of rows in the document's columns gives the same terms, the same hits of each
    term in order, the same slices and covered hits as a view made from the hits."""
    import random

    from ptcheck.hits import GROUPED_FROM

    chooser = random.Random(11)
    names = ["child", "penalty", "person", "victim"]
    family = frozenset({"child", "person", "victim"})
    for size in (1, 5, 40, GROUPED_FROM + 40):
        hits = []
        for _ in range(size):
            start = chooser.randrange(0, 400)
            hits.append(
                Hit(start, start + chooser.randrange(1, 30), start // 5, chooser.choice(names), 3)
            )
        plain = SectionHits.from_hits(3, hits)  # in the order drawn
        rows = _rows(3, hits, before=7)
        assert rows.term_bits == plain.term_bits and len(rows) == len(plain) == size
        for term in (*names, "force"):
            assert rows.of(term) == sorted(plain.of(term))
        assert rows.covered(family) == plain.covered(family)
        assert rows.hits_in_order() == plain.hits_in_order() == sorted(hits)
        for start, end in ((0, 400), (50, 120), (120, 50), (399, 400)):
            part = rows.slice(start, end)
            inside = [h for h in sorted(hits) if start <= h.start < end]
            assert part.hits_in_order() == plain.slice(start, end).hits_in_order() == inside
            assert part.of("child") == [h for h in inside if h.term == "child"]
            assert bool(part) == bool(inside)


def test_a_document_s_sections_hold_their_hits_and_each_term_s_in_order() -> None:
    """`section_hits` gives each section its rows of one set of columns, in `Hit` order: a
    long section (six model laws on one line) as a short one."""
    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import load_checklist
    from ptcheck.hits import TERM_NUMBERS
    from ptcheck.structure import parse_structure

    model = (SAMPLE_LAWS / "model_complete.txt").read_text(encoding="utf-8")
    long_code = (SAMPLE_LAWS / "long_code.txt").read_text(encoding="utf-8")
    text = long_code + "\n\n900. " + " ".join([model.replace("\n", " ")] * 6)
    structure = parse_structure(text, "en")
    matcher = Analyzer(load_checklist()).matcher("en")
    views = matcher.section_hits(structure)
    assert len(views) == len(structure.sections) and len(views[-1]) > 100
    assert len({id(view.data) for view in views}) == 1
    for view in views:
        made = view.hits_in_order()
        assert view.ordered and made == sorted(made)
        assert [h.section for h in made] == [view.section] * len(made)
        for term in matcher.term_names:
            found = view.of(term)
            assert found == sorted(found) and list(view.positions(TERM_NUMBERS[term])) == [
                at for at, h in enumerate(made) if h.term == term
            ]


def test_a_view_of_all_of_a_view_s_hits_in_order_is_that_view() -> None:
    """`taking`, `part` and `slice` give back the view itself when they would hold all its
    hits (its questions are then answered once), and a view of their own otherwise; a
    view given out of order gives its copy in order."""
    hits = [
        Hit(0, 6, 0, "act", 0),
        Hit(0, 12, 0, "act_long", 0),
        Hit(20, 25, 4, "person", 0),
    ]
    view = SectionHits.from_hits(0, hits, ordered=True)
    assert view.taking([(0, 3)]) is view and view.part(0, 3) is view
    assert view.slice(0, 100) is view
    part = view.slice(0, 10)
    assert part is not view and part.hits_in_order() == hits[:2]
    assert view.taking([(1, 3)]).hits_in_order() == hits[1:]
    given = SectionHits.from_hits(0, [hits[2], hits[0], hits[1]])  # not in order
    assert given.in_order() is given.in_order() is not given
    assert given.taking([(0, 3)]) is given.in_order()
    assert given.taking([(0, 1), (2, 3)]).hits_in_order() == [hits[0], hits[2]]
    assert given.starts() == [0, 0, 20] and given.terms() == ["act", "act_long", "person"]


def test_the_runs_between_dropped_runs_are_what_is_left() -> None:
    from ptcheck.hits import runs_between

    assert runs_between([], 5) == [(0, 5)]
    assert runs_between([(3, 5), (0, 1)], 5) == [(1, 3)]
    assert runs_between([(1, 3), (2, 4), (4, 4)], 6) == [(0, 1), (4, 6)]  # overlapping, empty
    assert runs_between([(0, 6)], 6) == []


def test_the_hits_outside_spans_are_those_starting_in_none_of_them() -> None:
    """In `Hit` order, whatever the order of the view or of the spans; the view in order
    itself when no hit starts in a span."""
    hits = [Hit(start, start + 3, start, "act", 0) for start in (0, 5, 10, 15, 20, 25)]
    given = SectionHits.from_hits(0, [*hits[3:], *hits[:3]])  # not in order
    spans = [(14, 21), (0, 1), (9, 10)]
    expected = [hit for hit in hits if not any(a <= hit.start < b for a, b in spans)]
    assert given.outside_spans(spans).hits_in_order() == expected == [hits[1], hits[2], hits[5]]
    assert given.outside_spans([(1, 5), (30, 40)]) is given.in_order()
