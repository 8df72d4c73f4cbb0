"""The installed `ptcheck`, run as a user runs it (a subprocess, not CliRunner): usage errors
keep click's message and exit 2 on every typer, including those that vendor click."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import SAMPLE_LAWS
from .test_languages import ptcheck_command

LAW = str(SAMPLE_LAWS / "model_complete.txt")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ptcheck_command(), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "args,message",
    [
        (["analyze", LAW, "--frmat", "json"], "Error: No such option: --frmat"),
        (["nosuch"], "Error: No such command 'nosuch'."),
        (["analyze"], "Error: Missing argument"),
        (["analyze", LAW, "--fail-under", "abc"], "Invalid value for '--fail-under'"),
        (["analyze", LAW, "--frmat", "json", "--debug"], "Error: No such option: --frmat"),
    ],
    ids=["mistyped-option", "unknown-command", "missing-argument", "bad-number", "with-debug"],
)
def test_usage_errors_exit_2_with_clicks_message(args: list[str], message: str) -> None:
    done = _run(*args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "internal error" not in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.rstrip().splitlines()[0].startswith("Usage: ptcheck")


def test_a_mistyped_option_names_the_right_one() -> None:
    done = _run("analyze", LAW, "--frmat", "json")
    assert "--format" in done.stderr.splitlines()[-1]


def test_no_arguments_prints_the_help_and_exits_2() -> None:
    done = _run()
    assert done.returncode == 2
    assert "Commands:" in done.stdout + done.stderr
    assert "internal error" not in done.stderr


def test_every_status_has_one_look_in_every_formatter() -> None:
    from ptcheck.formatters import STATUS_LOOK
    from ptcheck.results import STATUSES

    assert set(STATUS_LOOK) == set(STATUSES)


@pytest.mark.parametrize("output", ["text", "markdown", "html", "json", "sarif", "junit"])
def test_a_waived_item_is_reported_in_every_format(tmp_path: Path, output: str) -> None:
    draft = tmp_path / "draft.md"
    law = (SAMPLE_LAWS / "no_ancillary_offences.txt").read_text(encoding="utf-8")
    draft.write_text('<!-- ptcheck: waive crim.attempt "Penal Code s. 21" -->\n' + law, "utf-8")
    done = _run("analyze", str(draft), "--format", output)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr
    assert "crim.attempt" in done.stdout
    assert "waived" in done.stdout or output in ("sarif", "junit")
