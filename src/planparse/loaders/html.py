"""HTML: a saved government web page → the article body as paragraphs.

Parsed with the standard library's ``html.parser`` into a small tree; the body is the element
whose id or class names an article (content, article, zoom, TRS_Editor …) holding the most
text, else ``<body>``. Scripts, styles, navigation, headers, footers and forms are dropped;
``<p>``, ``<br>``, ``<div>``, ``<li>`` and headings end a paragraph; a table row becomes one
line with its cells separated by a tab. The encoding comes from the BOM, a ``<meta charset>``
declaration, or a UTF-8 / GB18030 trial.

>>> html = "<html><body><div class='nav'>首页</div><div id='zoom'><p>一、总体要求</p><p>（一）加强领导</p></div></body></html>"
>>> load_html(html.encode(), "p.html", "0").text
'一、总体要求\\n（一）加强领导'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from planparse.errors import InputError
from planparse.loaders.base import Loaded, cell_text
from planparse.loaders.txt import decode
from planparse.models import Source

_SKIP = {"script", "style", "noscript", "nav", "header", "footer", "form", "select", "option", "button", "iframe", "svg", "head", "template"}
_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "pre", "table", "tr", "ul", "ol", "center", "td", "th"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
_BODY_HINT = re.compile(r"content|article|zoom|trs_?editor|main|text|detail|body|zw|wzy|nr", re.I)
_NOISE_HINT = re.compile(r"nav|menu|footer|header|breadcrumb|share|sidebar|related|copyright|toolbar|print", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
# Elements opened deeper than this become children of the element at this depth (siblings, in
# order, each holding its own text), so that the tree's walks (recursive) stay within Python's
# recursion limit: real pages nest a few dozen deep, a broken or hostile one (100 000 unclosed
# <div>) raised RecursionError.
_MAX_DEPTH = 200


@dataclass
class _Node:
    tag: str
    attrs: str
    children: list[_Node | str] = field(default_factory=list)
    span: tuple[int, int] = (1, 1)  # a table cell's rowspan and colspan

    def text_len(self) -> int:
        return sum(len(c.strip()) if isinstance(c, str) else c.text_len() for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", "")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, " ".join(f"{v}" for k, v in attrs if k in ("id", "class") and v))
        if tag in ("td", "th"):
            node.span = (_span(attrs, "rowspan"), _span(attrs, "colspan"))
        self.stack[min(len(self.stack), _MAX_DEPTH) - 1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _decode(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "replace").lower()
        name = "gb18030" if name in ("gb2312", "gbk", "gb18030") else name
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    decoded = decode(data)
    return decoded[0] if decoded else None


def _walk(node: _Node) -> list[_Node]:
    out = [node]
    for c in node.children:
        if isinstance(c, _Node):
            out.extend(_walk(c))
    return out


def _render(node: _Node, out: list[str]) -> None:
    """Append text; '\\n' ends a paragraph, '\\t' separates table cells."""
    if node.tag in _SKIP or (node.attrs and _NOISE_HINT.search(node.attrs) and not _BODY_HINT.search(node.attrs)):
        return
    if node.tag == "br":
        out.append("\n")
        return
    if node.tag == "table":
        out.extend(f"{chr(9).join(row)}\n" for row in _table_rows(node))
        return
    _render_children(node, out)
    if node.tag in _BLOCK:
        out.append("\n")


def _render_children(node: _Node, out: list[str]) -> None:
    for c in node.children:
        if isinstance(c, str):
            out.append(re.sub(r"[ \t\r\n]+", " ", c))
        else:
            _render(c, out)


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    value = next((v for k, v in attrs if k == name and v), "1")
    digits = re.match(r"\s*([0-9]{1,3})", value)
    return max(1, int(digits.group(1))) if digits else 1


def _table_rows(table: _Node) -> list[list[str]]:
    """The rows of a table, a cell under each column it spans: a cell merged down (rowspan) or
    across (colspan) repeats its text there, as the DOCX and PDF loaders do. Tables inside a cell
    are part of its text."""
    rows: list[list[str]] = []
    below: dict[int, tuple[int, str]] = {}  # column → (rows it still covers, text) of a cell merged down
    for tr in _rows_of(table):
        cells = iter([c for c in tr.children if isinstance(c, _Node) and c.tag in ("td", "th")])
        row: list[str] = []
        while True:
            col = len(row)
            if col in below:
                left, text = below.pop(col)
                row.append(text)
                if left > 1:
                    below[col] = (left - 1, text)
                continue
            cell = next(cells, None)
            if cell is None:
                for col in sorted(c for c in below if c > len(row)):  # a short row: a cell merged down still covers it
                    left, text = below.pop(col)
                    row.extend([""] * (col - len(row)) + [text])
                    if left > 1:
                        below[col] = (left - 1, text)
                break
            parts: list[str] = []
            _render_children(cell, parts)
            text = cell_text("".join(parts).replace("\t", " ").split("\n"))
            down, across = cell.span
            for _ in range(min(across, 64)):
                if down > 1:
                    below[len(row)] = (down - 1, text)
                row.append(text)
        if any(row):
            rows.append(row)
    return rows


def _rows_of(node: _Node) -> list[_Node]:
    """The ``tr`` of a table, in thead/tbody/tfoot or not, not those of tables nested in its cells."""
    out: list[_Node] = []
    for c in node.children:
        if isinstance(c, _Node):
            if c.tag == "tr":
                out.append(c)
            elif c.tag not in ("table", "td", "th"):
                out.extend(_rows_of(c))
    return out


def load_html(data: bytes, name: str, sha: str) -> Loaded:
    text = _decode(data)
    if text is None:
        raise InputError(name, "decode-failed", "an HTML page in an encoding that is neither declared nor UTF-8/GB18030")
    builder = _TreeBuilder()
    try:
        builder.feed(text)
        builder.close()
    except Exception as err:
        raise InputError(name, "corrupt", f"not a readable HTML page ({type(err).__name__})") from None
    nodes = _walk(builder.root)
    candidates = [n for n in nodes if n.attrs and _BODY_HINT.search(n.attrs) and not _NOISE_HINT.search(n.attrs)]
    body = next((n for n in nodes if n.tag == "body"), builder.root)
    best = max(candidates, key=_Node.text_len, default=None)
    chosen = best if best is not None and best.text_len() >= 0.3 * body.text_len() else body
    parts: list[str] = []
    _render(chosen, parts)
    lines = []
    for raw in "".join(parts).split("\n"):
        line = raw.strip(" \u3000")  # a table row keeps its empty edge cells (tabs)
        if line.strip():
            lines.append(line)
    out = "\n".join(lines)
    if not out.strip():
        raise InputError(name, "empty", "the HTML page has no text")
    return Loaded(text=out, source=Source(path=name, format="html", sha256=sha), cells_repeated=True)
