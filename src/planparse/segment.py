"""Heading detection and the Section tree.

A heading is a numbering family's marker at the start of a paragraph (grammars/headings.toml).
A paragraph may carry a second heading inline (``三、主要措施(一)深学笃行…``). Nesting follows
the plan: a family already open closes back to its level; a new family nests under the open
heading unless that heading's family ranks deeper, or the plan has shown it the other way round
(1.总体要求 then （一）指导思想: see ``_opens_level``). Gaps and restarts are kept, with a warning.
The decimal outline of 应急预案 (1 总则, 1.1 编制目的) looks like figures line by line, so it is
read as a whole (``planparse.outline``) and its headings join the others before nesting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planparse import rx
from planparse.grammar import Grammars, Heading
from planparse.heading_title import CAPTION, PUNCT, SENTENCE, TRAILING, inline_heading, past_label, title_end
from planparse.models import Issue, Section, Span
from planparse.numerals import marker_number
from planparse.outline import Marker, contents_lines, match_heading, outline_hits

# a short title set letter-spaced to fill its line (第一章　总　　则): single characters apart by spaces
_LETTER_SPACED = rx.compile(r"\p{Han}(?:[ \u3000]+\p{Han}){1,4}")
_SPACES = rx.compile(r"[ \u3000]+")
BOX = "box"  # the heading family of a box (专栏1 重点工程), which holds its own items (see ``_open_box``)
ANNEX = "annex"  # the heading family of an attachment's label (附件1), a document of its own (see ``_annex``)
STAGE = "stage"  # the heading family of a stage (第一阶段：动员部署), which holds the headings after it (``build_tree``)
_ANNEX_TITLE = 40  # an attachment's title line, not a paragraph


@dataclass
class Node:
    """A heading while the tree is built; becomes a Section."""

    family: Heading
    marker: str
    number: int
    start: int  # marker start
    title_start: int
    title_end: int
    end: int = 0
    alone: bool = False  # nothing but the title on the heading's line: a heading that can open a level
    depth: int = 0
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    open_before: dict[str, int] = field(default_factory=dict)  # a box's: the families open where it began, their numbers
    id: str = ""


def find_headings(text: str, g: Grammars) -> list[Node]:
    """Every heading in document order."""
    nodes: list[Node] = []
    pos = 0
    n = len(text)
    notes = tuple(g.headings.structure.note_starts)
    note: tuple[str, int] | None = None  # (family, next number) of a note's numbered points
    toc = {text.rfind("\n", 0, m.start()) + 1 for m in g.toc.finditer(text)}  # where contents lines start
    toc |= contents_lines(text, g)  # and those of a contents list without leaders
    while pos < n:
        line_end = _line_end(text, pos)
        first = match_heading(text, pos, line_end, g)  # the line's own marker, read once for both uses below
        annex = _annex(text, pos, line_end, first, g) if nodes and first is not None and first.family.id == ANNEX else None
        if annex is not None:
            nodes.append(annex)
            note = None
            pos = line_end + 1
            continue
        if notes and text.startswith(notes, pos):
            label = next(w for w in notes if text.startswith(w, pos))
            hit = match_heading(text, pos + len(label), line_end, g)
            note = (hit.family.id, hit.number + 1) if hit else None
            if hit is None and not text[pos + len(label) : line_end].strip(" \t\u3000：:"):
                # "附件：" alone on its line, then "1.…方案": the list of attachments, from its first point
                # (an attachment's own text opens with 一、… instead: those are headings)
                nxt = _next_line(text, line_end)
                first = match_heading(text, nxt, _line_end(text, nxt), g) if nxt < n else None
                if first and first.family.level >= 3:
                    note = (first.family.id, first.number)
            pos = line_end + 1
            continue
        if pos not in toc and text.find("\t", pos, line_end) == -1:  # table rows are not headings
            cursor = pos
            while cursor < line_end:
                hit = first if cursor == pos else match_heading(text, cursor, line_end, g)
                if not hit:
                    break
                fam, num, m = hit
                marker = m.group(0).strip(" \t\u3000：:")  # 第三部分：保障措施 → 第三部分
                if note is not None and cursor == pos and note == (fam.id, num):
                    note = (fam.id, num + 1)  # the note's next point
                    break
                note = None
                t_start = past_label(text, m.end(), line_end, g)
                inline = inline_heading(text, t_start, line_end, fam, g)
                t_end = inline if inline is not None else title_end(text, t_start, line_end, fam, g)
                while t_start < t_end and text[t_start] in " \t\u3000：:":
                    t_start += 1  # 第一章：总体要求
                while t_end > t_start and text[t_end - 1] in " \t\u3000：:；;，,":
                    t_end -= 1  # （一）坚持政府主导；
                if t_start < t_end and text[t_start] in CAPTION and text[t_end - 1] == CAPTION[text[t_start]]:
                    t_start, t_end = t_start + 1, t_end - 1
                if t_end == t_start and line_end < n:
                    # a marker alone on its line: the next short line is its title
                    nxt_end = _line_end(text, line_end + 1)
                    if 0 < nxt_end - line_end - 1 <= 30 and not PUNCT.search(text, line_end + 1, nxt_end):
                        t_start, t_end = line_end + 1, nxt_end
                alone = inline is None and not text[t_end:line_end].strip(TRAILING)
                nodes.append(Node(fam, marker, num, cursor, t_start, t_end, alone=alone))
                if inline is None:
                    break
                cursor = inline
        pos = line_end + 1
    typos = [f for f in g.heading_families if f.typo is not None]
    nodes = _typo_headings(text, nodes, typos, toc, g) if typos else nodes
    hits = outline_hits(text, nodes, toc, g)
    if hits:  # 1.总则 is a 1. heading line by line, the outline's top where its 1.1 follows
        starts = {h.start for h in hits}
        found = [Node(h.family, h.marker, h.parts[-1], h.start, h.title_start, h.title_end, alone=True) for h in hits]
        nodes = sorted([n for n in nodes if n.start not in starts] + found, key=lambda n: n.start)
    return nodes


def _annex(text: str, pos: int, line_end: int, hit: Marker, g: Grammars) -> Node | None:
    """The label of an attachment (附件1, alone on its line: ``hit``, of the annex family) at ``pos``, with
    the title on the line below.

    Only after the body's own headings (the caller's test): before them, 附件 opens the plan a notice
    sends, which is the body itself. A label whose next line is a numbered point (附件 then 1.…方案 2.…表)
    lists the attachments, a note (see find_headings)."""
    nxt = _next_line(text, line_end)
    nxt_end = _line_end(text, nxt)
    point = match_heading(text, nxt, nxt_end, g) if nxt < len(text) else None
    if point is not None and point.family.level >= 3:
        return None
    marker = text[pos:line_end].strip(" \t\u3000")
    t_start = t_end = line_end
    title = text[nxt:nxt_end].strip(" \t\u3000")
    if point is None and 0 < len(title) <= _ANNEX_TITLE and not SENTENCE.search(title):
        t_start = nxt + text[nxt:nxt_end].index(title[0])
        t_end = t_start + len(title)
    return Node(hit.family, marker, hit.number, pos, t_start, t_end, alone=True)


def _typo_headings(text: str, nodes: list[Node], typos: list[Heading], toc: set[int], g: Grammars) -> list[Node]:
    """Markers typed with a wrong separator (二，加强组织领导) among the family's own headings.

    A comma after a numeral also opens prose (三，四季度开展…), so such a line is a heading only
    where the family's headings number around it (二 after 一、 or before 三、) and it is laid out
    like them: a title alone on its line where theirs stand alone, no clause broken by a comma.
    A labelled division typed so throughout (第一条为…: a web copy lost the space after each marker)
    has no headings of its own to go by: there its markers number on, in a run of three or more.
    A labelled division's title is its first sentence (第X条), laid out as prose."""
    found: list[Node] = []
    for fam in typos:
        own = [n for n in nodes if n.family is fam]
        # a contents line, a table row: no heading
        hits = [m for m in fam.typo.finditer(text) if m.start() not in toc and text.find("\t", m.start(), _line_end(text, m.start())) == -1]  # type: ignore[union-attr]
        numbers = {n.number for n in own} if own else {marker_number(m.group("num"), fam.number) for m in hits}
        if not own and (fam.level > 0 or len(numbers) < 3):
            continue  # 二，… with no 一、 around it: prose
        if not own and (1 not in numbers or any(n.family.level > 0 and n.start < hits[0].start() for n in nodes)):
            continue  # 第五条规定的… 第六条… under the plan's own 一、/（一）: articles cited, not the plan's own
        alone = all(n.alone for n in own)
        for m in hits:
            line_end = _line_end(text, m.start())
            num = marker_number(m.group("num"), fam.number)
            if (own and num in numbers) or not (num - 1 in numbers or num + 1 in numbers):
                continue
            t_start = m.end()
            t_end = title_end(text, t_start, line_end, fam, g)
            while t_end > t_start and text[t_end - 1] in TRAILING:
                t_end -= 1
            rest = text[t_end:line_end].strip(TRAILING)
            if t_end == t_start or (fam.level > 0 and (SENTENCE.search(text, t_start, t_end) or (alone and rest))):
                continue
            marker = m.group(0).strip(" \t\u3000")
            found.append(Node(fam, marker, num, m.start(), t_start, t_end, alone=not rest))
    return sorted(nodes + found, key=lambda n: n.start) if found else nodes


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _next_line(text: str, line_end: int) -> int:
    """Where the next line with text starts after ``line_end`` (len(text) when none)."""
    pos = line_end + 1
    while pos < len(text) and not text[pos : _line_end(text, pos)].strip():
        pos = _line_end(text, pos) + 1
    return min(pos, len(text))


def _opens_level(node: Node, last: Node | None, top: Node, seen: set[str]) -> bool:
    """Does ``node``, a family ranked above ``top``'s, nest under ``top`` all the same?

    Plans use the numbering families in other orders than GB/T 9704's (1.总体要求 then
    （一）指导思想, or 一、 then （1） then 1.), and Word nests a list level where it is first used.
    So a family met for the first time in the document, as the first point (number 1) straight
    under a heading that stands alone on its line, opens a level below it. A point of body text
    (2.加强监管。建立台账…) is no such parent: there the rank still decides. The labelled
    divisions (第X章, 第X条, 问题1：) are always outer and keep their rank, and so does the first level
    (一、): a notice's own （一）（二） before the plan it sends never take the plan's 一、 in. The
    heading above is the first of its run too (1., not 2.)."""
    return (
        node.family.id not in seen
        and last is top
        and top.alone
        and node.number == 1
        and top.number == 1
        and node.family.level > 1
        and top.family.level > 0
    )


def _open_box(stack: list[Node], node: Node) -> int:
    """Where the box open in ``stack`` stands (-1: none), once ``node`` has closed it if it does.

    A box (专栏1 重点工程) holds its own items, numbered from 1 whatever the plan had reached. A heading
    of a family the plan had open where the box began (the next 第X节, （二）, 3.) closes it, unless it
    is the box's first item (1.) or goes on the box's count rather than the plan's (1. 2. then 3.). A
    new box closes the last and stands beside the points it follows, under the innermost heading that
    has points (（一） after its 1. 2.; 第三章 after its 第五节), the outermost when none has: it sums
    up their projects, and the last point's section ends where the box starts."""
    at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].family.id == BOX), -1)
    fid = node.family.id
    if at >= 0 and fid != BOX:
        inner = [s for s in stack[at + 1 :] if s.family.id == fid]
        outer = stack[at].open_before.get(fid)
        if outer is None or (inner and node.number != outer + 1) or (not inner and node.number == 1 and not stack[at].children):
            return at
        if inner and node.number == inner[-1].number + 1:
            return at
    if at >= 0:
        del stack[at:]  # the plan goes on past the box
    if fid == BOX:
        node.open_before = {s.family.id: s.number for s in stack}
        while len(stack) > 1 and not stack[-1].children:
            stack.pop()
    return -1


def build_tree(nodes: list[Node], text_len: int) -> tuple[list[Node], list[Issue]]:
    """Nest headings; set ids, spans; report numbering gaps."""
    roots: list[Node] = []
    stack: list[Node] = []
    warnings: list[Issue] = []
    last_of_family: dict[str, int] = {}
    last_child: dict[tuple[int, str], Node] = {}  # (id of parent or 0, family) → its latest child
    seen: set[str] = set()  # families met so far
    inside: set[tuple[str, str]] = set()  # (outer, inner): a family this document nests under one ranked below it
    last: Node | None = None  # the heading before this one
    for node in nodes:
        fid = node.family.id
        if fid == ANNEX:  # an attachment: a document of its own, numbered afresh and in its own order
            stack.clear()
            last_of_family.clear()
            seen.clear()
            inside.clear()
        box = _open_box(stack, node)
        if any(s.family.id == fid for s in stack[box + 1 :]):
            while stack and stack[-1].family.id != fid:
                stack.pop()
            stack.pop()
        else:
            # a box or a stage holds what follows it: no rank closes it, only a family open above it
            while stack and stack[-1].family.id not in (BOX, STAGE) and stack[-1].family.rank > node.family.rank:
                top = stack[-1]
                if (top.family.id, fid) in inside:
                    break  # the order this document showed: （二） under the next 1.
                if _opens_level(node, last, top, seen):
                    inside.add((top.family.id, fid))
                    break
                stack.pop()
        seen.add(fid)
        last = node
        parent = stack[-1] if stack else None
        siblings = parent.children if parent else roots
        prev = last_child.get((id(parent) if parent else 0, fid))
        last_child[(id(parent) if parent else 0, fid)] = node
        expected = prev.number + 1 if prev else 1
        run_on = last_of_family.get(fid, 0) + 1
        if node.number not in (expected, run_on):
            warnings.append(
                Issue(
                    code="unknown-heading-gap",
                    message=f"heading {node.marker} follows {prev.marker if prev else 'no sibling'}: expected number {expected}",
                    span=Span((node.start, node.title_end)),
                )
            )
        last_of_family[fid] = node.number
        node.parent = parent
        node.depth = len(stack)
        siblings.append(node)
        node.id = (parent.id + "." if parent else "s") + str(len(siblings))
        stack.append(node)
    # a section ends where the next heading at its depth or shallower starts (one backward sweep)
    open_nodes: list[Node] = []
    for node in nodes:
        while open_nodes and open_nodes[-1].depth >= node.depth:
            open_nodes.pop().end = node.start
        open_nodes.append(node)
    for node in open_nodes:
        node.end = text_len
    return roots, warnings


def to_sections(roots: list[Node], text: str, page_of: callable) -> list[Section]:  # type: ignore[valid-type]
    def conv(node: Node) -> Section:
        title = text[node.title_start : node.title_end]
        if _LETTER_SPACED.fullmatch(title):
            title = _SPACES.sub("", title)  # 总　　则 → 总则; title_span still covers the spaced text
        end = node.end
        while end > node.start and text[end - 1] in "\n \t":
            end -= 1
        return Section(
            id=node.id,
            level=node.family.level,
            family=node.family.id,
            marker=node.marker,
            number=node.number,
            title=title,
            title_span=Span((node.title_start, node.title_end)),
            span=Span((node.start, end)),
            page=page_of(node.start),
            children=[conv(c) for c in node.children],
        )

    return [conv(r) for r in roots]
