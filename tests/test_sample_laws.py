"""The sample laws of our own drafting and their expected statuses (sidecar files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ptcheck.checklist import DEFAULT_CHECKLIST, bundled_checklists
from ptcheck.selftest import law_mismatches, sample_laws

from .conftest import SAMPLE_LAWS, statutes
from .test_items import bundled_analyzer

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
        if law.parent == SAMPLE_LAWS / language  # the default checklist's laws
    }
    assert "compliant" in verdicts
    assert verdicts - {"compliant"}


SIDECARS = [
    (law, expected)
    for names in ({name} for name in bundled_checklists())
    for law, expected in sample_laws(SAMPLE_LAWS, names)
]


def test_every_sample_law_has_a_sidecar_and_every_checklist_sample_laws() -> None:
    assert {law for law, _ in SIDECARS} == set(LAWS)
    named = {expected.get("checklist", DEFAULT_CHECKLIST) for _, expected in SIDECARS}
    assert named == set(bundled_checklists())


@pytest.mark.parametrize(
    "law,expected", SIDECARS, ids=[str(law.relative_to(SAMPLE_LAWS)) for law, _ in SIDECARS]
)
def test_expected_statuses(law: Path, expected: dict[str, Any]) -> None:
    analyzer = bundled_analyzer(expected.get("checklist", DEFAULT_CHECKLIST))
    assert law_mismatches(analyzer, law, expected) == []


def test_a_smuggling_law_needing_no_benefit_is_reported_broader() -> None:
    result = bundled_analyzer("som-protocol").analyze_path(SAMPLE_LAWS / "som" / "no_benefit.txt")
    benefit = result.item("smuggling.benefit")
    assert benefit.status == "met"
    assert benefit.message.startswith("No financial or other material benefit required (1(1)")
    assert "broader than Article 6(1)" in benefit.message
    assert "broader than Article 3(a)" in result.item("smuggling.non_nationals").message


def test_each_checklist_reads_the_other_s_laws_as_no_offence() -> None:
    smuggling = bundled_analyzer("som-protocol")
    trafficking = bundled_analyzer("tip-protocol")
    for law in (SAMPLE_LAWS / "model_complete.txt", SAMPLE_LAWS / "es" / "ley_modelo.txt"):
        result = smuggling.analyze_path(law)
        assert result.verdict == "no-offence"
        assert result.summary == "No migrant-smuggling offence found: every item is missing."
    for law in sorted((SAMPLE_LAWS / "som").rglob("*.txt")):
        if not law.stem.startswith("decoy"):
            assert trafficking.analyze_path(law).verdict == "no-offence", law


def test_an_analysis_leaves_no_reference_cycle_behind() -> None:
    """Everything an analysis builds (sections, hits, limbs) is freed when its result is
    dropped, not at the next full collection: a cycle there kept 90 MB of a 2 MB statute
    alive after its analysis, and stacked up in a batch worker."""
    import gc

    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import load_checklist

    analyzer = Analyzer(load_checklist())
    enabled = gc.isenabled()
    gc.disable()
    try:
        for law in statutes():
            text = law.read_text(encoding="utf-8")
            analyzer.analyze_text(text)  # first use of its language builds the matcher
            gc.collect()
            result = analyzer.analyze_text(text)
            assert result.items, law
            del result
            assert gc.collect() == 0, law  # objects found only through cycles
    finally:
        if enabled:
            gc.enable()


def test_collection_resumes_after_an_analysis_even_when_it_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The collector is paused while a document is analysed (it makes no cycle); left off,
    a batch of thousands of laws would keep every cycle any library makes."""
    import gc

    from ptcheck import analysis
    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import load_checklist

    analyzer = Analyzer(load_checklist())
    text = (SAMPLE_LAWS / "model_complete.txt").read_text(encoding="utf-8")
    assert gc.isenabled()
    seen: list[bool] = []

    def failing(*args: Any) -> Any:
        seen.append(gc.isenabled())
        raise RuntimeError("judging failed")

    analyzer.analyze_text(text)
    assert gc.isenabled()
    monkeypatch.setattr(analysis, "Judge", failing)
    with pytest.raises(RuntimeError):
        analyzer.analyze_text(text)
    assert seen == [False]
    assert gc.isenabled()
