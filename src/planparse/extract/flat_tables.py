"""Task tables flattened one cell per line: a web page's 任务分工表 copied as text, or with its HTML
tags stripped, comes out with each cell on a line of its own — the header's cells (序号, 重点任务,
牵头单位, 完成时限), then each row's (1, the task, the units, the date). A merged or blank cell gives
no line, a cell may wrap over several lines (units one per line, 责任股室 over (单位)), and the row
number is what marks where a row starts.

A converter of web pages or Word files may instead write a table as Markdown rows (``| 1 | 推进… |
县住建局 |``): :func:`piped_cells` reads their cells for tables.py, and normalize joins no such line.

This module finds such tables and hands tables.py the same rows a tab-separated table gives, so the
rows become tasks the same way: a header row, then one row per table row, each cell a span of the
text. A column whose cells wrap is given as several columns of the same header word, one line
each, so that units listed one per line stay apart and a wrapped task reads whole.

Conservative by design (a wrong table is worse than none):

* the header is a run of at least three short lines that are column words (grammars/tables.toml,
  the labels of grammars/fields.toml), one of them a unit or deadline column, none with a colon
  (牵头单位：县发改局 is a labelled value, not a header cell);
* rows start at the row numbers 1, 2, 3 … in sequence where the header has a 序号 column; without
  one, every row must be complete (as many lines as columns, each of the kind its column holds);
* each line goes to a column by what it holds where position alone cannot tell: a date or
  持续推进 to the deadline column, organisations to the unit columns in order, a person's name to
  a column of people (责任领导), a sentence to the task; a line no remaining column takes ends the
  table (the plan's prose after it), as does a heading of the plan.
"""

from __future__ import annotations

import bisect
import re
from itertools import pairwise

from planparse import rx
from planparse.extract.flat_rows import SENTENCE, Col, accepts, kind, read_rows
from planparse.extract.table_header import TITLE_ROLES, UNIT_ROLES, _named_role, _word_roles, header_roles
from planparse.grammar import Grammars

Span = tuple[int, int]
FlatRow = tuple[int, int, list[Span]]  # (start, end, a span per column): tables.py's _Row

_MAX_HEADER_CELL = 12  # a header cell is a column word, maybe with a qualifier or a bracket
_MAX_UNNAMED = 6  # a column word no table uses (指标, 类别名) is short
_LABEL = "：:"  # a colon makes a line a labelled value (责任单位：…), never a header cell
_MAX_ROW_LINES = 40  # a numbered row longer than this is no row of a table: stop
_MAX_PIECE = 4  # a column word wrapped in a narrow cell breaks into pieces of two to four characters


def _lines(text: str) -> list[Span]:
    """Every line's span with its spaces (and | cell marks) stripped; blank lines are (s, s)."""
    out: list[Span] = []
    pos = 0
    while pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        # a cell marked by a bar at its end, or at both ends (| 1 |, as a converter writing one cell a line
        # gives it); a line of more bars is a Markdown row, which tables.py reads
        lead = " \u3000\r|" if text.count("|", pos, end) <= 2 else " \u3000\r"
        out.append(_trim(text, pos, end, lead, " \u3000\r|"))
        pos = end + 1
    return out


def _trim(text: str, s: int, e: int, lead: str, tail: str) -> Span:
    """``(s, e)`` without the ``lead`` characters at its start and the ``tail`` ones at its end."""
    while s < e and text[s] in lead:
        s += 1
    while e > s and text[e - 1] in tail:
        e -= 1
    return s, e


def _key(text: str, span: Span) -> str:
    return "".join(text[span[0] : span[1]].split())


def _role(key: str, g: Grammars) -> str | None:
    """table_header's role for a short line, remembered per grammar: normalize.py asks it of every
    short line before joining lines, and the tables reader again of the same lines after."""
    memo: dict[str, str | None] = g.memo.setdefault("flat-table-role", {})
    if key not in memo:
        if len(memo) > 100_000:  # emptied when it grows past any plan's vocabulary
            memo.clear()
        memo[key] = _named_role(key, g)
    return memo[key]


def _wrapped_word(text: str, lines: list[Span], i: int, key: str, g: Grammars) -> int | None:
    """The line that ends a column word begun on line ``i`` (a header cell wrapped in a narrow column:
    责任 / 领导, 责任 / 科室, 完成 / 时限, a blank line maybe between), when line ``i`` alone is no column
    word and the two together are one; else None. Two pieces at most, each short, as a wrapped cell is."""
    j = next((n for n in range(i + 1, min(i + 3, len(lines))) if lines[n][0] < lines[n][1]), None)
    if j is None or len(key) > _MAX_PIECE:
        return None
    rest = _key(text, lines[j])
    if len(rest) > _MAX_PIECE or any(c in rest for c in _LABEL + SENTENCE + "，,"):
        return None
    return j if _role(key + rest, g) is not None else None


def _header(text: str, lines: list[Span], i: int, g: Grammars) -> tuple[list[Span], list[str | None], int] | None:
    """The header starting at line ``i``: its cells (a wrapped cell joined), their roles and the line after it."""
    cells: list[Span] = []
    named: list[bool] = []
    ends: list[int] = []  # the line after each cell
    j = i
    while j < len(lines):
        s, e = lines[j]
        key = _key(text, (s, e))
        if not key:
            j += 1
            continue
        if "\t" in text[s:e] or len(key) > _MAX_HEADER_CELL or any(c in key for c in _LABEL + SENTENCE + "，,"):
            break
        joined = _wrapped_word(text, lines, j, key, g) if _role(key, g) is None else None
        if joined is not None:  # 责任 / 领导, 完成 / 时限: a narrow column's word wrapped over two lines
            cells.append((s, lines[joined][1]))
            named.append(True)
            j = joined
        elif _role(key, g) is not None:
            cells.append((s, e))
            named.append(True)
        elif cells and key[0] in "（(" and key[-1] in "）)":
            cells[-1] = (cells[-1][0], e)  # 责任股室 / (单位): a header cell wrapped over two lines
            ends.pop()
        elif cells and named[-1] and len(key) <= _MAX_UNNAMED and not any(ch.isdigit() for ch in key):
            cells.append((s, e))  # a column word no rule knows (指标), between known ones
            named.append(False)
        else:
            break
        j += 1
        ends.append(j)
    while named and not named[-1]:  # an unknown word after the header is the first row's cell
        named.pop()
        cells.pop()
        ends.pop()
    if sum(named) < 3 or not named[0]:
        return None
    roles = header_roles([text[s:e] for s, e in cells], g)
    if roles is None or not any(r in TITLE_ROLES for r in roles):
        return None
    return cells, roles, ends[-1]


def _columns(text: str, cells: list[Span], roles: list[str | None], g: Grammars) -> list[Col]:
    first_title = next(i for i, r in enumerate(roles) if r in TITLE_ROLES)
    cols = []
    for i, (span, role) in enumerate(zip(cells, roles, strict=True)):
        key = _key(text, span)
        people = role is None and any(w in key for w in g.tables.person_columns)
        cols.append(Col(role, people, i < first_title))
    return cols


def _number(text: str, span: Span) -> int | None:
    key = _key(text, span).rstrip(".、．")
    return int(key) if key.isdigit() and len(key) <= 3 else None


def _follows(text: str, span: Span, expected: int) -> bool:
    """Whether the line is the number of the row after row ``expected``: the next number, or the one
    after it when a row's number was left out (its cell merged into the row above, or dropped by the copy)."""
    return _number(text, span) in (expected + 1, expected + 2)


def _heading(text: str, span: Span, g: Grammars) -> bool:
    line = text[span[0] : span[1]]
    return any(h.level <= 2 and h.at.match(line) for h in g.heading_families)


def _barred(text: str, span: Span) -> bool:
    """Whether the line is a cell closed by bars: a bar line right before and after it (a converter
    writing each cell, then a line of its own holding |), or a bar ending it. A heading in such a cell
    (一、主要预期目标 in a 重点任务 column) is the row's cell, not the plan's heading after the table."""
    before = text.rfind("\n", 0, max(0, span[0] - 1))
    above = text[before + 1 : max(before + 1, span[0] - 1)].strip()
    below = text[span[1] : text.find("\n", span[1] + 1) if text.find("\n", span[1] + 1) != -1 else len(text)].strip()
    return (above == "|" and below == "|") or text[span[0] : span[1] + 2].rstrip().endswith("|")


def _rows(text: str, lines: list[Span], start: int, cols: list[Col], g: Grammars) -> list[tuple[Span, list[list[Span]]]]:
    """The rows after a header: (row span, lines per column)."""
    data = [n for n in range(start, len(lines)) if lines[n][0] < lines[n][1]]
    number = next((i for i, c in enumerate(cols) if c.role == "number"), None)
    body = [c for i, c in enumerate(cols) if i != number]
    rows: list[tuple[Span, list[list[Span]]]] = []
    if number == 0:
        expected = 1
        at = 0
        while at < len(data) and _number(text, lines[data[at]]) == expected:
            nxt = at + 1
            while nxt < len(data) and not _follows(text, lines[data[nxt]], expected) and nxt - at <= _MAX_ROW_LINES:
                if (_heading(text, lines[data[nxt]], g) and not _barred(text, lines[data[nxt]])) or "\t" in text[lines[data[nxt]][0] : lines[data[nxt]][1]]:
                    break
                nxt += 1
            stop = nxt - at > _MAX_ROW_LINES or not (nxt < len(data) and _follows(text, lines[data[nxt]], expected))
            got = read_rows(text, [lines[n] for n in data[at + 1 : nxt]], body, g, last=stop)
            for cells, (_, end) in got or []:
                # a number cell merged over rows repeats in each (as a merged unit cell does): each is a row of
                # its own for tables.py, where a row without a number continues the one above (a page break)
                rows.append(((lines[data[at]][0], end), [[lines[data[at]]], *cells]))
            if stop:
                break
            expected = _number(text, lines[data[nxt]]) or expected + 1
            at = nxt
        return rows
    if number is not None:
        return rows
    # no 序号 column: rows only where every one is complete
    width = len(cols)
    for at in range(0, len(data) - width + 1, width):
        row = [lines[n] for n in data[at : at + width]]
        kinds = [kind(text, s, g, any(c.people for c in cols)) for s in row]
        if not all(accepts(c, k) for c, k in zip(cols, kinds, strict=True)):
            break
        rows.append(((row[0][0], row[-1][1]), [[s] for s in row]))
    return rows if len(rows) >= 2 else []


def _inherit(rows: list[tuple[Span, list[list[Span]]]], cols: list[Col]) -> None:
    """A merged cell gives a line only in its first row: the rows under it take its lines, all of them
    (tables.py repeats a blank cell's one span from the row above; here a cell may be several lines).
    Lead, responsible and deadline cells are taken so; a cooperating cell only by a row naming no
    unit or time at all, as tables.py does with blank cells."""
    kept = ("lead_units", "responsible_units", "deadline")
    for above, (_, row) in pairwise(rows):
        bare = not any(row[c] for c, col in enumerate(cols) if col.role in (*UNIT_ROLES, "deadline"))
        for c, col in enumerate(cols):
            if not row[c] and (col.role in kept or (bare and col.role == "cooperating_units")):
                row[c] = list(above[1][c])


def _may_hold_table(text: str, g: Grammars) -> bool:
    """Whether a line of ``text`` could be a unit or deadline header cell (a unit or deadline column
    word, maybe after a qualifier, alone on a short line): every header has one, and one regex scan
    of line starts spares most plans the reader's walk over every line (normalize asks too)."""
    memo = g.memo.setdefault("flat-table-gate", {})
    gate = memo.get("gate")
    if gate is None:
        space = "[ \t\u3000]*"  # spaced out: 牵 头 单 位 (the reader drops spaces from a cell)
        words = {w for w, role in _word_roles(g) if role in (*UNIT_ROLES, "deadline")}
        wrap = "[ \t\u3000\n]*"  # or wrapped in a narrow column: 责任 / 科室, 完成 / 时限 (_wrapped_word)
        alts = "|".join(wrap.join(re.escape(ch) for ch in w) for w in sorted(words, key=len, reverse=True))
        quals = "|".join(re.escape(q) for q in g.tables.qualifiers)
        tail = f"[^\n\t{_LABEL}{SENTENCE}，,]{{0,{_MAX_HEADER_CELL}}}"
        gate = memo["gate"] = rx.compile(f"^{space}(?:{quals})?(?:{alts}){tail}$", re.MULTILINE)
    return gate.search(text) is not None


def flat_tables(text: str, g: Grammars) -> list[list[FlatRow]]:
    """Tables written one cell per line, as rows for tables.py: the header row first, each column
    repeated as often as its widest cell has lines, then the data rows."""
    if not _may_hold_table(text, g):
        return []
    lines = _lines(text)
    tables: list[list[FlatRow]] = []
    i = 0
    while i < len(lines):
        found = _header(text, lines, i, g) if lines[i][0] < lines[i][1] else None
        if found is None:
            i += 1
            continue
        cells, roles, after = found
        cols = _columns(text, cells, roles, g)
        rows = _rows(text, lines, after, cols, g)
        if not rows:
            i = after
            continue
        _inherit(rows, cols)
        widths = [max(1, *(len(r[1][c]) for r in rows)) for c in range(len(cols))]
        header = [cells[c] for c in range(len(cols)) for _ in range(widths[c])]
        table: list[FlatRow] = [(cells[0][0], cells[-1][1], header)]
        for (s, e), per_col in rows:
            spans = [per_col[c][n] if n < len(per_col[c]) else (s, s) for c in range(len(cols)) for n in range(widths[c])]
            table.append((s, e, spans))
        tables.append(table)
        end = rows[-1][0][1]
        while i < len(lines) and lines[i][0] <= end:
            i += 1
    return tables


_GAP = rx.compile("[ \u3000]{2,}")  # between cells of a row a web copy wrote with spaces for its tab stops
_MIN_SPACED = 3  # a header of three cells at least (the task, a unit or a time, one more)


def _spaced_cells(text: str, start: int, end: int) -> list[Span]:
    """The cells of a line split at runs of two spaces or more, spaces trimmed. A name padded to three
    characters' width (李  强, 汪  峰, as documents print two-character names) is one cell: a piece of one
    Chinese character is no cell of a task table, so it joins a one-character piece after it."""
    a, b = _trim(text, start, end, " \u3000\r", " \u3000\r")
    cells: list[Span] = []
    s = a
    for m in [*_GAP.finditer(text, a, b), None]:
        e = m.start() if m else b
        if cells and e - s == 1 and cells[-1][1] - cells[-1][0] == 1 and all("\u4e00" <= text[at] <= "\u9fff" for at in (s, cells[-1][0])):
            cells[-1] = (cells[-1][0], e)
        elif e > s:
            cells.append((s, e))
        s = m.end() if m else b
    return cells


def spaced_tables(text: str, g: Grammars) -> list[list[FlatRow]]:
    """Tables whose rows a web copy wrote on one line each with runs of spaces for tabs: a header line
    whose cells (split so) are column words naming a title column and a unit or time column, then the
    lines split into as many cells, up to the first that is not (blank lines aside). Only where the
    header shows the columns the same way: a line of prose with double spaces in it is no row."""
    if ("  " not in text and "\u3000\u3000" not in text) or not _may_hold_spaced(text, g):
        return []
    lines = _lines(text)
    tables: list[list[FlatRow]] = []
    i = 0
    while i < len(lines):
        s, e = lines[i]
        i += 1
        if s == e or "\t" in text[s:e] or "|" in text[s:e]:
            continue
        head = _spaced_cells(text, s, e)
        if len(head) < _MIN_SPACED or any(len(_key(text, c)) > _MAX_HEADER_CELL for c in head):
            continue
        roles = header_roles([text[a:b] for a, b in head], g)
        if roles is None or not any(r in TITLE_ROLES for r in roles) or sum(1 for c in head if _role(_key(text, c), g)) < _MIN_SPACED:
            continue
        table: list[FlatRow] = [(s, e, head)]
        while i < len(lines):
            rs, re_ = lines[i]
            if rs == re_:
                i += 1
                continue
            cells = _spaced_cells(text, rs, re_)
            if len(cells) != len(head) or "\t" in text[rs:re_]:
                break
            table.append((rs, re_, cells))
            i += 1
        if len(table) > 1:
            tables.append(table)
    return tables


def _may_hold_spaced(text: str, g: Grammars) -> bool:
    """Whether a line holds a unit or deadline column word with a run of spaces on a side of it: the
    header of a table written with spaces has one (one scan spares other plans the reader's walk)."""
    memo = g.memo.setdefault("flat-table-gate", {})
    gate = memo.get("spaced")
    if gate is None:
        words = {w for w, role in _word_roles(g) if role in (*UNIT_ROLES, "deadline")}
        alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        gate = memo["spaced"] = rx.compile(f"(?:[ \u3000]{{2}}(?:{alts})|(?:{alts})[ \u3000]{{2}})")
    return gate.search(text) is not None


def piped_cells(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The cells of a Markdown table line (``| a | b |``, two cells at least, as converters of web pages
    and Word files write a table to text), spaces trimmed; [] for its rule line (``|---|:--:|``); None
    for any other line. tables.py reads such lines as it reads tab-separated ones; normalize joins none."""
    a, b = _trim(text, start, end, " \u3000", " \u3000\r")
    if b - a < 5 or text[a] != "|" or text[b - 1] != "|" or text.count("|", a, b) < 3:
        return None
    if not text[a:b].strip("|-: "):
        return []
    cells: list[tuple[int, int]] = []
    s = a + 1
    while s < b:
        e = text.find("|", s, b)
        cells.append(_trim(text, s, e, " \u3000", " \u3000"))
        s = e + 1
    return cells


def table_lines(lines: list[str], g: Grammars) -> set[int]:
    """Indices of the ``lines`` that belong to a table written one cell per line, from its header
    through its last row, or that are a Markdown table's rows (:func:`piped_cells`). normalize.py asks
    it of the lines before it joins wrapped ones: each such line is a cell, so a task cell without 。
    must not take the unit cell under it as its wrapped rest (the row was lost), nor a cell the line
    before or after the table. The same reader finds the table here as after, so the two agree on it.

    >>> from planparse.grammar import load_grammars
    >>> sorted(table_lines(["二、任务分工", "序号", "重点任务", "牵头单位", "1", "推进改造，提升品质", "县住建局", "各单位要落实。"], load_grammars()))
    [1, 2, 3, 4, 5, 6]
    """
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    out = {i for i, line in enumerate(lines) if "|" in line and piped_cells(line, 0, len(line)) is not None}  # a Markdown row
    joined = "\n".join(lines)
    for table in [*flat_tables(joined, g), *spaced_tables(joined, g)]:
        first = bisect.bisect_right(starts, table[0][0]) - 1
        last = bisect.bisect_right(starts, table[-1][1] - 1) - 1
        out.update(range(first, last + 1))
    return out
