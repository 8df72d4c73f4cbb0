"""HTML via selectolax (lexbor): text of the body, block elements on lines of their own.

Scripts, styles and other non-content elements are removed before the text is taken;
nothing in the page is ever executed.
"""

from __future__ import annotations

import re

_DROP = "script, style, noscript, template, head, iframe, object, svg, math, nav"
_BLOCKS = (
    "p, div, li, dt, dd, h1, h2, h3, h4, h5, h6, tr, br, section, article, header, footer,"
    " blockquote, pre, table, ul, ol, dl, hr, title, caption, main"
)


def html_text(html: str) -> str:
    """Plain text of an HTML document."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css(_DROP):
        node.decompose()
    for node in tree.css(_BLOCKS):
        node.insert_before("\n")
        node.insert_after("\n")
    for node in tree.css("td, th"):
        node.insert_after("\t")
    root = tree.body or tree.root
    if root is None:
        return ""
    text = root.text(deep=True, separator="")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
