"""PDF task tables: a page's ruled tables read cell by cell through pdfplumber, one line per row
(cells joined by a tab), and a table that a page break cuts read as one again (``join_pages``).

pdfplumber is the one library here that reads ruled tables cell by cell; it is imported only
for pages that draw such a table (``pdf._ruled``), so text pages and TXT never pay for it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from planparse.loaders.base import BRACKETED, cell_text, names_meet


@dataclass
class Row:
    """A table row as drawn: its line in the page's text, its cells' lines (None: covered by a merged
    cell above), its table's column widths in characters and, where the page says, which of each
    cell's lines reach the cell's right edge (``Grid.full``)."""

    line: str
    cells: list[str | None]
    widths: list[int]
    full: list[list[bool] | None] = field(default_factory=list)


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
            for row in grid_rows(*_extract(page, t)):
                out.lines.append(row.line)
                out.last = row
                if n == 0:
                    out.top.append(row)
        out.lines.extend(after.split("\n") if after.strip() else [])
        return out


Full = list[list[list[bool] | None]]  # per row, per cell: whether each of its lines reaches the cell's edge


def _extract(page, table) -> tuple[list[list[str | None]], Full]:  # type: ignore[no-untyped-def]
    """``table.extract()`` (the same characters to a cell, the same text), and for each cell's lines
    whether they reach its right edge: a line that does may wrap on into the next; one whose room
    left would have held the next line's first word (a character, a number, a character with the
    mark that may not start a line) ends there, as a paragraph or a soft break ends it (a unit a
    line). A cell's padding is the table's smallest gap between a cell's edge and its text; a
    centred line's room is its gaps on both sides. None where the lines cannot be matched to the text."""
    from pdfplumber.utils import cluster_objects, extract_text

    def inside(c: dict, box: tuple[float, float, float, float]) -> bool:  # pdfplumber's own test
        x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return box[0] <= x < box[2] and box[1] <= y < box[3]

    grid: list[list[str | None]] = []
    found: list[list[list[tuple[float, float]] | None]] = []  # per cell, per line: (room, the width of its first word)
    pad = None
    for row in table.rows:
        chars = [c for c in page.chars if inside(c, row.bbox)]
        grid.append([])
        found.append([])
        for box in row.cells:
            own = [c for c in chars if inside(c, box)] if box is not None else []
            text = None if box is None else extract_text(own) if own else ""
            drawn = [sorted((c for c in line if c["text"].strip()), key=lambda c: c["x0"]) for line in cluster_objects(own, "top", 3)]
            drawn = [line for line in drawn if line]
            grid[-1].append(text)
            found[-1].append([(line[0]["x0"] - box[0] + box[2] - line[-1]["x1"], _first_word(line)) for line in drawn] if text and len(drawn) == len(text.split("\n")) else None)
            pad = min([pad if pad is not None else 1e9, *(line[0]["x0"] - box[0] for line in drawn)]) if box is not None else pad
    pad = max(0.0, pad or 0.0)
    full = [[None if lines is None else [room - 2 * pad < word + _SLACK for (room, _), (_, word) in zip(lines, [*lines[1:], lines[-1]], strict=True)] for lines in row] for row in found]
    return grid, full


_SLACK = 1.0  # points: a line as long as the room allows, give or take the rounding of its characters' boxes
_NO_START = frozenset("，。、；：！？）)》”’】〉」』…—%")  # marks a line may not start with: they go down with the character before
_NO_END = frozenset("（(《“‘【〈「『")  # marks a line may not end with: they go down with the character after


def _first_word(line: list[dict]) -> float:
    """How wide the start of a line is that could not have been set at the end of the line before:
    a Latin word or number whole, a character with the marks before it that may not end a line
    and after it that may not start one (“小, 委、, ——)."""
    i = 0
    while i < len(line) - 1 and line[i]["text"] in _NO_END:
        i += 1
    end = i + 1
    if line[i]["text"].isascii() and line[i]["text"].isalnum():
        while end < len(line) and line[end]["text"].isascii() and (line[end]["text"].isalnum() or line[end]["text"] in ".%-"):
            end += 1
    while end < len(line) and line[end]["text"] in _NO_START:
        end += 1
    return float(line[end - 1]["x1"] - line[0]["x0"])


def grid_rows(grid: list[list[str | None]], full: Full | None = None) -> list[Row]:
    """A ruled table's rows as lines, cells joined by a tab; rows left empty are left out. ``full``:
    which of each cell's lines reach its edge, where known (else a line's length says)."""
    # a column's widest line: a line of a cell that reaches it wraps on, a shorter one ends an item
    widths = [max((len(x) for r in grid if i < len(r) and r[i] for x in r[i].split("\n")), default=0) for i in range(max(map(len, grid), default=0))]
    rows: list[Row] = []
    above: list[str] = []
    for r, row in enumerate(grid):
        flags = full[r] if full is not None and r < len(full) and len(full[r]) == len(row) else [None] * len(row)
        # pdfplumber gives None for a cell covered by a merged cell. A row whose cells after the
        # first are all covered is one cell across the table (a category line): they stay empty;
        # otherwise a covered cell repeats the one above (merged down).
        across = _across(row)
        cells = [_cell(c, widths[i], flags[i]) if c is not None else ("" if across or i >= len(above) else above[i]) for i, c in enumerate(row)]
        above = cells
        if any(cells):
            rows.append(Row("\t".join(cells), list(row), widths, list(flags)))
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
        flags = [_flags(r, k, x) for r, x in ((top, t), (bottom, b)) if x]
        full = None if None in flags else [f for part in flags for f in part or []]
        cells.append(_cell(lines, width, full) if lines else shown[k])
    return cells


def _flags(row: Row, k: int, text: str) -> list[bool] | None:
    """Row ``row``'s full-line flags for cell ``k``, if they are known and fit its text."""
    flags = row.full[k] if k < len(row.full) else None
    return flags if flags is not None and len(flags) == len(text.split("\n")) else None


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


def _cell(text: str, width: int, full: list[bool] | None = None) -> str:
    """A ruled table cell's lines as one cell: a line that reaches the column's edge wraps on into
    the next (``full``, from the page; without it, a line near the column's widest line, which ends
    a little short where punctuation may not start the next); a line well short of it ends one of
    the cell's own lines (a unit a line), read as Word's paragraphs are. A line that reaches the edge
    and ends a unit's name, followed by another name, ends an item too (``names_meet``: a column
    just as wide as 市生态环境局)."""
    if _LISTED.search(BRACKETED.sub("", text)):  # a list written with its punctuation flows on: every break is a wrap
        return text.replace("\n", "")
    lines = text.split("\n")
    if full is None or len(full) != len(lines):
        full = [len(x) > 0.75 * width for x in lines]
    parts: list[str] = []
    for k, line in enumerate(lines):
        if parts and _KINSOKU.match(line):
            parts[-1] += line
        elif parts and full[k - 1] and not names_meet(parts[-1], _item(lines, full, k)):
            parts[-1] += line
        else:
            parts.append(line)
    return cell_text(parts)


def _item(lines: list[str], full: list[bool], k: int) -> str:
    """The lines from ``k`` on up to the first that stops short of the column's edge: one item."""
    end = next((j for j in range(k, len(lines)) if not full[j]), len(lines) - 1)
    return "".join(lines[k : end + 1])


# A line that a typesetter ended early: the next opens with a mark that may not end a line (“《（),
# or its first character was carried down with a mark that may not end a line or start one
# (新“小巨人”, 办”平台, 通，): the line wraps.
_KINSOKU = re.compile(r"[“‘《〈（(【［]|.[“‘《〈（(【［”’》〉）)】］，。、；：！？]")
