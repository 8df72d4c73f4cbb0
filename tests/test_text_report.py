"""The terminal report a drafter reads: gaps first, ids whole at 80 columns, why an item is
met when no quote says it, one summary line at the end, thresholds explained on stderr."""

from __future__ import annotations

import subprocess

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.formatters import RenderOptions
from ptcheck.formatters.text import render

from .conftest import SAMPLE_LAWS
from .test_languages import ptcheck_command


def _report(analyzer: Analyzer, name: str, width: int = 80) -> str:
    result = analyzer.analyze_path(SAMPLE_LAWS / name)
    return render([result], RenderOptions(width=width))


@pytest.mark.parametrize("width", [80, 120])
def test_no_line_is_wider_than_the_terminal_and_every_id_is_whole(
    analyzer: Analyzer, width: int
) -> None:
    result = analyzer.analyze_path(SAMPLE_LAWS / "force_threats_only.txt")
    text = render([result], RenderOptions(width=width))
    assert max(len(line) for line in text.splitlines()) <= width
    for item in result.items:
        assert f" {item.id} " in text or text.count(item.id) >= 1
        assert any(line.split()[2:3] == [item.id] for line in text.splitlines()), item.id


def test_gaps_come_before_the_items_met_and_the_summary_is_last(analyzer: Analyzer) -> None:
    lines = _report(analyzer, "force_threats_only.txt", width=200).rstrip().splitlines()
    gaps = next(i for i, line in enumerate(lines) if line.startswith("Gaps (7)"))
    met = next(i for i, line in enumerate(lines) if line.startswith("Met (27)"))
    assert gaps < met
    assert lines[gaps + 1].split()[2] == "means.coercion"
    assert "The Protocol requires:" in "\n".join(lines[gaps:met])
    assert "To close it:" in "\n".join(lines[gaps:met])
    assert lines[-1] == (
        f"{SAMPLE_LAWS / 'force_threats_only.txt'}: 84.1/100 partial — 27 met, 0 partial, 7 missing"
    )


def test_a_met_item_without_a_quote_says_why(analyzer: Analyzer) -> None:
    text = _report(analyzer, "whoever_no_means.txt", width=200)
    line = next(line for line in text.splitlines() if " means.fraud " in line)
    assert "No means required (212(1)" in line


def test_a_document_without_an_offence_says_so_once(analyzer: Analyzer) -> None:
    text = _report(analyzer, "smuggling_decoy.txt", width=200)
    assert text.lower().count("no trafficking-in-persons offence found") == 1
    assert "Gaps" not in text


def test_thresholds_say_which_and_why_on_stderr() -> None:
    law = str(SAMPLE_LAWS / "force_threats_only.txt")
    done = subprocess.run(
        [*ptcheck_command(), "analyze", law, "--fail-under", "95", "--fail-on", "required"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"ptcheck: {law}: --fail-under 95: score 84.1",
        f"ptcheck: {law}: --fail-on required: 7 required items not met: means.coercion,"
        " means.abduction, means.fraud, means.deception, means.abuse_of_power,"
        " means.abuse_of_vulnerability, means.payments",
    ]
