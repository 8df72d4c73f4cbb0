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
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any

from ptcheck.cache import cached_tables, compiled_form, from_compiled_form, version

_EXPRESSIONS = ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")
# Runs whose tokens are kept (about 370 bytes each in a code), in two generations of at most
# this many: a batch's documents share their words, but a code's numbers seldom come back.
CHUNKS_REMEMBERED = 20_000
# spaCy splits off one prefix and one suffix at a time, searching the whole rest each time:
# on a run of punctuation that is quadratic (8,000 "(" took 5 s). A run longer than this is
# split in pieces of this length, where spaCy would take it whole: no statute we have holds
# a run of over 21 characters, and a web address seldom one of over 100.
LONGEST_RUN = 100
# The runs spaCy tokenizes one by one: text with the one space after it (which belongs
# to its last token), and white space (`\s` is `str.isspace`, where spaCy splits).
_RUNS = re.compile(r"\S+ ?|\s+")
# A run's tokens: their lower-case forms, their lengths, how far each moves the offset on
# (the last, with the space after the run), and whether a special case was found among them.
Entry = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], bool]
_LOWERS, _SIZES, _ADVANCES = (itemgetter(i) for i in range(3))
_NOTHING = re.compile(r"(?!)")  # stands for a rule a language lacks
_NO_CASES: dict[str, tuple[str, ...]] = {}


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
        # A rule the language lacks is an expression that matches nothing.
        self._prefix = found.get("prefix_search", _NOTHING).search
        self._suffix = found.get("suffix_search", _NOTHING).search
        self._infixes = found.get("infix_finditer", _NOTHING).finditer
        self._token_match = found.get("token_match", _NOTHING).match
        self._url_match = found.get("url_match", _NOTHING).match
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
        self._previous: dict[str, Entry] = {}  # the generation before (see `_entries`)
        self._matched_runs: set[str] = set()  # runs remembered with a special case found
        self._split_runs: dict[str, list[str]] = {}  # a run's tokens before special cases

    def tokens(self, text: str) -> Tokens:
        """The tokens of `text`, as spaCy's tokenizer gives them.

        The text is cut into runs of white space and runs of the rest; each run's tokens
        are made once and remembered, and a text's are put together from its runs' in C
        (itertools), not run by run. spaCy looks for special cases across runs too, and a
        match across runs can keep one within a run from being put in; a text where a run
        holds one, or where a special case holds white space, is read again as a whole
        (`_exact`).
        """
        if any(string in text for string in self._spaced):
            return self._exact(text)
        entries = self._entries(_RUNS.findall(text))
        if entries is None:
            return self._exact(text)
        made = Tokens()
        made.lowers = list(chain.from_iterable(map(_LOWERS, entries)))
        made.lengths = list(chain.from_iterable(map(_SIZES, entries)))
        made.starts = list(accumulate(chain.from_iterable(map(_ADVANCES, entries)), initial=0))
        made.starts.pop()  # where a token after the last would start
        return made

    def _entries(self, runs: list[str]) -> list[Entry] | None:
        """The tokens of each run (made for those not remembered); None when a special case
        was found within one of them (see `tokens`)."""
        remembered = self._remembered
        missing = set(runs).difference(remembered)
        if len(remembered) + len(missing) > CHUNKS_REMEMBERED:
            # A new generation: the runs of the last one are taken back as they come again.
            self._previous, remembered = remembered, {}
            self._remembered = remembered
            self._matched_runs.clear()
            missing = set(runs)
        previous = self._previous
        for run in missing:
            entry = previous.get(run)
            if entry is None:
                entry = self._entry(run)
            remembered[run] = entry
            if entry[3]:
                self._matched_runs.add(run)
        if self._matched_runs and not self._matched_runs.isdisjoint(runs):
            return None
        return list(map(remembered.__getitem__, runs))

    def _entry(self, run: str) -> Entry:
        """A run's tokens, special cases found within it included. A space after a run of
        text is the last token's own: it moves the offset on, and is no token."""
        spaced = run.endswith(" ") and not run.isspace()
        split = self._split_long(run[:-1] if spaced else run)
        orths, _ = self._matched(split)
        sizes = tuple(map(len, orths))
        advances = (*sizes[:-1], sizes[-1] + 1) if spaced else sizes
        return tuple(map(str.lower, orths)), sizes, advances, orths != split

    def _split_long(self, run: str) -> list[str]:
        """A run's tokens before special cases are looked for among them; a run longer than
        LONGEST_RUN is split piece by piece (see there)."""
        if len(run) <= LONGEST_RUN:
            return self._split(run, True)
        return [
            token
            for at in range(0, len(run), LONGEST_RUN)
            for token in self._split(run[at : at + LONGEST_RUN], True)
        ]

    def _split(self, chunk: str, specials: bool) -> list[str]:
        """A run's tokens before special cases are looked for among them (spaCy's
        `_try_specials_and_cache`, `_split_affixes` and `_attach_tokens`)."""
        cases = self.specials if specials else _NO_CASES
        if chunk in cases:
            return list(cases[chunk])
        token_match, prefix_search, suffix_search = self._token_match, self._prefix, self._suffix
        prefixes: list[str] = []
        suffixes: list[str] = []
        string = chunk
        last_size = -1
        while string and len(string) != last_size:
            if token_match(string) or string in cases:
                break
            last_size = len(string)
            found = prefix_search(string)
            pre_len = found.end() - found.start() if found else 0
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre in cases:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            found = suffix_search(string[pre_len:])
            suf_len = found.end() - found.start() if found else 0
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf in cases:
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
            if string in cases:
                tokens.extend(cases[string])
            else:
                tokens.extend(self._core(string))
        tokens.extend(reversed(suffixes))
        return tokens

    def _core(self, string: str) -> list[str]:
        """What is left once the affixes are split off: one token, or split at infixes."""
        if self._token_match(string) or self._url_match(string):
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
                split = split_runs[run] = self._split_long(run)
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


def _restored(form: dict[str, Any]) -> re.Pattern[str]:
    """An expression from its compiled form, compiled again where this Python cannot."""
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
