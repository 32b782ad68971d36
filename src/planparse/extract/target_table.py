"""Targets from tables of indicators (主要指标表): one target a row.

A plan states its goals in prose (达到35%以上) or in a table whose columns are the indicator, its unit,
a base-year value and a target-year value (grammars/tables.toml ``[targets]``). The prose reader
sees no indicator in such a row (the name and the number stand in different cells), so the table
is read by its header: the target column, its year, the unit column or the bracket after the name.
"""

from __future__ import annotations

from planparse import rx
from planparse.extract.tables import table_rows
from planparse.grammar import Grammars
from planparse.models import Span, Target

_YEAR = rx.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
_NUMBER = rx.compile(r"[0-9]+(?:\.[0-9]+)?")
# a value in [ ] is a cumulative figure in 十四五 tables: the brackets are no part of the number
_BRACKETS = "[]［］〔〕【】()（）"
_NAME_UNIT = rx.compile(r"[（(]([^（）()]{1,12})[）)][ \t]*$")  # 森林覆盖率（%）


def _key(cell: str) -> str:
    return "".join(cell.split())


def _matches(key: str, words: list[str]) -> bool:
    return any(key == w or key.startswith(w) for w in words)


def _header(cells: list[str], g: Grammars) -> tuple[int, int, int | None, int | None, int | None] | None:
    """(indicator column, target column, its year, unit column, attribute column) of a header row."""
    spec = g.tables.targets
    if spec is None:
        return None
    keys = [_key(c) for c in cells]
    ind = next((i for i, k in enumerate(keys) if _matches(k, spec.indicator) and not _matches(k, spec.attribute)), None)
    if ind is None:
        return None
    years = [(i, int(m.group(1))) for i, k in enumerate(keys) if i != ind and (m := _YEAR.search(k)) and not any(b in k for b in spec.base)]
    marked = [(i, y) for i, y in years if any(t in keys[i] for t in spec.target)]
    target: tuple[int, int | None] | None = marked[-1] if marked else max(years, key=lambda iy: iy[1]) if years else None
    if target is None:  # 基期值 | 目标值: the target column names no year (the caption above the table does)
        named = [i for i, k in enumerate(keys) if i != ind and _matches(k, spec.target) and not any(b in k for b in spec.base)]
        target = (named[-1], None) if named else None
    if target is None:
        return None
    unit = next((i for i, k in enumerate(keys) if k in spec.unit), None)
    attr = next((i for i, k in enumerate(keys) if _matches(k, spec.attribute)), None)
    return ind, target[0], target[1], unit, attr


def _value(text: str, s: int, e: int, g: Grammars) -> tuple[str | None, float, int, str | None] | None:
    """(sign's comparator, value, end of the value's cell text, % or ‰) of a value cell, None for no number
    (—, 待定) or more than one (30.5—32)."""
    spec = g.tables.targets
    assert spec is not None
    cell = text[s:e].strip()
    numbers = list(_NUMBER.finditer(cell))
    if len(numbers) != 1:
        return None
    m = numbers[0]
    head = cell[: m.start()].strip(" \t" + _BRACKETS)
    tail = cell[m.end() :].strip(" \t" + _BRACKETS)
    sign = spec.comparators.get(head) if head else None
    if (head and sign is None) or tail not in ("", "%", "‰"):
        return None
    return sign, float(m.group()), s + len(text[s:e].rstrip()), tail or None  # the cell to its last mark: [13.5]


_FYP = rx.compile(r"十([一二三四五六七八九])五")
_CN_DIGITS = "一二三四五六七八九"
_CAPTION_LINES = 3  # how many lines above a table its caption (表1 “十四五”主要指标, 2025年目标) may take


def _caption_year(text: str, start: int) -> int | None:
    """The latest year the lines right above a table name (2021—2025年 → 2025; “十四五” → 2025): the year
    of a target column headed 目标值 or 预期值 alone."""
    top = start
    for _ in range(_CAPTION_LINES):
        if top <= 0:
            break
        top = text.rfind("\n", 0, top - 1) + 1
    years = [int(m.group(1)) for m in _YEAR.finditer(text, top, start)]
    years += [1951 + 5 * (10 + _CN_DIGITS.index(m.group(1)) + 1) + 4 for m in _FYP.finditer(text, top, start)]
    return max(years) if years else None


def table_targets(text: str, g: Grammars) -> list[Target]:
    """The targets of every indicator table in the text, in document order."""
    out: list[Target] = []
    for table in table_rows(text):
        header: tuple[int, int, int | None, int | None, int | None] | None = None
        for row in table:
            cells = row.cells
            found = _header([text[s:e] for s, e in cells], g)
            if found is not None:
                header, width = found, len(cells)
                if found[2] is None:
                    header = (*found[:2], _caption_year(text, row.start), *found[3:])
                continue
            if header is not None and len(cells) == width:
                out.extend(_row_target(text, cells, header, g))
    return out


def _row_target(text: str, cells: list[tuple[int, int]], header: tuple[int, int, int | None, int | None, int | None], g: Grammars) -> list[Target]:
    ind, col, year, unit_col, attr_col = header
    name_s, name_e = cells[ind]
    name = text[name_s:name_e].strip()
    read = _value(text, *cells[col], g)
    if not name or read is None:
        return []
    sign, value, v_end, cell_unit = read
    unit = cell_unit or (text[slice(*cells[unit_col])].strip() if unit_col is not None else "") or None
    bracket = _NAME_UNIT.search(name)
    if bracket:
        unit = unit or bracket.group(1)
        name = name[: bracket.start()].rstrip()
    attr = _key(text[slice(*cells[attr_col])]) if attr_col is not None else ""
    spec = g.tables.targets
    comparator = sign or (spec.attributes.get(attr) if spec else None) or ">="
    start = name_s + len(text[name_s:name_e]) - len(text[name_s:name_e].lstrip())
    return [Target(indicator=name, comparator=comparator, value=value, unit=unit, year=year, raw=text[start:v_end], span=Span((start, v_end)), rule="table")]  # type: ignore[arg-type]

