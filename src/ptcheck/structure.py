"""Find a statute's provisions, their labels and its definitions.

A statute is cut into provisions at the labels that open them, in the common drafting
styles: "Section 4", "Sec. 4-A", "§ 1589.", "Article 225-4-1", "Art. 177 bis", "Artículo 3",
"4.", "370.", "279.01 (1)", "2 Human trafficking", "(1)", "(a)", "(i)", "(A)", "a)".
Each provision knows its full label (`4(1)(a)`), its place in the text, and the
section it belongs to. Lines that carry no label continue the provision before them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_NUMBER = r"\d{1,4}[A-Z]{0,2}(?:[.\-–](?:\d{1,4}[A-Za-z]{0,2}|[A-Z]{1,2}\b))*"
_LATIN = r"(?:\s+(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?"
_KEYWORD = re.compile(
    rf"""^(?P<kw>section|sect\.|sec\.|s\.|§+|article|art\.|artículo|artigo|articolo|
          regulation|reg\.|rule|clause|paragraph|para\.)\s*
        (?P<num>{_NUMBER}{_LATIN})(?![\w])\s*[.:—–-]?\s*""",
    re.IGNORECASE | re.VERBOSE,
)
_BARE = re.compile(rf"^(?P<num>{_NUMBER}{_LATIN})(?:\.(?!\d)\s*|(?=\s*\()|\s+(?=[A-Z“\"'])|\s*$)")
_PAREN = re.compile(r"[ \t]*\((?P<tag>[0-9]{1,3}[A-Z]{0,2}|[a-z]{1,4}|[A-Z]{1,2})\)\s*")
_LETTER_PAREN = re.compile(r"^(?P<tag>[a-z]{1,2}|[0-9]{1,2})\)\s+")
_DIVISION = re.compile(
    r"^(part|chapter|title|título|titre|capítulo|chapitre|division|subdivision|schedule|book|libro)\b"
    r"\s*[\dIVXLCivxlc]*",
    re.IGNORECASE,
)
_INLINE_HEADING = re.compile(r"([A-Z][^\n.—–]{0,90})\.?[ \t]*[—–]+[ \t]*(?=[(A-Z])")
_LINE_HEADING = re.compile(r"([A-Z][^\n.;:]{0,98}[^\n.;:,\s—–-])[ \t]*$", re.MULTILINE)
_DEFINITION_LEAD = re.compile(
    r"\s*(for the purposes? of|in this (act|section|part|chapter|title|article)|as used in)\b",
    re.IGNORECASE,
)
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(ix|iv|v?i{0,3})$")
_DEFINED_TERM = re.compile(
    r"(?:“|\"|‘|(?<![\w’])')([A-Za-z][^\"”’'\n]{0,79})[\"”’']\s*(?:\([^)\n]{0,40}\)\s*)?,?\s*"
    r"(?:means|shall mean|includes|shall include|refers to|has the (?:same )?meaning|is defined)\b",
    re.IGNORECASE,
)
_UNQUOTED_DEFINITION = re.compile(
    r"(?:the term\s+)?([A-Z][\w ’'-]{1,60}?)\s*(?:[–—:-]+\s*|\s)(?:refers to|means|shall mean)\b"
)
_LEAD_LABEL = re.compile(r"\s*(?:\([0-9A-Za-z]{1,4}\)\s*)*")
# Initials of the words that open sections and divisions (Section, Article, Part, Title...).
_KEYWORD_INITIALS = frozenset("SARCPTDBL")
_CLOSERS = frozenset(".;:,")
_QUOTES = ("“", '"', "‘", "'")
_DEFINITION_HEADING = re.compile(
    r"\b(definitions?|interpretation|meaning of|use of terms|definiciones)\b", re.IGNORECASE
)


@dataclass
class Provision:
    """A labelled stretch of the text; `start`..`end` covers its own words (not its children's)."""

    label: str
    level: int
    start: int
    end: int
    section: int  # index in Structure.sections
    heading: str = ""
    is_definition: bool = False
    defines: list[str] = field(default_factory=list)


@dataclass
class Section:
    """A top-level provision with everything under it: the unit patterns are matched in."""

    label: str
    keyword: str  # "section", "article", "" for bare numbers or the preamble
    start: int
    end: int
    heading: str = ""
    provisions: list[int] = field(default_factory=list)
    is_definition: bool = False
    label_start: int = 0  # where the label itself stands (after any heading above it)


@dataclass
class Structure:
    """The provisions and sections of a text, and a way to turn offsets into line/column."""

    text: str
    provisions: list[Provision]
    sections: list[Section]
    line_starts: list[int]
    _starts: list[int] = field(default_factory=list, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def provision_at(self, offset: int) -> Provision:
        """The innermost provision whose own text holds `offset`."""
        if len(self._starts) != len(self.provisions):
            self._starts = [p.start for p in self.provisions]
        index = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        return self.provisions[index]

    def definitions(self) -> dict[str, int]:
        """Defined term (lower case) -> index of the provision that defines it."""
        found: dict[str, int] = {}
        for index, provision in enumerate(self.provisions):
            for term in provision.defines:
                found.setdefault(term.lower(), index)
        return found


class _Builder:
    """Walks the lines once, opening provisions at labels.

    Enumeration styles nest in the order a section first uses them: "(1)" under "(a)" in
    US style, "(a)" under "(1)" in Commonwealth style. A label of a style already open
    closes everything below it; a new style opens one level deeper.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.provisions: list[Provision] = []
        self.sections: list[Section] = []
        self.stack: list[tuple[str, str]] = []  # (style, full label) of the open provisions
        self.pending_heading = ""
        self.pending_heading_start: int | None = None
        self.last_letter = ""

    def open_section(self, label: str, keyword: str, offset: int, body: int) -> None:
        start = self.pending_heading_start if self.pending_heading_start is not None else offset
        if self.sections:
            self.sections[-1].end = start
        self.sections.append(
            Section(label, keyword, start, len(self.text), self.pending_heading, label_start=offset)
        )
        self.stack = [("section", label)]
        self.last_letter = ""
        self.pending_heading, self.pending_heading_start = "", None
        self.add(start)
        heading = _INLINE_HEADING.match(self.text, body) or _LINE_HEADING.match(self.text, body)
        if heading:
            # "370. Trafficking of person.—(1) ..." or "2 Human trafficking" on its own line.
            self.sections[-1].heading = self.sections[-1].heading or heading.group(1).strip()
            body = heading.end()
        self.inline_labels(body)

    def open_part(self, style: str, part: str, body: int) -> None:
        if not self.sections:
            self.open_section("", "", 0, 0)
        for depth, entry in enumerate(self.stack):
            if entry[0] == style:
                del self.stack[depth:]
                break
        self.stack.append((style, self.stack[-1][1] + part if self.stack else part))
        if self.pending_heading_start is not None:
            # A sub-heading ("Consent") belongs to the subsection it stands above.
            body = self.pending_heading_start
            self.pending_heading, self.pending_heading_start = "", None
        self.add(body)

    def add(self, start: int) -> None:
        if self.provisions:
            self.provisions[-1].end = start
        section = self.sections[-1]
        label = self.stack[-1][1] if self.stack else ""
        provision = Provision(label, len(self.stack), start, len(self.text), len(self.sections) - 1)
        section.provisions.append(len(self.provisions))
        self.provisions.append(provision)

    def style_of(self, tag: str) -> str:
        """Style of a tag: "(1)" num, "(a)" lower, "(i)" roman, "(A)" upper.

        "(i)" right after "(h)" is a letter, not a numeral.
        """
        if tag[0].isdigit():
            return "num"
        if tag.isupper():
            return "upper"
        follows_letter = (
            len(tag) == 1 and bool(self.last_letter) and ord(tag) == ord(self.last_letter) + 1
        )
        if _ROMAN.match(tag) and not follows_letter and (tag != "i" or self.last_letter != "h"):
            return "roman"
        self.last_letter = tag if len(tag) == 1 else ""
        return "lower"

    def line(self, offset: int, line: str, lines: list[str], index: int) -> None:
        stripped = line.lstrip()
        if not stripped:
            return
        position = offset + len(line) - len(stripped)
        if stripped[0] == "(":  # the commonest line in a statute: "(1) ...", "(a) ..."
            if self.inline_labels(position):
                return
        elif (
            self.sections
            and stripped[0].isupper()
            and stripped[0] not in _KEYWORD_INITIALS
            and (stripped.rstrip()[-1:] in _CLOSERS or len(stripped) > 100)
        ):
            # Running text: it cannot open a provision or head one.
            self.pending_heading, self.pending_heading_start = "", None
            return
        in_keyword_section = bool(self.sections and self.sections[-1].keyword)
        match = _KEYWORD.match(stripped)
        if match and not _looks_like_reference(stripped, match):
            keyword = "article" if match["kw"].lower().startswith("art") else "section"
            self.open_section(
                _clean_number(match["num"]), keyword, position, position + match.end()
            )
            return
        match = _BARE.match(stripped)
        if match and in_keyword_section and re.fullmatch(r"\d{1,2}", match["num"]):
            # "1." inside an article numbers its paragraphs.
            self.open_part("point", f"({match['num']})", position + match.end())
            self.inline_labels(position + match.end())
            return
        if match:
            self.open_section(_clean_number(match["num"]), "", position, position + match.end())
            return
        if self.inline_labels(position):
            return
        match = _DEFINED_TERM.match(stripped)
        if match and self.sections:
            # A definitions list: each "term" means ... opens a provision of its own.
            del self.stack[1:]
            self.open_part("definition", f" “{match.group(1).strip()}”", position)
            return
        match = _LETTER_PAREN.match(stripped)
        if match and self.sections:
            tag = match["tag"]
            self.open_part(self.style_of(tag), f"({tag})", position + match.end())
            return
        if _DIVISION.match(stripped) or _is_heading(stripped, _next_line(lines, index)):
            if self.pending_heading_start is None:
                self.pending_heading_start = position
            if not _DIVISION.match(stripped):
                self.pending_heading = stripped.rstrip()
            return
        # A short line that did not head a provision after all is body text.
        self.pending_heading, self.pending_heading_start = "", None

    def inline_labels(self, position: int) -> bool:
        """Open "(1)", "(a)"... at `position`, and any that follow at once ("(1)(a)")."""
        opened = False
        while True:
            match = _PAREN.match(self.text, position)
            if not match:
                return opened
            tag = match["tag"]
            position = match.end()
            self.open_part(self.style_of(tag), f"({tag})", position)
            opened = True


def _next_line(lines: list[str], index: int) -> str:
    """The next non-blank line (within two), for deciding whether a line is a heading."""
    return next((ln for ln in lines[index + 1 : index + 3] if ln.strip()), "")


def _clean_number(number: str) -> str:
    return re.sub(r"\s+", " ", number).rstrip(".")


def _looks_like_reference(line: str, match: re.Match[str]) -> bool:
    """ "Section 4 applies..." is a sentence citing a section, not the start of one."""
    rest = line[match.end() :]
    return bool(re.match(r"(of|to|and|or|applies|shall|does|is|has|may)\b", rest))


def _is_heading(line: str, next_line: str) -> bool:
    """A short line without closing punctuation, followed by a labelled line."""
    text = line.strip()
    if len(text) > 90 or text[-1] in ".;:,—-" or not text[0].isupper():
        return False
    following = next_line.lstrip()
    return bool(_KEYWORD.match(following) or _BARE.match(following) or _PAREN.match(following))


def parse_structure(text: str) -> Structure:
    """Cut `text` into sections and provisions."""
    builder = _Builder(text)
    lines = text.split("\n")
    line_starts = []
    offset = 0
    for line in lines:
        line_starts.append(offset)
        offset += len(line) + 1
    for index, line in enumerate(lines):
        builder.line(line_starts[index], line, lines, index)
    if not builder.sections:
        builder.open_section("", "", 0, 0)
    builder.sections[-1].end = len(text)
    builder.provisions[-1].end = len(text)
    _mark_definitions(text, builder)
    return Structure(text, builder.provisions, builder.sections, line_starts)


def _mark_definitions(text: str, builder: _Builder) -> None:
    """Find defined terms and definition sections.

    Only provisions holding a quotation mark or a defining word are examined with the
    (slower) regular expressions: most of a long code holds neither.
    """
    provisions = builder.provisions
    starts = [p.start for p in provisions]
    lowered = text.lower()

    def holding(*needles: str) -> list[int]:
        """Indices of the provisions in which any needle occurs, in order."""
        found: set[int] = set()
        for needle in needles:
            at = lowered.find(needle)
            while at >= 0:
                index = max(bisect.bisect_right(starts, at) - 1, 0)
                found.add(index)
                at = lowered.find(needle, max(provisions[index].end, at + 1))
        return sorted(found)

    for index in holding(*_QUOTES):
        provision = provisions[index]
        for match in _DEFINED_TERM.finditer(text, provision.start, provision.end):
            provision.is_definition = True
            provision.defines.append(match.group(1).strip())
    for index in holding("means", "refers to", "shall mean"):
        provision = provisions[index]
        if not provision.defines:
            unquoted = _UNQUOTED_DEFINITION.match(text, _body(text, provision), provision.end)
            if unquoted:  # "(a) Trafficking in Persons – refers to ..."
                provision.is_definition = True
                provision.defines.append(unquoted.group(1).strip())
    for index in holding("purpose", "in this", "as used in"):
        provision = provisions[index]
        if _DEFINITION_LEAD.match(text, _body(text, provision), provision.end):
            builder.sections[provision.section].is_definition = True
    for section in builder.sections:
        if _DEFINITION_HEADING.search(section.heading) or any(
            provisions[i].is_definition for i in section.provisions
        ):
            section.is_definition = True


def _body(text: str, provision: Provision) -> int:
    """Where a provision's words start, after its label."""
    match = _LEAD_LABEL.match(text, provision.start, provision.end)
    return match.end() if match else provision.start


def section_name(section: Section) -> str:
    """How a section is cited in reports: "s. 4", "art. 177 bis", "(preamble)"."""
    if not section.label:
        return "(preamble)"
    return f"art. {section.label}" if section.keyword == "article" else f"s. {section.label}"
