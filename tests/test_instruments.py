"""Instruments are data: bundled checklists by name, term libraries, broadenings declared in
the checklist, `checklist list` and `checklist test`, and no instrument wording in Python."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ptcheck.checklist import bundled_checklists, load_checklist
from ptcheck.errors import ChecklistError

from .conftest import ROOT, SAMPLE_LAWS
from .test_bad_input_matrix import _run

CHECKLISTS = ROOT / "checklists"
SMUGGLING_LAW = SAMPLE_LAWS / "som" / "model_smuggling.txt"

# Words of the two bundled instruments, in their languages: none may appear in a string the
# program shows (docstrings are for developers; a docstring in cli.py is help text). The
# name of the default bundled checklist is a file name, not wording.
INSTRUMENT_WORDS = re.compile(
    r"(?i)traffick|trafic|tráfico|traffico|\btrata\b|\btraite\b|menschenhandel|smuggl"
    r"|migrant|schleus|protocol|\bart(icle)?\.? ?[3-6]\b|exploitation|criminali[sz]ation"
    r"|\bchild|\bvictim|\bmeans\.|organi[sz]ed crime"
)


def _shown_strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module a user can see: all but docstrings (cli.py: all)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    if path.name != "cli.py":
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (
                isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_instrument_wording_in_python() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        for line, text in _shown_strings(path)
        if INSTRUMENT_WORDS.search(text) and text not in bundled_checklists()
    ]
    assert found == []


def test_the_wording_check_catches_instrument_words(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""A docstring about trafficking."""\nX = "No smuggling offence"\n')
    assert [t for _, t in _shown_strings(module) if INSTRUMENT_WORDS.search(t)] == [
        "No smuggling offence"
    ]


def test_checklist_list_names_every_bundled_checklist_with_version_and_languages() -> None:
    done = _run("checklist", "list")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) == len(bundled_checklists()) >= 2
    assert lines[0].startswith("som-protocol: untoc-som-protocol 1.0.0, 13 items, languages en,")
    assert lines[1].startswith("tip-protocol (default): untoc-tip-protocol 1.0.0,")


def test_the_smuggling_checklist_has_exactly_the_spec_ids() -> None:
    spec = ROOT.parent / "shared" / "spec" / "som-protocol-items.md"
    if not spec.exists():
        pytest.skip("../shared/spec is not beside the project")
    ids = re.findall(r"^\| ([a-z_]+\.[a-z_]+) \|", spec.read_text(encoding="utf-8"), flags=re.M)
    checklist = load_checklist(bundled_checklists()["som-protocol"]).checklist
    assert [item.id for item in checklist.items] == ids
    for item in checklist.items:  # every item's terms are written in every language
        for term in item.family():
            missing = [lang for lang in checklist.languages if not checklist.phrases(term, lang)]
            assert not missing, f"{item.id}: term {term} has no phrases in {missing}"


@pytest.mark.parametrize("name", sorted(bundled_checklists()))
def test_every_bundled_checklist_passes_its_own_test(name: str) -> None:
    done = _run("checklist", "test", name, timeout=300)
    assert done.returncode == 0, done.stdout
    assert re.search(r": \d+ examples, \d+ sample laws in .*: 0 mismatches$", done.stdout)
    laws = int(re.search(r"(\d+) sample laws", done.stdout).group(1))  # type: ignore[union-attr]
    assert laws >= 6


def test_checklist_test_fails_on_a_law_that_differs_from_its_sidecar(tmp_path: Path) -> None:
    laws = tmp_path / "laws"
    laws.mkdir()
    shutil.copy(SMUGGLING_LAW, laws / "law.txt")
    wrong = {"checklist": "som-protocol", "verdict": "compliant", "missing": ["crim.attempt"]}
    (laws / "law.expected.yaml").write_text(yaml.safe_dump(wrong), encoding="utf-8")
    done = _run("checklist", "test", "som-protocol", "--laws", str(laws), timeout=300)
    assert done.returncode == 1
    assert f"FAIL {laws / 'law.txt'}: crim.attempt: expected missing, got met" in done.stdout
    assert done.stdout.endswith("1 sample laws in " + str(laws) + ": 1 mismatches\n")


def test_a_bundled_checklist_by_name_and_an_unknown_name() -> None:
    done = _run("analyze", str(SMUGGLING_LAW), "--checklist", "som-protocol", "-f", "json")
    assert done.returncode == 0
    assert '"id": "untoc-som-protocol"' in done.stdout and '"verdict": "compliant"' in done.stdout
    unknown = _run("analyze", str(SMUGGLING_LAW), "--checklist", "som-protocl")
    assert unknown.returncode == 2
    assert unknown.stderr == (
        "ptcheck: error: som-protocl: no such checklist file, and no bundled checklist of that"
        " name (som-protocol, tip-protocol)\n"
    )


def test_the_configuration_names_a_bundled_checklist(tmp_path: Path) -> None:
    (tmp_path / "ptcheck.toml").write_text('checklist = "som-protocol"\n', encoding="utf-8")
    done = _run("analyze", str(SMUGGLING_LAW), "-f", "line", "-q", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == ""  # every item met: nothing to say
    decoy = _run("analyze", str(SAMPLE_LAWS / "model_complete.txt"), "-f", "json", cwd=tmp_path)
    assert '"summary": "No migrant-smuggling offence found: every item is missing."' in decoy.stdout


def _checklist_with(tmp_path: Path, text: str, library: str | None = None) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    if library is not None:
        (tmp_path / "lib.yaml").write_text(library, encoding="utf-8")
    return path


MINIMAL = """format: 1
id: test
version: "1"
title: T
instrument: I
languages: [en]
include: [lib.yaml]
categories: [{id: c, title: C}]
terms:
  own: {en: [recruit]}
locate:
  offence: {all: [{term: offence_marker}, {term: own}]}
  extra_element: {term: shared}
broadenings:
  wider: {lacks: extra_element, message: "broader ({where})"}
items:
  - id: c.one
    article: "1"
    category: c
    title: One
    requirement: R
    weight: 1
    severity: required
    broader_if: wider
    met: {term: shared}
    guidance: G
    examples: {met: [a], missing: [b]}
"""
LIBRARY = """format: 1
title: L
languages: [en]
terms:
  shared: {en: [force]}
language_terms:
  offence_marker: offence
"""


def test_a_term_library_is_shared_and_its_bytes_are_in_the_digest(tmp_path: Path) -> None:
    path = _checklist_with(tmp_path, MINIMAL, LIBRARY)
    first = load_checklist(path)
    assert first.checklist.phrases("shared", "en") == ["force"]
    (tmp_path / "lib.yaml").write_text(LIBRARY.replace("[force]", "[threat]"), encoding="utf-8")
    assert load_checklist(path).sha256 != first.sha256  # --resume redoes the results


@pytest.mark.parametrize(
    "change,library,message",
    [
        (("own: {en: [recruit]}", "shared: {en: [x]}"), LIBRARY, "term 'shared' is also defined"),
        (("[lib.yaml]", "[nowhere.yaml]"), LIBRARY, "nowhere.yaml: no such file"),
        (("[lib.yaml]", "[../lib.yaml]"), LIBRARY, "a term library is a file beside"),
        (("[lib.yaml]", "[/etc/hostname]"), LIBRARY, "a term library is a file beside"),
        (("broader_if: wider", "broader_if: narrower"), LIBRARY, "no broadening 'narrower'"),
        (("lacks: extra_element", "lacks: unknown"), LIBRARY, "no locator 'unknown' in 'locate'"),
        (("element: {term: shared}", "element: {term: nothing}"), LIBRARY, "unknown term"),
        ((), LIBRARY.replace("languages: [en]", "languages: 1"), "lib.yaml:3:1: languages"),
    ],
    ids=[
        "twice",
        "missing",
        "outside",
        "absolute",
        "broader_if",
        "lacks",
        "locator term",
        "library",
    ],
)
def test_term_libraries_and_broadenings_are_validated(
    tmp_path: Path, change: tuple[str, ...], library: str, message: str
) -> None:
    text = MINIMAL.replace(*change) if change else MINIMAL
    path = _checklist_with(tmp_path, text, library)
    with pytest.raises(ChecklistError) as raised:
        load_checklist(path)
    assert any(message in problem for problem in raised.value.problems), raised.value.problems


def test_eval_reads_only_the_labels_for_its_checklist(tmp_path: Path) -> None:
    for name, law, checklist in (
        ("smuggling", SMUGGLING_LAW, "som-protocol"),
        ("trafficking", SAMPLE_LAWS / "model_complete.txt", None),
    ):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(law, folder / f"{name}.txt")
        labels: dict[str, object] = {"expected": {"crim.attempt": True}}
        if checklist:
            labels["checklist"] = checklist
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(labels), encoding="utf-8")
    smuggling = _run("eval", str(tmp_path), "--checklist", "som-protocol", "-f", "json")
    trafficking = _run("eval", str(tmp_path), "-f", "json")
    assert '"labels": 1' in smuggling.stdout and '"smuggling"' in smuggling.stdout
    assert '"trafficking"' not in smuggling.stdout
    assert '"labels": 1' in trafficking.stdout and '"smuggling"' not in trafficking.stdout
    (tmp_path / "smuggling" / "smuggling.yaml").unlink()
    (tmp_path / "smuggling" / "smuggling.txt").unlink()
    none = _run("eval", str(tmp_path), "--checklist", "som-protocol")
    assert none.returncode == 2
    assert none.stderr.endswith("no statute is labelled for the checklist som-protocol\n")


STAY = ("stay.enable_illegal_stay",)
DOCUMENTS = ("documents.produce", "documents.procure_provide_possess")
ABLATIONS = [  # a provision of a complete smuggling law of ours, and the items it alone meets
    ("model_smuggling.txt", r"5\. Enabling illegal stay\n.*?\n\n", STAY),
    ("es/ley_trafico_migrantes.txt", r"Artículo 4\. Permanencia ilegal\n.*?\n\n", STAY),
    ("fr/loi_trafic_migrants.txt", r"Article 4\n.*?\n\n", STAY),
    ("de/schleusergesetz.txt", r"\(2\) Ebenso.*?\n", STAY),
    ("it/legge_traffico_migranti.txt", r"Art\. 4\n.*?\n\n", STAY),
    ("pt/lei_contrabando_migrantes.txt", r"Artigo 4\.º\n.*?\n\n", STAY),
    ("model_smuggling.txt", r"4\. Fraudulent travel.*?\n\n", DOCUMENTS),
    ("es/ley_trafico_migrantes.txt", r"Artículo 3\. Documentos.*?\n\n", DOCUMENTS),
    ("fr/loi_trafic_migrants.txt", r"Article 3\n.*?\n\n", DOCUMENTS),
    ("de/schleusergesetz.txt", r"§ 2 Gefälschte.*?\n\n", DOCUMENTS),
    ("it/legge_traffico_migranti.txt", r"Art\. 3\n.*?\n\n", DOCUMENTS),
    ("pt/lei_contrabando_migrantes.txt", r"Artigo 3\.º\n.*?\n\n", DOCUMENTS),
]


@pytest.mark.parametrize("law,provision,items", ABLATIONS)
def test_a_complete_law_without_one_provision_misses_what_it_alone_meets(
    law: str, provision: str, items: tuple[str, ...]
) -> None:
    """No other words of a smuggling law stand in for the provision cut out: not the
    definition of a fraudulent document ("falsely made or altered"), not "residente
    permanente" or "Estado" for a stay."""
    from .test_items import bundled_analyzer

    text = (SAMPLE_LAWS / "som" / law).read_text(encoding="utf-8")
    cut = re.sub(provision, "", text, count=1, flags=re.S)
    assert cut != text
    analyzer = bundled_analyzer("som-protocol")
    whole, without = analyzer.analyze_text(text), analyzer.analyze_text(cut)
    assert [whole.item(i).status for i in items] == ["met"] * len(items)
    assert [without.item(i).status for i in items] == ["missing"] * len(items), law
    assert without.item("smuggling.non_nationals").message.startswith("Found in"), law


PUNISHING = {  # a provision of our own that punishes the migrant, in each law's language
    "model_smuggling.txt": "9. Unlawful entry\nA person who enters the State without complying"
    " with the requirements for legal entry commits an offence and is liable to a fine.",
    "es/ley_trafico_migrantes.txt": "Artículo 8. Ingreso ilegal\nEl extranjero que ingrese"
    " ilegalmente en el país será sancionado con multa.",
    "fr/loi_trafic_migrants.txt": "Article 8\nL'étranger qui pénètre irrégulièrement sur le"
    " territoire national est puni d'une amende de 3 000 euros.",
    "de/schleusergesetz.txt": "§ 6 Unerlaubte Einreise\nWer als Ausländer unerlaubt in das"
    " Bundesgebiet einreist, wird mit Geldstrafe bestraft.",
    "it/legge_traffico_migranti.txt": "Art. 8\nLo straniero che entra illegalmente nel"
    " territorio dello Stato è punito con l'ammenda.",
    "pt/lei_contrabando_migrantes.txt": "Artigo 8.º\nO estrangeiro que entrar ilegalmente no"
    " território nacional é punido com pena de multa.",
}


@pytest.mark.parametrize("law,provision", sorted(PUNISHING.items()))
def test_a_provision_punishing_the_migrant_anywhere_is_the_gap(law: str, provision: str) -> None:
    """Read wherever it stands, even in a section no other item looks at."""
    from .test_items import bundled_analyzer

    text = (SAMPLE_LAWS / "som" / law).read_text(encoding="utf-8")
    result = bundled_analyzer("som-protocol").analyze_text(f"{text}\n{provision}\n")
    item = result.item("migrants.not_liable")
    assert item.status == "missing", item.message
    assert item.evidence and item.evidence[0].quote in provision


GROUP_REQUIRED = {  # offences of our own drafting that need an organized criminal group
    "en": "3. Smuggling\nA person who, as a member of an organized criminal group and for a"
    " financial benefit, facilitates the illegal entry of a foreign national into the State"
    " commits an offence.",
    "es": "Artículo 2. Tráfico ilícito de migrantes\nEl que, como miembro de una organización"
    " criminal y con ánimo de lucro, facilite la entrada ilegal en el país de una persona"
    " extranjera, será sancionado con pena privativa de libertad de cinco a diez años.",
    "fr": "Article 2\nLe fait, pour un membre d'une bande organisée, de faciliter, en vue"
    " d'obtenir un avantage financier, l'entrée irrégulière d'un étranger sur le territoire"
    " national est puni de dix ans d'emprisonnement.",
    "de": "§ 1 Einschleusen\nWer als Mitglied einer Bande einem Ausländer, um sich einen"
    " Vermögensvorteil zu verschaffen, zur unerlaubten Einreise Hilfe leistet, wird mit"
    " Freiheitsstrafe bis zu zehn Jahren bestraft.",
    "it": "Art. 2\nChiunque, quale membro di un'associazione per delinquere, al fine di trarne"
    " profitto, promuove l'ingresso illegale nel territorio dello Stato di uno straniero è"
    " punito con la reclusione da cinque a dodici anni.",
    "pt": "Artigo 2.º\nQuem, como membro de organização criminosa e com intenção lucrativa,"
    " facilitar a entrada ilegal no território nacional de estrangeiro é punido com pena de"
    " prisão de quatro a dez anos.",
}


@pytest.mark.parametrize("language", sorted(GROUP_REQUIRED))
def test_a_smuggling_offence_that_needs_a_group_misses_the_scope_item(language: str) -> None:
    from .test_items import bundled_analyzer

    result = bundled_analyzer("som-protocol").analyze_text(GROUP_REQUIRED[language])
    assert result.document.language == language
    assert result.item("smuggling.illegal_entry").status == "met"
    assert result.item("scope.no_organized_crime").status == "missing"
