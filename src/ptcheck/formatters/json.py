"""JSON: the stable contract (schema_version 1); one object per document, a list for several."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ptcheck.formatters import RenderOptions
from ptcheck.results import DocumentResult


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """One JSON object for one document, an array of them for several."""
    data = [result.as_dict() for result in results]
    payload = data[0] if len(data) == 1 else data
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
