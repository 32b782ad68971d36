"""Task tables (任务分工表): each data row of a table with unit or deadline columns is a task.

Loaders render table rows as lines with cells separated by a tab (DOCX, PDF via pdfplumber,
HTML); text plans may carry the same. Column roles come from the header row: unit and
deadline columns by the labels of grammars/fields.toml, the task, number and section columns by
grammars/tables.toml. A header repeated on a later page is skipped; a table continued without
its header keeps the columns of the one before when it has as many cells. An empty unit or
deadline cell repeats the row above (a vertically merged cell); a row without a number under a
numbered row continues it (a row cut by a page break), so it is merged, not duplicated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from planparse.extract.deadlines import parse_field
from planparse.extract.units import split_units
from planparse.grammar import Grammars
from planparse.models import Deadline, Issue, Span, Task, Unit
from planparse.segment import Node

_ROLES = ("lead_units", "responsible_units", "cooperating_units")
# What a blank cell takes from the row above where merged cells show as blank ones (tab-separated
# text, as copied from a web page): a lead or deadline is rarely left blank on purpose, a
# cooperating unit often is, so that one stays blank.
_INHERIT = ("lead_units", "responsible_units", "deadline", "section")


@dataclass
class _Row:
    start: int
    end: int
    cells: list[tuple[int, int]]  # (start, end) of each cell in the text


@dataclass
class _Pending:
    row: _Row
    cells: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # role → cell spans


def _rows(text: str) -> list[list[_Row]]:
    """Runs of consecutive tab-separated lines."""
    tables: list[list[_Row]] = []
    pos = 0
    n = len(text)
    current: list[_Row] = []
    while pos <= n:
        end = text.find("\n", pos)
        end = n if end == -1 else end
        if "\t" in text[pos:end]:
            cells = []
            s = pos
            for i in range(pos, end + 1):
                if i == end or text[i] == "\t":
                    cells.append((s, i))
                    s = i + 1
            current.append(_Row(pos, end, cells))
        elif current:
            tables.append(current)
            current = []
        pos = end + 1
    if current:
        tables.append(current)
    return tables


@lru_cache(maxsize=4)
def _aliases_longest_first(aliases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(aliases, key=len, reverse=True))


def _role_of(cell: str, g: Grammars) -> str | None:
    key = "".join(cell.split()).strip("：:*")
    if not key:
        return None
    for alias in _aliases_longest_first(tuple(g.label_field)):
        if key == alias or key.startswith(alias):
            role = g.label_field[alias]
            return None if role == "other" else role
    for col in g.tables.column:
        for h in col.headers:
            if key == h.replace(" ", "") or key.startswith(h.replace(" ", "")):
                return col.role
    return None


def _header(text: str, row: _Row, g: Grammars) -> list[str | None] | None:
    roles = [_role_of(text[s:e], g) for s, e in row.cells]
    if sum(1 for r in roles if r in (*_ROLES, "deadline")) and sum(1 for r in roles if r) >= 2:
        return roles
    return None


def _section_for(cell: str, nodes: list[Node], text: str) -> Node | None:
    """The section a row cites: a heading title it starts with or contains (spaces aside: PDF
    text puts spaces between Chinese and Latin letters)."""
    cell = "".join(cell.split())
    best: Node | None = None
    for node in nodes:
        title = "".join(text[node.title_start : node.title_end].split())
        if len(title) >= 4 and (cell.startswith(title) or (len(title) >= 6 and title in cell)):
            if best is None or node.depth > best.depth:
                best = node
    return best


def table_tasks(
    text: str, nodes: list[Node], g: Grammars, ref_year: int | None, page_of: Callable[[int], int | None], cells_repeated: bool = False
) -> tuple[list[Task], list[Issue]]:
    """Tasks from the rows of 任务分工表 tables (tab-separated lines under a header naming the roles).
    ``cells_repeated``: the loader repeated merged cells under each row (DOCX, HTML, PDF's ruled
    tables), so a blank cell beside filled ones is blank; otherwise (text shows no merges) a blank
    lead, responsible or deadline cell takes the one above."""
    tasks: list[Task] = []
    warnings: list[Issue] = []
    header: list[str | None] | None = None
    # rows stay pending across page breaks (a table continues under the same header) and are
    # turned into tasks when a new table header starts or the text ends
    pending: list[_Pending] = []

    def flush() -> None:
        for p in pending:
            task, w = _task(text, p, nodes, g, ref_year, page_of, len(tasks) + 1)
            warnings.extend(w)
            if task is not None:
                tasks.append(task)
        pending.clear()

    for rows in _rows(text):
        for row in rows:
            found = _header(text, row, g)
            if found is not None:
                if found != header:
                    flush()  # a new table; the same header again is a repeat on a new page
                header = found
                continue
            if header is None or len(header) != len(row.cells):
                continue
            filled = [text[s:e].strip() for s, e in row.cells]
            nonempty = [v for v in filled if v]
            if len(row.cells) > 2 and ((filled[0] and len(nonempty) == 1) or (len(nonempty) > 1 and len(set(nonempty)) == 1)):
                continue  # one merged cell across the row (first cell only, or repeated): a category line
            cells: dict[str, list[tuple[int, int]]] = {}
            for role, span in zip(header, row.cells, strict=True):
                if role and text[span[0] : span[1]].strip():
                    cells.setdefault(role, []).append(span)
            if not cells:
                continue
            if pending and "number" in header and "number" not in cells and "task" in cells:
                for role, spans in cells.items():  # a row cut by a page break: continue the last one
                    pending[-1].cells.setdefault(role, []).extend(spans)
                continue
            if pending:
                # a row with no unit or deadline at all shares every one of them with the row above
                # (merged down, or across a page break)
                bare = not any(r in cells for r in (*_ROLES, "deadline"))
                if bare or not cells_repeated:
                    for role in (*_INHERIT, "cooperating_units") if bare else _INHERIT:
                        if role not in cells and role in pending[-1].cells and role in header:
                            cells[role] = pending[-1].cells[role][-1:]
            pending.append(_Pending(row, cells))
    flush()
    return tasks, warnings


def _task(
    text: str, p: _Pending, nodes: list[Node], g: Grammars, ref_year: int | None, page_of: Callable[[int], int | None], k: int
) -> tuple[Task | None, list[Issue]]:
    roles: dict[str, list[Unit]] = {r: [] for r in _ROLES}
    for role in _ROLES:
        names: set[str] = set()
        for s, e in p.cells.get(role, []):
            for u in split_units(text, s, e, g):
                if u.name not in names:
                    names.add(u.name)
                    roles[role].append(
                        Unit(name=u.name, canonical=u.canonical, scope=u.scope, placeholder=u.placeholder, collective=u.collective, span=Span((u.start, u.end)), rule="table-" + role)
                    )
    if not any(roles.values()) and "deadline" not in p.cells:
        return None, []
    deadline: Deadline | None = None
    warnings: list[Issue] = []
    for s, e in p.cells.get("deadline", [])[:1]:
        deadline, warnings = parse_field(text, s, e, g, ref_year)
    task_cells = p.cells.get("task") or p.cells.get("section") or [(p.row.start, p.row.start)]
    title = "".join(text[s:e].strip() for s, e in task_cells)  # a row cut by a page break reads whole
    node = _section_for(title, nodes, text)
    path: list[str] = []
    walk = node
    while walk is not None:
        path.insert(0, walk.marker)
        walk = walk.parent
    return (
        Task(
            id=f"table{k}",
            section_id=node.id if node else None,
            path=path,
            title=title,
            lead_units=roles["lead_units"],
            responsible_units=roles["responsible_units"],
            cooperating_units=roles["cooperating_units"],
            deadline=deadline,
            span=Span((p.row.start, max(e for spans in p.cells.values() for _, e in spans))),
            page=page_of(p.row.start),
        ),
        warnings,
    )
