"""Shared fixtures: one analyzer for the session, and where the labelled corpus lives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.checklist import LoadedChecklist, load_checklist

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LAWS = ROOT / "sample_laws"
CORPUS = ROOT.parent / "shared" / "corpus"


def statutes() -> list[Path]:
    """Every sample law and, where it is beside the project, every corpus statute."""
    laws = sorted(SAMPLE_LAWS.rglob("*.txt"))
    return laws + (sorted(CORPUS.glob("*/*.txt")) if CORPUS.is_dir() else [])


DEFAULT = load_checklist().checklist  # the default checklist: tests that run it count its items
DEFAULT_ITEMS = len(DEFAULT.items)


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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(profile: Path, width: int, height: int) -> list[str]:
    """Headless Chromium, offline and without a first-run, in a window of this size."""
    assert CHROMIUM is not None
    return [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ]
