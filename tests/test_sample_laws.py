"""The sample laws of our own drafting and their expected statuses (sidecar files)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ptcheck.analysis import Analyzer
from ptcheck.results import STATUSES

from .conftest import SAMPLE_LAWS

LAWS = sorted(SAMPLE_LAWS.rglob("*.txt"))  # English at the top, other languages in <code>/


def test_there_is_a_complete_law_and_at_least_six_deficient_ones() -> None:
    assert (SAMPLE_LAWS / "model_complete.txt") in LAWS
    assert len(LAWS) >= 7
    assert all(law.with_suffix(".expected.yaml").exists() for law in LAWS)


def test_there_is_a_decoy_of_every_kind() -> None:
    kinds = {
        "procuring",
        "employment_agency",
        "wildlife",
        "trafico_organos",
        "drogas",
        "armes",
        "trabalho_infantil",
    }
    assert kinds <= {law.stem for law in LAWS if law.parent.name == "decoys"}


@pytest.mark.parametrize("language", ["es", "fr", "de", "it", "pt"])
def test_every_language_has_a_compliant_and_a_deficient_law(language: str) -> None:
    verdicts = {
        yaml.safe_load(law.with_suffix(".expected.yaml").read_text(encoding="utf-8"))["verdict"]
        for law in LAWS
        if law.parent.name == language
    }
    assert "compliant" in verdicts
    assert verdicts - {"compliant"}


@pytest.mark.parametrize("law", LAWS, ids=[str(law.relative_to(SAMPLE_LAWS)) for law in LAWS])
def test_expected_statuses(analyzer: Analyzer, law: Path) -> None:
    expected = yaml.safe_load(law.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    result = analyzer.analyze_path(law)
    wanted = {item.id: "met" for item in result.items}
    if expected.get("missing") == "all":  # a decoy: nothing here is a trafficking offence
        expected["missing"] = list(wanted)
    for status in STATUSES:
        for item_id in expected.get(status) or []:
            assert item_id in wanted, f"unknown item {item_id} in sidecar"
            wanted[item_id] = status
    got = {item.id: item.status for item in result.items}
    wrong = {k: (v, got[k]) for k, v in wanted.items() if got[k] != v}
    assert not wrong, f"(expected, got): {wrong}"
    assert result.verdict == expected["verdict"]
    assert result.document.language == expected.get("language", "en")
    for item in result.items:
        if item.status == "met":
            assert item.evidence, f"{item.id} is met without evidence"
