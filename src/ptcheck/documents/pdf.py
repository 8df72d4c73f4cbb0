"""PDF text layer via pypdfium2 (PDFium: fast, well kept, no external programs)."""

from __future__ import annotations

from pathlib import Path

from ptcheck.errors import InputError


def pdf_text(path: Path, raw: bytes, enough: int | None = None) -> str:
    """The text of every page, pages separated by a blank line; with `enough`, of the first
    pages only, as many as hold that many characters."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(path, "encrypted PDF: remove the password first") from None
        raise InputError(path, f"not a valid PDF ({exc})") from None
    try:
        pages: list[str] = []
        held = 0
        for index in range(len(document)):
            if enough is not None and held >= enough:
                break
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            held += len(pages[-1])
            textpage.close()
            page.close()
    except Exception as exc:  # PDFium reports damage in more than one way
        raise InputError(path, f"damaged PDF ({exc.__class__.__name__}: {exc})") from None
    finally:
        document.close()
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(path, "PDF without a text layer (a scanned image?): OCR is needed first")
    return text
