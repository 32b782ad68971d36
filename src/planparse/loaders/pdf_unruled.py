"""PDF task tables drawn without rules: a 任务分工表 whose borders were turned off (or never drawn,
a table typeset with tab stops) reads from PDFium as loose words, one printed line at a time: the
numbers, tasks, units and deadlines of a row run together and a cell's wrapped lines fall between
the rows (``3建立企业清单 省发展改革委、省`` / ``工业和信息化厅、``). Its header row still names the
columns, and each column's text starts where the column does, so the words are put back into cells
by where they stand: one line per row, cells joined by a tab, as a ruled table is read
(``pdf_tables``).

Only a page whose line of words names the columns of a task table (``header_roles``: a unit or
deadline column and one more) and has a number column (序号) is read so, or a page right after such
a page whose table runs on to its foot (the columns where they were). A line whose words cross the
columns (a paragraph under the table) ends the table.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from planparse.loaders.base import BRACKETED
from planparse.loaders.pdf_tables import _cell

if TYPE_CHECKING:
    from planparse.grammar import Grammars

_NUMBER = re.compile(r"[0-9０-９]{1,3}[.．、]?")
_PAGE_NUMBER = re.compile(r"[-—－–\s]*[0-9]+[-—－–\s]*|第[0-9]+页.*")
_MERGED_DOWN = ("lead_units", "responsible_units", "cooperating_units")  # unit columns, which an office merges down
# what a blank cell under a row takes from it: a lead, a responsible unit or a time is rarely left
# blank on purpose (tables.py's _INHERIT for text, where merges show as blanks too)
_CARRIED = ("lead_units", "responsible_units", "deadline", "section")


@dataclass
class UnruledPage:
    """A page read as an unruled table: its lines (text above the table, one line per row, text
    after it), the column edges (for the next page), whether its table runs to the page's foot and
    where its first row (a row's rest, cut by the page break) stands in ``lines``."""

    lines: list[str]
    edges: list[float]
    roles: list[str | None]
    runs_on: bool = False
    first_row: int | None = None
    number_col: int = 0
    rows: list[list[str]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # each column's widest printed line, in characters
    head: list[str] = field(default_factory=list)  # the first and the last row's cells as printed (lines kept)
    tail: list[str] = field(default_factory=list)


def _printed_lines(words: list[dict]) -> list[list[dict]]:
    """Words on one printed line together, left to right: their middles within half a line's height
    (a number in a Latin font sits higher or lower in its box than the characters beside it)."""
    if not words:
        return []
    height = sorted(w["bottom"] - w["top"] for w in words)[len(words) // 2]
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"] + w["bottom"]) / 2):
        mid = (w["top"] + w["bottom"]) / 2
        if lines and abs((lines[-1][0]["top"] + lines[-1][0]["bottom"]) / 2 - mid) < 0.5 * height:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _grammars(g: Grammars | None) -> Grammars:
    """The grammars the caller parses with, else the shipped ones (imported here: a PDF without such a
    table never loads the extractors)."""
    from planparse.grammar import load_grammars

    return g if g is not None else load_grammars()


def _header_roles(words: list[str], g: Grammars | None) -> list[str | None] | None:
    """The columns' roles when ``words`` head a task table with a number column (序号), else None."""
    from planparse.extract.table_header import header_roles

    roles = header_roles(words, _grammars(g)) if len(words) >= 3 else None
    return roles if roles is not None and "number" in roles else None


def _header(lines: list[list[dict]], g: Grammars | None) -> tuple[int, list[str | None]] | None:
    """The printed line that heads a task table with a number column, and its columns' roles."""
    for k, line in enumerate(lines):
        if (roles := _header_roles([w["text"] for w in line], g)) is not None:
            return k, roles
    return None


def _edges(header: list[dict], body: list[list[dict]]) -> list[float]:
    """Where each column starts: at or left of its header word (a centred header over a left-aligned
    column), right of the header word before it; the leftmost word in between that starts a cell (a
    gap of half a character before it: a number set in a Latin font is a word of its own within a
    cell's line, a quarter of a character after the word before)."""
    starts = []
    for line in body:
        if _PAGE_NUMBER.fullmatch("".join(w["text"] for w in line)):
            continue  # the page's footer, centred across the columns
        for k, w in enumerate(line):
            if k == 0 or w["x0"] - line[k - 1]["x1"] > 0.5 * (w["bottom"] - w["top"]):
                starts.append(w["x0"])
    edges = [min([header[0]["x0"], *(x for x in starts if x < header[0]["x1"])]) - 1]
    for before, this in pairwise(header):
        inside = [x for x in starts if before["x1"] < x <= this["x0"] + 1]
        edges.append(min(inside, default=this["x0"]) - 1)
    return edges


def _spills(lines: list[str], width: int, g: Grammars | None) -> bool:
    """Whether a unit cell's last line goes on in the next printed line of its column though that line
    starts a row: a cell merged down over rows (drawn without rules, it shows no end) wraps there. The
    line ends a list or a bracket left open, or is as wide as the column and ends in a name cut short
    (省发展改革委、省 / 工业和信息化厅)."""
    last, bare = lines[-1], BRACKETED.sub("", "".join(lines))
    if bare.count("（") + bare.count("(") > bare.count("）") + bare.count(")") or last[-1:] in "、，,":
        return True  # a bracket left open, a list left open: 各县（市、 / 区）政府
    return len(last) >= width - 1 and last[-1:] not in "。；;" and not _ends_name(bare.split("、")[-1], g)


def _ends_name(item: str, g: Grammars | None) -> bool:
    """Whether a unit's name could end here: it ends as an organisation does (局, 委, 中心, 集团 …)."""
    return bool(_grammars(g).unit_patterns["suffix"].search(item.strip()))


def _column(x: float, edges: list[float]) -> int:
    return max((i for i, e in enumerate(edges) if e <= x), default=0)


def _crosses(line: list[dict], edges: list[float]) -> bool:
    """A printed line that is no table row: a word of it runs over a column's start by more than a
    character (a paragraph under the table), or it is a page number."""
    text = "".join(w["text"] for w in line)
    if _PAGE_NUMBER.fullmatch(text):
        return True
    return any(w["x0"] < e - 1 and w["x1"] > e + (w["bottom"] - w["top"]) for w in line for e in edges[1:])


def read_unruled_page(
    data: bytes, index: int, pdfium_lines: list[str], prior: UnruledPage | None = None, g: Grammars | None = None
) -> UnruledPage | None:
    """The page as an unruled task table, or None. ``prior``: the page before, when its table runs on
    to its foot (this page may go on without repeating the header: its columns stand where they were).
    ``g``: the grammars that name the columns (a caller's own, passed to ``parse``), else the shipped ones."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as pdf:
        words = pdf.pages[0].extract_words(use_text_flow=False)
    lines = _printed_lines(words)
    found = _header(lines, g)
    if found is None and prior is None:
        return None
    if found is not None:
        at, roles = found
        header = lines[at]
        number_col = roles.index("number")
        body_start = at + 1
        cols = _edges(header, lines[body_start:])
        squeezed = "".join(w["text"] for w in header)
        # the text above the table as PDFium read it (its indents and wraps marked), when it is found
        cut = next((k for k, x in enumerate(pdfium_lines) if re.sub(r"\s", "", x) == squeezed), None)
        above = pdfium_lines[:cut] if cut is not None else [" ".join(w["text"] for w in line) for line in lines[:at]]
        head_line = "\t".join(w["text"] for w in header)
    else:
        cols, roles, number_col = list(prior.edges), prior.roles, prior.number_col  # type: ignore[union-attr]
        # the running header above a table that goes on: lines before the first that fills two columns
        body_start = next((k for k, line in enumerate(lines) if len({_column(w["x0"], cols) for w in line}) >= 2), None)
        if body_start is None:
            return None
        above = [" ".join(w["text"] for w in line) for line in lines[:body_start]]
        head_line = None
    printed: list[list[str]] = []  # the table's printed lines, their words put in columns
    end = len(lines)
    for k in range(body_start, len(lines)):
        if _crosses(lines[k], cols):
            end = k
            break
        cells: list[list[str]] = [[] for _ in cols]
        for w in lines[k]:
            cells[_column(w["x0"], cols)].append(w["text"])
        printed.append(["".join(c) for c in cells])
    raw = printed_rows(printed, roles, number_col, g)
    if not raw:
        return None
    widths = column_widths(printed, len(roles))
    out_rows = [[_cell(t, widths[c]) if t else "" for c, t in enumerate(r)] for r in raw]
    after = [" ".join(w["text"] for w in line) for line in lines[end:]]
    out = [*above, *([head_line] if head_line else [])]
    first = len(out)
    out.extend("\t".join(r) for r in out_rows)
    out.extend(after)
    runs_on = all(_PAGE_NUMBER.fullmatch("".join(w["text"] for w in line)) for line in lines[end:])
    starts_cut = found is None or not _NUMBER.fullmatch(out_rows[0][number_col])
    return UnruledPage(out, cols, roles, runs_on, first if starts_cut else None, number_col, out_rows, widths, raw[0], raw[-1])


def column_widths(printed: list[list[str]], n: int) -> list[int]:
    """Each column's widest printed line, in characters: a cell's line as wide wraps on into the next."""
    return [max((len(t[c]) for t in printed), default=0) for c in range(n)]


def table_rows(printed: list[list[str]], roles: list[str | None], number_col: int, g: Grammars | None = None) -> list[list[str]]:
    """The table's rows, each cell's text (its printed lines read as one cell, ``_cell``): :func:`printed_rows`."""
    widths = column_widths(printed, len(roles))
    return [[_cell(t, widths[c]) if t else "" for c, t in enumerate(r)] for r in printed_rows(printed, roles, number_col, g)]


def printed_rows(printed: list[list[str]], roles: list[str | None], number_col: int, g: Grammars | None = None) -> list[list[str]]:
    """The table's rows, each cell's printed lines joined by newlines, from its printed lines (the words of each line by column): a
    line with a number starts a row, the others are its cells' wrapped lines. A unit cell merged down
    over rows shows its text beside the first (or runs on beside the next, ``_spills``) and nothing
    beside the rest, where no rule marks the merge: a row that names no one in charge (no lead, no
    responsible unit) takes them and its time from the row above, and a row naming none of them nor a
    cooperating unit takes the cooperating units too (as tables.py does with a text table's blank
    cells, and as the ruled reader repeats a merged cell). A row with a lead or a responsible unit of
    its own keeps its blank cells: a table may give some rows only 责任单位, others 牵头 and 配合."""
    widths = column_widths(printed, len(roles))
    rows: list[list[list[str]]] = []
    owner: dict[int, list[str]] = {}  # per unit column, the cell whose text may still run on
    covered: list[tuple[int, int, list[str]]] = []  # (row, column, the merged cell's lines) it covers
    for texts in printed:
        if rows and not _NUMBER.fullmatch(texts[number_col]):
            for c, t in enumerate(texts):
                if t:
                    (owner[c] if c in owner else rows[-1][c]).append(t)
            continue
        rows.append([[] for _ in roles])
        for c, t in enumerate(texts):
            merged = owner.get(c)
            if t and roles[c] in _MERGED_DOWN and merged and _spills(merged, widths[c], g):
                merged.append(t)  # a cell merged down over rows: its text runs on beside this row
                covered.append((len(rows) - 1, c, merged))
                continue
            if t:
                rows[-1][c].append(t)
            owner[c] = rows[-1][c]
    for r, c, cell in covered:
        rows[r][c] = cell  # a covered cell repeats the merged one, as a ruled table's reader does
    out_rows = [["\n".join(r[c]) for c in range(len(roles))] for r in rows]
    for above, row in pairwise(out_rows):
        if not _NUMBER.fullmatch(above[number_col]):
            continue  # the rest of a row a page break cut: joined to the page before, it is no cell to repeat
        named = {r for c, r in enumerate(roles) if row[c]}
        if named & {"lead_units", "responsible_units"}:
            continue  # someone is in charge of it: its blank cells are blank (a row of only 责任单位 has no lead)
        for c, role in enumerate(roles):
            if not row[c] and (role in _CARRIED or (role == "cooperating_units" and not named & {"cooperating_units", "deadline"})):
                row[c] = above[c]
    return out_rows


def join_unruled(pages: list[list[str]], read: list[UnruledPage | None]) -> None:
    """A row that a page break cuts (the next page's table opens with a row that has no number) is one
    row again, at the end of the page before: each cell's two parts joined as one cell's lines."""
    for i in range(1, len(pages)):
        prev, this = read[i - 1], read[i]
        if prev is None or this is None or this.first_row is None or not prev.runs_on or not prev.rows:
            continue
        last = prev.rows[-1]
        cont = this.lines[this.first_row].split("\t")
        if len(cont) != len(last) or cont[prev.number_col]:
            continue
        # a cell's line cut at the page's foot (县农业 / 农村局) wraps on as any full line does: measured against
        # the column's widest line on either page, not the two parts' lengths (a part of one short line
        # against a part of several read as a line of its own, an item: 县农业、农村局)
        widths = [max(x) for x in zip(prev.widths, this.widths, strict=True)]
        parts = zip(prev.tail, this.head, widths, strict=True)
        joined = [_cell("\n".join(x for x in (a, b) if x), w) for a, b, w in parts]
        old = "\t".join(last)
        where = max((k for k, x in enumerate(pages[i - 1]) if x == old), default=None)
        if where is None:
            continue
        pages[i - 1][where] = "\t".join(joined)
        pages[i] = [x for k, x in enumerate(pages[i]) if x != this.lines[this.first_row] or k > this.first_row + 5]


def looks_like_header(lines: list[str], g: Grammars | None = None) -> bool:
    """Whether a PDFium line of the page may head an unruled task table (its words name the columns,
    a number column among them): the cheap test before the page is read again word by word."""
    return any(len(line.split()) <= 12 and "\t" not in line and _header_roles(line.split(), g) is not None for line in lines)
