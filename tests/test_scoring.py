"""Scoring properties (Hypothesis) and the verdict rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ptcheck.results import ItemResult
from ptcheck.scoring import verdict, weighted_score

statuses = st.sampled_from(["met", "partial", "missing"])
weights = st.floats(min_value=0.1, max_value=10, allow_nan=False)


def item(index: int, status: str, weight: float, severity: str = "required") -> ItemResult:
    return ItemResult(f"x.i{index}", "x", "t", status, weight, severity, "")  # type: ignore[arg-type]


items_strategy = st.lists(st.tuples(statuses, weights), min_size=1, max_size=40).map(
    lambda pairs: [item(i, s, w) for i, (s, w) in enumerate(pairs)]
)


@given(items_strategy)
def test_score_is_between_0_and_100(items: list[ItemResult]) -> None:
    assert 0.0 <= weighted_score(items) <= 100.0


@given(items_strategy, st.data())
def test_turning_an_item_to_met_never_lowers_the_score(
    items: list[ItemResult], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(items) - 1))
    better = list(items)
    old = items[index]
    better[index] = item(index, "met", old.weight)
    assert weighted_score(better) >= weighted_score(items)


@given(items_strategy, st.randoms())
def test_item_order_does_not_matter(items: list[ItemResult], rnd: object) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert weighted_score(shuffled) == weighted_score(items)


def test_weights_and_partial_credit() -> None:
    assert weighted_score([item(0, "met", 3), item(1, "missing", 1)]) == 75.0
    assert weighted_score([item(0, "partial", 1), item(1, "missing", 1)]) == 25.0


def test_verdicts() -> None:
    recommended_gap = [item(0, "met", 1), item(1, "missing", 1, "recommended")]
    assert verdict(recommended_gap, 50.0, True) == "compliant"
    assert verdict([item(0, "met", 1), item(1, "missing", 1)], 50.0, True) == "partial"
    assert verdict([item(0, "missing", 3), item(1, "met", 1)], 25.0, True) == "non-compliant"
    assert verdict([item(0, "met", 1)], 100.0, False) == "no-offence"
