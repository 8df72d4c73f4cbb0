"""The labelled corpus in ../shared/corpus: every statute runs through analyze."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ptcheck.analysis import Analyzer

from .conftest import CORPUS

STATUTES = sorted(CORPUS.glob("*/*.txt")) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not STATUTES, reason=f"no labelled corpus at {CORPUS}")


@pytest.mark.parametrize("statute", STATUTES, ids=[s.stem for s in STATUTES])
def test_every_labelled_statute_is_analysed(analyzer: Analyzer, statute: Path) -> None:
    labels = yaml.safe_load(statute.with_suffix(".yaml").read_text(encoding="utf-8"))
    result = analyzer.analyze_path(statute)
    assert [item.id for item in result.items] == list(labels["expected"])
    assert result.document.language == labels["language"]
    for item in result.items:
        if item.status == "met":
            assert item.evidence, item.id


def test_eval_meets_the_accuracy_targets(analyzer: Analyzer) -> None:
    from ptcheck.evaluation import evaluate_folder

    evaluation = evaluate_folder(analyzer, CORPUS)
    assert not [s.error for s in evaluation.statutes if s.error]
    assert evaluation.accuracy >= 0.95
    assert evaluation.false_met_rate <= 0.01
    for statute in evaluation.statutes:
        if statute.kind == "decoy":
            result = analyzer.analyze_path(CORPUS / statute.id / f"{statute.id}.txt")
            assert all(item.status != "met" for item in result.items), statute.id
            assert result.verdict == "no-offence"
