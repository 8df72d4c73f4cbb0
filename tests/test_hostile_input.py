"""Hostile and broken input: one clear line naming the file, exit 2, and nothing else lost."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ptcheck.batch import BatchOptions, run_batch
from ptcheck.checklist import LoadedChecklist
from ptcheck.cli import app

from .conftest import DEFAULT_ITEMS, SAMPLE_LAWS
from .test_documents import _pdf

runner = CliRunner()
LAW = (SAMPLE_LAWS / "model_complete.txt").read_text(encoding="utf-8")


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>" + b" " * 30_000_000)
    return buffer.getvalue()


def _sparse(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(100_000_001)  # 100 MB without writing 100 MB


BAD: list[tuple[str, Callable[[Path], None], str]] = [
    ("empty.txt", lambda p: p.write_bytes(b""), "the file is empty"),
    ("blank.txt", lambda p: p.write_bytes(b"  \n\t \r\n"), "the file holds only white space"),
    (
        "image.txt",
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        "binary file (a PNG image), not a text document",
    ),
    (
        "program",
        lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200),
        "binary file (an ELF executable), not a text document",
    ),
    (
        "nul.txt",
        lambda p: p.write_bytes(LAW.encode()[:200] + b"\x00" + LAW.encode()[200:400]),
        "binary data (NUL bytes), not a text document",
    ),
    (
        "bad-utf8.txt",
        lambda p: p.write_bytes("Sección 1 – é".encode() + b" \xc3\x28 x"),
        "invalid UTF-8 at byte 18",
    ),
    ("huge.txt", _sparse, "larger than the 50,000,000-byte limit (see --max-size)"),
    (
        "scan.pdf",
        lambda p: p.write_bytes(_pdf(None)),
        "PDF without a text layer (a scanned image?): OCR is needed first",
    ),
    (
        "locked.pdf",
        lambda p: p.write_bytes(_pdf(["Section 1"], password="x")),
        "encrypted PDF: remove the password first",
    ),
    (
        "corrupt.docx",
        lambda p: p.write_bytes(b"PK\x03\x04garbage"),
        "not a valid .docx (corrupt zip archive)",
    ),
    (
        "bomb.docx",
        lambda p: p.write_bytes(_zip_bomb()),
        "refused: the .docx expands to 30,000,004 bytes (zip bomb?)",
    ),
]


@pytest.mark.parametrize("name,make,problem", BAD, ids=[case[0] for case in BAD])
def test_analyze_rejects_bad_input_in_one_line(
    tmp_path: Path, name: str, make: Callable[[Path], None], problem: str
) -> None:
    path = tmp_path / name
    make(path)
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"ptcheck: error: {path}: {problem}\n"
    assert result.stdout == ""


def test_corrupt_pdf_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n%garbage\n")
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ptcheck: error: {path}: not a valid PDF (")
    assert result.stderr.count("\n") == 1


def test_batch_records_every_bad_file_and_analyses_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    expected = {}
    for name, make, problem in BAD:
        path = folder / (name if "." in name else name + ".txt")
        make(path)
        expected[str(path)] = f"{path}: {problem}"
    shutil.copy(SAMPLE_LAWS / "model_complete.txt", folder / "good.txt")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "--out", str(out), "-j", "2"])
    assert result.exit_code == 2
    data = json.loads((out / "results.json").read_text())
    assert [d["document"]["path"] for d in data["documents"]] == [str(folder / "good.txt")]
    assert {f["path"]: f["error"] for f in data["failed"]} == expected
    for message in expected.values():
        assert f"ptcheck: error: {message}\n" in result.stderr


@pytest.mark.parametrize(
    "data",
    [
        LAW.encode("utf-16"),
        LAW.encode("utf-16-le"),
        LAW.encode("utf-16-be"),
        LAW.replace("—", "-").encode("cp1252"),
        LAW.replace("\n", "\r\n", 10).replace("\n", "\r", 5).encode(),
    ],
    ids=["utf16-bom", "utf16le", "utf16be", "cp1252", "mixed-line-endings"],
)
def test_these_are_read_not_rejected(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "law.txt"
    path.write_bytes(data)
    result = runner.invoke(app, ["analyze", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["score"] == 100.0


def test_a_long_single_line_is_analysed(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    path.write_text((LAW.replace("\n", " ") + " ") * 500)  # ~1.2 MB on one line
    result = runner.invoke(app, ["analyze", str(path), "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["document"]["lines"] == 1 and len(data["items"]) == DEFAULT_ITEMS


def test_html_scripts_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "law.html"
    body = "".join(f"<p>{line}</p>" for line in LAW.splitlines())
    path.write_text(
        f"<html><head><script>recruits harbours abduction</script></head><body>{body}"
        "<script>document.write('abduction')</script><style>.x{}</style></body></html>"
    )
    data = json.loads(runner.invoke(app, ["analyze", str(path), "-f", "json"]).stdout)
    quotes = [e["context"] for item in data["items"] for e in item["evidence"]]
    assert not any("document.write" in q for q in quotes)
    assert data["score"] == 100.0


def test_unreadable_file_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(LAW)
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)  # root reads any file: simulate the refusal
    result = runner.invoke(app, ["analyze", str(locked)])
    assert result.exit_code == 2
    assert result.stderr == f"ptcheck: error: {locked}: permission denied\n"


def test_a_file_that_disappears_during_a_batch(tmp_path: Path, loaded: LoadedChecklist) -> None:
    gone = tmp_path / "gone.txt"
    kept = tmp_path / "kept.txt"
    kept.write_text(LAW)
    batch = run_batch([gone, kept], loaded, BatchOptions(jobs=1))
    assert [o.error for o in batch.outcomes] == [f"{gone}: no such file", ""]
    assert batch.outcomes[1].ok


def test_max_size_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "law.txt"
    path.write_text(LAW)
    result = runner.invoke(app, ["analyze", str(path), "--max-size", "1000"])
    assert result.exit_code == 2
    assert "larger than the 1,000-byte limit" in result.stderr
