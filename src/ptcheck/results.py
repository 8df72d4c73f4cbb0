"""Results: small value objects, and their one serialization boundary (`as_dict`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ptcheck import __version__

SCHEMA_VERSION = 1
Status = Literal["met", "partial", "missing", "waived"]
STATUSES: tuple[Status, ...] = ("met", "partial", "missing", "waived")


@dataclass(frozen=True, order=True)
class Evidence:
    """Words of the statute: the quote, the provision's label, 1-based line and column.

    `start` and `end` are character offsets of the quoted span in the document's text.
    """

    line: int
    column: int
    quote: str
    section: str
    context: str = ""
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Builtins only."""
        return {
            "quote": self.quote,
            "section": self.section,
            "line": self.line,
            "column": self.column,
            "context": self.context,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class ItemResult:
    """The verdict on one checklist item."""

    id: str
    category: str
    title: str
    status: Status
    weight: float
    severity: str
    message: str
    evidence: tuple[Evidence, ...] = ()
    nearest: tuple[Evidence, ...] = ()
    requirement: str = ""
    guidance: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Builtins only."""
        return {
            "id": self.id,
            "category": self.category,
            "title": self.title,
            "status": self.status,
            "weight": self.weight,
            "severity": self.severity,
            "evidence": [e.as_dict() for e in self.evidence],
            "nearest": [e.as_dict() for e in self.nearest],
            "message": self.message,
            "requirement": self.requirement,
            "guidance": self.guidance if self.status != "met" else "",
        }


@dataclass(frozen=True)
class CategoryResult:
    """Counts and score of one category."""

    id: str
    title: str
    score: float
    met: int
    partial: int
    missing: int
    waived: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Builtins only."""
        return {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "met": self.met,
            "partial": self.partial,
            "missing": self.missing,
            "waived": self.waived,
        }


@dataclass(frozen=True)
class DocumentInfo:
    """What was analysed."""

    path: str
    sha256: str
    language: str
    characters: int
    lines: int
    format: str

    def as_dict(self) -> dict[str, Any]:
        """Builtins only."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "language": self.language,
            "format": self.format,
            "characters": self.characters,
            "lines": self.lines,
        }


@dataclass(frozen=True)
class ChecklistInfo:
    """Which checklist judged it."""

    id: str
    version: str
    title: str
    sha256: str
    no_offence: str  # the checklist's words when there is no offence (its `messages`)
    requirement_label: str  # its words before an item's requirement

    def as_dict(self) -> dict[str, Any]:
        """Builtins only."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "sha256": self.sha256,
            "no_offence": self.no_offence,
            "requirement_label": self.requirement_label,
        }


@dataclass(frozen=True)
class Offence:
    """A provision that creates the trafficking offence: its citation and where it starts."""

    name: str
    line: int
    column: int

    def as_dict(self) -> dict[str, Any]:
        """Builtins only."""
        return {"name": self.name, "line": self.line, "column": self.column}


@dataclass(frozen=True)
class DocumentResult:
    """The analysis of one document against one checklist."""

    document: DocumentInfo
    checklist: ChecklistInfo
    score: float
    verdict: str
    summary: str
    categories: tuple[CategoryResult, ...]
    items: tuple[ItemResult, ...]
    offences: tuple[Offence, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    text: str = field(default="", repr=False, compare=False)  # for reports; not serialized

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract (schema_version 1), builtins only."""
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "ptcheck", "version": __version__},
            "document": self.document.as_dict(),
            "checklist": self.checklist.as_dict(),
            "score": self.score,
            "verdict": self.verdict,
            "summary": self.summary,
            "offences": [offence.as_dict() for offence in self.offences],
            "warnings": list(self.warnings),
            "categories": [c.as_dict() for c in self.categories],
            "items": [i.as_dict() for i in self.items],
        }

    def item(self, item_id: str) -> ItemResult:
        """The result of one item."""
        return next(i for i in self.items if i.id == item_id)
