"""The installed `ptcheck`, run as a user runs it (a subprocess, not CliRunner): usage errors
keep click's message and exit 2 on every typer, including those that vendor click."""

from __future__ import annotations

import json
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


def test_several_files_give_a_json_array_with_the_unreadable_ones(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    done = _run("analyze", LAW, str(missing), "--format", "json")
    assert done.returncode == 2
    data = json.loads(done.stdout)
    assert isinstance(data, list) and len(data) == 2
    assert data[0]["document"]["path"] == LAW
    assert data[1] == {
        "schema_version": 1,
        "document": {"path": str(missing)},
        "error": f"{missing}: no such file",
    }


def test_several_unreadable_files_still_give_an_array(tmp_path: Path) -> None:
    done = _run("analyze", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--format", "json")
    assert done.returncode == 2
    assert [entry["document"]["path"] for entry in json.loads(done.stdout)] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
    ]


def test_one_file_gives_one_object() -> None:
    assert isinstance(json.loads(_run("analyze", LAW, "--format", "json").stdout), dict)


def test_batch_out_naming_a_file_is_a_usage_error(tmp_path: Path) -> None:
    taken = tmp_path / "results.json"
    taken.write_text("{}", encoding="utf-8")
    done = _run("batch", str(SAMPLE_LAWS / "es"), "--out", str(taken))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"ptcheck: error: {taken}: --out names a folder to write into, and this is a file"
    )
    assert taken.read_text(encoding="utf-8") == "{}"
