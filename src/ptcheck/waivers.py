"""Waivers: items a drafter records as handled elsewhere, with the reason.

From the configuration (`waive = { "crim.attempt" = "Penal Code s. 21" }`) or from a
comment line in the draft itself: `<!-- ptcheck: waive crim.attempt "Penal Code s. 21" -->`.
A waived item is reported as `waived` with its reason and counts as satisfied for the
score and the thresholds. A waiver for an unknown item, or for an item that is met
anyway, is warned about.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ptcheck.results import ItemResult

INLINE = re.compile(r"<!--\s*ptcheck:\s*waive\s+([A-Za-z0-9_.\-]+)\s+[\"“]([^\"”\n]*)[\"”]\s*-->")


@dataclass(frozen=True)
class Waiver:
    """One waived item, its reason, and where the waiver was written."""

    item: str
    reason: str
    source: str


def inline_waivers(text: str, path: str) -> tuple[list[Waiver], list[str]]:
    """Waivers written as comment lines in a document, and warnings about lines that look
    like a waiver but are not one (wrong quotes, no item, no reason)."""
    if "ptcheck:" not in text:
        return [], []  # the common case, at the speed of one substring search
    found: list[Waiver] = []
    warnings: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        matches = list(INLINE.finditer(line))
        for match in matches:
            if not match[2].strip():
                warnings.append(f"{path}:{number}: waiver of {match[1]} without a reason: ignored")
                continue
            found.append(Waiver(match[1], match[2].strip(), f"{path}:{number}"))
        if not matches and _LOOKS_LIKE_WAIVER.search(line):
            warnings.append(
                f"{path}:{number}: malformed waiver: ignored (write"
                ' <!-- ptcheck: waive ITEM "reason" -->)'
            )
    return found, warnings


_LOOKS_LIKE_WAIVER = re.compile(r"ptcheck:\s*waive", re.IGNORECASE)


def apply_waivers(
    results: list[ItemResult], waivers: Iterable[Waiver]
) -> tuple[list[ItemResult], list[str]]:
    """The items with waivers applied, and warnings about waivers that did nothing."""
    items = {item.id: item for item in results}
    warnings: list[str] = []
    for waiver in waivers:
        item = items.get(waiver.item)
        if item is None:
            warnings.append(f"{waiver.source}: waiver for unknown item {waiver.item!r}")
        elif item.status == "met":
            warnings.append(
                f"{waiver.source}: waiver for {waiver.item} is not needed: the item is met"
            )
        elif item.status != "waived":
            items[waiver.item] = dataclasses.replace(
                item,
                status="waived",
                message=f"Waived ({waiver.source}): {waiver.reason}. ptcheck found: {item.message}",
            )
    return [items[item.id] for item in results], warnings
