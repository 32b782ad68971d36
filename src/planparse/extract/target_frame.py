"""When a value is meant for, and whether it is a goal at all: the year a target is set for, the
section it stands in (a goals section, a year in a heading) and the sentences that say where things
stand now (截至2023年底，累计建成…; 2018年以来，…下降22%), which report results, not goals.

``targets.find_targets`` asks these for every value it keeps.

>>> from planparse.grammar import load_grammars
>>> g = load_grammars()
>>> text = "截至2023年底，累计建成5G基站1200个，到2025年达到2000个。"
>>> [stands_now(text, text.index(n), g, None) for n in ("1200", "2000")]
[True, False]
>>> text = "2022年全县森林覆盖率为31.2%。"
>>> stands_now(text, text.index("31.2"), g, 2023), stands_now(text, text.index("31.2"), g, None)
(True, False)
"""

from __future__ import annotations

import bisect

import regex

from planparse import rx
from planparse.extract.deadlines import BASE_YEAR_AFTER
from planparse.extract.target_context import MAX_PARAGRAPH, bound_left, lead_in, sentence_start
from planparse.grammar import Grammars
from planparse.numerals import cn_to_int
from planparse.segment import Node

CLAUSE_BOUND = "。；;，,：:\n\t！？!?"  # a table cell (\t) is a clause of its own
# a year after 较/比/由/从/对/自/以 is a base (以2010年为基数), no target year; so is the second year of
# a base range (较2017-2018年秋冬季)
_YEAR = rx.compile(
    r"(?<![0-9])(?<![较比由从对自以][ \t]{0,2})(?<![较比由从对自以][ \t]{0,2}(?:19|20)[0-9]{2}[ \t]*年?[ \t]*[-—–~～至到][ \t]*)"
    r"(?:到|至|在|于)?[ \t]*(?P<y>(?:19|20)[0-9]{2})[ \t]*年(?![ \t]*[0-9]+[ \t]*年)(?![ \t]*的)(?!" + BASE_YEAR_AFTER + ")"
)
# “十四五”期间, 十四五末; quoted, it may open the indicator alone ("“十四五”单位GDP能耗累计降低13%"),
# never when it names the plan or a time since (“十三五”规划, “十三五”以来)
_FYP = rx.compile(r"[“\"]?(?P<fyp>十[一二三四五六七八九]?五)[”\"]?(?:末|期末|期间|时期)|[“\"](?P<fyp>十[一二三四五六七八九]?五)[”\"](?!规划|以来|以前|开局|收官|的)")
_FYP_BASE = rx.compile(r"(?:较|比|与|同)[ \t]*$")
_WITHIN_YEARS = rx.compile(r"[一二三四五六七八九十两0-9]+[ \t]*年(?:内|以内|之内)")
_GOAL_YEAR = rx.compile(r"[ \t]*(?:到|至)")
_CHANGE_END = rx.compile(r"[ \t]*年(?:底|末)?[ \t]*的")  # after 到2020: …到2020年的78.93亿元  # a year reached for (到2025年), not one stood in


# the year a value is reached in, between the verb of reaching and the value: 由2020年的25%提高到2025年的30%
_REACHED_IN = rx.compile(r"[ \t]*(?P<y>(?:19|20)[0-9]{2})[ \t]*年(?:底|末)?[ \t]*的[ \t]*")


def reached_in(text: str, start: int, end: int) -> int | None:
    """The year that ``text[start:end]`` names, when it stands between a comparator and its value
    (提高到2025年的30%, 增加到2025年底的500家): the value's own target year.

    >>> text = "森林覆盖率由2020年的25%提高到2025年的30%"
    >>> reached_in(text, text.index("到") + 1, text.index("30%"))
    2025
    """
    m = _REACHED_IN.fullmatch(text, start, end)
    return int(m.group("y")) if m else None


def stands_now(text: str, pos: int, g: Grammars, min_year: int | None) -> bool:
    """Whether the sentence before ``pos`` says where things stand, not what is to be reached: a time
    up to now (targets.toml ``status``: 截至…, …以来, 目前) with no goal word (``goal_word``) after it;
    or, in a sentence with no goal word at all, a year before the plan's first (``min_year``) stood in,
    not reached for (2022年全县森林覆盖率为31.2%), or work done (``status_done``: 已建成, 累计已) with no
    year of the plan's (or, the plan's unknown, any year) in the sentence."""
    start = sentence_start(text, pos)
    goal = g.target_patterns["goal_word"]
    last = None
    for m in g.target_patterns["status"].finditer(text, start, pos):
        last = m
    if last is not None and _goal_word(text, last.end(), pos, goal) is None:
        return True
    if _goal_word(text, start, pos, goal) is not None:
        return False
    years = [int(m.group("y")) for m in _YEAR.finditer(text, start, pos) if not _GOAL_YEAR.match(m.group())]
    # a five-year period stood in counts as its last year ("“十三五”期间，累计完成…" in a plan from 2021),
    # not one compared with (较“十三五”末下降10%)
    years += [_fyp_end(m.group("fyp")) for m in _FYP.finditer(text, start, pos) if not _FYP_BASE.search(text, max(start, m.start() - 3), m.start())]
    if any(min_year is None or y >= min_year for y in years):
        return False  # "2025年，…已建成…设施正常运行率达到85%": a year of the plan frames it, unknown or not
    return bool(years) or g.target_patterns["status_done"].search(text, start, pos) is not None


def _goal_word(text: str, start: int, end: int, goal: regex.Pattern[str]) -> regex.Match[str] | None:
    """The first goal word in ``text[start:end]``, but a change's end year (增长到2020年的78.93亿元): it
    says where a change ended, in a goal or a result alike."""
    for m in goal.finditer(text, start, end):
        if not _CHANGE_END.match(text, m.end()):
            return m
    return None


class Frames:
    """Per section: the year its heading (or an ancestor's) names (二、2025年发展目标任务) and whether it
    sets goals (targets.toml ``goal_title``: 一、预期目标, （二）主要目标), for the values under it."""

    def __init__(self, text: str, nodes: list[Node], g: Grammars) -> None:
        self.nodes = nodes
        self.starts = [n.start for n in nodes]
        goal = g.target_patterns["goal_title"]
        self.year: dict[int, int | None] = {}
        self.goal: dict[int, bool] = {}
        for n in nodes:  # document order: a parent comes before its children
            m = _YEAR.search(text, n.title_start, n.title_end)
            up = id(n.parent) if n.parent is not None else None
            year = int(m.group("y")) if m else None
            if year is None and (f := _FYP.search(text, n.title_start, n.title_end)) and cn_to_int(f.group("fyp")[:-1]):
                year = _fyp_end(f.group("fyp"))  # 二、“十四五”发展目标: the period's last year
            self.year[id(n)] = year if year is not None else self.year.get(up) if up is not None else None
            self.goal[id(n)] = goal.search(text, n.title_start, n.title_end) is not None or (up is not None and self.goal.get(up, False))

    def _at(self, pos: int) -> Node | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        node = self.nodes[i] if i >= 0 else None
        while node is not None and pos >= node.end:
            node = node.parent
        return node

    def year_at(self, pos: int) -> int | None:
        node = self._at(pos)
        return self.year.get(id(node)) if node is not None else None

    def goal_at(self, pos: int) -> bool:
        node = self._at(pos)
        return node is not None and self.goal.get(id(node), False)


def _fyp_end(fyp: str) -> int:
    """The last year of a five-year plan's period: 十三五 → 2020, 十四五 → 2025."""
    return 1951 + 5 * (cn_to_int(fyp[:-1]) or 0) + 4


def target_year(text: str, pos: int, frames: Frames | None = None) -> int | None:
    """The target year: in the sentence before the value, else earlier in its paragraph, else after it,
    else in the line that introduces its list, else in its section's heading. None when the clause
    counts years of its own (三年内…): no calendar year is named for it."""
    if _WITHIN_YEARS.search(text, bound_left(text, pos, CLAUSE_BOUND), pos):
        return None
    para_start = max(text.rfind("\n", max(0, pos - MAX_PARAGRAPH), pos) + 1, pos - MAX_PARAGRAPH)
    found: list[tuple[int, int]] = [(m.start(), int(m.group("y"))) for m in _YEAR.finditer(text, para_start, pos)]
    for m in _FYP.finditer(text, para_start, pos):
        if cn_to_int(m.group("fyp")[:-1]) and not _FYP_BASE.search(text, max(para_start, m.start() - 3), m.start()):
            found.append((m.start(), _fyp_end(m.group("fyp"))))
    if found:
        return max(found)[1]
    # no year before it: the paragraph may give one after ("…达到X%。2020年底，…")
    para_end = text.find("\n", pos, pos + MAX_PARAGRAPH)
    m = _YEAR.search(text, pos, para_end if para_end != -1 else min(len(text), pos + MAX_PARAGRAPH))
    if m:
        return int(m.group("y"))
    # an item of a list the line before introduces ("到2025年，主要指标如下：" / "1.地区生产总值…")
    lead = lead_in(text, para_start)
    m = _YEAR.search(text, lead[0], lead[1]) if lead else None
    if m:
        return int(m.group("y"))
    return frames.year_at(pos) if frames is not None else None
