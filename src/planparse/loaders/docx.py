"""DOCX: body paragraphs and tables in document order, Word numbering rendered as written.

python-docx opens the package (its XML parser resolves no entities and loads no DTD, so
billion-laughs and XXE payloads stay inert); the body is walked here because python-docx has
no view of automatic numbering or revisions:
- Word automatic numbering (``w:numPr`` on the paragraph or its style) becomes the marker the
  reader sees (``一、`` ``（一）`` ``1.`` ``①``): docx_numbering.py;
- deleted revisions (``w:del``) are left out, inserted ones (``w:ins``) kept; headers, footers
  and comments live in other parts and are never read;
- table rows become one line each, cells separated by a tab; horizontally merged cells once,
  vertically merged cells repeated, as the task-table extractor expects.
A zip bomb is refused from the zip directory, before anything is inflated.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from planparse.errors import InputError
from planparse.loaders.base import INDENT as _INDENT
from planparse.loaders.base import MARGIN_MARK, Loaded, cell_text
from planparse.loaders.docx_numbering import Numbering
from planparse.models import Source
from planparse.options import Options

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PAGE = "\x0c"  # a page-break mark in the walked text, removed again once pages are counted


def _check_zip(data: bytes, name: str, opts: Options) -> int | None:
    """Refuse zip bombs before inflating; return the page count from app.xml when present."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception:
        raise InputError(name, "corrupt", "not a valid .docx (the zip container is broken)") from None
    if len(infos) > opts.max_docx_members:
        raise InputError(name, "too-large", f"the .docx holds {len(infos)} files, over the {opts.max_docx_members} limit")
    if sum(i.file_size for i in infos) > opts.max_docx_uncompressed:
        raise InputError(name, "too-large", "the .docx would inflate beyond the size limit (a zip bomb?)")
    if "word/document.xml" not in zf.namelist():
        raise InputError(name, "corrupt", "a zip file without word/document.xml")
    try:
        app = zf.read("docProps/app.xml").decode("utf-8", "replace")
    except Exception:
        return None
    m = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(m.group(1)) if m else None


class _Indents:
    """Which paragraphs start right of the left margin: a first-line indent (w:ind firstLine /
    firstLineChars) or centred or right-aligned (a title, a signature), set on the paragraph or
    inherited from its style (basedOn) or the document's defaults. Such a paragraph is marked as a
    PDF's indented line is, so that the normaliser never runs it on from the line before."""

    def __init__(self, document: Any) -> None:
        self.styles: dict[str, tuple[bool | None, str | None]] = {}  # paragraph styleId → (indented, basedOn)
        self.default: bool = False
        self.normal = "Normal"  # the default paragraph style's id (正文 is "a" in Chinese Word and WPS)
        try:
            root = document.styles.element
        except (AttributeError, KeyError):
            return
        for style in root.iter(f"{W}style"):
            if style.get(f"{W}type", "paragraph") != "paragraph":
                continue
            if style.get(f"{W}default") in ("1", "true", "on"):
                self.normal = style.get(f"{W}styleId", self.normal)
            based = style.find(f"{W}basedOn")
            self.styles[style.get(f"{W}styleId", "")] = (_starts_right(style.find(f"{W}pPr")), _val(based, "") or None)
        defaults = root.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
        self.default = bool(_starts_right(defaults))

    def indented(self, p: Any) -> bool:
        ppr = p.find(f"{W}pPr")
        own = _starts_right(ppr)
        if own is not None:
            return own
        style = _val(ppr.find(f"{W}pStyle"), "") if ppr is not None else ""
        for _ in range(20):  # a basedOn chain, cut short should it loop
            found, based = self.styles.get(style or self.normal, (None, None))
            if found is not None:
                return found
            if not based:
                break
            style = based
        return self.default


def _starts_right(ppr: Any) -> bool | None:
    """Whether a paragraph's properties start it right of the margin; None when they say nothing."""
    if ppr is None:
        return None
    if _val(ppr.find(f"{W}jc"), "") in ("center", "right", "end"):
        return True
    ind = ppr.find(f"{W}ind")
    if ind is None:
        return None
    values = [ind.get(f"{W}{a}") for a in ("firstLineChars", "firstLine", "hangingChars", "hanging")]
    if all(v is None for v in values):
        return None
    first = next((v for v in values[:2] if v is not None), "0")
    return first.lstrip("-").isdigit() and int(first) > 0


def _val(el: Any, default: str) -> str:
    return default if el is None else el.get(f"{W}val", default)


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# markup whose text the reader never sees: deletions, moved-away text, field codes, properties
_SKIP = {f"{W}{t}" for t in ("del", "instrText", "delText", "delInstrText", "moveFrom", "rPr", "pPr")}
_SYMBOL_FONTS = ("symbol", "wingdings", "webdings", "mt extra")  # private glyph codes, nothing Unicode


def _text(el: Any, boxes: list[Any] | None = None) -> str:
    """Visible text of an element: deleted revisions, field codes and hidden runs skipped, inserted
    text kept. A text box is not text of its paragraph: its content goes to ``boxes`` for the caller
    to read as paragraphs of their own, once (mc:AlternateContent holds it twice, as a drawing and as
    the VML fallback; only the first choice is read)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == f"{W}t":
                out.append(child.text or "")
            elif tag == f"{W}r" and _hidden(child):
                continue
            elif tag in (f"{W}tab", f"{W}ptab"):
                out.append("\t")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")  # 2023-2025 with Word's non-breaking hyphen
            elif tag == f"{W}sym":
                out.append(_symbol(child))
            elif tag == f"{W}lastRenderedPageBreak" or (tag == f"{W}br" and child.get(f"{W}type") == "page"):
                out.append(_PAGE)  # where Word last laid out a new page: the page map
            elif tag in (f"{W}br", f"{W}cr"):
                # a line break inside a paragraph (Shift+Enter; text pasted from a PDF has one at every
                # line's end): the paragraph goes on unless what follows starts one (normalize decides)
                out.append(MARGIN_MARK + "\n")
            elif tag == f"{W}txbxContent":
                if boxes is not None:
                    boxes.append(child)
            elif tag == f"{_MC}AlternateContent":
                walk(child[:1])  # the first mc:Choice (or the only mc:Fallback)
            else:
                walk(child)

    walk(el)
    return "".join(out)


def _hidden(run: Any) -> bool:
    """A run set hidden (w:vanish): neither shown nor printed."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and _val(vanish, "1") not in ("0", "false", "off")


def _symbol(sym: Any) -> str:
    """The character of a w:sym (Insert ▸ Symbol): its code, less the 0xF000 Word adds to a font's own."""
    font, code = sym.get(f"{W}font", "").lower(), sym.get(f"{W}char", "")
    try:
        n = int(code, 16)
    except ValueError:
        return ""
    if font.startswith(_SYMBOL_FONTS):
        return ""
    n = n - 0xF000 if n >= 0xF000 else n
    return chr(n) if n >= 0x20 else ""


def _mark_deleted(p: Any) -> bool:
    """Whether a paragraph's mark is deleted or moved away with changes tracked."""
    rpr = p.find(f"{W}pPr/{W}rPr")
    return rpr is not None and (rpr.find(f"{W}del") is not None or rpr.find(f"{W}moveFrom") is not None)


def _paragraphs(container: Any) -> list[str]:
    """Texts of the paragraphs in a table cell, in order: nested tables' and text boxes' included, once."""
    out: list[str] = []
    for child in container:
        tag = child.tag
        if tag == f"{W}p":
            boxes: list[Any] = []
            out.append(_text(child, boxes))
            for box in boxes:
                out.extend(_paragraphs(box))
        elif tag in (f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            out.extend(_paragraphs(child))
    return out


_WRAPPERS = (f"{W}sdt", f"{W}sdtContent", f"{W}customXml")  # content controls and custom XML around rows or cells


def _within(parent: Any, tag: str) -> list[Any]:
    """``parent``'s children with ``tag``, content controls around them unwrapped."""
    out: list[Any] = []
    for child in parent:
        if child.tag == tag:
            out.append(child)
        elif child.tag in _WRAPPERS:
            out.extend(_within(child, tag))
    return out


def _int(el: Any, default: int) -> int:
    value = _val(el, str(default))
    return int(value) if value.isdigit() else default


def _table_rows(tbl: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    above: dict[int, str] = {}
    for tr in _within(tbl, f"{W}tr"):
        if tr.find(f"{W}trPr/{W}del") is not None:
            continue  # a row deleted with changes tracked
        col = _int(tr.find(f"{W}trPr/{W}gridBefore"), 0)  # grid columns the row leaves out before its first cell
        cells: list[str] = [""] * col
        for tc in _within(tr, f"{W}tc"):
            span = max(1, _int(tc.find(f"{W}tcPr/{W}gridSpan"), 1))
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            text = cell_text(_paragraphs(tc))
            if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue":
                text = above.get(col, "")  # a vertically merged cell repeats the one above
            above[col] = text
            cells.extend([text] * span)  # a merged cell stands under each header it spans
            col += span
        if any(cells):
            rows.append(cells)
    return rows


def _frame(tbl: Any) -> list[Any] | None:
    """The cells of a table used as a frame around the text (one cell a row, as a 1×1 table holding
    the whole document), else None: such cells are read as body text, paragraph by paragraph."""
    rows = [_within(tr, f"{W}tc") for tr in _within(tbl, f"{W}tr")]
    return [cells[0] for cells in rows if cells] if rows and all(len(cells) <= 1 for cells in rows) else None


# The main part of a Word document in its other packagings: macro-enabled (.docm), template (.dotx)
# and macro-enabled template (.dotm). Their body is a .docx's; python-docx's Document() refuses them
# (a .docm failed as "not a readable .docx (ValueError)"). The macros are never read.
_WORD_MAIN_TYPES = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def _open(data: bytes) -> Any:
    """The package's Document, whichever Word packaging holds it (python-docx's Document() otherwise)."""
    from docx.opc.part import PartFactory
    from docx.package import Package
    from docx.parts.document import DocumentPart

    for content_type in _WORD_MAIN_TYPES:
        PartFactory.part_type_for.setdefault(content_type, DocumentPart)
    part = Package.open(io.BytesIO(data)).main_document_part
    if not isinstance(part, DocumentPart):
        raise InputError(None, "unsupported-format", f"an Office file that is not a Word document ({part.content_type})")
    return part.document


def load_docx(data: bytes, name: str, sha: str, options: Options | None = None) -> Loaded:
    opts = Options.resolve(options)
    pages = _check_zip(data, name, opts)
    try:
        import docx  # noqa: F401  (a clear error, should python-docx be missing)
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise InputError(name, "unsupported-format", "DOCX support needs python-docx") from None
    try:
        document = _open(data)
        body = document.element.body
    except InputError as err:
        raise InputError(name, err.code, err.reason) from None
    except Exception as err:
        raise InputError(name, "corrupt", f"not a readable .docx ({type(err).__name__})") from None
    numbering = Numbering(document)
    indents = _Indents(document)
    lines: list[str] = []
    tables: list[list[list[str]]] = []

    def visit(container: Any) -> None:
        for child in container:
            tag = child.tag
            if tag == f"{W}p":
                boxes: list[Any] = []
                text = _text(child, boxes)
                lead = len(text) - len(text.lstrip(_PAGE))  # a page that begins here begins before the number
                indent = _INDENT if indents.indented(child) and text.strip() else ""
                # a paragraph deleted whole with changes tracked (its text and its mark) takes no number
                gone = not text.strip(_PAGE + " \t\u3000") and _mark_deleted(child)
                lines.append(text[:lead] + indent + ("" if gone else numbering.marker(child)) + text[lead:])
                for box in boxes:  # a text box's paragraphs after the one it is anchored in
                    visit(box)
            elif tag == f"{W}tbl" and (frame := _frame(child)) is not None:
                for cell in frame:
                    visit(cell)
            elif tag == f"{W}tbl":
                rows = _table_rows(child)
                tables.append(rows)
                lines.extend("\t".join(r) for r in rows)
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}ins", f"{W}customXml"):
                visit(child)

    visit(body)
    text, page_starts = _page_map("\n".join(lines))
    if not text.strip():
        raise InputError(name, "empty", "the document has no text")
    if page_starts and pages is None:
        pages = len(page_starts)
    return Loaded(text=text, source=Source(path=name, format="docx", sha256=sha, pages=pages), page_starts=page_starts, tables=tables, cells_repeated=True)


def _page_map(marked: str) -> tuple[str, list[int]]:
    """Remove the page-break marks; return the text and where each page starts (none: no map). Marks with
    only blank lines between them start one page: Word sets a w:lastRenderedPageBreak at the start of
    the paragraph after an explicit page break (w:br type="page"), where the same page begins."""
    parts = marked.split(_PAGE)
    if len(parts) == 1:
        return marked, []
    starts = [0]
    pos = 0
    for part in parts[:-1]:
        pos += len(part)
        if pos > starts[-1] and (part.strip() or len(starts) == 1):
            starts.append(pos)
    return "".join(parts), starts
