"""PDF task tables: a page's ruled tables read cell by cell through pdfplumber, one line per row
(cells joined by a tab), and a table that a page break cuts read as one again (``join_pages``).

pdfplumber is the one library here that reads ruled tables cell by cell; it is imported only
for pages that draw such a table (``pdf._ruled``), so text pages and TXT never pay for it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from planparse.loaders.base import cell_text


@dataclass
class Row:
    """A table row as drawn: its line in the page's text, its cells' lines (None: covered by a merged
    cell above) and its table's column widths in characters."""

    line: str
    cells: list[str | None]
    widths: list[int]


@dataclass
class TablePage:
    """A page read through pdfplumber: its lines, the rows of its first table and the last row of its
    last table (what a page break may cut or carry on)."""

    lines: list[str]
    top: list[Row] = field(default_factory=list)
    last: Row | None = None
    top_edges: tuple[int, ...] = ()  # the x of the first table's column lines, and of the last table's
    last_edges: tuple[int, ...] = ()


def read_table_page(data: bytes, index: int) -> TablePage | None:
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
        out = TablePage(before.split("\n") if before.strip() else [])
        for n, t in enumerate(tables):
            # a table that goes on over the page break has its columns where they were
            out.last_edges = tuple(sorted({round(c[0]) for c in t.cells} | {round(t.bbox[2])}))
            if n == 0:
                out.top_edges = out.last_edges
            for row in grid_rows(t.extract()):
                out.lines.append(row.line)
                out.last = row
                if n == 0:
                    out.top.append(row)
        out.lines.extend(after.split("\n") if after.strip() else [])
        return out


def grid_rows(grid: list[list[str | None]]) -> list[Row]:
    """A ruled table's rows as lines, cells joined by a tab; rows left empty are left out."""
    # a column's widest line: a line of a cell that reaches it wraps on, a shorter one ends an item
    widths = [max((len(x) for r in grid if i < len(r) and r[i] for x in r[i].split("\n")), default=0) for i in range(max(map(len, grid), default=0))]
    rows: list[Row] = []
    above: list[str] = []
    for row in grid:
        # pdfplumber gives None for a cell covered by a merged cell. A row whose cells after the
        # first are all covered is one cell across the table (a category line): they stay empty;
        # otherwise a covered cell repeats the one above (merged down).
        across = _across(row)
        cells = [_cell(c, widths[i]) if c is not None else ("" if across or i >= len(above) else above[i]) for i, c in enumerate(row)]
        above = cells
        if any(cells):
            rows.append(Row("\t".join(cells), list(row), widths))
    return rows


_COUNT = re.compile(r"[ \t]*[0-9０-９]{1,3}[ \t]*")


def join_pages(pages: list[list[str]], tables: list[TablePage | None]) -> None:
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


def _goes_on(tables: list[TablePage | None], i: int) -> bool:
    """Whether page ``i`` ends with a table that page ``i + 1`` opens with (its columns where they were)."""
    if i < 0 or i + 1 >= len(tables):
        return False
    tail, head = tables[i], tables[i + 1]
    return bool(tail and tail.last and head and head.top and tail.last_edges and tail.last_edges == head.top_edges)


def _join_break(this: list[str], nxt: list[str], tail: TablePage, head: TablePage, header: list[str]) -> None:
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
        if cell or len(rows) < 2 or k >= len(shown) or not shown[k] or _across(rows[1].cells) or rows[1].cells[k] is not None:
            continue  # not an empty merged cell at the top of the page
        for r, j in zip(rows, at, strict=True):
            if r is not cont and (r.cells[k] is not None or _across(r.cells)):
                break
            if j is not None and nxt[j]:
                cells = nxt[j].split("\t")
                cells[k] = shown[k]
                nxt[j] = r.line = "\t".join(cells)  # the page's last row, should it be this one, as it now reads
    nxt[:] = [x for k, x in enumerate(nxt) if x or k != at[0]]


def _across(cells: list[str | None]) -> bool:
    """A row merged across the table (a category line): its cells after the first are covered."""
    return cells[0] is not None and all(c is None for c in cells[1:])


def _line_index(lines: list[str], line: str) -> int | None:
    try:
        return lines.index(line)
    except ValueError:
        return None


def _joined(shown: list[str], top: Row, bottom: Row) -> list[str]:
    cells = []
    for k, (t, b) in enumerate(zip(top.cells, bottom.cells, strict=True)):
        width = max(top.widths[k], bottom.widths[k]) if k < min(len(top.widths), len(bottom.widths)) else 0
        lines = "\n".join(x for x in (t, b) if x)
        cells.append(_cell(lines, width) if lines else shown[k])
    return cells


def _continues(top: list[str | None], bottom: list[str | None]) -> bool:
    """Whether ``bottom`` (a page's first row) is the rest of ``top`` (the last row before the break):
    empty up to and in the first cell that ``top`` draws itself (its number; a category merged down a
    first column may cover the cells before it), and nothing where ``top`` is covered."""
    lead = next((k for k, t in enumerate(top) if t is not None), len(top))
    if lead == len(top) or not top[lead] or any(bottom[: lead + 1]) or not any(bottom):
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
        if parts and (len(parts[-1]) > 0.75 * width or _KINSOKU.match(line)):
            parts[-1] += line
        else:
            parts.append(line)
    return cell_text(parts)


# A line that a typesetter ended early: the next opens with a mark that may not end a line (“《（),
# or its first character was carried down with a mark that may not end a line or start one
# (新“小巨人”, 办”平台, 通，): the line wraps.
_KINSOKU = re.compile(r"[“‘《〈（(【［]|.[“‘《〈（(【［”’》〉）)】］，。、；：！？]")
