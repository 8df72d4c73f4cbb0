"""CSV: the document-by-item matrix (one row per document, one column per item)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_SEPARATED_FORMULA = re.compile(r"([;,\t])([=+\-@])")


def cell(text: str) -> str:
    """A spreadsheet-safe cell: a formula character at its start, or after a separator a
    spreadsheet in another locale may split on (";", ","), is neutralised; line breaks in
    it are escaped, so a row stays one line."""
    text = _SEPARATED_FORMULA.sub(r"\1'\2", text.replace("\r", "\\r").replace("\n", "\\n"))
    return "'" + text if text.startswith(_FORMULA) else text


def render_matrix(
    documents: Sequence[Mapping[str, Any]], failed: Sequence[Mapping[str, str]]
) -> str:
    """path, score, verdict, then one status column per item, the error and the checklist
    (id and version); failed files with their error."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    item_ids = [item["id"] for item in documents[0]["items"]] if documents else []
    checklist = documents[0]["checklist"] if documents else {}
    judged_by = f"{checklist.get('id', '')} {checklist.get('version', '')}".strip()
    writer.writerow(["path", "score", "verdict", *item_ids, "error", "checklist"])
    for document in documents:
        writer.writerow(
            [cell(document["document"]["path"]), f"{document['score']:.1f}", document["verdict"]]
            + [item["status"] for item in document["items"]]
            + ["", cell(judged_by)]
        )
    for failure in failed:
        writer.writerow(
            [cell(failure["path"]), "", "error", *[""] * len(item_ids), cell(failure["error"]), ""]
        )
    return buffer.getvalue()
