"""Where a heading's title ends on its line, and where it starts: the title is the heading's own words,
without the body text run on after it (一、指导思想以习近平…), the assignment block closing it
(（牵头单位：…）, （县住建局牵头，2024年底前完成）) or a problem's label before it (1.反馈问题：…).
Split from segment.py, which finds the headings and builds the tree."""

from __future__ import annotations

import regex

from planparse import rx
from planparse.grammar import Grammars, Heading
from planparse.outline import match_heading

_BLOCK_OPEN = rx.compile(r"[（(〔【\[［][ \t\u3000*]*")  # where an inline block may open (its label follows)
_TITLE_END = rx.compile(r"[。！？!?]")
SENTENCE = rx.compile(r"[。，；,;]")
CAPTION = {"【": "】", "[": "]", "〔": "〕"}
_INLINE_WINDOW = 30
_TITLE_TAIL = 2  # what a title may add to a standard title it opens with (主要目标 + 指标); a body is longer (加强组织)
PUNCT = rx.compile(r"[，。；：,;:、]")
# an ideographic space after a short caption, with body text after it: the caption is the title
# (（一）加强监测预警　建立完善监测预警体系…)
_CAPTION_GAP = rx.compile(r"(?<=[^\s]{2})\u3000+(?=[^\s（(〔【\[［])")
TRAILING = " \t\u3000：:；;，,。"
# the same gap as plain spaces (a web copy): only after a caption of plain words, before a sentence
_SPACE_GAP = rx.compile(r"(?<=[^\s]{2}) {1,4}(?=[^\s（(〔【\[［“\"《])")
_NOT_CAPTION = rx.compile(r"[，。；：,;:、“”\"（）()《》]")
_LEAD_NOTE = rx.compile(r"[（(][^（()）\n]{1,20}[）)][ \t\u3000]*[：:][ \t\u3000]*(?=[^\s])")  # （2024年11月）：
_CAPTION_MAX = 15  # a caption's words (强化宣传引导); a longer run before a space is a sentence a PDF justified


def inline_heading(text: str, start: int, end: int, fam: Heading, g: Grammars) -> int | None:
    """Position of a deeper heading marker inside the first words of a heading's text, if any."""
    limit = min(end, start + _INLINE_WINDOW)
    for i in range(start + 1, limit):
        if PUNCT.match(text, i):
            return None
        if text[i] in "（(":
            hit = match_heading(text, i, end, g)
            if hit and hit.family.rank > fam.rank:
                return i
    return None


def title_end(text: str, start: int, end: int, fam: Heading, g: Grammars) -> int:
    """Title: a standard title run into body text, else up to the first 。, else the line."""
    if start < end and text[start] in CAPTION:
        close = text.find(CAPTION[text[start]], start, end)
        if close > start + 1:
            return close + 1  # 第一条 【目的】为…: the caption is the title
    std = g.standard_title.match(text, start, end)
    run_on = SENTENCE.search(text, std.end(), end) if std and std.end() < end else None
    if std and run_on and not PUNCT.match(text, std.end()) and text[std.end()] not in "（(和及与并" and not _title_with_stop(text, std.end(), run_on, end):
        return std.end()  # 一、指导思想以习近平…: body text runs on; "二、工作目标及基本原则" stays whole, with a body or not
    m = _TITLE_END.search(text, start, end)
    stop = m.start() if m else end
    gap = _CAPTION_GAP.search(text, start, stop)
    if gap and (SENTENCE.search(text, gap.end(), end) or end - gap.end() >= 8):
        stop = gap.start()
    elif (gap := _SPACE_GAP.search(text, start, min(stop, start + _CAPTION_MAX + 1))) and _caption_before(text, start, gap.start(), end):
        stop = gap.start()  # a web copy's plain spaces for that gap: （一）强化宣传引导 各乡镇要…，…
    colon = g.colon_title.match(text, start, stop) if g.colon_title else None
    if colon and colon.start("title") != -1:  # 一、指导思想：以习近平…
        return colon.end("title")
    block = _BLOCK_OPEN.search(text, start, stop)
    while block is not None:  # 1.推进老旧小区改造（牵头单位：…）: the assignment block is no part of the title
        if g.label.match(text, block.end()) or g.label.match(text, block.start()) or _verb_block_closes(text, block.start(), stop, g):
            stop = block.start()
            while stop > start and text[stop - 1] in " \t\u3000":
                stop -= 1
            break
        block = _BLOCK_OPEN.search(text, block.end(), stop)
    return stop


def _caption_before(text: str, start: int, gap: int, end: int) -> bool:
    """Is text[start:gap] a caption set off by plain spaces: 4 to ``_CAPTION_MAX`` characters of plain
    words, a sentence after the gap?"""
    return 4 <= gap - start <= _CAPTION_MAX and not _NOT_CAPTION.search(text, start, gap) and SENTENCE.search(text, gap, end) is not None


_CLOSER = {"（": "）", "(": ")", "〔": "〕", "【": "】", "[": "]", "［": "］"}


def _verb_block_closes(text: str, at: int, stop: int, g: Grammars) -> bool:
    """Does a bracket at ``at`` that names who does it (（县住建局牵头，2024年底前完成）: a verb of
    grammars/fields.toml verb_hints just after a name that ends as a body's does) close the title,
    nothing but stops after it? （各级河长负责制） names a system, no body."""
    close = text.find(_CLOSER[text[at]], at + 1, stop)
    if close < at or text[close + 1 : stop].strip(TRAILING):
        return False
    inner = text[at + 1 : close]
    suffix = g.unit_patterns["suffix"]
    # the name may end a word before the verb (省发改委总牵头, 县民政局具体负责)
    return any(suffix.search(inner, 0, j) for v in g.fields.block.verb_hints for k in _finds(inner, v) for j in range(max(0, k - 2), k + 1))


def _finds(s: str, word: str) -> list[int]:
    """Where ``word`` starts in ``s``."""
    out, k = [], s.find(word)
    while k >= 0:
        out.append(k)
        k = s.find(word, k + 1)
    return out


def _title_with_stop(text: str, at: int, stop: regex.Match[str], end: int) -> bool:
    """Is the standard title at ``at`` only the head of a longer title ended by 。 on its own line
    (1.主要目标指标。 2.重点工作举措。), rather than a body run on after it? A noun's two characters, then the
    stop, then nothing (三、保障措施加强组织。 is a body)."""
    return stop.group() == "。" and stop.start() - at <= _TITLE_TAIL and not text[stop.end() : end].strip(TRAILING)


def past_label(text: str, start: int, end: int, g: Grammars) -> int:
    """Where the title starts: past a problem's label (1.反馈问题：…), which names no title itself, and
    past a period set before the title's colon (第三阶段（2024年11月）：总结提升)."""
    colon = g.colon_title.match(text, start, end) if g.colon_title else None
    if colon and "label" in colon.re.groupindex and colon.start("label") != -1:
        return colon.end()
    note = _LEAD_NOTE.match(text, start, end)
    return note.end() if note else start
