"""Read a document (text, Markdown, PDF, Word, HTML) into plain text with line breaks.

Every failure is an `InputError` naming the file and the problem in one line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ptcheck.documents.text import decode_text
from ptcheck.errors import InputError
from ptcheck.files import NotReadable, read_limited

DEFAULT_MAX_SIZE = 50_000_000  # bytes; documents larger than this are refused

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".pdf", ".docx", ".html", ".htm", ".xhtml"}


@dataclass(frozen=True)
class Document:
    """A document's plain text and what we know of where it came from."""

    path: str
    text: str
    format: str
    sha256: str
    encoding: str | None = None
    warnings: tuple[str, ...] = ()  # how it was read, when a reader should know


def read_document(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> Document:
    """Read `path` and return its text; raise InputError when that cannot be done."""
    return document_from_bytes(path, _read_bytes(path, max_size))


def read_opening(path: Path, max_size: int, characters: int) -> str:
    """At least the first `characters` of a document's text (enough to tell its language),
    without reading all of a PDF: the pages after those that hold them are not read (a
    batch reads some documents before its workers start, to learn their languages)."""
    raw = _read_bytes(path, max_size)
    if _kind_of(path, raw) != "pdf":
        return document_from_bytes(path, raw).text
    from ptcheck.documents.pdf import pdf_text

    return normalise_newlines(pdf_text(path, raw, enough=characters))


def read_stdin(name: Path, max_size: int = DEFAULT_MAX_SIZE) -> Document:
    """Read a document from standard input; `name` stands for it in reports (and its
    suffix says the format, as for a file)."""
    import sys

    chunks: list[bytes] = []
    size = 0
    while size <= max_size:  # in chunks: a limit bounds what is read, not what is allocated
        chunk = sys.stdin.buffer.read(min(1 << 20, max_size + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    raw = b"".join(chunks)
    if len(raw) > max_size:
        raise InputError(name, f"larger than --max-size ({max_size} bytes)")
    if not raw:
        raise InputError(name, "the file is empty")
    return document_from_bytes(name, raw)


def document_from_bytes(path: Path, raw: bytes) -> Document:
    """The text of a document's bytes (`path` names it and hints at its format)."""
    digest = hashlib.sha256(raw).hexdigest()
    kind = _kind_of(path, raw)
    encoding: str | None = None
    warnings: list[str] = []
    if kind == "pdf":
        from ptcheck.documents.pdf import pdf_text

        text = pdf_text(path, raw)
    elif kind == "docx":
        from ptcheck.documents.docx import docx_text, docx_warnings

        text = docx_text(path, raw)
        warnings = docx_warnings(path, raw)
    elif kind == "html":
        from ptcheck.documents.html import TooDeep, html_text

        html, encoding = decode_text(path, raw)
        try:
            text = html_text(html)
        except TooDeep as problem:
            raise InputError(path, str(problem)) from None
    else:
        text, encoding = decode_text(path, raw)
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError(
            path, "no text in the document" if kind != "text" else "the file holds only white space"
        )
    return Document(str(path), text, kind, digest, encoding, tuple(warnings))


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; other control characters (but tab) become spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return _CONTROLS.sub(" ", text)  # 4 times faster than str.translate on non-ASCII text


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # but tab and line feed


def _read_bytes(path: Path, max_size: int) -> bytes:
    try:
        raw = read_limited(path, max_size)
    except NotReadable as problem:
        message = str(problem)
        if message.startswith("larger than"):
            message += " (see --max-size)"
        elif message.startswith("is a directory"):
            message = "is a directory, not a document"
        raise InputError(path, message) from None
    if not raw:
        raise InputError(path, "the file is empty")
    return raw


def _kind_of(path: Path, raw: bytes) -> str:
    """The reader to use: by suffix when known, else by the content's first bytes."""
    suffix = path.suffix.lower()
    if raw.startswith(b"%PDF-"):
        return "pdf"
    if suffix == ".pdf":
        raise InputError(path, "not a PDF file (no %PDF header)")
    if suffix == ".docx" or (raw.startswith(b"PK\x03\x04") and suffix not in TEXT_SUFFIXES):
        return "docx"
    if suffix in {".html", ".htm", ".xhtml"}:
        return "html"
    if suffix not in TEXT_SUFFIXES:
        head = raw[:1024].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            return "html"
    return "text"
