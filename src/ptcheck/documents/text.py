"""Decode text bytes: BOM, then strict UTF-8, then BOM-less UTF-16, then cp1252.

charset-normalizer's unrestricted guess misreads Latin-1 statutes (see tech-notes), so the
order here is fixed and each step is strict; bytes that fit none are an error.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from pathlib import Path

from ptcheck.errors import InputError

_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\x7fELF": "an ELF executable",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"MZ": "a Windows executable",
    b"\x1f\x8b": "a gzip archive",
    b"PK\x03\x04": "a zip archive",
    b"\xd0\xcf\x11\xe0": "an old Office (.doc) file: save it as .docx",
    b"{\\rtf": "an RTF file: save it as .docx or .txt",
}
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
# Bytes that cp1252 leaves undefined; a text holding them is not cp1252.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def sniff_binary(raw: bytes) -> str | None:
    """What a binary file is, by its magic number; None when it does not look binary."""
    for magic, name in _MAGIC.items():
        if raw.startswith(magic):
            return name
    return None


def decode_text(path: Path, raw: bytes) -> tuple[str, str]:
    """Decode `raw` to text; return (text, encoding). Raise InputError when it is not text."""
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(path, raw[3:], "utf-8"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(path, raw, "utf-16"), "utf-16"
    utf16 = _bomless_utf16(raw)
    if utf16:
        return _strict(path, raw, utf16), utf16
    binary = sniff_binary(raw)
    if binary:
        raise InputError(path, f"binary file ({binary}), not a text document")
    if b"\x00" in raw:
        raise InputError(path, "binary data (NUL bytes), not a text document")
    sample = raw[:65536]
    if len(_BINARY_CONTROLS.findall(sample)) > max(8, len(sample) // 200):
        raise InputError(path, "binary data (control bytes), not a text document")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(raw):
            # Valid UTF-8 sequences with broken ones among them: damaged UTF-8, not cp1252.
            raise InputError(path, f"invalid UTF-8 at byte {exc.start}") from None
    if _CP1252_UNDEFINED.search(raw):
        raise InputError(path, "undecodable bytes: neither UTF-8, UTF-16 nor cp1252/Latin-1")
    return raw.decode("cp1252"), "cp1252"


def _strict(path: Path, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"invalid {encoding.upper()} at byte {exc.start}") from None


def _bomless_utf16(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is the high byte of one script's
    block: NUL for Latin text, 0x04 for Cyrillic, 0x03 for Greek, 0x05 for Hebrew...,
    and the sample decodes to text without control characters."""
    sample = raw[:4096]
    if len(sample) < 32 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    for high, low, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        value, count = Counter(high).most_common(1)[0]
        if value > 0x30 or count <= 0.4 * half or low.count(value) >= 0.05 * half:
            continue
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t")
        wordy = sum(1 for c in text if c.isalpha() or c.isspace())
        spaces = sum(1 for c in text if c.isspace())
        if controls <= 0.01 * len(text) and wordy >= 0.6 * len(text) and spaces >= 0.05 * len(text):
            return encoding
    return None
