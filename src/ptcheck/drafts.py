"""Compare two versions of a draft: which items changed status, which evidence moved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptcheck.results import DocumentResult, Evidence

RANK = {"missing": 0, "partial": 1, "met": 2, "waived": 2}


@dataclass(frozen=True)
class Change:
    """One item whose status or evidence differs between the versions."""

    id: str
    title: str
    before: str
    after: str
    moved: bool  # same status, evidence elsewhere
    evidence_before: tuple[Evidence, ...] = ()
    evidence_after: tuple[Evidence, ...] = ()

    @property
    def kind(self) -> str:
        """gained, lost, better, worse, changed (met <-> waived) or moved."""
        if self.before == self.after:
            return "moved"
        if RANK[self.after] == RANK[self.before]:
            return "changed"
        if RANK[self.after] > RANK[self.before]:
            return "gained" if RANK[self.after] == 2 else "better"
        return "lost" if RANK[self.before] == 2 else "worse"

    def as_dict(self) -> dict[str, Any]:
        """Builtins only."""
        return {
            "id": self.id,
            "change": self.kind,
            "before": self.before,
            "after": self.after,
            "evidence_before": [e.as_dict() for e in self.evidence_before],
            "evidence_after": [e.as_dict() for e in self.evidence_after],
        }


@dataclass
class Comparison:
    """The differences between two analyses of a draft."""

    before: DocumentResult
    after: DocumentResult
    changes: list[Change] = field(default_factory=list)

    @property
    def worse(self) -> bool:
        """True when any item got worse."""
        return any(change.kind in ("lost", "worse") for change in self.changes)

    def as_dict(self) -> dict[str, Any]:
        """Builtins only."""
        return {
            "old": {
                "path": self.before.document.path,
                "score": self.before.score,
                "verdict": self.before.verdict,
            },
            "new": {
                "path": self.after.document.path,
                "score": self.after.score,
                "verdict": self.after.verdict,
            },
            "score_change": round(self.after.score - self.before.score, 1),
            "worse": self.worse,
            "changes": [change.as_dict() for change in self.changes],
        }


def _places(evidence: tuple[Evidence, ...]) -> list[tuple[str, str]]:
    return [(e.section, e.quote) for e in evidence]


def compare(before: DocumentResult, after: DocumentResult) -> Comparison:
    """Item by item, in checklist order."""
    comparison = Comparison(before, after)
    old = {item.id: item for item in before.items}
    for item in after.items:
        previous = old.get(item.id)
        if previous is None:
            continue
        moved = previous.status == item.status and _places(previous.evidence) != _places(
            item.evidence
        )
        if previous.status != item.status or moved:
            comparison.changes.append(
                Change(
                    item.id,
                    item.title,
                    previous.status,
                    item.status,
                    moved,
                    previous.evidence,
                    item.evidence,
                )
            )
    return comparison
