"""Tasks: sections that carry assignment blocks, with their units, deadline and milestones.

Which section a block belongs to follows the plan's habit: a block sits in the innermost
section around it, except that a block closing the last sub-point of an item whose other
sub-points carry none belongs to the item. A section whose body holds blocks in several
paragraphs (items without markers, 114-style) gives one task per paragraph group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import bisect

import regex

from planparse.extract.blocks import Block, Convention
from planparse.extract.deadlines import DateIndex, find_dates, latest, parse_field
from planparse.extract.units import RawUnit, split_units
from planparse.grammar import Grammars
from planparse.models import Deadline, Issue, Span, Task, Unit
from planparse.segment import Node
from planparse.textindex import LineIndex

ROLES = ("lead_units", "responsible_units", "cooperating_units")
_SENT_END = regex.compile(r"[。！？!?]")
_DATE_PREFIX = regex.compile(r"^(?P<date>.+?)(?:前)?(?:完成|办结|到位|取得明显成效)")


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


def _assign(nodes: list[Node], blocks: list[Block], text: str) -> dict[int, list[Block]]:
    by_node: dict[int, list[Block]] = {}
    starts = [n.start for n in nodes]
    for b in blocks:
        node = innermost(nodes, starts, b.start)
        by_node.setdefault(id(node), []).append(b)
    # habit: the block closing an item's last sub-point, when no other sub-point has one
    for node in nodes:
        parent = node.parent
        if parent is None or len(parent.children) < 2 or parent.children[-1] is not node:
            continue
        own = by_node.get(id(node), [])
        if not own or by_node.get(id(parent)):
            continue
        if any(by_node.get(id(d)) for s in parent.children[:-1] for d in _subtree(s)):
            continue
        tail = text[own[-1].end : node.end].strip()
        if tail:
            continue
        by_node[id(parent)] = by_node.pop(id(node))
    return by_node


def _subtree(node: Node) -> list[Node]:
    out = [node]
    for c in node.children:
        out.extend(_subtree(c))
    return out


def _paragraph_groups(node: Node, blocks: list[Block], text: str, lines: LineIndex) -> list[_Group]:
    """One group per run of paragraphs that ends with a block; label-line blocks join the run before."""
    if node.children or len(blocks) < 2:
        return [_Group(node, node.start, blocks, (node.title_start, node.title_end))]
    groups: list[_Group] = []
    current = _Group(node, node.start, [], (node.title_start, node.title_end))
    for b in blocks:
        para_start = lines.start(b.start)
        starts_paragraph = para_start == b.start or text[para_start : b.start].strip() == ""
        if current.blocks and not (b.kind == "line" and starts_paragraph and _adjacent(text, current.blocks[-1].end, b.start)):
            # a new block after the previous one closed a paragraph: new group if a new paragraph began
            prev_end = current.blocks[-1].end
            gap = text[prev_end : b.start].strip()
            # a new paragraph of real text (not a one-line note) between the blocks
            if "\n" in text[prev_end : b.start] and (_SENT_END.search(gap) or len(gap) >= 40):
                groups.append(current)
                g_start = prev_end
                while g_start < len(text) and text[g_start] in "\n \t":
                    g_start += 1
                current = _Group(node, g_start, [], None)
        current.blocks.append(b)
    groups.append(current)
    if len(groups) < 2:
        return [_Group(node, node.start, blocks, (node.title_start, node.title_end))]
    for grp in groups[1:]:
        first = grp.blocks[0].start
        m = _SENT_END.search(text, grp.start, first)
        end = m.start() if m else first
        while end > grp.start and text[end - 1] in " \t（(〔【[":
            end -= 1
        grp.title = (grp.start, min(end, grp.start + 80))
    return groups


def _adjacent(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip(" \t\n。；;，,")


def _path(node: Node | None) -> list[str]:
    out: list[str] = []
    while node is not None:
        out.append(node.marker)
        node = node.parent
    return out[::-1]


def _unit(u: RawUnit, rule: str) -> Unit:
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
) -> tuple[list[Task], list[Issue]]:
    warnings: list[Issue] = []
    by_node = _assign(nodes, blocks, text)
    lines = LineIndex(text)
    groups: list[_Group] = []
    for node in [None, *nodes]:
        bl = by_node.get(id(node))
        if not bl:
            continue
        if node is None:
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
    implicit: list[tuple[Convention, list[RawUnit]]] = []
    for grp in groups:
        roles: dict[str, list[Unit]] = {r: [] for r in ROLES}
        deadlines: list[Deadline] = []
        block_ranges = [(b.start, b.end) for b in grp.blocks]
        for b in grp.blocks:
            if b.prefix:
                pm = _DATE_PREFIX.match(text[b.prefix[0] : b.prefix[1]])
                if pm:
                    d, w = parse_field(text, b.prefix[0], b.prefix[0] + pm.end("date"), g, ref_year)
                    warnings.extend(w)
                    if d:
                        deadlines.append(d.model_copy(update={"rule": "block-prefix:" + d.rule}))
            for f in b.fields:
                if f.field == "deadline":
                    d, w = parse_field(text, f.start, f.end, g, ref_year)
                    warnings.extend(w)
                    if d is None:
                        warnings.append(Issue(code="unparsed-deadline", message=f"deadline not understood: {text[f.start:f.end]!r}", span=Span((f.start, f.end))))
                    else:
                        deadlines.append(d)
                elif f.field in roles:
                    names = {u.name for u in roles[f.field]}
                    for u in split_units(text, f.start, f.end, g):
                        if u.name not in names:
                            roles[f.field].append(_unit(u, f.rule))
                            names.add(u.name)
        end = max(b.end for b in grp.blocks)
        # conventions stated so far (a note right after this task's block counts for it too)
        while conv_i < len(conventions) and conventions[conv_i].start < end + 40:
            conv = conventions[conv_i]
            conv_i += 1
            if conv.effect == "first-is-lead":
                first_is_lead = conv.rule
            elif conv.units:
                implicit.append((conv, split_units(text, conv.units[0], conv.units[1], g)))
        if first_is_lead and not roles["lead_units"] and roles["responsible_units"]:
            roles["lead_units"].append(roles["responsible_units"][0].model_copy(update={"rule": first_is_lead}))
        for conv, units in implicit:
            if conv.start < grp.start:
                names = {u.name for u in roles["responsible_units"]}
                roles["responsible_units"].extend(_unit(u, conv.rule) for u in units if u.name not in names)
        milestones: list[Deadline] = []
        pos = grp.start
        for bs, be in [*block_ranges, (end, end)]:
            if bs > pos:
                found, w = find_dates(text, pos, bs, g, ref_year, index=dates)
                milestones.extend(found)
                warnings.extend(w)
            pos = max(pos, be)
        deadline = latest(deadlines) if deadlines else None
        if len(deadlines) > 1:
            milestones.extend(deadlines)
        title = text[grp.title[0] : grp.title[1]] if grp.title else ""
        task_text = text[grp.start : end]
        topics = [t.id for t in g.topics.topic if any(k in task_text for k in t.keywords)]
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


def _task_warnings(task: Task, warnings: list[Issue]) -> None:
    units = [*task.lead_units, *task.responsible_units, *task.cooperating_units]
    for u in units:
        if u.placeholder:
            warnings.append(Issue(code="placeholder-unit", message=f"task {task.id}: placeholder unit {u.name!r}", span=u.span))
    if not units:
        warnings.append(Issue(code="task-without-units", message=f"task {task.id} ({task.title}) names no unit", span=task.span))
    elif not task.lead_units and not task.responsible_units:
        warnings.append(Issue(code="task-without-lead", message=f"task {task.id} ({task.title}) has no lead or responsible unit", span=task.span))
