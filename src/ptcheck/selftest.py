"""A checklist's own tests (`ptcheck checklist test`): its items' examples, and the sample
laws whose sidecar files name it, each compared with the statuses a person expects.

A sidecar `law.expected.yaml` beside `law.txt` gives `verdict`, the items expected
`missing` or `partial` (the others are expected met; `missing: all` for a decoy),
`language` (default en) and `checklist` (a bundled checklist's name or a checklist id;
default: the default checklist).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ptcheck.analysis import Analyzer
from ptcheck.checklist import DEFAULT_CHECKLIST
from ptcheck.errors import PtcheckError
from ptcheck.results import STATUSES

SIDECAR_SUFFIX = ".expected.yaml"


@dataclass
class SelfTest:
    """What a checklist test ran and what did not come out as expected."""

    examples: int = 0
    laws: int = 0
    mismatches: list[str] = field(default_factory=list)


def run_examples(analyzer: Analyzer, outcome: SelfTest) -> None:
    """Every example sentence of every item must get the status it is listed under."""
    for item in analyzer.checklist.items:
        for status in ("met", "partial", "missing"):
            for index, text in enumerate(getattr(item.examples, status)):
                outcome.examples += 1
                got = analyzer.analyze_text(text).item(item.id)
                if got.status != status:
                    outcome.mismatches.append(
                        f"items[{item.id}].examples.{status}[{index}]: expected {status},"
                        f" got {got.status} ({got.message})"
                    )


def sample_laws(folder: Path, names: set[str]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The sample laws under `folder` whose sidecars name one of `names`, with the sidecar."""
    for sidecar in sorted(folder.rglob(f"*{SIDECAR_SUFFIX}")):
        expected = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
        if not isinstance(expected, dict):
            raise PtcheckError(f"{sidecar}: a sidecar is a mapping (verdict, missing, ...)")
        if expected.get("checklist", DEFAULT_CHECKLIST) not in names:
            continue
        stem = sidecar.name.removesuffix(SIDECAR_SUFFIX)
        laws = [p for p in sidecar.parent.glob(f"{stem}.*") if p != sidecar]
        if len(laws) != 1:
            raise PtcheckError(f"{sidecar}: no single law beside it named {stem}.*")
        yield laws[0], expected


def law_mismatches(analyzer: Analyzer, law: Path, expected: dict[str, Any]) -> list[str]:
    """How the analysis of one sample law differs from its sidecar (empty: as expected)."""
    result = analyzer.analyze_path(law)
    wanted = {item.id: "met" for item in result.items}
    if expected.get("missing") == "all":  # a decoy: no offence of this checklist here
        expected = {**expected, "missing": list(wanted)}
    problems = []
    for status in STATUSES:
        for item_id in expected.get(status) or []:
            if item_id not in wanted:
                problems.append(f"{law}: unknown item {item_id} in its sidecar")
            wanted[item_id] = status
    for item in result.items:
        if item.status != wanted.get(item.id, "met"):
            problems.append(
                f"{law}: {item.id}: expected {wanted[item.id]}, got {item.status} ({item.message})"
            )
        if item.status == "met" and not item.evidence:
            problems.append(f"{law}: {item.id} is met without evidence")
    if result.verdict != expected.get("verdict"):
        problems.append(f"{law}: verdict: expected {expected.get('verdict')}, got {result.verdict}")
    if result.document.language != expected.get("language", "en"):
        problems.append(
            f"{law}: language: expected {expected.get('language', 'en')},"
            f" got {result.document.language}"
        )
    return problems


def run_selftest(analyzer: Analyzer, name: str, laws: Path | None) -> SelfTest:
    """The examples of the checklist, then the sample laws under `laws` that name it (by
    `name`, its bundled name or file stem, or by its id)."""
    outcome = SelfTest()
    run_examples(analyzer, outcome)
    if laws is not None:
        for law, expected in sample_laws(laws, {name, analyzer.checklist.id}):
            outcome.laws += 1
            outcome.mismatches += law_mismatches(analyzer, law, expected)
    return outcome
