"""Line breaks restored in text a web page copied with (almost) none: the ``unglue`` step of normalize.

A plan copied from a web page may arrive as one line, or with a heading, its body and the next
heading run together on a line: ``…制定本方案。一、工作目标到2025年，….二、主要任务（一）加强垃圾治理。…``.
The segmenter finds headings at line starts, so nothing is found. Here a line break goes back
before each heading marker that continues the document's own numbering after a sentence end
(一、 after 。, then 二、; （一） （二） within; 1. 2. within), and at the joints of the notice that
sends a plan (after its 的通知 title, after the addressees' colon, around the sign-off issuer and
date, after the plan's title).

Only text that shows it was glued is touched, so a line-broken document comes out as it was:
a line far longer than any paragraph, or lines holding markers of a family in sequence after
sentence ends, these making a good part of the document's headings (noise.toml [glued]). A marker that does not continue the numbering (一是, 第一、, 按照（一）的要求,
1.5万亩, a list ``包括：1.…；2.…`` after a colon or semicolon, anything inside brackets or quotes)
gets no break.

>>> from planparse.grammar import load_grammars
>>> text = "为改善环境，制定本方案。一、工作目标到2025年，环境明显改善。二、主要任务（一）加强治理。建立体系。（二）推进改厕。"
>>> [text[p : p + 4] for p in glued_breaks(text, load_grammars())]
['一、工作', '二、主要', '（一）加', '（二）推']
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass, field

import regex

from planparse import rx
from planparse.grammar import Grammars
from planparse.grammar.compile import compile_pattern
from planparse.outline import match_heading

_ENDS = "。！？!?"  # a sentence end before a heading marker (not ；: 包括：1.…；2.… stays one list)
_PAIRS = {"（": "）", "(": ")", "《": "》", "“": "”", "【": "】", "〔": "〕", "［": "］", "[": "]", "〈": "〉"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_PAIR_SPAN = 400  # a bracket left open further than this is a stray one: it hides nothing
_TITLE_RUN = 40  # a heading title this short may be followed by a deeper marker (二、主要任务（一）…)
_FIELD_RUN = 80  # how far back a unit field's label is looked for
_FIELD_STOP = rx.compile(r"[。！？!?；;《“]")  # what a field's value does not run across
_SEMI = rx.compile(r"[；;]")
_SENTENCE_END = rx.compile(r"[。！？!?]")
_AFTER_END = rx.compile(r"[。！？!?”）)\]】〕］〉：:][ \u3000]*")  # a marker may follow: see _ends_item
_TITLE_PUNCT = rx.compile(r"[，。；：,;:！？!?]")  # what a title does not hold (it may list with 、)
_PUNCT = rx.compile(r"[，。；：,;:、！？!?]")
# the notice's joints: its title, the addressees' line, the sign-off issuer over the date
_HAN = rx.compile(r"\p{Han}")
_ADDRESSEES = rx.compile(r"[^。；：:《》“”]{2,100}?[：:](?=[\p{Han}])")
# a plan's title run into its preamble: the title words up to the first punctuation or quote
_TITLE_STRETCH = rx.compile(r"[^，。；：、,;:“《\n]{4,80}")


@dataclass
class _Numbering:
    """The document's open headings, outermost first: (family id, number). A family seen again
    closes what was opened under it, as the heading tree does; no family ranks are assumed."""

    stack: list[tuple[str, int]] = field(default_factory=list)
    last: dict[str, int] = field(default_factory=dict)  # each family's latest number, open or closed

    def continues(self, fid: str, num: int) -> bool:
        """Does ``fid num`` continue the numbering: the next of an open family, a new family's
        first, or the next of a closed one (points numbered on across （一） （二）: 2. then （二） 3.)?"""
        for f, n in self.stack:
            if f == fid:
                return num == n + 1
        return num in (1, self.last.get(fid, -1) + 1)

    def see(self, fid: str, num: int) -> None:
        for i, (f, _) in enumerate(self.stack):
            if f == fid:
                del self.stack[i:]
                break
        self.stack.append((fid, num))
        self.last[fid] = num


def _inside(line: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the matched bracket and quote pairs in ``line``. A quote does not run
    past a sentence end, and a web copy may close “ with a plain " (“蒙速办")."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(line):
        if ch in _ENDS:
            stack = [o for o in stack if o[0] != "“"]
        if ch in _PAIRS and not (ch == "“" and stack and stack[-1][0] == "“"):
            stack.append((ch, i))
        elif ch in _CLOSERS or (ch == '"' and stack and stack[-1][0] == "“"):
            opener = _CLOSERS.get(ch, "“")
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == opener:
                    if i - stack[k][1] <= _PAIR_SPAN:
                        spans.append((stack[k][1], i))
                    del stack[k:]
                    break
    return sorted(spans)


def _covered(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The widest pair that holds ``pos`` strictly inside, if any."""
    best = None
    for s, e in spans:
        if s > pos:
            break
        if s < pos <= e and (best is None or s < best[0]):
            best = (s, e)
    return best


def _after_block(line: str, pos: int, spans: list[tuple[int, int]], g: Grammars) -> bool:
    """Does an assignment block close just before ``pos`` (（牵头单位：…）, （省商务厅牵头，海关配合）)?
    It ends its item."""
    for s, e in spans:
        if e == pos - 1:
            inner = line[s + 1 : e]
            if g.label.search(inner) is not None or any(v in inner for v in g.fields.block.verb_hints):
                return True
    return False


def _after_field(line: str, pos: int, g: Grammars) -> bool:
    """Does a unit field (牵头单位：XXX) run up to ``pos`` unclosed? Its value ends the item there."""
    start = max(0, pos - _FIELD_RUN)
    last = None
    for m in g.label.finditer(line, start, pos):
        last = m
    return last is not None and not _FIELD_STOP.search(line, last.end(), pos)


def _listed(line: str, pos: int, fid: str, num: int, g: Grammars) -> bool:
    """Is the point at ``pos`` the first of a list run in one sentence (①…；②…)? Its next point
    follows a semicolon before the sentence ends: the list stays in its paragraph."""
    stop = _SENTENCE_END.search(line, pos)
    for m in _SEMI.finditer(line, pos, stop.start() if stop else len(line)):
        hit = match_heading(line, m.end(), len(line), g, outline=True)
        if hit and hit.family.id == fid and hit.number == num + 1:
            return True
    return False


def _before(line: str, p: int) -> int:
    """Where the character before the marker at ``p`` stands, past the spaces a copy may leave
    between a sentence and the marker (…改善。 二、…)."""
    q = p - 1
    while q > 0 and line[q] in " \u3000":
        q -= 1
    return q


def _ends_item(line: str, p: int, spans: list[tuple[int, int]], g: Grammars) -> bool:
    """Does an item end before ``p``: a sentence (also with spaces or a closing quote after it), an
    assignment block, or a unit field's value run on (牵头单位：XXX2.加快…)?"""
    q = _before(line, p)
    prev = line[q]
    if prev in _ENDS or (prev == "”" and line[q - 1 : q] in ("。", "！", "？")):
        return True
    return (prev in _CLOSERS and _after_block(line, q + 1, spans, g)) or _after_field(line, p, g)


def _confirmed(line: str, pos: int, fid: str, spans: list[tuple[int, int]], at: list[int], g: Grammars) -> bool:
    """Is the first point at ``pos`` followed on the line by its second where an item ends? ``at``: the
    places of the line where a marker matches (no other place holds a heading)."""
    for k in at[bisect.bisect_right(at, pos) :]:
        if not _covered(spans, k):
            hit = match_heading(line, k, len(line), g, outline=True)
            if hit and hit.family.id == fid and _ends_item(line, k, spans, g):
                return hit.number == 2
    return False


def _line_breaks(line: str, numbering: _Numbering, g: Grammars) -> tuple[list[int], int, set[str], str | None]:
    """Offsets in ``line`` where a heading marker continues the numbering (a break goes before
    each), how many of them continue a marker of the same line (the strongest evidence), the
    families of those markers, and the family of the heading opening the line (None: none)."""
    note = next((w for w in g.headings.structure.note_starts if line.startswith(w)), None)
    if note is not None and g.heading_at(line, len(note)) is not None:
        return [], 0, set(), None  # 备注：1.…。2.…: a note numbers its own points, as the segmenter knows
    # every place inside the line where a marker matches, in one pass of the engine: most lines of a
    # line-broken plan have none, and only these places are worth the checks below
    at = [m.start() for m in g.heading_start.finditer(line, 1, overlapped=True)]
    spans: list[tuple[int, int]] | None = None  # the line's bracket pairs, found when first needed
    cuts: list[int] = []
    strong = 0
    title_from = -1  # where the title of the heading last met on this line starts
    seen_here: set[str] = set()  # the families met on this line: the opening heading's and the cuts'
    cut_families: set[str] = set()
    first = match_heading(line, 0, len(line), g, outline=True)
    opens = first.family.id if first else None
    if first:
        numbering.see(first.family.id, first.number)
        title_from = first.match.end()
        seen_here.add(first.family.id)
    if not at:
        return [], 0, set(), opens
    # where a marker may stand: after an item's end, in a heading title's first words, after a unit
    # field's label; before the document's first heading anywhere (…考评办法一、…). Visited in order,
    # a window opened behind each heading found (a scan of every character costs a third of normalize)
    at_set = set(at)

    def window(start: int, size: int) -> list[int]:
        return at[bisect.bisect_left(at, start) : bisect.bisect_right(at, start + size)]

    heap = [p for p in (m.end() for m in _AFTER_END.finditer(line)) if p in at_set]
    for lab in g.label.finditer(line):
        heap.extend(window(lab.end(), _FIELD_RUN))
    if title_from >= 0:
        heap.extend(window(title_from, _TITLE_RUN))
    if not numbering.stack:
        heap.extend(window(1, len(line)))
    heapq.heapify(heap)
    done = 0
    while heap:
        p = heapq.heappop(heap)
        if p <= done or p >= len(line):
            continue
        done = p
        hit = match_heading(line, p, len(line), g, outline=True)
        if hit is None:
            continue
        if spans is None:
            spans = _inside(line)
        prev = line[_before(line, p)]
        after_title = (0 <= title_from and p - title_from <= _TITLE_RUN and not _TITLE_PUNCT.search(line, title_from, p)) or (
            not numbering.stack and g.meta["title_suffix"].search(line[max(0, p - _TITLE_RUN * 2) : p]) is not None
        )  # the first heading, run on after the plan's title (…考评办法一、考评对象)
        if not (_ends_item(line, p, spans, g) or after_title or prev in "：:"):
            continue
        field_only = not (prev in _ENDS or prev in _CLOSERS or prev in "”：:" or after_title)  # after a field's value
        if _covered(spans, p):
            continue
        fid, num, m = hit.family.id, hit.number, hit.match
        if not numbering.continues(fid, num) or _listed(line, m.end(), fid, num, g):
            continue
        if prev in "：:" and not (num == 1 and _confirmed(line, m.end(), fid, spans, at, g)):
            continue  # 如下：一、…。二、…: a list of headings after a colon, when its second one follows a 。
        if field_only and fid not in dict(numbering.stack):
            continue  # 牵头单位：XXX2.加快…: the next point of an open list only (not 牵头单位：措施①…)
        if after_title and prev not in _ENDS and fid in dict(numbering.stack):
            continue  # a title runs straight into the first point under it only (三、主要措施(一)深学笃行)
        strong += fid in seen_here and num > 1
        numbering.see(fid, num)
        seen_here.add(fid)
        cut_families.add(fid)
        cuts.append(p)
        title_from = m.end()
        for k in window(title_from, _TITLE_RUN):
            heapq.heappush(heap, k)
    return cuts, strong, cut_families, opens


def _rules(g: Grammars) -> dict[str, regex.Pattern[str] | None]:
    """noise.toml [glued]'s patterns, compiled once per grammar (None: left empty, the joint off)."""
    memo = g.memo.setdefault("unglue", {})
    if not memo:
        glued = g.noise.glued
        for key in ("signoff", "annex", "draft"):
            src = getattr(glued, key)
            memo[key] = compile_pattern(src, g.noise.fragments, "grammars/noise.toml", f"glued -> {key}") if src else None
    return memo


def _head_joints(text: str, end: int, g: Grammars) -> tuple[list[int], str]:
    """Breaks in the glued head of the text (before its first heading) where a notice sends the
    plan: after each notice title (…的通知, a web page may repeat it), around the document number,
    after the addressees' colon; and the plan's title the notice names in 《…》, for the joint after
    the sign-off. An annex label opening the text (附件：) stands alone too."""
    spans = _inside(text[:end])
    cuts: list[int] = []
    title = ""
    after = 0
    annex_rule = _rules(g)["annex"]
    annex = annex_rule.match(text, 0, end) if annex_rule else None
    if annex:
        cuts.append(annex.end())
    for m in g.meta["notice"].finditer(text, 0, end):
        if m.end() < end and not _covered(spans, m.start()) and _HAN.match(text, m.end()):
            cuts.append(m.end())
            title = title or m.group("title") or ""
            after = m.end()
    for m in g.meta["doc_number"].finditer(text, after, end):
        if not _covered(spans, m.start()):
            cuts.extend((m.start(), m.end()))
            after = max(after, m.end())
            break
    if title:  # the notice's body sentence, then the plan's title it named, then the plan's preamble
        k = text.find(title, after, end)
        if k > 0 and text[k - 1] in _ENDS:
            cuts.extend((k, k + len(title)))
    if after:
        a = _ADDRESSEES.match(text, after, end)
        if a is not None and g.label.search(text, after, a.end()) is None:
            cuts.append(a.end())
    return cuts, title


def _title_cuts(text: str, pos: int, title: str, g: Grammars) -> list[int]:
    """Where a plan's title run into the text after it at ``pos`` ends (…实施方案为持续改善…): the
    title the notice named, else the longest run of title words ending in a document-type word.
    A draft mark after it (…（2024—2026年）征求意见稿为…) gets a line of its own."""
    if pos >= len(text) or text[pos] == "\n":
        return []
    if title and text.startswith(title, pos):
        return [pos + len(title)]
    run = _TITLE_STRETCH.match(text, pos, min(len(text), pos + 120))
    if run is None or text.startswith(tuple(g.noise.glued.preamble_starts), pos) or g.heading_at(text, pos) is not None:
        return []
    for stop in range(run.end(), pos + 4, -1):  # the longest title: 实施方案 rather than its 方案
        if g.meta["title_suffix"].search(text[pos:stop]):
            if stop >= len(text) or _PUNCT.match(text, stop):
                return []
            draft = _rules(g)["draft"].search(text, pos, stop) if _rules(g)["draft"] else None
            return [draft.start(), stop] if draft and draft.start() > pos else [stop]
    return []


def _may_be_glued(text: str, g: Grammars) -> bool:
    """A quick look that spares plain text the reading (a fifth of normalize): glued text has a page-long
    line, or markers inside lines (not the 0. of 10., the 一、 of 十一、) that, times ``inline_share``,
    reach the headings at line starts. Every break the reading finds is such a marker."""
    glued = g.noise.glued
    lines = text.split("\n")
    if any(len(line) >= glued.long_line for line in lines):
        return True
    memo = g.memo.setdefault("unglue-quick", {})
    if "inline" not in memo:
        memo["inline"] = rx.compile(r"(?<=[^\n0-9０-９（(一二三四五六七八九十百零〇两])(?=" + g.heading_start.pattern + ")", g.heading_start.flags)
    inline = sum(1 for _ in memo["inline"].finditer(text))
    starts = sum(1 for line in lines if g.heading_at(line) is not None)
    return inline > 0 and inline * glued.inline_share >= starts


def glued_breaks(text: str, g: Grammars) -> list[int]:
    """Offsets in ``text`` before which a line break goes back; none when the text is not glued."""
    if not _may_be_glued(text, g):
        return []
    numbering = _Numbering()
    found: list[int] = []
    strong = 0
    longest = 0
    starts = 0  # headings at line starts already
    start_families: set[str] = set()  # their families
    inline_families: set[str] = set()  # the families of the markers found inside lines
    pos = 0
    while pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        line = text[pos:end]
        longest = max(longest, len(line))
        cuts, s, families, opens = _line_breaks(line, numbering, g)
        found.extend(pos + c for c in cuts)
        inline_families |= families
        strong += s
        if opens is not None:
            starts += 1
            start_families.add(opens)
        pos = end + 1
    # glued: a page-long line, or markers in sequence within lines making a good part of the headings,
    # of a family the text elsewhere sets at line starts (or with hardly a line start at all). A
    # line-broken plan that runs one short list inline, （三）加强监管。1.建立台账。2.完善制度。, is not:
    # its 1. stands inline only, the author's list
    glued = g.noise.glued
    inline = strong >= 1 and len(found) * glued.inline_share >= starts and (starts <= 1 or bool(inline_families & start_families))
    if not (inline or (longest >= glued.long_line and found)):
        return []
    first_end = text.find("\n")
    first_end = len(text) if first_end == -1 else first_end
    joints, title = _head_joints(text, min(found[0], first_end) if found else first_end, g)
    heads = [] if title else [joints[0] if joints else 0]  # no notice: the plan's title may open the text
    signoff = _rules(g)["signoff"]
    for m in signoff.finditer(text) if signoff else ():  # the notice's sign-off: issuer and date, the plan's title after
        t = _title_cuts(text, m.end(), title, g)
        if m.group("bare") is not None and not t and m.end() < len(text) and text[m.end()] != "\n":
            continue  # a date alone: a sign-off only at the end, or over the plan's title
        joints.extend((m.start(), m.start("date"), m.end(), *t))  # the issuer over the date, as GB/T 9704 sets them
    for h in heads:
        joints.extend((h, *_title_cuts(text, h, title, g)))
    return sorted({p for p in found + joints if 0 < p < len(text) and text[p - 1] != "\n" and text[p] != "\n"})
