"""Per-item behaviour, data-driven: the checklist's own examples and tests/cases/**/*.yaml.

A case gives `text` and `expect` (item -> status), and may give `quotes` (words among an
item's evidence), `sections` (the provision its first evidence comes from), `warning` (words
of a document warning) and `verdict`.

Case files in a language folder (`tests/cases/fr/`) hold texts in that language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ptcheck.analysis import Analyzer
from ptcheck.checklist import bundled_checklists, load_checklist

CASES_DIR = Path(__file__).parent / "cases"


def _checklist_examples() -> list[Any]:
    """Every example of every bundled checklist."""
    params = []
    for name, path in bundled_checklists().items():
        for item in load_checklist(path).checklist.items:
            for status in ("met", "partial", "missing"):
                for index, text in enumerate(getattr(item.examples, status)):
                    label = f"{name}:{item.id}-{status}-{index}"
                    params.append(pytest.param(name, item.id, text, status, id=label))
    return params


_ANALYZERS: dict[str, Analyzer] = {}


def bundled_analyzer(name: str) -> Analyzer:
    """An analyzer of the bundled checklist `name`, built once per test session."""
    if name not in _ANALYZERS:
        _ANALYZERS[name] = Analyzer(load_checklist(bundled_checklists()[name]))
    return _ANALYZERS[name]


def _case_files() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.rglob("*.yaml")):
        name = path.relative_to(CASES_DIR).with_suffix("").as_posix()
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            language = path.parent.name if path.parent != CASES_DIR else "en"
            params.append(pytest.param({"language": language, **case}, id=f"{name}:{case['name']}"))
    return params


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "example" in metafunc.fixturenames:
        metafunc.parametrize("checklist,item_id,example,status", _checklist_examples())
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", _case_files())


def test_checklist_example(checklist: str, item_id: str, example: str, status: str) -> None:
    result = bundled_analyzer(checklist).analyze_text(example).item(item_id)
    assert result.status == status, result.message


def test_case(analyzer: Analyzer, case: dict[str, Any]) -> None:
    result = analyzer.analyze_text(case["text"])
    assert result.document.language == case["language"]
    for item_id, status in case["expect"].items():
        got = result.item(item_id)
        assert got.status == status, f"{item_id}: {got.message}"
    for item_id, quote in case.get("quotes", {}).items():
        assert quote in [e.quote for e in result.item(item_id).evidence]
    for item_id, label in case.get("sections", {}).items():
        evidence = result.item(item_id).evidence
        assert evidence and evidence[0].section == label, result.item(item_id).message
    if "warning" in case:
        assert any(case["warning"] in warning for warning in result.warnings), result.warnings
    if "verdict" in case:
        assert result.verdict == case["verdict"]


# An offence of our own drafting in each language, then a subsection on organized groups:
# (saying the group is irrelevant, saying the offence needs one).
GROUP_SUBSECTION = {
    "en": (
        "3. Trafficking in persons\n(1) A person who recruits, transports or harbours another"
        " person by force or deception for the purpose of exploitation commits an offence.\n",
        "(2) It is irrelevant whether the offender acted alone or as part of an organised"
        " criminal group.",
        "(2) The offence is committed only where the offender acted as part of an organised"
        " criminal group.",
    ),
    "es": (
        "Artículo 3. Trata de personas\n1. El que captare, transportare o acogiere a una persona"
        " mediante violencia o engaño con fines de explotación será castigado con prisión de"
        " cinco a doce años.\n",
        "2. Es indiferente que el autor actúe solo o como miembro de una organización criminal.",
        "2. El delito solo se comete cuando el autor actúa como miembro de una organización"
        " criminal.",
    ),
    "fr": (
        "Article 3\n1° Le fait de recruter, de transporter ou d'héberger une personne, par la"
        " menace ou la tromperie, en vue de son exploitation est puni de dix ans"
        " d'emprisonnement.\n",
        "2° L'infraction est constituée indépendamment du fait que l'auteur a agi seul ou en"
        " tant que membre d'une bande organisée.",
        "2° L'infraction n'est constituée que si l'auteur a agi en tant que membre d'une bande"
        " organisée.",
    ),
    "de": (
        "§ 3 Menschenhandel\n(1) Wer eine andere Person durch Gewalt oder Täuschung zum Zweck"
        " der Ausbeutung anwirbt, befördert oder beherbergt, wird mit Freiheitsstrafe von einem"
        " bis zu zehn Jahren bestraft.\n",
        "(2) Es ist unerheblich, ob der Täter allein oder als Mitglied einer Bande handelt.",
        "(2) Die Tat begeht nur, wer als Mitglied einer Bande handelt.",
    ),
    "it": (
        "Art. 3\n1. Chiunque recluta, trasporta o ospita una persona mediante violenza o inganno"
        " a scopo di sfruttamento è punito con la reclusione da otto a venti anni.\n",
        "2. È irrilevante che il colpevole abbia agito da solo o quale membro di"
        " un'associazione per delinquere.",
        "2. Il reato sussiste solo se il colpevole ha agito quale membro di un'associazione per"
        " delinquere.",
    ),
    "pt": (
        "Artigo 3.º\n1 — Quem recrutar, transportar ou alojar outra pessoa, por meio de"
        " violência ou engano, para fins de exploração, é punido com pena de prisão de três a"
        " dez anos.\n",
        "2 — É irrelevante que o agente tenha atuado sozinho ou como membro de organização"
        " criminosa.",
        "2 — O crime só se verifica quando o agente atua como membro de organização criminosa.",
    ),
}


@pytest.mark.parametrize("language", sorted(GROUP_SUBSECTION))
def test_a_subsection_saying_a_group_is_irrelevant_narrows_nothing(language: str) -> None:
    offence, irrelevant, required = GROUP_SUBSECTION[language]
    analyzer = bundled_analyzer("tip-protocol")
    cleared = analyzer.analyze_text(offence + irrelevant)
    needed = analyzer.analyze_text(offence + required)
    assert cleared.document.language == needed.document.language == language
    assert cleared.item("scope.no_organized_crime").status == "met"
    item = needed.item("scope.no_organized_crime")
    assert item.status == "missing", item.message


@pytest.mark.parametrize(
    "text",
    [  # an infinitive with its object pronoun attached states the purpose
        "Art. 3\n1. Chiunque recluta, trasporta o ospita una persona mediante violenza o inganno"
        " al fine di sfruttarla è punito con la reclusione da otto a venti anni.\n",
        "Artículo 3\n1. El que, mediante violencia o engaño, captare, transportare o acogiere a"
        " una persona con el fin de explotarla será castigado con prisión de cinco a doce años.\n",
    ],
)
def test_a_purpose_stated_by_an_infinitive_with_a_pronoun_attached(text: str) -> None:
    result = bundled_analyzer("tip-protocol").analyze_text(text)
    assert result.offences, result.summary
    assert result.item("purpose.exploitation").status == "met"
