"""Find a statute's provisions, their labels and its definitions.

A statute is cut into provisions at the labels that open them. The label words come from
the language pack ("Section 4", "ARTÍCULO 1º", "Art. 149-A", "Article 225-4-1",
"Art. 177 bis", "§ 232a", "Artigo 160.º"); the numbering styles are common to all:
"4.", "370.", "279.01 (1)", "2 Human trafficking", "(1)", "(a)", "(i)", "(A)", "a)",
"I –" (an inciso), "§ 1º" (a paragraph, where the pack says so). Each provision knows its
full label (`4(1)(a)`), its place in the text, and the section it belongs to. Lines that
carry no label continue the provision before them; text before the first label is a
preamble; division headings (Part, Chapitre, Abschnitt) attach to what follows.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

from ptcheck.cache import compiled_expressions
from ptcheck.language import LanguagePack, alternation, load_pack, loose

UPPER = "A-ZÀ-ÖØ-ÞŒŠŽ"  # capital letters of the Latin scripts the packs cover
_NUMBER = r"\d{1,5}[A-Za-z]{0,2}(?:[.\-–](?:\d{1,4}[A-Za-z]{0,2}|[A-Za-z]{1,2}\b))*"
_SPACES = re.compile(r"\s+")
_SEPARATOR_MARK = re.compile(r"[.:—–-]")
_SMALL_NUMBER = re.compile(r"\d{1,2}")
_PAREN = re.compile(r"[ \t]*\((?P<tag>[0-9]{1,3}[A-Z]{0,2}|[a-z]{1,4}|[A-Z]{1,2})\)\s*")
_LETTER_PAREN = re.compile(r"^(?P<tag>[a-z]{1,2}|[0-9]{1,2})\)\s+")
_ROMAN_DASH = re.compile(r"^(?P<tag>[IVXL]{1,6})\s*[–—\-.)]\s+")  # Brazilian incisos: "I –"
_INLINE_HEADING = re.compile(rf"([{UPPER}][^\n.—–]{{0,90}})\.?[ \t]*[—–]+[ \t]*(?=[({UPPER}])")
_LINE_HEADING = re.compile(rf"([{UPPER}][^\n.;:]{{0,98}}[^\n.;:,\s—–-])[ \t]*$", re.MULTILINE)
_LEAD_LABEL = re.compile(r"\s*(?:\([0-9A-Za-z]{1,4}\)\s*)*")
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(ix|iv|v?i{0,3})$")
_CLOSERS = frozenset(".;:,")
_QUOTES = ("“", '"', "‘", "'", "«", "„")
_QUOTED = r"(?:“|\"|‘|«|„|(?<![\w’])')\s*(?P<term>[^\W\d_][^\"”’'»“\n]{0,79}?)\s*[\"”’'»“]"
_DEFINITION_SCAN = 250  # an unquoted definition states its term near the provision's start


@dataclass(frozen=True)
class Grammar:
    """The regular expressions of one language pack, compiled once."""

    keyword: re.Pattern[str]
    article_words: re.Pattern[str]
    paragraph: re.Pattern[str] | None
    bare: re.Pattern[str]
    division: re.Pattern[str]
    reference: re.Pattern[str]
    initials: frozenset[str]
    quoted_definition: re.Pattern[str]
    formula_then_term: re.Pattern[str]
    term_then_formula: re.Pattern[str]
    definition_lead: re.Pattern[str]
    lead_clause: re.Pattern[str]
    definition_heading: re.Pattern[str]
    definition_needles: tuple[str, ...]


@functools.lru_cache(maxsize=16)
def grammar(language: str) -> Grammar:
    """The compiled label and definition expressions of a language (kept in the cache)."""
    pack = load_pack(language)
    labels = pack.labels
    suffixes = alternation(labels.number_suffixes) if labels.number_suffixes else "(?!)"
    number = rf"{_NUMBER}(?:[ \-]?\.?{suffixes})?(?![\w])"
    opening = [*labels.article, *labels.section]
    leads = alternation(pack.definitions.leads)
    sources = {
        "keyword": (
            rf"^(?P<kw>{alternation(opening)})\s*(?P<num>{number})\s*[.:—–-]*\s*",
            re.IGNORECASE,
        ),
        "bare": (
            rf"^(?P<num>{_NUMBER}(?:\s+{suffixes})?)"
            rf"(?:\.?[º°ª]\s*|\.(?!\d)\s*|(?=\s*\()|\s+(?=[{UPPER}“\"'«])|\s+[–—-]\s+|\s*$)",
            re.VERBOSE,
        ),
        "division": (
            rf"^(?:[^\W\d_]+\s+)?{alternation(labels.division)}\b\s*[\dIVXLCivxlc\-]*",
            re.IGNORECASE,
        ),
        "reference": (
            rf"\s*{alternation(labels.reference_followers or ['(?!)'])}\b",
            re.IGNORECASE,
        ),
        "article_words": (rf"^{alternation(labels.article)}$", re.IGNORECASE),
        "definition_lead": (rf"\s*{leads}\b", re.IGNORECASE),
        "lead_clause": (rf"\s*{leads}\b[^,;:\n]{{0,120}}[,:]\s*", re.IGNORECASE),
        "definition_heading": (
            rf"\b{alternation(pack.definitions.headings)}\b",
            re.IGNORECASE,
        ),
        **_definition_sources(pack),
    }
    if labels.paragraph:
        sources["paragraph"] = (
            rf"^(?P<kw>{alternation(labels.paragraph)})\s*(?P<num>\d{{1,3}}|[uú]nico)"
            rf"\s*(?:\.?[º°ª]|o\b)?\s*[.:—–-]*\s*",
            re.IGNORECASE,
        )
    compiled = compiled_expressions("grammar", language, sources)
    words = [*opening, *labels.division, *labels.paragraph]
    return Grammar(
        keyword=compiled["keyword"],
        article_words=compiled["article_words"],
        paragraph=compiled.get("paragraph"),
        bare=compiled["bare"],
        division=compiled["division"],
        reference=compiled["reference"],
        initials=frozenset(w[0].upper() for w in words if w[0].isalpha()),
        quoted_definition=compiled["quoted_definition"],
        formula_then_term=compiled["formula_then_term"],
        term_then_formula=compiled["term_then_formula"],
        definition_lead=compiled["definition_lead"],
        lead_clause=compiled["lead_clause"],
        definition_heading=compiled["definition_heading"],
        definition_needles=tuple(
            sorted({_first_word(f).lower() for f in pack.definitions.formulas} - {""})
        ),
    )


def _first_word(formula: str) -> str:
    """The first literal word of a definition formula (the cheap test before the regex)."""
    return next((w for w in formula.replace("{term}", " ").split() if len(w) > 2), "")


def _definition_sources(pack: LanguagePack) -> dict[str, tuple[str, int]]:
    """The quoted, formula-then-term and term-then-formula expressions (source and flags)
    from the pack's formulas.

    A quoted term may be followed by a short parenthesis and a comma ("“child” (enfant),
    means"). Unquoted, a term after its formula runs to a punctuation mark or a function
    word ("se entiende por explotación la ..."); one before its formula is the first words of
    the provision ("Trafficking means ...", "Kind im Sinne dieses Gesetzes ist").
    """
    stops = alternation(pack.function_words)
    then_term, term_then = [], []
    # The quoted forms, by the words before the term: the term is the whole quotation, so
    # the forms sharing those words differ only after it and are tried there in turn (the
    # quotation matched once, not once per formula: a third of reading a long code).
    after_quote: dict[str, list[str]] = {}
    for formula in pack.definitions.formulas:
        before, _, after = formula.partition("{term}")
        head = f"(?i:{loose(before)})" + r"\b\s*" if before.strip() else ""
        tail = r"\s*(?:\([^)\n]{0,40}\)\s*)?,?\s*" + f"(?i:{loose(after)})" if after.strip() else ""
        after_quote.setdefault(head, []).append(tail + (r"\b" if after.strip() else ""))
        if before.strip():
            term = r"(?P<term>[^\W\d_][\w’'\-]*(?:\s+[\w’'\-]+){0,4}?)"
            # "unter {term} ist", "por {term} se entiende": the words after the term close it.
            stop = (
                rf"(?:\s+|\s*,\s*)(?i:{loose(after)})\b"
                if after.strip()
                else rf"(?=\s*[,:;—–(]|\s+{stops}\b|\s*$)"
            )
            then_term.append(f"\\b{head}{term}{stop}")
        else:
            term = r"(?P<term>[^\W\d_][\w’'\-]*(?: [\w’'\-]+){0,5}?)"
            term_then.append(rf"{term}\s*(?:[–—:-]+\s*|\s|,\s*)(?i:{loose(after)})\b")
    quoted = [
        head + _QUOTED + "(?:" + "|".join(f"(?:{tail})" for tail in tails) + ")"
        for head, tails in after_quote.items()
    ]
    return {
        "quoted_definition": (_union(quoted), re.IGNORECASE),
        "formula_then_term": (_union(then_term or ["(?!)"]), 0),
        "term_then_formula": (_union(term_then or ["(?!)"]), 0),
    }


def _union(parts: list[str]) -> str:
    """One expression for alternatives that each name their group `term`."""
    numbered = [p.replace("(?P<term>", f"(?P<term{i}>") for i, p in enumerate(parts)]
    return "|".join(f"(?:{p})" for p in numbered)


def defined_term(match: re.Match[str]) -> str:
    """The term a definition match captured, whichever alternative matched."""
    return next(v for k, v in match.groupdict().items() if k.startswith("term") and v).strip()


@dataclass(slots=True)
class Provision:
    """A labelled stretch of the text; `start`..`end` covers its own words (not its children's)."""

    label: str
    level: int
    start: int
    end: int
    section: int  # index in Structure.sections
    is_definition: bool = False
    defines: tuple[str, ...] = ()  # a tuple: most provisions define nothing, and () is shared
    body: int = 0  # where its words start, after its label and heading


class Provisions(Sequence[Provision]):
    """A document's provisions kept as columns, one entry each; a `Provision` is made when
    one is asked for.

    A 10 MB code has 200,000 provisions, kept for as long as the document is judged: its
    structure held 71 MB with a `Provision` each and a range per section, 45 MB as columns.
    """

    __slots__ = (
        "bodies",
        "defines",
        "definition",
        "ends",
        "labels",
        "levels",
        "sections",
        "starts",
    )

    def __init__(self, built: list[Provision]) -> None:
        self.labels = [p.label for p in built]
        self.levels = array("q", [p.level for p in built])
        self.starts = array("q", [p.start for p in built])
        self.ends = array("q", [p.end for p in built])
        self.sections = array("q", [p.section for p in built])
        self.bodies = array("q", [p.body for p in built])
        self.definition = bytearray(p.is_definition for p in built)
        # Most provisions define nothing: their entry is the one shared empty tuple.
        self.defines = [p.defines for p in built]

    def __len__(self) -> int:
        return len(self.labels)

    @overload
    def __getitem__(self, index: int) -> Provision: ...

    @overload
    def __getitem__(self, index: slice) -> list[Provision]: ...

    def __getitem__(self, index: int | slice) -> Provision | list[Provision]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Provision(
            self.labels[index],
            self.levels[index],
            self.starts[index],
            self.ends[index],
            self.sections[index],
            is_definition=bool(self.definition[index]),
            defines=self.defines[index],
            body=self.bodies[index],
        )

    def defining(self) -> list[tuple[int, tuple[str, ...]]]:
        """(index, terms) of each provision that defines a term, in order."""
        return [(index, terms) for index, terms in enumerate(self.defines) if terms]


@dataclass(slots=True)
class Section:
    """A top-level provision with everything under it: the unit patterns are matched in."""

    label: str
    keyword: str  # "section", "article", "§", "" for bare numbers or the preamble
    start: int
    end: int
    heading: str = ""
    is_definition: bool = False
    label_start: int = 0  # where the label itself stands (after any heading above it)


@dataclass
class Structure:
    """The provisions and sections of a text, and a way to turn offsets into line/column."""

    text: str
    provisions: Provisions
    sections: list[Section]
    line_starts: Sequence[int]
    language: str = "en"
    _subtree_ends: array[int] = field(default_factory=lambda: array("q"), repr=False)

    def lower(self, start: int, end: int) -> str:
        """The text start..end in lower case (see `lower_text`).

        Lowered where it is read, not kept whole: a copy of all of a 10 MB code took 20 MB
        for as long as it was judged.
        """
        return lower_text(self.text[start:end])

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def provisions_of(self, index: int) -> range:
        """The indices of section `index`'s provisions (consecutive: a bisect of their
        sections, not a range kept with each section)."""
        sections = self.provisions.sections
        first = bisect.bisect_left(sections, index)
        return range(first, bisect.bisect_right(sections, index, first))

    def provision_index(self, offset: int) -> int:
        """The index of the innermost provision whose own text holds `offset`."""
        return max(bisect.bisect_right(self.provisions.starts, offset) - 1, 0)

    def provision_at(self, offset: int) -> Provision:
        """The innermost provision whose own text holds `offset` (a new `Provision` at each
        call: compare `provision_index`, not the objects)."""
        return self.provisions[self.provision_index(offset)]

    def next_provision_start(self, offset: int) -> int:
        """Where the first provision starting after `offset` starts (the text's end if none)."""
        starts = self.provisions.starts
        at = bisect.bisect_right(starts, offset)
        return starts[at] if at < len(starts) else len(self.text)

    def subtree_end(self, number: int) -> int:
        """Where provision `number` and everything under it end: at the next provision of
        its level or above in its section, else at the section's end (one pass, on first use)."""
        if len(self._subtree_ends) != len(self.provisions):
            self._subtree_ends = self._find_subtree_ends()
        return self._subtree_ends[number]

    def _find_subtree_ends(self) -> array[int]:
        provisions = self.provisions
        sections, levels, starts = provisions.sections, provisions.levels, provisions.starts
        ends = array("q", [self.sections[section].end for section in sections])
        waiting: list[int] = []  # provisions whose end is not found yet, levels increasing
        columns = zip(sections, levels, starts, strict=True)
        for number, (section, level, start) in enumerate(columns):
            while waiting and (sections[waiting[-1]] != section or level <= levels[waiting[-1]]):
                ends[waiting.pop()] = start
            waiting.append(number)
        return ends

    def definitions(self) -> dict[str, int]:
        """Defined term (lower case) -> index of the provision that defines it."""
        found: dict[str, int] = {}
        for index, terms in self.provisions.defining():
            for term in terms:
                found.setdefault(term.lower(), index)
        return found


class _Builder:
    """Walks the lines once, opening provisions at labels.

    Enumeration styles nest in the order a section first uses them: "(1)" under "(a)" in
    US style, "(a)" under "(1)" in Commonwealth style. A label of a style already open
    closes everything below it; a new style opens one level deeper.
    """

    def __init__(self, text: str, rules: Grammar) -> None:
        self.text = text
        self.rules = rules
        self.provisions: list[Provision] = []
        self.sections: list[Section] = []
        self.stack: list[tuple[str, str]] = []  # (style, full label) of the open provisions
        self.pending_heading = ""
        self.pending_heading_start: int | None = None
        self.last_letter = ""
        self.after_division = False  # a division heading was the last line read
        self.section_number = 0

    def open_section(self, label: str, keyword: str, offset: int, body: int) -> None:
        start = self.pending_heading_start if self.pending_heading_start is not None else offset
        if len(self.sections) == 1 and not self.text[:start].strip():
            # Nothing stands before the first label: the preamble opened first is dropped.
            self.sections.clear()
            self.provisions.clear()
        elif self.sections:
            self.sections[-1].end = start
        self.sections.append(
            Section(label, keyword, start, len(self.text), self.pending_heading, label_start=offset)
        )
        self.section_number = len(self.sections) - 1  # one int, shared by its provisions
        self.stack = [("section", label)]
        self.last_letter = ""
        self.pending_heading, self.pending_heading_start = "", None
        self.add(start)
        heading = _INLINE_HEADING.match(self.text, body) or _LINE_HEADING.match(self.text, body)
        if heading:
            # "370. Trafficking of person.—(1) ..." or "2 Human trafficking" on its own line.
            self.sections[-1].heading = self.sections[-1].heading or heading.group(1).strip()
            body = heading.end()
        self.provisions[-1].body = body
        point = _INLINE_POINT.match(self.text, body) if keyword else None
        if point:  # "Artículo 31.- 1. El que ...": the article's first numbered paragraph
            self.open_part("point", f"({point['num']})", point.end())
        self.inline_labels(point.end() if point else body)

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
        label = self.stack[-1][1] if self.stack else ""
        provision = Provision(
            label, len(self.stack), start, len(self.text), self.section_number, body=start
        )
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
        rules = self.rules
        position = offset + len(line) - len(stripped)
        after_division, self.after_division = self.after_division, False
        if stripped[0] == "(":  # the commonest line in a statute: "(1) ...", "(a) ..."
            if self.inline_labels(position):
                return
        elif (
            len(self.sections) > 1
            and stripped[0].isupper()
            and stripped[0] not in rules.initials
            and (stripped.rstrip()[-1:] in _CLOSERS or len(stripped) > 100)
            and not _ROMAN_DASH.match(stripped)
        ):
            # Running text: it cannot open a provision or head one.
            self.pending_heading, self.pending_heading_start = "", None
            return
        in_article = self.sections[-1].keyword != ""
        match = rules.keyword.match(stripped)
        if match and not _is_citation(stripped, match, rules):
            keyword = "article" if rules.article_words.match(match["kw"]) else "section"
            keyword = "§" if match["kw"].startswith("§") else keyword
            self.open_section(
                _clean_number(match["num"]), keyword, position, position + match.end()
            )
            return
        match = rules.paragraph.match(stripped) if rules.paragraph else None
        if match and in_article:
            # "§ 1º" inside a Brazilian article is one of its paragraphs.
            self.open_part("paragraph", f" § {match['num']}", position + match.end())
            return
        match = rules.bare.match(stripped)
        if match and in_article and not after_division and _SMALL_NUMBER.fullmatch(match["num"]):
            # "1." inside an article numbers its paragraphs.
            self.open_part("point", f"({match['num']})", position + match.end())
            self.inline_labels(position + match.end())
            return
        if match and not rules.division.match(stripped):
            self.open_section(_clean_number(match["num"]), "", position, position + match.end())
            return
        if self.inline_labels(position):
            return
        match = rules.quoted_definition.match(stripped)
        if match:
            # A definitions list: each "term" means ... opens a provision of its own.
            del self.stack[1:]
            self.open_part("definition", f" “{defined_term(match)}”", position)
            return
        match = _LETTER_PAREN.match(stripped) or _ROMAN_DASH.match(stripped)
        if match:
            tag = match["tag"]
            style = "inciso" if tag.isupper() else self.style_of(tag)
            self.open_part(style, f"({tag})", position + match.end())
            return
        if rules.division.match(stripped) or _is_heading(stripped, _next_line(lines, index), rules):
            if self.pending_heading_start is None:
                self.pending_heading_start = position
            if not rules.division.match(stripped):
                self.pending_heading = stripped.rstrip()
            # After "PART 2" (another law in the same file, or a new division of this
            # one) a bare "1." opens a section, not a paragraph of the last article.
            self.after_division = after_division or bool(rules.division.match(stripped))
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


_INLINE_POINT = re.compile(r"[ \t]*(?P<num>1)[.)][ \t]+(?=\S)")


def _next_line(lines: list[str], index: int) -> str:
    """The next non-blank line (within two), for deciding whether a line is a heading."""
    return next((ln for ln in lines[index + 1 : index + 3] if ln.strip()), "")


def _clean_number(number: str) -> str:
    return _SPACES.sub(" ", number).rstrip(".")


def _is_citation(line: str, match: re.Match[str], rules: Grammar) -> bool:
    """ "Section 4 applies..." cites a section; "Artículo 5.- Será ..." opens one."""
    separator = line[match.end("num") : match.end()]
    return not _SEPARATOR_MARK.search(separator) and bool(rules.reference.match(line, match.end()))


def _is_heading(line: str, next_line: str, rules: Grammar) -> bool:
    """A short line without closing punctuation, followed by a labelled line."""
    text = line.strip()
    if len(text) > 90 or text[-1] in ".;:,—-" or not text[0].isupper():
        return False
    if text.isupper() and len(text.split()) >= 2:
        return True  # a title in capitals ("ANTI-TRAFFICKING ACT") heads what follows
    following = next_line.lstrip()
    return bool(
        rules.keyword.match(following) or rules.bare.match(following) or _PAREN.match(following)
    )


def parse_structure(text: str, language: str = "en") -> Structure:
    """Cut `text` into sections and provisions, with the labels of `language`.

    No text is dropped: what comes before the first label is a preamble section (none when
    only white space does).
    """
    builder = _Builder(text, grammar(language))
    builder.open_section("", "", 0, 0)  # the preamble (see open_section)
    lines = text.split("\n")
    # Machine integers: a list would hold an int object for each of a code's lines.
    line_starts = array("q", itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    line_starts.pop()
    for index, line in enumerate(lines):
        builder.line(line_starts[index], line, lines, index)
    builder.sections[-1].end = len(text)
    builder.provisions[-1].end = len(text)
    lowered = lower_text(text)
    _mark_definitions(text, lowered, builder)
    provisions = Provisions(builder.provisions)
    builder.provisions.clear()
    return Structure(text, provisions, builder.sections, line_starts, language)


LOWER_PIECE = 65_536


def lower_text(text: str) -> str:
    """`text.lower()`, done in pieces cut at white space.

    For a text that is not ASCII, `str.lower` allocates three code points of four bytes for
    each character of the whole text at once (120 MB for 10 MB). Pieces give the same
    string: the only rule that looks beyond a character (a final sigma) stops at white space.
    """
    if len(text) <= LOWER_PIECE or text.isascii():
        return text.lower()
    pieces = []
    start = 0
    while start < len(text):
        end = min(len(text), start + LOWER_PIECE)
        if end < len(text):
            end = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            if end <= start:  # no white space to cut at: at once, as the rule needs
                return text.lower()
        pieces.append(text[start:end].lower())
        start = end
    return "".join(pieces)


def _mark_definitions(text: str, lowered: str, builder: _Builder) -> None:
    """Find defined terms and definition sections.

    Only provisions holding a quotation mark or a formula's first word are examined with
    the (slower) regular expressions: most of a long code holds neither.
    """
    rules = builder.rules
    provisions = builder.provisions
    starts = [p.start for p in provisions]

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
        for match in rules.quoted_definition.finditer(text, provision.start, provision.end):
            provision.is_definition = True
            provision.defines += (defined_term(match),)
    for index in holding(*rules.definition_needles):
        provision = provisions[index]
        if provision.defines:
            continue
        body = _body(text, provision)
        lead = rules.lead_clause.match(text, body, provision.end)
        start = lead.end() if lead else body
        scan = min(provision.end, start + _DEFINITION_SCAN)
        unquoted = rules.formula_then_term.search(text, start, scan)
        if unquoted is None and (lead or text[start : start + 1].isupper()):
            # "(a) Trafficking in Persons – refers to ...", "In this Act, child includes ..."
            unquoted = rules.term_then_formula.match(text, start, scan)
        if unquoted:
            provision.is_definition = True
            provision.defines += (defined_term(unquoted),)
    for provision in provisions:
        if provision.is_definition or rules.definition_lead.match(
            text, _body(text, provision), provision.end
        ):
            builder.sections[provision.section].is_definition = True
    for section in builder.sections:
        if rules.definition_heading.search(section.heading):
            section.is_definition = True


def _body(text: str, provision: Provision) -> int:
    """Where a provision's words start, after its label."""
    start = min(max(provision.start, provision.body), provision.end)
    match = _LEAD_LABEL.match(text, start, provision.end)
    return match.end() if match else start


def section_name(section: Section) -> str:
    """How a section is cited in reports: "s. 4", "art. 177 bis", "(preamble)"."""
    if not section.label:
        return "(preamble)"
    if section.keyword == "§":
        return f"§ {section.label}"
    return f"art. {section.label}" if section.keyword == "article" else f"s. {section.label}"
