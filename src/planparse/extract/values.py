"""Numbers with their units in plan text: the values targets are made of.

A value is a number (or a placeholder ``XX``) with a unit from grammars/targets.toml (``120万吨/年``),
a bare number (a coefficient, a ratio: kept only after a comparator), or a Chinese share
(``百分之九十``, ``两成``, ``三分之一`` → 33.33 %). 万 or 亿 alone is a unit only where the value ends
(``人次达到7300万``), never before 元. Two numbers joined as a range (``14%—15%``) are one value with an upper end.

>>> from planparse.grammar import load_grammars
>>> [(v.value, v.unit) for v in values("森林覆盖率达到31.48%，系数0.6，XX万吨，百分之九十", load_grammars())]
[(31.48, '%'), (0.6, None), (None, '万吨'), (90.0, '%')]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from planparse import rx
from planparse.grammar import Grammars
from planparse.numerals import cn_decimal, cn_to_int, parse_number

NUMBER = r"(?=[0-9XxＸ×])(?P<num>(?<![0-9A-Za-z_.．{])(?:[0-9]+(?:[.．][0-9]+)?|[XxＸ×]{1,3}))"
SPACES = rx.compile(r"[ \t]*")
# a bare number, never a year (达到2025年的水平) nor a month or day
_BARE_NUMBER = rx.compile(r"(?=[0-9])(?<![0-9A-Za-z_.．{/])[0-9]+(?:[.．][0-9]+)?(?![0-9.．A-Za-z%％‰])(?![ \t]*[年月日])")
_PLACEHOLDER = rx.compile(r"^[XxＸ×]+$")


@dataclass
class Value:
    """One number in the text: where it stands (from the number to the end of its unit), its value
    (None for a placeholder), its unit (None for a bare number)."""

    start: int
    end: int  # end of unit
    value: float | None
    unit: str | None
    placeholder: bool
    num_start: int
    value_max: float | None = None  # the upper end of a range (14%—15%)


@functools.lru_cache(maxsize=8)
def _value_pattern(units: tuple[str, ...], scale: str) -> regex.Pattern[str]:
    """A number (or XX) and the unit after it: 120万吨/年; else 万 or 亿 alone (``scale_unit``), tried
    last so that 万吨 or 万人次 win, in the same scan."""
    unit_alt = "|".join(regex.escape(u) for u in sorted(set(units), key=len, reverse=True))
    return rx.compile(NUMBER + r"[ \t]*(?P<unit>(?:" + unit_alt + r")(?:/(?:年|日|天|小时|月))?|" + scale + ")")


def values(text: str, g: Grammars) -> list[Value]:
    tp = g.target_patterns
    tv = g.targets.values
    pat = _value_pattern(tuple(tv.units + tv.count_units + tv.comparator_units), tp["scale_unit"].pattern)
    out: list[Value] = []
    for m in pat.finditer(text):
        num = m.group("num")
        ph = bool(_PLACEHOLDER.match(num))
        unit = "%" if m.group("unit") == "％" else m.group("unit")
        out.append(Value(m.start(), m.end(), None if ph else parse_number(num), unit, ph, m.start()))
    with_unit = {v.num_start for v in out}
    for m in _BARE_NUMBER.finditer(text):  # a coefficient or ratio: kept only after a comparator (find_targets)
        after = SPACES.match(text, m.end()).end()
        if m.start() not in with_unit and not tp["unit"].match(text, after) and not tp["count_unit"].match(text, after):
            out.append(Value(m.start(), m.end(), parse_number(m.group()), None, False, m.start()))
    for key in ("cn_percent", "cn_tenths"):
        for m in tp[key].finditer(text):
            v = cn_decimal(m.group("cn")) if key == "cn_percent" else (cn_to_int(m.group("cn")) or 0) * 10.0
            out.append(Value(m.start(), m.end(), v, "%", False, m.start()))
    for m in tp["cn_fraction"].finditer(text) if "分之" in text else ():  # 三分之一 → 33.33 %, like 百分之九十
        den, num = cn_to_int(m.group("den")) or 0, cn_to_int(m.group("cn")) or 0
        if 0 < num < den:
            out.append(Value(m.start(), m.end(), round(100.0 * num / den, 2), "%", False, m.start()))
    out.sort(key=lambda v: v.start)
    return _ranges(text, out, tp["range_joiner"])


def _ranges(text: str, found: list[Value], joiner: regex.Pattern[str]) -> list[Value]:
    """``14%—15%``, ``30～35微克/立方米``: two numbers joined as a range are one value, from the first
    (its unit said or left to the second) up to the second."""
    out: list[Value] = []
    for v in found:
        a = out[-1] if out else None
        if (
            a is not None
            and a.value_max is None
            and v.unit is not None
            and a.unit in (None, v.unit)
            and a.value is not None
            and v.value is not None
            and a.value < v.value
            and joiner.fullmatch(text, a.end, v.start)
        ):
            out[-1] = Value(a.start, v.end, a.value, v.unit, False, a.num_start, v.value)
        else:
            out.append(v)
    return out
