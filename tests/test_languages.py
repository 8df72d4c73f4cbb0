"""Language packs: detection, the unsupported-language outcome, and the pack mechanisms."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.checklist import LoadedChecklist
from ptcheck.language import detect, load_pack, pack_codes
from ptcheck.nlp import FormExpander, _table, blank_pipeline, form_count, with_numbers

CATALAN = (
    "Article 5. Qui capti, transporti o aculli una persona amb la finalitat d'explotar-la serà"
    " castigat amb la pena de presó de cinc a vuit anys. Les penes s'imposaran als autors i als"
    " còmplices dels fets.\n"
)
TEXTS = {
    "en": "A person who recruits another person for the purpose of exploitation commits an offence.",
    "es": "El que captare a una persona con fines de explotación será reprimido con prisión.",
    "fr": "Le fait de recruter une personne en vue de son exploitation est puni de dix ans.",
    "de": "Wer eine andere Person zum Zweck der Ausbeutung anwirbt, wird mit Freiheitsstrafe bestraft.",
    "it": "Chiunque recluta una persona a scopo di sfruttamento è punito con la reclusione.",
    "pt": "Quem recrutar outra pessoa para fins de exploração é punido com pena de prisão.",
}


def ptcheck_command() -> list[str]:
    """The installed command, as a user runs it."""
    found = shutil.which("ptcheck")
    return [found] if found else [sys.executable, "-m", "ptcheck"]


def test_six_languages_have_packs() -> None:
    assert set(pack_codes()) == {"en", "es", "fr", "de", "it", "pt"}
    for code in pack_codes():
        assert load_pack(code).code == code


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_each_language_is_detected(language: str) -> None:
    assert detect(TEXTS[language])[0] == language


def test_catalan_is_not_read_as_spanish() -> None:
    assert detect(CATALAN)[0] == "ca"


def test_an_unsupported_language_exits_2_with_its_name(tmp_path: Path) -> None:
    law = tmp_path / "llei.txt"
    law.write_text(CATALAN, encoding="utf-8")
    done = subprocess.run(
        [*ptcheck_command(), "analyze", str(law)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"ptcheck: error: {law}: language not supported (looks like Catalan);"
        " supported: de, en, es, fr, it, pt; use --language to force one"
    )
    assert done.stdout == ""


def test_language_can_be_forced_and_is_in_the_json(tmp_path: Path) -> None:
    law = tmp_path / "llei.txt"
    law.write_text(CATALAN, encoding="utf-8")
    done = subprocess.run(
        [*ptcheck_command(), "analyze", str(law), "--language", "es", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["document"]["language"] == "es"


def test_an_unknown_forced_language_is_a_usage_error(tmp_path: Path) -> None:
    law = tmp_path / "law.txt"
    law.write_text(TEXTS["en"], encoding="utf-8")
    done = subprocess.run(
        [*ptcheck_command(), "analyze", str(law), "--language", "ca"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "unknown language 'ca'" in done.stderr


def test_a_batch_records_an_unsupported_language_as_a_failure(tmp_path: Path) -> None:
    (tmp_path / "llei.txt").write_text(CATALAN, encoding="utf-8")
    (tmp_path / "law.txt").write_text(TEXTS["en"], encoding="utf-8")
    done = subprocess.run(
        [*ptcheck_command(), "batch", str(tmp_path), "--format", "json", "--jobs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    results = json.loads(done.stdout)
    assert len(results["documents"]) == 1
    assert "language not supported (looks like Catalan)" in results["failed"][0]["error"]


def test_french_lemma_lists_give_real_forms() -> None:
    # The French table stores lists of lemmas; each must be read as a word, not "['avoir']".
    assert all(isinstance(v, list) for v in list(_table("fr_lemma_lookup").values())[:100])
    forms = FormExpander("fr", ["recruter"]).forms("recruter")
    assert {"recrute", "recrutent", "recruté"} <= forms
    assert not any("[" in form for form in forms)


def test_numbers_in_braces_take_digits_and_words() -> None:
    assert with_numbers("menor de {18} años", load_pack("es")) == [
        "menor de 18 años",
        "menor de dieciocho años",
    ]


def test_portuguese_clitics_do_not_hide_the_verb(analyzer: Analyzer) -> None:
    text = "Art. 1. Recrutar pessoa com a finalidade de remover-lhe órgãos. Pena – reclusão.\n"
    assert analyzer.analyze_text(text).item("purpose.organ_removal").status == "met"


def test_phrases_over_the_forms_cap_are_counted(loaded: LoadedChecklist) -> None:
    nlp = blank_pipeline("es")
    expander = FormExpander("es", ["será", "castigado"])
    assert form_count("será castigado", expander, nlp) > 256
    assert form_count("=será castigado", expander, nlp) <= 256
