"""The decimal outline of 应急预案 and 技术方案 (1 总则, 1.1 编制目的, 2.1.1 指挥部组成) as headings.

Its markers look like figures (1.5万亩, 2024.12) and like the rows of a list (1 县农业农村局), so
the families that grammars/headings.toml marks ``outline = true`` are never headings line by line.
The outline is read as a whole instead, the way a reader sees it:

- an N.M heading stands under its N: its first child N.1 comes right after a top line numbered N
  (1 总则, or the plan's own 一、/第一章 numbered N), and the top line becomes a heading with it,
  unless a heading of a deeper family (（一）, 1.) comes before the outline's first top: there the
  plan's own tree holds the line (（一）… then 1.推进… then 1.1…), and the outline is not read;
- each further part numbers on from its elder sibling (1.1 then 1.2, 2.1.1 then 2.1.2; one number
  skipped is a slip, kept with the tree's gap warning, more is a figure), and a chapter's number
  grows (or starts again at 1, after a contents list without leaders);
- every heading of it is a title line: short, no sentence punctuation (1.1 为…，制定本预案。 is prose);
- a top line with no subsections (3 附则) is one only right after the outline's last heading, set
  like the other tops, numbered on from the top before it, and with its chapter closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import regex

from planparse import rx
from planparse.grammar import Grammars, Heading
from planparse.numerals import marker_number, to_ascii_digits

if TYPE_CHECKING:
    from planparse.segment import Node

_MAX_TITLE = 30  # a heading's title, not a sentence (the longest in published 预案 run about 20)
_NOT_TITLE = rx.compile(r"[。；;！？!?，,：:\t]")  # a sentence or a table row, not a title line
_DIGITS = rx.compile(r"[0-9０-９]+")
_TRAILING = " \t\u3000：:"


@dataclass
class Hit:
    """One line the outline may hold."""

    family: Heading
    marker: str
    parts: tuple[int, ...]
    start: int
    title_start: int
    title_end: int
    sep: str = ""  # a top line: what sets its number off (" ", "、" or "."), to tell tops from lists


def families(g: Grammars) -> tuple[list[Heading], dict[int, Heading]]:
    """(families read line by line, the outline's families by number of parts), once per grammar."""
    memo = g.memo.setdefault("outline", {})
    if not memo:
        outline = {f.id for f in g.headings.family if f.outline}
        memo["line"] = [h for h in g.heading_families if h.id not in outline]
        memo["parts"] = {h.level: h for h in g.heading_families if h.id in outline}
    return memo["line"], memo["parts"]


class Marker(NamedTuple):
    """A heading marker found at a position: its family, the number it reads, the match."""

    family: Heading
    number: int
    match: regex.Match[str]


def match_heading(text: str, pos: int, end: int, g: Grammars, outline: bool = False) -> Marker | None:
    """The heading marker at ``pos`` (the first family in grammars/headings.toml's order that matches).

    The one matcher of the segmenter and of ``planparse.unglue``. The decimal outline's families
    (1.1 编制目的) are left out unless ``outline``: the segmenter reads the outline as a whole
    (here), while unglue restores a line break before its markers like any other's.
    """
    if g.heading_at(text, pos, end) is None:
        return None  # most lines: one test instead of one per family
    for fam in g.heading_families if outline else families(g)[0]:
        m = fam.at.match(text, pos, end)
        if m:
            return Marker(fam, marker_number(m.group("num") or "1", fam.number), m)  # 附件 alone: the first
    return None


def _candidates(text: str, g: Grammars, toc: set[int]) -> list[Hit]:
    """Every title line that opens with an outline marker, in document order."""
    hits: list[Hit] = []
    for depth, fam in families(g)[1].items():
        for m in fam.pattern.finditer(text):
            line_end = text.find("\n", m.start())
            line_end = len(text) if line_end < 0 else line_end
            t_start, t_end = m.end(), line_end
            while t_start < t_end and text[t_start] in _TRAILING:
                t_start += 1
            while t_end > t_start and text[t_end - 1] in _TRAILING:
                t_end -= 1
            if m.start() in toc or not 0 < t_end - t_start <= _MAX_TITLE or _NOT_TITLE.search(text, t_start, t_end):
                continue
            marker = m.group(0).strip(" \t\u3000")
            parts = tuple(int(to_ascii_digits(d)) for d in _DIGITS.findall(marker))
            if len(parts) != depth:
                continue
            sep = marker[-1] if marker[-1] in "、.．" else " "
            hits.append(Hit(fam, marker, parts, m.start(), t_start, t_end, "." if sep == "．" else sep))
    return sorted(hits, key=lambda h: h.start)


def outline_hits(text: str, nodes: list[Node], toc: set[int], g: Grammars) -> list[Hit]:
    """The outline's headings; a heading found line by line at the same place gives way to them."""
    if not any(f.pattern.search(text) for d, f in families(g)[1].items() if d > 1):
        return []  # no N.M line at all, as in most plans: their 1./1、 points need no look
    cands = _candidates(text, g, toc)
    if not any(len(c.parts) > 1 for c in cands):
        return []
    sub_rank = min((f.rank for d, f in families(g)[1].items() if d > 1), default=0)
    taken = {c.start for c in cands if len(c.parts) == 1}
    # the headings found line by line that can hold an outline's chapter: outer families (一、, 第一章),
    # or a heading alone on its line ((一)总则)
    events: list[tuple[int, Hit | int]] = [(c.start, c) for c in cands]
    events += [(n.start, n.number) for n in nodes if n.start not in taken and (n.family.rank < sub_rank or n.alone)]
    events.sort(key=lambda e: e[0])
    accepted: list[Hit] = []
    tops: list[Hit] = []
    path: tuple[int, ...] = ()
    head: Hit | int | None = None  # the latest line that may head a chapter
    for _, ev in events:
        if isinstance(ev, int) or len(ev.parts) == 1:
            head = ev
            continue
        p = ev.parts
        if p[-1] == 1 and len(p) == 2:
            number = head if isinstance(head, int) else head.parts[0] if head is not None else None
            if number != p[0] or (path and p[0] <= path[0] and p[0] != 1):
                continue  # no top line of its own just before: a figure, or out of order
            if isinstance(head, Hit) and head not in tops:
                if not tops and any(n.start < head.start and n.family.rank > head.family.rank for n in nodes):
                    continue  # 1.推进… under （一）: a point of the plan's own tree, which it keeps
                tops.append(head)
                accepted.append(head)
            path = (p[0],)
        if path[: len(p) - 1] != p[:-1]:
            continue  # not under the heading open at that depth
        prev = path[len(p) - 1] if len(path) >= len(p) else 0
        if not (p[-1] == 1 if prev == 0 else prev < p[-1] <= prev + 2):
            continue
        accepted.append(ev)
        path = p
        head = None  # a chapter's first child (N.1) comes right after its top line, not after a sibling
    if tops:
        _childless_tops(cands, accepted, tops)
    return sorted(accepted, key=lambda h: h.start)


def _childless_tops(cands: list[Hit], accepted: list[Hit], tops: list[Hit]) -> None:
    """Add the top lines with no subsections (3 附则): each right after the outline's last heading
    above it (a list of rows there is no top: 1 县农业农村局 then 2 县水利局), set like the tops
    (1 总则 or 1.总则), numbered on from the top before it, its elder's chapter closed below it.

    One walk in document order: a top added here stands before every candidate still to come, so
    what lies below a candidate is the outline as first found (``accepted``, ``tops``: both sorted),
    and what lies above it is the latest of those passed and of the tops added."""
    below_tops = iter(sorted(tops, key=lambda h: h.start))  # the first top below the candidate
    next_top = next(below_tops, None)
    last_of_chapter: dict[int, int] = {}  # chapter number → start of its last heading found at first
    for h in accepted:
        last_of_chapter[h.parts[0]] = max(last_of_chapter.get(h.parts[0], -1), h.start)
    k = 0  # accepted[:k]: the first found above the candidate
    last: Hit | None = None  # the outline's last heading above the candidate
    prev: Hit | None = None  # the last top above it
    row = -1  # start of the one-part line before the candidate
    added: list[Hit] = []
    found = sorted(accepted, key=lambda h: h.start)
    top_starts = {t.start for t in tops}
    for c in cands:
        if len(c.parts) > 1:
            continue
        while k < len(found) and found[k].start < c.start:
            last = found[k] if last is None or found[k].start > last.start else last
            prev = found[k] if len(found[k].parts) == 1 and (prev is None or found[k].start > prev.start) else prev
            k += 1
        while next_top is not None and next_top.start <= c.start:
            next_top = next(below_tops, None)
        seen_row, row = row, c.start
        if c.start in top_starts or last is None or prev is None:
            continue  # a top itself, or nothing of the outline above it
        if c.parts[0] != prev.parts[0] + 1 or c.sep != prev.sep or (next_top is not None and next_top.parts[0] <= c.parts[0]):
            continue
        if seen_row > last.start:
            continue  # a row of a list after the outline's last heading
        if last_of_chapter.get(prev.parts[0], -1) > c.start:
            continue  # the chapter above goes on below it: a row inside that chapter
        added.append(c)
        last = prev = c
    if added:
        tops.extend(added)
        tops.sort(key=lambda h: h.start)
        accepted.extend(added)
        accepted.sort(key=lambda h: h.start)


# A contents list whose leaders were lost (a web copy, pdftotext): each line a heading ending with its
# page number (第一章 总体要求 3; after normalize 总体要求3). A contents title (目录, 目 次) opens it.
_PAGE_NO = rx.compile(r"(?<=[^\s0-9０-９.．%％])[ \t\u3000]*(?P<page>[0-9０-９]{1,3})$")
CONTENTS_TITLE = rx.compile(r"[目][ \t\u3000]*[录次]")
_SPACE = rx.compile(r"[ \t\u3000]+")
# three lines in a row ending with a figure: a list with page numbers may stand in the text (a quick gate)
_THREE_NUMBERED = rx.compile(r"[0-9０-９][ \t\u3000]*\n[^\n]*[0-9０-９][ \t\u3000]*\n[^\n]*[0-9０-９][ \t\u3000]*(?:\n|$)")


def contents_lines(text: str, g: Grammars) -> set[int]:
    """Starts of the lines of a contents list set without leaders: three or more heading lines in a
    row, each ending with a page number and none lower than the one before, under a contents title
    or repeated by the body (the first entry's title opens a later line). Without page numbers, the
    lines under a contents title up to the line that repeats its first entry.

    >>> from planparse.grammar import load_grammars
    >>> text = "目 录\\n第一章 总则 1\\n第二章 任务 3\\n第三章 保障 5\\n第一章 总则\\n为…，制定本方案。"
    >>> sorted(contents_lines(text, load_grammars()))
    [4, 13, 22]
    """
    if not CONTENTS_TITLE.search(text) and not _THREE_NUMBERED.search(text):
        return set()  # no contents title, no run of numbered lines: spare the walk over every line
    lines: list[tuple[int, int]] = []
    pos = 0
    while pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        lines.append((pos, end))
        pos = end + 1
    found: set[int] = set()
    k = 0
    while k < len(lines):
        a, b = lines[k]
        titled = bool(CONTENTS_TITLE.fullmatch(text, a, b))
        first = k + 1 if titled else k
        run: list[int] = []  # the run's lines by index
        numbered: list[int] = []  # those of them that end with a page number
        last = -1
        j = first
        while j < len(lines) and g.heading_at(text, lines[j][0], lines[j][1]):
            m = _PAGE_NO.search(text, lines[j][0], lines[j][1])
            page = int(to_ascii_digits(m.group("page"))) if m else -1
            if page < max(last, 0):
                break
            run.append(j)
            if m:
                numbered.append(j)
            last = page
            j += 1
        if len(numbered) >= 3 and numbered == run and (titled or _repeated(text, lines, run)):
            found.update(lines[i][0] for i in run)
            k = j
            continue
        if titled and not numbered and first < len(lines) and g.heading_at(text, *lines[first]):
            upto = _repeated(text, lines, [first])
            if upto:
                found.update(lines[i][0] for i in range(first, upto))
                k = upto
                continue
        k += 1
    return found


def _repeated(text: str, lines: list[tuple[int, int]], run: list[int]) -> int:
    """Index of the first line after ``run`` that opens with the run's first entry (page number and
    spaces aside), 0 when none does."""
    a, b = lines[run[0]]
    m = _PAGE_NO.search(text, a, b)
    key = _SPACE.sub("", text[a : m.start() if m else b])
    for i in range(run[-1] + 1, len(lines)):
        s, e = lines[i]
        if key and _SPACE.sub("", text[s : min(e, s + len(key) + 8)]).startswith(key):
            return i
    return 0
