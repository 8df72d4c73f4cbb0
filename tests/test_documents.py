"""Document readers: encodings, PDF, Word, HTML, and one-line errors for bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ptcheck.documents import read_document, read_opening
from ptcheck.errors import InputError

LAW = "Section 3\n(1) A person who recruits another person for the purpose of exploitation commits an offence.\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data,encoding",
    [
        (LAW.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + LAW.encode("utf-8"), "utf-8-sig"),
        (LAW.encode("utf-16"), "utf-16"),
        (LAW.encode("utf-16-le"), "utf-16-le"),
        (LAW.encode("utf-16-be"), "utf-16-be"),
        ((LAW + "Procès-verbal – “quoted”\n").encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-no-bom", "utf16be-no-bom", "cp1252"],
)
def test_text_encodings_are_detected(tmp_path: Path, data: bytes, encoding: str) -> None:
    document = read_document(write(tmp_path, "law.txt", data))
    assert document.encoding == encoding
    assert document.text.startswith("Section 3\n(1) A person who recruits")
    if encoding == "cp1252":
        assert "Procès-verbal – “quoted”" in document.text


def test_line_endings_are_normalised(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "law.txt", b"Section 1\r\nA\rB\nC"))
    assert document.text == "Section 1\nA\nB\nC"


@pytest.mark.parametrize(
    "name,data,problem",
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b" \n\t\n  ", "the file holds only white space"),
        (
            "image.txt",
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
            "binary file (a PNG image), not a text document",
        ),
        (
            "prog.txt",
            b"\x7fELF\x02\x01\x01" + b"\x00" * 64,
            "binary file (an ELF executable), not a text document",
        ),
        (
            "nul.txt",
            b"Section 1 text\x00 more text here and here",
            "binary data (NUL bytes), not a text document",
        ),
        ("broken.txt", "Sección 1 – texto".encode() + b"\xff\xfe\xfa", "invalid UTF-8 at byte 20"),
        (
            "odd.txt",
            b"Section 1 \x81\x8d text",
            "undecodable bytes: neither UTF-8, UTF-16 nor cp1252/Latin-1",
        ),
        ("fake.pdf", b"this is not a pdf", "not a PDF file (no %PDF header)"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert caught.value.message == f"{path}: {problem}"
    assert "\n" not in caught.value.message


def test_missing_path_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory, not a document"):
        read_document(tmp_path)


def test_max_size_is_enforced(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"a " * 1000)
    with pytest.raises(InputError, match="larger than the 100-byte limit"):
        read_document(path, max_size=100)


def _pdf(text_lines: list[str] | None, password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    if text_lines is None:
        pdf.rect(20, 20, 50, 50)  # a page with a drawing and no text layer
    else:
        pdf.set_font("helvetica", size=11)
        for line in text_lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "law.pdf",
        _pdf(["Section 3", "(1) A person who recruits another person commits an offence."]),
    )
    document = read_document(path)
    assert document.format == "pdf"
    assert "A person who recruits another person" in document.text
    assert document.text.index("Section 3") < document.text.index("(1) A person")


def test_the_opening_of_a_pdf_is_read_without_its_later_pages(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for words in ("Section 1 Short title", "Section 2 Offence", "Section 3 Penalty"):
        pdf.add_page()
        pdf.cell(0, 8, words)
    path = write(tmp_path, "law.pdf", bytes(pdf.output()))
    assert "Section 3 Penalty" in read_document(path).text
    opening = read_opening(path, 1_000_000, 30)  # the first two pages hold 30 characters
    assert "Section 1 Short title" in opening and "Section 2 Offence" in opening
    assert "Section 3" not in opening
    text = write(tmp_path, "law.txt", b"Section 1\nSection 2\n")
    assert read_opening(text, 1_000_000, 5) == "Section 1\nSection 2\n"  # a text file: whole


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    path = write(tmp_path, "scan.pdf", _pdf(None))
    with pytest.raises(InputError, match=r"PDF without a text layer .*OCR is needed"):
        read_document(path)


def test_encrypted_and_corrupt_pdf(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="encrypted PDF"):
        read_document(write(tmp_path, "locked.pdf", _pdf(["Section 1"], password="secret")))
    with pytest.raises(InputError, match="not a valid PDF"):
        read_document(write(tmp_path, "bad.pdf", b"%PDF-1.7\n1 0 obj garbage"))


def _docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "law.docx",
        _docx(["Section 3", "(1) A person who harbours another person."], [["Term", "Meaning"]]),
    )
    document = read_document(path)
    assert document.format == "docx"
    assert document.text.split("\n")[:3] == [
        "Section 3",
        "(1) A person who harbours another person.",
        "Term\tMeaning",
    ]


def test_corrupt_docx_and_zip_bomb(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a valid \.docx \(corrupt zip archive\)"):
        read_document(write(tmp_path, "bad.docx", b"PK\x03\x04 this is not a zip"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>" + b" " * 30_000_000)
    with pytest.raises(
        InputError, match=r"refused: the \.docx expands to 30,000,004 bytes \(zip bomb\?\)"
    ):
        read_document(write(tmp_path, "bomb.docx", buffer.getvalue()))


def test_html_drops_scripts_and_keeps_blocks(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Act</title><style>p{color:red}</style></head><body>"
        "<script>document.write('recruits')</script><h2>Section 3</h2>"
        "<p>(1) A person who <b>transports</b> another person commits an offence.</p>"
        "<p>(2) Second.</p></body></html>"
    )
    document = read_document(write(tmp_path, "law.html", html.encode()))
    assert document.text.split("\n") == [
        "Section 3",
        "",
        "(1) A person who transports another person commits an offence.",
        "",
        "(2) Second.",
    ]


def test_docx_with_a_damaged_deflate_stream(tmp_path: Path) -> None:
    good = bytearray(_docx(["Section 3", "(1) A person who harbours another person."] * 50))
    with zipfile.ZipFile(io.BytesIO(bytes(good))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 10, start + info.compress_size - 10, 7):
        good[offset] ^= 0x5A  # damage the compressed body, keep the archive's directory
    with pytest.raises(InputError, match=r"not a valid \.docx \("):
        read_document(write(tmp_path, "damaged.docx", bytes(good)))


def _numbered_docx(tracked: bool = False) -> bytes:
    """A draft whose (1)/(a) labels are Word list numbering, not typed text."""
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    abstract = etree.SubElement(numbering, qn("w:abstractNum"), {qn("w:abstractNumId"): "7"})
    for level, (fmt, text) in enumerate([("decimal", "(%1)"), ("lowerLetter", "(%2)")]):
        node = etree.SubElement(abstract, qn("w:lvl"), {qn("w:ilvl"): str(level)})
        etree.SubElement(node, qn("w:start"), {qn("w:val"): "1"})
        etree.SubElement(node, qn("w:numFmt"), {qn("w:val"): fmt})
        etree.SubElement(node, qn("w:lvlText"), {qn("w:val"): text})
    num = etree.SubElement(numbering, qn("w:num"), {qn("w:numId"): "3"})
    etree.SubElement(num, qn("w:abstractNumId"), {qn("w:val"): "7"})

    def paragraph(text: str, level: int | None = None) -> None:
        added = document.add_paragraph(text)
        if level is not None:
            numbered = etree.SubElement(added._p.get_or_add_pPr(), qn("w:numPr"))
            etree.SubElement(numbered, qn("w:ilvl"), {qn("w:val"): str(level)})
            etree.SubElement(numbered, qn("w:numId"), {qn("w:val"): "3"})

    paragraph("3. Trafficking in persons")
    paragraph("A person who recruits, transports or harbours another person by—", 0)
    paragraph("threats;", 1)
    paragraph("deception; or", 1)
    paragraph("abduction,", 1)
    paragraph("for the purpose of exploitation commits an offence.")
    paragraph(
        "A person who recruits a child for the purpose of exploitation commits an offence.", 0
    )
    if tracked:
        last = document.paragraphs[-1]._p
        inserted = etree.SubElement(last, qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "A"})
        run = etree.SubElement(inserted, qn("w:r"))
        etree.SubElement(run, qn("w:t")).text = " Added words."
        deleted = etree.SubElement(last, qn("w:del"), {qn("w:id"): "2", qn("w:author"): "A"})
        run = etree.SubElement(deleted, qn("w:r"))
        etree.SubElement(run, qn("w:delText")).text = " Removed words."
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_list_numbering_is_written_back(tmp_path: Path) -> None:
    document = read_document(write(tmp_path, "draft.docx", _numbered_docx()))
    assert document.text.splitlines() == [
        "3. Trafficking in persons",
        "(1) A person who recruits, transports or harbours another person by—",
        "(a) threats;",
        "(b) deception; or",
        "(c) abduction,",
        "for the purpose of exploitation commits an offence.",
        "(2) A person who recruits a child for the purpose of exploitation commits an offence.",
    ]
    assert document.warnings == ()


def test_numbered_docx_evidence_names_the_provision(tmp_path: Path) -> None:
    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import load_checklist

    result = Analyzer(load_checklist()).analyze_path(
        write(tmp_path, "draft.docx", _numbered_docx())
    )
    assert result.item("child.no_means_required").evidence[0].section == "3(2)"
    assert result.item("means.threat").evidence[0].section == "3(1)(a)"


def test_tracked_changes_are_read_as_accepted_and_said(tmp_path: Path) -> None:
    path = write(tmp_path, "draft.docx", _numbered_docx(tracked=True))
    document = read_document(path)
    assert document.text.endswith("commits an offence. Added words.")
    assert "Removed words" not in document.text
    assert document.warnings == (
        f"{path}: tracked changes: read with the insertions and without the deletions"
        " (as if every change were accepted)",
    )
