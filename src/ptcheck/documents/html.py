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


MAX_DEPTH = 1_000  # statutes nest a few dozen elements; the parser slows down past thousands
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
# Elements without content, and those whose end tag may be left out (<p>, <li>, <td>...):
# neither deepens the nesting however many there are.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr"
    " p li dt dd tr td th thead tbody tfoot option optgroup colgroup rt rp html head body".split()
)


class TooDeep(ValueError):
    """Elements nested deeper than MAX_DEPTH."""


def nesting_depth(html: str) -> int:
    """The deepest nesting of elements, counted in one pass over the tags."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(html):
        if closing:
            if name.lower() not in _NOT_NESTING:
                depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _NOT_NESTING:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def html_text(html: str) -> str:
    """Plain text of an HTML document (TooDeep past MAX_DEPTH nested elements)."""
    from selectolax.lexbor import LexborHTMLParser

    if nesting_depth(html) > MAX_DEPTH:
        raise TooDeep(f"elements nested more than {MAX_DEPTH:,} deep: refused")

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
