"""Numbers as Chinese plans write them: 三, 十二, 二十一, 一百零五, 两, 〇, ①, full-width ０-９.

>>> cn_to_int("十二"), cn_to_int("二十一"), cn_to_int("一百零五"), cn_to_int("两")
(12, 21, 105, 2)
>>> marker_number("⑤", "circled"), marker_number("１２", "arabic")
(5, 12)
>>> cn_decimal("九十点五")
90.5
>>> [cn_numeral(n) for n in (1, 10, 12, 20, 21, 105, 110)]
['一', '十', '十二', '二十', '二十一', '一百零五', '一百一十']
"""

from __future__ import annotations

from functools import lru_cache

_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# one-glyph markers of Unicode's enclosed forms, as some word processors and web pages write them:
# ㈠–㈩ (（一）–（十）), ⑴–⒇ ((1)–(20)), ⒈–⒛ (1.–20.)
_ENCLOSED = {chr(base + i): i + 1 for base, n in ((0x3220, 10), (0x2474, 20), (0x2488, 20)) for i in range(n)}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def to_ascii_digits(s: str) -> str:
    return s.translate(_FULLWIDTH)


@lru_cache(maxsize=4096)
def cn_to_int(s: str) -> int | None:
    """A Chinese integer up to the thousands; digit strings like 二〇二二 read digit by digit."""
    if not s:
        return None
    if all(c in _DIGITS for c in s) and len(s) > 1:
        return int("".join(str(_DIGITS[c]) for c in s))
    total = 0
    current = 0
    for ch in s:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (as Word's chineseCounting writes them)."""
    digits = "零一二三四五六七八九"
    if n <= 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else cn_numeral(rest) if rest >= 20 else "一" + cn_numeral(rest))
        return digits[n // 100] + "百" + tail
    return str(n)


def cn_decimal(s: str) -> float | None:
    """九十 → 90.0, 九十点五 → 90.5."""
    whole, _, frac = s.partition("点")
    w = cn_to_int(whole)
    if w is None:
        return None
    if not frac:
        return float(w)
    if not all(c in _DIGITS for c in frac):
        return None
    return float(f"{w}.{''.join(str(_DIGITS[c]) for c in frac)}")


def marker_number(num: str, kind: str) -> int:
    """The number a heading marker carries, by the family's number kind."""
    if num in _ENCLOSED:
        return _ENCLOSED[num]
    if kind == "circled":
        return _CIRCLED.index(num) + 1 if num in _CIRCLED else 0
    if kind == "arabic" or num[:1].isdigit() or num[:1] in "０１２３４５６７８９":
        return int(to_ascii_digits(num))
    return cn_to_int(num) or 0


def parse_number(s: str) -> float:
    """An Arabic number as written, full-width or with a full-width point."""
    return float(to_ascii_digits(s))
