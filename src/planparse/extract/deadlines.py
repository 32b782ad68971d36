"""Deadline phrases → ``Deadline`` (kind + ISO end date), by the rules of grammars/deadlines.toml.

Nothing here reads today's date: month-only phrases (``4月底前``) and years named from the plan's
own (``明年3月底前``) take ``ref_year``, which the caller derives from the plan (its date or
period), and tests pin.

>>> from planparse.grammar import load_grammars
>>> g = load_grammars()
>>> [(d.kind, d.date) for d in find_dates("2024年底前，完成溯源；2025年6月底前，全面完成", 0, 26, g, None)[0]]
[('by', '2024-12-31'), ('by', '2025-06-30')]
>>> d, w = parse_field("“十四五”末", 0, 7, g, None); (d.kind, d.date)
('by', '2025-12-31')
>>> d, w = parse_field("明年3月底前", 0, 7, g, 2024); (d.kind, d.date)
('by', '2025-03-31')
>>> d, w = parse_field("22020年底前", 0, 8, g, None); (d.date, w[0].code)
(None, 'bad-year')
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from functools import lru_cache

import regex

from planparse import rx
from planparse.grammar import Compiled, Grammars
from planparse.models import Deadline, Issue, Span
from planparse.numerals import cn_to_int, to_ascii_digits

MIN_YEAR, MAX_YEAR = 1949, 2100
_COMMITMENT_END = rx.compile(r"[。；;\n]")
# a date inside brackets ends its clause at the bracket that closes them: （2024年9月底前完成）
_CLOSE_BRACKET = rx.compile(r"[）)]")
_SENTENCE_END = rx.compile(r"[。\n]")
# （含5月16日）至…; 7月1日至年底: a stage to the year's end, as 7月1日至12月31日
_RANGE_NEXT = rx.compile(r"[ \t]*(?:[（(][^）)]{1,12}[）)])?[ \t]*(?:至|到|[-—–~～])[ \t]*(?:[0-9]|年[ \t]*[底末])")
_DATE_NOTE = rx.compile(r"[ \t]*[（(][^（()）\n]{0,3}")
_START_NEXT = rx.compile(r"[ \t]*(?:起|开始|以来|以后|之后)")
# what follows a year that is a baseline, not a date to reach: 在2020年基础上, 与2020年相比
BASE_YEAR_AFTER = r"[ \t]*(?:的)?(?:基础上|相比|为基数|为基准|水平|同期)"
_BASE_AFTER = rx.compile(BASE_YEAR_AFTER)
_QUOTE_CLOSES = rx.compile(r"[^，。；;,“]{0,20}”")
# 上旬, 月初 / 中旬, 上中旬: by the 10th / the 20th; 下旬 and 中下旬 are the month's end
_TENDAY = {"上旬": 10, "初": 10, "中旬": 20, "上中旬": 20}
# 完成时限：尽快 reads as relative (the table shows the kind), but it bounds nothing: the field still
# gets the warning a supervisor is shown for a deadline without a date or term (unparsed-deadline)
_VAGUE_RULES = ("soon",)
# 全年推进，12月底前完成: a field that runs through the year and names a day is due that day, as
# 持续推进，2025年底前完成 is (the day is what can be checked); 全年推进，持续开展 keeps its year
_THROUGH_RULES = ("whole-year", "year-whole")
# 截至2023年底，全县已建成…: a stock at a date before the plan's year is a statistic
_AS_OF = ("截至", "截止")
# 自印发之日起至…前, 政策执行至2022年底, 有效期至…: a window or a validity, not a commitment. 截至
# before a date without its year (截至6月底) stays here: past or future, the plan's year cannot tell.
_NOT_COMMITMENT = rx.compile(r"(?:较|比|自|从|由|截至|以来|按照|根据|按|起|执行|有效期|延续|延长|延期)[ \t]*$")


def _number(s: str) -> int:
    """2025, ２０２５ or 二〇二五."""
    s = to_ascii_digits(s)
    return int(s) if s.isdigit() else cn_to_int(s) or 0


def _fyp_years(name: str) -> tuple[int, int] | None:
    """十四五 → (2021, 2025): the n-th five-year plan starts in 1951 + 5n."""
    n = cn_to_int(name[:-1])
    if not n:
        return None
    start = 1951 + 5 * n
    return start, start + 4


def _rel_year(m: regex.Match[str]) -> tuple[int, str] | None:
    """A year named from the plan's own (the grammar's ``rel_<n>[f|c]`` groups): how many years
    after it, and where prose reads it — "" everywhere, "f" never, "c" after a year in its sentence.
    明年 → (1, ""); 当年 → (0, "f"); 次年 → (1, "c")."""
    for name, years, where in _rel_groups(m.re):
        if m.group(name):
            return years, where
    return None


@lru_cache(maxsize=256)
def _rel_groups(pattern: regex.Pattern[str]) -> tuple[tuple[str, int, str], ...]:
    """A rule's ``rel_`` groups, read once (a match's groupdict builds every group of the rule)."""
    return tuple((name, int(name[4]), name[5:]) for name in pattern.groupindex if name.startswith("rel_"))


def _own_year(gd: dict[str, str | None]) -> int | None:
    """The year a phrase writes: 2024, ２０２４, 二〇二四, or two figures before its end (24年底前: 2024)."""
    if gd.get("year"):
        return _number(gd["year"] or "")
    if gd.get("yy"):
        return 2000 + _number(gd["yy"] or "")
    return None


def _needs_ref_year(m: regex.Match[str], rule: Compiled) -> bool:
    """A dated rule written without a year (4月底前, 年底前), a period of months without one (4—6月),
    or a year named from the plan's own (明年3月底前): the plan's reference year completes it."""
    if _rel_year(m) is not None:
        return True
    gd = m.groupdict()
    if gd.get("year") or gd.get("yy"):
        return False
    return rule.attrs["date"] in ("month-end", "day", "year-end", "quarter-end", "half-end") or (
        rule.attrs["kind"] == "period" and not gd.get("fyp")
    )


def _build(m: regex.Match[str], rule: Compiled, ref_year: int | None) -> tuple[Deadline, list[Issue]]:
    kind = rule.attrs["kind"]
    how = rule.attrs["date"]
    gd = m.groupdict()
    raw = m.group(0)
    span = Span((m.start(), m.end()))
    warnings: list[Issue] = []
    date: str | None = None
    start_year = end_year = None
    year = _own_year(gd)
    rel = _rel_year(m)
    if rel is not None and ref_year is not None:
        year = ref_year + rel[0]  # 明年 in a 2024 plan is 2025; without a reference year, no date
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        warnings.append(Issue(code="bad-year", message=f"impossible year {year} in {raw!r}", span=span))
        return Deadline(raw=raw, kind=kind, date=None, span=span, rule=rule.id), warnings
    if gd.get("fyp"):
        years = _fyp_years(gd["fyp"])
        if years:
            start_year, end_year = years
            year = end_year
    if rel is None and _needs_ref_year(m, rule):
        year = ref_year  # 4月底前, 4—6月: in the plan's year
    if gd.get("year2") or (kind == "period" and year is not None and not gd.get("fyp")):
        start_year, end_year = year, _number(gd["year2"]) if gd.get("year2") else year
    elif kind in ("ongoing", "recurring") and year is not None:  # 2025年起, 2025年起每年: from that year on
        start_year, year = year, None
    if year is not None:
        try:
            if how in ("year-end", "fyp-end"):
                date = dt.date(year, 12, 31).isoformat()
            elif how == "month-end":
                month = _number(gd["month"])
                day = _TENDAY.get(gd.get("tenday") or "") or calendar.monthrange(year, month)[1]
                date = dt.date(year, month, day).isoformat()
            elif how == "day":
                date = dt.date(year, _number(gd["month"]), _number(gd["day"])).isoformat()
            elif how == "quarter-end":
                q = "一二三四".find(gd["quarter"]) + 1 or int(gd["quarter"])
                date = dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1]).isoformat()
            elif how == "half-end":
                date = dt.date(year, 6, 30).isoformat() if gd["half"] in "上中" else dt.date(year, 12, 31).isoformat()
        except ValueError:
            warnings.append(Issue(code="bad-date", message=f"impossible date in {raw!r}", span=span))
            date = None
    return (
        Deadline(raw=raw, kind=kind, date=date, span=span, start_year=start_year, end_year=end_year, rule=rule.id),
        warnings,
    )


class _Scan:
    """Where each rule is tried over ``text[start:end]``: everywhere, or for a rule with an ``anchor``
    only in the sentences that hold one (most plan text holds no date; an anchor such as a year is
    found far faster than the rule). A region runs past its sentence's end by two characters, so
    what a rule checks after a match (``(?=[。；]|$)``) reads the same as in a whole-text scan."""

    def __init__(self, text: str, start: int, end: int, g: Grammars) -> None:
        self.text, self.start, self.end = text, start, end
        self.next_end = g.deadline_sentence_end
        self.last_end = g.deadline_sentence_end_back
        self.cache: dict[str, list[tuple[int, int]]] = {}

    def regions(self, anchor: regex.Pattern[str] | None) -> list[tuple[int, int]]:
        if anchor is None:
            return [(self.start, self.end)]
        out = self.cache.get(anchor.pattern)
        if out is None:
            out = []
            text, start, end = self.text, self.start, self.end
            for m in anchor.finditer(text, start, end):
                if out and m.start() < out[-1][1] - 2:
                    continue  # in the sentence already taken
                before = self.last_end.search(text, start, m.start())
                after = self.next_end.search(text, m.end(), end)
                s = before.end() if before else start
                e = min(end, after.start() + 2) if after else end
                if out and s <= out[-1][1]:
                    out[-1] = (out[-1][0], e)
                else:
                    out.append((s, e))
            self.cache[anchor.pattern] = out
        return out


def _matches(text: str, start: int, end: int, g: Grammars) -> list[tuple[regex.Match[str], Compiled, int]]:
    """Non-overlapping rule matches, leftmost first, then longest, then rule order."""
    found: list[tuple[int, int, int, regex.Match[str], Compiled]] = []
    scan = _Scan(text, start, end, g)
    for order, rule in enumerate(g.deadline_rules):
        for lo, hi in scan.regions(rule.attrs["anchor"]):
            for m in rule.pattern.finditer(text, lo, hi):
                if m.end() > m.start():
                    found.append((m.start(), -(m.end() - m.start()), order, m, rule))
    found.sort(key=lambda t: t[:3])
    out: list[tuple[regex.Match[str], Compiled, int]] = []
    last_end = -1
    for s, _neg, order, m, rule in found:
        if s >= last_end:
            out.append((m, rule, order))
            last_end = m.end()
    return out


def holds_date(text: str, start: int, end: int, g: Grammars) -> bool:
    """Whether ``text[start:end]`` holds a deadline phrase (``2023年起长期坚持``, ``2024年底前``)."""
    return bool(_matches(text, start, end, g))


def parse_field(
    text: str, start: int, end: int, g: Grammars, ref_year: int | None, index: DateIndex | None = None
) -> tuple[Deadline | None, list[Issue]]:
    """The deadline a 完成时限 field gives, read from its head: ``5月底取得阶段性成效并持续推进``
    is by the end of May. A field that lists several dates (``2024年底前…；2025年底前…``) gives
    the latest of them; a date without a year there is in the year the date before it gave. A year
    that qualifies a noun there (明确2024年金融指标) is no time of the field's when it gives others."""
    cands: list[Deadline] = []
    warnings: list[Issue] = []
    found = index.within(start, end) if index is not None and index.text is text else _matches(text, start, end, g)
    year = ref_year
    for m, rule, _ in found:
        after = rule.attrs.get("prose_not_next")
        if len(found) > 1 and after is not None and after.match(text, m.end()):
            continue  # "①3月底前…明确2024年金融指标…②6月底前…": a year that names a goal's, among the cell's times
        rel = _rel_year(m)
        d, w = _build(m, rule, ref_year if rel is not None and not rel[1] else year)  # 明年 is the plan's, 次年 the phrase's
        cands.append(d)
        warnings.extend(w)
        if d.date:  # "2024年6月底前启动，年底前完成": a phrase without a year is in the year the field gave
            year = int(d.date[:4])
        elif d.kind == "period" and d.start_year is not None and d.start_year == d.end_year:
            year = d.end_year  # "2025年全年推进，12月底前完成": the 12月 of that year
    if not cands:
        return None, warnings
    dated = [d for d in cands if d.date]
    if len(dated) >= 2:
        return max(dated, key=lambda d: d.date or ""), warnings
    head = cands[0]
    if head.rule in _THROUGH_RULES:
        head = next((c for c in cands[1:] if c.date), head)
    elif head.kind in ("relative", "ongoing") and head.date is None:
        # "立行立改，2024年底前全面完成", "即日起至2024年12月31日", "持续推进，2025年底前完成": done by that
        # date, as "2025年底前完成并长期坚持" is (the date is what can be checked); "立行立改，长期坚持":
        # done at once and then kept up — an ongoing task
        head = next((c for c in cands[1:] if c.date), None) or next((c for c in cands[1:] if c.kind == "ongoing"), head)
    if head.rule in _VAGUE_RULES:
        warnings.append(Issue(code="unparsed-deadline", message=f"no date or term in {head.raw!r}: read as {head.kind}", span=head.span))
    rest = text[head.span.end : end].strip(" \t，,；;。")
    return head.model_copy(update={"commitment": rest or None}), warnings


def latest(deadlines: list[Deadline]) -> Deadline:
    """Ongoing if any is ongoing; else the latest dated one; else the first."""
    ongoing = [d for d in deadlines if d.kind == "ongoing"]
    if ongoing:
        return ongoing[0]
    dated = [d for d in deadlines if d.date]
    if dated:
        return max(dated, key=lambda d: d.date or "")
    return deadlines[0]


class DateIndex:
    """Every deadline phrase of a text, found once; ranges are then looked up, not rescanned."""

    def __init__(self, text: str, g: Grammars) -> None:
        self.text = text
        self.g = g
        self.matches = _matches(text, 0, len(text), g)
        self.starts = [m.start() for m, _, _ in self.matches]

    def within(self, start: int, end: int) -> list[tuple[regex.Match[str], Compiled, int]]:
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [t for t in self.matches[lo:hi] if t[0].end() <= end]


def find_dates(
    text: str,
    start: int,
    end: int,
    g: Grammars,
    ref_year: int | None,
    kinds: tuple[str, ...] = ("by", "period"),
    index: DateIndex | None = None,
    min_year: int | None = None,
) -> tuple[list[Deadline], list[Issue]]:
    """Dated commitments in prose: each date phrase with the clause it governs. In one sentence a
    date without a year is in the year of the dated commitment before it (2024年6月底前完成排查；
    9月底前完成整治: 2024-09-30, whatever the plan's year), as in a deadline field."""
    out: list[Deadline] = []
    warnings: list[Issue] = []
    found = index.within(start, end) if index is not None and index.text is text else _matches(text, start, end, g)
    in_range = False
    said_year, said_until = None, -1  # the year the sentence has given, and where that sentence ends
    for k, (m, rule, _) in enumerate(found):
        year = said_year if m.start() < said_until else ref_year
        if k and _DATE_NOTE.fullmatch(text, found[k - 1][0].end(), m.start()):
            continue  # a note restating the date before: 至2024年5月15日（含5月15日）
        # a range the rules split ("2022年4月至2022年12月31日"): a validity window, not a commitment
        was_range, in_range = in_range, _RANGE_NEXT.match(text, m.end()) is not None or _START_NEXT.match(text, m.end()) is not None
        if was_range or in_range or _NOT_COMMITMENT.search(text, max(0, m.start() - 4), m.start()):
            continue
        before = text[max(0, m.start() - 60) : m.start()]
        if before.rfind("《") > before.rfind("》"):
            continue  # inside a cited title: 《…2030年前碳达峰行动方案》 (the last mark tells, as the window may cut one)
        if _BASE_AFTER.match(text, m.end()):
            continue  # "在2020年基础上", "与2020年相比": the baseline, not a commitment
        near = text[max(0, m.start() - 20) : m.start()]
        if near.count("“") > near.count("”") and _QUOTE_CLOSES.match(text, m.end()):
            continue  # a name in quotes: “2022年跨年迎新购物季”
        if rule.attrs["kind"] not in kinds or not rule.attrs["in_prose"] or (year is None and _needs_ref_year(m, rule)):
            continue
        rel = _rel_year(m)
        if rel is not None and (rel[1] == "f" or (rel[1] == "c" and m.start() >= said_until)):
            continue  # 当年开工、当年见效; 次年3月底前 alone: the year of a project or an event, not the plan's
        after = rule.attrs.get("prose_not_next")
        if after is not None and after.match(text, m.end()):
            continue  # a year that qualifies a noun: 2021年度国土变更调查, 2022年最低工资标准
        d, w = _build(m, rule, ref_year if rel is not None and not rel[1] else year)  # 明年 is the plan's
        warnings.extend(w)
        last = int(d.date[:4]) if d.date else d.end_year
        if min_year is not None and last is not None and last < min_year:
            continue  # a year (or a period: “十三五”期间, 2005—2015年) before the plan starts is history
        if d.raw.startswith(_AS_OF) and last is not None and ref_year is not None and last < ref_year:
            continue  # 截至2023年底 in a 2024 plan: where things stood, not a target (截至2025年底 is one)
        if d.date:
            stop = _SENTENCE_END.search(text, m.end(), end)
            said_year, said_until = int(d.date[:4]), stop.start() if stop else end
        c_start = m.end()
        while c_start < end and text[c_start] in "，, \t前":
            c_start += 1
        stop = _COMMITMENT_END.search(text, c_start, end)
        c_end = stop.start() if stop else end
        if max(before.rfind("（"), before.rfind("(")) > max(before.rfind("）"), before.rfind(")")):
            close = _CLOSE_BRACKET.search(text, c_start, c_end)
            c_end = close.start() if close else c_end  # "（2024年9月底前完成）": the clause is 完成, not 完成）
        for m2, rule2, _ in found[k + 1 :]:
            if m2.start() >= c_end:
                break
            if rule2.attrs["kind"] == "by" and text[m2.start() - 1] in "，," and (_rel_year(m2) or (0, ""))[1] != "f":
                c_end = m2.start()  # "…置换计划，2025年年底前钢铁行业…": the next dated clause has its own
                break
        commitment = text[c_start:c_end].strip().rstrip("，,") or None
        out.append(d.model_copy(update={"commitment": commitment}))
    return out, warnings
