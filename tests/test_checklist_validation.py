"""Checklist validation: every problem at once, each as file:line:col: key.path: message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptcheck.checklist import default_checklist_path, json_schema, load_checklist
from ptcheck.errors import ChecklistError

VALID = """\
format: 1
id: test-list
version: "1"
title: T
instrument: I
languages: [en]
categories:
  - {id: act, title: Act}
terms:
  recruit:
    en: [recruit]
locate:
  offence: {term: recruit}
items:
  - id: act.one
    article: "3"
    category: act
    title: One
    requirement: R
    weight: 1
    severity: required
    met: {term: recruit}
    guidance: G
    examples: {met: [a], missing: [b]}
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "list.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as caught:
        load_checklist(path)
    return [p.replace(str(path), "list.yaml") for p in caught.value.problems]


def test_the_bundled_checklist_is_valid_and_has_every_protocol_id() -> None:
    ids = [item.id for item in load_checklist().checklist.items]
    spec = Path(__file__).resolve().parents[2] / "shared" / "spec" / "protocol-items.md"
    if spec.exists():
        import re

        wanted = re.findall(r"^\| ([a-z_]+\.[a-z_0-9]+) \|", spec.read_text(encoding="utf-8"), re.M)
        assert ids == wanted
    assert len(ids) == 34
    assert default_checklist_path().name == "tip-protocol.yaml"


def test_a_valid_checklist_loads(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert load_checklist(path).checklist.items[0].id == "act.one"


def test_all_errors_are_reported_at_once_with_positions(tmp_path: Path) -> None:
    text = (
        VALID.replace("weight: 1", "weight: -1")
        .replace("    guidance: G\n", "    guidance: G\n    colour: red\n")
        .replace("    en: [recruit]\n", "    en: [recruit]\n  empty:\n    en: []\n")
    )
    assert problems(tmp_path, text) == [
        "list.yaml:13:5: terms.empty.en: List should have at least 1 item after validation, not 0",
        "list.yaml:22:5: items[0].weight: Input should be greater than 0",
        "list.yaml:26:5: items[0].colour: Extra inputs are not permitted",
    ]


def test_duplicate_keys_ids_and_unknown_references(tmp_path: Path) -> None:
    second = VALID[VALID.index("  - id: act.one") :].replace("category: act", "category: nope")
    second = second.replace("{term: recruit}", "{term: missing_term}")
    text = VALID.replace("title: T\n", "title: T\ntitle: U\n") + second
    assert problems(tmp_path, text) == [
        "list.yaml:5:1: title: duplicate key",
        "list.yaml:26:5: items[1].id: duplicate item id 'act.one' (also items[0])",
        "list.yaml:28:5: items[1].category: unknown category 'nope'",
        "list.yaml:33:5: items[1].met: unknown term 'missing_term'",
    ]
    text = VALID + second
    assert problems(tmp_path, text) == [
        "list.yaml:25:5: items[1].id: duplicate item id 'act.one' (also items[0])",
        "list.yaml:27:5: items[1].category: unknown category 'nope'",
        "list.yaml:32:5: items[1].met: unknown term 'missing_term'",
    ]


def test_wrong_types_are_errors_not_coerced(tmp_path: Path) -> None:
    text = VALID.replace("weight: 1", 'weight: "1"').replace("severity: required", "severity: must")
    assert problems(tmp_path, text) == [
        "list.yaml:20:5: items[0].weight: Input should be a valid number",
        "list.yaml:21:5: items[0].severity: Input should be 'required' or 'recommended'",
    ]


def test_a_pattern_needs_exactly_one_operator(tmp_path: Path) -> None:
    text = VALID.replace("met: {term: recruit}", "met: {term: recruit, any: [{term: recruit}]}")
    assert problems(tmp_path, text) == [
        "list.yaml:22:5: items[0].met: a pattern needs exactly one of: term, any, all, not, near"
    ]


def test_python_tags_are_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = VALID.replace(
        'version: "1"', f'version: !!python/object/apply:os.system ["touch {marker}"]'
    )
    found = problems(tmp_path, text)
    assert (
        found[0]
        == "list.yaml:3:10: version: tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"
    )
    assert not marker.exists()


def test_alias_expansion_is_bounded(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    found = problems(tmp_path, "\n".join(lines) + "\n")
    assert found == ["list.yaml:1:1: (top): aliases expand to more than 100000 nodes"]


def test_yaml_syntax_error_has_a_position(tmp_path: Path) -> None:
    found = problems(tmp_path, "format: 1\nid: [unclosed\n")
    assert len(found) == 1
    assert found[0].startswith("list.yaml:3:1: (yaml): ")
    assert "expected ',' or ']'" in found[0]


def test_missing_file_is_a_checklist_error(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="no such checklist file"):
        load_checklist(tmp_path / "nope.yaml")


def test_json_schema_names_the_top_level_keys() -> None:
    schema = json_schema()
    assert set(schema["required"]) >= {"format", "id", "items", "terms", "locate"}
    json.dumps(schema)


def test_empty_patterns_and_regexes_are_refused(tmp_path: Path) -> None:
    text = VALID.replace("met: {term: recruit}", "met: {any: []}")
    assert problems(tmp_path, text) == [
        "list.yaml:22:11: items[0].met.any: List should have at least 1 item after validation, not 0"
    ]
    text = VALID.replace("met: {term: recruit}", "met: {regex: '(a+)+$'}")
    found = problems(tmp_path, text)
    assert "list.yaml:22:11: items[0].met.regex: Extra inputs are not permitted" in found


def test_ten_thousand_items_load(tmp_path: Path) -> None:
    head, item = VALID.split("items:\n")
    items = "".join(item.replace("act.one", f"act.i{i}") for i in range(10_000))
    path = tmp_path / "big.yaml"
    path.write_text(head + "items:\n" + items, encoding="utf-8")
    assert len(load_checklist(path).checklist.items) == 10_000


def test_cli_validate_reports_and_exits_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ptcheck.cli import app

    path = tmp_path / "list.yaml"
    path.write_text(VALID.replace("weight: 1", "weight: heavy"), encoding="utf-8")
    result = CliRunner().invoke(app, ["checklist", "validate", str(path)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"ptcheck: error: {path}:20:5: items[0].weight: Input should be a valid number\n"
    )
