"""Per-item behaviour, data-driven: the checklist's own examples and tests/cases/**/*.yaml.

A case gives `text` and `expect` (item -> status), and may give `quotes` (words among an
item's evidence), `sections` (the provision its first evidence comes from), `warning` (words
of a document warning) and `verdict`.

Case files in a language folder (`tests/cases/fr/`) hold texts in that language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ptcheck.analysis import Analyzer
from ptcheck.checklist import bundled_checklists, load_checklist

CASES_DIR = Path(__file__).parent / "cases"


def _checklist_examples() -> list[Any]:
    """Every example of every bundled checklist."""
    params = []
    for name, path in bundled_checklists().items():
        for item in load_checklist(path).checklist.items:
            for status in ("met", "partial", "missing"):
                for index, text in enumerate(getattr(item.examples, status)):
                    label = f"{name}:{item.id}-{status}-{index}"
                    params.append(pytest.param(name, item.id, text, status, id=label))
    return params


_ANALYZERS: dict[str, Analyzer] = {}


def bundled_analyzer(name: str) -> Analyzer:
    """An analyzer of the bundled checklist `name`, built once per test session."""
    if name not in _ANALYZERS:
        _ANALYZERS[name] = Analyzer(load_checklist(bundled_checklists()[name]))
    return _ANALYZERS[name]


def _case_files() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.rglob("*.yaml")):
        name = path.relative_to(CASES_DIR).with_suffix("").as_posix()
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            language = path.parent.name if path.parent != CASES_DIR else "en"
            params.append(pytest.param({"language": language, **case}, id=f"{name}:{case['name']}"))
    return params


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "example" in metafunc.fixturenames:
        metafunc.parametrize("checklist,item_id,example,status", _checklist_examples())
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", _case_files())


def test_checklist_example(checklist: str, item_id: str, example: str, status: str) -> None:
    result = bundled_analyzer(checklist).analyze_text(example).item(item_id)
    assert result.status == status, result.message


def test_case(analyzer: Analyzer, case: dict[str, Any]) -> None:
    result = analyzer.analyze_text(case["text"])
    assert result.document.language == case["language"]
    for item_id, status in case["expect"].items():
        got = result.item(item_id)
        assert got.status == status, f"{item_id}: {got.message}"
    for item_id, quote in case.get("quotes", {}).items():
        assert quote in [e.quote for e in result.item(item_id).evidence]
    for item_id, label in case.get("sections", {}).items():
        evidence = result.item(item_id).evidence
        assert evidence and evidence[0].section == label, result.item(item_id).message
    if "warning" in case:
        assert any(case["warning"] in warning for warning in result.warnings), result.warnings
    if "verdict" in case:
        assert result.verdict == case["verdict"]
