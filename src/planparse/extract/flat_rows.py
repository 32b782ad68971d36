"""The lines of one numbered row of a flattened task table (flat_tables.py), put into its columns.

A row's lines carry no column marks: each goes to a column by what it holds (a date, organisations, a
person's name, a sentence). A row may also hold more than one row of the table: a 序号 cell merged over
several rows (one 重点任务 with a 具体措施 per row, or a number left out of the sequence) gives its
number only once, and the rows under it follow as lines of their own. Such a row is read as its first
row and then rows that start again at the columns their lines fill (the measure, or the task), each
with the units or the time it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from planparse.extract.deadlines import parse_field
from planparse.extract.table_header import TITLE_ROLES, UNIT_ROLES
from planparse.extract.units import looks_like_unit
from planparse.grammar import Grammars
from planparse.textindex import split_top_level

Span = tuple[int, int]

MAX_SHORT = 12  # a category or a 备注 line; a task is longer or ends as a sentence does
MAX_DATE = 24  # 2024年6月底前, 持续推进: a time cell is short
SENTENCE = "。；;！？"
OPEN_CLAUSE = "，,、（(“"  # a line ending so is a cell cut short: the next line goes on with it


@dataclass
class Col:
    role: str | None  # tables.py's role; None for a column no rule reads (指标, 备注)
    people: bool  # a column of persons' names (责任领导, 责任人)
    before_title: bool  # stands before the table's first title column (a category column)


def kind(text: str, span: Span, g: Grammars, people: bool) -> str:
    """What a data line holds: date, unit, person, short (a category, a word) or text (a sentence)."""
    line = text[span[0] : span[1]]
    key = "".join(line.split())
    sentence = any(p in key for p in SENTENCE)
    if not sentence and len(key) <= MAX_DATE:
        deadline, _ = parse_field(text, span[0], span[1], g, None)
        if deadline is not None:
            return "date"
    # 县住建局，县财政局 lists units; 开展人居环境整治，建设美丽乡村 is a task that only ends as a name does
    if not sentence and key and all(looks_like_unit(key[a:b], g) for a, b in split_top_level(key, 0, len(key), "，,")):
        return "unit"
    # 夏俊贵, 周 斐, 张三、李四: names of two or three characters, read only where a column of people is
    names = [n for n in key.replace("，", "、").split("、") if n]
    if people and names and all(2 <= len(n) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names):
        return "person"
    if not sentence and len(key) <= MAX_SHORT:
        return "short"
    return "text"


def accepts(col: Col, kind: str) -> bool:
    if col.role in TITLE_ROLES and col.role != "section":
        return kind in ("text", "short")
    if col.role in UNIT_ROLES:
        return kind == "unit"
    if col.role == "deadline":
        return kind == "date"
    if col.people:
        return kind == "person"
    return kind in ("short", "person")  # a category before the task (广电 reads as a name), a 备注 after it


def _free(col: Col) -> bool:
    """A column no rule reads (分月序时进度, 监督方式, 实施步骤): in a complete row its line may be a sentence."""
    return col.role is None and not col.people


def _assign(text: str, row: list[Span], kinds: list[str], cols: list[Col], first: int) -> tuple[list[list[Span]], int] | None:
    """Each line of a row to a column, from column ``first`` on: (lines per column, lines used). A
    complete row (a line per column) goes by position when no line contradicts its column (a column no
    rule reads takes any line); otherwise
    lines go in order to the next column that takes their kind, a run of unit lines (or of sentences)
    spread over a run of such columns: one each, or all in the one column. More unit lines than unit
    columns: one to each but the last, the rest to the last (牵头单位 | 配合单位 over 县水利局 / 县财政局 /
    县自然资源局: a lead is one office far more often than the offices that help are); more sentences
    than title columns is ambiguous (None). Stops at a line no remaining column takes."""
    out: list[list[Span]] = [[] for _ in cols]
    if first == 0 and len(row) == len(cols) and all(accepts(c, k) or k in ("short", "person") or _free(c) for c, k in zip(cols, kinds, strict=True)):
        for i, span in enumerate(row):
            out[i].append(span)
        return out, len(row)
    c = first
    i = 0
    while i < len(row):
        kind = kinds[i]
        k = next((k for k in range(c, len(cols)) if accepts(cols[k], kind)), None)
        if k is None:
            break
        run = 1
        if (kind == "short" and _free(cols[k])) or (kind == "person" and cols[k].people):
            # 孙永峰 / 李先俊 under 责任人, two numbers under 联系电话: one cell of several lines, as units are
            while i + run < len(row) and kinds[i + run] == kind:
                run += 1
        elif kind in ("unit", "text"):
            # a cell wrapped over lines; a sentence's end (。) ends a task cell, and a task line left open
            # after a comma goes on in the next line even when that is short (…完善配套设施建设， / 加快推进城市更新)
            while i + run < len(row) and (
                (kinds[i + run] == kind and not (kind == "text" and text[row[i + run - 1][1] - 1] in SENTENCE))
                or (kind == "text" and kinds[i + run] == "short" and text[row[i + run - 1][1] - 1] in OPEN_CLAUSE)
            ):
                run += 1
        width = 1
        while kind in ("unit", "text") and k + width < len(cols) and accepts(cols[k + width], kind):
            width += 1
        if width == 1:
            out[k].extend(row[i : i + run])
        elif run <= width:
            for n in range(run):
                out[k + n].append(row[i + n])
            width = run
        elif kind == "unit":
            for n in range(width - 1):
                out[k + n].append(row[i + n])
            out[k + width - 1].extend(row[i + width - 1 : i + run])
        else:
            return None  # sentences one per line under two title columns: which is whose cannot be told
        i += run
        c = k + width
    return out, i


def _fix_title(out: list[list[Span]], cols: list[Col]) -> bool:
    """A short task with no category: the line read as the category is the task. False when the row
    has no task at all (a unit line where the task should be is no row of this table); a measure
    alone is one (its 重点任务 merged down from the row above, which tables.py puts before it)."""
    titles = [i for i, c in enumerate(cols) if c.role in TITLE_ROLES and c.role != "section"]
    if titles and not any(out[i] for i in titles):
        before = [i for i in range(titles[0]) if out[i] and cols[i].before_title]
        if before:
            out[titles[0]] = out[before[-1]]
            out[before[-1]] = []
    return not titles or any(out[i] for i in titles)


def _restart(kinds: list[str], cols: list[Col]) -> int | None:
    """The column a row under a merged 序号 cell starts at: its leading sentences and words fill the
    title columns up to the last (a lone 具体措施 under a merged 重点任务; a task with its category when
    the number alone was left out); None when no sentence leads (prose or a stray unit, no row)."""
    lead = next((n for n, k in enumerate(kinds) if k not in ("text", "short")), len(kinds))
    titles = [i for i, c in enumerate(cols) if c.role in TITLE_ROLES and c.role != "section"]
    if not lead or not titles or not any(k == "text" for k in kinds[:lead]):
        return None
    return max(0, titles[-1] - lead + 1)


def read_rows(text: str, row: list[Span], cols: list[Col], g: Grammars, last: bool) -> list[tuple[list[list[Span]], Span]] | None:
    """The table rows in the lines after one row number: (lines per column, the lines' span) each. A line
    no column takes ends the table in its last row (the plan's prose after it); elsewhere it means the
    lines are no row of this table (None). Each row after the first must name a unit or a time of its own."""
    kinds = [kind(text, s, g, any(c.people for c in cols)) for s in row]
    out: list[tuple[list[list[Span]], Span]] = []
    at, first = 0, 0
    while at < len(row):
        got = _assign(text, row[at:], kinds[at:], cols, first)
        if got is None:
            return None
        cells, used = got
        named = any(cells[c] for c, col in enumerate(cols) if col.role in (*UNIT_ROLES, "deadline"))
        # a later row names a unit or a time; the sign-off under the table's last row (issuer, then the
        # date alone on its line) or an attachment's line is none
        signed = any(g.meta["after_body"].match(text, s, e) for s, e in row[at : at + used])
        if not used or not _fix_title(cells, cols) or (out and (not named or signed)):
            break
        out.append((cells, (row[at][0], row[at + used - 1][1])))
        at += used
        nxt = _restart(kinds[at:], cols)
        if nxt is None:
            break
        first = nxt
    if at < len(row) and not last:
        return None
    return out
