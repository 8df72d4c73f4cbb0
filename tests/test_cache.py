"""What is kept between runs gives what building it again gives, and a change rebuilds it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ptcheck.cache import compiled_expressions

from .conftest import SAMPLE_LAWS, statutes


def _finds(expression: re.Pattern[str], text: str) -> list[tuple[int, int, dict[str, str]]]:
    return [(m.start(), m.end(), m.groupdict()) for m in expression.finditer(text)]


@pytest.mark.parametrize(("module", "kind"), [("structure", "grammar"), ("regions", "wording")])
def test_every_language_expressions_restored_from_the_cache_find_what_re_compile_finds(
    module: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The label and definition expressions of each pack (structure) and its citation and
    sentence expressions (regions), read back as compiled code, match the same spans and
    groups as the same sources compiled by `re` on every sample law (and the corpus); their
    sources are the same from one process to the next (sorted words), so a second start
    finds the file."""
    import importlib

    from ptcheck.language import pack_codes

    owner = importlib.import_module(f"ptcheck.{module}")
    build = getattr(owner, kind)
    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    captured: dict[str, dict[str, tuple[str, int]]] = {}

    def capture(kind: str, language: str, sources: dict[str, tuple[str, int]]) -> object:
        captured[language] = sources
        return compiled_expressions(kind, language, sources)

    monkeypatch.setattr(owner, "compiled_expressions", capture)
    for language in pack_codes():
        build.cache_clear()
        build(language)  # compiles and stores
    build.cache_clear()
    assert len(list(tmp_path.glob(f"{kind}-*.json.gz"))) == len(pack_codes())
    texts = [law.read_text(encoding="utf-8") for law in statutes()]
    compared = 0
    for language, sources in captured.items():
        restored = compiled_expressions(kind, language, sources)
        for name, (pattern, flags) in sources.items():
            expected = re.compile(pattern, flags)
            assert restored[name] is not expected
            assert restored[name].groupindex == expected.groupindex
            for text in texts:
                found = _finds(expected, text)
                assert _finds(restored[name], text) == found, (language, name)
                compared += len(found)
    assert compared > 1_000
    assert len(list(tmp_path.glob(f"{kind}-*.json.gz"))) == len(pack_codes())  # no new file


def test_a_language_pack_read_from_the_cache_is_the_pack_read_from_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Packs are parsed once and read back from the cache; a changed pack file is parsed
    again (the key is its bytes), and a damaged cache file is parsed again too."""
    import yaml

    from ptcheck import language

    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    packs = tmp_path / "languages"
    shutil.copytree(language.packs_folder(), packs)
    monkeypatch.setattr(language, "packs_folder", lambda: packs)
    parsed = yaml.load((packs / "fr.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    first = language._strings("fr.yaml")
    assert first == parsed
    (stored,) = (tmp_path / "cache").glob("pack-fr-*.marshal")
    loads: list[object] = []
    real_load = yaml.load
    monkeypatch.setattr(yaml, "load", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    assert language._strings("fr.yaml") == parsed
    assert loads == []  # from the cache
    text = (packs / "fr.yaml").read_text(encoding="utf-8")
    (packs / "fr.yaml").write_text(text + "\n# changed\n", encoding="utf-8")
    assert language._strings("fr.yaml") == parsed
    assert len(loads) == 1  # new bytes: parsed again
    stored.write_bytes(b"damaged")
    (packs / "fr.yaml").write_text(text, encoding="utf-8")
    assert language._strings("fr.yaml") == parsed
    assert len(loads) == 2


def test_the_version_ptcheck_reports_is_the_installed_one() -> None:
    """Cache keys take ptcheck's version from `ptcheck.__version__`: it must be the version
    the package was installed as, or a new release would reuse the old release's tables."""
    from importlib import metadata

    from ptcheck import __version__
    from ptcheck.cache import version

    assert __version__ == metadata.version("ptcheck")
    assert version("ptcheck") == __version__
    assert version("no-such-distribution-here") == ""


def test_a_damaged_expression_cache_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    sources = {"label": (r"(?P<num>\d+)\.", 0)}
    compiled_expressions("test", "en", sources)
    (stored,) = tmp_path.glob("test-en-*.json.gz")
    stored.write_bytes(b"not gzip")
    again = compiled_expressions("test", "en", sources)
    assert again["label"].match("12. Text")["num"] == "12"  # type: ignore[index]


def _copy_checklists(tmp_path: Path) -> Path:
    from ptcheck.checklist import default_checklist_path

    folder = tmp_path / "checklists"
    shutil.copytree(default_checklist_path().parent, folder)
    return folder / "tip-protocol.yaml"


def test_a_checklist_read_from_the_cache_is_the_checklist_read_from_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptcheck import checklist as module

    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    path = _copy_checklists(tmp_path)
    first = module.load_checklist(path)  # composes the YAML and stores the data
    composed: list[str] = []
    compose = module._compose
    monkeypatch.setattr(
        module, "_compose", lambda *args: composed.append(args[1]) or compose(*args)
    )
    second = module.load_checklist(path)
    assert composed == []  # from the cache
    assert second.checklist == first.checklist
    assert second.sha256 == first.sha256
    monkeypatch.setenv("PTCHECK_CACHE_DIR", "")
    assert module.load_checklist(path).checklist == first.checklist


def test_a_change_to_an_included_library_is_read_although_the_checklist_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptcheck.checklist import load_checklist
    from ptcheck.errors import ChecklistError

    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    path = _copy_checklists(tmp_path)
    before = load_checklist(path)
    library = path.parent / "terms" / "criminal-law.yaml"
    text = library.read_text(encoding="utf-8")
    assert "en: [controlled substance," in text
    assert "zebra crossing" not in before.checklist.phrases("decoy_goods", "en")
    changed = text.replace(
        "en: [controlled substance,", "en: [zebra crossing, controlled substance,"
    )
    library.write_text(changed, encoding="utf-8")
    after = load_checklist(path)
    assert after.sha256 != before.sha256
    assert "zebra crossing" in after.checklist.phrases("decoy_goods", "en")
    library.write_text("terms: [not, a, mapping\n", encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"criminal-law\.yaml"):
        load_checklist(path)


def test_matcher_tables_read_from_the_cache_are_the_tables_built_from_the_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A matcher whose tables come from the cache finds the same phrases in every sample law
    as one built without a cache, and never expands a phrase; a damaged file is rebuilt."""
    from ptcheck.checklist import load_checklist
    from ptcheck.matching import TermMatcher
    from ptcheck.scanner import scanner

    checklist = load_checklist().checklist
    monkeypatch.setenv("PTCHECK_CACHE_DIR", "")
    built = TermMatcher(checklist, "pt")
    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    TermMatcher(checklist, "pt")  # builds and stores
    (stored,) = tmp_path.glob("matcher-pt-*.marshal")
    monkeypatch.setattr(TermMatcher, "_tables", lambda self: pytest.fail("rebuilt"))
    restored = TermMatcher(checklist, "pt")
    assert restored.index.by_first == built.index.by_first
    assert restored.key_terms == built.key_terms
    assert restored.key_forms == built.key_forms
    found = 0
    for law in statutes():
        lowers = scanner("pt").tokens(law.read_text(encoding="utf-8")[:50_000]).lowers
        expected = built.index.matches(lowers)
        assert restored.index.matches(lowers) == expected, law
        found += len(expected)
    assert found > 500
    stored.write_bytes(stored.read_bytes()[:100])  # cut short
    monkeypatch.undo()
    monkeypatch.setenv("PTCHECK_CACHE_DIR", str(tmp_path))
    assert TermMatcher(checklist, "pt").key_terms == built.key_terms
    assert len(stored.read_bytes()) > 100  # written again


def test_a_run_that_finds_everything_in_the_cache_imports_neither_pyyaml_nor_spacy(
    tmp_path: Path,
) -> None:
    """`ptcheck analyze` in a fresh process: the first run parses the checklist and the
    packs (PyYAML) and reads spaCy's lemma tables and tokenizer rules; the second finds
    them all in the cache and imports neither, which are start-up costs of every run (spaCy
    alone, 0.6 s)."""
    law = SAMPLE_LAWS / "model_complete.txt"
    code = (
        "import sys\n"
        "from ptcheck.cli import app\n"
        f"app(['analyze', {str(law)!r}, '--format', 'json'], standalone_mode=False)\n"
        "print('yaml' in sys.modules, 'spacy' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "PTCHECK_CACHE_DIR": str(tmp_path)}

    def imported_yaml() -> str:
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, run.stderr
        return run.stderr.strip().splitlines()[-1]

    assert imported_yaml() == "True True"  # nothing cached yet: the files are parsed
    assert imported_yaml() == "False False"
