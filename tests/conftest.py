"""Shared fixtures: one analyzer for the session, and where the labelled corpus lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.checklist import LoadedChecklist, load_checklist

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LAWS = ROOT / "sample_laws"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def loaded() -> LoadedChecklist:
    return load_checklist()


@pytest.fixture(scope="session")
def analyzer(loaded: LoadedChecklist) -> Analyzer:
    return Analyzer(loaded)


@pytest.fixture(scope="session")
def english(loaded: LoadedChecklist) -> Analyzer:
    """An analyzer reading every text as English (`--language en`)."""
    return Analyzer(loaded, language="en")
