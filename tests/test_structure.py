"""Section labels in the common drafting styles, with 1-based lines and columns."""

from __future__ import annotations

import pytest

from ptcheck.structure import parse_structure


def labels(text: str, language: str = "en") -> list[str]:
    structure = parse_structure(text, language)
    return [p.label for p in structure.provisions if structure.text[p.start : p.end].strip()]


def label_of(text: str, words: str, language: str = "en") -> str:
    structure = parse_structure(text, language)
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
        # Large codes number their sections past 9999 (11352, 18259.5).
        ("11351. Possession.\n11352. Transport\n(a) Every person who\n", "Every", "11352(a)"),
        ("Sec. 18259.5. Victims\n(b) A person who\n", "A person", "18259.5(b)"),
    ],
)
def test_labels(text: str, words: str, label: str) -> None:
    assert label_of(text, words) == label


@pytest.mark.parametrize(
    "language,text,words,label",
    [
        ("es", "Artículo 3\n1. Será castigado quien capte.\n", "Será", "3(1)"),
        ("es", "ARTICULO 1º.- El que captare a una persona.\n", "El que", "1º"),
        ("es", "Artículo 145 bis.- Será reprimido el que captare.\n", "Será", "145 bis"),
        ("es", "Artículo 12-A.- Trata\n2. Para efectos del inciso 1.\n", "Para", "12-A(2)"),
        ("es", "Artículo 8\na) mediante violencia;\nb) mediante engaño.\n", "engaño", "8(b)"),
        (
            "fr",
            "Article 225-4-1\nI. - La traite est le fait de recruter.\n",
            "La traite",
            "225-4-1(I)",
        ),
        (
            "fr",
            "Art. 382-1. (L. 9 avril 2014)\n(1) Constitue la traite.\n",
            "Constitue",
            "382-1(1)",
        ),
        ("fr", "Art. 3\n1° de recruter ;\n2° de transporter.\n", "transporter", "3(2)"),
        ("de", "§ 232a Zwangsprostitution\n(1) Wer eine Person veranlasst.\n", "Wer", "232a(1)"),
        (
            "de",
            "§ 10\n(2) Wer anwirbt, wenn\n1.  diese Person\n    a)  bei der Arbeit\n",
            "bei der",
            "10(2)(1)(a)",
        ),
        ("it", "Art. 601 bis\nChiunque recluta è punito.\n", "Chiunque", "601 bis"),
        (
            "it",
            "Art. 182 Tratta di esseri umani\n1 Chiunque recluta.\n2 Se la vittima è minorenne.\n",
            "Se la",
            "182(2)",
        ),
        (
            "pt",
            "Art. 149-A. Agenciar pessoa, com a finalidade de:\nI – remover-lhe órgãos;\nII – submetê-la a trabalho.\n",
            "submetê",
            "149-A(II)",
        ),
        (
            "pt",
            "Art. 149-A. Recrutar pessoa.\nPena – reclusão.\n§ 1º A pena é aumentada se:\nI – o crime for cometido\n",
            "o crime",
            "149-A § 1(I)",
        ),
        (
            "pt",
            "Artigo 160.º\nTráfico de pessoas\n1 - Quem recrutar outra pessoa.\n2 - A mesma pena.\n",
            "A mesma",
            "160.º(2)",
        ),
    ],
)
def test_civil_law_labels(language: str, text: str, words: str, label: str) -> None:
    assert label_of(text, words, language) == label


@pytest.mark.parametrize(
    "language,text,division,article",
    [
        (
            "es",
            "Artículo 1.- Objeto.\nCapítulo II\nDe la trata\nArtículo 2.- El que capte.\n",
            "Capítulo II",
            "Artículo 2",
        ),
        (
            "fr",
            "Art. 1er\nObjet.\nChapitre VI-I. De la traite\nArt. 2\nLe fait.\n",
            "Chapitre VI-I",
            "Art. 2",
        ),
        (
            "de",
            "§ 1 Zweck\nText.\nAchtzehnter Abschnitt - Straftaten gegen die Freiheit\n§ 232 Menschenhandel\n",
            "Achtzehnter",
            "§ 232",
        ),
    ],
)
def test_division_headings_attach_to_what_follows(
    language: str, text: str, division: str, article: str
) -> None:
    structure = parse_structure(text, language)
    following = next(s for s in structure.sections if s.label_start == text.index(article))
    assert following.start == text.index(division)
    assert all(
        s.end <= text.index(division)
        for s in structure.sections
        if s is not following and s.start < following.start
    )


@pytest.mark.parametrize("language", ["en", "es", "fr", "de", "it", "pt"])
def test_text_before_the_first_label_is_a_preamble_not_dropped(language: str) -> None:
    text = "Code of 1 January 2000\n\nEnacted as follows.\n\nArt. 1\nText.\n"
    structure = parse_structure(text, language)
    assert structure.sections[0].start == 0
    assert structure.sections[0].label == ""
    assert structure.sections[1].label == "1"
    assert structure.provision_at(text.index("Enacted")).section == 0


def test_a_text_opening_with_a_label_has_no_empty_preamble() -> None:
    structure = parse_structure("Section 1\nA person.\n")
    assert [s.label for s in structure.sections] == ["1"]
    assert structure.provisions[0].section == 0


@pytest.mark.parametrize(
    "language,text,term",
    [
        (
            "es",
            "Artículo 2.- Definiciones\nPara los efectos de esta ley, se entiende por explotación la obtención de un beneficio.\n",
            "explotación",
        ),
        (
            "es",
            "Artículo 2.- Por “niño” se entenderá toda persona menor de dieciocho años.\n",
            "niño",
        ),
        (
            "fr",
            "Art. 2\nAux fins du présent titre, on entend par « exploitation » le fait de.\n",
            "exploitation",
        ),
        (
            "fr",
            "Art. 2\nL'exploitation s'entend du fait de mettre une personne au travail.\n",
            "L'exploitation",
        ),
        (
            "de",
            "§ 2 Begriffsbestimmungen\n(1) Kind im Sinne dieses Gesetzes ist, wer noch nicht achtzehn Jahre alt ist.\n",
            "Kind",
        ),
        (
            "it",
            "Art. 2\nAi fini della presente legge si intende per sfruttamento il fatto di.\n",
            "sfruttamento",
        ),
        (
            "pt",
            "Art. 2.º\nPara efeitos desta lei, entende-se por exploração a obtenção de vantagem.\n",
            "exploração",
        ),
        ("en", "2. In this Act, child includes a person under eighteen.\n", "child"),
        (
            "de",
            "§ 2\nUnter Ausbeutung ist jede Beschäftigung zu verstehen, die ausbeuterisch ist.\n",
            "Ausbeutung",
        ),
        ("es", "Artículo 3.- Por explotación se entiende el trabajo forzoso.\n", "explotación"),
    ],
)
def test_definitions_in_every_tradition(language: str, text: str, term: str) -> None:
    structure = parse_structure(text, language)
    assert term.lower() in structure.definitions()


@pytest.mark.parametrize(
    "language,text",
    [
        # "unter {term} ist": "unter" alone, before an age, opens no definition
        (
            "de",
            "§ 21\n(1) Bestraft wird, wer eine Person unter achtzehn Jahren zum Zweck der Ausbeutung anwirbt.\n",
        ),
        # "se considera {term} a": the formula's words stand apart, not inside "considerará"
        ("es", "Artículo 4.- Se considerará trata de personas aun cuando no medie violencia.\n"),
    ],
)
def test_formula_words_inside_an_offence_define_nothing(language: str, text: str) -> None:
    assert parse_structure(text, language).definitions() == {}


def test_definitions_and_headings() -> None:
    text = 'PART 1\nInterpretation\n2. In this Act—\n"child" means a person under 18;\n"exploitation" includes slavery.\n3. Offence\n'
    structure = parse_structure(text)
    found = {term: structure.provisions[i].label for term, i in structure.definitions().items()}
    assert found == {"child": "2 “child”", "exploitation": "2 “exploitation”"}
    assert structure.sections[0].is_definition
    assert structure.sections[0].heading == "Interpretation"


def test_provisions_kept_as_columns_give_back_each_provision_as_read() -> None:
    from ptcheck.structure import Provision

    text = (
        '2. In this Act—\n"child" means a person under 18;\n'
        "3. Offence\n(1) A person who recruits another commits an offence.\n(a) by force; or\n"
    )
    structure = parse_structure(text)
    provisions = structure.provisions
    assert len(provisions) == 5
    assert provisions[1] == Provision("2 “child”", 2, 16, 49, 0, True, ("child",), 16)
    assert provisions[4] == Provision("3(1)(a)", 3, 118, 131, 1, body=118)
    assert [p.label for p in provisions[2:4]] == ["3", "3(1)"]
    assert [p.level for p in provisions] == [1, 2, 1, 2, 3]
    assert structure.provision_index(text.index("by force")) == 4
    assert structure.provisions_of(0) == range(2) and structure.provisions_of(1) == range(2, 5)
    assert structure.subtree_end(3) == len(text)  # (1) holds (a): both end with the text
    assert structure.subtree_end(0) == 49  # section 2 ends where section 3 starts


def test_a_citation_is_not_a_new_section() -> None:
    text = (
        "3. Offence\nA person who recruits commits an offence.\nSection 4 applies to the offence.\n"
    )
    assert labels(text) == ["3"]


def test_positions_are_one_based() -> None:
    structure = parse_structure("Section 1\n(1) A person\n")
    assert structure.position(0) == (1, 1)
    assert structure.position(structure.text.index("A person")) == (2, 5)


@pytest.mark.parametrize(
    "text",
    [
        "ΟΔΟΣ ΟΔΟΣ\nΣΟΦΟΣ  ΟΔΟΣ. " * 40,  # final and medial sigmas on both sides of every cut
        "Trafficking — Menschenhandel § 232a, TRATA DE PERSONAS. İstanbul ÉTAT\n" * 40,
        "x" * 300 + " ΑΣ" + "y" * 300,  # a piece with no white space to cut at
    ],
)
def test_text_lowered_in_pieces_is_the_text_lowered_at_once(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    import ptcheck.structure as structure

    monkeypatch.setattr(structure, "LOWER_PIECE", 17)
    assert structure.lower_text(text) == text.lower()
    parsed = parse_structure(text)
    assert parsed.lower(0, len(text)) == text.lower()
    for start, end in ((0, 5), (3, 40), (len(text) // 2, len(text))):
        assert parsed.lower(start, end) == text[start:end].lower()


def test_quoted_definitions_grouped_by_the_words_before_the_term_find_what_formulas_find() -> None:
    """The quoted-definition expression tries the quotation once for all the formulas that
    share the words before the term. It finds, at the same places and with the same terms,
    what one alternative per formula, tried in the pack's order, finds: on every statute
    of every language and on definitions written for each formula."""
    import re

    from ptcheck.language import load_pack, loose, pack_codes
    from ptcheck.structure import _QUOTED, defined_term, grammar

    from .conftest import statutes

    texts = [law.read_text(encoding="utf-8") for law in statutes()]
    compared = 0
    for language in pack_codes():
        one_each = []
        formulas = load_pack(language).definitions.formulas
        for number, formula in enumerate(formulas):
            before, _, after = formula.partition("{term}")
            head = rf"(?i:{loose(before)})\b\s*" if before.strip() else ""
            tail = rf"\s*(?:\([^)\n]{{0,40}}\)\s*)?,?\s*(?i:{loose(after)})\b" if after else ""
            quoted = _QUOTED.replace("(?P<term>", f"(?P<term{number}>")
            one_each.append(f"(?:{head}{quoted}{tail})")
        reference = re.compile("|".join(one_each), re.IGNORECASE)
        written = "\n".join(
            f"({k}) {f.replace('{term}', f'“kind {k} of thing”')} a thing; "
            f"{f.replace('{term}', chr(34) + 'word' + chr(34) + ' (mot),')} x; "
            f"{f.replace('{term}', '«no close')} y."
            for k, f in enumerate(formulas)
        )
        grouped = grammar(language).quoted_definition
        for text in [*texts, written]:
            expected = [(m.span(), defined_term(m)) for m in reference.finditer(text)]
            assert [(m.span(), defined_term(m)) for m in grouped.finditer(text)] == expected
            compared += len(expected)
        found = [defined_term(m) for m in grouped.finditer(written)]
        assert found.count("word") == len(formulas), language  # each formula, with a gloss
        assert len(found) == 2 * len(formulas), language
    assert compared > 150
