"""Scores: weighted share of items met (partial counts half), per category and overall."""

from __future__ import annotations

from collections.abc import Sequence

from ptcheck.checklist import Checklist
from ptcheck.results import CategoryResult, ItemResult

CREDIT = {"met": 1.0, "partial": 0.5, "missing": 0.0, "waived": 1.0}  # waived: handled elsewhere
COMPLIANT, PARTIAL, NON_COMPLIANT, NO_OFFENCE = (
    "compliant",
    "partial",
    "non-compliant",
    "no-offence",
)
PARTIAL_FROM = 50.0  # a score from which the verdict is "partial" rather than "non-compliant"


def weighted_score(items: Sequence[ItemResult]) -> float:
    """0-100: the weighted share of credit, rounded to one decimal."""
    total = sum(item.weight for item in items)
    if not total:
        return 0.0
    earned = sum(item.weight * CREDIT[item.status] for item in items)
    return round(100.0 * earned / total, 1)


def category_results(checklist: Checklist, items: Sequence[ItemResult]) -> list[CategoryResult]:
    """One result per category of the checklist, in its order."""
    results = []
    for category in checklist.categories:
        members = [item for item in items if item.category == category.id]
        results.append(
            CategoryResult(
                id=category.id,
                title=category.title,
                score=weighted_score(members),
                met=sum(item.status == "met" for item in members),
                partial=sum(item.status == "partial" for item in members),
                missing=sum(item.status == "missing" for item in members),
                waived=sum(item.status == "waived" for item in members),
            )
        )
    return results


def verdict(items: Sequence[ItemResult], score: float, offence_found: bool) -> str:
    """compliant: every required item met (or waived); partial: score >= 50; else non-compliant."""
    if not offence_found:
        return NO_OFFENCE
    if all(item.status in ("met", "waived") for item in items if item.severity == "required"):
        return COMPLIANT
    return PARTIAL if score >= PARTIAL_FROM else NON_COMPLIANT
