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
from ptcheck.checklist import Messages
from ptcheck.formatters import STATUS_LOOK, RenderOptions
from ptcheck.results import DocumentResult

DEFAULT_WORDS = Messages()  # for a result that does not carry its checklist's words
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
.waived{background:#546e7a}
.stats td.bar span{display:inline-block;height:10px;background:#1565c0}
pre.text{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:1em;
 max-height:40em;overflow:auto}
mark{background:#fff59d}mark a{color:inherit;text-decoration:none}
mark.met{background:#c8e6c9}mark.partial{background:#ffe082}mark.missing{background:#ffcdd2}
mark.waived{background:#cfd8dc}
mark:target{background:#ff9800;outline:2px solid #e65100}
.badge{display:inline-block;min-width:5em;text-align:center;color:#fff;border-radius:3px;
 padding:0 4px;font-size:12px}
details.gap{border:1px solid #ddd;border-left:4px solid #c62828;margin:.6em 0;padding:.3em .8em}
details.partial-gap{border-left-color:#f9a825}
details.gap:target,li:target{background:#fff8e1}
.warning{color:#e65100}.foot{color:#777;font-size:12px}
@media (max-width: 1000px){body{margin:.6em}pre.text{max-height:none}}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
.failed{color:#c62828}
"""


def escape(text: str) -> str:
    """Text safe anywhere in HTML: escaped, control characters dropped."""
    return html.escape(_UNSAFE.sub(" ", text), quote=True)


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """`ptcheck analyze --format html`: the drafter's report for one document, the
    comparison (heatmap and statistics) for several."""
    documents = [result.as_dict() for result in results]
    texts = {result.document.path: result.text for result in results}
    if len(results) == 1 and not options.several:
        return render_draft(documents[0], results[0].text)
    return render_report(documents, texts, [])


def render_draft(document: Mapping[str, Any], text: str) -> str:
    """One draft: score, verdict and categories; the gaps open, each with what the
    Protocol requires, the nearest passage and how to close it; the items met with their
    evidence; the text with every quote highlighted in its status colour, linked to its
    item and back."""
    info = document["document"]
    path = _shown(info["path"])
    items = document["items"]
    gaps = [i for i in items if i["status"] == "missing"]
    gaps += [i for i in items if i["status"] == "partial"]
    met = [i for i in items if i["status"] in ("met", "waived")]
    categories = "".join(
        f"<tr><td>{escape(c['title'])}</td><td>{c['score']:.0f}</td>"
        f"<td class='bar'><span style='width:{round(2 * c['score'])}px'></span></td></tr>"
        for c in document["categories"]
    )
    parts = [
        _head(f"ptcheck: {path}"),
        f"<h1>{escape(path)}</h1>",
        f"<p class='verdict v-{escape(document['verdict'])}'>Score "
        f"<b>{document['score']:.1f}</b>/100 · verdict <b>{escape(document['verdict'])}</b></p>",
        f"<p>{escape(document.get('summary', ''))}</p>",
        "".join(f"<p class='warning'>{escape(w)}</p>" for w in document.get("warnings", [])),
        f"<table class='stats categories'>{categories}</table>",
        _gaps_part(document, gaps),
        f"<h2 id='met'>Met ({len(met)})</h2><ul class='met-items'>",
        "".join(_met_item(item) for item in met),
        "</ul><h2 id='text'>The text</h2>",
        f"<pre class='text'>{_highlighted(0, text, items, link_back=True)}</pre>",
        f"<p class='foot'>checklist {escape(document['checklist']['id'])} "
        f"{escape(document['checklist']['version'])} · ptcheck {escape(__version__)}</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _gaps_part(document: Mapping[str, Any], gaps: list[Mapping[str, Any]]) -> str:
    """The open gaps; for a document with no offence, that one fact (not once per item)."""
    checklist = document.get("checklist", {})
    if not document.get("offences") and not document.get("warnings"):
        return (
            f"<h2 id='gaps'>No offence</h2><p class='warning'>"
            f"{escape(checklist.get('no_offence', DEFAULT_WORDS.no_offence))}, so every item is"
            " missing. If this law does create such an offence, it may be worded in a way"
            " ptcheck does not read: check the language and the offence provision.</p>"
        )
    label = checklist.get("requirement_label", DEFAULT_WORDS.requirement)
    listed = "".join(_gap(item, label) for item in gaps) or "<p>None: every item is met.</p>"
    return f"<h2 id='gaps'>Gaps ({len(gaps)})</h2>{listed}"


def _gap(item: Mapping[str, Any], label: str) -> str:
    nearest = "".join(
        f"<p><b>Nearest passage:</b> {_evidence_link(item, found, 'nearest')}</p>"
        for found in item.get("nearest", [])[:1]
    )
    quotes = "".join(f"<p>{_evidence_link(item, f, 'ev')}</p>" for f in item["evidence"])
    return (
        f"<details open class='gap {item['status']}-gap' id='item-{_slug(item['id'])}'>"
        f"<summary><span class='badge {item['status']}'>{escape(item['status'])}</span> "
        f"<code>{escape(item['id'])}</code> {escape(item['title'])}</summary>"
        f"<p>{escape(item['message'])}</p>{quotes}{nearest}"
        f"<p><b>{escape(label)}:</b> {escape(item['requirement'])}</p>"
        f"<p><b>To close it:</b> {escape(item['guidance'])}</p></details>"
    )


def _met_item(item: Mapping[str, Any]) -> str:
    quotes = "; ".join(_evidence_link(item, found, "ev") for found in item["evidence"])
    reason = "" if item["message"].startswith("Found in") else f" — {escape(item['message'])}"
    return (
        f"<li id='item-{_slug(item['id'])}'><span class='badge {item['status']}'>"
        f"{escape(item['status'])}</span> <code>{escape(item['id'])}</code> "
        f"{escape(item['title'])}: {quotes}{reason}</li>"
    )


def _evidence_link(item: Mapping[str, Any], found: Mapping[str, Any], kind: str) -> str:
    """A quote linking to its highlight in the text (evidence), or to its place."""
    label = f"{escape(found['section'])} (line {found['line']}): “{escape(found['quote'])}”"
    if kind == "ev":
        number = item["evidence"].index(found)
        return f"<a href='#d0-{_slug(item['id'])}-{number}'>{label}</a>"
    return label


def _shown(path: str) -> str:
    """A path as the reader knows it: relative to the working folder when inside it."""
    import os

    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


def _head(title: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy'"
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
    )


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
        _head(title),
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
        path = _shown(document["document"]["path"])
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
        f"<section class='document' id='d{index}'><h2>{escape(_shown(info['path']))}</h2>"
        f"<p>score {document['score']:.1f} · {escape(document['verdict'])} · "
        f"{escape(document.get('summary', ''))}</p>"
        f"<details><summary>{len(gaps)} gaps</summary><ul>{gap_list}</ul></details>"
        f"<pre class='text'>{_highlighted(index, text, document['items'])}</pre></section>"
    )


def _highlighted(
    index: int, text: str, items: Sequence[Mapping[str, Any]], link_back: bool = False
) -> str:
    """The text, escaped, with every evidence quote in a <mark> naming its items.

    Overlapping quotes are one mark holding an anchor for each, so every link to a quote
    lands; a mark takes the colour of its first item's status and, in the drafter's
    report (`link_back`), links back to that item.
    """
    if not text:
        return "(text not available)"
    spans: list[tuple[int, int, str, int, str]] = []
    for item in items:
        for number, found in enumerate(item["evidence"]):
            start, end = found.get("start", 0), found.get("end", 0)
            if 0 <= start < end <= len(text):
                spans.append((start, end, item["id"], number, item["status"]))
    spans.sort()
    merged: list[tuple[int, int, list[tuple[str, int, str]]]] = []
    for start, end, item_id, number, status in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end), merged[-1][2])
        else:
            merged.append((start, end, []))
        merged[-1][2].append((item_id, number, status))
    out: list[str] = []
    cursor = 0
    for start, end, owners in merged:
        anchors = [f"d{index}-{_slug(i)}-{n}" for i, n, _ in owners]
        names = ", ".join(dict.fromkeys(i for i, _, _ in owners))
        classes = " ".join(dict.fromkeys(f"i-{_slug(i)}" for i, _, _ in owners))
        first_item, _, status = owners[0]
        out.append(escape(text[cursor:start]))
        out.append("".join(f"<a id='{anchor}'></a>" for anchor in anchors[1:]))
        words = escape(text[start:end])
        if link_back:
            words = f"<a href='#item-{_slug(first_item)}'>{words}</a>"
        out.append(
            f"<mark id='{anchors[0]}' class='ev {status} {classes}' data-items='{escape(names)}'"
            f" title='{escape(names)}'>{words}</mark>"
        )
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def _slug(item_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", item_id.lower())
