"""The header of a task table: which column holds what, and which rows are no task.

Column words come from grammars/tables.toml and the labels of grammars/fields.toml; a table's own
word outranks a label of role "other" (工作措施 is a task column, though inside an assignment block
it assigns nothing). A level before the word (市级牵头单位, 主要责任单位) names the same column.
"""

from __future__ import annotations

from planparse.grammar import Grammars

UNIT_ROLES = ("lead_units", "responsible_units", "cooperating_units")
# The cells a row's title can come from, the finest first: a 具体措施 under its 重点任务, the task,
# what to reach when the table names no task, the problem a rectification measure answers, the
# category.
TITLE_ROLES = ("measure", "task", "goal", "problem", "section")


def _word_roles(g: Grammars) -> tuple[tuple[str, str], ...]:
    """(word, role) of every column word and field label, the longest first; of two equal words the
    table's own comes first. Built once per grammar: every header cell of every table asks."""
    memo = g.memo.setdefault("table-header", {})
    words = memo.get("words")
    if words is None:
        columns = [(h.replace(" ", ""), c.role) for c in g.tables.column for h in c.headers]
        table_words = {w for w, _ in columns}
        merged = [*columns, *((w, r) for w, r in g.label_field.items() if w not in table_words)]
        words = memo["words"] = tuple(sorted(merged, key=lambda wr: len(wr[0]), reverse=True))
    return words


def _key(cell: str) -> str:
    return "".join(cell.split()).strip("：:*")


def role_of(cell: str, g: Grammars) -> str | None:
    """The role a header cell names, None for none or an "other" column."""
    role = _named_role(cell, g)
    return None if role == "other" else role


def _named_role(cell: str, g: Grammars) -> str | None:
    """The role a header cell names, "other" included; None for a word no column uses."""
    key = _key(cell)
    if not key:
        return None
    words = _word_roles(g)
    keys = [key, *(key[len(q) :] for q in g.tables.qualifiers if key.startswith(q) and len(key) > len(q))]
    for k in keys:
        for word, role in words:
            if k == word or k.startswith(word):
                return role
    return None


def header_roles(cells: list[str], g: Grammars) -> list[str | None] | None:
    """The roles of a header row: one naming a unit or deadline column and one more, else None.

    A table whose header names no title column (专项整治行业名称 | 时间安排 | 责任单位) still says what
    each row is about in its first column of a word no column uses: that one is the task."""
    named = [_named_role(c, g) for c in cells]
    roles = [None if r == "other" else r for r in named]  # as role_of reads each cell
    if sum(1 for r in roles if r in (*UNIT_ROLES, "deadline")) and sum(1 for r in roles if r) >= 2:
        if not any(r in TITLE_ROLES for r in roles):
            at = next((i for i, c in enumerate(cells) if _key(c) and named[i] is None), None)
            if at is not None:
                roles[at] = "task"
        tasks = [i for i, r in enumerate(roles) if r == "task"]
        if len(tasks) > 1 and "measure" not in roles and _key(cells[tasks[0]]) != _key(cells[tasks[-1]]):
            # 重点任务 | 工作内容: the later of two task columns is the finer one, as a measure under its task
            # is (the row reads 重点任务：工作内容, not the two cells run together). One word repeated is one
            # column given a header cell per line of its cells (flat_tables.py).
            roles[tasks[-1]] = "measure"
        return roles
    return None


def sub_header(cells: list[str], upper: list[str | None], g: Grammars) -> list[str | None] | None:
    """The header merged with the row right under it when that row is the header's second row (责任单位
    over 牵头 | 配合, or 牵头单位 | 配合单位 under a blank merged cell): every filled cell a column word or
    a short sub-label, one of them a unit column. None when the row is data."""
    roles: list[str | None] = []
    for cell in cells:
        key = _key(cell)
        role = (role_of(cell, g) or g.tables.sub_labels.get(key)) if key else None
        if key and role is None:
            return None  # a word no header uses: data
        roles.append(role)
    if not any(r in UNIT_ROLES for r in roles):
        return None
    return [low or up for up, low in zip(upper, roles, strict=True)]


def is_category(cells: list[str], header: list[str | None], g: Grammars) -> bool:
    """A row that heads the rows below it rather than being a task: one cell merged across the row
    (the first cell alone, or one value repeated in every cell or in every cell but 序号), or, in a
    numbered table, a title cell alone that reads as a heading (（二）推动数字产业发展)."""
    if len(cells) <= 2:
        return False
    filled = [c.strip() for c in cells]
    nonempty = [v for v in filled if v]
    if (filled[0] and len(nonempty) == 1) or (len(nonempty) > 1 and len(set(nonempty)) == 1):
        return True
    rest = [v for v, r in zip(filled, header, strict=True) if v and r != "number"]
    if len(rest) > 1 and len(set(rest)) == 1:
        return True
    if len(nonempty) == 1 and "number" in header:
        # in a numbered table a task has its number; a title cell alone under a heading marker heads
        # the rows below (without a 序号 column, （一）… in the task cell may be the task itself)
        at = filled.index(nonempty[0])
        if header[at] in TITLE_ROLES:
            return any(h.level <= 2 and h.at.match(nonempty[0]) for h in g.heading_families)
    return False
