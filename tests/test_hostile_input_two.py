"""Hostile input, round two, below the command line: inputs that once took superlinear time
grow linearly, HTML end tags, CSV cells and BOM-less UTF-16. The command-line cases are the
rows of test_bad_input_matrix.py."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.documents.html import html_text

from .conftest import SAMPLE_LAWS

LAW = SAMPLE_LAWS / "model_complete.txt"


def test_many_unclosed_paragraphs_are_not_nesting() -> None:
    page = "<html><body>" + "<p>A person who recruits another person." * 5_000 + "</body></html>"
    assert html_text(page).count("A person who recruits") == 5_000


def _seconds(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def _grows_linearly(make: Callable[[int], str], analyzer: Analyzer, n: int) -> None:
    """Four times the input takes well under sixteen times as long (best of three)."""
    small, large = make(n), make(4 * n)
    analyzer.analyze_text(small)  # warm caches
    ratio = _seconds(lambda: analyzer.analyze_text(large)) / max(
        _seconds(lambda: analyzer.analyze_text(small)), 1e-3
    )
    assert ratio < 8, f"4x the input took {ratio:.1f}x the time"


LEAD = LAW.read_text()


@pytest.mark.parametrize(
    "shape,n",
    [
        ("blank lines after a quoted term", 40_000),
        ("waiver openers", 2_000),
        ("chained definitions", 2_000),
        ("limbs of one section", 600),
    ],
)
def test_input_shapes_grow_linearly(english: Analyzer, shape: str, n: int) -> None:
    def make(size: int) -> str:
        if shape == "blank lines after a quoted term":
            return LEAD + '\n"child"' + "\n" * size + " means a person."
        if shape == "waiver openers":
            return LEAD + "\n" + '<!-- ptcheck: waive crim.attempt "reason ' * size
        if shape == "chained definitions":
            lines = [f'"t{k:05d}" means a kind of t{k + 1:05d};' for k in range(size)]
            return "2. In this Act—\n" + "\n".join(lines) + "\n" + LEAD
        limbs = [
            f"({k}) A person who recruits a child by force for exploitation commits an offence."
            for k in range(1, size)
        ]
        return LEAD + "\n9. Trafficking\n" + "\n".join(limbs)

    _grows_linearly(make, english, n)


def test_the_matrix_keeps_rows_whole_and_formulas_inert(tmp_path: Path) -> None:
    from ptcheck.formatters.csv import cell

    assert cell("a;=1+1.txt") == "a;'=1+1.txt"
    assert cell("=HYPERLINK()") == "'=HYPERLINK()"
    assert cell("line\rbreak.txt") == "line\\rbreak.txt"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_in_another_script_is_read(tmp_path: Path, encoding: str) -> None:
    from ptcheck.documents import read_document

    text = "Статья 1. Купля-продажа человека наказывается лишением свободы.\n" * 3
    path = tmp_path / "law.txt"
    path.write_bytes(text.encode(encoding))
    document = read_document(path)
    assert document.text == text and document.encoding == encoding


@pytest.mark.parametrize(
    "command", [["analyze", "{file}"], ["analyze", str(LAW), "--checklist", "{file}"]]
)
def test_a_file_without_read_permission_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Permission bits do not stop root (the CI user), so the refusal is simulated where
    the file is opened."""
    from typer.testing import CliRunner

    from ptcheck.cli import app

    locked = tmp_path / "locked.yaml"
    locked.write_bytes(LAW.read_bytes())
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    result = CliRunner().invoke(app, [a.replace("{file}", str(locked)) for a in command])
    assert result.exit_code == 2
    assert f"{locked}: permission denied" in result.stderr
