"""Word .docx via python-docx: paragraphs and table cells in document order."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from ptcheck.errors import InputError

MAX_EXPANDED_BYTES = 200_000_000
MAX_EXPANSION_RATIO = 100


def docx_text(path: Path, raw: bytes) -> str:
    """The text of the body, one line per paragraph (table rows: cells joined by tabs)."""
    _check_zip(path, raw)
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
        return _body_text(document)
    except Exception as exc:
        # A damaged archive fails in python-docx, zipfile, zlib or lxml (the last two found
        # by benchmarks/fuzz.py): whatever it raises, the file is not a readable .docx.
        raise InputError(path, f"not a valid .docx ({exc.__class__.__name__})") from None


def _body_text(document: Any) -> str:
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(
                "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            )
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append("\t".join(cells))
    return "\n".join(lines)


def _check_zip(path: Path, raw: bytes) -> None:
    """Refuse archives that are corrupt or expand far beyond their size (zip bombs)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise InputError(path, "not a valid .docx (corrupt zip archive)") from None
    if "word/document.xml" not in names:
        raise InputError(path, "not a valid .docx (no word/document.xml)")
    if (
        expanded > MAX_EXPANDED_BYTES
        or expanded > MAX_EXPANSION_RATIO * max(len(raw), 1) + 10_000_000
    ):
        raise InputError(path, f"refused: the .docx expands to {expanded:,} bytes (zip bomb?)")
