"""JSON: the stable contract (schema_version 1); one object per document, a list for several
files (a file that could not be read is in the list with its `error`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

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
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
