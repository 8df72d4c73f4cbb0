"""The command line through CliRunner: exit codes, formats, the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ptcheck import __version__
from ptcheck.cli import app
from ptcheck.results import STATUSES

from .conftest import DEFAULT, DEFAULT_ITEMS, SAMPLE_LAWS

runner = CliRunner()
COMPLETE = str(SAMPLE_LAWS / "model_complete.txt")
PARTIAL = str(SAMPLE_LAWS / "no_ancillary_offences.txt")


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ptcheck {__version__}"


def test_json_contract(loaded: object) -> None:
    result = runner.invoke(app, ["analyze", COMPLETE, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "ptcheck", "version": __version__}
    assert set(data) >= {"document", "checklist", "score", "verdict", "categories", "items"}
    assert data["document"]["path"] == COMPLETE
    assert len(data["document"]["sha256"]) == 64
    assert data["document"]["language"] == "en"
    assert data["document"]["lines"] == Path(COMPLETE).read_text().count("\n")
    assert data["checklist"]["id"] == "untoc-tip-protocol"
    assert data["score"] == 100.0
    assert data["verdict"] == "compliant"
    checklist_ids = [item.id for item in loaded.checklist.items]  # type: ignore[attr-defined]
    assert [item["id"] for item in data["items"]] == checklist_ids
    for item in data["items"]:
        assert item["status"] in STATUSES
        if item["status"] == "met":
            assert item["evidence"], item["id"]
        for evidence in item["evidence"]:
            assert set(evidence) >= {"quote", "section", "line", "column"}
            assert evidence["line"] >= 1 and evidence["column"] >= 1
    assert [c["id"] for c in data["categories"]] == [c.id for c in DEFAULT.categories]


def test_evidence_points_at_the_words() -> None:
    data = json.loads(runner.invoke(app, ["analyze", COMPLETE, "-f", "json"]).stdout)
    lines = Path(COMPLETE).read_text().split("\n")
    for item in data["items"]:
        for evidence in item["evidence"]:
            line = lines[evidence["line"] - 1]
            start = evidence["column"] - 1
            assert line[start:].startswith(evidence["quote"].split()[0]), item["id"]
    recruitment = next(i for i in data["items"] if i["id"] == "act.recruitment")
    assert recruitment["evidence"][0]["section"] == "3(1)"
    assert recruitment["evidence"][0]["quote"] == "recruits"


def test_fail_under_exit_codes() -> None:
    assert runner.invoke(app, ["analyze", PARTIAL, "-q", "--fail-under", "99"]).exit_code == 1
    assert runner.invoke(app, ["analyze", PARTIAL, "-q", "--fail-under", "50"]).exit_code == 0
    assert runner.invoke(app, ["analyze", PARTIAL, "-q", "--fail-under", "101"]).exit_code == 2


def test_several_files_give_a_json_array_and_a_bad_one_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(app, ["analyze", COMPLETE, str(empty), PARTIAL, "-f", "json"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"ptcheck: error: {empty}: the file is empty"
    data = json.loads(result.stdout)
    assert [d["document"]["path"] for d in data] == [COMPLETE, PARTIAL, str(empty)]
    assert data[2]["error"] == f"{empty}: the file is empty"


@pytest.mark.parametrize(
    "args,message",
    [
        (["analyze", "no/such/law.txt"], "ptcheck: error: no/such/law.txt: no such file"),
        (
            ["analyze", "--format", "xml", COMPLETE],
            "ptcheck: error: unknown format 'xml' (choose from text, json, markdown, html, sarif, junit, github, line)",
        ),
    ],
)
def test_usage_and_input_errors_exit_2_without_traceback(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.output


def test_directory_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"ptcheck: error: {tmp_path}: is a directory, not a document"


def test_invalid_checklist_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 2\n")
    result = runner.invoke(app, ["analyze", COMPLETE, "--checklist", str(bad)])
    assert result.exit_code == 2
    assert f"ptcheck: error: {bad}:1:1: format: Input should be 1" in result.stderr


def test_text_report_shows_score_evidence_and_guidance() -> None:
    result = runner.invoke(app, ["analyze", PARTIAL, "--no-color"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    out = result.stdout
    assert "Score 93.2/100" in out and "verdict: partial" in out
    assert "✘ missing" in out and "crim.attempt" in out
    assert "To close it:" in out and "The Protocol requires:" in out
    assert "3(1) line 26:48 “recruits”" in out
    assert "\x1b[" not in out


def test_quiet_and_markdown_and_output_file(tmp_path: Path) -> None:
    quiet = runner.invoke(app, ["analyze", PARTIAL, "-q", "--no-color"]).stdout
    assert "Score 93.2/100" in quiet and "crim.attempt" not in quiet
    target = tmp_path / "report.md"
    result = runner.invoke(app, ["analyze", PARTIAL, "-f", "markdown", "-o", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    markdown = target.read_text()
    assert markdown.startswith("## ptcheck: ")
    assert "| `crim.attempt` Attempt | ❌ missing |" in markdown


def test_checklist_commands(tmp_path: Path) -> None:
    shown = runner.invoke(app, ["checklist", "show"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "means.abuse_of_vulnerability" in shown.stdout
    schema = runner.invoke(app, ["checklist", "schema"])
    assert json.loads(schema.stdout)["title"] == "ptcheck checklist"
    valid = runner.invoke(
        app, ["checklist", "validate", str(SAMPLE_LAWS.parent / "checklists" / "tip-protocol.yaml")]
    )
    assert valid.exit_code == 0 and f"valid ({DEFAULT_ITEMS} items" in valid.stdout


def test_explain() -> None:
    result = runner.invoke(app, ["explain", "means.abuse_of_vulnerability"])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "means.abuse_of_vulnerability — Abuse of a position of vulnerability"
    )
    assert "How a drafter can close the gap:" in result.stdout
    unknown = runner.invoke(app, ["explain", "means.magic"])
    assert unknown.exit_code == 2 and "no item 'means.magic'" in unknown.stderr


def test_the_readme_json_example_has_the_contract_keys() -> None:
    import re

    readme = (SAMPLE_LAWS.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### JSON contract.*?```json\n(.*?)```", readme, re.S)
    assert block is not None
    example = json.loads(block.group(1))
    actual = json.loads(runner.invoke(app, ["analyze", COMPLETE, "-f", "json"]).stdout)
    assert set(example) == set(actual)
    assert set(example["document"]) == set(actual["document"])
    assert set(example["categories"][0]) == set(actual["categories"][0])
    assert set(example["items"][0]) == set(actual["items"][0])
    assert set(example["items"][0]["evidence"][0]) == set(actual["items"][0]["evidence"][0])
    assert set(example["offences"][0]) == set(actual["offences"][0])
