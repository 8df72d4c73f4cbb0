"""The HTML report: one self-contained file (no network needed to open it).

A heatmap of documents by items (colour by status; a cell's tooltip gives the evidence or
the reason, and clicking it jumps to the words in the document), the statistics people ask
first (how many documents meet each item; the score distribution), and per document its
text with the evidence highlighted per item. Every piece of document text is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ptcheck import __version__
from ptcheck.formatters import STATUS_LOOK, RenderOptions
from ptcheck.results import DocumentResult

COLOURS = {status: look.colour for status, look in STATUS_LOOK.items()}
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse}td,th{padding:2px 4px}
.heatmap th.item{writing-mode:vertical-rl;transform:rotate(180deg);
 font-weight:normal;font-size:11px}
.heatmap td.cell{width:16px;height:16px;border:1px solid #fff;padding:0}
.heatmap td.cell a{display:block;width:100%;height:100%}
.met{background:#2e7d32}.partial{background:#f9a825}.missing{background:#c62828}
.stats td.bar span{display:inline-block;height:10px;background:#1565c0}
pre.text{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:1em;
 max-height:40em;overflow:auto}
mark{background:#fff59d}mark:target{background:#ff9800;outline:2px solid #e65100}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
.failed{color:#c62828}
"""


def escape(text: str) -> str:
    """Text safe anywhere in HTML: escaped, control characters dropped."""
    return html.escape(_UNSAFE.sub(" ", text), quote=True)


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """The report for documents analysed by `ptcheck analyze --format html`."""
    documents = [result.as_dict() for result in results]
    texts = {result.document.path: result.text for result in results}
    return render_report(documents, texts, [])


def render_report(
    documents: Sequence[Mapping[str, Any]],
    texts: Mapping[str, str],
    failed: Sequence[Mapping[str, str]],
    title: str = "ptcheck report",
) -> str:
    """The whole page: heatmap, statistics, failures, documents with highlighted evidence."""
    ranked = sorted(documents, key=lambda d: (-d["score"], d["document"]["path"]))
    items = [(item["id"], item["title"]) for item in ranked[0]["items"]] if ranked else []
    checklist = ranked[0]["checklist"] if ranked else {}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy'"
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{len(documents)} documents analysed, {len(failed)} failed · checklist "
        f"{escape(str(checklist.get('id', '')))} {escape(str(checklist.get('version', '')))} · "
        f"ptcheck {escape(__version__)}</p>",
        "<p class='legend'>"
        + "".join(f"<span class='{status}'></span>{status}" for status in COLOURS)
        + "</p>",
        _heatmap(ranked, items),
        _statistics(ranked, items),
        _failures(failed),
    ]
    for index, document in enumerate(ranked):
        parts.append(_document(index, document, texts.get(document["document"]["path"], "")))
    parts.append("</body></html>")
    return "\n".join(parts)


def _heatmap(documents: Sequence[Mapping[str, Any]], items: list[tuple[str, str]]) -> str:
    head = "".join(
        f"<th class='item' title='{escape(title)}'>{escape(i)}</th>" for i, title in items
    )
    rows = []
    for index, document in enumerate(documents):
        cells = []
        for item in document["items"]:
            tip = _tooltip(item)
            anchor = f"#d{index}-{_slug(item['id'])}-0" if item["evidence"] else f"#d{index}"
            cells.append(
                f"<td class='cell {item['status']}' data-item='{escape(item['id'])}' "
                f"title='{escape(tip)}'><a href='{anchor}' "
                f"aria-label='{escape(item['id'])}'></a></td>"
            )
        path = document["document"]["path"]
        rows.append(
            f"<tr class='doc-row'><th><a href='#d{index}'>{escape(path)}</a></th>"
            f"<td>{document['score']:.1f}</td><td>{escape(document['verdict'])}</td>{''.join(cells)}</tr>"
        )
    return (
        "<h2>Documents by items</h2><table class='heatmap'><thead><tr><th>document</th>"
        f"<th>score</th><th>verdict</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _tooltip(item: Mapping[str, Any]) -> str:
    lines = [f"{item['id']}: {item['status']}", item["message"]]
    for found in item["evidence"][:3]:
        lines.append(f"{found['section']} (line {found['line']}): “{found['quote']}”")
    return "\n".join(lines)


def _statistics(documents: Sequence[Mapping[str, Any]], items: list[tuple[str, str]]) -> str:
    total = len(documents) or 1
    rows = []
    for position, (item_id, title) in enumerate(items):
        met = sum(d["items"][position]["status"] == "met" for d in documents)
        rows.append(
            f"<tr><td>{escape(item_id)}</td><td>{escape(title)}</td><td>{met}/{len(documents)}</td>"
            f"<td class='bar'><span style='width:{round(200 * met / total)}px'></span></td></tr>"
        )
    bins = [0] * 10
    for document in documents:
        bins[min(int(document["score"] // 10), 9)] += 1
    histogram = "".join(
        f"<tr><td>{10 * b}–{10 * b + 10 if b < 9 else 100}</td><td>{count}</td>"
        f"<td class='bar'><span style='width:{round(200 * count / total)}px'></span></td></tr>"
        for b, count in enumerate(bins)
    )
    return (
        "<h2>How many documents meet each item</h2><table class='stats'>"
        + "".join(rows)
        + "</table>"
        "<h2>Score distribution</h2><table class='stats'>" + histogram + "</table>"
    )


def _failures(failed: Sequence[Mapping[str, str]]) -> str:
    if not failed:
        return ""
    rows = "".join(f"<li>{escape(f['error'])}</li>" for f in failed)
    return f"<h2>Could not be read</h2><ul class='failed'>{rows}</ul>"


def _document(index: int, document: Mapping[str, Any], text: str) -> str:
    info = document["document"]
    gaps = [i for i in document["items"] if i["status"] != "met"]
    gap_list = "".join(
        f"<li><b>{escape(i['id'])}</b> ({escape(i['status'])}): {escape(i['message'])}</li>"
        for i in gaps
    )
    return (
        f"<section class='document' id='d{index}'><h2>{escape(info['path'])}</h2>"
        f"<p>score {document['score']:.1f} · {escape(document['verdict'])} · "
        f"{escape(document.get('summary', ''))}</p>"
        f"<details><summary>{len(gaps)} gaps</summary><ul>{gap_list}</ul></details>"
        f"<pre class='text'>{_highlighted(index, text, document['items'])}</pre></section>"
    )


def _highlighted(index: int, text: str, items: Sequence[Mapping[str, Any]]) -> str:
    """The text, escaped, with every evidence quote in a <mark> naming its items."""
    if not text:
        return "(text not available)"
    spans: dict[tuple[int, int], list[tuple[str, int]]] = {}
    for item in items:
        for number, found in enumerate(item["evidence"]):
            start, end = found["start"], found["end"]
            if 0 <= start < end <= len(text):
                spans.setdefault((start, end), []).append((item["id"], number))
    out: list[str] = []
    cursor = 0
    for (start, end), owners in sorted(spans.items()):
        if start < cursor:
            continue  # overlapping quotes: the first one is marked
        ids = " ".join(f"d{index}-{_slug(i)}-{n}" for i, n in owners)
        classes = " ".join(f"i-{_slug(i)}" for i, _ in owners)
        names = ", ".join(i for i, _ in owners)
        out.append(escape(text[cursor:start]))
        first_id, *other_ids = ids.split()
        out.append("".join(f"<a id='{other}'></a>" for other in other_ids))
        out.append(
            f"<mark id='{first_id}' class='ev {classes}' data-items='{escape(names)}' "
            f"title='{escape(names)}'>{escape(text[start:end])}</mark>"
        )
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def _slug(item_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", item_id.lower())
