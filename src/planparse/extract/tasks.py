"""Tasks: sections that carry assignment blocks, with their units, deadline and milestones.

Which section a block belongs to follows the plan's habit: a block sits in the innermost
section around it, except that a block closing the last sub-point of an item whose other
sub-points carry none belongs to the item. A section whose body holds blocks in several
paragraphs (items without markers, 114-style) gives one task per paragraph group.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from planparse import rx
from planparse.extract.blocks import Block
from planparse.extract.conventions import Convention
from planparse.extract.deadlines import DateIndex, find_dates, latest, parse_field
from planparse.extract.topics import TopicIndex
from planparse.extract.units import RawUnit, split_units
from planparse.grammar import Grammars
from planparse.models import Deadline, Issue, Span, Task, Unit
from planparse.segment import Node
from planparse.textindex import LineIndex

ROLES = ("lead_units", "responsible_units", "cooperating_units")
# dated commitments in a task's text: by a date, over a period, or again and again (每年4月底前)
MILESTONE_KINDS = ("by", "period", "recurring")
_SENT_END = rx.compile(r"[。！？!?]")


@dataclass
class _Group:
    node: Node | None
    start: int
    blocks: list[Block] = field(default_factory=list)
    title: tuple[int, int] | None = None


def innermost(nodes: list[Node], starts: list[int], pos: int) -> Node | None:
    """The deepest section containing ``pos``: the last heading before it, or its open ancestor."""
    i = bisect.bisect_right(starts, pos) - 1
    node = nodes[i] if i >= 0 else None
    while node is not None and pos >= node.end:
        node = node.parent
    return node


def _own_ranges(node: Node, text_end: int) -> list[tuple[int, int]]:
    """The node's text without its children's."""
    out = []
    pos = node.start
    for c in node.children:
        if c.start > pos:
            out.append((pos, c.start))
        pos = c.end
    if node.end > pos:
        out.append((pos, node.end))
    return out


def _assign(nodes: list[Node], blocks: list[Block], text: str, g: Grammars) -> dict[int, list[Block]]:
    by_node: dict[int, list[Block]] = {}
    starts = [n.start for n in nodes]
    for b in blocks:
        node = innermost(nodes, starts, b.start)
        by_node.setdefault(id(node), []).append(b)
    # a block that is itself a numbered item ("（三） 责任单位：…") belongs to the item's parent; a heading
    # with points of its own under it names their unit (（一）县发改局牵头工作（2项）, then 1. 2.): it stays
    for node in nodes:
        own = by_node.get(id(node), [])
        if own and node.parent is not None and own[0].start <= node.title_start and not node.children:
            by_node.setdefault(id(node.parent), []).extend(by_node.pop(id(node)))
    # habit: the block closing an item's last sub-point, when no other sub-point has one;
    # deepest first, so a block can climb several levels (1. → （二） → 一、). A chapter of the plan
    # (三、保障措施: a standard title) is no item: its points are (…（二）加大资金支持。…责任单位：…)
    for node in reversed(nodes):
        parent = node.parent
        if parent is None or len(parent.children) < 2 or parent.children[-1] is not node:
            continue
        own = by_node.get(id(node), [])
        if not own or by_node.get(id(parent)):
            continue
        # …but "以上任务由…负责" after the points covers every one of them, whatever the chapter
        covers_all = text.startswith(_ABOVE, own[0].start)
        if not covers_all and g.standard_title.fullmatch(text[parent.title_start : parent.title_end].strip(" \t。：:")):
            continue
        if any(by_node.get(id(d)) for s in parent.children[:-1] for d in _subtree(s)):
            continue
        tail = text[own[-1].end : node.end].strip().strip("。；;")  # a prose block ends before its 。
        if tail:
            continue
        by_node[id(parent)] = by_node.pop(id(node))
    for bl in by_node.values():
        bl.sort(key=lambda b: b.start)
    return by_node


_ABOVE = ("以上", "上述")  # a block opening so names the work of the points above it


def _subtree(node: Node) -> list[Node]:
    out = [node]
    for c in node.children:
        out.extend(_subtree(c))
    return out


_RUN_IN_TITLE = 30  # a paragraph's first sentence this short is its bold run-in title


def _paragraph_groups(node: Node, blocks: list[Block], text: str, lines: LineIndex) -> list[_Group]:
    """Blocks of one section: one task, or one per un-numbered item when the blocks close items.

    A section whose blocks stand in different paragraphs (items without markers, each closed by
    its block) gives one task per item; there, text that runs on after a block on the same line
    (pdftotext) starts the next item too. Blocks within the heading's own paragraph are one task.
    """
    whole = [_Group(node, node.start, blocks, (node.title_start, node.title_end))]
    if len(blocks) < 2 or (node.children and blocks[-1].end > node.children[0].start):
        return whole  # blocks among numbered sub-items belong to those items, not to paragraphs

    def split(run_on: bool) -> list[list[Block]]:
        out: list[list[Block]] = [[blocks[0]]]
        for prev, b in itertools.pairwise(blocks):
            gap_raw = text[prev.end : b.start]
            gap = gap_raw.strip()
            real = bool(_SENT_END.search(gap)) or len(gap) >= 40
            if b.kind == "line" and not gap.strip("。；;，,"):
                new = False  # the next label line of the same block
            elif "\n" in gap_raw:
                new = real
            else:
                new = run_on and real
            if new:
                out.append([b])
            else:
                out[-1].append(b)
        return out

    if len(split(run_on=False)) < 2:
        return whole
    groups: list[_Group] = []
    for k, bl in enumerate(split(run_on=True)):
        if k == 0:
            start = node.start
            first_line = lines.bounds(bl[0].start)
            item = first_line[0] if first_line[0] < bl[0].start else lines.start(max(first_line[0] - 1, 0))
            below = text.find("\n", node.title_end) + 1  # the heading's line ends with its title
            lead = _SENT_END.search(text, below, bl[0].start) if below and item > below and not text[node.title_end : below].strip(" \t\n。：:") else None
            if lead is not None and lead.start() - below <= _RUN_IN_TITLE and "\n" not in text[below : lead.start()]:
                item = below  # "实施重点行业VOCs全过程污染防治。…" under the heading, the block paragraphs later: the run-in title
        else:
            start = groups[-1].blocks[-1].end
            while start < len(text) and text[start] in "\n \t。；;":
                start += 1
            item = start
        if item <= node.title_end:
            title = (node.title_start, node.title_end)
        else:
            m = _SENT_END.search(text, item, bl[0].start)
            end = m.start() if m else bl[0].start
            while end > item and text[end - 1] in " \t（(〔【[":
                end -= 1
            title = (item, min(end, item + 80))
        groups.append(_Group(node, start, bl, title))
    return groups


def _adjacent(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip(" \t\n。；;，,")


def _path(node: Node | None) -> list[str]:
    out: list[str] = []
    while node is not None:
        out.append(node.marker)
        node = node.parent
    return out[::-1]


def dated_steps(
    text: str, start: int, end: int, g: Grammars, ref_year: int | None, index: DateIndex | None = None, min_year: int | None = None
) -> list[Deadline]:
    """The dated steps of a deadline field or cell that lists several (①2024年6月底前…；②…), each a
    milestone, as separate deadline fields are; none where it gives one date."""
    found, _ = find_dates(text, start, end, g, ref_year, MILESTONE_KINDS, index=index, min_year=min_year)
    return found if len(found) > 1 else []


def add_units(roles: dict[str, list[Unit]], units: list[RawUnit], field: str, rule: str) -> None:
    """A field's units into its role, or the role a note in the list gives one (其中X为牵头单位):
    once a role by name (the same unit in two roles stays in both, as the plan says)."""
    for u in units:
        role = roles[u.role or field]
        if all(v.name != u.name for v in role):
            role.append(unit_record(u, rule))


def unit_record(u: RawUnit, rule: str) -> Unit:
    """A unit as the Task lists it, found by ``rule``."""
    return Unit(
        name=u.name,
        canonical=u.canonical,
        scope=u.scope,
        placeholder=u.placeholder,
        collective=u.collective,
        span=Span((u.start, u.end)),
        rule=rule,
    )


def build_tasks(
    text: str,
    nodes: list[Node],
    blocks: list[Block],
    conventions: list[Convention],
    g: Grammars,
    ref_year: int | None,
    page_of: Callable[[int], int | None],
    dates: DateIndex,
    min_year: int | None = None,
) -> tuple[list[Task], list[Issue]]:
    warnings: list[Issue] = []
    by_node = _assign(nodes, blocks, text, g)
    lines = LineIndex(text)
    topic_index = TopicIndex(text, g)
    groups: list[_Group] = []
    for node in [None, *nodes]:
        bl = by_node.get(id(node))
        if not bl:
            continue
        if node is None:
            if nodes:
                # before the plan's first heading stands its notice (现将方案印发给你们…请市生态环境局
                # 牵头做好督促落实): who sees to the plan as a whole, not a task of it
                bl = [b for b in bl if b.start > nodes[0].start]
            for b in bl:  # a block outside any section: its own paragraph is the task
                para = lines.start(b.start)
                m = _SENT_END.search(text, para, b.start)
                groups.append(_Group(None, para, [b], (para, m.start() if m else b.start)))
            continue
        groups.extend(_paragraph_groups(node, bl, text, lines))
    groups.sort(key=lambda grp: grp.start)

    tasks: list[Task] = []
    conv_i = 0
    first_is_lead = ""
    implicit: list[tuple[Convention, list[Unit]]] = []
    for grp in groups:
        roles: dict[str, list[Unit]] = {r: [] for r in ROLES}
        deadlines: list[Deadline] = []
        steps: list[Deadline] = []  # the dated steps of a deadline field that lists several (①…；②…)
        block_ranges = [(b.start, b.end) for b in grp.blocks]
        for b in grp.blocks:
            if b.prefix:
                # "（6月底完成，牵头考核单位：…）": a deadline at the head of the block's unlabelled part
                d, w = parse_field(text, b.prefix[0], b.prefix[1], g, ref_year, dates)
                if d and d.span.start - b.prefix[0] <= 2:
                    warnings.extend(w)
                    deadlines.append(d.model_copy(update={"rule": "block-prefix:" + d.rule}))
            for f in b.fields:
                if f.field == "deadline":
                    d, w = parse_field(text, f.start, f.end, g, ref_year, dates)
                    warnings.extend(w)
                    if d is None:
                        warnings.append(Issue(code="unparsed-deadline", message=f"deadline not understood: {text[f.start:f.end]!r}", span=Span((f.start, f.end))))
                    else:
                        deadlines.append(d)
                        steps.extend(dated_steps(text, f.start, f.end, g, ref_year, index=dates, min_year=min_year))
                elif f.field in roles:
                    add_units(roles, split_units(text, f.start, f.end, g), f.field, f.rule)
        end = max(max(b.end, b.tail) for b in grp.blocks)
        # conventions stated so far (a note right after this task's block counts for it too)
        while conv_i < len(conventions) and conventions[conv_i].start < end + 40:
            conv = conventions[conv_i]
            conv_i += 1
            if conv.effect == "first-is-lead":
                first_is_lead = conv.rule
            elif conv.units:  # its units, made once: every later task lists the same records
                implicit.append((conv, [unit_record(u, conv.rule) for u in split_units(text, conv.units[0], conv.units[1], g)]))
        apply_role_notes(roles, g)
        if first_is_lead and not roles["lead_units"] and roles["responsible_units"]:
            # "（排在第一为牵头单位，下同）": the first listed unit leads, the others carry the task
            roles["lead_units"].append(roles["responsible_units"].pop(0).model_copy(update={"rule": first_is_lead}))
        for conv, units in implicit:
            if conv.start < grp.start:
                names = {u.name for u in roles["responsible_units"]}
                roles["responsible_units"].extend(u for u in units if u.name not in names)
        milestones: list[Deadline] = []
        pos = grp.start
        for bs, be in [*block_ranges, (end, end)]:
            if bs > pos:
                found, w = find_dates(text, pos, bs, g, ref_year, MILESTONE_KINDS, index=dates, min_year=min_year)
                milestones.extend(found)
                warnings.extend(w)
            pos = max(pos, be)
        deadline = latest(deadlines) if deadlines else None
        if len(deadlines) > 1:
            milestones.extend(deadlines)
        milestones.extend(steps)
        seen: set[tuple[int, int]] = set()
        milestones = [m for m in milestones if not (m.span.root in seen or seen.add(m.span.root))]
        title = text[grp.title[0] : min([grp.title[1]] + [b.start for b in grp.blocks if grp.title[0] < b.start < grp.title[1]])].rstrip(" \t。；;，,") if grp.title else ""
        # (a block inside the heading's own title, 一、加快调整能源结构（省发改委总牵头）, is no part of the title)
        topics = topic_index.within(grp.start, end)
        task = Task(
            id=f"t{len(tasks) + 1}",
            section_id=grp.node.id if grp.node else None,
            path=_path(grp.node),
            title=title,
            lead_units=roles["lead_units"],
            responsible_units=roles["responsible_units"],
            cooperating_units=roles["cooperating_units"],
            deadline=deadline,
            milestones=milestones,
            span=Span((grp.start, end)),
            page=page_of(grp.start),
            topics=topics,
        )
        tasks.append(task)
        _task_warnings(task, warnings)
    return tasks, warnings


def provincial_names(tasks: list[Task], region: str | None, g: Grammars) -> list[Task]:
    """In a provincial plan, a bare 生态环境厅 is the province's: its canonical name says so."""
    prefix = next((p for p in ("自治区", "省") if region and region.endswith(p)), None)
    if prefix is None:
        return tasks
    body = g.unit_patterns["provincial_body"]

    def named(u: Unit) -> Unit:
        if not body.search(u.name) or (u.canonical and u.canonical.startswith(prefix)):
            return u
        return u.model_copy(update={"canonical": prefix + (u.canonical or u.name)})

    out = []
    for t in tasks:
        roles = {r: [named(u) for u in getattr(t, r)] for r in ROLES}
        changed = any(a is not b for r in ROLES for a, b in zip(getattr(t, r), roles[r], strict=True))
        out.append(t.model_copy(update=roles) if changed else t)  # only the tasks that name such a body
    return out


def apply_role_notes(roles: dict[str, list[Unit]], g: Grammars) -> None:
    """"县生态环境局（牵头）" in a list of responsible units: the note names its role (fields.toml role_notes)."""
    notes = g.fields.block.role_notes
    for role, units in roles.items():
        for u in [u for u in units if u.scope in notes and notes[u.scope] != role]:
            units.remove(u)
            target = roles[notes[u.scope]]
            if all(v.name != u.name for v in target):
                target.append(u.model_copy(update={"scope": None}))


def _task_warnings(task: Task, warnings: list[Issue]) -> None:
    units = [*task.lead_units, *task.responsible_units, *task.cooperating_units]
    for u in units:
        if u.placeholder:
            warnings.append(Issue(code="placeholder-unit", message=f"task {task.id}: placeholder unit {u.name!r}", span=u.span))
    if not units:
        warnings.append(Issue(code="task-without-units", message=f"task {task.id} ({task.title}) names no unit", span=task.span))
    elif not task.lead_units and not task.responsible_units:
        warnings.append(Issue(code="task-without-lead", message=f"task {task.id} ({task.title}) has no lead or responsible unit", span=task.span))
