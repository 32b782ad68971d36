"""PDF: text per page in reading order, a page map, running headers and footers removed.

Text comes from pypdfium2 (PDFium; it ships with pdfplumber), about 20× faster than
pdfminer's layout analysis. Pages that carry ruled tables (many line and rectangle objects)
also go through pdfplumber, the one library here that reads ruled tables cell by cell: their
table text is replaced by one line per row, cells separated by a tab, which the task-table
extractor reads; a row or a merged cell that a page break cuts is read as one (``_join_pages``).
Both libraries are imported here only, so TXT never pays for them.

Running headers and footers (an issuing office line, ``— 3 —``, ``第3页 共10页``, bare page
numbers) are found by repetition across pages at the top or bottom band, not by a fixed list.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from planparse.errors import InputError
from planparse.loaders.base import INDENT as _INDENT
from planparse.loaders.base import MARGIN_MARK, Loaded, cell_text
from planparse.models import Source
from planparse.options import Options

_DIGITS = re.compile(r"[0-9０-９]+")
_MIN_RULES = 3  # thin horizontal and vertical rules each, before a page is read as holding a ruled table
_BAND = 2  # lines at the top and bottom of a page that may be running headers or footers


def _band_key(line: str) -> str:
    return _DIGITS.sub("#", line.strip().strip(MARGIN_MARK).strip())


def strip_running(pages: list[list[str]]) -> list[list[str]]:
    """Drop lines in the top/bottom band that repeat (digits ignored) on at least half the pages and
    that the pages' bodies seldom print: a field line that ends many pages (``完成时限：2022年2月底前``)
    ends many paragraphs mid-page too, a running header or footer none."""
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    inner: Counter[str] = Counter()
    for lines in pages:
        nonblank = [x for x in lines if x.strip()]
        counts.update({_band_key(x) for x in nonblank[:_BAND] + nonblank[-_BAND:]})
        inner.update({_band_key(x) for x in nonblank[_BAND:-_BAND]})
    limit = max(2, len(pages) // 2)
    running = {k for k, n in counts.items() if n >= limit and len(k) <= 40 and 2 * inner[k] < n}
    if not running:
        return pages
    out = []
    for lines in pages:
        keep = [x for x in lines if x.strip()]
        for _ in range(_BAND):
            if keep and _band_key(keep[0]) in running:
                keep.pop(0)
            if keep and _band_key(keep[-1]) in running:
                keep.pop()
        out.append(keep)
    return out


_SCRAMBLED = re.compile(r"[“‘][ \t]*[”’]|(?:^|\n)[ \t]*[“”‘’]+[ \t]*(?:\r?\n|$)")


def _plumber_lines(data: bytes, index: int) -> list[str] | None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as pdf:
        text = pdf.pages[0].extract_text() or ""
    return text.split("\n") if text.strip() else None


@dataclass
class _Row:
    """A table row as drawn: its line in the page's text, its cells' lines (None: covered by a merged
    cell above) and its table's column widths in characters."""

    line: str
    cells: list[str | None]
    widths: list[int]


@dataclass
class _TablePage:
    """A page read through pdfplumber: its lines, the rows of its first table and the last row of its
    last table (what a page break may cut or carry on)."""

    lines: list[str]
    top: list[_Row] = field(default_factory=list)
    last: _Row | None = None
    top_edges: tuple[int, ...] = ()  # the x of the first table's column lines, and of the last table's
    last_edges: tuple[int, ...] = ()


def _table_page_lines(data: bytes, index: int) -> _TablePage | None:
    """pdfplumber's view of a page with ruled tables: text outside tables, then one line per row."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as pdf:
        page = pdf.pages[0]
        tables = page.find_tables()
        if not tables:
            return None
        boxes = [t.bbox for t in tables]

        def outside(obj: dict) -> bool:
            cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

        first_top = min(b[1] for b in boxes)

        def part(upper: bool):  # type: ignore[no-untyped-def]
            return lambda o: o.get("object_type") != "char" or (outside(o) and (o["top"] < first_top) == upper)

        before = page.filter(part(True)).extract_text() or ""
        after = page.filter(part(False)).extract_text() or ""
        out = _TablePage(before.split("\n") if before.strip() else [])
        for n, t in enumerate(tables):
            above: list[str] = []
            grid = t.extract()
            # a table that goes on over the page break has its columns where they were
            out.last_edges = tuple(sorted({round(c[0]) for c in t.cells} | {round(t.bbox[2])}))
            if n == 0:
                out.top_edges = out.last_edges
            # a column's widest line: a line of a cell that reaches it wraps on, a shorter one ends an item
            widths = [max((len(x) for r in grid if i < len(r) and r[i] for x in r[i].split("\n")), default=0) for i in range(max(map(len, grid), default=0))]
            for row in grid:
                # pdfplumber gives None for a cell covered by a merged cell. A row whose cells after the
                # first are all covered is one cell across the table (a category line): they stay empty;
                # otherwise a covered cell repeats the one above (merged down).
                across = row[0] is not None and all(c is None for c in row[1:])
                cells = [_cell(c, widths[i]) if c is not None else ("" if across or i >= len(above) else above[i]) for i, c in enumerate(row)]
                above = cells
                if any(cells):
                    out.lines.append("\t".join(cells))
                    out.last = _Row(out.lines[-1], list(row), widths)
                    if n == 0:
                        out.top.append(out.last)
        out.lines.extend(after.split("\n") if after.strip() else [])
        return out


_COUNT = re.compile(r"[ \t]*[0-9０-９]{1,3}[ \t]*")


def _join_pages(pages: list[list[str]], tables: list[_TablePage | None]) -> None:
    """A table that a page break cuts goes on as one table (pages as ``strip_running`` left them).

    - A row cut in two is one row again, at the end of the first page: the next page's table opens
      with the rest of its cells under an empty first cell (``\t领域\t\t化厅``). Each cell's two parts
      are read as one cell's lines (``_cell``: a part that reaches the column's width wraps on).
    - A merged cell that goes on past the break is drawn empty at the top of the next page, covering
      the rows under it there: those rows take its text from the page before (``七办一镇``).

    The next page's table is the same one only when its columns stand where they stood. Header rows
    it repeats (Word's repeated header, one or more rows) are looked past. A next row that numbers
    itself (``\t5\t…``, under a category merged down from the page before) is a row of its own.
    Never raises: on any surprise the pages stay as they were read.
    """
    kept = [list(p) for p in pages]
    try:
        header: list[str] = []  # the first rows of the table the run of pages began with
        for i in range(len(pages) - 1):
            tail = tables[i]
            if tail is not None and tail.top and not _goes_on(tables, i - 1):
                header = [r.line for r in tail.top[:3]]
            if _goes_on(tables, i):
                _join_break(pages[i], pages[i + 1], tail, tables[i + 1], header)  # type: ignore[arg-type]
    except Exception:
        pages[:] = kept


def _goes_on(tables: list[_TablePage | None], i: int) -> bool:
    """Whether page ``i`` ends with a table that page ``i + 1`` opens with (its columns where they were)."""
    if i < 0 or i + 1 >= len(tables):
        return False
    tail, head = tables[i], tables[i + 1]
    return bool(tail and tail.last and head and head.top and tail.last_edges and tail.last_edges == head.top_edges)


def _join_break(this: list[str], nxt: list[str], tail: _TablePage, head: _TablePage, header: list[str]) -> None:
    last = tail.last
    a = next((k for k in range(len(this) - 1, -1, -1) if this[k].strip()), None)
    if last is None or a is None or this[a] != last.line:
        return  # the page does not end with its table
    rows = list(head.top)
    repeated = 0
    while repeated < min(len(header), len(rows) - 1) and rows[repeated].line == header[repeated]:
        repeated += 1  # the table's header rows again
    rows = rows[repeated:]
    at = [_line_index(nxt, r.line) for r in rows]
    first_line = next((k for k in range(len(nxt)) if nxt[k].strip() and nxt[k] not in header[:repeated]), None)
    cont = rows[0]
    if first_line is None or at[0] != first_line or len(cont.cells) != len(last.cells):
        return  # the next page does not open with the same table
    if _continues(last.cells, cont.cells):
        this[a] = "\t".join(_joined(this[a].split("\t"), last, cont))
        last.line = this[a]
        nxt[at[0]] = ""  # removed below; the indices of the rows after it stay put
    shown = this[a].split("\t")
    for k, cell in enumerate(cont.cells):
        if cell or len(rows) < 2 or k >= len(shown) or not shown[k] or _across(rows[1]) or rows[1].cells[k] is not None:
            continue  # not an empty merged cell at the top of the page
        for r, j in zip(rows, at, strict=True):
            if r is not cont and (r.cells[k] is not None or _across(r)):
                break
            if j is not None and nxt[j]:
                cells = nxt[j].split("\t")
                cells[k] = shown[k]
                nxt[j] = r.line = "\t".join(cells)  # the page's last row, should it be this one, as it now reads
    nxt[:] = [x for k, x in enumerate(nxt) if x or k != at[0]]


def _across(row: _Row) -> bool:
    """A row merged across the table (a category line): its cells after the first are covered."""
    return row.cells[0] is not None and all(c is None for c in row.cells[1:])


def _line_index(lines: list[str], line: str) -> int | None:
    try:
        return lines.index(line)
    except ValueError:
        return None


def _joined(shown: list[str], top: _Row, bottom: _Row) -> list[str]:
    cells = []
    for k, (t, b) in enumerate(zip(top.cells, bottom.cells, strict=True)):
        width = max(top.widths[k], bottom.widths[k]) if k < min(len(top.widths), len(bottom.widths)) else 0
        lines = "\n".join(x for x in (t, b) if x)
        cells.append(_cell(lines, width) if lines else shown[k])
    return cells


def _continues(top: list[str | None], bottom: list[str | None]) -> bool:
    """Whether ``bottom`` (a page's first row) is the rest of ``top`` (the last row before the break)."""
    if bottom[0] or not top[0] or not any(bottom):
        return False
    for t, b in zip(top, bottom, strict=True):
        if b and (t is None or _COUNT.fullmatch(b)):
            return False  # the rest of a merged cell, or a row that numbers itself
    return True


_LISTED = re.compile("[、，,；;]")


def _cell(text: str, width: int) -> str:
    """A ruled table cell's lines as one cell: a line near the column's widest wraps on into the next
    (lines end a little short where punctuation may not start one); a line well short of it ends one
    of the cell's own lines (a unit a line), read as Word's paragraphs are."""
    if _LISTED.search(text):  # a list written with its punctuation flows on: every break is a wrap
        return text.replace("\n", "")
    parts: list[str] = []
    for line in text.split("\n"):
        if parts and len(parts[-1]) > 0.75 * width:
            parts[-1] += line
        else:
            parts.append(line)
    return cell_text(parts)


_NARROW_GLYPHS = frozenset("，。、；：！？")


def _indented_lines(text: str, textpage) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's lines, a line that starts well right of the body margin marked as indented.

    PDFium gives text without the first-line indent that starts a paragraph; without it a
    sentence that ends at the right margin cannot be told from a paragraph's end. The margin is a
    low percentile of the lines' left edges; "well right" is 1.5 character heights. PDFium also
    ends a line where the font changes (a number in a Latin font: "0.6%" + "、1.0%…"): a line that
    goes on at the same height, right of where the one before ends, is the same printed line.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(text) != textpage.count_chars():  # offsets would not match the character boxes
        return lines
    boxes: list[tuple[int, float, float, float, float] | None] = []  # (line, left, bottom, top, right of its last character)
    pos = 0
    pdfium_lines = text.split("\r\n")  # PDFium ends lines with CRLF: these offsets match its boxes
    for k, line in enumerate(pdfium_lines):
        lead, body = len(line) - len(line.lstrip()), line.rstrip()
        if body.strip():
            left, bottom, _right, top = textpage.get_charbox(pos + lead)
            right = textpage.get_charbox(pos + len(body) - 1)[2]
            boxes.append((k, left, bottom, top, right))
        else:
            boxes.append(None)
        pos += len(line) + 2
    found = [b for b in boxes if b is not None]
    if len(found) < 4 or len(lines) != len(pdfium_lines):
        return lines
    margin = sorted(b[1] for b in found)[len(found) // 5]
    height = sorted(b[3] - b[2] for b in found)[len(found) // 2]
    right = sorted(b[4] for b in found)[len(found) * 9 // 10]  # the right margin, which body lines reach
    out: list[str] = []
    ends: list[float | None] = []  # where each output line ends on the page (None: it starts right of the indent)
    prev: tuple[int, float, float, float, float] | None = None
    for k, box in enumerate(boxes):
        line = lines[k]
        if box is not None and prev is not None and out and height > 0:
            if abs(box[2] - prev[2]) < 0.3 * height and -0.2 * height <= box[1] - prev[4] < 0.5 * height:  # the same printed line, no gap
                out[-1] = out[-1].rstrip() + line.strip()
                prev = (prev[0], prev[1], prev[2], prev[3], box[4])
                ends[-1] = box[4] if ends[-1] is not None else None
                continue
        if box is not None and height > 0 and box[1] - margin >= 1.5 * height:
            line = _INDENT + line.lstrip()
        out.append(line)
        # a line that starts far right of the margin (a signature, a date) is set flush right, not wrapped
        ends.append(box[4] if box is not None and box[1] - margin < 2.5 * height else None)
        prev = box if box is not None else prev
    # a line that reaches the right margin wraps, whatever its characters' widths (digits in a
    # Latin font are wider than half a Chinese character): the normaliser is told so
    # a full-width comma or stop is drawn at the left of its square: such a line ends further left
    full = [e is not None and e >= right - (1.3 if x.rstrip()[-1:] in _NARROW_GLYPHS else 0.8) * height for x, e in zip(out, ends, strict=True)]
    if sum(full) < max(3, len(found) // 4):
        return out  # no run of text that fills the lines (a list, a form): no margin to tell
    return [x.rstrip() + MARGIN_MARK if f else x for x, f in zip(out, full, strict=True)]


def _ruled(page, pdfium) -> bool:  # type: ignore[no-untyped-def]
    """A ruled table draws thin horizontal and vertical lines; frames and shaded boxes do not."""
    horizontal = vertical = 0
    for obj in page.get_objects(max_depth=1):
        if obj.type != pdfium.raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= 2 and width >= 20:
            horizontal += 1
        elif width <= 2 and height >= 8:
            vertical += 1
    return horizontal >= _MIN_RULES and vertical >= _MIN_RULES


def load_pdf(data: bytes, name: str, sha: str, options: Options | None = None) -> Loaded:
    opts = Options.resolve(options)
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - pypdfium2 comes with pdfplumber
        raise InputError(name, "unsupported-format", "PDF support needs pdfplumber (and its pypdfium2)") from None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower() or "security" in str(err).lower():
            raise InputError(name, "encrypted", "the PDF is encrypted; save an unencrypted copy first") from None
        raise InputError(name, "corrupt", f"not a readable PDF ({err})") from None
    except Exception as err:
        raise InputError(name, "corrupt", f"not a readable PDF ({type(err).__name__})") from None
    try:
        n = len(pdf)
        if n > opts.max_pages:
            raise InputError(name, "too-large", f"{n} pages, over the {opts.max_pages} page limit")
        pages: list[list[str]] = []
        tables: list[_TablePage | None] = []
        for i in range(n):
            page = pdf[i]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_bounded()
                lines = _indented_lines(text, textpage)
                ruled = _ruled(page, pdfium)
            finally:
                page.close()
            if _SCRAMBLED.search(text):
                # glyphs drawn out of reading order (quotes in a Western font): read by position
                lines = _plumber_lines(data, i) or lines
            table_page = None
            if ruled and text.strip():
                try:
                    table_page = _table_page_lines(data, i)
                except Exception:
                    table_page = None
                if table_page is not None:
                    lines = table_page.lines
            pages.append(lines)
            tables.append(table_page)
    except InputError:
        raise
    except Exception as err:
        raise InputError(name, "corrupt", f"cannot read the PDF's pages ({type(err).__name__})") from None
    finally:
        pdf.close()
    if not any(x.strip() for lines in pages for x in lines):
        raise InputError(name, "no-text-layer", f"no text layer in {n} page(s): a scan; run OCR first (e.g. ocrmypdf -l chi_sim in.pdf out.pdf)")
    pages = strip_running(pages)
    _join_pages(pages, tables)
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for lines in pages:
        starts.append(pos)
        chunk = "\n".join(lines) + "\n\f\n"
        parts.append(chunk)
        pos += len(chunk)
    return Loaded(text="".join(parts), source=Source(path=name, format="pdf", sha256=sha, pages=n), page_starts=starts)
