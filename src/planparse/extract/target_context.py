"""What a value's sentence says around it: whether a goal's time opens the sentence, where a bracket
still open before it starts, whether a share of a whole is named before it.

``targets.find_targets`` asks these when no comparator or verb of the value's own clause settles it.

>>> from planparse.grammar import load_grammars
>>> g = load_grammars()
>>> text = "到2025年，公共充换电站达到5000座左右；专用充换电站3000座左右。"
>>> goal_sentence(text, text.index("3000"), g.target_patterns)
True
>>> text = "完成15个村庄公厕改造（其中8个村庄公厕列入省民生实事）"
>>> text[verbs_from(text, 0, text.index("8个")) :]
'其中8个村庄公厕列入省民生实事）'
"""

from __future__ import annotations

import regex

from planparse import rx
from planparse.grammar import Compiled

# A goal's sentence runs on across ；: "到2025年，A达到5000座；B 3000座" lists both goals under the frame.
_SENTENCE_STARTS = "。！？!?\n"
MAX_PARAGRAPH = 1500  # how far back a sentence's start (or a paragraph's year) is looked for at most
_MAX_CLAUSE = 200  # a "clause" longer than this is run-on text: look no further for its words
_OPEN = "（("
_CLAUSE_OPEN = rx.compile(r"[，,：:；;]")
_CLOSE = "）)"


def bound_left(text: str, pos: int, bounds: str) -> int:
    """Where the clause holding ``pos`` starts: after the nearest of ``bounds`` before it."""
    i = pos
    floor = max(0, pos - _MAX_CLAUSE)
    while i > floor and text[i - 1] not in bounds:
        i -= 1
    return i


def bound_right(text: str, pos: int, bounds: str) -> int:
    """Where the clause holding ``pos`` ends: at the nearest of ``bounds`` after it."""
    i = pos
    n = min(len(text), pos + _MAX_CLAUSE)
    while i < n and text[i] not in bounds:
        i += 1
    return i


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts (after 。！？ or a line's end), ``MAX_PARAGRAPH`` back at
    most: an unbounded look back costs the whole text per value."""
    floor = max(0, pos - MAX_PARAGRAPH)
    return max(floor, *(text.rfind(c, floor, pos) + 1 for c in _SENTENCE_STARTS))


def goal_sentence(text: str, pos: int, tp: dict[str, regex.Pattern[str]]) -> bool:
    """Whether the sentence holding ``pos`` opens with a goal's time (targets.toml ``goal_frame``), or
    its paragraph does and the sentence sets no time of its own (``goal_frame_break``: a year, or
    目前/截至/现有, where things stand now): "到2025年，推出50条线路。接待游客7300万，…" goes on
    listing the goals."""
    frame = tp["goal_frame"]
    start = sentence_start(text, pos)
    if _framed(text, start, pos, frame):
        return True
    floor = max(0, pos - MAX_PARAGRAPH)
    para = max(floor, text.rfind("\n", floor, pos) + 1)
    return para < start and _framed(text, para, start, frame) and not tp["goal_frame_break"].match(text, start, pos)


def _framed(text: str, start: int, end: int, frame: regex.Pattern[str]) -> bool:
    """Whether a goal's time opens ``text[start:end]`` or a clause of it: "具体目标方面，《规划》提出，到2025年，…"."""
    return frame.match(text, start, end) is not None or any(frame.match(text, m.end(), end) for m in _CLAUSE_OPEN.finditer(text, start, end))


def subject_left_out(text: str, prev_end: int, clause_start: int, tp: dict[str, regex.Pattern[str]]) -> bool:
    """Whether the clause at ``clause_start`` opens the sentence right after the one that ends after
    ``prev_end`` (a value read before), in the same paragraph, with at most a goal's time before it:
    "目前全县森林覆盖率为30%。到2025年，提高到35%以上。" leaves out the subject the sentence before named.

    >>> from planparse.grammar import load_grammars
    >>> tp = load_grammars().target_patterns
    >>> text = "森林覆盖率为30%。到2025年，提高到35%以上。"
    >>> subject_left_out(text, text.index("。"), text.index("提高"), tp)
    True
    >>> text = "森林覆盖率为30%。全县加快造林，提高到35%以上。"
    >>> subject_left_out(text, text.index("。"), text.index("提高"), tp)
    False
    """
    if clause_start - prev_end > _MAX_CLAUSE or "\n" in text[prev_end:clause_start]:
        return False
    start = sentence_start(text, clause_start)
    if start <= prev_end or any(c in text[prev_end : start - 1] for c in _SENTENCE_STARTS):
        return False  # the same sentence (read by the caller), or one more sentence between
    frame = tp["goal_frame"].match(text, start, clause_start)
    return clause_start == start or (frame is not None and frame.end() == clause_start)


def verbs_from(text: str, start: int, pos: int) -> int:
    """Where a verb governing the value at ``pos`` may stand: after a bracket still open before it
    ("完成15个村庄公厕改造（其中8个…）": 完成 is the 15's, the bracket a note on them), else ``start``."""
    opened = max(text.rfind(c, start, pos) for c in _OPEN)
    if opened < 0 or max(text.rfind(c, opened, pos) for c in _CLOSE) > opened:
        return start
    return opened + 1


def share_of_whole(text: str, start: int, pos: int, tp: dict[str, regex.Pattern[str]]) -> bool:
    """"到2025年，数字经济核心产业增加值占GDP的12%": 占 (of a whole) right before a share, in a goal's
    sentence, states the share to reach. Outside one (2020年，…占GDP的30%) it says where things stand."""
    return tp["share_of"].search(text, start, pos) is not None and goal_sentence(text, pos, tp)


def comparator_before(text: str, start: int, pos: int, rules: list[Compiled]) -> str | None:
    """The comparator of a ``before`` phrase ending right at ``pos`` (a count's verb): "至少建立30个" is
    at least 30, as "建立不少于30个" is."""
    for c in rules:
        for m in c.pattern.finditer(text, max(start, pos - 6), pos):
            if m.end() == pos:
                return str(c.attrs["comparator"])
    return None


_LIST_ITEM = rx.compile(r"[ \t\u3000]*(?:[0-9]{1,2}[.．、](?![0-9])|[（(][0-9一二三四五六七八九十]{1,2}[）)]|[①-⑳⑴-⒇⒈-⒛㈠-㈩])")
_MAX_ITEMS = 30  # how many items back the line that introduces a list is looked for


def lead_in(text: str, line_start: int) -> tuple[int, int] | None:
    r"""The line that introduces the numbered list the line at ``line_start`` belongs to, ending with a
    colon ("到2025年，全市主要指标如下：" over "1.地区生产总值…", "2.…"): where the items' time is said.

    >>> text = "到2025年，主要指标如下：\n1.产值增长7%。\n2.投资增长9%。"
    >>> a, b = lead_in(text, text.index("2."))
    >>> text[a:b]
    '到2025年，主要指标如下：'
    """
    if not _LIST_ITEM.match(text, line_start):
        return None
    end = line_start - 1
    for _ in range(_MAX_ITEMS):
        if end <= 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].rstrip(" \t\u3000")
        if line.endswith(("：", ":")):
            return start, end
        if not _LIST_ITEM.match(text, start):
            return None  # a paragraph of its own, no item of the list: the list has no lead-in line
        end = start - 1
    return None
