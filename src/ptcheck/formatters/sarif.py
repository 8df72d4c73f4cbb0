"""SARIF 2.1.0: rules from the checklist items, a result for every missing or partial item.

Each result points at the nearest relevant place: the partial evidence, the nearest passage
of a missing item, else the first offence provision, else the start of the document.
Waived items are reported as suppressed results with the waiver's reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ptcheck import __version__
from ptcheck.formatters import RenderOptions
from ptcheck.formatters.json import json_text
from ptcheck.results import DocumentResult, ItemResult

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVEL = {"required": "error", "recommended": "warning"}


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """One SARIF log with one run; every document's gaps as results."""
    checklist = results[0].checklist.as_dict() if results else {}
    judged_by = {k: checklist[k] for k in ("id", "version", "title")} if checklist else {}
    rules = [_rule(item, judged_by) for item in results[0].items] if results else []
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    sarif_results = [
        _result(result, item, index[item.id])
        for result in results
        for item in result.items
        if item.status != "met"
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ptcheck",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": sarif_results,
                "columnKind": "unicodeCodePoints",
                # one category per checklist, so code scanning keeps their alerts apart
                "automationDetails": {"id": f"ptcheck/{judged_by.get('id', '')}/"},
                "properties": {"checklist": judged_by},
            }
        ],
    }
    return json_text(log)


def _rule(item: ItemResult, checklist: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": "".join(part.capitalize() for part in item.id.replace(".", "_").split("_")),
        "shortDescription": {"text": item.title},
        "fullDescription": {"text": item.requirement},
        "help": {"text": item.guidance, "markdown": item.guidance},
        "defaultConfiguration": {"level": LEVEL.get(item.severity, "warning")},
        "properties": {
            "category": item.category,
            "severity": item.severity,
            "checklist": checklist.get("id", ""),
        },
    }


def _result(result: DocumentResult, item: ItemResult, rule_index: int) -> dict[str, Any]:
    line, column = location(result, item)
    level = LEVEL.get(item.severity, "warning") if item.status == "missing" else "warning"
    entry: dict[str, Any] = {
        "ruleId": item.id,
        "ruleIndex": rule_index,
        "level": level,
        "kind": "fail",
        "message": {"text": f"{item.title} ({item.status}): {item.message}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(result.document.path)},
                    "region": {"startLine": line, "startColumn": column},
                }
            }
        ],
        "properties": {"status": item.status, "score": result.score},
    }
    if item.status == "waived":
        entry["suppressions"] = [{"kind": "external", "justification": item.message}]
    return entry


def location(result: DocumentResult, item: ItemResult) -> tuple[int, int]:
    """The nearest relevant place for a gap: its evidence, its nearest passage, the offence."""
    for found in (*item.evidence, *item.nearest):
        return found.line, found.column
    for offence in result.offences:
        return offence.line, offence.column
    return 1, 1


def _uri(path: str) -> str:
    """A relative URI reference for a path (forward slashes, spaces and % escaped)."""
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/:._-~")
