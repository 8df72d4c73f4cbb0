"""Section labels in the common drafting styles, with 1-based lines and columns."""

from __future__ import annotations

import pytest

from ptcheck.structure import parse_structure


def labels(text: str) -> list[str]:
    structure = parse_structure(text)
    return [p.label for p in structure.provisions if structure.text[p.start : p.end].strip()]


def label_of(text: str, words: str) -> str:
    structure = parse_structure(text)
    return structure.provision_at(text.index(words)).label


@pytest.mark.parametrize(
    "text,words,label",
    [
        (
            "Section 4\n(1) A person who recruits.\n(a) by force;\n(i) first\n",
            "first",
            "4(1)(a)(i)",
        ),
        ("4. Offences\n(1) A person who recruits.\n", "A person", "4(1)"),
        ("4(1)(a) A person who recruits.\n", "A person", "4(1)(a)"),
        ("Article 225-4-1\nI. - La traite.\nA person who recruits.\n", "A person", "225-4-1"),
        ("Art. 177 bis\n1. Whoever recruits.\na) by force\n", "by force", "177 bis(1)(a)"),
        ("370. Trafficking of person.—(1) Whoever recruits.\n", "Whoever", "370(1)"),
        ("Sec. 4-A. Attempted Trafficking. – Whoever attempts.\n", "Whoever", "4-A"),
        (
            "§ 1590. Trafficking\n(a) Whoever recruits\n(1) by force\n(b) Whoever obstructs\n",
            "obstructs",
            "1590(b)",
        ),
        (
            "§ 1590. Trafficking\n(a) Whoever recruits\n(1) by force\n(A) threats\n",
            "threats",
            "1590(a)(1)(A)",
        ),
        ("2 Human trafficking\n(1) A person commits an offence.\n", "A person", "2(1)"),
        ("5\n(h) eighth;\n(i) ninth;\n", "ninth", "5(i)"),
        ("5\n(a) first;\n(i) sub one;\n(ii) sub two;\n", "sub two", "5(a)(ii)"),
        ("Artículo 3\n1. Será castigado quien capte.\n", "Será", "3(1)"),
    ],
)
def test_labels(text: str, words: str, label: str) -> None:
    assert label_of(text, words) == label


def test_definitions_and_headings() -> None:
    text = 'PART 1\nInterpretation\n2. In this Act—\n"child" means a person under 18;\n"exploitation" includes slavery.\n3. Offence\n'
    structure = parse_structure(text)
    found = {term: structure.provisions[i].label for term, i in structure.definitions().items()}
    assert found == {"child": "2 “child”", "exploitation": "2 “exploitation”"}
    assert structure.sections[0].is_definition
    assert structure.sections[0].heading == "Interpretation"


def test_a_citation_is_not_a_new_section() -> None:
    text = (
        "3. Offence\nA person who recruits commits an offence.\nSection 4 applies to the offence.\n"
    )
    assert labels(text) == ["3"]


def test_positions_are_one_based() -> None:
    structure = parse_structure("Section 1\n(1) A person\n")
    assert structure.position(0) == (1, 1)
    assert structure.position(structure.text.index("A person")) == (2, 5)
