"""Measure ptcheck against labelled statutes (the format of shared/corpus).

A labelled statute is a folder `<id>/` with `<id>.txt` (the text) and `<id>.yaml`
(`expected`: item -> true/false, optional `contested`: [item ids]). An item counts as
predicted true when its status is `met`; `partial` and `missing` count as false.
Contested items are left out of every figure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ptcheck.analysis import Analyzer
from ptcheck.checklist import DEFAULT_CHECKLIST
from ptcheck.errors import InputError, PtcheckError


@dataclass
class StatuteScore:
    """One statute's comparison with its labels."""

    id: str
    kind: str
    correct: int = 0
    total: int = 0
    false_met: list[str] = field(default_factory=list)
    false_missing: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def accuracy(self) -> float:
        """Share of labels predicted right."""
        return self.correct / self.total if self.total else 0.0


@dataclass
class Evaluation:
    """Figures over a whole folder of labelled statutes."""

    statutes: list[StatuteScore] = field(default_factory=list)
    confusion: Counter[str] = field(default_factory=Counter)  # tp, fp, fn, tn
    per_item: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Labels compared (contested ones left out)."""
        return sum(self.confusion.values())

    @property
    def accuracy(self) -> float:
        """Share of all labels predicted right."""
        return (self.confusion["tp"] + self.confusion["tn"]) / self.total if self.total else 0.0

    @property
    def false_met_rate(self) -> float:
        """False "met" verdicts as a share of all labels."""
        return self.confusion["fp"] / self.total if self.total else 0.0

    def item_accuracy(self, item_id: str) -> float:
        """Share of one item's labels predicted right."""
        counts = self.per_item[item_id]
        total = sum(counts.values())
        return (counts["tp"] + counts["tn"]) / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Builtins only, for `--format json`."""
        return {
            "accuracy": round(self.accuracy, 4),
            "labels": self.total,
            "false_met": self.confusion["fp"],
            "false_missing": self.confusion["fn"],
            "false_met_rate": round(self.false_met_rate, 4),
            "confusion": {key: self.confusion[key] for key in ("tp", "fp", "fn", "tn")},
            "statutes": [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "accuracy": round(s.accuracy, 4),
                    "labels": s.total,
                    "false_met": s.false_met,
                    "false_missing": s.false_missing,
                    "error": s.error,
                }
                for s in self.statutes
            ],
            "items": {
                item_id: {
                    "accuracy": round(self.item_accuracy(item_id), 4),
                    **{key: counts[key] for key in ("tp", "fp", "fn", "tn")},
                }
                for item_id, counts in self.per_item.items()
            },
        }


def labelled_statutes(folder: Path) -> list[tuple[Path, Path]]:
    """(text, labels) pairs under `folder`: `<id>/<id>.txt` with `<id>/<id>.yaml`."""
    if not folder.is_dir():
        raise PtcheckError(f"{folder}: not a folder of labelled statutes")
    pairs = []
    for labels in sorted(folder.glob("*/*.yaml")):
        text = labels.with_suffix(".txt")
        if labels.parent.name == labels.stem and text.exists():
            pairs.append((text, labels))
    if not pairs:
        raise PtcheckError(f"{folder}: no labelled statutes (<id>/<id>.txt with <id>/<id>.yaml)")
    return pairs


def _read_labels(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot read labels ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("expected"), dict):
        raise InputError(path, "labels need an 'expected' mapping of item id -> true/false")
    wrong = [
        k for k, v in data["expected"].items() if not isinstance(k, str) or not isinstance(v, bool)
    ]
    if wrong:
        raise InputError(path, f"expected: {wrong[0]!r} must map an item id to true or false")
    if not isinstance(data.get("checklist", ""), str):
        raise InputError(path, "checklist must be a checklist's name or id")
    contested = data.get("contested")
    if contested is not None and (
        not isinstance(contested, list) or not all(isinstance(c, str) for c in contested)
    ):
        raise InputError(path, "contested must be a list of item ids")
    return data


def evaluate_folder(analyzer: Analyzer, folder: Path, name: str = DEFAULT_CHECKLIST) -> Evaluation:
    """Analyse every labelled statute in `folder` whose labels are for this checklist (its
    bundled `name` or its id; labels without `checklist:` are for the default one) and
    compare with its labels."""
    evaluation = Evaluation()
    for checklist_item in analyzer.checklist.items:
        evaluation.per_item[checklist_item.id] = Counter()
    names = {name, analyzer.checklist.id}
    for text, labels_path in labelled_statutes(folder):
        score = StatuteScore(text.stem, "")
        try:
            labels = _read_labels(labels_path)
        except PtcheckError as error:
            score.error = error.message
            evaluation.statutes.append(score)
            continue
        if labels.get("checklist", DEFAULT_CHECKLIST) not in names:
            continue  # labelled against another checklist
        evaluation.statutes.append(score)
        try:
            score.kind = str(labels.get("kind", ""))
            result = analyzer.analyze_path(text)
        except PtcheckError as error:
            score.error = error.message
            continue
        contested = set(labels.get("contested") or [])
        for item in result.items:
            expected = labels["expected"].get(item.id)
            if item.id in contested or not isinstance(expected, bool):
                continue
            predicted = item.status == "met"
            key = ("t" if predicted == expected else "f") + ("p" if predicted else "n")
            evaluation.confusion[key] += 1
            evaluation.per_item[item.id][key] += 1
            score.total += 1
            score.correct += predicted == expected
            if predicted and not expected:
                score.false_met.append(item.id)
            elif expected and not predicted:
                score.false_missing.append(item.id)
    if not evaluation.statutes:
        raise PtcheckError(f"{folder}: no statute is labelled for the checklist {name}")
    return evaluation
