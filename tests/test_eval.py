"""`ptcheck eval` on a small labelled folder built here (independent of shared/corpus)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from ptcheck.cli import app

from .conftest import SAMPLE_LAWS

runner = CliRunner()


def _folder(tmp_path: Path, wrong: str | None = None) -> Path:
    """One sample law labelled as its sidecar says: every item true except the missing ones."""
    import yaml

    law = SAMPLE_LAWS / "no_ancillary_offences.txt"
    expected = yaml.safe_load(law.with_suffix(".expected.yaml").read_text())
    from ptcheck.checklist import load_checklist

    labels = {
        item.id: item.id not in expected["missing"] for item in load_checklist().checklist.items
    }
    if wrong:
        labels[wrong] = not labels[wrong]
    folder = tmp_path / "labelled" / "sample"
    folder.mkdir(parents=True)
    shutil.copy(law, folder / "sample.txt")
    data = {
        "id": "sample",
        "kind": "trafficking-law",
        "expected": labels,
        "contested": ["scope.domestic"],
    }
    (folder / "sample.yaml").write_text(yaml.safe_dump(data))
    return folder.parent


def test_eval_json_figures(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["eval", str(_folder(tmp_path, wrong="crim.attempt")), "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["labels"] == 33  # 34 items, one contested
    assert data["confusion"] == {"tp": 30, "fp": 0, "fn": 1, "tn": 2}
    assert data["false_missing"] == 1 and data["false_met"] == 0
    assert data["statutes"][0]["false_missing"] == ["crim.attempt"]
    assert data["items"]["crim.attempt"]["accuracy"] == 0.0


def test_eval_min_accuracy_exit_codes(tmp_path: Path) -> None:
    folder = _folder(tmp_path, wrong="crim.attempt")
    assert runner.invoke(app, ["eval", str(folder), "--min-accuracy", "0.99"]).exit_code == 1
    passed = runner.invoke(app, ["eval", str(folder), "--min-accuracy", "0.9"])
    assert passed.exit_code == 0
    assert "item accuracy 0.970 over 33 labels" in passed.stdout


def test_eval_of_a_folder_without_labels_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 2
    assert "no labelled statutes" in result.stderr
