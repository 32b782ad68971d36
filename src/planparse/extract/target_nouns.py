"""The nouns a count or a measured quantity is of: 淘汰老旧车辆1200辆 (before it), 新建5个口袋公园 and 新建10万亩
高标准农田 (after it), 形成392吨/日的医废处置能力 (after 的), with a note in brackets on the noun left out
(改造危旧桥梁（含渡改桥、漫水桥）9000座).

``targets.find_targets`` reads counts with these.

>>> from planparse.grammar import load_grammars
>>> tp = load_grammars().target_patterns
>>> text = "改造危旧桥梁（含渡改桥、漫水桥）9000座"
>>> end = noun_to(text, 2, text.index("9000"))
>>> text[2:end], noun_run(text, 2, end, tp), in_note(text, text.index("、"), len(text))
('危旧桥梁', True, True)
"""

from __future__ import annotations

import regex

from planparse import rx

# a noun's characters, one class for every pattern that reads a noun: it may be quoted (省级“专精特新”企业)
NOUN_CHARS = r"\p{Han}A-Za-z0-9“”"
NOUN = "[" + NOUN_CHARS + "]"
NOUN_HAS_HAN = r"(?=[A-Za-z0-9“”]*\p{Han})"  # 5G基站, never a code of letters and digits alone
NOUN_CHAR = rx.compile("[" + NOUN_CHARS + r"\"＋+]")  # a counted noun may be quoted: 30个“5G＋工业互联网”案例
_WORD_RUN = rx.compile(NOUN_HAS_HAN + NOUN + r"{2,14}[ \t]*")  # a noun: 充电桩, 5G基站, 省级“专精特新”企业
OF_NOUN = rx.compile(r"[ \t]*的[ \t]*(?P<n>" + NOUN + r"{2,14})[ \t]*(?:[，。；,;）)\n]|$)")  # …吨/日的处置能力
# what a measured quantity right after its verb measures, up to the clause's end or the next count: 新建10万亩高标准农田,
# 新建15公里污水管网和2座泵站
NOUN_AFTER = rx.compile(r"[ \t]*(?:的[ \t]*)?(?P<n>" + NOUN_HAS_HAN + r"(?:(?![0-9])" + NOUN + r"){2,14})[ \t]*(?:[，。；,;）)\n]|$|[和及与、](?=[ \t]*[0-9]))")
JOIN_BEFORE = rx.compile(r"(?:、|以及|[和及与])[ \t]*$")  # "…、3个A以及10家B": what joins a list's next count
_NOTE_END = rx.compile(r"[（(][^（()）\n]{1,30}[）)][ \t]*$")  # 危旧桥梁（含渡改桥、漫水桥）9000座: a note on the noun
_NOTE_REACH = 30  # how far back a bracket still open may stand


def noun_run(text: str, start: int, end: int, tp: dict[str, regex.Pattern[str]]) -> bool:
    """``text[start:end]`` is a noun a number counts (充电桩, 5G基站, 15分钟商业服务圈), not another count's words (104家总投资)."""
    return _WORD_RUN.fullmatch(text, start, end) is not None and tp["count_in"].search(text, start, end) is None


def noun_to(text: str, start: int, pos: int) -> int:
    """Where a counted noun before ``pos`` ends: before a note in brackets closing it (改造危旧桥梁（含渡改桥）9000座)."""
    note = _NOTE_END.search(text, start, pos)
    return note.start() if note and note.start() > start else pos


def in_note(text: str, pos: int, end: int) -> bool:
    """Whether ``pos`` stands in brackets closed before ``end``: the 、 of 危旧桥梁（含渡改桥、漫水桥）9000座 lists no counts."""
    floor = max(0, pos - _NOTE_REACH)
    opened = max(text.rfind("（", floor, pos), text.rfind("(", floor, pos))
    if opened < 0 or max(text.rfind("）", opened, pos), text.rfind(")", opened, pos)) >= 0:
        return False  # no bracket open at pos
    return max(text.find("）", pos, end), text.find(")", pos, end)) >= 0
