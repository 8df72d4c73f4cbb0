"""Tokens as spaCy's tokenizer makes them, made without spaCy.

A language's tokenizer is a handful of rules: expressions for prefixes, suffixes, infixes
and whole tokens (`token_match`, `url_match`) and a table of special cases ("don't" ->
"do", "n't"; Spanish "EE. UU." -> one token). The scanner applies those rules in the order
spaCy's `Tokenizer` applies them (`_split_affixes`, `_attach_tokens`, and the matcher of
special cases that contain an affix), to each run of text between white space, and
remembers each run's tokens. The rules are read from spaCy once and kept in the cache, so
a run that finds them there neither imports spaCy nor builds a `Doc` per section.

Matching reads a token's offset, its length and its lower-case form; the scanner gives
those three, as lists.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from typing import Any

from ptcheck.cache import cached_tables, compiled_form, from_compiled_form, version

_EXPRESSIONS = ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")
_RUN = re.compile(r"\S+")  # a run between white space (`\s` is `str.isspace`, as in spaCy)
# Runs whose tokens are kept (about 370 bytes each in a code); past it, all are forgotten
# at once: a batch's documents share their words, but a code's numbers seldom come back.
CHUNKS_REMEMBERED = 20_000
# A run's tokens: its lower-case form when it is one token, else the offsets, lengths and
# lower-case forms of its tokens, and whether a special case was found among them.
Entry = str | tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...], bool]


class Tokens:
    """Offsets, lengths and lower-case forms of a text's tokens, one list each."""

    __slots__ = ("lengths", "lowers", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.lengths: list[int] = []
        self.lowers: list[str] = []

    def __len__(self) -> int:
        return len(self.starts)


class Scanner:
    """spaCy's tokenizer rules for one language, applied run by run."""

    def __init__(self, rules: dict[str, Any]) -> None:
        found = {name: _restored(form) for name, form in rules["expressions"].items()}
        self._prefix = _method(found.get("prefix_search"), "search")
        self._suffix = _method(found.get("suffix_search"), "search")
        self._infixes = _method(found.get("infix_finditer"), "finditer")
        self._token_match = _method(found.get("token_match"), "match")
        self._url_match = _method(found.get("url_match"), "match")
        self.specials: dict[str, tuple[str, ...]] = {
            string: tuple(orths) for string, orths in rules["specials"].items()
        }
        # The special cases spaCy looks for after splitting (those holding an affix or a
        # space), as the tokens they split into without special cases, by the first token.
        self._patterns: dict[str, dict[tuple[str, ...], str]] = {}
        for *pieces, string in rules["patterns"]:
            self._patterns.setdefault(pieces[0], {})[tuple(pieces)] = string
        # Those holding white space can only be found across runs: a text holding one is
        # tokenized as a whole (see `_exact`).
        self._spaced = tuple(
            string
            for string in self.specials
            if any(c.isspace() for c in string) and not string.isspace()
        )
        self._remembered: dict[str, Entry] = {}
        self._split_runs: dict[str, list[str]] = {}  # a run's tokens before special cases

    def tokens(self, text: str) -> Tokens:
        """The tokens of `text`, as spaCy's tokenizer gives them.

        Each run's tokens are made once and remembered. spaCy looks for special cases
        across runs too, and a match across runs can keep one within a run from being
        put in; a text where a run holds one, or where a special case holds white
        space, is read again as a whole (`_exact`).
        """
        if any(string in text for string in self._spaced):
            return self._exact(text)
        matched = False
        made = Tokens()
        starts, lengths, lowers = made.starts, made.lengths, made.lowers
        remembered = self._remembered
        if len(remembered) > CHUNKS_REMEMBERED:
            remembered.clear()
        end = 0  # where the last run ended
        for run in _RUN.finditer(text):
            start = run.start()
            if start != end:  # white space: one space after a token is the token's own
                skip = end + 1 if end and text[end] == " " else end
                if skip < start:
                    matched = self._add(text[skip:start], skip, made) or matched
            end = run.end()
            chunk = run.group()
            entry = remembered.get(chunk)
            if entry is None:
                entry = remembered[chunk] = self._entry(chunk)
            if isinstance(entry, str):
                starts.append(start)
                lengths.append(end - start)
                lowers.append(entry)
            else:
                offsets, sizes, forms, found = entry
                matched = matched or found
                starts.extend([start + offset for offset in offsets])
                lengths.extend(sizes)
                lowers.extend(forms)
        if end != len(text):
            skip = end + 1 if end and text[end] == " " else end
            if skip < len(text):
                matched = self._add(text[skip:], skip, made) or matched
        return self._exact(text) if matched else made

    def _add(self, chunk: str, start: int, made: Tokens) -> bool:
        """Add the tokens of a run of white space (rarely met: not remembered); True when
        a special case was found among them."""
        entry = self._entry(chunk)
        if isinstance(entry, str):
            entry = ((0,), (len(chunk),), (entry,), False)
        made.starts.extend([start + offset for offset in entry[0]])
        made.lengths.extend(entry[1])
        made.lowers.extend(entry[2])
        return entry[3]

    def _entry(self, chunk: str) -> Entry:
        """A run's tokens, special cases found within it included."""
        split = self._split(chunk, True)
        orths, _ = self._matched(split)
        if len(orths) == 1:
            return orths[0].lower()
        offsets = []
        at = 0
        for orth in orths:
            offsets.append(at)
            at += len(orth)
        lowers = tuple(orth.lower() for orth in orths)
        return tuple(offsets), tuple(map(len, orths)), lowers, orths != split

    def _split(self, chunk: str, specials: bool) -> list[str]:
        """A run's tokens before special cases are looked for among them (spaCy's
        `_try_specials_and_cache`, `_split_affixes` and `_attach_tokens`)."""
        if specials and chunk in self.specials:
            return list(self.specials[chunk])
        prefixes: list[str] = []
        suffixes: list[str] = []
        string = chunk
        last_size = -1
        while string and len(string) != last_size:
            if self._token_match is not None and self._token_match(string):
                break
            if specials and string in self.specials:
                break
            last_size = len(string)
            pre_len = _length(self._prefix, string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and specials and minus_pre in self.specials:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = _length(self._suffix, string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and specials and minus_suf in self.specials:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        tokens = prefixes
        if string:
            if specials and string in self.specials:
                tokens.extend(self.specials[string])
            else:
                tokens.extend(self._core(string))
        tokens.extend(reversed(suffixes))
        return tokens

    def _core(self, string: str) -> list[str]:
        """What is left once the affixes are split off: one token, or split at infixes."""
        if (self._token_match is not None and self._token_match(string)) or (
            self._url_match is not None and self._url_match(string)
        ):
            return [string]
        if self._infixes is None:
            return [string]
        tokens = []
        start = 0
        for match in self._infixes(string):
            infix_start, infix_end = match.span()
            if infix_start == 0:
                continue
            if infix_start != start:
                tokens.append(string[start:infix_start])
            if infix_start != infix_end:
                tokens.append(string[infix_start:infix_end])
            start = infix_end
        if start < len(string) or not tokens:
            tokens.append(string[start:])
        return tokens

    def _matched(
        self, orths: list[str], starts: list[int] | None = None, text: str = ""
    ) -> tuple[list[str], list[int]]:
        """`orths` with the special cases found among them put in (spaCy's
        `_apply_special_cases`): the longest first, then the earliest, none sharing a first
        or last token with one taken before. With `starts`, the tokens' offsets in `text`,
        which holds white space: a match is put in only where its text is a special case,
        and the offsets of the tokens are given back too."""
        if len(orths) < 2 or not self._patterns:
            return orths, starts or []
        found: list[tuple[int, int]] = []
        for at, orth in enumerate(orths):
            candidates = self._patterns.get(orth)
            if candidates:
                found.extend(
                    (at, at + len(pattern))
                    for pattern in candidates
                    if tuple(orths[at : at + len(pattern)]) == pattern
                )
        if not found:
            return orths, starts or []
        found.sort(key=lambda span: (span[1] - span[0], -span[0]))
        seen: set[int] = set()
        kept = {}
        for start, end in reversed(found):
            if start not in seen and end - 1 not in seen:
                kept[start] = end
            seen.update(range(start, end))
        replaced: list[str] = []
        offsets: list[int] = []
        at = 0
        while at < len(orths):
            end = kept.get(at, at + 1)
            if starts is None:
                string = "".join(orths[at:end])
                first = 0
            else:
                first = starts[at]
                string = text[first : starts[end - 1] + len(orths[end - 1])]
            special = self.specials.get(string) if at in kept else None
            if special is None:
                replaced.extend(orths[at:end])
                if starts is not None:
                    offsets.extend(starts[at:end])
            else:
                replaced.extend(special)
                for orth in special:  # one after the other, from the first one's offset
                    offsets.append(first)
                    first += len(orth)
            at = end
        return replaced, offsets

    def _exact(self, text: str) -> Tokens:
        """The tokens of a text holding a special case with white space ("EE. UU."): its
        runs split, then special cases looked for across them, as spaCy does."""
        orths: list[str] = []
        starts: list[int] = []
        split_runs = self._split_runs
        if len(split_runs) > CHUNKS_REMEMBERED:
            split_runs.clear()
        for start, run in _runs(text):
            split = split_runs.get(run)
            if split is None:
                split = split_runs[run] = self._split(run, True)
            for orth in split:
                orths.append(orth)
                starts.append(start)
                start += len(orth)
        orths, starts = self._matched(orths, starts, text)
        made = Tokens()
        made.starts = starts
        made.lengths = list(map(len, orths))
        made.lowers = [orth.lower() for orth in orths]
        return made


def _length(search: Callable[[str], Any] | None, string: str) -> int:
    """The length of what `search` finds in `string` (0: nothing)."""
    if search is None:
        return 0
    match = search(string)
    return match.end() - match.start() if match is not None else 0


def _method(expression: re.Pattern[str] | None, name: str) -> Callable[..., Any] | None:
    return getattr(expression, name) if expression is not None else None


def _restored(form: dict[str, Any] | None) -> re.Pattern[str] | None:
    """An expression from its compiled form, compiled again where this Python cannot."""
    if form is None:
        return None
    if "code" in form:
        with contextlib.suppress(ValueError, TypeError, KeyError, RuntimeError):
            return from_compiled_form(form)
    return re.compile(form["pattern"], form["flags"])


@functools.lru_cache(maxsize=8)
def scanner(language: str) -> Scanner:
    """The scanner of `language`, its rules read from the cache (spaCy is imported only
    the first time, to read them from the language's tokenizer)."""
    key = [language, version("spacy")]
    return Scanner(cached_tables("scanner", language, key, lambda: _rules_of(language)))


def _rules_of(language: str) -> dict[str, Any]:
    """What the scanner needs from `language`'s spaCy tokenizer (builtins, to be cached)."""
    from spacy.attrs import ORTH

    from ptcheck.nlp import blank_pipeline

    tokenizer = blank_pipeline(language).tokenizer
    expressions: dict[str, Any] = {}
    for name in _EXPRESSIONS:
        method = getattr(tokenizer, name)
        if method is None:
            continue
        expression = method.__self__
        try:
            expressions[name] = compiled_form(expression)
        except (ImportError, AttributeError, TypeError, ValueError):
            expressions[name] = {"pattern": expression.pattern, "flags": expression.flags}
    specials = {
        string: [token[ORTH] if ORTH in token else token["ORTH"] for token in tokens]
        for string, tokens in tokenizer.rules.items()
    }
    rules: dict[str, Any] = {"expressions": expressions, "specials": specials, "patterns": []}
    plain = Scanner(rules)
    for string in sorted(specials):
        # spaCy's condition for adding a special case to its matcher (`add_special_case`)
        if (
            not tokenizer.faster_heuristics
            or tokenizer.find_prefix(string)
            or tokenizer.find_infix(string)
            or tokenizer.find_suffix(string)
            or " " in string
        ):
            pieces = [piece for _, run in _runs(string) for piece in plain._split(run, False)]
            rules["patterns"].append([*pieces, string])
    return rules


def _runs(string: str) -> list[tuple[int, str]]:
    """The runs of `string` spaCy tokenizes one by one, with their offsets: text between
    white space, and white space other than the one space after a token."""
    runs = []
    for run in re.finditer(r"\s+|\S+", string):
        start, chunk = run.start(), run.group()
        if start and chunk[0] == " ":
            start, chunk = start + 1, chunk[1:]
        if chunk:
            runs.append((start, chunk))
    return runs
