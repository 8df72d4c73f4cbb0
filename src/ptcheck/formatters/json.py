"""JSON: the stable contract (schema_version 1); one object per document, a list for several
files (a file that could not be read is in the list with its `error`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson

from ptcheck.formatters import RenderOptions
from ptcheck.results import SCHEMA_VERSION, DocumentResult


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """One JSON object for one document; an array when several files were asked for: the
    documents read, then an entry (path and error) for each file that could not be."""
    data: list[dict[str, object]] = [result.as_dict() for result in results]
    data += [
        {"schema_version": SCHEMA_VERSION, "document": {"path": path}, "error": error}
        for path, error in options.failures
    ]
    payload = data if options.several or len(data) != 1 else data[0]
    return json_text(payload)


def json_text(data: Any) -> str:
    """`data` as JSON indented by two spaces, non-ASCII kept, ending in a line break: what
    `json.dumps(data, ensure_ascii=False, indent=2)` writes, 40 times faster (orjson; the
    standard library indents in pure Python: 0.5 s for a 500-law batch). Data orjson refuses
    (keys that are not strings, integers over 64 bits) goes to the standard library. The one
    difference, numbers under 10^-4 written "1e-7" rather than "1e-07", is still JSON, and a
    result holds none: its scores and weights are rounded."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except TypeError:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
