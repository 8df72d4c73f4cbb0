"""The pipeline: read document -> find structure -> match terms -> judge items -> score."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ptcheck.cache import collector_paused
from ptcheck.checklist import LoadedChecklist
from ptcheck.documents import DEFAULT_MAX_SIZE, Document, read_document
from ptcheck.judgement import Judge
from ptcheck.language import choose_language
from ptcheck.matching import TermMatcher
from ptcheck.results import (
    STATUSES,
    ChecklistInfo,
    DocumentInfo,
    DocumentResult,
    ItemResult,
    Offence,
)
from ptcheck.scoring import category_results, verdict, weighted_score
from ptcheck.structure import parse_structure
from ptcheck.waivers import Waiver, apply_waivers, inline_waivers


class Judged(NamedTuple):
    """What an analysis keeps of its judgement (the structure and hits are let go)."""

    items: list[ItemResult]
    warnings: list[str]
    offences: list[Offence]
    offence_names: list[str]
    judged: bool


class Analyzer:
    """Analyses documents against one checklist; term matchers are built once per language."""

    def __init__(self, loaded: LoadedChecklist, language: str | None = None) -> None:
        self.loaded = loaded
        self.checklist = loaded.checklist
        self.language = language  # forced (`--language`); detected per document when None
        self._matchers: dict[str, TermMatcher] = {}

    def matcher(self, language: str) -> TermMatcher:
        """The term matcher for `language`, built on first use."""
        if language not in self._matchers:
            self._matchers[language] = TermMatcher(self.checklist, language)
        return self._matchers[language]

    def analyze_path(
        self, path: Path, max_size: int = DEFAULT_MAX_SIZE, waivers: Sequence[Waiver] = ()
    ) -> DocumentResult:
        """Read and analyse one file (raises InputError when it cannot be read)."""
        return self.analyze(read_document(path, max_size), waivers)

    def analyze_text(self, text: str, path: str = "<text>") -> DocumentResult:
        """Analyse a text given directly (tests, examples)."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self.analyze(Document(path, text, "text", digest, "utf-8"))

    def _judged(self, text: str, language: str) -> Judged:
        """The item results of a text, and what the summary says of its offences."""
        structure = parse_structure(text, language)
        judge = Judge(self.checklist, structure, self.matcher(language).section_hits(structure))
        return Judged(
            judge.results(),
            judge.warnings(),
            judge.offence_places(),
            judge.offence_names,
            judge.judged,
        )

    def analyze(self, document: Document, waivers: Sequence[Waiver] = ()) -> DocumentResult:
        """Analyse a document that has been read; apply waivers (and those written in it)."""
        text = document.text
        language = choose_language(text, document.path, self.checklist.languages, self.language)
        # An analysis makes millions of containers and no reference cycle (a test checks
        # that): the collections they would trigger took a third of the time of judging.
        # What it built is dropped before collection resumes (`_judged` returns only the
        # verdicts), or the first collection would walk all of it.
        with collector_paused():
            judged = self._judged(text, language)
        items = judged.items
        written, malformed = inline_waivers(text, document.path)
        every_waiver = [*waivers, *written]
        items, warnings = apply_waivers(items, every_waiver) if every_waiver else (items, [])
        warnings = [*document.warnings, *judged.warnings, *malformed, *warnings]
        score = weighted_score(items)
        offence_found = bool(judged.offences)
        counts = {status: sum(i.status == status for i in items) for status in STATUSES}
        no_offence = self.checklist.messages.no_offence
        if offence_found:
            summary = (
                f"{counts['met']} of {len(items)} items met, {counts['partial']} partial,"
                f" {counts['missing']} missing"
                + (f", {counts['waived']} waived" if counts["waived"] else "")
                + f"; offence provisions: {', '.join(judged.offence_names)}."
            )
        elif judged.judged:
            summary = (
                f"{no_offence}, only a definition of it: {counts['met']} of {len(items)} items"
                " met on the definition; nothing makes it a crime."
            )
        else:
            summary = f"{no_offence}: every item is missing."
        return DocumentResult(
            document=DocumentInfo(
                path=document.path,
                sha256=document.sha256,
                language=language,
                characters=len(text),
                lines=text.count("\n") + (0 if text.endswith("\n") else 1),
                format=document.format,
            ),
            checklist=ChecklistInfo(
                self.checklist.id,
                self.checklist.version,
                self.checklist.title,
                self.loaded.sha256,
                no_offence,
                self.checklist.messages.requirement,
            ),
            score=score,
            verdict=verdict(items, score, offence_found),
            summary=summary,
            categories=tuple(category_results(self.checklist, items)),
            items=tuple(items),
            offences=tuple(judged.offences),
            warnings=tuple(warnings),
            text=text,
        )
