"""The hits of a section, kept as columns of numbers.

A view holds rows of four columns (start, end, token, term number: 16 bytes a hit, in one
array), shared with the document or with the view it was cut from, or its own when its
hits were picked or moved. Its hits are numbered by position, 0 to len - 1, in its order.
A `Hit` (a Python tuple of some 200 bytes with its numbers) is made only for a hit that is
quoted or asked for by name: judging a document reads the columns.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple, TypeAlias


class Hit(NamedTuple):
    """One occurrence of a term: character span in the document and token index in its section."""

    start: int
    end: int
    token: int
    term: str
    section: int


# A Hit from the tuple of its fields, without the Python frame of NamedTuple's __new__.
hit_of = functools.partial(tuple.__new__, Hit)


class _TermNumbers(dict[str, int]):
    """A number of its own for each term, given on first use: columns hold a hit's term as
    its number, and a view's terms are the sum of their bits (1 << number)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.bits: list[int] = []

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self.names)
        self.names.append(term)
        self.bits.append(1 << number)
        return number


TERM_NUMBERS = _TermNumbers()
TERM_NAMES = TERM_NUMBERS.names
_BITS = TERM_NUMBERS.bits  # a term number's bit


def term_bit(term: str) -> int:
    """The bit of `term` in a view's `term_bits`."""
    return 1 << TERM_NUMBERS[term]


# Term bits are ints of up to some hundreds of bits (64 bytes and more), and the sections of
# a code hold the same few sets of terms again and again: one int for each set, shared
# within a document (emptied when the next one is matched: a batch worker keeps none).
_SHARED_BITS: dict[int, int] = {}


def forget_shared_bits() -> None:
    """Let the last document's sets of terms go (see `_SHARED_BITS`)."""
    _SHARED_BITS.clear()


def _shared(bits: int) -> int:
    """`bits`, as the one int kept for that value (see `_SHARED_BITS`)."""
    return _SHARED_BITS.setdefault(bits, bits)


WIDE = 2**31  # offsets from here on need 8-byte numbers
START, END, TOKEN, TERM = range(4)  # a hit's numbers, in the order of the columns


def runs_between(dropped: Iterable[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """The runs of positions 0..size in none of the `dropped` runs (first..last each)."""
    kept = []
    at = 0
    for first, last in sorted(dropped):
        if first > at:
            kept.append((at, first))
        at = max(at, last)
    if at < size:
        kept.append((at, size))
    return kept


GROUPED_FROM = 256  # hits: a larger view finds every term's positions in one pass
COVERED_ON_ARRAYS = 2_000  # hits: in a larger view `covered` is worked out on numpy arrays


Run: TypeAlias = "tuple[SectionHits, int, int, int]"  # a view's positions first..last, a shift


class SectionHits:
    """The hits of one section, or of part of one (see the module's docstring).

    `data` holds four columns of `stride` numbers each (starts, ends, tokens, terms); the
    view's hits are the rows low..high: the number `k` of the hit at position `p` is
    `data[k * stride + low + p]`. A section's view shares its document's data; a view cut
    from a view shares that view's data, or has data of its own (one array: a view of
    16 hits takes 320 bytes, where four arrays took 480).

    `ordered`: the rows are in `Hit` order (start, end, token, term), as a section's always
    are. A view given in another order (a limb's words, then those beyond it) answers `of`
    and `positions` in that order, and what needs `Hit` order from `in_order()`, a copy.
    """

    __slots__ = (
        "_covered",
        "_in_order",
        "_of",
        "_outside",
        "data",
        "high",
        "low",
        "ordered",
        "section",
        "stride",
        "term_bits",
    )

    def __init__(
        self,
        section: int,
        data: array[int],
        stride: int,
        low: int,
        high: int,
        ordered: bool = True,
    ) -> None:
        self.section = section
        self.data = data
        self.stride = stride
        self.low = low
        self.high = high
        self.ordered = ordered
        # The terms that occur, as the sum of their bits (see `term_bit`): what most
        # questions are answered from, so found at once.
        terms = set(self._column(TERM))
        self.term_bits: int = _shared(sum(map(_BITS.__getitem__, terms)))
        self._of: dict[int, Sequence[int]] | None = None
        self._covered: dict[frozenset[str], bytearray | None] | None = None
        self._outside: dict[tuple[int, int], SectionHits] | None = None
        self._in_order: SectionHits | None = None

    @classmethod
    def of_rows(
        cls, section: int, columns: list[list[int]], ordered: bool = True, wide: bool = False
    ) -> SectionHits:
        """A view of its own of the hits whose starts, ends, tokens and term numbers are
        `columns`: one array of 4-byte numbers (8 when `wide`), a column after the other."""
        size = len(columns[TERM])
        data = array("q" if wide else "i", list(itertools.chain.from_iterable(columns)))
        return cls(section, data, size, 0, size, ordered)

    @classmethod
    def from_hits(cls, section: int, hits: Iterable[Hit], ordered: bool = False) -> SectionHits:
        """A view of `hits`, in the order given (`ordered`: that is `Hit` order)."""
        given = list(hits)
        columns = [[hit.start for hit in given], [hit.end for hit in given]]
        columns += [[hit.token for hit in given], [TERM_NUMBERS[hit.term] for hit in given]]
        return cls.of_rows(section, columns, ordered, any(end >= WIDE for end in columns[END]))

    def __len__(self) -> int:
        return self.high - self.low

    def __bool__(self) -> bool:
        return self.high > self.low

    def base(self, number: int) -> int:
        """Where column `number` of this view's rows starts in `data`."""
        return number * self.stride + self.low

    def _column(self, number: int) -> memoryview:
        """One column of the view's rows, read in place (a slice of the array would copy it)."""
        base = self.base(number)
        return memoryview(self.data)[base : base + len(self)]

    # ------------------------------------------------------------------ terms

    def has(self, term: str) -> bool:
        """True when the term occurs in this view."""
        return bool(self.term_bits >> TERM_NUMBERS[term] & 1)

    def positions(self, number: int) -> Sequence[int]:
        """The positions of the hits of term `number`, in the view's order (found once; as
        bytes in a view of up to 256 hits: a byte a position).

        A view of up to GROUPED_FROM hits finds a term's when first asked, by a scan in C;
        a larger one finds every term's in one pass at the first question.
        """
        if not self.term_bits >> number & 1:
            return ()
        of = self._of
        if of is None:
            of = self._of = self._grouped() if len(self) > GROUPED_FROM else {}
        found = of.get(number)
        if found is None:
            found = of[number] = self._scan(number)
        return found

    def _scan(self, number: int) -> Sequence[int]:
        data, first = self.data, self.base(TERM)
        last = first + len(self)
        found: list[int] = []
        at = first
        while True:
            try:
                at = data.index(number, at, last)
            except ValueError:  # no row further on (half the time of contextlib.suppress)
                return bytes(found) if len(self) <= 256 else tuple(found)
            found.append(at - first)
            at += 1

    def _grouped(self) -> dict[int, Sequence[int]]:
        grouped: dict[int, list[int]] = defaultdict(list)
        for position, number in enumerate(self._column(TERM)):
            grouped[number].append(position)
        return {number: tuple(found) for number, found in grouped.items()}

    # ------------------------------------------------------------------ hits made

    def hit(self, position: int) -> Hit:
        """The hit at `position`, made."""
        data, stride, at = self.data, self.stride, self.low + position
        term = TERM_NAMES[data[at + 3 * stride]]
        return hit_of((data[at], data[at + stride], data[at + 2 * stride], term, self.section))

    def token(self, position: int) -> int:
        """The token of the hit at `position`."""
        return self.data[self.base(TOKEN) + position]

    def of(self, term: str | None) -> list[Hit]:
        """The hits of `term`, in the view's order, made (for a term asked by name)."""
        found = self.positions(TERM_NUMBERS[term]) if term is not None else ()
        return list(map(self.hit, found)) if found else []

    def hits_in_order(self) -> list[Hit]:
        """Every hit, in `Hit` order, made."""
        ordered = self.in_order()
        return list(map(ordered.hit, range(len(ordered))))

    # ------------------------------------------------------------------ views in Hit order

    def in_order(self) -> SectionHits:
        """This view when its hits are in `Hit` order; else a copy in that order (made once)."""
        if self.ordered:
            return self
        if self._in_order is None:
            order = sorted(range(len(self)), key=self.sort_key)
            self._in_order = self._copy(order, ordered=True)
        return self._in_order

    def sort_key(self, position: int) -> tuple[int, int, int, str]:
        """What orders the hit at `position` among others: its `Hit` but the section."""
        data, stride, at = self.data, self.stride, self.low + position
        term = TERM_NAMES[data[at + 3 * stride]]
        return data[at], data[at + stride], data[at + 2 * stride], term

    def _copy(self, positions: list[int], ordered: bool) -> SectionHits:
        """The hits at `positions`, with data of their own."""
        get = self.data.__getitem__
        columns = [list(map(get, map(self.base(number).__add__, positions))) for number in range(4)]
        return SectionHits.of_rows(self.section, columns, ordered, self._wide())

    def _wide(self) -> bool:
        return self.data.typecode == "q"

    @staticmethod
    def _joined(section: int, runs: list[Run], ordered: bool) -> SectionHits:
        """The hits of runs of views' positions, one run after the other, with data of their
        own: each column is copied a run at a time (slices, not a step per hit)."""
        data = array("q" if any(view._wide() for view, *_ in runs) else "i")
        for number in range(4):
            for view, first, last, shift in runs:
                base = view.base(number)
                values = view.data[base + first : base + last]
                if number == TOKEN and shift:
                    data.extend([token - shift for token in values])
                elif values.typecode != data.typecode:
                    data.extend(values.tolist())
                else:
                    data.extend(values)
        size = sum(last - first for _, first, last, _ in runs)
        return SectionHits(section, data, size, 0, size, ordered)

    def starts(self) -> list[int]:
        """Where each hit starts, in `Hit` order."""
        return self.in_order()._column(START).tolist()

    def terms(self) -> list[str]:
        """Each hit's term, in `Hit` order."""
        return list(map(TERM_NAMES.__getitem__, self.in_order()._column(TERM)))

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The first and past-last position, in `Hit` order, of the hits that start in
        start..end (a bisect)."""
        ordered = self.in_order()
        data, low, high = ordered.data, ordered.low, ordered.high  # starts come first
        first = bisect.bisect_left(data, start, low, high)
        return first - low, bisect.bisect_left(data, end, first, high) - low

    def part(self, first: int, last: int) -> SectionHits:
        """The hits at positions first..last in `Hit` order, as a view (the same data; this
        view itself when they are all of its hits)."""
        ordered = self.in_order()
        if first == 0 and last == len(ordered):
            return ordered
        low = ordered.low
        return SectionHits(self.section, ordered.data, ordered.stride, low + first, low + last)

    def slice(self, start: int, end: int) -> SectionHits:
        """The hits that start in start..end, as a view."""
        return self.part(*self.bounds(start, end))

    def taking(self, runs: list[tuple[int, int]]) -> SectionHits:
        """The hits in runs of positions first..last (in order, apart) in `Hit` order, as a
        view: this one in order when they are all of them, else with data of its own."""
        ordered = self.in_order()
        if sum(last - first for first, last in runs) == len(ordered):
            return ordered
        return self._joined(self.section, [(ordered, *run, 0) for run in runs], ordered=True)

    def outside_spans(self, spans: list[tuple[int, int]]) -> SectionHits:
        """The hits that start in none of the spans, in `Hit` order (see `taking`)."""
        dropped = [self.bounds(start, end) for start, end in spans]
        return self.taking(runs_between(dropped, len(self)))

    def outside(self, start: int, end: int) -> SectionHits:
        """The hits that do not start in start..end (kept: limbs of a paragraph share them;
        this view itself, in order, when none does, and then not kept: that would be a
        reference cycle)."""
        found = self._outside.get((start, end)) if self._outside is not None else None
        if found is None:
            first, last = self.bounds(start, end)
            if first == last:
                return self.in_order()
            found = self.taking([(0, first), (last, len(self))])
            if self._outside is None:
                self._outside = {}
            self._outside[start, end] = found
        return found

    def moved(
        self, pieces: list[tuple[int, int, int]], wider: SectionHits | None = None
    ) -> SectionHits:
        """The hits that start in each piece's start..end, one piece after the other, their
        tokens less its shift: a limb's hits at its own token positions (see
        `regions.Limb`). In `Hit` order when the pieces are in order and apart. `wider`,
        a view holding them (moved alike), is given back itself when they are as many."""
        ordered = self.in_order()
        runs = [(ordered, *ordered.bounds(start, end), shift) for start, end, shift in pieces]
        if wider is not None and len(wider) == sum(last - first for _, first, last, _ in runs):
            return wider
        apart = all(a[1] <= b[0] for a, b in itertools.pairwise(pieces))
        return self._joined(self.section, runs, apart)

    def followed_by(self, other: SectionHits) -> SectionHits:
        """The hits of this view, then those of `other` (of the same section), each in
        `Hit` order: a term's first hit is its first here."""
        first, second = self.in_order(), other.in_order()
        runs = [(first, 0, len(first), 0), (second, 0, len(second), 0)]
        return self._joined(self.section, runs, ordered=False)

    # ------------------------------------------------------------------ covered hits

    def covered(self, family: frozenset[str]) -> set[Hit]:
        """Hits inside a longer hit of another `family` term ("a person" in "a person under
        18"), made (see `covered_positions`)."""
        found = self.covered_positions(family)
        return {self.hit(at) for at, flag in enumerate(found or ()) if flag}

    def covered_positions(self, family: frozenset[str]) -> bytearray | None:
        """Which hits (by position: 1 for covered) lie inside a hit of another `family` term
        that starts before them and ends no earlier, or starts with them and ends later;
        None when none does (found once per family)."""
        if self._covered is None:
            self._covered = {}
        if family not in self._covered:
            bits = self.term_bits
            present = [n for n in map(TERM_NUMBERS.__getitem__, family) if bits >> n & 1]
            if len(present) < 2:
                found = None  # only a hit of another term covers a hit
            elif len(self) > COVERED_ON_ARRAYS:
                found = _covered_on_arrays(self, present)
            else:
                found = _covered_hit_by_hit(self, present)
            self._covered[family] = found
        return self._covered[family]


def _covered_hit_by_hit(view: SectionHits, present: list[int]) -> bytearray | None:
    """`covered_positions`, one hit at a time: the family's hits longest first among those
    starting together; a hit is covered by the hit reaching furthest before it, or by the
    furthest among the other terms when that one is of its own term."""
    low = view.low
    rows = [low + at for number in present for at in view.positions(number)]
    if view.ordered:
        rows.sort()
    else:
        rows.sort(key=lambda row: view.sort_key(row - low))
    rows.reverse()  # then sorted stably by start: those starting together, longest first
    data, stride = view.data, view.stride
    rows.sort(key=data.__getitem__)  # starts come first
    ends = memoryview(data)[stride:]  # a row's end, its term at 2 * stride further
    terms = ends[2 * stride :]
    found: bytearray | None = None
    widest = other = -1  # rows: the hit reaching furthest, and the furthest of another term
    for row in rows:
        term, start, end = terms[row], data[row], ends[row]
        cover = -1 if widest < 0 else (widest if terms[widest] != term else other)
        if cover >= 0 and ends[cover] >= end and ends[cover] - data[cover] > end - start:
            if found is None:
                found = bytearray(len(view))
            found[row - low] = 1
        if widest < 0 or end > ends[widest]:
            if widest >= 0 and terms[widest] != term:
                other = widest
            widest = row
        elif term != terms[widest] and (other < 0 or end > ends[other]):
            other = row
    return found


def _covered_on_arrays(view: SectionHits, present: list[int]) -> bytearray | None:
    """`covered_positions` in a large view, on numpy arrays of its columns (a statute on one
    line holds 540,000 hits): no Python step per hit."""
    import numpy as np  # only for the rare large view: 60 ms to import

    starts, ends, terms = (
        np.frombuffer(view._column(number), dtype=view.data.typecode)
        for number in (START, END, TERM)
    )
    rows = np.flatnonzero(np.isin(terms, present))
    if not view.ordered:
        rows = rows[np.argsort(starts[rows], kind="stable")]
    first_of, last_of, term_of = starts[rows], ends[rows].astype(np.int64), terms[rows]
    opens = np.empty(len(rows), dtype=bool)  # where a run of hits starting together opens
    opens[0] = True
    np.not_equal(first_of[1:], first_of[:-1], out=opens[1:])
    firsts = np.flatnonzero(opens)
    run = np.cumsum(opens) - 1  # each hit's run
    covered = np.zeros(len(rows), dtype=bool)
    for number in present:
        own = term_of == number
        others = np.where(own, -1, last_of)  # the ends of the other terms' hits
        # The furthest end reached by another term's hit starting before each run.
        before = np.concatenate(([-1], np.maximum.accumulate(others)))[firsts][run]
        # ... and by one starting with it.
        along = np.maximum.reduceat(others, firsts)[run]
        covered |= own & ((before >= last_of) | (along > last_of))
    if not covered.any():
        return None
    found = np.zeros(len(view), dtype=np.uint8)
    found[rows[covered]] = 1
    return bytearray(found.tobytes())
