"""Tokens as spaCy's tokenizer makes them, made without spaCy.

A language's tokenizer is a handful of rules: expressions for prefixes, suffixes, infixes
and whole tokens (`token_match`, `url_match`) and a table of special cases ("don't" ->
"do", "n't"; Spanish "EE. UU." -> one token). The scanner applies those rules in the order
spaCy's `Tokenizer` applies them (`_split_affixes`, `_attach_tokens`, and the matcher of
special cases that contain an affix), to each run of text between white space, and
remembers each run's tokens. Runs that differ in their digits only (a code's "1234;",
"1235;") are split once, where the rules cannot tell them apart (`Scanner._entry`). The
rules are read from spaCy once and kept in the cache, so a run that finds them there
neither imports spaCy nor builds a `Doc` per section.

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
Probe = tuple[int, int, bool]  # where in a run the web address expression was asked; its answer
_LOWERS, _SIZES, _ADVANCES = (itemgetter(i) for i in range(3))
_NOTHING = re.compile(r"(?!)")  # stands for a rule a language lacks
_NO_CASES: dict[str, tuple[str, ...]] = {}
_DIGIT = re.compile(r"[0-9]")
_AS_ZERO = str.maketrans("123456789", "000000000")
RULES_FORMAT = 2  # of the cached rules: 2 says which expressions tell no digit apart
_DIGIT_RANGE = range(ord("0"), ord("9") + 1)
_DIGIT_CATEGORIES = {  # those of `re`'s categories that hold the digits (the others, none)
    "CATEGORY_DIGIT", "CATEGORY_UNI_DIGIT", "CATEGORY_WORD", "CATEGORY_UNI_WORD",
    "CATEGORY_LOC_WORD", "CATEGORY_NOT_SPACE", "CATEGORY_UNI_NOT_SPACE",
    "CATEGORY_NOT_LINEBREAK", "CATEGORY_UNI_NOT_LINEBREAK",
}  # fmt: skip


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
        # Runs that differ in their digits only ("1234;", "1235;": a code's numbers) are
        # split alike when the expressions tell no digit apart and no special case holds a
        # digit: one run of each digit shape is split, the others read from it (the web
        # address expression, which tells digits apart, is asked again of each; see
        # `_entry`).
        blind = set(rules.get("digit_blind", ()))
        self._shapes_work = all(name in blind for name in found if name != "url_match")
        # The digit shapes of the special cases that hold a digit: a run whose shape holds
        # one is split on its own ("10am" is one, "13am" is not).
        shapes = {s.translate(_AS_ZERO) for s in self.specials if _DIGIT.search(s)}
        self._digit_cases = (
            re.compile("|".join(map(re.escape, sorted(shapes)))) if shapes else _NOTHING
        )
        self._shapes: dict[str, tuple[Entry, tuple[Probe, ...]] | None] = {}
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
        """A run's tokens: made, or, for a run holding digits, read from the run of its
        digit shape (every digit a 0) when the web address expression answers its pieces
        as it answered that run's."""
        if not self._shapes_work or not _DIGIT.search(run):
            return self._made(run)
        shape = run.translate(_AS_ZERO)
        if shape in self._shapes:
            known = self._shapes[shape]
        else:
            if len(self._shapes) >= CHUNKS_REMEMBERED:
                self._shapes.clear()
            known = self._shapes[shape] = self._of_shape(shape)
        if known is None:
            return self._made(run)
        entry, probes = known
        url_match = self._url_match
        if any((url_match(run[a:b]) is not None) != found for a, b, found in probes):
            return self._made(run)
        lowers = []
        at = 0
        for size in entry[1]:
            lowers.append(run[at : at + size].lower())
            at += size
        return tuple(lowers), entry[1], entry[2], entry[3]

    def _of_shape(self, shape: str) -> tuple[Entry, tuple[Probe, ...]] | None:
        """The tokens of a digit shape, and what the web address expression answered in
        splitting it; None when a special case that holds a digit may lie in its runs (a
        special case in a run lies in its shape, as the special case's shape)."""
        if self._digit_cases.search(shape):
            return None
        probes: list[Probe] = []
        return self._made(shape, probes), tuple(probes)

    def _made(self, run: str, probes: list[Probe] | None = None) -> Entry:
        """A run's tokens, special cases found within it included. A space after a run of
        text is the last token's own: it moves the offset on, and is no token."""
        spaced = run.endswith(" ") and not run.isspace()
        split = self._split_long(run[:-1] if spaced else run, probes)
        orths, _ = self._matched(split)
        sizes = tuple(map(len, orths))
        advances = (*sizes[:-1], sizes[-1] + 1) if spaced else sizes
        return tuple(map(str.lower, orths)), sizes, advances, orths != split

    def _split_long(self, run: str, probes: list[Probe] | None = None) -> list[str]:
        """A run's tokens before special cases are looked for among them; a run longer than
        LONGEST_RUN is split piece by piece (see there)."""
        if len(run) <= LONGEST_RUN:
            return self._split(run, True, probes)
        return [
            token
            for at in range(0, len(run), LONGEST_RUN)
            for token in self._split(run[at : at + LONGEST_RUN], True, probes, at)
        ]

    def _split(
        self, chunk: str, specials: bool, probes: list[Probe] | None = None, at: int = 0
    ) -> list[str]:
        """A run's tokens before special cases are looked for among them (spaCy's
        `_try_specials_and_cache`, `_split_affixes` and `_attach_tokens`). `probes`, when
        given, gets what the web address expression answered, and where (`at`: where the
        chunk starts in its run)."""
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
                start = at + sum(map(len, prefixes))
                tokens.extend(self._core(string, probes, start))
        tokens.extend(reversed(suffixes))
        return tokens

    def _core(self, string: str, probes: list[Probe] | None = None, at: int = 0) -> list[str]:
        """What is left once the affixes are split off (at `at` in its run): one token, or
        split at infixes."""
        if self._token_match(string):
            return [string]
        address = self._url_match(string) is not None
        if probes is not None:
            probes.append((at, at + len(string), address))
        if address:
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
    key = [language, version("spacy"), RULES_FORMAT]
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
    rules["digit_blind"] = [
        name for name in expressions if tells_no_digit_apart(getattr(tokenizer, name).__self__)
    ]
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


def tells_no_digit_apart(expression: re.Pattern[str]) -> bool:
    """True when `expression` matches the same spans in two strings that differ only in
    their ASCII digits: nothing in it names one digit and not the others (a digit, a set
    or range holding some digits only) or compares what it matched (a back-reference).
    False when `re`'s parser cannot be read, or holds something not known here."""
    try:
        from re import _constants as kinds  # type: ignore[attr-defined]
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(expression.pattern, expression.flags)
    except (ImportError, AttributeError, re.error):
        return False
    every_digit = set(_DIGIT_RANGE)
    atomic = getattr(kinds, "ATOMIC_GROUP", None)  # Python 3.11 on, as POSSESSIVE_REPEAT
    nested = {kinds.SUBPATTERN, kinds.MAX_REPEAT, kinds.MIN_REPEAT, kinds.ASSERT, kinds.ASSERT_NOT}
    nested |= {atomic, getattr(kinds, "POSSESSIVE_REPEAT", None)}

    def digits_in(items: list[tuple[Any, Any]]) -> set[int] | None:
        """The digits a set holds (a category holds them all or none; NEGATE keeps that)."""
        found: set[int] = set()
        for kind, value in items:
            if kind is kinds.LITERAL:
                found |= {value} & every_digit
            elif kind is kinds.RANGE:
                found |= {d for d in _DIGIT_RANGE if value[0] <= d <= value[1]}
            elif kind is kinds.CATEGORY:
                found |= every_digit if str(value) in _DIGIT_CATEGORIES else set()
            elif kind is not kinds.NEGATE:
                return None
        return found

    def blind(items: Any) -> bool:
        for kind, value in items:
            if kind in (kinds.LITERAL, kinds.NOT_LITERAL):
                ok = value not in every_digit
            elif kind is kinds.IN:
                ok = digits_in(value) in (set(), every_digit)
            elif kind is kinds.BRANCH:
                ok = all(map(blind, value[1]))
            elif kind in nested:  # the subpattern comes last (an atomic group's is it)
                ok = blind(value if kind is atomic else value[-1])
            else:  # a back-reference, or what is not known here, tells digits apart
                ok = kind in (kinds.ANY, kinds.AT)
            if not ok:
                return False
        return True

    return blind(parsed)
