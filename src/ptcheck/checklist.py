"""Checklists: strict pydantic models and a YAML loader that reports `file:line:col`.

A checklist is data: categories, named term lists (per language), the patterns that
locate the offence in a statute, and the items to score. Every error in a checklist is
reported at once, each pointing at the place in the YAML file it comes from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ptcheck.errors import ChecklistError

if TYPE_CHECKING:  # yaml itself is imported only to read a file: a cached checklist needs none
    import yaml

DEFAULT_CHECKLIST = "tip-protocol"  # the bundled checklist used when none is named
ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
MAX_ALIAS_EXPANSION = 100_000  # nodes reached again through aliases ("billion laughs")
MAX_CHECKLIST_BYTES = 5_000_000


class StrictModel(BaseModel):
    """Frozen, and an unknown or misspelt key is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Pattern(StrictModel):
    """A boolean pattern over term lists: exactly one of term / any / all / not / near.

    `near` matches when all of its sub-patterns match within `within` tokens of the first
    one's hit (after it, in the order given, when `ordered` is true).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    term: str | None = Field(default=None, min_length=1)
    any: list[Pattern] | None = Field(default=None, min_length=1)
    all: list[Pattern] | None = Field(default=None, min_length=1)
    not_: Pattern | None = Field(default=None, alias="not")
    near: list[Pattern] | None = Field(default=None, min_length=2)
    within: int | None = Field(default=None, gt=0, le=200)
    ordered: bool = False
    _terms: frozenset[str] | None = PrivateAttr(default=None)
    _needs_hits: bool | None = PrivateAttr(default=None)
    _required: tuple[frozenset[str], ...] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_operator(self) -> Pattern:
        given = [k for k in ("term", "any", "all", "not_", "near") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a pattern needs exactly one of: term, any, all, not, near")
        if (self.within is not None) != (self.near is not None):
            raise ValueError("'within' goes with 'near', and 'near' needs 'within'")
        if self.ordered and self.near is None:
            raise ValueError("'ordered' goes with 'near'")
        return self

    def term_set(self) -> frozenset[str]:
        """The terms of `terms()`, computed once (checklists are immutable)."""
        if self._terms is None:
            object.__setattr__(self, "_terms", frozenset(self.terms()))
        assert self._terms is not None
        return self._terms

    def needs_hits(self) -> bool:
        """True when the pattern cannot match where no term occurs at all (computed once)."""
        if self._needs_hits is None:
            if self.term is not None or self.near is not None:
                needs = True
            elif self.any is not None:
                needs = all(child.needs_hits() for child in self.any)
            elif self.all is not None:
                needs = any(child.needs_hits() for child in self.all)
            else:
                needs = False
            object.__setattr__(self, "_needs_hits", needs)
            return needs
        return self._needs_hits

    def required_terms(self) -> tuple[frozenset[str], ...]:
        """Sets of terms of which a text must hold one each for the pattern to match
        (computed once): `all(A, any(B, C))` needs {A} and {B, C}; `not` needs nothing."""
        if self._required is None:
            object.__setattr__(self, "_required", self._requirements())
        assert self._required is not None
        return self._required

    def _requirements(self) -> tuple[frozenset[str], ...]:
        if self.term is not None:
            return (frozenset([self.term]),)
        if self.any is not None:
            # One of the children matches, so one term of its smallest set occurs.
            each = [child.required_terms() for child in self.any]
            if not all(each):
                return ()
            return (frozenset().union(*(min(sets, key=len) for sets in each)),)
        if self.not_ is not None:
            return ()
        children = self.all or self.near or []
        return tuple(dict.fromkeys(s for child in children for s in child.required_terms()))

    def terms(self) -> Iterator[str]:
        """Every term name this pattern refers to."""
        if self.term is not None:
            yield self.term
        for child in (*(self.any or ()), *(self.all or ()), *(self.near or ())):
            yield from child.terms()
        if self.not_ is not None:
            yield from self.not_.terms()


class Examples(StrictModel):
    """Sentences a test checks: each `met` one must be met, each `missing` one missing."""

    met: list[str] = Field(min_length=1)
    missing: list[str] = Field(min_length=1)
    partial: list[str] = []


class Category(StrictModel):
    """A group of items scored and shown together."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)


class Item(StrictModel):
    """One checkable requirement of the instrument.

    `kind: presence` items are met when `met` matches where the item looks (`where`:
    the offence and the definitions it uses; `related`: those and the provisions that
    refer to the offence; `document`: anywhere not left out). `kind: absence` items
    (scope) are met when the offence exists and not every principal limb matches
    `narrowing` (`where: offence`), or when no provision read matches it (`related`,
    `document`). A sentence that matches `cleared_by` and states no act says what is not
    required ("It is irrelevant whether P acted alone or as part of an organised criminal
    group"): its words narrow nothing.
    `broader_if` names one of the checklist's `broadenings`: an offence that lacks an
    element the instrument requires meets the item as broader. `hint` is added to the
    message of a missing item (where else to look). `role: means` items read only words
    that can state a means (not those of a penalty, of the purpose, or of a definition
    other than the offence's); `role: act` items leave out an act the purpose names ("for
    the purpose of transporting"), when the offence states acts of its own. `adults_too`
    items found only in limbs about children are partial. Words inside a phrase of an `ignore`
    term (or of a longer phrase of another term of the item) are read as part of that
    phrase by `near`: "consent" in "consent of the Attorney General".
    """

    def family(self) -> frozenset[str]:
        """Every term the item's patterns and `ignore` name."""
        if self._family is None:
            patterns = (self.met, self.partial, self.narrowing)
            found = frozenset(t for p in patterns if p for t in p.terms()) | frozenset(self.ignore)
            object.__setattr__(self, "_family", found)
            return found
        return self._family

    id: str = Field(pattern=ID_PATTERN)
    aliases: list[str] = []
    article: str = Field(min_length=1)
    category: str
    title: str = Field(min_length=1)
    requirement: str = Field(min_length=1)
    weight: float = Field(gt=0, le=100)
    severity: Literal["required", "recommended"]
    kind: Literal["presence", "absence"] = "presence"
    where: Literal["offence", "related", "document"] = "offence"
    broader_if: str | None = None  # a name in the checklist's `broadenings`
    hint: str = ""  # added to the message when the item is missing
    met: Pattern | None = None
    partial: Pattern | None = None
    lacking: str = ""  # what a `partial` match lacks, in the drafter's terms
    narrowing: Pattern | None = None
    cleared_by: Pattern | None = None
    ignore: list[str] = []
    role: Literal["act", "means"] | None = None
    adults_too: bool = False
    guidance: str = Field(min_length=1)
    examples: Examples
    _family: frozenset[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _patterns_fit_kind(self) -> Item:
        if self.kind == "presence" and self.met is None:
            raise ValueError("a presence item needs a 'met' pattern")
        if self.kind == "absence" and self.narrowing is None:
            raise ValueError("an absence item needs a 'narrowing' pattern")
        if self.kind == "absence" and self.met is not None:
            raise ValueError("an absence item takes 'narrowing', not 'met'")
        if self.cleared_by is not None and self.narrowing is None:
            raise ValueError("'cleared_by' goes with 'narrowing'")
        return self


class Locators(StrictModel):
    """Patterns that find the provisions an analysis looks at.

    `offence`: a section creating the offence; `exclude`: a section about something else
    (drugs, firearms...), left out altogether; `decoy`: an offence near trafficking that is
    not it (procuring, agency licensing, organ trade): never the offence, but its words may
    still be read (a definition of exploitation that names the organ-transplant law);
    `means`: any of the means; `penalty`: a provision that only sets
    the penalty, matched provision by provision (means named there do not make the offence
    require them);
    `conduct`: the acts; an
    offence without acts of its own takes its acts and means from the definition of
    trafficking it uses; `subject`: the instrument's subject named ("trafficking in
    persons"): a section naming it refers to the offence, a definition of it is the
    offence's own; `marker`: the words that create an offence ("commits an offence").

    Limb by limb (see regions.py and roles.py): `defined_offence`: a definition that states
    the offence ("traffic" means to recruit ... for exploitation), whose term then creates
    an offence wherever a marker uses it; `defined_conduct`: a definition of the conduct
    ("relevant action" means the recruitment of another person), whose term makes a limb
    using it principal; `purpose`: the forms of exploitation (a term defined as one of them
    is no definition of the conduct); `limb`: what a principal limb states, an act done to
    a person, and `limb_purpose` what its paragraph states, an exploitative purpose;
    `ancillary`: an attempt, accessory or
    organiser provision about another offence; `opener`: a single term, the words that
    open a conduct clause ("whoever", "el que"), each further one opening an alternative
    limb;
    `victim_class_limb`: a limb about a narrower class of victims only (children: a consent
    rule there is for them only), and `victim_class_offence` an offence about such victims
    only; `purpose_frame` / `means_frame`: single terms opening the purpose ("for the
    purpose of") and reopening the means ("by means of") within a sentence.

    Any other name declares a locator of the checklist's own, for its `broadenings`.
    """

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)
    __pydantic_extra__: dict[str, Pattern] = Field(init=False)

    offence: Pattern
    exclude: Pattern | None = None
    decoy: Pattern | None = None
    means: Pattern | None = None
    penalty: Pattern | None = None
    victim_class_offence: Pattern | None = None
    conduct: Pattern | None = None
    subject: Pattern | None = None
    marker: Pattern | None = None
    defined_offence: Pattern | None = None
    defined_conduct: Pattern | None = None
    purpose: Pattern | None = None
    limb: Pattern | None = None
    limb_purpose: Pattern | None = None
    ancillary: Pattern | None = None
    opener: Pattern | None = None
    victim_class_limb: Pattern | None = None
    purpose_frame: Pattern | None = None
    means_frame: Pattern | None = None

    def named(self, name: str) -> Pattern | None:
        """The locator of this name (a fixed one or one the checklist declares), if set."""
        found = getattr(self, name, None) if name in Locators.model_fields else None
        return found if found is not None else (self.model_extra or {}).get(name)

    def all_named(self) -> dict[str, Pattern]:
        """Every locator that is set, by name."""
        fixed = {n: getattr(self, n) for n in Locators.model_fields if getattr(self, n)}
        return {**fixed, **(self.model_extra or {})}


SINGLE_TERM_LOCATORS = ("opener", "purpose_frame", "means_frame")


class Broadening(StrictModel):
    """When an offence is broader than the instrument: some principal limb lacks the
    element `lacks` finds (a locator name), leaving out the limbs `except_limbs` matches;
    the items whose `broader_if` names it are then met, with `message` (`{where}`: the
    citation of the limb)."""

    lacks: str = Field(pattern=ID_PATTERN)
    except_limbs: str | None = Field(default=None, pattern=ID_PATTERN)
    message: str = Field(min_length=1, pattern=r"\{where\}")


class Messages(StrictModel):
    """The instrument's own words in reports."""

    no_offence: str = Field(default="No offence of this checklist found", min_length=1)
    requirement: str = "Requirement"  # the label before an item's requirement
    victim_class_only: str = "Only in some limbs of the offence"  # see Item.adults_too


Phrase = Annotated[str, Field(min_length=1, pattern=r"\S")]
TermName = Annotated[str, Field(pattern=ID_PATTERN)]
TermLists = dict[TermName, dict[str, Annotated[list[Phrase], Field(min_length=1)]]]


class Checklist(StrictModel):
    """A whole checklist: metadata, categories, terms, locators and items."""

    format: Literal[1]
    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    instrument: str = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    # term libraries shared with other checklists, relative to this file (see TermLibrary)
    include: list[Annotated[str, Field(min_length=1)]] = []
    messages: Messages = Messages()
    categories: list[Category] = Field(min_length=1)
    terms: TermLists
    # term name -> a vocabulary of every language pack ("offence_marker: offence"): the
    # offence and penalty formulas of each language live in its pack, not in the checklist.
    language_terms: dict[TermName, Annotated[str, Field(min_length=1)]] = {}
    locate: Locators
    broadenings: dict[TermName, Broadening] = {}
    items: list[Item] = Field(min_length=1)

    def item(self, item_id: str) -> Item | None:
        """The item with this id (or alias), if any."""
        for item in self.items:
            if item_id == item.id or item_id in item.aliases:
                return item
        return None

    def term_names(self) -> set[str]:
        """Every term a pattern may name: the checklist's own and those taken from the packs."""
        return set(self.terms) | set(self.language_terms)

    def phrases(self, term: str, language: str) -> list[str]:
        """The phrases of a term in one language, the pack's vocabulary included."""
        from ptcheck.language import load_pack

        own = list(self.terms.get(term, {}).get(language, ()))
        if term in self.language_terms:
            own += load_pack(language).terms.get(self.language_terms[term], [])
        return own

    def category_title(self, category_id: str) -> str:
        """The display title of a category."""
        return next((c.title for c in self.categories if c.id == category_id), category_id)


@dataclass(frozen=True)
class LoadedChecklist:
    """A validated checklist with where it came from and a digest of its bytes."""

    checklist: Checklist
    path: Path
    sha256: str


# --------------------------------------------------------------------------- YAML


Position = tuple[int, int]
KeyPath = tuple[str | int, ...]


def _safe_loader() -> type[yaml.SafeLoader]:
    import yaml

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class _Builder:
    """Turns a composed YAML node tree into builtins, recording each key path's position."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.positions: dict[KeyPath, Position] = {}
        self.problems: list[str] = []
        self.seen: set[int] = set()
        self.repeats = 0
        import yaml

        self._constructor = yaml.constructor.SafeConstructor()

    def problem(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(f"{self.source}:{line}:{col}: {format_path(path)}: {message}")

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        import yaml

        if id(node) in self.seen:
            self.repeats += 1
            if self.repeats > MAX_ALIAS_EXPANSION:
                raise _TooLarge
        self.seen.add(id(node))
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self.problem(node, path, f"tag {node.tag} is not allowed")
                return None
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, (*path, "<key>"))
                if not isinstance(key, str):
                    self.problem(key_node, path, "keys must be strings")
                    continue
                if key == "<<":
                    self.problem(key_node, path, "merge keys (<<) are not allowed")
                    continue
                if key in result:
                    self.problem(key_node, (*path, key), "duplicate key")
                    continue
                key_path = (*path, key)
                self.positions[key_path] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.problem(node, path, f"tag {node.tag} is not allowed")
                return None
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self.problem(node, path, f"tag {node.tag} is not allowed")
            return None
        return self._constructor.construct_object(node, deep=True)


class _TooLarge(Exception):
    pass


def format_path(path: KeyPath) -> str:
    """`("items", 3, "weight")` -> `items[3].weight`."""
    text = ""
    for part in path:
        if part == "<key>":
            continue
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top)"


def _position_of(positions: dict[KeyPath, Position], path: KeyPath) -> Position:
    """The position of the longest prefix of `path` that exists in the file."""
    for end in range(len(path), -1, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return (1, 1)


class TermLibrary(StrictModel):
    """Terms several checklists share (`include:`): phrase lists per language and names of
    language-pack vocabularies, as in a checklist (offence formulas, attempt and accomplice
    wording, organized crime, borders)."""

    format: Literal[1]
    title: str = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    terms: TermLists = {}
    language_terms: dict[TermName, Annotated[str, Field(min_length=1)]] = {}


def _compose(text: str, source: str, what: str) -> tuple[dict[str, Any], _Builder]:
    """The YAML mapping in `text` (safely built), and where each of its keys is."""
    import yaml

    try:
        root = yaml.compose(text, Loader=_safe_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        raise ChecklistError([f"{source}:{where}: (yaml): {exc.problem}"]) from None
    except yaml.YAMLError as exc:
        raise ChecklistError([f"{source}:1:1: (yaml): {exc}"]) from None
    if root is None:
        raise ChecklistError([f"{source}:1:1: (top): the {what} is empty"])
    builder = _Builder(source)
    try:
        data = builder.build(root, ())
    except _TooLarge:
        raise ChecklistError(
            [f"{source}:1:1: (top): aliases expand to more than {MAX_ALIAS_EXPANSION} nodes"]
        ) from None
    if not isinstance(data, dict):
        raise ChecklistError([*builder.problems, f"{source}:1:1: (top): a {what} is a mapping"])
    return data, builder  # builder.problems: what was left out (duplicate keys, tags)


def _validate(model: type[StrictModel], data: dict[str, Any], builder: _Builder) -> Any:
    """The model of `data`, or ChecklistError with every problem (the builder's first)."""
    problems = list(builder.problems)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            path = _pydantic_path(error["loc"])
            line, col = _position_of(builder.positions, path)
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{builder.source}:{line}:{col}: {format_path(path)}: {message}")
        raise ChecklistError(problems) from None


def parse_checklist(text: str, source: str, base: Path | None = None) -> Checklist:
    """Validate checklist YAML text; raise ChecklistError listing every problem.

    The term libraries it includes are read from `base` (the checklist's folder).
    """
    return _parsed(text, source, base)[0]


def _parsed(text: str, source: str, base: Path | None) -> tuple[Checklist, dict[str, Any]]:
    """The checklist and the data it was validated from (its libraries' terms merged in)."""
    data, builder = _compose(text, source, "checklist")
    builder.problems += _include_terms(data, builder, base)
    checklist: Checklist = _validate(Checklist, data, builder)
    problems = builder.problems + _cross_check(checklist, builder.positions, source)
    if problems:
        raise ChecklistError(problems)
    return checklist, data


def _include_terms(data: dict[str, Any], builder: _Builder, base: Path | None) -> list[str]:
    """Merge the terms of the included libraries into `data`; a term defined twice is an error."""
    problems: list[str] = []
    includes = data.get("include") or []
    if not isinstance(includes, list) or not isinstance(data.get("terms", {}), dict):
        return problems  # the model reports it
    terms = data.setdefault("terms", {})
    language_terms = data.setdefault("language_terms", {})
    for index, name in enumerate(includes):
        line, col = _position_of(builder.positions, ("include", index))
        where = f"{builder.source}:{line}:{col}: include[{index}]"
        if (
            not isinstance(name, str)
            or base is None
            or Path(name).is_absolute()
            or ".." in Path(name).parts
        ):
            problems.append(f"{where}: a term library is a file beside the checklist")
            continue
        library = _load_library(base / name, where)
        for table, merged in ((library.terms, terms), (library.language_terms, language_terms)):
            for term, value in table.items():
                if term in merged:
                    problems.append(f"{where}: term {term!r} is also defined in {name}")
                    continue
                merged[term] = value
    return problems


def _load_library(path: Path, where: str) -> TermLibrary:
    from ptcheck.files import NotReadable, read_limited

    try:
        text = read_limited(path, MAX_CHECKLIST_BYTES).decode("utf-8-sig")
    except NotReadable as problem:
        raise ChecklistError([f"{where}: {path}: {problem}"]) from None
    except UnicodeDecodeError as exc:
        raise ChecklistError([f"{where}: {path}: not UTF-8 (byte {exc.start})"]) from None
    data, builder = _compose(text, str(path), "term library")
    library: TermLibrary = _validate(TermLibrary, data, builder)
    if builder.problems:
        raise ChecklistError(builder.problems)
    return library


def _pydantic_path(loc: tuple[str | int, ...]) -> KeyPath:
    # pydantic inserts the name of the union member or a function validator into `loc`.
    return tuple("not" if part == "not_" else part for part in loc)


def _cross_check(
    checklist: Checklist, positions: dict[KeyPath, Position], source: str
) -> list[str]:
    """Checks that span several keys: duplicate ids, unknown categories and terms."""
    problems: list[str] = []

    def report(path: KeyPath, message: str) -> None:
        line, col = _position_of(positions, path)
        problems.append(f"{source}:{line}:{col}: {format_path(path)}: {message}")

    seen: dict[str, int] = {}
    categories = {c.id for c in checklist.categories}
    known_terms = checklist.term_names()
    for index, item in enumerate(checklist.items):
        for name in (item.id, *item.aliases):
            if name in seen:
                report(
                    ("items", index, "id"), f"duplicate item id {name!r} (also items[{seen[name]}])"
                )
            seen.setdefault(name, index)
        if item.category not in categories:
            report(("items", index, "category"), f"unknown category {item.category!r}")
        for field in ("met", "partial", "narrowing", "cleared_by"):
            pattern = getattr(item, field)
            for term in pattern.terms() if pattern else ():
                if term not in known_terms:
                    report(("items", index, field), f"unknown term {term!r}")
        for position, term in enumerate(item.ignore):
            if term not in known_terms:
                report(("items", index, "ignore", position), f"unknown term {term!r}")
    for field, pattern in checklist.locate.all_named().items():
        for term in pattern.terms():
            if term not in known_terms:
                report(("locate", field), f"unknown term {term!r}")
    for name, broadening in checklist.broadenings.items():
        for key in ("lacks", "except_limbs"):
            locator = getattr(broadening, key)
            if locator is not None and checklist.locate.named(locator) is None:
                report(("broadenings", name, key), f"no locator {locator!r} in 'locate'")
    for index, item in enumerate(checklist.items):
        if item.broader_if is not None and item.broader_if not in checklist.broadenings:
            report(("items", index, "broader_if"), f"no broadening {item.broader_if!r} declared")
    for field in SINGLE_TERM_LOCATORS:
        pattern = getattr(checklist.locate, field)
        if pattern is not None and pattern.term is None:
            report(("locate", field), "must be a single term ({term: name})")
    for name, by_language in checklist.terms.items():
        for language in by_language:
            if language not in checklist.languages:
                report(("terms", name, language), f"language {language!r} is not in 'languages'")
    return problems


# --------------------------------------------------------------------------- files


def bundled_folder() -> Path:
    """Where the bundled checklists are: inside the installed package, or the source tree."""
    packaged = resources.files("ptcheck") / "checklists"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "checklists"


def bundled_checklists() -> dict[str, Path]:
    """The bundled checklists by name (the file name without .yaml)."""
    return {path.stem: path for path in sorted(bundled_folder().glob("*.yaml"))}


def default_checklist_path() -> Path:
    """The checklist used when none is named."""
    return bundled_folder() / f"{DEFAULT_CHECKLIST}.yaml"


def checklist_path(name: str | None) -> Path:
    """The file a `--checklist` value names: a bundled checklist's name, or a path."""
    if name is None:
        return default_checklist_path()
    bundled = bundled_checklists()
    if name in bundled and not Path(name).exists():
        return bundled[name]
    if not Path(name).exists() and "/" not in name and not name.endswith((".yaml", ".yml")):
        known = ", ".join(bundled)
        raise ChecklistError(
            [f"{name}: no such checklist file, and no bundled checklist of that name ({known})"]
        )
    return Path(name)


def load_checklist(path: Path | None = None) -> LoadedChecklist:
    """Read and validate a checklist file (the default bundled one when `path` is None).

    A checklist read before, with the same bytes and the same libraries, is validated
    from the data kept in the cache: composing the YAML is most of the time it takes.
    """
    path = path or default_checklist_path()
    from ptcheck.cache import cache_path, read_cached, store, version
    from ptcheck.files import NotReadable, read_limited

    try:
        raw = read_limited(path, MAX_CHECKLIST_BYTES)
    except NotReadable as problem:
        message = str(problem)
        message = "no such checklist file" if message == "no such file" else message
        raise ChecklistError([f"{path}: {message}"]) from None
    versions = [version(name) for name in ("ptcheck", "pydantic", "pyyaml")]
    cached = cache_path("checklist", "", [hashlib.sha256(raw).hexdigest(), str(path), versions])
    stored = read_cached(cached) if cached is not None else None
    if isinstance(stored, dict) and stored.get("digest") == _digest(
        path, raw, stored.get("include")
    ):
        try:
            checklist: Checklist = Checklist.model_validate(stored["data"])
            return LoadedChecklist(checklist, path, stored["digest"])
        except (ValidationError, KeyError, TypeError):
            pass  # damaged: read the file
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChecklistError([f"{path}: not UTF-8 (byte {exc.start})"]) from None
    checklist, data = _parsed(text, str(path), path.parent)
    digest = _digest(path, raw, checklist.include)
    if digest is None:
        raise ChecklistError([f"{path}: an included term library cannot be read"])
    if cached is not None and json.loads(json.dumps(data)) == data:  # JSON keeps it whole
        store(cached, {"digest": digest, "include": checklist.include, "data": data})
    return LoadedChecklist(checklist, path, digest)


def _digest(path: Path, raw: bytes, names: Any) -> str | None:
    """A digest of the checklist's bytes and of the libraries it includes (a change to a
    library changes every result); None when a library cannot be read."""
    digest = hashlib.sha256(raw)
    if not isinstance(names, list):
        return None
    try:
        for name in names:
            digest.update((path.parent / str(name)).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a checklist, for editors."""
    schema = Checklist.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ptcheck checklist"
    return schema
