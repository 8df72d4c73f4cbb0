"""What ptcheck keeps between runs to start faster: files in one cache folder.

Each file is named by the kind of thing it holds, a language and a digest of everything it
was built from (sources and versions), so a change builds it again. Most are gzipped JSON;
tables read at every start are kept in Python's `marshal` format, which loads several
times faster (and is tied to the Python version, which is in their key). The
cache only saves time: a file that cannot be read is built again, and a folder that
cannot be written keeps nothing.

Compiled regular expressions are kept as the engine code `re` compiles them to, keyed by
the engine's version: compiling a long expression is most of some languages' start-up.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the engine behind re: compiled forms
import contextlib
import functools
import gc
import gzip
import hashlib
import json
import marshal
import os
import re
import sys
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from ptcheck.files import write_bytes_atomic

ENGINE = [_sre.MAGIC, list(sys.version_info)]  # compiled forms are valid for this engine only


def cache_folder() -> Path | None:
    """$PTCHECK_CACHE_DIR, else the user's cache folder; None when PTCHECK_CACHE_DIR is
    empty (no cache)."""
    chosen = os.environ.get("PTCHECK_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ptcheck"


def cache_path(kind: str, language: str, key: Any, suffix: str = ".json.gz") -> Path | None:
    """The cache file of `kind` for a key (builtins), or None when the cache is off."""
    folder = cache_folder()
    if folder is None:
        return None
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    return folder / f"{kind}-{language}-{digest[:32]}{suffix}"


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection meanwhile: reading a table makes 10^5 containers, none of them
    garbage, and the collections they trigger took 3/4 of the time of reading them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_cached(path: Path) -> Any:
    """What `store` wrote at `path`; None when it is not there yet or damaged."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as cached, collector_paused():
            return json.load(cached)
    except (OSError, ValueError):
        return None


def store(path: Path, data: Any) -> None:
    """Write `data` as gzipped JSON; a read-only home keeps no cache (it only saves time)."""
    text = json.dumps(data)
    with contextlib.suppress(OSError):
        write_bytes_atomic(path, gzip.compress(text.encode("utf-8"), compresslevel=6))


def cached_tables(
    kind: str, language: str, key: Any, build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """`build()` (a dict of builtins: dicts, lists, tuples, sets, strings, numbers), read
    back from the cache when it was built before from the same key by the same Python."""
    path = cache_path(kind, language, [key, ENGINE], suffix=".marshal")
    if path is not None:
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            with collector_paused():
                stored = marshal.loads(path.read_bytes())
            if isinstance(stored, dict):
                return stored
    tables = build()
    if path is not None:
        with contextlib.suppress(OSError, ValueError):
            write_bytes_atomic(path, marshal.dumps(tables))
    return tables


@functools.lru_cache(maxsize=16)
def version(distribution: str) -> str:
    """The installed version of a distribution ("" when it is not installed).

    An imported module of that name answers with its `__version__`; otherwise the
    installed packages are looked up (about 2 ms, the first time 3 ms: a start-up cost).
    """
    known = getattr(sys.modules.get(distribution), "__version__", None)
    if isinstance(known, str):
        return known
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def compiled_form(expression: re.Pattern[str]) -> dict[str, Any]:
    """What `re` compiles an expression to: its engine code, groups and flags.

    Raises ImportError or AttributeError on a Python whose `re` internals differ.
    """
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(expression.pattern, expression.flags)
    return {
        "pattern": expression.pattern,
        "flags": expression.flags | parsed.state.flags,
        "code": list(map(int, _compiler._code(parsed, expression.flags))),  # opcodes: ints
        "groups": parsed.state.groups - 1,
        "groupindex": dict(parsed.state.groupdict),
    }


def from_compiled_form(form: dict[str, Any]) -> re.Pattern[str]:
    """The expression `compiled_form` describes, without compiling it again."""
    groupindex = {str(k): int(v) for k, v in form["groupindex"].items()}
    indexgroup: list[str | None] = [None] * (int(form["groups"]) + 1)
    for name, index in groupindex.items():
        indexgroup[index] = name
    expression: re.Pattern[str] = _sre.compile(
        form["pattern"], form["flags"], form["code"], form["groups"], groupindex, tuple(indexgroup)
    )
    return expression


def compiled_expressions(
    kind: str, language: str, sources: dict[str, tuple[str, int]]
) -> dict[str, re.Pattern[str]]:
    """`re.compile(pattern, flags)` of each named source, restored from the cache when the
    same sources were compiled before by the same engine."""
    path = cache_path(kind, language, [sorted(sources.items()), ENGINE])
    stored = read_cached(path) if path is not None else None
    if isinstance(stored, dict) and stored.keys() == sources.keys():
        with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError, RuntimeError):
            return {name: from_compiled_form(form) for name, form in stored.items()}
    compiled = {name: re.compile(pattern, flags) for name, (pattern, flags) in sources.items()}
    if path is not None:
        with contextlib.suppress(TypeError, ValueError, AttributeError, ImportError):
            store(path, {name: compiled_form(e) for name, e in compiled.items()})
    return compiled
