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

from planparse import rx
from planparse.extract.clauses import verb_fields
from planparse.extract.deadlines import DateIndex, parse_field
from planparse.extract.flat_tables import flat_tables, piped_cells, spaced_tables
from planparse.extract.table_header import TITLE_ROLES, header_roles, is_category, sub_header
from planparse.extract.tasks import add_units, apply_role_notes, dated_steps
from planparse.extract.units import split_units
from planparse.grammar import Grammars
from planparse.models import Deadline, Issue, Span, Task, Unit
from planparse.segment import Node
from planparse.textindex import split_top_level

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
    within: Node | None = None  # the body section the table stands in (三、重点任务分工 over it)


def table_rows(text: str) -> list[list[_Row]]:
    """Runs of consecutive tab-separated lines, or of lines written as a Markdown table (``| 序号 | 牵头单位 |``,
    as converters of web pages and Word files write tables to text; its ``|---|`` rule line is skipped)."""
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
        elif text.find("|", pos, end) != -1 and (piped := piped_cells(text, pos, end)) is not None:
            if piped:  # else the rule line under a Markdown header
                current.append(_Row(pos, end, piped))
        elif current:
            tables.append(current)
            current = []
        pos = end + 1
    if current:
        tables.append(current)
    return tables


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


# Where a sentence of the body starts and ends: a task cell that quotes the body (优化国土空间开发保护格局 for the
# run-in title 优化国土空间开发保护格局。构建…, or a whole sentence of a paragraph) quotes whole sentences.
_SENTENCE_EDGE = "。！？；;：:!?"
_MIN_QUOTE = 4  # 严格环境准入 is a task; two or three characters (加强, 其他) name nothing
_NOT_SPACE = rx.compile(r"[^ \t\u3000\xa0]+")
_LONG_QUOTE = 24  # a sentence's opening this long, word for word, is that sentence though the cell stops short


class _Body:
    """The plan's text outside its tables with spaces removed (PDF text spaces Chinese from Latin letters and
    breaks a cell's lines where the body does not), and where each remaining character stands."""

    def __init__(self, text: str, tables: list[list[_Row]]) -> None:
        masked = list(text)
        for rows in tables:  # a table's cells are no body text: they stand apart as lines do
            start, end = rows[0].start, min(rows[-1].end + 1, len(text))
            masked[start:end] = "\n" * (end - start)
        runs = list(_NOT_SPACE.finditer("".join(masked)))  # a run at a time, not a character
        self.squeezed = "".join(m.group() for m in runs)
        self.at: list[int] = [i for m in runs for i in range(m.start(), m.end())]

    def quoted(self, cell: str, nodes: list[Node]) -> Node | None:
        """The section of the body's one passage that the cell quotes whole: from a sentence's start (a line's
        start or the end of the sentence before) to a sentence's end, or a long opening of one. None when the passage is nowhere, or in
        two sections, or when the cell is too short to name one: a loose partial match links nothing."""
        quote = "".join(cell.split()).rstrip(_SENTENCE_EDGE)
        if len(quote) < _MIN_QUOTE:
            return None
        s = self.squeezed
        found: set[int] = set()
        hit: Node | None = None
        at = s.find(quote)
        while at >= 0:
            end = at + len(quote)
            if (at == 0 or s[at - 1] in "\n" + _SENTENCE_EDGE) and (len(quote) >= _LONG_QUOTE or end == len(s) or s[end] in "\n" + _SENTENCE_EDGE):
                pos = self.at[at]
                hit = next((n for n in reversed(nodes) if n.start <= pos < n.end), None)  # the deepest
                found.add(id(hit))
            at = s.find(quote, at + 1)
        return hit if len(found) == 1 else None


_PROSE = "。，,；;"  # punctuation of sentences: a caption or a lead-in ending with ： has none
_MAX_LEAD_IN = 300  # a lead-in and a caption are short (and the look-back stays bounded per table)


def _within(text: str, nodes: list[Node], pos: int, g: Grammars) -> Node | None:
    """The deepest section of the body whose text holds ``pos`` (a table's first row) when the table is
    what the section says: its heading stands alone on its line and nothing but a lead-in (…分工如下：)
    or a caption (重点任务分工表) comes between. A task table written under 三、重点任务分工 is that
    section's; one after the text of the last item (（八）…。 then the table of the whole plan) is not
    the item's, nor one after an attachment line or the sign-off (metadata.toml after_body: the last
    section runs on over them).
    None before the first heading."""
    best = next((n for n in reversed(nodes) if n.start < pos < n.end), None)  # document order: the last is the deepest
    if best is None or not best.alone or pos - best.title_end > _MAX_LEAD_IN or g.meta["after_body"].search(text, best.title_end, pos):
        return None
    lines = text[best.title_end : pos].split("\n")[1:]  # the lines under the heading, up to the table
    if any(not line.rstrip().endswith(("：", ":")) and any(p in line for p in _PROSE) for line in lines):
        return None  # a sentence of the section's own: the section is an item, the table stands after it
    return best


def table_tasks(
    text: str,
    nodes: list[Node],
    g: Grammars,
    ref_year: int | None,
    page_of: Callable[[int], int | None],
    cells_repeated: bool = False,
    dates: DateIndex | None = None,
    min_year: int | None = None,
) -> tuple[list[Task], list[Issue], set[int]]:
    """Tasks from the rows of 任务分工表 tables (tab-separated lines under a header naming the roles).
    ``cells_repeated``: the loader repeated merged cells under each row (DOCX, HTML, PDF's ruled
    tables), so a blank cell beside filled ones is blank; otherwise (text shows no merges) a blank
    lead, responsible or deadline cell takes the one above. A row takes the section a cell of it
    names, else the body section the table stands in; the third value holds where the rows of the
    second kind start (the section's own dated text is no commitment of theirs). ``dates`` and
    ``min_year`` as build_tasks takes them: a deadline cell's steps are read as a deadline field's are,
    a year before the plan starts (2023年完成摸底 in a 2024 plan) being history, no milestone."""
    tasks: list[Task] = []
    warnings: list[Issue] = []
    enclosed: set[int] = set()
    header: list[str | None] | None = None
    # rows stay pending across page breaks (a table continues under the same header) and are
    # turned into tasks when a new table header starts or the text ends
    pending: list[_Pending] = []

    body: list[_Body] = []  # built once, for the first row that names no heading

    def body_of() -> _Body:
        if not body:
            body.append(_Body(text, tables))
        return body[0]

    def flush() -> None:
        for p in pending:
            task, w, cited = _task(text, p, nodes, g, (ref_year, min_year, dates), page_of, len(tasks) + 1, body_of)
            warnings.extend(w)
            if task is not None:
                tasks.append(task)
                if task.section_id and not cited:
                    enclosed.add(task.span.start)
        pending.clear()

    top: list[str | None] | None = None  # the header's first row: seen again, it repeats on a new page
    under_header = False
    # tables written one cell per line, and rows written with runs of spaces for tabs
    flat = [[_Row(*r) for r in t] for t in [*flat_tables(text, g), *spaced_tables(text, g)]]
    tables = sorted([*table_rows(text), *flat], key=lambda t: t[0].start)
    for rows in tables:
        within = _within(text, nodes, rows[0].start, g)
        for row in rows:
            values = [text[s:e] for s, e in row.cells]
            if under_header and header is not None and len(header) == len(row.cells):
                merged = sub_header(values, header, g)
                if merged is not None:  # the header's second row (责任单位 over 牵头 | 配合)
                    header = merged
                    continue
            found = header_roles(values, g)
            if found is not None:
                if found != top:
                    flush()  # a new table; the same header again is a repeat on a new page
                top = header = found
                under_header = True
                continue
            under_header = False
            if header is None or len(header) != len(row.cells):
                continue
            if is_category(values, header, g):
                continue
            cells: dict[str, list[tuple[int, int]]] = {}
            for role, span in zip(header, row.cells, strict=True):
                if role and text[span[0] : span[1]].strip():
                    cells.setdefault(role, []).append(span)
            if not cells:
                continue
            two_level = "measure" in cells and "task" in header and "task" not in cells
            if two_level and pending and any(r in cells for r in (*_ROLES, "deadline")):
                # a measure of its own under a 重点任务 merged down over it: a row, not a continuation
                if "task" in pending[-1].cells:
                    cells["task"] = pending[-1].cells["task"][-1:]
            elif pending and "number" in header and "number" not in cells and any(r in cells for r in TITLE_ROLES):
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
            pending.append(_Pending(row, cells, within))
    flush()
    return tasks, warnings, enclosed


def _title(text: str, p: _Pending) -> tuple[str, list[str]]:
    """The row's title and the cells it can name a section by, the title's own first. The finest
    title cell is the title; a measure under its 重点任务, or one against a problem, carries that cell
    before it (推进产业数字化：实施企业技改数字化项目) so that the row reads whole in a flat list."""

    def cell(role: str) -> str:
        return "".join(text[s:e].strip() for s, e in p.cells.get(role, []))  # a row cut by a page break reads whole

    main = next((r for r in TITLE_ROLES if r in p.cells), None)
    if main is None:
        return "", []
    before = [r for r in ("problem", "task") if r in p.cells and r != main and (main == "measure" or r == "problem")]
    title = "：".join(cell(r) for r in [*before, main])
    return title, [cell(r) for r in [main, *before, *(r for r in TITLE_ROLES if r in p.cells)]]


def _unit_fields(text: str, p: _Pending, g: Grammars) -> list[tuple[str, int, int, str]]:
    """(role, start, end, rule) of the unit cells' parts. A cell written verb-style (市发改委牵头，
    市财政局、市金融局配合) gives each clause its verb's role, as the same words do in a bracket;
    any other cell is its column's units."""
    out: list[tuple[str, int, int, str]] = []
    for role in _ROLES:
        for s, e in p.cells.get(role, []):
            hinted = any(v in text[s:e] for v in g.fields.block.verb_hints)
            verbs = verb_fields(text, split_top_level(text, s, e), g, []) if hinted else []
            # as in a labelled value: 负责 restates the column (牵头单位 | 市住建局等按职责分工负责), a lead
            # or cooperating verb, or a second clause, names a role of its own
            verbs = verbs if any(f.field != role and (n or f.field in ("lead_units", "cooperating_units")) for n, f in enumerate(verbs)) else []
            out.extend((f.field, f.start, f.end, "table-" + f.rule) for f in verbs if f.field != "other")
            if not verbs:
                out.append((role, s, e, "table-" + role))
    return out


def _task(
    text: str,
    p: _Pending,
    nodes: list[Node],
    g: Grammars,
    years: tuple[int | None, int | None, DateIndex | None],
    page_of: Callable[[int], int | None],
    k: int,
    body: Callable[[], _Body],
) -> tuple[Task | None, list[Issue], bool]:
    """The row's task, its warnings, and whether a cell names its section by its heading. A row whose cells
    name no heading but quote the body (a run-in title, a sentence of a paragraph) stands in the section of
    the quoted passage; that section holds other tasks too, so its dated text is not the row's."""
    ref_year, min_year, dates = years  # the plan's year, its first year, and its dates found once
    roles: dict[str, list[Unit]] = {r: [] for r in _ROLES}
    times: list[tuple[int, int]] = []  # a time clause inside a verb-style cell (市水利局负责，长期坚持)
    for role, s, e, rule in _unit_fields(text, p, g):
        if role == "deadline":
            times.append((s, e))
            continue
        add_units(roles, split_units(text, s, e, g), role, rule)
    apply_role_notes(roles, g)  # 市住建局（牵头）、市城管局: the note names the role, as in a labelled block
    if not any(roles.values()) and "deadline" not in p.cells:
        return None, [], False
    deadline: Deadline | None = None
    warnings: list[Issue] = []
    milestones: list[Deadline] = []
    for s, e in (p.cells.get("deadline") or times)[:1]:
        deadline, warnings = parse_field(text, s, e, g, ref_year, dates)
        deadline = deadline or _bare_year(text, s, e)
        milestones = dated_steps(text, s, e, g, ref_year, dates, min_year)  # a 进度安排 cell of steps ①…；②…: due at the latest
    title, parts = _title(text, p)
    cited = next((n for n in (_section_for(t, nodes, text) for t in parts) if n is not None), None)
    quoted = None if cited else next((n for n in (body().quoted(t, nodes) for t in parts) if n is not None), None)
    node = cited or quoted or p.within
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
            milestones=milestones,
            span=Span((p.row.start, max(e for spans in p.cells.values() for _, e in spans))),
            page=page_of(p.row.start),
        ),
        warnings,
        cited is not None,
    )


def _bare_year(text: str, start: int, end: int) -> Deadline | None:
    """A deadline column's year written without 年 (建设起止年限 | 2022): done within that year. In prose a bare
    number is no date; under a header that names the column's time it is one."""
    cell = text[start:end]
    lead = len(cell) - len(cell.lstrip())
    year = cell.strip()
    if len(year) != 4 or not year.isascii() or not year.isdigit() or not 1990 <= int(year) <= 2100:
        return None
    at = start + lead
    return Deadline(raw=year, kind="by", date=f"{year}-12-31", span=Span((at, at + 4)), rule="table-bare-year")


def _plain(s: str) -> str:
    return "".join(ch for ch in s if ch.isalnum())


def merge_echoes(tasks: list[Task], rows: list[Task]) -> tuple[list[Task], list[Task]]:
    """An attached table that repeats a task the body already assigns (（一）建设城市大脑。…（牵头单位：…）
    then a row 建设城市大脑 | … in the 分工表) is that task once: a row naming the same section as a body
    task of the same title adds the units the body does not name and, if the body has none, its
    deadline; each keeps the span of where it was written. Returns (tasks, the rows left)."""
    out = list(tasks)
    left: list[Task] = []
    for row in rows:
        key = _plain(row.title)
        at = next((i for i, t in enumerate(out) if row.section_id and t.section_id == row.section_id and _plain(t.title) == key), None)
        if at is None:
            left.append(row)
            continue
        body = out[at]
        named = {u.name for r in _ROLES for u in getattr(body, r)}
        update: dict[str, object] = {r: [*getattr(body, r), *(u for u in getattr(row, r) if u.name not in named)] for r in _ROLES}
        if body.deadline is None:
            update["deadline"] = row.deadline
        out[at] = body.model_copy(update=update)
    return out, left
