"""The installed `ptcheck`, run as a user runs it (a subprocess, not CliRunner): usage errors
keep click's message and exit 2 on every typer, including those that vendor click."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import DEFAULT_ITEMS, SAMPLE_LAWS
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


def test_standard_input_is_read_with_the_name_given() -> None:
    law = (SAMPLE_LAWS / "force_threats_only.txt").read_bytes()
    done = subprocess.run(
        [*ptcheck_command(), "analyze", "-", "--stdin-filename", "draft.txt", "-f", "json"],
        input=law,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["document"]["path"] == "draft.txt"
    assert data["score"] == 84.1


def test_line_format_is_file_line_column_status_item_message() -> None:
    done = _run("analyze", str(SAMPLE_LAWS / "force_threats_only.txt"), "-f", "line")
    lines = done.stdout.splitlines()
    assert len(lines) == DEFAULT_ITEMS
    law = SAMPLE_LAWS / "force_threats_only.txt"
    assert lines[0] == f"{law}:25:48: met act.recruitment Found in 3(1) “recruits”."
    assert lines[7].startswith(f"{law}:") and " missing means.coercion Not found in " in lines[7]
    quiet = _run("analyze", str(law), "-f", "line", "-q").stdout.splitlines()
    assert [line.split()[2] for line in quiet] == [
        "means.coercion",
        "means.abduction",
        "means.fraud",
        "means.deception",
        "means.abuse_of_power",
        "means.abuse_of_vulnerability",
        "means.payments",
    ]


def test_verbose_and_quiet_exclude_each_other() -> None:
    done = _run("analyze", LAW, "--verbose", "--quiet")
    assert done.returncode == 2
    assert done.stderr.strip() == "ptcheck: error: --verbose and --quiet exclude each other"


def test_config_file_and_isolated(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('[tool.ptcheck]\nformat = "json"\n', encoding="utf-8")
    done = _run("analyze", LAW, "--config", str(settings))
    assert json.loads(done.stdout)["verdict"] == "compliant"
    found_upwards = tmp_path / "ptcheck.toml"
    found_upwards.write_text('format = "json"\n', encoding="utf-8")
    isolated = subprocess.run(
        [*ptcheck_command(), "analyze", LAW, "--isolated"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert isolated.stdout.lstrip().startswith("╭")  # the text report, not the file's JSON
    missing = _run("analyze", LAW, "--config", str(tmp_path / "none.toml"))
    assert missing.returncode == 2
    assert (
        missing.stderr.strip()
        == f"ptcheck: error: {tmp_path / 'none.toml'}: no such configuration file"
    )


def test_malformed_waivers_are_warned_about(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    law = (SAMPLE_LAWS / "no_ancillary_offences.txt").read_text(encoding="utf-8")
    draft.write_text(
        "<!-- ptcheck: waive crim.attempt 'single quotes' -->\n"
        '<!-- ptcheck: waive crim.organizing "" -->\n' + law,
        encoding="utf-8",
    )
    done = _run("analyze", str(draft), "-q")
    assert done.stderr.splitlines() == [
        f"ptcheck: warning: {draft}:1: malformed waiver: ignored (write"
        ' <!-- ptcheck: waive ITEM "reason" -->)',
        f"ptcheck: warning: {draft}:2: waiver of crim.organizing without a reason: ignored",
    ]


def test_shell_completion_completes_commands_and_options() -> None:
    import os

    env = {
        **os.environ,
        "_PTCHECK_COMPLETE": "complete_bash",
        "COMP_WORDS": "ptcheck analyze --fo",
        "COMP_CWORD": "2",
    }
    done = subprocess.run(ptcheck_command(), capture_output=True, text=True, timeout=60, env=env)
    assert done.stdout.split() == ["--format"]


@pytest.mark.slow
def test_usage_errors_with_the_oldest_typer_declared(tmp_path: Path) -> None:
    """pyproject.toml declares typer>=0.12: that typer (with its separate click) keeps the
    contract too, as the newest (which vendors click) does above."""
    import os
    import sys

    target = tmp_path / "old"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            "typer==0.12.5",
            "click==8.1.7",
        ],
        check=True,
        timeout=600,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    version = subprocess.run(
        [sys.executable, "-c", "import typer; print(typer.__version__)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.stdout.strip() == "0.12.5"
    done = subprocess.run(
        [sys.executable, "-m", "ptcheck", "analyze", LAW, "--frmat", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "No such option: --frmat" in done.stderr and "internal error" not in done.stderr
