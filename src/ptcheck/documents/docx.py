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
    """The text of the body, one line per paragraph (table rows: cells joined by tabs).

    Word's automatic numbering ("(1)", "(a)", "Article 3") is written back in front of each
    numbered paragraph, as the drafter sees it. Tracked changes: the document is read with
    its insertions and without its deletions (`docx_warnings` says so).
    """
    _check_zip(path, raw)
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
        return _body_text(document, _Numbering(document))
    except InputError:
        raise
    except Exception as exc:
        # A damaged archive fails in python-docx, zipfile, zlib or lxml (the last two found
        # by benchmarks/fuzz.py): whatever it raises, the file is not a readable .docx.
        raise InputError(path, f"not a valid .docx ({exc.__class__.__name__})") from None


def docx_warnings(path: Path, raw: bytes) -> list[str]:
    """What a reader should know about how the document was read (tracked changes)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        body = archive.read("word/document.xml")
    if b"<w:ins " in body or b"<w:del " in body:
        return [
            f"{path}: tracked changes: read with the insertions and without the deletions"
            " (as if every change were accepted)"
        ]
    return []


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _Numbering:
    """Word's list numbering (numbering.xml), counted paragraph by paragraph."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> level
        self.counters: dict[str, list[int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}  # style id -> (numId, ilvl)
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in numbering.iter(f"{_W}abstractNum"):
            levels = {}
            for level in node.iter(f"{_W}lvl"):
                fmt = level.find(f"{_W}numFmt")
                text = level.find(f"{_W}lvlText")
                start = level.find(f"{_W}start")
                levels[int(level.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for node in numbering.iter(f"{_W}num"):
            ref = node.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[node.get(f"{_W}numId", "")] = abstract.get(ref.get(f"{_W}val", ""), {})
        for style in document.styles.element.iter(f"{_W}style"):
            found = _num_pr(style)
            if found is not None:
                self.style_numbering[style.get(f"{_W}styleId", "")] = found

    def label(self, paragraph: Any) -> str:
        """The number Word shows before this paragraph ("(2)", "b)"), or ""."""
        found = _num_pr(paragraph)
        if found is None:
            properties = paragraph.find(f"{_W}pPr")
            style = properties.find(f"{_W}pStyle") if properties is not None else None
            if style is not None:
                found = self.style_numbering.get(style.get(f"{_W}val", ""))
        if found is None:
            return ""
        num_id, level = found
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 10)
        level = min(level, 9)
        if counters[level] == 0:
            counters[level] = levels[level][2] - 1
        counters[level] += 1
        for deeper in range(level + 1, 10):
            counters[deeper] = 0
        fmt, text, _ = levels[level]
        if fmt in ("bullet", "none") or not text:
            return ""
        for depth in range(level + 1):
            value = counters[depth] or levels.get(depth, ("decimal", "", 1))[2]
            shown = _format(value, levels.get(depth, ("decimal", "", 1))[0])
            text = text.replace(f"%{depth + 1}", shown)
        return text + " "


def _num_pr(element: Any) -> tuple[str, int] | None:
    properties = element.find(f"{_W}pPr")
    numbering = properties.find(f"{_W}numPr") if properties is not None else None
    if numbering is None:
        return None
    num_id = numbering.find(f"{_W}numId")
    level = numbering.find(f"{_W}ilvl")
    if num_id is None or num_id.get(f"{_W}val", "0") == "0":
        return None
    return num_id.get(f"{_W}val", ""), int(level.get(f"{_W}val", "0")) if level is not None else 0


def _format(value: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value)
    if fmt == "upperRoman":
        return _roman(value).upper()
    return str(value)


def _letters(value: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (as Word counts)."""
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    numerals = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    out = ""
    for number, numeral in numerals:
        while value >= number:
            out += numeral
            value -= number
    return out


def _body_text(document: Any, numbering: _Numbering) -> str:
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(
                numbering.label(child)
                + "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
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
