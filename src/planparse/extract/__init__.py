"""Run every extractor over the normalised text and the section tree, in document order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planparse.extract.blocks import find_blocks
from planparse.extract.conventions import find_conventions
from planparse.extract.deadlines import DateIndex, find_dates
from planparse.extract.metadata import extract_metadata
from planparse.extract.tables import merge_echoes, table_tasks
from planparse.extract.target_frame import Frames
from planparse.extract.target_table import table_targets
from planparse.extract.targets import find_targets
from planparse.extract.tasks import MILESTONE_KINDS, build_tasks, innermost, provincial_names
from planparse.grammar import Grammars
from planparse.models import Issue, Metadata, Target, Task
from planparse.segment import Node
from planparse.textindex import line_around


@dataclass
class Extracted:
    metadata: Metadata
    tasks: list[Task]
    targets: list[Target]
    warnings: list[Issue]


def _ancestors(node: Node | None) -> list[Node]:
    out = []
    while node is not None:
        out.append(node)
        node = node.parent
    return out


def extract_all(text: str, nodes: list[Node], g: Grammars, page_of: Callable[[int], int | None], cells_repeated: bool = False) -> Extracted:
    """Every extractor over the normalised text. ``cells_repeated``: the loader repeated each merged
    table cell under every row it spans (DOCX, HTML, PDF's ruled tables), so a blank cell is blank."""
    metadata = extract_metadata(text, nodes[0].start if nodes else None, g)
    ref_year = int(metadata.date[:4]) if metadata.date else (metadata.period[0] if metadata.period else None)
    conventions = find_conventions(text, g)  # found once: blocks skip them, tasks apply them
    blocks = find_blocks(text, g, conventions)
    dates = DateIndex(text, g)
    # a year before the plan starts (its period, else its date) is history, not a milestone
    min_year = metadata.period[0] if metadata.period else int(metadata.date[:4]) if metadata.date else None
    tasks, warnings = build_tasks(text, nodes, blocks, conventions, g, ref_year, page_of, dates, min_year)
    tasks = provincial_names(tasks, metadata.region, g)
    targets, t_warn = find_targets(text, g, Frames(text, nodes, g), min_year)  # goals sections, heading years; results before the plan
    targets = _with_table_targets(text, targets, table_targets(text, g))
    starts = [n.start for n in nodes]
    single_year = metadata.period[0] if metadata.period and metadata.period[0] == metadata.period[1] else None
    retro = g.target_patterns["retrospective_section"]
    kept = []
    for t in targets:
        node = innermost(nodes, starts, t.span.start)
        if any(retro.search(text, a.title_start, a.title_end) for a in _ancestors(node)):
            continue  # results already achieved (取得的成效, 发展基础) are not targets
        update = {"section_id": node.id if node else None, "page": page_of(t.span.start)}
        if t.year is None and single_year:
            update["year"] = single_year  # an annual plan's targets are for its year
        kept.append(t.model_copy(update=update))
    targets = _without_table_echoes(text, kept)
    warnings.extend(t_warn)
    rows, r_warn, enclosed = table_tasks(text, nodes, g, ref_year, page_of, cells_repeated, dates, min_year)
    warnings.extend(r_warn)
    tasks, rows = merge_echoes(tasks, rows)  # a table row that repeats a body task adds to it
    if rows:  # table rows and annotated sections, in document order, numbered again
        by_id = {n.id: n for n in nodes}
        for i, row in enumerate(rows):
            node = by_id.get(row.section_id or "")
            if node is not None and not row.milestones and row.span.start not in enclosed:
                # the dated commitments stand in the section the row names (8月底前完成…), not in its cells;
                # the section a table merely stands in (三、重点任务分工) says nothing of one row
                body_end = node.children[0].start if node.children else node.end
                table = text.find("\t", node.start, body_end)  # the last section runs on over the table itself
                body_end = max(node.start, text.rfind("\n", node.start, table) + 1) if table >= 0 else body_end
                found, _ = find_dates(text, node.start, body_end, g, ref_year, MILESTONE_KINDS, index=dates, min_year=min_year)
                rows[i] = row.model_copy(update={"milestones": [m for m in found if not _alone_on_line(text, m.span.start, m.span.end)]})
        merged = sorted([*tasks, *rows], key=lambda t: t.span.start)
        tasks = [t.model_copy(update={"id": f"t{i}"}) for i, t in enumerate(merged, 1)]
    # impossible years anywhere in the plan, not only in tasks (22020年底前)
    warnings.extend(w for w in find_dates(text, 0, len(text), g, ref_year, index=dates)[1] if w.code == "bad-year")
    if metadata.period:
        lo, hi = metadata.period
        for task in tasks:
            d = task.deadline
            if d and d.date and not lo - 1 <= int(d.date[:4]) <= hi:
                warnings.append(Issue(code="deadline-outside-period", message=f"task {task.id}: deadline {d.raw!r} is outside the plan period {lo}–{hi}", span=d.span))
    return Extracted(metadata, tasks, targets, warnings)


def _with_table_targets(text: str, prose: list[Target], table: list[Target]) -> list[Target]:
    """The targets of indicator tables in place of what the prose reader made of the same rows: the
    table knows which cell is the name and which the target year's value."""
    rows = {line_around(text, t.span.start, t.span.start) for t in table}
    kept = [t for t in prose if line_around(text, t.span.start, t.span.start) not in rows]
    return sorted([*kept, *table], key=lambda t: t.span.start)


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """A date on a line of its own is the plan's sign-off (2022年5月21日 before the 附件), not a commitment."""
    line_start, line_end = line_around(text, start, end)
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def _without_table_echoes(text: str, targets: list[Target]) -> list[Target]:
    """A task table's row repeats what its section says (新增5G基站1000座): a target in a table row is
    that one again when the plan states the same value and unit elsewhere for an indicator the row names."""

    def row_of(t: Target) -> str | None:
        start, end = line_around(text, t.span.start, t.span.start)
        line = text[start:end]
        return line if "\t" in line else None

    rows = [row_of(t) for t in targets]
    stated: dict[tuple[float | None, str | None], list[str]] = {}
    for t, row in zip(targets, rows, strict=True):
        if row is None:
            stated.setdefault((t.value, t.unit), []).append(t.indicator)
    return [t for t, row in zip(targets, rows, strict=True) if row is None or not any(i in row or t.indicator in i for i in stated.get((t.value, t.unit), []))]
